"""What the questionnaires' modules share: the presets, the values they hand out, and the
base of `SurveyService` (the session, the access checks, a school's time zone)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import PARTICIPANT_ROLES, AccessService, Actor
from bot.services.audit import AuditService
from bot.services.catalog import Catalog
from bot.services.consent import takes_part
from bot.services.outbox import Queued
from bot.services.questionnaires import (
    Item,
    Questionnaire,
    QuestionnaireCatalog,
)
from bot.storage.models import (
    Organisation,
    Programme,
    SurveyAnswer,
    SurveyWave,
    utcnow,
)

log = logging.getLogger(__name__)

#: What a curator can launch: (set, wave kind) and who answers it.
LAUNCHES: dict[str, tuple[str, str]] = {
    "entry": ("participant", "entry"),
    "intermediate": ("participant", "intermediate"),
    "exit": ("participant", "exit"),
    "pulse": ("pulse", "pulse"),
    "conditions": ("conditions", "exit"),
    "swot": ("swot", "exit"),
}
DEADLINE_DAYS = (7, 14, 30)
PULSE_FIRST_DAY = 30
PULSE_EVERY_DAYS = 60
#: What a curator may choose for the pulse: the first one on day N of the programme,
#: then one every N days.
PULSE_FIRST_DAYS = (14, 30, 45)
PULSE_EVERY = (30, 60, 90)
PULSE_ANSWER_DAYS = 7
REMIND_BEFORE = timedelta(days=3)
#: The sets a programme's mentors and mentees answer (the others are the curators').
PARTICIPANT_SETS = ("participant", "pulse")
INVITE_KIND = "survey-invite"
REMINDER_KIND = "survey-reminder"
INSERT_CHUNK = 1000  # responses per INSERT (6 parameters each; at most 32,767 in all)


@dataclass(frozen=True, slots=True)
class PulseView:
    enabled: bool
    first_day: int
    every_days: int


class Notifier(Protocol):
    async def enqueue(
        self,
        *,
        kind: str,
        subject: str,
        recipient_user_id: int,
        args: dict[str, Any] | None = None,
        period: str = "",
        expires_at: datetime | None = None,
    ) -> bool: ...

    async def enqueue_many(self, rows: Sequence[Queued]) -> list[Queued]: ...


@dataclass(frozen=True, slots=True)
class WaveView:
    id: int
    programme_id: int
    organisation_id: int
    set: str
    kind: str
    deadline: datetime
    deadline_local: date
    invited: int
    submitted: int
    closed: bool


@dataclass(frozen=True, slots=True)
class PairView:
    id: int
    mentor: str
    mentees: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PersonStatus:
    user_id: int
    name: str | None
    role: str
    status: str  # submitted | started | not_started | missing


@dataclass(frozen=True, slots=True)
class Screen:
    """What the answering dialog shows now."""

    response_id: int
    questionnaire: Questionnaire
    items: tuple[Item, ...]  # shown to this person, in order
    current: Item | None  # None: the summary
    number: int  # 1-based among `items`
    answers: dict[str, Any]
    minor: bool
    submitted: bool
    closed: bool
    deadline_local: date
    kind: str

    @property
    def total(self) -> int:
        return len(self.items)


@dataclass(frozen=True, slots=True)
class OpenResponse:
    response_id: int
    questionnaire: Questionnaire
    kind: str
    deadline_local: date
    started: bool


def end_of_day(day: date, timezone: str) -> datetime:
    """The last moment of `day` in the school's time zone, as UTC."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


def answer_value(answer: SurveyAnswer, item: Item | None) -> Any:
    if answer.number is not None:
        return answer.number
    if item is not None and item.type == "multi":
        return [k for k in (answer.text or "").split(",") if k]
    return answer.text


def _reachable(role: Any, user_id: Any, organisation_id: Any) -> Any:
    """Consent's rule (`takes_part`) for a mentor's or mentee's questionnaire; the school's
    curators answer theirs as staff."""
    return or_(role.not_in(PARTICIPANT_ROLES), takes_part(user_id, organisation_id))


def _aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC datetimes."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SurveyStep:
    """One thing the questionnaires' job does: remind a wave ("before" its deadline or on
    the "due" day; `id` is the wave's), run a "pulse" (`id` is the programme's), or give an
    open wave to those who could not be asked at its launch ("catch_up"; the wave's id)."""

    what: str
    id: int
    number: int | None = None
    deadline: datetime | None = None


class SurveyBase:
    """What every part of `SurveyService` uses: the session and services, the clock, a
    programme or wave the curator named (`load_curated`), a school's time zone."""

    def __init__(
        self,
        session: AsyncSession,
        access: AccessService,
        audit: AuditService,
        catalog: Catalog,
        questionnaires: QuestionnaireCatalog,
        notifier: Notifier | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.catalog = catalog
        self.questionnaires = questionnaires
        self.notifier = notifier
        self.now = now

    async def programme(self, actor: Actor, programme_id: int, action: str) -> Programme:
        return await self.access.load_curated(actor, Programme, programme_id, action)

    async def wave(self, actor: Actor, wave_id: int, action: str = "survey.view") -> SurveyWave:
        return await self.access.load_curated(actor, SurveyWave, wave_id, action)

    async def _timezone(self, organisation_id: int) -> str:
        org = await self.session.get(Organisation, organisation_id)
        return org.timezone if org else "Europe/Moscow"
