"""Patient billing: append-only ledger, payments, payment plans, statements.

Revision ID: 0300_billing
Revises: 0001_base
Depends on: 0100_claims (patients, encounters, claims, lines), 0200_remit (remittance links)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0300_billing"
down_revision = "0001_base"
branch_labels = ("billing",)
depends_on = ("0100_claims", "0200_remit")

ENTRY_CHECK = (
    "(kind = 'charge' AND insurance_cents + patient_cents = amount_cents"
    " AND (insurance_cents = 0 OR patient_cents = 0))"
    " OR (kind IN ('insurance_payment', 'contractual_adjustment')"
    " AND insurance_cents = -amount_cents AND patient_cents = 0)"
    " OR (kind = 'pr_transfer' AND insurance_cents = -amount_cents AND patient_cents = amount_cents)"
    " OR (kind IN ('patient_payment', 'plan_installment') AND patient_cents = -amount_cents"
    " AND insurance_cents = 0)"
    " OR (kind = 'refund' AND patient_cents = amount_cents AND insurance_cents = 0)"
    " OR (kind = 'write_off' AND insurance_cents + patient_cents = -amount_cents"
    " AND (insurance_cents = 0 OR patient_cents = 0))"
)
APPEND_ONLY = ("billing_ledger_entries", "billing_payments", "billing_statements")


def _triggers(table: str) -> list[str]:
    message = f"{table} is append-only: post a reversing entry instead of editing or deleting"
    return [
        f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        f"CREATE TRIGGER IF NOT EXISTS trg_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
    ]


def _postgres_triggers(table: str) -> list[str]:
    """PostgreSQL equivalent: one plpgsql function raising on UPDATE or DELETE, one trigger per table."""
    message = f"{table} is append-only: post a reversing entry instead of editing or deleting"
    return [
        f"CREATE OR REPLACE FUNCTION trg_{table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation'; END $$",
        f"DROP TRIGGER IF EXISTS trg_{table}_no_update_delete ON {table}",
        f"CREATE TRIGGER trg_{table}_no_update_delete BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION trg_{table}_append_only()",
        f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}",
        f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION trg_{table}_append_only()",
    ]


def upgrade() -> None:
    op.create_table(
        "billing_payment_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("installment_cents", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("grace_days", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_on", sa.Date(), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "total_cents > 0 AND installment_cents > 0",
            name=op.f("ck_billing_payment_plans_positive_amounts"),
        ),
        sa.CheckConstraint(
            "frequency IN ('weekly', 'biweekly', 'monthly')", name=op.f("ck_billing_payment_plans_frequency")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_billing_payment_plans_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payment_plans")),
    )
    op.create_index(
        op.f("ix_billing_payment_plans_patient_id"), "billing_payment_plans", ["patient_id"], unique=False
    )

    op.create_table(
        "billing_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=24), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("reference", sa.String(length=60), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("posted_by", sa.String(length=80), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_billing_payments_positive_amount")),
        sa.CheckConstraint(
            "method IN ('cash', 'check', 'card', 'other')", name=op.f("ck_billing_payments_method")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_billing_payments_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["billing_payment_plans.id"],
            name=op.f("fk_billing_payments_plan_id_billing_payment_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_payments")),
        sa.UniqueConstraint("receipt_number", name=op.f("uq_billing_payments_receipt_number")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_billing_payments_idempotency_key")),
    )
    op.create_index(op.f("ix_billing_payments_patient_id"), "billing_payments", ["patient_id"], unique=False)
    op.create_index(op.f("ix_billing_payments_plan_id"), "billing_payments", ["plan_id"], unique=False)

    op.create_table(
        "billing_ledger_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("insurance_cents", sa.Integer(), nullable=False),
        sa.Column("patient_cents", sa.Integer(), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("encounter_id", sa.Integer(), nullable=True),
        sa.Column("claim_pk", sa.Integer(), nullable=True),
        sa.Column("service_line_id", sa.Integer(), nullable=True),
        sa.Column("remit_id", sa.Integer(), nullable=True),
        sa.Column("remit_line_id", sa.Integer(), nullable=True),
        sa.Column("remit_adjustment_id", sa.Integer(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("applies_to_entry_id", sa.Integer(), nullable=True),
        sa.Column("reverses_entry_id", sa.Integer(), nullable=True),
        sa.Column("posting_key", sa.String(length=120), nullable=True),
        sa.Column("group_code", sa.String(length=2), nullable=True),
        sa.Column("reason_code", sa.String(length=5), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("posted_by", sa.String(length=80), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(ENTRY_CHECK, name=op.f("ck_billing_ledger_entries_bucket_effect")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_billing_ledger_entries_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["encounter_id"],
            ["encounters.id"],
            name=op.f("fk_billing_ledger_entries_encounter_id_encounters"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_pk"], ["claims.id"], name=op.f("fk_billing_ledger_entries_claim_pk_claims")
        ),
        sa.ForeignKeyConstraint(
            ["service_line_id"],
            ["service_lines.id"],
            name=op.f("fk_billing_ledger_entries_service_line_id_service_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["remit_id"], ["remits.id"], name=op.f("fk_billing_ledger_entries_remit_id_remits")
        ),
        sa.ForeignKeyConstraint(
            ["remit_line_id"],
            ["remit_lines.id"],
            name=op.f("fk_billing_ledger_entries_remit_line_id_remit_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["remit_adjustment_id"],
            ["remit_adjustments.id"],
            name=op.f("fk_billing_ledger_entries_remit_adjustment_id_remit_adjustments"),
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["billing_payments.id"],
            name=op.f("fk_billing_ledger_entries_payment_id_billing_payments"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["billing_payment_plans.id"],
            name=op.f("fk_billing_ledger_entries_plan_id_billing_payment_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["applies_to_entry_id"],
            ["billing_ledger_entries.id"],
            name=op.f("fk_billing_ledger_entries_applies_to_entry_id_billing_ledger_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_entry_id"],
            ["billing_ledger_entries.id"],
            name=op.f("fk_billing_ledger_entries_reverses_entry_id_billing_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_ledger_entries")),
        sa.UniqueConstraint("posting_key", name=op.f("uq_billing_ledger_entries_posting_key")),
        sa.UniqueConstraint("reverses_entry_id", name=op.f("uq_billing_ledger_entries_reverses_entry_id")),
    )
    for column in (
        "patient_id",
        "kind",
        "effective_date",
        "encounter_id",
        "claim_pk",
        "service_line_id",
        "remit_id",
        "payment_id",
        "plan_id",
    ):
        op.create_index(
            op.f(f"ix_billing_ledger_entries_{column}"), "billing_ledger_entries", [column], unique=False
        )

    op.create_table(
        "billing_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_number", sa.String(length=32), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("cycle", sa.String(length=20), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_due_cents", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_billing_statements_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_billing_statements")),
        sa.UniqueConstraint("statement_number", name=op.f("uq_billing_statements_statement_number")),
        sa.UniqueConstraint("patient_id", "cycle", name=op.f("uq_billing_statements_patient_id_cycle")),
    )
    op.create_index(
        op.f("ix_billing_statements_patient_id"), "billing_statements", ["patient_id"], unique=False
    )
    op.create_index(op.f("ix_billing_statements_cycle"), "billing_statements", ["cycle"], unique=False)

    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            for sql in _triggers(table):
                op.execute(sql)
        elif dialect == "postgresql":
            for sql in _postgres_triggers(table):
                op.execute(sql)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_delete")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update_delete ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS trg_{table}_append_only()")
    op.drop_table("billing_statements")
    op.drop_table("billing_ledger_entries")
    op.drop_table("billing_payments")
    op.drop_table("billing_payment_plans")
