"""What the meeting rules know of a pair and who is asking (`PairContext`), and what the
screens are shown: a meeting, its attendance, a pending answer, a pair to choose."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.services.access import Actor
from bot.storage.models import MeetingAttendance


@dataclass(frozen=True, slots=True)
class Person_:
    membership_id: int
    user_id: int
    name: str
    is_minor: bool


@dataclass(frozen=True, slots=True)
class PairContext:
    """A pair as the meeting rules need it, and who is asking."""

    pair_id: int
    organisation_id: int
    programme_id: int
    timezone: str
    quiet_start: time
    quiet_end: time
    quiet_days: int
    status: str
    mentor: Person_
    mentees: tuple[Person_, ...]
    side: str  # mentor | mentee | curator

    @property
    def is_group(self) -> bool:
        return len(self.mentees) > 1

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def mentee_of(self, user_id: int) -> Person_ | None:
        return next((m for m in self.mentees if m.user_id == user_id), None)

    def label(self) -> str:
        return ", ".join(m.name for m in self.mentees)


@dataclass(frozen=True, slots=True)
class PairChoice:
    pair_id: int
    mentor_name: str
    mentee_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Usual:
    """What the one-tap button repeats: the suggested kind with the pair's last duration
    and format."""

    kind: str
    duration_min: int
    format: str


@dataclass(frozen=True, slots=True)
class AttendanceView:
    membership_id: int
    name: str
    present: bool
    confirmed: bool | None
    disputed: bool
    rating: int | None  # only for the curator
    comment: str | None  # the curator; the mentor only when shared


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    pair_id: int
    kind: str
    status: str
    day: date
    starts_local: datetime | None
    duration_min: int | None
    format: str
    topic: str | None
    outcome: str | None
    agreed: bool
    proposed_by_me: bool
    attendance: tuple[AttendanceView, ...]
    can_edit: bool
    # The mentor's record is the curator's now: a mentee answered (confirmed or disputed).
    curator_only: bool = False

    @property
    def confirmation(self) -> str:
        """all | disputed | waiting | none: the mentees' answers in one word."""
        present = [a for a in self.attendance if a.present]
        if not present:
            return "none"
        if any(a.disputed for a in present):
            return "disputed"
        if all(a.confirmed for a in present):
            return "all"
        return "waiting"


@dataclass(frozen=True, slots=True)
class Pending:
    """A held meeting a mentee has not answered yet."""

    meeting_id: int
    pair_id: int
    kind: str
    day: date
    mentor_name: str


def mentees_answer(rows: Iterable[MeetingAttendance]) -> str | None:
    """disputed | confirmed | None: whether a mentee answered about the meeting."""
    answers = [r for r in rows if r.confirmed is not None or r.disputed]
    if any(r.disputed for r in answers):
        return "disputed"
    return "confirmed" if answers else None


def as_curator(ctx: PairContext) -> PairContext:
    return replace(ctx, side="curator")


def name_of(ctx: PairContext, actor: Actor) -> str:
    if ctx.mentor.user_id == actor.user_id:
        return ctx.mentor.name
    me = ctx.mentee_of(actor.user_id)
    return me.name if me else "—"
