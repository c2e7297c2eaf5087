"""What `/report` files hold: the school's (or the municipality's) base of mentors, base of
mentees, the meetings log and the questionnaire results, read with grouped queries (the
number of statements does not grow with people, pairs or meetings) into plain dataclasses.

Who may ask: a school's curator (their school), a coordinator (their municipality, or one
of its schools) and a bot admin (any). Everything here is for staff: the curator's mentee
categories, ratings and comments are in it. Two limits hold even for staff: a withdrawn
person is anonymised (no name, no contact, no comment), and a recipient who also mentors a
pair does not read, by name, what that pair's mentees said about them (ratings, comments).

Services layer: no aiogram. Labels (forms, categories) are translated by the caller.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.catalog import Catalog
from bot.services.clock import Clock
from bot.services.errors import InvalidInput
from bot.services.outbox import ASKED, Outbox
from bot.services.questionnaires import Item, QuestionnaireCatalog
from bot.services.survey_results import (
    Completion,
    Key,
    PersonChange,
    ProgrammeResults,
    RawAnswer,
    compare,
    satisfaction_index,
    school_time,
)
from bot.storage.models import (
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    PlanItem,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)

# --- who may ask, and for what -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class School:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Target:
    """An organisation a person may ask reports about."""

    id: int
    name: str
    kind: str  # school | municipality


@dataclass(frozen=True, slots=True)
class Scope:
    organisation_id: int
    name: str
    kind: str
    schools: tuple[School, ...]
    # The recipient curates this school (or is the admin): the curator's classification of
    # mentees and the mentees' comments for the curator are theirs to read (DESIGN.md,
    # "Children"); a coordinator's file has neither.
    curator_view: bool = False

    @property
    def school_ids(self) -> list[int]:
        return [s.id for s in self.schools]

    @property
    def many(self) -> bool:
        """A municipality's file: one sheet with a school column."""
        return self.kind != "school"


async def _staff_roles(session: AsyncSession, user_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Membership.organisation_id, Membership.role).where(
            Membership.user_id == user_id,
            Membership.status == "active",
            Membership.role.in_(("curator", "coordinator")),
        )
    )
    return [(org, role) for org, role in rows]


async def report_targets(session: AsyncSession, user_id: int, is_admin: bool) -> list[Target]:
    """The schools a person curates and the municipalities they coordinate (every school
    and municipality for an admin), by name."""
    query = select(Organisation).where(Organisation.kind.in_(("school", "municipality")))
    if not is_admin:
        roles = await _staff_roles(session, user_id)
        ids = {org for org, _ in roles}
        if not ids:
            return []
        query = query.where(Organisation.id.in_(ids))
    orgs = await session.scalars(query.order_by(Organisation.kind, Organisation.name))
    return [Target(o.id, o.name, o.kind) for o in orgs]


async def may_report_on(
    session: AsyncSession, user_id: int, is_admin: bool, org: Organisation
) -> set[int] | None:
    """Whether this person may have reports about `org` (a school: its curators and its
    municipality's coordinators; a municipality: its coordinators; the admin: all): the
    schools they curate, or None when they may not."""
    if org.kind not in ("school", "municipality"):
        return None
    if is_admin:
        return set()
    roles = await _staff_roles(session, user_id)
    curated = {o for o, r in roles if r == "curator"}
    coordinated = {o for o, r in roles if r == "coordinator"}
    allowed = (org.kind == "school" and (org.id in curated or org.parent_id in coordinated)) or (
        org.kind == "municipality" and org.id in coordinated
    )
    return curated if allowed else None


async def report_scope(
    session: AsyncSession, user_id: int, is_admin: bool, organisation_id: int
) -> Scope | None:
    """The schools a report about `organisation_id` covers, or None when this person may
    not have it (the same None whether the organisation exists or not)."""
    org = await session.get(Organisation, organisation_id)
    if org is None:
        return None
    curated = await may_report_on(session, user_id, is_admin, org)
    if curated is None:
        return None
    if org.kind == "school":
        schools = [org]
    else:
        schools = list(
            await session.scalars(
                select(Organisation)
                .where(Organisation.parent_id == org.id, Organisation.kind == "school")
                .order_by(Organisation.name)
            )
        )
    return Scope(
        org.id,
        org.name,
        org.kind,
        tuple(School(s.id, s.name, s.timezone) for s in schools),
        curator_view=is_admin or (org.kind == "school" and org.id in curated),
    )


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


async def load_programmes(session: AsyncSession, scope: Scope) -> dict[int, ProgrammeInfo]:
    rows = await session.scalars(
        select(Programme)
        .where(Programme.organisation_id.in_(scope.school_ids))
        .order_by(Programme.organisation_id, Programme.id)
    )
    return {
        p.id: ProgrammeInfo(
            p.id, p.organisation_id, p.name, p.form_key, p.period_start, p.period_end, p.stage
        )
        for p in rows
    }


async def load_people(
    session: AsyncSession,
    scope: Scope,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
    *,
    viewer_user_id: int | None = None,
    programme_ids: Iterable[int] | None = None,
) -> People:
    """Mentors and mentees of the scope's programmes with their pairs, meetings held,
    ratings, plan progress and entry → exit change: a fixed number of statements."""
    result = People(scope, viewer_user_id=viewer_user_id)
    result.programmes = await load_programmes(session, scope)
    if programme_ids is not None:
        wanted = set(programme_ids)
        result.programmes = {k: v for k, v in result.programmes.items() if k in wanted}
    ids = list(result.programmes)
    if not ids:
        return result
    timezones = {s.id: s.timezone for s in scope.schools}
    rows = await session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.programme_id.in_(ids),
            Membership.role.in_(("mentor", "mentee")),
            Membership.status != "registering",
        )
        .order_by(Membership.organisation_id, User.full_name, Membership.id)
    )
    for m, u in rows:
        result.people[m.id] = Person(
            m.id,
            u.id,
            m.organisation_id,
            m.programme_id,
            m.role,
            None if (m.status == "withdrawn" or u.anonymised_at is not None) else u.full_name,
            u.telegram_id,
            u.is_minor,
            dict(m.profile or {}),
            _local_date(m.created_at, timezones.get(m.organisation_id, "UTC")),
            m.status,
        )
    mentees: dict[int, list[int]] = defaultdict(list)
    for pair_id, mentee_id in await session.execute(
        select(PairMentee.pair_id, PairMentee.mentee_membership_id)
        .join(Pair, Pair.id == PairMentee.pair_id)
        .where(Pair.programme_id.in_(ids))
        .order_by(PairMentee.pair_id, PairMentee.mentee_membership_id)
    ):
        mentees[pair_id].append(mentee_id)
    for p in await session.scalars(
        select(Pair).where(Pair.programme_id.in_(ids), Pair.status != "proposed").order_by(Pair.id)
    ):
        result.pairs.append(
            PairInfo(
                p.id,
                p.organisation_id,
                p.programme_id,
                p.mentor_membership_id,
                tuple(mentees.get(p.id, ())),
                p.status,
            )
        )
    pair_ids = [p.id for p in result.pairs]
    if pair_ids:
        held = await session.execute(
            select(Meeting.pair_id, func.count(Meeting.id))
            .where(Meeting.pair_id.in_(pair_ids), Meeting.status == "held")
            .group_by(Meeting.pair_id)
        )
        result.held = {pair_id: int(n) for pair_id, n in held}
        ratings = await session.execute(
            select(
                MeetingAttendance.mentee_membership_id,
                func.count(),
                func.count(MeetingAttendance.rating),
                func.coalesce(func.sum(MeetingAttendance.rating), 0),
            )
            .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
            .where(
                Meeting.pair_id.in_(pair_ids),
                Meeting.status == "held",
                MeetingAttendance.present.is_(True),
            )
            .group_by(MeetingAttendance.mentee_membership_id)
        )
        for mentee_id, attended, rated, total in ratings:
            result.attended[mentee_id] = int(attended)
            result.ratings[mentee_id] = (int(rated), int(total or 0))
        plan = await session.execute(
            select(
                PlanItem.mentee_membership_id,
                func.count(case((PlanItem.status == "done", 1))),
                func.count(PlanItem.id),
            )
            .where(PlanItem.pair_id.in_(pair_ids), PlanItem.status != "dropped")
            .group_by(PlanItem.mentee_membership_id)
        )
        result.plan = {m: (int(done), int(total)) for m, done, total in plan}
    growth = await survey_growth(session, result.programmes, questionnaires, catalog)
    result.growth, result.satisfaction = growth
    return result


def mean_rating(people: People, mentee_ids: Iterable[int]) -> float | None:
    rated = total = 0
    for mentee_id in mentee_ids:
        n, s = people.ratings.get(mentee_id, (0, 0))
        rated += n
        total += s
    return round(total / rated, 2) if rated else None


# --- questionnaires --------------------------------------------------------------------


def _items(
    questionnaires: QuestionnaireCatalog, catalog: Catalog, form_key: str
) -> tuple[dict[str, list[Item]], dict[str, Item]]:
    """The scale items compared entry → exit per role, and every item of the index."""
    form = catalog.form(form_key)
    form_keys = (form_key, form.base_key) if form else (form_key,)
    items: dict[str, list[Item]] = {}
    index_items: dict[str, Item] = {}
    for role in ("mentee", "mentor"):
        q = questionnaires.find("participant", role, "exit") or questionnaires.find(
            "participant", role, "entry"
        )
        if q is not None:
            items[role] = list(q.items_for(form_keys))
        for kind in ("entry", "exit"):
            qk = questionnaires.find("participant", role, kind)
            if qk is not None:
                index_items.update({i.key: i for i in qk.items})
    return items, index_items


@dataclass
class _Waves:
    waves: list[SurveyWave]
    responses: list[tuple[SurveyResponse, str | None, bool]]  # response, name, anonymised
    answers: dict[int, list[SurveyAnswer]]  # response id -> answers


async def _load_waves(session: AsyncSession, programme_ids: list[int]) -> _Waves:
    waves = list(
        await session.scalars(
            select(SurveyWave)
            .where(SurveyWave.programme_id.in_(programme_ids))
            .order_by(SurveyWave.programme_id, SurveyWave.created_at, SurveyWave.id)
        )
    )
    if not waves:
        return _Waves([], [], {})
    wave_ids = [w.id for w in waves]
    responses = [
        (r, name, anonymised is not None)
        for r, name, anonymised in await session.execute(
            select(SurveyResponse, User.full_name, User.anonymised_at)
            .join(User, User.id == SurveyResponse.user_id)
            .where(SurveyResponse.wave_id.in_(wave_ids))
            .order_by(SurveyResponse.id)
        )
    ]
    answers: dict[int, list[SurveyAnswer]] = defaultdict(list)
    for a in await session.scalars(
        select(SurveyAnswer)
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(
            SurveyResponse.wave_id.in_(wave_ids),
            SurveyResponse.submitted_at.is_not(None),
        )
        .order_by(SurveyAnswer.response_id, SurveyAnswer.id)
    ):
        answers[a.response_id].append(a)
    return _Waves(waves, responses, answers)


def _latest(waves: Sequence[SurveyWave], programme_id: int, kind: str) -> SurveyWave | None:
    return next(
        (
            w
            for w in reversed(waves)
            if w.programme_id == programme_id
            and w.kind == kind
            and w.questionnaire_key == "participant"
        ),
        None,
    )


def _scales(data: _Waves, wave: SurveyWave | None) -> dict[Key, dict[str, int]]:
    if wave is None:
        return {}
    return {
        (r.user_id, r.role): {
            a.item_key: a.number for a in data.answers.get(r.id, []) if a.number is not None
        }
        for r, _, _ in data.responses
        if r.wave_id == wave.id and r.submitted_at is not None
    }


async def survey_growth(
    session: AsyncSession,
    programmes: dict[int, ProgrammeInfo],
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
) -> tuple[dict[tuple[int, str, int], float], dict[tuple[int, str, int], int]]:
    """Per person and programme: the mean entry → exit change over the scale items both
    answered (bot/services/survey_results.compare), and their own 0–100 satisfaction at
    exit (satisfaction_index over their exit answers)."""
    growth: dict[tuple[int, str, int], float] = {}
    satisfaction: dict[tuple[int, str, int], int] = {}
    data = await _load_waves(session, list(programmes))
    for programme in programmes.values():
        entry_wave = _latest(data.waves, programme.id, "entry")
        exit_wave = _latest(data.waves, programme.id, "exit")
        if exit_wave is None:
            continue
        items, index_items = _items(questionnaires, catalog, programme.form_key)
        entry, exit_ = _scales(data, entry_wave), _scales(data, exit_wave)
        _, people = compare(entry, exit_, items, {}, lambda item: item.key)
        changes: dict[Key, list[int]] = defaultdict(list)
        for p in people:
            if p.change is not None:
                changes[(p.user_id, p.role)].append(p.change)
        for (user_id, role), values in changes.items():
            growth[(user_id, role, programme.id)] = round(sum(values) / len(values), 2)
        for (user_id, role), answers in exit_.items():
            index = satisfaction_index([answers], index_items)
            if index is not None:
                satisfaction[(user_id, role, programme.id)] = index
    return growth, satisfaction


@dataclass(frozen=True, slots=True)
class ProgrammeSurvey:
    school: str
    programme: str
    results: ProgrammeResults


def _raw_value(item: Item | None, answer: SurveyAnswer, locale: str) -> str:
    if answer.number is not None:
        return str(answer.number)
    if item is not None and item.type in ("single", "multi"):
        keys = (answer.text or "").split(",")
        return ", ".join(o.label(locale) for o in item.options if o.key in keys)
    return answer.text or ""


async def load_surveys(
    session: AsyncSession,
    scope: Scope,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
    locale: str,
    now: datetime,
    *,
    viewer_user_id: int | None = None,
) -> list[ProgrammeSurvey]:
    """Each programme's results as `SurveyService.results` builds them for one programme
    (raw answers per wave, entry → exit per item and per person, completion, the index),
    for every programme of the scope at once. A withdrawn person's answers stay unnamed;
    a viewer who mentors in a programme reads nothing their own mentees said by name (no
    row of theirs among the raw answers or the people), and their `about_mentor` answers
    stay out of the means too."""
    programmes = await load_programmes(session, scope)
    if not programmes:
        return []
    school_names = {s.id: s.name for s in scope.schools}
    timezones = {s.id: s.timezone for s in scope.schools}
    data = await _load_waves(session, list(programmes))
    own_mentees: set[tuple[int, int]] = set()  # (programme id, mentee user id)
    if viewer_user_id is not None:
        mentor = Membership.__table__.alias("mentor_of_pair")
        mentee = Membership.__table__.alias("mentee")
        rows = await session.execute(
            select(Pair.programme_id, mentee.c.user_id)
            .join(PairMentee, PairMentee.pair_id == Pair.id)
            .join(mentee, mentee.c.id == PairMentee.mentee_membership_id)
            .join(mentor, and_(mentor.c.id == Pair.mentor_membership_id))
            .where(Pair.programme_id.in_(list(programmes)), mentor.c.user_id == viewer_user_id)
        )
        own_mentees = {(p, u) for p, u in rows}
    out: list[ProgrammeSurvey] = []
    for programme in programmes.values():
        result = ProgrammeResults(programme=programme.name)
        waves = [w for w in data.waves if w.programme_id == programme.id]
        names: dict[int, str] = {}
        hidden: dict[int, set[str]] = {}
        for wave in waves:
            responses = [r for r in data.responses if r[0].wave_id == wave.id]
            submitted = [r for r in responses if r[0].submitted_at is not None]
            result.completion.append(
                Completion(
                    wave.kind, wave.deadline, len(responses), len(submitted), now > wave.deadline
                )
            )
            for response, name, anonymised in submitted:
                shown = "—" if anonymised or not name else name
                names[response.user_id] = shown
                questionnaire = questionnaires.get(response.questionnaire)
                mine = (programme.id, response.user_id) in own_mentees
                for answer in data.answers.get(response.id, []):
                    item = questionnaire.item(answer.item_key) if questionnaire else None
                    if mine and item is not None and item.about_mentor:
                        hidden.setdefault(response.user_id, set()).add(answer.item_key)
                    if mine:
                        continue  # nothing the viewer's own mentees said, by name
                    result.raw.append(
                        RawAnswer(
                            wave.kind,
                            shown,
                            response.role,
                            answer.item_key,
                            item.text(locale) if item else answer.item_key,
                            _raw_value(item, answer, locale),
                            school_time(
                                response.submitted_at,
                                timezones.get(programme.school_id, "UTC"),
                            ),
                            yes_no=item is not None and item.type == "yes_no",
                        )
                    )
        items, index_items = _items(questionnaires, catalog, programme.form_key)
        entry = _scales(data, _latest(waves, programme.id, "entry"))
        exit_ = _scales(data, _latest(waves, programme.id, "exit"))
        for answers in (entry, exit_):
            for (user_id, _role), values in answers.items():
                for key in hidden.get(user_id, ()):
                    values.pop(key, None)
        result.items, people = compare(
            entry, exit_, items, names, lambda i: i.text(locale), lambda i: i.short(locale)
        )
        result.people = [
            p for p in people if not _anonymous(p) and (programme.id, p.user_id) not in own_mentees
        ]
        result.index_entry = satisfaction_index(entry.values(), index_items)
        result.index_exit = satisfaction_index(exit_.values(), index_items)
        out.append(
            ProgrammeSurvey(school_names.get(programme.school_id, ""), programme.name, result)
        )
    return out


def _anonymous(p: PersonChange) -> bool:
    """A withdrawn person counts in the item means, not as a row of their own."""
    return p.name == "—"


# --- the meetings log ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    mentee_membership_id: int
    present: bool
    confirmed: bool | None
    disputed: bool
    rating: int | None
    comment: str | None


@dataclass(frozen=True, slots=True)
class MeetingRow:
    id: int
    pair: PairInfo
    kind: str
    status: str
    day: date
    starts_at: datetime | None  # local time of the school
    duration_min: int | None
    format: str
    topic: str | None
    outcome: str | None
    attendance: tuple[AttendanceRow, ...]


async def load_meetings(
    session: AsyncSession,
    scope: Scope,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
    *,
    viewer_user_id: int | None = None,
) -> tuple[People, list[MeetingRow]]:
    """Every planned, held or cancelled meeting of the scope's pairs, in date order, with
    each mentee's answers (ratings and comments hidden from the pair's own mentor)."""
    people = await load_people(
        session, scope, questionnaires, catalog, viewer_user_id=viewer_user_id
    )
    pairs = {p.id: p for p in people.pairs}
    if not pairs:
        return people, []
    timezones = {s.id: s.timezone for s in scope.schools}
    meetings = list(
        await session.scalars(
            select(Meeting)
            .where(Meeting.pair_id.in_(list(pairs)))
            .order_by(Meeting.day, Meeting.starts_at, Meeting.id)
        )
    )
    attendance: dict[int, list[AttendanceRow]] = defaultdict(list)
    for a in await session.scalars(
        select(MeetingAttendance)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(Meeting.pair_id.in_(list(pairs)))
        .order_by(MeetingAttendance.meeting_id, MeetingAttendance.mentee_membership_id)
    ):
        person = people.people.get(a.mentee_membership_id)
        withdrawn = person is None or person.withdrawn
        attendance[a.meeting_id].append(
            AttendanceRow(
                a.mentee_membership_id,
                a.present,
                a.confirmed,
                a.disputed,
                a.rating,
                # The comment is for the school's curator: not for a coordinator.
                None if withdrawn or not scope.curator_view else a.comment,
            )
        )
    rows = []
    for m in meetings:
        pair = pairs[m.pair_id]
        marks = tuple(attendance.get(m.id, ()))
        if people.hides_ratings_of(pair):
            marks = tuple(
                AttendanceRow(
                    a.mentee_membership_id, a.present, a.confirmed, a.disputed, None, None
                )
                for a in marks
            )
        starts = m.starts_at
        if starts is not None:
            zone = ZoneInfo(timezones.get(pair.school_id, "UTC"))
            starts = (
                starts if starts.tzinfo else starts.replace(tzinfo=ZoneInfo("UTC"))
            ).astimezone(zone)
        rows.append(
            MeetingRow(
                m.id,
                pair,
                m.kind,
                m.status,
                m.day,
                starts,
                m.duration_min,
                m.format,
                m.topic,
                m.outcome,
                marks,
            )
        )
    return people, rows


# --- asking for a report -------------------------------------------------------------------

REPORT_KIND = "report"
REPORT_TTL = timedelta(days=1)


class ReportService:
    """`/report`: what a person may ask for, and one tap that queues the file (built and
    sent by the "report" notification; a second tap in the same minute queues nothing)."""

    def __init__(
        self, session: AsyncSession, access: AccessService, outbox: Outbox, clock: Clock
    ) -> None:
        self.session = session
        self.access = access
        self.outbox = outbox
        self.clock = clock

    async def targets(self, actor: Actor) -> list[Target]:
        return await report_targets(self.session, actor.user_id, actor.is_admin)

    async def target(self, actor: Actor, organisation_id: int) -> Target:
        scope = await report_scope(self.session, actor.user_id, actor.is_admin, organisation_id)
        if scope is None:
            raise await self.access.deny(
                actor, "report.view", target_organisation_id=organisation_id
            )
        return Target(scope.organisation_id, scope.name, scope.kind)

    async def request(
        self, actor: Actor, organisation_id: int, key: str, known: Collection[str]
    ) -> bool:
        """Queue the report for the person; False when this very request was queued in the
        last minute. A key not offered, or an organisation not theirs, is refused."""
        if key not in known:
            raise InvalidInput("report-unknown")
        target = await self.target(actor, organisation_id)
        minute = self.clock.now().strftime("%Y-%m-%dT%H:%M")
        queued = await self.outbox.enqueue(
            kind=REPORT_KIND,
            subject=f"report:{key}:{target.id}",
            period=minute,
            recipient_user_id=actor.user_id,
            # Asked for now: quiet hours do not hold it back.
            args={"report": key, "organisation_id": target.id, ASKED: True},
            # Asked for now: a file that could not go out within a day is not sent late.
            expires_at=self.clock.now() + REPORT_TTL,
        )
        if queued:
            await self.access.audit.record(
                actor.user_id, "report.request", organisation_id=target.id, report=key
            )
        return queued
