"""Scenes for questionnaire tests: a school, a programme, participants, a launched wave."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services.hub import ServiceHub, ServiceSettings
from bot.services.outbox import Queued
from bot.services.surveys import SurveyService
from bot.storage.models import Consent, Membership, User
from tests.harness import ADMIN_ID
from tests.seed import School, admin_actor, make_school


@dataclass
class Recorder:
    """Stands in for the outbox: what would be queued."""

    queued: list[dict[str, Any]] = field(default_factory=list)

    async def enqueue(self, **kwargs: Any) -> bool:
        key = (kwargs["kind"], kwargs["subject"], kwargs.get("period", ""))
        if any((q["kind"], q["subject"], q.get("period", "")) == key for q in self.queued):
            return False
        self.queued.append(kwargs)
        return True

    async def enqueue_many(self, rows: Sequence[Queued]) -> list[Queued]:
        return [
            row
            for row in rows
            if await self.enqueue(
                kind=row.kind,
                subject=row.subject,
                recipient_user_id=row.recipient_user_id,
                args=row.args,
                period=row.period,
                expires_at=row.expires_at,
            )
        ]


async def add_person(
    sessions: async_sessionmaker[AsyncSession],
    telegram_id: int,
    name: str,
    *,
    school_id: int,
    role: str,
    programme_id: int | None = None,
    minor: bool = False,
    locale: str = "ru",
    parent_consent: bool = True,
) -> int:
    """An active member who consented (a minor's parent too, unless `parent_consent` is
    False)."""
    async with sessions() as session:
        user = User(telegram_id=telegram_id, full_name=name, is_minor=minor, locale=locale)
        session.add(user)
        await session.flush()
        session.add(
            Membership(
                user_id=user.id,
                organisation_id=school_id,
                programme_id=programme_id,
                role=role,
                status="active",
            )
        )
        session.add(
            Consent(
                subject_user_id=user.id,
                organisation_id=school_id,
                given_by="self",
                text_version="t",
            )
        )
        if minor and parent_consent:
            session.add(
                Consent(
                    subject_user_id=user.id,
                    organisation_id=school_id,
                    given_by="guardian",
                    text_version="t",
                )
            )
        await session.commit()
        return user.id


def survey_service(
    session: AsyncSession, recorder: Recorder | None = None, now: Any = None
) -> SurveyService:
    hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
    kwargs: dict[str, Any] = {"notifier": recorder}
    if now is not None:
        kwargs["now"] = now
    return SurveyService(
        session, hub.access, hub.audit, hub.catalog, hub.settings.questionnaires, **kwargs
    )


async def launch(
    sessions: async_sessionmaker[AsyncSession],
    programme_id: int,
    launch: str,
    deadline: date,
    *,
    recorder: Recorder | None = None,
    now: Any = None,
) -> int:
    async with sessions() as session:
        surveys = survey_service(session, recorder, now)
        hub = ServiceHub(session, ServiceSettings(admin_ids=frozenset({ADMIN_ID})))
        wave = await surveys.launch(await admin_actor(hub), programme_id, launch, deadline)
        await session.commit()
        return wave.id


async def school_with(
    sessions: async_sessionmaker[AsyncSession], form: str = "student_student"
) -> tuple[School, int]:
    school = await make_school(sessions, forms=(form,))
    return school, school.programme_ids[form]


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    from datetime import UTC

    return datetime(year, month, day, hour, tzinfo=UTC)
