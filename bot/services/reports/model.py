"""What the report files are read into: programmes, people, pairs and what they did (plain
dataclasses)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.reports.scope import Scope

# --- people, pairs and what they did --------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProgrammeInfo:
    id: int
    school_id: int
    name: str
    form_key: str
    period_start: date
    period_end: date
    stage: str


@dataclass(frozen=True, slots=True)
class Person:
    membership_id: int
    user_id: int
    school_id: int
    programme_id: int | None
    role: str
    name: str | None  # None: withdrawn and anonymised
    telegram_id: int | None
    is_minor: bool | None
    profile: dict[str, Any]
    joined: date
    status: str

    @property
    def withdrawn(self) -> bool:
        return self.status == "withdrawn" or self.name is None


@dataclass(frozen=True, slots=True)
class PairInfo:
    id: int
    school_id: int
    programme_id: int
    mentor_membership_id: int
    mentee_membership_ids: tuple[int, ...]
    status: str


@dataclass
class People:
    """Everything the bases of mentors and mentees show, for the scope's schools."""

    scope: Scope
    programmes: dict[int, ProgrammeInfo] = field(default_factory=dict)
    people: dict[int, Person] = field(default_factory=dict)  # membership id -> person
    pairs: list[PairInfo] = field(default_factory=list)
    held: dict[int, int] = field(default_factory=dict)  # pair id -> meetings held
    # mentee membership id -> (meetings attended, ratings given, sum of ratings)
    attended: dict[int, int] = field(default_factory=dict)
    ratings: dict[int, tuple[int, int]] = field(default_factory=dict)
    plan: dict[int, tuple[int, int]] = field(default_factory=dict)  # mentee -> (done, total)
    # (user id, role, programme id) -> mean entry → exit change over the scale items
    growth: dict[tuple[int, str, int], float] = field(default_factory=dict)
    # (user id, role, programme id) -> the person's 0–100 satisfaction at exit
    satisfaction: dict[tuple[int, str, int], int] = field(default_factory=dict)
    viewer_user_id: int | None = None
    _by_mentor: dict[int, list[PairInfo]] | None = field(default=None, repr=False)
    _by_mentee: dict[int, list[PairInfo]] | None = field(default=None, repr=False)

    def _index(self) -> tuple[dict[int, list[PairInfo]], dict[int, list[PairInfo]]]:
        """Pairs by mentor and by mentee, built once (a municipality has thousands)."""
        if self._by_mentor is None or self._by_mentee is None:
            by_mentor: dict[int, list[PairInfo]] = defaultdict(list)
            by_mentee: dict[int, list[PairInfo]] = defaultdict(list)
            for pair in self.pairs:
                by_mentor[pair.mentor_membership_id].append(pair)
                for mentee in pair.mentee_membership_ids:
                    by_mentee[mentee].append(pair)
            self._by_mentor, self._by_mentee = by_mentor, by_mentee
        return self._by_mentor, self._by_mentee

    def pairs_of_mentor(self, membership_id: int) -> list[PairInfo]:
        return list(self._index()[0].get(membership_id, ()))

    def pairs_of_mentee(self, membership_id: int) -> list[PairInfo]:
        return list(self._index()[1].get(membership_id, ()))

    def hides_ratings_of(self, pair: PairInfo) -> bool:
        """The recipient mentors this pair: what its mentees said about them is not theirs."""
        mentor = self.people.get(pair.mentor_membership_id)
        return mentor is not None and mentor.user_id == self.viewer_user_id


def _local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date() if moment.tzinfo else moment.date()


def mean_rating(people: People, mentee_ids: Iterable[int]) -> float | None:
    rated = total = 0
    for mentee_id in mentee_ids:
        n, s = people.ratings.get(mentee_id, (0, 0))
        rated += n
        total += s
    return round(total / rated, 2) if rated else None
