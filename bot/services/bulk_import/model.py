"""The limits of a bulk import, the column synonyms, and what an import returns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from bot.services.errors import DomainError

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


Table = list[tuple[int, list[str]]]  # (spreadsheet row number, cell texts)
