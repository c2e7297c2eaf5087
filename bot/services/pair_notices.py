"""What pairs and the mentee's choice tell people: every such message goes through the
outbox (a `notification` row written in the acting update's transaction, rendered at send
time in the recipient's language). This is the ONE place the pairs feature queues them.

Each kind maps to a Fluent message in locales/*/pairs.ftl (`MESSAGES`, read by the
renderer). Arguments are stored raw; `young` ("yes"/"no") lets the text speak to a child
with «ты»."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.outbox import Outbox, Queued, curators_of
from bot.services.plan_notices import gather_in_hour
from bot.storage.models import Membership, Notification, User

# What one curator did with a pair reaches the school's other curators gathered: one
# message per recipient per clock hour (like plan notices), a line per change (a pair
# proposed and then approved in the same hour is one line, «утвердил(а)»), at most
# `CURATOR_CHANGES_MAX` lines; the changes beyond are counted («и ещё N»).
CURATOR_KIND = "pair-changed-curator"
CURATOR_GATHER = timedelta(minutes=10)
CURATOR_CHANGES_MAX = 15

# kind -> Fluent message
MESSAGES = {
    "pair-proposed": "pairs-notice-proposed",
    "pair-active": "pairs-notice-active",
    "pair-ended": "pairs-notice-ended",
    "pair-mentor-new": "pairs-notice-mentor-new",
    "pair-mentor-removed": "pairs-notice-mentor-removed",
    "pair-mentor-replaced": "pairs-notice-mentor-replaced",
    "choice-offered": "pairs-notice-choice-offered",
    "choice-chosen": "pairs-notice-choice-chosen",
    "choice-reminder": "pairs-notice-choice-reminder",
    "choice-accepted": "pairs-notice-choice-accepted",
    "choice-accepted-curator": "pairs-notice-choice-accepted-curator",
    "choice-declined": "pairs-notice-choice-declined",
    "choice-declined-curator": "pairs-notice-choice-declined-curator",
    "choice-expired": "pairs-notice-choice-expired",
    "choice-expired-curator": "pairs-notice-choice-expired-curator",
    "choice-others-curator": "pairs-notice-choice-others-curator",
    "pair-changed-curator": "pairs-notice-changed-curator",
    "pair-minor-contact": "pairs-notice-minor-contact",
}


class PairNotices:
    def __init__(self, session: AsyncSession, outbox: Outbox | None = None) -> None:
        self.session = session
        self.outbox = outbox or Outbox(session)
        self.clock = self.outbox.clock

    async def tell(
        self,
        kind: str,
        *,
        subject: str,
        recipients: Iterable[User],
        organisation_id: int,
        args: dict[str, Any],
        period: str = "",
        delay: timedelta = timedelta(0),
        expires_at: datetime | None = None,
        exclude_user_id: int | None = None,
    ) -> int:
        """Queue `kind` for each recipient (not the person acting); returns how many."""
        assert kind in MESSAGES, kind
        queued = 0
        for user in recipients:
            if user.id == exclude_user_id or user.anonymised_at is not None:
                continue
            queued += await self.outbox.enqueue(
                kind=kind,
                subject=subject,
                recipient_user_id=user.id,
                args={**args, "young": "yes" if user.is_minor else "no"},
                period=period or self.clock.now().isoformat(timespec="seconds"),
                organisation_id=organisation_id,
                delay=delay,
                expires_at=expires_at,
            )
        return queued

    async def tell_curators(
        self,
        kind: str,
        *,
        subject: str,
        organisation_id: int,
        args: dict[str, Any],
        exclude_user_id: int | None = None,
        period: str = "",
    ) -> int:
        ids = await curators_of(self.session, organisation_id, exclude_user_id=exclude_user_id)
        users = [u for u in [await self.session.get(User, i) for i in ids] if u is not None]
        return await self.tell(
            kind,
            subject=subject,
            recipients=users,
            organisation_id=organisation_id,
            args=args,
            period=period,
        )

    def rows(
        self,
        kind: str,
        *,
        subject: str,
        recipients: Iterable[User],
        organisation_id: int,
        args: dict[str, Any],
        period: str = "",
    ) -> list[Queued]:
        """What `tell` would queue, as rows for `Outbox.enqueue_many` (a sweep's batch)."""
        assert kind in MESSAGES, kind
        return [
            Queued(
                kind=kind,
                subject=subject,
                recipient_user_id=user.id,
                args={**args, "young": "yes" if user.is_minor else "no"},
                period=period or self.clock.now().isoformat(timespec="seconds"),
                organisation_id=organisation_id,
            )
            for user in recipients
            if user.anonymised_at is None
        ]

    async def curators_by_school(self, organisation_ids: Iterable[int]) -> dict[int, list[User]]:
        """`curators_of` for many schools in one statement: school id -> curators."""
        ids = sorted(set(organisation_ids))
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Membership.organisation_id, User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id.in_(ids),
                Membership.role == "curator",
                Membership.status == "active",
                User.telegram_id.is_not(None),
            )
            .distinct()
            .order_by(Membership.organisation_id, User.id)
        )
        found: dict[int, list[User]] = {}
        for organisation_id, user in rows:
            found.setdefault(organisation_id, []).append(user)
        return found

    async def cancel(self, kind: str, subject: str) -> None:
        """A reminder that is no longer needed (the mentor answered) is not sent."""
        await self.session.execute(
            update(Notification)
            .where(
                Notification.kind == kind,
                Notification.subject == subject,
                Notification.status == "pending",
            )
            .values(status="skipped", reason="answered", finished_at=self.clock.now())
            .execution_options(synchronize_session=False)
        )

    async def curators_changed(
        self, *, organisation_id: int, exclude_user_id: int, change: dict[str, Any]
    ) -> None:
        """Tell the school's other curators of `change` ({"pair", "event", "by", "mentor",
        "mentees", "programme", …}) in each one's message of the hour."""
        ids = await curators_of(self.session, organisation_id, exclude_user_id=exclude_user_id)
        for user_id in ids:
            user = await self.session.get(User, user_id)
            if user is None or user.anonymised_at is not None:
                continue
            await self._gather(user, organisation_id, change)

    async def _gather(self, user: User, organisation_id: int, change: dict[str, Any]) -> None:
        def merge(args: dict[str, Any]) -> dict[str, Any]:
            changes = list(args.get("changes") or [])
            hidden = [list(h) for h in args.get("hidden") or []]  # [pair, event] not listed
            pair = change.get("pair")
            proposed = [
                i
                for i, c in enumerate(changes)
                if c.get("pair") == pair and c.get("event") == "proposed"
            ]
            if change.get("event") == "active" and proposed:
                changes[proposed[0]] = change  # proposed and approved: one line, «утвердил(а)»
            elif change.get("event") == "active" and [pair, "proposed"] in hidden:
                hidden[hidden.index([pair, "proposed"])] = [pair, "active"]
            elif len(changes) < CURATOR_CHANGES_MAX:
                changes.append(change)
            else:
                hidden.append([pair, change.get("event")])
            args["changes"], args["hidden"] = changes, hidden
            return args

        await gather_in_hour(
            self.session,
            self.outbox,
            kind=CURATOR_KIND,
            subject=f"curators:{organisation_id}",
            recipient_id=user.id,
            organisation_id=organisation_id,
            first={"changes": [change], "hidden": [], "young": "no"},
            merge=merge,
            wait=CURATOR_GATHER,
        )
