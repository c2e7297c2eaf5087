"""Recognition at the end of a programme: «Наставник года» and «Лучшая пара».

When a programme's period has ended (in the school's time) or its curator moved it to the
completion stage, the bot nominates, once per programme, the mentor and the pair with the
best score, stores each nomination in `recognition` and sends it to the school's curators
through the outbox, with the numbers behind it and two buttons: accept or ignore.

Score (0–100), the same for a mentor (over all their pairs and mentees in the programme)
and for a pair:
    40 × meetings held / the most meetings held by any candidate in the programme
  + 30 × (mean mentee rating of the meetings − 1) / 4            (ratings are 1–5)
  + 30 × min(max(mean entry → exit change of the mentees, 0), 3) / 3
A part without data (no rating, no exit questionnaire) adds 0. Only candidates with at
least one meeting held are nominated; withdrawn mentors and terminated pairs are not; a tie
goes to more meetings held, then to the earlier one.

Services layer: no aiogram.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.catalog import Catalog
from bot.services.errors import NotFound
from bot.services.outbox import Outbox, curators_of
from bot.services.questionnaires import QuestionnaireCatalog
from bot.services.reports import People, School, Scope, load_people, mean_rating
from bot.storage.models import (
    Membership,
    Organisation,
    Pair,
    Programme,
    Recognition,
    SurveyWave,
)

MENTOR_OF_YEAR = "mentor-of-year"
BEST_PAIR = "best-pair"
# A programme looked at with nobody to nominate is remembered by a row of this kind, so
# that it is not looked at again on every tick.
CHECKED = "checked"
KINDS = (MENTOR_OF_YEAR, BEST_PAIR)

W_MEETINGS, W_RATING, W_GROWTH = 40.0, 30.0, 30.0
GROWTH_FULL = 3.0  # an entry → exit change of 3 points (of 10) or more earns the full part

# kind -> Fluent message (merged into bot/jobs/render.py)
MESSAGES = {
    "recognition-mentor-of-year": "recognition-notice-mentor-of-year",
    "recognition-best-pair": "recognition-notice-best-pair",
}
ACCEPT, IGNORE = "recognition-accept", "recognition-ignore"


@dataclass(frozen=True, slots=True)
class Candidate:
    subject: str  # membership:<id> | pair:<id>
    name: str  # the mentor's name, or «mentor — mentees» for a pair
    meetings: int
    rating: float | None
    growth: float | None
    score: float = 0.0


def score(meetings: int, most: int, rating: float | None, growth: float | None) -> float:
    part_meetings = meetings / most if most else 0.0
    part_rating = (rating - 1) / 4 if rating is not None else 0.0
    part_growth = min(max(growth, 0.0), GROWTH_FULL) / GROWTH_FULL if growth is not None else 0.0
    return round(W_MEETINGS * part_meetings + W_RATING * part_rating + W_GROWTH * part_growth, 1)


def best(candidates: Sequence[Candidate]) -> Candidate | None:
    """The highest score among those with a meeting held; ties: more meetings, earlier."""
    eligible = [c for c in candidates if c.meetings > 0]
    if not eligible:
        return None
    most = max(c.meetings for c in eligible)
    scored = [
        Candidate(
            c.subject,
            c.name,
            c.meetings,
            c.rating,
            c.growth,
            score(c.meetings, most, c.rating, c.growth),
        )
        for c in eligible
    ]
    return max(enumerate(scored), key=lambda ic: (ic[1].score, ic[1].meetings, -ic[0]))[1]


def _growth(people: People, mentee_ids: Iterable[int], programme_id: int) -> float | None:
    values = []
    for m in mentee_ids:
        person = people.people.get(m)
        if person is None:
            continue
        value = people.growth.get((person.user_id, "mentee", programme_id))
        if value is not None:
            values.append(value)
    return round(sum(values) / len(values), 2) if values else None


def _name(people: People, membership_id: int) -> str | None:
    person = people.people.get(membership_id)
    return None if person is None or person.withdrawn else person.name


def candidates(people: People, programme_id: int) -> tuple[list[Candidate], list[Candidate]]:
    """Mentors and pairs of the programme with their numbers (not yet scored)."""
    pairs = [p for p in people.pairs if p.programme_id == programme_id and p.status != "terminated"]
    mentors: list[Candidate] = []
    for mentor_id in dict.fromkeys(p.mentor_membership_id for p in pairs):
        name = _name(people, mentor_id)
        if name is None:
            continue
        own = [p for p in pairs if p.mentor_membership_id == mentor_id]
        mentees = [m for p in own for m in p.mentee_membership_ids]
        mentors.append(
            Candidate(
                f"membership:{mentor_id}",
                name,
                sum(people.held.get(p.id, 0) for p in own),
                mean_rating(people, mentees),
                _growth(people, mentees, programme_id),
            )
        )
    best_pairs: list[Candidate] = []
    for p in pairs:
        mentor = _name(people, p.mentor_membership_id)
        if mentor is None:
            continue
        names = [n for m in p.mentee_membership_ids if (n := _name(people, m))]
        best_pairs.append(
            Candidate(
                f"pair:{p.id}",
                f"{mentor} — {', '.join(names)}",
                people.held.get(p.id, 0),
                mean_rating(people, p.mentee_membership_ids),
                _growth(people, p.mentee_membership_ids, programme_id),
            )
        )
    return mentors, best_pairs


@dataclass(frozen=True, slots=True)
class Answer:
    kind: str
    accepted: bool
    already: bool  # answered before: nothing changed


class RecognitionService:
    def __init__(
        self,
        session: AsyncSession,
        access: AccessService,
        audit: AuditService,
        now: Any,
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.now = now

    async def _nominee_is(self, actor: Actor, row: Recognition) -> bool:
        """Whether this curator is the nominated mentor (or the nominated pair's mentor)."""
        kind, _, raw = row.subject.partition(":")
        if not (raw.isascii() and raw.isdigit()):
            return False
        if kind == "pair":
            query = (
                select(Membership.user_id)
                .join(Pair, Pair.mentor_membership_id == Membership.id)
                .where(Pair.id == int(raw))
            )
        else:
            query = select(Membership.user_id).where(Membership.id == int(raw))
        return await self.session.scalar(query) == actor.user_id

    async def answer(self, actor: Actor, recognition_id: int, accepted: bool) -> Answer:
        """The curator accepts or ignores a nomination of their school. A forged id and
        another school's nomination get the same refusal."""
        row = await self.session.get(Recognition, recognition_id)
        if row is not None and row.kind not in KINDS:
            row = None
        await self.access.require_curator(
            actor,
            row.organisation_id if row else None,
            "recognition.answer",
            object_type="recognition",
            object_id=recognition_id,
        )
        if row is None:
            raise NotFound()
        if await self._nominee_is(actor, row):
            raise await self.access.deny(
                actor, "recognition.answer", object_type="recognition", object_id=row.id
            )
        if row.accepted is not None:
            return Answer(row.kind, row.accepted, True)
        row.accepted = accepted
        row.answered_by_user_id = actor.user_id
        row.answered_at = self.now()
        await self.audit.record(
            actor.user_id,
            "recognition.answer",
            organisation_id=row.organisation_id,
            object_type="recognition",
            object_id=row.id,
            accepted=accepted,
        )
        return Answer(row.kind, accepted, False)


# --- the job's side ------------------------------------------------------------------


async def due_programmes(session: AsyncSession, now: datetime) -> list[tuple[Programme, School]]:
    """Programmes that ended (their last day is over in the school's time) or were moved to
    the completion stage, and were never looked at."""
    seen = exists().where(Recognition.programme_id == Programme.id)
    result = await session.execute(
        select(Programme, Organisation)
        .join(Organisation, Organisation.id == Programme.organisation_id)
        .where(
            ~seen,
            or_(
                Programme.stage == "completion",
                Programme.period_end < (now + timedelta(days=1)).date(),
            ),
        )
        .order_by(Programme.id)
    )
    rows: list[tuple[Programme, Organisation]] = [(p, o) for p, o in result]
    # Moved to completion while the exit questionnaire still runs: the growth behind the
    # nomination is not known yet; wait for its deadline (or the programme's end).
    exit_open = set(
        await session.scalars(
            select(SurveyWave.programme_id).where(
                SurveyWave.programme_id.in_([p.id for p, _ in rows]),
                SurveyWave.kind == "exit",
                SurveyWave.deadline > now,
            )
        )
    )
    due = []
    for programme, school in rows:
        today: date = now.astimezone(ZoneInfo(school.timezone)).date()
        ended = programme.period_end < today
        if ended or (programme.stage == "completion" and programme.id not in exit_open):
            due.append((programme, School(school.id, school.name, school.timezone)))
    return due


def mentor_user_of(people: People, subject: str) -> int | None:
    """The user who mentors the nominated mentor (membership:<id>) or pair (pair:<id>)."""
    kind, _, raw = subject.partition(":")
    membership_id: int | None = int(raw) if kind == "membership" else None
    if kind == "pair":
        pair = next((p for p in people.pairs if p.id == int(raw)), None)
        membership_id = pair.mentor_membership_id if pair else None
    person = people.people.get(membership_id) if membership_id is not None else None
    return person.user_id if person else None


@dataclass(frozen=True)
class Chosen:
    """A programme's winners and who is told, read before anything is written."""

    winners: tuple[tuple[str, Candidate, int | None], ...]  # kind, winner, their mentor
    curators: tuple[int, ...]


async def choose(
    session: AsyncSession,
    programme: Programme,
    school: School,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
) -> Chosen:
    """The reading half of `nominate` (the scheduler's job runs it without the write lock)."""
    scope = Scope(school.id, school.name, "school", (school,))
    people = await load_people(
        session, scope, questionnaires, catalog, programme_ids=[programme.id]
    )
    mentors, pairs = candidates(people, programme.id)
    winners = tuple(
        (kind, winner, mentor_user_of(people, winner.subject))
        for kind, winner in ((MENTOR_OF_YEAR, best(mentors)), (BEST_PAIR, best(pairs)))
        if winner is not None
    )
    return Chosen(winners, tuple(await curators_of(session, school.id)))


async def nominate(
    session: AsyncSession,
    outbox: Outbox,
    programme: Programme,
    school: School,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
) -> int:
    """Store the programme's nominations and queue them to its curators; returns how many
    nominations were made (0: a marker row keeps the programme from being looked at again)."""
    chosen = await choose(session, programme, school, questionnaires, catalog)
    return await record(session, outbox, programme, school, chosen)


async def record(
    session: AsyncSession, outbox: Outbox, programme: Programme, school: School, chosen: Chosen
) -> int:
    """The writing half of `nominate`: the nominations (or the marker) and the notices."""
    made = 0
    for kind, winner, mentor in chosen.winners:
        row = Recognition(
            organisation_id=school.id,
            programme_id=programme.id,
            kind=kind,
            subject=winner.subject,
            score=winner.score,
        )
        session.add(row)
        await session.flush()
        made += 1
        args = {
            "programme": programme.name,
            "name": winner.name,
            "meetings": winner.meetings,
            "rating": "—" if winner.rating is None else f"{winner.rating:.1f}",
            "growth": "—" if winner.growth is None else f"{winner.growth:+.1f}",
            "score": f"{winner.score:.0f}",
            "_buttons": [
                [
                    {"label": "recognition-accept-button", "open": ACCEPT, "id": row.id},
                    {"label": "recognition-ignore-button", "open": IGNORE, "id": row.id},
                ]
            ],
        }
        # The nominated mentor does not judge (nor read the ratings behind) their own
        # nomination, even when they are also a curator of the school.
        for user_id in chosen.curators:
            if user_id == mentor:
                continue
            await outbox.enqueue(
                kind=f"recognition-{kind}",
                subject=f"recognition:{row.id}",
                recipient_user_id=user_id,
                organisation_id=school.id,
                args=args,
            )
    if not made:
        session.add(
            Recognition(
                organisation_id=school.id,
                programme_id=programme.id,
                kind=CHECKED,
                subject=f"programme:{programme.id}",
                score=0.0,
            )
        )
    await session.flush()
    return made
