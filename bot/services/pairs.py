"""Pairs and groups: a curator proposes them (nobody without complete consent), activates,
ends, replaces a mentor (the pair keeps its plan, meetings and history), records the
school's order for several pairs at once; the mentee's choice among offered candidates;
the agreement each side accepts; the programme's stage moving on with the work.

Access is decided here for every call, from ids the client sent: a school's curators
manage its pairs, a pair's own members see it. Everyone concerned is told of a change
through `PairNotices` (the outbox), in the acting update's transaction. No aiogram here.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.audit import AuditService
from bot.services.catalog import CATALOG_DIR, Catalog
from bot.services.consent import ConsentService
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.matching import (
    LIVE_PAIR_STATUSES,
    Assignment,
    MatchingRules,
    MatchingService,
    MenteeProfile,
    assign,
    mentor_loads,
)
from bot.services.outbox import Outbox
from bot.services.pair_notices import PairNotices
from bot.services.programmes import STAGES
from bot.services.registration import clean_text
from bot.storage.models import (
    Candidate,
    Consent,
    GuardianLink,
    Membership,
    Pair,
    PairMentee,
    PairMentorTerm,
    Programme,
    User,
)

END_REASONS = (
    "goal_reached",
    "programme_over",
    "mentee_left",
    "mentor_left",
    "no_contact",
    "not_working_together",
    "other",
)
OUTCOMES = ("completed", "terminated")
ORDER_NUMBER_MAX = 64
NOTE_MAX = 500
CHOICE_MIN, CHOICE_MAX = 2, 3
ANSWER_DAYS = 3
REMINDER_AFTER = timedelta(days=2)
OPEN_ANSWERS = (None, "chosen")
FILTERS = ("no_pair", "mentees", "mentors", "no_consent", "free", "full")


@dataclass(frozen=True, slots=True)
class Member:
    membership_id: int
    user_id: int
    name: str
    is_minor: bool
    telegram_id: int | None
    accepted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class PairView:
    id: int
    organisation_id: int
    programme_id: int
    programme_name: str
    form_key: str
    contact_sharing: bool
    status: str
    mentor: Member
    mentees: tuple[Member, ...]
    order_number: str | None
    order_date: date | None
    end_reason: str | None
    end_note: str | None
    created_at: datetime
    activated_at: datetime | None
    ended_at: datetime | None
    past_mentors: tuple[str, ...]
    minor_contact: bool = False

    @property
    def with_minor(self) -> bool:
        """A child is in the pair (a mentee, or a student mentor)."""
        return self.mentor.is_minor or any(m.is_minor for m in self.mentees)

    @property
    def contact_allowed(self) -> bool:
        """Whether its members get a button that opens each other's chat: the programme
        shares contacts, and for a pair with a child the curator turned that on too."""
        return self.contact_sharing and (self.minor_contact or not self.with_minor)

    @property
    def is_group(self) -> bool:
        return len(self.mentees) > 1

    @property
    def live(self) -> bool:
        return self.status in LIVE_PAIR_STATUSES

    def side_of(self, user_id: int) -> str | None:
        if self.mentor.user_id == user_id:
            return "mentor"
        if any(m.user_id == user_id for m in self.mentees):
            return "mentee"
        return None

    def accepted_by(self, user_id: int) -> bool:
        members = [self.mentor, *self.mentees]
        return any(m.user_id == user_id and m.accepted_at is not None for m in members)


@dataclass(frozen=True, slots=True)
class PersonRow:
    membership_id: int
    user_id: int
    name: str
    role: str
    category: str
    consent_complete: bool
    pair_id: int | None
    capacity: int
    load: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.load, 0)


@dataclass(frozen=True, slots=True)
class Roster:
    rows: tuple[PersonRow, ...]
    counts: dict[str, int]
    categories: dict[str, int]


@dataclass(frozen=True, slots=True)
class CandidateView:
    id: int
    mentor_membership_id: int
    name: str
    helps_with: str  # the mentor's competences, as they typed them
    times: tuple[str, ...]  # meeting-time keys
    answer: str | None


@dataclass(frozen=True, slots=True)
class Gap:
    stage: str
    key: str  # pairs-gap-<key>
    count: int


def _young(user: User) -> str:
    return "yes" if user.is_minor else "no"


class PairService:
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
        people = {
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

        def member(mid: int, accepted_at: datetime | None) -> Member:
            uid, name, minor, tg = people.get(mid, (0, "", False, None))
            return Member(mid, uid, name or "", bool(minor), tg, accepted_at)

        views = []
        for p in pairs:
            programme = programmes[p.programme_id]
            views.append(
                PairView(
                    id=p.id,
                    organisation_id=p.organisation_id,
                    programme_id=p.programme_id,
                    programme_name=programme.name,
                    form_key=programme.form_key,
                    contact_sharing=programme.contact_sharing,
                    minor_contact=programme.minor_contact,
                    status=p.status,
                    mentor=member(p.mentor_membership_id, p.mentor_accepted_at),
                    mentees=tuple(member(m, at) for pid, m, at in links if pid == p.id),
                    order_number=p.order_number,
                    order_date=p.order_date,
                    end_reason=p.end_reason,
                    end_note=p.end_note,
                    created_at=p.created_at,
                    activated_at=p.activated_at,
                    ended_at=p.ended_at,
                    past_mentors=tuple(
                        people.get(m, (0, "", False, None))[1] or ""
                        for pid, m in terms
                        if pid == p.id
                    ),
                )
            )
        return views

    async def _view(self, pair_id: int) -> PairView:
        views = await self._views(select(Pair).where(Pair.id == pair_id))
        if not views:
            raise NotFound()
        return views[0]

    async def _managed(self, actor: Actor, pair_id: int, action: str) -> Pair:
        """The pair, for a curator of its school (refused alike when missing)."""
        pair = await self.session.get(Pair, pair_id)
        await self.access.require_curator(
            actor,
            pair.organisation_id if pair else None,
            action,
            object_type="pair",
            object_id=pair_id,
        )
        if pair is None:
            raise NotFound()
        return pair

    async def get(self, actor: Actor, pair_id: int) -> PairView:
        """A pair for its school's curators and its own members; anyone else is refused
        (and audited) alike whether the pair exists or not."""
        pair = await self.session.get(Pair, pair_id)
        if pair is not None and not actor.is_curator_of(pair.organisation_id):
            view = await self._view(pair.id)
            if view.side_of(actor.user_id) is not None:
                return view
            raise await self.access.deny(
                actor,
                "pair.view",
                object_type="pair",
                object_id=pair_id,
                target_organisation_id=pair.organisation_id,
            )
        await self.access.require_curator(
            actor,
            pair.organisation_id if pair else None,
            "pair.view",
            object_type="pair",
            object_id=pair_id,
        )
        if pair is None:
            raise NotFound()
        return await self._view(pair.id)

    async def mine(self, actor: Actor) -> list[PairView]:
        """The person's live pairs (and those ended in the last 30 days), as mentor or
        mentee: a mentor with several mentees sees each pair or group."""
        mine = select(Membership.id).where(
            Membership.user_id == actor.user_id, Membership.role.in_(("mentor", "mentee"))
        )
        recent = self.clock.now() - timedelta(days=30)
        query = (
            select(Pair)
            .where(
                (Pair.mentor_membership_id.in_(mine))
                | Pair.id.in_(
                    select(PairMentee.pair_id).where(PairMentee.mentee_membership_id.in_(mine))
                ),
                Pair.status.in_(LIVE_PAIR_STATUSES) | (Pair.ended_at >= recent),
            )
            .order_by(Pair.id)
        )
        return await self._views(query)

    async def of_programme(
        self, actor: Actor, programme_id: int, statuses: Sequence[str] | None = None
    ) -> list[PairView]:
        programme = await self.programme_for(actor, programme_id, "pair.list")
        query = select(Pair).where(Pair.programme_id == programme.id).order_by(Pair.id)
        if statuses:
            query = query.where(Pair.status.in_(statuses))
        return await self._views(query)

    async def programme_for(self, actor: Actor, programme_id: int, action: str) -> Programme:
        programme = await self.session.get(Programme, programme_id)
        await self.access.require_curator(
            actor,
            programme.organisation_id if programme else None,
            action,
            object_type="programme",
            object_id=programme_id,
        )
        if programme is None:
            raise NotFound()
        return programme

    async def set_contact_sharing(self, actor: Actor, programme_id: int, on: bool) -> bool:
        """Whether pair members get a button that opens each other's chat."""
        programme = await self.programme_for(actor, programme_id, "pair.contacts")
        programme.contact_sharing = on
        await self.audit.record(
            actor.user_id,
            "pair.contacts",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            on=on,
        )
        return on

    async def set_minor_contact(self, actor: Actor, programme_id: int, on: bool) -> bool:
        """Whether a pair with a child gets the chat button too. Turned on, the parents of
        the children in the programme's live pairs are told."""
        programme = await self.programme_for(actor, programme_id, "pair.minor-contacts")
        was = programme.minor_contact
        programme.minor_contact = on
        await self.audit.record(
            actor.user_id,
            "pair.minor-contacts",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            on=on,
        )
        if on and not was:
            for view in await self.of_programme(actor, programme.id, ("active",)):
                await self._tell_parents_of_contact(view)
        return on

    async def programme_has_minors(self, programme_id: int) -> bool:
        """Whether a child takes part in the programme (its curator then sees the switch)."""
        found = await self.session.scalar(
            select(Membership.id)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.programme_id == programme_id,
                Membership.status == "active",
                User.is_minor.is_(True),
            )
            .limit(1)
        )
        return found is not None

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
        membership = await self.session.get(Membership, membership_id)
        await self.access.require_curator(
            actor,
            membership.organisation_id if membership else None,
            "pair.capacity",
            object_type="membership",
            object_id=membership_id,
        )
        if membership is None or membership.role != "mentor":
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

    # --- forming pairs ----------------------------------------------------------------

    async def _members(self, ids: Iterable[int]) -> dict[int, tuple[Membership, User]]:
        rows = (
            await self.session.execute(
                select(Membership, User)
                .join(User, User.id == Membership.user_id)
                .where(Membership.id.in_(set(ids)))
            )
        ).all()
        return {m.id: (m, u) for m, u in rows}

    async def _check_people(
        self,
        actor: Actor,
        action: str,
        mentor_id: int,
        mentee_ids: Sequence[int],
        programme_id: int | None = None,
    ) -> tuple[tuple[Membership, User], list[tuple[Membership, User]]]:
        """Every id the client named is a live participant of one programme of the actor's
        school; a missing or foreign one is refused alike; consent is complete."""
        found = await self._members([mentor_id, *mentee_ids])
        for mid in [mentor_id, *mentee_ids]:
            named = found.get(mid)
            await self.access.require_curator(
                actor,
                named[0].organisation_id if named else None,
                action,
                object_type="membership",
                object_id=mid,
            )
        mentor = found[mentor_id]
        mentees = [found[m] for m in dict.fromkeys(mentee_ids)]
        programme_id = programme_id or mentor[0].programme_id
        for membership, user in [mentor, *mentees]:
            if (
                membership.programme_id != programme_id
                or membership.status != "active"
                or user.anonymised_at is not None
            ):
                raise DomainError("pairs-not-participant")
        if mentor[0].role != "mentor" or any(m.role != "mentee" for m, _ in mentees):
            raise DomainError("pairs-wrong-role")
        for membership, user in [mentor, *mentees]:
            try:
                await self.consent.require_complete(user.id, membership.organisation_id)
            except DomainError:
                raise DomainError("pairs-consent-incomplete", name=user.full_name or "") from None
        return mentor, mentees

    async def _taken(self, mentee_ids: Sequence[int], except_pair: int | None = None) -> None:
        query = (
            select(PairMentee.mentee_membership_id)
            .join(Pair, Pair.id == PairMentee.pair_id)
            .where(
                PairMentee.mentee_membership_id.in_(mentee_ids),
                Pair.status.in_(LIVE_PAIR_STATUSES),
            )
        )
        if except_pair is not None:
            query = query.where(Pair.id != except_pair)
        if (await self.session.scalars(query)).first() is not None:
            raise DomainError("pairs-mentee-taken")

    async def propose(
        self,
        actor: Actor,
        mentor_membership_id: int,
        mentee_membership_ids: Sequence[int],
        *,
        created_by_user_id: int | None = None,
    ) -> PairView:
        """A pair (one mentee) or a group (several), proposed by the curator."""
        if not mentee_membership_ids:
            raise InvalidInput("pairs-no-mentee")
        (mentor, _), mentees = await self._check_people(
            actor, "pair.propose", mentor_membership_id, mentee_membership_ids
        )
        await self._taken([m.id for m, _ in mentees])
        pair = await self._create(mentor, mentees, created_by_user_id or actor.user_id)
        await self._close_offers([m.id for m, _ in mentees], "withdrawn", "paired")
        view = await self._view(pair.id)
        await self.audit.record(
            actor.user_id,
            "pair.propose",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
            mentor=mentor.id,
            mentees=[m.id for m, _ in mentees],
        )
        await self._tell_members(view, "pair-proposed", actor.user_id)
        await self._tell_other_curators(view, "proposed", actor)
        return view

    # --- «✨ Предложения»: the best mentor for every free mentee, proposed together ----

    async def suggest_all(self, actor: Actor, programme_id: int) -> list[Assignment]:
        """A line per mentee without a pair (consent complete, not choosing among offered
        candidates): the mentor `matching.assign` gives them, no mentor suggested to more
        mentees than their free places. A fixed number of statements for any school."""
        programme = await self.programme_for(actor, programme_id, "pair.suggest-all")
        roster = await self.roster(actor, programme.id)
        choosing = set(
            await self.session.scalars(
                select(Candidate.mentee_membership_id).where(
                    Candidate.programme_id == programme.id,
                    Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
                )
            )
        )
        free = [
            r
            for r in roster.rows
            if r.role == "mentee"
            and r.pair_id is None
            and r.consent_complete
            and r.membership_id not in choosing
        ]
        ready_mentors = {r.membership_id for r in roster.rows if r.role == "mentor"}
        ready_mentors &= {r.membership_id for r in roster.rows if r.consent_complete}
        if not free:
            return []
        profiles = {
            mid: (profile or {}, minor)
            for mid, profile, minor in (
                await self.session.execute(
                    select(Membership.id, Membership.profile, User.is_minor)
                    .join(User, User.id == Membership.user_id)
                    .where(Membership.id.in_([r.membership_id for r in free]))
                )
            ).all()
        }
        form = self.catalog.form(programme.form_key)
        matching = MatchingService(self.session, self.access, self.catalog, self.rules)
        mentors = [
            m for m in await matching.mentors_of(programme.id) if m.membership_id in ready_mentors
        ]
        mentees = [
            (
                MenteeProfile.of(
                    r.membership_id,
                    profiles.get(r.membership_id, ({}, None))[0],
                    profiles.get(r.membership_id, ({}, None))[1],
                    form.mentee_kind if form else None,
                    self.rules.min_word,
                ),
                r.name,
            )
            for r in free
        ]
        return assign(mentees, mentors, self.rules, form.mentor_kind if form else None)

    async def propose_suggested(
        self, actor: Actor, programme_id: int, only: int | None = None
    ) -> list[PairView]:
        """«Предложить все» (or one line, `only` = the mentee): the suggestions are worked
        out again here, never taken from the client, and each is proposed through
        `propose` (its checks, its notices) in the caller's one transaction."""
        if only is not None:
            member = await self.session.get(Membership, only)
            await self.access.require_curator(
                actor,
                member.organisation_id if member else None,
                "pair.propose",
                object_type="membership",
                object_id=only,
            )
        lines = [
            line
            for line in await self.suggest_all(actor, programme_id)
            if line.suggestion is not None and (only is None or line.mentee_membership_id == only)
        ]
        if not lines:
            raise DomainError("pairs-suggestion-gone")
        views = []
        for line in lines:
            assert line.suggestion is not None
            views.append(
                await self.propose(
                    actor, line.suggestion.mentor_membership_id, [line.mentee_membership_id]
                )
            )
        return views

    async def activate_many(self, actor: Actor, pair_ids: Sequence[int]) -> list[PairView]:
        """«Утвердить все»: each pair goes through `activate` (access, its notices); pairs
        already active (a second tap) are left as they are."""
        pending = []
        for pid in dict.fromkeys(pair_ids):
            pair = await self._managed(actor, pid, "pair.activate")
            if pair.status == "proposed":
                pending.append(pair.id)
        if not pending:
            raise DomainError("pairs-not-proposed")
        return [await self.activate(actor, pid) for pid in pending]

    async def _create(
        self, mentor: Membership, mentees: Sequence[tuple[Membership, User]], by: int | None
    ) -> Pair:
        assert mentor.programme_id is not None
        pair = Pair(
            organisation_id=mentor.organisation_id,
            programme_id=mentor.programme_id,
            mentor_membership_id=mentor.id,
            status="proposed",
            created_by_user_id=by,
        )
        self.session.add(pair)
        await self.session.flush()
        try:
            # `_taken` looked first, but another update may be forming a pair for the same
            # mentee right now: the database's index (one live pair per mentee) decides.
            async with self.session.begin_nested():
                self.session.add_all(
                    [PairMentee(pair_id=pair.id, mentee_membership_id=m.id) for m, _ in mentees]
                )
        except IntegrityError:
            raise DomainError("pairs-mentee-taken") from None
        self.session.add(
            PairMentorTerm(
                pair_id=pair.id, mentor_membership_id=mentor.id, started_at=self.clock.now()
            )
        )
        await self.session.flush()
        programme = await self.session.get(Programme, pair.programme_id)
        if programme is not None:
            await self._advance(programme, "matching")
        return pair

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

    async def activate(self, actor: Actor, pair_id: int) -> PairView:
        pair = await self._managed(actor, pair_id, "pair.activate")
        if pair.status != "proposed":
            raise DomainError("pairs-not-proposed")
        pair.status = "active"
        pair.activated_at = self.clock.now()
        programme = await self.session.get(Programme, pair.programme_id)
        if programme is not None:
            await self._advance(programme, "working")
        await self.audit.record(
            actor.user_id,
            "pair.activate",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
        )
        view = await self._view(pair.id)
        await self._tell_members(
            view,
            "pair-active",
            actor.user_id,
            # One tap to «Моя пара»: the agreement to accept and the partner's contact.
            _buttons=[[{"label": "notice-btn-pair", "open": "pair", "id": view.id}]],
        )
        await self._tell_parents_of_contact(view)
        await self._tell_other_curators(view, "active", actor)
        return view

    async def end(
        self,
        actor: Actor,
        pair_id: int,
        outcome: str,
        reason: str | None = None,
        note: str | None = None,
    ) -> PairView:
        """completed or terminated; a termination needs a reason from the list, or
        "other" with the reason typed."""
        pair = await self._managed(actor, pair_id, "pair.end")
        if outcome not in OUTCOMES:
            raise InvalidInput("pairs-outcome")
        if pair.status not in LIVE_PAIR_STATUSES:
            raise DomainError("pairs-not-live")
        if reason is not None and reason not in END_REASONS:
            raise InvalidInput("pairs-reason")
        if outcome == "terminated" and reason is None:
            raise InvalidInput("pairs-reason")
        if reason == "other":
            note = clean_text(note or "", NOTE_MAX)
        pair.status = outcome
        pair.end_reason = reason
        pair.end_note = note if reason == "other" else None
        pair.ended_at = self.clock.now()
        term = await self.session.scalar(
            select(PairMentorTerm).where(
                PairMentorTerm.pair_id == pair.id, PairMentorTerm.ended_at.is_(None)
            )
        )
        if term is not None:
            term.ended_at = pair.ended_at
        await self.audit.record(
            actor.user_id,
            "pair.end",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
            outcome=outcome,
            reason=reason,
        )
        view = await self._view(pair.id)
        await self._tell_members(
            view, "pair-ended", actor.user_id, outcome=outcome, reason=reason or "none"
        )
        await self._tell_other_curators(view, outcome, actor)
        return view

    async def replace_mentor(
        self, actor: Actor, pair_id: int, new_mentor_membership_id: int, reason: str = ""
    ) -> PairView:
        """A new mentor for a live pair: the pair keeps its id, plan, meetings and history;
        the old mentor's term ends; the new mentor accepts the agreement afresh."""
        pair = await self._managed(actor, pair_id, "pair.replace")
        if pair.status not in LIVE_PAIR_STATUSES:
            raise DomainError("pairs-not-live")
        if new_mentor_membership_id == pair.mentor_membership_id:
            raise DomainError("pairs-same-mentor")
        mentee_ids = list(
            await self.session.scalars(
                select(PairMentee.mentee_membership_id).where(PairMentee.pair_id == pair.id)
            )
        )
        (new_mentor, new_user), _ = await self._check_people(
            actor, "pair.replace", new_mentor_membership_id, [], pair.programme_id
        )
        old = await self._view(pair.id)
        now = self.clock.now()
        term = await self.session.scalar(
            select(PairMentorTerm).where(
                PairMentorTerm.pair_id == pair.id, PairMentorTerm.ended_at.is_(None)
            )
        )
        if term is None:  # a pair from before terms were kept: its mentor's term now
            term = PairMentorTerm(
                pair_id=pair.id,
                mentor_membership_id=pair.mentor_membership_id,
                started_at=pair.created_at,
            )
            self.session.add(term)
        term.ended_at = now
        term.end_reason = reason[:NOTE_MAX] or None
        self.session.add(
            PairMentorTerm(pair_id=pair.id, mentor_membership_id=new_mentor.id, started_at=now)
        )
        pair.mentor_membership_id = new_mentor.id
        pair.mentor_accepted_at = None
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "pair.replace",
            organisation_id=pair.organisation_id,
            object_type="pair",
            object_id=pair.id,
            old_mentor=old.mentor.membership_id,
            new_mentor=new_mentor.id,
            mentees=mentee_ids,
        )
        view = await self._view(pair.id)
        subject = f"pair:{pair.id}"
        users = await self._users(view)
        old_user = await self.session.get(User, old.mentor.user_id)
        names = ", ".join(m.name for m in view.mentees)
        if old_user is not None:
            await self.notices.tell(
                "pair-mentor-removed",
                subject=subject,
                recipients=[old_user],
                organisation_id=pair.organisation_id,
                args={"partner": names, "count": len(view.mentees)},
                exclude_user_id=actor.user_id,
            )
        await self.notices.tell(
            "pair-mentor-new",
            subject=subject,
            recipients=[new_user],
            organisation_id=pair.organisation_id,
            args={"partner": names, "count": len(view.mentees)},
            exclude_user_id=actor.user_id,
        )
        await self.notices.tell(
            "pair-mentor-replaced",
            subject=subject,
            recipients=[users[m.user_id] for m in view.mentees if m.user_id in users],
            organisation_id=pair.organisation_id,
            args={"partner": new_user.full_name or "", "old": old.mentor.name},
            exclude_user_id=actor.user_id,
        )
        await self._tell_other_curators(view, "replaced", actor, old=old.mentor.name)
        return view

    async def record_order(
        self, actor: Actor, pair_ids: Sequence[int], number: str, on: date
    ) -> list[PairView]:
        """The school's order (number and date) confirming several pairs at once."""
        if not pair_ids:
            raise InvalidInput("pairs-no-pair")
        number = clean_text(number, ORDER_NUMBER_MAX)
        pairs = {
            p.id: p for p in await self.session.scalars(select(Pair).where(Pair.id.in_(pair_ids)))
        }
        for pid in dict.fromkeys(pair_ids):
            pair = pairs.get(pid)
            await self.access.require_curator(
                actor,
                pair.organisation_id if pair else None,
                "pair.order",
                object_type="pair",
                object_id=pid,
            )
        if any(p.status not in LIVE_PAIR_STATUSES for p in pairs.values()):
            raise DomainError("pairs-not-live")
        for pair in pairs.values():
            pair.order_number = number
            pair.order_date = on
        first = next(iter(pairs.values()))
        await self.audit.record(
            actor.user_id,
            "pair.order",
            organisation_id=first.organisation_id,
            object_type="pair",
            object_id=first.id,
            pairs=sorted(pairs),
            number=number,
            date=on.isoformat(),
        )
        return await self._views(select(Pair).where(Pair.id.in_(pairs)).order_by(Pair.id))

    # --- both sides -------------------------------------------------------------------

    async def accept_agreement(self, actor: Actor, pair_id: int) -> PairView:
        """A member of an active pair accepts the agreement (a second tap changes nothing);
        anyone else is refused. See `accept_agreements`."""
        view, _ = await self.accept_agreements(actor, pair_id)
        return view

    async def accept_agreements(self, actor: Actor, pair_id: int) -> tuple[PairView, int]:
        """The agreement of this pair, accepted at once for every active pair of the person
        that has the same agreement text (same form, same variant for a pair with a child):
        a mentor with two pairs accepts once. Each pair keeps its own acceptance (reports
        count pairs). Returns this pair and how many pairs were accepted just now."""
        view = await self.get(actor, pair_id)
        if view.side_of(actor.user_id) is None:
            raise await self.access.deny(
                actor, "pair.agreement", object_type="pair", object_id=pair_id
            )
        if view.status != "active":
            raise DomainError("pairs-not-active")

        def text(v: PairView) -> str:
            return agreement_text(
                self.catalog,
                v.form_key,
                "ru",
                with_minor=v.with_minor,
                reader_is_minor=bool(actor.person.is_minor),
            )

        same = text(view)
        covered = [
            v
            for v in await self.mine(actor)
            if v.status == "active" and not v.accepted_by(actor.user_id) and text(v) == same
        ]
        if not view.accepted_by(actor.user_id) and all(v.id != view.id for v in covered):
            covered.append(view)
        now = self.clock.now()
        for v in covered:
            if v.side_of(actor.user_id) == "mentor":
                pair = await self.session.get(Pair, v.id)
                if pair is not None and pair.mentor_accepted_at is None:
                    pair.mentor_accepted_at = now
            for m in v.mentees:
                if m.user_id == actor.user_id:
                    link = await self.session.get(PairMentee, (v.id, m.membership_id))
                    if link is not None and link.accepted_at is None:
                        link.accepted_at = now
        await self.session.flush()
        return await self._view(pair_id), len(covered)

    # --- the mentee's choice ------------------------------------------------------------

    async def offer(
        self, actor: Actor, mentee_membership_id: int, mentor_membership_ids: Sequence[int]
    ) -> list[CandidateView]:
        """Two or three candidates for the mentee to choose from (earlier open offers close)."""
        mentor_ids = list(dict.fromkeys(mentor_membership_ids))
        found = await self._members([mentee_membership_id, *mentor_ids])
        for mid in [mentee_membership_id, *mentor_ids]:
            named = found.get(mid)
            await self.access.require_curator(
                actor,
                named[0].organisation_id if named else None,
                "pair.offer",
                object_type="membership",
                object_id=mid,
            )
        if not CHOICE_MIN <= len(mentor_ids) <= CHOICE_MAX:
            raise InvalidInput("pairs-choice-count")
        mentee, mentee_user = found[mentee_membership_id]
        if mentee.role != "mentee":
            raise DomainError("pairs-wrong-role")
        for mid in mentor_ids:
            await self._check_people(actor, "pair.offer", mid, [mentee.id])
        await self._taken([mentee.id])
        await self._close_offers([mentee.id], "withdrawn", "new-offer")
        assert mentee.programme_id is not None
        for mid in mentor_ids:
            self.session.add(
                Candidate(
                    organisation_id=mentee.organisation_id,
                    programme_id=mentee.programme_id,
                    mentee_membership_id=mentee.id,
                    mentor_membership_id=mid,
                    offered_by_user_id=actor.user_id,
                )
            )
        await self.session.flush()
        await self.audit.record(
            actor.user_id,
            "pair.offer",
            organisation_id=mentee.organisation_id,
            object_type="membership",
            object_id=mentee.id,
            mentors=mentor_ids,
        )
        await self.notices.tell(
            "choice-offered",
            subject=f"mentee:{mentee.id}",
            recipients=[mentee_user],
            organisation_id=mentee.organisation_id,
            args={
                "count": len(mentor_ids),
                # Opens the choice itself (checked again by the opener).
                "_buttons": [[{"label": "notice-btn-choice", "open": "choice", "id": mentee.id}]],
            },
        )
        return await self._candidates(mentee.id)

    async def _close_offers(self, mentee_ids: Sequence[int], answer: str, reason: str) -> None:
        for candidate in await self.session.scalars(
            select(Candidate).where(
                Candidate.mentee_membership_id.in_(mentee_ids),
                Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
            )
        ):
            if candidate.answer == "chosen":
                await self.notices.cancel("choice-reminder", f"candidate:{candidate.id}")
            candidate.answer = answer
            candidate.answered_at = self.clock.now()
            candidate.reason = reason

    async def _candidates(self, mentee_membership_id: int) -> list[CandidateView]:
        rows = (
            await self.session.execute(
                select(Candidate, Membership.profile, User.full_name)
                .join(Membership, Membership.id == Candidate.mentor_membership_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Candidate.mentee_membership_id == mentee_membership_id,
                    Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
                )
                .order_by(Candidate.id)
            )
        ).all()
        views = []
        for candidate, profile, name in rows:
            profile = profile or {}
            helps = [str(profile.get(k)) for k in ("competences", "interests") if profile.get(k)]
            times = profile.get("times")
            views.append(
                CandidateView(
                    id=candidate.id,
                    mentor_membership_id=candidate.mentor_membership_id,
                    name=name or "",
                    helps_with="; ".join(helps),
                    times=tuple(t for t in times if isinstance(t, str))
                    if isinstance(times, list)
                    else (),
                    answer=candidate.answer,
                )
            )
        return views

    async def my_choice(self, actor: Actor) -> tuple[int, list[CandidateView]] | None:
        """The mentee's open offer: their membership and the candidates, or None."""
        mentee_id = await self.session.scalar(
            select(Candidate.mentee_membership_id)
            .join(Membership, Membership.id == Candidate.mentee_membership_id)
            .where(
                Membership.user_id == actor.user_id,
                Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
            )
            .order_by(Candidate.id.desc())
            .limit(1)
        )
        if mentee_id is None:
            return None
        return mentee_id, await self._candidates(mentee_id)

    async def _candidate_for(self, actor: Actor, candidate_id: int, side: str) -> Candidate:
        """The candidate row, for its mentee (side "mentee") or its mentor ("mentor")."""
        candidate = await self.session.get(Candidate, candidate_id)
        membership_id = (
            None
            if candidate is None
            else candidate.mentee_membership_id
            if side == "mentee"
            else candidate.mentor_membership_id
        )
        owner = await self.session.get(Membership, membership_id) if membership_id else None
        if candidate is None or owner is None or owner.user_id != actor.user_id:
            raise await self.access.deny(
                actor, f"pair.choice.{side}", object_type="candidate", object_id=candidate_id
            )
        return candidate

    async def choose(self, actor: Actor, candidate_id: int) -> CandidateView:
        """The mentee picks one candidate; the mentor has three days to answer."""
        candidate = await self._candidate_for(actor, candidate_id, "mentee")
        if candidate.answer is not None:
            raise DomainError("pairs-choice-closed")
        others = await self.session.scalars(
            select(Candidate).where(
                Candidate.mentee_membership_id == candidate.mentee_membership_id,
                Candidate.id != candidate.id,
                Candidate.answer.is_(None) | (Candidate.answer == "chosen"),
            )
        )
        now = self.clock.now()
        for other in others:
            other.answer, other.answered_at, other.reason = "withdrawn", now, "other-chosen"
        candidate.answer = "chosen"
        candidate.chosen_at = now
        await self.session.flush()
        people = await self._members(
            [candidate.mentee_membership_id, candidate.mentor_membership_id]
        )
        mentee_user = people[candidate.mentee_membership_id][1]
        mentor_user = people[candidate.mentor_membership_id][1]
        subject = f"candidate:{candidate.id}"
        args = {"partner": mentee_user.full_name or "", "days": ANSWER_DAYS}
        deadline = now + timedelta(days=ANSWER_DAYS)
        await self.notices.tell(
            "choice-chosen",
            subject=subject,
            recipients=[mentor_user],
            organisation_id=candidate.organisation_id,
            args=args,
            period="chosen",
        )
        await self.notices.tell(
            "choice-reminder",
            subject=subject,
            recipients=[mentor_user],
            organisation_id=candidate.organisation_id,
            args={**args, "days": ANSWER_DAYS - REMINDER_AFTER.days},
            period="reminder",
            delay=REMINDER_AFTER,
            expires_at=deadline,
        )
        await self.audit.record(
            actor.user_id,
            "pair.choose",
            organisation_id=candidate.organisation_id,
            object_type="candidate",
            object_id=candidate.id,
        )
        views = await self._candidates(candidate.mentee_membership_id)
        return next(v for v in views if v.id == candidate.id)

    async def ask_others(self, actor: Actor, mentee_membership_id: int) -> None:
        """The mentee asks the curator for other candidates."""
        membership = await self.session.get(Membership, mentee_membership_id)
        if membership is None or membership.user_id != actor.user_id:
            raise await self.access.deny(
                actor,
                "pair.choice.others",
                object_type="membership",
                object_id=mentee_membership_id,
            )
        open_ = list(
            await self.session.scalars(
                select(Candidate).where(
                    Candidate.mentee_membership_id == membership.id, Candidate.answer.is_(None)
                )
            )
        )
        if not open_:
            raise DomainError("pairs-choice-closed")
        await self._close_offers([membership.id], "withdrawn", "asked-others")
        user = await self.session.get(User, actor.user_id)
        await self.notices.tell_curators(
            "choice-others-curator",
            subject=f"mentee:{membership.id}",
            organisation_id=membership.organisation_id,
            args={"name": user.full_name if user else ""},
        )

    async def answer(
        self, actor: Actor, candidate_id: int, accept: bool, reason: str | None = None
    ) -> PairView | None:
        """The chosen mentor accepts (a proposed pair is formed for the curator to
        approve) or declines (the mentee goes back to the curator, with the reason)."""
        candidate = await self._candidate_for(actor, candidate_id, "mentor")
        if candidate.answer != "chosen":
            raise DomainError("pairs-choice-closed")
        await self.notices.cancel("choice-reminder", f"candidate:{candidate.id}")
        people = await self._members(
            [candidate.mentee_membership_id, candidate.mentor_membership_id]
        )
        mentee, mentee_user = people[candidate.mentee_membership_id]
        mentor, mentor_user = people[candidate.mentor_membership_id]
        candidate.answered_at = self.clock.now()
        if not accept:
            candidate.answer = "declined"
            candidate.reason = clean_text(reason, NOTE_MAX) if reason else None
            await self._tell_outcome(
                candidate, "declined", mentee_user, mentor_user, reason=candidate.reason or "-"
            )
            await self.audit.record(
                actor.user_id,
                "pair.choice.decline",
                organisation_id=candidate.organisation_id,
                object_type="candidate",
                object_id=candidate.id,
            )
            return None
        await self._taken([mentee.id])
        for membership, user in ((mentor, mentor_user), (mentee, mentee_user)):
            try:
                await self.consent.require_complete(user.id, membership.organisation_id)
            except DomainError:
                raise DomainError("pairs-consent-incomplete", name=user.full_name or "") from None
        candidate.answer = "accepted"
        pair = await self._create(mentor, [(mentee, mentee_user)], candidate.offered_by_user_id)
        candidate.pair_id = pair.id
        await self.audit.record(
            actor.user_id,
            "pair.choice.accept",
            organisation_id=candidate.organisation_id,
            object_type="candidate",
            object_id=candidate.id,
            pair=pair.id,
        )
        await self._tell_outcome(candidate, "accepted", mentee_user, mentor_user)
        return await self._view(pair.id)

    async def _tell_outcome(
        self,
        candidate: Candidate,
        outcome: str,
        mentee_user: User,
        mentor_user: User,
        *,
        reason: str | None = None,
    ) -> None:
        """How the mentee's choice ended (accepted, declined, expired): the mentee is told,
        and the school's curators (with the mentor's reason, when there is one)."""
        subject = f"candidate:{candidate.id}"
        args = {"name": mentee_user.full_name or "", "partner": mentor_user.full_name or ""}
        await self.notices.tell(
            f"choice-{outcome}",
            subject=subject,
            recipients=[mentee_user],
            organisation_id=candidate.organisation_id,
            args=args,
            period="answer",
        )
        await self.notices.tell_curators(
            f"choice-{outcome}-curator",
            subject=subject,
            organisation_id=candidate.organisation_id,
            args=args if reason is None else {**args, "reason": reason},
        )

    async def expire_overdue(
        self,
        now: datetime | None = None,
        programme_id: int | None = None,
        *,
        limit: int | None = None,
    ) -> int:
        """Chosen mentors who did not answer in three days: the mentee returns to the
        curator (both are told). Called by the scheduler (`limit` at a time, each batch its
        own transaction) and when the curator looks. A few statements however many."""
        now = now or self.clock.now()
        query = (
            select(Candidate)
            .where(
                Candidate.answer == "chosen",
                Candidate.chosen_at <= now - timedelta(days=ANSWER_DAYS),
                *([Candidate.programme_id == programme_id] if programme_id else []),
            )
            .order_by(Candidate.id)
        )
        if limit is not None:
            query = query.limit(limit)
        overdue = list(await self.session.scalars(query))
        if not overdue:
            return 0
        people = await self._members(
            m for c in overdue for m in (c.mentee_membership_id, c.mentor_membership_id)
        )
        curators = await self.notices.curators_by_school(c.organisation_id for c in overdue)
        rows = []
        for candidate in overdue:
            candidate.answer = "expired"
            candidate.answered_at = now
            candidate.reason = "no-answer"
            mentee_user = people[candidate.mentee_membership_id][1]
            mentor_user = people[candidate.mentor_membership_id][1]
            # What `_tell_outcome` says, for all of them at once.
            subject = f"candidate:{candidate.id}"
            args = {"name": mentee_user.full_name or "", "partner": mentor_user.full_name or ""}
            rows += self.notices.rows(
                "choice-expired",
                subject=subject,
                recipients=[mentee_user],
                organisation_id=candidate.organisation_id,
                args=args,
                period="answer",
            )
            rows += self.notices.rows(
                "choice-expired-curator",
                subject=subject,
                recipients=curators.get(candidate.organisation_id, []),
                organisation_id=candidate.organisation_id,
                args=args,
            )
        await self.notices.outbox.enqueue_many(rows)
        return len(overdue)

    async def waiting(self, actor: Actor) -> list[tuple[int, str]]:
        """For a mentor: the mentees who chose them and wait for an answer
        (candidate id, the mentee's name)."""
        rows = (
            await self.session.execute(
                select(Candidate.id, User.full_name)
                .join(Membership, Membership.id == Candidate.mentee_membership_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Candidate.answer == "chosen",
                    Candidate.mentor_membership_id.in_(
                        select(Membership.id).where(Membership.user_id == actor.user_id)
                    ),
                )
                .order_by(Candidate.id)
            )
        ).all()
        return [(cid, name or "") for cid, name in rows]

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


def contact_url(telegram_id: int | None) -> str | None:
    """A link that opens the person's chat (no username is stored)."""
    return f"tg://user?id={telegram_id}" if telegram_id else None


AGREEMENTS_FILE = CATALOG_DIR / "agreements.toml"


@cache
def _agreements() -> dict[str, dict[str, str]]:
    with AGREEMENTS_FILE.open("rb") as f:
        return tomllib.load(f)


def agreement_text(
    catalog: Catalog,
    form_key: str,
    locale: str | None,
    *,
    with_minor: bool = False,
    reader_is_minor: bool = False,
) -> str:
    """The agreement for the form (its parent form's, or the default), in the language.
    A pair with a child reads [with_minor] instead: no adult promises a child secrecy; the
    child reads its short «ты» version (`ty`, `en_ty`)."""
    texts = _agreements()
    lang = "en" if (locale or "").lower().startswith("en") else "ru"
    if with_minor and "with_minor" in texts:
        entry = texts["with_minor"]
        if reader_is_minor:
            return entry.get("en_ty" if lang == "en" else "ty") or entry[lang]
        return entry.get(lang) or entry["ru"]
    form = catalog.form(form_key)
    for key in (form_key, form.variant_of if form else None, "default"):
        if key and key in texts:
            entry = texts[key]
            return entry.get(lang) or entry["ru"]
    return ""


_ORDER = re.compile(
    r"^\s*№?\s*(?P<number>[^\s]+?)\s*(?:от|of|,)?\s*"
    r"(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})\s*$",
    re.IGNORECASE,
)


def parse_order(text: str) -> tuple[str, date]:
    """«45-о от 01.10.2026» → ("45-о", 2026-10-01); InvalidInput("pairs-order") otherwise."""
    match = _ORDER.match(text)
    if not match:
        raise InvalidInput("pairs-order")
    try:
        on = date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        raise InvalidInput("pairs-order") from None
    number = match["number"].strip()
    if not number or len(number) > ORDER_NUMBER_MAX or number.lower() in ("от", "of"):
        raise InvalidInput("pairs-order")
    return number, on
