"""Bulk import: a curator's spreadsheet of participants becomes one invite link per row.

The curator sends the school's «база наставников / наставляемых» as XLSX or CSV
(ФИО, role, class or subject, category, contacts). Every good row gets a
single-use invite into the programme; bad rows are reported by their row number
as the curator sees it in the spreadsheet, and never stop the good ones.

Names and contacts are personal data and nobody has consented yet, so they are
NOT stored: only the invites are written; the names go back to the curator in
the result file (:func:`build_result_xlsx`) and nowhere else.

This module is part of the services layer: it must not import aiogram.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.catalog import Catalog, Category
from bot.services.errors import DomainError, InvalidInput, NotFound
from bot.services.invites import InviteService
from bot.services.registration import clean_full_name
from bot.storage.models import Programme

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "BulkImportService",
    "ImportFileError",
    "ImportResult",
    "ImportedRow",
    "RowError",
    "build_result_xlsx",
]

#: Largest file accepted, in bytes.
MAX_BYTES = 2 * 1024 * 1024
#: Most data rows (non-empty rows below the header) in one file.
MAX_ROWS = 500
#: The header must be within this many rows from the top.
HEADER_SEARCH_ROWS = 10
#: Longest class-or-subject and contacts cells.
CLASS_MAX = 100
CONTACTS_MAX = 200
#: An XLSX is a ZIP: refuse archives that unpack to more than this (a "zip bomb").
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
#: Physical rows read at most (blank rows included) before giving up on a sheet.
MAX_PHYSICAL_ROWS = 10_000
#: Longest value quoted back in an error row.
ERROR_VALUE_MAX = 100

ROLE_WORDS = {
    "наставник": "mentor",
    "mentor": "mentor",
    "наставляемый": "mentee",
    "наставляемая": "mentee",
    "mentee": "mentee",
}

# Column synonyms, compared after _norm(): lower case, ё → е, punctuation → spaces.
_NAME = "full_name"
_SURNAME = "surname"
_FIRST_NAME = "first_name"
_PATRONYMIC = "patronymic"
_ROLE = "role"
_CLASS = "class_or_subject"
_CATEGORY = "category"
_CONTACTS = "contacts"

_SYNONYMS: dict[str, tuple[str, ...]] = {
    _NAME: (
        "фио",
        "фамилия имя отчество",
        "фамилия имя",
        "ф и о",
        "full name",
        "name",
        "fullname",
    ),
    _SURNAME: ("фамилия", "surname", "last name", "family name"),
    _FIRST_NAME: ("имя", "first name", "given name"),
    _PATRONYMIC: ("отчество", "patronymic", "middle name"),
    _ROLE: ("роль", "role"),
    _CLASS: (
        "класс",
        "предмет",
        "класс или предмет",
        "класс предмет",
        "предмет класс",
        "class",
        "subject",
        "class or subject",
        "class subject",
        "grade",
    ),
    _CATEGORY: ("категория", "category"),
    _CONTACTS: (
        "контакты",
        "контакт",
        "телефон",
        "тел",
        "email",
        "e mail",
        "эл почта",
        "электронная почта",
        "почта",
        "contacts",
        "contact",
        "phone",
    ),
}
# Every synonym with its field, longest first, so that "фамилия имя отчество"
# wins over "фамилия" and "класс или предмет" over "класс".
_SYNONYM_LIST = sorted(
    ((syn, field) for field, syns in _SYNONYMS.items() for syn in syns),
    key=lambda pair: -len(pair[0]),
)

_NON_WORD = re.compile(r"[\W_]+")
# Characters XML (and so XLSX) cannot hold; they also have no place in a name.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


class ImportFileError(DomainError):
    """The file as a whole cannot be imported. Codes: import-too-large, import-format,
    import-empty, import-no-header, import-too-many-rows."""

    code = "import-format"


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # 1-based spreadsheet row number, as the curator sees it
    code: str  # name-missing, name-invalid, role-missing, role-unknown, category-unknown,
    # category-wrong-role, category-wrong-form, text-too-long, duplicate
    value: str | None


@dataclass(frozen=True, slots=True)
class ImportedRow:
    row: int
    full_name: str
    role: str  # mentor | mentee
    class_or_subject: str
    category_key: str | None
    contacts: str
    payload: str  # what goes after ?start=
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ImportResult:
    rows: tuple[ImportedRow, ...]
    errors: tuple[RowError, ...]


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A data row that passed every check; its invite is not made yet."""

    row: int
    full_name: str
    role: str
    class_or_subject: str
    category_key: str | None
    contacts: str


# --- the service ----------------------------------------------------------------


class BulkImportService:
    def __init__(
        self,
        invites: InviteService,
        access: AccessService,
        session: AsyncSession,
        catalog: Catalog,
    ) -> None:
        self.invites = invites
        self.access = access
        self.session = session
        self.catalog = catalog

    async def import_file(
        self, actor: Actor, *, programme_id: int, filename: str, content: bytes
    ) -> ImportResult:
        """Read the file, check every row, and make one single-use invite per good row.

        Raises NotFound (no such programme), AccessDenied (not a curator of the
        programme's school; audited) and ImportFileError for whole-file problems.
        The whole file is checked before the first invite is made.
        """
        return await self.import_table(
            actor, programme_id=programme_id, table=lambda: read_table(filename, content)
        )

    async def import_table(
        self, actor: Actor, *, programme_id: int, table: Table | Callable[[], Table]
    ) -> ImportResult:
        """`import_file` for a table already read (`read_table`, e.g. in a thread before any
        transaction began), or a function that reads it once access is checked."""
        programme = await self.session.get(Programme, programme_id)
        await self.access.require_curator(
            actor,
            programme.organisation_id if programme else None,
            "import",
            object_type="programme",
            object_id=programme_id,
        )
        if programme is None:
            raise NotFound()

        if callable(table):
            table = table()
        columns, data = _find_header(table)
        form = self.catalog.form(programme.form_key)
        checker = _RowChecker(self.catalog, form.mentee_kind if form else None)
        good: list[_Parsed] = []
        errors: list[RowError] = []
        for number, cells in data:
            parsed, row_errors = checker.check(number, columns, cells)
            errors.extend(row_errors)
            if parsed is not None:
                good.append(parsed)

        imported: list[ImportedRow] = []
        for item in good:
            invite = await self.invites.create(
                actor,
                organisation_id=programme.organisation_id,
                role=item.role,
                programme_id=programme.id,
                max_uses=1,
            )
            imported.append(
                ImportedRow(
                    row=item.row,
                    full_name=item.full_name,
                    role=item.role,
                    class_or_subject=item.class_or_subject,
                    category_key=item.category_key,
                    contacts=item.contacts,
                    payload=invite.payload,
                    expires_at=invite.expires_at,
                )
            )
        # Counts only: the names are personal data and stay out of the database.
        await self.access.audit.record(
            actor.user_id,
            "invite.import",
            organisation_id=programme.organisation_id,
            object_type="programme",
            object_id=programme.id,
            imported=len(imported),
            rejected=len({e.row for e in errors}),
        )
        return ImportResult(rows=tuple(imported), errors=tuple(errors))


# --- reading files ----------------------------------------------------------------

Table = list[tuple[int, list[str]]]  # (spreadsheet row number, cell texts)


def read_table(filename: str, content: bytes) -> Table:
    """The file's non-empty rows as text, with their row numbers; the format is decided
    by the content (XLSX is a ZIP), then by the extension."""
    if len(content) > MAX_BYTES:
        raise ImportFileError("import-too-large", limit=MAX_BYTES)
    if not content.strip():
        raise ImportFileError("import-empty")
    suffix = PurePath(filename or "").suffix.lower()
    if content.startswith(b"PK"):
        rows = _read_xlsx(content)
    elif suffix in ("", ".csv", ".txt", ".tsv"):
        rows = _read_csv(content)
    else:  # .xls (OLE2), .xlsx that is not a ZIP, .pdf, .docx saved oddly, …
        raise ImportFileError("import-format")
    table = [(number, cells) for number, cells in rows if any(cells)]
    if not table:
        raise ImportFileError("import-empty")
    return table


def _read_xlsx(content: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportFileError("import-format") from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError("import-too-large", limit=MAX_BYTES)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a ZIP that is not a workbook
        raise ImportFileError("import-format") from None
    rows: list[tuple[int, list[str]]] = []
    try:
        sheet: Any = workbook.active or (workbook.worksheets[0] if workbook.worksheets else None)
        if sheet is None or not hasattr(sheet, "iter_rows"):  # a chartsheet
            raise ImportFileError("import-format")
        sheet.reset_dimensions()  # some generators write a wrong <dimension>
        number = 0
        for cells in sheet.iter_rows():
            # Blank rows come as empty tuples; cells that exist know their row.
            number = next((c.row for c in cells if getattr(c, "row", None)), number + 1)
            if number > MAX_PHYSICAL_ROWS:
                raise ImportFileError("import-too-many-rows", limit=MAX_ROWS)
            rows.append((number, [_cell_text(c.value) for c in cells]))
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError("import-format") from None
    finally:
        workbook.close()
    return rows


def _decode(content: bytes) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's «Unicode text»
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1251")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:  # a binary file that happened to decode
            break
        return text
    raise ImportFileError("import-format")


def _read_csv(content: bytes) -> list[tuple[int, list[str]]]:
    text = _decode(content)
    sample = text[:8192]
    delimiters = sorted(";,\t", key=lambda d: -sample.count(d))
    best: list[tuple[int, list[str]]] | None = None
    for delimiter in delimiters:
        rows = _parse_csv(text, delimiter)
        if best is None:
            best = rows  # the most frequent delimiter, if none makes a header
        if _header_index(rows) is not None:
            return rows
    assert best is not None
    return best


def _parse_csv(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, cells in enumerate(reader, start=1):
            if number > MAX_PHYSICAL_ROWS:
                raise ImportFileError("import-too-many-rows", limit=MAX_ROWS)
            rows.append((number, [_cell_text(c) for c in cells]))
    except csv.Error:
        raise ImportFileError("import-format") from None
    return rows


def _cell_text(value: object) -> str:
    """Any cell value as trimmed text: numbers without '.0', dates as DD.MM.YYYY."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.strftime("%d.%m.%Y")
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, time):
        return value.strftime("%H:%M")
    text = _CONTROL.sub(" ", str(value))
    return " ".join(text.split())


# --- header -------------------------------------------------------------------------


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


# --- rows -----------------------------------------------------------------------------


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


# --- the result file ----------------------------------------------------------------


def build_result_xlsx(
    result: ImportResult,
    *,
    bot_username: str,
    text: Callable[[str], str],
    tz: str,
    category_name: Callable[[str], str],
) -> bytes:
    """The curator's file: sheet 1 — one invite link per imported row; sheet 2 — the
    rows that were not imported, with the reason. `text` translates locale keys,
    `category_name` turns a category key into its name, `tz` is the school's zone."""
    from openpyxl import Workbook

    zone = ZoneInfo(tz)
    workbook = Workbook()
    invites = workbook.active
    assert invites is not None
    invites.title = _sheet_title(text("import-sheet-invites"), "Invites")
    _header(
        invites,
        [
            text("import-col-row"),
            text("import-col-name"),
            text("import-col-role"),
            text("import-col-class"),
            text("import-col-category"),
            text("import-col-contacts"),
            text("import-col-link"),
            text("import-col-expires"),
        ],
    )
    roles = {"mentor": text("role-mentor"), "mentee": text("role-mentee")}
    for number, row in enumerate(result.rows, start=2):
        link = f"https://t.me/{bot_username}?start={row.payload}"
        values: list[object] = [
            row.row,
            row.full_name,
            roles.get(row.role, row.role),
            row.class_or_subject,
            category_name(row.category_key) if row.category_key else "",
            row.contacts,
            link,
        ]
        for column, value in enumerate(values, start=1):
            _put(invites, number, column, value)
        invites.cell(row=number, column=7).hyperlink = link
        expires = invites.cell(row=number, column=8, value=row.expires_at.astimezone(zone).date())
        expires.number_format = "DD.MM.YYYY"
    _widths(invites, [8, 32, 14, 16, 28, 28, 60, 14])

    errors_title = _sheet_title(text("import-sheet-errors"), "Errors")
    if errors_title.lower() == invites.title.lower():
        errors_title = errors_title[:29].rstrip() + " 2"
    errors = workbook.create_sheet(errors_title)
    _header(
        errors,
        [text("import-col-row"), text("import-col-value"), text("import-col-reason")],
    )
    ordered = sorted(result.errors, key=lambda e: e.row)
    for number, error in enumerate(ordered, start=2):
        _put(errors, number, 1, error.row)
        _put(errors, number, 2, error.value or "")
        _put(errors, number, 3, text(f"import-error-{error.code}"))
    _widths(errors, [8, 40, 60])

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str, fallback: str) -> str:
    clean = _SHEET_TITLE_BAD.sub(" ", _CONTROL.sub("", title)).strip().strip("'")[:31]
    return clean or fallback


def _put(sheet: Any, row: int, column: int, value: object) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _CONTROL.sub(" ", value)
        cell.data_type = "s"  # "=…" from a curator's file stays text, never a formula
    else:
        cell.value = value


def _header(sheet: Any, titles: Sequence[str]) -> None:
    from openpyxl.styles import Font

    bold = Font(bold=True)
    for column, title in enumerate(titles, start=1):
        _put(sheet, 1, column, title)
        sheet.cell(row=1, column=column).font = bold
    sheet.freeze_panes = "A2"


def _widths(sheet: Any, minimum: Sequence[int]) -> None:
    """Each column as wide as its longest value, within sensible bounds."""
    from openpyxl.utils import get_column_letter

    for index, least in enumerate(minimum, start=1):
        longest = max(
            (len(str(c.value)) for (c,) in sheet.iter_rows(min_col=index, max_col=index)),
            default=0,
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(least, longest + 2), 70)
