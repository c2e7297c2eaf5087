"""Bulk import: a curator's spreadsheet of participants becomes one invite link per row.

The curator sends the school's «база наставников / наставляемых» as XLSX or CSV
(ФИО, role, class or subject, category, contacts). Every good row gets a
single-use invite into the programme; bad rows are reported by their row number
as the curator sees it in the spreadsheet, and never stop the good ones.

Names and contacts are personal data and nobody has consented yet, so they are
NOT stored: only the invites are written; the names go back to the curator in
the result file (:func:`build_result_xlsx`) and nowhere else.

This package is part of the services layer: it must not import aiogram.

- `model.py`: limits, column synonyms, results; `reading.py`: XLSX and CSV into rows;
- `header.py`: the header row; `rows.py`: each row's checks;
- `service.py`: `BulkImportService`; `result_file.py`: the file sent back.
"""

from bot.services.bulk_import.model import (
    MAX_BYTES,
    MAX_ROWS,
    ImportedRow,
    ImportFileError,
    ImportResult,
    RowError,
    Table,
)
from bot.services.bulk_import.reading import read_table
from bot.services.bulk_import.result_file import build_result_xlsx
from bot.services.bulk_import.service import BulkImportService

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "BulkImportService",
    "ImportFileError",
    "ImportResult",
    "ImportedRow",
    "RowError",
    "Table",
    "build_result_xlsx",
    "read_table",
]
