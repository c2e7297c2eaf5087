"""The deploy files cannot run here (no Docker, no systemd): what can drift is checked instead.
Every environment name they set is a setting the bot knows, and every process they start
runs the README's command."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
# Names the image sets for Python and pip, not for the bot.
NOT_SETTINGS = {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR"}
NOT_SETTINGS |= {"PIP_DISABLE_PIP_VERSION_CHECK"}


def settings_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def compose_bot_environment() -> set[str]:
    """The keys of `services.bot.environment` in compose.yaml (two-space YAML, as written)."""
    names: set[str] = set()
    section = service = None
    for line in (ROOT / "compose.yaml").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        key = line.strip().split(":", 1)[0]
        if indent == 2:
            service, section = key, None
        elif indent == 4:
            section = key
        elif indent == 6 and service == "bot" and section == "environment":
            names.add(key)
    return names


def dockerfile_env() -> set[str]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    names: set[str] = set()
    for line in text.splitlines():
        if line.startswith("ENV "):
            names |= set(re.findall(r"([A-Z_]+)=", line))
    return names


def systemd_env() -> set[str]:
    text = (ROOT / "deploy" / "nastavnik.service").read_text()
    return set(re.findall(r"^Environment=([A-Z_]+)=", text, re.MULTILINE))


def env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z_]+)=", text, re.MULTILINE))


def readme_run_command() -> str:
    """The last command of README's first "Two commands" line: how the bot is started."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Two commands", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    first = next(line for line in block.splitlines() if line and not line.startswith("#"))
    return first.split("&&")[-1].strip()


def test_every_environment_name_in_the_deploy_files_is_a_setting() -> None:
    known = settings_names()
    compose = compose_bot_environment()
    assert {"BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "WEBHOOK_URL"} <= compose
    unknown = {
        "compose.yaml": compose - known,
        "Dockerfile": dockerfile_env() - NOT_SETTINGS - known,
        "deploy/nastavnik.service": systemd_env() - known,
        ".env.example": env_example() - known,
    }
    assert all(not names for names in unknown.values()), unknown


def test_every_process_runs_the_readme_command() -> None:
    command = readme_run_command()
    assert command == ".venv/bin/python -m bot"
    cmd = re.search(r"^CMD \[(.*)\]$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert cmd is not None
    image = " ".join(part.strip().strip('"') for part in cmd.group(1).split(","))
    assert image == "python -m bot" and command.endswith(image)
    service = (ROOT / "deploy" / "nastavnik.service").read_text()
    (exec_start,) = re.findall(r"^ExecStart=(.+)$", service, re.MULTILINE)
    assert exec_start.endswith("/" + command)


def test_the_image_installs_the_tested_versions() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install -c constraints.txt" in dockerfile
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    assert {"aiogram", "aiogram-dialog", "sqlalchemy", "asyncpg", "redis"} <= pinned
