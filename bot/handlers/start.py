"""/start, /help, /language and /cancel."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_i18n import I18nContext
from markupsafe import Markup

from bot.commands import refresh_commands
from bot.dialogs.states import (
    Language,
    MainMenu,
    Organisations,
    Participants,
    Programmes,
    Surveys,
)
from bot.dialogs.status import status_lines
from bot.services.access import Actor
from bot.services.hub import ServiceHub
from bot.services.users import Person

# What each role can do now, in the order a person with several roles reads them.
ROLE_ORDER = ("admin", "coordinator", "curator", "mentor", "mentee")
OPEN_MENU = "open_menu"


def young(person: Person | None) -> str:
    """Under 18: the bot says «ты»."""
    return "yes" if person is not None and person.is_minor else "no"


async def roles_of(actor: Actor, person: Person | None, services: ServiceHub | None) -> list[str]:
    """The person's roles, a parent who confirmed consent for a child among them."""
    roles = [r for r in ROLE_ORDER if r in actor.role_names()]
    if (
        person is not None
        and services is not None
        and await services.consent.guarded_children(person)
    ):
        roles.append("guardian")
    return roles


async def show_menu(dialog_manager: DialogManager) -> None:
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def on_start(
    message: Message,
    i18n: I18nContext,
    actor: Actor,
    dialog_manager: DialogManager,
    services: ServiceHub | None = None,
    person: Person | None = None,
) -> None:
    if message.bot is not None:
        await refresh_commands(message.bot, i18n, message.chat.id, actor)
    you = young(person)
    name = message.from_user.first_name if message.from_user else ""
    parts = [i18n.get("start-greeting", name=name, young=you)]
    roles = await roles_of(actor, person, services)
    # A mentor's or a mentee's line says where they are now and the one next step.
    steps = (
        status_lines(i18n, await services.status.standing(actor), you)
        if services is not None and {"mentor", "mentee"} & set(roles)
        else []
    )
    shown = False
    for role in roles:
        if role in ("mentor", "mentee") and steps:
            if not shown:
                parts += steps
                shown = True
        else:
            parts.append(i18n.get(f"start-role-{role}", young=you))
    pending = (
        await services.registration.pending(person) if services and person is not None else None
    )
    if pending is not None:
        parts.append(i18n.get("start-pending"))
    elif not roles:
        parts.append(i18n.get("start-no-role"))
    await message.answer(Markup("\n\n").join(parts))
    await show_menu(dialog_manager)


async def on_help(
    message: Message,
    i18n: I18nContext,
    actor: Actor,
    services: ServiceHub | None = None,
    person: Person | None = None,
) -> None:
    """The base commands, then each of the person's roles with its own commands."""
    you = young(person)
    parts = [i18n.get("help-common")]
    parts += [
        i18n.get(f"help-{role}", young=you) for role in await roles_of(actor, person, services)
    ]
    menu = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=i18n.get("button-to-menu"), callback_data=OPEN_MENU)]
        ]
    )
    await message.answer(Markup("\n\n").join(parts), reply_markup=menu)


async def on_open_menu(callback: CallbackQuery, dialog_manager: DialogManager) -> None:
    """«В меню» under /help: the screen leads on to the menu."""
    await callback.answer()
    await show_menu(dialog_manager)


async def on_language(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(Language.choose, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def on_cancel(
    message: Message, i18n: I18nContext, state: FSMContext, dialog_manager: DialogManager
) -> None:
    await state.clear()
    await message.answer(i18n.get("cancelled"))
    await show_menu(dialog_manager)


async def on_organisations(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(
        Organisations.list, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


async def on_programmes(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(
        Programmes.school, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


async def on_participants(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(
        Participants.list, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


async def on_survey(message: Message, dialog_manager: DialogManager) -> None:
    from bot.dialogs.questionnaire import open_questionnaires

    await open_questionnaires(dialog_manager)


async def on_surveys(message: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(
        Surveys.programmes, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


def router() -> Router:
    r = Router(name="start")
    r.message.register(on_start, CommandStart())
    r.message.register(on_help, Command("help"))
    r.callback_query.register(on_open_menu, F.data == OPEN_MENU)
    r.message.register(on_language, Command("language"))
    r.message.register(on_cancel, Command("cancel"))
    r.message.register(on_organisations, Command("organisations"))
    r.message.register(on_programmes, Command("programmes"))
    r.message.register(on_participants, Command("participants"))
    r.message.register(on_survey, Command("survey"))
    r.message.register(on_surveys, Command("surveys"))
    return r
