"""Admin: municipalities and schools — create them and invite their coordinators and curators.

Also the helpers the other staff dialogs share: the services and actor of the update,
and issuing an invitation link (a window plus a separate message to forward)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import (
    Button,
    Group,
    Row,
    Select,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format
from markupsafe import Markup, escape

from bot.dialogs.digest_schedule import digest_schedule_button
from bot.dialogs.headcounts import headcount_button
from bot.dialogs.municipality import municipal_button
from bot.dialogs.paging import back_to_menu, shorten
from bot.dialogs.quiet_hours import quiet_hours_button
from bot.dialogs.states import Organisations
from bot.dialogs.widgets import (
    T,
    actor_of,
    bot_of,
    buttons_only,
    hint,
    scrolling_select,
    services_of,
    text_of,
    validated_text,
)
from bot.services.errors import InvalidInput
from bot.services.invites import CreatedInvite
from bot.services.organisations import RUSSIAN_TIMEZONES, clean_name

ADMIN_INVITE_ROLE = {"municipality": "coordinator", "school": "curator"}


# --- shared by the staff dialogs ----------------------------------------------------


def format_date(value: date) -> str:
    return f"{value:%d.%m.%Y}"


def local_date(moment: datetime, tz: str) -> str:
    return format_date(moment.astimezone(ZoneInfo(tz)).date())


def timezone_label(manager: DialogManager, tz: str) -> str:
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    # A zone set outside this dialog has no localized city name: show it as it is.
    city = (
        text_of(manager, "staff-tz-" + tz.lower().replace("/", "-"))
        if tz in RUSSIAN_TIMEZONES
        else tz
    )
    return text_of(manager, "staff-tz-option", city=city, offset=f"{hours:+d}")


async def show_invite(
    manager: DialogManager, invite: CreatedInvite, *, place: str, tz: str, state: Any
) -> None:
    """Send the link as a message of its own (to forward), then the window below it.
    `place` is a name, or `Markup` rendered by i18n."""
    username = (await bot_of(manager).me()).username
    link = f"https://t.me/{username}?start={invite.payload}"
    values = {
        "link": link,
        "role": text_of(manager, f"staff-role-{invite.role}"),
        "place": escape(place),  # Markup: a name escaped once, i18n text kept as it is
        "uses": invite.max_uses,
        "expires": local_date(invite.expires_at, tz),
    }
    # Kept as HTML in dialog_data (JSON keeps no Markup type): see invite_getter.
    manager.dialog_data["invite"] = {
        k: str(v) if isinstance(v, str) else v for k, v in values.items()
    }
    chat = manager.middleware_data["event_chat"]
    await bot_of(manager).send_message(chat.id, text_of(manager, "staff-invite-message", **values))
    await manager.switch_to(state, show_mode=ShowMode.SEND)


async def invite_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    values = dict(dialog_manager.dialog_data.get("invite") or {})
    for key in ("role", "place"):  # stored already escaped by show_invite
        if key in values:
            values[key] = Markup(values[key])
    return values


# --- getters ----------------------------------------------------------------------


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    orgs = await services_of(dialog_manager).organisations.list_all(actor_of(dialog_manager))
    icons = {"municipality": "🏛", "school": "🏫"}
    items = [{"id": o.id, "label": shorten(f"{icons.get(o.kind, '🏢')} {o.name}")} for o in orgs]
    return {"orgs": items, "count": len(items)}


async def parent_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    municipalities = await services_of(dialog_manager).organisations.list_all(
        actor_of(dialog_manager), kind="municipality"
    )
    return {"parents": [{"id": o.id, "label": shorten(f"🏛 {o.name}")} for o in municipalities]}


async def name_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = dialog_manager.dialog_data.get("kind")
    return {"is_school": kind == "school", "is_municipality": kind == "municipality"}


async def timezone_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    # The deployment's DEFAULT_TIMEZONE first; a zone is chosen by its IANA name.
    zones = [
        {"id": tz, "label": timezone_label(dialog_manager, tz)}
        for tz in services_of(dialog_manager).organisations.timezones
    ]
    return {"zones": zones, "name": dialog_manager.dialog_data.get("name", "")}


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    org = await services.organisations.get(
        actor_of(dialog_manager), int(dialog_manager.dialog_data["org_id"])
    )
    actor = actor_of(dialog_manager)
    parent = await services.organisations.name_of(actor, org.parent_id) if org.parent_id else ""
    return {
        "name": org.name,
        "kind": text_of(dialog_manager, f"staff-org-kind-{org.kind}"),
        "timezone": timezone_label(dialog_manager, org.timezone),
        "parent": parent,
        "has_parent": bool(parent),
        "invites_coordinator": org.kind == "municipality",
        "invites_curator": org.kind == "school",
    }


# --- handlers ---------------------------------------------------------------------


async def on_organisation(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, org_id: int
) -> None:
    # The id comes from the client: the service decides whether it may be seen.
    org = await services_of(manager).organisations.get(actor_of(manager), org_id)
    manager.dialog_data["org_id"] = org.id
    await manager.switch_to(Organisations.view)


async def on_add_municipality(
    callback: CallbackQuery, _button: Button, manager: DialogManager
) -> None:
    manager.dialog_data.update(kind="municipality", parent_id=None)
    await manager.switch_to(Organisations.new_name)


async def on_add_school(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.update(kind="school", parent_id=None)
    await manager.switch_to(Organisations.new_parent)


async def on_parent(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, parent_id: int
) -> None:
    manager.dialog_data["parent_id"] = parent_id  # checked by the service on create
    await manager.switch_to(Organisations.new_name)


async def on_no_parent(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data["parent_id"] = None
    await manager.switch_to(Organisations.new_name)


async def on_name_back(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("kind") == "school":
        await manager.switch_to(Organisations.new_parent)
    else:
        await manager.switch_to(Organisations.list)


async def on_name(message: Message, manager: DialogManager, name: str) -> None:
    manager.dialog_data["name"] = name
    await manager.switch_to(Organisations.new_timezone)


async def on_timezone(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, timezone: str
) -> None:
    data = manager.dialog_data
    try:
        org = await services_of(manager).organisations.create(
            actor_of(manager),
            kind=str(data.get("kind")),
            name=str(data.get("name", "")),
            timezone=timezone,  # from the client: the service checks it against its list
            parent_id=data.get("parent_id"),
        )
    except InvalidInput as error:
        await hint(manager, callback, f"error-{error.code}")
        return
    for key in ("kind", "name", "parent_id"):
        data.pop(key, None)
    data["org_id"] = org.id
    await callback.answer(text_of(manager, "staff-org-created"))
    await manager.switch_to(Organisations.view)


async def on_invite(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    actor = actor_of(manager)
    org = await services.organisations.get(actor, int(manager.dialog_data["org_id"]))
    role = ADMIN_INVITE_ROLE.get(org.kind)
    if role is None:
        await hint(manager, callback, "error-invite-wrong-organisation")
        return
    try:
        invite = await services.invites.create(actor, organisation_id=org.id, role=role, max_uses=1)
    except InvalidInput as error:
        await hint(manager, callback, f"error-{error.code}")
        return
    await show_invite(manager, invite, place=org.name, tz=org.timezone, state=Organisations.invite)


def _list_window() -> Window:
    """The organisations, and adding one."""
    return Window(
        T("staff-org-list"),
        scrolling_select("{item[label]}", "org", "orgs", on_organisation),
        Row(
            Button(T("staff-org-add-municipality"), id="add_mun", on_click=on_add_municipality),
            Button(T("staff-org-add-school"), id="add_school", on_click=on_add_school),
        ),
        back_to_menu(T("button-back")),
        buttons_only(),
        state=Organisations.list,
        getter=list_getter,
    )


def _new_windows() -> list[Window]:
    """A new organisation: its municipality, name and time zone."""
    return [
        Window(
            T("staff-org-parent-prompt"),
            scrolling_select("{item[label]}", "parent", "parents", on_parent),
            Button(T("staff-org-no-parent"), id="no_parent", on_click=on_no_parent),
            SwitchTo(T("button-back"), id="back", state=Organisations.list),
            buttons_only(),
            state=Organisations.new_parent,
            getter=parent_getter,
        ),
        Window(
            T("staff-org-name-prompt-municipality", when="is_municipality"),
            T("staff-org-name-prompt-school", when="is_school"),
            Button(T("button-back"), id="back", on_click=on_name_back),
            validated_text("name", clean_name, on_name),
            buttons_only(),
            state=Organisations.new_name,
            getter=name_getter,
        ),
        Window(
            T("staff-org-timezone-prompt"),
            Group(
                Select(
                    Format("{item[label]}"),
                    id="tz",
                    item_id_getter=lambda item: item["id"],
                    items="zones",
                    on_click=on_timezone,
                ),
                width=2,
            ),
            SwitchTo(T("button-back"), id="back", state=Organisations.new_name),
            buttons_only(),
            state=Organisations.new_timezone,
            getter=timezone_getter,
        ),
    ]


def _view_windows() -> list[Window]:
    """An organisation, and the invitation made there."""
    return [
        Window(
            T("staff-org-view"),
            T("staff-org-parent", when="has_parent"),
            Button(
                T("staff-org-invite-coordinator"),
                id="invite_coordinator",
                on_click=on_invite,
                when="invites_coordinator",
            ),
            Button(
                T("staff-org-invite-curator"),
                id="invite_curator",
                on_click=on_invite,
                when="invites_curator",
            ),
            quiet_hours_button("org_id", when="invites_curator"),
            headcount_button("org_id", when="invites_curator"),
            municipal_button("org_id", when="invites_coordinator"),
            digest_schedule_button("org_id", when="invites_curator"),
            SwitchTo(T("button-back"), id="back", state=Organisations.list),
            buttons_only(),
            state=Organisations.view,
            getter=view_getter,
        ),
        Window(
            T("staff-invite-ready"),
            SwitchTo(T("button-back"), id="back", state=Organisations.view),
            buttons_only(),
            state=Organisations.invite,
            getter=invite_getter,
        ),
    ]


def organisations_dialog() -> Dialog:
    return Dialog(
        _list_window(),
        *_new_windows(),
        *_view_windows(),
    )
