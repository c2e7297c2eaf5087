"""Reading the curator's XLSX or CSV into text rows with their spreadsheet row numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

from bot.services.bulk_import.header import _header_index
from bot.services.bulk_import.model import (
    _CONTROL,
    MAX_BYTES,
    MAX_PHYSICAL_ROWS,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    ImportFileError,
    Table,
)


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
