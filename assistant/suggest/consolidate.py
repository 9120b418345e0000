"""Consolidating final codes the way a coder would: one code per fact, symptoms folded into diagnoses."""

from __future__ import annotations

from assistant.suggest import qualifiers
from assistant.suggest.reader import Mention, clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Pick

DIAGNOSIS_SECTIONS = frozenset({"assessment", "diagnosis"})


def _mention_tokens(pick: Pick) -> set[str]:
    return {t for m in pick.mentions for t in tokens(clean_query(m.query))}


def absorb_same_category(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """Drop a final code whose mentions say nothing its same-category sibling does not already code.

    "T2DM" in the HPI and "type 2 diabetes with diabetic CKD" in the assessment are one condition:
    E11.22, not E11.22 plus E11.9. Two mentions that each add their own words (CKD, neuropathy) keep both.
    """
    finals = sorted((p for p in picks.values() if p.final), key=lambda p: -p.score)
    for lo in reversed(finals):
        for hi in finals:
            if hi is lo or hi.code not in picks or lo.code not in picks or hi.code[:3] != lo.code[:3]:
                continue
            said = _mention_tokens(hi) | catalog.title_tokens(hi.code)
            extra = _mention_tokens(lo) - said
            if extra & catalog.title_tokens(lo.code):
                continue
            picks.pop(lo.code)
            hi.mentions.extend(m for m in lo.mentions if m not in hi.mentions)
            hi.reasons.append(f"also documented as {lo.code}'s wording; coded once as {hi.code}")
            break


def _states_diagnosis(m: Mention) -> bool:
    """The physician's own statement of a problem: the assessment, or the head of a problem-list line."""
    return m.section in DIAGNOSIS_SECTIONS or m.problem


def fold_integral_symptoms(picks: dict[str, Pick]) -> None:
    """Signs and symptoms (chapter R) found only outside the assessment (and outside the heads of
    problem-list lines) stop being final codes when the assessment or a problem line gives a confirmed
    diagnosis (ICD-10-CM guideline I.B.5): the coder keeps them as options."""
    confirmed = [
        p
        for p in picks.values()
        if p.final and not p.code.startswith("R") and any(_states_diagnosis(m) for m in p.mentions)
    ]
    if not confirmed:
        return
    for p in picks.values():
        if p.final and p.code.startswith("R") and not any(_states_diagnosis(m) for m in p.mentions):
            p.final = False
            p.warnings.append(
                "sign or symptom outside the assessment: not coded when it is integral to a confirmed "
                f"diagnosis ({', '.join(c.code for c in confirmed[:3])}); add it back if it is not"
            )


def _contradict(catalog: CodeCatalog, a: str, b: str) -> bool:
    ta, tb = qualifiers.title_qualifiers(catalog.title(a)), qualifiers.title_qualifiers(catalog.title(b))
    return bool(qualifiers.compare(ta, tb)[0] or qualifiers.compare(tb, ta)[0])


def drop_contradicting_siblings(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """Two final codes of one category whose titles say opposite things (I11.0 "with heart failure" and
    I11.9 "without heart failure", two CKD stages, two acuities) cannot both be true: the better-supported
    one stays final, the other stays an option with the reason."""
    kept: list[Pick] = []
    for p in sorted((p for p in picks.values() if p.final), key=lambda p: (-p.score, p.code)):
        clash = next(
            (k for k in kept if k.code[:3] == p.code[:3] and _contradict(catalog, k.code, p.code)), None
        )
        if clash is None:
            kept.append(p)
            continue
        p.final = False
        p.warnings.append(
            f"its title contradicts {clash.code} ({catalog.title(clash.code)}): coded {clash.code}"
        )
