"""`assistant eval run` through typer's CliRunner on the real app, with a fake service behind it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from tests.evals.fakes import FakeReference, FakeService

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> FakeService:
    import evals.cli

    service = FakeService()
    monkeypatch.setattr(evals.cli, "open_backend", lambda settings: (service, FakeReference()))
    return service


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    folder = tmp_path / "mini-set"
    folder.mkdir()
    rows = [
        {"id": f"m{i}", "text": text, "gold": gold}
        for i, (text, gold) in enumerate(
            [
                ("Cholera, unspecified", ["A00.9"]),
                ("type 2 diabetes mellitus with hyperglycemia", ["E11.65"]),
                ("essential hypertension", ["I10"]),
                ("pneumonia unspecified organism", ["J18.9"]),
                ("fever unspecified", ["R50.9"]),
                ("cough", ["R05.9"]),
                ("headache", ["R51"]),
                ("asthma", ["J45.909"]),
            ]
        )
    ]
    (folder / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return folder


def test_eval_run_prints_a_table(fake_backend: FakeService, mini: Path) -> None:
    result = CliRunner().invoke(
        app, ["eval", "run", "--dataset", str(mini), "--system", "full", "--system", "bm25"]
    )
    assert result.exit_code == 0, result.output
    assert "mini-set" in result.output and "bm25" in result.output and "holdout" in result.output
    assert "R@10" in result.output and "µF1" in result.output
    assert fake_backend.calls, "the CLI must go through SuggestionService.suggest_many"


def test_eval_run_json_one_object_per_dataset_and_system(fake_backend: FakeService, mini: Path) -> None:
    args = ["eval", "run", "--dataset", str(mini), "--dataset", "negation-smoke"]
    args += ["--system", "full", "--system", "dense", "--json", "--limit", "5", "--split", "all"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["dataset"], r["system"]) for r in rows] == [
        ("mini-set", "full"),
        ("mini-set", "dense"),
        ("negation-smoke", "full"),
        ("negation-smoke", "dense"),
    ]
    assert rows[0]["parts"]["all"]["n"] == 5  # --limit applies per set
    assert 0.0 <= rows[0]["parts"]["all"]["recall@10"] <= 1.0
    # The smoke set is annotated for negation, so the count is a number; the mini set has none: n/a.
    assert rows[2]["parts"]["all"]["negated_coded"] is not None
    assert rows[0]["parts"]["all"]["negated_coded"] is None


def test_eval_run_source_keeps_the_named_split(fake_backend: FakeService, mini: Path) -> None:
    rows = [json.loads(line) for line in (mini / "dev.jsonl").read_text().splitlines()]
    for i, row in enumerate(rows):
        row["source"] = f"corpus {'dev' if i % 4 == 0 else 'train'} split, document {i}"
    (mini / "dev.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    args = ["eval", "run", "--dataset", str(mini), "--system", "full", "--json", "--source", " dev split"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["parts"]["all"]["n"] == 2
    assert sum(len(call) for call in fake_backend.calls) == 2  # only the dev notes were run


def test_eval_run_writes_report_with_valid_pngs(
    fake_backend: FakeService, mini: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    args = [
        "eval",
        "run",
        "--dataset",
        str(mini),
        "--system",
        "full",
        "--system",
        "hybrid",
        "--report",
        str(out),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    text = (out / "report.md").read_text()
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert pngs == ["chapters-mini-set.png", "latency.png", "recall_at_k-mini-set.png"]
    for name in pngs:
        assert (out / name).read_bytes()[:8] == PNG_MAGIC
        assert f"({name})" in text
    assert "Where `full` fails most" in text and "holdout" in text


def test_eval_run_rejects_unknown_system_and_split(fake_backend: FakeService, mini: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "run", "--dataset", str(mini), "--system", "gpt"])
    assert result.exit_code == 2
    assert "unknown system" in result.output
    result = CliRunner().invoke(app, ["eval", "run", "--dataset", str(mini), "--split", "test"])
    assert result.exit_code == 2
    assert "unknown split" in result.output


def test_eval_run_scores_the_peer(fake_backend: FakeService, mini: Path) -> None:
    pytest.importorskip("icd10_coder")
    args = ["eval", "run", "--dataset", str(mini), "--system", "icd10-coder", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0]["system"] == "icd10-coder"
    assert rows[0]["parts"]["all"]["recall@10"] > 0.5
