"""The suggestion engine behind the public API (``SuggestRequest`` -> ``SuggestResponse``).

full: reader (sections, context) + hybrid retrieval scored by dense similarity and lexical coverage + the
coding rules. hybrid: reciprocal-rank fusion of dense and BM25. dense / bm25: one retriever alone.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np

from assistant.core.errors import AssistantError, InvalidInput
from assistant.suggest import (
    coding_rules,
    consolidate,
    feature_columns,
    index_first,
    mention_gate,
    note_rows,
    overlap,
    phrase_abortion,
    phrase_aircraft,
    phrase_axes,
    phrase_complicating,
    phrase_head,
    phrase_manifestation,
    phrase_order,
    phrase_pregnancy,
    phrase_ranker,
    phrase_transport,
    phrase_trimester,
    phrase_vision,
    qualifiers,
    ranked_tail,
    request_memo,
    rules,
    sibling_choice,
    sibling_guard,
    skipped_tail,
)
from assistant.suggest.cancer_history import FAMILY_HISTORY, by_site
from assistant.suggest.cancer_history import UNSPECIFIED as UNSPECIFIED_HISTORY
from assistant.suggest.cause_link import agent_apart, cause_is_part, tail_is_subterm, with_is_part
from assistant.suggest.coding_rules.combination import cause_denied, family_already_coded, family_documented
from assistant.suggest.coding_rules.hcpcs_gate import QUALITY_DATA
from assistant.suggest.coding_rules.hcpcs_gate import gate as hcpcs_gate
from assistant.suggest.coding_rules.symptoms import drop_integral_symptoms
from assistant.suggest.coding_rules.tobacco import names_tobacco
from assistant.suggest.corpus import corpus_for
from assistant.suggest.embedder import Embedder, NoVectorsEmbedder, configured_model_name, load_embedder
from assistant.suggest.features import CodePrior, StaticColumns
from assistant.suggest.first_listed import ensure_first_listed, ensure_pregnancy_code
from assistant.suggest.history import said_cured
from assistant.suggest.index_status import index_status
from assistant.suggest.index_walker import IndexWalker, WalkHit, walker_for
from assistant.suggest.mention_gate import GateInput, MentionGate, load_gate
from assistant.suggest.patient import PatientFacts, read_demographics, resolve_patient
from assistant.suggest.patient_edits import PREGNANCY_PREFIXES, PatientEdits, exam_for_age, weeks_code
from assistant.suggest.phrase_ranker import PhraseRanker, load_phrase_ranker
from assistant.suggest.query_adapter import with_query_adapter
from assistant.suggest.ranker import Ranker, configured_ranker
from assistant.suggest.reader import (
    ASSESSMENT_SECTIONS,
    SUBJECTS,
    Mention,
    clean_query,
    is_phrase,
    read_note,
    walk_query,
)
from assistant.suggest.schemas import Evidence, Suggestion, SuggestRequest, SuggestResponse
from assistant.suggest.store import LoadedIndex
from assistant.suggest.text import expand_abbreviations, lexical_query, tokens
from assistant.suggest.types import INDEX_REASON, Candidate, Pick, Query

# The categories the Index's "History, personal" entries lead to: I25.2 "old myocardial infarction" is the
# history code of an MI (guideline I.C.9.e.4; Index: History, MI); "History, personal, allergy, penicillin" is
# Z88.0 (allergy status to drugs, Z88), "..., abuse, childhood" Z62.81-.
HISTORY_PREFIXES = ("Z85", "Z86", "Z87", "Z88", "Z91", "Z92", "Z62.81", "I25.2")
PREGNANCY_HISTORY_PREFIXES = ("O09", "O34.2")
# The words of a history code's frame, which name no condition
HISTORY_WORDS = frozenset({"history", "personal", "of"})
_HISTORY_TITLE = re.compile(r"(?:personal|family)\s+history\s+of\b", re.IGNORECASE)
# Words that place a condition in the past or in the family, which the reader may not have tied to the
# mention ("FHx DM", "childhood trauma").
_PAST_SAID = re.compile(
    r"\b(?:history|f?hx|h/o|fh|prior|previous|past|former|s/p|status\s+post|resolved|remission|treated|ago|"
    r"completed|cured|survivor|childhood|family|mother|father|mom|dad|sister|brother|sibling|parents?)\b",
    re.IGNORECASE,
)
# A status after surgery: an absent limb or organ, an opening, a transplant, an implant, and the state an
# endocrine gland's removal leaves (Index: Status, thyroidectomy E89.0; Z90 Excludes2 E89.-)
STATUS_PREFIXES = ("Z89", "Z90", "Z93", "Z94", "Z95", "Z96", "Z97", "Z98", "E89")
# A mention the reader marks as a service given (not a diagnosis) is searched among these systems only.
SERVICE_GIVEN = frozenset({"immunization given"})
SERVICE_SYSTEMS = ("HCPCS", "CPT")
SERVICE_NOT_ASKED = "a service given, and no service code system requested"
FAMILY_PREFIXES = FAMILY_HISTORY


# A condition of a past pregnancy ("h/o gestational diabetes") ended with it (Z86.32, Z87.59).
CHRONIC = re.compile(
    r"\b(?<!gestational\s)(?<!pregnancy[- ]induced\s)"
    r"(hypertension|diabetes|asthma|chronic|copd|heart failure|hypothyroidism|hyperthyroidism|"
    r"hyperlipidemia|dyslipidemia|hypercholesterolemia|hypertriglyceridemia|esophageal reflux|sleep apnea|"
    r"prostatic hyperplasia|"
    r"atrial fibrillation|epilepsy|depression|depressive|arthritis|coronary\s+(?:artery|heart)\s+disease|"
    r"ischemic\s+heart\s+disease|hypertensive|cardiomyopathy|"
    r"atheroscler|obesity|gout|psoriasis|hiv|"
    r"dementia|parkinson|schizophrenia|bipolar|glaucoma|osteoporosis|cirrhosis|anemia|migraine)",
    re.IGNORECASE,
)


# A history code names no acuity ("history of chronic hepatitis C": History, personal, hepatitis C, Z86.19).
# A past colon polyp is a benign neoplasm's history (Index: History, personal, neoplasm, benign, colon polyp)
_PAST_POLYP = re.compile(
    r"\b(?:colon(?:ic)?|colorectal)\s+polyps?\b|\bpolyps?\s+of\s+(?:the\s+)?colon\b", re.I
)
_BENIGN_POLYP = "benign neoplasm colon polyp"


def _past_wording(base: str) -> str:
    """A history query's condition in the Index's words: no acuity, a colon polyp as a benign neoplasm."""
    return _PAST_POLYP.sub(_BENIGN_POLYP, _ACUITY.sub("", base))


_ACUITY = re.compile(r"\b(?:chronic|acute|subacute)\s+(?=\w)", re.IGNORECASE)

Plan = list[tuple[Mention, Query | None, str | None]]


def _symptom(code: str) -> bool:
    """A symptom or sign (R00-R69): the narrative tells it on the way to the diagnosis; an abnormal finding
    (R70-R99) is itself what the note found."""
    return code[:1] == "R" and code[1:3].isdigit() and int(code[1:3]) < 70


def matches_only_history(c: Candidate, query: str) -> bool:
    """A history code that no Index path reached and whose title shares only the history frame with the
    mention ("hx EtOH use": Z87.891, a history of nicotine dependence) names another condition; tobacco is
    the one its title words differently ("hx tob": nicotine dependence)."""
    return not c.walk and not set(c.matched) - HISTORY_WORDS and not names_tobacco(query)


def states_a_diagnosis(m: Mention, code: str, note: str) -> bool:
    """In a note without an assessment, a short sentence that is only a condition ("Advanced Alzheimer's
    dementia, with agitation.") states it as a problem of the visit; a symptom is told on the way."""
    whole = not note[m.sentence_start : m.start].strip() and not note[m.end : m.sentence_end].strip(" .;!")
    if m.section != "body" or not whole or len(m.text.split()) > _STATEMENT_WORDS or _symptom(code):
        return False
    return _TOLD_OF_SOMEONE.match(m.text) is None  # "Pt with ...", "She has ...": the history of the visit


_STATEMENT_WORDS = 8  # a diagnosis stated alone is short; a longer sentence tells the story
_TOLD_OF_SOMEONE = re.compile(rf"(?:{SUBJECTS}|(?:pt|patient)\b|\d+\s*(?:yo|y/o|year))", re.IGNORECASE)


class MentionCandidates(NamedTuple):
    mention: Mention
    query: Query | None
    skipped: str | None  # why the mention is not searched (query None)
    cands: list[Candidate]
    qualifier_reasons: dict[str, list[str]]
    retrieved: list[str]  # the retrievers' first codes, before any rule (shown in the debug view)


@dataclass
class EngineConfig:
    k_dense: int = 30
    k_lexical: int = 30
    w_dense: float = 0.5
    w_coverage: float = 0.3
    w_title: float = 0.2
    # ... for a one-phrase request: the share of the title's words the phrase says favours the shortest
    # titles (a category's "X, unspecified") over the code whose longer title says the phrase; chosen on the
    # gem-phrases dev sample (first 3,000; evals/reports/phrases-2026-12-02-d.md).
    w_title_phrase: float = 0.0
    final_threshold: float = 0.55
    # With the learned ranker: a mention in the physician's assessment, or a history/status/family mention,
    # keeps its best code from this share of the final threshold. Chosen on the dev splits (one run each):
    # us-notes check recall 0.605 -> 0.638, micro-F1 0.637 -> 0.644, dangerous 8 -> 9 (0.7: 0.621 / 0.638);
    # CodiEsp dev micro-F1 0.398 -> 0.399.
    assessed_factor: float = 0.5
    high_threshold: float = 0.75
    history_threshold: float = 0.6
    rrf_k: int = 60
    alternates_per_mention: int = 3
    # A note whose mentions' first alternates cannot fill the list asked for (top_k) lists more of each
    # mention's ranked candidates, up to this many (0: always alternates_per_mention). The extra ones are
    # never final; they only fill the tail of the ranked list (its recall@k and the candidate pool).
    fill_alternates: int = 15
    # With the learned ranker, the tail instead holds every scored candidate of every mention (rank_scored),
    # one entry per code at its best mention's calibrated probability (ranked_tail.py); False: the fill.
    ranked_tail: bool = True
    k_walker: int = 10
    # Weight of the Alphabetic Index walk's score (0: off), chosen on CodiEsp train + the us-notes tune split.
    w_walker: float = 0.3
    # Candidates per mention the learned ranker sees (its mention-count feature, its training rows) and
    # scores when serving (at least the alternates asked for; the rest are dropped): speed vs depth.
    rank_window: int = 30
    rank_scored: int = 15
    # With ranked_tail: candidates per mention scored for the ranked tail only (those past rank_scored never
    # choose the final list). 100: every candidate (dense 30 + BM25 30 + walker 10 at most). CodiEsp dev
    # (250 notes) 15 -> 50 -> 100: R@30 0.492 -> 0.533 -> 0.540, MAP 0.322 -> 0.340 -> 0.345, engine
    # pool@100 0.551 -> 0.628 -> 0.641; us-notes check final list unchanged, R@10 0.863 -> 0.845.
    tail_scored: int = 100
    # Candidates of a one-phrase request the learned phrase ranker re-scores (the rest follow in order).
    phrase_window: int = 40
    # Weight of the phrase ranker's log-odds added to a phrase candidate's score (gem-phrases dev sample).
    w_phrase_ranker: float = 0.05
    # With ranked_tail: a final code the rules fold into another (a same-category sibling that says it, a
    # combination code) stays in the ranked list as an option at its probability (never final). CodiEsp dev
    # (250 notes): R@30 0.542 -> 0.549, MAP 0.347 -> 0.353, engine pool@100 0.645 -> 0.656, final list
    # unchanged; us-notes final lists unchanged, check MAP 0.745 -> 0.744.
    tail_folded: bool = True
    # With ranked_tail: the codes of negated / uncertain mentions join the tail (never final) at the ranker's
    # probability times this weight, each mention's first ``skipped_scored`` candidates (skipped_tail.py);
    # 0: off, their queries are not run. CodiEsp dev (250 notes) 0 -> 0.5: R@30 0.549 -> 0.595, MAP 0.358 ->
    # 0.387, engine pool@100 0.656 -> 0.715, final list unchanged; us-notes final lists unchanged, check
    # R@10 0.875 -> 0.883, MAP 0.785 -> 0.784 (evals/reports/pool-2026-11-30-c.md).
    w_skipped_tail: float = 0.5
    skipped_scored: int = 30
    # With the learned ranker and a mention gate loaded (mention_gate.py), a mention's first code is final
    # when the gate's P(mention coded) passes the gate's threshold: "replace", that alone; "rescue", that or
    # the ranker's own rule; "veto", that and the ranker's own rule.
    gate_mode: Literal["replace", "rescue", "veto"] = "veto"
    # With the learned ranker: the code whose Index path accounts for the whole mention comes first
    # (index_first.py).
    index_first: bool = True
    # ... and is final for a problem of the assessment (index_first.assessed_final).
    index_final: bool = True


KEYWORD_ONLY_DIM = 8  # any width: the keyword-only index and its embedder only need to agree


class SuggestionService:
    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        reference: Any = None,
        config: EngineConfig | None = None,
        walker: IndexWalker | None = None,
        ranker: Ranker | None = None,
        phrase_ranker: PhraseRanker | None = None,
        gate: MentionGate | None = None,
    ) -> None:
        self.index = index
        self.gate = gate  # the learned mention-level gate (None: the ranker's threshold alone)
        self.phrase_ranker = phrase_ranker  # the learned order of a one-phrase request (None: rule-based)
        self.ranker = ranker  # the learned reranker + calibrator (None: the rule-based scores)
        self.walker = walker
        self.embedder = embedder
        self.reference = reference
        self.config = config or EngineConfig()
        self.catalog = index.catalog
        self._masks: dict[tuple[str, ...], np.ndarray] = {}
        self.patient_edits = PatientEdits(reference, self.catalog)
        # the ranker's per-code feature columns, each code's computed once
        self.static_columns = StaticColumns(self.catalog, ranker.prior if ranker is not None else None)

    @property
    def high_threshold(self) -> float:
        """The score from which a final code shows "high" confidence (the ranker's own when it is loaded)."""
        return self.ranker.high_threshold if self.ranker is not None else self.config.high_threshold

    # ------------------------------------------------------------ construction
    @classmethod
    def from_settings(
        cls,
        settings: Any,
        reference: Any = None,
        embedder: Embedder | None = None,
        walker: IndexWalker | None = None,
    ) -> SuggestionService:
        """Load the model and the index once (the web lifespan and the CLI call this). ``walker``: an
        Index walker already loaded over ``reference`` (the container's, shared with code search)."""
        releases = None
        if reference is not None:
            try:
                releases = corpus_for(reference, settings).releases()
            except Exception:  # noqa: BLE001 - a reference without release info: skip the release check
                releases = None
        model = embedder.name if embedder is not None else configured_model_name(settings)
        index = LoadedIndex.open(
            Path(settings.index_dir),
            model=model,
            releases=releases,
            search=getattr(settings, "dense_search", "hnsw"),
            ef_search=getattr(settings, "hnsw_ef_search", 128),
        )
        walker = walker or walker_for(reference)
        ranker = configured_ranker(settings)
        chosen = getattr(settings, "suggest_final_threshold", None)
        if ranker is not None and chosen is not None:
            ranker = replace(ranker, threshold=chosen)
        embedder = with_query_adapter(
            embedder or load_embedder(settings), getattr(settings, "suggest_query_adapter", False)
        )
        phrases = load_phrase_ranker() if getattr(settings, "suggest_phrase_ranker", False) else None
        gated = ranker is not None and getattr(settings, "suggest_mention_gate", False)
        gate = load_gate() if gated else None
        return cls(index, embedder, reference, walker=walker, ranker=ranker, phrase_ranker=phrases, gate=gate)

    @classmethod
    def keyword_only(
        cls, settings: Any, reference: Any = None, walker: IndexWalker | None = None
    ) -> SuggestionService:
        """Keyword-only engine over the index being built (no model loaded; every answer says so)."""
        index = LoadedIndex.open_keyword_only(Path(settings.index_dir), dimension=KEYWORD_ONLY_DIM)
        walker = walker or walker_for(reference)
        return cls(index, NoVectorsEmbedder(KEYWORD_ONLY_DIM), reference, walker=walker)

    @classmethod
    def from_index_dir(
        cls, index_dir: Path, embedder: Embedder, reference: Any = None, config: EngineConfig | None = None
    ) -> SuggestionService:
        return cls(LoadedIndex.open(Path(index_dir), model=embedder.name), embedder, reference, config)

    # ------------------------------------------------------------ public API
    def suggest(self, request: SuggestRequest) -> SuggestResponse:
        return self.suggest_many([request])[0]

    @request_memo.within_one_request  # texts a note repeats are read once per call (request_memo.py)
    def suggest_many(self, requests: Sequence[SuggestRequest]) -> list[SuggestResponse]:
        requests = [self._one_statement(r) for r in requests]
        note_warnings = [self._check_release(r) for r in requests]
        plans, vec_of, dense_hits, all_facts = self._prepare(requests)
        return [
            self._respond(request, plan, vec_of, dense_hits, warnings, facts)
            for request, plan, warnings, facts in zip(requests, plans, note_warnings, all_facts, strict=True)
        ]

    @staticmethod
    def _one_statement(request: SuggestRequest) -> SuggestRequest:
        """The request with two eyes' vision levels given apart read as one H54 statement (phrase_vision)."""
        text = phrase_vision.one_statement(request.text)
        return request if text == request.text else request.model_copy(update={"text": text})

    def candidate_features(
        self, request: SuggestRequest, prior: CodePrior | None, window: int | None = None
    ) -> list[tuple[list[str], np.ndarray]]:
        """The learned ranker's inputs for one note: per searched mention, its first ``window`` candidate
        codes (None: ``rank_window``) and their feature rows, exactly as ``suggest`` computes them (the
        training recipe reads them)."""
        plans, vec_of, dense_hits, all_facts = self._prepare([request])
        plan, facts = plans[0], all_facts[0]
        ranked = self._mention_candidates(request, plan, vec_of, dense_hits, facts, {})
        per_mention = request.top_k if len(plan) == 1 else self.config.alternates_per_mention
        rows = self.ranking_features(ranked, facts, len(plan) == 1, per_mention, prior, window)
        return [([c.code for c in mc.cands[: len(x)]], x) for mc, x in rows]

    def embedded_texts(self, plans: Sequence[Plan]) -> list[str]:
        """The distinct texts the notes' plans embed: each searched mention's query, then the negated and
        uncertain mentions' queries that only the ranked tail uses."""
        texts = [q.text for plan in plans for _, q, _ in plan if q is not None]
        if self._skipped_tail_on():
            texts += [q.text for p in plans for _, q, _ in skipped_tail.queries(p)]
        return list(dict.fromkeys(texts))

    def read(self, text: str) -> list[Mention]:
        """The note's mentions as this engine reads them (a stated cause split off unless one code names
        both: the Alphabetic Index and the organism table decide)."""
        mentions = read_note(
            text,
            lambda condition, cause: cause_is_part(self.walker, self.catalog, condition, cause),
            lambda condition, tail: with_is_part(self.walker, self.catalog, condition, tail),
            lambda condition, chunk: tail_is_subterm(self.walker, self.catalog, condition, chunk),
        )
        for m in mentions:
            m.query = agent_apart(self.walker, self.catalog, m.query)
        return mentions

    def _prepare(
        self, requests: Sequence[SuggestRequest]
    ) -> tuple[list[Plan], dict[str, np.ndarray], dict[str, list[tuple[int, float]]], list[PatientFacts]]:
        """Read and plan each note, embed every query once, search the dense index once per query."""
        readings = [self.read(r.text) for r in requests]
        for r, ms in zip(requests, readings, strict=True):
            if (
                r.setting == "inpatient"
            ):  # Section III: a condition treated in the stay is coded, resolved or not
                for m in ms:
                    m.negated = m.negated and not m.resolved_only
        plans = [self._plan(r, ms) for r, ms in zip(requests, readings, strict=True)]
        texts = self.embedded_texts(plans)
        # embedding + dense search on a second thread meanwhile the queries' lexical side (overlap.py)
        vectors, dense_hits = overlap.dense_meanwhile(
            self, texts, lambda: overlap.prefetch_lexical(self, requests, plans)
        )
        vec_of = {t: vectors[i] for i, t in enumerate(texts)}
        all_facts = [
            resolve_patient(r.patient, read_demographics(r.text), r.date_of_service) for r in requests
        ]
        all_facts = [replace(f, phrase=is_phrase(r.text)) for f, r in zip(all_facts, requests, strict=True)]
        return plans, vec_of, dense_hits, all_facts

    # ------------------------------------------------------------ reading -> queries
    def _check_release(self, request: SuggestRequest) -> list[str]:
        warnings: list[str] = []
        if self.index.keyword_only:
            warnings.append(index_status(self.index.target_dir).message)
        if (
            request.date_of_service is None
            or self.reference is None
            or not hasattr(self.reference, "release_for")
        ):
            return warnings
        info = self.reference.release_for("ICD-10-CM", request.date_of_service)  # raises NoReleaseForDate
        built = self.index.manifest.release("ICD-10-CM")
        label = getattr(info, "release", None)
        if built and label and built != label:
            warnings.append(
                f"date of service {request.date_of_service} falls in ICD-10-CM release {label}; "
                f"the index holds release {built}: check each code is valid on that date"
            )
        return warnings

    def _plan(
        self, request: SuggestRequest, mentions: list[Mention]
    ) -> list[tuple[Mention, Query | None, str | None]]:
        """For each mention: the query to run (or None) and why it was skipped."""
        plan: list[tuple[Mention, Query | None, str | None]] = []
        phrase = len(mentions) == 1 and is_phrase(request.text)
        for m in mentions:
            if request.mode != "full":
                plan.append((m, Query(m.query), None))
                continue
            base = phrase_order.phrase_query(m.query) if phrase else clean_query(m.query)
            if not tokens(base):
                plan.append((m, None, "no clinical words"))
            elif m.negated and not (phrase and phrase_order.negation_is_term(m.query, m.triggers)):
                plan.append((m, None, "negated"))
            elif m.not_coded in SERVICE_GIVEN:
                plan.append((m, Query(base, kind="service"), None))  # a service, never a diagnosis
            elif m.not_coded:
                plan.append((m, None, f"not a diagnosis ({m.not_coded})"))
            elif m.normal:
                plan.append((m, None, "normal finding"))
            elif m.family:
                plan.append((m, Query(f"family history of {base}", FAMILY_PREFIXES, "family"), None))
            elif (
                m.uncertain
                and request.setting == "outpatient"
                and not (phrase and phrase_order.uncertainty_is_term(request.text))
            ):
                plan.append((m, None, "uncertain (outpatient: code the symptoms)"))
            elif m.history and (
                not CHRONIC.search(base) or said_cured(request.text[m.sentence_start : m.sentence_end])
            ):
                status = any(t.startswith(("history:status post", "history:s/p")) for t in m.triggers)
                if status:
                    plan.append(
                        (m, Query(f"status post {base}", STATUS_PREFIXES + HISTORY_PREFIXES, "status"), None)
                    )
                else:
                    plan.append(
                        (
                            m,
                            Query(
                                f"personal history of {_past_wording(base)}",
                                HISTORY_PREFIXES
                                + STATUS_PREFIXES
                                + self._pregnancy_history(phrase, request.text),
                                "history",
                            ),
                            None,
                        )
                    )
            else:
                walked = walk_query(phrase_order.walk_text(m.query) if phrase else m.query)
                plan.append((m, Query(base, walk_text=walked, phrase=phrase), None))
        return plan

    @staticmethod
    def _pregnancy_history(phrase: bool, text: str) -> tuple[str, ...]:
        """The pregnancy chapter's codes of a past event, for a phrase set in a pregnancy: the supervision of
        a pregnancy with a history (O09) and the scar of a previous surgery (the Index: "Cesarean delivery,
        previous, affecting management of pregnancy" O34.21-)."""
        return PREGNANCY_HISTORY_PREFIXES if phrase and phrase_order.chapter_cue(text) == ("O",) else ()

    # ------------------------------------------------------------ retrieval
    def _dense_search(self, texts: list[str], vectors: np.ndarray) -> dict[str, list[tuple[int, float]]]:
        if not texts or self.index.dense.ntotal == 0:
            return {t: [] for t in texts}
        k = min(self.config.k_dense, self.index.dense.ntotal)
        scores, rows = self.index.search_dense(np.ascontiguousarray(vectors), k)
        return {
            t: [(int(r), float(s)) for r, s in zip(rows[i], scores[i], strict=True) if r >= 0]
            for i, t in enumerate(texts)
        }

    def _mask(self, prefixes: tuple[str, ...]) -> np.ndarray:
        if prefixes not in self._masks:
            mask = np.zeros(len(self.index.ids), dtype=bool)
            mask[self.index.rows_with_prefix(prefixes)] = True
            self._masks[prefixes] = mask
        return self._masks[prefixes]

    def retrieve(
        self,
        query: Query,
        vector: np.ndarray,
        dense_hits: list[tuple[int, float]],
        mode: str,
        systems: list[str] | None = None,
    ) -> list[Candidate]:
        cfg = self.config
        qtokens = tokens(lexical_query(query.text))
        qids = self.index.lexical.token_ids(qtokens)
        if query.prefixes:
            rows, mat = self.index.subset(query.prefixes)
            with_vectors = len(rows) and not self.index.keyword_only
            sims = mat @ vector if with_vectors else np.zeros(0, np.float32)
            top: list[int] = [int(i) for i in np.argsort(-sims)[: cfg.k_dense]] if with_vectors else []
            dense = [(int(rows[i]), float(sims[i])) for i in top]
            mask = self._mask(query.prefixes)
        else:
            dense, mask = dense_hits, None
        lexical, walked = overlap.lexical_side(self, query, qids, mask, mode)  # computed once a request
        if mode == "dense":
            cands = [Candidate(self.index.ids[r], r, s, cos=s) for r, s in dense]
        elif mode == "bm25":
            cands = [Candidate(self.index.ids[r], r, s) for r, s in lexical]
        elif mode == "hybrid":
            fused: dict[int, float] = {}
            for ranked in (dense, lexical):
                for rank, (r, _) in enumerate(ranked):
                    fused[r] = fused.get(r, 0.0) + 1.0 / (cfg.rrf_k + rank + 1)
            cands = [Candidate(self.index.ids[r], r, s * (cfg.rrf_k + 1) / 2) for r, s in fused.items()]
        else:
            ranked_rows = list(dict.fromkeys([r for r, _ in dense] + [r for r, _ in lexical] + list(walked)))
            rows_arr = np.array(ranked_rows, dtype=np.int64)
            # Exact cosine for every candidate (the graph's scores and the lexical-only rows alike).
            cosines = self.index.vectors(rows_arr) @ vector if ranked_rows else np.zeros(0)
            coverages = self.index.lexical.coverage_many(rows_arr, qids)
            qset = set(qtokens)
            dense_rank = {r: i for i, (r, _) in enumerate(dense)}
            lex_rank = {r: (i, s) for i, (r, s) in enumerate(lexical)}
            cands = []
            ids, title_tokens = self.index.ids, self.catalog.title_tokens  # the loop runs ~50 times a query
            w_dense, w_coverage, w_walker = cfg.w_dense, cfg.w_coverage, cfg.w_walker
            w_title = cfg.w_title_phrase if query.phrase else cfg.w_title
            for r, cos, cov in zip(ranked_rows, cosines.tolist(), coverages.tolist(), strict=True):
                code = ids[r]
                ttoks = title_tokens(code)
                shared = ttoks & qset
                tprec = len(shared) / len(ttoks) if ttoks else 0.0
                walk, path = walked.get(r, (0.0, ""))
                score = w_dense * cos + w_coverage * cov + w_title * tprec + w_walker * walk
                lr, ls = lex_rank.get(r, (-1, 0.0))
                dr = dense_rank.get(r, -1)
                cands.append(
                    Candidate(code, r, score, cos, cov, tprec, sorted(shared), walk, path, dr, lr, ls)
                )
        if systems:
            cands = [c for c in cands if self.catalog.system(c.code) in systems]
        cands.sort(key=lambda c: (-c.score, c.code))
        return cands

    def walk(self, query: Query) -> dict[int, tuple[float, str]]:
        """The Alphabetic Index walk's candidates for a query: index row -> (walk score, Index path)."""
        if self.walker is None or self.config.w_walker <= 0:
            return {}
        out: dict[int, tuple[float, str]] = {}
        text = query.walk_text or query.text
        hits = self.walker.walk(expand_abbreviations(text), self.catalog, self.config.k_walker, query.phrase)
        setting = phrase_pregnancy.setting_walk(text) if query.phrase else None
        if setting:  # the mother's condition, walked under "Pregnancy, complicated by" too (best walk kept)
            more = self.walker.walk(expand_abbreviations(setting), self.catalog, self.config.k_walker, True)
            hits = sorted([*hits, *more], key=lambda h: -h.score)
        for hit in hits:
            row = self.index.row_of.get(hit.code)
            if row is not None and (not query.prefixes or hit.code.startswith(query.prefixes)):
                out.setdefault(row, (hit.score, hit.evidence))
        if query.kind in UNSPECIFIED_HISTORY:
            self._cancer_history(query.kind, hits, out)
        return out

    def _cancer_history(self, kind: str, hits: Sequence[WalkHit], out: dict[int, tuple[float, str]]) -> None:
        """A past or a family member's cancer the walk placed by site (C18.9) gives that site's history code
        (Z85.038 / Z80.0) in place of the unspecified one."""
        placed = by_site(kind, hits)
        row = self.index.row_of.get(placed[0]) if placed else None
        if placed is None or row is None:
            return
        code, site = placed
        whose = "family" if kind == "family" else "personal"
        what = (
            "malignant neoplasm (by site)"
            if code.startswith(("Z80", "Z85"))
            else "in situ neoplasm (by site)"
            if code.startswith("Z86.00")
            else "condition (by its block)"
        )
        out[row] = (1.0, f"{site.evidence} -> History, {whose}, {what} -> {code}")
        unspecified = self.index.row_of.get(UNSPECIFIED_HISTORY[kind])
        if unspecified is not None:
            out.pop(unspecified, None)  # the site is documented: not the unspecified-site code

    # ------------------------------------------------------------ ranking and rules
    def _respond(
        self,
        request: SuggestRequest,
        plan: list[tuple[Mention, Query | None, str | None]],
        vec_of: dict[str, np.ndarray],
        dense_hits: dict[str, list[tuple[int, float]]],
        warnings: list[str],
        facts: PatientFacts | None = None,
    ) -> SuggestResponse:
        cfg = self.config
        facts = facts or PatientFacts()
        left_out: dict[str, str] = {}
        picks: dict[str, Pick] = {}
        tail: dict[str, Pick] = {}  # the fill alternates (see EngineConfig.fill_alternates), never final
        mentions_out: list[dict[str, object]] = []
        skipped: list[tuple[Mention, str]] = []
        phrase = len(plan) == 1
        per_mention = request.top_k if phrase else self._alternates(request, plan)
        ranked = self._mention_candidates(request, plan, vec_of, dense_hits, facts, left_out)
        # The ranker learned from notes' mentions; a single phrase (a search) keeps the rule-based order.
        learned = self.ranker is not None and request.mode == "full" and not phrase
        floor = 0.0
        if learned:
            ranked = self._learned_order(ranked, facts, phrase, per_mention, left_out)
            if cfg.ranked_tail:
                cands_of = [mc.cands for mc in ranked if mc.query is not None]
                floor = ranked_tail.score_floor(cands_of, cfg.alternates_per_mention, 2 * request.top_k)
        gated = self._gate_probabilities(request, ranked, facts) if learned else {}
        # a note whose assessment (if any) names no condition states its diagnoses in its narrative: each is
        # read as a problem line
        unassessed = not any(q is not None and m.section in ASSESSMENT_SECTIONS for m, q, *_ in ranked)
        for m, q, why, cands, qualifier_reasons, retrieved in ranked:
            info = m.as_dict()
            if q is None:
                info["skipped"] = why
                mentions_out.append(info)
                skipped.append((m, why or ""))
                continue
            info["query"] = q.text
            info["candidates"] = retrieved
            mentions_out.append(info)
            if not cands:
                continue
            weight = (0.8 + 0.2 * m.weight) if request.mode == "full" and not phrase and not learned else 1.0
            # A phrase lists its candidates until top_k distinct codes (the rules map several to one code).
            depth = len(cands) if phrase or (learned and cfg.ranked_tail) else max(per_mention, 1)
            ranked_codes = [x.code for x in cands]
            for rank, c in enumerate(cands[:depth]):
                if phrase and len(picks) >= request.top_k:
                    break
                if floor and rank >= cfg.alternates_per_mention and c.score < floor:
                    continue
                code = c.code
                extra_warn: list[str] = []
                extra_notes: dict[str, list[str]] = {}
                final = False
                if request.mode == "full":
                    threshold = cfg.history_threshold if q.kind != "current" else cfg.final_threshold
                    if learned and self.ranker is not None:
                        threshold = self.ranker.threshold
                        if (
                            m.section in ASSESSMENT_SECTIONS
                            or m.problem
                            or q.kind != "current"
                            or (unassessed and states_a_diagnosis(m, c.code, request.text))
                        ):
                            threshold *= cfg.assessed_factor
                    final = rank == 0 and c.score >= threshold
                    if learned and rank == 0 and not final:
                        final = sibling_choice.family_share(cands, qualifier_reasons) >= threshold
                    if learned and rank == 0 and not final and cfg.index_final:
                        stated = m.problem or (unassessed and m.section == "body" and not _symptom(c.code))
                        title = self.catalog.title(c.code)
                        walked = q.walk_text or q.text
                        final = index_first.assessed_final(c, stated, q.kind == "family") or (
                            stated
                            and (
                                index_first.complete_but_side(c, walked, m.laterality, title)
                                or index_first.complete_by_title(c, walked, title)
                            )
                        )
                    if rank == 0 and id(m) in gated and self.gate is not None:
                        final = mention_gate.decide(cfg.gate_mode, final, gated[id(m)], self.gate.threshold)
                    if final and q.kind == "history" and matches_only_history(c, q.text):
                        final = False
                    code, extra_warn, extra_notes = self._apply_code_rules(code, m, ranked_codes)
                    code = exam_for_age(code, facts.age_years, self.catalog)
                    why = self.patient_edits.conflict(code, facts)
                    if why:
                        left_out.setdefault(code, why)
                        continue
                score = c.score * weight if rank == 0 or learned else c.score * weight * 0.97
                # Fill alternates (beyond the configured ones) only extend the list after the rules ran.
                pool = picks if phrase or rank < cfg.alternates_per_mention else tail
                pick = pool.get(code)
                if pool is tail and learned and cfg.ranked_tail:
                    pick = ranked_tail.keep_best(tail, code, score, m)
                elif pick is None:
                    pick = pool[code] = Pick(code, score, final, [m])
                else:
                    if m not in pick.mentions:
                        pick.mentions.append(m)
                    bump = 0.02 if final and pick.final and not learned else 0.0
                    pick.score = max(pick.score, score) + bump
                    pick.final = pick.final or final
                if final and m not in pick.heads:
                    pick.heads.append(m)
                pick.warnings.extend(w for w in extra_warn if w not in pick.warnings)
                for k, v in extra_notes.items():
                    pick.notes.setdefault(k, []).extend(x for x in v if x not in pick.notes[k])
                if not pick.reasons:
                    pick.reasons = self._reasons(c, m, q) + qualifier_reasons.get(c.code, [])
        if learned and cfg.ranked_tail and self._skipped_tail_on():
            self._skipped_tail(request, plan, vec_of, dense_hits, facts, per_mention, floor, picks, tail)
        if request.mode == "full":
            self._weeks_of_gestation(picks, facts, request.text)
            warnings.extend(list(dict.fromkeys(left_out.values()))[:8])
            before = dict(picks)
            sibling_guard.settle(
                picks,
                request.text,
                self.catalog,
                lambda c: not self.patient_edits.conflict(c, facts),
                facts.phrase,
            )
            settled = set(picks)  # a sibling the note contradicts is dropped, not folded
            consolidate.absorb_same_category(picks, self.catalog, request.text)
            consolidate.absorb_unspecified_organism(picks, self.catalog)
            consolidate.drop_history_of_current_cancer(picks, self.catalog)
            consolidate.drop_unspecified_site_cancer(picks)
            absorbed = settled - picks.keys()
            sibling_guard.uncontrolled_diabetes(picks, request.text, self.catalog)
            consolidate.fold_integral_symptoms(picks, request.text)
            context = coding_rules.context_for(request, self._search_within, facts)
            coding_rules.apply_coding_rules(picks, context, self.catalog)
            # The fill never brings back what the rules dropped, nor a HCPCS code without a service given.
            dropped = {c: p for c, p in before.items() if c not in picks}
            tail = {c: p for c, p in tail.items() if c not in dropped}
            if learned and cfg.ranked_tail and cfg.tail_folded:  # but a code folded into another stays
                ranked_tail.keep_folded(tail, ranked_tail.folded(dropped, picks, absorbed))
            hcpcs_gate(tail, context, self.catalog)
            self._pair_rules(picks, request.text, facts.pregnant)
            coding_rules.after_pairing(picks, context, self.catalog)
            consolidate.drop_contradicting_siblings(picks, self.catalog)
            if (
                not facts.phrase
            ):  # a phrase's codes are alternatives for one condition, not problems coded twice
                consolidate.drop_unspecified_twins(picks, self.catalog)
            consolidate.drop_covered(picks, self.catalog)
            if not facts.phrase:
                consolidate.excluded_to_combination(picks, self.catalog)
            consolidate.substance_hierarchy(picks, self.catalog)
            self._excludes1(picks)
            drop_integral_symptoms(picks, context, self.catalog)  # beside the combination just made (I.B.5)
            if learned:  # FLOOR is one of the ranker's probabilities
                ensure_pregnancy_code(picks, self.catalog)
                if ensure_first_listed(picks, self.catalog):  # an injury listed now takes its causes
                    coding_rules.after_first_listed(picks, context, self.catalog)
                sibling_guard.settle(picks, request.text, self.catalog)  # after the rules, the first-listed
            self._context_warnings(picks, skipped)
            for m, why in skipped:
                if why.startswith("uncertain") or why == "negated":
                    warnings.append(f'not coded ({why}): "{m.text}"')
        if learned and cfg.ranked_tail:
            ranked_tail.merge(picks, tail)
        else:
            for code, pick in tail.items():
                picks.setdefault(code, pick)
        ordered = sorted(picks.values(), key=lambda p: (not p.final, -p.score, p.code))[: request.top_k]
        suggestions = [self._suggestion(p, request, learned) for p in ordered]
        releases = self.index.manifest.release_names()
        return SuggestResponse(
            suggestions=suggestions, releases=releases, warnings=warnings, mentions=mentions_out
        )

    def _mention_candidates(
        self,
        request: SuggestRequest,
        plan: list[tuple[Mention, Query | None, str | None]],
        vec_of: dict[str, np.ndarray],
        dense_hits: dict[str, list[tuple[int, float]]],
        facts: PatientFacts,
        left_out: dict[str, str],
    ) -> list[MentionCandidates]:
        """Each planned mention's candidates, retrieved then (full mode) qualifier-reranked and fitted to the
        patient; skipped mentions come with no candidates and the reason."""
        per_mention = request.top_k if len(plan) == 1 else self._alternates(request, plan)
        out: list[MentionCandidates] = []
        for m, q, why in plan:
            if q is None:
                out.append(MentionCandidates(m, None, why, [], {}, []))
                continue
            systems = request.systems
            if q.kind == "service":  # only procedure/supply codes: the HCPCS gate then checks it was given
                systems = [s for s in (systems or SERVICE_SYSTEMS) if s in SERVICE_SYSTEMS]
                if not systems:  # only diagnosis systems asked for: a service given codes nothing
                    out.append(MentionCandidates(m, None, SERVICE_NOT_ASKED, [], {}, []))
                    continue
            cands = self.retrieve(q, vec_of[q.text], dense_hits.get(q.text, []), request.mode, systems)
            if q.kind == "current" and not _PAST_SAID.search(request.text[m.sentence_start : m.sentence_end]):
                # "CDI, on vancomycin": a current condition, never its "Personal history of" code
                cands = [c for c in cands if not _HISTORY_TITLE.match(self.catalog.title(c.code))]
            if m.problem or m.section in ASSESSMENT_SECTIONS:
                # a quality-data code is reported from measure logic, never from a note: a stated diagnosis's
                # first place is a diagnosis ("Pulmonary nodule" had G9754 first, R91.1 second and not coded)
                cands = [c for c in cands if not QUALITY_DATA.match(c.code)]
            retrieved = [c.code for c in cands[:5]]
            qualifier_reasons: dict[str, list[str]] = {}
            if request.mode == "full":
                one_phrase = facts.phrase and len(plan) == 1
                if one_phrase:
                    cands = self._phrase_candidates(q, cands, vec_of[q.text], request.mode, systems)
                sentence = request.text[m.sentence_start : m.sentence_end]
                cands, qualifier_reasons = self._rerank_qualifiers(cands, m, facts, sentence)
                if one_phrase and cands:  # once the 7th character is chosen (the qualifiers)
                    unsaid = self._unsaid_axes(cands[0].code, q.text)
                    cands = self._follow_best(cands, cands[0], unsaid, phrase_axes.STEP)
            out.append(MentionCandidates(m, q, None, cands, qualifier_reasons, retrieved))
        if request.mode == "full":
            self.patient_edits.prefetch([c.code for mc in out for c in mc.cands], facts.date_of_service)
            for mc in out:
                mc.cands[:] = self._fit_patient(mc.cands, facts, max(per_mention, 1), left_out)
        return out

    def _phrase_candidates(
        self, q: Query, cands: list[Candidate], vector: np.ndarray, mode: str, systems: list[str] | None
    ) -> list[Candidate]:
        """A phrase's candidates with its cued chapter searched on its own too, ordered by phrase_order."""
        cue = phrase_order.chapter_cue(q.text)
        if cue and not q.prefixes:
            seen = {c.code for c in cands}
            more = self.retrieve(phrase_order.cued_query(q, cue), vector, [], mode, systems)
            cands = cands + [c for c in more[: phrase_order.CUED_CANDIDATES] if c.code not in seen]
        if cue == ("O",) and not q.prefixes:  # a condition of another chapter in pregnancy (I.C.15.a.1)
            ranges = phrase_complicating.complicating_ranges(self.reference)
            condition, sub = phrase_complicating.complicating(cands, ranges, self.catalog)
            if condition is not None and sub is not None:
                coded = phrase_complicating.coded_prefixes(sub, self.catalog)
                found = self.retrieve(phrase_order.cued_query(q, coded), vector, [], mode, systems)
                cands = phrase_complicating.with_complicating(cands, found, condition)
        etiology, bracket = phrase_manifestation.bracketed(cands, self.catalog)
        if etiology is not None and not q.prefixes:  # the Index's bracketed manifestation code (I.A.13)
            found = self.retrieve(phrase_order.cued_query(q, bracket), vector, [], mode, systems)
            cands = phrase_manifestation.with_bracket(cands, found, etiology, self.config.w_walker)
        phrase_order.share_walk(cands, self.config.w_walker)
        phrase_head.other_conditions(cands, q.text, self.catalog.title)
        phrase_order.prefer_drug_table(cands)
        cands = phrase_order.prefer_specificity(cands, q.text, self.catalog.title)
        if cue == ("O",):
            cands = self._trimester_siblings(cands, q.text)
        cands = self._induced_alternative(cands, q.text)
        cfg = self.config
        if self.phrase_ranker is not None:
            cands = phrase_ranker.reorder(
                cands, q.text, self.phrase_ranker, self.catalog, cfg.phrase_window, cfg.w_phrase_ranker
            )
        return cands

    def _trimester_siblings(self, cands: list[Candidate], phrase: str) -> list[Candidate]:
        """A pregnancy phrase's best code followed by its other trimesters (phrase_trimester)."""
        best = next((c for c in cands if c.code.startswith("O")), None)
        if best is None:
            return cands
        grand = self.catalog.parent(self.catalog.parent(best.code) or "") or best.code
        codes = phrase_trimester.trimester_siblings(
            best.code,
            phrase,
            phrase_order.episode_of(phrase),
            self.catalog.title,
            lambda _: self.catalog.leaves_under(grand),
        ) or phrase_trimester.childbirth_trimesters(
            best.code,
            phrase,
            phrase_order.episode_of(phrase),
            self.catalog.title,
            self.catalog.leaves_under(best.code[:3]),
        )
        return self._follow_best(cands, best, codes, phrase_trimester.STEP)

    def _unsaid_axes(self, best: str, phrase: str) -> list[str]:
        """The siblings of a phrase's best code on an axis the phrase leaves unsaid (phrase_axes), or the
        same accident for the occupants of the other kinds of motor vehicle (phrase_transport); then the
        same accident in a collision with each kind of motor vehicle (phrase_transport.party_siblings)."""
        title, leaves = self.catalog.title, self.catalog.leaves_under
        axes = (
            phrase_axes.axis_siblings(best, phrase, title, leaves)
            or phrase_transport.vehicle_siblings(best, phrase, title)
            or phrase_aircraft.accident_siblings(best, phrase, leaves)
        )
        party = phrase_transport.party_siblings(best, phrase, title, leaves)
        return axes + [c for c in party if c not in axes]

    def _induced_alternative(self, cands: list[Candidate], phrase: str) -> list[Candidate]:
        """A phrase's spontaneous abortion followed by the induced termination of the same complication,
        where the phrase names no kind of abortion (phrase_abortion)."""
        best = next((c for c in cands if c.code.startswith("O")), None)
        if best is None:
            return cands
        code = phrase_abortion.induced_alternative(
            best.code, phrase, self.catalog.title, self.catalog.leaves_under(phrase_abortion.INDUCED)
        )
        return self._follow_best(cands, best, [code], phrase_trimester.STEP) if code else cands

    def _follow_best(
        self, cands: list[Candidate], best: Candidate, codes: list[str], step: float
    ) -> list[Candidate]:
        """The candidates with ``codes`` placed right after ``best``, in their order (``step`` apart)."""
        if not codes:
            return cands
        have = {c.code: c for c in cands}
        for i, code in enumerate(codes, start=1):
            row = self.index.row_of.get(code)
            sib = have.get(code) or (Candidate(code, row, 0.0) if row is not None else None)
            if sib is not None:
                sib.score = best.score - step * i
                have[code] = sib
        return sorted(have.values(), key=lambda c: (-c.score, c.code))

    def _alternates(self, request: SuggestRequest, plan: Plan) -> int:
        """Candidates listed per searched mention: the configured alternates, or enough to fill top_k."""
        cfg = self.config
        searched = sum(q is not None for _, q, _ in plan)
        fill = -(-2 * request.top_k // max(searched, 1))  # twice over: mentions share codes
        return max(cfg.alternates_per_mention, min(fill, cfg.fill_alternates))

    def ranking_features(
        self,
        ranked: list[MentionCandidates],
        facts: PatientFacts,
        phrase: bool,
        per_mention: int,
        prior: CodePrior | None,
        scored: int | None = None,
    ) -> list[tuple[MentionCandidates, np.ndarray]]:
        """The learned ranker's feature rows (features.py) for each mention's first candidates."""
        window = max(self.config.rank_window, per_mention)
        counts: dict[str, int] = {}
        for mc in ranked:
            for code in {c.code for c in mc.cands[:window]}:
                counts[code] = counts.get(code, 0) + 1
        depth = max(scored, per_mention) if scored else window
        rows = [
            feature_columns.MentionRows(mc.cands[:depth], mc.mention, mc.query, mc.qualifier_reasons)
            for mc in ranked
            if mc.query is not None and mc.cands
        ]
        kept = [mc for mc in ranked if mc.query is not None and mc.cands]
        xs = feature_columns.note_features(  # features.mention_features of each mention, in one block
            rows,
            catalog=self.catalog,
            prior=prior,
            patient_known=facts.known,
            mention_count=counts,
            phrase=phrase,
            statics=self.static_columns,
        )
        return list(zip(kept, xs, strict=True))

    def _learned_order(
        self,
        ranked: list[MentionCandidates],
        facts: PatientFacts,
        phrase: bool,
        per_mention: int,
        left_out: dict[str, str],
    ) -> list[MentionCandidates]:
        """Each mention's candidates re-scored by the ranker's calibrated probability, best first (the first
        ones again fitted to the patient)."""
        assert self.ranker is not None
        cfg = self.config
        prior = self.ranker.prior
        rows, deep, scores = note_rows.build(  # each row built and scored once (note_rows.py)
            lambda n: self.ranking_features(ranked, facts, phrase, per_mention, prior, n),
            self.ranker,
            cfg,
            per_mention,
        )
        if not rows:
            return ranked
        later = ranked_tail.beyond_head(
            [(mc.cands, x) for mc, x in deep],
            [len(x) for _, x in rows],
            scores,
        )
        probs = scores.head_probs
        start = 0
        for i, (mc, x) in enumerate(rows):
            head = mc.cands[: len(x)]
            for c, p in zip(head, probs[start : start + len(x)].tolist(), strict=True):
                c.score = p
            start += len(x)
            head.sort(key=lambda c: (-c.score, c.code))
            sibling_choice.prefer_named_sibling(
                head, mc.qualifier_reasons, self.catalog.title, mc.mention.query, mc.mention.qualifiers
            )
            mc.cands[:] = self._fit_patient(head, facts, max(per_mention, 1), left_out) + later[i]
            if cfg.index_first:
                walked = mc.query.walk_text or mc.query.text if mc.query is not None else ""
                index_first.promote(mc.cands, mc.qualifier_reasons, walked, self.catalog.title)
            index_first.injury_before_its_cause(mc.cands)
        return ranked

    def _gate_inputs(self, ranked: Sequence[MentionCandidates]) -> list[GateInput]:
        return [
            GateInput(mc.mention, mc.query, mc.cands, mc.qualifier_reasons)
            for mc in ranked
            if mc.query is not None and mc.cands
        ]

    def _gate_probabilities(
        self, request: SuggestRequest, ranked: Sequence[MentionCandidates], facts: PatientFacts
    ) -> dict[int, float]:
        """The mention gate's P(coded) of each searched mention (by id), none without a gate."""
        if self.gate is None:
            return {}
        items = self._gate_inputs(ranked)
        rows = mention_gate.note_rows(items, self.catalog, len(request.text), facts.known)
        return {id(it.mention): p for it, p in zip(items, self.gate.predict(rows).tolist(), strict=True)}

    def gate_rows(self, request: SuggestRequest) -> tuple[list[str], list[list[str]], np.ndarray]:
        """The mention gate's inputs for one note (its training recipe reads them): per searched mention,
        its first code as the final list would take it (after the code rules; "" when the patient cannot
        have it), its first candidates' codes, and the gate's feature rows."""
        assert self.ranker is not None
        plans, vec_of, dense_hits, all_facts = self._prepare([request])
        plan, facts = plans[0], all_facts[0]
        per_mention = self._alternates(request, plan)
        left_out: dict[str, str] = {}
        ranked = self._mention_candidates(request, plan, vec_of, dense_hits, facts, left_out)
        ranked = self._learned_order(ranked, facts, False, per_mention, left_out)
        items = self._gate_inputs(ranked)
        firsts = []
        for it in items:
            codes = [c.code for c in it.cands]
            code, _, _ = self._apply_code_rules(codes[0], it.mention, codes)
            code = exam_for_age(code, facts.age_years, self.catalog)
            firsts.append("" if self.patient_edits.conflict(code, facts) else code)
        heads = [[c.code for c in it.cands[: self.config.alternates_per_mention]] for it in items]
        return firsts, heads, mention_gate.note_rows(items, self.catalog, len(request.text), facts.known)

    def _skipped_tail_on(self) -> bool:
        cfg = self.config
        return self.ranker is not None and cfg.ranked_tail and cfg.w_skipped_tail > 0

    def _skipped_tail(
        self,
        request: SuggestRequest,
        plan: Plan,
        vec_of: dict[str, np.ndarray],
        dense_hits: dict[str, list[tuple[int, float]]],
        facts: PatientFacts,
        per_mention: int,
        floor: float,
        picks: dict[str, Pick],
        tail: dict[str, Pick],
    ) -> None:
        """New codes of the negated and uncertain mentions join the tail, weighted down (skipped_tail.py)."""
        assert self.ranker is not None
        cfg = self.config
        origin: dict[int, tuple[Mention, Query, str]] = {}
        found: list[MentionCandidates] = []
        for m, q, why in skipped_tail.queries(plan):
            cands = self.retrieve(q, vec_of[q.text], dense_hits.get(q.text, []), "full", request.systems)
            found.append(MentionCandidates(skipped_tail.as_stated(m), q, None, cands, {}, []))
            origin[id(found[-1])] = (m, q, why)
        rows = self.ranking_features(found, facts, False, per_mention, self.ranker.prior, cfg.skipped_scored)
        if not rows:
            return
        probs = self.ranker.predict(np.concatenate([x for _, x in rows])).tolist()
        start, added = 0, set[str]()
        for mc, x in rows:
            m, q, why = origin[id(mc)]
            codes = [c.code for c in mc.cands]
            for c, p in zip(mc.cands[: len(x)], probs[start : start + len(x)], strict=True):
                score = p * cfg.w_skipped_tail
                if score < floor:
                    continue
                code = exam_for_age(
                    self._apply_code_rules(c.code, m, codes)[0], facts.age_years, self.catalog
                )
                stated = code in picks or (code in tail and code not in added)
                if stated or self.patient_edits.conflict(code, facts):
                    continue
                added.add(code)
                pick = ranked_tail.keep_best(tail, code, score, m)
                if not pick.reasons:
                    pick.reasons = [skipped_tail.reason(why, m), *self._reasons(c, m, q)]
            start += len(x)

    def _apply_code_rules(
        self, code: str, m: Mention, ranked: list[str]
    ) -> tuple[str, list[str], dict[str, list[str]]]:
        warnings: list[str] = []
        code, w = rules.resolve_header(self.catalog, code, ranked)
        if w:
            warnings.append(w)
        code, w = rules.laterality_variant(self.catalog, code, m.laterality)
        if w:
            warnings.append(w)
        code, w = rules.stage_variant(self.catalog, code, m.qualifiers)
        if w:
            warnings.append(w)
        code, seven_notes = rules.seventh_character(self.catalog, code, m.encounter, m.query)
        notes: dict[str, list[str]] = {}
        if seven_notes:
            notes["seven_chr_applied"] = seven_notes
            if m.encounter is None:
                warnings.append(f"encounter not documented: 7th character A (initial) assumed for {code}")
        w = rules.more_specific_warning(self.catalog, code)
        if w:
            warnings.append(w)
        return code, warnings, notes

    def _search_within(self, text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        """Codes under ``prefixes`` for ``text``: the coding rules' own look-ups (external causes)."""
        vector = self.embedder.embed([text])[0]
        return [(c.code, c.score) for c in self.retrieve(Query(text, prefixes), vector, [], "full")]

    def _rerank_qualifiers(
        self, cands: list[Candidate], m: Mention, facts: PatientFacts, sentence: str
    ) -> tuple[list[Candidate], dict[str, list[str]]]:
        """The sibling the note's qualifiers agree with above the one they contradict (qualifiers.py)."""
        quals = m.qualifiers
        if quals.recurrent is None and qualifiers.says_recurrent(sentence):
            quals = replace(quals, recurrent_nearby=True)
        if quals.trimester is None and facts.pregnant and facts.weeks is not None:
            quals = replace(quals, trimester=qualifiers.trimester_of_weeks(facts.weeks, facts.delivered))

        def siblings(code: str) -> list[str]:
            return [s for a in self.catalog.ancestors(code)[:2] for s in self.catalog.leaves_under(a)[:80]]

        def make(code: str, score: float) -> Candidate:
            return Candidate(code, self.index.row_of.get(code, -1), score)

        return qualifiers.rerank(cands, quals, self.catalog.title, siblings, make)

    def _fit_patient(
        self, cands: list[Candidate], facts: PatientFacts, wanted: int, left_out: dict[str, str]
    ) -> list[Candidate]:
        """The first ``wanted`` candidates this patient can have (the rest unchecked, in order)."""
        kept: list[Candidate] = []
        for i, c in enumerate(cands):
            why = self.patient_edits.conflict(c.code, facts)
            if why:
                left_out.setdefault(c.code, why)
                continue
            kept.append(c)
            if len(kept) >= wanted:
                return kept + cands[i + 1 :]
        return kept

    def _weeks_of_gestation(self, picks: dict[str, Pick], facts: PatientFacts, note: str) -> None:
        """A documented pregnancy with its weeks gets the Z3A weeks code (and only that one)."""
        if not facts.pregnant or facts.weeks is None or facts.weeks_span is None:
            return
        code = weeks_code(facts.weeks, self.catalog)
        if code is None:
            return
        for other in [c for c in picks if c.startswith("Z3A") and c != code]:
            picks.pop(other)
        a, b = facts.weeks_span.start, facts.weeks_span.end
        span = Mention(start=a, end=b, text=note[a:b], query=note[a:b], section="body")
        pick = picks.setdefault(code, Pick(code, self.high_threshold, True, [span]))
        pick.final = True
        pick.score = max(pick.score, self.high_threshold)
        pick.reasons.append(f"weeks of gestation documented: {facts.weeks} (use additional code Z3A)")

    def _pair_rules(self, picks: dict[str, Pick], note: str, pregnant: bool = False) -> None:
        """Each final code's "use additional" / "code first" partners the note documents; a pregnancy's own
        code (chapter 15: "HIV disease complicating pregnancy" before B20) only where a pregnancy is."""
        finals = [p for p in picks.values() if p.final]
        for p in finals:
            for kind, label in (("use_additional", "use additional code"), ("code_first", "code first")):
                refs = rules.paired_refs(self.catalog, p.code, kind)
                own = self.catalog.refs.get(p.code, {}).get(kind, [])
                if not refs:
                    continue
                found = False
                # The code's own "use additional" note names each partner apart (I13.0: the HF type and the
                # CKD stage), and so does an "any associated:" list (N18: diabetic and hypertensive CKD);
                # other notes list alternatives: one partner.
                groups = (
                    rules.ref_groups(refs)
                    if kind == "use_additional"
                    and own
                    and not rules.any_applicable(self.catalog, p.code, kind)
                    else rules.associated_groups(self.catalog, p.code, kind, refs) or [refs]
                )
                others = [q.code for q in finals if q is not p]
                for group in groups:
                    if family_already_coded(group, others) or any(
                        rules.unspecified_of_listed(self.catalog, group, c) for c in others
                    ):
                        found = True  # (CKD of unspecified stage, N18.9, answers "N18.1-N18.6")
                        continue
                    partners = [
                        q
                        for q in picks.values()
                        if q is not p
                        and not q.vetoed
                        and (pregnant or not q.code.startswith(PREGNANCY_PREFIXES))
                        and any(rules.ref_matches(r, q.code) for r in group)
                        and rules.partner_documented(q.code, q.score, own)
                        and rules.character_fits(self.catalog, p.code, kind, q.code)
                        and family_documented(q.code, note)
                        and not (kind == "code_first" and cause_denied(note, self.catalog, p, q.code))
                        and not rules.treatment_unsaid(self.catalog.title(q.code), note)
                        and not self._partner_unsaid(q, p)
                    ]
                    if not partners:
                        continue
                    found = True
                    best = max(partners, key=lambda q: (q.final, q.score))  # a partner already coded first
                    if not best.final:
                        best.final = True
                        best.score = max(best.score, p.score * 0.95)
                    best.reasons.append(f"{label} partner of {p.code}")
                    p.reasons.append(f"{label}: {best.code} kept together")
                if not found and own:
                    p.warnings.append(f"{label}: {', '.join(own[:3])} (not found in the note)")

    def _partner_unsaid(self, partner: Pick, parent: Pick) -> bool:
        """The partner's condition word, or the kind it names of the parent's condition, is not in its
        mentions (rules.head_unsaid, rules.kind_unsaid)."""
        title = self.catalog.title(partner.code)
        said = [t for m in partner.mentions for t in (m.text, m.query)]
        return rules.head_unsaid(partner.code, title, said) or rules.kind_unsaid(
            title, self.catalog.title(parent.code), said
        )

    def _excludes1(self, picks: dict[str, Pick]) -> None:
        kept: list[Pick] = []
        # The code a problem line states wins over one read from the narrative (F33 "MDD, recurrent" on
        # the assessment line over F32 from "depressive episode" in the HPI), then the likelier one.
        stated = sorted((p for p in picks.values() if p.final), key=lambda p: (not _states(p), -p.score))
        for p in stated:
            clash = next((k for k in kept if rules.excludes1_conflict(self.catalog, k.code, p.code)), None)
            if clash is None:
                kept.append(p)
                continue
            if rules.excluded_elsewhere(self.catalog, clash.code, p.code):
                kept[kept.index(clash)] = p  # the condition is classified at p (E87.6's note: O21.1)
                clash, p = p, clash
            p.final = False
            p.score *= 0.5
            p.warnings.append(f"Excludes1 with {clash.code}: not coded together")
            clash.warnings.append(f"Excludes1 conflict with {p.code} resolved: kept {clash.code}")

    def _context_warnings(self, picks: dict[str, Pick], skipped: list[tuple[Mention, str]]) -> None:
        for m, why in skipped:
            if why not in ("negated",) and not why.startswith("uncertain"):
                continue
            mt = set(tokens(clean_query(m.query)))
            if not mt:
                continue
            for p in picks.values():
                tt = self.catalog.title_tokens(p.code)
                if tt and len(tt & mt) / len(tt) >= 0.5:
                    p.warnings.append(f'also documented as {why.split(" ")[0]}: "{m.text}"')

    def _reasons(self, c: Candidate, m: Mention, q: Query) -> list[str]:
        out = [f"{INDEX_REASON}{c.walk_path}"] if c.walk_path else []
        if c.matched:
            out.append("matched terms: " + ", ".join(c.matched))
        if c.cos:
            out.append(f"meaning similarity {c.cos:.2f}")
        if c.coverage:
            out.append(f"index text covers {c.coverage:.0%} of the mention")
        out.append(f"section: {m.section}")
        if q.kind != "current":
            out.append(f'{q.kind} mention: searched as "{q.text}"')
        return out

    def _suggestion(self, p: Pick, request: SuggestRequest, learned: bool = False) -> Suggestion:
        note = request.text
        evidence = []
        for m in p.mentions[:3]:
            assert note[m.start : m.end] == m.text, "evidence span does not match the note"
            evidence.append(Evidence(start=m.start, end=m.end, text=m.text))
        high = self.high_threshold if learned else self.config.high_threshold
        if request.mode == "full":
            confidence: Literal["high", "medium", "low"] = (
                ("high" if p.score >= high else "medium") if p.final else "low"
            )
        else:
            confidence = "high" if p.score >= 0.8 else "medium" if p.score >= 0.6 else "low"
        notes = rules.official_notes(self.catalog, p.code) if request.mode == "full" else {}
        for k, v in p.notes.items():
            notes.setdefault(k, []).extend(v)
        return Suggestion(
            code=p.code,
            system=self.catalog.system(p.code) if p.code in self.catalog else "ICD-10-CM",
            title=self.catalog.title(p.code),
            score=round(float(p.score), 4),
            confidence=confidence,
            evidence=evidence,
            reasons=p.reasons,
            warnings=p.warnings,
            notes=notes,
        )


def check_evidence(note: str, response: SuggestResponse) -> None:
    """The evidence invariant: every span's text is exactly the note's text at that span."""
    for s in response.suggestions:
        for e in s.evidence:
            if note[e.start : e.end] != e.text:
                raise AssistantError(f"evidence mismatch for {s.code}: {e}")


def _states(pick: Pick) -> bool:
    """A final code that heads a problem-list or assessment line (the physician's stated diagnosis)."""
    return any(m.problem for m in pick.heads)


__all__ = ["SuggestionService", "EngineConfig", "InvalidInput", "check_evidence", "time"]
