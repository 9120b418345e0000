"""Trainee quizzes and per-user scores.

Revision ID: 0400_trainee
Revises: 0001_base
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0400_trainee"
down_revision = "0001_base"
branch_labels = ("trainee",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trainee_quizzes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=120), nullable=False),
        sa.Column("release", sa.String(length=64), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trainee_quizzes")),
    )
    with op.batch_alter_table("trainee_quizzes") as batch:
        batch.create_index(batch.f("ix_trainee_quizzes_username"), ["username"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("trainee_quizzes") as batch:
        batch.drop_index(batch.f("ix_trainee_quizzes_username"))
    op.drop_table("trainee_quizzes")
