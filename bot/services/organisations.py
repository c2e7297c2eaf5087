"""Municipalities and schools: created by admins, seen by whoever works in them."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.errors import InvalidInput, NotFound
from bot.storage.models import Organisation

NAME_MAX = 200
KINDS = ("region", "municipality", "school")

# Russia's zones, west to east, by city (no daylight saving time since 2014): UTC+2 … UTC+12.
RUSSIAN_TIMEZONES = (
    "Europe/Kaliningrad",
    "Europe/Moscow",
    "Europe/Samara",
    "Asia/Yekaterinburg",
    "Asia/Omsk",
    "Asia/Novosibirsk",
    "Asia/Krasnoyarsk",
    "Asia/Irkutsk",
    "Asia/Yakutsk",
    "Asia/Vladivostok",
    "Asia/Magadan",
    "Asia/Kamchatka",
)


@dataclass(frozen=True, slots=True)
class OrganisationView:
    id: int
    kind: str
    name: str
    timezone: str
    parent_id: int | None

    @classmethod
    def of(cls, org: Organisation) -> OrganisationView:
        return cls(org.id, org.kind, org.name, org.timezone, org.parent_id)


def clean_name(text: str) -> str:
    name = " ".join(text.split())
    if not 2 <= len(name) <= NAME_MAX:
        raise InvalidInput("name-length")
    return name


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InvalidInput("timezone") from None
    return name


def offered_timezones(default_timezone: str) -> tuple[str, ...]:
    """The zones a new organisation may get, the deployment's default (DEFAULT_TIMEZONE)
    first, then Russia's from west to east."""
    return (default_timezone, *(tz for tz in RUSSIAN_TIMEZONES if tz != default_timezone))


class OrganisationService:
    def __init__(
        self,
        session: AsyncSession,
        access: AccessService,
        audit: AuditService,
        default_timezone: str = "Europe/Moscow",
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.timezones = offered_timezones(default_timezone)

    async def create(
        self,
        actor: Actor,
        *,
        kind: str,
        name: str,
        timezone: str,
        parent_id: int | None = None,
    ) -> OrganisationView:
        await self.access.require_admin(actor, f"organisation.create:{kind}")
        if kind not in ("municipality", "school"):
            raise InvalidInput("organisation-kind")
        if parent_id is not None:
            parent = await self.session.get(Organisation, parent_id)
            if parent is None or parent.kind != "municipality" or kind != "school":
                raise InvalidInput("organisation-parent")
        if timezone not in self.timezones:  # a forged button value proves nothing
            raise InvalidInput("timezone")
        org = Organisation(
            kind=kind, name=clean_name(name), timezone=check_timezone(timezone), parent_id=parent_id
        )
        self.session.add(org)
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "organisation.create",
            organisation_id=org.id,
            object_type="organisation",
            object_id=org.id,
            kind=kind,
        )
        return OrganisationView.of(org)

    async def list_all(self, actor: Actor, kind: str | None = None) -> list[OrganisationView]:
        await self.access.require_admin(actor, "organisation.list")
        query = select(Organisation).order_by(Organisation.kind, Organisation.name)
        if kind:
            query = query.where(Organisation.kind == kind)
        return [OrganisationView.of(o) for o in await self.session.scalars(query)]

    async def get(self, actor: Actor, organisation_id: int) -> OrganisationView:
        """Refuses (and audits) an organisation the person may not see, and one that does
        not exist, alike."""
        await self.access.require_viewer(
            actor,
            organisation_id,
            "organisation.view",
            object_type="organisation",
            object_id=organisation_id,
        )
        org = await self.session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound()
        return OrganisationView.of(org)

    async def name_of(self, actor: Actor, organisation_id: int) -> str:
        return (await self.get(actor, organisation_id)).name
