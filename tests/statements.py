"""Counting what an engine sends, the one way the statement tests and benchmarks/updates.py
both count: statements by their first word, and BEGIN / COMMIT / ROLLBACK as transactions
(a BEGIN may travel with the first statement, so the cursor's own BEGIN is not counted)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextmanager
def statements_and_transactions(engine: AsyncEngine) -> Iterator[Counter[str]]:
    """Statements sent by their first word, and BEGIN / COMMIT / ROLLBACK."""
    seen: Counter[str] = Counter()

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        kind = sql.split(None, 1)[0].upper()
        if kind != "BEGIN":
            seen[kind] += 1

    def begin(_conn: Any) -> None:
        seen["BEGIN"] += 1

    def commit(_conn: Any) -> None:
        seen["COMMIT"] += 1

    def rollback(_conn: Any) -> None:
        seen["ROLLBACK"] += 1

    sync = engine.sync_engine
    listeners = [
        ("before_cursor_execute", statement),
        ("begin", begin),
        ("commit", commit),
        ("rollback", rollback),
    ]
    for name, listener in listeners:
        event.listen(sync, name, listener)
    try:
        yield seen
    finally:
        for name, listener in listeners:
            event.remove(sync, name, listener)
