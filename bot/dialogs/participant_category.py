"""Curator: the mentee's category («ОВЗ», «трудная жизненная ситуация»…). A student never
labels themself; the curator sets it here and only curators see it."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Select
from aiogram_dialog.widgets.text import Format

from bot.dialogs.states import ParticipantCategory
from bot.dialogs.widgets import T, actor_of, buttons_only, hint, services_of, text_of
from bot.services.errors import InvalidInput


def _membership_id(manager: DialogManager) -> int:
    data = manager.start_data
    assert isinstance(data, dict)
    return int(data["membership_id"])


async def choose_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    card = await services.registration.category_card(
        actor_of(dialog_manager), _membership_id(dialog_manager)
    )
    locale = dialog_manager.middleware_data["i18n"].locale
    catalog = services.catalog
    current = catalog.category(card.current) if card.current else None
    items = []
    for key in card.allowed:
        category = catalog.category(key)
        if category is not None:
            mark = "✓ " if key == card.current else ""
            items.append((key, mark + category.name(locale)))
    return {
        "name": card.full_name or text_of(dialog_manager, "staff-part-no-name"),
        "current": current.full_name(locale)
        if current
        else text_of(dialog_manager, "staff-category-none"),
        "categories": items,
    }


async def on_category(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        # The key came from the client: the service checks it against the catalogue.
        await services_of(manager).registration.set_category(
            actor_of(manager), _membership_id(manager), item_id
        )
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}")
        return
    await callback.answer(text_of(manager, "staff-category-saved"))
    await manager.done()


async def open_category(_callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await manager.start(
        ParticipantCategory.choose,
        data={"membership_id": int(manager.dialog_data["membership_id"])},
    )


def category_button(when: str | None = "is_mentee") -> Button:
    """For the curator's participant card (its dialog_data holds `membership_id`)."""
    return Button(T("staff-category-button"), id="category", on_click=open_category, when=when)


def participant_category_dialog() -> Dialog:
    return Dialog(
        Window(
            T("staff-category-choose"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="category",
                    item_id_getter=lambda item: item[0],
                    items="categories",
                    on_click=on_category,
                )
            ),
            Cancel(T("button-back")),
            buttons_only(),
            state=ParticipantCategory.choose,
            getter=choose_getter,
        ),
    )
