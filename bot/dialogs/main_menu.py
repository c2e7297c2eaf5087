"""The person's main menu: what they see depends on their roles."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Start

from bot.dialogs.states import Language, MainMenu
from bot.dialogs.widgets import T, buttons_only
from bot.services.access import Actor


async def menu_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    actor: Actor | None = dialog_manager.middleware_data.get("actor")
    roles = actor.role_names() if actor else set()
    return {
        "is_admin": "admin" in roles,
        "is_curator": "curator" in roles,
        "is_coordinator": "coordinator" in roles,
        "is_participant": bool(roles & {"mentor", "mentee"}),
        "has_no_role": not roles,
    }


def main_menu_dialog() -> Dialog:
    return Dialog(
        Window(
            T("menu-title"),
            T("menu-no-role", when="has_no_role"),
            Start(T("menu-language"), id="language", state=Language.choose),
            buttons_only(),
            state=MainMenu.main,
            getter=menu_getter,
        ),
    )
