"""questionnaires: a wave launched for chosen pairs is marked (pairs_only)

Only a whole programme's wave is given later to a participant who could not be asked at its
launch (a minor whose parent consented since).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild: on SQLite a rebuild drops the table, and
    # with foreign keys on that deletes every row that refers to it (ON DELETE CASCADE).
    op.add_column(
        "survey_wave",
        sa.Column("pairs_only", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("survey_wave", "pairs_only")  # SQLite 3.35+ drops a column in place
