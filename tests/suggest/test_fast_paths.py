"""The engine's fast paths give exactly what the plain computations they replace give.

Each fast path (the forest as one node table or onnxruntime's tree ensemble, the per-code feature
columns kept, each note's ranker rows built and scored once, the abbreviation trie regex, the Index walker's
head index and memos, the one-thread dense search) is switched back to the plain computation, and the
answers must be equal to the last digit: on whole notes through the engine (fixture index, HashingEmbedder,
the tests' code sets and Index, the committed ranker) and piece by piece.
"""

from __future__ import annotations

import contextlib
import copy
import re
from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier

from assistant.suggest import (
    abbreviations,
    feature_columns,
    features,
    index_walker,
    note_rows,
    overlap,
    qualifiers,
    request_memo,
    sibling_guard,
)
from assistant.suggest.coding_rules import combination
from assistant.suggest.features import FEATURES, mention_features
from assistant.suggest.forest import Forest
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.ranker import Ranker, export_trees, load_ranker
from assistant.suggest.reader import Mention
from assistant.suggest.schemas import SuggestRequest
from assistant.suggest.service import SuggestionService
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Candidate, Query
from tests.suggest.conftest import EngineFactory

NOTES = [
    "58 yo M. Assessment and plan: 1. DM2 with hyperglycemia, A1c 9.2, increase metformin. 2. HTN, well "
    "controlled on lisinopril. 3. CKD 3b. 4. Hyperlipidemia - continue atorvastatin.",
    "HPI: cough and fever for 3 days, no chest pain. PMH: coronary artery disease s/p stent, GERD.\n"
    "Assessment: community acquired pneumonia. Hx of colon cancer. Former smoker, quit 10 years ago.",
    "# Acute cystitis without hematuria\n# Chronic obstructive pulmonary disease with acute exacerbation\n"
    "# Migraine without aura, not intractable\n# Major depressive disorder, recurrent, moderate",
    "Type 2 diabetes mellitus with diabetic polyneuropathy",
]


def _per_tree_raw(ranker: Ranker, x: np.ndarray) -> np.ndarray:
    """The plain walk: each tree on its own, the leaf values stacked in the artifact's order and summed."""
    x = np.asarray(x, dtype=np.float64)
    return np.stack([t.predict(x) for t in ranker.trees], axis=1).sum(axis=1) + ranker.intercept


class _EachCall:
    """The ranker scoring each call's rows afresh (what the engine did before note_rows)."""

    def __init__(self, ranker: Any, rows: list[Any]) -> None:
        self.predict = ranker.predict
        self.head_probs = ranker.predict(np.concatenate([x for _, x in rows]))


def _plain_rows(features: Any, ranker: Any, config: Any, per_mention: int) -> tuple[Any, Any, Any]:
    """The head rows and the deeper rows each built by their own feature pass, scored by two calls."""
    rows = features(config.rank_scored)
    deeper = config.ranked_tail and config.tail_scored > config.rank_scored
    deep = features(config.tail_scored) if deeper else []
    return rows, deep, _EachCall(ranker, rows)


def _rows_one_mention_at_a_time(mentions: list[Any], **kwargs: Any) -> list[np.ndarray]:
    """features.mention_features row by row, one mention at a time (what the engine did before)."""
    return [
        features.mention_features(
            m.cands, m.mention, m.query, qualifier_reasons=m.qualifier_reasons, **kwargs
        )
        for m in mentions
    ]


def _plain_abbreviation_pattern() -> re.Pattern[str]:
    keys = sorted(abbreviations.table(), key=len, reverse=True)
    return re.compile(
        r"(?<![A-Za-z0-9/])(" + "|".join(re.escape(k) for k in keys) + r")(?![A-Za-z0-9/])", re.IGNORECASE
    )


def _every_shape_run() -> list[Any]:
    """The shorthand shapes with no words needed: each one run on every text (what the engine did before)."""
    return [(regex, build, None) for regex, build, _ in abbreviations._SHAPES]


@pytest.fixture(scope="module")
def engine(full_engine: EngineFactory) -> SuggestionService:
    return full_engine()


def _answers(engine: SuggestionService) -> list[Any]:
    requests = [SuggestRequest(text=t, top_k=15) for t in NOTES]
    out: list[Any] = [engine.suggest(r).model_dump() for r in requests]
    out += [r.model_dump() for r in engine.suggest_many(requests)]
    assert engine.ranker is not None
    out += [
        [(codes, x.tolist()) for codes, x in engine.candidate_features(r, engine.ranker.prior)]
        for r in requests
    ]
    return out


def test_fast_paths_answer_like_the_plain_ones(
    engine: SuggestionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _answers(engine)
    assert any(s["code"] for s in fast[0]["suggestions"])  # the notes do reach codes
    walker = engine.walker
    assert walker is not None
    monkeypatch.setattr(Ranker, "raw", _per_tree_raw)
    monkeypatch.setattr(abbreviations, "_pattern", _plain_abbreviation_pattern)
    monkeypatch.setattr(abbreviations, "_SHAPES", _every_shape_run())
    monkeypatch.setattr(walker, "_head_entries", lambda head, words: walker.by_head.get(head, []))
    monkeypatch.setattr(walker, "_see_target", walker._find_target)
    monkeypatch.setattr(index_walker, "_qualifiers", index_walker._qualifiers.__wrapped__)
    monkeypatch.setattr(index_walker, "_title_words", index_walker._title_words.__wrapped__)
    monkeypatch.setattr(engine, "static_columns", None)  # each mention's columns computed afresh
    monkeypatch.setattr(engine.index, "search_dense", lambda v, k: engine.index.dense.search(v, k))
    monkeypatch.setattr(note_rows, "build", _plain_rows)
    monkeypatch.setattr(request_memo, "one_request", contextlib.nullcontext)  # every text read afresh
    monkeypatch.setattr(feature_columns, "note_features", _rows_one_mention_at_a_time)
    monkeypatch.setattr(  # the embedding and dense search on the engine's thread, nothing computed ahead
        overlap, "dense_meanwhile", lambda service, texts, meanwhile: overlap.embed_and_search(service, texts)
    )
    assert _answers(engine) == fast


def test_request_memo_keeps_answers_for_one_request_only() -> None:
    seen: list[str] = []

    @request_memo.per_request
    def upper(text: str) -> str:
        seen.append(text)
        return text.upper()

    assert [upper("a"), upper("a")] == ["A", "A"] and seen == ["a", "a"]  # outside a request: each call
    with request_memo.one_request():
        assert [upper("b"), upper("b"), upper("c")] == ["B", "B", "C"]
    assert seen == ["a", "a", "b", "c"]
    with request_memo.one_request():
        assert upper("b") == "B"  # a new request starts empty
    assert seen == ["a", "a", "b", "c", "b"]
    assert upper.__wrapped__("d") == "D"  # type: ignore[attr-defined]


@pytest.mark.parametrize("head", [15, 3])
def test_note_rows_are_the_two_feature_passes(engine: SuggestionService, head: int) -> None:
    """Piece by piece: the head rows copied from the deeper rows equal the head's own feature pass, on
    mentions where a candidate past the head has the best cosine (the column that then differs) and not;
    the scores are the ranker's on each set of rows."""
    assert engine.ranker is not None
    cfg = replace(engine.config, rank_scored=head)
    prior = engine.ranker.prior
    for text in NOTES[:3]:
        request = SuggestRequest(text=text, top_k=15)
        plans, vec_of, dense_hits, all_facts = engine._prepare([request])
        ranked = engine._mention_candidates(request, plans[0], vec_of, dense_hits, all_facts[0], {})
        per_mention = cfg.alternates_per_mention

        def features(
            n: int, ranked: Any = ranked, facts: Any = all_facts[0], per_mention: int = per_mention
        ) -> list[Any]:
            return engine.ranking_features(ranked, facts, False, per_mention, prior, n)

        rows, deep, scores = note_rows.build(features, engine.ranker, cfg, per_mention)
        plain = features(head)
        assert [mc for mc, _ in rows] == [mc for mc, _ in plain]
        assert all(np.array_equal(a, b) for (_, a), (_, b) in zip(rows, plain, strict=True))
        heads = np.concatenate([x for _, x in plain])
        assert np.array_equal(scores.head_probs, engine.ranker.predict(heads))
        rest = np.concatenate([x[len(h) :] for (_, x), (_, h) in zip(deep, rows, strict=True)])
        assert np.array_equal(scores.predict(rest), engine.ranker.predict(rest))
        assert np.array_equal(scores.predict(heads), engine.ranker.predict(heads))  # other rows: afresh


def test_head_rows_recompute_the_gap_to_a_deeper_best_cosine(engine: SuggestionService) -> None:
    """A candidate past the head with the best cosine: the copied head rows still equal the head's own."""
    rng = np.random.default_rng(11)
    codes = [list(engine.catalog.codes)[i % len(engine.catalog.codes)] for i in range(40)]
    cands = [
        Candidate(code, i, float(s), cos=float(c), coverage=float(v), dense_rank=i % 7 - 1, lex_rank=i % 5)
        for i, (code, s, c, v) in enumerate(
            zip(codes, np.sort(rng.random(40))[::-1], rng.random(40), rng.random(40), strict=True)
        )
    ]
    cands[30].cos = 1.0  # above every other (random in [0, 1)): past any head below 31
    mention = Mention(start=0, end=9, text="back pain", query="back pain", section="assessment")
    assert engine.ranker is not None

    def rows(n: int) -> np.ndarray:
        return mention_features(
            cands[:n],
            mention,
            Query("back pain"),
            catalog=engine.catalog,
            prior=engine.ranker.prior if engine.ranker else None,
            qualifier_reasons={},
            patient_known=False,
            mention_count={},
            phrase=False,
        )

    deep = rows(40)
    for head in (1, 5, 15, 31, 40):
        assert np.array_equal(note_rows.head_rows(cands, deep, head), rows(head)), head
    assert not np.array_equal(deep[:15], rows(15))  # the column that differs is met


def test_forest_sums_exactly_like_each_tree_in_turn() -> None:
    rng = np.random.default_rng(3)
    x = rng.random((600, len(FEATURES)))
    y = ((x[:, 1] + 0.5 * x[:, 3] - 0.3 * x[:, 7] + 0.2 * rng.random(600)) > 0.8).astype(int)
    model = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0).fit(x, y)
    trees, baseline = export_trees(model)
    assert len({t.depth for t in trees}) > 1  # trees of several depths: the deepest-first order matters
    ranker = Ranker(kind="trees", threshold=0.5, high_threshold=0.8, intercept=baseline, trees=trees)
    test = rng.random((257, len(FEATURES))).astype(np.float32)
    assert np.array_equal(ranker.raw(test), _per_tree_raw(ranker, test))
    assert np.allclose(ranker.predict(test), model.predict_proba(test.astype(np.float64))[:, 1], atol=1e-6)
    committed = load_ranker()
    assert committed is not None
    assert np.array_equal(committed.raw(test), _per_tree_raw(committed, test))


def test_feature_columns_give_the_rows_of_the_row_by_row_build(engine: SuggestionService) -> None:
    rng = np.random.default_rng(17)
    codes = [list(engine.catalog.codes)[i % len(engine.catalog.codes)] for i in range(60)] + ["J0000"]
    cands = [
        Candidate(
            code,
            i,
            float(s),
            cos=float(c),
            coverage=float(v),
            title=float(v) / 2,
            walk=float(v) if i % 3 == 0 else 0.0,
            dense_rank=i % 9 - 1,
            lex_rank=i % 4 - 1,
            lex_score=float(c) * 7 - 1,  # some at or below 0
        )
        for i, (code, s, c, v) in enumerate(
            zip(codes, np.sort(rng.random(61))[::-1], rng.random(61), rng.random(61), strict=True)
        )
    ]
    reasons = {codes[0]: ["qualifier conflict: x", "qualifier: with y"], codes[4]: ["qualifier: acute"]}
    counts = {codes[1]: 3, codes[2]: 1}
    assert engine.ranker is not None
    for section, kind, prior in [("assessment", "current", engine.ranker.prior), ("weird", "service", None)]:
        mention = Mention(0, 9, "back pain", "no back pain", section=section, negated=True)
        for n in (1, 7, 61):
            kwargs: dict[str, Any] = {
                "catalog": engine.catalog,
                "prior": prior,
                "qualifier_reasons": reasons,
                "patient_known": True,
                "mention_count": counts,
                "phrase": False,
                "statics": engine.static_columns,
            }
            reasons_of = kwargs.pop("qualifier_reasons")
            (fast,) = feature_columns.note_features(
                [feature_columns.MentionRows(cands[:n], mention, Query("back pain", kind=kind), reasons_of)],
                **kwargs,
            )
            plain = features.mention_features(
                cands[:n], mention, Query("back pain", kind=kind), qualifier_reasons=reasons_of, **kwargs
            )
            assert fast.dtype == plain.dtype and fast.tobytes() == plain.tobytes(), (section, n)
    note = [  # a note's mentions in one block: each its own ranks, top scores and mention columns
        feature_columns.MentionRows(
            cands[a:b], Mention(0, 4, "gout", "gout", section=sec), Query("gout", kind=k), r
        )
        for a, b, sec, k, r in [
            (0, 20, "hpi", "history", reasons),
            (20, 21, "ros", "current", {}),
            (5, 61, "x", "family", reasons),
        ]
    ]
    kwargs = {
        "catalog": engine.catalog,
        "prior": engine.ranker.prior,
        "patient_known": False,
        "mention_count": counts,
        "phrase": True,
    }
    blocks = feature_columns.note_features(note, **kwargs)
    for m, x in zip(note, blocks, strict=True):
        plain = features.mention_features(
            m.cands, m.mention, m.query, qualifier_reasons=m.qualifier_reasons, **kwargs
        )
        assert x.tobytes() == plain.tobytes()


def test_compiled_tree_walk_gives_the_numpy_walks_leaves() -> None:
    committed = load_ranker()
    assert committed is not None
    forest = Forest.from_trees(committed.trees)
    assert forest.compiled is not None  # onnxruntime is installed here: its tree ensemble is the one taken
    rng = np.random.default_rng(5)
    x = rng.normal(0.0, 2.0, (777, len(FEATURES)))
    x[::9, rng.integers(0, len(FEATURES), 5)] = np.nan  # a missing value goes right in both walks
    thresholds = np.concatenate([t.threshold[~t.leaf] for t in committed.trees])
    feats = np.concatenate([t.feature[~t.leaf] for t in committed.trees])
    x[:50, feats[:50]] = thresholds[:50]  # values on a threshold go left in both
    assert np.array_equal(forest.leaf_values(x), forest.numpy_leaf_values(x))
    assert forest.leaf_values(x).flags.c_contiguous
    copied = copy.deepcopy(forest)  # a copy (and a pickle) opens its own session over the same trees
    assert copied.compiled is not forest.compiled and np.array_equal(
        copied.leaf_values(x), forest.leaf_values(x)
    )


def test_compiled_trees_of_one_leaf_give_that_leaf() -> None:
    committed = load_ranker()
    assert committed is not None
    deep = committed.trees[0]
    stump = replace(
        deep,
        feature=deep.feature[:1],
        threshold=deep.threshold[:1],
        left=deep.left[:1],
        right=deep.right[:1],
        leaf=np.array([True]),
        value=np.array([-0.25]),
        depth=0,
    )
    forest = Forest.from_trees([stump, deep, stump])
    assert forest.compiled is not None
    x = np.random.default_rng(8).normal(0.0, 2.0, (50, len(FEATURES)))
    x[::7, 3] = np.nan
    leaves = forest.leaf_values(x)
    assert np.array_equal(leaves, forest.numpy_leaf_values(x))
    assert np.array_equal(leaves[:, 0], np.full(50, -0.25)) and len(set(leaves[:, 1].tolist())) > 1


def test_abbreviation_trie_matches_like_the_plain_alternation() -> None:
    plain = _plain_abbreviation_pattern()
    texts = []
    for key in abbreviations.table():
        for v in (key, key.upper(), key.title(), key + "s", "x" + key, key + "/", key + " " + key, key[:-1]):
            texts.append(f"pt {v} with {v}, ({v}) and {key}-{v}.")
    for text in texts:
        fast = [(m.span(), m.group(1)) for m in abbreviations._pattern().finditer(text)]
        assert fast == [(m.span(), m.group(1)) for m in plain.finditer(text)], text
    assert abbreviations.expand_text("HTN, DM2, CKD 3b") == abbreviations.expand("HTN, DM2, CKD 3b").text


# One text of our own per shorthand shape the table reads, in the order of abbreviations._SHAPES.
SHAPE_EXAMPLES = [
    "Addison's, on hydrocortisone",
    "grade 3 internal hemorrhoids",
    "Hemorrhoids, grade II",
    "CKD stage 4",
    "Scadding stage 2 on CT",
    "sarcoma stage iii",
    "distal radius fx, Salter-Harris 2",
    "Obesity, class II",
    "G3P2012 at 30 weeks",
    "62 y/o F seen today",
    "Seropositive RA of both hands",
    "seronegative rheumatoid arthritis",
    "RA w/ positive RF, both wrists",
    "RA, seropositive, on methotrexate",
    "fracture of the 4th toe",
    "ingrown nail of the big toe",
    "2nd degree AV block",
    "length-dependent sensory neuropathy",
    "asthma not adequately controlled",
    "blood group B Rh neg",
    "hand foot and mouth",
    "hot flashes at night",
    "spring and fall allergies",
    "NIHSS of 7 on arrival",
    "slow urinary stream at night",
    "L4-5 disc herniation",
    "bilateral renal calculi",
    "gastric cancer, metastatic",
]


def test_each_shorthand_shape_holds_a_word_it_needs() -> None:
    shapes = abbreviations._SHAPES
    assert len(SHAPE_EXAMPLES) == len(shapes)
    for (regex, _, needed), text in zip(shapes, SHAPE_EXAMPLES, strict=True):
        assert regex.search(text), text
        assert needed is None or any(word in text.lower() for word in needed), text


def test_shapes_skipped_for_want_of_their_words_change_no_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [*SHAPE_EXAMPLES, *NOTES, "CKD 3b, HTN and recurrent UTIs", "no capitals here: dm2 and ckd 3"]
    texts += [t.upper() for t in texts]
    texts += ["Şeker's CKD 3b", "Graves’ disease, stable", "ﬁbrosis of the 2nd toe"]  # not ASCII: all run
    fast = [abbreviations._edits(t) for t in texts]
    assert any(fast)
    monkeypatch.setattr(abbreviations, "_SHAPES", _every_shape_run())
    assert [abbreviations._edits(t) for t in texts] == fast


def _row(level: int, path: str, code: str | None = None) -> dict[str, Any]:
    return {"source": "main", "level": level, "path": path, "code": code}


def test_long_head_lists_give_the_main_terms_a_scan_gives() -> None:
    rows = [_row(0, "Disease, diseased")]
    rows += [
        _row(0, f"Disease, {w}", f"X{i:02d}") for i, w in enumerate(["heart", "kidney", "lung", "liver"] * 8)
    ]
    rows += [
        _row(0, "Kidney disease, chronic", "N18.9"),
        _row(0, "Heart", "I51.9"),
        _row(0, "Chronic", "R69"),
    ]
    walker = IndexWalker.from_rows(rows)
    head = min(index_walker.content_keys("Disease"))
    assert len(walker.by_head[head]) > index_walker.LONG_HEAD  # the indexed path is taken
    for text in ["chronic kidney disease", "heart disease", "disease", "liver and lung disease", "kidney"]:
        mention = index_walker.read_mention(text)
        fast = walker.main_terms(mention)
        slow = [
            (words, node)
            for word in sorted(mention.words)
            for words, node in walker.by_head.get(word, [])
            if words <= mention.words
        ]
        slow = [(w, n) for i, (w, n) in enumerate(slow) if all(n is not m for _, m in slow[:i])]
        assert fast == slow, text


def test_word_readings_kept_for_a_request_are_the_plain_ones_and_never_changed() -> None:
    title = "Nontoxic single thyroid nodule, not specified as traumatic, with unstable angina"
    note = "toxic thyroid nodule, stable angina"
    with request_memo.one_request():
        kept = qualifiers._non_words(title)
        assert kept == qualifiers._non_words.__wrapped__(title)  # type: ignore[attr-defined]
        assert kept[0] == {"toxic", "stable"}
        # the title's "not specified as" word joins its negated words for this call only
        assert qualifiers.plain_words_negated("nontraumatic nodule", title) == []
        assert qualifiers.prefix_conflict(note, title) == 'title negates "stable", the note says it'
        assert qualifiers._non_words(title) is kept and "traumatic" not in kept[0]
        phrases = qualifiers.with_phrases(title)
        assert phrases is qualifiers.with_phrases(title)
        assert phrases == tuple(qualifiers.with_phrases.__wrapped__(title))  # type: ignore[attr-defined]
        assert all(isinstance(p, frozenset) for p in phrases) and phrases
    # a title's readings are code-set text: kept for the process, equal to the plain reading, never changed
    reading = qualifiers._title_non_words(title)
    assert reading is qualifiers._title_non_words(title) and reading == qualifiers._prefixed_words(title)
    assert qualifiers.plain_words_negated("nontraumatic nodule", title) == []
    assert "traumatic" not in reading[0] and "traumatic" in qualifiers._title_negations(title)[0]
    assert qualifiers.with_phrases(title) is phrases
    stage = "Nonexudative age-related macular degeneration, left eye, intermediate dry stage"
    assert qualifiers._stage_named(stage) == "intermediate dry stage"
    assert qualifiers._stage_named("Nonexudative age-related macular degeneration, stage unspecified") is None


def test_a_titles_sibling_words_are_kept_for_the_process_as_first_read() -> None:
    title = "Chronic gout due to renal impairment, left ankle and foot, with tophus (tophi)"
    words = sibling_guard._words(title)
    assert isinstance(words, frozenset) and words is sibling_guard._words(title)
    assert words == sibling_guard._words.__wrapped__(title)  # type: ignore[attr-defined]
    assert "left" not in words and "gout" in words  # the side is an axis word, not one a line names
    roots = sibling_guard._named_roots(title)
    assert roots is sibling_guard._named_roots(title) and roots == sibling_guard._roots(words)
    assert roots != sibling_guard._named_roots("Chronic gout due to renal impairment, right knee")


def test_a_problem_line_and_its_judgements_are_read_once_a_request_as_afresh() -> None:
    text = "Migraine without aura, not intractable, right side"
    title = "Migraine with aura, intractable, with status migrainosus"
    plain_line = sibling_guard.read_line.__wrapped__(text)  # type: ignore[attr-defined]
    plain = sibling_guard.judge(plain_line, title)
    assert plain[0]  # the line contradicts the title
    with request_memo.one_request():
        line = sibling_guard.read_line(text)
        assert line == plain_line and sibling_guard.read_line(text) is line
        first = sibling_guard.judge(line, title)
        first[0].append("changed by a caller")  # a caller's list is its own
        assert sibling_guard.judge(line, title) == plain


def test_title_words_kept_for_a_request_belong_to_their_own_catalog() -> None:
    def catalog(title: str) -> CodeCatalog:
        return CodeCatalog({"codes": {"E11.9": ["ICD-10-CM", title, True, "E11", "code"]}})

    plain, other = catalog("Type 2 diabetes mellitus without complications"), catalog("Gout, unspecified")
    assert plain.title("E11.9") == "Type 2 diabetes mellitus without complications"
    assert plain.title("Z99.99") == "Z99.99"  # a code the catalog lacks reads as itself
    outside = combination._core(plain, "E11.9")
    with request_memo.one_request():
        kept = combination._core(plain, "E11.9")
        assert kept == outside and combination._core(plain, "E11.9") is kept
        assert combination._core(other, "E11.9") == {"gout"}  # another catalog, its own title
    assert outside == {"diabete"}  # the "without" clause and the qualifier words left out


def test_a_title_naming_only_its_condition_compares_by_the_excluded_phrases_alone() -> None:
    titles = [
        "Essential (primary) hypertension",
        "Acute cystitis without hematuria",
        "Hematuria, unspecified",
        "Migraine without aura, not intractable, without status migrainosus",
        "Major depressive disorder, recurrent, in full remission",
        "Alcoholic fatty liver",
        "Type 2 diabetes mellitus without complications",
        "Gout, unspecified",
    ]
    notes = [
        "cystitis without hematuria, in remission",
        "acute on chronic migraine with aura, intractable",
        "severe persistent asthma, stage 3a, second trimester, uncontrolled type 1 diabetes on insulin",
        "fatty liver, drinks beer daily, recurrent",
        "gout",
    ]
    bare = [t for t in titles if qualifiers.title_names_only_its_head(t)]
    assert "Essential (primary) hypertension" in bare and "Hematuria, unspecified" in bare
    assert "Acute cystitis without hematuria" not in bare and "Alcoholic fatty liver" not in bare
    for text in notes:
        note = qualifiers.read_qualifiers(text)
        for title in bare:
            said = qualifiers.title_qualifiers(title)
            assert qualifiers.compare(note, said) == (qualifiers.names_excluded(note, said), [])
    hematuria = qualifiers.title_qualifiers("Hematuria, unspecified")
    assert qualifiers.names_excluded(qualifiers.read_qualifiers(notes[0]), hematuria)  # "without hematuria"


def test_leaves_under_a_code_are_found_once_and_each_caller_gets_its_own_list() -> None:
    codes = {
        "E11": ["ICD-10-CM", "Type 2 diabetes mellitus", False, None, "category"],
        "E11.6": ["ICD-10-CM", "with other specified complications", False, "E11", "subcategory"],
        "E11.65": ["ICD-10-CM", "with hyperglycemia", True, "E11.6", "code"],
        "E11.649": ["ICD-10-CM", "with hypoglycemia without coma", True, "E11.6", "code"],
        "E11.9": ["ICD-10-CM", "without complications", True, "E11", "code"],
    }
    catalog = CodeCatalog({"codes": codes})
    first = catalog.leaves_under("E11")
    assert first == ["E11.649", "E11.65", "E11.9"] and catalog.leaves_under("E11.65") == ["E11.65"]
    first.append("changed by a caller")
    assert catalog.leaves_under("E11") == ["E11.649", "E11.65", "E11.9"]
    assert catalog.leaves_under("E11.6") == ["E11.649", "E11.65"] and catalog.leaves_under("Z00") == []
