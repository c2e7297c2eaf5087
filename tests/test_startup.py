"""Start-up as a newcomer meets it: every wrong setting ends `python -m bot` with one clear
line (no traceback), and the migration command reads `.env` like the bot does."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

from tests.e2e import ROOT, base_env
from tests.harness import TOKEN

# Nothing listens there: the bot must fail on the setting before it ever polls.
NO_TELEGRAM = "http://127.0.0.1:9"
# Each start costs seconds of imports: a few at once, and room for a busy machine.
AT_ONCE = 3
EXIT_WITHIN = 180


async def run_module(cwd: Path, *args: str, **env: str) -> tuple[int, str]:
    """`python -m <args>` in `cwd` with only `env` (no developer's settings), as (code, stderr)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        *args,
        cwd=cwd,
        env=base_env(PYTHONPATH=str(ROOT), **env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), EXIT_WITHIN)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(
            f"python -m {' '.join(args)} did not exit within {EXIT_WITHIN} s ({env})"
        ) from None
    assert process.returncode is not None
    return process.returncode, stderr.decode(errors="replace")


def one_error_line(what: str, code: int, stderr: str) -> str:
    # Alembic may log its INFO lines before a failure; what matters is one error line.
    lines = [line for line in stderr.strip().splitlines() if " INFO " not in line]
    assert code != 0, f"{what}: exit code 0; stderr:\n{stderr}"
    assert "Traceback" not in stderr, f"{what}:\n{stderr}"
    assert len(lines) == 1, f"{what}: expected one line on stderr, got:\n{stderr}"
    assert lines[0].startswith("error: "), f"{what}: {lines[0]}"
    return lines[0]


async def test_every_wrong_setting_is_one_clear_line(tmp_path: Path) -> None:
    bad_toml = tmp_path / "forms.toml"
    bad_toml.write_text("[[form]\nkey = ", encoding="utf-8")
    cases: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
        "empty token": ({"BOT_TOKEN": ""}, ("BOT_TOKEN is not set",)),
        "unreachable PostgreSQL": (
            {"DATABASE_URL": "postgresql+asyncpg://postgres:secret@127.0.0.1:9/nastavnik"},
            ("cannot open the database", "127.0.0.1:9", "DATABASE_URL"),
        ),
        "URL that is not a URL": (
            {"DATABASE_URL": "my database"},
            ("DATABASE_URL is invalid", "sqlite+aiosqlite://"),
        ),
        "sync driver": (
            {"DATABASE_URL": "postgresql://u@127.0.0.1/db"},
            ("DATABASE_URL", "postgresql+asyncpg://"),
        ),
        "SQLite folder that cannot exist": (
            {"DATABASE_URL": "sqlite+aiosqlite:////proc/no-such-folder/bot.db"},
            ("cannot open the database", "DATABASE_URL"),
        ),
        "unreachable Redis": (
            {"REDIS_URL": "redis://:secret@127.0.0.1:9/0"},
            ("cannot reach Redis", "127.0.0.1:9", "REDIS_URL"),
        ),
        "missing EXTRA_FORMS_FILE": (
            {"EXTRA_FORMS_FILE": str(tmp_path / "absent.toml")},
            ("EXTRA_FORMS_FILE", "absent.toml"),
        ),
        "broken EXTRA_FORMS_FILE": (
            {"EXTRA_FORMS_FILE": str(bad_toml)},
            ("EXTRA_FORMS_FILE", "forms.toml"),
        ),
    }
    defaults = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": NO_TELEGRAM,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "REDIS_URL": "",
    }
    turns = asyncio.Semaphore(AT_ONCE)

    async def start(env: dict[str, str]) -> tuple[int, str]:
        async with turns:
            return await run_module(tmp_path, "bot", **{**defaults, **env})

    results = await asyncio.gather(*(start(env) for env, _ in cases.values()))
    for (what, (_, expected)), (code, stderr) in zip(cases.items(), results, strict=True):
        line = one_error_line(what, code, stderr)
        for fragment in expected:
            assert fragment in line, f"{what}: {fragment!r} not in {line!r}"
    # A Redis nobody can reach stops the start like a dead database does.
    assert dict(zip(cases, (code for code, _ in results), strict=True))["unreachable Redis"] == 2
    # The password never reaches the log line.
    assert all("secret" not in stderr for _, stderr in results)


async def test_migrate_reads_dotenv_and_refuses_a_bare_downgrade(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        "DATABASE_URL=sqlite+aiosqlite:///./from-dotenv.db\n", encoding="utf-8"
    )
    code, stderr = await run_module(tmp_path, "bot.storage.migrate", "upgrade")
    assert code == 0, stderr
    with sqlite3.connect(tmp_path / "from-dotenv.db") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"user_account", "organisation", "alembic_version"} <= tables

    code, stderr = await run_module(tmp_path, "bot.storage.migrate", "downgrade")
    assert code == 2
    assert "Traceback" not in stderr
    assert "downgrade -1" in stderr and "downgrade base" in stderr, stderr
    with sqlite3.connect(tmp_path / "from-dotenv.db") as db:
        assert db.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)

    code, stderr = await run_module(
        tmp_path, "bot.storage.migrate", "current", "--url", "not a url"
    )
    assert code == 2 and "Traceback" not in stderr and "sqlite+aiosqlite://" in stderr, stderr
