"""The audit log: curator and admin actions, and refused attempts."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AuditEntry

log = logging.getLogger(__name__)


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
        self.session.add(
            AuditEntry(
                actor_user_id=actor_user_id,
                organisation_id=organisation_id,
                action=action,
                object_type=object_type,
                object_id=object_id,
                details=details,
            )
        )
        await self.session.flush()
