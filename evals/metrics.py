"""Evaluation metrics for code suggestion: pure functions, no I/O, no engine imports.

Conventions (see evals/README.md for the full write-up):

* **Matching.** A suggested code matches a gold code when, with dots removed, it *starts with* the gold
  code. For a billable gold code (a leaf) this is exact match, because nothing else starts with a leaf;
  for a non-billable gold code (CodiEsp category-level codes, codes split after 2018) any descendant
  counts. Matching is one-to-one: each gold code is matched at most once and each suggestion matches at
  most one gold code (exact matches are preferred, then the longest gold prefix).
* **Gold rules.** ``"all"``: every gold code is wanted (notes, single-code phrase sets).
  ``"any"``: the gold codes are alternatives (gem-phrases); only the first hit counts as relevant and the
  number of relevant items is 1, so recall@k == hit@k.
* **Macro-F1** follows Edin et al. (SIGIR 2023): per-code F1 = 2TP / (2TP + FP + FN), averaged over the
  codes that occur in the gold *or* the predictions of the evaluated cases. Codes absent from both are
  excluded (their F1 is undefined, not 0). Every code in that union has a defined F1, so no undefined
  value is ever averaged in as 0.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

GoldRule = Literal["all", "any"]
KS: tuple[int, ...] = (1, 5, 10)

# ICD-10-CM chapters (April 2026), by first letter and two-digit range of the category.
_CHAPTERS: list[tuple[str, str, str, str]] = [
    ("01", "A00", "B99", "Infectious and parasitic"),
    ("02", "C00", "D49", "Neoplasms"),
    ("03", "D50", "D89", "Blood and immune"),
    ("04", "E00", "E89", "Endocrine and metabolic"),
    ("05", "F01", "F99", "Mental and behavioural"),
    ("06", "G00", "G99", "Nervous system"),
    ("07", "H00", "H59", "Eye and adnexa"),
    ("08", "H60", "H95", "Ear and mastoid"),
    ("09", "I00", "I99", "Circulatory"),
    ("10", "J00", "J99", "Respiratory"),
    ("11", "K00", "K95", "Digestive"),
    ("12", "L00", "L99", "Skin"),
    ("13", "M00", "M99", "Musculoskeletal"),
    ("14", "N00", "N99", "Genitourinary"),
    ("15", "O00", "O9A", "Pregnancy and childbirth"),
    ("16", "P00", "P96", "Perinatal"),
    ("17", "Q00", "Q99", "Congenital"),
    ("18", "R00", "R99", "Symptoms and signs"),
    ("19", "S00", "T88", "Injury and poisoning"),
    ("20", "V00", "Y99", "External causes"),
    ("21", "Z00", "Z99", "Health status and services"),
    ("22", "U00", "U85", "Special purposes"),
]


# --------------------------------------------------------------------------- codes and hierarchy
def norm(code: str) -> str:
    """Upper-case, no dot, no spaces: the form codes are compared in."""
    return code.replace(".", "").replace(" ", "").upper()


def category(code: str) -> str:
    """The 3-character category of an ICD-10-CM code."""
    return norm(code)[:3]


def parent(code: str) -> str | None:
    """The parent code (one character shorter), or None for a category."""
    c = norm(code)
    return c[:-1] if len(c) > 3 else None


def _cat_key(cat: str) -> tuple[str, str]:
    # O9A sorts after O99: map a trailing letter above any digit.
    return cat[0], cat[1:3].replace("A", ":")


def chapter(code: str) -> str:
    """Chapter label like ``"09 Circulatory"`` (``"?? Unknown"`` for anything that is not ICD-10-CM)."""
    cat = category(code)
    if len(cat) < 3 or not cat[0].isalpha():
        return "?? Unknown"
    key = _cat_key(cat)
    for number, low, high, label in _CHAPTERS:
        if _cat_key(low) <= key <= _cat_key(high):
            return f"{number} {label}"
    return "?? Unknown"


def code_matches(pred: str, gold: str) -> bool:
    """Prefix rule: ``pred`` matches ``gold`` when it starts with it (exact for billable leaves)."""
    p, g = norm(pred), norm(gold)
    return bool(g) and p.startswith(g)


Relation = Literal["exact", "descendant", "ancestor", "sibling", "category", "chapter", "other"]
_RELATION_ORDER: tuple[Relation, ...] = (
    "exact",
    "descendant",
    "ancestor",
    "sibling",
    "category",
    "chapter",
    "other",
)


def relation(pred: str, gold: str) -> Relation:
    """How a suggestion relates to a gold code in the hierarchy.

    ``descendant``: the suggestion is below the gold code (a match under the prefix rule);
    ``ancestor``: the suggestion is a parent/ancestor of the gold code (a header: too vague);
    ``sibling``: same parent, different code; ``category``: same 3-character category otherwise.
    """
    p, g = norm(pred), norm(gold)
    if p == g:
        return "exact"
    if p.startswith(g):
        return "descendant"
    if g.startswith(p):
        return "ancestor"
    if len(p) > 3 and len(g) > 3 and p[:-1] == g[:-1]:
        return "sibling"
    if p[:3] == g[:3]:
        return "category"
    if chapter(p) == chapter(g) and not chapter(p).startswith("??"):
        return "chapter"
    return "other"


def best_relation(pred: str, gold: Sequence[str]) -> Relation:
    rels = [relation(pred, g) for g in gold] or ["other"]
    return min(rels, key=_RELATION_ORDER.index)


# --------------------------------------------------------------------------- matching
def match_ranked(ranked: Sequence[str], gold: Sequence[str]) -> list[int | None]:
    """For each suggestion in rank order, the index of the gold code it matches (one-to-one), else None."""
    used: set[int] = set()
    out: list[int | None] = []
    gold_norm = [norm(g) for g in gold]
    for pred in ranked:
        p = norm(pred)
        candidates = [i for i, g in enumerate(gold_norm) if i not in used and g and p.startswith(g)]
        if not candidates:
            out.append(None)
            continue
        # Exact match first, then the most specific (longest) gold code.
        best = max(candidates, key=lambda i: (gold_norm[i] == p, len(gold_norm[i])))
        used.add(best)
        out.append(best)
    return out


def n_relevant(gold: Sequence[str], rule: GoldRule) -> int:
    if rule == "any":
        return 1 if gold else 0
    return len({norm(g) for g in gold})


def relevance(ranked: Sequence[str], gold: Sequence[str], rule: GoldRule) -> list[int]:
    """Binary relevance of each ranked suggestion under the gold rule."""
    matched = match_ranked(ranked, _dedupe(gold))
    rel = [0 if m is None else 1 for m in matched]
    if rule == "any":
        seen = False
        for i, r in enumerate(rel):
            if r and seen:
                rel[i] = 0
            seen = seen or bool(r)
    return rel


def _dedupe(codes: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for c in codes:
        if norm(c) not in seen:
            seen.add(norm(c))
            out.append(c)
    return out


# --------------------------------------------------------------------------- ranking metrics (one case)
def recall_at_k(rel: Sequence[int], n_rel: int, k: int) -> float:
    return sum(rel[:k]) / n_rel if n_rel else 0.0


def precision_at_k(rel: Sequence[int], k: int) -> float:
    """Hits in the top k divided by k (a list shorter than k is padded with misses)."""
    return sum(rel[:k]) / k


def reciprocal_rank(rel: Sequence[int]) -> float:
    for i, r in enumerate(rel):
        if r:
            return 1.0 / (i + 1)
    return 0.0


def ndcg_at_k(rel: Sequence[int], n_rel: int, k: int) -> float:
    dcg = sum(r / math.log2(i + 2) for i, r in enumerate(rel[:k]))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(n_rel, k)))
    return dcg / ideal if ideal else 0.0


def average_precision(rel: Sequence[int], n_rel: int) -> float:
    """AP over the returned ranking; relevant items never returned count as misses (divide by n_rel)."""
    if not n_rel:
        return 0.0
    hits, total = 0, 0.0
    for i, r in enumerate(rel):
        if r:
            hits += 1
            total += hits / (i + 1)
    return total / n_rel


def r_precision(rel: Sequence[int], n_rel: int) -> float:
    return sum(rel[:n_rel]) / n_rel if n_rel else 0.0


def category_recall_at_k(ranked: Sequence[str], gold: Sequence[str], rule: GoldRule, k: int) -> float:
    """Hierarchy credit: share of gold 3-character categories present in the top k (any-rule: 0 or 1)."""
    top = {category(c) for c in ranked[:k]}
    cats = {category(g) for g in gold}
    if not cats:
        return 0.0
    if rule == "any":
        return 1.0 if cats & top else 0.0
    return len(cats & top) / len(cats)


# --------------------------------------------------------------------------- set metrics (final list)
@dataclass(frozen=True)
class SetCounts:
    tp: int
    fp: int
    fn: int


def set_counts(final: Sequence[str], gold: Sequence[str], rule: GoldRule) -> SetCounts:
    """TP/FP/FN of the final suggestion list against the gold (prefix rule, one-to-one)."""
    final = _dedupe(final)
    gold = _dedupe(gold)
    matched = match_ranked(final, gold)
    tp = sum(m is not None for m in matched)
    if rule == "any":
        tp = min(tp, 1)
    return SetCounts(tp=tp, fp=len(final) - tp, fn=n_relevant(gold, rule) - tp)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    return p, r, f


def micro_prf(counts: Iterable[SetCounts]) -> tuple[float, float, float]:
    tp = fp = fn = 0
    for c in counts:
        tp, fp, fn = tp + c.tp, fp + c.fp, fn + c.fn
    return prf(tp, fp, fn)


def per_code_counts(
    pairs: Iterable[tuple[Sequence[str], Sequence[str]]], rule: GoldRule = "all"
) -> dict[str, list[int]]:
    """Per-code [TP, FP, FN] over (final, gold) pairs.

    A match credits the *gold* code's TP; an unmatched gold code is its FN; an unmatched suggestion is
    an FP of the suggested code. Under the any-rule a missed case is one FN of its first gold code, and
    extra alternatives are neither TP nor FN.
    """
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for final, gold in pairs:
        final = _dedupe(final)
        gold = _dedupe(gold)
        matched = match_ranked(final, gold)
        hit_gold = {m for m in matched if m is not None}
        if rule == "any" and len(hit_gold) > 1:
            first = next(m for m in matched if m is not None)
            matched = [m if m == first else None for m in matched]
            hit_gold = {first}
        for pred, m in zip(final, matched, strict=True):
            if m is None:
                table[norm(pred)][1] += 1
            else:
                table[norm(gold[m])][0] += 1
        if rule == "any":
            if not hit_gold and gold:
                table[norm(gold[0])][2] += 1
        else:
            for i, g in enumerate(gold):
                if i not in hit_gold:
                    table[norm(g)][2] += 1
    return dict(table)


def macro_f1(
    pairs: Iterable[tuple[Sequence[str], Sequence[str]]], rule: GoldRule = "all"
) -> tuple[float, int]:
    """Edin et al. macro-F1: mean per-code F1 over gold ∪ predicted codes. Returns (macro_f1, n_codes)."""
    table = per_code_counts(pairs, rule)
    f1s = [2 * tp / (2 * tp + fp + fn) for tp, fp, fn in table.values() if tp + fp + fn]
    return (sum(f1s) / len(f1s) if f1s else 0.0), len(f1s)


def macro_f1_label_space(
    pairs: Iterable[tuple[Sequence[str], Sequence[str]]], label_space: Iterable[str], rule: GoldRule = "all"
) -> float:
    """The common mistake, kept only to show it differs: average over a fixed label space with F1 := 0
    for codes that occur neither in the gold nor in the predictions. Not used for reporting."""
    table = per_code_counts(pairs, rule)
    labels = {norm(c) for c in label_space} | set(table)
    f1s = []
    for code in labels:
        tp, fp, fn = table.get(code, [0, 0, 0])
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def macro_f1_harmonic(pairs: Iterable[tuple[Sequence[str], Sequence[str]]], rule: GoldRule = "all") -> float:
    """Another common variant, not used for reporting: the harmonic mean of macro-precision and
    macro-recall (undefined precision/recall averaged as 0)."""
    table = per_code_counts(pairs, rule)
    if not table:
        return 0.0
    ps = [tp / (tp + fp) if tp + fp else 0.0 for tp, fp, _ in table.values()]
    rs = [tp / (tp + fn) if tp + fn else 0.0 for tp, _, fn in table.values()]
    p, r = sum(ps) / len(ps), sum(rs) / len(rs)
    return 2 * p * r / (p + r) if p + r else 0.0


# --------------------------------------------------------------------------- one case, aggregated
@dataclass
class CaseOutcome:
    """What a system returned for one case, plus what is needed to score it."""

    case_id: str
    gold: list[str]
    ranked: list[str]  # every suggestion, in rank order
    final: list[str]  # the product's final list (after the threshold)
    latency_s: float = 0.0
    header_codes: int | None = None  # non-billable codes in the final list (None: not checked)
    excludes1_pairs: int | None = None  # Excludes1 pairs inside the final list (None: not checked)
    negated: list[str] | None = None  # annotated negated conditions (None: no annotation)
    text: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    # Coder annotations (sets with acceptable/forbidden codes, e.g. us-notes); None: not annotated.
    acceptable: list[str] | None = None
    forbidden: list[str] | None = None
    sex: str | None = None
    sex_conflicts: list[str] | None = None  # final-list codes whose MCE sex edit contradicts the patient
    groups: dict[str, str] = field(default_factory=dict)  # e.g. {"specialty": "cardiology"}


# --------------------------------------------------------------------------- coder metrics
# Codes that say a pregnancy (or its puerperium) is documented; chapter 15 (O) codes need one.
PREGNANCY_PREFIXES: tuple[str, ...] = ("O", "Z3A", "Z33", "Z34", "Z36", "Z37", "Z39")
DangerKind = Literal["forbidden", "pregnancy", "sex"]


def is_obstetric(code: str) -> bool:
    """A chapter-15 (pregnancy, childbirth and the puerperium) code."""
    return norm(code).startswith("O")


def pregnancy_documented(codes: Iterable[str]) -> bool:
    """Whether the coded answer (gold or acceptable codes) documents a pregnancy or puerperium."""
    return any(norm(c).startswith(PREGNANCY_PREFIXES) for c in codes)


@dataclass(frozen=True)
class CoderCounts:
    """One case's final list against its required (gold), acceptable and forbidden codes."""

    required: int
    required_found: int
    final: int
    final_ok: int  # final-list codes that are gold or acceptable
    dangerous: tuple[tuple[str, DangerKind], ...]


def coder_counts(
    final: Sequence[str],
    gold: Sequence[str],
    acceptable: Sequence[str] = (),
    forbidden: Sequence[str] = (),
    sex: str | None = None,
    sex_conflicts: Sequence[str] = (),
) -> CoderCounts:
    """Required recall, precision (gold or acceptable) and dangerous codes of one final list.

    A final-list code is dangerous (counted once, first reason wins) when it falls under a forbidden
    code (prefix rule), when it is an O-code for a man or for a note that documents no pregnancy, or
    when its MCE sex edit contradicts the patient (``sex_conflicts``, found by the runner).
    """
    final = _dedupe(final)
    gold = _dedupe(gold)
    matched = match_ranked(final, gold)
    ok = sum(
        1
        for code, m in zip(final, matched, strict=True)
        if m is not None or any(code_matches(code, a) for a in acceptable)
    )
    pregnant = pregnancy_documented([*gold, *acceptable])
    conflicts = {norm(c) for c in sex_conflicts}
    dangerous: list[tuple[str, DangerKind]] = []
    for code, m in zip(final, matched, strict=True):
        if m is not None:
            continue
        if any(code_matches(code, f) for f in forbidden):
            dangerous.append((code, "forbidden"))
        elif is_obstetric(code) and (sex == "M" or not pregnant):
            dangerous.append((code, "pregnancy"))
        elif norm(code) in conflicts:
            dangerous.append((code, "sex"))
    return CoderCounts(
        required=len(gold),
        required_found=sum(x is not None for x in matched),
        final=len(final),
        final_ok=ok,
        dangerous=tuple(dangerous),
    )


def outcome_coder_counts(o: CaseOutcome) -> CoderCounts:
    return coder_counts(o.final, o.gold, o.acceptable or (), o.forbidden or (), o.sex, o.sex_conflicts or ())


def coder_summary(outcomes: Sequence[CaseOutcome]) -> dict[str, object]:
    """Micro-averaged coder metrics over the annotated cases; every value None when none is annotated.

    ``required_recall``: gold codes found in the final list / gold codes. ``final_precision``: final-list
    codes that are gold or acceptable / final-list codes (None when the final lists are all empty).
    ``dangerous``: dangerous codes in the final lists, also split by kind.
    """
    annotated = [o for o in outcomes if o.forbidden is not None]
    keys = ("required_recall", "final_precision", "dangerous", "dangerous_forbidden", "dangerous_pregnancy")
    if not annotated:
        return dict.fromkeys((*keys, "dangerous_sex", "dangerous_cases"))
    counts = [outcome_coder_counts(o) for o in annotated]
    required = sum(c.required for c in counts)
    final = sum(c.final for c in counts)
    kinds = Counter(kind for c in counts for _, kind in c.dangerous)
    return {
        "required_recall": sum(c.required_found for c in counts) / required if required else None,
        "final_precision": sum(c.final_ok for c in counts) / final if final else None,
        "dangerous": sum(kinds.values()),
        "dangerous_forbidden": kinds["forbidden"],
        "dangerous_pregnancy": kinds["pregnancy"],
        "dangerous_sex": kinds["sex"],
        "dangerous_cases": sum(1 for c in counts if c.dangerous),
    }


def coder_breakdown(outcomes: Sequence[CaseOutcome], group: str) -> dict[str, dict[str, object]]:
    """Coder metrics per value of ``CaseOutcome.groups[group]`` (e.g. per specialty), with ``n`` cases."""
    by: dict[str, list[CaseOutcome]] = defaultdict(list)
    for o in outcomes:
        if o.forbidden is not None and group in o.groups:
            by[o.groups[group]].append(o)
    return {g: {"n": len(os_), **coder_summary(os_)} for g, os_ in sorted(by.items())}


def negated_coded(final: Sequence[str], negated: Sequence[str]) -> int:
    """How many annotated negated conditions appear in the final list (prefix rule)."""
    return sum(1 for n in negated if any(code_matches(f, n) for f in final))


def frequency_bucket(freq: int) -> str:
    if freq <= 1:
        return "1"
    if freq <= 4:
        return "2-4"
    if freq <= 9:
        return "5-9"
    return "10+"


def gold_units(outcome: CaseOutcome, rule: GoldRule, k: int = 10) -> list[tuple[str, bool]]:
    """(gold code, found in top k) units used for breakdowns. Any-rule: one unit per case."""
    gold = _dedupe(outcome.gold)
    matched = match_ranked(outcome.ranked[:k], gold)
    hits = [m for m in matched if m is not None]
    if rule == "any":
        if not gold:
            return []
        return [(gold[hits[0]] if hits else gold[0], bool(hits))]
    return [(g, i in hits) for i, g in enumerate(gold)]


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def aggregate(outcomes: Sequence[CaseOutcome], rule: GoldRule, max_k: int = 10) -> dict[str, object]:
    """All headline metrics for a list of cases (one dataset part × system)."""
    n = len(outcomes)
    m: dict[str, object] = {"n": n}
    if not n:
        return m
    rels = [relevance(o.ranked, o.gold, rule) for o in outcomes]
    nrels = [n_relevant(o.gold, rule) for o in outcomes]
    for k in KS:
        m[f"recall@{k}"] = _mean([recall_at_k(r, nr, k) for r, nr in zip(rels, nrels, strict=True)])
        m[f"p@{k}"] = _mean([precision_at_k(r, k) for r in rels])
        m[f"category@{k}"] = _mean([category_recall_at_k(o.ranked, o.gold, rule, k) for o in outcomes])
    m["mrr"] = _mean([reciprocal_rank(r) for r in rels])
    m["ndcg@10"] = _mean([ndcg_at_k(r, nr, 10) for r, nr in zip(rels, nrels, strict=True)])
    m["map"] = _mean([average_precision(r, nr) for r, nr in zip(rels, nrels, strict=True)])
    m["r_precision"] = _mean([r_precision(r, nr) for r, nr in zip(rels, nrels, strict=True)])
    m["recall_curve"] = [
        _mean([recall_at_k(r, nr, k) for r, nr in zip(rels, nrels, strict=True)]) for k in range(1, max_k + 1)
    ]

    # Top-1 near misses (hierarchy-aware credit): how the first suggestion relates to the gold.
    rel_counts: Counter[str] = Counter()
    for o in outcomes:
        rel_counts[best_relation(o.ranked[0], o.gold) if o.ranked else "none"] += 1
    m["top1_relation"] = {k: v / n for k, v in sorted(rel_counts.items())}
    misses = [o for o, r in zip(outcomes, rels, strict=True) if not (r and r[0])]
    near = sum(
        1 for o in misses if o.ranked and best_relation(o.ranked[0], o.gold) in ("ancestor", "sibling")
    )
    m["top1_near_miss"] = near / n  # wrong at rank 1, but parent/ancestor or sibling of a gold code

    # Final list (product threshold).
    counts = [set_counts(o.final, o.gold, rule) for o in outcomes]
    p, r, f = micro_prf(counts)
    m["micro_p"], m["micro_r"], m["micro_f1"] = p, r, f
    mf, ncodes = macro_f1(((o.final, o.gold) for o in outcomes), rule)
    m["macro_f1"], m["macro_codes"] = mf, ncodes
    total_final = sum(len(_dedupe(o.final)) for o in outcomes)
    total_gold = sum(nr for nr in nrels)
    m["over_coding"] = total_final / total_gold if total_gold else 0.0
    m["final_per_case"] = total_final / n
    m["empty_final"] = sum(1 for o in outcomes if not o.final) / n

    # Dangerous errors, counted on their own (None = not checked / not annotated).
    m["header_codes"] = _sum_or_none([o.header_codes for o in outcomes])
    m["excludes1_pairs"] = _sum_or_none([o.excludes1_pairs for o in outcomes])
    annotated = [o for o in outcomes if o.negated is not None]
    m["negated_coded"] = (
        sum(negated_coded(o.final, o.negated or []) for o in annotated) if annotated else None
    )
    m["negated_annotated"] = sum(len(o.negated or []) for o in annotated) if annotated else None
    m.update(coder_summary(outcomes))

    lat = sorted(o.latency_s for o in outcomes)
    m["latency_mean_s"] = _mean(lat)
    m["latency_p95_s"] = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
    return m


def _sum_or_none(values: Sequence[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def breakdown(
    outcomes: Sequence[CaseOutcome],
    rule: GoldRule,
    key: Callable[[str], str],
    k: int = 10,
) -> dict[str, dict[str, float]]:
    """Gold-level recall@k grouped by ``key(gold_code)``: {group: {"n": units, "recall": share found}}."""
    groups: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        for code, hit in gold_units(o, rule, k):
            groups[key(code)].append(hit)
    return {g: {"n": len(v), "recall": sum(v) / len(v)} for g, v in sorted(groups.items())}


def frequency_key(outcomes: Sequence[CaseOutcome]) -> Callable[[str], str]:
    """Bucket of a gold code by how many cases of this set carry it."""
    freq: Counter[str] = Counter()
    for o in outcomes:
        for g in _dedupe(o.gold):
            freq[norm(g)] += 1
    return lambda code: frequency_bucket(freq[norm(code)])
