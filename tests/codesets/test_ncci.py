"""NCCI PTP/MUE parsing (CMS layout with copyright lines and plain CSV), date semantics and bad rows."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from assistant.codesets.loaders import ncci
from assistant.codesets.loaders.cms_import import import_ncci
from assistant.codesets.repository import CodeSetRepository
from assistant.core.errors import InvalidInput, NoReleaseForDate
from tests.codesets.cms_support import FIXTURES, build, cms_settings

NCCI = FIXTURES / "ncci"


def test_cms_layout_and_plain_csv_give_the_same_edits() -> None:
    cms = ncci.parse_ptp(NCCI / "ptp_practitioner_cms_layout_v321r0.txt")
    plain = ncci.parse_ptp(NCCI / "ptp_plain.csv")
    strip = [{k: v for k, v in r.items() if k != "rationale"} for r in cms]
    assert strip[:5] == [{k: v for k, v in r.items() if k != "rationale"} for r in plain]
    first = cms[0]
    assert (first["column1"], first["column2"], first["modifier_indicator"]) == ("20611", "20610", "1")
    assert first["effective_date"] == date(2016, 1, 1) and first["deletion_date"] is None
    assert first["rationale"] == "Standards of medical / surgical practice"
    assert len(cms) == 6  # copyright lines and blank line skipped


def test_mue_cms_layout_reads_the_indicator_digit() -> None:
    rows = {r["code"]: r for r in ncci.parse_mue(NCCI / "mue_practitioner_cms_layout_2026-01-01.csv")}
    assert rows["20610"]["mue_value"] == 2 and rows["20610"]["mai"] == "2"
    assert rows["97110"]["mai"] == "1" and rows["J1100"]["mue_value"] == 120
    plain = {r["code"]: r for r in ncci.parse_mue(NCCI / "mue_plain.csv")}
    assert plain["36415"] == {**rows["36415"]}


def test_zip_and_xlsx_inputs(tmp_path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CPT only copyright 2025 American Medical Association. All rights reserved."])
    ws.append([])
    ws.append(
        [
            "Column 1",
            "Column 2",
            "* = In existence prior to 1996",
            "Effective Date",
            "Deletion Date *=no data",
            "Modifier 0=not allowed 1=allowed 9=not applicable",
            "PTP Edit Rationale",
        ]
    )
    ws.append(["20611", "20610", None, 20160101, "*", 1, "Standards of medical / surgical practice"])
    xlsx = tmp_path / "ccipra-v321r0-f1.xlsx"
    wb.save(xlsx)
    rows = ncci.parse_ptp(xlsx)
    assert rows[0]["modifier_indicator"] == "1" and rows[0]["effective_date"] == date(2016, 1, 1)
    archive = tmp_path / "ccipra-v321r0-f1.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(xlsx, xlsx.name)
        z.writestr("README.txt", "not a table")
    assert ncci.parse_ptp(archive) == rows


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("ptp_bad_row.csv", "ptp", r"line 3, column 'effective_date'"),
        ("ptp_bad_indicator.csv", "ptp", r"line 3, column 'modifier_indicator'"),
        ("mue_bad_value.csv", "mue", r"line 3, column 'mue_value'"),
    ],
)
def test_bad_rows_name_line_and_column(name: str, kind: str, message: str) -> None:
    parse = ncci.parse_ptp if kind == "ptp" else ncci.parse_mue
    with pytest.raises(InvalidInput, match=message) as info:
        parse(NCCI / name)
    assert info.value.field in {"effective_date", "modifier_indicator", "mue_value"}


def test_missing_header_is_explained(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(InvalidInput, match="no PTP header row"):
        ncci.parse_ptp(bad)


def test_release_label_derivation() -> None:
    assert ncci.derive_release(Path("ccipra-v321r0-f1.xlsx"), None) == ("v32.1r0", date(2026, 4, 1))
    assert ncci.derive_release(Path("MUE_Eff_2026-01-01.csv"), None) == ("2026-01-01", date(2026, 1, 1))
    assert ncci.derive_release(Path("edits.csv"), date(2025, 7, 1)) == ("2025-07-01", date(2025, 7, 1))


@pytest.fixture(scope="module")
def ncci_repo(tmp_path_factory):  # type: ignore[no-untyped-def]
    settings = cms_settings(tmp_path_factory.mktemp("ncci"), slugs=("place-of-service",))
    build(settings)
    import_ncci(
        settings, NCCI / "ptp_practitioner_cms_layout_v321r0.txt", "ptp", effective_from=date(2026, 1, 1)
    )
    import_ncci(settings, NCCI / "ptp_plain.csv", "ptp", release="2020-Q1", effective_from=date(2020, 1, 1))
    import_ncci(settings, NCCI / "mue_plain.csv", "mue", release="2026-Q1", effective_from=date(2026, 1, 1))
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    yield repo
    repo.close()


def test_ptp_edits_date_semantics(ncci_repo: CodeSetRepository) -> None:
    codes = ["20611", "20610", "99214", "36415", "11042", "97597", "97530", "97150"]
    pairs = {(e.column1, e.column2) for e in ncci_repo.ptp_edits(codes, on=date(2026, 2, 1))}
    # 11042/97597 was deleted 2021-01-01; 97530/97150 deleted on its effective date (never in force)
    assert pairs == {("20611", "20610"), ("99214", "36415")}
    before = ncci_repo.ptp_edits(["11042", "97597"], on=date(2026, 1, 1))
    assert before == []
    edit = ncci_repo.ptp_edits(["20610", "20611"], on=date(2026, 3, 31))[0]
    assert edit.modifier_indicator == "1" and edit.release == "v32.1r0"
    assert ncci_repo.ptp_edits(["20610"], on=date(2026, 3, 1)) == []


def test_ptp_edit_applies_up_to_the_day_before_deletion(ncci_repo: CodeSetRepository) -> None:
    # dates before 2026-01-01 fall to the older release (plain CSV, effective 2020-01-01)
    pair = ["11042", "97597"]
    assert [e.release for e in ncci_repo.ptp_edits(pair, on=date(2020, 12, 31))] == ["2020-Q1"]
    assert ncci_repo.ptp_edits(pair, on=date(2021, 1, 1)) == []
    assert ncci_repo.ptp_edits(["97530", "97150"], on=date(2020, 1, 1)) == []  # deleted retroactively
    with pytest.raises(NoReleaseForDate):
        ncci_repo.ptp_edits(pair, on=date(2019, 12, 31))


def test_mue_lookup(ncci_repo: CodeSetRepository) -> None:
    edit = ncci_repo.mue("20610", on=date(2026, 2, 1))
    assert edit is not None and (edit.mue_value, edit.mai, edit.release) == (2, "2", "2026-Q1")
    assert ncci_repo.mue("J3490", on=date(2026, 2, 1)) is None
