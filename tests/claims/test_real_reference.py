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


def test_icd10cm_validity_and_billable_on_real_release(example: dict[str, Any], reference: Any) -> None:
    report = _run(example, reference, diagnoses=["E11", "I10", "E11.999"])
    found = {f.field: f for f in _by(report, "icd10cm-valid")}
    assert "category header" in found["diagnoses[0]"].message
    assert "E11.65" in (found["diagnoses[0]"].fix or "") or "E11.0" in (found["diagnoses[0]"].fix or "")
    assert "does not exist in ICD-10-CM on 2026-05-04" in found["diagnoses[2]"].message
    assert "diagnoses[1]" not in found
    # before the loaded release: no ICD-10-CM release covers the date, and the fix lists what is loaded
    old = copy.deepcopy(example)
    for line in old["lines"]:
        line["date_of_service"] = "2026-03-02"
    stale = _by(_run(old, reference), "icd10cm-valid")
    assert stale and "No ICD-10-CM release covers the date of service 2026-03-02" in stale[0].message
    assert "2026-04-01 (2026-04-01..2026-09-30)" in (stale[0].fix or "")


def test_real_excludes1_pair_is_caught(example: dict[str, Any], reference: Any) -> None:
    report = _run(example, reference, diagnoses=["E10.9", "E11.65"])
    pairs = {(f.message.split()[0], f.message.split()[2]) for f in _by(report, "excludes1")}
    assert pairs == {("E10.9", "E11.65"), ("E11.65", "E10.9")}
    assert any("type 2 diabetes mellitus (E11.-)" in f.message for f in _by(report, "excludes1"))
    assert not report.clean


def test_mce_sex_and_age_conflicts_on_real_codes(example: dict[str, Any], reference: Any) -> None:
    report = _run(example, reference, diagnoses=["O80", "I10"])  # maternity code, male subscriber aged 65
    mce = _by(report, "mce-age-sex")
    assert [f.field for f in mce] == ["diagnoses[0]", "diagnoses[0]"]
    assert any("female patients only" in f.message and "sex is M" in f.message for f in mce)
    assert any("patients aged 9-64" in f.message and "patient is 65" in f.message for f in mce)
    assert all("FY2020: stale" in f.message for f in mce)
    female = copy.deepcopy(example)
    female["subscriber"]["sex"] = "F"
    female["subscriber"]["dob"] = "1990-01-01"
    assert _by(_run(female, reference, diagnoses=["O80", "I10"]), "mce-age-sex") == []
    prostate = _by(_run(female, reference, diagnoses=["N40.0"]), "mce-age-sex")
    assert len(prostate) == 1 and "male patients only" in prostate[0].message


def test_hcpcs_against_stale_2020_file(example: dict[str, Any], reference: Any) -> None:
    line = {
        "date_of_service": DOS,
        "code": "J1100",
        "modifiers": [],
        "units": 4,
        "charge_cents": 1200,
        "dx_pointers": [1],
    }
    newer = dict(line, code="G2211", units=1)  # created after the loaded 2020-Q4 HCPCS file
    report = _run(example, reference, lines=[*example["lines"], line, newer])
    found = {f.line: f for f in _by(report, "procedure-code-valid")}
    assert found[3].severity == "warning" and "stale HCPCS file (2020-Q4)" in found[3].message
    assert (
        found[4].severity == "warning" and "not in the loaded HCPCS file (2020-Q4, stale)" in found[4].message
    )
    assert report.clean  # stale data warns, never blocks


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
