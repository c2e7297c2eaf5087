"""/digest: this week's digest of the curator's school, now (a curator of several schools
and the admin choose the school first). It is queued through the outbox and built by the
sender like the weekly one, so the answer here is only «Собираю сводку…»."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext

from bot.i18n import plain_text
from bot.services.access import Actor
from bot.services.errors import DomainError, InvalidInput
from bot.services.hub import ServiceHub
from bot.services.numbers import whole_number

PREFIX = "digest:"
SCHOOLS_SHOWN = 50  # an admin of a larger deployment picks among the first 50 by name


async def on_digest(
    message: Message, services: ServiceHub, actor: Actor, i18n: I18nContext
) -> None:
    schools = await services.digests.schools_for(actor)
    if not schools:
        await message.answer(i18n.get("digest-not-curator"))
        return
    if len(schools) == 1:
        await services.digests.ask(actor, schools[0][0], services.settings.clock.now())
        await message.answer(i18n.get("digest-collecting"))
        return
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=name[:64], callback_data=f"{PREFIX}{org_id}")]
            for org_id, name in schools[:SCHOOLS_SHOWN]
        ]
    )
    await message.answer(i18n.get("digest-choose-school"), reply_markup=keyboard)


async def on_school(
    callback: CallbackQuery, services: ServiceHub, actor: Actor, i18n: I18nContext
) -> None:
    raw = (callback.data or "")[len(PREFIX) :]
    try:
        school_id = whole_number(raw, "generic", low=1, high=2**31 - 1)
    except InvalidInput:
        raise DomainError("generic") from None
    await services.digests.ask(actor, school_id, services.settings.clock.now())
    await callback.answer(plain_text(i18n.core, "digest-collecting", i18n.locale))
    if isinstance(callback.message, Message):
        await callback.message.edit_reply_markup(reply_markup=None)
        await callback.message.answer(i18n.get("digest-collecting"))


def router() -> Router:
    r = Router(name="digest")
    r.message.register(on_digest, Command("digest"))
    r.callback_query.register(on_school, F.data.startswith(PREFIX))
    return r
