"""questionnaires: a wave launched for chosen pairs is marked, so only a whole
programme's wave is given later to a participant who could not be asked at launch

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
    with op.batch_alter_table("survey_wave", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("pairs_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("survey_wave", schema=None) as batch_op:
        batch_op.drop_column("pairs_only")
