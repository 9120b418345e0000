"""The explainer with the real CARC/RARC knowledge (``reference.adjustment_code``) and an NCCI release
imported from plain-CSV fixtures into a temporary copy of the reference DB."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.denials.schemas import ExplainRequest
from assistant.denials.service import explain
from tests.claims.real_reference import PTP_RELEASE, reference_with_ncci

CLAIM = Path(__file__).resolve().parent.parent / "fixtures" / "claims" / "claim_c1001.json"


@pytest.fixture(scope="module")
def ncci_ref(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    repo, _settings = reference_with_ncci(tmp_path_factory.mktemp("ncci-ref-denials"))
    yield repo
    repo.close()


def _claim(lines: list[dict[str, Any]]) -> dict[str, Any]:
    data = json.loads(CLAIM.read_text())
    data["lines"] = [
        {"date_of_service": "2026-05-04", "modifiers": [], "units": 1, "dx_pointers": [1], **line}
        for line in lines
    ]
    return data


def test_co97_explained_as_bundling_with_the_ncci_pair_and_release(ncci_ref: Any) -> None:
    claim = _claim(
        [
            {"code": "20611", "modifiers": ["RT"], "charge_cents": 30000},
            {"code": "20610", "charge_cents": 22000},
        ]
    )
    exp = explain(
        ExplainRequest(group="CO", carc="97", rarcs=["M15"], claim=claim, line=2, amount_cents=22000),
        reference=ncci_ref,
    )
    carc = ncci_ref.adjustment_code("CARC", "97")
    assert exp.category == "bundling" == carc.category
    assert exp.summary == carc.summary
    assert exp.route == "correct-and-resubmit" and exp.procedure_code == "20610"
    ncci = [e for e in exp.evidence if e.kind == "ncci-ptp"]
    assert len(ncci) == 1
    assert "20610 is column 2 of 20611" in ncci[0].detail and "modifier indicator 1" in ncci[0].detail
    assert ncci[0].source == f"NCCI PTP practitioner, release {PTP_RELEASE}"
    assert exp.actions == [{"op": "add-modifier", "line": 2, "modifier": "XS"}]
    assert any(e.kind == "group" and e.source == "CAS group codes" for e in exp.evidence)
    assert not [u for u in exp.unknowns if "RARC M15" in u]  # M15 is in the real RARC list


def test_co97_without_ncci_release_says_so(reference: Any) -> None:
    claim = _claim([{"code": "20611", "charge_cents": 30000}, {"code": "20610", "charge_cents": 22000}])
    exp = explain(ExplainRequest(group="CO", carc="97", claim=claim, line=2), reference=reference)
    assert exp.category == "bundling"
    assert not [e for e in exp.evidence if e.kind == "ncci-ptp"]
    assert any("NCCI PTP not available" in u for u in exp.unknowns)


@pytest.mark.parametrize(
    ("group", "carc", "category"),
    [("CO", "16", "missing-information"), ("PR", "1", "patient-responsibility"), ("CO", "45", "contractual")],
)
def test_real_carc_categories(reference: Any, group: str, carc: str, category: str) -> None:
    exp = explain(ExplainRequest(group=group, carc=carc), reference=reference)
    assert exp.category == category
    assert exp.summary == reference.adjustment_code("CARC", carc).summary
    assert not [u for u in exp.unknowns if f"CARC {carc} is not in the loaded" in u]
