"""The questionnaire waves of programmes: their answers, and each person's entry → exit
change and satisfaction at exit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.catalog import Catalog
from bot.services.questionnaires import Item, QuestionnaireCatalog
from bot.services.reports.model import ProgrammeInfo
from bot.services.survey_results import (
    Key,
    compare,
    satisfaction_index,
)
from bot.storage.models import (
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
)

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
