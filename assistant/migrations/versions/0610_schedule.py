"""Schedule and encounters: appointments, the encounter's status and visit type, and its suggested codes.

Revision ID: 0610_schedule
Revises: 0520_codeset_flags
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0610_schedule"
down_revision = "0520_codeset_flags"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="open"))
        batch_op.add_column(
            sa.Column("visit_type", sa.String(length=20), nullable=False, server_default="office")
        )
        batch_op.add_column(sa.Column("telehealth_modifier", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("updated_by", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_encounters_status"), ["status"], unique=False)

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("visit_type", sa.String(length=20), nullable=False),
        sa.Column("patient_at_home", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_appointments_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_appointments_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounters.id"], name=op.f("fk_appointments_encounter_id_encounters")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointments_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointments_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "encounter_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("confidence", sa.String(length=10), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_encounter_suggestions_encounter_id_encounters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounter_suggestions")),
        sa.UniqueConstraint(
            "encounter_id", "system", "code", name=op.f("uq_encounter_suggestions_encounter_id_system_code")
        ),
    )
    with op.batch_alter_table("encounter_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_encounter_suggestions_encounter_id"), ["encounter_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("encounter_suggestions")
    op.drop_table("appointments")
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encounters_status"))
        batch_op.drop_column("updated_by")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("telehealth_modifier")
        batch_op.drop_column("visit_type")
        batch_op.drop_column("status")
