"""Security: a password set by an admin (a reset, or a new account's temporary password) must be
changed by its owner at the next sign-in (``must_change_password``).

Revision ID: 0530_security_admin
Revises: 0510_security_tokens
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0530_security_admin"
down_revision = "0510_security_tokens"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("security_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("security_users", schema=None) as batch_op:
        batch_op.drop_column("must_change_password")
