"""NPI check digits."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import ScrubContext, error, rule
from assistant.parties.npi import is_valid_npi


@rule("npi-check-digit")
def npi_check_digit(claim: ClaimImport, ctx: ScrubContext) -> Iterator[Finding]:
    """Every NPI passes the Luhn check over the 80840 prefix."""
    npis: list[tuple[str, str, int | None]] = [("billing_provider.npi", claim.billing_provider.npi, None)]
    if claim.rendering_provider:
        npis.append(("rendering_provider.npi", claim.rendering_provider.npi, None))
    for n, line in enumerate(claim.lines, start=1):
        if line.rendering_provider:
            npis.append((f"lines[{n - 1}].rendering_provider.npi", line.rendering_provider.npi, n))
    for field, npi, line_no in npis:
        if not is_valid_npi(npi):
            yield error(
                "npi-check-digit",
                f"NPI {npi} fails the check-digit test, so it is mistyped or not an NPI.",
                line=line_no,
                field=field,
                fix="copy the NPI exactly from NPPES (npiregistry.cms.hhs.gov)",
            )
