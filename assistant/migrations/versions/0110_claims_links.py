"""Claims: link a corrected (frequency 7) or void (8) claim to the claim it replaces.

The new ``reversed`` claim status (835 CLP02 22) needs no schema change: ``claims.status`` and
``claim_status_events`` store the status name as text.

Revision ID: 0110_claims_links
Revises: 0100_claims
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0110_claims_links"
down_revision = "0100_claims"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaces_claim_pk", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_claims_replaces_claim_pk"), ["replaces_claim_pk"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_claims_replaces_claim_pk_claims"),
            "claims",
            ["replaces_claim_pk"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_claims_replaces_claim_pk_claims"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_claims_replaces_claim_pk"))
        batch_op.drop_column("replaces_claim_pk")
