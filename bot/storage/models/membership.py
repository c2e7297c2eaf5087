"""A person's role in an organisation (and, for participants, in a programme)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class Membership(Base):
    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "organisation_id", "programme_id", "role"),
        # The constraint above cannot hold staff roles (no programme: NULLs never clash):
        # one live curator (or coordinator) membership per person and organisation.
        Index(
            "uq_membership_live_staff",
            "user_id",
            "organisation_id",
            "role",
            unique=True,
            postgresql_where=text("programme_id IS NULL AND status != 'withdrawn'"),
            sqlite_where=text("programme_id IS NULL AND status != 'withdrawn'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # coordinator | curator | mentor | mentee
    # registering → active → withdrawn
    status: Mapped[str] = mapped_column(String(16), default="registering")
    # Role profile (class, subject, category, competences, …). Personal data: after consent.
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
