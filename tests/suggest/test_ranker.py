"""The learned reranker: feature rows, the JSON artifact (logistic and trees), its use by the engine, the
rule-based fallback and the committed artifact. Fixture index + HashingEmbedder; tiny synthetic data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from assistant.config import Settings
from assistant.core.errors import AssistantError
from assistant.suggest.features import FEATURES, CodePrior
from assistant.suggest.ranker import DEFAULT_PATH, Ranker, configured_ranker, export_trees, load_ranker
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService

COL = {name: i for i, name in enumerate(FEATURES)}
NOTE = "Assessment: type 2 diabetes mellitus with hyperglycemia. History of cholera."


def one_feature_ranker(name: str, weight: float, bias: float = 0.0, **kw: object) -> Ranker:
    """A logistic ranker that looks at one feature only (the others get weight 0)."""
    coef = np.zeros(len(FEATURES))
    coef[COL[name]] = weight
    return Ranker(
        kind="logistic",
        threshold=float(kw.get("threshold", 0.5)),  # type: ignore[arg-type]
        high_threshold=float(kw.get("high_threshold", 0.9)),  # type: ignore[arg-type]
        prior=kw.get("prior"),  # type: ignore[arg-type]
        mean=np.zeros(len(FEATURES)),
        scale=np.ones(len(FEATURES)),
        coef=coef,
        intercept=bias,
    )


def with_ranker(service: SuggestionService, ranker: Ranker | None) -> SuggestionService:
    return SuggestionService(service.index, service.embedder, service.reference, ranker=ranker)


# ---------------------------------------------------------------- features
def test_feature_rows_describe_each_candidate(service: SuggestionService) -> None:
    prior = CodePrior.from_gold([["E11.65"], ["E11"], ["I10"]])
    rows = service.candidate_features(SuggestRequest(text=NOTE), prior)
    assert len(rows) == 2  # the diabetes mention and the history mention
    (codes, x), (hist_codes, hx) = rows
    assert x.shape == (len(codes), len(FEATURES)) and len(codes) >= 3
    assert codes[0] == "E11.65"
    assert x[0, COL["section_assessment"]] == 1.0
    assert x[:, [COL[f"section_{s}"] for s in ("hpi", "pmh")]].sum() == 0
    assert x[0, COL["kind_current"]] == 1.0 and hx[0, COL["kind_history"]] == 1.0
    assert all(c.startswith("Z8") for c in hist_codes[:1])  # a history query searches the history codes
    assert x[0, COL["rank"]] == 0.0 and (np.diff(x[:, COL["rank"]]) > 0).all()
    # the prior: E11.65 is gold twice (itself and under its category E11), another E11 leaf once
    e11 = [i for i, c in enumerate(codes) if c.startswith("E11") and c != "E11.65"]
    assert x[0, COL["prior_seen"]] == 1.0 and x[0, COL["prior_code"]] > x[e11[0], COL["prior_code"]]
    other = [i for i, c in enumerate(codes) if not c.startswith(("E11", "I10"))]
    assert other and x[other[0], COL["prior_seen"]] == 0.0
    assert x[0, COL["chapter_E"]] == 1.0 and x[0, COL["billable"]] == 1.0 and x[0, COL["depth"]] == 5.0


def test_training_rows_go_as_deep_as_asked(service: SuggestionService) -> None:
    request = SuggestRequest(text=NOTE)
    (codes, x), _ = service.candidate_features(request, None)
    (short, xs), _ = service.candidate_features(request, None, window=4)
    assert short == codes[:4] and xs.shape == (4, len(FEATURES))
    assert (xs[:, COL["rank"]] == x[:4, COL["rank"]]).all()


def test_code_prior_prefix_rule_and_json_round_trip() -> None:
    prior = CodePrior.from_gold([["E11.9", "I10"], ["E11"], ["E11.9"]])
    assert prior.code("E11.9")[2] == 1.0 and prior.code("J45.909")[2] == 0.0
    assert prior.code("E11.9")[0] > prior.code("E11.65")[0] > prior.code("J45.909")[0]
    assert prior.code("E11.65")[1] == prior.code("E11.9")[1]  # one category
    again = CodePrior.from_json(json.loads(json.dumps(prior.to_json())))
    assert again.code("E11.9") == prior.code("E11.9") and again.code("E11.65") == prior.code("E11.65")


# ---------------------------------------------------------------- the engine uses the ranker
def test_ranker_probability_orders_and_is_the_shown_score(service: SuggestionService) -> None:
    (codes, _), _ = service.candidate_features(SuggestRequest(text=NOTE), None)
    first, second = codes[0], codes[1]
    # a ranker that trusts the training prior only: the prior's code goes first
    ranker = one_feature_ranker("prior_seen", 4.0, -2.0, prior=CodePrior.from_gold([[second]]))
    learned = with_ranker(service, ranker).suggest(SuggestRequest(text=NOTE))
    by_code = {s.code: s for s in learned.suggestions}
    assert by_code[second].confidence == "medium"
    assert by_code[second].score == pytest.approx(
        1 / (1 + np.exp(-2.0)), abs=1e-4
    )  # the calibrated probability
    # the rule-based first candidate keeps its (low) probability; a coding rule may still keep it final
    assert by_code[first].score == pytest.approx(1 / (1 + np.exp(2.0)), abs=1e-4)
    assert [s.code for s in learned.suggestions][0] == second


def test_a_single_phrase_keeps_the_rule_based_order(service: SuggestionService) -> None:
    request = SuggestRequest(text="type 2 diabetes mellitus with hyperglycemia", top_k=5)
    plain = service.suggest(request)
    ranker = one_feature_ranker(
        "prior_seen", 4.0, -2.0, prior=CodePrior.from_gold([[plain.suggestions[1].code]])
    )
    learned = with_ranker(service, ranker).suggest(request)
    assert [(s.code, s.score) for s in learned.suggestions] == [(s.code, s.score) for s in plain.suggestions]


def test_ranker_threshold_makes_the_final_list(service: SuggestionService) -> None:
    request = SuggestRequest(text=NOTE)
    # the note's mentions are in the assessment or history: final from half the threshold (0.5 >= 0.95 / 2)
    for threshold, high, want in ((0.3, 0.9, "medium"), (0.3, 0.4, "high"), (1.0, 0.99, "medium")):
        ranker = one_feature_ranker("hand_score", 0.0, 0.0, threshold=threshold, high_threshold=high)
        response = with_ranker(service, ranker).suggest(request)  # every candidate: p = 0.5
        top = response.suggestions[0]
        assert top.score == pytest.approx(0.5) and top.confidence == want, (threshold, high)


def test_the_assessment_and_history_keep_their_best_code_at_half_the_threshold(
    service: SuggestionService,
) -> None:
    ranker = one_feature_ranker("hand_score", 0.0, 0.0, threshold=0.8, high_threshold=0.99)  # p = 0.5
    engine = with_ranker(service, ranker)

    def finals(text: str) -> dict[str, list[str]]:
        response = engine.suggest(SuggestRequest(text=text))
        return {s.code: s.reasons for s in response.suggestions if s.confidence != "low"}

    def first_listed(reasons: list[str]) -> bool:
        return any(r.startswith("first-listed diagnosis") for r in reasons)

    # Two mentions, so the learned ranker decides; every candidate has p = 0.5 < 0.8: only the first-listed
    # rule lists one code (every encounter lists a diagnosis).
    [(_, reasons)] = finals("HPI: fever. Cough.").items()
    assert first_listed(reasons)
    # An assessment or history mention keeps its best code on its own (0.5 >= 0.8 x 0.5).
    for text in ("HPI: fever.\nAssessment: pneumonia.", "HPI: fever.\nHistory of colon cancer."):
        [(_, reasons)] = finals(text).items()
        assert not first_listed(reasons)


def test_without_artifact_the_rule_based_scores_stay(service: SuggestionService, tmp_path: Path) -> None:
    assert load_ranker(tmp_path / "missing.json") is None
    plain = service.suggest(SuggestRequest(text=NOTE))
    again = with_ranker(service, None).suggest(SuggestRequest(text=NOTE))
    assert [(s.code, s.score, s.confidence) for s in plain.suggestions] == [
        (s.code, s.score, s.confidence) for s in again.suggestions
    ]


def test_artifact_with_other_features_is_refused(tmp_path: Path) -> None:
    data = one_feature_ranker("cos", 1.0).to_json()
    data["features"] = data["features"][:-1]
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(data))
    with pytest.raises(AssistantError, match="other features"):
        load_ranker(path)


# ---------------------------------------------------------------- artifact formats
def test_logistic_round_trip(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    ranker = one_feature_ranker("cos", 3.0, -1.0, prior=CodePrior.from_gold([["I10"]]))
    ranker.calibration = (0.8, 0.1)
    path = tmp_path / "r.json"
    ranker.save(path)
    again = load_ranker(path)
    assert again is not None and again.prior is not None
    x = rng.random((20, len(FEATURES)))
    assert np.allclose(again.predict(x), ranker.predict(x), atol=1e-5)


def test_trees_export_predicts_like_sklearn(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    x = rng.random((400, len(FEATURES)))
    y = ((x[:, 1] + 0.5 * x[:, 3] + 0.1 * rng.random(400)) > 0.9).astype(int)
    model = HistGradientBoostingClassifier(max_iter=20, max_leaf_nodes=7, random_state=0).fit(x, y)
    trees, baseline = export_trees(model)
    ranker = Ranker(kind="trees", threshold=0.5, high_threshold=0.8, intercept=baseline, trees=trees)
    path = tmp_path / "t.json"
    ranker.save(path)
    again = load_ranker(path)
    assert again is not None
    test = rng.random((50, len(FEATURES)))
    assert np.allclose(again.predict(test), model.predict_proba(test)[:, 1], atol=1e-5)


# ---------------------------------------------------------------- the committed artifact
def test_committed_artifact_loads_and_is_used_by_settings(tmp_path: Path) -> None:
    assert DEFAULT_PATH.stat().st_size <= 2 * 1024 * 1024
    ranker = load_ranker()
    assert ranker is not None and ranker.prior is not None
    assert 0.0 < ranker.threshold <= ranker.high_threshold < 1.0
    assert "dev" not in ranker.info["trained_on"] and "check" not in ranker.info["trained_on"]
    x = np.zeros((3, len(FEATURES)))
    p = ranker.predict(x)
    assert ((p > 0) & (p < 1)).all()
    assert Settings(suggest_ranker=False).suggest_ranker is False


def test_settings_name_the_ranker_file(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    one_feature_ranker("cos", 2.0, threshold=0.3).save(path)
    named = configured_ranker(Settings(suggest_ranker_path=path))
    assert named is not None and named.threshold == 0.3 and named.coef is not None
    committed = configured_ranker(Settings())
    assert committed is not None and committed.to_json() == load_ranker().to_json()  # type: ignore[union-attr]
    assert configured_ranker(Settings(suggest_ranker=False, suggest_ranker_path=path)) is None
    with pytest.raises(FileNotFoundError, match="no ranker file"):
        configured_ranker(Settings(suggest_ranker_path=tmp_path / "typo.json"))
