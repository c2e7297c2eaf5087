"""The scheduler's sweep: what is due (reminders, pulses, catch-ups) and one step of it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import aliased

from bot.services.access import PARTICIPANT_ROLES
from bot.services.consent import takes_part
from bot.services.surveys.base import (
    PARTICIPANT_SETS,
    PULSE_ANSWER_DAYS,
    REMIND_BEFORE,
    SurveyStep,
    _aware,
    end_of_day,
)
from bot.services.surveys.launching import Launching
from bot.storage.models import (
    Membership,
    Organisation,
    Programme,
    SurveyPulse,
    SurveyResponse,
    SurveyWave,
)


class Sweep(Launching):
    """The scheduler's side: `due_steps` finds what is due, `run_step` does one step."""

    async def tick(self) -> int:
        """Called by the scheduler on each tick: reminders 3 days before the deadline and
        on the day, and the pulses that came due. Idempotent; returns messages queued."""
        queued = 0
        for step in await self.due_steps():
            queued += await self.run_step(step)
        return queued

    async def due_steps(self) -> list[SurveyStep]:
        """What is due now, found in three statements however many waves and programmes
        there are: the waves whose reminder came, the pulses whose day came. The scheduler's
        job runs each step in its own short transaction (`run_step`)."""
        now = self.now()
        steps: list[SurveyStep] = []
        waves = await self.session.execute(
            select(
                SurveyWave.id,
                SurveyWave.deadline,
                SurveyWave.reminded_before_at,
                Organisation.timezone,
            )
            .outerjoin(Organisation, Organisation.id == SurveyWave.organisation_id)
            .where(
                SurveyWave.deadline >= now,
                SurveyWave.reminded_due_at.is_(None),
            )
            .order_by(SurveyWave.id)
        )
        for wave_id, deadline, reminded_before_at, timezone in waves:
            zone = ZoneInfo(timezone or "Europe/Moscow")
            deadline_day = deadline.astimezone(zone).date()
            today = now.astimezone(zone).date()
            if today == deadline_day:
                steps.append(SurveyStep("due", wave_id))
            elif reminded_before_at is None and today >= deadline_day - REMIND_BEFORE:
                steps.append(SurveyStep("before", wave_id))
        steps += await self._due_pulses(now)
        late = self._catch_up_query(now).with_only_columns(SurveyWave.id).order_by(None)
        caught = await self.session.execute(late.distinct())
        steps += [SurveyStep("catch_up", wave_id) for (wave_id,) in caught]
        return steps

    def _catch_up_query(
        self, now: datetime, wave_id: int | None = None
    ) -> Select[SurveyWave, int, str]:
        """An open wave of a whole programme and the participants who were in the programme
        when it was launched but could not be asked then (a minor whose parent has consented
        since): (wave, user id, role) rows, one statement however many waves and people."""
        query = (
            select(SurveyWave, Membership.user_id, Membership.role)
            .join(
                Membership,
                and_(
                    Membership.programme_id == SurveyWave.programme_id,
                    Membership.role.in_(PARTICIPANT_ROLES),
                    Membership.status == "active",
                    Membership.created_at <= SurveyWave.created_at,
                ),
            )
            .outerjoin(
                SurveyResponse,
                and_(
                    SurveyResponse.wave_id == SurveyWave.id,
                    SurveyResponse.user_id == Membership.user_id,
                    SurveyResponse.role == Membership.role,
                ),
            )
            .where(
                SurveyWave.deadline >= now,
                SurveyWave.pairs_only.is_(False),
                SurveyWave.questionnaire_key.in_(PARTICIPANT_SETS),
                SurveyResponse.id.is_(None),
                takes_part(Membership.user_id, SurveyWave.organisation_id),
            )
            .order_by(SurveyWave.id, Membership.id)
        )
        return query if wave_id is None else query.where(SurveyWave.id == wave_id)

    async def _catch_up(self, now: datetime, wave_id: int) -> int:
        """Their response and invitation come now, before the deadline (`_catch_up_query`)."""
        wave: SurveyWave | None = None
        people: list[tuple[int, str]] = []
        for row_wave, user_id, role in await self.session.execute(
            self._catch_up_query(now, wave_id)
        ):
            wave = row_wave
            if (user_id, role) not in people:
                people.append((user_id, role))
        return await self._add_responses(wave, people) if wave is not None else 0

    async def _due_pulses(self, now: datetime) -> list[SurveyStep]:
        numbered = SurveyWave.pulse_number.is_not(None)
        last_number = (
            select(SurveyWave.programme_id, func.max(SurveyWave.pulse_number).label("number"))
            .where(numbered)
            .group_by(SurveyWave.programme_id)
            .subquery()
        )
        last = aliased(SurveyWave)
        rows = await self.session.execute(
            select(
                SurveyPulse, Programme, Organisation.timezone, last.pulse_number, last.created_at
            )
            .join(Programme, Programme.id == SurveyPulse.programme_id)
            .outerjoin(Organisation, Organisation.id == Programme.organisation_id)
            .outerjoin(last_number, last_number.c.programme_id == Programme.id)
            .outerjoin(
                last,
                (last.programme_id == Programme.id) & (last.pulse_number == last_number.c.number),
            )
            .where(SurveyPulse.enabled.is_(True))
            .order_by(Programme.id)
        )
        steps = []
        for pulse, programme, timezone, last_pulse, last_created in rows:
            timezone = timezone or "Europe/Moscow"
            today = now.astimezone(ZoneInfo(timezone)).date()
            if today > programme.period_end:
                continue
            # The next pulse counts from the last one actually run, so a change of timing
            # mid-programme neither sends one at once nor skips several.
            if last_pulse is None:
                if (today - programme.period_start).days < pulse.first_day:
                    continue
                number = 1
            else:
                last_day = _aware(last_created).astimezone(ZoneInfo(timezone)).date()
                if (today - last_day).days < pulse.every_days:
                    continue
                number = int(last_pulse) + 1
            deadline = end_of_day(today + timedelta(days=PULSE_ANSWER_DAYS), timezone)
            steps.append(SurveyStep("pulse", programme.id, number, deadline))
        return steps

    async def run_step(self, step: SurveyStep) -> int:
        """One step of `due_steps`, checked again (another process may have taken it):
        a wave's reminders (messages queued), or a pulse wave (1 when it was created)."""
        now = self.now()
        if step.what == "catch_up":
            return await self._catch_up(now, step.id)
        if step.what == "pulse":
            done = await self.session.scalar(
                select(func.max(SurveyWave.pulse_number)).where(
                    SurveyWave.programme_id == step.id, SurveyWave.pulse_number.is_not(None)
                )
            )
            programme = await self.session.get(Programme, step.id)
            if programme is None or int(done or 0) + 1 != step.number:
                return 0
            assert step.deadline is not None
            await self._create_wave(programme, "pulse", "pulse", step.deadline, None, step.number)
            return 1
        wave = await self.session.get(SurveyWave, step.id)
        if wave is None or wave.reminded_due_at is not None:
            return 0
        if step.what == "due":
            queued = await self._remind(wave, "due")
            wave.reminded_due_at = now
            wave.reminded_before_at = wave.reminded_before_at or now
            return queued
        if wave.reminded_before_at is not None:
            return 0
        queued = await self._remind(wave, "before")
        wave.reminded_before_at = now
        return queued
