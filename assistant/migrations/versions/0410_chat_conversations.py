"""Chat conversations with their owner (shared by every app worker).

Revision ID: 0410_chat_conversations
Revises: 0400_trainee
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0410_chat_conversations"
down_revision = "0400_trainee"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_conversations",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_conversations")),
    )
    with op.batch_alter_table("chat_conversations") as batch:
        batch.create_index(batch.f("ix_chat_conversations_owner"), ["owner"], unique=False)
        batch.create_index(batch.f("ix_chat_conversations_updated_at"), ["updated_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("chat_conversations") as batch:
        batch.drop_index(batch.f("ix_chat_conversations_updated_at"))
        batch.drop_index(batch.f("ix_chat_conversations_owner"))
    op.drop_table("chat_conversations")
