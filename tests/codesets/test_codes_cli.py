"""`assistant codes show|search` and `assistant codesets status` through the real CLI app."""

from __future__ import annotations

import json
from datetime import date

from typer.testing import CliRunner

from assistant.cli.main import app

runner = CliRunner()


def test_show_json_shape(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "e11.65", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"code", "system", "title", "billable", "valid_on", "parents", "children", "notes"} <= set(data)
    assert data["code"] == "E11.65" and data["billable"] is True
    assert data["valid_on"] == date.today().isoformat() and data["release"] == "2027"  # in force today
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


def test_show_fy2027_code_by_date(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "D69.11", "--on", "2026-11-20", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["title"], data["release"], data["billable"]) == ("Glanzmann thrombasthenia", "2027", True)
    assert data["valid_on"] == "2026-11-20" and data["parent"] == "D69.1"
    before = runner.invoke(app, ["codes", "show", "D69.11", "--on", "2026-09-30", "--json"])
    assert before.exit_code == 2 and "valid from 2026-10-01" in before.output
    header = json.loads(runner.invoke(app, ["codes", "show", "D69.1", "--on", "2026-11-20", "--json"]).stdout)
    assert not header["billable"] and [c["code"] for c in header["children"]] == ["D69.11", "D69.19"]
    old = json.loads(runner.invoke(app, ["codes", "show", "D69.1", "--on", "2026-09-30", "--json"]).stdout)
    assert old["billable"] and old["release"] == "2026-04-01"
    hits = json.loads(runner.invoke(app, ["codes", "search", "Glanzmann", "--json"]).stdout)
    assert hits and hits[0]["code"] == "D69.11"  # today's release (FY2027)
    old_hits = json.loads(
        runner.invoke(app, ["codes", "search", "Glanzmann", "--on", "2026-05-01", "--json"]).stdout
    )
    assert "D69.11" not in {h["code"] for h in old_hits}


def test_show_unknown_code_exits_2_with_suggestion(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "E11.999"])
    assert result.exit_code == 2
    assert "did you mean E11.9?" in result.output


def test_show_date_outside_releases_exits_2(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codes", "show", "E11.9", "--on", "2014-01-01"])
    assert result.exit_code == 2 and "2014-01-01 is before ICD-10-CM" in result.output
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
    assert (icd["release"], icd["in_force"], icd["codes"], icd["billable"], icd["stale"]) == (
        "2027",
        True,
        98722,
        74879,
        False,
    )
    states = {r["release"]: r["state"] for r in icd["releases"]}
    assert states == {"2027": "in force", "2026-04-01": "ended"}
    assert len(icd["sha256"]) == 64 and icd["source"]
    hcpcs = data["HCPCS"]
    assert (hcpcs["release"], hcpcs["codes"], data["HCPCS-MODIFIER"]["codes"]) == ("2026-Q1", 8623, 383)
    assert data["MCE"]["release"] == "v44" and data["MCE"]["in_force"]
    assert data["ICD-10-CM-INDEX"]["stale"] is True
    assert data["NCCI-PTP"]["release"] is None and "import-ncci" in data["NCCI-PTP"]["action"]
    assert data["CPT"]["release"] is None and "import-cpt" in data["CPT"]["action"]
    human = runner.invoke(app, ["codesets", "status"])
    assert human.exit_code == 0 and "ended:" in human.stdout and "2026-04-01" in human.stdout


def test_status_by_date(reference) -> None:  # type: ignore[no-untyped-def]
    from assistant.codesets import service
    from assistant.config import get_settings

    summer = service.status(get_settings(), today=date(2026, 5, 4))
    assert summer["ICD-10-CM"].release == "2026-04-01" and not summer["ICD-10-CM"].stale
    assert {r.release: r.state for r in summer["ICD-10-CM"].releases}["2027"] == "future"
    assert "older than the current quarter (2026-Q2" in summer["HCPCS"].stale_reason
    assert "import-hcpcs" in summer["HCPCS"].action
    january = service.status(get_settings(), today=date(2026, 2, 1))
    assert not january["HCPCS"].stale and january["HCPCS"].action is None
    later = service.status(get_settings(), today=date(2027, 10, 5))
    assert (
        later["ICD-10-CM"].in_force is False and "no release is in force" in later["ICD-10-CM"].stale_reason
    )


def test_diff_fy2027_against_april_2026(reference) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["codesets", "diff", "ICD-10-CM", "2026-04-01", "2027", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["from"]["release"], data["to"]["release"]) == ("2026-04-01", "2027")
    c = data["counts"]
    assert (c["added_billable"], c["deleted_billable"], c["revised"], c["billable_changed"]) == (
        190,
        15,
        4,
        15,
    )
    assert c["deleted_billable"] + c["billable_changed"] == 30  # the addenda's 30 deletions
    added = {a["code"]: a for a in data["added"]}
    assert added["D69.11"]["title"] == "Glanzmann thrombasthenia" and added["D69.11"]["billable"]
    assert {
        "code": "D69.1",
        "title": "Qualitative platelet defects",
        "was_billable": True,
        "billable": False,
    } in (data["billable_changed"])
    revised = {r["code"]: r for r in data["revised"]}
    assert revised["L02.232"]["new_title"].endswith("except buttock and flank]")
    by_date = json.loads(
        runner.invoke(app, ["codesets", "diff", "ICD-10-CM", "2026-05-01", "2026-11-20", "--json"]).stdout
    )
    assert by_date["counts"] == c
    table = runner.invoke(app, ["codesets", "diff", "ICD-10-CM", "2026-04-01", "2027", "--show", "500"])
    assert table.exit_code == 0 and "D69.11" in table.stdout and "buttock and flank]" in table.stdout
    missing = runner.invoke(app, ["codesets", "diff", "ICD-10-CM", "2019", "2027"])
    assert missing.exit_code != 0 and "no ICD-10-CM release named '2019'" in missing.output


def test_show_finds_a_hcpcs_code_without_the_system_option(reference) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(runner.invoke(app, ["codes", "show", "j1885", "--json"]).stdout)
    assert (data["code"], data["system"]) == ("J1885", "HCPCS")
    assert "ketorolac" in data["title"].lower()
    # a deleted code is shown with its end date, not as billable today
    human = runner.invoke(app, ["codes", "show", "J1070"])
    assert human.exit_code == 0 and "terminated on 2014-12-31" in human.stdout.replace("\n", " ")
    # an ICD-10-CM-shaped code that does not exist keeps its ICD-10-CM answer
    missing = runner.invoke(app, ["codes", "show", "J99.99X"])
    assert missing.exit_code != 0 and "ICD-10-CM" in missing.output
