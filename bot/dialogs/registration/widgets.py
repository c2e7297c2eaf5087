"""The registration's widgets: Back, hints, typed answers, multiselects, the consent buttons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Button, Column, Multiselect
from aiogram_dialog.widgets.text import Format
from aiogram_dialog.widgets.widget_event import ensure_event_processor

from bot.dialogs.registration.handlers import on_agree, on_decline
from bot.dialogs.registration.steps import answer, go_back, go_next, is_young, young_arg
from bot.dialogs.widgets import T, hint, validated_text
from bot.services.errors import InvalidInput
from bot.services.registration import SHORT_MAX, clean_text


def back_button() -> Button:
    return Button(T("button-back"), id="back", on_click=go_back)


def tap_hint(key: str) -> MessageInput:
    """Typed text on a screen that waits for a tap: a hint that fits the screen.
    A command (unknown here, the known ones are handled before any dialog) is told so."""

    async def on_message(message: Message, _widget: Any, manager: DialogManager) -> None:
        text = message.text or ""
        shown = "error-unknown-command" if text.startswith("/") else key
        await hint(manager, message, shown, young=young_arg(manager))

    return MessageInput(on_message)


# Typed-answer hints that have a «ты» wording for children.
YOUNG_ERRORS = ("full-name", "school-class", "text-empty", "text-too-long", "unknown-command")


def text_step(widget_id: str, clean: Callable[[str], Any]) -> TextInput[Any]:
    async def on_valid(_message: Message, manager: DialogManager, value: Any) -> None:
        answer(manager, widget_id, value)
        await go_next(manager)

    widget = validated_text(widget_id, clean, on_valid)

    async def on_error(
        message: Message, _widget: Any, manager: DialogManager, error: ValueError
    ) -> None:
        cause = error.args[0] if error.args else None
        if not isinstance(cause, InvalidInput):
            raise error
        key = f"error-{cause.code}"
        if is_young(manager) and cause.code in YOUNG_ERRORS:
            key += "-young"
        await hint(manager, message, key, **cause.details)

    # The shared input's hint, with the «ты» wording for a child.
    widget.on_error = ensure_event_processor(on_error)
    return widget


def long_text(text: str) -> str:
    return clean_text(text)


def short_text(text: str) -> str:
    return clean_text(text, SHORT_MAX)


def multiselect(widget_id: str, items: str) -> Column:
    return Column(
        Multiselect(
            Format("✓ {item[1]}"),
            Format("{item[1]}"),
            id=widget_id,
            item_id_getter=lambda item: item[0],
            items=items,
        )
    )


def consent_buttons() -> list[Any]:
    return [
        Button(T("consent-agree-button"), id="agree", on_click=on_agree, when="is_adult"),
        Button(
            T("consent-minor-agree-button"), id="agree_minor", on_click=on_agree, when="is_young"
        ),
        Button(T("consent-decline-button"), id="decline", on_click=on_decline),
    ]
