"""``assistant em level``: the helper's proposal on the command line, and a bad input named."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.cli.main import app


def test_em_level_from_time_and_from_mdm() -> None:
    runner = CliRunner()
    r = runner.invoke(app, ["em", "level", "--patient", "established", "--minutes", "35"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (out["code"], out["basis"]) == ("99214", "time") and "35 min" in out["reasons"][0]
    r = runner.invoke(
        app,
        ["em", "level", "--patient", "new", "--problems", "high", "--data", "high", "--risk", "low"],
    )
    assert json.loads(r.output)["code"] == "99205"  # two of the three elements at high
    r = runner.invoke(
        app, ["em", "level", "--patient", "established", "--minutes", "70", "--payer", "medicare"]
    )
    assert json.loads(r.output)["prolonged"]["code"] == "G2212"


def test_em_level_names_a_bad_input() -> None:
    r = CliRunner().invoke(app, ["em", "level", "--patient", "old", "--minutes", "35"])
    assert r.exit_code == 2 and "patient" in r.output and "Traceback" not in r.output
