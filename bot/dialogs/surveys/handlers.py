"""The `/surveys` buttons and typed input."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button

from bot.dialogs.states import Surveys
from bot.dialogs.surveys.getters import programme_id_of, school_today, wave_id_of
from bot.dialogs.widgets import (
    actor_of,
    bot_of,
    commit_before_slow_work,
    hint,
    i18n_of,
    plain_text_of,
    services_of,
)
from bot.services.charts import render_comparison_png
from bot.services.errors import InvalidInput
from bot.services.offload import off_loop
from bot.services.survey_results import RESULT_TEXT_KEYS, build_results_xlsx, entry_exit_charts
from bot.services.surveys import DEADLINE_DAYS, LAUNCHES


async def on_programme(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, programme_id: int
) -> None:
    await services_of(manager).surveys.programme(actor_of(manager), programme_id, "survey.view")
    manager.dialog_data["programme_id"] = programme_id
    await manager.switch_to(Surveys.programme)


async def on_launch_kind(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, launch: str
) -> None:
    if launch not in LAUNCHES:
        await hint(manager, callback, "error-survey-launch")
        return
    manager.dialog_data["launch"] = launch
    manager.dialog_data["pair_ids"] = None
    if LAUNCHES[launch][0] in ("participant", "pulse"):
        pairs = await services_of(manager).surveys.pairs(
            actor_of(manager), programme_id_of(manager)
        )
        if pairs:
            await manager.switch_to(Surveys.scope)
            return
    await manager.switch_to(Surveys.deadline)


async def on_whole_programme(
    callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    manager.dialog_data["pair_ids"] = None
    await manager.switch_to(Surveys.deadline)


async def on_pairs_chosen(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    chosen = manager.find("pair_pick")
    checked = [int(i) for i in chosen.get_checked()] if chosen is not None else []
    if not checked:
        await hint(manager, callback, "error-survey-pairs")
        return
    manager.dialog_data["pair_ids"] = checked
    await manager.switch_to(Surveys.deadline)


async def _launch(manager: DialogManager, event: CallbackQuery | Message, deadline: date) -> None:
    services = services_of(manager)
    try:
        wave = await services.surveys.launch(
            actor_of(manager),
            programme_id_of(manager),
            str(manager.dialog_data.get("launch", "")),
            deadline,
            pair_ids=manager.dialog_data.get("pair_ids"),
        )
    except InvalidInput as exc:
        await hint(manager, event, f"error-{exc.code}", **exc.details)
        return
    manager.dialog_data["wave_id"] = wave.id
    text = i18n_of(manager).get("surveys-launched", count=wave.invited)
    if isinstance(event, CallbackQuery) and event.message is not None:
        await bot_of(manager).send_message(event.message.chat.id, text)
    elif isinstance(event, Message):
        await event.answer(text)
    manager.show_mode = ShowMode.SEND
    await manager.switch_to(Surveys.wave)


async def on_days(callback: CallbackQuery, _widget: Any, manager: DialogManager, days: int) -> None:
    if days not in DEADLINE_DAYS:
        await hint(manager, callback, "error-survey-launch")
        return
    await _launch(manager, callback, await school_today(manager) + timedelta(days=days))


async def on_typed_date(message: Message, _widget: MessageInput, manager: DialogManager) -> None:
    try:
        deadline = datetime.strptime((message.text or "").strip(), "%d.%m.%Y").date()
    except ValueError:
        await hint(manager, message, "surveys-deadline-format")
        return
    await _launch(manager, message, deadline)


async def on_pulse(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    actor = actor_of(manager)
    programme_id = programme_id_of(manager)
    enabled = await services.surveys.pulse_enabled(actor, programme_id)
    await services.surveys.set_pulse(actor, programme_id, not enabled)
    await callback.answer(
        plain_text_of(
            manager, "surveys-pulse-switched-off" if enabled else "surveys-pulse-switched-on"
        )
    )


async def _set_timing(
    callback: CallbackQuery, manager: DialogManager, first: int | None, every: int | None
) -> None:
    services = services_of(manager)
    actor = actor_of(manager)
    programme_id = programme_id_of(manager)
    current = await services.surveys.pulse(actor, programme_id)
    try:
        timing = await services.surveys.set_pulse_timing(
            actor,
            programme_id,
            current.first_day if first is None else first,
            current.every_days if every is None else every,
        )
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", **exc.details)
        return
    await callback.answer(
        plain_text_of(
            manager, "surveys-pulse-timing-set", first=timing.first_day, every=timing.every_days
        )
    )


async def on_first_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: int) -> None:
    await _set_timing(callback, manager, day, None)


async def on_every(callback: CallbackQuery, _w: Any, manager: DialogManager, days: int) -> None:
    await _set_timing(callback, manager, None, days)


async def on_wave(callback: CallbackQuery, _widget: Any, manager: DialogManager, wave_id: int):
    wave = await services_of(manager).surveys.wave_view(actor_of(manager), wave_id)
    manager.dialog_data["wave_id"] = wave.id
    await manager.switch_to(Surveys.wave)


async def on_remind(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    try:
        count = await services_of(manager).surveys.remind_missing(
            actor_of(manager), wave_id_of(manager)
        )
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", **exc.details)
        return
    await callback.answer(plain_text_of(manager, "surveys-reminded", count=count), show_alert=True)


async def on_xlsx(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    i18n = i18n_of(manager)
    results = await services.surveys.results(
        actor_of(manager), programme_id_of(manager), i18n.locale
    )

    texts = {key: plain_text_of(manager, key) for key in RESULT_TEXT_KEYS}
    await commit_before_slow_work(manager)
    content = await off_loop(build_results_xlsx, results, texts.__getitem__)
    assert callback.message is not None
    await bot_of(manager).send_document(
        callback.message.chat.id,
        BufferedInputFile(content, filename="questionnaires.xlsx"),
        caption=i18n.get("surveys-xlsx-caption", name=results.programme),
    )
    manager.show_mode = ShowMode.SEND


async def on_chart(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    i18n = i18n_of(manager)
    results = await services.surveys.results(
        actor_of(manager), programme_id_of(manager), i18n.locale
    )
    await commit_before_slow_work(manager)

    def title(role: str, page: int, pages: int) -> str:
        who = plain_text_of(manager, f"surveys-chart-role-{role}")
        if pages == 1:
            return plain_text_of(manager, "surveys-chart-title", role=who)
        return plain_text_of(manager, "surveys-chart-title-page", role=who, page=page, pages=pages)

    charts = entry_exit_charts(
        results,
        title,
        plain_text_of(manager, "surveys-kind-entry"),
        plain_text_of(manager, "surveys-kind-exit"),
    )
    assert callback.message is not None
    # Phone-sized pictures: one per role, at most 8 items each.
    for n, chart in enumerate(charts, start=1):
        content = await off_loop(render_comparison_png, chart)
        await bot_of(manager).send_photo(
            callback.message.chat.id,
            BufferedInputFile(content, filename=f"entry-exit-{n}.png"),
            caption=i18n.get("surveys-chart-caption", name=results.programme) if n == 1 else None,
        )
    manager.show_mode = ShowMode.SEND
