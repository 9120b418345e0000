"""The per-change attribution table and plot (evals/attribution.py), and the committed attribution file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from evals import attribution

COMMITTED = Path(__file__).resolve().parents[2] / "evals" / "reports" / "attribution.json"


def _write(tmp_path: Path, steps: list[dict[str, object]]) -> Path:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"source": "test", "steps": steps}))
    return path


def test_the_table_shows_each_steps_gain_over_the_last_measured_one(tmp_path: Path) -> None:
    doc = attribution.load(
        _write(
            tmp_path,
            [
                {"change": "start", "date": "d1", "us_recall": 0.5, "us_dangerous": 9},
                {"change": "ranker", "date": "d2", "codiesp_map": 0.3},
                {"change": "rules", "date": "d3", "us_recall": 0.75, "us_dangerous": 4, "codiesp_map": 0.25},
            ],
        )
    )
    rows = attribution.markdown(doc).splitlines()
    assert rows[2].startswith("| start | d1 | 0.500 | – | 9 |")
    assert "0.300" in rows[3] and "(+" not in rows[3]  # nothing measured before it to compare with
    assert "0.750 (+0.250)" in rows[4] and "4 (-5)" in rows[4] and "0.250 (-0.050)" in rows[4]


def test_a_figure_outside_zero_to_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        attribution.load(_write(tmp_path, [{"change": "x", "date": "d", "us_recall": 1.5}]))


def test_main_writes_the_table_and_the_plot(tmp_path: Path) -> None:
    source = _write(
        tmp_path, [{"change": "a", "date": "d", "gem_r10": 0.8}, {"change": "b", "date": "d", "gem_r10": 0.9}]
    )
    assert attribution.main([str(source), "--out", str(tmp_path / "out" / "attr")]) == 0
    text = (tmp_path / "out" / "attr.md").read_text()
    assert "1. a" in text and "2. b" in text and "0.900 (+0.100)" in text
    assert (tmp_path / "out" / "attr.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_committed_attribution_is_valid_and_ordered() -> None:
    doc = attribution.load(COMMITTED)
    assert len(doc.steps) >= 4
    assert [s.date for s in doc.steps] == sorted(s.date for s in doc.steps)
