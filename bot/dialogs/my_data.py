"""/mydata: everything stored about the person, and withdrawal of consent."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Start, SwitchTo

from bot.dialogs.navigation import back_to_menu
from bot.dialogs.states import Guardian, MyData
from bot.dialogs.widgets import T, buttons_only, i18n_of, person_of, services_of
from bot.middlewares.database import FORGET_DIALOG_STATE
from bot.services.notify import notify_withdrawal


async def main_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    person = person_of(dialog_manager)
    services = services_of(dialog_manager)
    pending = await services.registration.pending(person)
    actor = dialog_manager.middleware_data.get("actor")
    has_roles = bool(actor and actor.roles)
    # A parent reads how to withdraw for the child; an adult without children reads nothing of it.
    is_guardian = bool(await services.consent.guarded_children(person))
    young = bool(person.is_minor)
    answered = await services.personal_data.questionnaire_count(person.id)
    return {
        "questionnaires": answered,
        "has_data": person.full_name is not None or has_roles or pending is not None,
        "is_guardian": is_guardian,
        "young": "yes" if young else "no",
        "is_young": young,
        "is_adult": not young,
    }


async def on_withdraw(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    services = services_of(manager)
    person = person_of(manager)
    i18n = i18n_of(manager)
    withdrawal = await services.personal_data.withdraw(
        person.id, by_user_id=person.id, clear_dialog_state=False
    )
    await notify_withdrawal(services, withdrawal, person.full_name or "")
    if isinstance(callback.message, Message):
        await callback.message.answer(i18n.get("consent-withdrawn"))
    # Forget the dialog stack too: it may hold what the person typed.
    await manager.reset_stack()
    if withdrawal.subject_telegram_id is not None:
        manager.middleware_data[FORGET_DIALOG_STATE] = withdrawal.subject_telegram_id


def my_data_dialog() -> Dialog:
    return Dialog(
        Window(
            T("mydata-intro", when="is_adult"),
            T("mydata-intro-young", when="is_young"),
            T("mydata-questionnaires", when="questionnaires"),
            T("mydata-guardian", when="is_guardian"),
            Start(T("menu-guardian"), id="guardian", state=Guardian.children, when="is_guardian"),
            SwitchTo(
                T("mydata-withdraw"),
                id="withdraw",
                state=MyData.confirm_withdraw,
                when="has_data",
            ),
            back_to_menu(),
            buttons_only(),
            state=MyData.main,
            getter=main_getter,
        ),
        Window(
            T("consent-withdraw-confirm-self"),
            Button(T("consent-withdraw-button"), id="confirm", on_click=on_withdraw),
            SwitchTo(T("button-back"), id="back", state=MyData.main),
            buttons_only(),
            state=MyData.confirm_withdraw,
            getter=main_getter,
        ),
    )
