"""/mydata: the person receives everything stored about them as a file."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_i18n import I18nContext

from bot.dialogs.states import MyData
from bot.services.hub import ServiceHub
from bot.services.users import Person


async def on_mydata(
    message: Message,
    services: ServiceHub,
    person: Person,
    i18n: I18nContext,
    dialog_manager: DialogManager,
) -> None:
    data = await services.personal_data.export(person)
    await message.answer_document(
        BufferedInputFile(services.personal_data.export_json(data), filename="mydata.json"),
        caption=i18n.get("mydata-caption"),
    )
    await dialog_manager.start(MyData.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


def router() -> Router:
    r = Router(name="personal_data")
    r.message.register(on_mydata, Command("mydata"))
    return r
