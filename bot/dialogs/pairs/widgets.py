"""Widgets the `/pairs` windows build from: a filter button, a paged multiselect, a back
button named after the state it returns to."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button, Group, Multiselect, ScrollingGroup, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.paging import Pager
from bot.dialogs.widgets import T


def filter_button(key: str) -> Button:
    async def on_click(_c: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        manager.dialog_data["filter"] = key
        # A new filter starts at the first page.
        await manager.find("people_pages").set_page(0)  # type: ignore[union-attr]

    return Button(Format(f"{{f_{key}}}"), id=f"filter_{key}", on_click=on_click)


def multiselect(widget_id: str, items: str) -> Group:
    scroll_id = f"{widget_id}_pages"
    return Group(
        ScrollingGroup(
            Multiselect(
                Format("✅ {item[label]}"),
                Format("{item[label]}"),
                id=widget_id,
                item_id_getter=lambda item: item["id"],
                items=items,
                type_factory=int,
            ),
            id=scroll_id,
            width=1,
            height=8,
            hide_pager=True,
        ),
        Pager(scroll=scroll_id, id=f"{widget_id}_pager"),
    )


def back(state: Any) -> SwitchTo:
    return SwitchTo(T("button-back"), id=f"back_{state.state.split(':')[-1]}", state=state)
