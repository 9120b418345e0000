"""Fields the 837P needs that the import format leaves optional, and address rules."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import ScrubContext, error, rule, warning

PO_BOX = re.compile(r"\bP\.?\s*O\.?\s*BOX\b|\bPOST OFFICE BOX\b", re.IGNORECASE)


@rule("required-fields")
def required_fields(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Subscriber/patient address, billing street address, taxonomy, original claim number."""
    rid = "required-fields"
    if claim.patient_relationship == "self" and claim.subscriber.address is None:
        yield error(
            rid,
            "The subscriber is the patient, so the 837P needs the subscriber's address.",
            field="subscriber.address",
            fix="add subscriber.address (line1, city, state, zip)",
        )
    if claim.patient is not None and claim.patient.address is None:
        yield error(
            rid,
            "The patient's address is required when the patient is not the subscriber.",
            field="patient.address",
            fix="add patient.address (line1, city, state, zip)",
        )
    if PO_BOX.search(claim.billing_provider.address.line1):
        yield error(
            rid,
            "The billing provider address must be a street address, not a P.O. box.",
            field="billing_provider.address.line1",
            fix="use the practice's physical address (a pay-to address can be a P.O. box)",
        )
    if not claim.billing_provider.taxonomy:
        yield warning(
            rid,
            "The billing provider has no taxonomy code; many payers need it (PRV*BI).",
            field="billing_provider.taxonomy",
            fix="add the provider's taxonomy code, e.g. 207Q00000X",
        )
    if claim.frequency_code == "1" and claim.original_claim_number:
        yield warning(
            rid,
            "An original claim (frequency 1) should not carry original_claim_number.",
            field="original_claim_number",
            fix="set frequency_code to 7 (replacement) or 8 (void), or remove original_claim_number",
        )
    if claim.rendering_provider is None and all(line.rendering_provider is None for line in claim.lines):
        yield warning(
            rid,
            "No rendering provider: the billing provider will be reported as the one who "
            "performed the services.",
            field="rendering_provider",
            fix="add rendering_provider (NPI and name) if a different clinician performed the services",
        )


@rule("billing-zip4")
def billing_zip4(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """The 837P billing provider ZIP must be the full nine-digit ZIP+4."""
    zip_code = claim.billing_provider.address.zip
    if len(zip_code) != 9:
        yield error(
            "billing-zip4",
            f"The billing provider ZIP {zip_code} has 5 digits; the 837P requires ZIP+4.",
            field="billing_provider.address.zip",
            fix="use the nine-digit ZIP+4 (look it up with USPS), e.g. 627011234",
        )
