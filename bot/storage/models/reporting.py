"""What reporting needs beyond the work itself: a school's headcounts per year (the
denominators of the municipal shares) and the curator's answer to a recognition nomination."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class Headcount(Base):
    """How many students aged 10–18, teachers and young teachers (до 35 лет, стаж до 3 лет)
    a school has in a school year (`year` = the year the school year starts: 2026 = 2026/27).
    A share without a headcount is shown as unknown, never guessed."""

    __tablename__ = "headcount"
    __table_args__ = (UniqueConstraint("organisation_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column()
    students_10_18: Mapped[int | None] = mapped_column()
    teachers: Mapped[int | None] = mapped_column()
    young_teachers: Mapped[int | None] = mapped_column()
    updated_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Recognition(Base):
    """A nomination the bot made at the end of a programme («Наставник года», «Лучшая пара»)
    and what the curator did with it (NULL = not answered yet)."""

    __tablename__ = "recognition"
    __table_args__ = (UniqueConstraint("programme_id", "kind", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))  # mentor-of-year | best-pair
    # "membership:<id>" for a mentor, "pair:<id>" for a pair.
    subject: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    accepted: Mapped[bool | None] = mapped_column()
    answered_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    answered_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
