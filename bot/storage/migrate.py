"""Apply Alembic migrations: at start, and by hand with `python -m bot.storage.migrate`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.storage.database import create_engine, ensure_sqlite_dir

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    ensure_sqlite_dir(database_url)
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def upgrade_async(database_url: str, revision: str = "head") -> None:
    # Alembic's env runs its own event loop, so it gets a thread of its own.
    await asyncio.to_thread(upgrade, database_url, revision)


def database_problem(url: str, exc: BaseException) -> str:
    """One line for whoever runs the bot or this command: the database cannot be used."""
    parsed = make_url(url)
    reason = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = " ".join(str(reason).split()) or type(reason).__name__
    check = (
        "that its folder exists and is writable"
        if parsed.get_backend_name() == "sqlite"
        else "that the database server is running and the database exists"
    )
    return (
        f"cannot open the database {parsed.render_as_string(hide_password=True)} ({text}): "
        f"check DATABASE_URL and {check}"
    )


def missing_sqlite_file(database_url: str) -> bool:
    """A SQLite database whose file is not there yet (opening it would create it)."""
    parsed = make_url(database_url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return False
    return not Path(parsed.database).expanduser().exists()


def current_revision(database_url: str) -> str | None:
    """The revision the database is at (None: no migration applied yet)."""

    async def read() -> str | None:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_revision()
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def _run(action: str, revision: str | None, url: str) -> str:
    """Do `action`; what it did, in one line (raises on a database that cannot be used)."""
    where = f"database at {make_url(url).render_as_string(hide_password=True)}"
    config = alembic_config(url)
    if missing_sqlite_file(url) and action != "upgrade":
        if action == "downgrade":
            raise CommandError(f"{where}: there is no database yet, nothing to downgrade")
        return f"{where}: there is no database yet (`upgrade` creates it)"
    if action == "upgrade":
        ensure_sqlite_dir(url)
    before = current_revision(url)
    head = head_revision(url)
    if action == "current":
        if before is None:
            return f"{where}: empty, no migration applied (the newest is {head})"
        state = "the newest" if before == head else f"the newest is {head}: run `upgrade`"
        return f"{where}: at {before} ({state})"
    if action == "upgrade":
        command.upgrade(config, revision or "head")
    else:
        assert revision is not None
        command.downgrade(config, revision)
    after = current_revision(url)
    if after == before:
        return f"{where}: already at {after or 'base (no tables)'}"
    done = "upgraded" if action == "upgrade" else "downgraded"
    return f"{where}: {done} {before or 'empty'} → {after or 'base (no tables)'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.storage.migrate",
        description="Apply or revert database migrations (DATABASE_URL from the environment "
        "or .env, as the bot reads it).",
    )
    parser.add_argument("action", choices=["upgrade", "downgrade", "current", "history"])
    parser.add_argument("revision", nargs="?", help="upgrade: default head; downgrade: required")
    parser.add_argument("--url", default=None, help="database URL (default: DATABASE_URL)")
    args = parser.parse_args(argv)
    if args.action == "downgrade" and not args.revision:
        parser.error(
            "downgrade needs a revision: `downgrade -1` reverts the last migration, "
            "`downgrade base` removes every table (see `history`)"
        )
    from bot.config import ConfigError, check_database_url, load_database_url

    try:
        url = check_database_url(args.url) if args.url else load_database_url()
    except (ConfigError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.action == "history":
        command.history(alembic_config(url))
        return 0
    try:
        print(_run(args.action, args.revision, url))
    except CommandError as exc:  # an unknown revision, nothing to downgrade
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as exc:
        print(f"error: {database_problem(url, exc)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
