"""Deep links: `/start i-<code>` joins by invite, `/start g-<code>` opens a guardian link."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_i18n import I18nContext

from bot.dialogs.states import Guardian, Registration
from bot.handlers.start import show_menu
from bot.services.consent import GUARDIAN_PREFIX
from bot.services.errors import DomainError
from bot.services.hub import ServiceHub
from bot.services.invites import INVITE_PREFIX
from bot.services.users import Person


async def answer_then_menu(
    message: Message, i18n: I18nContext, dialog_manager: DialogManager, key: str, **args: object
) -> None:
    """Say what happened with the link, then show the menu: the person is never stuck."""
    await message.answer(i18n.get(key, **args))
    await show_menu(dialog_manager)


async def on_invite(
    message: Message,
    command: CommandObject,
    services: ServiceHub,
    person: Person,
    i18n: I18nContext,
    dialog_manager: DialogManager,
) -> None:
    code = (command.args or "").removeprefix(INVITE_PREFIX)
    try:
        joined = await services.invites.redeem(person, code)
    except DomainError as exc:
        await answer_then_menu(message, i18n, dialog_manager, f"error-{exc.code}")
        return
    pending = await services.registration.pending(person)
    if pending is None or pending.membership_id != joined.membership_id:
        role_name = i18n.get(f"role-{joined.role}")
        await answer_then_menu(message, i18n, dialog_manager, "already-member", role_name=role_name)
        return
    await dialog_manager.start(
        Registration.welcome,
        data={"membership_id": joined.membership_id},
        mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )


async def on_guardian_link(
    message: Message,
    command: CommandObject,
    services: ServiceHub,
    person: Person,
    i18n: I18nContext,
    dialog_manager: DialogManager,
) -> None:
    code = (command.args or "").removeprefix(GUARDIAN_PREFIX)
    try:
        invitation = await services.consent.open_guardian_link(person, code)
    except DomainError as exc:
        await answer_then_menu(message, i18n, dialog_manager, f"error-{exc.code}")
        return
    if invitation.already_confirmed:
        await answer_then_menu(message, i18n, dialog_manager, "consent-guardian-confirmed")
        return
    await dialog_manager.start(
        Guardian.confirm,
        data={"link_id": invitation.link_id},
        mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )


async def on_unknown_code(
    message: Message, i18n: I18nContext, dialog_manager: DialogManager
) -> None:
    await message.answer(i18n.get("error-invite-unknown"))
    await show_menu(dialog_manager)


def router() -> Router:
    r = Router(name="joining")
    r.message.register(
        on_invite, CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX))
    )
    r.message.register(
        on_guardian_link, CommandStart(deep_link=True, magic=F.args.startswith(GUARDIAN_PREFIX))
    )
    r.message.register(on_unknown_code, CommandStart(deep_link=True))
    return r
