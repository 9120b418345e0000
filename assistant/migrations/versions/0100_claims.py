"""Claims domain: patients, coverages, payers, providers, encounters, claims, lines, status, X12 batches.

Revision ID: 0100_claims
Revises: 0001_base
Create Date: 2026-11-23 09:58:08.224150
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0100_claims"
down_revision = "0001_base"
branch_labels = ("claims",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=60), nullable=False),
        sa.Column("last_name", sa.String(length=60), nullable=False),
        sa.Column("dob", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("address_line1", sa.String(length=55), nullable=True),
        sa.Column("address_line2", sa.String(length=55), nullable=True),
        sa.Column("city", sa.String(length=30), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("zip", sa.String(length=9), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
    )
    op.create_table(
        "payers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("filing_indicator", sa.String(length=2), nullable=False),
        sa.Column("timely_filing_days", sa.Integer(), nullable=True),
        sa.Column("telehealth_policy", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payers")),
        sa.UniqueConstraint("payer_id", name=op.f("uq_payers_payer_id")),
    )
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("npi", sa.String(length=10), nullable=False),
        sa.Column("entity_type", sa.String(length=1), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=True),
        sa.Column("first_name", sa.String(length=35), nullable=True),
        sa.Column("last_name", sa.String(length=60), nullable=True),
        sa.Column("taxonomy", sa.String(length=10), nullable=True),
        sa.Column("tax_id", sa.String(length=9), nullable=True),
        sa.Column("address_line1", sa.String(length=55), nullable=True),
        sa.Column("address_line2", sa.String(length=55), nullable=True),
        sa.Column("city", sa.String(length=30), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("zip", sa.String(length=9), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
        sa.UniqueConstraint("npi", name=op.f("uq_providers_npi")),
    )
    op.create_table(
        "x12_control_numbers",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_x12_control_numbers")),
    )
    op.create_table(
        "coverages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("payer_pk", sa.Integer(), nullable=False),
        sa.Column("order", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.String(length=80), nullable=False),
        sa.Column("group_number", sa.String(length=50), nullable=True),
        sa.Column("relationship_to_subscriber", sa.String(length=10), nullable=False),
        sa.Column("subscriber_first_name", sa.String(length=60), nullable=True),
        sa.Column("subscriber_last_name", sa.String(length=60), nullable=True),
        sa.Column("subscriber_dob", sa.Date(), nullable=True),
        sa.Column("subscriber_sex", sa.String(length=1), nullable=True),
        sa.Column("subscriber_address", sa.JSON(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("effective_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_coverages_patient_id_patients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["payer_pk"], ["payers.id"], name=op.f("fk_coverages_payer_pk_payers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverages")),
        sa.UniqueConstraint(
            "patient_id", "payer_pk", "member_id", name=op.f("uq_coverages_patient_id_payer_pk_member_id")
        ),
    )
    with op.batch_alter_table("coverages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coverages_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "encounters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("rendering_provider_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_encounters_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["rendering_provider_id"],
            ["providers.id"],
            name=op.f("fk_encounters_rendering_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounters")),
    )
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_encounters_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "x12_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interchange_control_number", sa.Integer(), nullable=False),
        sa.Column("group_control_number", sa.Integer(), nullable=False),
        sa.Column("payer_pk", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("total_charge_cents", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["payer_pk"], ["payers.id"], name=op.f("fk_x12_batches_payer_pk_payers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_x12_batches")),
        sa.UniqueConstraint(
            "interchange_control_number", name=op.f("uq_x12_batches_interchange_control_number")
        ),
    )
    op.create_table(
        "claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.String(length=38), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("coverage_id", sa.Integer(), nullable=False),
        sa.Column("payer_pk", sa.Integer(), nullable=False),
        sa.Column("billing_provider_id", sa.Integer(), nullable=False),
        sa.Column("rendering_provider_id", sa.Integer(), nullable=True),
        sa.Column("encounter_id", sa.Integer(), nullable=True),
        sa.Column("patient_relationship", sa.String(length=10), nullable=False),
        sa.Column("place_of_service", sa.String(length=2), nullable=False),
        sa.Column("frequency_code", sa.String(length=1), nullable=False),
        sa.Column("original_claim_number", sa.String(length=50), nullable=True),
        sa.Column("payer_claim_number", sa.String(length=50), nullable=True),
        sa.Column("prior_authorization", sa.String(length=50), nullable=True),
        sa.Column("total_charge_cents", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["billing_provider_id"], ["providers.id"], name=op.f("fk_claims_billing_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["coverage_id"], ["coverages.id"], name=op.f("fk_claims_coverage_id_coverages")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"], ["encounters.id"], name=op.f("fk_claims_encounter_id_encounters")
        ),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_claims_patient_id_patients")),
        sa.ForeignKeyConstraint(["payer_pk"], ["payers.id"], name=op.f("fk_claims_payer_pk_payers")),
        sa.ForeignKeyConstraint(
            ["rendering_provider_id"],
            ["providers.id"],
            name=op.f("fk_claims_rendering_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("claim_id", name=op.f("uq_claims_claim_id")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claims_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_payer_pk"), ["payer_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_claims_status"), ["status"], unique=False)

    op.create_table(
        "encounter_diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_encounter_diagnoses_encounter_id_encounters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_encounter_diagnoses")),
        sa.UniqueConstraint(
            "encounter_id", "position", name=op.f("uq_encounter_diagnoses_encounter_id_position")
        ),
    )
    op.create_table(
        "claim_diagnoses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_pk", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_pk"], ["claims.id"], name=op.f("fk_claim_diagnoses_claim_pk_claims"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_diagnoses")),
        sa.UniqueConstraint("claim_pk", "position", name=op.f("uq_claim_diagnoses_claim_pk_position")),
    )
    op.create_table(
        "claim_status_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_pk", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_pk"],
            ["claims.id"],
            name=op.f("fk_claim_status_events_claim_pk_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_status_events")),
    )
    with op.batch_alter_table("claim_status_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_status_events_claim_pk"), ["claim_pk"], unique=False)

    op.create_table(
        "service_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_pk", sa.Integer(), nullable=False),
        sa.Column("line_number", sa.Integer(), nullable=False),
        sa.Column("date_of_service", sa.Date(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("modifier1", sa.String(length=2), nullable=True),
        sa.Column("modifier2", sa.String(length=2), nullable=True),
        sa.Column("modifier3", sa.String(length=2), nullable=True),
        sa.Column("modifier4", sa.String(length=2), nullable=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("charge_cents", sa.Integer(), nullable=False),
        sa.Column("dx_pointers", sa.JSON(), nullable=False),
        sa.Column("rendering_provider_id", sa.Integer(), nullable=True),
        sa.Column("line_control_number", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_pk"], ["claims.id"], name=op.f("fk_service_lines_claim_pk_claims"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rendering_provider_id"],
            ["providers.id"],
            name=op.f("fk_service_lines_rendering_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_lines")),
        sa.UniqueConstraint("claim_pk", "line_number", name=op.f("uq_service_lines_claim_pk_line_number")),
        sa.UniqueConstraint("line_control_number", name=op.f("uq_service_lines_line_control_number")),
    )
    with op.batch_alter_table("service_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_lines_claim_pk"), ["claim_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_service_lines_code"), ["code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_service_lines_date_of_service"), ["date_of_service"], unique=False
        )

    op.create_table(
        "x12_batch_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("claim_pk", sa.Integer(), nullable=False),
        sa.Column("transaction_control_number", sa.String(length=9), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["x12_batches.id"],
            name=op.f("fk_x12_batch_claims_batch_id_x12_batches"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_pk"], ["claims.id"], name=op.f("fk_x12_batch_claims_claim_pk_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_x12_batch_claims")),
        sa.UniqueConstraint("batch_id", "claim_pk", name=op.f("uq_x12_batch_claims_batch_id_claim_pk")),
    )
    with op.batch_alter_table("x12_batch_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_x12_batch_claims_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_x12_batch_claims_claim_pk"), ["claim_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("x12_batch_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_x12_batch_claims_claim_pk"))
        batch_op.drop_index(batch_op.f("ix_x12_batch_claims_batch_id"))

    op.drop_table("x12_batch_claims")
    with op.batch_alter_table("service_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_lines_date_of_service"))
        batch_op.drop_index(batch_op.f("ix_service_lines_code"))
        batch_op.drop_index(batch_op.f("ix_service_lines_claim_pk"))

    op.drop_table("service_lines")
    with op.batch_alter_table("claim_status_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_status_events_claim_pk"))

    op.drop_table("claim_status_events")
    op.drop_table("claim_diagnoses")
    op.drop_table("encounter_diagnoses")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_status"))
        batch_op.drop_index(batch_op.f("ix_claims_payer_pk"))
        batch_op.drop_index(batch_op.f("ix_claims_patient_id"))

    op.drop_table("claims")
    op.drop_table("x12_batches")
    with op.batch_alter_table("encounters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_encounters_patient_id"))

    op.drop_table("encounters")
    with op.batch_alter_table("coverages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coverages_patient_id"))

    op.drop_table("coverages")
    op.drop_table("x12_control_numbers")
    op.drop_table("providers")
    op.drop_table("payers")
    op.drop_table("patients")
