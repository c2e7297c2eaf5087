"""Finding the header row and which column holds which field."""

from __future__ import annotations

from collections.abc import Sequence

from bot.services.bulk_import.model import (
    _CONTACTS,
    _FIRST_NAME,
    _NAME,
    _NON_WORD,
    _ROLE,
    _SURNAME,
    _SYNONYM_LIST,
    HEADER_SEARCH_ROWS,
    MAX_ROWS,
    ImportFileError,
    Table,
)


def _norm(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("ё", "е")).split())


def _column_field(header: str) -> str | None:
    """The field a header cell names: an exact synonym, or one followed by more words
    ("ФИО участника", "Контакты (телефон, e-mail)")."""
    name = _norm(header)
    if not name:
        return None
    for synonym, field in _SYNONYM_LIST:
        if name == synonym or name.startswith(synonym + " "):
            return field
    return None


def _columns(cells: Sequence[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        field = _column_field(cell)
        if field is None:
            continue
        if field == _CONTACTS:
            found.setdefault(field, []).append(index)  # Телефон + Email: both kept
        elif field not in found:
            found[field] = [index]
    return found


def _has_required(columns: dict[str, list[int]]) -> bool:
    has_name = _NAME in columns or (_SURNAME in columns and _FIRST_NAME in columns)
    return has_name and _ROLE in columns


def _header_index(table: Sequence[tuple[int, list[str]]]) -> int | None:
    """Index (in `table`) of the header row: the first of the top rows naming ФИО and role."""
    for index, (number, cells) in enumerate(table):
        if number > HEADER_SEARCH_ROWS:
            break
        if _has_required(_columns(cells)):
            return index
    return None


def _find_header(table: Table) -> tuple[dict[str, list[int]], Table]:
    index = _header_index(table)
    if index is None:
        raise ImportFileError("import-no-header")
    columns = _columns(table[index][1])
    data = [(number, cells) for number, cells in table[index + 1 :] if any(cells)]
    if not data:
        raise ImportFileError("import-empty")
    if len(data) > MAX_ROWS:
        raise ImportFileError("import-too-many-rows", limit=MAX_ROWS)
    return columns, data
