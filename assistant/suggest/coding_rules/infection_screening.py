"""Screening for an infection in a patient without its signs (ICD-10-CM I.C.21.c.5): each infection the
screening tests look for has its own Z11 code (HIV Z11.4, hepatitis and other viral diseases Z11.59,
infections with a predominantly sexual mode of transmission Z11.3, tuberculosis Z11.1). Not where the
note codes the infection itself or an exposure to it (Z20.-: I.C.21.c.1). A positive antibody test for
hepatitis, the virus not yet found, is the abnormal finding, not the infection."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# A cotest (Pap with HPV) is cervical screening by definition.
_SCREENING = re.compile(r"\bscreen\w*|\b(?:STI|STD)\s+test\w*|\bco-?test\w*", re.IGNORECASE)
# Z11 code, the words of the infection or its test, the codes of the infection itself.
INFECTIONS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = (
    ("Z11.4", re.compile(r"\bHIV\b"), ("B20", "Z21")),
    (
        "Z11.59",
        re.compile(
            r"\b(?:HCV|HBV|HBsAg|hep(?:atitis)?\s*[BC]\b(?!\s+(?:surface\s+)?(?:ab|antibody|immun)))", re.I
        ),
        ("B16", "B17", "B18", "B19"),
    ),
    (
        "Z11.3",
        re.compile(
            r"\b(?:STIs?|STDs?|gonorrh\w*|chlamydia|GC(?:/CT)?|syphilis|RPR|trichomon\w*|sexually\s+transmitted)\b",
            re.IGNORECASE,
        ),
        (*(f"A{n}" for n in range(50, 65)), "A74"),  # A74.9: the Index's "Chlamydia, chlamydial" NOS
    ),
    (  # HPV named as a test, not the vaccine ("HPV cotest", "HPV DNA")
        "Z11.51",
        re.compile(
            r"\bHPV\s*(?:co-?)?test\w*|\bHPV\s+(?:DNA|RNA|screen\w*|typing)\b|\b(?:pap|cytology)\s*(?:/|with|and|\+)\s*HPV\b",
            re.IGNORECASE,
        ),
        ("B97.7", "A63.0", "R87.8"),
    ),
    (
        "Z11.1",
        re.compile(
            r"\b(?:(?-i:TB)|tuberculosis|quantiferon|(?<!\d\s)(?<!\d)(?-i:PPD)|IGRA)\b", re.IGNORECASE
        ),
        ("A15", "A16", "A17", "A18", "A19", "R76.1"),
    ),
)


def _screened(ctx: NoteContext, pick: Pick) -> bool:
    """Every mention of ``pick`` is in a sentence about screening ("TB screening: PPD read 0 mm") or is itself
    the sending of its test, with no result yet ("TB: IGRA drawn (no BCG)"); not a diagnosis whose line
    goes on to a screening for other infections ("Chlamydia cervicitis, NAAT positive. Screening for HIV")."""
    return bool(pick.mentions) and all(
        _SCREENING.search(_sentence(ctx.note, m.start)) or _sent_only(ctx.note[m.start : m.end])
        for m in pick.mentions
    )


# The sentence orders, sends or reads a test for it, or calls it a screening.
_TESTED = re.compile(
    r"\bscreen\w*|\btest\w*|\bco-?test\w*|\bNAAT\b|\bAg/Ab\b|\bantibod\w*|\bPCR\b|\bRPR\b|\bPPD\b|\bquantiferon\b|"
    r"\bIGRA\b|"
    r"\b(?:ordered|sent|drawn|collected|placed)\b",
    re.IGNORECASE,
)
_SENT = re.compile(r"\b(?:ordered|sent|drawn|collected|placed|pending)\b", re.IGNORECASE)
# A result that finds the infection ("Chlamydia NAAT positive", "RPR reactive 1:32", "PPD 15 mm").
_FOUND = re.compile(r"\+|\b(?:positive|pos|reactive|detected|\d+\s*mm)\b", re.IGNORECASE)


def _sent_only(sentence: str) -> bool:
    return _SENT.search(sentence) is not None and _this_visit(sentence) and _FOUND.search(sentence) is None


# A screening done before this visit ("STI screening negative last month") is not this encounter's.
_BEFORE = re.compile(
    # a year said alone ("Pap/HPV co-test 2023 normal"), not a date's year ("ordered 12/3/2026")
    r"(?<![/\d-])(?:19|20)\d\d\b(?![/-]\d)|"
    r"\b(?:last|previous|prior|ago|in\s+(?:19|20)\d\d|history\s+of|h/o|hx|annually|yearly|every|due|declin\w*|"
    r"refus\w*|offered|discuss\w*|recommend\w*|consider\w*|defer\w*|up\s+to\s+date|utd|completed|next)\b",
    re.IGNORECASE,
)


def _this_visit(sentence: str) -> bool:
    return _TESTED.search(sentence) is not None and _BEFORE.search(sentence) is None


def _sentence(note: str, at: int) -> str:
    start = max(note.rfind(c, 0, at) for c in ".\n;") + 1
    ends = [e for e in (note.find(c, at) for c in ".\n;") if e >= 0]
    return note[start : min(ends) if ends else len(note)]


def _line(note: str, at: int) -> str:
    end = note.find("\n", at)
    return note[note.rfind("\n", 0, at) + 1 : end if end >= 0 else len(note)]


def infection_screening(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """The Z11 code of each infection tested for on a screening line, or anywhere in a visit whose first
    line says it is for screening."""
    visit = ctx.note.lstrip().split("\n", 1)[0]
    if not _SCREENING.search(ctx.note):
        return
    if any(p.final and c.startswith("Z20") for c, p in picks.items()):
        return
    for code, rx, disease in INFECTIONS:
        tested = [
            f
            for f in rx.finditer(ctx.note)
            if _this_visit(_sentence(ctx.note, f.start()))
            and (_SCREENING.search(_line(ctx.note, f.start())) or _SCREENING.search(visit))
        ]
        if not tested:
            continue
        # the sentence that calls it a screening first ("... NAAT positive. Screening for HIV and syphilis.")
        m = next((f for f in tested if _SCREENING.search(_sentence(ctx.note, f.start()))), tested[0])
        found = [p for c, p in picks.items() if p.final and c.startswith(disease)]
        diagnosed = [p for p in found if not _screened(ctx, p)]
        for p in found:
            if p not in diagnosed:  # an infection named only as what the screening looks for
                demote(p, f"the infection is screened for, not diagnosed: {code} (I.C.21.c.5)")
        said = _sentence(ctx.note, m.start())
        if any(_sentence(ctx.note, d.start) == said for p in diagnosed for d in p.mentions):
            continue  # the screening's sentence is the diagnosed infection's ("STI screen: GC/CT positive")
        add_pick(
            picks,
            catalog,
            code,
            best_score(picks) * 0.85,
            [ctx.mention(m.start(), m.end())],
            f"screening for {m.group(0)} in a patient without its signs (guideline I.C.21.c.5)",
        )


# "Hepatitis C antibody positive, RNA pending", "HCV Ab reactive": an antibody says the patient met the virus,
# not that the infection is there; until the virus itself is found (RNA, PCR, viral load, genotype) or the
# provider names the infection, it is an abnormal immunological finding in serum (Index: Findings, abnormal,
# immunological findings in serum, specified NEC R76.8-).
_HEPATITIS = ("B15", "B16", "B17", "B18", "B19")
ANTIBODY_FINDING = "R76.89"
_ANTIBODY_RESULT = re.compile(
    r"\b(?:antibod(?:y|ies)|ab|anti-?hcv|anti-?hbc|serolog\w*)\b[^.;\n]{0,20}?"
    r"(?:\b(?:positive|pos|reactive)\b|\+)|"
    r"\b(?:positive|reactive)\s+(?:[\w-]+\s+){0,3}(?:antibod(?:y|ies)|ab|serolog\w*)\b",
    re.IGNORECASE,
)
_VIRUS_FOUND = re.compile(
    r"\b(?:rna|pcr|viral\s+load|vl)\b[^.;\n]{0,20}?(?:\b(?:positive|detected|detectable|reactive)\b|\d)|"
    r"\bgenotype\s+\d|\bchronic\s+(?:viral\s+)?hep(?:atitis)?\b|\b(?:hcv|hbv|hepatitis\s+[bc])\s+infection\b",
    re.IGNORECASE,
)
_UNDETECTED = re.compile(r"\b(?:not|un)\s*detect\w*|\bnegative\b|\bneg\b", re.IGNORECASE)


def _not_found(sentence: str) -> bool:
    """ "HCV RNA not detected": the test for the virus found none."""
    return any(_UNDETECTED.search(m.group(0)) for m in _VIRUS_FOUND.finditer(sentence))


def hepatitis_antibody(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A hepatitis code read only from a positive antibody result gives way to R76.89."""
    found = [
        p
        for c, p in picks.items()
        if p.final
        and c.startswith(_HEPATITIS)
        and any(_ANTIBODY_RESULT.search(ctx.sentence(m)) for m in p.mentions)
        and all(_ANTIBODY_RESULT.search(ctx.sentence(m)) or _not_found(ctx.sentence(m)) for m in p.mentions)
    ]
    if not found or any(not _UNDETECTED.search(m.group(0)) for m in _VIRUS_FOUND.finditer(ctx.note)):
        return
    reason = (
        "a positive antibody test, the infection not confirmed (Index: Findings, abnormal, immunological)"
    )
    add_pick(
        picks,
        catalog,
        ANTIBODY_FINDING,
        max(p.score for p in found),
        [m for p in found for m in p.mentions],
        reason,
    )
    for p in found:
        demote(p, f"a positive antibody alone is not the infection: {ANTIBODY_FINDING}")
