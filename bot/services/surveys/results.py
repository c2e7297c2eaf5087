"""A programme's results: entry → exit, completion of every wave, the satisfaction index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from bot.services.access import Actor
from bot.services.questionnaires import (
    Item,
)
from bot.services.survey_results import (
    Completion,
    Key,
    ProgrammeResults,
    RawAnswer,
    compare,
    satisfaction_index,
    school_time,
)
from bot.services.surveys.base import (
    SurveyBase,
)
from bot.storage.models import (
    Membership,
    Pair,
    PairMentee,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)

#: A wave's scale answers: (user id, role) → item key → number.
WaveScales = dict[Key, dict[str, int]]


@dataclass(slots=True)
class _Loaded:
    """Every response of the programme (by wave) and every answer of the submitted ones
    (by response), and the mentees of the reader's own pairs."""

    own_mentees: set[int]
    responses_of: dict[int, list[tuple[SurveyResponse, str | None]]]
    answers_of: dict[int, dict[str, SurveyAnswer]]


class Results(SurveyBase):
    """A programme's results for its curators."""

    async def results(self, actor: Actor, programme_id: int, locale: str) -> ProgrammeResults:
        """Entry → exit for the programme (the latest entry and exit waves of the
        participants' questionnaires), completion of every wave, the satisfaction index.
        Curators only: what a mentee says never reaches their own mentor by name."""
        programme = await self.programme(actor, programme_id, "survey.results")
        form = self.catalog.form(programme.form_key)
        form_keys = (programme.form_key, form.base_key) if form else (programme.form_key,)
        waves = list(
            await self.session.scalars(
                select(SurveyWave)
                .where(SurveyWave.programme_id == programme.id)
                .order_by(SurveyWave.created_at, SurveyWave.id)
            )
        )
        result = ProgrammeResults(programme=programme.name)
        now = self.now()
        timezone = await self._timezone(programme.organisation_id)
        loaded = await self._load_results(actor, programme.id)
        names: dict[int, str] = {}
        per_wave: dict[int, WaveScales] = {}
        for wave in waves:
            per_wave[wave.id] = self._wave_results(
                wave, loaded, result, names, now, timezone, locale
            )
        self._compare_entry_exit(result, waves, per_wave, names, form_keys, locale)
        result.people = [p for p in result.people if p.user_id not in loaded.own_mentees]
        return result

    async def _load_results(self, actor: Actor, programme_id: int) -> _Loaded:
        # A curator who also mentors in this programme does not read, person by person,
        # anything their own mentees said (DESIGN.md: a recipient never gets by name what
        # the mentees of his own pairs said); their words about the mentor are left out of
        # the means as well, as in the reports (`load_surveys`).
        mentor_of_pair = aliased(Membership)
        own_mentees = set(
            await self.session.scalars(
                select(Membership.user_id)
                .join(PairMentee, PairMentee.mentee_membership_id == Membership.id)
                .join(Pair, Pair.id == PairMentee.pair_id)
                .join(mentor_of_pair, mentor_of_pair.id == Pair.mentor_membership_id)
                .where(Pair.programme_id == programme_id, mentor_of_pair.user_id == actor.user_id)
            )
        )
        # Every response of the programme and every answer of the submitted ones: two
        # queries however many people answered.
        responses_of: dict[int, list[tuple[SurveyResponse, str | None]]] = {}
        for response, name in await self.session.execute(
            select(SurveyResponse, User.full_name)
            .join(User, User.id == SurveyResponse.user_id)
            .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
            .where(SurveyWave.programme_id == programme_id)
            .order_by(SurveyResponse.id)
        ):
            responses_of.setdefault(response.wave_id, []).append((response, name))
        answers_of: dict[int, dict[str, SurveyAnswer]] = {}
        for answer in await self.session.scalars(
            select(SurveyAnswer)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
            .where(
                SurveyWave.programme_id == programme_id,
                SurveyResponse.submitted_at.is_not(None),
            )
            .order_by(SurveyAnswer.id)
        ):
            answers_of.setdefault(answer.response_id, {})[answer.item_key] = answer
        return _Loaded(own_mentees, responses_of, answers_of)

    def _wave_results(
        self,
        wave: SurveyWave,
        loaded: _Loaded,
        result: ProgrammeResults,
        names: dict[int, str],
        now: datetime,
        timezone: str,
        locale: str,
    ) -> WaveScales:
        """The wave's completion and raw answers (into `result`) and its scale answers."""
        responses = loaded.responses_of.get(wave.id, [])
        submitted = [(r, n) for r, n in responses if r.submitted_at is not None]
        result.completion.append(
            Completion(
                wave.kind, wave.deadline, len(responses), len(submitted), now > wave.deadline
            )
        )
        scales: WaveScales = {}
        for response, name in submitted:
            names[response.user_id] = name or "—"
            questionnaire = self.questionnaires.get(response.questionnaire)
            answers = loaded.answers_of.get(response.id, {})
            mine = response.user_id in loaded.own_mentees
            if mine and questionnaire is not None:
                # Their words about the mentor stay out of the means too.
                answers = {
                    k: a
                    for k, a in answers.items()
                    if not ((item := questionnaire.item(k)) and item.about_mentor)
                }
            scales[(response.user_id, response.role)] = {
                k: a.number for k, a in answers.items() if a.number is not None
            }
            if mine:
                continue  # nothing they said, by name
            for key, answer in answers.items():
                item = questionnaire.item(key) if questionnaire else None
                result.raw.append(
                    RawAnswer(
                        wave.kind,
                        name or "—",
                        response.role,
                        key,
                        item.text(locale) if item else key,
                        self._raw_value(item, answer, locale),
                        school_time(response.submitted_at, timezone),
                        yes_no=item is not None and item.type == "yes_no",
                    )
                )
        return scales

    def _compare_entry_exit(
        self,
        result: ProgrammeResults,
        waves: list[SurveyWave],
        per_wave: dict[int, WaveScales],
        names: dict[int, str],
        form_keys: tuple[str, ...],
        locale: str,
    ) -> None:
        """The latest entry and exit waves of the participants' questionnaires, item by
        item and person by person, and the satisfaction index of each."""
        entry = next(
            (
                w
                for w in reversed(waves)
                if w.kind == "entry" and w.questionnaire_key == "participant"
            ),
            None,
        )
        exit_ = next(
            (
                w
                for w in reversed(waves)
                if w.kind == "exit" and w.questionnaire_key == "participant"
            ),
            None,
        )
        items: dict[str, list[Item]] = {}
        for role in ("mentee", "mentor"):
            q = self.questionnaires.find("participant", role, "exit") or self.questionnaires.find(
                "participant", role, "entry"
            )
            if q is not None:
                items[role] = list(q.items_for(form_keys))
        entry_answers = per_wave.get(entry.id, {}) if entry else {}
        exit_answers = per_wave.get(exit_.id, {}) if exit_ else {}
        result.items, result.people = compare(
            entry_answers,
            exit_answers,
            items,
            names,
            lambda item: item.text(locale),
            lambda item: item.short(locale),
        )
        result.index_entry = self._index(entry_answers, "entry")
        result.index_exit = self._index(exit_answers, "exit")

    def _index(self, answers: dict[Key, dict[str, int]], kind: str) -> int | None:
        # Mentor and mentee questionnaires share the keys and scales of their index items.
        all_items: dict[str, Item] = {}
        for role in ("mentee", "mentor"):
            q = self.questionnaires.find("participant", role, kind)
            if q is not None:
                all_items.update({i.key: i for i in q.items})
        return satisfaction_index(answers.values(), all_items)

    @staticmethod
    def _raw_value(item: Item | None, answer: SurveyAnswer, locale: str) -> str:
        if answer.number is not None:
            return str(answer.number)
        if item is not None and item.type in ("single", "multi"):
            keys = (answer.text or "").split(",")
            return ", ".join(o.label(locale) for o in item.options if o.key in keys)
        return answer.text or ""
