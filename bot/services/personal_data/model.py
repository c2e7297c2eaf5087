"""What withdrawing consent returns, the constants of export and withdrawal, and the
helpers both use."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from bot.storage.models.dialog_state import key_owner

# The name the log had before the module became a package.
log = logging.getLogger("bot.services.personal_data")

EXPORT_FORMAT = 1
# Profile keys that stay after withdrawal: they describe a group, not a person.
AGGREGATE_PROFILE_KEYS = ("category",)
# The profile key a curator sets for a mentee (a teacher registered before help topics
# came chose their own: it stays, as the curator's).
CURATORS_CATEGORY = "category"
OPEN_PAIR_STATUSES = ("proposed", "active")
END_REASON = "consent_withdrawn"
# Who marked a consent, told without naming the other person.
MARKED_BY = {"self": "self", "guardian": "guardian", "paper": "curator"}


@dataclass(frozen=True, slots=True)
class CuratorToNotify:
    user_id: int
    telegram_id: int
    locale: str | None
    organisation_name: str


@dataclass(frozen=True, slots=True)
class Withdrawal:
    subject_user_id: int
    # As it was before anonymisation: the bot still says goodbye and clears the chat state.
    subject_telegram_id: int | None
    ended_pairs: int
    curators: tuple[CuratorToNotify, ...]
    organisation_ids: tuple[int, ...]
    # Outbox subjects whose pending messages would still speak of the person (their
    # mentee requests, their mentor choices, the pairs that ended and their meetings).
    subjects: tuple[str, ...] = ()


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def is_state_key_of(key: str, telegram_id: int) -> bool:
    """Whether an FSM/dialog storage key belongs to this Telegram user: their private chat,
    their user segment, or their group stack (see `key_owner`). Segments are compared whole,
    so 70001 never matches 170001 or 700012."""
    return telegram_id in key_owner(key)
