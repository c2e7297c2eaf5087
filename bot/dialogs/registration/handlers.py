"""What the registration's buttons do. Every choice from a button is checked by the
service like text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button
from markupsafe import Markup

from bot.commands import refresh_commands
from bot.dialogs.registration.steps import (
    answer,
    asked,
    checked_choice,
    go_next,
    is_young,
    young_arg,
)
from bot.dialogs.states import MainMenu
from bot.dialogs.widgets import hint, i18n_of, person_of, services_of
from bot.services.errors import InvalidInput
from bot.services.notify import notify_registered


async def on_start(start_data: Any, manager: DialogManager) -> None:
    pending = await services_of(manager).registration.describe(
        person_of(manager), int(start_data["membership_id"])
    )
    manager.dialog_data.update(
        membership_id=pending.membership_id,
        organisation_id=pending.organisation_id,
        school=pending.organisation_name,
        org_kind=pending.organisation_kind,
        programme=pending.programme_name or "",
        role=pending.role,
        form_key=pending.form_key,
        answers={},
    )


async def on_language(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await i18n_of(manager).set_locale(str(button.widget_id).removeprefix("reg_lang_"))


async def on_continue(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await go_next(manager)


async def on_agree(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await services_of(manager).consent.give_self(
        person_of(manager), manager.dialog_data["organisation_id"]
    )
    await callback.answer(i18n_of(manager).get("consent-given-short", young=young_arg(manager)))
    await go_next(manager)


async def on_decline(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    if isinstance(callback.message, Message):
        key = "consent-declined-young" if is_young(manager) else "consent-declined"
        await callback.message.answer(i18n_of(manager).get(key))
    await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def on_age(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    answer(manager, "is_minor", button.widget_id == "minor_yes")
    await go_next(manager)


async def on_category(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        value = checked_choice(manager, "category", item_id)
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", young=young_arg(manager))
        return
    answer(manager, "category", value)
    await go_next(manager)


async def on_capacity(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    try:
        value = checked_choice(manager, "capacity", item_id)
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", young=young_arg(manager))
        return
    answer(manager, "capacity", value)
    await go_next(manager)


def multi_done(widget_id: str) -> Callable[..., Any]:
    async def on_click(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
        chosen = manager.find(widget_id).get_checked()  # type: ignore[union-attr]
        try:
            value = checked_choice(manager, widget_id, list(chosen))
        except InvalidInput as exc:
            await hint(manager, callback, f"error-{exc.code}", young=young_arg(manager))
            return
        answer(manager, widget_id, value)
        await go_next(manager)

    return on_click


async def on_save(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    wanted = set(asked(manager))
    answers = {k: v for k, v in data.get("answers", {}).items() if k in wanted}
    services = services_of(manager)
    person = person_of(manager)
    i18n = i18n_of(manager)
    young = young_arg(manager)
    full_name = answers.pop("full_name")
    is_minor = bool(answers.pop("is_minor", False))
    try:
        await services.registration.complete(
            person, data["membership_id"], full_name=full_name, is_minor=is_minor, profile=answers
        )
    except InvalidInput as exc:
        await hint(manager, callback, f"error-{exc.code}", young=young)
        return
    await notify_registered(services, person, data["membership_id"])
    message = callback.message if isinstance(callback.message, Message) else None
    status = await services.consent.status(person, person.id, data["organisation_id"])
    role = data["role"]
    if message is not None:
        done = i18n.get("registration-done", role_name=i18n.get(f"role-{role}"), young=young)
        next_step = i18n.get(f"registration-next-{role}", young=young)
        await message.answer(Markup("{}\n\n{}").format(done, next_step))
        if not status.complete:
            request = await services.consent.request_guardian(person, data["organisation_id"])
            me = await callback.bot.me() if callback.bot else None
            link = f"https://t.me/{me.username if me else ''}?start={request.payload}"
            await message.answer(i18n.get("consent-minor-needs-guardian"))
            await message.answer(i18n.get("consent-guardian-link", link=link))
    actor = await services.access.actor(person)
    # The menu below is drawn in this same update: it must see the new role.
    manager.middleware_data["actor"] = actor
    if callback.bot is not None and message is not None:
        await refresh_commands(callback.bot, i18n, message.chat.id, actor)
    # The person lands on their menu, below what was just said: never a dead end.
    await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
