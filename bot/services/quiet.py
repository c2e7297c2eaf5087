"""Quiet hours: local time in an organisation's own time zone (default 21:00–08:00).

A window whose start equals its end means "no quiet hours". A window may cross midnight
(21:00–08:00) or not (13:00–15:00).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from bot.storage.models import Organisation

DEFAULT_QUIET_START = time(21, 0)
DEFAULT_QUIET_END = time(8, 0)


@dataclass(frozen=True, slots=True)
class QuietHours:
    timezone: str
    start: time = DEFAULT_QUIET_START
    end: time = DEFAULT_QUIET_END

    def is_quiet(self, moment: datetime) -> bool:
        if self.start == self.end:
            return False
        local = moment.astimezone(ZoneInfo(self.timezone)).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, moment: datetime) -> datetime:
        """The first moment after `moment` when the quiet hours end (UTC)."""
        zone = ZoneInfo(self.timezone)
        local = moment.astimezone(zone)
        candidate = datetime.combine(local.date(), self.end, tzinfo=zone)
        if candidate <= local:
            candidate = datetime.combine(local.date() + timedelta(days=1), self.end, tzinfo=zone)
        return candidate.astimezone(UTC)


def quiet_until(windows: Iterable[QuietHours], moment: datetime) -> datetime | None:
    """The first moment from `moment` on when none of these windows holds (UTC), or None
    when none holds now: at claim time and again right before a message goes out. Windows
    in several zones may hand over to each other (the end of one is night in another)."""
    windows = list(windows)
    until = None
    for _ in range(len(windows) + 1):
        ends = [w.ends_after(until or moment) for w in windows if w.is_quiet(until or moment)]
        if not ends:
            break
        until = max(ends)
    return until


QUIET_PATTERN = re.compile(
    r"^\s*([0-9]{1,2})[:.]([0-9]{2})\s*[-–—]\s*([0-9]{1,2})[:.]([0-9]{2})\s*$"
)


def parse_quiet_hours(text: str) -> tuple[time, time]:
    """ "21:00-08:00" → (21:00, 08:00); raises InvalidInput("quiet-hours")."""
    match = QUIET_PATTERN.match(text)
    if match is None:
        raise InvalidInput("quiet-hours")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise InvalidInput("quiet-hours")
    return time(h1, m1), time(h2, m2)


@dataclass(frozen=True, slots=True)
class SchoolQuietHours:
    organisation_id: int
    name: str
    hours: QuietHours


class QuietHoursService:
    """The curator and the admin see and change a school's quiet hours."""

    def __init__(self, session: AsyncSession, access: AccessService, audit: AuditService) -> None:
        self.session = session
        self.access = access
        self.audit = audit

    async def _org(self, actor: Actor, organisation_id: int, action: str) -> Organisation:
        await self.access.require_curator(actor, organisation_id, action)
        org = await self.session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound()
        return org

    async def get(self, actor: Actor, organisation_id: int) -> SchoolQuietHours:
        org = await self._org(actor, organisation_id, "quiet_hours.view")
        return SchoolQuietHours(
            org.id, org.name, QuietHours(org.timezone, org.quiet_start, org.quiet_end)
        )

    async def set(self, actor: Actor, organisation_id: int, start: time, end: time) -> None:
        org = await self._org(actor, organisation_id, "quiet_hours.set")
        org.quiet_start = start
        org.quiet_end = end
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "quiet_hours.set",
            organisation_id=org.id,
            object_type="organisation",
            object_id=org.id,
            start=start.strftime("%H:%M"),
            end=end.strftime("%H:%M"),
        )
