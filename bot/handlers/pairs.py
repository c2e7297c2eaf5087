"""/pairs (curators) and /plan (pair members and curators)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_dialog import DialogManager

from bot.dialogs.pairs.handlers import start_pairs
from bot.dialogs.plan import start_plan


async def on_pairs(message: Message, dialog_manager: DialogManager) -> None:
    await start_pairs(dialog_manager)


async def on_plan(message: Message, dialog_manager: DialogManager) -> None:
    await start_plan(dialog_manager)


def router() -> Router:
    r = Router(name="pairs")
    r.message.register(on_pairs, Command("pairs"))
    r.message.register(on_plan, Command("plan"))
    return r
