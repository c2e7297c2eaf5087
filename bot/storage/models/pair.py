"""Mentoring pairs and groups: a mentor with one or more mentees; the candidates a mentee
is offered to choose from; the mentee's individual development plan."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, text, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class Pair(Base):
    __tablename__ = "pair"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    # The current mentor; earlier ones are in pair_mentor_term (the pair, its plan and
    # meetings stay the same row when a mentor is replaced).
    mentor_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    # proposed → active → completed | terminated
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    order_number: Mapped[str | None] = mapped_column(String(64))
    order_date: Mapped[date | None] = mapped_column()
    # A key of the reasons list (pairs-end-reason-<key>) or "other" with end_note typed.
    end_reason: Mapped[str | None] = mapped_column(String(64))
    end_note: Mapped[str | None] = mapped_column(String(500))
    # The current mentor's acceptance of the agreement (each mentee's is in pair_mentee).
    mentor_accepted_at: Mapped[datetime | None] = mapped_column()
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()


class PairMentee(Base):
    __tablename__ = "pair_mentee"
    __table_args__ = (
        # One live pair per mentee, whoever forms it (two curators, a mentor accepting).
        Index(
            "uq_pair_mentee_live_mentee",
            "mentee_membership_id",
            unique=True,
            postgresql_where=text("live"),
            sqlite_where=text("live"),
        ),
    )

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), primary_key=True
    )
    mentee_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    accepted_at: Mapped[datetime | None] = mapped_column()
    # The pair is live (proposed or active), so the mentee is taken. Never written by the
    # code: the trigger `pair_status_live` (migration 0009) keeps it from pair.status on every
    # change, whoever makes it; a new row is live (a pair starts proposed).
    live: Mapped[bool] = mapped_column(server_default=true())


class PairMentorTerm(Base):
    """Who mentored the pair when: a replaced mentor keeps their term here."""

    __tablename__ = "pair_mentor_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    mentor_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    end_reason: Mapped[str | None] = mapped_column(String(500))


class Candidate(Base):
    """A mentor offered to a mentee to choose from (the mentee's choice).

    answer: NULL while offered → chosen (the mentee picked; the mentor has 3 days) →
    accepted | declined | expired; `withdrawn` when the offer closed without an answer
    (another candidate was chosen, the mentee asked for others, the curator paired them)."""

    __tablename__ = "candidate"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"))
    mentee_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    mentor_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    offered_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    offered_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(16))
    chosen_at: Mapped[datetime | None] = mapped_column()
    answered_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(String(500))
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("pair.id", ondelete="SET NULL"))


class PlanItem(Base):
    """A goal or task of a mentee's individual development plan."""

    __tablename__ = "plan_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    mentee_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))  # goal | task
    title: Mapped[str] = mapped_column(String(200))
    due: Mapped[date | None] = mapped_column()
    # planned | in_progress | done | dropped
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
