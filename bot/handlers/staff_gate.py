"""Staff commands for someone without the role: one line saying whose command it is, then
the person's own menu (what they can do). The screens behind them never open for a
stranger, a mentor or a mentee."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message
from aiogram_dialog import DialogManager
from aiogram_i18n import I18nContext

from bot.commands import STAFF_SCREENS, may_use, roles_with
from bot.handlers.start import show_menu, young
from bot.services.access import Actor
from bot.services.users import Person


async def not_for_you(message: Message, actor: Actor, command: CommandObject) -> bool:
    return not may_use(command.command.lower(), actor.role_names())


async def on_not_yours(
    message: Message,
    command: CommandObject,
    i18n: I18nContext,
    dialog_manager: DialogManager,
    person: Person | None = None,
    **_: Any,
) -> None:
    name = command.command.lower()
    roles = ", ".join(i18n.get(f"role-{role}") for role in roles_with(name))
    await message.answer(
        i18n.get("command-not-yours", command=name, roles=roles, young=young(person))
    )
    await show_menu(dialog_manager)


def router() -> Router:
    r = Router(name="staff-gate")
    r.message.register(on_not_yours, Command(*STAFF_SCREENS), not_for_you)
    return r
