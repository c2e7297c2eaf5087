"""`/report`: what a person may ask for, and the request that queues the file."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.clock import Clock
from bot.services.errors import InvalidInput
from bot.services.outbox import ASKED, Outbox
from bot.services.reports.scope import Target, report_scope, report_targets

# --- asking for a report -------------------------------------------------------------------

REPORT_KIND = "report"
REPORT_TTL = timedelta(days=1)


class ReportService:
    """`/report`: what a person may ask for, and one tap that queues the file (built and
    sent by the "report" notification; a second tap in the same minute queues nothing)."""

    def __init__(
        self, session: AsyncSession, access: AccessService, outbox: Outbox, clock: Clock
    ) -> None:
        self.session = session
        self.access = access
        self.outbox = outbox
        self.clock = clock

    async def targets(self, actor: Actor) -> list[Target]:
        return await report_targets(self.session, actor.user_id, actor.is_admin)

    async def target(self, actor: Actor, organisation_id: int) -> Target:
        scope = await report_scope(self.session, actor.user_id, actor.is_admin, organisation_id)
        if scope is None:
            raise await self.access.deny(
                actor, "report.view", target_organisation_id=organisation_id
            )
        return Target(scope.organisation_id, scope.name, scope.kind)

    async def request(
        self, actor: Actor, organisation_id: int, key: str, known: Collection[str]
    ) -> bool:
        """Queue the report for the person; False when this very request was queued in the
        last minute. A key not offered, or an organisation not theirs, is refused."""
        if key not in known:
            raise InvalidInput("report-unknown")
        target = await self.target(actor, organisation_id)
        minute = self.clock.now().strftime("%Y-%m-%dT%H:%M")
        queued = await self.outbox.enqueue(
            kind=REPORT_KIND,
            subject=f"report:{key}:{target.id}",
            period=minute,
            recipient_user_id=actor.user_id,
            # Asked for now: quiet hours do not hold it back.
            args={"report": key, "organisation_id": target.id, ASKED: True},
            # Asked for now: a file that could not go out within a day is not sent late.
            expires_at=self.clock.now() + REPORT_TTL,
        )
        if queued:
            await self.access.audit.record(
                actor.user_id, "report.request", organisation_id=target.id, report=key
            )
        return queued
