"""Region → municipality → school: every object belongs to one of these."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # region | municipality | school
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    # No message reaches a minor between quiet_start and quiet_end (local time).
    quiet_start: Mapped[time] = mapped_column(default=time(21, 0))
    quiet_end: Mapped[time] = mapped_column(default=time(8, 0))
    # The weekly digest goes out on this local weekday (0 = Monday) and hour.
    digest_weekday: Mapped[int] = mapped_column(default=0, server_default="0")
    digest_hour: Mapped[int] = mapped_column(default=9, server_default="9")
    # A municipality's monitoring deadline, every year (default 25 November).
    monitoring_month: Mapped[int] = mapped_column(default=11, server_default="11")
    monitoring_day: Mapped[int] = mapped_column(default=25, server_default="25")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
