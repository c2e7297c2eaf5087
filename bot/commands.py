"""The command lists shown in Telegram's menu, per language and per role."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram_i18n.cores import BaseCore

from bot.config import SUPPORTED_LOCALES

BASE_COMMANDS = ("start", "help", "language", "cancel")


def build_commands(core: BaseCore[object], locale: str, names: tuple[str, ...]) -> list[BotCommand]:
    return [
        BotCommand(command=name, description=core.get(f"command-{name}", locale)) for name in names
    ]


async def register_default_commands(bot: Bot, core: BaseCore[object], default_locale: str) -> None:
    """Telegram shows these to everyone; each language gets its own list."""
    scope = BotCommandScopeDefault()
    await bot.set_my_commands(build_commands(core, default_locale, BASE_COMMANDS), scope=scope)
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(
            build_commands(core, locale, BASE_COMMANDS), scope=scope, language_code=locale
        )


async def register_chat_commands(
    bot: Bot, core: BaseCore[object], chat_id: int, locale: str, names: tuple[str, ...]
) -> None:
    """A person's own list, for their roles, in their language."""
    await bot.set_my_commands(
        build_commands(core, locale, names), scope=BotCommandScopeChat(chat_id=chat_id)
    )
