"""Meetings of a pair or group: planned (proposed, then agreed by the other side) or held
(logged by the mentor or the curator), with each mentee's attendance, confirmation and
rating; and each mentee's answer to «how does the pair fit» after the first meeting."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class Meeting(Base):
    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    pair_id: Mapped[int] = mapped_column(ForeignKey("pair.id", ondelete="CASCADE"), index=True)
    # organisational | trial | planning | regular | final (the methodology's order)
    kind: Mapped[str] = mapped_column(String(16))
    # planned | held | cancelled (planned and did not happen)
    status: Mapped[str] = mapped_column(String(16), default="held")
    # The school's local date of the meeting (a logged meeting may have no time).
    day: Mapped[date] = mapped_column(index=True)
    # A planned meeting's moment (UTC); NULL for a meeting logged by its date only.
    starts_at: Mapped[datetime | None] = mapped_column()
    duration_min: Mapped[int | None] = mapped_column()
    format: Mapped[str] = mapped_column(String(8), default="offline")  # offline | online
    topic: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(1000))
    # Planning: who proposed the current time; agreed once the other side accepted it.
    proposed_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    agreed_at: Mapped[datetime | None] = mapped_column()
    # Logging: who recorded it as held, and when (the 48-hour edit window starts here).
    logged_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    logged_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class MeetingAttendance(Base):
    """One mentee at one held meeting: present or not, and what they said about it.
    The rating and the comment are the curator's to read; the mentor sees the comment only
    when the mentee shared it, and never the rating."""

    __tablename__ = "meeting_attendance"

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True
    )
    mentee_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    present: Mapped[bool] = mapped_column(default=True)
    # NULL until the mentee answers; False: «не было» (then disputed).
    confirmed: Mapped[bool | None] = mapped_column()
    disputed: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None] = mapped_column()  # 1–5
    comment: Mapped[str | None] = mapped_column(String(1000))
    comment_shared: Mapped[bool] = mapped_column(default=False)  # also for the mentor
    answered_at: Mapped[datetime | None] = mapped_column()


class PairFit(Base):
    """A mentee's answer after the first meeting: fits | unsure | no (→ the curator)."""

    __tablename__ = "pair_fit"

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), primary_key=True
    )
    mentee_membership_id: Mapped[int] = mapped_column(
        ForeignKey("membership.id", ondelete="CASCADE"), primary_key=True
    )
    answer: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
