"""A thin X12 837P (005010X222A1) writer: claims in the import shape -> one interchange.

Separators: element ``*``, component ``:``, repetition ``^``, segment ``~`` (one segment per line).
Claims are grouped under their billing provider (2000A); each claim gets a subscriber loop (2000B) and,
when the patient is not the subscriber, a patient loop (2000C).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from assistant.claims.schemas import Address, ClaimImport, Person, PriorAdjustment, PriorPayer
from assistant.core.money import x12_amount
from assistant.parties.schemas import RELATIONSHIP_CODES

RELATIONSHIP_BY_CODE = {v: k for k, v in RELATIONSHIP_CODES.items()}
_BAD = re.compile(r"[*:^~\r\n]")


@dataclass
class Envelope:
    interchange_control_number: int
    group_control_number: int
    sender_id: str = "SUBMITTER"
    receiver_id: str = "RECEIVER"
    submitter_name: str = "SUBMITTER"
    submitter_contact: str = "BILLING OFFICE"
    submitter_phone: str = "5555555555"
    receiver_name: str = "RECEIVER"
    usage: str = "T"  # ISA15: T test, P production
    created: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    first_transaction_number: int = 1


def clean(value: object) -> str:
    """Replace X12 delimiters with spaces (case is kept: 5010 allows the extended character set)."""
    return _BAD.sub(" ", str(value)).strip()


money = x12_amount


def _seg(*elements: object) -> str:
    items = [
        ":".join(clean(x) for x in e) if isinstance(e, tuple) else clean(e) if e is not None else ""
        for e in elements
    ]
    while items and items[-1] == "":
        items.pop()
    return "*".join(items)


def _address(addr: Address) -> list[str]:
    return [_seg("N3", addr.line1, addr.line2), _seg("N4", addr.city, addr.state, addr.zip)]


def _person_name(qualifier: str, person: Person, id_qual: str | None = None, ident: str | None = None) -> str:
    return _seg("NM1", qualifier, "1", person.last_name, person.first_name, "", "", "", id_qual, ident)


def _dmg(person: Person) -> str:
    return _seg("DMG", "D8", person.dob.strftime("%Y%m%d"), person.sex)


def build_837p(
    claims: Sequence[ClaimImport],
    envelope: Envelope,
    line_control_numbers: dict[str, list[str]] | None = None,
) -> str:
    """Return the 837P text for ``claims`` (all for one payer) in one ISA/GS/ST envelope."""
    if not claims:
        raise ValueError("no claims to write")
    env = envelope
    lcn = line_control_numbers or {}
    st = f"{env.first_transaction_number:04d}"
    now = env.created
    body: list[str] = [
        _seg("ST", "837", st, "005010X222A1"),
        _seg(
            "BHT",
            "0019",
            "00",
            f"{env.interchange_control_number}",
            now.strftime("%Y%m%d"),
            now.strftime("%H%M"),
            "CH",
        ),
        _seg("NM1", "41", "2", env.submitter_name, "", "", "", "", "46", env.sender_id),
        _seg("PER", "IC", env.submitter_contact, "TE", env.submitter_phone),
        _seg("NM1", "40", "2", env.receiver_name, "", "", "", "", "46", env.receiver_id),
    ]
    hl = 0
    groups: dict[str, list[ClaimImport]] = {}
    for claim in claims:
        groups.setdefault(claim.billing_provider.npi + claim.billing_provider.tax_id, []).append(claim)
    for group in groups.values():
        bp = group[0].billing_provider
        hl += 1
        parent_hl = hl
        body.append(_seg("HL", hl, "", "20", "1"))
        if bp.taxonomy:
            body.append(_seg("PRV", "BI", "PXC", bp.taxonomy))
        body.append(_seg("NM1", "85", "2", bp.name, "", "", "", "", "XX", bp.npi))
        body += _address(bp.address)
        body.append(_seg("REF", "EI", bp.tax_id))
        for claim in group:
            hl += 1
            sub_hl = hl
            is_self = claim.patient_relationship == "self"
            body.append(_seg("HL", sub_hl, parent_hl, "22", "0" if is_self else "1"))
            body.append(
                _seg(
                    "SBR",
                    "S" if claim.prior_payer else "P",  # a secondary claim names the prior payer in 2320
                    "18" if is_self else "",
                    claim.subscriber.group_number,
                    "",
                    "",
                    "",
                    "",
                    "",
                    claim.payer.filing_indicator,
                )
            )
            sub = claim.subscriber
            body.append(_person_name("IL", sub, "MI", sub.member_id))
            if sub.address:
                body += _address(sub.address)
            body.append(_dmg(sub))
            body.append(_seg("NM1", "PR", "2", claim.payer.name, "", "", "", "", "PI", claim.payer.payer_id))
            if not is_self and claim.patient is not None:
                hl += 1
                body.append(_seg("HL", hl, sub_hl, "23", "0"))
                body.append(_seg("PAT", RELATIONSHIP_CODES[claim.patient_relationship]))
                body.append(_person_name("QC", claim.patient))
                if claim.patient.address:
                    body += _address(claim.patient.address)
                body.append(_dmg(claim.patient))
            body += _claim_segments(claim, lcn.get(claim.claim_id))
    body.append(_seg("SE", len(body) + 1, st))
    isa = (
        f"ISA*00*{'':10}*00*{'':10}*ZZ*{clean(env.sender_id)[:15]:<15}*ZZ*{clean(env.receiver_id)[:15]:<15}*"
        f"{now.strftime('%y%m%d')}*{now.strftime('%H%M')}*^*00501*{env.interchange_control_number:09d}*0*"
        f"{env.usage}*:"
    )
    gs = _seg(
        "GS",
        "HC",
        env.sender_id,
        env.receiver_id,
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        env.group_control_number,
        "X",
        "005010X222A1",
    )
    segments = [
        isa,
        gs,
        *body,
        _seg("GE", "1", env.group_control_number),
        _seg("IEA", "1", f"{env.interchange_control_number:09d}"),
    ]
    return "~\n".join(segments) + "~\n"


def _related_causes(claim: ClaimImport) -> list[object]:
    """CLM10 (blank) and CLM11: the accident's related-causes code (and state for an auto accident)."""
    if not claim.accident_cause:
        return []
    if claim.accident_cause == "AA":
        return ["", (claim.accident_cause, "", "", claim.accident_state or "")]
    return ["", claim.accident_cause]


def _claim_segments(claim: ClaimImport, line_controls: list[str] | None) -> list[str]:
    out = [
        _seg(
            "CLM",
            claim.claim_id,
            money(claim.line_total_cents),
            "",
            "",
            (claim.place_of_service, "B", claim.frequency_code),
            "Y",
            "A",
            "Y",
            "Y",
            *_related_causes(claim),
        ),
    ]
    if claim.onset_date:
        out.append(_seg("DTP", "431", "D8", claim.onset_date.strftime("%Y%m%d")))
    if claim.accident_date:
        out.append(_seg("DTP", "439", "D8", claim.accident_date.strftime("%Y%m%d")))
    if claim.prior_authorization:
        out.append(_seg("REF", "G1", claim.prior_authorization))
    if claim.frequency_code in {"7", "8"} and claim.original_claim_number:
        out.append(_seg("REF", "F8", claim.original_claim_number))
    his = [f"{'ABK' if i == 0 else 'ABF'}:{code.replace('.', '')}" for i, code in enumerate(claim.diagnoses)]
    out.append("HI*" + "*".join(his))
    ref = claim.referring_provider
    if ref:
        out.append(_seg("NM1", "DN", "1", ref.last_name, ref.first_name, "", "", "", "XX", ref.npi))
    rp = claim.rendering_provider
    if rp:
        out.append(_seg("NM1", "82", "1", rp.last_name, rp.first_name, "", "", "", "XX", rp.npi))
        if rp.taxonomy:
            out.append(_seg("PRV", "PE", "PXC", rp.taxonomy))
    prior = claim.prior_payer
    if prior is not None:
        out += _other_payer_segments(prior)
    for n, line in enumerate(claim.lines, start=1):
        proc = ("HC", line.code, *line.modifiers)
        pointers = tuple(str(p) for p in line.dx_pointers)
        out.append(_seg("LX", n))
        out.append(_seg("SV1", proc, money(line.charge_cents), "UN", line.units, "", "", pointers))
        out.append(_seg("DTP", "472", "D8", line.date_of_service.strftime("%Y%m%d")))
        control = (line_controls[n - 1] if line_controls and n <= len(line_controls) else None) or (
            line.line_control_number
        )
        if control:
            out.append(_seg("REF", "6R", control))
        if line.ndc:  # 2410: the drug, with the quantity given in units
            out.append(_seg("LIN", "", "N4", line.ndc))
            out.append(_seg("CTP", "", "", "", line.units, "UN"))
        lrp = line.rendering_provider
        if lrp:
            out.append(_seg("NM1", "82", "1", lrp.last_name, lrp.first_name, "", "", "", "XX", lrp.npi))
        if prior is not None:
            out += _line_adjudication_segments(prior, n)
    return out


def _cas(adjustments: Sequence[PriorAdjustment]) -> list[str]:
    """CAS segments: one per group code, at most 6 reason/amount pairs each."""
    by_group: dict[str, list[PriorAdjustment]] = {}
    for a in adjustments:
        if a.amount_cents:
            by_group.setdefault(a.group, []).append(a)
    out = []
    for group, adjs in by_group.items():
        for i in range(0, len(adjs), 6):
            pairs: list[object] = []
            for a in adjs[i : i + 6]:
                pairs += [a.reason, money(a.amount_cents), ""]
            out.append(_seg("CAS", group, *pairs))
    return out


def _other_payer_segments(prior: PriorPayer) -> list[str]:
    """Loops 2320 (other subscriber), 2330A (its subscriber) and 2330B (the prior payer)."""
    sub = prior.subscriber
    out = [
        _seg(
            "SBR",
            "P",
            RELATIONSHIP_CODES[prior.patient_relationship],
            sub.group_number,
            "",
            "",
            "",
            "",
            "",
            prior.payer.filing_indicator,
        ),
        *_cas(prior.adjustments),
        _seg("AMT", "D", money(prior.paid_cents)),
    ]
    if prior.patient_responsibility_cents:
        out.append(_seg("AMT", "EAF", money(prior.patient_responsibility_cents)))
    out.append(_seg("OI", "", "", "Y", "", "", "Y"))
    out.append(_seg("NM1", "IL", "1", sub.last_name, sub.first_name, "", "", "", "MI", sub.member_id))
    if sub.address:
        out += _address(sub.address)
    out.append(_seg("NM1", "PR", "2", prior.payer.name, "", "", "", "", "PI", prior.payer.payer_id))
    if not prior.lines:  # adjudicated at claim level only: the date goes here instead of 2430
        out.append(_seg("DTP", "573", "D8", prior.adjudication_date.strftime("%Y%m%d")))
    if prior.payer_claim_number:
        out.append(_seg("REF", "F8", prior.payer_claim_number))
    return out


def _line_adjudication_segments(prior: PriorPayer, line_number: int) -> list[str]:
    """Loop 2430: what the prior payer paid and adjusted on this line, and when."""
    out = []
    for pl in prior.lines:
        if pl.line != line_number:
            continue
        out.append(
            _seg(
                "SVD",
                prior.payer.payer_id,
                money(pl.paid_cents),
                ("HC", pl.code, *pl.modifiers),
                "",
                pl.units,
            )
        )
        out += _cas(pl.adjustments)
        out.append(_seg("DTP", "573", "D8", prior.adjudication_date.strftime("%Y%m%d")))
    return out
