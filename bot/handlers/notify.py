"""Messages the bot sends to someone other than the person who acted.

Each goes out in the recipient's own language; a recipient who blocked the bot is
marked unreachable and skipped. (A later issue routes these through one rate-limited
sender via notification rows; this is the single place to change then.)
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram_i18n import I18nContext

from bot.services.hub import ServiceHub
from bot.services.personal_data import Withdrawal
from bot.services.users import Person

log = logging.getLogger(__name__)


async def send_text(bot: Bot, telegram_id: int, text: str) -> bool:
    try:
        await bot.send_message(telegram_id, text)
    except TelegramForbiddenError:
        log.info("user %s blocked the bot", telegram_id)
        return False
    except TelegramBadRequest as exc:  # e.g. the chat no longer exists
        log.warning("could not message %s: %s", telegram_id, exc)
        return False
    return True


async def send_to_person(
    bot: Bot,
    i18n: I18nContext,
    person: Person,
    key: str,
    *,
    services: ServiceHub | None = None,
    **args: Any,
) -> bool:
    if person.telegram_id is None:
        return False
    locale = person.locale or i18n.locale
    delivered = await send_text(bot, person.telegram_id, i18n.core.get(key, locale, **args))
    if not delivered and services is not None:
        await services.users.mark_unreachable(person.telegram_id)
    return delivered


async def notify_withdrawal(
    bot: Bot, i18n: I18nContext, withdrawal: Withdrawal, subject_name: str
) -> None:
    """Tell the curators that a participant withdrew consent."""
    for curator in withdrawal.curators:
        text = i18n.core.get(
            "curator-participant-withdrew",
            curator.locale or i18n.locale,
            name=subject_name,
            school=curator.organisation_name,
            pairs=withdrawal.ended_pairs,
        )
        await send_text(bot, curator.telegram_id, text)
