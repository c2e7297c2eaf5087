"""The result file the curator gets back: an invite link per good row, the rejected rows."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.services.bulk_import.model import _CONTROL, _SHEET_TITLE_BAD, ImportResult


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
