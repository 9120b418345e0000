"""The scrubber against the real reference data (``reference`` fixture), not the test double.

NCCI edits are never shipped: they are imported from small plain-CSV fixtures into a temporary copy of the
reference DB (see ``tests/claims/real_reference.py``)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.claims.schemas import Finding, ScrubReport
from assistant.claims.scrubber import scrub
from tests.claims.conftest import ctx_for, make
from tests.claims.real_reference import MUE_RELEASE, PTP_RELEASE, reference_with_ncci
from tests.conftest import reference_db

DOS = "2026-05-04"  # inside the ICD-10-CM 2026-04-01 release (2026-04-01..2026-09-30)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def ncci_ref(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    shared = reference_db()
    before = (shared.stat().st_mtime_ns, shared.stat().st_size)
    repo, _settings = reference_with_ncci(tmp_path_factory.mktemp("ncci-ref"))
    yield repo
    repo.close()
    assert (shared.stat().st_mtime_ns, shared.stat().st_size) == before  # the session build was not touched


@pytest.fixture
def example(example_data: dict[str, Any]) -> dict[str, Any]:
    """The example claim C-1001 moved to a date of service the loaded ICD-10-CM release covers."""
    data = copy.deepcopy(example_data)
    for line in data["lines"]:
        line["date_of_service"] = DOS
    return data


def _run(data: dict[str, Any], reference: Any, **changes: Any) -> ScrubReport:
    return scrub(make(data, **changes), reference, context=ctx_for(reference))


def _by(report: ScrubReport, rule_id: str) -> list[Finding]:
    return [f for f in report.findings if f.rule == rule_id]


def _errors(report: ScrubReport) -> list[tuple[str, int | None]]:
    return [(f.rule, f.line) for f in report.findings if f.severity == "error"]


def test_example_claim_scrubs_clean_on_real_codes(example: dict[str, Any], reference: Any) -> None:
    report = _run(example, reference)
    assert report.clean, _errors(report)
    assert _by(report, "icd10cm-valid") == [] and _by(report, "excludes1") == []
    assert _by(report, "mce-age-sex") == []  # E11.65 and I10 carry no age/sex edit for a 65-year-old male
    cpt = _by(report, "procedure-code-valid")
    assert {f.line for f in cpt} == {1, 2} and all("no licensed CPT file" in f.message for f in cpt)
    ptp = _by(report, "ncci-ptp")
    assert len(ptp) == 1 and ptp[0].severity == "warning" and "no NCCI PTP release imported" in ptp[0].message


def _on(data: dict[str, Any], dos: str) -> dict[str, Any]:
    moved = copy.deepcopy(data)
    for line in moved["lines"]:
        line["date_of_service"] = dos
    return moved


def test_icd10cm_validity_and_billable_on_real_release(example: dict[str, Any], reference: Any) -> None:
    report = _run(example, reference, diagnoses=["E11", "I10", "E11.999"])
    found = {f.field: f for f in _by(report, "icd10cm-valid")}
    assert "category header" in found["diagnoses[0]"].message
    assert "E11.65" in (found["diagnoses[0]"].fix or "") or "E11.0" in (found["diagnoses[0]"].fix or "")
    assert "E11.999 does not exist in ICD-10-CM on 2026-05-04" in found["diagnoses[2]"].message
    assert "diagnoses[1]" not in found


@pytest.mark.parametrize(("dos", "today"), [("2026-03-02", "2026-05-04"), ("2026-11-20", "2026-11-30")])
def test_example_claim_scrubs_clean_on_any_icd10_date(
    example: dict[str, Any], clean_data: dict[str, Any], reference: Any, dos: str, today: str
) -> None:
    """Both example claims, before the April-2026 release (MCE validity dates) and in FY2027 (derived)."""
    for data in (example, clean_data):
        claim = make(_on(data, dos))
        report = scrub(claim, reference, context=ctx_for(reference, today=date.fromisoformat(today)))
        assert report.clean, (data["claim_id"], _errors(report))
        assert _by(report, "icd10cm-valid") == [] and _by(report, "mce-age-sex") == []
    years_back = scrub(make(_on(example, "2018-06-01")), reference, context=ctx_for(reference))
    assert _by(years_back, "icd10cm-valid") == []


def test_dates_outside_icd10cm_are_explained(example: dict[str, Any], reference: Any) -> None:
    icd9 = _by(_run(_on(example, "2014-05-01"), reference), "icd10cm-valid")
    assert len(icd9) == 1 and "before ICD-10-CM" in icd9[0].message and "ICD-9-CM" in icd9[0].message
    future = _by(_run(_on(example, "2027-11-01"), reference), "icd10cm-valid")
    assert len(future) == 1 and "needs the FY2028 release" in future[0].message
    assert "2027 (2026-10-01..2027-09-30)" in (future[0].fix or "")


def test_fy2027_codes_by_date_of_service(example: dict[str, Any], reference: Any) -> None:
    before = _by(_run(_on(example, "2026-09-30"), reference, diagnoses=["D69.11", "D69.1"]), "icd10cm-valid")
    assert [f.field for f in before] == ["diagnoses[0]"]  # D69.1 is billable on 2026-09-30
    assert "D69.11 was not valid on 2026-09-30" in before[0].message
    assert "valid from 2026-10-01" in before[0].message
    after = _by(_run(_on(example, "2026-11-20"), reference, diagnoses=["D69.11", "D69.1"]), "icd10cm-valid")
    assert [f.field for f in after] == ["diagnoses[1]"]  # D69.11 accepted, D69.1 now a header
    assert "D69.1 is a category header" in after[0].message and "release 2027" in after[0].message
    assert "did you mean D69.11 / D69.19?" in (after[0].fix or "")
    assert reference.is_billable("D69.1", on=date(2026, 3, 2))  # MCE validity before April 2026
    assert not reference.is_valid("D69.11", on=date(2026, 3, 2))
    assert reference.get_code("I42.0", on=date(2026, 11, 20)).children[0].code == "I42.00"


def test_real_excludes1_pair_is_caught(example: dict[str, Any], reference: Any) -> None:
    report = _run(example, reference, diagnoses=["E10.9", "E11.65"])
    pairs = {(f.message.split()[0], f.message.split()[2]) for f in _by(report, "excludes1")}
    assert pairs == {("E10.9", "E11.65"), ("E11.65", "E10.9")}
    assert any("type 2 diabetes mellitus (E11.-)" in f.message for f in _by(report, "excludes1"))
    assert not report.clean


def test_mce_sex_and_age_conflicts_on_real_codes(example: dict[str, Any], reference: Any) -> None:
    report = _run(example, reference, diagnoses=["O80", "I10"])  # maternity code, male subscriber aged 65
    mce = _by(report, "mce-age-sex")
    assert [f.field for f in mce] == ["diagnoses[0]"]  # CMS dropped the sex edits from FY2025 (v42) on
    assert "patients aged 9-64" in mce[0].message and "patient is 65" in mce[0].message
    assert "Medicare Code Editor v44" in mce[0].message
    old = _by(_run(_on(example, "2024-03-01"), reference, diagnoses=["O80", "I10"]), "mce-age-sex")
    assert len(old) == 1 and "female patients only" in old[0].message and "sex is M" in old[0].message
    female = copy.deepcopy(example)
    female["subscriber"]["sex"] = "F"
    female["subscriber"]["dob"] = "1990-01-01"
    assert _by(_run(female, reference, diagnoses=["O80", "I10"]), "mce-age-sex") == []
    assert _by(_run(female, reference, diagnoses=["N40.0"]), "mce-age-sex") == []
    prostate = _by(_run(_on(female, "2024-03-01"), reference, diagnoses=["N40.0"]), "mce-age-sex")
    assert len(prostate) == 1 and "male patients only" in prostate[0].message


def test_hcpcs_january_2026_file_with_code_dates(example: dict[str, Any], reference: Any) -> None:
    line = {
        "date_of_service": DOS,
        "code": "J1100",
        "modifiers": [],
        "units": 4,
        "charge_cents": 1200,
        "dx_pointers": [1],
    }
    newest = dict(line, code="G9871", units=1)  # added 2026-01-01
    unknown = dict(line, code="G0999", units=1)  # in no file: may be a later quarter's code
    report = _run(example, reference, lines=[*example["lines"], line, newest, unknown])
    found = {f.line: f for f in _by(report, "procedure-code-valid")}
    assert found[3].severity == "warning" and "HCPCS file 2026-Q1 (older than the quarter of 2026-05-04)" in (
        found[3].message
    )
    assert 5 in found and "not in the loaded HCPCS file (2026-Q1" in found[5].message
    assert report.clean  # a file older than the quarter warns, never blocks
    early = _run(_on(example, "2026-03-02"), reference, lines=[dict(newest, date_of_service="2025-12-15")])
    added = _by(early, "procedure-code-valid")
    assert added and added[0].severity == "error" and "G9871 was added on 2026-01-01" in added[0].message
    in_quarter = _run(
        _on(example, "2026-03-02"), reference, lines=[dict(newest, date_of_service="2026-03-02")]
    )
    assert not [f for f in _by(in_quarter, "procedure-code-valid") if "G9871" in f.message]


def test_ncci_ptp_and_mue_from_imported_release(example: dict[str, Any], ncci_ref: Any) -> None:
    assert ncci_ref.release_for("NCCI-PTP", date(2026, 5, 4)).release == PTP_RELEASE
    # 20610 (col 1) + 99214 (col 2), indicator 1: 25 on the E/M bypasses the edit
    report = _run(example, ncci_ref)
    assert _by(report, "ncci-ptp") == [] and _by(report, "ncci-mue") == [] and report.clean
    without_25 = copy.deepcopy(example)
    without_25["lines"][0]["modifiers"] = []
    ptp = _by(_run(without_25, ncci_ref), "ncci-ptp")
    assert [(f.severity, f.line) for f in ptp] == [("error", 1)]
    assert "99214 is bundled into 20610 (line 2)" in ptp[0].message and "indicator 1" in ptp[0].message

    lines = [
        {
            "date_of_service": DOS,
            "code": "29877",
            "modifiers": [],
            "units": 1,
            "charge_cents": 90000,
            "dx_pointers": [1],
        },
        {
            "date_of_service": DOS,
            "code": "29880",
            "modifiers": ["59"],
            "units": 1,
            "charge_cents": 120000,
            "dx_pointers": [1],
        },
        {
            "date_of_service": DOS,
            "code": "20610",
            "modifiers": [],
            "units": 3,
            "charge_cents": 22000,
            "dx_pointers": [1],
        },
    ]
    report = _run(example, ncci_ref, lines=lines)
    ptp = _by(report, "ncci-ptp")
    assert len(ptp) == 1 and ptp[0].line == 2  # indicator 0: even 59 does not bypass it
    assert "no modifier allows both" in ptp[0].message
    mue = _by(report, "ncci-mue")
    assert (
        len(mue) == 1 and "3 units of 20610" in mue[0].message and "MUE of 2 per day (MAI 2" in mue[0].message
    )

    before = copy.deepcopy(example)  # before the imported quarter: said so, not silently passed
    for line in before["lines"]:
        line["date_of_service"] = "2026-03-02"
    report = _run(before, ncci_ref)
    assert any("no NCCI PTP release covers 2026-03-02" in f.message for f in _by(report, "ncci-ptp"))
    assert any("no NCCI MUE release covers 2026-03-02" in f.message for f in _by(report, "ncci-mue"))
    assert ncci_ref.mue("J1100", on=date(2026, 5, 4)).release == MUE_RELEASE
