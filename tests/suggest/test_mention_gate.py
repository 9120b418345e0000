"""The mention gate: its feature rows, the JSON artifact and its use by the engine (rescue and replace).
Fixture index + HashingEmbedder; the gates are hand-made (one feature, or a constant)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.core.errors import AssistantError
from assistant.suggest.mention_gate import (
    DEFAULT_PATH,
    GATE_FEATURES,
    GateInput,
    MentionGate,
    decide,
    load_gate,
    note_rows,
)
from assistant.suggest.reader import Mention
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import EngineConfig, SuggestionService
from assistant.suggest.types import Candidate, Query
from tests.suggest.test_ranker import one_feature_ranker

COL = {name: i for i, name in enumerate(GATE_FEATURES)}


def constant_gate(p: float, threshold: float = 0.5) -> MentionGate:
    """A gate that says ``p`` for every mention."""
    n = len(GATE_FEATURES)
    return MentionGate(
        kind="logistic",
        threshold=threshold,
        mean=np.zeros(n),
        scale=np.ones(n),
        coef=np.zeros(n),
        intercept=float(np.log(p / (1 - p))),
    )


def item(text: str, start: int, codes_scores: list[tuple[str, float]], **flags: object) -> GateInput:
    mention = Mention(start, start + len(text), text, text, **flags)  # type: ignore[arg-type]
    cands = [Candidate(code, i, score) for i, (code, score) in enumerate(codes_scores)]
    reasons = {codes_scores[0][0]: ["qualifier: without aura"]}
    return GateInput(mention, Query(text), cands, reasons)


def test_rows_describe_a_split_mention(service: SuggestionService) -> None:
    migraine = item(
        "migraine without aura",
        10,
        [("G43.009", 0.06), ("G43.109", 0.05), ("G43.909", 0.05), ("R51.9", 0.01)],
        section="assessment",
        problem=True,
    )
    again = item("migraine", 60, [("G43.909", 0.2), ("R51.9", 0.1)], section="hpi")
    cough = item("cough", 80, [("R05.9", 0.7)], section="hpi")
    x = note_rows([migraine, again, cough], service.catalog, note_length=100, patient_known=True)
    assert x.shape == (3, len(GATE_FEATURES))
    m = x[0]
    assert m[COL["p1"]] == pytest.approx(0.06) and m[COL["p_sum"]] == pytest.approx(0.17)
    assert m[COL["category_mass"]] == pytest.approx(0.16) and m[COL["category_count"]] == 3
    assert m[COL["p_entropy"]] > x[2, COL["p_entropy"]] == 0.0  # spread over siblings vs one candidate
    assert m[COL["top_q_agree"]] == 1 and m[COL["top_q_conflicts"]] == 0
    assert m[COL["assessed"]] == 1 and m[COL["ap_first"]] == 1 and x[1, COL["assessed"]] == 0
    # the problem is stated twice (both mentions' first codes are in G43), the cough once
    assert m[COL["stated_category"]] == x[1, COL["stated_category"]] > x[2, COL["stated_category"]] == 0
    assert m[COL["section_assessment"]] == 1 and x[1, COL["section_hpi"]] == 1
    assert m[COL["chapter_G"]] == 1 and m[COL["patient_known"]] == 1
    assert m[COL["note_position"]] == pytest.approx(0.1)


def test_artifact_round_trip_and_mismatch(tmp_path: Path) -> None:
    gate = constant_gate(0.8, threshold=0.6)
    path = tmp_path / "gate.json"
    gate.save(path)
    again = load_gate(path)
    assert again is not None and again.threshold == 0.6
    x = np.zeros((2, len(GATE_FEATURES)))
    assert again.predict(x) == pytest.approx([0.8, 0.8], abs=1e-6)
    data = json.loads(path.read_text())
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(AssistantError):
        load_gate(path)
    assert load_gate(tmp_path / "missing.json") is None
    assert Settings().suggest_mention_gate is False  # off unless chosen (see the report)


def _finals(
    service: SuggestionService, gate: MentionGate | None, mode: str, text: str
) -> dict[str, list[str]]:
    # p = sigmoid(title overlap - 0.5) < 0.8; an assessment mention keeps its code from 0.8 x 0.5
    ranker = one_feature_ranker("title_overlap", 1.0, -0.5, threshold=0.8, high_threshold=0.99)
    engine = SuggestionService(
        service.index,
        service.embedder,
        service.reference,
        config=EngineConfig(gate_mode=mode),  # type: ignore[arg-type]
        ranker=ranker,
        gate=gate,
    )
    response = engine.suggest(SuggestRequest(text=text))
    return {s.code: s.reasons for s in response.suggestions if s.confidence != "low"}


def first_listed(reasons: list[str]) -> bool:
    return any(r.startswith("first-listed diagnosis") for r in reasons)


def test_the_gate_makes_a_mention_first_code_final(service: SuggestionService) -> None:
    text = "HPI: fever. Cough."  # two HPI mentions, p <= 0.5 < 0.8: only the first-listed rule lists one
    alone = _finals(service, None, "rescue", text)
    assert len(alone) == 1
    both = _finals(service, constant_gate(0.9), "rescue", text)  # both mentions pass the gate
    assert sorted(both) == ["R05.9", "R50.9"]
    assert _finals(service, constant_gate(0.1), "rescue", text) == alone  # the ranker's rule alone
    # replace: the gate decides alone; the assessment's pneumonia, which the ranker's rule keeps, is not
    # final when the gate says no (then only the first-listed rule lists a code)
    assessed = "HPI: fever.\nAssessment: pneumonia."
    [(code, reasons)] = _finals(service, None, "replace", assessed).items()
    assert code == "J18.9" and not first_listed(reasons)
    [(_, reasons)] = _finals(service, constant_gate(0.1), "replace", assessed).items()
    assert first_listed(reasons)
    assert _finals(service, constant_gate(0.1), "rescue", assessed).keys() == {"J18.9"}


def test_committed_artifact_loads() -> None:
    gate = load_gate()
    assert gate is not None and gate.kind == "trees" and gate.trees
    assert 0.0 < gate.threshold < 1.0
    p = gate.predict(np.zeros((3, len(GATE_FEATURES))))
    assert p.shape == (3,) and ((p > 0) & (p < 1)).all()
    assert DEFAULT_PATH.stat().st_size < 200_000


def test_decide_modes() -> None:
    # final for (the ranker's rule, the gate passes) = (no, no), (no, yes), (yes, no), (yes, yes)
    for mode, want in (
        ("veto", (False, False, False, True)),
        ("rescue", (False, True, True, True)),
        ("replace", (False, True, False, True)),
    ):
        got = tuple(decide(mode, rule, p, 0.5) for rule in (False, True) for p in (0.1, 0.9))
        assert got == want, mode
