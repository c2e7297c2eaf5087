"""What the pairs service hands out: views of pairs, the roster's rows, the candidates
offered to a mentee, a stage's gaps, and the lists they are checked against."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.services.matching import LIVE_PAIR_STATUSES

END_REASONS = (
    "goal_reached",
    "programme_over",
    "mentee_left",
    "mentor_left",
    "no_contact",
    "not_working_together",
    "other",
)
OUTCOMES = ("completed", "terminated")
ORDER_NUMBER_MAX = 64
NOTE_MAX = 500
CHOICE_MIN, CHOICE_MAX = 2, 3
ANSWER_DAYS = 3
REMINDER_AFTER = timedelta(days=2)
OPEN_ANSWERS = (None, "chosen")
FILTERS = ("no_pair", "mentees", "mentors", "no_consent", "free", "full")


@dataclass(frozen=True, slots=True)
class Member:
    membership_id: int
    user_id: int
    name: str
    is_minor: bool
    telegram_id: int | None
    accepted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PairView:
    id: int
    organisation_id: int
    programme_id: int
    programme_name: str
    form_key: str
    contact_sharing: bool
    status: str
    mentor: Member
    mentees: tuple[Member, ...]
    order_number: str | None
    order_date: date | None
    end_reason: str | None
    end_note: str | None
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    past_mentors: tuple[str, ...]
    minor_contact: bool = False

    @property
    def with_minor(self) -> bool:
        """A child is in the pair (a mentee, or a student mentor)."""
        return self.mentor.is_minor or any(m.is_minor for m in self.mentees)

    @property
    def contact_allowed(self) -> bool:
        """Whether its members get a button that opens each other's chat: the programme
        shares contacts, and for a pair with a child the curator turned that on too."""
        return self.contact_sharing and (self.minor_contact or not self.with_minor)

    @property
    def is_group(self) -> bool:
        return len(self.mentees) > 1

    @property
    def live(self) -> bool:
        return self.status in LIVE_PAIR_STATUSES

    def side_of(self, user_id: int) -> str | None:
        if self.mentor.user_id == user_id:
            return "mentor"
        if any(m.user_id == user_id for m in self.mentees):
            return "mentee"
        return None

    def accepted_by(self, user_id: int) -> bool:
        members = [self.mentor, *self.mentees]
        return any(m.user_id == user_id and m.accepted_at is not None for m in members)


@dataclass(frozen=True, slots=True)
class PersonRow:
    membership_id: int
    user_id: int
    name: str
    role: str
    category: str
    consent_complete: bool
    pair_id: int | None
    capacity: int
    load: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)


@dataclass(frozen=True, slots=True)
class Roster:
    rows: tuple[PersonRow, ...]
    counts: dict[str, int]
    categories: dict[str, int]


@dataclass(frozen=True, slots=True)
class CandidateView:
    id: int
    mentor_membership_id: int
    name: str
    helps_with: str  # the mentor's competences, as they typed them
    times: tuple[str, ...]  # meeting-time keys
    answer: str | None


@dataclass(frozen=True, slots=True)
class Gap:
    stage: str
    key: str  # pairs-gap-<key>
    count: int
