"""The questionnaire results of every programme of a scope at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import Catalog
from bot.services.questionnaires import Item, QuestionnaireCatalog
from bot.services.reports.model import ProgrammeInfo
from bot.services.reports.people import load_programmes
from bot.services.reports.scope import Scope
from bot.services.reports.waves import _items, _latest, _load_waves, _scales, _Waves
from bot.services.survey_results import (
    Completion,
    PersonChange,
    ProgrammeResults,
    RawAnswer,
    compare,
    satisfaction_index,
    school_time,
)
from bot.storage.models import (
    Membership,
    Pair,
    PairMentee,
    SurveyAnswer,
)


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
        own_mentees = await _own_mentees(session, list(programmes), viewer_user_id)
    out: list[ProgrammeSurvey] = []
    for programme in programmes.values():
        result = _results(
            data,
            programme,
            questionnaires,
            catalog,
            locale,
            now,
            own_mentees,
            timezones.get(programme.school_id, "UTC"),
        )
        out.append(
            ProgrammeSurvey(school_names.get(programme.school_id, ""), programme.name, result)
        )
    return out


async def _own_mentees(
    session: AsyncSession, programme_ids: list[int], viewer_user_id: int
) -> set[tuple[int, int]]:
    """(programme id, mentee user id) of the pairs the viewer mentors."""
    mentor = Membership.__table__.alias("mentor_of_pair")
    mentee = Membership.__table__.alias("mentee")
    rows = await session.execute(
        select(Pair.programme_id, mentee.c.user_id)
        .join(PairMentee, PairMentee.pair_id == Pair.id)
        .join(mentee, mentee.c.id == PairMentee.mentee_membership_id)
        .join(mentor, and_(mentor.c.id == Pair.mentor_membership_id))
        .where(Pair.programme_id.in_(programme_ids), mentor.c.user_id == viewer_user_id)
    )
    return {(p, u) for p, u in rows}


def _results(
    data: _Waves,
    programme: ProgrammeInfo,
    questionnaires: QuestionnaireCatalog,
    catalog: Catalog,
    locale: str,
    now: datetime,
    own_mentees: set[tuple[int, int]],
    timezone: str,
) -> ProgrammeResults:
    """One programme's results: completion and raw answers per wave, entry → exit."""
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
                        school_time(response.submitted_at, timezone),
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
    return result


def _anonymous(p: PersonChange) -> bool:
    """A withdrawn person counts in the item means, not as a row of their own."""
    return p.name == "—"
