"""Claims: re-import revisions with the whole document before and after (claim_revisions), and payer batch
runs with the claims they held back (claim_batch_runs).

Revision ID: 0630_claimflow
Revises: 0610_schedule
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0630_claimflow"
down_revision = "0610_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_pk", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_pk"], ["claims.id"], name=op.f("fk_claim_revisions_claim_pk_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_revisions")),
    )
    with op.batch_alter_table("claim_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_revisions_claim_pk"), ["claim_pk"], unique=False)
    op.create_table(
        "claim_batch_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payer_pk", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("held_back", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["payer_pk"], ["payers.id"], name=op.f("fk_claim_batch_runs_payer_pk_payers")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["x12_batches.id"],
            name=op.f("fk_claim_batch_runs_batch_id_x12_batches"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_batch_runs")),
    )
    with op.batch_alter_table("claim_batch_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_batch_runs_payer_pk"), ["payer_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_batch_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_batch_runs_payer_pk"))
    op.drop_table("claim_batch_runs")
    with op.batch_alter_table("claim_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_revisions_claim_pk"))
    op.drop_table("claim_revisions")
