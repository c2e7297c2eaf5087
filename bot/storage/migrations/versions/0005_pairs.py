"""pairs: agreement acceptance, mentor terms, candidates, plan items, contact sharing

Revision ID: 0005
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_sharing", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_note", sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column("mentor_accepted_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("created_by_user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("activated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pair_created_by_user_id_user_account"),
            "user_account",
            ["created_by_user_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # (pair_mentee's index on mentee_membership_id comes with 0002)
    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "pair_mentor_term",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("mentor_membership_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentor_membership_id"],
            ["membership.id"],
            name=op.f("fk_pair_mentor_term_mentor_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.id"],
            name=op.f("fk_pair_mentor_term_pair_id_pair"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_mentor_term")),
    )
    with op.batch_alter_table("pair_mentor_term", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pair_mentor_term_mentor_membership_id"),
            ["mentor_membership_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_pair_mentor_term_pair_id"), ["pair_id"], unique=False)

    op.create_table(
        "candidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("mentee_membership_id", sa.Integer(), nullable=False),
        sa.Column("mentor_membership_id", sa.Integer(), nullable=False),
        sa.Column("offered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("pair_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["mentee_membership_id"],
            ["membership.id"],
            name=op.f("fk_candidate_mentee_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_membership_id"],
            ["membership.id"],
            name=op.f("fk_candidate_mentor_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offered_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_candidate_offered_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_candidate_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"],
            ["pair.id"],
            name=op.f("fk_candidate_pair_id_pair"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_candidate_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate")),
    )
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidate_mentee_membership_id"), ["mentee_membership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_candidate_mentor_membership_id"), ["mentor_membership_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_candidate_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair_id", sa.Integer(), nullable=False),
        sa.Column("mentee_membership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_plan_item_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_membership_id"],
            ["membership.id"],
            name=op.f("fk_plan_item_mentee_membership_id_membership"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pair.id"], name=op.f("fk_plan_item_pair_id_pair"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item")),
    )
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_item_mentee_membership_id"), ["mentee_membership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_plan_item_pair_id"), ["pair_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_item_pair_id"))
        batch_op.drop_index(batch_op.f("ix_plan_item_mentee_membership_id"))
    op.drop_table("plan_item")
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_candidate_mentor_membership_id"))
        batch_op.drop_index(batch_op.f("ix_candidate_mentee_membership_id"))
    op.drop_table("candidate")
    with op.batch_alter_table("pair_mentor_term", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_mentor_term_pair_id"))
        batch_op.drop_index(batch_op.f("ix_pair_mentor_term_mentor_membership_id"))
    op.drop_table("pair_mentor_term")
    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.drop_column("accepted_at")
    with op.batch_alter_table("pair", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pair_created_by_user_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("activated_at")
        batch_op.drop_column("created_by_user_id")
        batch_op.drop_column("mentor_accepted_at")
        batch_op.drop_column("end_note")
    with op.batch_alter_table("programme", schema=None) as batch_op:
        batch_op.drop_column("contact_sharing")
