"""/meeting: the fastest thing in the bot. A mentor with one pair logs a usual meeting in
three taps at most: (the pair, when there are several) → the date → one button repeating
the pair's usual combination («Регулярная · 45 мин · очно»), which saves. Every field can
be changed instead; a group meeting records who was there. Also here: the pair's history
(newest first, paged, each meeting opened to edit or delete within the rules), planning the
next meeting (propose, accept, another time), «Встреча состоялась?» after a planned one,
and the mentee's side (did it happen, a rating, a comment, how the pair fits).

Ids that come back in callbacks are checked by the service on every use."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.api.entities import ChatEvent
from aiogram_dialog.widgets.kbd import (
    Button,
    Calendar,
    CalendarConfig,
    Column,
    Group,
    Row,
    Select,
    SwitchTo,
)
from aiogram_dialog.widgets.kbd.calendar_kbd import CalendarUserConfig, ManagedCalendar
from aiogram_dialog.widgets.text import Format
from markupsafe import Markup

from bot.dialogs.paging import back_to_menu, paged_select, shorten, to_menu
from bot.dialogs.states import MeetingLog
from bot.dialogs.widgets import (
    Html,
    T,
    actor_of,
    buttons_only,
    hint,
    plain_text_of,
    services_of,
    text_of,
    validated_text,
)
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.meetings import (
    DURATIONS,
    FIT_ANSWERS,
    FORMATS,
    KINDS,
    MeetingService,
    MeetingView,
    PairContext,
    clean_clock,
    clean_comment,
    clean_day,
    clean_duration,
    clean_outcome,
    clean_topic,
)

DRAFT_KEYS = ("day", "kind", "duration", "format", "topic", "outcome", "present", "edit_id")
PLAN_TIMES = ("15:00", "16:00", "17:00")


def svc(manager: DialogManager) -> MeetingService:
    return services_of(manager).meetings


def data(manager: DialogManager) -> dict[str, Any]:
    return manager.dialog_data


def pair_id_of(manager: DialogManager) -> int:
    value = data(manager).get("pair_id")
    if value is None and isinstance(manager.start_data, dict):
        value = manager.start_data.get("pair_id")
    if value is None:
        raise NotFound()
    return int(value)


async def context(manager: DialogManager, action: str = "meeting.open") -> PairContext:
    return await svc(manager).pair_context(
        actor_of(manager), pair_id_of(manager), action, sides=("mentor", "mentee")
    )


def young(ctx: PairContext, manager: DialogManager) -> str:
    me = ctx.mentee_of(actor_of(manager).user_id)
    return "yes" if me is not None and me.is_minor else "no"


def kind_label(manager: DialogManager, kind: str) -> str:
    return plain_text_of(manager, f"meetings-kind-{kind}")


def summary(manager: DialogManager, kind: str, duration: int, fmt: str) -> str:
    """«Регулярная · 45 мин · очно» (plain text: it is also a button label)."""
    return plain_text_of(
        manager,
        "meetings-summary",
        kind=kind_label(manager, kind),
        duration=duration,
        format=plain_text_of(manager, f"meetings-format-{fmt}"),
    )


def day_text(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def clear_draft(manager: DialogManager) -> None:
    for key in DRAFT_KEYS:
        data(manager).pop(key, None)


# --- start: which pair ------------------------------------------------------------------------


async def on_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict):
        data(manager).update(start_data)


async def pairs_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor = actor_of(dialog_manager)
    service = svc(dialog_manager)
    seen: set[int] = set()
    items = []
    for side in ("mentor", "curator"):
        for choice in await service.pairs_for(actor, side):
            if choice.pair_id in seen:
                continue
            seen.add(choice.pair_id)
            names = ", ".join(choice.mentee_names)
            label = names if side == "mentor" else f"{choice.mentor_name} → {names}"
            items.append({"id": choice.pair_id, "label": shorten(label, 40)})
    return {"pairs": items, "has_pairs": bool(items)}


async def on_pair(callback: CallbackQuery, _w: Any, manager: DialogManager, pair_id: int) -> None:
    await svc(manager).pair_context(actor_of(manager), pair_id, "meeting.open")
    data(manager)["pair_id"] = pair_id
    clear_draft(manager)
    await manager.switch_to(MeetingLog.day)


# --- the date -------------------------------------------------------------------------------


async def day_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    return {
        "pair": ctx.label(),
        "mentor": ctx.mentor.name,
        "curator_view": ctx.side == "curator",
        "timezone": ctx.timezone,
    }


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


class SchoolCalendar(Calendar):
    """A calendar in the school's time zone, up to today."""

    async def _get_user_config(
        self, data: dict[str, Any], manager: DialogManager
    ) -> CalendarUserConfig:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(data.get("timezone") or "Europe/Moscow")
        return CalendarUserConfig(timezone=tz)  # type: ignore[arg-type]


# --- the one-tap save and the fields ----------------------------------------------------------


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    d = data(dialog_manager)
    if "kind" not in d:
        usual = await svc(dialog_manager).usual(ctx)
        d.update(kind=usual.kind, duration=usual.duration_min, format=usual.format)
    if "present" not in d:
        d["present"] = [m.membership_id for m in ctx.mentees]
    label = summary(dialog_manager, d["kind"], d["duration"], d["format"])
    present = set(d["present"])
    lines = [
        text_of(dialog_manager, "meetings-confirm-pair", pair=ctx.label()),
        text_of(dialog_manager, "meetings-confirm-day", day=day_text(date.fromisoformat(d["day"]))),
        text_of(dialog_manager, "meetings-confirm-summary", summary=label),
    ]
    if d.get("topic"):
        lines.append(text_of(dialog_manager, "meetings-confirm-topic", topic=d["topic"]))
    if d.get("outcome"):
        lines.append(text_of(dialog_manager, "meetings-confirm-outcome", outcome=d["outcome"]))
    if ctx.is_group:
        names = ", ".join(m.name for m in ctx.mentees if m.membership_id in present)
        lines.append(text_of(dialog_manager, "meetings-confirm-present", names=names))
    save_key = "meetings-button-save-edit" if d.get("edit_id") else "meetings-button-save"
    return {
        "body": Markup("\n").join(lines),
        "save_label": plain_text_of(dialog_manager, save_key, summary=label),
        "is_group": ctx.is_group,
    }


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


async def kind_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    suggested = (await svc(dialog_manager).usual(ctx)).kind
    items = []
    for kind in KINDS:
        mark = "👉 " if kind == suggested else ""
        items.append({"id": kind, "label": mark + kind_label(dialog_manager, kind)})
    return {"kinds": items}


async def on_kind(callback: CallbackQuery, _w: Any, manager: DialogManager, kind: str) -> None:
    if kind not in KINDS:
        return
    data(manager)["kind"] = kind
    await manager.switch_to(MeetingLog.confirm)


async def durations_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"durations": [{"id": d, "label": str(d)} for d in DURATIONS]}


async def on_duration(callback: CallbackQuery, _w: Any, manager: DialogManager, value: int) -> None:
    data(manager)["duration"] = int(value)
    await manager.switch_to(MeetingLog.confirm)


async def on_typed_duration(message: Message, manager: DialogManager, value: int) -> None:
    data(manager)["duration"] = value
    await manager.switch_to(MeetingLog.confirm)


async def formats_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "formats": [
            {"id": f, "label": plain_text_of(dialog_manager, f"meetings-format-{f}-button")}
            for f in FORMATS
        ]
    }


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


async def attendance_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    present = set(data(dialog_manager).get("present", []))
    items = [
        {
            "id": m.membership_id,
            "label": shorten(("✅ " if m.membership_id in present else "⬜ ") + m.name, 40),
        }
        for m in ctx.mentees
    ]
    return {"mentees": items}


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


# --- after saving; history ----------------------------------------------------------------


async def saved_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    return {
        "summary": summary(dialog_manager, view.kind, view.duration_min or 0, view.format),
        "day": day_text(view.day),
    }


def history_label(manager: DialogManager, view: MeetingView) -> str:
    mark = {"all": "✅", "disputed": "⚠️", "waiting": "⏳", "none": "—"}[view.confirmation]
    if view.status == "cancelled":
        mark = "✖️"
    duration = plain_text_of(manager, "meetings-minutes", minutes=view.duration_min or 0)
    return f"{view.day:%d.%m} · {kind_label(manager, view.kind)} · {duration} · {mark}"


async def history_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    views = await svc(dialog_manager).history(actor_of(dialog_manager), pair_id_of(dialog_manager))
    items = [{"id": v.id, "label": shorten(history_label(dialog_manager, v), 40)} for v in views]
    return {"meetings": items, "count": len(items), "empty": not items}


async def on_history_item(
    callback: CallbackQuery, _w: Any, manager: DialogManager, meeting_id: int
) -> None:
    await svc(manager).view(actor_of(manager), meeting_id)  # refuses another pair's
    data(manager)["meeting_id"] = meeting_id
    await manager.switch_to(MeetingLog.view)


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    m = dialog_manager
    lines = [
        text_of(m, "meetings-view-title", day=day_text(view.day), status=view.status),
        text_of(
            m,
            "meetings-confirm-summary",
            summary=summary(m, view.kind, view.duration_min or 0, view.format),
        ),
    ]
    if view.topic:
        lines.append(text_of(m, "meetings-confirm-topic", topic=view.topic))
    if view.outcome:
        lines.append(text_of(m, "meetings-confirm-outcome", outcome=view.outcome))
    for a in view.attendance:
        state = (
            "absent"
            if not a.present
            else ("disputed" if a.disputed else ("yes" if a.confirmed else "waiting"))
        )
        lines.append(text_of(m, f"meetings-view-mentee-{state}", name=a.name))
        if a.rating is not None:
            lines.append(text_of(m, "meetings-view-rating", rating=a.rating))
        if a.comment:
            lines.append(text_of(m, "meetings-view-comment", comment=a.comment))
    if view.curator_only:  # why the mentor's buttons are gone
        lines.append(text_of(m, "meetings-view-curator-only"))
    return {"body": Markup("\n").join(lines), "can_edit": view.can_edit}


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


# --- «Встреча состоялась?» ----------------------------------------------------------------


async def held_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    when = view.starts_local.strftime("%d.%m %H:%M") if view.starts_local else day_text(view.day)
    return {
        "when": when,
        "summary": summary(dialog_manager, view.kind, view.duration_min or 0, view.format),
    }


async def on_held_yes(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    view = await svc(manager).held_as_planned(actor_of(manager), data(manager)["meeting_id"])
    data(manager)["pair_id"] = view.pair_id
    await manager.switch_to(MeetingLog.saved)


async def on_held_no(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await svc(manager).not_held(actor_of(manager), data(manager)["meeting_id"])
    await callback.answer(plain_text_of(manager, "meetings-not-held-noted"))
    await manager.switch_to(MeetingLog.day)


# --- planning --------------------------------------------------------------------------------


async def planned_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    views = await svc(dialog_manager).planned(actor_of(dialog_manager), ctx.pair_id)
    lines = []
    open_id = None
    agreed_id = None
    now = services_of(dialog_manager).settings.clock.now()
    for v in views:
        when = v.starts_local.strftime("%d.%m %H:%M") if v.starts_local else day_text(v.day)
        key = "agreed" if v.agreed else ("mine" if v.proposed_by_me else "theirs")
        lines.append(text_of(dialog_manager, f"meetings-planned-{key}", when=when))
        if not v.agreed and not v.proposed_by_me and open_id is None:
            open_id = v.id
        # The next agreed meeting still ahead may be moved by either side.
        if v.agreed and agreed_id is None and v.starts_local is not None and v.starts_local > now:
            agreed_id = v.id
    for key, value in (("open_id", open_id), ("agreed_id", agreed_id)):
        if value is not None:
            data(dialog_manager)[key] = value
        else:
            data(dialog_manager).pop(key, None)
    return {
        "body": Markup("\n").join(lines)
        if lines
        else text_of(dialog_manager, "meetings-planned-none", young=young(ctx, dialog_manager)),
        "has_open": open_id is not None,
        "can_move": agreed_id is not None and ctx.side in ("mentor", "mentee"),
        "can_plan": ctx.side in ("mentor", "mentee"),
        "is_mentee": ctx.side == "mentee",
        "young": young(ctx, dialog_manager),
    }


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


async def plan_day_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    return {"timezone": ctx.timezone, "young": young(ctx, dialog_manager)}


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


async def times_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    day = date.fromisoformat(data(dialog_manager)["plan_day"])
    return {
        "times": [{"id": t, "label": t} for t in PLAN_TIMES],
        "day": day_text(day),
        "young": young(ctx, dialog_manager),
    }


# --- the mentee's side -----------------------------------------------------------------------


async def ask_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await svc(dialog_manager).view(
        actor_of(dialog_manager), data(dialog_manager)["meeting_id"]
    )
    data(dialog_manager)["pair_id"] = view.pair_id
    ctx = await context(dialog_manager)
    # Answered already (on this screen a moment ago, from another update): no buttons that
    # would be refused — the answer is given once, the curator changes it.
    answered = any(a.confirmed is not None or a.disputed for a in view.attendance)
    return {
        "day": day_text(view.day),
        "kind": kind_label(dialog_manager, view.kind),
        "mentor": ctx.mentor.name,
        "young": young(ctx, dialog_manager),
        "answered": answered,
        "open": not answered,
    }


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


async def young_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ctx = await context(dialog_manager)
    return {
        "young": young(ctx, dialog_manager),
        "ratings": [{"id": i, "label": str(i)} for i in range(1, 6)],
    }


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


def meeting_log_dialog() -> Dialog:
    day_input = _message_input(on_typed_day)
    return Dialog(
        Window(
            T("meetings-choose-pair"),
            paged_select("{item[label]}", "pair", "pairs", on_pair),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=MeetingLog.pair,
            getter=pairs_getter,
        ),
        Window(
            T("meetings-held-question"),
            Button(T("meetings-button-held-yes"), id="held_yes", on_click=on_held_yes),
            Button(T("meetings-button-held-no"), id="held_no", on_click=on_held_no),
            SwitchTo(T("meetings-button-other"), id="other", state=MeetingLog.day),
            buttons_only(),
            state=MeetingLog.held,
            getter=held_getter,
        ),
        Window(
            T("meetings-day-prompt"),
            Row(
                Button(T("meetings-button-today"), id="today", on_click=on_today),
                Button(T("meetings-button-yesterday"), id="yesterday", on_click=on_yesterday),
            ),
            SwitchTo(T("meetings-button-calendar"), id="calendar", state=MeetingLog.calendar),
            Row(
                SwitchTo(T("meetings-button-history"), id="history", state=MeetingLog.history),
                SwitchTo(T("meetings-button-planned"), id="planned", state=MeetingLog.planned),
            ),
            Button(T("button-back"), id="to_menu", on_click=to_menu),
            day_input,
            state=MeetingLog.day,
            getter=day_getter,
        ),
        Window(
            T("meetings-calendar-prompt"),
            SchoolCalendar(id="calendar_day", on_click=on_calendar_day, config=CalendarConfig()),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.day),
            _message_input(on_typed_day),
            state=MeetingLog.calendar,
            getter=day_getter,
        ),
        Window(
            Html("{body}"),
            Button(Format("{save_label}"), id="save", on_click=on_save),
            Row(
                SwitchTo(T("meetings-button-kind"), id="kind", state=MeetingLog.kind),
                SwitchTo(T("meetings-button-duration"), id="duration", state=MeetingLog.duration),
                SwitchTo(T("meetings-button-format"), id="format", state=MeetingLog.format),
            ),
            Row(
                SwitchTo(T("meetings-button-topic"), id="topic", state=MeetingLog.topic),
                SwitchTo(T("meetings-button-outcome"), id="outcome", state=MeetingLog.outcome),
            ),
            SwitchTo(
                T("meetings-button-attendance"),
                id="attendance",
                state=MeetingLog.attendance,
                when="is_group",
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.day),
            buttons_only(),
            state=MeetingLog.confirm,
            getter=confirm_getter,
        ),
        Window(
            T("meetings-kind-prompt"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="kind_sel",
                    item_id_getter=lambda item: item["id"],
                    items="kinds",
                    on_click=on_kind,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            buttons_only(),
            state=MeetingLog.kind,
            getter=kind_getter,
        ),
        Window(
            T("meetings-duration-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="duration_sel",
                    item_id_getter=lambda item: item["id"],
                    items="durations",
                    type_factory=int,
                    on_click=on_duration,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            validated_text("duration_in", clean_duration, on_typed_duration),
            state=MeetingLog.duration,
            getter=durations_getter,
        ),
        Window(
            T("meetings-format-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="format_sel",
                    item_id_getter=lambda item: item["id"],
                    items="formats",
                    on_click=on_format,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            buttons_only(),
            state=MeetingLog.format,
            getter=formats_getter,
        ),
        Window(
            T("meetings-topic-prompt"),
            Button(T("meetings-button-clear"), id="clear_topic", on_click=on_clear_text),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            validated_text("topic_in", clean_topic, on_topic),
            state=MeetingLog.topic,
        ),
        Window(
            T("meetings-outcome-prompt"),
            Button(T("meetings-button-clear"), id="clear_outcome", on_click=on_clear_text),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.confirm),
            validated_text("outcome_in", clean_outcome, on_outcome),
            state=MeetingLog.outcome,
        ),
        Window(
            T("meetings-attendance-prompt"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="present_sel",
                    item_id_getter=lambda item: item["id"],
                    items="mentees",
                    type_factory=int,
                    on_click=on_toggle,
                )
            ),
            Button(T("meetings-button-done"), id="attendance_done", on_click=on_attendance_done),
            buttons_only(),
            state=MeetingLog.attendance,
            getter=attendance_getter,
        ),
        Window(
            T("meetings-saved"),
            Row(
                SwitchTo(T("meetings-button-history"), id="history", state=MeetingLog.history),
                Button(T("meetings-button-plan"), id="plan", on_click=on_plan),
            ),
            Button(T("meetings-button-menu"), id="to_menu", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.saved,
            getter=saved_getter,
        ),
        Window(
            T("meetings-history-title"),
            T("meetings-history-empty", when="empty"),
            paged_select("{item[label]}", "meeting", "meetings", on_history_item),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.day),
            buttons_only(),
            state=MeetingLog.history,
            getter=history_getter,
        ),
        Window(
            Html("{body}"),
            Group(
                Button(T("meetings-button-edit"), id="edit", on_click=on_edit),
                SwitchTo(T("meetings-button-delete"), id="delete", state=MeetingLog.delete),
                width=2,
                when="can_edit",
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.history),
            buttons_only(),
            state=MeetingLog.view,
            getter=view_getter,
        ),
        Window(
            T("meetings-delete-confirm"),
            Row(
                Button(T("meetings-button-delete-yes"), id="delete_yes", on_click=on_delete),
                SwitchTo(T("meetings-button-delete-no"), id="delete_no", state=MeetingLog.view),
            ),
            buttons_only(),
            state=MeetingLog.delete,
        ),
        Window(
            T("meetings-planned-title"),
            Html("{body}"),
            Row(
                Button(T("meetings-button-accept"), id="accept", on_click=on_accept),
                Button(T("meetings-button-counter"), id="counter", on_click=on_counter),
                when="has_open",
            ),
            Button(T("meetings-button-move"), id="move", on_click=on_move, when="can_move"),
            Button(T("meetings-button-propose"), id="propose", on_click=on_plan, when="can_plan"),
            Button(T("button-back"), id="to_menu", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.planned,
            getter=planned_getter,
        ),
        Window(
            T("meetings-plan-day-prompt"),
            Row(
                Button(T("meetings-button-tomorrow"), id="tomorrow", on_click=on_plan_offset),
                Button(T("meetings-button-after-tomorrow"), id="after", on_click=on_plan_offset),
            ),
            SwitchTo(T("meetings-button-calendar"), id="calendar", state=MeetingLog.plan_calendar),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.planned),
            _message_input(on_plan_typed_day),
            state=MeetingLog.plan_day,
            getter=plan_day_getter,
        ),
        Window(
            T("meetings-calendar-prompt"),
            SchoolCalendar(id="plan_cal", on_click=on_plan_calendar, config=CalendarConfig()),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.plan_day),
            _message_input(on_plan_typed_day),
            state=MeetingLog.plan_calendar,
            getter=plan_day_getter,
        ),
        Window(
            T("meetings-plan-time-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="time_sel",
                    item_id_getter=lambda item: item["id"],
                    items="times",
                    on_click=on_plan_time,
                )
            ),
            SwitchTo(T("button-back"), id="back", state=MeetingLog.plan_day),
            _message_input(on_plan_typed_time),
            state=MeetingLog.plan_time,
            getter=times_getter,
        ),
        Window(
            T("meetings-ask", when="open"),
            T("meetings-ask-answered", when="answered"),
            Row(
                Button(T("meetings-button-happened"), id="happened", on_click=on_happened),
                Button(T("meetings-button-not-happened"), id="not_happened", on_click=on_happened),
                when="open",
            ),
            Button(T("meetings-button-later"), id="later", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.ask,
            getter=ask_getter,
        ),
        Window(
            T("meetings-rate-prompt"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="rating_sel",
                    item_id_getter=lambda item: item["id"],
                    items="ratings",
                    type_factory=int,
                    on_click=on_rating,
                )
            ),
            Button(T("meetings-button-skip"), id="no_rating", on_click=on_no_rating),
            buttons_only(),
            state=MeetingLog.rate,
            getter=young_getter,
        ),
        Window(
            T("meetings-comment-prompt"),
            Button(T("meetings-button-skip"), id="no_comment", on_click=on_no_comment),
            validated_text("comment_in", clean_comment, on_comment),
            state=MeetingLog.comment,
            getter=young_getter,
        ),
        Window(
            T("meetings-share-prompt"),
            Button(T("meetings-button-share-no"), id="share_no", on_click=on_share),
            Button(T("meetings-button-share-yes"), id="share_yes", on_click=on_share),
            buttons_only(),
            state=MeetingLog.share,
            getter=young_getter,
        ),
        Window(
            T("meetings-fit-prompt"),
            Column(
                Button(T("meetings-fit-fits"), id="fit_fits", on_click=on_fit),
                Button(T("meetings-fit-unsure"), id="fit_unsure", on_click=on_fit),
                Button(T("meetings-fit-no"), id="fit_no", on_click=on_fit),
            ),
            buttons_only(),
            state=MeetingLog.fit,
            getter=young_getter,
        ),
        Window(
            T("meetings-thanks"),
            Button(T("meetings-button-planned"), id="planned", on_click=on_to_planned),
            Button(T("meetings-button-menu"), id="to_menu", on_click=to_menu),
            buttons_only(),
            state=MeetingLog.thanks,
            getter=young_getter,
        ),
        Window(
            T("meetings-nothing"),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=MeetingLog.nothing,
        ),
        on_start=on_start,
    )


def _message_input(handler: Any) -> Any:
    from aiogram_dialog.widgets.input import MessageInput

    return MessageInput(handler)


async def start_meeting(manager: DialogManager, show_mode: ShowMode = ShowMode.SEND) -> None:
    """/meeting: what the person most likely wants first — a mentee's unanswered meeting,
    a mentor's «Встреча состоялась?», the date of a meeting with their one pair, or the
    choice of a pair."""
    service: MeetingService = services_of(manager).meetings
    actor = actor_of(manager)

    async def go(state: Any, start: dict[str, Any] | None = None) -> None:
        await manager.start(state, data=start, mode=StartMode.RESET_STACK, show_mode=show_mode)

    pending = await service.pending_for(actor)
    if pending:
        first = pending[0]
        await go(MeetingLog.ask, {"meeting_id": first.meeting_id, "pair_id": first.pair_id})
        return
    due = await service.due_questions(actor)
    if due:
        await go(MeetingLog.held, {"meeting_id": due[0].id, "pair_id": due[0].pair_id})
        return
    mine = await service.pairs_for(actor, "mentor")
    school = await service.pairs_for(actor, "curator") if actor.active("curator") else []
    if len(mine) == 1 and not school:
        await go(MeetingLog.day, {"pair_id": mine[0].pair_id})
    elif mine or school:
        await go(MeetingLog.pair)
    elif as_mentee := await service.pairs_for(actor, "mentee"):
        await go(MeetingLog.planned, {"pair_id": as_mentee[0].pair_id})
    else:
        await go(MeetingLog.nothing)
