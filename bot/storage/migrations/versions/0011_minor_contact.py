"""minor contact: a mentor's direct chat with a child is off unless the curator turns it on

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch rebuild: on SQLite a rebuild drops the table, and
    # with foreign keys on that deletes every row that refers to it (ON DELETE CASCADE).
    op.add_column(
        "programme",
        sa.Column("minor_contact", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("programme", "minor_contact")  # SQLite 3.35+ drops a column in place
