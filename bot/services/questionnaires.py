"""Questionnaires as data: one TOML file per questionnaire in ``bot/catalog/questionnaires``.

A file is one questionnaire for some roles and some waves::

    key = "mentee_exit"              # stored in responses; never changes
    set = "participant"              # what a wave launches: participant | pulse | conditions | swot
    roles = ["mentee"]               # who answers it
    waves = ["intermediate", "exit"] # entry | intermediate | exit | pulse
    title_ru = "…"  title_en = "…"  intro_ru = "…"  intro_ty = "…"  intro_en = "…"

    [[item]]
    key = "comfort"                  # entry and exit share keys: they compare item by item
    type = "scale"                   # scale | single | multi | yes_no | text
    max = 10                         # scales: 1…10 (default) or 1…5
    required = true                  # default true; optional items get a Skip button
    forms = ["teacher_teacher"]      # only in programmes of these forms (default: all)
    when = { item = "met_before", is = "yes" }   # only after this earlier answer
    satisfaction = true              # counts in the 0–100 satisfaction index
    about_mentor = true              # a mentee's view of the mentor (curator only)
    text_ru = "…"  text_ty = "…"  text_en = "…"  # text_ty: «ты» for under-18s
    short_ru = "…"  short_en = "…"   # scales: a short title for charts and result screens
    options = [{ key = "a", ru = "…", en = "…" }]  # single and multi

A file that breaks a rule stops the bot at start with one line naming the file and the item
(`QuestionnaireError`, a `CatalogError`). Services layer: no aiogram here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from bot.services.catalog import CatalogError, _read_toml

__all__ = [
    "ITEM_TYPES",
    "QUESTIONNAIRES_DIR",
    "SETS",
    "WAVE_KINDS",
    "Item",
    "Option",
    "Questionnaire",
    "QuestionnaireCatalog",
    "QuestionnaireError",
    "load_questionnaires",
]

QUESTIONNAIRES_DIR = Path(__file__).resolve().parent.parent / "catalog" / "questionnaires"

ItemType = Literal["scale", "single", "multi", "yes_no", "text"]
ITEM_TYPES: tuple[str, ...] = ("scale", "single", "multi", "yes_no", "text")
WAVE_KINDS: tuple[str, ...] = ("entry", "intermediate", "exit", "pulse")
SETS: tuple[str, ...] = ("participant", "pulse", "conditions", "swot")
ROLES: tuple[str, ...] = ("mentor", "mentee", "curator")
PARTICIPANT_ROLES = ("mentor", "mentee")
SCALE_MAXIMA = (5, 10)
YES, NO = "yes", "no"
TEXT_MAX = 600
OPTION_LABEL_MAX = 40
SHORT_MAX = 28  # a chart's label on a phone, and the same item at entry and at exit
KEY_MAX = 20  # item and option keys travel in callback data (64 bytes)
OPTIONS_MAX = 10
ANSWER_TEXT_MAX = 1000

_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FILE_FIELDS = ("key", "set", "roles", "waves", "title_ru", "title_en", "intro_ru", "intro_en")
_FILE_OPTIONAL = ("intro_ty", "item")
_ITEM_FIELDS = ("key", "type", "text_ru", "text_en")
_ITEM_OPTIONAL = (
    "text_ty",
    "required",
    "max",
    "forms",
    "when",
    "satisfaction",
    "about_mentor",
    "options",
    "short_ru",
    "short_en",
)


class QuestionnaireError(CatalogError):
    """A questionnaire file is broken; the message names the file and the item."""


def _lang(locale: str | None) -> str:
    return "en" if (locale or "").lower().startswith("en") else "ru"


@dataclass(frozen=True, slots=True)
class Option:
    key: str
    ru: str
    en: str

    def label(self, locale: str | None) -> str:
        return self.en if _lang(locale) == "en" else self.ru


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    type: ItemType
    text_ru: str
    text_en: str
    text_ty: str | None = None
    required: bool = True
    max: int = 10
    forms: tuple[str, ...] = ()
    when_item: str | None = None
    when_is: tuple[str, ...] = ()
    satisfaction: bool = False
    about_mentor: bool = False
    options: tuple[Option, ...] = ()
    short_ru: str | None = None
    short_en: str | None = None

    def short(self, locale: str | None) -> str:
        """The item's short title (one wording for every wave), else its question."""
        short = self.short_en if _lang(locale) == "en" else self.short_ru
        return short or self.text(locale)

    def text(self, locale: str | None, minor: bool = False) -> str:
        if _lang(locale) == "en":
            return self.text_en
        return (self.text_ty or self.text_ru) if minor else self.text_ru

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)

    def applies_to_form(self, form_keys: tuple[str, ...]) -> bool:
        return not self.forms or any(f in self.forms for f in form_keys)

    def is_shown(self, answers: Mapping[str, Any]) -> bool:
        """Whether the condition on an earlier answer holds (always, without one)."""
        if self.when_item is None:
            return True
        value = answers.get(self.when_item)
        if value is None:
            return False
        values = value if isinstance(value, list) else [value]
        return any(str(v) in self.when_is for v in values)


@dataclass(frozen=True, slots=True)
class Questionnaire:
    key: str
    set: str
    roles: tuple[str, ...]
    waves: tuple[str, ...]
    title_ru: str
    title_en: str
    intro_ru: str
    intro_en: str
    intro_ty: str | None
    items: tuple[Item, ...]
    source: str = ""

    def title(self, locale: str | None) -> str:
        return self.title_en if _lang(locale) == "en" else self.title_ru

    def intro(self, locale: str | None, minor: bool = False) -> str:
        if _lang(locale) == "en":
            return self.intro_en
        return (self.intro_ty or self.intro_ru) if minor else self.intro_ru

    def item(self, key: str) -> Item | None:
        return next((i for i in self.items if i.key == key), None)

    def items_for(self, form_keys: tuple[str, ...]) -> tuple[Item, ...]:
        """The items of a programme of this form (its variants included)."""
        return tuple(i for i in self.items if i.applies_to_form(form_keys))


@dataclass(frozen=True)
class QuestionnaireCatalog:
    questionnaires: tuple[Questionnaire, ...]
    _by_key: dict[str, Questionnaire] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({q.key: q for q in self.questionnaires})

    def get(self, key: str) -> Questionnaire | None:
        return self._by_key.get(key)

    def find(self, set_key: str, role: str, wave: str) -> Questionnaire | None:
        """The questionnaire a person in `role` answers in a wave of `set_key`/`wave`."""
        for q in self.questionnaires:
            if q.set == set_key and role in q.roles and wave in q.waves:
                return q
        return None

    def sets(self) -> tuple[str, ...]:
        return tuple(s for s in SETS if any(q.set == s for q in self.questionnaires))


def load_questionnaires(folder: Path | None = None) -> QuestionnaireCatalog:
    """Read and check every ``*.toml`` in `folder` (the shipped ones by default)."""
    folder = folder or QUESTIONNAIRES_DIR
    if not folder.is_dir():
        raise QuestionnaireError(f"{folder}: questionnaire folder not found")
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise QuestionnaireError(f"{folder}: no questionnaire files (*.toml) in it")
    questionnaires: list[Questionnaire] = []
    seen: dict[str, str] = {}
    combos: dict[tuple[str, str, str], str] = {}
    for path in files:
        try:
            raw = _read_toml(path)
        except QuestionnaireError:
            raise
        except CatalogError as exc:
            raise QuestionnaireError(f"questionnaire {exc}") from None
        q = _make_questionnaire(path.name, raw)
        if q.key in seen:
            raise QuestionnaireError(
                f"{path.name}: questionnaire key {q.key!r} is already used in {seen[q.key]}"
            )
        seen[q.key] = path.name
        for role in q.roles:
            for wave in q.waves:
                other = combos.get((q.set, role, wave))
                if other is not None:
                    raise QuestionnaireError(
                        f"{path.name}: set {q.set!r}, role {role!r}, wave {wave!r} "
                        f"is already covered by {other}"
                    )
                combos[(q.set, role, wave)] = path.name
        questionnaires.append(q)
    return QuestionnaireCatalog(tuple(questionnaires))


class _Check:
    def __init__(self, where: str, fields: Mapping[str, Any]) -> None:
        self.where = where
        self.fields = fields

    def error(self, problem: str) -> QuestionnaireError:
        return QuestionnaireError(f"{self.where}: {problem}")

    def known(self, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
        unknown = sorted(set(self.fields) - set(required) - set(optional))
        if unknown:
            raise self.error(f"unknown field {unknown[0]!r}")
        missing = [f for f in required if f not in self.fields]
        if missing:
            raise self.error(f"missing required field {missing[0]!r}")

    def text(self, name: str, limit: int = TEXT_MAX, required: bool = True) -> str | None:
        value = self.fields.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{name!r} must be a non-empty string")
        if len(value.strip()) > limit:
            raise self.error(f"{name!r} is longer than {limit} characters")
        return value.strip()

    def key(self, name: str = "key") -> str:
        value = self.fields.get(name)
        if not isinstance(value, str) or not _KEY_RE.match(value) or len(value) > KEY_MAX:
            raise self.error(f"{name!r} must be a short key like 'comfort' (got {value!r})")
        return value

    def keys(self, name: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.fields.get(name)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.error(f"{name!r} must be a non-empty list of strings")
        if allowed is not None:
            bad = [v for v in value if v not in allowed]
            if bad:
                raise self.error(f"{name!r} has {bad[0]!r}; expected some of: {', '.join(allowed)}")
        return tuple(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self.fields.get(name, default)
        if not isinstance(value, bool):
            raise self.error(f"{name!r} must be true or false")
        return value


def _make_questionnaire(filename: str, raw: dict[str, Any]) -> Questionnaire:
    top = _Check(filename, raw)
    top.known(_FILE_FIELDS, _FILE_OPTIONAL)
    key = top.key()
    set_key = top.fields["set"]
    if set_key not in SETS:
        raise top.error(f"'set' is {set_key!r}; expected one of: {', '.join(SETS)}")
    roles = top.keys("roles", ROLES)
    waves = top.keys("waves", WAVE_KINDS)
    minors = any(r in PARTICIPANT_ROLES for r in roles)
    raw_items = raw.get("item")
    if not isinstance(raw_items, list) or not raw_items:
        raise top.error("has no [[item]] entries")
    items: list[Item] = []
    for number, raw_item in enumerate(raw_items, start=1):
        if not isinstance(raw_item, dict):
            raise top.error(f"item {number} is not a table")
        name = raw_item.get("key")
        label = f"item {name!r}" if isinstance(name, str) else f"item {number}"
        item = _make_item(_Check(f"{filename}: {label}", raw_item), items, minors)
        items.append(item)
    intro_ty = top.text("intro_ty", required=minors)
    return Questionnaire(
        key=key,
        set=str(set_key),
        roles=roles,
        waves=waves,
        title_ru=cast(str, top.text("title_ru", OPTION_LABEL_MAX * 2)),
        title_en=cast(str, top.text("title_en", OPTION_LABEL_MAX * 2)),
        intro_ru=cast(str, top.text("intro_ru")),
        intro_en=cast(str, top.text("intro_en")),
        intro_ty=intro_ty,
        items=tuple(items),
        source=filename,
    )


def _make_item(c: _Check, earlier: list[Item], minors: bool) -> Item:
    c.known(_ITEM_FIELDS, _ITEM_OPTIONAL)
    key = c.key()
    if any(i.key == key for i in earlier):
        raise c.error("the key is used twice in this file")
    item_type = c.fields["type"]
    if item_type not in ITEM_TYPES:
        raise c.error(f"'type' is {item_type!r}; expected one of: {', '.join(ITEM_TYPES)}")
    maximum = c.fields.get("max", 10)
    if item_type != "scale" and "max" in c.fields:
        raise c.error("'max' is for scale items only")
    if maximum not in SCALE_MAXIMA or isinstance(maximum, bool):
        raise c.error(f"'max' is {maximum!r}; a scale goes up to 5 or 10")
    options = _options(c, item_type)
    forms: tuple[str, ...] = c.keys("forms") if "forms" in c.fields else ()
    when_item, when_is = _when(c, earlier)
    satisfaction = c.flag("satisfaction", False)
    if satisfaction and item_type != "scale":
        raise c.error("'satisfaction' is for scale items only")
    for name in ("short_ru", "short_en"):
        if item_type == "scale" and name not in c.fields:
            raise c.error(f"a scale needs {name!r}: its short title on charts and result screens")
    shorts = {name: c.text(name, SHORT_MAX, required=False) for name in ("short_ru", "short_en")}
    text_ty = c.text("text_ty", required=False)
    if minors and text_ty is None:
        raise c.error("'text_ty' (the «ты» wording for participants under 18) is missing")
    return Item(
        key=key,
        type=cast(ItemType, item_type),
        text_ru=cast(str, c.text("text_ru")),
        text_en=cast(str, c.text("text_en")),
        text_ty=text_ty,
        required=c.flag("required", True),
        max=int(maximum),
        forms=forms,
        when_item=when_item,
        when_is=when_is,
        satisfaction=satisfaction,
        about_mentor=c.flag("about_mentor", False),
        options=tuple(options),
        short_ru=shorts["short_ru"],
        short_en=shorts["short_en"],
    )


def _options(c: _Check, item_type: str) -> list[Option]:
    """A choice's options (none for the other types)."""
    options: list[Option] = []
    if item_type in ("single", "multi"):
        raw_options = c.fields.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            raise c.error("a choice needs 'options': at least two")
        if len(raw_options) > OPTIONS_MAX:
            raise c.error(f"at most {OPTIONS_MAX} options")
        for raw_option in raw_options:
            if not isinstance(raw_option, dict):
                raise c.error("each option must be { key = …, ru = …, en = … }")
            oc = _Check(f"{c.where}: option {raw_option.get('key')!r}", raw_option)
            oc.known(("key", "ru", "en"), ())
            option = Option(
                key=oc.key(),
                ru=cast(str, oc.text("ru", OPTION_LABEL_MAX)),
                en=cast(str, oc.text("en", OPTION_LABEL_MAX)),
            )
            if any(o.key == option.key for o in options):
                raise oc.error("option key used twice")
            options.append(option)
    elif "options" in c.fields:
        raise c.error("'options' are for single and multi items only")
    return options


def _when(c: _Check, earlier: list[Item]) -> tuple[str | None, tuple[str, ...]]:
    """The earlier item and its answers that show this item (None, () when always shown)."""
    when_item: str | None = None
    when_is: tuple[str, ...] = ()
    if "when" in c.fields:
        when = c.fields["when"]
        if not isinstance(when, dict) or set(when) != {"item", "is"}:
            raise c.error("'when' must be { item = <earlier key>, is = <value or list> }")
        target = next((i for i in earlier if i.key == when["item"]), None)
        if target is None:
            raise c.error(f"'when' names {when['item']!r}, which is not an earlier item")
        raw_is: list[Any] = when["is"] if isinstance(when["is"], list) else [when["is"]]
        when_is = tuple(str(v) for v in raw_is)
        allowed = _values_of(target)
        bad = [v for v in when_is if allowed is not None and v not in allowed]
        if bad or not when_is:
            raise c.error(
                f"'when' value {bad[0] if bad else None!r} is not an answer of {target.key!r}"
            )
        when_item = target.key
    return when_item, when_is


def _values_of(item: Item) -> set[str] | None:
    if item.type == "yes_no":
        return {YES, NO}
    if item.type in ("single", "multi"):
        return {o.key for o in item.options}
    if item.type == "scale":
        return {str(v) for v in range(1, item.max + 1)}
    return None  # a free text: any value
