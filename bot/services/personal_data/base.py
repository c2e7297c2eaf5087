"""What the export and the withdrawal share: the session, the audit, and the pairs a
person is or was in."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import AuditService
from bot.storage.models import Pair, PairMentee


class _Base:
    def __init__(self, session: AsyncSession, audit: AuditService) -> None:
        self.session = session
        self.audit = audit

    async def _pairs_of(self, membership_ids: list[int]) -> set[int]:
        """Every pair the person is or was in, as mentor or mentee."""
        if not membership_ids:
            return set()
        return set(
            await self.session.scalars(
                select(Pair.id)
                .outerjoin(PairMentee, PairMentee.pair_id == Pair.id)
                .where(
                    Pair.mentor_membership_id.in_(membership_ids)
                    | PairMentee.mentee_membership_id.in_(membership_ids)
                )
                .distinct()
            )
        )
