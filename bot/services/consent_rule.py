"""THE rule for reaching a participant (`takes_part`), on its own: the person's arrival
reads it too (bot.services.open_surveys), and bot.services.consent, which re-exports it,
imports the users' module."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import aliased

from bot.storage.models import Consent, User


def takes_part(user_id: Any, organisation_id: Any) -> ColumnElement[bool]:
    """THE rule for reaching a participant, as SQL (for one person or a whole query):
    whether the person (a user id or a column) may be paired, asked a questionnaire,
    invited and reminded in the school (an id or a column). Their consent is complete —
    their own or a paper one, and for a minor also a parent's or a paper one. Every
    service that could reach a mentor or mentee uses this, never a copy of it."""

    def given(*kinds: str) -> ColumnElement[bool]:
        return exists().where(
            Consent.subject_user_id == user_id,
            Consent.organisation_id == organisation_id,
            Consent.withdrawn_at.is_(None),
            Consent.given_by.in_(kinds),
        )

    person = aliased(User)  # never correlated to a `User` of the enclosing query
    minor = exists().where(person.id == user_id, person.is_minor.is_(True))
    return and_(given("self", "paper"), or_(~minor, given("guardian", "paper")))
