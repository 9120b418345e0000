"""The reranker recipe's pieces on tiny data: labels, the leave-one-note-out prior, fitting, the threshold
sweep, and a whole fit -> JSON -> engine round trip with the HashingEmbedder fake on the fixture index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import typer

from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.features import FEATURES, CodePrior
from assistant.suggest.ranker import load_ranker
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from evals import train_ranker as tr
from tests.suggest.fixture_corpus import FIXTURE_DIM, FIXTURE_DIR


def note(text: str, gold: list[str], acceptable: list[str] | None = None, group: str = "codiesp") -> tr.Note:
    return tr.Note(text[:10], group, "train", SuggestRequest(text=text), gold, acceptable or [])


def test_labels_use_the_prefix_rule_and_leave_acceptable_out() -> None:
    n = note("x", ["E11", "I10"], ["Z79.4"], "us-notes")
    assert tr.label("E11.65", n) == 1 and tr.label("I10", n) == 1
    assert tr.label("Z79.4", n) == -1 and tr.label("J45.909", n) == 0


def test_final_counts_match_gold_once_and_ignore_acceptable() -> None:
    n = note("x", ["E11", "I10"], ["Z79.4"])
    finals = [("E11.65", 0.9), ("E11.9", 0.8), ("Z79.4", 0.7), ("J45.909", 0.2)]
    assert tr.final_counts(finals, n, 0.5) == (1, 1, 1)  # E11.9: the second E11 code is a false positive
    assert tr.final_counts(finals, n, 0.1) == (1, 2, 1)


def test_prior_of_a_training_row_leaves_its_own_note_out() -> None:
    notes = [note("a", ["E11.9"]), note("b", ["I10"])]
    prior = CodePrior.from_gold([n.gold for n in notes])
    x = np.zeros((2, len(FEATURES)), np.float32)
    rows = tr.Rows(
        x,
        np.array([1, 0]),
        np.array([0, 1]),
        np.array(["codiesp"] * 2),
        np.array(["E11.9"] * 2),
        np.array([0, 1]),
    )
    tr.leave_note_out_prior(rows, notes, prior)
    seen = FEATURES.index("prior_seen")
    assert rows.x[0, seen] == 0.0  # E11.9 is only note a's own gold
    assert rows.x[1, seen] == 1.0  # for note b, note a's E11.9 is prior knowledge


def test_exclude_ids_takes_ids_and_numbered_ranges() -> None:
    held = tr.id_filter("usn-1437..usn-1508, usn-0007")
    assert held("usn-1437") and held("usn-1500") and held("usn-1508") and held("usn-0007")
    assert not held("usn-1436") and not held("usn-1509") and not held("usn-0008") and not held("S0004-1")
    assert not tr.id_filter("")("usn-0001")
    with pytest.raises(typer.BadParameter):
        tr.id_filter("usn-1..S2-4")


def test_held_out_notes_reach_neither_the_rows_nor_the_prior() -> None:
    notes = [note("a", ["E11.9"], group="us-notes"), note("b", ["I10"], group="us-notes")]
    x = np.zeros((3, len(FEATURES)), np.float32)
    rows = tr.Rows(
        x,
        np.array([1, 1, 0]),
        np.array([0, 1, 1]),
        np.array(["us-notes"] * 3),
        np.array(["E11.9", "I10", "J45.909"]),
        np.array([0, 1, 1]),
    )
    kept = np.array([True, False])
    train = rows.subset(kept[rows.note])
    assert train.codes.tolist() == ["E11.9"] and train.x.shape == (1, len(FEATURES))
    prior = CodePrior.from_gold([n.gold for n, k in zip(notes, kept, strict=True) if k])
    dev = rows.subset(np.array([False, True, True]))
    tr.set_prior(dev, prior)
    seen = FEATURES.index("prior_seen")
    assert dev.x[:, seen].tolist() == [0.0, 0.0]  # note b's I10 is unknown to a prior without note b
    tr.set_prior(dev, CodePrior.from_gold([["I10"]]))
    assert dev.x[:, seen].tolist() == [1.0, 0.0]


def test_fit_choose_save_and_the_engine_uses_it(tmp_path: Path) -> None:
    service = SuggestionService.from_index_dir(FIXTURE_DIR, HashingEmbedder(FIXTURE_DIM))
    rng = np.random.default_rng(0)
    n = 600
    x = np.zeros((n, len(FEATURES)), np.float32)
    x[:, FEATURES.index("cos")] = rng.random(n)
    x[:, FEATURES.index("coverage")] = rng.random(n)
    y = (x[:, FEATURES.index("cos")] + 0.3 * rng.random(n) > 0.9).astype(int)
    w = np.ones(n)
    for ranker in (tr.fit_logistic(x, y, w, 1.0), tr.fit_trees(x, y, w, 7, 30)):
        p = ranker.predict(x)
        assert p[y == 1].mean() > p[y == 0].mean() + 0.3
    # threshold sweep over two notes' finals
    notes = [note("a", ["E11.9"]), note("b", ["I10"], group="us-notes")]
    finals = [[("E11.9", 0.9), ("R05.9", 0.3)], [("I10", 0.6), ("J45.909", 0.55)]]
    threshold, high, sweep = tr.choose_thresholds(finals, notes)
    assert 0.55 < threshold <= 0.6 and high >= threshold
    assert sweep[str(threshold)] == {"codiesp": [1.0, 1.0, 1.0], "us-notes": [1.0, 1.0, 1.0]}
    # the artifact round trip: the engine's scores become the saved model's probabilities
    ranker = tr.fit_logistic(x, y, w, 1.0)
    ranker.threshold, ranker.high_threshold = threshold, high
    path = tmp_path / "ranker.json"
    ranker.save(path)
    loaded = load_ranker(path)
    learned = SuggestionService(service.index, service.embedder, ranker=loaded)
    text = "Assessment: type 2 diabetes mellitus with hyperglycemia. Essential hypertension."
    response = learned.suggest(SuggestRequest(text=text))
    assert loaded is not None
    rows = learned.candidate_features(SuggestRequest(text=text), None)
    assert len(rows) == 2
    for codes, x in rows:
        probs = loaded.predict(x)
        best = int(np.argmax(probs))
        assert any(
            s.code == codes[best] and s.score == round(float(probs[best]), 4) for s in response.suggestions
        )
