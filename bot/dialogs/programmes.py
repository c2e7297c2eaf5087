"""Curator: the school's mentoring programmes — create one, invite mentors and mentees
by link, or upload a list and get a file of personal links back."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.enums import ContentType
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import (
    Button,
    Column,
    Row,
    Select,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format

from bot.dialogs.digest_schedule import digest_schedule_button
from bot.dialogs.headcounts import headcount_button
from bot.dialogs.organisations import format_date, invite_getter, show_invite
from bot.dialogs.paging import back_to_menu, shorten, to_menu
from bot.dialogs.quiet_hours import quiet_hours_button
from bot.dialogs.states import Programmes
from bot.dialogs.widgets import (
    T,
    actor_of,
    bot_of,
    buttons_only,
    commit_before_slow_work,
    hint,
    i18n_of,
    plain_text_of,
    scrolling_select,
    services_of,
    text_of,
    validated_text,
)
from bot.services.bulk_import import (
    MAX_BYTES,
    ImportFileError,
    ImportResult,
    build_result_xlsx,
    read_table,
)
from bot.services.errors import InvalidInput
from bot.services.organisations import clean_name
from bot.services.programmes import academic_year

GROUP_LINK_USES = 30
CAPTION_LIMIT = 1024
CAPTION_ERRORS = 10
RESULT_FILENAME = "invites.xlsx"


def curator_schools(manager: DialogManager) -> list[int]:
    return sorted({r.organisation_id for r in actor_of(manager).active("curator")})


def periods(today: date) -> dict[str, tuple[date, date]]:
    """The two periods offered: this school year, and the calendar year it ends in."""
    start, end = academic_year(today)
    return {
        "academic": (start, end),
        "calendar": (date(end.year, 1, 1), date(end.year, 12, 31)),
    }


async def school_timezone(manager: DialogManager, school_id: int) -> str:
    school = await services_of(manager).organisations.get(actor_of(manager), school_id)
    return school.timezone


# --- start and getters ------------------------------------------------------------


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """A curator of one school goes straight to its programmes."""
    schools = curator_schools(manager)
    if not actor_of(manager).is_admin and len(schools) == 1:
        manager.dialog_data.update(school_id=schools[0], single_school=True)
        await manager.switch_to(Programmes.list)


async def school_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    if actor.is_admin:
        schools = await services.organisations.list_all(actor, kind="school")
    else:
        schools = [
            await services.organisations.get(actor, school_id)
            for school_id in curator_schools(dialog_manager)
        ]
    return {"schools": [{"id": s.id, "label": shorten(f"🏫 {s.name}")} for s in schools]}


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    actor = actor_of(dialog_manager)
    school_id = int(dialog_manager.dialog_data["school_id"])
    school = await services.organisations.get(actor, school_id)
    programmes = await services.programmes.list_for_school(actor, school_id)
    return {
        "school": school.name,
        "programmes": [{"id": p.id, "label": shorten(p.name)} for p in programmes],
        "count": len(programmes),
    }


async def name_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"name": dialog_manager.dialog_data.get("name", "")}


async def form_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    locale = i18n_of(dialog_manager).locale
    forms = services_of(dialog_manager).catalog.forms()
    return {
        # Chosen by its stable key; the service checks the key against the catalogue.
        # (the catalogue keeps these labels within 40 characters: one button a row)
        "forms": [{"id": form.key, "label": form.name(locale)} for form in forms],
        "name": dialog_manager.dialog_data.get("name", ""),
    }


async def period_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    tz = await school_timezone(dialog_manager, int(dialog_manager.dialog_data["school_id"]))
    offered = periods(datetime.now(ZoneInfo(tz)).date())
    start, end = offered["academic"]
    return {
        "name": dialog_manager.dialog_data.get("name", ""),
        "start": format_date(start),
        "end": format_date(end),
        "year": str(offered["calendar"][0].year),  # a year, not a number: no "2 027"
    }


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    # Every time: the id may have come from the client, the service checks it.
    programme = await services.programmes.get(
        actor_of(dialog_manager), int(dialog_manager.dialog_data["programme_id"])
    )
    form = services.catalog.form(programme.form_key)
    locale = i18n_of(dialog_manager).locale
    return {
        "name": programme.name,
        "form": form.name(locale) if form else programme.form_key,
        "start": format_date(programme.period_start),
        "end": format_date(programme.period_end),
        "stage": text_of(dialog_manager, "stage-" + programme.stage.replace("_", "-")),
        "quiet_label": plain_text_of(
            dialog_manager,
            "meetings-quiet-days-button",
            days=await services.meetings.quiet_days(actor_of(dialog_manager), programme.id),
        ),
    }


async def on_quiet_days(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    """The quiet-pair days of the programme: 7 → 10 → 14 → 21 → 30 → 7."""
    await services_of(manager).meetings.next_quiet_days(
        actor_of(manager), int(manager.dialog_data["programme_id"])
    )


async def uses_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    role = str(dialog_manager.dialog_data.get("invite_role", "mentor"))
    return {"role": text_of(dialog_manager, f"staff-role-{role}")}


# --- handlers ---------------------------------------------------------------------


async def on_school(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, school_id: int
) -> None:
    await services_of(manager).access.require_curator(
        actor_of(manager), school_id, "programme.school"
    )
    manager.dialog_data.update(school_id=school_id, single_school=False)
    await manager.switch_to(Programmes.list)


async def on_list_back(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("single_school"):
        await to_menu(callback, button, manager)
    else:
        await manager.switch_to(Programmes.school)


async def on_programme(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, programme_id: int
) -> None:
    programme = await services_of(manager).programmes.get(actor_of(manager), programme_id)
    manager.dialog_data["programme_id"] = programme.id
    await manager.switch_to(Programmes.view)


async def on_name(message: Message, manager: DialogManager, name: str) -> None:
    manager.dialog_data["name"] = name
    await manager.switch_to(Programmes.new_form)


async def on_form(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, form_key: str
) -> None:
    form = services_of(manager).catalog.form(form_key)
    if form is None or form.hidden:  # from the client; the service checks it again
        await hint(manager, callback, "error-programme-form")
        return
    manager.dialog_data["form_key"] = form_key
    await manager.switch_to(Programmes.new_period)


async def on_period(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    school_id = int(data["school_id"])
    tz = await school_timezone(manager, school_id)
    kind = str(button.widget_id).removeprefix("period_")
    start, end = periods(datetime.now(ZoneInfo(tz)).date())[kind]
    try:
        programme = await services_of(manager).programmes.create(
            actor_of(manager),
            school_id=school_id,
            name=str(data.get("name", "")),
            form_key=str(data.get("form_key", "")),
            period_start=start,
            period_end=end,
        )
    except InvalidInput as error:
        await hint(manager, callback, f"error-{error.code}")
        return
    for key in ("name", "form_key"):
        data.pop(key, None)
    data["programme_id"] = programme.id
    await callback.answer(text_of(manager, "staff-prog-created"))
    await manager.switch_to(Programmes.view)


async def on_invite_role(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data["invite_role"] = str(button.widget_id).removeprefix("invite_")
    await manager.switch_to(Programmes.invite_uses)


async def on_invite_uses(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    actor = actor_of(manager)
    programme = await services.programmes.get(actor, int(manager.dialog_data["programme_id"]))
    school = await services.organisations.get(actor, programme.organisation_id)
    role = str(manager.dialog_data.get("invite_role"))
    max_uses = GROUP_LINK_USES if button.widget_id == "uses_group" else 1
    try:
        invite = await services.invites.create(
            actor,
            organisation_id=programme.organisation_id,
            role=role,
            programme_id=programme.id,
            max_uses=max_uses,
        )
    except InvalidInput as error:
        await hint(manager, callback, f"error-{error.code}")
        return
    place = text_of(
        manager,
        "staff-invite-place-programme",
        programme=programme.name,
        school=school.name,
    )
    await show_invite(manager, invite, place=place, tz=school.timezone, state=Programmes.invite)


def import_caption(manager: DialogManager, result: ImportResult) -> str:
    """How many invitations, how many rows failed, and the first errors — within 1024."""
    rejected = len({e.row for e in result.errors})
    caption = text_of(
        manager, "staff-import-summary", invites=len(result.rows), rejected=rejected
    ).strip()
    errors = sorted(result.errors, key=lambda e: e.row)
    for shown, error in enumerate(errors):
        line = text_of(
            manager,
            "staff-import-error-line",
            row=error.row,
            reason=text_of(manager, f"import-error-{error.code}"),
        )
        more = text_of(manager, "staff-import-more-errors", count=len(errors) - shown)
        rest = len(errors) - shown - 1
        # Keep room for the "…and N more" line unless this is the last error.
        room = CAPTION_LIMIT - len(caption) - 1 - len(line) - (len(more) + 1 if rest else 0)
        if shown >= CAPTION_ERRORS or room < 0:
            caption += "\n" + more
            break
        caption += "\n" + line
    return caption[:CAPTION_LIMIT]


async def on_document(message: Message, _widget: Any, manager: DialogManager) -> None:
    document = message.document
    assert document is not None  # the input only takes documents
    if document.file_size and document.file_size > MAX_BYTES:
        await hint(manager, message, "error-import-too-large")
        return
    services = services_of(manager)
    actor = actor_of(manager)
    programme = await services.programmes.get(actor, int(manager.dialog_data["programme_id"]))
    school = await services.organisations.get(actor, programme.organisation_id)
    buffer = BytesIO()
    await bot_of(manager).download(document, destination=buffer)
    bot_username = (await bot_of(manager).me()).username or ""
    try:
        # A list of hundreds of rows takes a while to read: in a thread, and before the
        # transaction that makes the invites (SQLite's write lock) begins.
        table = await asyncio.to_thread(
            read_table, document.file_name or "list.xlsx", buffer.getvalue()
        )
        result = await services.imports.import_table(actor, programme_id=programme.id, table=table)
    except ImportFileError as error:
        await hint(manager, message, f"error-{error.code}")
        return
    await commit_before_slow_work(manager)  # the invites are made: no lock held while drawing
    i18n = i18n_of(manager)

    def category_name(key: str) -> str:
        category = services.catalog.category(key)
        return category.name(i18n.locale) if category else key

    content = await asyncio.to_thread(
        build_result_xlsx,
        result,
        bot_username=bot_username,
        text=lambda key: i18n.get(key),
        category_name=category_name,
        tz=school.timezone,
    )
    await message.answer_document(
        BufferedInputFile(content, filename=RESULT_FILENAME),
        caption=import_caption(manager, result),
    )
    await manager.switch_to(Programmes.view, show_mode=ShowMode.SEND)


def _school_windows() -> list[Window]:
    """The school, and its programmes."""
    return [
        Window(
            T("staff-prog-school-prompt"),
            scrolling_select("{item[label]}", "school", "schools", on_school),
            back_to_menu(T("button-back")),
            buttons_only(),
            state=Programmes.school,
            getter=school_getter,
        ),
        Window(
            T("staff-prog-list"),
            scrolling_select("{item[label]}", "programme", "programmes", on_programme),
            SwitchTo(T("staff-prog-add"), id="add", state=Programmes.new_name),
            quiet_hours_button("school_id"),
            headcount_button("school_id"),
            digest_schedule_button("school_id"),
            Button(T("button-back"), id="back", on_click=on_list_back),
            buttons_only(),
            state=Programmes.list,
            getter=list_getter,
        ),
    ]


def _new_windows() -> list[Window]:
    """A new programme: its name, form and period."""
    return [
        Window(
            T("staff-prog-name-prompt"),
            SwitchTo(T("button-back"), id="back", state=Programmes.list),
            validated_text("name", clean_name, on_name),
            buttons_only(),
            state=Programmes.new_name,
        ),
        Window(
            T("staff-prog-form-prompt"),
            Column(
                Select(
                    Format("{item[label]}"),
                    id="form",
                    item_id_getter=lambda item: item["id"],
                    items="forms",
                    on_click=on_form,
                ),
            ),
            SwitchTo(T("button-back"), id="back", state=Programmes.new_name),
            buttons_only(),
            state=Programmes.new_form,
            getter=form_getter,
        ),
        Window(
            T("staff-prog-period-prompt"),
            Button(T("staff-prog-period-academic"), id="period_academic", on_click=on_period),
            Button(T("staff-prog-period-calendar"), id="period_calendar", on_click=on_period),
            SwitchTo(T("button-back"), id="back", state=Programmes.new_form),
            buttons_only(),
            state=Programmes.new_period,
            getter=period_getter,
        ),
    ]


def _view_windows() -> list[Window]:
    """A programme: invitations and the import of a list."""
    return [
        Window(
            T("staff-prog-view"),
            Row(
                Button(T("staff-prog-invite-mentor"), id="invite_mentor", on_click=on_invite_role),
                Button(T("staff-prog-invite-mentee"), id="invite_mentee", on_click=on_invite_role),
            ),
            SwitchTo(T("staff-prog-import"), id="import", state=Programmes.import_file),
            Button(Format("{quiet_label}"), id="quiet_days", on_click=on_quiet_days),
            SwitchTo(T("button-back"), id="back", state=Programmes.list),
            buttons_only(),
            state=Programmes.view,
            getter=view_getter,
        ),
        Window(
            T("staff-invite-uses-prompt"),
            Button(T("staff-invite-single"), id="uses_single", on_click=on_invite_uses),
            Button(
                T("staff-invite-group", uses=GROUP_LINK_USES),
                id="uses_group",
                on_click=on_invite_uses,
            ),
            SwitchTo(T("button-back"), id="back", state=Programmes.view),
            buttons_only(),
            state=Programmes.invite_uses,
            getter=uses_getter,
        ),
        Window(
            T("staff-invite-ready"),
            SwitchTo(T("button-back"), id="back", state=Programmes.view),
            buttons_only(),
            state=Programmes.invite,
            getter=invite_getter,
        ),
        Window(
            T("staff-import-prompt"),
            SwitchTo(T("button-back"), id="back", state=Programmes.view),
            MessageInput(on_document, content_types=ContentType.DOCUMENT),
            buttons_only("hint-send-the-file"),
            state=Programmes.import_file,
        ),
    ]


def programmes_dialog() -> Dialog:
    return Dialog(
        *_school_windows(),
        *_new_windows(),
        *_view_windows(),
        on_start=on_start,
    )
