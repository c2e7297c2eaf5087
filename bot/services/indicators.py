"""The municipal indicators of mentoring (DESIGN.md «Reporting»; seed 001, Кызыл), per
school and in total, for one school year: who is involved, pairs by form, mentors by
category, meetings held, satisfaction and entry → exit change.

Who counts as what — from what the bot stores, nothing guessed:

* *Involved* means in a pair or group that started work (`pair.activated_at` is set) in a
  programme of the school year (its period overlaps 1 September … 31 August). A mentor
  replaced during the year was involved too (`pair_mentor_term`). Withdrawn, anonymised
  people keep their rows and count here: aggregates only, never a name.
* *Students aged 10–18 as mentees*: mentees of a programme whose form's mentees are school
  students (`mentee_kind = "student"`); the bot takes students from 10 years old and a
  school student is at most 18, so the form says it (no birth date is stored).
* *Students as mentors*: mentors in the category «обучающийся» (`mentor.student`); a mentor
  without a category counts by the form (`mentor_kind = "student"`).
* *Young teachers as mentees*: the bot knows «до 35 лет, стаж до 3 лет» only from the
  mentee category «молодой специалист» (`teacher.young_specialist`) that the teacher chose
  or the curator set; age is not stored and the years of experience alone do not prove it.
* *Teachers as mentors*: mentors in the category «педагог или специалист» (`mentor.teacher`;
  without a category, by the form's `mentor_kind = "teacher"`). Veterans of teaching are
  mentors by their own category and are not counted among the school's teachers.
* A share is count / headcount × 100. Without the school's headcount (or with 0) it is
  None, and the texts say «нет численности»; the total's share needs every school's.
* *Meetings held*: status «held» and no mentee said it did not happen (disputed).
* *Satisfaction* 0–100 is `survey_results.satisfaction_index` over the submitted responses
  of each programme's latest exit wave (while there is none yet, its latest intermediate
  wave). *Entry → exit change* is, per scale item and role, the exit mean minus the entry
  mean (`survey_results.compare` over the latest entry and exit waves), averaged over the
  items: points on the items' scale (1–10).

A fixed number of grouped statements whatever the number of schools, pairs or answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import Catalog
from bot.services.questionnaires import Item, QuestionnaireCatalog
from bot.services.survey_results import ItemComparison, Key, compare, satisfaction_index
from bot.storage.models import (
    Headcount,
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairMentee,
    PairMentorTerm,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
)

YOUNG_TEACHER = "teacher.young_specialist"
STUDENT_MENTOR = "mentor.student"
TEACHER_MENTOR = "mentor.teacher"
NO_CATEGORY = ""  # mentors_by_category key of a mentor without a category
PARTICIPANT_SET = "participant"


def school_year_of(day: date) -> int:
    """The year the school year of `day` starts (1 September): 2026 = 2026/27."""
    return day.year if day.month >= 9 else day.year - 1


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


@dataclass(frozen=True, slots=True)
class Share:
    count: int
    base: int | None  # the headcount; None = not entered

    @property
    def percent(self) -> float | None:
        if not self.base:
            return None
        return round(100 * self.count / self.base, 1)


@dataclass(frozen=True, slots=True)
class Headcounts:
    students_10_18: int | None
    teachers: int | None
    young_teachers: int | None

    @property
    def complete(self) -> bool:
        return None not in (self.students_10_18, self.teachers, self.young_teachers)


@dataclass(slots=True)
class SchoolIndicators:
    organisation_id: int  # 0 for the total
    name: str
    headcounts: Headcounts | None
    student_mentees: Share
    student_mentors: Share
    young_teacher_mentees: Share
    teacher_mentors: Share
    mentees: int = 0  # everyone involved as a mentee (any form, any category)
    mentors: int = 0  # everyone involved as a mentor
    pairs_by_form: dict[str, int] = field(default_factory=dict)  # form key → pairs/groups
    mentors_by_category: dict[str, int] = field(default_factory=dict)  # category key → people
    meetings_held: int = 0
    satisfaction: int | None = None  # 0–100
    change: float | None = None  # entry → exit, points on the items' scale
    responses: int = 0  # submitted questionnaires behind the satisfaction index

    @property
    def pairs(self) -> int:
        return sum(self.pairs_by_form.values())


@dataclass(slots=True)
class Indicators:
    year: int
    schools: list[SchoolIndicators]
    total: SchoolIndicators

    @property
    def missing_headcounts(self) -> list[SchoolIndicators]:
        return [s for s in self.schools if s.headcounts is None or not s.headcounts.complete]


@dataclass
class _Tally:
    student_mentees: set[int] = field(default_factory=set)
    student_mentors: set[int] = field(default_factory=set)
    young_teacher_mentees: set[int] = field(default_factory=set)
    teacher_mentors: set[int] = field(default_factory=set)
    mentees: set[int] = field(default_factory=set)
    mentors_all: set[int] = field(default_factory=set)
    pairs: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    mentors: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    meetings: int = 0
    satisfaction: list[dict[str, int]] = field(default_factory=list)
    entry: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    exit: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))


async def municipality_schools(
    session: AsyncSession, municipality_id: int
) -> list[tuple[int, str]]:
    """(id, name) of the municipality's schools, by name."""
    rows = await session.execute(
        select(Organisation.id, Organisation.name)
        .where(Organisation.parent_id == municipality_id, Organisation.kind == "school")
        .order_by(Organisation.name, Organisation.id)
    )
    return [(int(i), str(n)) for i, n in rows]


async def for_municipality(
    session: AsyncSession,
    municipality_id: int,
    year: int,
    catalog: Catalog,
    questionnaires: QuestionnaireCatalog,
) -> Indicators:
    """Every school of the municipality and the total (the coordinator's digest, the
    municipal monitoring report)."""
    schools = await municipality_schools(session, municipality_id)
    return await for_schools(session, schools, year, catalog, questionnaires)


async def for_school(
    session: AsyncSession,
    school_id: int,
    year: int,
    catalog: Catalog,
    questionnaires: QuestionnaireCatalog,
) -> Indicators:
    """One school (a curator's monitoring report)."""
    name = await session.scalar(select(Organisation.name).where(Organisation.id == school_id))
    schools = [(school_id, str(name))] if name is not None else []
    return await for_schools(session, schools, year, catalog, questionnaires)


async def for_schools(
    session: AsyncSession,
    schools: Sequence[tuple[int, str]],
    year: int,
    catalog: Catalog,
    questionnaires: QuestionnaireCatalog,
) -> Indicators:
    """The indicators of these schools (id, name) for the school year starting in `year`."""
    ids = [school_id for school_id, _ in schools]
    tallies: dict[int, _Tally] = {school_id: _Tally() for school_id in ids}
    counts: dict[int, Headcounts] = {}
    if ids:
        counts = await _headcounts(session, ids, year)
        programmes = await _programmes(session, ids, year)
        if programmes:
            await _participants(session, tallies, programmes, catalog)
            await _meetings(session, tallies, programmes, year)
            await _questionnaires(
                session, tallies, programmes, catalog, questionnaires, index_items(questionnaires)
            )
    index = index_items(questionnaires)
    rows = [
        _school(school_id, name, counts.get(school_id), tallies[school_id], index)
        for school_id, name in schools
    ]
    return Indicators(year=year, schools=rows, total=_total(rows, tallies.values(), index))


# --- the statements -----------------------------------------------------------------------


async def _headcounts(session: AsyncSession, ids: list[int], year: int) -> dict[int, Headcounts]:
    rows = await session.execute(
        select(
            Headcount.organisation_id,
            Headcount.students_10_18,
            Headcount.teachers,
            Headcount.young_teachers,
        ).where(Headcount.organisation_id.in_(ids), Headcount.year == year)
    )
    return {org: Headcounts(s, t, y) for org, s, t, y in rows}


async def _programmes(
    session: AsyncSession, ids: list[int], year: int
) -> dict[int, tuple[int, str]]:
    """programme id → (school id, form key) of the programmes running in the school year."""
    start, end = school_year_bounds(year)
    rows = await session.execute(
        select(Programme.id, Programme.organisation_id, Programme.form_key).where(
            Programme.organisation_id.in_(ids),
            Programme.period_start <= end,
            Programme.period_end >= start,
        )
    )
    return {pid: (org, form) for pid, org, form in rows}


async def _participants(
    session: AsyncSession,
    tallies: dict[int, _Tally],
    programmes: dict[int, tuple[int, str]],
    catalog: Catalog,
) -> None:
    started = and_(Pair.programme_id.in_(list(programmes)), Pair.activated_at.is_not(None))
    mentees = await session.execute(
        select(Pair.programme_id, Membership.user_id, Membership.profile)
        .join(PairMentee, PairMentee.pair_id == Pair.id)
        .join(Membership, Membership.id == PairMentee.mentee_membership_id)
        .where(started)
    )
    for programme_id, user_id, profile in mentees:
        school, form_key = programmes[programme_id]
        form = catalog.form(form_key)
        tally = tallies[school]
        tally.mentees.add(user_id)
        if form is not None and form.mentee_kind == "student":
            tally.student_mentees.add(user_id)
        elif (profile or {}).get("category") == YOUNG_TEACHER:
            tally.young_teacher_mentees.add(user_id)
    current = select(
        Pair.id.label("pair_id"),
        Pair.programme_id.label("programme_id"),
        Pair.mentor_membership_id.label("membership_id"),
    ).where(started)
    earlier = (
        select(
            Pair.id.label("pair_id"),
            Pair.programme_id.label("programme_id"),
            PairMentorTerm.mentor_membership_id.label("membership_id"),
        )
        .join(PairMentorTerm, PairMentorTerm.pair_id == Pair.id)
        .where(started)
    )
    both = current.union(earlier).subquery()
    mentors = await session.execute(
        select(both.c.pair_id, both.c.programme_id, Membership.user_id, Membership.profile).join(
            Membership, Membership.id == both.c.membership_id
        )
    )
    for pair_id, programme_id, user_id, profile in mentors:
        school, form_key = programmes[programme_id]
        form = catalog.form(form_key)
        tally = tallies[school]
        tally.pairs[form_key].add(pair_id)
        tally.mentors_all.add(user_id)
        category = (profile or {}).get("category")
        tally.mentors[category or NO_CATEGORY].add(user_id)
        mentor_kind = form.mentor_kind if form is not None else None
        if category == STUDENT_MENTOR or (not category and mentor_kind == "student"):
            tally.student_mentors.add(user_id)
        elif category == TEACHER_MENTOR or (not category and mentor_kind == "teacher"):
            tally.teacher_mentors.add(user_id)


async def _meetings(
    session: AsyncSession,
    tallies: dict[int, _Tally],
    programmes: dict[int, tuple[int, str]],
    year: int,
) -> None:
    start, end = school_year_bounds(year)
    disputed = exists().where(
        MeetingAttendance.meeting_id == Meeting.id, MeetingAttendance.disputed.is_(True)
    )
    rows = await session.execute(
        select(Pair.programme_id, func.count(Meeting.id))
        .join(Pair, Pair.id == Meeting.pair_id)
        .where(
            Pair.programme_id.in_(list(programmes)),
            Meeting.status == "held",
            Meeting.day >= start,
            Meeting.day <= end,
            ~disputed,
        )
        .group_by(Pair.programme_id)
    )
    for programme_id, count in rows:
        tallies[programmes[programme_id][0]].meetings += int(count)


async def _questionnaires(
    session: AsyncSession,
    tallies: dict[int, _Tally],
    programmes: dict[int, tuple[int, str]],
    catalog: Catalog,
    questionnaires: QuestionnaireCatalog,
    index: dict[str, Item],
) -> None:
    waves = await session.execute(
        select(SurveyWave.id, SurveyWave.programme_id, SurveyWave.kind)
        .where(
            SurveyWave.programme_id.in_(list(programmes)),
            SurveyWave.questionnaire_key == PARTICIPANT_SET,
            SurveyWave.kind.in_(("entry", "intermediate", "exit")),
        )
        .order_by(SurveyWave.created_at, SurveyWave.id)
    )
    latest: dict[tuple[int, str], int] = {}
    for wave_id, programme_id, kind in waves:  # in order: the last one stays
        latest[(programme_id, kind)] = wave_id
    chosen: dict[int, tuple[int, str]] = {}  # wave id → (programme, entry | exit | rated)
    for programme_id in {p for p, _ in latest}:
        if (programme_id, "entry") in latest:
            chosen[latest[(programme_id, "entry")]] = (programme_id, "entry")
        rated = latest.get((programme_id, "exit")) or latest.get((programme_id, "intermediate"))
        if rated is not None:
            kind = "exit" if (programme_id, "exit") in latest else "intermediate"
            chosen[rated] = (programme_id, kind)
    if not chosen:
        return
    rows = await session.execute(
        select(SurveyResponse.wave_id, SurveyResponse.user_id, SurveyResponse.role)
        .add_columns(SurveyAnswer.item_key, SurveyAnswer.number)
        .join(SurveyAnswer, SurveyAnswer.response_id == SurveyResponse.id)
        .where(
            SurveyResponse.wave_id.in_(list(chosen)),
            SurveyResponse.submitted_at.is_not(None),
            SurveyAnswer.number.is_not(None),
        )
    )
    answers: dict[int, dict[Key, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for wave_id, user_id, role, item_key, number in rows:
        answers[wave_id][(user_id, role)][item_key] = int(number)
    by_programme: dict[int, dict[str, dict[Key, dict[str, int]]]] = defaultdict(dict)
    for wave_id, (programme_id, kind) in chosen.items():
        by_programme[programme_id][kind] = answers.get(wave_id, {})
        if kind != "entry":
            tally = tallies[programmes[programme_id][0]]
            for response in answers.get(wave_id, {}).values():
                # One dict per response; only index items count (satisfaction_index decides).
                if any(k in index for k in response):
                    tally.satisfaction.append(response)
    for programme_id, waves_of in by_programme.items():
        if "entry" not in waves_of or "exit" not in waves_of:
            continue
        school, form_key = programmes[programme_id]
        form = catalog.form(form_key)
        form_keys = (form_key, form.base_key) if form else (form_key,)
        items: dict[str, list[Item]] = {}
        for role in ("mentee", "mentor"):
            q = questionnaires.find(PARTICIPANT_SET, role, "exit") or questionnaires.find(
                PARTICIPANT_SET, role, "entry"
            )
            if q is not None:
                items[role] = list(q.items_for(form_keys))
        comparisons, _ = compare(waves_of["entry"], waves_of["exit"], items, {}, _key_of)
        tally = tallies[school]
        for c in comparisons:
            tally.entry[(c.role, c.key)].extend(c.entry)
            tally.exit[(c.role, c.key)].extend(c.exit)


def _key_of(item: Item) -> str:
    return item.key


def index_items(questionnaires: QuestionnaireCatalog) -> dict[str, Item]:
    """The items of the satisfaction index, as SurveyService._index takes them (mentor and
    mentee questionnaires of the exit and intermediate waves share their keys and scales)."""
    items: dict[str, Item] = {}
    for kind in ("intermediate", "exit"):
        for role in ("mentee", "mentor"):
            q = questionnaires.find(PARTICIPANT_SET, role, kind)
            if q is not None:
                items.update({i.key: i for i in q.items})
    return items


# --- from tallies to indicators -------------------------------------------------------------


def _change(
    entry: dict[tuple[str, str], list[int]], exit_: dict[tuple[str, str], list[int]]
) -> float | None:
    changes: list[float] = []
    for role, key in sorted(set(entry) & set(exit_)):
        item = ItemComparison(role, key, "", 10, tuple(entry[role, key]), tuple(exit_[role, key]))
        if item.change is not None:
            changes.append(item.change)
    return round(sum(changes) / len(changes), 2) if changes else None


def _school(
    school_id: int, name: str, counts: Headcounts | None, tally: _Tally, index: dict[str, Item]
) -> SchoolIndicators:
    c = counts or Headcounts(None, None, None)
    return SchoolIndicators(
        organisation_id=school_id,
        name=name,
        headcounts=counts,
        student_mentees=Share(len(tally.student_mentees), c.students_10_18),
        student_mentors=Share(len(tally.student_mentors), c.students_10_18),
        young_teacher_mentees=Share(len(tally.young_teacher_mentees), c.young_teachers),
        teacher_mentors=Share(len(tally.teacher_mentors), c.teachers),
        mentees=len(tally.mentees),
        mentors=len(tally.mentors_all),
        pairs_by_form={k: len(v) for k, v in sorted(tally.pairs.items())},
        mentors_by_category={k: len(v) for k, v in sorted(tally.mentors.items())},
        meetings_held=tally.meetings,
        satisfaction=satisfaction_index(tally.satisfaction, index),
        change=_change(tally.entry, tally.exit),
        responses=len(tally.satisfaction),
    )


def _sum_base(values: Iterable[int | None]) -> int | None:
    """The total's headcount: only when every school has one (else the share is unknown)."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _sum_counts(rows: list[SchoolIndicators], attr: str) -> Share:
    shares: list[Share] = [getattr(r, attr) for r in rows]
    return Share(sum(s.count for s in shares), _sum_base(s.base for s in shares) if rows else None)


def _merge(dicts: Iterable[dict[str, int]]) -> dict[str, int]:
    merged: dict[str, int] = defaultdict(int)
    for d in dicts:
        for k, v in d.items():
            merged[k] += v
    return dict(sorted(merged.items()))


def _total(
    rows: list[SchoolIndicators], tallies: Iterable[_Tally], index: dict[str, Item]
) -> SchoolIndicators:
    """Counts add up school by school (a person in two schools counts in each, as the
    headcounts do); the index and the change are over every answer, not a mean of means."""
    all_tallies = list(tallies)
    satisfaction: list[dict[str, int]] = [r for t in all_tallies for r in t.satisfaction]
    entry: dict[tuple[str, str], list[int]] = defaultdict(list)
    exit_: dict[tuple[str, str], list[int]] = defaultdict(list)
    for t in all_tallies:
        for key, values in t.entry.items():
            entry[key].extend(values)
        for key, values in t.exit.items():
            exit_[key].extend(values)
    complete = [r.headcounts for r in rows]
    counts = (
        Headcounts(
            _sum_base(c.students_10_18 if c else None for c in complete),
            _sum_base(c.teachers if c else None for c in complete),
            _sum_base(c.young_teachers if c else None for c in complete),
        )
        if rows
        else None
    )
    return SchoolIndicators(
        organisation_id=0,
        name="",
        headcounts=counts,
        student_mentees=_sum_counts(rows, "student_mentees"),
        student_mentors=_sum_counts(rows, "student_mentors"),
        young_teacher_mentees=_sum_counts(rows, "young_teacher_mentees"),
        teacher_mentors=_sum_counts(rows, "teacher_mentors"),
        mentees=sum(r.mentees for r in rows),
        mentors=sum(r.mentors for r in rows),
        pairs_by_form=_merge(r.pairs_by_form for r in rows),
        mentors_by_category=_merge(r.mentors_by_category for r in rows),
        meetings_held=sum(r.meetings_held for r in rows),
        satisfaction=satisfaction_index(satisfaction, index),
        change=_change(entry, exit_),
        responses=len(satisfaction),
    )


def as_dict(row: SchoolIndicators) -> dict[str, Any]:
    """For logs and tests: the figures of one row."""
    return {
        "student_mentees": (row.student_mentees.count, row.student_mentees.percent),
        "student_mentors": (row.student_mentors.count, row.student_mentors.percent),
        "young_teacher_mentees": (
            row.young_teacher_mentees.count,
            row.young_teacher_mentees.percent,
        ),
        "teacher_mentors": (row.teacher_mentors.count, row.teacher_mentors.percent),
        "pairs_by_form": row.pairs_by_form,
        "mentors_by_category": row.mentors_by_category,
        "meetings_held": row.meetings_held,
        "satisfaction": row.satisfaction,
        "change": row.change,
    }
