"""The person's own data (152-ФЗ): `/mydata` exports everything stored about them, and
withdrawing consent anonymises it, keeping only anonymous aggregates.

Withdrawal runs in the caller's session and transaction: it flushes, never commits, so
either everything below happens or nothing does.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.audit import AuditService
from bot.services.errors import AccessDenied, NotFound
from bot.services.users import Person
from bot.storage.models import (
    AuditEntry,
    Candidate,
    Consent,
    DialogState,
    GuardianLink,
    Meeting,
    MeetingAttendance,
    Membership,
    Notification,
    Organisation,
    Pair,
    PairFit,
    PairMentee,
    PairMentorTerm,
    PlanItem,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
    utcnow,
)
from bot.storage.models.dialog_state import key_owner

log = logging.getLogger(__name__)

EXPORT_FORMAT = 1
# Profile keys that stay after withdrawal: they describe a group, not a person.
AGGREGATE_PROFILE_KEYS = ("category",)
# The profile key a curator sets for a mentee (a teacher registered before help topics
# came chose their own: it stays, as the curator's).
CURATORS_CATEGORY = "category"
OPEN_PAIR_STATUSES = ("proposed", "active")
END_REASON = "consent_withdrawn"
# Who marked a consent, told without naming the other person.
MARKED_BY = {"self": "self", "guardian": "guardian", "paper": "curator"}


@dataclass(frozen=True, slots=True)
class CuratorToNotify:
    user_id: int
    telegram_id: int
    locale: str | None
    organisation_name: str


@dataclass(frozen=True, slots=True)
class Withdrawal:
    subject_user_id: int
    # As it was before anonymisation: the bot still says goodbye and clears the chat state.
    subject_telegram_id: int | None
    ended_pairs: int
    curators: tuple[CuratorToNotify, ...]
    organisation_ids: tuple[int, ...]
    # Outbox subjects whose pending messages would still speak of the person (their
    # mentee requests, their mentor choices, the pairs that ended and their meetings).
    subjects: tuple[str, ...] = ()


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def is_state_key_of(key: str, telegram_id: int) -> bool:
    """Whether an FSM/dialog storage key belongs to this Telegram user: their private chat,
    their user segment, or their group stack (see `key_owner`). Segments are compared whole,
    so 70001 never matches 170001 or 700012."""
    return telegram_id in key_owner(key)


class PersonalDataService:
    def __init__(self, session: AsyncSession, audit: AuditService) -> None:
        self.session = session
        self.audit = audit

    # ----- export -----------------------------------------------------------------------

    async def export(self, person: Person) -> dict[str, Any]:
        """Everything stored about the person, JSON-ready; no other person's data in it."""
        user = await self.session.get(User, person.id)
        if user is None:
            raise NotFound()
        org_names: dict[int, str] = {}
        programme_names: dict[int, str] = {}

        async def org_name(organisation_id: int | None) -> str | None:
            if organisation_id is None:
                return None
            if organisation_id not in org_names:
                org = await self.session.get(Organisation, organisation_id)
                org_names[organisation_id] = org.name if org else ""
            return org_names[organisation_id]

        async def programme_name(programme_id: int | None) -> str | None:
            if programme_id is None:
                return None
            if programme_id not in programme_names:
                programme = await self.session.get(Programme, programme_id)
                programme_names[programme_id] = programme.name if programme else ""
            return programme_names[programme_id]

        memberships = list(
            await self.session.scalars(
                select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
            )
        )
        membership_ids = [m.id for m in memberships]
        role_of = {m.id: m.role for m in memberships}
        pairs = await self._pairs_by_id(user.id, membership_ids)

        consents = await self.session.scalars(
            select(Consent).where(Consent.subject_user_id == user.id).order_by(Consent.id)
        )
        as_minor = await self.session.scalars(
            select(GuardianLink)
            .where(GuardianLink.minor_user_id == user.id)
            .order_by(GuardianLink.id)
        )
        as_guardian = await self.session.scalars(
            select(GuardianLink)
            .where(GuardianLink.guardian_user_id == user.id)
            .order_by(GuardianLink.id)
        )
        audit = await self.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.actor_user_id == user.id)
            .order_by(AuditEntry.at, AuditEntry.id)
        )

        return {
            "format": EXPORT_FORMAT,
            "exported_at": _iso(utcnow()),
            "user": {
                "telegram_id": user.telegram_id,
                "locale": user.locale,
                "telegram_locale": user.telegram_locale,
                "full_name": user.full_name,
                "is_minor": user.is_minor,
                "reachable": user.reachable,
                "created_at": _iso(user.created_at),
                "last_seen_at": _iso(user.last_seen_at),
                "anonymised_at": _iso(user.anonymised_at),
            },
            "memberships": [
                {
                    "organisation": await org_name(m.organisation_id),
                    "programme": await programme_name(m.programme_id),
                    "role": m.role,
                    "status": m.status,
                    "profile": self._own_profile(m, bool(user.is_minor)),
                    "created_at": _iso(m.created_at),
                    "ended_at": _iso(m.ended_at),
                }
                for m in memberships
            ],
            "consents": [
                {
                    "organisation": await org_name(c.organisation_id),
                    "given_by": c.given_by,
                    "marked_by": "self"
                    if c.marked_by_user_id == user.id
                    else MARKED_BY.get(c.given_by, c.given_by),
                    "text_version": c.text_version,
                    "given_at": _iso(c.given_at),
                    "withdrawn_at": _iso(c.withdrawn_at),
                }
                for c in consents
            ],
            # Links a guardian was asked to confirm for this person; the guardian stays unnamed.
            "guardian_links_as_minor": [
                {
                    "organisation": await org_name(g.organisation_id),
                    "confirmed": g.confirmed_at is not None,
                    "created_at": _iso(g.created_at),
                    "expires_at": _iso(g.expires_at),
                    "confirmed_at": _iso(g.confirmed_at),
                }
                for g in as_minor
            ],
            # Children this person confirmed consent for: the guardian knows them by name,
            # and reads the category the curator gave the child (the child does not).
            "guardian_links_as_guardian": [
                {
                    "organisation": await org_name(g.organisation_id),
                    "child_full_name": await self._child_name(g.minor_user_id),
                    "confirmed": g.confirmed_at is not None,
                    "confirmed_at": _iso(g.confirmed_at),
                    "child_memberships": (
                        await self._child_memberships(g, org_name, programme_name)
                        if g.confirmed_at is not None
                        else []
                    ),
                }
                for g in as_guardian
            ],
            "pairs": await self._export_pairs(membership_ids, role_of, org_name, programme_name),
            "meetings": await self._export_meetings(
                user.id, membership_ids, pairs, org_name, programme_name
            ),
            "plan": await self._export_plan(
                user.id, membership_ids, pairs, org_name, programme_name
            ),
            "fit_answers": await self._export_fits(membership_ids, pairs, org_name, programme_name),
            "questionnaires": await self._export_answers(user.id),
            "actions": [
                {"action": a.action, "at": _iso(a.at), "object_type": a.object_type} for a in audit
            ],
        }

    @staticmethod
    def _own_profile(membership: Membership, minor: bool) -> dict[str, Any]:
        """The profile as its owner reads it: a pupil's category is the curator's, shown
        to the parent in the parent's /mydata, never to the child."""
        profile = json.loads(json.dumps(membership.profile or {}, default=_json_default))
        if minor and membership.role == "mentee":
            profile.pop(CURATORS_CATEGORY, None)
        return dict(profile)

    async def _child_memberships(
        self,
        link: GuardianLink,
        org_name: Callable[[int | None], Awaitable[str | None]],
        programme_name: Callable[[int | None], Awaitable[str | None]],
    ) -> list[dict[str, Any]]:
        """The child's roles in the school of the link, with the category the curator gave."""
        rows = await self.session.scalars(
            select(Membership)
            .where(
                Membership.user_id == link.minor_user_id,
                Membership.organisation_id == link.organisation_id,
            )
            .order_by(Membership.id)
        )
        return [
            {
                "organisation": await org_name(m.organisation_id),
                "programme": await programme_name(m.programme_id),
                "role": m.role,
                "status": m.status,
                "category": (m.profile or {}).get(CURATORS_CATEGORY),
            }
            for m in rows
        ]

    async def _pairs_by_id(self, user_id: int, membership_ids: list[int]) -> dict[int, Pair]:
        """Every pair whose meetings, plan or fit the person's export speaks of."""
        if not membership_ids:
            return {}
        mine = await self._pairs_of(membership_ids)
        attended = (
            select(Meeting.pair_id)
            .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
            .where(MeetingAttendance.mentee_membership_id.in_(membership_ids))
        )
        planned = select(PlanItem.pair_id).where(
            PlanItem.mentee_membership_id.in_(membership_ids)
            | (PlanItem.created_by_user_id == user_id)
        )
        logged = select(Meeting.pair_id).where(Meeting.logged_by_user_id == user_id)
        fits = select(PairFit.pair_id).where(PairFit.mentee_membership_id.in_(membership_ids))
        return {
            p.id: p
            for p in await self.session.scalars(
                select(Pair).where(
                    or_(
                        Pair.id.in_(mine) if mine else false(),
                        Pair.id.in_(attended),
                        Pair.id.in_(planned),
                        Pair.id.in_(logged),
                        Pair.id.in_(fits),
                    )
                )
            )
        }

    async def _export_meetings(
        self,
        user_id: int,
        membership_ids: list[int],
        pairs: dict[int, Pair],
        org_name: Callable[[int | None], Awaitable[str | None]],
        programme_name: Callable[[int | None], Awaitable[str | None]],
    ) -> list[dict[str, Any]]:
        """The meetings of the person's pairs; a mentee's own attendance, rating and comment
        (nobody else's: a mentor's export holds no rating)."""
        if not pairs:
            return []
        mine = set(membership_ids)
        attendance = {
            a.meeting_id: a
            for a in await self.session.scalars(
                select(MeetingAttendance).where(
                    MeetingAttendance.mentee_membership_id.in_(membership_ids)
                )
            )
        }
        as_mentee = set(
            await self.session.scalars(
                select(PairMentee.pair_id).where(
                    PairMentee.mentee_membership_id.in_(membership_ids)
                )
            )
        )
        meetings = await self.session.scalars(
            select(Meeting)
            .where(Meeting.pair_id.in_(list(pairs)))
            .order_by(Meeting.day, Meeting.id)
        )
        result = []
        for m in meetings:
            pair = pairs[m.pair_id]
            as_mentor = pair.mentor_membership_id in mine
            own = attendance.get(m.id)
            ours = as_mentor or m.pair_id in as_mentee or m.logged_by_user_id == user_id
            if own is None and not ours:
                continue  # a pair the person only wrote a plan item for
            result.append(
                {
                    "organisation": await org_name(m.organisation_id),
                    "programme": await programme_name(pair.programme_id),
                    "role": "mentor" if as_mentor else "mentee",
                    "day": _iso(m.day),
                    "starts_at": _iso(m.starts_at),
                    "kind": m.kind,
                    "status": m.status,
                    "format": m.format,
                    "duration_min": m.duration_min,
                    "topic": m.topic,
                    "outcome": m.outcome,
                    "logged_by_me": m.logged_by_user_id == user_id,
                    "my_answer": None
                    if own is None
                    else {
                        "present": own.present,
                        "confirmed": own.confirmed,
                        "disputed": own.disputed,
                        "rating": own.rating,
                        "comment": own.comment,
                        "comment_shared_with_mentor": own.comment_shared,
                        "answered_at": _iso(own.answered_at),
                    },
                }
            )
        return result

    async def _export_plan(
        self,
        user_id: int,
        membership_ids: list[int],
        pairs: dict[int, Pair],
        org_name: Callable[[int | None], Awaitable[str | None]],
        programme_name: Callable[[int | None], Awaitable[str | None]],
    ) -> list[dict[str, Any]]:
        """The person's own development plan, and the items they wrote in someone else's
        (without saying whose)."""
        if not membership_ids:
            return []
        items = await self.session.scalars(
            select(PlanItem)
            .where(
                PlanItem.mentee_membership_id.in_(membership_ids)
                | (PlanItem.created_by_user_id == user_id)
            )
            .order_by(PlanItem.id)
        )
        result = []
        for item in items:
            pair = pairs.get(item.pair_id)
            result.append(
                {
                    "organisation": await org_name(pair.organisation_id if pair else None),
                    "programme": await programme_name(pair.programme_id if pair else None),
                    "my_plan": item.mentee_membership_id in membership_ids,
                    "written_by_me": item.created_by_user_id == user_id,
                    "kind": item.kind,
                    "title": item.title,
                    "due": _iso(item.due),
                    "status": item.status,
                    "created_at": _iso(item.created_at),
                    "updated_at": _iso(item.updated_at),
                }
            )
        return result

    async def _export_fits(
        self,
        membership_ids: list[int],
        pairs: dict[int, Pair],
        org_name: Callable[[int | None], Awaitable[str | None]],
        programme_name: Callable[[int | None], Awaitable[str | None]],
    ) -> list[dict[str, Any]]:
        """The mentee's answers to «does the pair fit» after the first meeting."""
        if not membership_ids:
            return []
        result = []
        for fit in await self.session.scalars(
            select(PairFit)
            .where(PairFit.mentee_membership_id.in_(membership_ids))
            .order_by(PairFit.answered_at)
        ):
            pair = pairs.get(fit.pair_id)
            result.append(
                {
                    "organisation": await org_name(pair.organisation_id if pair else None),
                    "programme": await programme_name(pair.programme_id if pair else None),
                    "answer": fit.answer,
                    "answered_at": _iso(fit.answered_at),
                }
            )
        return result

    async def questionnaire_count(self, user_id: int) -> int:
        """How many questionnaires the person has answered or begun (their own)."""
        count = await self.session.scalar(
            select(func.count())
            .select_from(SurveyResponse)
            .where(SurveyResponse.user_id == user_id, SurveyResponse.started_at.is_not(None))
        )
        return int(count or 0)

    async def _export_answers(self, user_id: int) -> list[dict[str, Any]]:
        """The person's own questionnaires and answers (nobody else's): the questionnaire's
        data-file key, the wave, when it was submitted, and each answer by item key."""
        responses = list(
            await self.session.scalars(
                select(SurveyResponse)
                .where(SurveyResponse.user_id == user_id)
                .order_by(SurveyResponse.id)
            )
        )
        if not responses:
            return []
        waves = {
            w.id: w
            for w in await self.session.scalars(
                select(SurveyWave).where(SurveyWave.id.in_({r.wave_id for r in responses}))
            )
        }
        answers: dict[int, list[SurveyAnswer]] = {}
        for a in await self.session.scalars(
            select(SurveyAnswer)
            .where(SurveyAnswer.response_id.in_([r.id for r in responses]))
            .order_by(SurveyAnswer.id)
        ):
            answers.setdefault(a.response_id, []).append(a)
        return [
            {
                "questionnaire": r.questionnaire,
                "wave": waves[r.wave_id].kind if r.wave_id in waves else None,
                "role": r.role,
                "started_at": _iso(r.started_at),
                "submitted_at": _iso(r.submitted_at),
                "answers": [
                    {"item": a.item_key, "number": a.number, "text": a.text}
                    for a in answers.get(r.id, [])
                ],
            }
            for r in responses
        ]

    async def _child_name(self, user_id: int) -> str | None:
        child = await self.session.get(User, user_id)
        return child.full_name if child is not None else None

    async def _export_pairs(
        self,
        membership_ids: list[int],
        role_of: dict[int, str],
        org_name: Callable[[int | None], Awaitable[str | None]],
        programme_name: Callable[[int | None], Awaitable[str | None]],
    ) -> list[dict[str, Any]]:
        if not membership_ids:
            return []
        mentee_of = {
            row.pair_id: row.mentee_membership_id
            for row in await self.session.scalars(
                select(PairMentee).where(PairMentee.mentee_membership_id.in_(membership_ids))
            )
        }
        pairs = await self.session.scalars(
            select(Pair)
            .where(
                or_(
                    Pair.mentor_membership_id.in_(membership_ids),
                    Pair.id.in_(list(mentee_of)) if mentee_of else false(),
                )
            )
            .order_by(Pair.id)
        )
        result = []
        for pair in pairs:
            role = "mentor" if pair.mentor_membership_id in role_of else "mentee"
            result.append(
                {
                    "organisation": await org_name(pair.organisation_id),
                    "programme": await programme_name(pair.programme_id),
                    "role": role,
                    "status": pair.status,
                    "order_number": pair.order_number,
                    "order_date": _iso(pair.order_date),
                    "end_reason": pair.end_reason,
                    "created_at": _iso(pair.created_at),
                    "ended_at": _iso(pair.ended_at),
                }
            )
        return result

    def export_json(self, data: dict[str, Any]) -> bytes:
        """Pretty UTF-8 JSON for the file the bot sends (Cyrillic kept readable)."""
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default).encode("utf-8")

    # ----- withdrawal -------------------------------------------------------------------

    async def can_withdraw_for(self, actor_user_id: int, subject_user_id: int) -> bool:
        """The person themself, or a guardian who confirmed consent for this minor."""
        if actor_user_id == subject_user_id:
            return True
        link_id = await self.session.scalar(
            select(GuardianLink.id)
            .where(
                GuardianLink.minor_user_id == subject_user_id,
                GuardianLink.guardian_user_id == actor_user_id,
                GuardianLink.confirmed_at.is_not(None),
            )
            .limit(1)
        )
        return link_id is not None

    async def withdraw(
        self, subject_user_id: int, *, by_user_id: int, clear_dialog_state: bool = True
    ) -> Withdrawal:
        """Withdraw consent and anonymise the subject. Raises AccessDenied, NotFound.

        Safe to call twice: the second call finds nothing left to change.

        With clear_dialog_state the subject's FSM/dialog rows are deleted in this same
        transaction. Those rows stay locked until the commit, so a caller that still writes
        FSM or dialog state for that chat before committing (aiogram-dialog saves its stack
        after every handler) must pass False and call `forget_dialog_state` after the commit.
        """
        if not await self.can_withdraw_for(by_user_id, subject_user_id):
            log.warning(
                "access denied: user %s tried to withdraw for %s", by_user_id, subject_user_id
            )
            await self.audit.record(
                by_user_id,
                "denied",
                attempted="consent.withdraw",
                object_type="user",
                object_id=subject_user_id,
            )
            raise AccessDenied()
        # Lock the row (PostgreSQL) so that a double tap runs one withdrawal after the other.
        user = await self.session.scalar(
            select(User).where(User.id == subject_user_id).with_for_update()
        )
        if user is None:
            raise NotFound()
        now = utcnow()
        telegram_id = user.telegram_id

        memberships = list(
            await self.session.scalars(
                select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)
            )
        )
        organisation_ids = tuple(
            sorted({m.organisation_id for m in memberships if m.status != "withdrawn"})
        )
        curators = await self._curators(organisation_ids, exclude_user_id=user.id)
        membership_ids = [m.id for m in memberships]
        # Read before the pairs end: leaving a group removes the person from its mentees.
        in_pairs = await self._pairs_of(membership_ids)
        ended_pairs, terminated = await self._end_pairs(membership_ids, now)
        subjects = await self._subjects_about(membership_ids, in_pairs, terminated, now)
        await self._forget_free_text(user.id, membership_ids, in_pairs, terminated, now)

        for consent in await self.session.scalars(
            select(Consent).where(Consent.subject_user_id == user.id)
        ):
            if consent.withdrawn_at is None:
                consent.withdrawn_at = now
            if consent.given_by == "guardian":
                # The guardian ↔ child relation goes with the guardian links below.
                consent.marked_by_user_id = None

        for membership in memberships:
            if membership.status != "withdrawn":
                membership.status = "withdrawn"
            if membership.ended_at is None:
                membership.ended_at = now
            profile = membership.profile or {}
            kept = {k: profile[k] for k in AGGREGATE_PROFILE_KEYS if k in profile}
            if kept != profile:
                membership.profile = kept

        await self.session.execute(
            delete(GuardianLink).where(GuardianLink.minor_user_id == user.id)
        )
        for link in await self.session.scalars(
            select(GuardianLink).where(GuardianLink.guardian_user_id == user.id)
        ):
            link.guardian_user_id = None

        if telegram_id is not None and clear_dialog_state:
            await self.forget_dialog_state(telegram_id)

        # Questionnaires: typed answers and anything unsubmitted go; numbers stay unnamed.
        from bot.services.surveys import forget_survey_answers

        await forget_survey_answers(self.session, user.id)

        user.full_name = None
        user.telegram_id = None
        user.locale = None
        user.telegram_locale = None
        if user.anonymised_at is None:
            user.anonymised_at = now
        await self.session.flush()

        await self.audit.record(
            by_user_id, "consent.withdraw", object_type="user", object_id=user.id
        )
        return Withdrawal(
            subject_user_id=user.id,
            subject_telegram_id=telegram_id,
            ended_pairs=ended_pairs,
            curators=curators,
            organisation_ids=organisation_ids,
            subjects=subjects,
        )

    async def _pairs_of(self, membership_ids: list[int]) -> set[int]:
        """Every pair the person is or was in, as mentor or mentee."""
        if not membership_ids:
            return set()
        return set(
            await self.session.scalars(
                select(Pair.id)
                .outerjoin(PairMentee, PairMentee.pair_id == Pair.id)
                .where(
                    Pair.mentor_membership_id.in_(membership_ids)
                    | PairMentee.mentee_membership_id.in_(membership_ids)
                )
                .distinct()
            )
        )

    async def _forget_free_text(
        self,
        user_id: int,
        membership_ids: list[int],
        in_pairs: set[int],
        terminated: set[int],
        now: datetime,
    ) -> None:
        """Whatever the person typed goes, and so does free text others wrote about the
        pairs they were in: meeting comments (the curator's too), fit answers, plan items
        they wrote or that were theirs, a mentor's reason for declining them, pairs' end
        notes, the topics and outcomes of meetings they proposed or logged or that were
        theirs alone, and what was still to be delivered to them. Ratings, statuses and
        counts stay, unnamed, for the aggregates. (Questionnaires: forget_survey_answers.)"""
        s = self.session
        if membership_ids:
            await s.execute(
                update(MeetingAttendance)
                .where(MeetingAttendance.mentee_membership_id.in_(membership_ids))
                .values(comment=None, comment_shared=False)
                .execution_options(synchronize_session=False)
            )
            await s.execute(
                delete(PairFit)
                .where(PairFit.mentee_membership_id.in_(membership_ids))
                .execution_options(synchronize_session=False)
            )
            await s.execute(
                update(Candidate)
                .where(
                    Candidate.mentee_membership_id.in_(membership_ids)
                    | Candidate.mentor_membership_id.in_(membership_ids),
                    Candidate.answer == "declined",
                )
                .values(reason=None)
                .execution_options(synchronize_session=False)
            )
        await s.execute(
            update(PlanItem)
            .where(
                or_(
                    PlanItem.created_by_user_id == user_id,
                    PlanItem.mentee_membership_id.in_(membership_ids)
                    if membership_ids
                    else false(),
                )
            )
            .values(title="")
            .execution_options(synchronize_session=False)
        )
        if in_pairs:
            await s.execute(
                update(Pair)
                .where(Pair.id.in_(in_pairs), Pair.end_note.is_not(None))
                .values(end_note=None)
                .execution_options(synchronize_session=False)
            )
            await s.execute(
                update(PairMentorTerm)
                .where(PairMentorTerm.pair_id.in_(in_pairs), PairMentorTerm.end_reason.is_not(None))
                .values(end_reason=None)
                .execution_options(synchronize_session=False)
            )
        await s.execute(
            update(Meeting)
            .where(
                or_(
                    Meeting.logged_by_user_id == user_id,
                    Meeting.proposed_by_user_id == user_id,
                    Meeting.pair_id.in_(terminated) if terminated else false(),
                ),
                or_(Meeting.topic.is_not(None), Meeting.outcome.is_not(None)),
            )
            .values(topic=None, outcome=None)
            .execution_options(synchronize_session=False)
        )
        await s.execute(
            update(Notification)
            .where(Notification.recipient_user_id == user_id, Notification.status == "pending")
            .values(status="skipped", reason="withdrew", finished_at=now)
            .execution_options(synchronize_session=False)
        )
        await s.execute(
            update(Notification)
            .where(Notification.recipient_user_id == user_id)
            .values(args={}, chat_id=None, locale=None)
            .execution_options(synchronize_session=False)
        )

    async def _subjects_about(
        self, membership_ids: list[int], in_pairs: set[int], terminated: set[int], now: datetime
    ) -> tuple[str, ...]:
        """Close the person's open mentor offers and name what the outbox must forget."""
        subjects = [f"mentee:{mid}" for mid in membership_ids]
        if not membership_ids:
            return ()
        for candidate in await self.session.scalars(
            select(Candidate).where(
                Candidate.mentee_membership_id.in_(membership_ids)
                | Candidate.mentor_membership_id.in_(membership_ids)
            )
        ):
            subjects.append(f"candidate:{candidate.id}")
            if candidate.answer in (None, "chosen"):
                candidate.answer = "withdrawn"
                candidate.answered_at = now
        subjects += [f"pair:{pair_id}" for pair_id in sorted(terminated)]
        # Plan notices gathered for the other side quote the person's own words: every pair
        # they were in (in a group, the others' pending changes wait for their next edit).
        subjects += [f"plan:{pair_id}" for pair_id in sorted(in_pairs)]
        if terminated:
            meetings = await self.session.scalars(
                select(Meeting.id).where(Meeting.pair_id.in_(terminated))
            )
            subjects += [f"meeting:{meeting_id}" for meeting_id in meetings]
        return tuple(subjects)

    async def _curators(
        self, organisation_ids: tuple[int, ...], *, exclude_user_id: int
    ) -> tuple[CuratorToNotify, ...]:
        if not organisation_ids:
            return ()
        rows = await self.session.execute(
            select(User.id, User.telegram_id, User.locale, Organisation.name)
            .join(Membership, Membership.user_id == User.id)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(
                Membership.organisation_id.in_(organisation_ids),
                Membership.role == "curator",
                Membership.status == "active",
                Membership.user_id != exclude_user_id,
                User.telegram_id.is_not(None),
            )
            .distinct()
            .order_by(Organisation.name, User.id)
        )
        return tuple(
            CuratorToNotify(user_id=uid, telegram_id=tid, locale=locale, organisation_name=name)
            for uid, tid, locale, name in rows
            if tid is not None
        )

    async def _end_pairs(self, membership_ids: list[int], now: datetime) -> tuple[int, set[int]]:
        """End the subject's open pairs; in a group they only leave. Returns how many ended
        (or lost them) and the ids of the pairs that ended altogether."""
        if not membership_ids:
            return 0, set()
        ended: set[int] = set()
        terminated: set[int] = set()

        def terminate(pair: Pair) -> None:
            pair.status = "terminated"
            pair.end_reason = END_REASON
            pair.ended_at = now
            ended.add(pair.id)
            terminated.add(pair.id)

        for pair in await self.session.scalars(
            select(Pair).where(
                Pair.mentor_membership_id.in_(membership_ids),
                Pair.status.in_(OPEN_PAIR_STATUSES),
            )
        ):
            terminate(pair)

        rows = list(
            await self.session.execute(
                select(PairMentee, Pair)
                .join(Pair, Pair.id == PairMentee.pair_id)
                .where(
                    PairMentee.mentee_membership_id.in_(membership_ids),
                    Pair.status.in_(OPEN_PAIR_STATUSES),
                )
            )
        )
        for row, pair in rows:
            if pair.id in ended:
                continue
            others = await self.session.scalar(
                select(func.count())
                .select_from(PairMentee)
                .where(
                    PairMentee.pair_id == pair.id,
                    PairMentee.mentee_membership_id.not_in(membership_ids),
                )
            )
            if others:
                # A group goes on without them.
                await self.session.delete(row)
                ended.add(pair.id)
            else:
                terminate(pair)
        await self.session.flush()
        return len(ended), terminated

    async def forget_dialog_state(self, telegram_id: int) -> int:
        """Delete this Telegram user's FSM and dialog rows (they may hold what the person
        typed): their private chat's rows and their own rows elsewhere, found by the
        indexed owner columns. Returns how many rows went."""
        result = await self.session.execute(
            delete(DialogState).where(
                or_(DialogState.chat_id == telegram_id, DialogState.user_id == telegram_id)
            )
        )
        await self.session.flush()
        return int(getattr(result, "rowcount", 0) or 0)
