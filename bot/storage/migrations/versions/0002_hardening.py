"""hardening: dialog_state owner columns and expiry index, pair_mentee mentee index

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUP_STACK = re.compile(r"aiogd:stack:<(-?\d+)>")


def _owner(key: str) -> tuple[int | None, int | None]:
    """(chat id, user id) of a storage key; a copy of bot.storage.models.dialog_state.key_owner
    as it was when this migration was written."""
    parts = key.split(":")
    if len(parts) < 4 or not parts[2].lstrip("-").isdigit():
        return None, None
    chat, rest = int(parts[2]), parts[3:]
    numeric = []
    for part in rest:
        if not part.lstrip("-").isdigit():
            break
        numeric.append(part)
    user = int(numeric[-1]) if numeric else None
    group_stack = _GROUP_STACK.fullmatch(":".join(rest[len(numeric) :]))
    if group_stack:
        user = int(group_stack.group(1))
    return chat, user


def upgrade() -> None:
    with op.batch_alter_table("dialog_state", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("user_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_dialog_state_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dialog_state_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialog_state_updated_at"), ["updated_at"], unique=False
        )
    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pair_mentee_mentee_membership_id"),
            ["mentee_membership_id"],
            unique=False,
        )

    table = sa.table(
        "dialog_state",
        sa.column("key", sa.String),
        sa.column("chat_id", sa.BigInteger),
        sa.column("user_id", sa.BigInteger),
    )
    bind = op.get_bind()
    for (key,) in bind.execute(sa.select(table.c.key)).all():
        chat_id, user_id = _owner(key)
        if chat_id is not None:
            bind.execute(
                table.update().where(table.c.key == key).values(chat_id=chat_id, user_id=user_id)
            )


def downgrade() -> None:
    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pair_mentee_mentee_membership_id"))
    with op.batch_alter_table("dialog_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialog_state_updated_at"))
        batch_op.drop_index(batch_op.f("ix_dialog_state_user_id"))
        batch_op.drop_index(batch_op.f("ix_dialog_state_chat_id"))
        batch_op.drop_column("user_id")
        batch_op.drop_column("chat_id")
