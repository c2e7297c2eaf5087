"""Buttons under notifications: `open:<target>:<id>` opens the screen the message is about.

The message came from the outbox, not from a dialog, so aiogram-dialog does not know its
buttons. Each target has an opener here that checks on the server whether this person may
open that object now (callback data proves nothing) and starts the right dialog. A button
that is stale (the object is gone, answered, or never was) gets a polite alert and the menu.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_i18n import I18nContext

from bot.handlers.start import show_menu

PREFIX = "open:"
_DATA = re.compile(r"^open:([a-z][a-z0-9-]{0,31}):(\d{1,9})$")  # ids are 32-bit

# target -> opener(dialog_manager, id) -> True when it opened something for this person.
Opener = Callable[[DialogManager, int], Awaitable[bool]]
OPENERS: dict[str, Opener] = {}


def register_opener(target: str, opener: Opener) -> None:
    OPENERS[target] = opener


async def on_open(
    callback: CallbackQuery, i18n: I18nContext, dialog_manager: DialogManager
) -> None:
    match = _DATA.match(callback.data or "")
    opener = OPENERS.get(match.group(1)) if match else None
    opened = False
    if match and opener is not None:
        opened = await opener(dialog_manager, int(match.group(2)))
    if opened:
        await callback.answer()
        return
    await callback.answer(i18n.get("stale-button"), show_alert=False)
    await show_menu(dialog_manager)


def router() -> Router:
    r = Router(name="open")
    r.callback_query.register(on_open, F.data.startswith(PREFIX))
    return r
