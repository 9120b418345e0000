"""Antineoplastic treatment at the encounter (ICD-10-CM I.C.2.e.2, I.C.21.c.10, I.C.19.e.5.a).

- A visit whose reason is giving chemotherapy or immunotherapy ("C3D1 FOLFOX", "here for pembrolizumab
  cycle 8", "proceed with cycle 3 today") is listed first with Z51.11 / Z51.12, the malignancy after it.
- A condition the note attributes to an antineoplastic drug ("neuropathy from oxaliplatin",
  "chemo-induced nausea") takes the adverse-effect code beside it: T45.1X5- (antineoplastic drugs) or
  T45.AX5- (immune checkpoint inhibitors), initial encounter while the treatment goes on.
Our own drug lists: regimen and drug names as US notes write them.
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score
from assistant.suggest.coding_rules.hcpcs_gate import on_given_line
from assistant.suggest.history import names_neoplasm
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import expand_abbreviations
from assistant.suggest.types import Pick

_CHECKPOINT = (
    r"pembrolizumab|nivolumab|atezolizumab|durvalumab|ipilimumab|cemiplimab|avelumab|dostarlimab|"
    r"tremelimumab|retifanlimab|keytruda|opdivo|tecentriq|imfinzi|yervoy|libtayo|bavencio|jemperli"
)
_IMMUNOTHERAPY = rf"{_CHECKPOINT}|immunotherapy|checkpoint\s+inhibitors?"
_CHEMOTHERAPY = (
    r"chemo\w*|folfox\w*|folfiri\w*|folfirinox|capox|xelox|r-?chop|abvd|\w+platin|\w+taxel|gemcitabine|"
    r"fluorouracil|5-?fu|capecitabine|irinotecan|etoposide|cyclophosphamide|doxorubicin|adriamycin|"
    r"pemetrexed|vinorelbine|vincristine|bendamustine|cytarabine|azacitidine|decitabine|topotecan|"
    r"eribulin|ifosfamide|methotrexate\s+(?:infusion|iv|high[- ]dose)|"
    r"bortezomib|velcade|carfilzomib|kyprolis|"
    # regimens by their letters, and the antibodies given with them (Coding Clinic: chemotherapy, Z51.11)
    r"tchp|tch|thp|ddac|ac-t|fec|cmf|bep|r-?cvp|vrd|krd|taxol|gem/(?:cis|abraxane)|carbo/\w+|"
    r"trastuzumab|pertuzumab|herceptin|rituximab|rituxan|bevacizumab|avastin"
)
_TREATMENT = re.compile(rf"\b(?:{_IMMUNOTHERAPY}|{_CHEMOTHERAPY})\b", re.IGNORECASE)
_IMMUNO_RE = re.compile(rf"\b(?:{_IMMUNOTHERAPY})\b", re.IGNORECASE)
# A checkpoint drug by name, or the class itself ("immune checkpoint inhibitor"): Drug table T45.A-.
_CHECKPOINT_RE = re.compile(rf"{_CHECKPOINT}|(?:immune\s+)?checkpoint\s+inhibitors?", re.IGNORECASE)
# The drug is given at this visit: a cycle/day label, "here for", "proceed with", "today", an infusion visit.
_GIVEN_NOW = re.compile(
    r"\bC\d{1,2}\s*D\d{1,2}\b|\bcycle\s*#?\s*\d+\s*(?:,\s*)?(?:day\s*\d+\s*)?(?:today|given|administered|infused)\b|"
    r"\bhere\s+(?:today\s+)?for\s+(?:\w+\s+){0,2}?(?:cycle|C\d|dose|infusion|treatment)|"
    r"\b(?:proceed\w*|go(?:ing)?\s+ahead)\s+with\s+(?:\w+\s+){0,2}?(?:cycle|C\d|chemo\w*|treatment|infusion|"
    r"dose|today)|\binfusion\s+(?:visit|today|center\s+visit)|"
    r"\b(?:given|administered|infused)\s+today\b|\btoday\b[^.\n]{0,12}$",
    re.IGNORECASE,
)
_BLOOD_CANCER = re.compile(r"\b(?:leuka?emia|myeloma)\b", re.IGNORECASE)
_NOT_NOW = re.compile(
    r"\b(?:completed|finished|held|hold|holding|delayed?|deferred|declined|refused|discontinued|stopp\w*|"
    r"will\s+start|to\s+start|to\s+resume|planned|plan\s+to|consider\w*|candidate)\b|"
    # a dose dated before the visit ("cycle 3 given 11/10", "given last week"): an earlier encounter's
    r"\b(?:given|administered|infused)\s+(?:on\s+)?(?:\d{1,2}/\d{1,2}\b|last\b|yesterday\b|\d+\s+(?:days?|wks?|weeks?)\s+ago\b)",
    re.IGNORECASE,
)
# The visit's dose held anywhere in the note ("C3D15 FOLFOX. ANC 900 - hold today", "chemo held"): none given.
_HELD = re.compile(
    r"\b(?:hold|held|holding|defer\w*|delay\w*)\s+(?:today|this\s+cycle|tx|treatment|chemo\w*|infusion|"
    r"c\d+\s*d\d+|cycle(?:\s*\d+)?)\b|"
    r"\b(?:chemo\w*|treatment|tx|infusion|c\d+\s*d\d+|cycle(?:\s*\d+)?)\s+(?:(?:is|was|will\s+be)\s+)?"
    r"(?:held|deferred|delayed|on\s+hold)\b",
    re.IGNORECASE,
)
# A condition attributed to the drug ("neuropathy from oxaliplatin", "oxaliplatin neuropathy",
# "chemo-induced nausea"): an adverse effect of a drug properly given (I.C.19.e.5.a).
_CAUSED = (
    r"(?:from|due\s+to|d/t|2/2|secondary\s+to|caused\s+by|induced\s+by|related\s+to|attributed\s+to|after)"
)
_CONDITION = (
    r"neuropath\w*|nausea|vomiting|neutropeni\w*|anemia|thrombocytopeni\w*|pancytopeni\w*|mucositis|"
    r"stomatitis|diarrh\w*|colitis|pneumonitis|hepatitis|thyroiditis|hypothyroid\w*|rash|dermatitis|"
    r"alopecia|fatigue|cardiomyopathy|nephrotoxicity|ototoxicity|tingling|numbness|hand[- ]foot"
)


# A link the note denies between the condition and the drug ("anemia, not related to chemo").
_LINK_DENIED = re.compile(r"\b(?:not|unrelated|nor)\b", re.IGNORECASE)


def antineoplastic_class(drug: str, note: str = "") -> str | None:
    """The Drug table's class of an antineoplastic drug or regimen named in a note, or None; "immunotherapy"
    in a note whose immunotherapy is a checkpoint inhibitor ("on durvalumab") is that class."""
    if _CHECKPOINT_RE.fullmatch(drug.strip()) or (
        _IMMUNO_RE.fullmatch(drug.strip()) and _CHECKPOINT_RE.search(note)
    ):
        return "immune checkpoint inhibitor"
    return "antineoplastic drug" if _TREATMENT.fullmatch(drug.strip()) else None


def _lines(note: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in re.finditer(r"[^\n]+", note)]


_PAST_TREATMENT = re.compile(
    r"\b(?:s/p|status\s+post|after|prior|previous|completed|finished)\s+(?:\w+\s+){0,2}$", re.I
)


def _given_drug(clause: str, given: re.Match[str]) -> re.Match[str] | None:
    """The drug the clause gives now: the one nearest its "today" / "cycle 9" words, not a treatment it says
    is past ("s/p concurrent chemoradiation, now on durvalumab maintenance (cycle 9 today)")."""
    drugs = [d for d in _TREATMENT.finditer(clause) if not _PAST_TREATMENT.search(clause, 0, d.start())]
    return min(drugs, key=lambda d: abs(d.start() - given.start()), default=None)


def antineoplastic_encounter(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not any(p.final and p.code.startswith("C") for p in picks.values()):
        said = expand_abbreviations(ctx.note)  # "NSCLC", "DLBCL", "AML"
        if not (names_neoplasm(said) or _BLOOD_CANCER.search(said)):
            return
    if _HELD.search(ctx.note):
        return
    wanted: dict[str, tuple[int, int]] = {}
    for start, line in _lines(ctx.note):
        heading = on_given_line(line, 0)  # "Given: ...; docetaxel 136 mg IV": each clause a drug given
        for clause in re.finditer(r"[^.;]+", line):
            text = clause.group(0)
            given = _GIVEN_NOW.search(text) or (re.match(r"", text) if heading else None)
            if given is None or _NOT_NOW.search(text):
                continue
            drug = _given_drug(text, given)  # the drug given is named in the same clause
            if drug is None:
                continue
            code = "Z51.12" if _IMMUNO_RE.fullmatch(drug.group(0)) else "Z51.11"
            a = start + clause.start() + drug.start()
            wanted.setdefault(code, (a, a + len(drug.group(0))))
    first = best_score(picks) + 0.05
    for code, (a, b) in sorted(wanted.items()):
        add_pick(
            picks,
            catalog,
            code,
            first,
            [ctx.mention(a, b)],
            "encounter for antineoplastic "
            + ("immunotherapy" if code == "Z51.12" else "chemotherapy")
            + " given at this visit, listed first, the malignancy after it (guideline I.C.2.e.2)",
        )


def antineoplastic_adverse_effect(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    drug = rf"(?:{_IMMUNOTHERAPY}|{_CHEMOTHERAPY})"
    caused = re.compile(
        rf"\b(?:{_CONDITION})\b[^.;\n]{{0,40}}?\b{_CAUSED}\s+(?:the\s+|his\s+|her\s+)?(?P<d1>{drug})\b|"
        rf"\b(?P<d2>{drug})[- ](?:induced|related|associated)\b|"
        rf"\b(?P<d3>{drug})\s+(?:{_CONDITION})\b",
        re.IGNORECASE,
    )
    for m in caused.finditer(ctx.note):
        before = ctx.note[max(0, m.start() - 25) : m.start()]
        if re.search(r"\b(?:no|not|denies|without|negative\s+for)\b[^.;\n]*$", before, re.IGNORECASE):
            continue
        if _LINK_DENIED.search(m.group(0)):
            continue  # "anemia, not related to chemo": the link is denied
        name = m.group("d1") or m.group("d2") or m.group("d3")
        checkpoint = antineoplastic_class(name, ctx.note) == "immune checkpoint inhibitor"
        code = "T45.AX5A" if checkpoint else "T45.1X5A"
        add_pick(
            picks,
            catalog,
            code,
            best_score(picks) * 0.85,
            [ctx.mention(m.start(), m.end())],
            f'adverse effect of an antineoplastic drug properly given ("{m.group(0)}"), after the condition '
            "it caused (guideline I.C.19.e.5.a)",
        )
        return
