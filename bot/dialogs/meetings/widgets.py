"""Widgets of the meetings dialog."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Calendar
from aiogram_dialog.widgets.kbd.calendar_kbd import CalendarUserConfig


class SchoolCalendar(Calendar):
    """A calendar in the school's time zone, up to today."""

    async def _get_user_config(
        self, data: dict[str, Any], manager: DialogManager
    ) -> CalendarUserConfig:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(data.get("timezone") or "Europe/Moscow")
        return CalendarUserConfig(timezone=tz)  # type: ignore[arg-type]


def message_input(handler: Any) -> Any:
    from aiogram_dialog.widgets.input import MessageInput

    return MessageInput(handler)
