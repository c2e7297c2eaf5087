"""The catalog of mentoring forms and categories (bot/catalog/*.toml)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.services.catalog import (
    LABEL_MAX,
    MENTEE_KINDS,
    MENTOR_KINDS,
    Catalog,
    CatalogError,
    Category,
    Form,
    load_catalog,
)

R145_FORMS = {
    "student_student": ("student", "student"),
    "teacher_teacher": ("teacher", "teacher"),
    "student_prof_student": ("student_prof", "student"),
    "employer_student": ("employer", "student"),
    "employer_student_prof": ("employer", "student_prof"),
}
VARIANTS = {
    "teacher_student.underachiever": "teacher_student",
    "teacher_student.prevention": "teacher_student",
    "teacher_student.special_needs": "teacher_student",
    "teacher_teacher.novice_master": "teacher_teacher",
}
STUDENT_CATEGORIES = {
    "student.gifted",
    "student.low_results",
    "student.special_needs",
    "student.hardship",
    "student.behaviour",
    "student.disengaged",
}
TEACHER_CATEGORIES = {
    "teacher.young_specialist",
    "teacher.burnout",
    "teacher.new_workplace",
    "teacher.digital_skills",
    "teacher.low_results",
}
MENTOR_CATEGORIES = {
    "mentor.student",
    "mentor.teacher",
    "mentor.parent",
    "mentor.alumnus",
    "mentor.employee",
    "mentor.entrepreneur",
    "mentor.teaching_veteran",
}

NEW_FORM = """
[[form]]
key = "parent_student"
name_ru = "Родитель – ученик"
name_en = "Parent – student"
description_ru = "Родитель помогает ученику с проектом."
description_en = "A parent helps a student with a project."
mentor_kind = "any"
mentee_kind = "student"
"""


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "extra_forms.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- built-in data ---------------------------------------------------------------


def test_all_r145_forms_present_with_kinds(catalog: Catalog) -> None:
    for key, (mentor_kind, mentee_kind) in R145_FORMS.items():
        form = catalog.form(key)
        assert form is not None, key
        assert (form.mentor_kind, form.mentee_kind) == (mentor_kind, mentee_kind)
        assert not form.is_variant


def test_teacher_student_and_variants(catalog: Catalog) -> None:
    base = catalog.form("teacher_student")
    assert base is not None
    assert (base.mentor_kind, base.mentee_kind) == ("teacher", "student")
    for key, parent in VARIANTS.items():
        form = catalog.form(key)
        assert form is not None, key
        assert form.variant_of == parent
        assert form.base_key == parent
    assert {f.key for f in catalog.variants("teacher_student")} == {
        k for k, v in VARIANTS.items() if v == "teacher_student"
    }


def test_form_order_starts_with_r145(catalog: Catalog) -> None:
    keys = [f.key for f in catalog.forms()]
    assert keys[0] == "student_student"
    assert keys.index("teacher_student") < keys.index("teacher_student.underachiever")


def test_unknown_keys_give_none(catalog: Catalog) -> None:
    assert catalog.form("no_such_form") is None
    assert catalog.category("no.such") is None


def test_keys_unique_and_ascii(catalog: Catalog) -> None:
    form_keys = [f.key for f in catalog.forms(include_hidden=True)]
    cat_keys = [c.key for c in catalog.mentee_categories(include_hidden=True)] + [
        c.key for c in catalog.mentor_categories(include_hidden=True)
    ]
    assert len(form_keys) == len(set(form_keys))
    assert len(cat_keys) == len(set(cat_keys))
    for key in form_keys + cat_keys:
        assert key.isascii() and key == key.lower()
        # a key plus a short prefix must fit callback_data (64 bytes)
        assert len(key.encode()) <= 40


def test_forms_have_both_languages_and_valid_kinds(catalog: Catalog) -> None:
    for form in catalog.forms(include_hidden=True):
        for text in (form.name_ru, form.name_en, form.description_ru, form.description_en):
            assert text.strip(), form.key
        assert form.name("ru") == form.name_ru
        assert form.name("en") == form.name_en
        assert form.description("en") == form.description_en
        assert form.mentor_kind in MENTOR_KINDS
        assert form.mentee_kind in MENTEE_KINDS
        # Russian text is Cyrillic, English text is not
        assert any("а" <= ch <= "я" for ch in form.name_ru.lower()), form.key
        assert not any("а" <= ch <= "я" for ch in form.name_en.lower()), form.key


def test_categories_complete(catalog: Catalog) -> None:
    assert {c.key for c in catalog.mentee_categories("student")} == STUDENT_CATEGORIES
    assert {c.key for c in catalog.mentee_categories("teacher")} == TEACHER_CATEGORIES
    assert {c.key for c in catalog.mentee_categories()} == STUDENT_CATEGORIES | TEACHER_CATEGORIES
    assert {c.key for c in catalog.mentor_categories()} == MENTOR_CATEGORIES
    young = catalog.category("teacher.young_specialist")
    assert young is not None and young.kind == "mentee" and young.applies_to == "teacher"
    assert "35" in young.full_name("ru") and "3" in young.full_name("en")
    veteran = catalog.category("mentor.teaching_veteran")
    assert veteran is not None and veteran.kind == "mentor" and veteran.applies_to is None


def test_categories_have_both_languages(catalog: Catalog) -> None:
    for cat in catalog.mentee_categories() + catalog.mentor_categories():
        assert cat.name_ru.strip() and cat.name_en.strip(), cat.key
        assert cat.name("en") == cat.name_en
        assert cat.full_name("ru")
        assert cat.full_name("en")


def test_button_labels_fit(catalog: Catalog) -> None:
    items: list[Form | Category] = [
        *catalog.forms(include_hidden=True),
        *catalog.mentee_categories(include_hidden=True),
        *catalog.mentor_categories(include_hidden=True),
    ]
    labels = [(item.key, text) for item in items for text in (item.name_ru, item.name_en)]
    too_long = [(key, text) for key, text in labels if len(text) > LABEL_MAX]
    assert not too_long
    assert LABEL_MAX == 40


def test_locale_fallback(catalog: Catalog) -> None:
    form = catalog.form("student_student")
    assert form is not None
    assert form.name(None) == form.name_ru
    assert form.name("de") == form.name_ru
    assert form.name("en-US") == form.name_en
    assert form.name("EN_gb") == form.name_en
    assert form.full_name("en") == form.name_en  # no full name: the label
    novice = catalog.form("teacher_teacher.novice_master")
    assert novice is not None and novice.full_name("ru") != novice.name_ru


def test_names_are_plain_text(catalog: Catalog) -> None:
    items: list[Form | Category] = [
        *catalog.forms(),
        *catalog.mentee_categories(),
        *catalog.mentor_categories(),
    ]
    for item in items:
        for text in (item.name_ru, item.name_en, item.full_name("ru"), item.full_name("en")):
            assert not set(text) & set("<>&"), item.key


# --- the extra file of a deployment ---------------------------------------------


def test_extra_file_adds_form_and_overrides_name(tmp_path: Path) -> None:
    extra = write(
        tmp_path,
        NEW_FORM
        + """
[[form]]
key = "teacher_teacher"
name_ru = "Педагог – педагог"
""",
    )
    catalog = load_catalog(extra)
    added = catalog.form("parent_student")
    assert added is not None
    assert added.mentor_kind == "any"
    assert added.name("en") == "Parent – student"
    assert catalog.forms()[-1].key == "parent_student"  # new forms come last

    changed = catalog.form("teacher_teacher")
    assert changed is not None
    assert changed.name("ru") == "Педагог – педагог"
    assert changed.name_en == "Teacher – teacher"  # untouched fields stay
    assert changed.mentee_kind == "teacher"
    # the built-in order is kept
    keys = [f.key for f in catalog.forms()]
    assert keys.index("teacher_teacher") == 1
    # the built-in catalog is not affected
    assert load_catalog().form("parent_student") is None


def test_extra_file_accepts_str_path(tmp_path: Path) -> None:
    catalog = load_catalog(str(write(tmp_path, NEW_FORM)))
    assert catalog.form("parent_student") is not None


def test_extra_file_hides_form_but_key_resolves(tmp_path: Path) -> None:
    extra = write(tmp_path, '[[form]]\nkey = "employer_student_prof"\nhidden = true\n')
    catalog = load_catalog(extra)
    assert "employer_student_prof" not in {f.key for f in catalog.forms()}
    assert "employer_student_prof" in {f.key for f in catalog.forms(include_hidden=True)}
    hidden = catalog.form("employer_student_prof")
    assert hidden is not None and hidden.hidden


def test_extra_file_adds_variant_and_category(tmp_path: Path) -> None:
    extra = write(
        tmp_path,
        """
[[form]]
key = "student_student.newcomer"
variant_of = "student_student"
name_ru = "Ученик – новенький"
name_en = "Student – newcomer"
description_ru = "Ученик помогает новенькому освоиться."
description_en = "A student helps a newcomer settle in."
mentor_kind = "student"
mentee_kind = "student"

[[mentee_category]]
key = "student.newcomer"
applies_to = "student"
name_ru = "Новенький в школе"
name_en = "New to the school"
""",
    )
    catalog = load_catalog(extra)
    assert "student_student.newcomer" in {f.key for f in catalog.variants("student_student")}
    cat = catalog.category("student.newcomer")
    assert cat is not None and cat.applies_to == "student"


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        # a new form without its required fields
        ('[[form]]\nkey = "new_form"\nname_ru = "Новая"\n', ["new_form", "name_en"]),
        # an override with a misspelt field
        ('[[form]]\nkey = "teacher_teacher"\nnmae_ru = "X"\n', ["teacher_teacher", "nmae_ru"]),
        # a label too long for a button
        (
            '[[form]]\nkey = "teacher_teacher"\nname_ru = "' + "Я" * 41 + '"\n',
            ["teacher_teacher", "name_ru", "40"],
        ),
        # an unknown kind
        (
            NEW_FORM.replace('mentor_kind = "any"', 'mentor_kind = "robot"'),
            ["parent_student", "mentor_kind", "robot"],
        ),
        # a variant of a form that does not exist
        (
            NEW_FORM + 'variant_of = "no_such_form"\n',
            ["parent_student", "variant_of", "no_such_form"],
        ),
        # variants of variants
        (
            NEW_FORM + 'variant_of = "teacher_student.prevention"\n',
            ["parent_student", "teacher_student.prevention"],
        ),
        # a non-ASCII key
        (NEW_FORM.replace('key = "parent_student"', 'key = "родитель"'), ["invalid key"]),
        # an upper-case key
        (NEW_FORM.replace('key = "parent_student"', 'key = "Parent"'), ["invalid key"]),
        # the same key twice in one file
        (NEW_FORM + NEW_FORM, ["parent_student", "twice"]),
        # no key at all
        ('[[form]]\nname_ru = "Без ключа"\n', ["missing 'key'"]),
        # hidden must be a boolean
        ('[[form]]\nkey = "teacher_teacher"\nhidden = "yes"\n', ["teacher_teacher", "hidden"]),
        # a table that is not a catalog table
        ('[[forms]]\nkey = "x"\n', ["forms"]),
        # form written as a single table instead of [[form]]
        ('[form]\nkey = "x"\n', ["[[form]]"]),
        # a mentee category key clashing with a mentor category
        (
            '[[mentee_category]]\nkey = "mentor.parent"\napplies_to = "student"\n'
            'name_ru = "Р"\nname_en = "P"\n',
            ["mentor.parent", "mentor_category"],
        ),
        # broken TOML
        ("[[form]]\nkey = \n", ["not valid TOML"]),
    ],
)
def test_invalid_extra_file_gives_clear_error(
    tmp_path: Path, text: str, fragments: list[str]
) -> None:
    extra = write(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        load_catalog(extra)
    message = str(info.value)
    assert str(extra) in message  # names the file
    for fragment in fragments:
        assert fragment in message


def test_missing_extra_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(CatalogError, match="not found") as info:
        load_catalog(missing)
    assert str(missing) in str(info.value)


def test_catalog_error_is_value_error() -> None:
    assert issubclass(CatalogError, ValueError)


# --- consent texts (locales/*/consent.ftl) ----------------------------------------

CONSENT_KEYS = (
    "consent-text-self",
    "consent-text-guardian",
    "consent-agree-button",
    "consent-decline-button",
    "consent-given",
    "consent-declined",
    "consent-minor-needs-guardian",
    "consent-guardian-link",
    "consent-guardian-confirmed-child",
    "consent-guardian-confirmed",
    "consent-withdraw-confirm",
    "consent-withdraw-button",
    "consent-withdrawn",
    "consent-paper-marked",
)
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def _format(bundle: Any, key: str, args: dict[str, Any]) -> str:
    message = bundle.get_message(key)
    assert message.value is not None, key
    value, errors = bundle.format_pattern(message.value, args)
    assert not errors, (key, errors)
    assert isinstance(value, str), key
    return value


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_consent_messages_parse_and_fit(locale: str) -> None:
    from fluent.runtime import FluentBundle, FluentResource
    from fluent.syntax import FluentParser
    from fluent.syntax import ast as fluent_ast

    text = (LOCALES_DIR / locale / "consent.ftl").read_text(encoding="utf-8")
    parsed = FluentParser().parse(text)
    junk = [e for e in parsed.body if isinstance(e, fluent_ast.Junk)]
    assert not junk, [j.annotations for j in junk]
    ids = [e.id.name for e in parsed.body if isinstance(e, fluent_ast.Message)]
    assert sorted(ids) == sorted(CONSENT_KEYS)
    bundle = FluentBundle([locale], use_isolating=False)
    bundle.add_resource(FluentResource(text))
    args: dict[str, Any] = {
        "school": "МБОУ СОШ № 7",
        "child": "Петя",
        "link": "https://t.me/x?start=abc",
    }
    for key in CONSENT_KEYS:
        value = _format(bundle, key, args)
        assert 0 < len(value) < 3500, key
        bare = re.sub(r"</?[bi]>", "", value)
        assert not re.search(r"[<>&]", bare), key  # only <b>, <i>; nothing to escape
        for tag in "bi":
            assert value.count(f"<{tag}>") == value.count(f"</{tag}>"), key
    assert "Петя" in _format(bundle, "consent-text-guardian", args)
    assert "МБОУ СОШ № 7" in _format(bundle, "consent-text-self", args)
    assert args["link"] in _format(bundle, "consent-guardian-link", args)
