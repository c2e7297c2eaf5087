"""Lists that fit a phone: one paged list of buttons with a «‹ 2/5 ›» pager, short button
labels, and the way back to the menu from a staff screen's first window."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram_dialog import DialogManager, StartMode
from aiogram_dialog.api.internal import RawKeyboard
from aiogram_dialog.widgets.kbd import Button, Group, Keyboard, ScrollingGroup, Select
from aiogram_dialog.widgets.kbd.pager import BasePager
from aiogram_dialog.widgets.text import Format, Text

from bot.dialogs.states import MainMenu
from bot.i18n import plain_text

LABEL_MAX = 30
PAGE_HEIGHT = 8


def shorten(text: str, limit: int = LABEL_MAX) -> str:
    """`text` on one line and within `limit` characters; a cut ends with «…»."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def label_of(manager: DialogManager, key: str, limit: int = LABEL_MAX, **args: Any) -> str:
    """A button label from a Fluent message: plain text (Telegram shows labels as typed,
    so names are not HTML-escaped here), shortened to `limit`."""
    i18n = manager.middleware_data["i18n"]
    return shorten(plain_text(i18n.core, key, i18n.locale, **args), limit)


class Pager(BasePager):
    """«‹ 2/5 ›» under a paged list (a `ScrollingGroup` or a paged text `List`), hidden
    when everything fits on one page. The arrows go round: ‹ on the first page opens the
    last one."""

    async def _render_keyboard(self, data: dict[str, Any], manager: DialogManager) -> RawKeyboard:
        scroll = self._find_scroll(manager)
        pages = await scroll.get_page_count(data)
        if pages <= 1:
            return []
        current = min(pages - 1, await scroll.get_page())
        return [
            [
                InlineKeyboardButton(
                    text="‹", callback_data=self._item_callback_data((current - 1) % pages)
                ),
                InlineKeyboardButton(
                    text=f"{current + 1}/{pages}", callback_data=self._item_callback_data(current)
                ),
                InlineKeyboardButton(
                    text="›", callback_data=self._item_callback_data((current + 1) % pages)
                ),
            ]
        ]


def paged_select(
    text: str,
    widget_id: str,
    items: str,
    on_click: Any,
    *,
    height: int = PAGE_HEIGHT,
    when: Any = None,
) -> Keyboard:
    """A one-per-row list of buttons whose items are dicts with "id" (an int) and "label"
    (shorten it with `shorten`), `height` rows a page, with the «‹ 2/5 ›» pager below."""
    scroll_id = f"{widget_id}_pages"
    return Group(
        ScrollingGroup(
            Select(
                Format(text),
                id=widget_id,
                item_id_getter=lambda item: item["id"],
                items=items,
                type_factory=int,
                on_click=on_click,
            ),
            id=scroll_id,
            width=1,
            height=height,
            hide_pager=True,
        ),
        Pager(scroll=scroll_id, id=f"{widget_id}_pager"),
        when=when,
    )


async def to_menu(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    """Back to the main menu, whatever the stack holds (see `back_to_menu`)."""
    await manager.start(MainMenu.main, mode=StartMode.RESET_STACK)


def back_to_menu(text: Text, widget_id: str = "to_menu") -> Button:
    """«Назад» on the first window of a staff dialog: the main menu, in the same message,
    whether the dialog was opened from the menu or by a command (a plain `Cancel` would
    leave a command-opened screen without buttons)."""
    return Button(text, id=widget_id, on_click=to_menu)
