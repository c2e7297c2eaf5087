"""Rows to an XLSX file: a bold frozen header, filters and sensible column widths.

Write-only mode keeps memory flat for large logs. A typed value that starts with "=" stays
text: nothing a person typed ever becomes a formula. openpyxl is imported by the function
that writes, so a process that only describes sheets (the bot's own) never loads it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

TITLE_MAX = 31  # Excel's limit for a sheet name
WIDTH_SAMPLE = 200  # rows looked at to size the columns
WIDTH_MIN, WIDTH_MAX = 8, 60
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]] = field(default_factory=list)


def sheet_title(title: str, taken: set[str]) -> str:
    base = _BAD_TITLE.sub(" ", title).strip()[:TITLE_MAX] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name = base[: TITLE_MAX - len(suffix)] + suffix
        n += 1
    taken.add(name.lower())
    return name


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _cell(ws: Any, value: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment

    if isinstance(value, str):
        # Control characters are not allowed in XLSX: one in a typed name must not cost
        # the curator the whole file.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)

    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones: local time is given
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif isinstance(value, datetime):
        cell.number_format = "DD.MM.YYYY HH:MM"
    elif isinstance(value, date):
        cell.number_format = "DD.MM.YYYY"
    return cell


def write_workbook(sheets: Sequence[Sheet]) -> bytes:
    """The XLSX file's bytes; every sheet has its header even when it has no rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True)
    book = Workbook(write_only=True)
    taken: set[str] = set()
    for sheet in sheets:
        ws = book.create_sheet(sheet_title(sheet.title, taken))
        widths = [len(str(c)) for c in sheet.columns]
        for row in sheet.rows[:WIDTH_SAMPLE]:
            for i, value in enumerate(row[: len(widths)]):
                longest = max((len(line) for line in _display(value).split("\n")), default=0)
                widths[i] = max(widths[i], longest)
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(
                max(width + 2, WIDTH_MIN), WIDTH_MAX
            )
        ws.freeze_panes = "A2"
        if sheet.columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}1"
        header = []
        for title in sheet.columns:
            cell = WriteOnlyCell(ws, value=str(title))
            cell.data_type = "s"
            cell.font = header_font
            header.append(cell)
        ws.append(header)
        for row in sheet.rows:
            ws.append([_cell(ws, value) for value in row])
    if not sheets:
        book.create_sheet("Sheet")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
