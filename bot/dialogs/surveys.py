"""`/surveys` for the curator: launch a questionnaire wave with a deadline, switch the
recurring pulse on or off, see who answered and remind the rest with one tap, and get
the entry → exit results (a summary here, an XLSX and a PNG chart as files)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Multiselect, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from markupsafe import Markup

from bot.dialogs.paging import back_to_menu, paged_select, shorten
from bot.dialogs.states import Surveys
from bot.dialogs.widgets import (
    Html,
    T,
    actor_of,
    bot_of,
    buttons_only,
    hint,
    i18n_of,
    plain_text_of,
    services_of,
)
from bot.services.charts import render_comparison_png
from bot.services.errors import InvalidInput
from bot.services.offload import off_loop
from bot.services.survey_results import RESULT_TEXT_KEYS, build_results_xlsx, entry_exit_charts
from bot.services.surveys import DEADLINE_DAYS, LAUNCHES, PULSE_EVERY, PULSE_FIRST_DAYS

STATUS_ICONS = {"submitted": "✅", "started": "✏️", "not_started": "⏳", "missing": "❌"}
PEOPLE_MAX = 40
ITEMS_MAX = 25


def _programme_id(manager: DialogManager) -> int:
    return int(manager.dialog_data["programme_id"])


def _wave_id(manager: DialogManager) -> int:
    return int(manager.dialog_data["wave_id"])


def _date(value: date) -> str:
    return value.strftime("%d.%m.%Y")


# --- getters ------------------------------------------------------------------------


async def programmes_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor = actor_of(dialog_manager)
    rows = await services_of(dialog_manager).surveys.programmes_with_schools(actor)
    several = len({p.organisation_id for p, _ in rows}) > 1
    return {
        "programmes": [
            {"id": p.id, "label": shorten(f"{school} · {p.name}" if several else p.name)}
            for p, school in rows
        ],
        "count": len(rows),
        "is_admin": actor.is_admin,
    }


async def programme_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    programme_id = _programme_id(dialog_manager)
    programme = await services.surveys.programme(actor, programme_id, "survey.view")
    waves = await services.surveys.waves(actor, programme_id)
    timing = await services.surveys.pulse(actor, programme_id)
    pulse = timing.enabled
    lines = [
        i18n.get(
            "surveys-wave-line",
            kind=i18n.get(f"surveys-kind-{w.kind}"),
            deadline=_date(w.deadline_local),
            submitted=w.submitted,
            invited=w.invited,
        )
        for w in waves[:ITEMS_MAX]
    ]
    body = Markup("\n").join(
        [
            i18n.get("surveys-programme", name=programme.name),
            i18n.get(
                "surveys-pulse-on" if pulse else "surveys-pulse-off",
                first=timing.first_day,
                every=timing.every_days,
            ),
            i18n.get("surveys-waves") if lines else i18n.get("surveys-no-waves"),
            *lines,
        ]
    )
    return {
        "body": body,
        "waves": [
            {
                "id": w.id,
                "label": shorten(
                    f"{plain_text_of(dialog_manager, f'surveys-kind-{w.kind}')} · "
                    f"{_date(w.deadline_local)} · {w.submitted}/{w.invited}"
                ),
            }
            for w in waves[:ITEMS_MAX]
        ],
        "pulse_label": plain_text_of(
            dialog_manager, "surveys-btn-pulse-off" if pulse else "surveys-btn-pulse-on"
        ),
    }


async def pulse_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    timing = await services.surveys.pulse(actor_of(dialog_manager), _programme_id(dialog_manager))

    def mark(key: str, value: int, current: int) -> str:
        label = plain_text_of(dialog_manager, key, days=value)
        return f"✅ {label}" if value == current else label

    return {
        "body": i18n_of(dialog_manager).get(
            "surveys-pulse-timing",
            first=timing.first_day,
            every=timing.every_days,
            on="yes" if timing.enabled else "no",
        ),
        "firsts": [
            {"id": d, "label": mark("surveys-btn-pulse-first", d, timing.first_day)}
            for d in PULSE_FIRST_DAYS
        ],
        "everys": [
            {"id": d, "label": mark("surveys-btn-pulse-every", d, timing.every_days)}
            for d in PULSE_EVERY
        ],
    }


async def launch_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "kinds": [
            {"id": key, "label": plain_text_of(dialog_manager, f"surveys-launch-{key}")}
            for key in LAUNCHES
        ]
    }


async def _today(manager: DialogManager) -> date:
    services = services_of(manager)
    programme = await services.surveys.programme(
        actor_of(manager), _programme_id(manager), "survey.view"
    )
    school = await services.organisations.get(actor_of(manager), programme.organisation_id)
    return services.settings.clock.now().astimezone(ZoneInfo(school.timezone)).date()


async def deadline_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    today = await _today(dialog_manager)
    launch = str(dialog_manager.dialog_data.get("launch", ""))
    return {
        "launch": plain_text_of(dialog_manager, f"surveys-launch-{launch}"),
        "days": [
            {
                "id": days,
                "label": plain_text_of(
                    dialog_manager,
                    "surveys-btn-days",
                    days=days,
                    date=_date(today + timedelta(days=days)),
                ),
            }
            for days in DEADLINE_DAYS
        ],
    }


async def wave_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    wave = await services.surveys.wave_view(actor, _wave_id(dialog_manager))
    people = await services.surveys.statuses(actor, wave.id)
    waiting = [p for p in people if p.status in ("started", "not_started")]
    lines = [
        i18n.get(
            "surveys-person-line",
            icon=STATUS_ICONS[p.status],
            name=p.name or i18n.get("surveys-no-name"),
            role=i18n.get(f"surveys-role-{p.role}"),
            status=i18n.get(f"surveys-status-{p.status.replace('_', '-')}"),
        )
        for p in people[:PEOPLE_MAX]
    ]
    if len(people) > PEOPLE_MAX:
        lines.append(i18n.get("surveys-more", count=len(people) - PEOPLE_MAX))
    body = Markup("\n").join(
        [
            i18n.get(
                "surveys-wave-head",
                kind=i18n.get(f"surveys-kind-{wave.kind}"),
                deadline=_date(wave.deadline_local),
                submitted=wave.submitted,
                invited=wave.invited,
            ),
            *([i18n.get("surveys-closed")] if wave.closed else []),
            *lines,
        ]
    )
    return {"body": body, "can_remind": not wave.closed and bool(waiting)}


async def results_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    results = await services.surveys.results(
        actor_of(dialog_manager), _programme_id(dialog_manager), i18n.locale
    )
    lines = [i18n.get("surveys-results-head", name=results.programme)]
    for w in results.completion:
        lines.append(
            i18n.get(
                "surveys-completion-line",
                kind=i18n.get(f"surveys-kind-{w.kind}"),
                submitted=w.submitted,
                invited=w.invited,
                rate=w.rate,
                missing=w.missing,
            )
        )
    lines.append(
        i18n.get(
            "surveys-index",
            entry=_num(results.index_entry),
            exit=_num(results.index_exit),
        )
    )
    if results.items:
        lines.append(i18n.get("surveys-items-head"))
    for c in results.items[:ITEMS_MAX]:
        # The short title: entry answers are not shown under the exit's wording.
        lines.append(
            i18n.get(
                "surveys-item-line",
                role=i18n.get(f"surveys-role-{c.role}"),
                question=c.short or c.key,
                entry=_num(c.entry_mean),
                exit=_num(c.exit_mean),
                change=_signed(c.change),
            )
        )
    return {"body": Markup("\n").join(lines), "has_items": bool(results.items)}


def _num(value: float | int | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


# --- handlers -----------------------------------------------------------------------


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
        pairs = await services_of(manager).surveys.pairs(actor_of(manager), _programme_id(manager))
        if pairs:
            await manager.switch_to(Surveys.scope)
            return
    await manager.switch_to(Surveys.deadline)


async def pairs_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    pairs = await services_of(dialog_manager).surveys.pairs(
        actor_of(dialog_manager), _programme_id(dialog_manager)
    )
    return {
        "pairs": [
            {"id": p.id, "label": shorten(f"{p.mentor} — {', '.join(p.mentees) or '…'}")}
            for p in pairs
        ]
    }


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
            _programme_id(manager),
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
    await _launch(manager, callback, await _today(manager) + timedelta(days=days))


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
    programme_id = _programme_id(manager)
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
    programme_id = _programme_id(manager)
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
            actor_of(manager), _wave_id(manager)
        )
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", **exc.details)
        return
    await callback.answer(plain_text_of(manager, "surveys-reminded", count=count), show_alert=True)


async def on_xlsx(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    i18n = i18n_of(manager)
    results = await services.surveys.results(actor_of(manager), _programme_id(manager), i18n.locale)

    texts = {key: plain_text_of(manager, key) for key in RESULT_TEXT_KEYS}
    # Read: end the transaction (SQLite's write lock) before the file is drawn.
    await services.session.commit()
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
    results = await services.surveys.results(actor_of(manager), _programme_id(manager), i18n.locale)
    await services.session.commit()  # read: no transaction open while it is drawn

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


def surveys_dialog() -> Dialog:
    return Dialog(
        Window(
            T("surveys-choose-programme", when="count"),
            T("surveys-no-programmes-admin", when=~F["count"] & F["is_admin"]),
            T("surveys-no-programmes", when=~F["count"] & ~F["is_admin"]),
            paged_select("{item[label]}", "p", "programmes", on_programme),
            back_to_menu(T("survey-btn-menu")),
            buttons_only(),
            state=Surveys.programmes,
            getter=programmes_getter,
        ),
        Window(
            Html("{body}"),
            SwitchTo(T("surveys-btn-launch"), id="launch", state=Surveys.launch),
            Button(Format("{pulse_label}"), id="pulse", on_click=on_pulse),
            SwitchTo(T("surveys-btn-pulse-timing"), id="pulse_timing", state=Surveys.pulse),
            SwitchTo(T("surveys-btn-results"), id="results", state=Surveys.results),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="w",
                    item_id_getter=lambda item: item["id"],
                    items="waves",
                    type_factory=int,
                    on_click=on_wave,
                )
            ),
            SwitchTo(T("survey-btn-back"), id="to_list", state=Surveys.programmes),
            buttons_only(),
            state=Surveys.programme,
            getter=programme_getter,
        ),
        Window(
            T("surveys-launch-choose"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="k",
                    item_id_getter=lambda item: item["id"],
                    items="kinds",
                    on_click=on_launch_kind,
                )
            ),
            SwitchTo(T("survey-btn-back"), id="to_prog", state=Surveys.programme),
            buttons_only(),
            state=Surveys.launch,
            getter=launch_getter,
        ),
        Window(
            T("surveys-scope-choose"),
            Button(T("surveys-btn-whole"), id="whole", on_click=on_whole_programme),
            SwitchTo(T("surveys-btn-pairs"), id="choose_pairs", state=Surveys.pairs),
            SwitchTo(T("survey-btn-back"), id="scope_back", state=Surveys.launch),
            buttons_only(),
            state=Surveys.scope,
        ),
        Window(
            T("surveys-pairs-choose"),
            Column(
                Multiselect(
                    Format("✅ {item[label]}"),
                    Format("{item[label]}"),
                    id="pair_pick",
                    item_id_getter=lambda item: item["id"],
                    items="pairs",
                    type_factory=int,
                )
            ),
            Button(T("survey-btn-next"), id="pairs_done", on_click=on_pairs_chosen),
            SwitchTo(T("survey-btn-back"), id="pairs_back", state=Surveys.scope),
            buttons_only(),
            state=Surveys.pairs,
            getter=pairs_getter,
        ),
        Window(
            T("surveys-deadline-choose"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="d",
                    item_id_getter=lambda item: item["id"],
                    items="days",
                    type_factory=int,
                    on_click=on_days,
                )
            ),
            SwitchTo(T("survey-btn-back"), id="to_kinds", state=Surveys.launch),
            MessageInput(on_typed_date),
            state=Surveys.deadline,
            getter=deadline_getter,
        ),
        Window(
            Html("{body}"),
            Button(T("surveys-btn-remind"), id="remind", on_click=on_remind, when="can_remind"),
            SwitchTo(T("survey-btn-back"), id="wave_back", state=Surveys.programme),
            buttons_only(),
            state=Surveys.wave,
            getter=wave_getter,
        ),
        Window(
            Html("{body}"),
            Button(T("surveys-btn-xlsx"), id="xlsx", on_click=on_xlsx),
            Button(T("surveys-btn-chart"), id="chart", on_click=on_chart, when="has_items"),
            SwitchTo(T("survey-btn-back"), id="res_back", state=Surveys.programme),
            buttons_only(),
            state=Surveys.results,
            getter=results_getter,
        ),
        Window(
            Html("{body}"),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="pf",
                    item_id_getter=lambda item: item["id"],
                    items="firsts",
                    type_factory=int,
                    on_click=on_first_day,
                )
            ),
            Row(
                Select(
                    Format("{item[label]}"),
                    id="pe",
                    item_id_getter=lambda item: item["id"],
                    items="everys",
                    type_factory=int,
                    on_click=on_every,
                )
            ),
            SwitchTo(T("survey-btn-back"), id="pulse_back", state=Surveys.programme),
            buttons_only(),
            state=Surveys.pulse,
            getter=pulse_getter,
        ),
    )
