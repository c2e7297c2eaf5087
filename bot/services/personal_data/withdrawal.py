"""Withdrawing consent: the person's pairs end, what they typed goes, the rest is
anonymised, keeping only anonymous aggregates.

Withdrawal runs in the caller's session and transaction: it flushes, never commits, so
either everything happens or nothing does."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, false, func, or_, select, update

from bot.services.errors import AccessDenied, NotFound
from bot.services.personal_data.base import _Base
from bot.services.personal_data.model import (
    AGGREGATE_PROFILE_KEYS,
    END_REASON,
    OPEN_PAIR_STATUSES,
    CuratorToNotify,
    Withdrawal,
    log,
)
from bot.storage.models import (
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
    User,
    utcnow,
)


class _Withdrawal(_Base):
    """The withdrawal half of PersonalDataService."""

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
        await self._may_withdraw(subject_user_id, by_user_id)
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

        await self._withdraw_consents(user.id, now)
        _end_memberships(memberships, now)
        await self._drop_guardian_links(user.id)

        if telegram_id is not None and clear_dialog_state:
            await self.forget_dialog_state(telegram_id)

        # Questionnaires: typed answers and anything unsubmitted go; numbers stay unnamed.
        from bot.services.surveys import forget_survey_answers

        await forget_survey_answers(self.session, user.id)

        _anonymise(user, now)
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

    async def _may_withdraw(self, subject_user_id: int, by_user_id: int) -> None:
        """Refuse (and audit) anyone but the person and their confirmed guardian."""
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

    async def _withdraw_consents(self, user_id: int, now: datetime) -> None:
        for consent in await self.session.scalars(
            select(Consent).where(Consent.subject_user_id == user_id)
        ):
            if consent.withdrawn_at is None:
                consent.withdrawn_at = now
            if consent.given_by == "guardian":
                # The guardian ↔ child relation goes with the guardian links below.
                consent.marked_by_user_id = None

    async def _drop_guardian_links(self, user_id: int) -> None:
        """Links to the person as a child go; as a guardian, they lose their name on it."""
        await self.session.execute(
            delete(GuardianLink).where(GuardianLink.minor_user_id == user_id)
        )
        for link in await self.session.scalars(
            select(GuardianLink).where(GuardianLink.guardian_user_id == user_id)
        ):
            link.guardian_user_id = None

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
            await self._forget_what_they_answered(membership_ids)
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
            await self._forget_pair_notes(in_pairs)
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
        await self._forget_deliveries(user_id, now)

    async def _forget_what_they_answered(self, membership_ids: list[int]) -> None:
        """Their meeting comments, fit answers and the reasons a mentor declined them."""
        s = self.session
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

    async def _forget_pair_notes(self, in_pairs: set[int]) -> None:
        """The end notes of the pairs they were in, and of their mentors' terms."""
        s = self.session
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

    async def _forget_deliveries(self, user_id: int, now: datetime) -> None:
        """What was still to be delivered to them is skipped; what went keeps no text."""
        s = self.session
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


def _end_memberships(memberships: list[Membership], now: datetime) -> None:
    """Withdrawn, ended, and the profile reduced to what describes a group."""
    for membership in memberships:
        if membership.status != "withdrawn":
            membership.status = "withdrawn"
        if membership.ended_at is None:
            membership.ended_at = now
        profile = membership.profile or {}
        kept = {k: profile[k] for k in AGGREGATE_PROFILE_KEYS if k in profile}
        if kept != profile:
            membership.profile = kept


def _anonymise(user: User, now: datetime) -> None:
    user.full_name = None
    user.telegram_id = None
    user.locale = None
    user.telegram_locale = None
    if user.anonymised_at is None:
        user.anonymised_at = now
