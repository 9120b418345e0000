"""How each CARC family is diagnosed from the claim's own data.

Summaries, categories and routes of CARC/RARC codes come from the reference data
(``ReferenceLookup.adjustment_code``, written in the project's own words). This module only knows how to
*check* a denial against the claim: it calls the claims scrubber's rules and the reference lookups,
never a re-implementation of them. The category and route of an adjustment come from the one policy,
``assistant.core.adjustments.classify_adjustment``; any unknown code is reported in ``unknowns``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from assistant.claims.schemas import ClaimImport, Finding
from assistant.claims.scrubber.base import Rule, ScrubContext
from assistant.claims.scrubber.codes import icd10cm_valid, modifier_pos_valid
from assistant.claims.scrubber.diagnoses import excludes1, mce_age_sex
from assistant.claims.scrubber.identifiers import npi_check_digit
from assistant.claims.scrubber.ncci import BYPASS_MODIFIERS, ncci_ptp
from assistant.claims.scrubber.required import billing_zip4, required_fields
from assistant.claims.scrubber.services import em_modifier_25, telehealth
from assistant.claims.scrubber.structure import duplicate_claim, duplicate_line, dx_pointers
from assistant.claims.service import duplicate_finder
from assistant.config import get_settings
from assistant.core.errors import AssistantError, NoReleaseForDate, NotReady
from assistant.denials.rules import local_rules
from assistant.denials.schemas import Evidence

PLACEHOLDER = "[TO BE COMPLETED BY PRACTICE]"


@dataclass
class Case:
    group: str
    carc: str
    rarcs: list[str]
    reference: Any
    doc: ClaimImport | None = None
    claim: Any = None  # assistant.claims.models.Claim when on file
    line: int | None = None  # 1-based
    session: Any = None
    timely_filing_days: int = field(default_factory=lambda: get_settings().timely_filing_days)
    remit_line: Any = None  # assistant.remit.models.RemitLine when explaining a posted remit
    rarc_info: dict[str, Any] = field(default_factory=dict)  # code -> AdjustmentCode | None

    @property
    def target(self) -> Any:
        if self.doc is None or self.line is None or not 1 <= self.line <= len(self.doc.lines):
            return None
        return self.doc.lines[self.line - 1]

    @property
    def dos(self) -> date | None:
        t = self.target
        if t is not None:
            return t.date_of_service
        return min((ln.date_of_service for ln in self.doc.lines), default=None) if self.doc else None


@dataclass
class Diagnosis:
    root_cause: str
    evidence: list[Evidence] = field(default_factory=list)
    fix: list[str] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)
    appeal_viable: bool | None = None
    route: str | None = None  # override the code's default route when the claim data says otherwise
    actions: list[dict[str, Any]] = field(default_factory=list)


def run_rules(case: Case, rules: Iterable[Rule], *, line_only: bool = True) -> list[Finding]:
    """Run scrubber rules on the claim; keep the findings about the denied line (or the claim)."""
    if case.doc is None:
        return []
    ctx = ScrubContext(reference=case.reference, default_timely_filing_days=case.timely_filing_days)
    if case.session is not None:
        ctx.find_duplicates = duplicate_finder(case.session)
    out: list[Finding] = []
    for rule in rules:
        try:
            found = list(rule.check(case.doc, ctx))
        except AssistantError as exc:
            found = [Finding(rule=rule.id, severity="warning", message=f"rule could not run: {exc.message}")]
        out.extend(f for f in found if not line_only or case.line is None or f.line in (None, case.line))
    return out


def _scrub_evidence(findings: list[Finding]) -> list[Evidence]:
    return [
        Evidence(kind="scrubber", detail=f.message, source=f"claims scrubber rule {f.rule}") for f in findings
    ]


def _no_claim(what: str) -> Diagnosis:
    return Diagnosis(
        root_cause=f"No claim data was given, so the {what} cannot be checked.",
        unknowns=["give --claim CLAIM_ID (or a claim JSON file) and --line N to check the claim's own data"],
    )


def _line_label(case: Case) -> str:
    t = case.target
    return (
        f"line {case.line} ({t.code}{''.join('-' + m for m in t.modifiers)})"
        if t is not None
        else "the claim"
    )


# ---------------------------------------------------------------- per-family diagnosers


def bundling(case: Case) -> Diagnosis:
    t = case.target
    if t is None:
        return _no_claim("NCCI pair")
    assert case.doc is not None
    same_day = [
        (n, ln) for n, ln in enumerate(case.doc.lines, start=1) if ln.date_of_service == t.date_of_service
    ]
    codes = sorted({ln.code for _, ln in same_day})
    try:
        edits = case.reference.ptp_edits(codes, on=t.date_of_service)
        release = case.reference.release_for("NCCI-PTP", t.date_of_service).release
    except (NotReady, NoReleaseForDate) as exc:
        return Diagnosis(
            root_cause=f"{_line_label(case)} was bundled by the payer, but no NCCI PTP release is "
            "available to "
            "say with which code.",
            unknowns=[f"NCCI PTP not available for {t.date_of_service}: {exc.message}"],
            fix=[
                "import the NCCI PTP quarter in force on the date of service (assistant codesets import-ncci)"
            ],
        )
    mine = [e for e in edits if t.code in (e.column1, e.column2) and e.modifier_indicator != "9"]
    if not mine:
        return Diagnosis(
            root_cause=f"No NCCI PTP edit pairs {t.code} with another code billed on "
            f"{t.date_of_service}; the "
            "payer applied its own bundling policy or bundled it into a service billed on another claim.",
            unknowns=[
                "payer-specific bundling policy (not in NCCI): ask the payer which service it bundled into"
            ],
            appeal_viable=None,
            route="appeal",
        )
    evidence, fix, actions = [], [], []
    viable: bool | None = None
    route = "correct-and-resubmit"
    for e in mine:
        other = e.column1 if e.column2 == t.code else e.column2
        evidence.append(
            Evidence(
                kind="ncci-ptp",
                detail=f"{e.column2} is column 2 of {e.column1} on "
                f"{t.date_of_service}, modifier indicator {e.modifier_indicator}",
                source=f"NCCI PTP practitioner, release {release}",
            )
        )
        col2_line = next((n for n, ln in same_day if ln.code == e.column2), None)
        if e.modifier_indicator == "0":
            fix.append(
                f"{e.column2} is never paid with {e.column1} on the same day (indicator 0): no modifier "
                "applies; write the line off"
            )
            route, viable = "write-off", False
        else:
            has = sorted(set(case.doc.lines[col2_line - 1].modifiers) & BYPASS_MODIFIERS) if col2_line else []
            if has:
                fix.append(
                    f"the claim already carries {'/'.join(has)} on {e.column2}: if the documentation shows a "
                    "separate site or session, appeal with the notes"
                )
                route, viable = "appeal", True
            else:
                fix.append(
                    f"a modifier is allowed (indicator 1): add XS (separate structure/site) or 59 to "
                    f"line {col2_line} ({e.column2}) only if the documentation shows a distinct service "
                    f"from {other}; otherwise the line stays bundled"
                )
                viable = False if viable is None else viable
                if col2_line:
                    actions.append({"op": "add-modifier", "line": col2_line, "modifier": "XS"})
    findings = run_rules(case, [ncci_ptp], line_only=False)
    evidence += _scrub_evidence(findings)
    col1s = sorted({e.column1 for e in mine})
    partners = col1s if t.code not in col1s else sorted({e.column2 for e in mine})
    return Diagnosis(
        root_cause=f"{_line_label(case)} is bundled by NCCI with {', '.join(partners)} billed the same day.",
        evidence=evidence,
        fix=fix,
        appeal_viable=viable,
        route=route,
        actions=actions,
        unknowns=[]
        if actions == []
        else [f"whether the documentation supports a distinct site/session: {PLACEHOLDER}"],
    )


def modifier(case: Case) -> Diagnosis:
    t = case.target
    if t is None:
        return _no_claim("modifier")
    findings = run_rules(case, [modifier_pos_valid, em_modifier_25, telehealth, ncci_ptp])
    findings += local_rule_findings(case)
    evidence = _scrub_evidence(findings)
    rl = case.remit_line
    if rl is not None and rl.match_method == "fuzzy-modifier" and rl.match_note:
        evidence.append(Evidence(kind="remit", detail=rl.match_note, source="835 SVC01 vs our claim line"))
    if findings:
        actions = []
        for f in findings:
            for mod in _modifiers_named(f.message + " " + (f.fix or "")):
                if mod not in t.modifiers:
                    actions.append({"op": "add-modifier", "line": case.line, "modifier": mod})
                    break
        return Diagnosis(
            root_cause=f"{_line_label(case)}: "
            + " ".join(f.message for f in findings if f.severity == "error")
            or findings[0].message,
            evidence=evidence,
            fix=[f.fix for f in findings if f.fix],
            appeal_viable=False,
            actions=actions[:1],
        )
    return Diagnosis(
        root_cause=f"{_line_label(case)} passes our modifier checks; the payer expects a modifier "
        "it does not name here.",
        evidence=evidence,
        unknowns=[
            "which modifier the payer wanted: the RARC or the payer's policy should say"
            + (f" (RARCs: {', '.join(case.rarcs)})" if case.rarcs else "")
        ],
    )


def _modifiers_named(text: str) -> list[str]:
    import re

    return re.findall(r"\b(?:modifier |add )([0-9A-Z]{2})\b", text)


def diagnosis_link(case: Case) -> Diagnosis:
    t = case.target
    if t is None:
        return _no_claim("diagnosis linked to the procedure")
    assert case.doc is not None
    linked = [(p, case.doc.diagnoses[p - 1]) for p in t.dx_pointers if 1 <= p <= len(case.doc.diagnoses)]
    evidence = []
    for p, code in linked:
        info = None
        try:
            info = case.reference.find_code(code, "ICD-10-CM", t.date_of_service)
        except AssistantError:
            info = None
        title = f" {info.title}" if info else " (not found in the ICD-10-CM release for that date)"
        evidence.append(
            Evidence(
                kind="claim",
                detail=f"line {case.line} ({t.code}) points to diagnosis {p}: {code}{title}",
                source="claim diagnosis pointers",
            )
        )
    linked_text = ", ".join(c for _, c in linked) or "the linked diagnosis"
    unlinked = [(i, c) for i, c in enumerate(case.doc.diagnoses, start=1) if i not in t.dx_pointers]
    findings = run_rules(case, [dx_pointers, icd10cm_valid, excludes1, mce_age_sex])
    evidence += _scrub_evidence(findings)
    fix = [f.fix for f in findings if f.fix]
    actions: list[dict[str, Any]] = []
    if unlinked:
        fix.append(
            f"if the documentation shows {t.code} was done for "
            f"{', '.join(c for _, c in unlinked)}, point line "
            f"{case.line} to it and resubmit a corrected claim"
        )
    fix.append(
        f"documentation that would support it: the note's indication for {t.code}, findings and prior "
        f"treatment for the linked diagnosis {PLACEHOLDER}"
    )
    return Diagnosis(
        root_cause=f"The payer does not accept {linked_text} as the "
        f"reason for {t.code} on {_line_label(case)}"
        + ("; the scrubber also flags: " + " ".join(f.message for f in findings) if findings else "."),
        evidence=evidence,
        fix=fix,
        unknowns=[
            "the payer's coverage policy (LCD/NCD or commercial policy) listing the diagnoses covered for "
            f"{t.code} is not loaded"
        ],
        appeal_viable=None,
        actions=actions,
    )


def missing_information(case: Case) -> Diagnosis:
    if not case.rarcs:
        return Diagnosis(
            root_cause="The payer says information is missing or invalid but sent no remark code naming it.",
            unknowns=[
                "no RARC with the denial: the remark code tells which field; "
                "call the payer or check the portal"
            ],
        )
    evidence, fix, unknowns = [], [], []
    fields: list[str] = []
    for code in case.rarcs:
        info = case.rarc_info.get(code)
        if info is None:
            unknowns.append(f"RARC {code} is not in the loaded RARC list")
            continue
        evidence.append(
            Evidence(kind="rarc", detail=f"{code}: {info.summary}", source="RARC (project summary)")
        )
        fields += info.fields
        fix += info.fix
    findings = (
        run_rules(case, [required_fields, npi_check_digit, billing_zip4], line_only=False) if case.doc else []
    )
    for f_name in fields:
        value = _field_value(case.doc, f_name) if case.doc else None
        state = "missing" if value in (None, "", []) else f"sent as {value!r}"
        evidence.append(
            Evidence(kind="claim", detail=f"{f_name} is {state} on the claim", source="claim data")
        )
    related = [
        f
        for f in findings
        if not fields or any(f.field and f.field.split("[")[0].split(".")[0] in x for x in fields)
    ]
    evidence += _scrub_evidence(related or findings)
    fix += [f.fix for f in (related or findings) if f.fix]
    if not fields and not unknowns:
        unknowns.append("the RARC does not name a claim field")
    return Diagnosis(
        root_cause="Missing or invalid: " + (", ".join(fields) if fields else "see the remark codes"),
        evidence=evidence,
        fix=fix or ["correct the field named by the remark code and resubmit"],
        unknowns=unknowns,
        appeal_viable=False,
    )


def _field_value(doc: ClaimImport, dotted: str) -> Any:
    cur: Any = doc
    for part in dotted.split("."):
        cur = getattr(cur, part, None) if not isinstance(cur, dict) else cur.get(part)
        if cur is None:
            return None
    return cur


def duplicate(case: Case) -> Diagnosis:
    if case.doc is None:
        return _no_claim("earlier claim")
    findings = run_rules(case, [duplicate_line, duplicate_claim])
    if findings:
        return Diagnosis(
            root_cause="The payer already processed the same service: "
            + " ".join(f.message for f in findings),
            evidence=_scrub_evidence(findings),
            fix=[
                "post the payment or denial of the earlier claim; do not resubmit",
                "if the services were truly repeated, resubmit with 76/77 (repeat procedure) "
                "and documentation",
            ],
            appeal_viable=False,
            route="no-action",
        )
    return Diagnosis(
        root_cause="No earlier claim on file has the same patient, date, code and modifiers.",
        unknowns=["the claim the payer considers the original (it may have been sent by another system)"],
        appeal_viable=True,
        route="appeal",
    )


def timely_filing(case: Case) -> Diagnosis:
    if case.doc is None:
        return _no_claim("filing date")
    limit = case.doc.payer.timely_filing_days or case.timely_filing_days
    dos = case.dos
    assert dos is not None
    last_day = dos + timedelta(days=limit)
    evidence = [
        Evidence(
            kind="timely-filing",
            detail=f"date of service {dos}, filing limit {limit} days: last day {last_day}",
            source="payer timely_filing_days"
            if case.doc.payer.timely_filing_days
            else "settings.timely_filing_days",
        )
    ]
    submitted = None
    if case.claim is not None:
        submitted = next((e.at.date() for e in case.claim.history if e.to_status == "submitted"), None)
    if submitted is None:
        return Diagnosis(
            root_cause=f"The claim reached the payer after {last_day}, or the payer thinks so.",
            evidence=evidence,
            unknowns=["when the claim was first submitted: no submission is recorded"],
            appeal_viable=None,
        )
    evidence.append(
        Evidence(kind="claim", detail=f"first submitted {submitted}", source="claim status history")
    )
    if submitted <= last_day:
        return Diagnosis(
            root_cause=f"The claim was submitted on {submitted}, within the limit ending {last_day}.",
            evidence=evidence,
            route="appeal",
            appeal_viable=True,
            fix=["appeal with proof of timely filing (the 999/277CA acceptance report of the batch)"],
        )
    return Diagnosis(
        root_cause=f"The claim was first submitted on {submitted}, after the limit ending {last_day}.",
        evidence=evidence,
        route="write-off",
        appeal_viable=False,
        fix=["write off unless the delay had a cause the payer accepts (retro eligibility, payer error)"],
    )


def coordination(case: Case) -> Diagnosis:
    if case.claim is None:
        return _no_claim("other coverage on file")
    others = [c for c in case.claim.patient.coverages if c.id != case.claim.coverage_id]
    evidence = [
        Evidence(
            kind="coverage",
            detail=f"coverage {c.order}: payer {c.payer.payer_id} {c.payer.name}, member {c.member_id}",
            source="patient coverages on file",
        )
        for c in others
    ]
    this = case.claim.coverage
    evidence.insert(
        0,
        Evidence(
            kind="coverage",
            detail=f"this claim was billed to coverage {this.order} ({case.claim.payer.payer_id})",
            source="claim",
        ),
    )
    if not others:
        return Diagnosis(
            root_cause="The payer says another plan pays first, but no other coverage is on file.",
            evidence=evidence,
            route="verify-eligibility",
            unknowns=["the other coverage: ask the patient and the payer for the primary plan"],
            fix=["ask the patient for the other insurance; update coverages and bill the primary"],
        )
    primary = min(others + [this], key=lambda c: c.order)
    if primary is this:
        return Diagnosis(
            root_cause="Our records make this payer primary, the payer disagrees.",
            evidence=evidence,
            route="verify-eligibility",
            appeal_viable=None,
            fix=["confirm the order of benefits with the patient and both payers, update coverages"],
        )
    return Diagnosis(
        root_cause=f"Coverage {primary.order} ({primary.payer.payer_id}) is on file ahead of this payer.",
        evidence=evidence,
        route="correct-and-resubmit",
        appeal_viable=False,
        fix=[f"bill {primary.payer.name} first, then send this payer the claim with the primary's payment"],
    )


def eligibility(case: Case) -> Diagnosis:
    if case.claim is None:
        return _no_claim("coverage dates")
    cov, dos = case.claim.coverage, case.dos
    start, end = cov.effective_from or "not recorded", cov.effective_to or "open"
    detail = f"coverage {cov.member_id}: effective {start} to {end}"
    evidence = [
        Evidence(
            kind="coverage", detail=f"{detail}; date of service {dos}", source="patient coverage on file"
        )
    ]
    if cov.effective_from is None and cov.effective_to is None:
        return Diagnosis(
            root_cause="Coverage dates are not recorded, so they cannot be compared with the "
            "date of service.",
            evidence=evidence,
            unknowns=["the coverage's effective dates"],
            fix=["run an eligibility check (270/271) for the date of service"],
        )
    outside = (cov.effective_from and dos < cov.effective_from) or (
        cov.effective_to and dos > cov.effective_to
    )
    if outside:
        return Diagnosis(
            root_cause=f"The date of service {dos} is outside the coverage dates on file.",
            evidence=evidence,
            appeal_viable=False,
            fix=["find the coverage in force on the date of service; bill it or the patient"],
        )
    return Diagnosis(
        root_cause=f"Our coverage dates include {dos}; the payer's enrollment data differs.",
        evidence=evidence,
        appeal_viable=True,
        route="verify-eligibility",
        fix=["verify eligibility for the date of service; if active, resubmit or appeal with the 271"],
    )


def authorization(case: Case) -> Diagnosis:
    if case.doc is None:
        return _no_claim("prior authorization")
    auth = case.doc.prior_authorization
    if not auth:
        return Diagnosis(
            root_cause="The claim carries no prior authorization number.",
            evidence=[Evidence(kind="claim", detail="prior_authorization is empty", source="claim data")],
            fix=[
                "if an authorization was obtained, add its number (REF*G1) and resubmit",
                "otherwise ask the payer about a retro-authorization",
            ],
            unknowns=["whether an authorization was obtained but not recorded"],
            appeal_viable=None,
        )
    return Diagnosis(
        root_cause=f"The claim carries authorization {auth}, which the payer did not match to this service.",
        evidence=[Evidence(kind="claim", detail=f"prior_authorization {auth}", source="claim data")],
        route="appeal",
        appeal_viable=True,
        fix=["check that the authorization covers this code, date range and provider; appeal with it"],
    )


def contractual(case: Case) -> Diagnosis:
    return Diagnosis(
        root_cause="The amount above the payer's allowed fee is written off under the contract.",
        appeal_viable=False,
        route="no-action",
        fix=["no action; check the allowed amount against the fee schedule if it looks wrong"],
    )


def patient_responsibility(case: Case) -> Diagnosis:
    return Diagnosis(
        root_cause="The plan assigns this amount to the patient (deductible, coinsurance or copay).",
        appeal_viable=False,
        route="bill-patient",
        fix=["bill the patient (or the secondary plan first)"],
    )


def benefit_limit(case: Case) -> Diagnosis:
    t = case.target
    evidence = []
    if t is not None:
        evidence.append(
            Evidence(
                kind="claim", detail=f"line {case.line}: {t.units} unit(s) of {t.code}", source="claim data"
            )
        )
        edit = None
        try:
            edit = case.reference.mue(t.code, on=t.date_of_service)
        except AssistantError:
            edit = None
        if edit is not None:
            evidence.append(
                Evidence(
                    kind="ncci-mue",
                    detail=f"MUE for {t.code}: {edit.mue_value} (MAI {edit.mai})",
                    source=f"NCCI MUE, release {edit.release}",
                )
            )
    return Diagnosis(
        root_cause="The patient's benefit for this service is used up for the period.",
        evidence=evidence,
        unknowns=["the plan's benefit count used so far: check eligibility (271) benefit details"],
        fix=["if the patient signed an advance notice, bill the patient; otherwise write off"],
        appeal_viable=False,
    )


def non_covered(case: Case) -> Diagnosis:
    t = case.target
    if t is None:
        return Diagnosis(
            root_cause="The payer does not cover this service under the plan.",
            unknowns=["which service: give --claim and --line"],
        )
    code = case.doc.payer.payer_id if case.doc else "?"
    return Diagnosis(
        root_cause=f"{t.code} is excluded from the plan of payer {code}.",
        evidence=[
            Evidence(kind="claim", detail=f"{_line_label(case)} billed to {code}", source="claim data")
        ],
        unknowns=["the plan's exclusion list is not loaded"],
        appeal_viable=False,
        fix=["bill the patient only if they signed a waiver/advance notice before the service"],
    )


def provider_enrollment(case: Case) -> Diagnosis:
    if case.doc is None:
        return _no_claim("rendering provider")
    rp = case.doc.rendering_provider
    evidence = [
        Evidence(
            kind="claim",
            detail=f"billing NPI {case.doc.billing_provider.npi}"
            + (
                f", rendering NPI {rp.npi} ({rp.first_name} {rp.last_name}, taxonomy {rp.taxonomy or 'none'})"
                if rp
                else ", no rendering provider"
            ),
            source="claim data",
        )
    ]
    return Diagnosis(
        root_cause="The payer does not have the rendering/billing provider enrolled for this service.",
        evidence=evidence,
        unknowns=["the provider's enrollment status with this payer"],
        fix=["check enrollment/credentialing with the payer; once effective, resubmit"],
        appeal_viable=None,
    )


def other(case: Case) -> Diagnosis:
    return Diagnosis(
        root_cause="No diagnosis rule for this adjustment code.",
        unknowns=[f"how CARC {case.carc} relates to the claim data: read the remark codes and payer notes"],
    )


DIAGNOSERS: dict[str, Callable[[Case], Diagnosis]] = {
    "97": bundling,
    "4": modifier,
    "11": diagnosis_link,
    "50": diagnosis_link,
    "167": diagnosis_link,
    "16": missing_information,
    "18": duplicate,
    "29": timely_filing,
    "22": coordination,
    "26": eligibility,
    "27": eligibility,
    "197": authorization,
    "45": contractual,
    "1": patient_responsibility,
    "2": patient_responsibility,
    "3": patient_responsibility,
}
BY_CATEGORY: dict[str, Callable[[Case], Diagnosis]] = {
    "bundling": bundling,
    "modifier": modifier,
    "coding": diagnosis_link,
    "medical-necessity": diagnosis_link,
    "missing-information": missing_information,
    "duplicate": duplicate,
    "timely-filing": timely_filing,
    "coordination-of-benefits": coordination,
    "eligibility": eligibility,
    "authorization": authorization,
    "contractual": contractual,
    "patient-responsibility": patient_responsibility,
    "benefit-limit": benefit_limit,
    "non-covered": non_covered,
    "provider-enrollment": provider_enrollment,
    "other": other,
}


def local_rule_findings(case: Case) -> list[Finding]:
    if case.session is None or case.doc is None:
        return []

    return run_rules(case, local_rules(case.session))
