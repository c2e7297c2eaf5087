"""Questionnaire waves, each person's response and the answers per item key.

Definitions live in data files (bot/catalog/questionnaires); the database keeps keys only.
A response with no `submitted_at` after the wave's deadline is *missing*, never a zero.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models.base import Base, utcnow


class SurveyWave(Base):
    __tablename__ = "survey_wave"
    # A pulse is launched once per number (day 30, then every 60 days); other waves: NULL.
    __table_args__ = (UniqueConstraint("programme_id", "pulse_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), index=True
    )
    # The questionnaire set: participant | pulse | conditions | swot (see the data files).
    questionnaire_key: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))  # entry | intermediate | exit | pulse
    deadline: Mapped[datetime] = mapped_column()
    pulse_number: Mapped[int | None] = mapped_column()
    # Launched for chosen pairs (their people only), not for the whole programme: nobody
    # joins it later (see `SurveyService._catch_up`).
    pairs_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    reminded_before_at: Mapped[datetime | None] = mapped_column()  # 3 days before
    reminded_due_at: Mapped[datetime | None] = mapped_column()  # on the day
    created_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyResponse(Base):
    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("wave_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(
        ForeignKey("survey_wave.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))  # mentor | mentee | curator
    questionnaire: Mapped[str] = mapped_column(String(32))  # the data file's key
    # Index into the questionnaire's items for the person's form; len(items) = the summary.
    position: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column()
    submitted_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyAnswer(Base):
    __tablename__ = "survey_answer"
    __table_args__ = (UniqueConstraint("response_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(32))
    number: Mapped[int | None] = mapped_column()  # a scale
    # yes/no and single: the option key; multi: keys joined by ","; free text as typed.
    text: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyPulse(Base):
    """A programme's recurring pulse: day `first_day` of the programme, then every
    `every_days`, while the programme runs."""

    __tablename__ = "survey_pulse"

    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=True)
    first_day: Mapped[int] = mapped_column(default=30)
    every_days: Mapped[int] = mapped_column(default=60)
    updated_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
