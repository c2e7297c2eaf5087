"""aiogram-i18n wiring: Fluent files in locales/<lang>/, locale from the user's choice."""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path
from typing import Any

from aiogram import Dispatcher
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nMiddleware
from aiogram_i18n.cores import FluentRuntimeCore
from aiogram_i18n.managers import BaseManager
from markupsafe import Markup, escape

from bot.config import SUPPORTED_LOCALES
from bot.services.users import Person, UserService

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
_PLAIN: ContextVar[bool] = ContextVar("plain_text", default=False)


def pick_locale(chosen: str | None, telegram_code: str | None, default: str) -> str:
    """The user's saved choice, else Telegram's language_code, else the default."""
    if chosen in SUPPORTED_LOCALES:
        return chosen
    if telegram_code:
        base = telegram_code.split("-")[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


class PersonLocaleManager(BaseManager):
    """Reads and saves the locale on our own user row (loaded by UserMiddleware)."""

    async def get_locale(
        self,
        event_from_user: TelegramUser | None = None,
        person: Person | None = None,
        **_: Any,
    ) -> str:
        default = self.default_locale or "ru"
        code = event_from_user.language_code if event_from_user else None
        return pick_locale(person.locale if person else None, code, default)

    async def set_locale(
        self, locale: str, users: UserService | None = None, person: Person | None = None, **_: Any
    ) -> None:
        if users is not None and person is not None:
            await users.set_locale(person.id, locale)


class HtmlFluentCore(FluentRuntimeCore):
    """Fluent messages as HTML: every string argument is escaped unless it is already
    `Markup` (a message rendered here, or a fragment built with `Markup`), and every
    rendered message is `Markup`, so messages compose without escaping twice.

    Messages are sent with parse_mode=HTML, so a name like «Маша <3» or «Tom & Jerry»
    would otherwise break the message or inject markup. Escaping happens here, once,
    not by hand in each getter. Text that Telegram shows as plain (button labels, alert
    answers) is rendered with `plain` instead, or a name would read «Tom &amp; Jerry».
    """

    def get(self, message_id: str, locale: str | None = None, /, **kwargs: Any) -> str:
        if _PLAIN.get():  # inside `plain` (Fluent's locale fallback calls get again)
            return super().get(message_id, locale, **kwargs)
        safe = {k: escape(v) if isinstance(v, str) else v for k, v in kwargs.items()}
        return Markup(super().get(message_id, locale, **safe))

    def plain(self, message_id: str, locale: str | None = None, /, **kwargs: Any) -> str:
        """The message as plain text, for what Telegram shows without parsing HTML
        (button labels, callback alerts): values go in as they are, a `Markup` value
        (a message rendered by `get`) is unescaped first. The result is a plain `str`,
        so putting it into an HTML message later escapes it."""
        raw = {k: v.unescape() if isinstance(v, Markup) else v for k, v in kwargs.items()}
        token = _PLAIN.set(True)
        try:
            return str(self.get(message_id, locale, **raw))
        finally:
            _PLAIN.reset(token)


def plain_text(core: Any, message_id: str, locale: str | None = None, /, **kwargs: Any) -> str:
    """`HtmlFluentCore.plain` for any core (another core renders as it does)."""
    if isinstance(core, HtmlFluentCore):
        return core.plain(message_id, locale, **kwargs)
    return str(core.get(message_id, locale, **kwargs))


def create_core(default_locale: str) -> FluentRuntimeCore:
    return HtmlFluentCore(path=LOCALES_DIR / "{locale}", default_locale=default_locale)


class BotI18nMiddleware(I18nMiddleware):
    """aiogram-i18n's middleware, closed by the application rather than by the dispatcher.

    aiogram-i18n's `setup` registers its core's shutdown (which clears the loaded locales)
    on the dispatcher's shutdown, ahead of the bot's own: on SIGTERM the locales went before
    the updates in flight and the sender's renders had finished, which then failed with
    `KeyError('ru')`. Here `setup` registers only what starts it; `close` is called by
    `Application.close`, after the updates, the sender and the scheduler stopped."""

    def setup(self, dispatcher: Dispatcher) -> None:
        dispatcher.update.outer_middleware.register(self)
        dispatcher.startup.register(self.core.startup)
        dispatcher.startup.register(self.manager.startup)
        if self.enabled_startup:
            dispatcher.startup.register(self.startup)
        dispatcher[self.middleware_key] = self

    async def close(self) -> None:
        await self.manager.shutdown()
        await self.core.shutdown()


def create_i18n_middleware(default_locale: str) -> BotI18nMiddleware:
    return BotI18nMiddleware(
        core=create_core(default_locale),
        manager=PersonLocaleManager(default_locale=default_locale),
        default_locale=default_locale,
    )
