"""A school's quiet hours, for its curators and the admin: started from the school's card
(admin) or its programme list (curator)."""

from __future__ import annotations

from datetime import time
from typing import Any

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel

from bot.dialogs.widgets import T, actor_of, services_of, text_of, validated_text
from bot.services.quiet import DEFAULT_QUIET_END, DEFAULT_QUIET_START, parse_quiet_hours


class QuietHoursDialog(StatesGroup):
    edit = State()


def quiet_hours_button(org_id_key: str, when: str | None = None) -> Button:
    """A button that opens the quiet hours of the school whose id is in dialog_data."""

    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        await manager.start(
            QuietHoursDialog.edit,
            data={"organisation_id": int(manager.dialog_data[org_id_key])},
        )

    return Button(T("quiet-hours-button"), id="quiet_hours", on_click=on_click, when=when)


def _organisation_id(manager: DialogManager) -> int:
    data = manager.start_data
    assert isinstance(data, dict)
    return int(data["organisation_id"])


async def edit_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    # The id came with the button press: the service checks the person curates the school.
    school = await services_of(dialog_manager).quiet_hours.get(
        actor_of(dialog_manager), _organisation_id(dialog_manager)
    )
    hours = school.hours
    return {
        "school": school.name,
        "start": hours.start.strftime("%H:%M"),
        "end": hours.end.strftime("%H:%M"),
        "timezone": hours.timezone,
        "on": hours.start != hours.end,
        "off": hours.start == hours.end,
    }


async def _save(
    manager: DialogManager, event: Message | CallbackQuery, start: time, end: time
) -> None:
    await services_of(manager).quiet_hours.set(
        actor_of(manager), _organisation_id(manager), start, end
    )
    await event.answer(
        text_of(
            manager, "quiet-hours-saved", start=start.strftime("%H:%M"), end=end.strftime("%H:%M")
        )
    )
    await manager.done()


async def on_hours(message: Message, manager: DialogManager, value: tuple[time, time]) -> None:
    await _save(manager, message, *value)


async def on_default(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _save(manager, callback, DEFAULT_QUIET_START, DEFAULT_QUIET_END)


def quiet_hours_dialog() -> Dialog:
    return Dialog(
        Window(
            T("quiet-hours-current", when="on"),
            T("quiet-hours-current-off", when="off"),
            validated_text("quiet_hours_input", parse_quiet_hours, on_hours),
            Button(T("quiet-hours-default-button"), id="default", on_click=on_default),
            Cancel(T("button-back")),
            state=QuietHoursDialog.edit,
            getter=edit_getter,
        ),
    )
