"""Questionnaires are data: every shipped file loads and validates, a broken one stops the
bot at start with one line naming the file and the item."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.services.questionnaires import (
    QUESTIONNAIRES_DIR,
    QuestionnaireError,
    load_questionnaires,
)
from tests.harness import TOKEN
from tests.test_startup import NO_TELEGRAM, one_error_line, run_module


def test_every_shipped_questionnaire_loads() -> None:
    catalog = load_questionnaires()
    keys = {q.key for q in catalog.questionnaires}
    assert keys == {
        "mentee_entry",
        "mentee_exit",
        "mentor_entry",
        "mentor_exit",
        "pulse",
        "curator_conditions",
        "curator_swot",
    }
    for role in ("mentor", "mentee"):
        for wave in ("entry", "intermediate", "exit"):
            assert catalog.find("participant", role, wave) is not None
        assert catalog.find("pulse", role, "pulse") is not None
    assert catalog.find("conditions", "curator", "exit") is not None
    swot = catalog.find("swot", "curator", "exit")
    assert swot is not None
    assert [i.key for i in swot.items] == ["strengths", "weaknesses", "opportunities", "threats"]
    pulse = catalog.get("pulse")
    assert pulse is not None and 2 <= len(pulse.items) <= 3
    assert all(i.type == "scale" and i.max == 5 for i in pulse.items)
    # Every item type is used somewhere.
    types = {i.type for q in catalog.questionnaires for i in q.items}
    assert types == {"scale", "single", "multi", "yes_no", "text"}


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_entry_and_exit_share_scale_keys(role: str) -> None:
    catalog = load_questionnaires()
    entry = catalog.find("participant", role, "entry")
    exit_ = catalog.find("participant", role, "exit")
    assert entry is not None and exit_ is not None
    entry_scales = {i.key for i in entry.items if i.type == "scale"}
    exit_scales = {i.key for i in exit_.items if i.type == "scale"}
    assert entry_scales == exit_scales
    # Russian «ты» wording for children differs from the «вы» one somewhere.
    assert any(i.text_ty and i.text_ty != i.text_ru for i in entry.items)


def test_every_scale_has_a_short_title_in_both_languages() -> None:
    """Charts and the results screen name an item by its short title, the same at entry
    and at exit, in the reader's language."""
    catalog = load_questionnaires()
    for q in catalog.questionnaires:
        for i in q.items:
            if i.type == "scale":
                assert i.short_ru and i.short_en and len(i.short_ru) <= 28, (q.key, i.key)
    entry, exit_ = catalog.get("mentee_entry"), catalog.get("mentee_exit")
    assert entry is not None and exit_ is not None
    for i in entry.items:
        if i.type == "scale":
            other = exit_.item(i.key)
            assert other is not None and other.short("ru") == i.short("ru"), i.key
    settle = exit_.item("settle_in")
    assert settle is not None
    assert settle.short("ru") == "Вхождение в коллектив"
    assert settle.short("en") == "Settling in"


def test_form_extras() -> None:
    mentee = load_questionnaires().get("mentee_exit")
    assert mentee is not None
    student = {i.key for i in mentee.items_for(("student_student",))}
    teacher = {i.key for i in mentee.items_for(("teacher_teacher",))}
    assert {"school_life", "sports", "beyond_curriculum"} <= student - teacher
    assert {"settle_in", "stay_3_years", "become_mentor"} <= teacher - student


PULSE = """key = "p"
set = "pulse"
roles = ["mentor"]
waves = ["pulse"]
title_ru = "t"
title_en = "t"
intro_ru = "i"
intro_ty = "i"
intro_en = "i"
"""
ITEM = """
[[item]]
key = "{key}"
type = "{type}"
text_ru = "a"
text_ty = "a"
text_en = "a"
short_ru = "a"
short_en = "a"
{extra}
"""


def item(key: str = "q1", type: str = "scale", extra: str = "") -> str:
    return ITEM.format(key=key, type=type, extra=extra)


BROKEN = {
    "unknown type": (item(type="slider"), ("'q1'", "slider")),
    "scale max": (item(extra="max = 7"), ("'q1'", "max")),
    "choice without options": (item(type="single"), ("'q1'", "options")),
    "missing ty": (item().replace('text_ty = "a"\n', ""), ("'q1'", "text_ty")),
    "condition on a later item": (
        item(extra='when = { item = "q2", is = "yes" }') + item("q2", "yes_no"),
        ("'q1'", "q2"),
    ),
    "condition value": (
        item("q1", "yes_no") + item("q2", extra='when = { item = "q1", is = "maybe" }'),
        ("'q2'", "maybe"),
    ),
    "duplicate key": (item() + item(), ("'q1'", "twice")),
    "scale without a short title": (
        item().replace('short_ru = "a"\n', ""),
        ("'q1'", "short_ru", "short title"),
    ),
    "short title too long": (
        item().replace('short_en = "a"', 'short_en = "' + "x" * 29 + '"'),
        ("'q1'", "short_en", "longer than 28"),
    ),
    "unknown field": (item(extra="colour = 1"), ("'q1'", "colour")),
    "not toml": ("[[item]\nkey=", ("not valid TOML",)),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_file_names_file_and_item(case: str, tmp_path: Path) -> None:
    body, fragments = BROKEN[case]
    (tmp_path / "broken.toml").write_text(PULSE + body, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaires(tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert "broken.toml" in message
    for fragment in fragments:
        assert fragment in message, message


async def test_a_broken_questionnaire_stops_the_bot_with_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "questionnaires"
    shutil.copytree(QUESTIONNAIRES_DIR, folder)
    text = (folder / "mentee_exit.toml").read_text(encoding="utf-8")
    (folder / "mentee_exit.toml").write_text(
        text.replace('key = "comfort"\ntype = "scale"', 'key = "comfort"\ntype = "stars"'),
        encoding="utf-8",
    )
    code, stderr = await run_module(
        tmp_path,
        "bot",
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=NO_TELEGRAM,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        REDIS_URL="",
        QUESTIONNAIRES_DIR=str(folder),
    )
    line = one_error_line("broken questionnaire", code, stderr)
    assert "mentee_exit.toml" in line and "'comfort'" in line and "stars" in line, line


def test_form_keys_of_items_are_known_forms() -> None:
    from bot.services.catalog import load_catalog

    forms = {f.key for f in load_catalog().forms(include_hidden=True)}
    for q in load_questionnaires().questionnaires:
        for i in q.items:
            assert set(i.forms) <= forms, (q.key, i.key, i.forms)
