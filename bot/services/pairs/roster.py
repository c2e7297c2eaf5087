"""The programme's roster: its mentors and mentees with pair, consent and capacity, the
filters' counts, a mentor's capacity, and what each stage still lacks."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from bot.services.access import Actor
from bot.services.errors import InvalidInput, NotFound
from bot.services.matching import LIVE_PAIR_STATUSES, mentor_loads
from bot.services.pairs.base import PairBase
from bot.services.pairs.model import FILTERS, Gap, PersonRow, Roster
from bot.storage.models import Consent, Membership, Pair, PairMentee, User


class RosterMixin(PairBase):
    # --- the roster -----------------------------------------------------------------

    async def roster(self, actor: Actor, programme_id: int) -> Roster:
        """The programme's mentors and mentees with pair, consent and capacity, and the
        counts of every filter: five statements for any number of people."""
        programme = await self.programme_for(actor, programme_id, "pair.roster")
        rows = (
            await self.session.execute(
                select(
                    Membership.id,
                    Membership.user_id,
                    Membership.role,
                    Membership.profile,
                    User.full_name,
                    User.is_minor,
                )
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.programme_id == programme.id,
                    Membership.role.in_(("mentor", "mentee")),
                    Membership.status == "active",
                    User.anonymised_at.is_(None),
                )
                .order_by(User.full_name, Membership.id)
            )
        ).all()
        kinds: dict[int, set[str]] = {}
        for uid, given_by in (
            await self.session.execute(
                select(Consent.subject_user_id, Consent.given_by).where(
                    Consent.organisation_id == programme.organisation_id,
                    Consent.withdrawn_at.is_(None),
                )
            )
        ).all():
            kinds.setdefault(uid, set()).add(given_by)
        paired = dict(
            (
                await self.session.execute(
                    select(PairMentee.mentee_membership_id, PairMentee.pair_id)
                    .join(Pair, Pair.id == PairMentee.pair_id)
                    .where(
                        Pair.programme_id == programme.id,
                        Pair.status.in_(LIVE_PAIR_STATUSES),
                    )
                )
            ).all()
        )
        loads = await mentor_loads(self.session, None, programme.id)
        people = []
        for mid, uid, role, profile, name, minor in rows:
            profile = profile or {}
            given = kinds.get(uid, set())
            complete = bool(given & {"paper"}) or (
                "self" in given and (not minor or "guardian" in given)
            )
            capacity = profile.get("capacity")
            people.append(
                PersonRow(
                    membership_id=mid,
                    user_id=uid,
                    name=name or "",
                    role=role,
                    category=str(profile.get("category") or ""),
                    consent_complete=complete,
                    pair_id=paired.get(mid),
                    capacity=capacity
                    if isinstance(capacity, int) and not isinstance(capacity, bool)
                    else self.rules.default_capacity,
                    load=loads.get(mid, 0),
                )
            )
        counts = {f: sum(1 for p in people if self.matches(p, f)) for f in FILTERS}
        counts["all"] = len(people)
        categories = Counter(p.category for p in people if p.category)
        return Roster(tuple(people), counts, dict(categories))

    @staticmethod
    def matches(row: PersonRow, filter_key: str) -> bool:
        if filter_key.startswith("cat:"):
            return row.category == filter_key[4:]
        return {
            "all": True,
            "no_pair": row.role == "mentee" and row.pair_id is None,
            "mentees": row.role == "mentee",
            "mentors": row.role == "mentor",
            "no_consent": not row.consent_complete,
            "free": row.role == "mentor" and row.free > 0,
            "full": row.role == "mentor" and row.free == 0,
        }.get(filter_key, False)

    async def set_capacity(self, actor: Actor, membership_id: int, capacity: int) -> None:
        """The curator sets how many mentees a mentor takes (kept in the mentor's profile)."""
        membership = await self.access.load_curated(
            actor, Membership, membership_id, "pair.capacity"
        )
        if membership.role != "mentor":
            raise NotFound()
        if not 1 <= capacity <= self.rules.max_capacity:
            raise InvalidInput("pairs-capacity", max=self.rules.max_capacity)
        membership.profile = {**(membership.profile or {}), "capacity": capacity}
        await self.audit.record(
            actor.user_id,
            "pair.capacity",
            organisation_id=membership.organisation_id,
            object_type="membership",
            object_id=membership.id,
            capacity=capacity,
        )

    # --- stages ----------------------------------------------------------------------

    async def gaps(self, actor: Actor, programme_id: int) -> list[Gap]:
        """What each stage still lacks, e.g. «формирование пар: 3 наставляемых без
        наставника»; empty when nothing is missing."""
        roster = await self.roster(actor, programme_id)
        counts = roster.counts
        pair_rows = (
            await self.session.execute(
                select(Pair.status, Pair.order_number, Pair.mentor_accepted_at, func.count())
                .where(Pair.programme_id == programme_id)
                .group_by(Pair.status, Pair.order_number, Pair.mentor_accepted_at)
            )
        ).all()
        proposed = sum(n for s, _, _, n in pair_rows if s == "proposed")
        active = sum(n for s, _, _, n in pair_rows if s == "active")
        no_order = sum(n for s, o, _, n in pair_rows if s in LIVE_PAIR_STATUSES and not o)
        not_accepted = sum(n for s, _, a, n in pair_rows if s == "active" and a is None)
        registering = int(
            await self.session.scalar(
                select(func.count())
                .select_from(Membership)
                .where(Membership.programme_id == programme_id, Membership.status == "registering")
            )
            or 0
        )
        gaps = [
            Gap("mentee_base", "no-mentees", 1 if counts["mentees"] == 0 else 0),
            Gap("mentee_base", "registering", registering),
            Gap("mentor_base", "no-mentors", 1 if counts["mentors"] == 0 else 0),
            Gap("matching", "no-consent", counts["no_consent"]),
            Gap("matching", "no-pair", counts["no_pair"]),
            Gap("matching", "proposed", proposed),
            Gap("matching", "no-order", no_order),
            Gap("working", "not-accepted", not_accepted),
            Gap("completion", "still-active", active),
        ]
        return [g for g in gaps if g.count]
