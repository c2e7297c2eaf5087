"""A school's headcounts for the current school year, for its curators and the admin:
three numbers typed one after another, saved together at the end (a wrong value gets a
hint and nothing is half-saved). Started from the school's programme list (curator) or
its card (admin)."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, SwitchTo

from bot.dialogs.widgets import (
    T,
    actor_of,
    buttons_only,
    hint,
    services_of,
    text_of,
    validated_text,
)
from bot.services.errors import InvalidInput
from bot.services.headcounts import HeadcountService, parse_count


class HeadcountDialog(StatesGroup):
    view = State()
    students = State()
    teachers = State()
    young = State()


def headcount_button(org_id_key: str, when: str | None = None) -> Button:
    """A button that opens the headcounts of the school whose id is in dialog_data."""

    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        await manager.start(
            HeadcountDialog.view,
            data={"organisation_id": int(manager.dialog_data[org_id_key])},
        )

    return Button(T("headcount-button"), id="headcount", on_click=on_click, when=when)


def _service(manager: DialogManager) -> HeadcountService:
    return services_of(manager).headcounts


def _organisation_id(manager: DialogManager) -> int:
    data = manager.start_data
    assert isinstance(data, dict)
    return int(data["organisation_id"])


async def view_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    # The id came with the button press: the service checks the person curates the school.
    counts = await _service(dialog_manager).get(
        actor_of(dialog_manager), _organisation_id(dialog_manager)
    )
    dialog_manager.dialog_data["year"] = counts.year
    missing = text_of(dialog_manager, "headcount-not-set")

    def shown(value: int | None) -> Any:
        return missing if value is None else value

    return {
        "school": counts.name,
        "year": str(counts.year),
        "next": str(counts.year + 1),
        "students": shown(counts.students_10_18),
        "teachers": shown(counts.teachers),
        "young": shown(counts.young_teachers),
    }


async def on_students(message: Message, manager: DialogManager, value: int) -> None:
    manager.dialog_data["students"] = value
    await manager.switch_to(HeadcountDialog.teachers, show_mode=ShowMode.SEND)


async def on_teachers(message: Message, manager: DialogManager, value: int) -> None:
    manager.dialog_data["teachers"] = value
    await manager.switch_to(HeadcountDialog.young, show_mode=ShowMode.SEND)


async def on_young(message: Message, manager: DialogManager, value: int) -> None:
    data = manager.dialog_data
    teachers = int(data["teachers"])
    if value > teachers:
        await hint(manager, message, "error-headcount-young", teachers=teachers)
        return
    try:
        saved = await _service(manager).set(
            actor_of(manager),
            _organisation_id(manager),
            year=int(data["year"]),
            students_10_18=int(data["students"]),
            teachers=teachers,
            young_teachers=value,
        )
    except InvalidInput as error:
        await hint(manager, message, f"error-{error.code}", **error.details)
        return
    await message.answer(
        text_of(
            manager,
            "headcount-saved",
            students=saved.students_10_18,
            teachers=saved.teachers,
            young=saved.young_teachers,
        )
    )
    await manager.switch_to(HeadcountDialog.view, show_mode=ShowMode.SEND)


def headcount_dialog() -> Dialog:
    return Dialog(
        Window(
            T("headcount-view"),
            SwitchTo(T("headcount-edit-button"), id="edit", state=HeadcountDialog.students),
            Cancel(T("button-back")),
            buttons_only(),
            state=HeadcountDialog.view,
            getter=view_getter,
        ),
        Window(
            T("headcount-ask-students"),
            validated_text("students", parse_count, on_students),
            SwitchTo(T("button-back"), id="back", state=HeadcountDialog.view),
            state=HeadcountDialog.students,
        ),
        Window(
            T("headcount-ask-teachers"),
            validated_text("teachers", parse_count, on_teachers),
            SwitchTo(T("button-back"), id="back", state=HeadcountDialog.students),
            state=HeadcountDialog.teachers,
        ),
        Window(
            T("headcount-ask-young"),
            validated_text("young", parse_count, on_young),
            SwitchTo(T("button-back"), id="back", state=HeadcountDialog.teachers),
            state=HeadcountDialog.young,
        ),
    )
