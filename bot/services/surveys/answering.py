"""A respondent's answers: the open questionnaires, one item at a time, Submit."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import InvalidInput, NotFound
from bot.services.numbers import whole_number
from bot.services.open_surveys import open_count_of
from bot.services.questionnaires import (
    ANSWER_TEXT_MAX,
    NO,
    YES,
    Item,
    Questionnaire,
)
from bot.services.surveys.base import (
    OpenResponse,
    Screen,
    SurveyBase,
    _reachable,
    answer_value,
)
from bot.storage.models import (
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)


class Answering(SurveyBase):
    """A respondent's side: the questionnaires open to them and their answers."""

    async def open_count(self, user_id: int) -> int:
        """How many questionnaires wait for the person (the main menu's): read with the
        person at the update's start (bot.services.open_surveys), else one statement."""
        return await open_count_of(self.session, user_id, self.now())

    async def open_for(self, user_id: int) -> list[OpenResponse]:
        """The person's questionnaires still to answer, oldest deadline first."""
        rows = await self.session.execute(
            select(SurveyResponse, SurveyWave)
            .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
            .where(
                SurveyResponse.user_id == user_id,
                SurveyResponse.submitted_at.is_(None),
                SurveyWave.deadline >= self.now(),
                _reachable(SurveyResponse.role, SurveyResponse.user_id, SurveyWave.organisation_id),
            )
            .order_by(SurveyWave.deadline, SurveyResponse.id)
        )
        result = []
        for response, wave in rows:
            questionnaire = self.questionnaires.get(response.questionnaire)
            if questionnaire is None:
                continue
            timezone = await self._timezone(wave.organisation_id)
            result.append(
                OpenResponse(
                    response.id,
                    questionnaire,
                    wave.kind,
                    wave.deadline.astimezone(ZoneInfo(timezone)).date(),
                    response.started_at is not None,
                )
            )
        return result

    async def _own(self, user_id: int, response_id: int) -> tuple[SurveyResponse, SurveyWave]:
        response = await self.session.get(SurveyResponse, response_id)
        if response is None or response.user_id != user_id:
            raise NotFound()
        wave = await self.session.get(SurveyWave, response.wave_id)
        assert wave is not None
        return response, wave

    async def _items(self, wave: SurveyWave, questionnaire: Questionnaire) -> tuple[Item, ...]:
        programme = await self.session.get(Programme, wave.programme_id)
        keys: tuple[str, ...] = ()
        if programme is not None:
            form = self.catalog.form(programme.form_key)
            keys = (programme.form_key, form.base_key) if form else (programme.form_key,)
        return questionnaire.items_for(keys)

    async def _answers(self, response_id: int) -> dict[str, SurveyAnswer]:
        rows = await self.session.scalars(
            select(SurveyAnswer).where(SurveyAnswer.response_id == response_id)
        )
        return {a.item_key: a for a in rows}

    async def screen(self, user_id: int, response_id: int) -> Screen:
        response, wave = await self._own(user_id, response_id)
        questionnaire = self.questionnaires.get(response.questionnaire)
        if questionnaire is None:
            raise NotFound()
        all_items = await self._items(wave, questionnaire)
        stored = await self._answers(response.id)
        answers = {k: answer_value(a, questionnaire.item(k)) for k, a in stored.items()}
        shown = tuple(i for i in all_items if i.is_shown(answers))
        current = self._current(all_items, answers, response.position)
        user = await self.session.get(User, user_id)
        timezone = await self._timezone(wave.organisation_id)
        return Screen(
            response_id=response.id,
            questionnaire=questionnaire,
            items=shown,
            current=current,
            number=shown.index(current) + 1 if current is not None else len(shown),
            answers={k: v for k, v in answers.items() if any(i.key == k for i in shown)},
            minor=bool(user and user.is_minor),
            submitted=response.submitted_at is not None,
            closed=self.now() > wave.deadline,
            deadline_local=wave.deadline.astimezone(ZoneInfo(timezone)).date(),
            kind=wave.kind,
        )

    @staticmethod
    def _current(items: tuple[Item, ...], answers: dict[str, Any], position: int) -> Item | None:
        for item in items[position:]:
            if item.is_shown(answers):
                return item
        return None

    async def _editable(
        self, user_id: int, response_id: int, item_key: str | None
    ) -> tuple[SurveyResponse, tuple[Item, ...], dict[str, Any], Item | None]:
        response, wave = await self._own(user_id, response_id)
        if response.submitted_at is not None:
            raise InvalidInput("survey-submitted")
        if self.now() > wave.deadline:
            raise InvalidInput("survey-closed")
        questionnaire = self.questionnaires.get(response.questionnaire)
        if questionnaire is None:
            raise NotFound()
        items = await self._items(wave, questionnaire)
        stored = await self._answers(response.id)
        answers = {k: answer_value(a, questionnaire.item(k)) for k, a in stored.items()}
        current = self._current(items, answers, response.position)
        if item_key is not None and (current is None or current.key != item_key):
            raise InvalidInput("survey-stale")  # a button of an earlier screen
        if response.started_at is None:
            response.started_at = self.now()
        return response, items, answers, current

    def _advance(
        self,
        response: SurveyResponse,
        items: tuple[Item, ...],
        answers: dict[str, Any],
        current: Item,
    ) -> None:
        index = items.index(current)
        position = index + 1
        while position < len(items) and not items[position].is_shown(answers):
            position += 1
        response.position = position

    async def _store(
        self, response: SurveyResponse, item: Item, number: int | None, text: str | None
    ) -> None:
        answer = await self.session.scalar(
            select(SurveyAnswer).where(
                SurveyAnswer.response_id == response.id, SurveyAnswer.item_key == item.key
            )
        )
        if answer is None:
            answer = SurveyAnswer(response_id=response.id, item_key=item.key)
            self.session.add(answer)
        answer.number = number
        answer.text = text
        answer.answered_at = self.now()
        await self.session.flush()

    async def answer(self, user_id: int, response_id: int, item_key: str, raw: str) -> None:
        """The answer to the current item (a tapped value or typed text); then the next."""
        response, items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        number, text = clean_answer(current, raw)
        await self._store(response, current, number, text)
        answers[current.key] = number if number is not None else text
        self._advance(response, items, answers, current)

    async def toggle(self, user_id: int, response_id: int, item_key: str, option: str) -> None:
        """A multiple-choice option on or off; the person stays on the item."""
        response, _items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        if current.type != "multi" or current.option(option) is None:
            raise InvalidInput("survey-use-buttons")
        chosen = list(answers.get(current.key) or [])
        chosen = [k for k in chosen if k != option] if option in chosen else [*chosen, option]
        ordered = [o.key for o in current.options if o.key in chosen]
        if ordered:
            await self._store(response, current, None, ",".join(ordered))
        else:
            await self.session.execute(
                delete(SurveyAnswer).where(
                    SurveyAnswer.response_id == response.id,
                    SurveyAnswer.item_key == current.key,
                )
            )

    async def next(self, user_id: int, response_id: int, item_key: str) -> None:
        """Done with a multiple choice."""
        response, items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        if current.required and not answers.get(current.key):
            raise InvalidInput("survey-choose-one")
        self._advance(response, items, answers, current)

    async def skip(self, user_id: int, response_id: int, item_key: str) -> None:
        response, items, answers, current = await self._editable(user_id, response_id, item_key)
        assert current is not None
        if current.required:
            raise InvalidInput("survey-required")
        await self.session.execute(
            delete(SurveyAnswer).where(
                SurveyAnswer.response_id == response.id, SurveyAnswer.item_key == current.key
            )
        )
        answers.pop(current.key, None)
        self._advance(response, items, answers, current)

    async def back(self, user_id: int, response_id: int) -> None:
        response, items, answers, current = await self._editable(user_id, response_id, None)
        index = items.index(current) if current is not None else len(items)
        position = index - 1
        while position > 0 and not items[position].is_shown(answers):
            position -= 1
        response.position = max(position, 0)

    async def restart(self, user_id: int, response_id: int) -> None:
        """From the summary back to the first item (answers are kept)."""
        response, _items, _answers, _current = await self._editable(user_id, response_id, None)
        response.position = 0

    async def submit(self, user_id: int, response_id: int) -> bool:
        """Final. False (and the position on the first unanswered required item) when
        something required is still open."""
        response, items, answers, _current = await self._editable(user_id, response_id, None)
        shown = [i for i in items if i.is_shown(answers)]
        missing = [i for i in shown if i.required and not answers.get(i.key)]
        if missing:
            response.position = items.index(missing[0])
            return False
        hidden = [i.key for i in items if i not in shown]
        if hidden:  # answers to items a later change made irrelevant
            await self.session.execute(
                delete(SurveyAnswer).where(
                    SurveyAnswer.response_id == response.id, SurveyAnswer.item_key.in_(hidden)
                )
            )
        response.submitted_at = self.now()
        response.position = len(items)
        return True


async def forget_survey_answers(session: AsyncSession, user_id: int) -> None:
    """The person withdrew consent: what they never submitted goes, and so does every
    answer that is not a number (typed text among them); submitted scale answers stay,
    unnamed, for the programme's aggregates."""
    responses = select(SurveyResponse.id).where(SurveyResponse.user_id == user_id)
    await session.execute(
        delete(SurveyAnswer).where(
            SurveyAnswer.response_id.in_(responses), SurveyAnswer.number.is_(None)
        )
    )
    unsubmitted = select(SurveyResponse.id).where(
        SurveyResponse.user_id == user_id, SurveyResponse.submitted_at.is_(None)
    )
    await session.execute(delete(SurveyAnswer).where(SurveyAnswer.response_id.in_(unsubmitted)))
    await session.execute(
        delete(SurveyResponse).where(
            SurveyResponse.user_id == user_id, SurveyResponse.submitted_at.is_(None)
        )
    )


def clean_answer(item: Item, raw: str) -> tuple[int | None, str | None]:
    """(number, text) for storage, or InvalidInput with a hint for this item's type."""
    value = raw.strip()
    if item.type == "scale":
        return whole_number(value, "survey-scale", low=1, high=item.max, max=item.max), None
    if item.type == "yes_no":
        if value in (YES, NO):
            return None, value
        raise InvalidInput("survey-use-buttons")
    if item.type == "single":
        if item.option(value) is not None:
            return None, value
        raise InvalidInput("survey-use-buttons")
    if item.type == "text":
        if not value:
            raise InvalidInput("survey-text-empty")
        if len(value) > ANSWER_TEXT_MAX:
            raise InvalidInput("survey-text-long", max=str(ANSWER_TEXT_MAX), length=str(len(value)))
        return None, value
    raise InvalidInput("survey-use-buttons")  # multi: toggled, not answered at once
