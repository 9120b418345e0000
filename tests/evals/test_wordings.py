"""The wording battery (`assistant eval wordings`): parsing, the three note shapes, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from evals import wordings as wb
from tests.evals.fakes import FakeReference, FakeService

runner = CliRunner()


def _tsv(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_wordings_are_read_with_their_patient(tmp_path: Path) -> None:
    path = _tsv(tmp_path, "set.tsv", "# comment\nessential hypertension\tI10\n\ncroup\tJ05.0\tM\t3\n")
    got = wb.read_wordings([path])
    assert got == [
        wb.Wording("set", "essential hypertension", "I10"),
        wb.Wording("set", "croup", "J05.0", "M", 3),
    ]
    requests = wb.requests_for(got[1])
    assert len(requests) == len(wb.SHAPES) and all("croup" in r.text for r in requests)
    assert requests[0].patient is not None and requests[0].patient.age_years == 3


def test_a_line_without_a_code_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad.tsv line 2"):
        wb.read_wordings([_tsv(tmp_path, "bad.tsv", "cough\tR05.9\nno code here\n")])


def test_a_wording_passes_only_when_final_in_every_shape() -> None:
    service = FakeService()
    wordings = [
        wb.Wording("g", "essential hypertension", "I10"),  # the fake finds it in every shape
        wb.Wording("g", "essential hypertension", "E11.9"),  # never
    ]
    result = wb.evaluate(service, wordings)
    assert (result.n, result.passed) == (2, 1)
    assert result.by_group == {"g": [1, 2]}
    assert result.failures[0]["expected"] == "E11.9" and result.failures[0]["passed_in"] == []
    assert len(service.calls[0]) == 2 * len(wb.SHAPES)


def test_the_cli_prints_the_rate_and_the_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import evals.cli

    monkeypatch.setattr(evals.cli, "open_backend", lambda settings: (FakeService(), FakeReference()))
    folder = tmp_path / "w"
    folder.mkdir()
    _tsv(folder, "a.tsv", "essential hypertension\tI10\nfever unspecified\tE11.65\n")
    out = runner.invoke(app, ["eval", "wordings", "--dataset", str(folder), "--json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert (doc["n"], doc["passed"]) == (2, 1) and doc["failures"][0]["wording"] == "fever unspecified"
    empty = tmp_path / "empty"
    empty.mkdir()
    out = runner.invoke(app, ["eval", "wordings", "--dataset", str(empty)])
    assert out.exit_code != 0 and "dataset" in out.output
