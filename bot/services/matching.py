"""Suggested mentors for a mentee: best first, each with a 0–100 score and the reasons.

The criteria and their weights are data (``bot/catalog/matching.toml``; a deployment may
override them with its own file, MATCHING_FILE). Profiles are read defensively: a key a
profile does not have scores 0 for its criterion, never an error.

One suggestion costs a fixed number of SQL statements however many mentors the programme
has (the mentee, the programme, its mentors, their loads). No aiogram here.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.catalog import CATALOG_DIR, Catalog
from bot.services.errors import NotFound
from bot.storage.models import Membership, Pair, PairMentee, Programme, User

MATCHING_FILE = CATALOG_DIR / "matching.toml"
CRITERIA = ("topics", "ages", "times", "capacity", "form")
LIVE_PAIR_STATUSES = ("proposed", "active")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class MatchingError(ValueError):
    """The matching file is missing, not TOML, or has a bad value."""


@dataclass(frozen=True, slots=True)
class Label:
    """A reason's argument to be shown by its own Fluent message (e.g. an age band)."""

    key: str


@dataclass(frozen=True, slots=True)
class Topic:
    """A reason's argument naming a catalogue topic or category by its key (shown in the
    reader's language by its catalogue name), never a fragment of typed text."""

    key: str


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason in words: a Fluent key `pairs-reason-<key>` and its arguments.
    `good` is False for what speaks against the mentor (no room left)."""

    key: str
    args: Mapping[str, Any] = field(default_factory=dict)
    good: bool = True


@dataclass(frozen=True, slots=True)
class MatchingRules:
    weights: Mapping[str, int]
    default_capacity: int
    max_capacity: int
    full_at: int
    min_word: int
    form_mentors: Mapping[str, tuple[str, ...]]
    words: Mapping[str, tuple[str, ...]]

    @property
    def total_weight(self) -> int:
        return sum(self.weights.values()) or 1


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise MatchingError(f"{path}: {e}") from e


def normalise(word: str) -> str:
    return word.lower().replace("ё", "е")


def load_rules(extra_file: Path | None = None) -> MatchingRules:
    data = _read(MATCHING_FILE)
    if extra_file is not None:
        data = _merge(data, _read(extra_file))
    try:
        weights = {name: int(data.get("weights", {}).get(name, 0)) for name in CRITERIA}
        if any(w < 0 for w in weights.values()):
            raise MatchingError("a weight is negative")
        capacity = data.get("capacity", {})
        topics = data.get("topics", {})
        return MatchingRules(
            weights=weights,
            default_capacity=int(capacity.get("default", 3)),
            max_capacity=int(capacity.get("max", 10)),
            full_at=max(1, int(topics.get("full_at", 2))),
            min_word=max(1, int(topics.get("min_word", 4))),
            form_mentors={
                str(k): tuple(str(c) for c in v) for k, v in data.get("form_mentors", {}).items()
            },
            words={
                str(k): tuple(normalise(str(w)) for w in v)
                for k, v in data.get("words", {}).items()
            },
        )
    except (TypeError, ValueError, AttributeError) as e:
        if isinstance(e, MatchingError):
            raise
        raise MatchingError(str(e)) from e


# --- profiles ---------------------------------------------------------------------------


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [v for v in value if isinstance(v, str)]
    return []


def _keys(value: Any) -> set[str]:
    return set(_texts(value))


def age_band(profile: Mapping[str, Any], is_minor: bool | None, mentee_kind: str | None) -> str:
    """The mentee's age band from what the profile says; '' when nothing does."""
    band = profile.get("age_band")
    if isinstance(band, str) and band:
        return band
    if mentee_kind == "teacher":
        return "adult"
    school_class = profile.get("school_class")
    if isinstance(school_class, str):
        digits = re.match(r"\d+", school_class)
        if digits:
            grade = int(digits.group())
            return "10-12" if grade <= 6 else "13-15" if grade <= 9 else "16-18"
    if is_minor is False:
        return "adult"
    return ""


@dataclass(frozen=True, slots=True)
class MenteeProfile:
    membership_id: int
    request_keys: frozenset[str]  # help topics and category: keys of the words table
    request_words: tuple[str, ...]  # the mentee's own words (wishes), normalised
    age_band: str
    times: frozenset[str]

    @classmethod
    def of(
        cls,
        membership_id: int,
        profile: Mapping[str, Any],
        is_minor: bool | None,
        mentee_kind: str | None,
        min_word: int = 4,
    ) -> MenteeProfile:
        keys = _keys(profile.get("help_topics")) | _keys(profile.get("category"))
        words = [
            normalise(w)
            for text in _texts(profile.get("wishes"))
            for w in _WORD.findall(text)
            if len(w) >= min_word
        ]
        return cls(
            membership_id=membership_id,
            request_keys=frozenset(keys),
            request_words=tuple(dict.fromkeys(words)),
            age_band=age_band(profile, is_minor, mentee_kind),
            times=frozenset(_keys(profile.get("times"))),
        )


@dataclass(frozen=True, slots=True)
class MentorProfile:
    membership_id: int
    user_id: int
    name: str
    category: str
    words: tuple[tuple[str, str], ...]  # (normalised, as typed) from competences and interests
    ages: frozenset[str]
    times: frozenset[str]
    capacity: int
    load: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)

    @classmethod
    def of(
        cls,
        membership_id: int,
        user_id: int,
        name: str,
        profile: Mapping[str, Any],
        load: int,
        default_capacity: int,
    ) -> MentorProfile:
        words: dict[str, str] = {}
        for key in ("competences", "interests"):
            for text in _texts(profile.get(key)):
                for w in _WORD.findall(text):
                    words.setdefault(normalise(w), w)
        capacity = profile.get("capacity")
        return cls(
            membership_id=membership_id,
            user_id=user_id,
            name=name,
            category=str(profile.get("category") or ""),
            words=tuple(words.items()),
            ages=frozenset(_keys(profile.get("ages"))),
            times=frozenset(_keys(profile.get("times"))),
            capacity=capacity
            if isinstance(capacity, int) and not isinstance(capacity, bool)
            else default_capacity,
            load=load,
        )


@dataclass(frozen=True, slots=True)
class Suggestion:
    mentor_membership_id: int
    user_id: int
    name: str
    score: int
    reasons: tuple[Reason, ...]
    capacity: int
    load: int


# --- scoring ----------------------------------------------------------------------------


def _prefixes(mentee: MenteeProfile, rules: MatchingRules) -> tuple[str, ...]:
    """Word beginnings of the mentee's request: the words table for their topics and
    category, and their own words less a (Russian) ending, never shorter than min_word."""
    found: list[str] = []
    for key in sorted(mentee.request_keys):
        found.extend(rules.words.get(key, ()))
    found.extend(w[: max(rules.min_word, len(w) - 2)] for w in mentee.request_words)
    return tuple(dict.fromkeys(found))


def _matched_topics(
    mentee: MenteeProfile, mentor: MentorProfile, rules: MatchingRules
) -> tuple[Topic | Label, ...]:
    """What of the request the mentor's words meet, named as the catalogue names it: the
    help topics and category, then «in the mentee's own words» for the rest."""
    named: list[Topic | Label] = []
    for key in sorted(mentee.request_keys):
        starts = rules.words.get(key, ())
        if starts and any(normal.startswith(starts) for normal, _ in mentor.words):
            named.append(Topic(key))
    own = tuple(w[: max(rules.min_word, len(w) - 2)] for w in mentee.request_words)
    if own and any(normal.startswith(own) for normal, _ in mentor.words):
        named.append(Label("pairs-reason-own-words"))
    return tuple(named)


def score(
    mentee: MenteeProfile,
    mentor: MentorProfile,
    rules: MatchingRules,
    mentor_kind: str | None,
    prefixes: tuple[str, ...] | None = None,
) -> Suggestion:
    parts: dict[str, float] = dict.fromkeys(CRITERIA, 0.0)
    reasons: list[Reason] = []

    prefixes = _prefixes(mentee, rules) if prefixes is None else prefixes
    common = [typed for normal, typed in mentor.words if normal.startswith(prefixes)]
    if common:
        parts["topics"] = min(1.0, len(common) / rules.full_at)
        reasons.append(Reason("topics", {"topics": _matched_topics(mentee, mentor, rules)}))

    if mentee.age_band and mentee.age_band in mentor.ages:
        parts["ages"] = 1.0
        reasons.append(Reason("ages", {"age": Label(f"age-band-{mentee.age_band}")}))

    shared = sorted(mentee.times & mentor.times)
    if shared:
        parts["times"] = len(shared) / max(len(mentee.times), 1)
        reasons.append(
            Reason("times", {"times": tuple(Label(f"meeting-time-{t}") for t in shared)})
        )
    elif mentee.times and mentor.times:
        reasons.append(Reason("no_times", good=False))

    if mentor.free > 0:
        parts["capacity"] = 1.0
        reasons.append(Reason("capacity", {"free": mentor.free, "capacity": mentor.capacity}))
    else:
        reasons.append(Reason("full", {"capacity": mentor.capacity}, good=False))

    suitable = rules.form_mentors.get(mentor_kind or "", ())
    if mentor.category and (not suitable or mentor.category in suitable):
        parts["form"] = 1.0
        reasons.append(Reason("form"))

    total = sum(rules.weights[name] * parts[name] for name in CRITERIA)
    value = round(100 * total / rules.total_weight)
    return Suggestion(
        mentor_membership_id=mentor.membership_id,
        user_id=mentor.user_id,
        name=mentor.name,
        score=max(0, min(100, value)),
        reasons=tuple(reasons),
        capacity=mentor.capacity,
        load=mentor.load,
    )


def rank(
    mentee: MenteeProfile,
    mentors: Iterable[MentorProfile],
    rules: MatchingRules,
    mentor_kind: str | None,
    limit: int | None = None,
) -> list[Suggestion]:
    """Best first; ties: more room left, then name, then id (a stable order)."""
    prefixes = _prefixes(mentee, rules)
    scored = [score(mentee, m, rules, mentor_kind, prefixes) for m in mentors]
    scored.sort(
        key=lambda s: (-s.score, -(s.capacity - s.load), s.name.casefold(), s.mentor_membership_id)
    )
    return scored[:limit] if limit is not None else scored


# --- the service ------------------------------------------------------------------------


async def mentor_loads(
    session: AsyncSession, mentor_ids: Sequence[int] | None, programme_id: int
) -> dict[int, int]:
    """Mentees in proposed or active pairs per mentor membership: one statement."""
    query = (
        select(Pair.mentor_membership_id, func.count(PairMentee.mentee_membership_id))
        .join(PairMentee, PairMentee.pair_id == Pair.id)
        .where(Pair.programme_id == programme_id, Pair.status.in_(LIVE_PAIR_STATUSES))
        .group_by(Pair.mentor_membership_id)
    )
    if mentor_ids is not None:
        query = query.where(Pair.mentor_membership_id.in_(mentor_ids))
    return {int(m): int(n) for m, n in (await session.execute(query)).all()}


class MatchingService:
    def __init__(
        self, session: AsyncSession, access: AccessService, catalog: Catalog, rules: MatchingRules
    ) -> None:
        self.session = session
        self.access = access
        self.catalog = catalog
        self.rules = rules

    async def mentors_of(self, programme_id: int) -> list[MentorProfile]:
        """Every active mentor of the programme with their load: two statements."""
        rows = (
            await self.session.execute(
                select(Membership.id, Membership.user_id, Membership.profile, User.full_name)
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.programme_id == programme_id,
                    Membership.role == "mentor",
                    Membership.status == "active",
                    User.anonymised_at.is_(None),
                )
                .order_by(Membership.id)
            )
        ).all()
        loads = await mentor_loads(self.session, None, programme_id)
        return [
            MentorProfile.of(
                mid, uid, name or "", profile or {}, loads.get(mid, 0), self.rules.default_capacity
            )
            for mid, uid, profile, name in rows
        ]

    async def suggest(
        self, actor: Actor, mentee_membership_id: int, limit: int | None = 10
    ) -> list[Suggestion]:
        """Suggested mentors for a mentee of the curator's school, best first."""
        row = (
            await self.session.execute(
                select(Membership, User.is_minor, Programme.form_key)
                .join(User, User.id == Membership.user_id)
                .join(Programme, Programme.id == Membership.programme_id)
                .where(Membership.id == mentee_membership_id)
            )
        ).first()
        membership = row[0] if row else None
        await self.access.require_curator(
            actor,
            membership.organisation_id if membership else None,
            "pairs.suggest",
            object_type="membership",
            object_id=mentee_membership_id,
        )
        if row is None or membership is None or membership.role != "mentee":
            raise NotFound()
        _, is_minor, form_key = row
        form = self.catalog.form(form_key)
        mentee = MenteeProfile.of(
            membership.id,
            membership.profile or {},
            is_minor,
            form.mentee_kind if form else None,
            self.rules.min_word,
        )
        assert membership.programme_id is not None
        mentors = await self.mentors_of(membership.programme_id)
        return rank(mentee, mentors, self.rules, form.mentor_kind if form else None, limit)


@dataclass(frozen=True, slots=True)
class Assignment:
    """One line of «✨ Предложения»: a free mentee and the mentor suggested for them
    (None when every suitable mentor's places went to better-scored mentees)."""

    mentee_membership_id: int
    mentee_name: str
    suggestion: Suggestion | None


def assign(
    mentees: Sequence[tuple[MenteeProfile, str]],
    mentors: Sequence[MentorProfile],
    rules: MatchingRules,
    mentor_kind: str | None,
) -> list[Assignment]:
    """The best mentor for every mentee at once, never more mentees to a mentor than the
    places they have left. The rule (greedy, highest score first across the programme):
    every (mentee, mentor with a free place) pair is scored; the pairs are taken best
    first (ties: the mentor with more room, then the mentee's name, the mentor's name,
    then ids, so the same data gives the same list); a pair is kept when its mentee has
    no mentor yet and its mentor still has a place. A mentee left without one is listed
    with None (the curator picks by hand). Lines come in the mentees' order."""
    free = {m.membership_id: m.free for m in mentors}
    scored: list[tuple[tuple[Any, ...], int, Suggestion]] = []
    for index, (mentee, name) in enumerate(mentees):
        for s in rank(mentee, [m for m in mentors if m.free > 0], rules, mentor_kind):
            key = (
                -s.score,
                -(s.capacity - s.load),
                name.casefold(),
                mentee.membership_id,
                s.name.casefold(),
                s.mentor_membership_id,
            )
            scored.append((key, index, s))
    scored.sort(key=lambda item: item[0])
    chosen: dict[int, Suggestion] = {}
    for _, index, s in scored:
        if index in chosen or free.get(s.mentor_membership_id, 0) <= 0:
            continue
        chosen[index] = s
        free[s.mentor_membership_id] -= 1
    return [
        Assignment(mentee.membership_id, name, chosen.get(index))
        for index, (mentee, name) in enumerate(mentees)
    ]
