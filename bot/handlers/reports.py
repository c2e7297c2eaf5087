"""/report: a curator's, coordinator's or admin's files (see bot/dialogs/reports.py)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_dialog import DialogManager

from bot.dialogs.reports import refuse, start_reports
from bot.handlers.start import show_menu


async def on_report(message: Message, dialog_manager: DialogManager) -> None:
    if not await start_reports(dialog_manager):
        await refuse(message, dialog_manager)
        await show_menu(dialog_manager)


def router() -> Router:
    r = Router(name="reports")
    r.message.register(on_report, Command("report"))
    return r
