"""Who may ask for a report, and about which schools: a school's curator (their school), a
coordinator (their municipality, or one of its schools) and a bot admin (any)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import (
    Membership,
    Organisation,
)

# --- who may ask, and for what -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class School:
    id: int
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Target:
    """An organisation a person may ask reports about."""

    id: int
    name: str
    kind: str  # school | municipality


@dataclass(frozen=True, slots=True)
class Scope:
    organisation_id: int
    name: str
    kind: str
    schools: tuple[School, ...]
    # The recipient curates this school (or is the admin): the curator's classification of
    # mentees and the mentees' comments for the curator are theirs to read (DESIGN.md,
    # "Children"); a coordinator's file has neither.
    curator_view: bool = False

    @property
    def school_ids(self) -> list[int]:
        return [s.id for s in self.schools]

    @property
    def many(self) -> bool:
        """A municipality's file: one sheet with a school column."""
        return self.kind != "school"


async def _staff_roles(session: AsyncSession, user_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(Membership.organisation_id, Membership.role).where(
            Membership.user_id == user_id,
            Membership.status == "active",
            Membership.role.in_(("curator", "coordinator")),
        )
    )
    return [(org, role) for org, role in rows]


async def report_targets(session: AsyncSession, user_id: int, is_admin: bool) -> list[Target]:
    """The schools a person curates and the municipalities they coordinate (every school
    and municipality for an admin), by name."""
    query = select(Organisation).where(Organisation.kind.in_(("school", "municipality")))
    if not is_admin:
        roles = await _staff_roles(session, user_id)
        ids = {org for org, _ in roles}
        if not ids:
            return []
        query = query.where(Organisation.id.in_(ids))
    orgs = await session.scalars(query.order_by(Organisation.kind, Organisation.name))
    return [Target(o.id, o.name, o.kind) for o in orgs]


async def may_report_on(
    session: AsyncSession, user_id: int, is_admin: bool, org: Organisation
) -> set[int] | None:
    """Whether this person may have reports about `org` (a school: its curators and its
    municipality's coordinators; a municipality: its coordinators; the admin: all): the
    schools they curate, or None when they may not."""
    if org.kind not in ("school", "municipality"):
        return None
    if is_admin:
        return set()
    roles = await _staff_roles(session, user_id)
    curated = {o for o, r in roles if r == "curator"}
    coordinated = {o for o, r in roles if r == "coordinator"}
    allowed = (org.kind == "school" and (org.id in curated or org.parent_id in coordinated)) or (
        org.kind == "municipality" and org.id in coordinated
    )
    return curated if allowed else None


async def report_scope(
    session: AsyncSession, user_id: int, is_admin: bool, organisation_id: int
) -> Scope | None:
    """The schools a report about `organisation_id` covers, or None when this person may
    not have it (the same None whether the organisation exists or not)."""
    org = await session.get(Organisation, organisation_id)
    if org is None:
        return None
    curated = await may_report_on(session, user_id, is_admin, org)
    if curated is None:
        return None
    if org.kind == "school":
        schools = [org]
    else:
        schools = list(
            await session.scalars(
                select(Organisation)
                .where(Organisation.parent_id == org.id, Organisation.kind == "school")
                .order_by(Organisation.name)
            )
        )
    return Scope(
        org.id,
        org.name,
        org.kind,
        tuple(School(s.id, s.name, s.timezone) for s in schools),
        curator_view=is_admin or (org.kind == "school" and org.id in curated),
    )
