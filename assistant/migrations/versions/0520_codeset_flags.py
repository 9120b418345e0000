"""Claims: codes invalid on their date of service under newly loaded code sets (claim_code_flags).

Revision ID: 0520_codeset_flags
Revises: 0110_claims_links
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0520_codeset_flags"
down_revision = "0110_claims_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "claim_code_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_pk", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_pk"], ["claims.id"], name=op.f("fk_claim_code_flags_claim_pk_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_code_flags")),
        sa.UniqueConstraint("claim_pk", "system", "code", "date_of_service", name="uq_claim_code_flag"),
    )
    with op.batch_alter_table("claim_code_flags", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_code_flags_claim_pk"), ["claim_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_code_flags_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_code_flags", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_code_flags_status"))
        batch_op.drop_index(batch_op.f("ix_claim_code_flags_claim_pk"))
    op.drop_table("claim_code_flags")
