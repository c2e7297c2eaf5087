"""`python -m bot.storage.migrate` as its user meets it: it says what it did in one line,
a dead database is one error line (no traceback), and `current` creates no file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.migrate import head_revision, main

DEAD_POSTGRES = "postgresql+asyncpg://postgres:secret@127.0.0.1:9/nastavnik"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out.strip(), err.strip()


def test_upgrade_says_what_it_did_and_current_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    head = head_revision(url)
    where = f"database at {url}"

    code, out, err = run(capsys, "current", "--url", url)
    assert (code, err) == (0, "")
    assert out == f"{where}: there is no database yet (`upgrade` creates it)"
    assert not (tmp_path / "bot.db").exists()

    code, out, err = run(capsys, "upgrade", "0007", "--url", url)
    assert (code, out, err) == (0, f"{where}: upgraded empty → 0007", "")
    code, out, _ = run(capsys, "current", "--url", url)
    assert out == f"{where}: at 0007 (the newest is {head}: run `upgrade`)"
    code, out, _ = run(capsys, "upgrade", "--url", url)
    assert (code, out) == (0, f"{where}: upgraded 0007 → {head}")
    code, out, _ = run(capsys, "upgrade", "--url", url)
    assert (code, out) == (0, f"{where}: already at {head}")
    code, out, _ = run(capsys, "current", "--url", url)
    assert out == f"{where}: at {head} (the newest)"
    code, out, _ = run(capsys, "downgrade", "base", "--url", url)
    assert (code, out) == (0, f"{where}: downgraded {head} → base (no tables)")


def test_a_dead_database_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    for action in ("upgrade", "current"):
        code, out, err = run(capsys, action, "--url", DEAD_POSTGRES)
        assert code == 2 and out == ""
        assert len(err.splitlines()) == 1, err
        assert err.startswith("error: cannot open the database"), err
        assert "127.0.0.1:9" in err and "DATABASE_URL" in err and "secret" not in err


def test_nothing_to_downgrade_and_an_unknown_revision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    code, _, err = run(capsys, "downgrade", "-1", "--url", url)
    assert code == 2 and "there is no database yet" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "bot.db").exists()
    code, _, err = run(capsys, "upgrade", "nonsense", "--url", url)
    assert code == 2 and err.startswith("error: ") and len(err.splitlines()) == 1, err
