"""The command lists shown in Telegram's menu, per language and per role."""

from __future__ import annotations

import logging
from collections import OrderedDict

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from aiogram_i18n import I18nContext
from aiogram_i18n.cores import BaseCore

from bot.config import SUPPORTED_LOCALES
from bot.services.access import Actor

log = logging.getLogger(__name__)

BASE_COMMANDS = ("start", "help", "mydata", "language", "cancel")
PARTICIPANT_COMMANDS = ("survey",)


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


ROLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "admin": ("organisations", "programmes", "surveys", "digest", "report"),
    "coordinator": ("report",),
    "curator": (
        "programmes",
        "participants",
        "pairs",
        "plan",
        "meeting",
        "surveys",
        "digest",
        "report",
    ),
    "mentor": ("plan", "meeting"),
    "mentee": ("plan", "meeting"),
}


def commands_for_roles(roles: set[str]) -> tuple[str, ...]:
    """The base commands plus those of each role the person has, without repeats."""
    names = list(BASE_COMMANDS)
    for role in ("admin", "coordinator", "curator", "mentor", "mentee"):
        if role in roles:
            names += [n for n in ROLE_COMMANDS[role] if n not in names]
    if roles & {"mentor", "mentee", "curator"}:
        names += [n for n in PARTICIPANT_COMMANDS if n not in names]
    return tuple(names)


# Commands that open a staff screen: only a person whose roles list them may open it (a
# stranger's /pairs answers in one line whose command it is, never a curator's empty screen).
STAFF_SCREENS = ("organisations", "programmes", "participants", "pairs", "surveys")


def may_use(command: str, roles: set[str]) -> bool:
    return command in commands_for_roles(roles)


def roles_with(command: str) -> tuple[str, ...]:
    """The roles whose menus list `command`, in the menu's order."""
    return tuple(role for role, names in ROLE_COMMANDS.items() if command in names)


# What each chat's command list was last set to through this Bot object (kept on it: two
# Bots with one token compare equal): a `/start` that would set the same list again makes no
# call to Telegram, one request fewer on most /start. Bounded: the oldest chats are
# forgotten (they get their list set again, which is harmless).
_SET = "_nastavnik_chat_commands"
SET_COMMANDS_REMEMBERED = 10_000


async def refresh_commands(bot: Bot, i18n: I18nContext, chat_id: int, actor: Actor) -> None:
    """The person's own command list: their roles, their language."""
    names = commands_for_roles(actor.role_names())
    wanted = (i18n.locale, names)
    known: OrderedDict[int, tuple[str, tuple[str, ...]]] = vars(bot).setdefault(_SET, OrderedDict())
    if known.get(chat_id) == wanted:
        return
    try:
        await register_chat_commands(bot, i18n.core, chat_id, i18n.locale, names)
    except TelegramAPIError as exc:  # the menu is a convenience: never fail the update for it
        log.warning("could not set commands for chat %s: %s", chat_id, exc)
        known.pop(chat_id, None)
        return
    known[chat_id] = wanted
    known.move_to_end(chat_id)
    while len(known) > SET_COMMANDS_REMEMBERED:
        known.popitem(last=False)
