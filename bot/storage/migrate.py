"""Apply Alembic migrations: at start, and by hand with `python -m bot.storage.migrate`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from bot.storage.database import ensure_sqlite_dir

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
    config = alembic_config(url)
    if args.action == "upgrade":
        ensure_sqlite_dir(url)
        command.upgrade(config, args.revision or "head")
    elif args.action == "downgrade":
        command.downgrade(config, args.revision)
    elif args.action == "current":
        command.current(config, verbose=True)
    else:
        command.history(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
