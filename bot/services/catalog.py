"""The catalog of mentoring forms and participant categories.

Forms of mentoring (формы наставничества) and the categories of mentees and
mentors are data: they live in ``bot/catalog/forms.toml`` and
``bot/catalog/categories.toml``. A deployment may add its own forms (or
categories), or override fields of the built-in ones, from an extra TOML file
of the same shape::

    [[form]]                       # a new form: every required field
    key = "parent_student"
    name_ru = "Родитель – ученик"
    name_en = "Parent – student"
    description_ru = "..."
    description_en = "..."
    mentor_kind = "any"
    mentee_kind = "student"

    [[form]]                       # an existing form: only the fields to change
    key = "teacher_teacher"
    name_ru = "Педагог – педагог"

    [[form]]                       # retire a form from menus (the key still resolves)
    key = "employer_student_prof"
    hidden = true

Keys are stored in the database and never change. Names are plain text:
escape them before putting them into HTML messages.

This module is part of the services layer: it must not import aiogram.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

__all__ = [
    "CATEGORIES_FILE",
    "FORMS_FILE",
    "KEY_MAX",
    "LABEL_MAX",
    "MENTEE_KINDS",
    "MENTOR_KINDS",
    "Catalog",
    "CatalogError",
    "Category",
    "CategoryKind",
    "Form",
    "HelpTopic",
    "MenteeKind",
    "MentorKind",
    "load_catalog",
]

MentorKind = Literal["student", "teacher", "student_prof", "employer", "any"]
MenteeKind = Literal["student", "teacher", "student_prof"]
CategoryKind = Literal["mentee", "mentor"]

MENTOR_KINDS: tuple[MentorKind, ...] = ("student", "teacher", "student_prof", "employer", "any")
MENTEE_KINDS: tuple[MenteeKind, ...] = ("student", "teacher", "student_prof")

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"
FORMS_FILE = CATALOG_DIR / "forms.toml"
CATEGORIES_FILE = CATALOG_DIR / "categories.toml"

#: Longest short label: it must fit on a Telegram inline button.
LABEL_MAX = 40
#: Longest key: keys go into callback_data (64 bytes) together with a prefix.
KEY_MAX = 40
#: Longest full name or description.
TEXT_MAX = 400

DEFAULT_LOCALE = "ru"

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")

# TOML array-of-tables names and what they hold.
_FORM_TABLE = "form"
_MENTEE_TABLE = "mentee_category"
_MENTOR_TABLE = "mentor_category"
_TOPIC_TABLE = "help_topic"
_TABLES = (_FORM_TABLE, _MENTEE_TABLE, _MENTOR_TABLE, _TOPIC_TABLE)

_FORM_REQUIRED = (
    "key",
    "name_ru",
    "name_en",
    "description_ru",
    "description_en",
    "mentor_kind",
    "mentee_kind",
)
_FORM_OPTIONAL = ("variant_of", "full_name_ru", "full_name_en", "hidden")
_CATEGORY_REQUIRED = ("key", "name_ru", "name_en")
_CATEGORY_OPTIONAL = ("full_name_ru", "full_name_en", "hidden")
_MENTEE_REQUIRED = (*_CATEGORY_REQUIRED, "applies_to")
# Which forms' mentors may pick a mentor category (by the form's mentor_kind); all when absent.
_MENTOR_OPTIONAL = (*_CATEGORY_OPTIONAL, "mentor_kinds")
_TOPIC_REQUIRED = ("key", "name_ru", "name_en")
# Whose topic it is: a student's (students of every form, the default) or a teacher's.
_TOPIC_OPTIONAL = ("hidden", "applies_to")
TOPIC_AUDIENCES = ("student", "teacher")


class CatalogError(ValueError):
    """A catalog file is missing, is not valid TOML, or has an invalid entry."""


def _lang(locale: str | None) -> str:
    """'en-US', 'en_GB', 'EN' -> 'en'; None or '' -> the default locale."""
    if not locale:
        return DEFAULT_LOCALE
    return re.split(r"[-_]", locale.strip(), maxsplit=1)[0].lower() or DEFAULT_LOCALE


def _pick(ru: str, en: str | None, locale: str | None) -> str:
    if _lang(locale) == "en" and en:
        return en
    return ru


@dataclass(frozen=True, slots=True)
class Form:
    """A form of mentoring (форма наставничества), e.g. «Ученик – ученик»."""

    key: str
    name_ru: str
    name_en: str
    description_ru: str
    description_en: str
    mentor_kind: MentorKind
    mentee_kind: MenteeKind
    variant_of: str | None = None
    full_name_ru: str | None = None
    full_name_en: str | None = None
    hidden: bool = False

    def name(self, locale: str | None = None) -> str:
        """Short label (≤ 40 chars) in the locale, Russian when not available."""
        return _pick(self.name_ru, self.name_en, locale)

    def full_name(self, locale: str | None = None) -> str:
        """Full name for texts and reports; the short label when there is none."""
        if _lang(locale) == "en":
            return self.full_name_en or self.name_en or self.full_name_ru or self.name_ru
        return self.full_name_ru or self.name_ru

    def description(self, locale: str | None = None) -> str:
        return _pick(self.description_ru, self.description_en, locale)

    @property
    def is_variant(self) -> bool:
        return self.variant_of is not None

    @property
    def base_key(self) -> str:
        """The key of the form this one is a variant of, or its own key."""
        return self.variant_of or self.key


@dataclass(frozen=True, slots=True)
class Category:
    """A category of mentees (``kind='mentee'``) or of mentors (``kind='mentor'``)."""

    key: str
    kind: CategoryKind
    name_ru: str
    name_en: str
    applies_to: MenteeKind | None = None  # mentee categories only
    full_name_ru: str | None = None
    full_name_en: str | None = None
    hidden: bool = False
    # mentor categories only: the forms' mentor kinds it fits (empty: every form)
    mentor_kinds: tuple[MentorKind, ...] = ()

    def fits_mentor_kind(self, mentor_kind: str | None) -> bool:
        return not self.mentor_kinds or mentor_kind is None or mentor_kind in self.mentor_kinds

    def name(self, locale: str | None = None) -> str:
        """Short label (≤ 40 chars) in the locale, Russian when not available."""
        return _pick(self.name_ru, self.name_en, locale)

    def full_name(self, locale: str | None = None) -> str:
        """The methodology's full wording; the short label when there is none."""
        if _lang(locale) == "en":
            return self.full_name_en or self.name_en or self.full_name_ru or self.name_ru
        return self.full_name_ru or self.name_ru


@dataclass(frozen=True, slots=True)
class HelpTopic:
    """What a mentee may want help with, in their own words (e.g. «учёба», «друзья», or a
    teacher's «справляться с нагрузкой»).

    A mentee chooses topics; the category (a label about them) is the curator's to set."""

    key: str
    name_ru: str
    name_en: str
    hidden: bool = False
    applies_to: str = "student"  # student (every student form) | teacher

    def fits(self, mentee_kind: str | None) -> bool:
        """Offered to mentees of this kind: teachers get teachers' topics, students the rest."""
        return (self.applies_to == "teacher") == (mentee_kind == "teacher")

    def name(self, locale: str | None = None) -> str:
        return _pick(self.name_ru, self.name_en, locale)


class Catalog:
    """Immutable lookup over forms and categories, in file order."""

    __slots__ = ("_categories", "_forms", "_topics")

    def __init__(
        self,
        forms: Iterable[Form],
        categories: Iterable[Category],
        topics: Iterable[HelpTopic] = (),
    ) -> None:
        self._forms: dict[str, Form] = {}
        for form in forms:
            if form.key in self._forms:
                raise CatalogError(f"duplicate form key {form.key!r}")
            self._forms[form.key] = form
        self._categories: dict[str, Category] = {}
        for category in categories:
            if category.key in self._categories:
                raise CatalogError(f"duplicate category key {category.key!r}")
            self._categories[category.key] = category
        self._topics: dict[str, HelpTopic] = {}
        for topic in topics:
            if topic.key in self._topics:
                raise CatalogError(f"duplicate help topic key {topic.key!r}")
            self._topics[topic.key] = topic

    # --- forms ---------------------------------------------------------------

    def forms(self, *, include_hidden: bool = False) -> tuple[Form, ...]:
        """All forms in menu order (hidden ones only when asked)."""
        return tuple(f for f in self._forms.values() if include_hidden or not f.hidden)

    def form(self, key: str) -> Form | None:
        """The form with this key, hidden or not; None if unknown."""
        return self._forms.get(key)

    def variants(self, key: str, *, include_hidden: bool = False) -> tuple[Form, ...]:
        """The variants of a form (e.g. of 'teacher_student'), in menu order."""
        return tuple(
            f
            for f in self._forms.values()
            if f.variant_of == key and (include_hidden or not f.hidden)
        )

    # --- categories ----------------------------------------------------------

    def mentee_categories(
        self, applies_to: MenteeKind | str | None = None, *, include_hidden: bool = False
    ) -> tuple[Category, ...]:
        """Mentee categories, optionally only those for students or for teachers."""
        return tuple(
            c
            for c in self._categories.values()
            if c.kind == "mentee"
            and (applies_to is None or c.applies_to == applies_to)
            and (include_hidden or not c.hidden)
        )

    def mentor_categories(
        self, mentor_kind: MentorKind | str | None = None, *, include_hidden: bool = False
    ) -> tuple[Category, ...]:
        """Mentor categories, optionally only those that fit a form's mentor kind."""
        return tuple(
            c
            for c in self._categories.values()
            if c.kind == "mentor"
            and c.fits_mentor_kind(mentor_kind)
            and (include_hidden or not c.hidden)
        )

    # --- help topics -------------------------------------------------------------

    def help_topics(
        self, mentee_kind: str | None = None, *, include_hidden: bool = False
    ) -> tuple[HelpTopic, ...]:
        """What a mentee of this kind (every kind when None) may want help with, in menu
        order."""
        return tuple(
            t
            for t in self._topics.values()
            if (mentee_kind is None or t.fits(mentee_kind)) and (include_hidden or not t.hidden)
        )

    def help_topic(self, key: str) -> HelpTopic | None:
        return self._topics.get(key)

    def category(self, key: str) -> Category | None:
        """A mentee or mentor category by key, hidden or not; None if unknown."""
        return self._categories.get(key)

    def __repr__(self) -> str:
        return f"Catalog({len(self._forms)} forms, {len(self._categories)} categories)"


# --- loading -----------------------------------------------------------------


def load_catalog(
    extra_forms_file: Path | str | None = None,
    *,
    forms_file: Path = FORMS_FILE,
    categories_file: Path = CATEGORIES_FILE,
) -> Catalog:
    """Read the built-in catalog, then merge a deployment's extra file over it.

    The extra file may hold ``[[form]]``, ``[[mentee_category]]``,
    ``[[mentor_category]]`` (optionally limited to forms by ``mentor_kinds``) and
    ``[[help_topic]]`` (what a mentee may want help with) tables. An entry with a
    new key is added at the end and must have every required field; an entry with
    an existing key changes only the fields it gives. Raises :class:`CatalogError`
    naming the file and the key when something is wrong.
    """
    merger = _Merger()
    merger.add_file(forms_file)
    merger.add_file(categories_file)
    if extra_forms_file is not None:
        merger.add_file(Path(extra_forms_file))
    return merger.build()


@dataclass(slots=True)
class _Raw:
    table: str
    fields: dict[str, Any]
    source: Path


class _Merger:
    def __init__(self) -> None:
        self._entries: dict[str, dict[str, _Raw]] = {t: {} for t in _TABLES}

    def add_file(self, path: Path) -> None:
        doc = _read_toml(path)
        unknown = sorted(set(doc) - set(_TABLES))
        if unknown:
            raise CatalogError(
                f"{path}: unknown top-level entry {unknown[0]!r}; "
                f"expected [[form]], [[mentee_category]], [[mentor_category]] or [[help_topic]]"
                " tables"
            )
        seen: set[str] = set()
        for table in _TABLES:
            if table not in doc:
                continue
            items = doc[table]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise CatalogError(f"{path}: {table!r} must be written as [[{table}]] tables")
            for index, item in enumerate(items, start=1):
                key = item.get("key")
                where = f"{path}: [[{table}]] #{index}"
                if key is None:
                    raise CatalogError(f"{where}: missing 'key'")
                if not isinstance(key, str) or not _KEY_RE.match(key) or len(key) > KEY_MAX:
                    raise CatalogError(
                        f"{where}: invalid key {key!r}: use lower-case ASCII letters, digits"
                        f" and '_', segments joined by '.', at most {KEY_MAX} characters"
                    )
                if key in seen:
                    raise CatalogError(f"{path}: {table} {key!r}: key appears twice in this file")
                seen.add(key)
                self._put(table, key, item, path)

    def _put(self, table: str, key: str, item: dict[str, Any], path: Path) -> None:
        if table in (_MENTEE_TABLE, _MENTOR_TABLE):
            # categories share one key space: category(key) looks up both lists
            other = _MENTOR_TABLE if table == _MENTEE_TABLE else _MENTEE_TABLE
            if key in self._entries[other]:
                raise CatalogError(
                    f"{path}: {table} {key!r}: key is already used by a {other}"
                    f" (from {self._entries[other][key].source})"
                )
        existing = self._entries[table].get(key)
        if existing is None:
            self._entries[table][key] = _Raw(table, dict(item), path)
        else:
            existing.fields.update(item)
            existing.source = path

    def build(self) -> Catalog:
        forms = [_make_form(raw) for raw in self._entries[_FORM_TABLE].values()]
        by_key = {f.key: f for f in forms}
        for form in forms:
            if form.variant_of is None:
                continue
            src = self._entries[_FORM_TABLE][form.key].source
            base = by_key.get(form.variant_of)
            if form.variant_of == form.key:
                raise CatalogError(
                    f"{src}: form {form.key!r}: a form cannot be a variant of itself"
                )
            if base is None:
                raise CatalogError(
                    f"{src}: form {form.key!r}: variant_of {form.variant_of!r} is not a known form"
                )
            if base.variant_of is not None:
                raise CatalogError(
                    f"{src}: form {form.key!r}: variant_of {form.variant_of!r} is itself a variant;"
                    " only one level of variants is allowed"
                )
        categories = [
            _make_category(raw)
            for table in (_MENTEE_TABLE, _MENTOR_TABLE)
            for raw in self._entries[table].values()
        ]
        topics = [_make_topic(raw) for raw in self._entries[_TOPIC_TABLE].values()]
        return Catalog(forms, categories, topics)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise CatalogError(f"{path}: catalog file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise CatalogError(f"{path}: not valid TOML: {exc}") from exc
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read catalog file: {exc}") from exc


class _Checker:
    """Field checks for one entry, with error messages naming file and key."""

    def __init__(self, raw: _Raw, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
        self.raw = raw
        self.key = str(raw.fields["key"])
        kind = raw.table.replace("_", " ")
        self.where = f"{raw.source}: {kind} {self.key!r}"
        unknown = sorted(set(raw.fields) - set(required) - set(optional))
        if unknown:
            raise self.error(
                f"unknown field {unknown[0]!r} (allowed: {', '.join((*required, *optional))})"
            )
        missing = [f for f in required if f not in raw.fields]
        if missing:
            raise self.error(f"missing required field {missing[0]!r}")

    def error(self, problem: str) -> CatalogError:
        return CatalogError(f"{self.where}: {problem}")

    def text(self, name: str, *, limit: int, required: bool = True) -> str | None:
        value = self.raw.fields.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise self.error(f"{name!r} must be a string")
        value = value.strip()
        if not value:
            if required:
                raise self.error(f"{name!r} must not be empty")
            return None
        if len(value) > limit:
            raise self.error(f"{name!r} is {len(value)} characters long; at most {limit} allowed")
        return value

    def label(self, name: str) -> str:
        value = self.text(name, limit=LABEL_MAX)
        assert value is not None
        return value

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.raw.fields.get(name)
        if value not in allowed:
            raise self.error(f"{name!r} is {value!r}; expected one of: {', '.join(allowed)}")
        return cast(str, value)

    def flag(self, name: str) -> bool:
        value = self.raw.fields.get(name, False)
        if not isinstance(value, bool):
            raise self.error(f"{name!r} must be true or false")
        return value


def _make_form(raw: _Raw) -> Form:
    c = _Checker(raw, _FORM_REQUIRED, _FORM_OPTIONAL)
    variant_of = raw.fields.get("variant_of")
    if variant_of is not None and (not isinstance(variant_of, str) or not variant_of):
        raise c.error("'variant_of' must be the key of another form")
    description_ru = c.text("description_ru", limit=TEXT_MAX)
    description_en = c.text("description_en", limit=TEXT_MAX)
    assert description_ru is not None and description_en is not None
    return Form(
        key=c.key,
        name_ru=c.label("name_ru"),
        name_en=c.label("name_en"),
        description_ru=description_ru,
        description_en=description_en,
        mentor_kind=cast(MentorKind, c.choice("mentor_kind", MENTOR_KINDS)),
        mentee_kind=cast(MenteeKind, c.choice("mentee_kind", MENTEE_KINDS)),
        variant_of=variant_of,
        full_name_ru=c.text("full_name_ru", limit=TEXT_MAX, required=False),
        full_name_en=c.text("full_name_en", limit=TEXT_MAX, required=False),
        hidden=c.flag("hidden"),
    )


def _make_category(raw: _Raw) -> Category:
    mentee = raw.table == _MENTEE_TABLE
    c = _Checker(
        raw,
        _MENTEE_REQUIRED if mentee else _CATEGORY_REQUIRED,
        _CATEGORY_OPTIONAL if mentee else _MENTOR_OPTIONAL,
    )
    applies_to = cast(MenteeKind, c.choice("applies_to", MENTEE_KINDS)) if mentee else None
    kinds = raw.fields.get("mentor_kinds", [])
    if not isinstance(kinds, list) or any(k not in MENTOR_KINDS for k in kinds):
        raise c.error(f"'mentor_kinds' must be a list of: {', '.join(MENTOR_KINDS)}")
    return Category(
        key=c.key,
        kind="mentee" if mentee else "mentor",
        name_ru=c.label("name_ru"),
        name_en=c.label("name_en"),
        applies_to=applies_to,
        full_name_ru=c.text("full_name_ru", limit=TEXT_MAX, required=False),
        full_name_en=c.text("full_name_en", limit=TEXT_MAX, required=False),
        hidden=c.flag("hidden"),
        mentor_kinds=tuple(cast(list[MentorKind], kinds)),
    )


def _make_topic(raw: _Raw) -> HelpTopic:
    c = _Checker(raw, _TOPIC_REQUIRED, _TOPIC_OPTIONAL)
    return HelpTopic(
        key=c.key,
        name_ru=c.label("name_ru"),
        name_en=c.label("name_en"),
        hidden=c.flag("hidden"),
        applies_to=c.choice("applies_to", TOPIC_AUDIENCES)
        if "applies_to" in raw.fields
        else "student",
    )
