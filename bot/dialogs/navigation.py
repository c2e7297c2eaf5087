"""Ways back: a screen opened by a command has no dialog under it, so «Назад» (or the
end of its job) leads to the main menu instead of removing the buttons."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button

from bot.dialogs.states import MainMenu
from bot.dialogs.widgets import T


async def close_to_menu(
    manager: DialogManager, result: Any = None, *, show_mode: ShowMode | None = None
) -> None:
    """Close this dialog: back to the one that opened it, or to the main menu."""
    if len(manager.current_stack().intents) > 1:
        await manager.done(result, show_mode=show_mode)
    else:
        await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=show_mode)


async def _on_back(_event: Any, _button: Any, manager: DialogManager) -> None:
    await close_to_menu(manager)


def back_to_menu(widget_id: str = "back_menu", **kwargs: Any) -> Button:
    """«◀️ Назад» that never leaves the person without buttons."""
    return Button(T("button-back"), id=widget_id, on_click=_on_back, **kwargs)
