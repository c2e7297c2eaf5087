"""`/mydata`: everything stored about a person, JSON-ready; no other person's data in it."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from sqlalchemy import false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.errors import NotFound
from bot.services.personal_data.base import _Base
from bot.services.personal_data.model import (
    CURATORS_CATEGORY,
    EXPORT_FORMAT,
    MARKED_BY,
    _iso,
    _json_default,
)
from bot.services.users import Person
from bot.storage.models import (
    AuditEntry,
    Consent,
    GuardianLink,
    Meeting,
    MeetingAttendance,
    Membership,
    Organisation,
    Pair,
    PairFit,
    PairMentee,
    PlanItem,
    Programme,
    SurveyAnswer,
    SurveyResponse,
    SurveyWave,
    User,
    utcnow,
)

_NameOf = Callable[[int | None], Awaitable[str | None]]


class _Names:
    """The names of organisations and programmes, each read once per export."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.organisations: dict[int, str] = {}
        self.programmes: dict[int, str] = {}

    async def organisation(self, organisation_id: int | None) -> str | None:
        if organisation_id is None:
            return None
        if organisation_id not in self.organisations:
            org = await self.session.get(Organisation, organisation_id)
            self.organisations[organisation_id] = org.name if org else ""
        return self.organisations[organisation_id]

    async def programme(self, programme_id: int | None) -> str | None:
        if programme_id is None:
            return None
        if programme_id not in self.programmes:
            programme = await self.session.get(Programme, programme_id)
            self.programmes[programme_id] = programme.name if programme else ""
        return self.programmes[programme_id]


def _user_fields(user: User) -> dict[str, Any]:
    return {
        "telegram_id": user.telegram_id,
        "locale": user.locale,
        "telegram_locale": user.telegram_locale,
        "full_name": user.full_name,
        "is_minor": user.is_minor,
        "reachable": user.reachable,
        "created_at": _iso(user.created_at),
        "last_seen_at": _iso(user.last_seen_at),
        "anonymised_at": _iso(user.anonymised_at),
    }


async def _export_consents(
    consents: Iterable[Consent], user_id: int, org_name: _NameOf
) -> list[dict[str, Any]]:
    return [
        {
            "organisation": await org_name(c.organisation_id),
            "given_by": c.given_by,
            "marked_by": "self"
            if c.marked_by_user_id == user_id
            else MARKED_BY.get(c.given_by, c.given_by),
            "text_version": c.text_version,
            "given_at": _iso(c.given_at),
            "withdrawn_at": _iso(c.withdrawn_at),
        }
        for c in consents
    ]


async def _export_links_as_minor(
    links: Iterable[GuardianLink], org_name: _NameOf
) -> list[dict[str, Any]]:
    return [
        {
            "organisation": await org_name(g.organisation_id),
            "confirmed": g.confirmed_at is not None,
            "created_at": _iso(g.created_at),
            "expires_at": _iso(g.expires_at),
            "confirmed_at": _iso(g.confirmed_at),
        }
        for g in links
    ]


class _Export(_Base):
    """The export half of PersonalDataService."""

    async def export(self, person: Person) -> dict[str, Any]:
        """Everything stored about the person, JSON-ready; no other person's data in it."""
        user = await self.session.get(User, person.id)
        if user is None:
            raise NotFound()
        names = _Names(self.session)
        org_name, programme_name = names.organisation, names.programme

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
            "user": _user_fields(user),
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
            "consents": await _export_consents(consents, user.id, org_name),
            # Links a guardian was asked to confirm for this person; the guardian stays unnamed.
            "guardian_links_as_minor": await _export_links_as_minor(as_minor, org_name),
            # Children this person confirmed consent for: the guardian knows them by name,
            # and reads the category the curator gave the child (the child does not).
            "guardian_links_as_guardian": await self._export_links_as_guardian(
                as_guardian, org_name, programme_name
            ),
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

    async def _export_links_as_guardian(
        self,
        links: Iterable[GuardianLink],
        org_name: _NameOf,
        programme_name: _NameOf,
    ) -> list[dict[str, Any]]:
        return [
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
            for g in links
        ]

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
