"""/mydata: the person receives everything stored about them as a file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_i18n import I18nContext
from aiogram_i18n.exceptions import KeyNotFoundError
from markupsafe import escape

from bot.dialogs.states import MyData
from bot.services.data_report import render_html
from bot.services.hub import ServiceHub
from bot.services.users import Person


def report_label(i18n: I18nContext) -> Callable[..., str]:
    """Fluent labels for the readable report; a key it does not know shows as itself."""

    def label(key: str, **args: Any) -> str:
        try:
            return i18n.get(key, young="no", **args)
        except (KeyError, KeyNotFoundError):
            return str(escape(key))

    return label


async def on_mydata(
    message: Message,
    services: ServiceHub,
    person: Person,
    i18n: I18nContext,
    dialog_manager: DialogManager,
) -> None:
    data = await services.personal_data.export(person)
    # A readable page in the person's language (labels, not keys), then the same as JSON.
    report = render_html(
        data,
        services.catalog,
        i18n.locale,
        report_label(i18n),
        services.settings.questionnaires,
    )
    await message.answer_document(
        BufferedInputFile(report, filename="mydata.html"),
        caption=i18n.get("mydata-report-caption"),
    )
    await message.answer_document(
        BufferedInputFile(services.personal_data.export_json(data), filename="mydata.json"),
        caption=i18n.get("mydata-caption"),
    )
    await dialog_manager.start(MyData.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


def router() -> Router:
    r = Router(name="personal_data")
    r.message.register(on_mydata, Command("mydata"))
    return r
