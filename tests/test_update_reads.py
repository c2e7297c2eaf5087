"""An update reads what it needs once: no row or question is sent to the database twice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.harness import Running
from tests.statements import statements_and_transactions


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[Counter[str]]:
    """Statements sent, whitespace-normalised, with their parameters."""
    seen: Counter[str] = Counter()

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen[f"{' '.join(statement.split())} {parameters!r}"] += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_start_sends_no_statement_twice(tg: Running) -> None:
    anna = tg.fake.user(1401, "Анна", language_code="ru")
    await anna.send("/start")
    with statements(tg.app.engine) as seen:
        await anna.send("/start")  # the greeting, then the menu: both ask about the person
    assert "Главное меню" in anna.last.body
    reads = {sql: n for sql, n in seen.items() if sql.startswith("SELECT")}
    assert reads, "the update read nothing?"
    repeated = {sql: n for sql, n in reads.items() if n > 1}
    assert repeated == {}, repeated


async def test_menu_after_registration_shows_what_was_just_saved(tg: Running) -> None:
    """The menu's cached answers are dropped when the update writes: the person who has just
    chosen a language sees the menu in it, and nothing stale."""
    anna = tg.fake.user(1402, "Анна", language_code="ru")
    await anna.send("/start")
    await anna.press("🌐 Язык")
    await anna.press("English")
    assert "Main menu" in anna.last.body


async def test_a_mentors_start_reads_their_pairs_once(tg: Running) -> None:
    """The greeting and the menu both say where the mentor is now (issue #22): they share
    one reading of the pairs, meetings and questionnaires."""
    from tests.test_flow_pairs import MENTOR_TG, active_pair, scene_in

    scene = await scene_in(tg)
    await active_pair(tg, scene, "anna", "kolya")
    await active_pair(tg, scene, "anna", "masha")
    anna = tg.fake.user(MENTOR_TG, "Анна")
    await anna.send("/start")
    with statements(tg.app.engine) as seen:
        await anna.send("/start")
    assert "Дальше: примите соглашение" in anna.texts()[-2]
    assert "Дальше: примите соглашение" in anna.last.body
    reads = {sql: n for sql, n in seen.items() if sql.startswith("SELECT")}
    repeated = {sql: n for sql, n in reads.items() if n > 1}
    assert repeated == {}, repeated


# What the ordinary updates below cost, BEGIN and COMMIT included (issue #27: the five menu
# updates took 55 statements, 11 each, before; the mentor's two /start 50). A change that
# adds a statement to every update fails here; lower the numbers when an update gets cheaper.
ORDINARY_MENU_STATEMENTS = 41
ORDINARY_MENTOR_STATEMENTS = 36


async def test_ordinary_updates_stay_cheap(tg: Running) -> None:
    """The person, their roles, consent and questionnaires, the dialog state, the update's
    mark and the commits: a fixed, small number of statements per ordinary update."""
    from tests.test_flow_pairs import MENTOR_TG, active_pair, scene_in

    anna = tg.fake.user(1403, "Анна", language_code="ru")
    await anna.send("/start")
    with statements_and_transactions(tg.app.engine) as menu:
        await anna.send("/start")
        await anna.press("🌐 Язык")
        await anna.press("English")
        await anna.send("/help")
        await anna.send("/start")
    assert "Main menu" in anna.last.body

    scene = await scene_in(tg)
    await active_pair(tg, scene, "anna", "kolya")
    mentor = tg.fake.user(MENTOR_TG, "Анна")
    await mentor.send("/start")
    with statements_and_transactions(tg.app.engine) as mentor_menu:
        await mentor.send("/start")
        await mentor.send("/start")
    assert sum(menu.values()) <= ORDINARY_MENU_STATEMENTS, dict(menu)
    assert sum(mentor_menu.values()) <= ORDINARY_MENTOR_STATEMENTS, dict(mentor_menu)
