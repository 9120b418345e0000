"""The shipped CMS releases load with the expected counts, and the CMS lookups read them correctly."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest

from assistant.codesets.models import CARC, CPT_MODIFIER, GROUP, HCPCS, HCPCS_MODIFIER, MCE, POS, RARC
from assistant.codesets.repository import CodeSetRepository
from assistant.config import PROJECT_ROOT
from tests.codesets.cms_support import build, cms_settings


@pytest.fixture(scope="module")
def cms_repo(tmp_path_factory):  # type: ignore[no-untyped-def]
    settings = cms_settings(tmp_path_factory.mktemp("cms"))
    started = time.perf_counter()
    build(settings)
    print(f"CMS loaders + FTS: {time.perf_counter() - started:.2f} s")
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    yield repo
    repo.close()


def _release(repo: CodeSetRepository, system: str):  # type: ignore[no-untyped-def]
    (info,) = repo.releases(system)
    return info


def test_hcpcs_release_counts_dates_and_staleness(cms_repo: CodeSetRepository) -> None:
    info = _release(cms_repo, HCPCS)
    # CMS January 2026 file: 8,623 procedure codes (RECID 3, continuation records joined), 383 modifiers.
    assert (info.release, info.row_count, info.stale) == ("2026-Q1", 8623, False)
    assert info.effective_from == date(2026, 1, 1) and info.effective_to is None
    assert info.counts["terminated"] == 1300
    mods = _release(cms_repo, HCPCS_MODIFIER)
    assert (mods.row_count, mods.stale, mods.counts["terminated"]) == (383, False, 20)


def test_hcpcs_code_has_descriptions_dates_and_coverage(cms_repo: CodeSetRepository) -> None:
    e0100 = cms_repo.get_code("E0100", system=HCPCS)
    assert e0100.title.startswith("Cane, includes canes of all materials")
    assert e0100.billable and e0100.kind == "code"
    assert e0100.extra["short_description"] == "Cane adjust/fixed with tip"
    assert e0100.extra["coverage"] in {"C", "D", "I", "M", "S"}
    g0503 = cms_repo.get_code("G0503", system=HCPCS)
    assert g0503.title.endswith("prepared for discharge from active treatment")  # continuation record joined


def test_terminated_hcpcs_code_keeps_its_termination_date(cms_repo: CodeSetRepository) -> None:
    from assistant.codesets.loaders.hcpcs import read_records

    path = PROJECT_ROOT / "codesets" / "hcpcs" / "2026-01" / "january-2026-alpha-numeric-hcpcs-file.zip"
    terminated = next(r for r in read_records(path) if not r.is_modifier and r.fields.get("TERMDT"))
    info = cms_repo.get_code(terminated.code, system=HCPCS)
    raw = terminated.fields["TERMDT"]
    assert info.extra["termination_date"] == f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"


def test_modifiers_hcpcs_and_cpt(cms_repo: CodeSetRepository) -> None:
    xs = cms_repo.modifier("XS")
    assert xs is not None and xs.system == HCPCS_MODIFIER and "separate structure" in xs.title.lower()
    m25 = cms_repo.modifier("25")
    assert m25 is not None and m25.system == CPT_MODIFIER and "evaluation and management" in m25.title
    assert _release(cms_repo, CPT_MODIFIER).license.startswith("Descriptions written by this project")
    assert cms_repo.modifier("ZZ") is None and cms_repo.modifier("25X") is None


def test_place_of_service(cms_repo: CodeSetRepository) -> None:
    assert _release(cms_repo, POS).row_count == 52
    assert cms_repo.is_valid_pos("11") and cms_repo.is_valid_pos("02") and cms_repo.is_valid_pos("2")
    assert not cms_repo.is_valid_pos("28") and not cms_repo.is_valid_pos("XX")


def test_mce_edits_with_and_without_dot(cms_repo: CodeSetRepository) -> None:
    info = _release(cms_repo, MCE)
    assert (info.release, info.row_count, info.stale) == ("v44", 85122, False)
    edits = cms_repo.mce_edits("D63.0")
    assert [e.edit_type for e in edits] == ["Principal_Manifestation"]
    assert edits[0].code == "D63.0" and not edits[0].stale and edits[0].release == "v44"
    assert cms_repo.mce_edits("D630") == edits
    newborn = {e.edit_type: e for e in cms_repo.mce_edits("A33")}["Newborn_Only"]
    assert (newborn.min_age, newborn.max_age) == (0, 0)


def test_mce_edits_follow_the_date_of_service(cms_repo: CodeSetRepository) -> None:
    """Sex edits ended with FY2024 (CMS dropped them in MCE v42); maternity ages changed on 2019-10-01."""
    before = {e.edit_type: e for e in cms_repo.mce_edits("O80", on=date(2019, 5, 1))}
    assert set(before) == {"Female_Only", "Maternity_Only"}
    assert (before["Maternity_Only"].min_age, before["Maternity_Only"].max_age) == (12, 55)
    now = cms_repo.mce_edits("O80", on=date(2026, 11, 20))
    assert [(e.edit_type, e.min_age, e.max_age) for e in now] == [("Maternity_Only", 9, 64)]
    assert cms_repo.mce_age_range("Adult_Only", date(2026, 11, 20)) == (15, 124)
    assert cms_repo.mce_age_range("Pediatric_Only") == (0, 17)
    assert cms_repo.mce_edits("D69.11", on=date(2026, 9, 30)) == []  # not a code yet
    assert cms_repo.code_validity("D69.11") == [(date(2026, 10, 1), None)]
    assert cms_repo.code_validity("D691") == [(date(2015, 10, 1), date(2026, 9, 30))]


def test_mce_edits_many_answers_as_one_code_at_a_time(cms_repo: CodeSetRepository) -> None:
    codes = ["O80", "D63.0", "A33", "I10", "D69.11"]
    day = date(2026, 11, 20)
    many = cms_repo.mce_edits_many(codes, on=day)
    assert {"O80", "D630", "A33"} <= set(many) <= {c.replace(".", "") for c in codes}
    for code in codes:
        assert many.get(code.replace(".", ""), []) == cms_repo.mce_edits(code, on=day)
    assert cms_repo.mce_edits_many([], on=day) == {}


def test_adjustment_codes_lookup_and_unknown(cms_repo: CodeSetRepository) -> None:
    co45 = cms_repo.adjustment_code(CARC, "45")
    assert co45 is not None and co45.category == "contractual" and co45.route == "write-off" and co45.fix
    assert cms_repo.adjustment_code(CARC, "197").route == "obtain-authorization"  # type: ignore[union-attr]
    n290 = cms_repo.adjustment_code(RARC, "N290")
    assert n290 is not None and "rendering_provider.npi" in n290.fields
    assert cms_repo.adjustment_code(GROUP, "PR").summary.startswith("Amount")  # type: ignore[union-attr]
    assert cms_repo.adjustment_code(CARC, "999") is None
    assert cms_repo.adjustment_code(RARC, "N276") is None  # not written: stays unknown, never guessed


def test_every_carc_has_allowed_category_route_and_fix(cms_repo: CodeSetRepository) -> None:
    from assistant.codesets.loaders.adjustments import CATEGORIES, ROUTES

    carcs = cms_repo.adjustment_codes(CARC)
    assert len(carcs) >= 120
    for c in carcs:
        assert c.category in CATEGORIES and c.route in ROUTES, c.code
        assert 1 <= len(c.fix) <= 3 and c.summary, c.code
    rarcs = cms_repo.adjustment_codes(RARC)
    assert len(rarcs) >= 80
    assert {g.code for g in cms_repo.adjustment_codes(GROUP)} == {"CO", "PR", "OA", "PI", "CR"}


def test_rarc_fields_use_claim_import_names() -> None:
    schema = json.loads((PROJECT_ROOT / "docs" / "claim-import.schema.json").read_text())
    text = json.dumps(schema)
    allowed_extra = {"referring_provider.npi"}  # named by the brief; claim import may add it
    data = json.loads((PROJECT_ROOT / "codesets/adjustment-codes/2026-11-rarc/rarc.json").read_text())
    for item in data:
        for f in item["fields"]:
            leaf = f.split(".")[-1].replace("[]", "")
            assert f in allowed_extra or f'"{leaf}"' in text, (item["code"], f)


def test_adjustment_system_must_be_known(cms_repo: CodeSetRepository) -> None:
    from assistant.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        cms_repo.adjustment_code("FOO", "1")


def test_ncci_not_ready_without_import(cms_repo: CodeSetRepository) -> None:
    from assistant.core.errors import NotReady

    with pytest.raises(NotReady, match="import-ncci"):
        cms_repo.ptp_edits(["20611", "20610"], on=date(2026, 2, 1))
    with pytest.raises(NotReady, match="--kind mue"):
        cms_repo.mue("20610")
