"""`BulkImportService`: a checked table becomes one single-use invite per good row."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.access import AccessService, Actor
from bot.services.bulk_import.header import _find_header
from bot.services.bulk_import.model import ImportedRow, ImportResult, RowError, Table, _Parsed
from bot.services.bulk_import.reading import read_table
from bot.services.bulk_import.rows import _RowChecker
from bot.services.catalog import Catalog
from bot.services.invites import InviteService
from bot.storage.models import Programme


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
        programme = await self.access.load_curated(actor, Programme, programme_id, "import")

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
