"""People known to the bot: find or create by Telegram id, remember the language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Membership, User, utcnow

SEEN_RESOLUTION = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    telegram_id: int | None
    locale: str | None
    telegram_locale: str | None
    full_name: str | None
    is_minor: bool | None
    reachable: bool

    @classmethod
    def of(cls, user: User) -> Person:
        return cls(
            id=user.id,
            telegram_id=user.telegram_id,
            locale=user.locale,
            telegram_locale=user.telegram_locale,
            full_name=user.full_name,
            is_minor=user.is_minor,
            reachable=user.reachable,
        )


@dataclass(frozen=True, slots=True)
class Arrival:
    """The person behind an update, their memberships (not withdrawn), and whether their
    record was created just now."""

    person: Person
    memberships: tuple[Membership, ...]
    created: bool


class UserService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_telegram_id(self, telegram_id: int) -> Person | None:
        user = await self.session.scalar(select(User).where(User.telegram_id == telegram_id))
        return Person.of(user) if user else None

    async def get(self, user_id: int) -> Person | None:
        user = await self.session.get(User, user_id)
        return Person.of(user) if user else None

    async def touch(self, telegram_id: int, language_code: str | None) -> Person:
        """Find the person by Telegram id or create them; nothing personal is stored here."""
        return (await self.arrive(telegram_id, language_code)).person

    async def arrive(self, telegram_id: int, language_code: str | None) -> Arrival:
        """`touch`, and the person's memberships in the same statement (every update
        needs both: one query instead of two)."""
        rows = (
            await self.session.execute(
                select(User, Membership)
                .outerjoin(
                    Membership,
                    and_(Membership.user_id == User.id, Membership.status != "withdrawn"),
                )
                .where(User.telegram_id == telegram_id)
            )
        ).all()
        now = utcnow()
        if not rows:
            user = User(telegram_id=telegram_id, telegram_locale=language_code, last_seen_at=now)
            try:
                async with self.session.begin_nested():
                    self.session.add(user)
            except IntegrityError:
                # The same person's other update created the row a moment ago.
                return Arrival(await self._existing(telegram_id), (), created=False)
            return Arrival(Person.of(user), (), created=True)
        user = rows[0][0]
        memberships = tuple(m for _, m in rows if m is not None)
        if user.telegram_locale != language_code and language_code:
            user.telegram_locale = language_code
        if not user.reachable:
            user.reachable = True  # they wrote to us, so they unblocked the bot
        if now - user.last_seen_at > SEEN_RESOLUTION:
            user.last_seen_at = now
        return Arrival(Person.of(user), memberships, created=False)

    async def _existing(self, telegram_id: int) -> Person:
        user = await self.session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is None:
            raise LookupError(f"no user with Telegram id {telegram_id}")
        return Person.of(user)

    async def set_locale(self, user_id: int, locale: str) -> None:
        user = await self.session.get(User, user_id)
        if user is not None:
            user.locale = locale

    async def mark_unreachable(self, telegram_id: int) -> None:
        user = await self.session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is not None:
            user.reachable = False
