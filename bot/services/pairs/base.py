"""What every part of the pairs service shares: its collaborators, pairs read with their
people in a few statements, a pair or programme loaded for its curator, and the notices
every change sends to the pair's members and the school's other curators."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.catalog import Catalog
from bot.services.consent import ConsentService
from bot.services.errors import NotFound
from bot.services.matching import MatchingRules
from bot.services.outbox import Outbox
from bot.services.pair_notices import PairNotices
from bot.services.pairs.model import Member, PairView
from bot.services.programmes import STAGES
from bot.storage.models import (
    GuardianLink,
    Membership,
    Pair,
    PairMentee,
    PairMentorTerm,
    Programme,
    User,
)

_Person = tuple[Any, Any, Any, Any]  # user id, full name, is minor, telegram id


class PairBase:
    def __init__(
        self,
        session: AsyncSession,
        access: AccessService,
        audit: AuditService,
        consent: ConsentService,
        catalog: Catalog,
        rules: MatchingRules,
        outbox: Outbox | None = None,
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.consent = consent
        self.catalog = catalog
        self.rules = rules
        self.notices = PairNotices(session, outbox)
        self.clock = self.notices.clock

    # --- reading ------------------------------------------------------------------------

    async def _views(self, query: Select[Any]) -> list[PairView]:
        """Pairs with their people in four statements, however many pairs."""
        pairs = list(await self.session.scalars(query))
        if not pairs:
            return []
        ids = [p.id for p in pairs]
        programmes = {
            p.id: p
            for p in await self.session.scalars(
                select(Programme).where(Programme.id.in_({p.programme_id for p in pairs}))
            )
        }
        links = (
            await self.session.execute(
                select(PairMentee.pair_id, PairMentee.mentee_membership_id, PairMentee.accepted_at)
                .where(PairMentee.pair_id.in_(ids))
                .order_by(PairMentee.mentee_membership_id)
            )
        ).all()
        terms = (
            await self.session.execute(
                select(PairMentorTerm.pair_id, PairMentorTerm.mentor_membership_id)
                .where(PairMentorTerm.pair_id.in_(ids), PairMentorTerm.ended_at.is_not(None))
                .order_by(PairMentorTerm.started_at, PairMentorTerm.id)
            )
        ).all()
        member_ids = (
            {p.mentor_membership_id for p in pairs}
            | {m for _, m, _ in links}
            | {m for _, m in terms}
        )
        people = await self._people(member_ids)
        return [
            _pair_view(
                p,
                programmes[p.programme_id],
                [(m, at) for pid, m, at in links if pid == p.id],
                [m for pid, m in terms if pid == p.id],
                people,
            )
            for p in pairs
        ]

    async def _people(self, member_ids: set[int]) -> dict[int, _Person]:
        """Membership id → (user id, name, minor, telegram id)."""
        return {
            mid: (uid, name, minor, tg)
            for mid, uid, name, minor, tg in (
                await self.session.execute(
                    select(
                        Membership.id,
                        User.id,
                        User.full_name,
                        User.is_minor,
                        User.telegram_id,
                    )
                    .join(User, User.id == Membership.user_id)
                    .where(Membership.id.in_(member_ids))
                )
            ).all()
        }

    async def _view(self, pair_id: int) -> PairView:
        views = await self._views(select(Pair).where(Pair.id == pair_id))
        if not views:
            raise NotFound()
        return views[0]

    async def _managed(self, actor: Actor, pair_id: int, action: str) -> Pair:
        """The pair, for a curator of its school (refused alike when missing)."""
        return await self.access.load_curated(actor, Pair, pair_id, action)

    async def programme_for(self, actor: Actor, programme_id: int, action: str) -> Programme:
        return await self.access.load_curated(actor, Programme, programme_id, action)

    async def _members(self, ids: Iterable[int]) -> dict[int, tuple[Membership, User]]:
        rows = (
            await self.session.execute(
                select(Membership, User)
                .join(User, User.id == Membership.user_id)
                .where(Membership.id.in_(set(ids)))
            )
        ).all()
        return {m.id: (m, u) for m, u in rows}

    async def _advance(self, programme: Programme, stage: str) -> None:
        """The stage moves on with the work, never back (the curator may move it by hand)."""
        current = STAGES.index(programme.stage) if programme.stage in STAGES else 0
        if STAGES.index(stage) > current:
            programme.stage = stage

    async def _users(self, view: PairView) -> dict[int, User]:
        ids = [view.mentor.user_id, *(m.user_id for m in view.mentees)]
        rows = await self.session.scalars(select(User).where(User.id.in_(ids)))
        return {u.id: u for u in rows}

    async def _tell_members(
        self, view: PairView, kind: str, actor_id: int | None, **extra: Any
    ) -> None:
        """Each side hears of the change with the other side's names."""
        users = await self._users(view)
        mentees = ", ".join(m.name for m in view.mentees)
        subject = f"pair:{view.id}"
        mentor_user = users.get(view.mentor.user_id)
        if mentor_user is not None:
            await self.notices.tell(
                kind,
                subject=subject,
                recipients=[mentor_user],
                organisation_id=view.organisation_id,
                args={"side": "mentor", "partner": mentees, "count": len(view.mentees), **extra},
                exclude_user_id=actor_id,
            )
        await self.notices.tell(
            kind,
            subject=subject,
            recipients=[users[m.user_id] for m in view.mentees if m.user_id in users],
            organisation_id=view.organisation_id,
            args={"side": "mentee", "partner": view.mentor.name, "count": 1, **extra},
            exclude_user_id=actor_id,
        )

    async def _tell_other_curators(
        self, view: PairView, event: str, actor: Actor, **extra: Any
    ) -> None:
        """The school's other curators hear what one of them did with a pair: gathered
        into one message per curator per hour (`PairNotices.curators_changed`)."""
        await self.notices.curators_changed(
            organisation_id=view.organisation_id,
            exclude_user_id=actor.user_id,
            change={
                "pair": view.id,
                "event": event,
                "by": actor.person.full_name or "",
                "mentor": view.mentor.name,
                "mentees": ", ".join(m.name for m in view.mentees),
                "programme": view.programme_name,
                **extra,
            },
        )

    async def _tell_parents_of_contact(self, view: PairView) -> None:
        """Each child's parents hear that the mentor can write to the child directly."""
        if not view.contact_allowed or not view.with_minor:
            return
        children = [m for m in (view.mentor, *view.mentees) if m.is_minor]
        for child in children:
            parents = (
                await self.session.scalars(
                    select(User)
                    .join(GuardianLink, GuardianLink.guardian_user_id == User.id)
                    .where(
                        GuardianLink.minor_user_id == child.user_id,
                        GuardianLink.confirmed_at.is_not(None),
                    )
                    .distinct()
                )
            ).all()
            partner = (
                view.mentor.name
                if child is not view.mentor
                else ", ".join(m.name for m in view.mentees)
            )
            await self.notices.tell(
                "pair-minor-contact",
                subject=f"pair:{view.id}:{child.user_id}",
                recipients=parents,
                organisation_id=view.organisation_id,
                args={"child": child.name, "partner": partner, "programme": view.programme_name},
                period="on",
            )


_NOBODY: _Person = (0, "", False, None)


def _pair_view(
    pair: Pair,
    programme: Programme,
    mentees: list[tuple[int, datetime | None]],
    past_mentors: list[int],
    people: dict[int, _Person],
) -> PairView:
    """One pair's view from the rows `_views` read for all of them."""

    def member(mid: int, accepted_at: datetime | None) -> Member:
        uid, name, minor, tg = people.get(mid, _NOBODY)
        return Member(mid, uid, name or "", bool(minor), tg, accepted_at)

    return PairView(
        id=pair.id,
        organisation_id=pair.organisation_id,
        programme_id=pair.programme_id,
        programme_name=programme.name,
        form_key=programme.form_key,
        contact_sharing=programme.contact_sharing,
        minor_contact=programme.minor_contact,
        status=pair.status,
        mentor=member(pair.mentor_membership_id, pair.mentor_accepted_at),
        mentees=tuple(member(m, at) for m, at in mentees),
        order_number=pair.order_number,
        order_date=pair.order_date,
        end_reason=pair.end_reason,
        end_note=pair.end_note,
        created_at=pair.created_at,
        activated_at=pair.activated_at,
        ended_at=pair.ended_at,
        past_mentors=tuple(people.get(m, _NOBODY)[1] or "" for m in past_mentors),
    )
