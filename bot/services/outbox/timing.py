"""When a message may go: quiet hours (the school's, a minor's, the default zone's) and
what goes at once (asked for just now, urgent kinds)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.quiet import QuietHours
from bot.storage.models import Consent, Membership, Notification, Organisation

# Kinds an adult may receive in quiet hours (a minor never gets anything then).
URGENT_KINDS: frozenset[str] = frozenset({"withdrawn-goodbye"})
# A row's args carry ASKED when the person asked for it just now (their /digest, their
# /report): it is not held back by quiet hours, which are for what the bot starts itself.
ASKED = "asked"


def asked_now(args: dict[str, Any] | None) -> bool:
    """Whether the recipient asked for this message just now (see ASKED)."""
    return bool((args or {}).get(ASKED))


class QuietWindows:
    """The sender's reading of quiet hours, for one claim (a mixin of `DeliveryQueue`)."""

    default_timezone: str
    _windows: dict[int, QuietHours]
    _zones: list[str] | None
    _minor_schools: dict[int, set[int]]

    async def _quiet_windows(
        self, session: AsyncSession, group: list[Notification], user_id: int, minor: bool
    ) -> list[QuietHours]:
        """The quiet hours that hold back this message (none: it may go at any hour).

        What the person asked for just now goes at once. A minor's quiet hours come from the
        person, not from the row: every school they are or were in (a withdrawn membership,
        a consent), each school's own hours and the default 21:00–08:00 in its zone even when
        the school switched its hours off; a minor with no school known waits for the
        morning in every zone the deployment's schools are in. An adult's come from the
        row's school, else their schools, else the default zone; urgent kinds go at once."""
        if all(asked_now(r.args) for r in group):
            return []
        if not minor and all(r.kind in URGENT_KINDS for r in group):
            return []
        first = group[0]
        if minor:
            org_ids = set(self._minor_schools.get(user_id, ()))
            if first.organisation_id is not None:
                org_ids.add(first.organisation_id)
        elif first.organisation_id is not None:
            org_ids = {first.organisation_id}
        else:
            org_ids = set(
                await session.scalars(
                    select(Membership.organisation_id)
                    .where(Membership.user_id == user_id, Membership.status != "withdrawn")
                    .distinct()
                )
            )
        missing = [i for i in org_ids if i not in self._windows]
        if missing:
            for org in await session.scalars(
                select(Organisation).where(Organisation.id.in_(missing))
            ):
                self._windows[org.id] = QuietHours(org.timezone, org.quiet_start, org.quiet_end)
        windows = [self._windows[i] for i in sorted(org_ids) if i in self._windows]
        if minor and not windows:
            windows = [QuietHours(zone) for zone in await self._all_school_zones(session)]
        if not windows:
            windows = [QuietHours(self.default_timezone)]
        if minor:
            windows += [QuietHours(w.timezone) for w in windows]
        return windows

    async def _read_minor_schools(self, session: AsyncSession, user_ids: set[int]) -> None:
        """Every organisation each minor is or was in (memberships of any status, consents),
        for the whole claim in one statement."""
        self._minor_schools = {}
        if not user_ids:
            return
        memberships = select(Membership.user_id, Membership.organisation_id).where(
            Membership.user_id.in_(user_ids)
        )
        consents = select(Consent.subject_user_id, Consent.organisation_id).where(
            Consent.subject_user_id.in_(user_ids)
        )
        for user_id, organisation_id in await session.execute(memberships.union(consents)):
            self._minor_schools.setdefault(user_id, set()).add(organisation_id)

    async def _all_school_zones(self, session: AsyncSession) -> list[str]:
        if self._zones is None:
            self._zones = sorted(
                set(
                    await session.scalars(
                        select(Organisation.timezone)
                        .where(Organisation.kind == "school")
                        .distinct()
                    )
                )
                | {self.default_timezone}
            )
        return self._zones
