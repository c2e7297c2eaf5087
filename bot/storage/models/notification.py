"""A message the bot will send to someone: the outbox row one sender delivers.

Written in the transaction of the action that caused it, so a rolled-back action sends
nothing and a committed one is never lost. The text is rendered at send time, in the
recipient's language, from `kind` and `args`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        # The same reminder to the same person is never queued twice, across restarts and
        # processes: (kind, subject, period) per recipient.
        UniqueConstraint(
            "kind", "subject", "period", "recipient_user_id", name="uq_notification_key"
        ),
        Index("ix_notification_due", "status", "not_before"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    subject: Mapped[str] = mapped_column(String(64))  # e.g. "user:12", "link:5"
    period: Mapped[str] = mapped_column(String(32), default="")  # e.g. "2026-11-23"
    recipient_user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    # Whose quiet hours and time zone apply; NULL: the recipient's schools, else the default.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    # Rows with the same recipient and batch go out as one message (a summary).
    batch: Mapped[str | None] = mapped_column(String(64))
    # Only for a goodbye to someone already anonymised: where and in which language.
    # Cleared when the row ends.
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    locale: Mapped[str | None] = mapped_column(String(8))
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    due_at: Mapped[datetime] = mapped_column()
    # Not sent before this moment: quiet hours, a summary's gathering time, a retry's backoff.
    not_before: Mapped[datetime] = mapped_column()
    # Skipped as expired when it could not go out before this moment.
    expires_at: Mapped[datetime | None] = mapped_column()
    # pending | sent | skipped | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(String(32))  # why skipped or failed
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(300))
    # A process that claimed the row sends it until claimed_until; after that another may.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()
