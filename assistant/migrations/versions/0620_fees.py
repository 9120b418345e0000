"""Fees: the fee schedule (charge per code and modifier over a period).

Revision ID: 0620_fees
Revises: 0600_parties
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0620_fees"
down_revision = "0600_parties"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fee_schedule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("modifier", sa.String(length=2), nullable=False),
        sa.Column("charge_cents", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.Column("updated_by", sa.String(length=80), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_schedule")),
        sa.UniqueConstraint("code", "modifier", "effective_from", name="uq_fee_schedule_key"),
    )
    with op.batch_alter_table("fee_schedule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fee_schedule_code"), ["code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fee_schedule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fee_schedule_code"))
    op.drop_table("fee_schedule")
