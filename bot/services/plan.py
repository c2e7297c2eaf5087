"""The individual development plan: goals and tasks of a mentee in an active pair, with a
due date and a status. The pair's mentor and that mentee add and update it; the school's
curators see every plan and its progress. No aiogram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.pairs import PairService, PairView
from bot.services.plan_notices import PlanNotices
from bot.services.registration import clean_text
from bot.storage.models import Pair, PairMentee, PlanItem, User, utcnow

KINDS = ("goal", "task")
STATUSES = ("planned", "in_progress", "done", "dropped")
TITLE_MAX = 200
ITEMS_MAX = 50


@dataclass(frozen=True, slots=True)
class PlanItemView:
    id: int
    pair_id: int
    mentee_membership_id: int
    kind: str
    title: str
    due: date | None
    status: str

    @classmethod
    def of(cls, item: PlanItem) -> PlanItemView:
        return cls(
            item.id,
            item.pair_id,
            item.mentee_membership_id,
            item.kind,
            item.title,
            item.due,
            item.status,
        )


@dataclass(frozen=True, slots=True)
class Progress:
    pair_id: int
    mentee_membership_id: int
    total: int
    done: int
    in_progress: int


class PlanService:
    def __init__(
        self, session: AsyncSession, access: AccessService, audit: AuditService, pairs: PairService
    ) -> None:
        self.session = session
        self.access = access
        self.audit = audit
        self.pairs = pairs
        self.notices = PlanNotices(session, pairs.notices.outbox)

    async def _tell_other_side(
        self, view: PairView, actor: Actor, item: PlanItem, what: str
    ) -> None:
        """The mentor's edit reaches that mentee, a mentee's reaches the mentor (coalesced
        per hour: see PlanNotices)."""
        if view.mentor.user_id == actor.user_id:
            others = [
                m.user_id for m in view.mentees if m.membership_id == item.mentee_membership_id
            ]
        else:
            others = [view.mentor.user_id]
        for user_id in others:
            user = await self.session.get(User, user_id)
            if user is None or user.id == actor.user_id:
                continue
            await self.notices.changed(
                pair_id=view.id,
                organisation_id=view.organisation_id,
                recipient=user,
                by=actor.person.full_name or "",
                change={
                    "what": what,
                    "kind": item.kind,
                    "title": item.title,
                    "status": item.status,
                },
            )

    async def _pair_for(self, actor: Actor, pair_id: int, mentee_membership_id: int) -> PairView:
        view = await self.pairs.get(actor, pair_id)  # refuses outsiders
        if not any(m.membership_id == mentee_membership_id for m in view.mentees):
            raise NotFound()
        return view

    def _may_edit(self, view: PairView, actor: Actor, mentee_membership_id: int) -> bool:
        if view.mentor.user_id == actor.user_id:
            return True
        return any(
            m.membership_id == mentee_membership_id and m.user_id == actor.user_id
            for m in view.mentees
        )

    async def items(
        self, actor: Actor, pair_id: int, mentee_membership_id: int
    ) -> list[PlanItemView]:
        """The plan of one mentee of the pair: for the pair's members and its curators."""
        view = await self._pair_for(actor, pair_id, mentee_membership_id)
        if view.side_of(actor.user_id) == "mentee" and not self._may_edit(
            view, actor, mentee_membership_id
        ):
            # In a group a mentee sees only their own plan.
            raise await self.access.deny(actor, "plan.view", object_type="pair", object_id=pair_id)
        rows = await self.session.scalars(
            select(PlanItem)
            .where(
                PlanItem.pair_id == pair_id,
                PlanItem.mentee_membership_id == mentee_membership_id,
            )
            .order_by(PlanItem.kind, PlanItem.due.is_(None), PlanItem.due, PlanItem.id)
        )
        return [PlanItemView.of(i) for i in rows]

    async def _editable(self, actor: Actor, pair_id: int, mentee_membership_id: int) -> PairView:
        view = await self._pair_for(actor, pair_id, mentee_membership_id)
        if not self._may_edit(view, actor, mentee_membership_id):
            raise await self.access.deny(actor, "plan.edit", object_type="pair", object_id=pair_id)
        if view.status != "active":
            raise DomainError("pairs-not-active")
        return view

    async def add(
        self,
        actor: Actor,
        pair_id: int,
        mentee_membership_id: int,
        kind: str,
        title: str,
        due: date | None = None,
    ) -> PlanItemView:
        if kind not in KINDS:
            raise InvalidInput("plan-kind")
        view = await self._editable(actor, pair_id, mentee_membership_id)
        count = await self.session.scalar(
            select(func.count())
            .select_from(PlanItem)
            .where(
                PlanItem.pair_id == pair_id,
                PlanItem.mentee_membership_id == mentee_membership_id,
            )
        )
        if (count or 0) >= ITEMS_MAX:
            raise InvalidInput("plan-too-many", limit=ITEMS_MAX)
        item = PlanItem(
            pair_id=view.id,
            mentee_membership_id=mentee_membership_id,
            kind=kind,
            title=clean_text(title, TITLE_MAX),
            due=due,
            created_by_user_id=actor.user_id,
        )
        self.session.add(item)
        await self.session.flush()
        await self._tell_other_side(view, actor, item, "added")
        return PlanItemView.of(item)

    async def _item(self, actor: Actor, item_id: int) -> tuple[PlanItem, PairView]:
        item = await self.session.get(PlanItem, item_id)
        if item is None:  # refused like another school's (an admin is told it is missing)
            await self.access.require_curator(
                actor, None, "plan.edit", object_type="plan_item", object_id=item_id
            )
            raise NotFound()
        view = await self._editable(actor, item.pair_id, item.mentee_membership_id)
        return item, view

    async def set_status(self, actor: Actor, item_id: int, status: str) -> PlanItemView:
        if status not in STATUSES:
            raise InvalidInput("plan-status")
        item, view = await self._item(actor, item_id)
        changed = item.status != status
        item.status = status
        item.updated_at = utcnow()
        await self.session.flush()
        if changed:
            await self._tell_other_side(view, actor, item, "status")
        return PlanItemView.of(item)

    async def set_due(self, actor: Actor, item_id: int, due: date | None) -> PlanItemView:
        item, _view = await self._item(actor, item_id)
        item.due = due
        item.updated_at = utcnow()
        await self.session.flush()
        return PlanItemView.of(item)

    async def progress(self, actor: Actor, programme_id: int) -> list[Progress]:
        """Every plan of the programme with its progress, for the curator: one statement
        after the access check."""
        await self.pairs.programme_for(actor, programme_id, "plan.progress")
        rows = (
            await self.session.execute(
                select(
                    PairMentee.pair_id,
                    PairMentee.mentee_membership_id,
                    func.count(PlanItem.id),
                    func.count(PlanItem.id).filter(PlanItem.status == "done"),
                    func.count(PlanItem.id).filter(PlanItem.status == "in_progress"),
                )
                .join(Pair, Pair.id == PairMentee.pair_id)
                .outerjoin(
                    PlanItem,
                    (PlanItem.pair_id == PairMentee.pair_id)
                    & (PlanItem.mentee_membership_id == PairMentee.mentee_membership_id),
                )
                .where(Pair.programme_id == programme_id, Pair.status == "active")
                .group_by(PairMentee.pair_id, PairMentee.mentee_membership_id)
                .order_by(PairMentee.pair_id, PairMentee.mentee_membership_id)
            )
        ).all()
        return [Progress(p, m, int(t), int(d), int(i)) for p, m, t, d, i in rows]
