"""A parent confirms consent for their child, and may later withdraw it."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.dialogs.navigation import back_to_menu, close_to_menu
from bot.dialogs.states import Guardian
from bot.dialogs.widgets import T, buttons_only, i18n_of, person_of, services_of
from bot.i18n import pick_locale
from bot.middlewares.database import FORGET_DIALOG_STATE
from bot.services.notify import (
    notify_guardian_confirmed,
    notify_withdrawal,
    notify_withdrawn_subject,
)

log = logging.getLogger(__name__)


def _link_id(manager: DialogManager) -> int:
    data = manager.start_data
    assert isinstance(data, dict)
    return int(data["link_id"])


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    services = services_of(dialog_manager)
    link_id = _link_id(dialog_manager)
    children = await services.consent.guarded_children(person_of(dialog_manager))
    invitation = next((c for c in children if c.link_id == link_id), None)
    if invitation is None:
        invitation = await services.consent.describe_link(person_of(dialog_manager), link_id)
    return {
        "child": invitation.child_name,
        "school": invitation.school_name,
    }


async def on_agree(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    i18n = i18n_of(manager)
    link_id = _link_id(manager)
    invitation = await services.consent.confirm_guardian(person_of(manager), link_id)
    # One transaction: the notices are queued before the first message to Telegram commits
    # the consent, so a failure in between keeps neither (the parent is asked to try again).
    await notify_guardian_confirmed(services, invitation)
    if isinstance(callback.message, Message):
        await callback.message.answer(i18n.get("consent-guardian-confirmed"))
    await close_to_menu(manager, show_mode=ShowMode.SEND)


async def on_decline(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if isinstance(callback.message, Message):
        await callback.message.answer(i18n_of(manager).get("consent-declined"))
    await close_to_menu(manager, show_mode=ShowMode.SEND)


async def children_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    children = await services_of(dialog_manager).consent.guarded_children(person_of(dialog_manager))
    return {
        "children": [(c.child_user_id, f"{c.child_name} — {c.school_name}") for c in children],
        "has_children": bool(children),
    }


async def withdraw_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    child_user_id = int(dialog_manager.dialog_data["child_user_id"])
    children = await services_of(dialog_manager).consent.guarded_children(person_of(dialog_manager))
    child = next((c for c in children if c.child_user_id == child_user_id), None)
    return {"child": child.child_name if child else ""}


async def on_child(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    manager.dialog_data["child_user_id"] = int(item_id)
    await manager.switch_to(Guardian.confirm_withdraw)


async def on_withdraw(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    person = person_of(manager)
    child_user_id = int(manager.dialog_data["child_user_id"])
    # The id came from the client: the service checks it is this guardian's child.
    if not await services.personal_data.can_withdraw_for(person.id, child_user_id):
        raise await services.access.deny(
            await services.access.actor(person), "consent.withdraw", subject=child_user_id
        )
    child = await services.users.get(child_user_id)
    child_name = child.full_name if child else ""
    withdrawal = await services.personal_data.withdraw(
        child_user_id, by_user_id=person.id, clear_dialog_state=False
    )
    if withdrawal.subject_telegram_id is not None:
        manager.middleware_data[FORGET_DIALOG_STATE] = withdrawal.subject_telegram_id
    i18n = i18n_of(manager)
    await notify_withdrawal(services, withdrawal, child_name or "")
    if child is not None:
        # The child's own language, never the guardian's.
        locale = pick_locale(child.locale, child.telegram_locale, i18n.core.default_locale or "ru")
        await notify_withdrawn_subject(services, withdrawal, locale)
    if isinstance(callback.message, Message):
        await callback.message.answer(
            i18n.get("consent-withdrawn-for-child", child=child_name or "")
        )
    await close_to_menu(manager, show_mode=ShowMode.SEND)


def guardian_dialog() -> Dialog:
    return Dialog(
        # A short summary with the buttons in view; the full legal text one tap away.
        Window(
            T("consent-summary-guardian"),
            Button(T("consent-agree-button"), id="agree", on_click=on_agree),
            Button(T("consent-decline-button"), id="decline", on_click=on_decline),
            SwitchTo(T("consent-full-text-button"), id="full", state=Guardian.confirm_full),
            buttons_only("hint-consent-guardian"),
            state=Guardian.confirm,
            getter=confirm_getter,
        ),
        Window(
            T("consent-text-guardian"),
            Button(T("consent-agree-button"), id="agree", on_click=on_agree),
            Button(T("consent-decline-button"), id="decline", on_click=on_decline),
            SwitchTo(T("button-back"), id="back_summary", state=Guardian.confirm),
            buttons_only("hint-consent-guardian"),
            state=Guardian.confirm_full,
            getter=confirm_getter,
        ),
        Window(
            T("guardian-children"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="child",
                    item_id_getter=lambda item: item[0],
                    items="children",
                    on_click=on_child,
                )
            ),
            back_to_menu(),
            buttons_only(),
            state=Guardian.children,
            getter=children_getter,
        ),
        Window(
            T("consent-withdraw-confirm-child"),
            Button(T("consent-withdraw-button"), id="withdraw", on_click=on_withdraw),
            SwitchTo(T("button-back"), id="back", state=Guardian.children),
            buttons_only(),
            state=Guardian.confirm_withdraw,
            getter=withdraw_getter,
        ),
    )
