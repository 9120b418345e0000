"""`assistant codes show|search` and `assistant codesets status` through the real CLI app."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.cli.main import app

runner = CliRunner()


def test_show_json_shape(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "e11.65", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"code", "system", "title", "billable", "valid_on", "parents", "children", "notes"} <= set(data)
    assert data["code"] == "E11.65" and data["billable"] is True and data["valid_on"] is None
    assert {
        "inclusion_terms",
        "excludes1",
        "excludes2",
        "code_first",
        "use_additional",
        "code_also",
        "seven_chr",
    } <= set(data["notes"])
    assert [p["code"] for p in data["parents"]][-1] == "E11.6"


def test_show_seven_char_and_date(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "E08.32", "--on", "2026-05-01", "--json"])
    data = json.loads(result.stdout)
    assert data["notes"]["seven_chr"]["3"] == "bilateral" and data["valid_on"] == "2026-05-01"
    human = runner.invoke(app, ["codes", "show", "E11"])
    assert human.exit_code == 0 and "Excludes1" in human.stdout


def test_show_unknown_code_exits_2_with_suggestion(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "E11.999"])
    assert result.exit_code == 2
    assert "did you mean E11.9?" in result.output


def test_show_date_outside_releases_exits_2(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "E11.9", "--on", "2024-01-01"])
    assert result.exit_code == 2 and "no ICD-10-CM release covers 2024-01-01" in result.output
    bad = runner.invoke(app, ["codes", "show", "E11.9", "--on", "soon"])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_search_json(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        app, ["codes", "search", "type 2 diabetes hyperglycemia", "--limit", "3", "--json"]
    )
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert 1 <= len(hits) <= 3 and hits[0]["code"] == "E11.65"
    assert {"code", "system", "title", "billable", "score", "matched"} <= set(hits[0])


def test_status_json(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codesets", "status", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    icd = data["ICD-10-CM"]
    assert (icd["release"], icd["codes"], icd["billable"], icd["stale"]) == (
        "2026-04-01",
        98505,
        74719,
        False,
    )
    assert len(icd["sha256"]) == 64 and icd["source"]
    assert data["ICD-10-CM-INDEX"]["stale"] is True
    assert data["NCCI-PTP"]["release"] is None and data["CPT"]["release"] is None
