"""The audit log: curator and admin actions, and refused attempts."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AuditEntry

log = logging.getLogger(__name__)

DENIED = "denied"
# session.info key: the refusals recorded in this session, kept for `unsaved_refusals`.
_REFUSALS = "audit.refusals"


class AuditService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        actor_user_id: int | None,
        action: str,
        *,
        organisation_id: int | None = None,
        object_type: str | None = None,
        object_id: int | None = None,
        **details: Any,
    ) -> None:
        entry = AuditEntry(
            actor_user_id=actor_user_id,
            organisation_id=organisation_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )
        self.session.add(entry)
        await self.session.flush()
        if action == DENIED:
            # A refusal rolls its update back (see bot.middlewares.database); its audit row
            # must outlive that rollback, so it is remembered to be written again.
            self.session.info.setdefault(_REFUSALS, []).append(entry)


def unsaved_refusals(session: AsyncSession) -> list[AuditEntry]:
    """After a rollback: fresh copies of the refusal rows the rollback took with it
    (those committed before it are left alone). Add them in a transaction of their own."""
    entries: list[AuditEntry] = session.info.pop(_REFUSALS, [])
    return [
        AuditEntry(
            actor_user_id=entry.actor_user_id,
            organisation_id=entry.organisation_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            details=entry.details,
            at=entry.at,
        )
        for entry in entries
        if inspect(entry).transient
    ]
