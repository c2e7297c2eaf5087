"""FSM and dialog state, one row per storage key (the embedded default storage)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from bot.storage.models.base import Base, utcnow

# aiogram-dialog names a person's stack in a group chat "aiogd:stack:<user id>".
_GROUP_STACK = re.compile(r"aiogd:stack:<(-?\d+)>")


def key_owner(key: str) -> tuple[int | None, int | None]:
    """(chat id, user id) of a storage key ``<prefix>:<bot_id>:<chat_id>[:<thread_id>]:
    <user_id>:<destiny>``; the user of a group stack is the one its destiny names."""
    parts = key.split(":")
    if len(parts) < 4 or not parts[2].lstrip("-").isdigit():
        return None, None
    chat, rest = int(parts[2]), parts[3:]
    numeric = []
    for part in rest:
        if not part.lstrip("-").isdigit():
            break
        numeric.append(part)
    user = int(numeric[-1]) if numeric else None
    group_stack = _GROUP_STACK.fullmatch(":".join(rest[len(numeric) :]))
    if group_stack:
        user = int(group_stack.group(1))
    return chat, user


def destiny_owner(destiny: str, user_id: int) -> int:
    """The person a row is about: the user of the key, or the one a group stack names."""
    group_stack = _GROUP_STACK.fullmatch(destiny)
    return int(group_stack.group(1)) if group_stack else user_id


class DialogState(Base):
    __tablename__ = "dialog_state"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Whose row it is, from the key: withdrawal finds a person's rows by index, and a
    # private chat's rows are read in one query per update.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    # Old rows expire (bot.storage.fsm.expire_dialog_state).
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    @validates("key")
    def _owner_from_key(self, _name: str, key: str) -> str:
        self.chat_id, self.user_id = key_owner(key)
        return key
