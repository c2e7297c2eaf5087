"""The curator's side: the programmes they run questionnaires in, the waves, who
answered, the pulse's settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from bot.services.access import Actor
from bot.services.errors import InvalidInput
from bot.services.surveys.base import (
    PULSE_EVERY,
    PULSE_EVERY_DAYS,
    PULSE_FIRST_DAY,
    PULSE_FIRST_DAYS,
    PairView,
    PersonStatus,
    PulseView,
    SurveyBase,
    WaveView,
)
from bot.storage.models import (
    Membership,
    Organisation,
    Pair,
    PairMentee,
    Programme,
    SurveyPulse,
    SurveyResponse,
    SurveyWave,
    User,
)


class Curating(SurveyBase):
    """The curator's programmes, waves, who answered, and the pulse's settings."""

    async def programmes(self, actor: Actor) -> list[Programme]:
        """The programmes the person runs questionnaires in: their schools' as a curator;
        every school's for an admin (who manages every school, as `AccessService` says)."""
        return [p for p, _ in await self.programmes_with_schools(actor)]

    async def programmes_with_schools(self, actor: Actor) -> list[tuple[Programme, str]]:
        """`programmes` with each one's school name (an admin sees several schools)."""
        query = select(Programme, Organisation.name).join(
            Organisation, Organisation.id == Programme.organisation_id
        )
        if not actor.is_admin:
            schools = {r.organisation_id for r in actor.active("curator")}
            if not schools:
                return []
            query = query.where(Programme.organisation_id.in_(schools))
        rows = await self.session.execute(
            query.order_by(Organisation.name, Programme.name, Programme.id)
        )
        return [(p, str(name)) for p, name in rows.all()]

    async def _view(self, wave: SurveyWave) -> WaveView:
        counts = (
            await self.session.execute(
                select(
                    func.count(SurveyResponse.id),
                    func.count(SurveyResponse.submitted_at),
                ).where(SurveyResponse.wave_id == wave.id)
            )
        ).one()
        timezone = await self._timezone(wave.organisation_id)
        return WaveView(
            id=wave.id,
            programme_id=wave.programme_id,
            organisation_id=wave.organisation_id,
            set=wave.questionnaire_key,
            kind=wave.kind,
            deadline=wave.deadline,
            deadline_local=wave.deadline.astimezone(ZoneInfo(timezone)).date(),
            invited=int(counts[0]),
            submitted=int(counts[1]),
            closed=self.now() > wave.deadline,
        )

    async def pairs(self, actor: Actor, programme_id: int) -> list[PairView]:
        """The programme's open pairs and groups, to launch a wave for some of them."""
        await self.programme(actor, programme_id, "survey.pairs")
        mentor_user = aliased(User)
        rows = await self.session.execute(
            select(Pair.id, mentor_user.full_name)
            .join(Membership, Membership.id == Pair.mentor_membership_id)
            .join(mentor_user, mentor_user.id == Membership.user_id)
            .where(Pair.programme_id == programme_id, Pair.status.in_(("proposed", "active")))
            .order_by(Pair.id)
        )
        pairs = list(rows)
        mentees: dict[int, list[str]] = {}
        if pairs:
            mentee_rows = await self.session.execute(
                select(PairMentee.pair_id, User.full_name)
                .join(Membership, Membership.id == PairMentee.mentee_membership_id)
                .join(User, User.id == Membership.user_id)
                .where(PairMentee.pair_id.in_([p[0] for p in pairs]))
                .order_by(User.full_name)
            )
            for pair_id, name in mentee_rows:
                mentees.setdefault(pair_id, []).append(name or "—")
        return [
            PairView(pair_id, mentor or "—", tuple(mentees.get(pair_id, ())))
            for pair_id, mentor in pairs
        ]

    async def waves(self, actor: Actor, programme_id: int) -> list[WaveView]:
        await self.programme(actor, programme_id, "survey.list")
        rows = await self.session.scalars(
            select(SurveyWave)
            .where(SurveyWave.programme_id == programme_id)
            .order_by(SurveyWave.created_at.desc(), SurveyWave.id.desc())
        )
        return [await self._view(w) for w in rows]

    async def wave(self, actor: Actor, wave_id: int, action: str = "survey.view") -> SurveyWave:
        wave = await self.session.get(SurveyWave, wave_id)
        await self.access.require_curator(
            actor,
            wave.organisation_id if wave else None,
            action,
            object_type="survey_wave",
            object_id=wave_id,
        )
        assert wave is not None
        return wave

    async def wave_view(self, actor: Actor, wave_id: int) -> WaveView:
        return await self._view(await self.wave(actor, wave_id))

    async def statuses(self, actor: Actor, wave_id: int) -> list[PersonStatus]:
        """Who answered and who did not. After the deadline the rest are *missing*."""
        wave = await self.wave(actor, wave_id, "survey.status")
        closed = self.now() > wave.deadline
        rows = await self.session.execute(
            select(SurveyResponse, User.full_name)
            .join(User, User.id == SurveyResponse.user_id)
            .where(SurveyResponse.wave_id == wave.id)
            .order_by(User.full_name, SurveyResponse.id)
        )
        result = []
        for response, name in rows:
            if response.submitted_at is not None:
                status = "submitted"
            elif closed:
                status = "missing"
            elif response.started_at is not None:
                status = "started"
            else:
                status = "not_started"
            result.append(PersonStatus(response.user_id, name, response.role, status))
        return result

    async def pulse_enabled(self, actor: Actor, programme_id: int) -> bool:
        return (await self.pulse(actor, programme_id)).enabled

    async def pulse(self, actor: Actor, programme_id: int) -> PulseView:
        """Whether the pulse runs and when: day `first_day`, then every `every_days`."""
        await self.programme(actor, programme_id, "survey.pulse")
        row = await self.session.get(SurveyPulse, programme_id)
        if row is None:
            return PulseView(False, PULSE_FIRST_DAY, PULSE_EVERY_DAYS)
        return PulseView(bool(row.enabled), row.first_day, row.every_days)

    async def _pulse_row(self, actor: Actor, programme_id: int) -> SurveyPulse:
        await self.programme(actor, programme_id, "survey.pulse")
        row = await self.session.get(SurveyPulse, programme_id)
        if row is None:
            row = SurveyPulse(
                programme_id=programme_id,
                enabled=False,
                first_day=PULSE_FIRST_DAY,
                every_days=PULSE_EVERY_DAYS,
            )
            self.session.add(row)
        row.updated_by_user_id = actor.user_id
        row.updated_at = self.now()
        return row

    async def set_pulse(self, actor: Actor, programme_id: int, enabled: bool) -> None:
        row = await self._pulse_row(actor, programme_id)
        row.enabled = enabled
        await self.audit.record(
            actor.user_id, "survey.pulse", programme_id=programme_id, enabled=enabled
        )

    async def set_pulse_timing(
        self, actor: Actor, programme_id: int, first_day: int, every_days: int
    ) -> PulseView:
        """The pulse's timing from the presets (a value from a button is checked like
        typed text); the on/off switch stays as it was."""
        if first_day not in PULSE_FIRST_DAYS or every_days not in PULSE_EVERY:
            raise InvalidInput("survey-pulse-timing")
        row = await self._pulse_row(actor, programme_id)
        row.first_day = first_day
        row.every_days = every_days
        await self.audit.record(
            actor.user_id,
            "survey.pulse",
            programme_id=programme_id,
            first_day=first_day,
            every_days=every_days,
        )
        await self.session.flush()
        return PulseView(bool(row.enabled), first_day, every_days)
