"""`assistant codesets import | import-ncci | import-cpt` through the real CLI (typer CliRunner)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.codesets.models import HCPCS
from assistant.codesets.repository import CodeSetRepository
from assistant.config import Settings, get_settings
from tests.codesets.cms_support import FIXTURES, cms_settings

runner = CliRunner()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    s = cms_settings(tmp_path, slugs=("place-of-service", "cpt-modifiers"))
    monkeypatch.setenv("ASSISTANT_CODESETS_DIR", str(s.codesets_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(s.data_dir))
    monkeypatch.delenv("ASSISTANT_REFERENCE_DB_PATH", raising=False)
    get_settings.cache_clear()
    yield s
    get_settings.cache_clear()


def _invoke(*args: str) -> dict:  # type: ignore[type-arg]
    result = runner.invoke(app, ["codesets", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_hcpcs_import_prints_diff_and_survives_rebuild(settings: Settings) -> None:
    first = _invoke("import", str(FIXTURES / "hcpcs" / "HCPC2020_OCT_ANWEB_subset.csv"))
    assert first["releases"][0]["release"] == "2020-Q4"
    assert first["diffs"][0]["counts"] == {"new": 6, "deleted": 0, "revised": 0}

    second = _invoke("import", str(FIXTURES / "hcpcs" / "HCPC2021_JAN_ANWEB_subset.txt"))
    diff = second["diffs"][0]
    assert diff["system"] == HCPCS and diff["release"] == "2021-Q1" and diff["previous_release"] == "2020-Q4"
    assert diff["counts"] == {"new": 1, "deleted": 1, "revised": 1}
    assert diff["new"][0]["code"] == "Q9999" and diff["deleted"][0]["code"] == "A4206"
    assert (
        diff["revised"][0]["code"] == "E0100" and "revised fixture wording" in diff["revised"][0]["new_title"]
    )
    assert second["diffs"][1]["counts"] == {
        "new": 0,
        "deleted": 0,
        "revised": 0,
    }  # modifiers GA, XE unchanged

    text = runner.invoke(
        app, ["codesets", "import", str(FIXTURES / "hcpcs" / "HCPC2021_JAN_ANWEB_subset.txt")]
    )
    assert text.exit_code == 0 and "0 new, 0 deleted, 0 revised" in text.output  # re-import replaces

    from assistant.codesets import service

    service.load_all(settings, progress=False)  # a full rebuild keeps the user's releases
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        assert [r.release for r in repo.releases(HCPCS)] == ["2021-Q1", "2020-Q4"]
        assert repo.get_code("Q9999", system=HCPCS, on=date(2021, 2, 1)).title.startswith("Made-up test")
        assert repo.releases(HCPCS)[0].user_imported
    finally:
        repo.close()


def test_import_ncci_cli_and_errors(settings: Settings) -> None:
    out = _invoke(
        "import-ncci", str(FIXTURES / "ncci" / "ptp_practitioner_cms_layout_v321r0.txt"), "--kind", "ptp"
    )
    assert out["releases"][0]["release"] == "v32.1r0" and out["releases"][0]["row_count"] == 6
    assert (settings.local_codesets_dir / "ncci-ptp" / "v32.1r0" / "manifest.json").is_file()
    mue = _invoke(
        "import-ncci", str(FIXTURES / "ncci" / "mue_practitioner_cms_layout_2026-01-01.csv"), "--kind", "mue"
    )
    assert (
        mue["releases"][0]["release"] == "2026-01-01" and mue["releases"][0]["effective_from"] == "2026-01-01"
    )

    bad = runner.invoke(
        app, ["codesets", "import-ncci", str(FIXTURES / "ncci" / "ptp_bad_row.csv"), "--kind", "ptp"]
    )
    assert bad.exit_code == 2
    assert "line 3" in bad.output and "effective_date" in bad.output
    wrong_kind = runner.invoke(
        app, ["codesets", "import-ncci", str(FIXTURES / "ncci" / "ptp_plain.csv"), "--kind", "xyz"]
    )
    assert wrong_kind.exit_code == 2 and "ptp or mue" in wrong_kind.output

    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        assert repo.ptp_edits(["99214", "36415"], on=date(2026, 5, 1))[0].column1 == "99214"
        assert repo.mue("20610", on=date(2026, 1, 2)).mue_value == 2  # type: ignore[union-attr]
    finally:
        repo.close()


def test_import_cpt_cli(settings: Settings) -> None:
    out = _invoke("import-cpt", str(FIXTURES / "licensed_file_example.tsv"), "--release", "2026")
    assert out["releases"][0]["system"] == "CPT" and out["releases"][0]["row_count"] == 3
    assert out["diffs"][0]["counts"]["new"] == 3
    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        info = repo.get_code("0591T", system="CPT")
        assert info.title.startswith("Fake placeholder descriptor C") and info.extra["category"] == "III"
    finally:
        repo.close()


def test_icd10cm_xml_import_is_delegated_to_the_icd_loader(settings: Settings) -> None:
    out = _invoke(
        "import",
        str(FIXTURES / "codesets" / "mini-icd"),
        "--release",
        "mini",
        "--effective-from",
        "2026-10-01",
    )
    assert out["releases"][0]["system"] == "ICD-10-CM" and out["releases"][0]["release"] == "mini"
    diff = out["diffs"][0]
    assert diff["previous_release"] is None and diff["counts"]["new"] == out["releases"][0]["row_count"] > 0
