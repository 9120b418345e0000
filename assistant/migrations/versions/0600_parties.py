"""Parties: patient contact and guarantor, merged records, payer claim address, coverage copay and order.

Also lets a patient merge re-point the append-only billing rows (ledger, payments, statements) to the
surviving patient: an UPDATE that changes ``patient_id`` and nothing else is allowed; every other
UPDATE, and every DELETE, is still refused.

Revision ID: 0600_parties
Revises: 0630_claimflow
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0600_parties"
down_revision = "0630_claimflow"
branch_labels = None
depends_on = "0300_billing"

APPEND_ONLY = ("billing_ledger_entries", "billing_payments", "billing_statements")


def _message(table: str) -> str:
    return f"{table} is append-only: post a reversing entry instead of editing or deleting"


def _sqlite_update_trigger(table: str, columns: list[str]) -> str:
    """Refuse an UPDATE that sets any column but patient_id (the merge re-points rows, nothing else)."""
    watched = ", ".join(c for c in columns if c != "patient_id")
    return (
        f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE OF {watched} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{_message(table)}'); END"
    )


def _postgres_function(table: str, *, allow_repoint: bool) -> str:
    repoint = (
        "IF TG_OP = 'UPDATE' THEN "
        "IF (to_jsonb(NEW) - 'patient_id') = (to_jsonb(OLD) - 'patient_id') THEN RETURN NEW; END IF; "
        "END IF; "
        if allow_repoint
        else ""
    )
    return (
        f"CREATE OR REPLACE FUNCTION trg_{table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {repoint}RAISE EXCEPTION '{_message(table)}' USING ERRCODE = 'restrict_violation'; END $$"
    )


def upgrade() -> None:
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("preferred_contact", sa.String(length=8), nullable=True))
        batch_op.add_column(
            sa.Column("guarantor_relationship", sa.String(length=10), nullable=False, server_default="self")
        )
        batch_op.add_column(sa.Column("guarantor_first_name", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("guarantor_last_name", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("guarantor_address", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("guarantor_phone", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_patients_merged_into_id_patients"), "patients", ["merged_into_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_patients_last_name_dob"), ["last_name", "dob"], unique=False)
    with op.batch_alter_table("payers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_line1", sa.String(length=55), nullable=True))
        batch_op.add_column(sa.Column("address_line2", sa.String(length=55), nullable=True))
        batch_op.add_column(sa.Column("city", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column("zip", sa.String(length=9), nullable=True))
    with op.batch_alter_table("coverages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copay_cents", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint("uq_coverages_patient_order", ["patient_id", "order"])

    bind = op.get_bind()
    dialect = bind.dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            columns = [c["name"] for c in sa.inspect(bind).get_columns(table)]
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update")
            op.execute(_sqlite_update_trigger(table, columns))
        elif dialect == "postgresql":
            op.execute(_postgres_function(table, allow_repoint=True))


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    for table in APPEND_ONLY:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_update")
            op.execute(
                f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{_message(table)}'); END"
            )
        elif dialect == "postgresql":
            op.execute(_postgres_function(table, allow_repoint=False))
    with op.batch_alter_table("coverages", schema=None) as batch_op:
        batch_op.drop_constraint("uq_coverages_patient_order", type_="unique")
        batch_op.drop_column("copay_cents")
    with op.batch_alter_table("payers", schema=None) as batch_op:
        for column in ("zip", "state", "city", "address_line2", "address_line1"):
            batch_op.drop_column(column)
    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patients_last_name_dob"))
        batch_op.drop_constraint(batch_op.f("fk_patients_merged_into_id_patients"), type_="foreignkey")
        for column in (
            "updated_at",
            "merged_into_id",
            "guarantor_phone",
            "guarantor_address",
            "guarantor_last_name",
            "guarantor_first_name",
            "guarantor_relationship",
            "preferred_contact",
            "email",
        ):
            batch_op.drop_column(column)
