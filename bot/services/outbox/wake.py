"""Waking the sender: a commit that queued notifications calls the listeners."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

# session.info key: this session queued (or skipped) notifications since its last commit
WAKE_KEY = "outbox_queued"
_listeners: list[Callable[[], None]] = []


def subscribe(listener: Callable[[], None]) -> Callable[[], None]:
    """Call `listener` after a commit that queued notifications; returns the unsubscriber."""
    _listeners.append(listener)

    def unsubscribe() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return unsubscribe


def wake_after_commit(session: AsyncSession) -> None:
    """Call right after `session` committed: wakes the sender if it queued anything."""
    if session.info.pop(WAKE_KEY, False):
        for listener in list(_listeners):
            listener()
