"""A school's digest day and hour, for its curators and the admin: started from the same
places as the quiet hours (the school's card for the admin, the programme list for a
curator). Weekday buttons Пн…Вс and hour presets 7–20; each press is saved at once."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, Select
from aiogram_dialog.widgets.text import Format

from bot.dialogs.widgets import T, actor_of, plain_text_of, services_of
from bot.services.digests import DIGEST_HOURS


class DigestScheduleDialog(StatesGroup):
    edit = State()


def digest_schedule_button(org_id_key: str, when: str | None = None) -> Button:
    """A button that opens the digest schedule of the school whose id is in dialog_data."""

    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        await manager.start(
            DigestScheduleDialog.edit,
            data={"organisation_id": int(manager.dialog_data[org_id_key])},
        )

    return Button(T("digest-day-button"), id="digest_day", on_click=on_click, when=when)


def _organisation_id(manager: DialogManager) -> int:
    data = manager.start_data
    assert isinstance(data, dict)
    return int(data["organisation_id"])


async def edit_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    # The id came with the button press: the service checks the person curates the school.
    schedule = await services_of(dialog_manager).digests.schedule(
        actor_of(dialog_manager), _organisation_id(dialog_manager)
    )

    def mark(label: str, chosen: bool) -> str:
        return f"✅ {label}" if chosen else label

    return {
        "school": schedule.name,
        "weekday": plain_text_of(dialog_manager, f"digest-weekday-{schedule.weekday}"),
        "hour": schedule.hour,
        "timezone": schedule.timezone,
        "weekdays": [
            (
                day,
                mark(
                    plain_text_of(dialog_manager, f"digest-weekday-short-{day}"),
                    day == schedule.weekday,
                ),
            )
            for day in range(7)
        ],
        "hours": [(hour, mark(str(hour), hour == schedule.hour)) for hour in DIGEST_HOURS],
    }


async def _save(
    callback: CallbackQuery, manager: DialogManager, *, weekday: int | None, hour: int | None
) -> None:
    services = services_of(manager)
    actor = actor_of(manager)
    current = await services.digests.schedule(actor, _organisation_id(manager))
    saved = await services.digests.set_schedule(
        actor,
        current.organisation_id,
        weekday=current.weekday if weekday is None else weekday,
        hour=current.hour if hour is None else hour,
    )
    await callback.answer(
        plain_text_of(
            manager,
            "digest-day-saved",
            weekday=plain_text_of(manager, f"digest-weekday-{saved.weekday}"),
            hour=saved.hour,
        )
    )


async def on_weekday(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    await _save(callback, manager, weekday=item_id, hour=None)


async def on_hour(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: int
) -> None:
    await _save(callback, manager, weekday=None, hour=item_id)


def digest_schedule_dialog() -> Dialog:
    return Dialog(
        Window(
            T("digest-day-current"),
            Group(
                Select(
                    Format("{item[1]}"),
                    id="weekday",
                    item_id_getter=lambda item: item[0],
                    items="weekdays",
                    type_factory=int,
                    on_click=on_weekday,
                ),
                width=7,
            ),
            Group(
                Select(
                    Format("{item[1]}"),
                    id="hour",
                    item_id_getter=lambda item: item[0],
                    items="hours",
                    type_factory=int,
                    on_click=on_hour,
                ),
                width=7,
            ),
            Cancel(T("button-back")),
            state=DigestScheduleDialog.edit,
            getter=edit_getter,
        ),
    )
