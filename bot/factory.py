"""One place that wires storage, middlewares, routers and dialogs: the bot and its tests
build the very same dispatcher."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram_dialog import setup_dialogs
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.commands import register_default_commands
from bot.config import Settings
from bot.dialogs.digest_schedule import digest_schedule_dialog
from bot.dialogs.guardian import guardian_dialog
from bot.dialogs.headcounts import headcount_dialog
from bot.dialogs.language import language_dialog
from bot.dialogs.main_menu import main_menu_dialog
from bot.dialogs.meetings import meeting_log_dialog
from bot.dialogs.municipality import municipal_dialog
from bot.dialogs.my_data import my_data_dialog
from bot.dialogs.my_pair import my_pair_dialog
from bot.dialogs.organisations import organisations_dialog
from bot.dialogs.pairs.dialogs import pairs_dialog
from bot.dialogs.participant_category import participant_category_dialog
from bot.dialogs.participants import participants_dialog
from bot.dialogs.plan import plan_dialog
from bot.dialogs.programmes import programmes_dialog
from bot.dialogs.questionnaire import questionnaire_dialog
from bot.dialogs.quiet_hours import quiet_hours_dialog
from bot.dialogs.registration import registration_dialog
from bot.dialogs.reports import reports_dialog
from bot.dialogs.surveys import surveys_dialog
from bot.handlers import (
    digest,
    errors,
    fallback,
    joining,
    meetings,
    openers,
    pairs,
    personal_data,
    recognition,
    reports,
    staff_gate,
    start,
)
from bot.handlers import open as open_buttons
from bot.i18n import BotI18nMiddleware, create_i18n_middleware
from bot.middlewares.database import CommitBeforeTelegram, DatabaseMiddleware
from bot.middlewares.inflight import InFlightMiddleware
from bot.middlewares.once import HandledOnceMiddleware
from bot.middlewares.user import UserMiddleware
from bot.services.clock import SYSTEM_CLOCK, Clock
from bot.services.hub import ServiceSettings
from bot.storage.database import create_engine, create_session_factory
from bot.storage.fsm import DIALOG_STATE_TTL, SQLStorage
from bot.telegram.budget import SendBudget, WithinBudget


def create_bot(
    settings: Settings, session: BaseSession | None = None, *, budget: SendBudget | None = None
) -> Bot:
    """The Bot; `session` replaces the HTTP session (the benchmark answers in process).
    Everything it sends keeps to `budget` (by default one made from the settings), which the
    sender shares (`budget_of`)."""
    if session is None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
    # Nothing holds a database transaction while Telegram answers (see the middleware).
    session.middleware(CommitBeforeTelegram())
    # Then the update waits its turn in the send budget, and out a 429.
    session.middleware(WithinBudget(budget or SendBudget.from_settings(settings)))
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML, link_preview_is_disabled=True),
    )


def create_fsm(
    settings: Settings, session_factory: async_sessionmaker[AsyncSession]
) -> tuple[BaseStorage, BaseEventIsolation]:
    """Redis when REDIS_URL is set (several bot processes share it), else the SQL database."""
    if settings.redis_url:
        key_builder = DefaultKeyBuilder(
            prefix=f"{settings.redis_prefix}:fsm", with_destiny=True, with_bot_id=True
        )
        # Dialog stacks unused for as long as the database keeps them go (bot/storage/fsm.py).
        storage = RedisStorage.from_url(
            settings.redis_url,
            key_builder=key_builder,
            state_ttl=DIALOG_STATE_TTL,
            data_ttl=DIALOG_STATE_TTL,
        )
        isolation = RedisEventIsolation(
            storage.redis,
            key_builder=DefaultKeyBuilder(
                prefix=f"{settings.redis_prefix}:lock", with_destiny=True, with_bot_id=True
            ),
        )
        return storage, isolation
    return SQLStorage(session_factory), SimpleEventIsolation()


@dataclass
class Application:
    settings: Settings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    dispatcher: Dispatcher
    storage: BaseStorage
    isolation: BaseEventIsolation
    i18n: BotI18nMiddleware
    inflight: InFlightMiddleware
    clock: Clock = SYSTEM_CLOCK

    async def close(self) -> None:
        """Last, once updates and the sender have stopped: i18n, FSM storage, the engine."""
        await self.i18n.close()
        await self.storage.close()
        await self.isolation.close()
        await self.engine.dispose()


def create_dispatcher(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    storage: BaseStorage,
    isolation: BaseEventIsolation,
    clock: Clock = SYSTEM_CLOCK,
) -> tuple[Dispatcher, BotI18nMiddleware, InFlightMiddleware]:
    # aiogram's FSM middleware is registered by hand, after the database one: the state it
    # reads for every update is then read in the update's session, not in one of its own.
    dp = Dispatcher(
        storage=storage, events_isolation=isolation, disable_fsm=True, settings=settings
    )
    inflight = InFlightMiddleware()
    dp.update.outer_middleware(inflight)
    services = ServiceSettings.from_settings(settings, clock)
    database = DatabaseMiddleware(session_factory, services)
    users = UserMiddleware(services)
    dp.update.outer_middleware(database)
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(HandledOnceMiddleware())  # a second delivery is skipped
    dp.update.outer_middleware(users)
    # Error handlers run after the update's session was rolled back and closed:
    # they get a fresh one (and services bound to it) the same way.
    dp.errors.outer_middleware(database)
    dp.errors.outer_middleware(users)
    i18n = create_i18n_middleware(settings.default_locale)
    i18n.setup(dp)  # after the user middleware: the locale comes from the person's record

    @dp.startup()
    async def register_commands(bot: Bot) -> None:
        await register_default_commands(bot, i18n.core, settings.default_locale)

    openers.register()  # what the buttons under notifications open
    # Specific first, catch-all last.
    dp.include_routers(
        errors.router(),
        staff_gate.router(),
        joining.router(),
        start.router(),
        open_buttons.router(),
        personal_data.router(),
        pairs.router(),
        meetings.router(),
        reports.router(),
        recognition.router(),
        digest.router(),
        main_menu_dialog(),
        language_dialog(),
        registration_dialog(),
        guardian_dialog(),
        my_data_dialog(),
        organisations_dialog(),
        programmes_dialog(),
        participants_dialog(),
        questionnaire_dialog(),
        surveys_dialog(),
        pairs_dialog(),
        my_pair_dialog(),
        plan_dialog(),
        meeting_log_dialog(),
        reports_dialog(),
        participant_category_dialog(),
        quiet_hours_dialog(),
        headcount_dialog(),
        municipal_dialog(),
        digest_schedule_dialog(),
    )
    dp.include_router(fallback.router())
    setup_dialogs(dp, events_isolation=isolation)
    return dp, i18n, inflight


def create_application(settings: Settings, clock: Clock = SYSTEM_CLOCK) -> Application:
    engine = create_engine(settings.database_url)
    session_factory = create_session_factory(engine)
    storage, isolation = create_fsm(settings, session_factory)
    dp, i18n, inflight = create_dispatcher(settings, session_factory, storage, isolation, clock)
    return Application(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        dispatcher=dp,
        storage=storage,
        isolation=isolation,
        i18n=i18n,
        inflight=inflight,
        clock=clock,
    )
