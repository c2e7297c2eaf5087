"""The last router: whatever nobody else understood gets a polite answer and the menu."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram_i18n import I18nContext

from bot.handlers.start import show_menu


async def on_unknown_message(
    message: Message, i18n: I18nContext, dialog_manager: DialogManager
) -> None:
    await message.answer(i18n.get("fallback-not-understood"))
    await show_menu(dialog_manager)


async def on_unknown_callback(
    callback: CallbackQuery, i18n: I18nContext, dialog_manager: DialogManager
) -> None:
    await callback.answer(i18n.get("stale-button"), show_alert=False)
    if callback.message is not None:
        await show_menu(dialog_manager)


def router() -> Router:
    r = Router(name="fallback")
    r.message.register(on_unknown_message, F.chat.type == "private")
    r.callback_query.register(on_unknown_callback)
    return r
