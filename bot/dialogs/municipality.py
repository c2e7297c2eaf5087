"""The coordinator's municipality: which schools lack this year's headcounts, and the
monitoring deadline (day and month, every year), which the coordinator sets here.
Started from the main menu (coordinator) or a municipality's card (admin)."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, SwitchTo

from bot.dialogs.paging import shorten
from bot.dialogs.widgets import (
    T,
    actor_of,
    buttons_only,
    scrolling_select,
    services_of,
    text_of,
    validated_text,
)
from bot.services.municipality import DEFAULT_DEADLINE, MunicipalityService, parse_deadline

SCHOOLS_SHOWN = 30
NAME_MAX = 60


class MunicipalDialog(StatesGroup):
    choose = State()
    view = State()
    deadline = State()


def _service(manager: DialogManager) -> MunicipalityService:
    return services_of(manager).municipality


async def start_municipal(manager: DialogManager, organisation_id: int | None = None) -> None:
    """Straight to the municipality when it is known (or the person coordinates one)."""
    if organisation_id is None:
        names = await _service(manager).names(actor_of(manager))
        if len(names) == 1:
            organisation_id = names[0][0]
    if organisation_id is None:
        await manager.start(MunicipalDialog.choose)
        return
    await manager.start(MunicipalDialog.view, data={"organisation_id": organisation_id})


def municipal_button(org_id_key: str | None = None, when: str | None = None) -> Button:
    """The coordinator's entry (main menu), or the admin's on a municipality's card."""

    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        org_id = int(manager.dialog_data[org_id_key]) if org_id_key else None
        await start_municipal(manager, org_id)

    return Button(T("municipal-button"), id="municipal", on_click=on_click, when=when)


async def choose_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    names = await _service(dialog_manager).names(actor_of(dialog_manager))
    return {"items": [{"id": i, "label": shorten(n, NAME_MAX)} for i, n in names]}


async def on_choose(
    _callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    # A value from a button: the service checks the person coordinates it.
    manager.dialog_data["organisation_id"] = int(item_id)
    await manager.switch_to(MunicipalDialog.view)


def _organisation_id(manager: DialogManager) -> int:
    if "organisation_id" not in manager.dialog_data:
        start = manager.start_data
        assert isinstance(start, dict)
        manager.dialog_data["organisation_id"] = int(start["organisation_id"])
    return int(manager.dialog_data["organisation_id"])


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    view = await _service(dialog_manager).view(
        actor_of(dialog_manager), _organisation_id(dialog_manager)
    )
    missing = [shorten(name, NAME_MAX) for name in view.missing[:SCHOOLS_SHOWN]]
    if len(view.missing) > SCHOOLS_SHOWN:
        missing.append("…")
    return {
        "municipality": view.name,
        "schools": view.schools,
        "deadline": view.deadline,
        "count": len(view.missing),
        "missing_list": ", ".join(missing),
        "has_missing": bool(view.missing),
        "all_entered": not view.missing and view.schools > 0,
    }


async def _save(
    manager: DialogManager, event: Message | CallbackQuery, day: int, month: int
) -> None:
    deadline = await _service(manager).set_deadline(
        actor_of(manager), _organisation_id(manager), day, month
    )
    text = text_of(manager, "monitoring-deadline-saved", deadline=deadline)
    if isinstance(event, CallbackQuery):
        if event.message is not None:
            await event.message.answer(text)
        await event.answer()
    else:
        await event.answer(text)
    await manager.switch_to(MunicipalDialog.view, show_mode=ShowMode.SEND)


async def on_deadline(message: Message, manager: DialogManager, value: tuple[int, int]) -> None:
    await _save(manager, message, *value)


async def on_default(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _save(manager, callback, *DEFAULT_DEADLINE)


def municipal_dialog() -> Dialog:
    return Dialog(
        Window(
            T("municipal-choose"),
            scrolling_select("{item[label]}", "municipality", "items", on_choose),
            Cancel(T("button-back")),
            buttons_only(),
            state=MunicipalDialog.choose,
            getter=choose_getter,
        ),
        Window(
            T("municipal-view"),
            T("municipal-headcounts-missing", when="has_missing"),
            T("municipal-headcounts-all", when="all_entered"),
            SwitchTo(
                T("monitoring-deadline-button"), id="deadline", state=MunicipalDialog.deadline
            ),
            Cancel(T("button-back")),
            buttons_only(),
            state=MunicipalDialog.view,
            getter=view_getter,
        ),
        Window(
            T("monitoring-deadline-current"),
            validated_text("deadline_input", parse_deadline, on_deadline),
            Button(T("monitoring-deadline-default-button"), id="default", on_click=on_default),
            SwitchTo(T("button-back"), id="back", state=MunicipalDialog.view),
            state=MunicipalDialog.deadline,
            getter=view_getter,
        ),
    )
