"""reporting: digest day and hour, monitoring deadline, headcounts, recognition

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_weekday", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("digest_hour", sa.Integer(), server_default="9", nullable=False)
        )
        batch_op.add_column(
            sa.Column("monitoring_month", sa.Integer(), server_default="11", nullable=False)
        )
        batch_op.add_column(
            sa.Column("monitoring_day", sa.Integer(), server_default="25", nullable=False)
        )

    op.create_table(
        "headcount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("students_10_18", sa.Integer(), nullable=True),
        sa.Column("teachers", sa.Integer(), nullable=True),
        sa.Column("young_teachers", sa.Integer(), nullable=True),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_headcount_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_headcount_updated_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_headcount")),
        sa.UniqueConstraint("organisation_id", "year", name=op.f("uq_headcount_organisation_id")),
    )
    with op.batch_alter_table("headcount", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_headcount_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "recognition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("answered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_recognition_answered_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_recognition_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_recognition_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recognition")),
        sa.UniqueConstraint(
            "programme_id", "kind", "subject", name=op.f("uq_recognition_programme_id")
        ),
    )
    with op.batch_alter_table("recognition", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recognition_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_recognition_programme_id"), ["programme_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("recognition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recognition_programme_id"))
        batch_op.drop_index(batch_op.f("ix_recognition_organisation_id"))
    op.drop_table("recognition")
    with op.batch_alter_table("headcount", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_headcount_organisation_id"))
    op.drop_table("headcount")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("monitoring_day")
        batch_op.drop_column("monitoring_month")
        batch_op.drop_column("digest_hour")
        batch_op.drop_column("digest_weekday")
