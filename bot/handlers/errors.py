"""Errors: stale dialogs lead back to the menu, rule refusals get their message,
anything else is logged with the update id and answered politely — never silence."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent
from aiogram_dialog import DialogManager
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState
from aiogram_i18n import I18nContext, I18nMiddleware

from bot.handlers.start import show_menu
from bot.services.errors import DomainError

log = logging.getLogger(__name__)

# Telegram failed us in a way that is known and needs no traceback to understand: too many
# messages (429, after the retries), the network, Telegram's own 5xx.
KNOWN_TELEGRAM_FAILURES = (TelegramRetryAfter, TelegramNetworkError, TelegramServerError)


def one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


async def _tell(event: ErrorEvent, text: str) -> None:
    update = event.update
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.message is not None:
            await update.message.answer(text)
    except TelegramForbiddenError:
        log.info("update %s: the person blocked the bot", update.update_id)
    except KNOWN_TELEGRAM_FAILURES as exc:
        log.warning(
            "update %s: could not tell the person about an error (%s)",
            update.update_id,
            one_line(exc),
        )
    except Exception:
        log.exception("update %s: could not tell the person about an error", update.update_id)


async def on_stale_dialog(
    event: ErrorEvent, i18n: I18nContext, dialog_manager: DialogManager
) -> None:
    log.info("update %s: stale dialog (%s), back to menu", event.update.update_id, event.exception)
    await _tell(event, i18n.get("stale-button"))
    await show_menu(dialog_manager)


async def on_refused(event: ErrorEvent, i18n: I18nContext) -> None:
    code = getattr(event.exception, "code", "generic")
    await _tell(event, i18n.get(f"error-{code}"))


async def on_blocked(event: ErrorEvent) -> None:
    log.info("update %s: the person blocked the bot mid-answer", event.update.update_id)


async def on_unexpected(
    event: ErrorEvent, i18n_middleware: I18nMiddleware, i18n: I18nContext | None = None
) -> None:
    if isinstance(event.exception, KNOWN_TELEGRAM_FAILURES):
        log.warning(
            "update %s: Telegram failed (%s)", event.update.update_id, one_line(event.exception)
        )
    else:
        log.error(
            "update %s failed: %r",
            event.update.update_id,
            event.exception,
            exc_info=event.exception,
        )
    if i18n is not None:
        text = i18n.get("error-unexpected")
    else:  # the failure came before the language was known
        text = i18n_middleware.core.get("error-unexpected", i18n_middleware.core.default_locale)
    await _tell(event, text)


def router() -> Router:
    r = Router(name="errors")
    r.errors.register(
        on_stale_dialog, ExceptionTypeFilter(UnknownIntent, OutdatedIntent, UnknownState)
    )
    r.errors.register(on_refused, ExceptionTypeFilter(DomainError))
    r.errors.register(on_blocked, ExceptionTypeFilter(TelegramForbiddenError))
    r.errors.register(on_unexpected)
    return r
