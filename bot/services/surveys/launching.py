"""Launching a wave: a response and an invitation for each person asked; reminders."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from bot.services.access import Actor
from bot.services.errors import InvalidInput
from bot.services.outbox import Queued
from bot.services.surveys.base import (
    INSERT_CHUNK,
    INVITE_KIND,
    LAUNCHES,
    REMINDER_KIND,
    WaveView,
    _reachable,
    end_of_day,
)
from bot.services.surveys.curating import Curating
from bot.storage.models import (
    Membership,
    Pair,
    PairMentee,
    Programme,
    SurveyResponse,
    SurveyWave,
    User,
)


class Launching(Curating):
    """A wave: its responses, the invitations, and reminders to those who have not
    submitted."""

    async def launch(
        self,
        actor: Actor,
        programme_id: int,
        launch: str,
        deadline: date,
        pair_ids: list[int] | None = None,
    ) -> WaveView:
        """A wave for the programme's active participants — or the participants of the
        chosen pairs — (or its curators for the curator's questionnaires); each person gets
        the invitation."""
        programme = await self.programme(actor, programme_id, "survey.launch")
        if launch not in LAUNCHES:
            raise InvalidInput("survey-launch")
        set_key, kind = LAUNCHES[launch]
        if pair_ids is not None:
            if set_key in ("conditions", "swot"):
                raise InvalidInput("survey-launch")
            known = {p.id for p in await self.pairs(actor, programme_id)}
            if not pair_ids or not set(pair_ids) <= known:
                raise InvalidInput("survey-pairs")
        timezone = await self._timezone(programme.organisation_id)
        if deadline < self.now().astimezone(ZoneInfo(timezone)).date():
            raise InvalidInput("survey-deadline-past")
        wave = await self._create_wave(
            programme,
            set_key,
            kind,
            end_of_day(deadline, timezone),
            actor.user_id,
            pair_ids=pair_ids,
        )
        await self.audit.record(
            actor.user_id, "survey.launch", wave_id=wave.id, programme_id=programme.id, kind=kind
        )
        return await self._view(wave)

    async def _create_wave(
        self,
        programme: Programme,
        set_key: str,
        kind: str,
        deadline: datetime,
        user_id: int | None,
        pulse_number: int | None = None,
        pair_ids: list[int] | None = None,
    ) -> SurveyWave:
        wave = SurveyWave(
            organisation_id=programme.organisation_id,
            programme_id=programme.id,
            questionnaire_key=set_key,
            kind=kind,
            deadline=deadline,
            pulse_number=pulse_number,
            pairs_only=pair_ids is not None,
            created_by_user_id=user_id,
            created_at=self.now(),
        )
        self.session.add(wave)
        await self.session.flush()
        await self._add_responses(wave, await self._targets(programme, set_key, pair_ids))
        return wave

    async def _add_responses(self, wave: SurveyWave, targets: list[tuple[int, str]]) -> int:
        """A response and an invitation for each (user id, role) that has a questionnaire
        of the wave: a fixed number of statements however many people."""
        rows = []
        for member_user_id, role in targets:
            questionnaire = self.questionnaires.find(wave.questionnaire_key, role, wave.kind)
            if questionnaire is None:
                continue
            rows.append(
                {
                    "wave_id": wave.id,
                    "user_id": member_user_id,
                    "role": role,
                    "questionnaire": questionnaire.key,
                    "position": 0,
                    "created_at": self.now(),
                }
            )
        people: dict[int, int] = {}  # response id -> user id
        for start in range(0, len(rows), INSERT_CHUNK):
            inserted = await self.session.execute(
                insert(SurveyResponse)
                .values(rows[start : start + INSERT_CHUNK])
                .returning(SurveyResponse.id, SurveyResponse.user_id)
            )
            people.update({int(i): int(u) for i, u in inserted})
        return await self._notify_all(INVITE_KIND, wave, people, "")

    async def _targets(
        self, programme: Programme, set_key: str, pair_ids: list[int] | None = None
    ) -> list[tuple[int, str]]:
        if pair_ids is not None:
            members = (
                select(Pair.mentor_membership_id.label("mid"))
                .where(Pair.id.in_(pair_ids))
                .union(
                    select(PairMentee.mentee_membership_id.label("mid")).where(
                        PairMentee.pair_id.in_(pair_ids)
                    )
                )
            )
            query = select(Membership.user_id, Membership.role).where(
                Membership.id.in_(select(members.subquery().c.mid)),
                Membership.programme_id == programme.id,
            )
        elif set_key in ("conditions", "swot"):
            query = select(Membership.user_id, Membership.role).where(
                Membership.organisation_id == programme.organisation_id,
                Membership.role == "curator",
            )
        else:
            query = select(Membership.user_id, Membership.role).where(
                Membership.programme_id == programme.id,
                Membership.role.in_(("mentor", "mentee")),
            )
        # A mentor or mentee is asked only once they take part (a minor: after a parent's
        # consent); the tick gives them an open wave later (`_catch_up`).
        query = query.where(
            _reachable(Membership.role, Membership.user_id, Membership.organisation_id)
        )
        rows = await self.session.execute(
            query.where(Membership.status == "active").order_by(Membership.id)
        )
        seen: set[tuple[int, str]] = set()
        result = []
        for user_id, role in rows:
            if (user_id, role) not in seen:
                seen.add((user_id, role))
                result.append((user_id, role))
        return result

    async def _notify_all(
        self, kind: str, wave: SurveyWave, people: dict[int, int], period: str
    ) -> int:
        """The invitation or a reminder to the people of these responses (response id →
        user id) who can be messaged: two statements (who, then one insert) however many
        people."""
        if self.notifier is None or not people:
            return 0
        rows = await self.session.execute(
            select(SurveyResponse.id, User.is_minor)
            .join(User, User.id == SurveyResponse.user_id)
            .where(
                SurveyResponse.wave_id == wave.id,  # the wave's, not a list of ids that grows
                User.telegram_id.is_not(None),
            )
            .order_by(SurveyResponse.id)
        )
        timezone = await self._timezone(wave.organisation_id)
        local = wave.deadline.astimezone(ZoneInfo(timezone)).date()
        notices = [
            Queued(
                kind=kind,
                # The person's own key: a withdrawal forgets what is still pending for them.
                subject=f"user:{people[response_id]}",
                recipient_user_id=people[response_id],
                args={
                    "wave": wave.kind,
                    "set": wave.questionnaire_key,
                    "deadline": local.strftime("%d.%m.%Y"),
                    "young": "yes" if is_minor else "no",
                    # One tap starts it (bot/handlers/openers.py checks it is still open).
                    "_buttons": [
                        [{"label": "notice-btn-survey", "open": "survey", "id": response_id}]
                    ],
                },
                period=f"wave:{wave.id}:{period}" if period else f"wave:{wave.id}",
                expires_at=wave.deadline,
            )
            for response_id, is_minor in rows
            if response_id in people
        ]
        return len(await self.notifier.enqueue_many(notices)) if notices else 0

    async def remind_missing(self, actor: Actor, wave_id: int) -> int:
        """One tap: a reminder to everyone who has not submitted (once per day)."""
        wave = await self.wave(actor, wave_id, "survey.remind")
        if self.now() > wave.deadline:
            raise InvalidInput("survey-closed")
        period = f"manual:{self.now().date().isoformat()}"
        sent = await self._remind(wave, period)
        await self.audit.record(actor.user_id, "survey.remind", wave_id=wave.id, count=sent)
        return sent

    async def _remind(self, wave: SurveyWave, period: str) -> int:
        rows = await self.session.execute(
            select(SurveyResponse.id, SurveyResponse.user_id).where(
                SurveyResponse.wave_id == wave.id,
                SurveyResponse.submitted_at.is_(None),
                _reachable(SurveyResponse.role, SurveyResponse.user_id, wave.organisation_id),
            )
        )
        return await self._notify_all(REMINDER_KIND, wave, {i: u for i, u in rows}, period)
