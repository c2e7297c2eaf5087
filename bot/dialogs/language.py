"""Choose the bot's language: remembered on the person's record."""

from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Row

from bot.commands import refresh_commands
from bot.dialogs.navigation import back_to_menu, close_to_menu
from bot.dialogs.states import Language
from bot.dialogs.widgets import T, actor_of, buttons_only, i18n_of


async def _choose(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    locale = str(button.widget_id).removeprefix("lang_")
    i18n = i18n_of(manager)
    await i18n.set_locale(locale)
    await callback.answer(i18n.get("language-saved"))
    if callback.bot is not None and callback.message is not None:
        actor = actor_of(manager)
        await refresh_commands(callback.bot, i18n, callback.message.chat.id, actor)
    # Back to where the person came from; after /language, the menu (in the new language).
    await close_to_menu(manager, {"locale": locale})


def language_dialog() -> Dialog:
    return Dialog(
        Window(
            T("language-choose"),
            Row(
                Button(T("language-name-ru"), id="lang_ru", on_click=_choose),
                Button(T("language-name-en"), id="lang_en", on_click=_choose),
            ),
            back_to_menu(),
            buttons_only("hint-language"),
            state=Language.choose,
        ),
    )
