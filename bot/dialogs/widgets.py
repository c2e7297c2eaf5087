"""Widgets shared by every dialog: localized text and the answer to unexpected input."""

from __future__ import annotations

from typing import Any

from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import ScrollingGroup, Select
from aiogram_dialog.widgets.text import Format, Text
from aiogram_i18n import I18nContext


def i18n_of(manager: DialogManager) -> I18nContext:
    return manager.middleware_data["i18n"]


class T(Text):
    """A Fluent message rendered in the user's language with the window's data."""

    def __init__(self, key: str, when: Any = None, **fixed: Any) -> None:
        super().__init__(when=when)
        self.key = key
        self.fixed = fixed

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        args = {k: v for k, v in data.items() if isinstance(v, str | int | float)}
        args.update(self.fixed)
        return i18n_of(manager).get(self.key, **args)


async def _use_buttons(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(i18n_of(manager).get("hint-use-buttons"))
    manager.show_mode = ShowMode.SEND  # show the buttons again, below the hint


def buttons_only() -> MessageInput:
    """For windows that expect a tap: typed text gets a polite hint, nothing is lost."""
    return MessageInput(_use_buttons)


def scrolling_select(
    text: str, widget_id: str, items: str, on_click: Any, *, height: int = 8
) -> ScrollingGroup:
    """A paged one-per-row list whose items are dicts with "id" (an int) and "label"."""
    return ScrollingGroup(
        Select(
            Format(text),
            id=widget_id,
            item_id_getter=lambda item: item["id"],
            items=items,
            type_factory=int,
            on_click=on_click,
        ),
        id=f"{widget_id}_pages",
        width=1,
        height=height,
        hide_on_single_page=True,
    )
