"""What the meetings dialog's buttons and inputs do.

Ids that come back in callbacks are checked by the service on every use."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.api.entities import ChatEvent
from aiogram_dialog.widgets.kbd import Button
from aiogram_dialog.widgets.kbd.calendar_kbd import ManagedCalendar

from bot.dialogs.meetings.common import clear_draft, context, data, pair_id_of, svc, young
from bot.dialogs.states import MeetingLog
from bot.dialogs.widgets import actor_of, hint, plain_text_of
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.meetings import FIT_ANSWERS, FORMATS, KINDS, clean_clock, clean_day


async def on_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict):
        data(manager).update(start_data)


async def on_pair(callback: CallbackQuery, _w: Any, manager: DialogManager, pair_id: int) -> None:
    await svc(manager).pair_context(actor_of(manager), pair_id, "meeting.open")
    data(manager)["pair_id"] = pair_id
    clear_draft(manager)
    await manager.switch_to(MeetingLog.day)


async def _set_day(manager: DialogManager, day: date) -> None:
    ctx = await context(manager, "meeting.log")
    svc(manager).check_day(ctx, day)
    data(manager)["day"] = day.isoformat()
    await manager.switch_to(MeetingLog.confirm)


async def on_today(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    ctx = await context(manager)
    await _set_day(manager, svc(manager).today(ctx))


async def on_yesterday(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    ctx = await context(manager)
    await _set_day(manager, svc(manager).today(ctx) - timedelta(days=1))


async def on_calendar_day(
    callback: ChatEvent, _w: ManagedCalendar, manager: DialogManager, day: date, /
) -> None:
    try:
        await _set_day(manager, day)
    except InvalidInput as exc:
        if isinstance(callback, CallbackQuery | Message):
            await hint(manager, callback, f"error-{exc.code}")


async def on_typed_day(message: Message, _w: Any, manager: DialogManager) -> None:
    ctx = await context(manager)
    try:
        day = clean_day(message.text or "", svc(manager).today(ctx))
        await _set_day(manager, day)
    except InvalidInput as exc:
        await hint(manager, message, f"error-{exc.code}")


async def on_save(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    d = data(manager)
    fields = {
        "day": date.fromisoformat(d["day"]),
        "kind": d["kind"],
        "duration_min": int(d["duration"]),
        "format": d["format"],
        "topic": d.get("topic"),
        "outcome": d.get("outcome"),
        "present": d.get("present"),
    }
    service = svc(manager)
    if d.get("edit_id"):
        view = await service.edit(actor_of(manager), int(d["edit_id"]), **fields)
    else:
        view = await service.log(actor_of(manager), pair_id_of(manager), **fields)
    clear_draft(manager)
    d["meeting_id"] = view.id
    await manager.switch_to(MeetingLog.saved)


async def on_kind(callback: CallbackQuery, _w: Any, manager: DialogManager, kind: str) -> None:
    if kind not in KINDS:
        return
    data(manager)["kind"] = kind
    await manager.switch_to(MeetingLog.confirm)


async def on_duration(callback: CallbackQuery, _w: Any, manager: DialogManager, value: int) -> None:
    data(manager)["duration"] = int(value)
    await manager.switch_to(MeetingLog.confirm)


async def on_typed_duration(message: Message, manager: DialogManager, value: int) -> None:
    data(manager)["duration"] = value
    await manager.switch_to(MeetingLog.confirm)


async def on_format(callback: CallbackQuery, _w: Any, manager: DialogManager, fmt: str) -> None:
    if fmt in FORMATS:
        data(manager)["format"] = fmt
    await manager.switch_to(MeetingLog.confirm)


async def on_topic(message: Message, manager: DialogManager, value: str) -> None:
    data(manager)["topic"] = value
    await manager.switch_to(MeetingLog.confirm)


async def on_outcome(message: Message, manager: DialogManager, value: str) -> None:
    data(manager)["outcome"] = value
    await manager.switch_to(MeetingLog.confirm)


async def on_clear_text(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    data(manager).pop("topic" if button.widget_id == "clear_topic" else "outcome", None)
    await manager.switch_to(MeetingLog.confirm)


async def on_toggle(callback: CallbackQuery, _w: Any, manager: DialogManager, mid: int) -> None:
    ctx = await context(manager)
    if mid not in {m.membership_id for m in ctx.mentees}:
        return
    present = set(data(manager).get("present", []))
    present ^= {mid}
    data(manager)["present"] = sorted(present)


async def on_attendance_done(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    if not data(manager).get("present"):
        await hint(manager, callback, "meetings-attendance-empty")
        return
    await manager.switch_to(MeetingLog.confirm)


async def on_history_item(
    callback: CallbackQuery, _w: Any, manager: DialogManager, meeting_id: int
) -> None:
    await svc(manager).view(actor_of(manager), meeting_id)  # refuses another pair's
    data(manager)["meeting_id"] = meeting_id
    await manager.switch_to(MeetingLog.view)


async def on_edit(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    view = await svc(manager).view(actor_of(manager), data(manager)["meeting_id"])
    if not view.can_edit:
        locked = "curator-only" if view.curator_only else "locked"
        await hint(manager, callback, f"error-meeting-{locked}")
        return
    data(manager).update(
        edit_id=view.id,
        day=view.day.isoformat(),
        kind=view.kind,
        duration=view.duration_min or 45,
        format=view.format,
        topic=view.topic,
        outcome=view.outcome,
        present=[a.membership_id for a in view.attendance if a.present],
    )
    await manager.switch_to(MeetingLog.confirm)


async def on_delete(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await svc(manager).delete(actor_of(manager), data(manager)["meeting_id"])
    data(manager).pop("meeting_id", None)
    await callback.answer(plain_text_of(manager, "meetings-deleted"))
    await manager.switch_to(MeetingLog.history)


async def on_held_yes(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    view = await svc(manager).held_as_planned(actor_of(manager), data(manager)["meeting_id"])
    data(manager)["pair_id"] = view.pair_id
    await manager.switch_to(MeetingLog.saved)


async def on_held_no(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await svc(manager).not_held(actor_of(manager), data(manager)["meeting_id"])
    await callback.answer(plain_text_of(manager, "meetings-not-held-noted"))
    await manager.switch_to(MeetingLog.day)


async def on_accept(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    open_id = data(manager).get("open_id")
    if open_id is None:  # a stale button: the proposal was answered or is gone
        raise NotFound()
    await svc(manager).accept(actor_of(manager), int(open_id))
    await callback.answer(plain_text_of(manager, "meetings-accepted"))


async def on_counter(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data(manager)["counter_id"] = data(manager).get("open_id")
    data(manager).pop("move_id", None)
    await manager.switch_to(MeetingLog.plan_day)


async def on_move(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """Move the agreed meeting: a new day and time, which the other side then accepts."""
    data(manager)["move_id"] = data(manager).get("agreed_id")
    data(manager).pop("counter_id", None)
    await manager.switch_to(MeetingLog.plan_day)


async def on_plan(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data(manager).pop("counter_id", None)
    data(manager).pop("move_id", None)
    await manager.switch_to(MeetingLog.plan_day)


async def _set_plan_day(manager: DialogManager, day: date) -> None:
    ctx = await context(manager)
    if day < svc(manager).today(ctx):
        raise InvalidInput("meeting-plan-past")
    data(manager)["plan_day"] = day.isoformat()
    await manager.switch_to(MeetingLog.plan_time)


async def on_plan_offset(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    ctx = await context(manager)
    offset = 1 if button.widget_id == "tomorrow" else 2
    await _set_plan_day(manager, svc(manager).today(ctx) + timedelta(days=offset))


async def on_plan_calendar(
    callback: ChatEvent, _w: ManagedCalendar, manager: DialogManager, day: date, /
) -> None:
    try:
        await _set_plan_day(manager, day)
    except InvalidInput as exc:
        if isinstance(callback, CallbackQuery | Message):
            await hint(manager, callback, f"error-{exc.code}")


async def on_plan_typed_day(message: Message, _w: Any, manager: DialogManager) -> None:
    ctx = await context(manager)
    try:
        await _set_plan_day(manager, clean_day(message.text or "", svc(manager).today(ctx)))
    except InvalidInput as exc:
        await hint(manager, message, f"error-{exc.code}")


async def _propose(manager: DialogManager, event: Message | CallbackQuery, text: str) -> None:
    try:
        at = clean_clock(text)
        day = date.fromisoformat(data(manager)["plan_day"])
        service = svc(manager)
        counter_id = data(manager).get("counter_id")
        move_id = data(manager).get("move_id")
        if counter_id:
            await service.counter(actor_of(manager), int(counter_id), day=day, at=at)
        elif move_id:
            await service.reschedule(actor_of(manager), int(move_id), day=day, at=at)
        else:
            await service.propose(actor_of(manager), pair_id_of(manager), day=day, at=at)
    except InvalidInput as exc:
        await hint(manager, event, f"error-{exc.code}")
        return
    data(manager).pop("counter_id", None)
    data(manager).pop("move_id", None)
    await manager.switch_to(MeetingLog.planned)


async def on_plan_time(
    callback: CallbackQuery, _w: Any, manager: DialogManager, value: str
) -> None:
    await _propose(manager, callback, value)


async def on_plan_typed_time(message: Message, _w: Any, manager: DialogManager) -> None:
    await _propose(manager, message, message.text or "")


async def on_happened(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    happened = button.widget_id == "happened"
    try:
        await svc(manager).confirm(
            actor_of(manager), data(manager)["meeting_id"], happened=happened
        )
    except DomainError as refused:
        if refused.code != "meeting-answer-final":
            raise
        # A child reads «ты»; the screen shows the answer they gave, without the buttons.
        minor = young(await context(manager), manager) == "yes"
        await hint(manager, callback, "error-meeting-answer-final" + ("-young" if minor else ""))
        return
    if happened:
        await manager.switch_to(MeetingLog.rate)
    else:
        await _after_answer(manager)


async def on_rating(callback: CallbackQuery, _w: Any, manager: DialogManager, value: int) -> None:
    data(manager)["rating"] = int(value)
    await manager.switch_to(MeetingLog.comment)


async def on_no_rating(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """A rating is welcome, never required: the meeting stays confirmed without one."""
    data(manager).pop("rating", None)
    await _after_answer(manager)


async def on_comment(message: Message, manager: DialogManager, value: str) -> None:
    data(manager)["comment"] = value
    await manager.switch_to(MeetingLog.share)


async def _save_rating(manager: DialogManager, share: bool) -> None:
    d = data(manager)
    await svc(manager).rate(
        actor_of(manager),
        d["meeting_id"],
        rating=int(d["rating"]),
        comment=d.pop("comment", None),
        share=share,
    )
    await _after_answer(manager)


async def on_no_comment(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    data(manager).pop("comment", None)
    await _save_rating(manager, False)


async def on_share(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _save_rating(manager, button.widget_id == "share_yes")


async def _after_answer(manager: DialogManager) -> None:
    service = svc(manager)
    actor = actor_of(manager)
    if await service.fit_due(actor, pair_id_of(manager)):
        await manager.switch_to(MeetingLog.fit)
        return
    pending = await service.pending_for(actor)
    if pending:
        data(manager).update(meeting_id=pending[0].meeting_id, pair_id=pending[0].pair_id)
        await manager.switch_to(MeetingLog.ask)
        return
    await manager.switch_to(MeetingLog.thanks)


async def on_fit(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    answer = (button.widget_id or "").removeprefix("fit_")
    if answer in FIT_ANSWERS:
        await svc(manager).answer_fit(actor_of(manager), pair_id_of(manager), answer)
    await _after_answer(manager)


async def on_to_planned(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await manager.switch_to(MeetingLog.planned)
