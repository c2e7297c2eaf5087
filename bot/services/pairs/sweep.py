"""The pairs sweep: chosen mentors who did not answer in time return the mentee to the
curator (run by the scheduler, and when the curator looks)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from bot.services.pairs.base import PairBase
from bot.services.pairs.model import ANSWER_DAYS
from bot.storage.models import Candidate


class SweepMixin(PairBase):
    async def expire_overdue(
        self,
        now: datetime | None = None,
        programme_id: int | None = None,
        *,
        limit: int | None = None,
    ) -> int:
        """Chosen mentors who did not answer in three days: the mentee returns to the
        curator (both are told). Called by the scheduler (`limit` at a time, each batch its
        own transaction) and when the curator looks. A few statements however many."""
        now = now or self.clock.now()
        query = (
            select(Candidate)
            .where(
                Candidate.answer == "chosen",
                Candidate.chosen_at <= now - timedelta(days=ANSWER_DAYS),
                *([Candidate.programme_id == programme_id] if programme_id else []),
            )
            .order_by(Candidate.id)
        )
        if limit is not None:
            query = query.limit(limit)
        overdue = list(await self.session.scalars(query))
        if not overdue:
            return 0
        people = await self._members(
            m for c in overdue for m in (c.mentee_membership_id, c.mentor_membership_id)
        )
        curators = await self.notices.curators_by_school(c.organisation_id for c in overdue)
        rows = []
        for candidate in overdue:
            candidate.answer = "expired"
            candidate.answered_at = now
            candidate.reason = "no-answer"
            mentee_user = people[candidate.mentee_membership_id][1]
            mentor_user = people[candidate.mentor_membership_id][1]
            # What `_tell_outcome` says, for all of them at once.
            subject = f"candidate:{candidate.id}"
            args = {"name": mentee_user.full_name or "", "partner": mentor_user.full_name or ""}
            rows += self.notices.rows(
                "choice-expired",
                subject=subject,
                recipients=[mentee_user],
                organisation_id=candidate.organisation_id,
                args=args,
                period="answer",
            )
            rows += self.notices.rows(
                "choice-expired-curator",
                subject=subject,
                recipients=curators.get(candidate.organisation_id, []),
                organisation_id=candidate.organisation_id,
                args=args,
            )
        await self.notices.outbox.enqueue_many(rows)
        return len(overdue)
