"""Throw-away databases for tests: a SQLite file always, PostgreSQL and Redis when their
URLs are in the environment (TEST_DATABASE_URL, TEST_REDIS_URL). Each run makes its own
database and key prefix and removes them afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'test.db'}"


@asynccontextmanager
async def postgres_database(base_url: str) -> AsyncIterator[str]:
    """A fresh PostgreSQL database next to the one in base_url, dropped on exit."""
    name = f"nastavnik_test_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(base_url).set(database=name)
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@asynccontextmanager
async def redis_prefix(url: str) -> AsyncIterator[str]:
    """A key prefix of our own; every key under it is deleted on exit."""
    from redis.asyncio import Redis

    prefix = f"nastavnik-test-{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        client = Redis.from_url(url)
        try:
            keys = [key async for key in client.scan_iter(match=f"{prefix}:*")]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()
