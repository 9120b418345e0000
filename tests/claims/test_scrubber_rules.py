"""Every scrubber rule, with a passing and a failing case (FakeReference + NCCI CSV fixtures)."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from assistant.claims.scrubber import DEFAULT_RULES, DuplicateHit, FunctionRule, rule_ids, scrub
from assistant.claims.scrubber.base import error
from tests.claims.conftest import ctx_for, make


def run(data, reference, rule_id, **ctx_kw):
    rules = [r for r in DEFAULT_RULES if r.id == rule_id]
    assert rules, rule_id
    claim = make(data) if isinstance(data, dict) else data
    return scrub(claim, reference, rules=rules, context=ctx_for(reference, **ctx_kw)).findings


def errors(findings):
    return [f for f in findings if f.severity == "error"]


def test_rule_ids_are_unique_and_stable():
    ids = rule_ids()
    assert len(ids) == len(set(ids))
    for expected in [
        "ncci-ptp",
        "ncci-mue",
        "icd10cm-valid",
        "npi-check-digit",
        "em-modifier-25",
        "telehealth",
    ]:
        assert expected in ids


def test_clean_claim_has_no_errors(clean_data, ref_ncci):
    report = scrub(make(clean_data), ref_ncci, context=ctx_for(ref_ncci))
    assert report.clean, [f.message for f in report.errors]


# --- codes
def test_icd_outside_release_window_is_clear_error(example_data, ref):
    found = errors(run(example_data, ref, "icd10cm-valid"))
    assert len(found) == 1
    assert "cannot be checked for the date of service 2026-03-02" in found[0].message
    assert "no ICD-10-CM release covers 2026-03-02" in found[0].message
    assert "2026-04-01" in found[0].fix


def test_icd_unknown_and_header_codes(clean_data, ref):
    assert not run(clean_data, ref, "icd10cm-valid")
    clean_data["diagnoses"] = ["E11.69", "E11"]
    found = errors(run(clean_data, ref, "icd10cm-valid"))
    assert "E11.69 does not exist" in found[0].message
    assert "did you mean" in found[0].fix
    assert "E11 is a category header" in found[1].message
    assert "E11.6" in found[1].fix or "E11.9" in found[1].fix


def test_cpt_without_licensed_file_warns(clean_data, ref):
    found = run(clean_data, ref, "procedure-code-valid")
    assert [f.severity for f in found] == ["warning", "warning"]
    assert "can't be confirmed" in found[0].message


def test_cpt_with_licensed_file_checks_validity(clean_data):
    from tests.claims.fakes import FakeReference

    licensed = FakeReference(cpt_loaded=True)
    assert not run(clean_data, licensed, "procedure-code-valid")
    clean_data["lines"][1]["code"] = "20999"
    found = errors(run(clean_data, licensed, "procedure-code-valid"))
    assert found and found[0].line == 2


def test_hcpcs_stale_file_warnings_and_malformed_code(clean_data, ref):
    clean_data["lines"][1]["code"] = "J1100"
    found = run(clean_data, ref, "procedure-code-valid")
    hcpcs = [f for f in found if f.line == 2]
    assert hcpcs[0].severity == "warning" and "stale" in hcpcs[0].message
    clean_data["lines"][1]["code"] = "J9998"
    assert (
        "not in the loaded HCPCS file"
        in [f for f in run(clean_data, ref, "procedure-code-valid") if f.line == 2][0].message
    )
    clean_data["lines"][1]["code"] = "ZZ123"
    assert errors(run(clean_data, ref, "procedure-code-valid"))[0].line == 2


def test_pos_and_modifiers(clean_data, ref):
    assert not run(clean_data, ref, "modifier-pos-valid")
    clean_data["place_of_service"] = "98"
    clean_data["lines"][1]["modifiers"] = ["RT", "RT", "Q9"]
    found = run(clean_data, ref, "modifier-pos-valid")
    assert {f.field for f in errors(found)} == {"place_of_service", "lines[1].modifiers[1]"}
    assert any(f.severity == "warning" and "Q9" in f.message for f in found)


# --- identifiers, addresses, required fields, dates
def test_npi_check_digit(clean_data, ref):
    assert not run(clean_data, ref, "npi-check-digit")
    clean_data["rendering_provider"]["npi"] = "1245319598"
    found = errors(run(clean_data, ref, "npi-check-digit"))
    assert found[0].field == "rendering_provider.npi"


def test_billing_zip4(clean_data, ref):
    assert not run(clean_data, ref, "billing-zip4")
    clean_data["billing_provider"]["address"]["zip"] = "62701"
    assert errors(run(clean_data, ref, "billing-zip4"))[0].field == "billing_provider.address.zip"


def test_required_fields(clean_data, ref):
    assert not run(clean_data, ref, "required-fields")
    clean_data["subscriber"].pop("address")
    clean_data["billing_provider"]["address"]["line1"] = "PO Box 12"
    fields = {f.field for f in errors(run(clean_data, ref, "required-fields"))}
    assert fields == {"subscriber.address", "billing_provider.address.line1"}


def test_dates(clean_data, ref):
    assert not run(clean_data, ref, "dates")
    clean_data["lines"][0]["date_of_service"] = "2026-07-01"
    clean_data["lines"][1]["date_of_service"] = "1960-01-01"
    found = errors(run(clean_data, ref, "dates"))
    assert [f.line for f in found] == [1, 2]
    assert "in the future" in found[0].message and "before the patient's birth" in found[1].message


def test_timely_filing(clean_data, ref):
    assert not run(clean_data, ref, "timely-filing")
    clean_data["payer"]["timely_filing_days"] = 90
    assert run(clean_data, ref, "timely-filing", today=date(2026, 7, 20))[0].severity == "warning"
    found = run(clean_data, ref, "timely-filing", today=date(2026, 9, 1))
    assert found[0].severity == "error" and "90-day" in found[0].message


def test_timely_filing_uses_settings_default(clean_data, ref):
    found = run(clean_data, ref, "timely-filing", default_timely_filing_days=20)
    assert errors(found)


# --- structure
def test_dx_pointers(clean_data, ref):
    assert not run(clean_data, ref, "dx-pointers")
    clean_data["lines"][1]["dx_pointers"] = [3, 3]
    found = errors(run(clean_data, ref, "dx-pointers"))
    assert "points past the claim's 2 diagnoses" in found[0].message
    assert "repeated" in found[1].message
    clean_data["lines"][0]["dx_pointers"] = [1]
    assert any(f.severity == "warning" and "M17.11" in f.message for f in run(clean_data, ref, "dx-pointers"))


def test_duplicate_line(clean_data, ref):
    assert not run(clean_data, ref, "duplicate-line")
    clean_data["lines"].append(copy.deepcopy(clean_data["lines"][1]))
    found = errors(run(clean_data, ref, "duplicate-line"))
    assert found[0].line == 3 and "duplicates line 2" in found[0].message


def test_duplicate_claim_uses_lookup(clean_data, ref):
    assert not run(clean_data, ref, "duplicate-claim", find_duplicates=lambda c: [])
    hit = DuplicateHit(line=2, other_claim_id="C-0999", other_line=1, other_status="paid")
    found = errors(run(clean_data, ref, "duplicate-claim", find_duplicates=lambda c: [hit]))
    assert "already on claim C-0999" in found[0].message and found[0].line == 2


def test_a_secondary_claim_repeats_its_primary_without_being_a_duplicate(clean_data, ref):
    clean_data["prior_payer"] = {
        "payer": {"payer_id": "87726", "name": "Acme Health Plan"},
        "subscriber": {"first_name": "Ann", "last_name": "Lee", "member_id": "A-1"},
        "claim_id": "C-0999",
        "paid_cents": 12000,
        "adjudication_date": "2026-04-20",
    }
    primary = DuplicateHit(line=2, other_claim_id="C-0999", other_line=1, other_status="paid")
    assert not run(clean_data, ref, "duplicate-claim", find_duplicates=lambda c: [primary])
    other = DuplicateHit(line=2, other_claim_id="C-0500", other_line=1, other_status="paid")
    found = errors(run(clean_data, ref, "duplicate-claim", find_duplicates=lambda c: [primary, other]))
    assert [f.message.split(" is already on claim ")[1][:6] for f in found] == ["C-0500"]


def test_balancing(clean_data, ref):
    clean_data["total_charge_cents"] = 40500
    assert not run(clean_data, ref, "balancing")
    clean_data["total_charge_cents"] = 40000
    assert "does not equal" in errors(run(clean_data, ref, "balancing"))[0].message


# --- diagnoses
def test_excludes1(clean_data, ref):
    assert not run(clean_data, ref, "excludes1")
    clean_data["diagnoses"] = ["E11.65", "E10.9"]
    found = errors(run(clean_data, ref, "excludes1"))
    assert "Excludes1" in found[0].message and "E10.9" in found[0].message


@pytest.mark.parametrize(
    ("code", "sex", "dob", "fragment"),
    [
        ("N40.0", "F", "1961-04-12", "male patients only"),
        ("O09.90", "M", "1990-01-01", "female patients only"),
        ("O09.90", "F", "1950-01-01", "aged 9-64"),
        ("P07.30", "M", "1961-04-12", "newborns"),
    ],
)
def test_mce_age_sex_conflicts(clean_data, ref, code, sex, dob, fragment):
    clean_data["diagnoses"] = ["E11.65", code]
    clean_data["subscriber"].update(sex=sex, dob=dob)
    found = [f for f in errors(run(clean_data, ref, "mce-age-sex")) if fragment in f.message]
    assert found and "Medicare Code Editor v44" in found[0].message


def test_mce_passes_when_consistent(clean_data, ref):
    clean_data["diagnoses"] = ["E11.65", "N40.0"]
    assert not run(clean_data, ref, "mce-age-sex")


# --- NCCI
def test_ncci_without_release_warns_not_passes(clean_data, ref):
    ptp = run(clean_data, ref, "ncci-ptp")
    mue = run(clean_data, ref, "ncci-mue")
    assert ptp[0].severity == "warning" and ptp[0].message == (
        "no NCCI PTP release imported: bundling not checked; import with `assistant codesets import-ncci`"
    )
    assert mue[0].severity == "warning" and "no NCCI MUE release imported" in mue[0].message


def test_ptp_indicator_1_needs_modifier(clean_data, ref_ncci):
    # 20611 (column 1) and 20610 (column 2), indicator 1
    clean_data["lines"][0].update(code="20611", modifiers=["RT"])
    clean_data["lines"][1]["modifiers"] = ["RT"]
    found = errors(run(clean_data, ref_ncci, "ncci-ptp"))
    assert found[0].line == 2
    assert found[0].message.startswith(
        "Line 2: 20610 is bundled into 20611 (line 1) (NCCI PTP, modifier indicator 1)"
    )
    assert "add 59 or XS" in found[0].message
    clean_data["lines"][1]["modifiers"] = ["XS"]
    assert not run(clean_data, ref_ncci, "ncci-ptp")
    clean_data["lines"][1]["modifiers"] = ["LT"]  # different anatomic site
    assert not run(clean_data, ref_ncci, "ncci-ptp")


def test_ptp_em_with_25_is_allowed(clean_data, ref_ncci):
    assert not run(clean_data, ref_ncci, "ncci-ptp")  # 20610/99214 indicator 1, 99214 has 25
    clean_data["lines"][0]["modifiers"] = []
    assert errors(run(clean_data, ref_ncci, "ncci-ptp"))[0].line == 1


def test_ptp_indicator_0_never_allowed_and_9_ignored(clean_data, ref_ncci):
    clean_data["lines"][0].update(code="29877", modifiers=[])
    clean_data["lines"][1].update(code="29880", modifiers=["59"])
    found = errors(run(clean_data, ref_ncci, "ncci-ptp"))
    assert found and "modifier indicator 0" in found[0].message and "no modifier allows" in found[0].message
    clean_data["lines"][0].update(code="11042")
    clean_data["lines"][1].update(code="97597", modifiers=[])
    assert not run(clean_data, ref_ncci, "ncci-ptp")


def test_ptp_only_same_date_and_active(clean_data, ref_ncci):
    clean_data["lines"][0].update(code="20611", modifiers=[])
    clean_data["lines"][1].update(date_of_service="2026-05-05", modifiers=[])
    assert not run(clean_data, ref_ncci, "ncci-ptp", today=date(2026, 6, 1))
    clean_data["lines"][0].update(code="36415")  # deleted edit 36415/36416
    clean_data["lines"][1].update(code="36416", date_of_service="2026-05-04")
    assert not run(clean_data, ref_ncci, "ncci-ptp")


def test_mue_per_line_mai_1(clean_data, ref_ncci):
    clean_data["lines"][1].update(code="36415", units=2, modifiers=[])
    assert not errors(run(clean_data, ref_ncci, "ncci-mue"))
    clean_data["lines"][1]["units"] = 3
    found = errors(run(clean_data, ref_ncci, "ncci-mue"))
    assert "MAI 1" in found[0].message and found[0].line == 2


def test_mue_per_day_mai_2_sums_lines(clean_data, ref_ncci):
    extra = copy.deepcopy(clean_data["lines"][1])
    extra["modifiers"] = ["LT"]
    clean_data["lines"].append(extra)  # 20610 RT + LT = 2 units, MUE 2
    assert not errors(run(clean_data, ref_ncci, "ncci-mue"))
    extra2 = copy.deepcopy(extra)
    extra2["modifiers"] = ["59"]
    clean_data["lines"].append(extra2)
    found = errors(run(clean_data, ref_ncci, "ncci-mue"))
    assert "3 units of 20610" in found[0].message and "MAI 2" in found[0].message


# --- services
def test_em_needs_25_with_same_day_procedure(clean_data, ref):
    assert not run(clean_data, ref, "em-modifier-25")
    clean_data["lines"][0]["modifiers"] = []
    found = errors(run(clean_data, ref, "em-modifier-25"))
    assert found[0].line == 1 and "without modifier 25" in found[0].message
    clean_data["lines"][1]["date_of_service"] = "2026-05-03"
    assert not run(clean_data, ref, "em-modifier-25")


@pytest.mark.parametrize(
    ("policy", "pos", "mods", "severity"),
    [
        ("pos_and_95", "10", ["95"], None),
        ("pos_and_95", "10", [], "error"),
        ("pos_and_95", "11", ["95"], "error"),
        ("pos_and_95", "02", ["93"], None),
        ("pos_only", "02", [], None),
        ("pos_only", "02", ["95"], "warning"),
        ("pos_only", "11", ["95"], "error"),
        ("modifier_only", "11", ["95"], None),
        ("modifier_only", "10", ["95"], "warning"),
    ],
)
def test_telehealth_policy(clean_data, ref, policy, pos, mods, severity):
    clean_data["payer"]["telehealth_policy"] = policy
    clean_data["place_of_service"] = pos
    clean_data["lines"] = [dict(clean_data["lines"][0], modifiers=mods)]
    found = run(clean_data, ref, "telehealth")
    assert (found[0].severity if found else None) == severity


# --- extension points
def test_extra_rules_run_and_broken_rules_do_not_crash(clean_data, ref):
    local = FunctionRule(
        "payer-87726-no-20610",
        lambda c, ctx: [
            error("payer-87726-no-20610", "payer denies 20610 without an X-ray", line=2)
            for line in c.lines
            if line.code == "20610" and c.payer.payer_id == "87726"
        ],
    )
    broken = FunctionRule("broken", lambda c, ctx: 1 / 0)
    report = scrub(make(clean_data), ref, extra_rules=[local, broken], context=ctx_for(ref))
    rules = {f.rule for f in report.errors}
    assert {"payer-87726-no-20610", "broken"} <= rules
    assert not report.clean
