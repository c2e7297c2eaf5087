"""/meeting: opens the meetings dialog at what the person most likely wants first."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_dialog import DialogManager

from bot.dialogs.meetings import start_meeting


async def on_meeting(message: Message, dialog_manager: DialogManager) -> None:
    await start_meeting(dialog_manager)


def router() -> Router:
    r = Router(name="meetings")
    r.message.register(on_meeting, Command("meeting"))
    return r
