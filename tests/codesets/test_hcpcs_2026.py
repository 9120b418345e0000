"""HCPCS Level II January 2026 (shipped as CMS's unchanged zip) and `assistant codesets import-hcpcs`."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.codesets.models import HCPCS, HCPCS_MODIFIER
from assistant.codesets.repository import CodeSetRepository
from assistant.config import Settings, get_settings
from tests.codesets.cms_support import cms_settings, hcpcs_record, hcpcs_zip

runner = CliRunner()


def test_shipped_january_2026_release(reference: Any) -> None:
    info = reference.release_for(HCPCS, date(2026, 2, 1))
    assert (info.release, info.row_count, info.effective_from) == ("2026-Q1", 8623, date(2026, 1, 1))
    assert info.counts["terminated"] == 1300
    assert reference.release_for(HCPCS_MODIFIER).row_count == 383
    g9871 = reference.get_code("G9871", system=HCPCS)  # the record CMS padded to 546 characters
    assert g9871.title.startswith("Behavioral counseling for diabetes prevention, online, 60 minutes")
    assert g9871.extra["add_date"] == "2026-01-01" and g9871.extra["action_code"] == "A"
    xs = reference.modifier("XS")
    assert xs is not None and xs.release == "2026-Q1"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    s = cms_settings(tmp_path, slugs=("place-of-service",))
    monkeypatch.setenv("ASSISTANT_CODESETS_DIR", str(s.codesets_dir))
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(s.data_dir))
    monkeypatch.delenv("ASSISTANT_REFERENCE_DB_PATH", raising=False)
    get_settings.cache_clear()
    yield s
    get_settings.cache_clear()


JAN = [
    hcpcs_record("J1100", "Injection, dexamethasone sodium phosphate, 1 mg", added="19840101"),
    hcpcs_record(
        "G9871", "Behavioral counseling for diabetes prevention, online, 60 minutes", added="20260101"
    ),
    hcpcs_record("A4206", "Syringe with needle, sterile, 1 cc or less, each", added="19840101"),
    hcpcs_record("GA", "Waiver of liability statement issued as required by payer policy", recid="7"),
]
APR = [
    JAN[0],
    hcpcs_record(
        "G9871",
        "Behavioral counseling for diabetes prevention, online, 60 minutes or more",
        added="20260101",
        action="C",
    ),
    hcpcs_record("Q9999", "Made-up supply code of the synthetic April file", added="20260401", action="A"),
    hcpcs_record("J7999", "Made-up drug ended in this quarter", added="20200101", terminated="20260430"),
    JAN[3],
]


def _json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["codesets", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_import_hcpcs_zip_as_published_reports_changes(settings: Settings, tmp_path: Path) -> None:
    jan = hcpcs_zip(tmp_path / "january-2026.zip", "HCPC2026_JAN_ANWEB_01122026.txt", JAN, pad_line=1)
    apr = hcpcs_zip(tmp_path / "april-2026-alpha-numeric-hcpcs-file.zip", "HCPC2026_APR_ANWEB_v2.txt", APR)
    first = _json("import-hcpcs", str(jan))
    assert first["releases"][0]["release"] == "2026-Q1" and first["diffs"][0]["counts"]["new"] == 3

    second = _json("import-hcpcs", str(apr))
    diff = second["diffs"][0]
    assert (diff["release"], diff["previous_release"]) == ("2026-Q2", "2026-Q1")
    assert diff["counts"] == {"new": 2, "deleted": 1, "revised": 1}
    assert [d["code"] for d in diff["new"]] == ["J7999", "Q9999"] and diff["deleted"][0]["code"] == "A4206"
    assert diff["revised"][0]["code"] == "G9871" and diff["revised"][0]["new_title"].endswith("or more")
    assert second["diffs"][1]["counts"] == {"new": 0, "deleted": 0, "revised": 0}  # modifier GA unchanged
    kept = settings.local_codesets_dir / "hcpcs" / "2026-Q2" / apr.name
    assert hashlib.sha256(kept.read_bytes()).digest() == hashlib.sha256(apr.read_bytes()).digest()

    repo = CodeSetRepository.open(settings.resolved_reference_db)
    try:
        assert repo.release_for(HCPCS, date(2026, 5, 1)).effective_from == date(2026, 4, 1)
        ended = repo.get_code("J7999", system=HCPCS, on=date(2026, 5, 1))
        assert ended.extra["termination_date"] == "2026-04-30"
        assert repo.get_code("Q9999", system=HCPCS, on=date(2026, 5, 1)).title.startswith("Made-up supply")
        assert [r.release for r in repo.releases(HCPCS)] == ["2026-Q2", "2026-Q1"]
    finally:
        repo.close()

    text = runner.invoke(app, ["codesets", "import-hcpcs", str(apr)])
    assert text.exit_code == 0 and "Imported HCPCS 2026-Q2" in text.output
    bad = tmp_path / "not-hcpcs.zip"
    hcpcs_zip(bad, "README.txt", ["nothing"])
    refused = runner.invoke(app, ["codesets", "import-hcpcs", str(bad)])
    assert refused.exit_code != 0 and "no fixed-width HCPC20xx_<MON>_ANWEB" in refused.output
