"""Security: API tokens expire (``expires_at``; tokens issued before this revision expire
``api_token_days`` after their ``created_at``).

Revision ID: 0510_security_tokens
Revises: 0500_security
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0510_security_tokens"
down_revision = "0500_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("security_api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("security_api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
