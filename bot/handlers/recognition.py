"""The buttons under a nomination («Наставник года», «Лучшая пара»): accept or ignore.

They are `open:recognition-accept:<id>` / `open:recognition-ignore:<id>` buttons (see
bot/handlers/open.py); the service checks that this person curates the nomination's
school. A forged id or another school's nomination gets the stale-button answer."""

from __future__ import annotations

from aiogram import Router
from aiogram_dialog import DialogManager

from bot.dialogs.widgets import actor_of, bot_of, services_of, text_of
from bot.handlers.open import register_opener
from bot.handlers.start import show_menu
from bot.services.errors import DomainError
from bot.services.recognition import ACCEPT, IGNORE


async def _answer(manager: DialogManager, recognition_id: int, accepted: bool) -> bool:
    service = services_of(manager).recognition
    try:
        answer = await service.answer(actor_of(manager), recognition_id, accepted)
    except DomainError:
        return False
    if answer.already:
        key = "recognition-already-accepted" if answer.accepted else "recognition-already-ignored"
    else:
        key = "recognition-accepted" if answer.accepted else "recognition-ignored"
    chat = manager.middleware_data["event_chat"]
    await bot_of(manager).send_message(
        chat.id, text_of(manager, key, kind=text_of(manager, f"recognition-kind-{answer.kind}"))
    )
    await show_menu(manager)
    return True


async def open_accept(manager: DialogManager, recognition_id: int) -> bool:
    return await _answer(manager, recognition_id, True)


async def open_ignore(manager: DialogManager, recognition_id: int) -> bool:
    return await _answer(manager, recognition_id, False)


def register() -> None:
    """The two openers (called at start, from bot.handlers.openers.register)."""
    register_opener(ACCEPT, open_accept)
    register_opener(IGNORE, open_ignore)


def router() -> Router:
    """No handlers: the buttons are openers (see `register`)."""
    return Router(name="recognition")
