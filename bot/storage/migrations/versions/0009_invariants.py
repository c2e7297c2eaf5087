"""invariants: one live pair per mentee, one live consent of a kind, one live staff membership

The code checked each of these before inserting, but the check and the insert are apart:
two curators (or a curator and a mentor accepting a chosen candidate) could both pass the
check on PostgreSQL. Now partial unique indexes refuse the second row.

A mentee's pair is live through the pair's status, on another table, so pair_mentee gets a
`live` flag that triggers keep from pair.status (on every status change, and on insert),
whoever changes it; the unique index is on the live rows. (On SQLite the insert trigger runs
after the row is in, so a row put into an ended pair for a mentee who has a live pair is
refused there; the code never does that — it adds mentees to new, proposed pairs only.)
SQLite drops a table's triggers with the table: a later batch migration that recreates
`pair` or `pair_mentee` must create them again (tests/test_migrations.py checks they work).

Existing duplicates, before the indexes are made:
- a mentee in two live pairs: the migration stops with a message naming the mentee's
  membership and the pairs (which pair ends is the curator's decision, and the people are
  told): end all but one in /pairs with the previous version, then run it again;
- the same live consent recorded twice (a double tap that raced): the earliest row (lowest
  id) is kept, the later copies are deleted — the consent itself stands;
- a curator's (or coordinator's) live membership twice in one organisation: the earliest row
  is kept, the later ones are marked withdrawn (ended now).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE = "('proposed', 'active')"

_SQLITE_TRIGGERS = (
    f"""
    CREATE TRIGGER pair_status_live AFTER UPDATE OF status ON pair
    FOR EACH ROW WHEN OLD.status IS NOT NEW.status
    BEGIN
        UPDATE pair_mentee SET live = (NEW.status IN {LIVE}) WHERE pair_id = NEW.id;
    END
    """,
    f"""
    CREATE TRIGGER pair_mentee_insert_live AFTER INSERT ON pair_mentee
    FOR EACH ROW
    BEGIN
        UPDATE pair_mentee
        SET live = coalesce((SELECT status IN {LIVE} FROM pair WHERE id = NEW.pair_id), 0)
        WHERE pair_id = NEW.pair_id AND mentee_membership_id = NEW.mentee_membership_id;
    END
    """,
)

_POSTGRESQL_TRIGGERS = (
    f"""
    CREATE FUNCTION pair_status_live() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE pair_mentee SET live = (NEW.status IN {LIVE}) WHERE pair_id = NEW.id;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER pair_status_live AFTER UPDATE OF status ON pair
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION pair_status_live()
    """,
    f"""
    CREATE FUNCTION pair_mentee_insert_live() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.live := coalesce((SELECT status IN {LIVE} FROM pair WHERE id = NEW.pair_id), false);
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER pair_mentee_insert_live BEFORE INSERT ON pair_mentee
    FOR EACH ROW EXECUTE FUNCTION pair_mentee_insert_live()
    """,
)


class DuplicateLivePairs(RuntimeError):
    """A mentee is in more than one live pair: a person decides which one ends."""


def _refuse_duplicate_pairs(bind: sa.Connection) -> None:
    rows = bind.execute(
        sa.text(
            "SELECT pm.mentee_membership_id, p.id FROM pair_mentee pm "
            "JOIN pair p ON p.id = pm.pair_id "
            f"WHERE p.status IN {LIVE} AND pm.mentee_membership_id IN ("
            "  SELECT pm2.mentee_membership_id FROM pair_mentee pm2 "
            "  JOIN pair p2 ON p2.id = pm2.pair_id "
            f"  WHERE p2.status IN {LIVE} "
            "  GROUP BY pm2.mentee_membership_id HAVING count(*) > 1"
            ") ORDER BY pm.mentee_membership_id, p.id"
        )
    ).all()
    if not rows:
        return
    taken: dict[int, list[int]] = {}
    for membership_id, pair_id in rows:
        taken.setdefault(membership_id, []).append(pair_id)
    listed = "; ".join(
        f"mentee membership {m}: pairs {', '.join(map(str, pairs))}" for m, pairs in taken.items()
    )
    raise DuplicateLivePairs(
        "Some mentees are in more than one live (proposed or active) pair — "
        f"{listed}. End all but one of each in /pairs (with the version you run now), "
        "then run the migration again."
    )


def _resolve_duplicate_consents(bind: sa.Connection) -> None:
    bind.execute(
        sa.text(
            "DELETE FROM consent WHERE withdrawn_at IS NULL AND EXISTS ("
            "  SELECT 1 FROM consent earlier"
            "  WHERE earlier.subject_user_id = consent.subject_user_id"
            "  AND earlier.organisation_id = consent.organisation_id"
            "  AND earlier.given_by = consent.given_by"
            "  AND earlier.withdrawn_at IS NULL AND earlier.id < consent.id)"
        )
    )


def _resolve_duplicate_staff(bind: sa.Connection) -> None:
    bind.execute(
        sa.text(
            "UPDATE membership SET status = 'withdrawn', ended_at = CURRENT_TIMESTAMP "
            "WHERE programme_id IS NULL AND status != 'withdrawn' AND EXISTS ("
            "  SELECT 1 FROM membership earlier"
            "  WHERE earlier.user_id = membership.user_id"
            "  AND earlier.organisation_id = membership.organisation_id"
            "  AND earlier.role = membership.role"
            "  AND earlier.programme_id IS NULL AND earlier.status != 'withdrawn'"
            "  AND earlier.id < membership.id)"
        )
    )


def upgrade() -> None:
    bind = op.get_bind()
    _refuse_duplicate_pairs(bind)
    _resolve_duplicate_consents(bind)
    _resolve_duplicate_staff(bind)

    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("live", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    bind.execute(
        sa.text(
            "UPDATE pair_mentee SET live = "
            f"(SELECT pair.status IN {LIVE} FROM pair WHERE pair.id = pair_mentee.pair_id)"
        )
    )
    triggers = _POSTGRESQL_TRIGGERS if bind.dialect.name == "postgresql" else _SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)

    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.create_index(
            "uq_pair_mentee_live_mentee",
            ["mentee_membership_id"],
            unique=True,
            postgresql_where=sa.text("live"),
            sqlite_where=sa.text("live"),
        )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(
            "uq_consent_live_kind",
            ["subject_user_id", "organisation_id", "given_by"],
            unique=True,
            postgresql_where=sa.text("withdrawn_at IS NULL"),
            sqlite_where=sa.text("withdrawn_at IS NULL"),
        )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(
            "uq_membership_live_staff",
            ["user_id", "organisation_id", "role"],
            unique=True,
            postgresql_where=sa.text("programme_id IS NULL AND status != 'withdrawn'"),
            sqlite_where=sa.text("programme_id IS NULL AND status != 'withdrawn'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index("uq_membership_live_staff")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index("uq_consent_live_kind")
    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.drop_index("uq_pair_mentee_live_mentee")
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS pair_mentee_insert_live ON pair_mentee")
        op.execute("DROP TRIGGER IF EXISTS pair_status_live ON pair")
        op.execute("DROP FUNCTION IF EXISTS pair_mentee_insert_live()")
        op.execute("DROP FUNCTION IF EXISTS pair_status_live()")
    else:
        op.execute("DROP TRIGGER IF EXISTS pair_mentee_insert_live")
        op.execute("DROP TRIGGER IF EXISTS pair_status_live")
    with op.batch_alter_table("pair_mentee", schema=None) as batch_op:
        batch_op.drop_column("live")
