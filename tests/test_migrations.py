"""Every migration goes up and down cleanly, one step at a time (the "stairway")."""

from __future__ import annotations

import asyncio

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.storage.database import create_engine
from bot.storage.migrate import alembic_config, downgrade, upgrade
from bot.storage.models import Base


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_stairway(database_url: str) -> None:
    revisions = _revisions(database_url)
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        await asyncio.to_thread(upgrade, database_url, revision)
        await asyncio.to_thread(downgrade, database_url, previous)
        await asyncio.to_thread(upgrade, database_url, revision)
        previous = revision
    tables = await _tables(database_url) - {"alembic_version"}
    assert tables == set(Base.metadata.tables)
    await asyncio.to_thread(downgrade, database_url, "base")
    assert await _tables(database_url) <= {"alembic_version"}


async def test_models_match_migrations(database_url: str) -> None:
    """A model change without its migration fails here (autogenerate finds a difference)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    await asyncio.to_thread(upgrade, database_url, "head")
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_dialog_state_rows_get_their_owner_on_upgrade(database_url: str) -> None:
    """0002 fills the owner columns of the rows already there, so withdrawal finds them."""
    from sqlalchemy import text

    await asyncio.to_thread(upgrade, database_url, "0001")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO dialog_state (key, state, data, updated_at) VALUES "
                    "('fsm:1:70001:70001:aiogd:stack:', NULL, '{}', CURRENT_TIMESTAMP), "
                    "('fsm:1:-100:-100:aiogd:stack:<70002>', NULL, '{}', CURRENT_TIMESTAMP)"
                )
            )
        await asyncio.to_thread(upgrade, database_url, "head")
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT key, chat_id, user_id FROM dialog_state ORDER BY key")
            )
            owners = {key: (chat, user) for key, chat, user in rows}
    finally:
        await engine.dispose()
    assert owners == {
        "fsm:1:70001:70001:aiogd:stack:": (70001, 70001),
        "fsm:1:-100:-100:aiogd:stack:<70002>": (-100, 70002),
    }


_PEOPLE_AT_0008 = (
    "INSERT INTO organisation (id, kind, name, timezone, quiet_start, quiet_end, created_at) "
    "VALUES (1, 'school', 'Школа', 'Europe/Moscow', '21:00:00', '08:00:00', CURRENT_TIMESTAMP)",
    "INSERT INTO user_account (id, reachable, created_at, last_seen_at) VALUES "
    "(1, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
    "(2, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    "INSERT INTO programme (id, organisation_id, form_key, name, period_start, period_end, "
    "stage, created_at) VALUES (1, 1, 'student_student', 'П', '2026-09-01', '2027-05-31', "
    "'working', CURRENT_TIMESTAMP)",
)


async def _at_0008(database_url: str, *statements: str) -> None:
    from sqlalchemy import text

    await asyncio.to_thread(upgrade, database_url, "0008")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            for statement in (*_PEOPLE_AT_0008, *statements):
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _rows(database_url: str, query: str) -> list[tuple[object, ...]]:
    from sqlalchemy import text

    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            return [tuple(r) for r in await conn.execute(text(query))]
    finally:
        await engine.dispose()


async def test_0009_keeps_the_earliest_of_duplicate_consents_and_curator_memberships(
    database_url: str,
) -> None:
    """The same live consent twice, a curator's live membership twice: the earliest stays."""
    await _at_0008(
        database_url,
        "INSERT INTO consent (id, subject_user_id, organisation_id, given_by, text_version, "
        "given_at) VALUES (1, 1, 1, 'self', 't', CURRENT_TIMESTAMP), "
        "(2, 1, 1, 'self', 't', CURRENT_TIMESTAMP), (3, 1, 1, 'guardian', 't', CURRENT_TIMESTAMP)",
        "INSERT INTO membership (id, user_id, organisation_id, role, status, profile, created_at) "
        "VALUES (1, 2, 1, 'curator', 'active', '{}', CURRENT_TIMESTAMP), "
        "(2, 2, 1, 'curator', 'registering', '{}', CURRENT_TIMESTAMP)",
    )
    await asyncio.to_thread(upgrade, database_url, "head")
    assert await _rows(database_url, "SELECT id, given_by FROM consent ORDER BY id") == [
        (1, "self"),
        (3, "guardian"),
    ]
    assert await _rows(database_url, "SELECT id, status FROM membership ORDER BY id") == [
        (1, "active"),
        (2, "withdrawn"),
    ]


async def test_0009_stops_on_a_mentee_in_two_live_pairs(database_url: str) -> None:
    """Which pair ends is a person's decision: the migration names them and stops."""
    import pytest

    await _at_0008(
        database_url,
        "INSERT INTO membership (id, user_id, organisation_id, programme_id, role, status, "
        "profile, created_at) VALUES "
        "(1, 1, 1, 1, 'mentor', 'active', '{}', CURRENT_TIMESTAMP), "
        "(2, 2, 1, 1, 'mentee', 'active', '{}', CURRENT_TIMESTAMP)",
        "INSERT INTO pair (id, organisation_id, programme_id, mentor_membership_id, status, "
        "created_at) VALUES (1, 1, 1, 1, 'active', CURRENT_TIMESTAMP), "
        "(2, 1, 1, 1, 'proposed', CURRENT_TIMESTAMP), (3, 1, 1, 1, 'completed', CURRENT_TIMESTAMP)",
        "INSERT INTO pair_mentee (pair_id, mentee_membership_id) VALUES (1, 2), (2, 2), (3, 2)",
    )
    with pytest.raises(RuntimeError, match=r"mentee membership 2: pairs 1, 2\. End all but one"):
        await asyncio.to_thread(upgrade, database_url, "head")
    assert await _rows(database_url, "SELECT version_num FROM alembic_version") == [("0008",)]

    # Once a curator ended one of them, it goes through, and the flag follows the pairs.
    from sqlalchemy import text

    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE pair SET status = 'terminated' WHERE id = 2"))
    finally:
        await engine.dispose()
    await asyncio.to_thread(upgrade, database_url, "head")
    live = "SELECT pair_id, live FROM pair_mentee ORDER BY pair_id"
    assert await _rows(database_url, live) == [(1, True), (2, False), (3, False)]


async def test_at_head_a_pair_status_decides_whether_its_mentees_are_taken(
    database_url: str,
) -> None:
    """The triggers of 0009 are there at the head (a later migration that rebuilds `pair`
    or `pair_mentee` on SQLite would drop them)."""
    from sqlalchemy import text

    await _at_0008(
        database_url,
        "INSERT INTO membership (id, user_id, organisation_id, programme_id, role, status, "
        "profile, created_at) VALUES "
        "(1, 1, 1, 1, 'mentor', 'active', '{}', CURRENT_TIMESTAMP), "
        "(2, 2, 1, 1, 'mentee', 'active', '{}', CURRENT_TIMESTAMP)",
    )
    await asyncio.to_thread(upgrade, database_url, "head")
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO pair (id, organisation_id, programme_id, mentor_membership_id, "
                    "status, created_at) VALUES (1, 1, 1, 1, 'active', CURRENT_TIMESTAMP), "
                    "(2, 1, 1, 1, 'proposed', CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text("INSERT INTO pair_mentee (pair_id, mentee_membership_id) VALUES (1, 2)")
            )
            await conn.execute(text("UPDATE pair SET status = 'completed' WHERE id = 1"))
            await conn.execute(
                text("INSERT INTO pair_mentee (pair_id, mentee_membership_id) VALUES (2, 2)")
            )
    finally:
        await engine.dispose()
    live = "SELECT pair_id, live FROM pair_mentee ORDER BY pair_id"
    assert await _rows(database_url, live) == [(1, False), (2, True)]


async def test_upgrading_to_the_head_keeps_every_row(database_url: str) -> None:
    """No migration after 0008 loses data: a table rebuilt on SQLite is dropped first, and
    with foreign keys on that would delete every row referring to it (members, pairs, a
    wave's responses and answers)."""
    await _at_0008(
        database_url,
        "INSERT INTO membership (id, user_id, organisation_id, programme_id, role, status, "
        "profile, created_at) VALUES "
        "(1, 1, 1, 1, 'mentor', 'active', '{}', CURRENT_TIMESTAMP), "
        "(2, 2, 1, 1, 'mentee', 'active', '{}', CURRENT_TIMESTAMP)",
        "INSERT INTO pair (id, organisation_id, programme_id, mentor_membership_id, status, "
        "created_at) VALUES (1, 1, 1, 1, 'active', CURRENT_TIMESTAMP)",
        "INSERT INTO pair_mentee (pair_id, mentee_membership_id) VALUES (1, 2)",
        "INSERT INTO survey_wave (id, organisation_id, programme_id, questionnaire_key, kind, "
        "deadline, created_at) VALUES (1, 1, 1, 'mentee_entry', 'entry', CURRENT_TIMESTAMP, "
        "CURRENT_TIMESTAMP)",
        "INSERT INTO survey_response (id, wave_id, user_id, role, questionnaire, position, "
        "created_at) VALUES (1, 1, 2, 'mentee', 'mentee_entry', 0, CURRENT_TIMESTAMP)",
        "INSERT INTO survey_answer (id, response_id, item_key, number, answered_at) "
        "VALUES (1, 1, 'comfort', 7, CURRENT_TIMESTAMP)",
    )
    rows = {
        "programme": 1,
        "membership": 2,
        "pair": 1,
        "pair_mentee": 1,
        "survey_wave": 1,
        "survey_response": 1,
        "survey_answer": 1,
    }
    await asyncio.to_thread(upgrade, database_url, "head")
    for table, count in rows.items():
        assert await _rows(database_url, f"SELECT count(*) FROM {table}") == [(count,)], table
