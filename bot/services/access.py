"""Who may do what: one rule, checked on the server for every action.

Every object that belongs to a school is reachable from its organisation, so a
question "may this person touch this object" becomes "may this person act in
that organisation with this role". Callback data proves nothing: handlers pass
ids from the client here, and this service decides.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import AuditService
from bot.services.errors import AccessDenied, DomainError, NotFound
from bot.services.users import Person
from bot.storage.models import Membership, Organisation

log = logging.getLogger(__name__)


class _OfSchool(Protocol):
    """A row that belongs to a school (pair, programme, meeting, survey wave, …)."""

    __tablename__: str
    organisation_id: Any


_Row = TypeVar("_Row", bound=_OfSchool)

STAFF_ROLES = ("coordinator", "curator")
PARTICIPANT_ROLES = ("mentor", "mentee")
ROLES = (*STAFF_ROLES, *PARTICIPANT_ROLES)


@dataclass(frozen=True, slots=True)
class Role:
    membership_id: int
    organisation_id: int
    programme_id: int | None
    role: str
    status: str


@dataclass(frozen=True, slots=True)
class Actor:
    person: Person
    is_admin: bool
    roles: tuple[Role, ...] = field(default=())

    @property
    def user_id(self) -> int:
        return self.person.id

    def active(self, role: str | None = None) -> list[Role]:
        return [r for r in self.roles if r.status == "active" and (role is None or r.role == role)]

    def role_names(self) -> set[str]:
        names = {r.role for r in self.active()}
        if self.is_admin:
            names.add("admin")
        return names

    def is_curator_of(self, organisation_id: int) -> bool:
        return self.is_admin or any(
            r.organisation_id == organisation_id for r in self.active("curator")
        )


class AccessService:
    def __init__(self, session: AsyncSession, admin_ids: frozenset[int], audit: AuditService):
        self.session = session
        self.admin_ids = admin_ids
        self.audit = audit

    async def actor(self, person: Person, memberships: Iterable[Membership] | None = None) -> Actor:
        """The person's roles; pass `memberships` (not withdrawn) when already loaded."""
        rows = memberships
        if rows is None:
            rows = await self.session.scalars(
                select(Membership).where(
                    Membership.user_id == person.id, Membership.status != "withdrawn"
                )
            )
        roles = tuple(Role(m.id, m.organisation_id, m.programme_id, m.role, m.status) for m in rows)
        return Actor(
            person=person,
            is_admin=person.telegram_id in self.admin_ids,
            roles=roles,
        )

    async def deny(self, actor: Actor, action: str, **details: Any) -> AccessDenied:
        """Log and audit a refused attempt; return the error for the caller to raise."""
        log.warning("access denied: user %s tried %s %s", actor.user_id, action, details)
        await self.audit.record(actor.user_id, "denied", attempted=action, **details)
        return AccessDenied()

    async def require_admin(self, actor: Actor, action: str) -> None:
        if not actor.is_admin:
            raise await self.deny(actor, action)

    async def require_curator(
        self, actor: Actor, organisation_id: int | None, action: str, **target: Any
    ) -> None:
        """Admins and the school's own curators manage a school.

        Ask this before telling whether an object exists: pass the organisation of the
        object the client named, or None when there is no such object. A missing object
        is refused exactly like another school's — the same error, the same audit row
        (`target`, e.g. object_type/object_id, goes into it) — except to an admin, who
        may manage every school and is told it is not found."""
        if organisation_id is not None and actor.is_curator_of(organisation_id):
            return
        raise await self._refusal(actor, organisation_id, action, target)

    async def load_curated(
        self,
        actor: Actor,
        model: type[_Row],
        object_id: int,
        action: str,
        *,
        object_type: str | None = None,
    ) -> _Row:
        """The row `object_id` of `model`, for a curator of its school (or an admin).

        The one way to load an object the client named and check the actor may manage it:
        a missing row and another school's row are refused alike (`require_curator`), so
        the answer never tells whether the id exists."""
        row = await self.session.get(model, object_id)
        await self.require_curator(
            actor,
            row.organisation_id if row is not None else None,
            action,
            object_type=object_type or model.__tablename__,
            object_id=object_id,
        )
        if row is None:  # pragma: no cover - require_curator refused it
            raise NotFound()
        return row

    async def load_viewed(
        self,
        actor: Actor,
        model: type[_Row],
        object_id: int,
        action: str,
        *,
        object_type: str | None = None,
    ) -> _Row:
        """As `load_curated`, for those who may look (`require_viewer`: the school's
        curators and its municipality's coordinators)."""
        row = await self.session.get(model, object_id)
        await self.require_viewer(
            actor,
            row.organisation_id if row is not None else None,
            action,
            object_type=object_type or model.__tablename__,
            object_id=object_id,
        )
        if row is None:  # pragma: no cover - require_viewer refused it
            raise NotFound()
        return row

    async def require_viewer(
        self, actor: Actor, organisation_id: int | None, action: str, **target: Any
    ) -> None:
        """Curators see their school; coordinators see the schools of their municipality.
        A missing object (None) is refused like another school's, as in `require_curator`."""
        if organisation_id is not None:
            if actor.is_curator_of(organisation_id):
                return
            org = await self.session.get(Organisation, organisation_id)
            coordinated = {r.organisation_id for r in actor.active("coordinator")}
            if org is not None and (org.id in coordinated or org.parent_id in coordinated):
                return
        raise await self._refusal(actor, organisation_id, action, target)

    async def _refusal(
        self, actor: Actor, organisation_id: int | None, action: str, target: dict[str, Any]
    ) -> DomainError:
        if organisation_id is None and actor.is_admin:
            return NotFound()
        return await self.deny(actor, action, target_organisation_id=organisation_id, **target)
