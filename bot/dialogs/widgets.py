"""Shared by every dialog: access to the update's services, localized text, hints,
validated text input and the answer to unexpected input."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiogram import Bot
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.input import ManagedTextInput, MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Keyboard
from aiogram_dialog.widgets.text import Text
from aiogram_i18n import I18nContext
from markupsafe import Markup

from bot.dialogs.paging import PAGE_HEIGHT, paged_select
from bot.i18n import plain_text
from bot.middlewares.database import commit_before_telegram
from bot.services.errors import InvalidInput

if TYPE_CHECKING:
    from bot.services.access import Actor
    from bot.services.hub import ServiceHub
    from bot.services.users import Person


def i18n_of(manager: DialogManager) -> I18nContext:
    return manager.middleware_data["i18n"]


def services_of(manager: DialogManager) -> ServiceHub:
    return manager.middleware_data["services"]


def actor_of(manager: DialogManager) -> Actor:
    return manager.middleware_data["actor"]


def person_of(manager: DialogManager) -> Person:
    return manager.middleware_data["person"]


def bot_of(manager: DialogManager) -> Bot:
    return manager.middleware_data["bot"]


async def commit_before_slow_work(manager: DialogManager) -> None:
    """Save what this update did so far before slow work that needs no database (drawing a
    file in a thread), so SQLite's one write lock is not held meanwhile. It is the commit the
    middleware makes before every Bot API call (`commit_before_telegram`), made earlier: a
    dialog never commits the update's session itself."""
    await commit_before_telegram(services_of(manager).session)


def text_of(manager: DialogManager, key: str, **args: Any) -> str:
    """A message for an HTML body: string values are escaped, the result is `Markup`."""
    return i18n_of(manager).get(key, **args)


def plain_text_of(manager: DialogManager, key: str, **args: Any) -> str:
    """A message for plain text (a button label, a callback alert): nothing escaped."""
    i18n = i18n_of(manager)
    return plain_text(i18n.core, key, i18n.locale, **args)


async def hint(
    manager: DialogManager, event: Message | CallbackQuery, key: str, **args: Any
) -> None:
    """A short localized answer that keeps the person in the same window."""
    if isinstance(event, CallbackQuery):  # an alert is plain text
        await event.answer(plain_text_of(manager, key, **args), show_alert=True)
        return
    await event.answer(text_of(manager, key, **args))
    manager.show_mode = ShowMode.SEND  # show the window again, below the hint


def validated_text(
    widget_id: str,
    clean: Callable[[str], Any],
    on_valid: Callable[[Message, DialogManager, Any], Awaitable[None]],
) -> TextInput[Any]:
    """A text input checked by a service rule: InvalidInput becomes the hint
    `error-<code>` (with the rule's details, e.g. a length limit) and the window stays."""

    def factory(text: str) -> Any:
        if text.startswith("/"):  # a command this screen does not know is not an answer
            raise ValueError(InvalidInput("unknown-command"))
        try:
            return clean(text)
        except InvalidInput as exc:
            raise ValueError(exc) from exc  # TextInput reports ValueError to on_error

    async def on_success(
        message: Message, _widget: ManagedTextInput[Any], manager: DialogManager, value: Any
    ) -> None:
        await on_valid(message, manager, value)

    async def on_error(
        message: Message, _widget: ManagedTextInput[Any], manager: DialogManager, error: ValueError
    ) -> None:
        cause = error.args[0] if error.args else None
        if not isinstance(cause, InvalidInput):
            raise error
        await hint(manager, message, f"error-{cause.code}", **cause.details)

    return TextInput(id=widget_id, type_factory=factory, on_success=on_success, on_error=on_error)


class T(Text):
    """A Fluent message rendered in the user's language with the window's data."""

    def __init__(self, key: str, when: Any = None, **fixed: Any) -> None:
        super().__init__(when=when)
        self.key = key
        self.fixed = fixed

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        args = {k: v for k, v in data.items() if isinstance(v, str | int | float)}
        args.update(self.fixed)
        return i18n_of(manager).get(self.key, **args)


class Html(Text):
    """A message-body template whose fields are HTML-escaped unless they are `Markup`
    (text rendered by i18n, or fragments joined with `Markup`). Use it instead of
    `Format` wherever a value lands in a message; button labels are plain text and
    keep `Format`."""

    def __init__(self, template: str, when: Any = None) -> None:
        super().__init__(when=when)
        self.template = Markup(template)

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        return self.template.format_map(data)


def buttons_only(hint_key: str = "hint-use-buttons") -> MessageInput:
    """For windows that expect a tap: typed text gets a polite hint that fits the screen,
    nothing is lost. (Known commands are handled before any dialog; an unknown one is
    told so rather than taken for an answer.)"""

    async def use_buttons(message: Message, _widget: Any, manager: DialogManager) -> None:
        text = message.text or ""
        await hint(manager, message, "error-unknown-command" if text.startswith("/") else hint_key)

    return MessageInput(use_buttons)


def scrolling_select(
    text: str, widget_id: str, items: str, on_click: Any, *, height: int = PAGE_HEIGHT
) -> Keyboard:
    """A paged one-per-row list whose items are dicts with "id" (an int) and "label";
    the pager reads «‹ 2/5 ›» (see bot/dialogs/paging.py)."""
    return paged_select(text, widget_id, items, on_click, height=height)
