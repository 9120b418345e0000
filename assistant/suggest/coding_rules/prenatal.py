"""The supervision code of a prenatal visit (ICD-10-CM I.C.15.b.1-2): a high-risk pregnancy is supervised
under O09.- by its risk and trimester, listed first; a routine visit with no complication is Z34.- (a first
pregnancy Z34.0-, any other Z34.8-), which no chapter 15 code may stand beside.

The risks read here are those O09 names: advanced maternal age (35 or over at delivery: the elderly
primigravida O09.51- or multigravida O09.52-), a young mother (under 16: O09.61- / O09.62-), a history of
pre-term labor (O09.21-), of infertility (O09.0-), of an ectopic or molar pregnancy (O09.1-), of a
stillbirth or neonatal death (O09.29-), assisted reproduction (O09.81-), insufficient prenatal care
(O09.3-) and grand multiparity (O09.4-). A history of pre-term labor is the pregnancy's O09.21-, not
Z87.51 (its Excludes1) nor a pre-term labor of this pregnancy.
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote, denied_before
from assistant.suggest.coding_rules.pregnancy import trimester_code
from assistant.suggest.first_listed import FLOOR
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_PRENATAL_VISIT = re.compile(
    r"\b(?:prenatal|antenatal|OB|obstetric)\s+(?:visit|care|f/?u|follow[- ]?up|check|appointment|appt|intake|"
    r"exam|return)\b|\b(?:routine|new)\s+(?:OB|prenatal)\b|\bsupervision\s+of\s+(?:\w+\s+){0,3}pregnancy\b|"
    # an assessment's intrauterine pregnancy by its weeks ("A/P: IUP at 24w3d", "IUP 24 weeks")
    r"\bIUP\s+(?:at\s+)?\d{1,2}\s*(?:w\b|wk|weeks?\b|\d?w\d)",
    re.IGNORECASE,
)
_HISTORY = r"(?:h/o|hx(?:\s+of)?|history\s+of|prior|previous|past)\s+(?:an?\s+)?(?:prior\s+|previous\s+)?"
# pre-term labor or birth, spontaneous or not, in words or letters ("sPTB", "PTL")
_PRETERM = r"(?:spontaneous\s+)?(?:pre-?term\s+(?:labou?r|deliver\w*|birth)|s?PTB|PTL|PTD)\b"
# A risk the note states, and the O09 subcategory that supervises it.
PRETERM_HISTORY = re.compile(
    rf"\b{_HISTORY}{_PRETERM}|\b{_PRETERM}\s+(?:at\s+\d+\s*wk?s?\w*\s+)?(?:in|with)\s+(?:a\s+|her\s+)?"
    r"(?:prior|previous|last|first)\b",
    re.IGNORECASE,
)
RISKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (PRETERM_HISTORY, "O09.21"),
    (re.compile(rf"\b{_HISTORY}infertility\b", re.I), "O09.0"),
    (re.compile(rf"\b{_HISTORY}(?:ectopic|molar)\s+pregnanc\w*", re.I), "O09.1"),
    (
        re.compile(
            rf"\b{_HISTORY}(?:still\s*birth|IUFD|fetal\s+demise|neonatal\s+death|(?:pre-?)?eclampsia|HELLP|"
            r"gestational\s+hypertension|placental\s+abruption|abruptio\s+placentae|postpartum\s+hemorrhage)",
            re.I,
        ),
        "O09.29",
    ),
    (re.compile(r"\bIVF\b|\bin\s+vitro\s+fertili[sz]ation\b|\bassisted\s+reproduct\w*", re.I), "O09.81"),
    (
        re.compile(
            r"\b(?:late|no|limited|insufficient|inadequate)\s+(?:entry\s+)?(?:to\s+|into\s+)?"
            r"(?:prenatal\s+)?care\b",
            re.I,
        ),
        "O09.3",
    ),
    (re.compile(r"\bgrand\s+multipar\w*", re.I), "O09.4"),
)
# The mother's age at delivery, said ("AMA") or known: the stem for a first pregnancy and for a later one.
ELDERLY = re.compile(r"\bAMA\b|\badvanced\s+maternal\s+age\b|\belderly\s+(?:primi|multi)gravida\b")
ELDERLY_STEMS = ("O09.51", "O09.52")
YOUNG_STEMS = ("O09.61", "O09.62")
_GRAVIDA = re.compile(r"\bG(\d{1,2})\s*P\d|\bgravida\s+(\d{1,2})\b", re.IGNORECASE)
_FIRST_PREGNANCY = re.compile(r"\bprimigravida\b|\bfirst\s+pregnancy\b|\bprimip\b", re.IGNORECASE)
_PRETERM_LABOR_NOW = ("O60.0", "O60.1")  # pre-term labor of this pregnancy, without or with delivery
SUPERVISION_UNSPECIFIED = "O09.9"
ROUTINE = {"first": "Z34.0", "later": "Z34.8", "unknown": "Z34.9"}


def _pregnancy_number(note: str) -> str:
    """'first', 'later' or 'unknown': the gravida the note gives (G1 is a first pregnancy)."""
    if _FIRST_PREGNANCY.search(note):
        return "first"
    found = _GRAVIDA.search(note)
    if found is None:
        return "unknown"
    return "first" if int(found.group(1) or found.group(2)) == 1 else "later"


def _undenied(rx: re.Pattern[str], note: str) -> re.Match[str] | None:
    return next((m for m in rx.finditer(note) if not denied_before(note[: m.start()])), None)


def _risks(ctx: NoteContext, first: bool) -> list[tuple[str, re.Match[str] | None]]:
    """The O09 stems of the risks the note states (not denied), with the words that state them."""
    out: list[tuple[str, re.Match[str] | None]] = [
        (stem, said) for rx, stem in RISKS if (said := _undenied(rx, ctx.note)) is not None
    ]
    elderly = _undenied(ELDERLY, ctx.note)
    if elderly is not None or (ctx.age is not None and ctx.age >= 35):
        out.append((ELDERLY_STEMS[0 if first else 1], elderly))
    elif ctx.age is not None and ctx.age < 16:
        out.append((YOUNG_STEMS[0 if first else 1], None))
    return out


def prenatal_supervision(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    routine_only_without_complication(picks)
    visit = _PRENATAL_VISIT.search(ctx.note)
    if visit is None or not ctx.pregnant or ctx.delivered or ctx.setting == "inpatient":
        return
    number = _pregnancy_number(ctx.note)
    risks = _risks(ctx, number == "first")
    top = best_score(picks)
    added: list[str] = []
    for stem, said in risks:
        code = trimester_code(stem, ctx.weeks, catalog)
        start, end = (said.start(), said.end()) if said is not None else (visit.start(), visit.end())
        why = f"supervision of a high-risk pregnancy: {catalog.title(code)} (I.C.15.b.2)" if code else ""
        if code and add_pick(picks, catalog, code, top, [ctx.mention(start, end)], why) is not None:
            added.append(code)
            if stem == "O09.21":
                _history_not_now(picks, code, ctx.note)
    if added:
        for code, pick in picks.items():
            if pick.final and (code.startswith((SUPERVISION_UNSPECIFIED, "Z34")) or code == "Z87.51"):
                demote(
                    pick, f"{', '.join(added)} is the supervision of this high-risk pregnancy (I.C.15.b.2)"
                )
        return
    if any(
        code.startswith("O") and (p.final or (not p.vetoed and p.score >= FLOOR)) for code, p in picks.items()
    ):
        return  # a complication of the pregnancy, or a plausible one: Z34 is for a routine visit only
    code = trimester_code(ROUTINE[number], ctx.weeks, catalog)
    if code:
        why = f"routine prenatal visit: {catalog.title(code)} (I.C.15.b.1)"
        add_pick(picks, catalog, code, top, [ctx.mention(visit.start(), visit.end())], why)


def routine_only_without_complication(picks: dict[str, Pick]) -> None:
    """A documented complication of the pregnancy (O00-O9A) is coded, and Z34 (a normal pregnancy's
    supervision, Excludes1 any complication) is not: an EHR title "Encounter for supervision of normal
    pregnancy" beside "Iron deficiency anemia during pregnancy" is O99.01- with D50.9 (I.C.15.b.1)."""
    complication = next((p for code, p in picks.items() if p.final and code.startswith("O")), None)
    if complication is None:
        return
    for code, pick in picks.items():
        if pick.final and code.startswith("Z34"):
            demote(pick, f"{complication.code} complicates this pregnancy: Z34 is for a routine visit only")


def _history_not_now(picks: dict[str, Pick], code: str, note: str) -> None:
    """A pre-term labor read from the history's own words is that history, not a labor of this pregnancy."""
    spans = [(m.start(), m.end()) for m in PRETERM_HISTORY.finditer(note)]
    for other, pick in picks.items():
        inside = all(any(m.start < end and start < m.end for start, end in spans) for m in pick.mentions)
        if pick.final and other.startswith(_PRETERM_LABOR_NOW) and inside:
            demote(pick, f"the note gives a history of pre-term labor ({code}), not a labor now")
