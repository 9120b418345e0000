"""Remittance (835 postings, work queue) and denials (patterns, local scrubber rules).

Revision ID: 0200_remit
Revises: 0001_base
Depends on: 0100_claims (remit claims and lines point at claims and service lines)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0200_remit"
down_revision = "0001_base"
branch_labels = ("remit",)
depends_on = "0100_claims"


def upgrade() -> None:
    op.create_table(
        "remits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("transaction_index", sa.Integer(), nullable=False),
        sa.Column("control_number", sa.String(length=9), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("payer_name", sa.String(length=60), nullable=True),
        sa.Column("payee_name", sa.String(length=60), nullable=True),
        sa.Column("payee_npi", sa.String(length=80), nullable=True),
        sa.Column("payee_tax_id", sa.String(length=20), nullable=True),
        sa.Column("trace_number", sa.String(length=50), nullable=False),
        sa.Column("trace_originator", sa.String(length=20), nullable=True),
        sa.Column("handling_code", sa.String(length=2), nullable=False),
        sa.Column("payment_cents", sa.Integer(), nullable=False),
        sa.Column("credit_debit", sa.String(length=1), nullable=False),
        sa.Column("payment_method", sa.String(length=3), nullable=True),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("production_date", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("claim_count", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(length=80), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remits")),
        sa.UniqueConstraint(
            "file_sha256", "transaction_index", name=op.f("uq_remits_file_sha256_transaction_index")
        ),
    )
    with op.batch_alter_table("remits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remits_file_sha256"), ["file_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_remits_payer_id"), ["payer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_remits_trace_number"), ["trace_number"], unique=False)

    op.create_table(
        "remit_provider_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remit_id", sa.Integer(), nullable=False),
        sa.Column("posting_key", sa.String(length=255), nullable=False),
        sa.Column("provider_id", sa.String(length=80), nullable=False),
        sa.Column("fiscal_period_date", sa.Date(), nullable=True),
        sa.Column("reason_code", sa.String(length=2), nullable=False),
        sa.Column("reference", sa.String(length=50), nullable=True),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["remit_id"],
            ["remits.id"],
            name=op.f("fk_remit_provider_adjustments_remit_id_remits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remit_provider_adjustments")),
        sa.UniqueConstraint("posting_key", name=op.f("uq_remit_provider_adjustments_posting_key")),
    )
    with op.batch_alter_table("remit_provider_adjustments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_remit_provider_adjustments_remit_id"), ["remit_id"], unique=False
        )

    op.create_table(
        "remit_claims",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remit_id", sa.Integer(), nullable=False),
        sa.Column("posting_key", sa.String(length=255), nullable=False),
        sa.Column("claim_index", sa.Integer(), nullable=False),
        sa.Column("clp_claim_id", sa.String(length=38), nullable=False),
        sa.Column("claim_pk", sa.Integer(), nullable=True),
        sa.Column("status_code", sa.String(length=2), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("charge_cents", sa.Integer(), nullable=False),
        sa.Column("paid_cents", sa.Integer(), nullable=False),
        sa.Column("patient_responsibility_cents", sa.Integer(), nullable=False),
        sa.Column("payer_claim_number", sa.String(length=50), nullable=True),
        sa.Column("filing_indicator", sa.String(length=2), nullable=True),
        sa.Column("crossover_payer_name", sa.String(length=60), nullable=True),
        sa.Column("crossover_payer_id", sa.String(length=80), nullable=True),
        sa.Column("member_id", sa.String(length=80), nullable=True),
        sa.Column("patient_name", sa.String(length=100), nullable=True),
        sa.Column("statement_from", sa.Date(), nullable=True),
        sa.Column("remarks", sa.JSON(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["claim_pk"], ["claims.id"], name=op.f("fk_remit_claims_claim_pk_claims")),
        sa.ForeignKeyConstraint(
            ["remit_id"], ["remits.id"], name=op.f("fk_remit_claims_remit_id_remits"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remit_claims")),
        sa.UniqueConstraint("posting_key", name=op.f("uq_remit_claims_posting_key")),
    )
    with op.batch_alter_table("remit_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remit_claims_claim_pk"), ["claim_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_remit_claims_clp_claim_id"), ["clp_claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_remit_claims_remit_id"), ["remit_id"], unique=False)

    op.create_table(
        "remit_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remit_claim_id", sa.Integer(), nullable=False),
        sa.Column("line_index", sa.Integer(), nullable=False),
        sa.Column("service_line_id", sa.Integer(), nullable=True),
        sa.Column("match_method", sa.String(length=20), nullable=False),
        sa.Column("match_note", sa.Text(), nullable=True),
        sa.Column("procedure_code", sa.String(length=8), nullable=False),
        sa.Column("modifiers", sa.JSON(), nullable=False),
        sa.Column("original_procedure_code", sa.String(length=8), nullable=True),
        sa.Column("original_modifiers", sa.JSON(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("line_control_number", sa.String(length=50), nullable=True),
        sa.Column("units_paid", sa.String(length=15), nullable=True),
        sa.Column("charge_cents", sa.Integer(), nullable=False),
        sa.Column("paid_cents", sa.Integer(), nullable=False),
        sa.Column("allowed_cents", sa.Integer(), nullable=True),
        sa.Column("contractual_cents", sa.Integer(), nullable=False),
        sa.Column("patient_responsibility_cents", sa.Integer(), nullable=False),
        sa.Column("deductible_cents", sa.Integer(), nullable=False),
        sa.Column("coinsurance_cents", sa.Integer(), nullable=False),
        sa.Column("copay_cents", sa.Integer(), nullable=False),
        sa.Column("remarks", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["remit_claim_id"],
            ["remit_claims.id"],
            name=op.f("fk_remit_lines_remit_claim_id_remit_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_line_id"],
            ["service_lines.id"],
            name=op.f("fk_remit_lines_service_line_id_service_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remit_lines")),
    )
    with op.batch_alter_table("remit_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remit_lines_remit_claim_id"), ["remit_claim_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_remit_lines_service_line_id"), ["service_line_id"], unique=False)

    op.create_table(
        "denial_patterns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("group_code", sa.String(length=2), nullable=False),
        sa.Column("reason_code", sa.String(length=5), nullable=False),
        sa.Column("procedure_code", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("denied_cents", sa.Integer(), nullable=False),
        sa.Column("modifier_counts", sa.JSON(), nullable=False),
        sa.Column("last_remit_line_id", sa.Integer(), nullable=True),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["last_remit_line_id"],
            ["remit_lines.id"],
            name=op.f("fk_denial_patterns_last_remit_line_id_remit_lines"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial_patterns")),
        sa.UniqueConstraint(
            "payer_id",
            "group_code",
            "reason_code",
            "procedure_code",
            name=op.f("uq_denial_patterns_payer_id_group_code_reason_code_procedure_code"),
        ),
    )
    with op.batch_alter_table("denial_patterns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_denial_patterns_payer_id"), ["payer_id"], unique=False)

    op.create_table(
        "remit_adjustments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remit_claim_id", sa.Integer(), nullable=False),
        sa.Column("remit_line_id", sa.Integer(), nullable=True),
        sa.Column("group_code", sa.String(length=2), nullable=False),
        sa.Column("reason_code", sa.String(length=5), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.String(length=15), nullable=True),
        sa.ForeignKeyConstraint(
            ["remit_claim_id"],
            ["remit_claims.id"],
            name=op.f("fk_remit_adjustments_remit_claim_id_remit_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["remit_line_id"],
            ["remit_lines.id"],
            name=op.f("fk_remit_adjustments_remit_line_id_remit_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remit_adjustments")),
    )
    with op.batch_alter_table("remit_adjustments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remit_adjustments_group_code"), ["group_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_remit_adjustments_reason_code"), ["reason_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_remit_adjustments_remit_claim_id"), ["remit_claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_remit_adjustments_remit_line_id"), ["remit_line_id"], unique=False
        )

    op.create_table(
        "remit_work_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remit_id", sa.Integer(), nullable=False),
        sa.Column("remit_claim_id", sa.Integer(), nullable=True),
        sa.Column("remit_line_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["remit_claim_id"],
            ["remit_claims.id"],
            name=op.f("fk_remit_work_items_remit_claim_id_remit_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["remit_id"], ["remits.id"], name=op.f("fk_remit_work_items_remit_id_remits"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["remit_line_id"],
            ["remit_lines.id"],
            name=op.f("fk_remit_work_items_remit_line_id_remit_lines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remit_work_items")),
    )
    with op.batch_alter_table("remit_work_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_remit_work_items_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_remit_work_items_remit_id"), ["remit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_remit_work_items_status"), ["status"], unique=False)

    op.create_table(
        "denial_local_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payer_id", sa.String(length=80), nullable=False),
        sa.Column("procedure_code", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("modifiers", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("pattern_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pattern_id"],
            ["denial_patterns.id"],
            name=op.f("fk_denial_local_rules_pattern_id_denial_patterns"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial_local_rules")),
    )
    with op.batch_alter_table("denial_local_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_denial_local_rules_payer_id"), ["payer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("denial_local_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_denial_local_rules_payer_id"))

    op.drop_table("denial_local_rules")
    with op.batch_alter_table("remit_work_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remit_work_items_status"))
        batch_op.drop_index(batch_op.f("ix_remit_work_items_remit_id"))
        batch_op.drop_index(batch_op.f("ix_remit_work_items_kind"))

    op.drop_table("remit_work_items")
    with op.batch_alter_table("remit_adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remit_adjustments_remit_line_id"))
        batch_op.drop_index(batch_op.f("ix_remit_adjustments_remit_claim_id"))
        batch_op.drop_index(batch_op.f("ix_remit_adjustments_reason_code"))
        batch_op.drop_index(batch_op.f("ix_remit_adjustments_group_code"))

    op.drop_table("remit_adjustments")
    with op.batch_alter_table("denial_patterns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_denial_patterns_payer_id"))

    op.drop_table("denial_patterns")
    with op.batch_alter_table("remit_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remit_lines_service_line_id"))
        batch_op.drop_index(batch_op.f("ix_remit_lines_remit_claim_id"))

    op.drop_table("remit_lines")
    with op.batch_alter_table("remit_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remit_claims_remit_id"))
        batch_op.drop_index(batch_op.f("ix_remit_claims_clp_claim_id"))
        batch_op.drop_index(batch_op.f("ix_remit_claims_claim_pk"))

    op.drop_table("remit_claims")
    with op.batch_alter_table("remit_provider_adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remit_provider_adjustments_remit_id"))

    op.drop_table("remit_provider_adjustments")
    with op.batch_alter_table("remits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_remits_trace_number"))
        batch_op.drop_index(batch_op.f("ix_remits_payer_id"))
        batch_op.drop_index(batch_op.f("ix_remits_file_sha256"))

    op.drop_table("remits")
