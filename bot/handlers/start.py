"""/start, /help, /language and /cancel."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_i18n import I18nContext

from bot.commands import refresh_commands
from bot.dialogs.states import (
    Language,
    MainMenu,
    Organisations,
    Participants,
    Programmes,
    Surveys,
)
from bot.services.access import Actor


async def show_menu(dialog_manager: DialogManager) -> None:
    await dialog_manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def on_start(
    message: Message, i18n: I18nContext, actor: Actor, dialog_manager: DialogManager
) -> None:
    if message.bot is not None:
        await refresh_commands(message.bot, i18n, message.chat.id, actor)
    await message.answer(
        i18n.get("start-greeting", name=message.from_user.first_name if message.from_user else "")
    )
    await show_menu(dialog_manager)


async def on_help(message: Message, i18n: I18nContext, actor: Actor) -> None:
    roles = actor.role_names()
    parts = [i18n.get("help-common")]
    for role in ("admin", "coordinator", "curator", "mentor", "mentee"):
        if role in roles:
            parts.append(i18n.get(f"help-{role}"))
    await message.answer("\n\n".join(parts))


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
    r.message.register(on_language, Command("language"))
    r.message.register(on_cancel, Command("cancel"))
    r.message.register(on_organisations, Command("organisations"))
    r.message.register(on_programmes, Command("programmes"))
    r.message.register(on_participants, Command("participants"))
    r.message.register(on_survey, Command("survey"))
    r.message.register(on_surveys, Command("surveys"))
    return r
