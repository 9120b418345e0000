"""Metrics on small hand-computed cases."""

from __future__ import annotations

import math

import pytest

from evals import metrics as m
from evals.metrics import CaseOutcome


# ------------------------------------------------------------------ matching rules
def test_prefix_rule_matches_descendants_of_non_billable_gold_only() -> None:
    assert m.code_matches("R51.9", "R51")  # gold split after 2018: any child matches
    assert m.code_matches("r519", "R51")  # dots and case do not matter
    assert not m.code_matches("R51", "R51.9")  # a header never matches a billable gold code
    assert not m.code_matches("R52", "R51")
    assert m.code_matches("E11.9", "E11.9")


def test_each_gold_matched_at_most_once() -> None:
    # R51.0 and R51.9 both start with R51, but only the first one gets the credit.
    assert m.match_ranked(["R51.0", "R51.9", "I10"], ["R51", "I10"]) == [0, None, 1]
    # Exact match is preferred over a prefix match, so the later exact code is not starved.
    assert m.match_ranked(["E11.9", "E11.65"], ["E11", "E11.9"]) == [1, 0]
    # Duplicated suggestions count once.
    assert m.match_ranked(["I10", "I10"], ["I10"]) == [0, None]


def test_alternatives_rule_counts_one_hit() -> None:
    gold = ["A00.0", "A00.1"]
    assert m.relevance(["A00.0", "A00.1"], gold, "any") == [1, 0]
    assert m.relevance(["A00.0", "A00.1"], gold, "all") == [1, 1]
    assert m.n_relevant(gold, "any") == 1
    rel = m.relevance(["X", "A00.1"], gold, "any")
    assert m.recall_at_k(rel, 1, 1) == 0.0
    assert m.recall_at_k(rel, 1, 5) == 1.0  # recall@k == hit@k


# ------------------------------------------------------------------ ranking metrics
def test_ranking_metrics_hand_computed() -> None:
    ranked = ["A", "B1", "C", "B2", "D"]
    gold = ["B1", "B2", "E"]
    rel = m.relevance(ranked, gold, "all")
    assert rel == [0, 1, 0, 1, 0]
    assert m.recall_at_k(rel, 3, 1) == 0.0
    assert m.recall_at_k(rel, 3, 5) == pytest.approx(2 / 3)
    assert m.precision_at_k(rel, 5) == pytest.approx(2 / 5)
    assert m.precision_at_k(rel, 10) == pytest.approx(2 / 10)
    assert m.reciprocal_rank(rel) == 0.5
    # AP = (1/2 + 2/4) / 3
    assert m.average_precision(rel, 3) == pytest.approx((0.5 + 0.5) / 3)
    # R-precision: 1 hit in the top 3 out of 3
    assert m.r_precision(rel, 3) == pytest.approx(1 / 3)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    idcg = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert m.ndcg_at_k(rel, 3, 10) == pytest.approx(dcg / idcg)


def test_recall_at_10_cannot_reach_one_with_more_than_ten_gold_but_r_precision_can() -> None:
    gold = [f"C{i:02d}" for i in range(12)]
    rel = m.relevance(gold, gold, "all")
    assert m.recall_at_k(rel, 12, 10) == pytest.approx(10 / 12)
    assert m.r_precision(rel, 12) == 1.0
    assert m.average_precision(rel, 12) == 1.0


# ------------------------------------------------------------------ hierarchy
def test_hierarchy_relations() -> None:
    assert m.relation("E11.9", "E11.9") == "exact"
    assert m.relation("R51.9", "R51") == "descendant"
    assert m.relation("E11", "E11.9") == "ancestor"
    assert m.relation("E11.65", "E11.69") == "sibling"
    assert m.relation("E11.9", "E11.65") == "category"
    assert m.relation("E10.9", "E11.9") == "chapter"
    assert m.relation("J18.9", "E11.9") == "other"
    assert m.best_relation("E11.65", ["J18.9", "E11.69"]) == "sibling"


def test_category_credit() -> None:
    assert m.category_recall_at_k(["E11.65", "I10"], ["E11.9"], "all", 1) == 1.0
    assert m.category_recall_at_k(["I10", "E11.65"], ["E11.9"], "all", 1) == 0.0
    assert m.category_recall_at_k(["E11.65"], ["E11.9", "J18.9"], "all", 5) == 0.5


def test_chapters() -> None:
    assert m.chapter("A00.0") == "01 Infectious and parasitic"
    assert m.chapter("D48.1") == "02 Neoplasms"
    assert m.chapter("D50.0") == "03 Blood and immune"
    assert m.chapter("H59.0") == "07 Eye and adnexa"
    assert m.chapter("H60.0") == "08 Ear and mastoid"
    assert m.chapter("O9A.1") == "15 Pregnancy and childbirth"
    assert m.chapter("T88.7") == "19 Injury and poisoning"
    assert m.chapter("U07.1") == "22 Special purposes"
    assert m.chapter("99213") == "?? Unknown"


# ------------------------------------------------------------------ set metrics and macro-F1
def test_set_counts_prefix_and_alternatives() -> None:
    assert m.set_counts(["R51.9", "I10", "J18.9"], ["R51", "E11.9"], "all") == m.SetCounts(1, 2, 1)
    # Any-rule: both alternatives suggested is one TP and one FP; gold counts once.
    assert m.set_counts(["A00.0", "A00.1"], ["A00.0", "A00.1"], "any") == m.SetCounts(1, 1, 0)
    assert m.set_counts([], ["A00.0", "A00.1"], "any") == m.SetCounts(0, 0, 1)


def test_micro_f1_hand_computed() -> None:
    counts = [m.SetCounts(2, 1, 0), m.SetCounts(0, 1, 2)]
    p, r, f = m.micro_prf(counts)
    assert (p, r) == (0.5, 0.5)
    assert f == pytest.approx(0.5)


PAIRS = [
    (["A", "B"], ["A"]),  # A: TP; B: FP
    (["A"], ["A", "C"]),  # A: TP; C: FN
    (["D"], ["D"]),  # D: TP
]


def test_macro_f1_edin_convention() -> None:
    # Per code: A tp=2 -> F1 1; B fp=1 -> 0; C fn=1 -> 0; D tp=1 -> 1. Union of gold and predicted = 4 codes.
    value, n_codes = m.macro_f1(PAIRS)
    assert n_codes == 4
    assert value == pytest.approx(0.5)


def test_macro_f1_common_mistakes_differ() -> None:
    correct, _ = m.macro_f1(PAIRS)
    # Mistake 1: averaging over a label space with absent codes (E, F) counted as F1 = 0.
    assert m.macro_f1_label_space(PAIRS, ["A", "B", "C", "D", "E", "F"]) == pytest.approx(2 / 6)
    assert m.macro_f1_label_space(PAIRS, ["A", "B", "C", "D", "E", "F"]) != pytest.approx(correct)
    # Mistake 2: F1 of macro-P and macro-R with undefined P (C never predicted) and R (B never gold) as 0.
    # macro-P = (1 + 0 + 0 + 1)/4 = 0.5 ; macro-R = (1 + 0 + 0 + 1)/4 = 0.5 -> 0.5 here, so use another case.
    pairs = [(["A"], ["A", "C"]), (["A"], ["A"])]
    # Correct: A F1 = 1, C F1 = 0 -> 0.5. Harmonic: macro-P = (1 + 0)/2, macro-R = (1 + 0)/2 -> 0.5 too;
    # add a half-right code to separate them.
    pairs.append((["G", "H"], ["G"]))
    pairs.append((["I"], ["G"]))
    correct2, n2 = m.macro_f1(pairs)
    # A: tp2 -> 1; C: fn1 -> 0; G: tp1 fn1 -> 2/3; H: fp1 -> 0; I: fp1 -> 0
    assert n2 == 5
    assert correct2 == pytest.approx((1 + 0 + 2 / 3 + 0 + 0) / 5)
    # macro-P = (1 + 0 + 1 + 0 + 0)/5 = 0.4 ; macro-R = (1 + 0 + 0.5 + 0 + 0)/5 = 0.3 -> 2*.4*.3/.7
    assert m.macro_f1_harmonic(pairs) == pytest.approx(2 * 0.4 * 0.3 / 0.7)
    assert m.macro_f1_harmonic(pairs) != pytest.approx(correct2)


def test_macro_f1_credits_prefix_matches_to_the_gold_code() -> None:
    table = m.per_code_counts([(["R51.9"], ["R51"])])
    assert table == {"R51": [1, 0, 0]}


# ------------------------------------------------------------------ aggregate and breakdowns
def _outcome(case_id: str, gold: list[str], ranked: list[str], final: list[str], **kw: object) -> CaseOutcome:
    return CaseOutcome(case_id=case_id, gold=gold, ranked=ranked, final=final, **kw)  # type: ignore[arg-type]


def test_aggregate_hand_computed() -> None:
    outcomes = [
        _outcome("a", ["E11.9"], ["E11.9", "I10"], ["E11.9"], header_codes=0, excludes1_pairs=0),
        _outcome("b", ["J18.9"], ["J45", "J18.9"], ["J45", "J18.9"], header_codes=1, excludes1_pairs=1),
        _outcome("c", ["R51"], ["E11.65", "R51.9"], [], header_codes=0, excludes1_pairs=0),
        _outcome("d", ["E11.69"], ["E11.65"], ["E11.65"], header_codes=0, excludes1_pairs=0),
    ]
    agg = m.aggregate(outcomes, "all")
    assert agg["n"] == 4
    assert agg["recall@1"] == pytest.approx(1 / 4)
    assert agg["recall@5"] == pytest.approx(3 / 4)
    assert agg["mrr"] == pytest.approx((1 + 0.5 + 0.5 + 0) / 4)
    # final: TP a, b ; FP b:J45, d:E11.65 ; FN c, d
    assert agg["micro_p"] == pytest.approx(2 / 4)
    assert agg["micro_r"] == pytest.approx(2 / 4)
    assert agg["over_coding"] == pytest.approx(4 / 4)
    assert agg["header_codes"] == 1 and agg["excludes1_pairs"] == 1
    assert agg["negated_coded"] is None  # no annotation: n/a, not 0
    # Top-1: a exact; b J45 same chapter as J18.9; c other; d sibling (a near miss)
    assert agg["top1_relation"] == {"chapter": 0.25, "exact": 0.25, "other": 0.25, "sibling": 0.25}
    assert agg["top1_near_miss"] == pytest.approx(0.25)
    assert agg["category@1"] == pytest.approx(2 / 4)


def test_negation_counted_when_annotated() -> None:
    o = _outcome("n", ["R05.9"], ["R05.9", "R50.9"], ["R05.9", "R50.9"], negated=["R50", "R07"])
    agg = m.aggregate([o], "all")
    assert agg["negated_coded"] == 1
    assert agg["negated_annotated"] == 2


def test_breakdowns_by_chapter_and_frequency() -> None:
    outcomes = [
        _outcome("a", ["E11.9", "I10"], ["E11.9"], []),
        _outcome("b", ["E11.9"], ["J18.9"], []),
        _outcome("c", ["A00.0", "A00.1"], ["A00.1"], []),
    ]
    chapters = m.breakdown(outcomes, "all", m.chapter)
    assert chapters["04 Endocrine and metabolic"] == {"n": 2, "recall": 0.5}
    assert chapters["09 Circulatory"] == {"n": 1, "recall": 0.0}
    assert chapters["01 Infectious and parasitic"] == {"n": 2, "recall": 0.5}
    freq = m.breakdown(outcomes, "all", m.frequency_key(outcomes))
    assert freq["2-4"] == {"n": 2, "recall": 0.5}  # E11.9 appears twice
    assert freq["1"]["n"] == 3
    # Any-rule: one unit per case.
    any_rule = m.breakdown(outcomes[2:], "any", m.chapter)
    assert any_rule == {"01 Infectious and parasitic": {"n": 1, "recall": 1.0}}
