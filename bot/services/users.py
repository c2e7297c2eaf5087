"""People known to the bot: find or create by Telegram id, remember the language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, bindparam, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.services.open_surveys import OPEN_COUNT_KEY, open_surveys
from bot.storage.database import read_cache
from bot.storage.models import (
    Consent,
    GuardianLink,
    Membership,
    Organisation,
    Programme,
    User,
    utcnow,
)

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


# The update's read cache (bot.storage.database.read_cache) keys the arrival fills, so the
# main menu asks nothing more of the database when the update has written nothing since:
# the person is no guardian (ConsentService.guarded_children answers `()`), and each
# membership's names and consent (MembershipService.summary), and how many questionnaires
# wait for them (SurveyService.open_count, bot.services.open_surveys).
GUARDED_KEY = "consent.guarded_children"
MENU_LINES_KEY = "memberships.lines"


def _consent_given(*kinds: str) -> Any:
    """A live consent of these kinds of the person in the membership's organisation."""
    return exists().where(
        Consent.subject_user_id == User.id,
        Consent.organisation_id == Membership.organisation_id,
        Consent.withdrawn_at.is_(None),
        Consent.given_by.in_(kinds),
    )


# Built once: every update runs it (building a statement costs more than running it). The
# person, their memberships (not withdrawn) with their school's and programme's names and
# consent, whether they confirmed a child's consent, and their open questionnaires: one
# statement, by index.
_ARRIVE = (
    select(
        User,
        Membership,
        Organisation.name,
        Programme.name,
        _consent_given("self", "paper").label("self_given"),
        _consent_given("guardian", "paper").label("guardian_given"),
        exists()
        .where(GuardianLink.guardian_user_id == User.id, GuardianLink.confirmed_at.is_not(None))
        .label("is_guardian"),
        open_surveys(User.id, bindparam("now")).label("open_surveys"),
    )
    .outerjoin(
        Membership,
        and_(Membership.user_id == User.id, Membership.status != "withdrawn"),
    )
    .outerjoin(Organisation, Organisation.id == Membership.organisation_id)
    .outerjoin(Programme, Programme.id == Membership.programme_id)
    .where(User.telegram_id == bindparam("telegram_id"))
)


_USERS: Table = User.__table__  # type: ignore[assignment]
# The columns set are the parameters given besides user_id (see UserService._write_own).
_UPDATE_OWN = update(_USERS).where(_USERS.c.id == bindparam("user_id"))


class UserService:
    def __init__(self, session: AsyncSession, now: Callable[[], datetime] = utcnow) -> None:
        self.session = session
        self.now = now  # the clock the questionnaires' deadlines are read by

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
            await self.session.execute(_ARRIVE, {"telegram_id": telegram_id, "now": self.now()})
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
        memberships = tuple(row[1] for row in rows if row[1] is not None)
        self._remember(user.id, rows)
        changes: dict[str, Any] = {}
        if user.telegram_locale != language_code and language_code:
            changes["telegram_locale"] = language_code
        if not user.reachable:
            changes["reachable"] = True  # they wrote to us, so they unblocked the bot
        if now - user.last_seen_at > SEEN_RESOLUTION:
            changes["last_seen_at"] = now
        if changes:
            await self._write_own(user, changes)
        return Arrival(Person.of(user), memberships, created=False)

    async def _write_own(self, user: User, changes: dict[str, Any]) -> None:
        """Save what is the person's own and nobody's reads depend on (their languages, when
        last seen, reachable): one UPDATE now, in the update's transaction, and the loaded
        row takes the values as saved. Not through the ORM's flush, which would empty the
        update's read cache (bot.storage.database.read_cache) for a change that cannot make
        any of its answers stale (roles, consent, questionnaires, pairs)."""
        connection = await self.session.connection()
        await connection.execute(_UPDATE_OWN, {"user_id": user.id, **changes})
        for name, value in changes.items():
            set_committed_value(user, name, value)

    def _remember(self, user_id: int, rows: Any) -> None:
        """What the menu will ask, for the update's read cache (before anything is changed:
        a change empties that cache)."""
        cache = read_cache(self.session)
        if cache is None:
            return
        cache[(OPEN_COUNT_KEY, user_id)] = int(rows[0].open_surveys or 0)
        if not rows[0].is_guardian:
            cache[(GUARDED_KEY, user_id)] = ()
        cache[(MENU_LINES_KEY, user_id)] = {
            row[1].id: (row[2] or "", row[3], bool(row.self_given), bool(row.guardian_given))
            for row in rows
            if row[1] is not None
        }

    async def _existing(self, telegram_id: int) -> Person:
        user = await self.session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is None:
            raise LookupError(f"no user with Telegram id {telegram_id}")
        return Person.of(user)

    async def set_locale(self, user_id: int, locale: str) -> None:
        user = await self.session.get(User, user_id)
        if user is not None:
            await self._write_own(user, {"locale": locale})

    async def mark_unreachable(self, telegram_id: int) -> None:
        user = await self.session.scalar(select(User).where(User.telegram_id == telegram_id))
        if user is not None:
            user.reachable = False
