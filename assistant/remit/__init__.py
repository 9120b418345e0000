"""Remittance (X12 835): parsing, matching to our claims, idempotent posting, the work queue."""
