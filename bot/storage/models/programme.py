"""A school's mentoring programme: one form of mentoring over one period."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class Programme(Base):
    __tablename__ = "programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    form_key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column()
    period_end: Mapped[date] = mapped_column()
    stage: Mapped[str] = mapped_column(String(32), default="preparation")
    # Whether pair members get a button that opens each other's chat.
    contact_sharing: Mapped[bool] = mapped_column(default=True, server_default=true())
    # In a pair with a child that button is off unless the curator turns this on (the
    # children's parents are told when it is on).
    minor_contact: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A pair with no meeting for this many days is nudged (then the curator at +7, +16).
    quiet_pair_days: Mapped[int] = mapped_column(default=14, server_default="14")
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
