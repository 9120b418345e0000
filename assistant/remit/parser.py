"""Read an X12 835 (005010X221A1) with oxedi.

oxedi tokenises the interchange (delimiters from ISA), checks envelopes, loop order and element
rules (SNIP 1-3) and keeps the file byte for byte. We refuse any structural finding (SNIP 1/2) as a
malformed file, then walk its typed segments loop by loop into :class:`ParsedRemit`. Balancing
(SNIP 3) is re-checked by :mod:`assistant.remit.balance` so every imbalance is reported per claim and
per line, not only the first.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.core.errors import InvalidInput
from assistant.core.money import x12_cents
from assistant.remit.schemas import (
    Adjustment,
    ParsedRemit,
    Party,
    ProviderAdjustmentIn,
    RemitClaimIn,
    RemitLineIn,
    RemitTransactionIn,
)

Element = bytes | list[bytes]
# Where we store less than X12 allows (SVC01-2 may hold 48 characters, REF02 50).
MAX_PROCEDURE_CODE = 8
MAX_TAX_ID = 20


class _Seg:
    """One segment's elements as text, 1-based like the X12 names (``seg[2]`` is ``CLP02``)."""

    def __init__(self, index: int, seg_id: str, elements: list[Element]) -> None:
        self.index = index
        self.id = seg_id
        self._elements = elements

    def __getitem__(self, pos: int) -> str:
        if pos < 1 or pos > len(self._elements):
            return ""
        value = self._elements[pos - 1]
        if isinstance(value, list):
            return ":".join(v.decode("latin-1") for v in value).strip()
        return value.decode("latin-1").strip()

    def parts(self, pos: int) -> list[str]:
        if pos < 1 or pos > len(self._elements):
            return []
        value = self._elements[pos - 1]
        if isinstance(value, list):
            return [v.decode("latin-1").strip() for v in value]
        return [value.decode("latin-1").strip()]

    def opt(self, pos: int) -> str | None:
        return self[pos] or None

    def cents(self, pos: int, *, required: bool = True) -> int | None:
        text = self[pos]
        if not text:
            if required:
                raise InvalidInput(
                    f"{self.id}{pos:02d} (segment #{self.index}) is required but empty",
                    field=f"{self.id}{pos:02d}",
                    fix="the 835 is incomplete; ask the payer to resend it",
                )
            return None
        return x12_cents(text, field=f"{self.id}{pos:02d} (segment #{self.index})")

    def date(self, pos: int) -> date | None:
        text = self[pos]
        if not text:
            return None
        try:
            return datetime.strptime(text, "%Y%m%d").date()
        except ValueError:
            raise InvalidInput(
                f"{self.id}{pos:02d} (segment #{self.index}) is not a CCYYMMDD date: {text!r}",
                field=f"{self.id}{pos:02d}",
            ) from None


def _refuse(message: str, fix: str = "ask the payer or clearinghouse to resend a valid 835") -> InvalidInput:
    return InvalidInput(message, field="file", fix=fix)


def parse_835(data: bytes, *, filename: str | None = None) -> ParsedRemit:
    """Parse the whole file or raise InvalidInput naming the first problem (nothing is posted)."""
    import oxedi

    if not data.strip():
        raise _refuse("the 835 file is empty")
    try:
        result = oxedi.parse(data)
    except oxedi.ParseError as exc:
        raise _refuse(f"not a readable X12 interchange: {exc}") from None
    structural = [d for d in result.diagnostics if d.level < 3]
    if structural:
        shown = "; ".join(str(d) for d in structural[:3])
        more = f" (+{len(structural) - 3} more)" if len(structural) > 3 else ""
        raise _refuse(f"malformed 835: {shown}{more}")
    doc = result.document
    segments = [_Seg(i, doc[i].id.decode("latin-1"), list(doc[i].elements)) for i in range(len(doc))]
    gs = next((s for s in segments if s.id == "GS"), None)
    if gs is not None and gs[8] and not gs[8].startswith("005010X221"):
        raise _refuse(f"GS08 is {gs[8]!r}, not an 835 005010X221A1", fix="import only 5010 835 files")
    try:
        transactions = _Walker(segments).transactions()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ())) or "835"
        raise _refuse(f"malformed 835: {where}: {first.get('msg')}") from None
    if not transactions:
        raise _refuse("the file holds no 835 transaction (ST*835)")
    return ParsedRemit(
        file_sha256=hashlib.sha256(data).hexdigest(), filename=filename, transactions=transactions
    )


def parse_835_file(path: Path) -> ParsedRemit:
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", field="file", fix="give the path of an .835 file")
    return parse_835(path.read_bytes(), filename=path.name)


def _cas(seg: _Seg) -> list[Adjustment]:
    """One CAS segment: a group code and up to six reason/amount/quantity triples."""
    group = seg[1]
    out: list[Adjustment] = []
    for k in range(6):
        reason, amount, qty = seg[2 + 3 * k], seg[3 + 3 * k], seg[4 + 3 * k]
        if not reason and not amount:
            continue
        if not reason or not amount:
            raise InvalidInput(
                f"CAS (segment #{seg.index}) triple {k + 1} needs both a reason code and an amount",
                field=f"CAS{2 + 3 * k:02d}",
            )
        out.append(
            Adjustment(
                group=group,
                reason=reason,
                amount_cents=x12_cents(amount, field=f"CAS{3 + 3 * k:02d} (segment #{seg.index})"),
                quantity=qty or None,
                segment=seg.index,
            )
        )
    return out


class _Walker:
    """Builds transactions from segments that oxedi has already checked for loop order."""

    def __init__(self, segments: list[_Seg]) -> None:
        self.segments = segments

    def transactions(self) -> list[RemitTransactionIn]:
        out: list[RemitTransactionIn] = []
        current: list[_Seg] | None = None
        for seg in self.segments:
            if seg.id == "ST":
                if seg[1] != "835":
                    raise _refuse(f"ST01 is {seg[1]!r}: this is not an 835", fix="import an 835 remittance")
                current = [seg]
            elif current is not None:
                current.append(seg)
                if seg.id == "SE":
                    out.append(self._transaction(len(out) + 1, current))
                    current = None
        return out

    def _transaction(self, number: int, segs: list[_Seg]) -> RemitTransactionIn:
        head: dict[str, Any] = {"payer": Party(), "payee": Party(), "production_date": None}
        claims: list[RemitClaimIn] = []
        plbs: list[ProviderAdjustmentIn] = []
        party: Party | None = None
        claim: dict[str, Any] | None = None
        line: dict[str, Any] | None = None

        def close_line() -> None:
            nonlocal line
            if line is not None and claim is not None:
                claim["lines"].append(RemitLineIn(**line))
            line = None

        def close_claim() -> None:
            nonlocal claim
            close_line()
            if claim is not None:
                claims.append(RemitClaimIn(**claim))
            claim = None

        for seg in segs:
            sid = seg.id
            if sid == "ST":
                head["control_number"] = seg[2]
            elif sid == "BPR":
                head.update(
                    handling_code=seg[1],
                    payment_cents=seg.cents(2),
                    credit_debit=seg[3],
                    payment_method=seg.opt(4),
                    payment_date=seg.date(16),
                )
            elif sid == "TRN" and claim is None:
                head.update(trace_number=seg[2], trace_originator=seg.opt(3))
            elif sid == "DTM" and claim is None and party is None and seg[1] == "405":
                head["production_date"] = seg.date(2)
            elif sid == "N1" and claim is None:
                party = head["payer"] if seg[1] == "PR" else head["payee"] if seg[1] == "PE" else None
                if party is not None:
                    party.name = seg.opt(2)
                    if seg[4]:
                        party.identifier, party.qualifier = seg[4], seg.opt(3)
            elif sid == "REF" and claim is None and party is not None:
                if party is head["payer"] and seg[1] == "2U":
                    party.identifier, party.qualifier = seg[2], "2U"
                elif party is head["payee"] and seg[1] == "TJ":
                    if len(seg[2]) > MAX_TAX_ID:
                        raise InvalidInput(
                            f"REF*TJ (segment #{seg.index}) is not a tax ID: {seg[2]!r}",
                            field="REF02",
                            fix="the payee tax ID is 9 digits; ask the payer for a corrected 835",
                        )
                    party.tax_id = seg[2]
            elif sid == "LX":
                close_claim()
                party = None
            elif sid == "CLP":
                close_claim()
                party = None
                claim = {
                    "index": len(claims) + 1,
                    "claim_id": seg[1],
                    "status_code": seg[2],
                    "charge_cents": seg.cents(3),
                    "paid_cents": seg.cents(4),
                    "patient_responsibility_cents": seg.cents(5, required=False) or 0,
                    "filing_indicator": seg.opt(6),
                    "payer_claim_number": seg.opt(7),
                    "facility_type": seg.opt(8),
                    "frequency_code": seg.opt(9),
                    "adjustments": [],
                    "remarks": [],
                    "lines": [],
                    "segment": seg.index,
                }
            elif claim is not None and sid == "SVC":
                close_line()
                proc = seg.parts(1)
                orig = seg.parts(6)
                line = {
                    "index": len(claim["lines"]) + 1,
                    "procedure_qualifier": proc[0] if proc else "",
                    "procedure_code": proc[1] if len(proc) > 1 else "",
                    "modifiers": [m for m in proc[2:6] if m],
                    "original_procedure_code": orig[1] if len(orig) > 1 and orig[1] else None,
                    "original_modifiers": [m for m in orig[2:6] if m],
                    "charge_cents": seg.cents(2),
                    "paid_cents": seg.cents(3),
                    "units_paid": seg.opt(5),
                    "original_units": seg.opt(7),
                    "adjustments": [],
                    "remarks": [],
                    "segment": seg.index,
                }
                if not line["procedure_code"]:
                    raise InvalidInput(f"SVC01 (segment #{seg.index}) has no procedure code", field="SVC01")
                for key, where in (("procedure_code", "SVC01"), ("original_procedure_code", "SVC06")):
                    code = line[key]
                    if code and len(code) > MAX_PROCEDURE_CODE:
                        raise InvalidInput(
                            f"{where} (segment #{seg.index}) holds {code!r}, longer than the "
                            f"{MAX_PROCEDURE_CODE} characters of a HCPCS/CPT code with room to spare",
                            field=where,
                            fix="only HCPCS/CPT-coded professional remittances can be imported",
                        )
            elif claim is not None and line is not None:
                if sid == "CAS":
                    line["adjustments"].extend(_cas(seg))
                elif sid == "REF" and seg[1] == "6R":
                    line["line_control_number"] = seg[2]
                elif sid == "DTM" and seg[1] in ("472", "150"):
                    line["service_date"] = seg.date(2)
                elif sid == "AMT" and seg[1] == "B6":
                    line["allowed_cents"] = seg.cents(2)
                elif sid == "LQ":
                    line["remarks"].append(seg[2])
                elif sid == "PLB":
                    close_claim()
                    plbs.extend(self._plb(seg))
            elif claim is not None:
                if sid == "CAS":
                    claim["adjustments"].extend(_cas(seg))
                elif sid == "NM1" and seg[1] == "QC":
                    claim.update(
                        patient_last_name=seg.opt(3), patient_first_name=seg.opt(4), member_id=seg.opt(9)
                    )
                elif sid == "NM1" and seg[1] == "82":
                    claim["rendering_npi"] = seg.opt(9)
                elif sid == "NM1" and seg[1] == "TT":
                    claim.update(crossover_payer_name=seg.opt(3), crossover_payer_id=seg.opt(9))
                elif sid == "MOA":
                    claim["remarks"].extend(seg[k] for k in range(3, 8) if seg[k])
                elif sid == "MIA":
                    claim["remarks"].extend(seg[k] for k in (5, 20, 21, 22, 23) if seg[k])
                elif sid == "DTM" and seg[1] == "232":
                    claim["statement_from"] = seg.date(2)
                elif sid == "DTM" and seg[1] == "233":
                    claim["statement_to"] = seg.date(2)
                elif sid == "DTM" and seg[1] == "050":
                    claim["received_date"] = seg.date(2)
                elif sid == "PLB":
                    close_claim()
                    plbs.extend(self._plb(seg))
            elif sid == "PLB":
                plbs.extend(self._plb(seg))
        close_claim()
        if "trace_number" not in head or "payment_cents" not in head:
            raise _refuse(f"transaction {number} lacks BPR or TRN")
        return RemitTransactionIn(index=number, claims=claims, provider_adjustments=plbs, **head)

    @staticmethod
    def _plb(seg: _Seg) -> list[ProviderAdjustmentIn]:
        out: list[ProviderAdjustmentIn] = []
        for k in range(6):
            ident, amount = seg.parts(3 + 2 * k), seg[4 + 2 * k]
            if not ident or not ident[0]:
                continue
            out.append(
                ProviderAdjustmentIn(
                    provider_id=seg[1],
                    fiscal_period_date=seg.date(2),
                    reason=ident[0],
                    reference=ident[1] if len(ident) > 1 and ident[1] else None,
                    amount_cents=x12_cents(amount, field=f"PLB{4 + 2 * k:02d} (segment #{seg.index})"),
                    segment=seg.index,
                )
            )
        return out
