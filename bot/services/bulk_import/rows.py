"""Checking each data row: name, role, class or subject, category, contacts."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.services.bulk_import.header import _norm
from bot.services.bulk_import.model import (
    _CATEGORY,
    _CLASS,
    _CONTACTS,
    _FIRST_NAME,
    _NAME,
    _PATRONYMIC,
    _ROLE,
    _SURNAME,
    CLASS_MAX,
    CONTACTS_MAX,
    ERROR_VALUE_MAX,
    ROLE_WORDS,
    RowError,
    _Parsed,
)
from bot.services.catalog import Catalog, Category
from bot.services.errors import InvalidInput
from bot.services.registration import clean_full_name


def _role_of(value: str) -> str | None:
    return ROLE_WORDS.get(_norm(value))


def _quote(value: str) -> str:
    return value if len(value) <= ERROR_VALUE_MAX else value[: ERROR_VALUE_MAX - 1] + "…"


class _RowChecker:
    """Checks one row after another; remembers who is in the file already."""

    def __init__(self, catalog: Catalog, mentee_kind: str | None) -> None:
        self.mentee_kind = mentee_kind
        self.categories: dict[str, list[Category]] = {}
        for category in _all_categories(catalog):
            labels = (
                category.key,
                category.name_ru,
                category.name_en,
                category.full_name_ru,
                category.full_name_en,
            )
            for label in labels:
                if label:
                    bucket = self.categories.setdefault(_category_norm(label), [])
                    if category not in bucket:
                        bucket.append(category)
        self.seen: set[tuple[str, str]] = set()

    def check(
        self, number: int, columns: dict[str, list[int]], cells: list[str]
    ) -> tuple[_Parsed | None, list[RowError]]:
        def cell(field: str) -> str:
            values = [cells[i] for i in columns.get(field, ()) if i < len(cells) and cells[i]]
            return "; ".join(values)

        errors: list[RowError] = []

        raw_name = cell(_NAME) or " ".join(
            part for part in (cell(_SURNAME), cell(_FIRST_NAME), cell(_PATRONYMIC)) if part
        )
        full_name: str | None = None
        if not raw_name:
            errors.append(RowError(number, "name-missing", None))
        else:
            try:
                full_name = clean_full_name(raw_name)
            except InvalidInput:
                errors.append(RowError(number, "name-invalid", _quote(raw_name)))

        raw_role = cell(_ROLE)
        role: str | None = None
        if not raw_role:
            errors.append(RowError(number, "role-missing", None))
        else:
            role = _role_of(raw_role)
            if role is None:
                errors.append(RowError(number, "role-unknown", _quote(raw_role)))

        class_or_subject = cell(_CLASS)
        if len(class_or_subject) > CLASS_MAX:
            errors.append(RowError(number, "text-too-long", _quote(class_or_subject)))
        contacts = cell(_CONTACTS)
        if len(contacts) > CONTACTS_MAX:
            errors.append(RowError(number, "text-too-long", _quote(contacts)))

        raw_category = cell(_CATEGORY)
        category_key: str | None = None
        if raw_category:
            category_key, code = self._category(raw_category, role)
            if code is not None:
                errors.append(RowError(number, code, _quote(raw_category)))

        if full_name is not None and role is not None and not errors:
            key = (_norm(full_name), role)
            if key in self.seen:
                return None, [RowError(number, "duplicate", full_name)]
            self.seen.add(key)
            parsed = _Parsed(number, full_name, role, class_or_subject, category_key, contacts)
            return parsed, []
        return None, errors

    def _category(self, value: str, role: str | None) -> tuple[str | None, str | None]:
        """(key, None) when the category fits the role, else (None, error code)."""
        matches = self.categories.get(_category_norm(value), [])
        if not matches:
            return None, "category-unknown"
        if role is None:  # the role is already reported; nothing more to say
            return matches[0].key, None
        fitting = [c for c in matches if c.kind == role]
        if not fitting:
            return None, "category-wrong-role"
        if role == "mentee" and self.mentee_kind is not None:
            for_form = [c for c in fitting if c.applies_to in (None, self.mentee_kind)]
            if not for_form:
                return None, "category-wrong-form"
            fitting = for_form
        return fitting[0].key, None


def _all_categories(catalog: Catalog) -> Iterable[Category]:
    yield from catalog.mentee_categories(include_hidden=True)
    yield from catalog.mentor_categories(include_hidden=True)


def _category_norm(text: str) -> str:
    """Keys keep their dots ("student.gifted"); names lose punctuation and case."""
    lowered = " ".join(text.lower().replace("ё", "е").split())
    return lowered if re.fullmatch(r"[a-z0-9_.]+", lowered) else _norm(lowered)
