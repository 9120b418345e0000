"""Hypertension in a pregnant patient (ICD-10-CM I.C.15.a.1 and I.C.15.d): a documented pregnancy codes its
hypertension in chapter 15. Essential hypertension becomes pre-existing essential hypertension complicating
pregnancy (O10.01-) by trimester; when a chapter 15 hypertension code (O10-O16) is already final, I10 adds
nothing and goes. Any other condition with a chapter 15 subcategory (by the tabular's inclusion notes) is
listed with that code by trimester, its own code kept beside it."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.reader import ASSESSMENT_SECTIONS, Mention, sections
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import stem as word_stem
from assistant.suggest.text import tokens
from assistant.suggest.types import Pick

HYPERTENSION_IN_PREGNANCY = ("O10", "O11", "O12", "O13", "O14", "O15", "O16")


def trimester(weeks: int | None) -> str:
    """The trimester digit of chapter 15 (its introduction): 1st under 14 weeks, 2nd 14 to under 28, 3rd from
    28 weeks; 9 when the weeks are not documented."""
    if weeks is None:
        return "9"
    return "1" if weeks < 14 else "2" if weeks < 28 else "3"


def hypertension_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    essential = picks.get("I10")
    if not ctx.pregnant or essential is None or not essential.final:
        return
    picks.pop("I10")
    if any(p.final and p.code.startswith(HYPERTENSION_IN_PREGNANCY) for p in picks.values()):
        return
    code = f"O10.01{trimester(ctx.weeks)}"
    reason = (
        f"hypertension in a documented pregnancy: {code} (chapter 15 first, guideline I.C.15.a.1; "
        "pre-existing hypertension, I.C.15.d)"
    )
    if add_pick(picks, catalog, code, essential.score, essential.mentions, reason) is None:
        picks["I10"] = essential  # the release lacks the code: keep what was there


# A condition of another chapter in a documented pregnancy is listed with its chapter 15 code, the
# condition's own code kept beside it (the O code's "use additional code to identify the condition",
# I.C.15.a.1). Which chapter 15 subcategory takes which condition is the tabular's own inclusion note at
# O98.- / O99.- ("Conditions in E00-E89", "Conditions in F01-F09, F20-F52 and F54-F99" ...) and the "use
# additional code" notes of O99.21 / O99.31-O99.33; conditions with a chapter 15 category of their own come
# first (diabetes O24, I.C.15.g; hypertension O10-O16 is hypertension_in_pregnancy's; malnutrition O25) and
# COVID-19 is O98.5- (I.C.1.g.1.c). Rows: (the condition's category ranges, inclusive; the pregnancy stem
# the trimester completes, "" for none here; what must not be final already).
Ranges = tuple[tuple[str, str], ...]
COMPANIONS: tuple[tuple[Ranges, str, tuple[str, ...]], ...] = (
    ((("E11", "E11"),), "O24.11", ("O24.1", "O24.4")),  # pre-existing type 2 diabetes; not beside gestational
    ((("E10", "E10"),), "O24.01", ("O24.0", "O24.4")),  # pre-existing type 1 diabetes
    ((("E66", "E66"),), "O99.21", ("O99.21",)),  # obesity (O99.21's "use additional code", E66.-)
    ((("E08", "E09"), ("E13", "E13"), ("E40", "E46")), "", ()),  # other diabetes O24.3/8, malnutrition O25
    ((("E00", "E89"),), "O99.28", ("O99.2",)),
    ((("D50", "D64"),), "O99.01", ("O99.0",)),
    ((("D65", "D89"),), "O99.11", ("O99.1",)),
    ((("F10", "F10"),), "O99.31", ("O99.31",)),
    ((("F11", "F16"), ("F18", "F19")), "O99.32", ("O99.32",)),
    ((("F17", "F17"),), "O99.33", ("O99.33",)),
    ((("F01", "F09"), ("F20", "F52"), ("F54", "F99")), "O99.34", ("O99.34",)),
    ((("G00", "G99"),), "O99.35", ("O99.35",)),
    ((("I10", "I16"),), "", ()),  # hypertension: O10-O16 (hypertension_in_pregnancy)
    ((("I00", "I99"),), "O99.41", ("O99.4", "O10", "O11", "O12", "O13", "O14", "O15", "O16")),
    ((("J00", "J99"),), "O99.51", ("O99.5",)),
    ((("K00", "K93"),), "O99.61", ("O99.6",)),
    ((("L00", "L99"),), "O99.71", ("O99.7",)),
    # infections of the genitourinary tract (O23, "infections of genitourinary tract in pregnancy")
    ((("N10", "N12"),), "O23.0", ("O23",)),
    ((("N30", "N30"),), "O23.1", ("O23",)),
    ((("N34", "N34"),), "O23.2", ("O23",)),
    ((("N72", "N72"),), "O23.51", ("O23",)),
    ((("N70", "N70"),), "O23.52", ("O23",)),
    ((("N71", "N71"), ("N73", "N77")), "O23.59", ("O23",)),
    # O99.89's inclusion note: "Conditions in D00-D48, H00-H95, M00-N99, and Q00-Q99" (one code, no
    # trimester); a urinary tract infection is O23.4- (Pregnancy, complicated by, infection, urinary tract);
    # bleeding in a pregnancy is chapter 15's own (O20, O46), never a menstrual disorder (N91-N95)
    ((("N39", "N39"), ("N91", "N95")), "", ()),
    ((("D00", "D48"), ("H00", "H95"), ("M00", "N99"), ("Q00", "Q99")), "O99.891", ("O99.89",)),
    ((("A15", "A19"),), "O98.01", ("O98.0",)),
    ((("A50", "A53"),), "O98.11", ("O98.1",)),
    ((("A54", "A54"),), "O98.21", ("O98.2",)),
    ((("A55", "A64"),), "O98.31", ("O98.3",)),
    ((("B15", "B19"),), "O98.41", ("O98.4",)),
    ((("A80", "B09"), ("B25", "B34"), ("U07", "U07")), "O98.51", ("O98.5",)),
    ((("B50", "B64"),), "O98.61", ("O98.6",)),
    ((("B20", "B20"), ("Z21", "Z21")), "O98.71", ("O98.7",)),
    # O9A.2's inclusion note: "Conditions in S00-T88" (use additional code for the injury or poisoning); a
    # confirmed or suspected maltreatment is O9A.3-O9A.5's (its Excludes1)
    ((("T74", "T74"), ("T76", "T76")), "", ()),
    ((("S00", "T88"),), "O9A.21", ("O9A.2",)),
)
TRIMESTER_WORDS = {
    "1": "first trimester",
    "2": "second trimester",
    "3": "third trimester",
    "9": "unspecified trimester",
}
# Words every chapter 15 title may carry: what is left names the condition the code is about.
CHAPTER_15_WORDS = frozenset(
    tokens("complicating pregnancy childbirth puerperium in the first second third unspecified trimester")
)
GENERIC_TITLE_WORDS = frozenset(tokens("unspecified other specified type disorder disease condition"))
PREGNANCY_WORDS = re.compile(
    r"\bpregnan\w*|\bgestation\w*|\btrimester\b|\bantepartum\b|\bprenatal\b|\bobstetric\w*|\bgravid\w*",
    re.IGNORECASE,
)
POSTPARTUM = re.compile(r"\bpost-?partum\b|\bpuerper\w*|\bPP\b", re.IGNORECASE)


def _in_ranges(code: str, ranges: Ranges) -> bool:
    return any(low <= code[:3] <= high for low, high in ranges)


def companion_row(code: str) -> tuple[str, tuple[str, ...]] | None:
    """The chapter 15 stem (and what already stands for it) for a condition code; None when chapter 15 has no
    companion for it here."""
    for ranges, stem, already in COMPANIONS:
        if _in_ranges(code, ranges):
            return (stem, already) if stem else None
    return None


def in_this_pregnancy(condition: Pick, ctx: NoteContext) -> bool:
    """The note puts the condition in the current pregnancy: its sentence names the pregnancy ("hypothyroidism
    complicating pregnancy"), or the pregnancy's weeks are documented and the condition is assessed (a
    problem-list or assessment line of a prenatal note, or, in a note without an assessment, a current finding
    of its narrative, or a current item of its past-history list: I.C.15.a.1 has it complicate the pregnancy
    unless the physician says otherwise). A case history's "asthma as a child; G3P3" is not."""
    if any(PREGNANCY_WORDS.search(ctx.sentence(m)) for m in condition.mentions):
        return True
    if ctx.weeks is None:
        return False
    if any(m.problem or m.section in ASSESSMENT_SECTIONS for m in condition.mentions):
        return True
    # a current item of the prenatal note's history list ("PMH: recurrent MDD, on sertraline"): the condition
    # the pregnancy carries, not a past one
    if any(m.section == "pmh" and not m.history for m in condition.mentions):
        return True
    # the note's sections are read only for a narrative finding
    return any(m.section in ("body", "hpi") and not m.history for m in condition.mentions) and not any(
        name in ASSESSMENT_SECTIONS for _, _, name in sections(ctx.note)
    )


def trimester_code(stem: str, weeks: int | None, catalog: CodeCatalog) -> str | None:
    """The billable child of ``stem`` whose title names the trimester of the documented weeks (the digit is
    not the same in every subcategory: O99.280 and O98.519 are both "unspecified trimester")."""
    words = TRIMESTER_WORDS[trimester(weeks)]
    for digit in "0123456789":
        code = f"{stem}{digit}"
        if code in catalog and catalog.billable(code) and catalog.title(code).lower().endswith(words):
            return code
    return None


# A numbered item written inside a line ("Dx: 1. Acute pyelonephritis 2. Dehydration"): where it starts.
_INLINE_ITEM = re.compile(r"(?<=\s)\d{1,2}[.)]\s+(?=[A-Za-z])")


def _line(note: str, m: Mention) -> tuple[int, int]:
    """The problem the mention stands in: its line, or its ";" clause, sentence or numbered item of a line
    that lists several ("twins - growth US; gestational thrombocytopenia - CBC", "1. Pyelonephritis 2.
    Dehydration", a dictated assessment paragraph's sentences)."""
    start = max(note.rfind("\n", 0, m.start), note.rfind(";", 0, m.start), note.rfind(". ", 0, m.start)) + 1
    ends = [e for e in (note.find("\n", m.end), note.find(";", m.end), note.find(". ", m.end)) if e >= 0]
    end = min(ends, default=len(note))
    items = [i.start() for i in _INLINE_ITEM.finditer(note, start, end)]
    start = max([i for i in items if i <= m.start] + [start])
    return start, min([i for i in items if i > m.start] + [end])


# An ectopic or molar pregnancy (O00-O02) has its complications coded by O08 ("for use with categories
# O00-O02 to identify any associated complications"), not by the O99 "complicating pregnancy" codes.
_ABORTIVE = ("O00", "O01", "O02")
_ABORTIVE_NAMED = re.compile(
    r"\b(?:ectopic|tubal|cornual|interstitial|molar|hydatidiform|mole|heterotopic|cesarean\s+scar)\b", re.I
)
_ABORTIVE_DOUBTED = re.compile(
    r"\b(?:no|not|without|r/o|rule\s+out|ruling\s+out|vs\.?|versus|possible|possibly|suspected|concern\s+for)\s+"
    r"(?:\w+\s+){0,2}$|^\W*(?:\w+\W+){0,2}?(?:excluded|ruled\s+out|unlikely|not\s+(?:seen|found|present))\b",
    re.I,
)


def _names_abortive(text: str) -> bool:
    """The mention names an ectopic or molar pregnancy, not one it excludes or doubts."""
    return any(
        not _ABORTIVE_DOUBTED.search(text[: m.start()]) and not _ABORTIVE_DOUBTED.search(text[m.end() :])
        for m in _ABORTIVE_NAMED.finditer(text)
    )


_ABORTIVE_COMPLICATIONS = (
    (("K66.1", "R58"), "O08.1"),  # hemoperitoneum, hemorrhage
    (("R57",), "O08.3"),  # shock
    (("K65", "N70", "N71", "N73"), "O08.0"),  # pelvic infection, peritonitis
)


def abortive_outcome(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """The ectopic or molar pregnancy the assessment names is coded, and what complicates it is O08."""
    named = [
        p
        for p in picks.values()
        if p.code.startswith(_ABORTIVE)
        and not p.vetoed
        and any(m.section == "assessment" and not m.negated and _names_abortive(m.text) for m in p.mentions)
    ]
    if not named:
        return
    best = max(named, key=lambda p: p.score)
    why = "the ectopic or molar pregnancy the assessment names (chapter 15, O00-O02)"
    if add_pick(picks, catalog, best.code, best.score, best.mentions, why) is None:
        return
    for p in [q for q in picks.values() if q.final]:
        code = next((c for stems, c in _ABORTIVE_COMPLICATIONS if p.code.startswith(stems)), None)
        reason = f"a complication of the ectopic or molar pregnancy is {code} beside {best.code} (O08)"
        if code and add_pick(picks, catalog, code, p.score, p.mentions, reason) is not None:
            demote(p, reason)


def conditions_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not ctx.pregnant or (ctx.weeks is None and POSTPARTUM.search(ctx.note)):
        return  # after the delivery the puerperium codes apply, not a trimester
    groups: dict[str, list[Pick]] = {}
    for p in list(picks.values()):
        row = companion_row(p.code) if p.final and not p.code.startswith("O") else None
        if row is None or any(q.final and q.code.startswith(row[1]) for q in picks.values()):
            continue
        if not in_this_pregnancy(p, ctx):
            continue
        if _line_has_chapter_15(picks, ctx, catalog, p):
            continue  # "hyperemesis gravidarum with dehydration ... hypokalemia": O21.1 codes the line
        groups.setdefault(row[0], []).append(p)
    for stem, condition in groups.items():
        best = max(condition, key=lambda p: p.score)
        whole = stem in catalog and catalog.billable(stem)
        code = stem if whole else trimester_code(stem, ctx.weeks, catalog)
        if code is None:
            continue
        reason = (
            f"{best.code} in a documented pregnancy: {code} first, {best.code} beside it "
            "(chapter 15 first, guideline I.C.15.a.1)"
        )
        if add_pick(picks, catalog, code, best.score, best.mentions, reason) is not None:
            _drop_misread_chapter_15(picks, ctx, catalog, code, best)


def trimester_of_the_weeks(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A final chapter 15 code of "unspecified trimester" in a note that documents the weeks is its
    sibling of that trimester (chapter 15: the trimester is assigned from the weeks documented)."""
    if not ctx.pregnant or ctx.weeks is None or ctx.delivered:
        return
    for code, pick in list(picks.items()):
        title = catalog.title(code).lower()
        if not pick.final or not code.startswith("O") or "unspecified trimester" not in title:
            continue
        sibling = (
            trimester_code(code[:-1], ctx.weeks, catalog)
            if title.endswith("unspecified trimester")
            else _seventh_character_sibling(code, title, ctx.weeks, catalog)
        )
        if sibling is not None and sibling != code:
            why = f"{sibling}: the trimester of the documented {ctx.weeks} weeks (chapter 15)"
            if add_pick(picks, catalog, sibling, pick.score, pick.mentions, why) is not None:
                picks.pop(code)


def _seventh_character_sibling(code: str, title: str, weeks: int | None, catalog: CodeCatalog) -> str | None:
    """A code with a 7th character ("Maternal care for excessive fetal growth, unspecified trimester, not
    applicable or unspecified", O36.60X0): the code one character away whose title names the trimester of the
    weeks in place of the unspecified one, its fetus character kept (O36.63X0)."""
    wanted = title.replace("unspecified trimester", TRIMESTER_WORDS[trimester(weeks)])
    for i in range(4, len(code)):
        for digit in "0123456789":
            other = code[:i] + digit + code[i + 1 :]
            if (
                other != code
                and other in catalog
                and catalog.billable(other)
                and catalog.title(other).lower() == wanted
            ):
                return other
    return None


def _said(ctx: NoteContext, spans: list[tuple[int, int]]) -> set[str]:
    return set().union(*(tokens(ctx.note[a:b]) for a, b in spans)) if spans else set()


def _named(p: Pick, catalog: CodeCatalog) -> set[str]:
    """What a chapter 15 title names besides the pregnancy and its trimester."""
    return catalog.title_tokens(p.code) - CHAPTER_15_WORDS


def _line_has_chapter_15(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, condition: Pick
) -> bool:
    """A final chapter 15 code read on the condition's line that names what the line says (its assessment's
    line, where the assessment states it: "Hypothyroidism in pregnancy, continue levothyroxine")."""
    assessed = [m for m in condition.mentions if m.problem or m.section in ASSESSMENT_SECTIONS]
    lines = {_line(ctx.note, m) for m in assessed or condition.mentions}
    for q in picks.values():
        if q.final and q.code.startswith("O"):
            shared = [s for s in (_line(ctx.note, m) for m in q.mentions) if s in lines]
            if shared and _named(q, catalog) & _said(ctx, shared):
                return True
    return False


def _drop_misread_chapter_15(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, companion: str, condition: Pick
) -> None:
    """On a line about the condition ("Hypothyroidism complicating pregnancy, second trimester"), a chapter 15
    code whose title names another condition (eclampsia) was read from the pregnancy words only: the
    companion is that line's chapter 15 code, and the misread one stops being final."""
    about = catalog.title_tokens(condition.code) - GENERIC_TITLE_WORDS
    lines = {_line(ctx.note, m) for m in condition.mentions}
    for p in picks.values():
        if not p.final or p.code == companion or not p.code.startswith("O") or not p.mentions:
            continue
        spans = [_line(ctx.note, m) for m in p.mentions]
        said = _said(ctx, spans)
        if not all(s in lines for s in spans) and not about & said:
            continue  # read on lines that are not about the condition
        named = _named(p, catalog)
        if named and not named & said:
            why = (
                f"not coded: its title names what {condition.code}'s line does not say; {companion} codes it"
            )
            demote(p, why)


# A previous cesarean in a current pregnancy is maternal care for the uterine scar (Index: Pregnancy,
# complicated by, cesarean delivery, previous -> O34.21-), not a history code; TOLAC and VBAC say it too.
_PREVIOUS_CESAREAN = re.compile(
    r"\b(?:prior|previous|prev|hx|h/o|history\s+of|s/p|repeat)\b[^.\n;]{0,30}?"
    r"\b(?:c-?\s?sections?|cesareans?|caesareans?|c/s|ltcs|lscs|cs)\b|\b(?:tolac|vbac)\b",
    re.IGNORECASE,
)
_SCAR_TYPE = (
    ("O34.211", re.compile(r"\blow\s+(?:segment\s+)?transverse\b|\bltcs\b|\blscs\b", re.I)),
    ("O34.212", re.compile(r"\bclassical\b|\bvertical\b|\bt-?incision\b", re.I)),
)


_AFTER_DELIVERY = re.compile(r"\bpost-?partum\b|\bpuerper\w*|\bPP\s+(?:visit|check)\b", re.IGNORECASE)


def previous_cesarean(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """O34.21- (by the scar's type when the note gives it) for a pregnant patient with a previous cesarean."""
    if not ctx.pregnant or any(p.final and p.code.startswith("O34.21") for p in picks.values()):
        return
    if ctx.weeks is None and _AFTER_DELIVERY.search(ctx.note):
        return  # a postpartum visit: the cesarean is this pregnancy's delivery, no scar awaits a delivery
    found = [
        m for m in _PREVIOUS_CESAREAN.finditer(ctx.note) if not re.search(r"\bno\s+$", ctx.note[: m.start()])
    ]
    if not found:
        return
    said = " ".join(m.group(0) for m in found)
    code = next((c for c, rx in _SCAR_TYPE if rx.search(said)), "O34.219")
    reason = "previous cesarean in this pregnancy: maternal care for the uterine scar (Index, O34.21-)"
    mentions = [ctx.mention(m.start(), m.end()) for m in found[:2]]
    if add_pick(picks, catalog, code, best_score(picks) * 0.9, mentions, reason) is None:
        return
    for p in [q for q in picks.values() if q.final and q.code in ("Z98.891", "Z87.59")]:
        demote(p, f"the previous cesarean of this pregnancy is coded {code}")


# A condition whose own Excludes1 note sends it to chapter 15 when it complicates the pregnancy or the
# puerperium ("hemorrhoids complicating childbirth and the puerperium (O87.2)" at K64, "inflammatory
# disorder of breast associated with childbirth (O91.-)" at N61): in such a note that chapter 15 code is
# coded instead (I.C.15.a.1; Excludes1 means not coded together). Ranges ("O00-O9A") name no code.
_OB_EXCLUDES = re.compile(r"^(?P<what>[^()]*)\((?P<ref>O\d[\dA-Z](?:\.[\dA-Z]*)?-?)\)")
_PUERPERAL_WORDS = re.compile(r"puerper|childbirth|postpartum|delivery|lactation", re.IGNORECASE)
# The note's condition while pregnant or after delivery; not one obstetric condition's own complication
# ("electrolyte imbalance associated with hyperemesis gravidarum (O21.1)", "... following ectopic pregnancy").
# A code of the pregnancy's history that its Excludes1 sends to chapter 15 while pregnant (N96 "Recurrent
# pregnancy loss": "recurrent pregnancy loss with current pregnancy (O26.2-)").
_CURRENT_PREGNANCY = re.compile(r"\bwith\s+(?:a\s+)?current\s+pregnancy\b", re.IGNORECASE)
_COMPLICATING = re.compile(
    r"\b(?:complicating|in|during|associated\s+with)\s+(?:the\s+)?(?:pregnancy|childbirth|puerperium)\b|"
    + _CURRENT_PREGNANCY.pattern,
    re.I,
)
_SPECIFIC_OBSTETRIC = re.compile(
    r"ectopic|molar|abortion|hyperemesis|gravidarum|eclampsia|labor|gestational\s+diabetes", re.I
)
_PREGNANCY_ONLY = re.compile(r"pregnan", re.IGNORECASE)
# "gestational edema (O12.0-)": the condition arising in pregnancy, named before it ("edema").
_GESTATIONAL = re.compile(r"^\s*gestational\s+", re.IGNORECASE)


def _chapter_15_target(
    ref: str, text: str, picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, puerperal: bool
) -> str | None:
    stem = ref.rstrip("-").rstrip(".")
    if stem in catalog and catalog.billable(stem):
        return stem
    if not puerperal and (code := trimester_code(stem, ctx.weeks, catalog)) is not None:
        return code
    state = _PUERPERAL_WORDS if puerperal else _PREGNANCY_ONLY
    found = [(p.score, p.code) for p in picks.values() if p.code.startswith(stem)]
    if ctx.search is not None:  # the engine's own retrieval, limited to the referenced category
        found += [(score, code) for code, score in ctx.search(text, (stem,))]
    options = [
        (score, code)
        for score, code in found
        if code in catalog and catalog.billable(code) and state.search(catalog.title(code))
    ]
    return max(options)[1] if options else None


def _condition_in_pregnancy(what: str, puerperal: bool) -> str | None:
    """The condition an Excludes note sends to chapter 15 in this state: "varicose veins complicating
    pregnancy" and "gestational edema" in a pregnancy, "... complicating the puerperium" after delivery."""
    gestational = _GESTATIONAL.match(what)
    if gestational is not None:
        return None if puerperal else what[gestational.end() :]
    state = _COMPLICATING.search(what)
    if state is None or not (_PUERPERAL_WORDS if puerperal else _PREGNANCY_ONLY).search(what):
        return None
    return what[: state.start()]


_SAME_WORD = 0.85


def _names_the_code(condition: str, code: str, catalog: CodeCatalog) -> bool:
    """The note's condition is the code's (its words are all in the code's or its category's title), not a
    form of it ("excessive vomiting in pregnancy (O21.-)" at R11 is not any nausea or vomiting)."""
    said = {word_stem(w) for w in tokens(condition)}
    titled = {word_stem(w) for w in tokens(f"{catalog.title(code)} {catalog.title(code[:3])}")}
    # a word the Excludes note misspells ("recurrent pregancy loss" at N96) is still the title's word
    return bool(said) and all(
        w in titled or any(SequenceMatcher(None, w, t).ratio() >= _SAME_WORD for t in titled) for w in said
    )


def excluded_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not ctx.pregnant:
        return
    puerperal = ctx.weeks is None and POSTPARTUM.search(ctx.note) is not None
    for pick in [p for p in picks.values() if p.final and p.code[:1] not in ("O", "Z") and p.code in catalog]:
        if not puerperal and not in_this_pregnancy(pick, ctx):
            continue
        notes = catalog.notes_for(pick.code)
        if (
            _PUERPERAL_WORDS.search(catalog.title(pick.code))
            or PREGNANCY_WORDS.search(catalog.title(pick.code))
        ) and not any(_CURRENT_PREGNANCY.search(n) for n in notes.get("excludes1", [])):
            continue  # the code is already the condition of the puerperium ("Postpartum depression")
        for note in [*notes.get("excludes1", []), *notes.get("excludes2", [])]:
            m = _OB_EXCLUDES.match(note)
            if m is None:
                continue
            what = m.group("what")
            condition = _condition_in_pregnancy(what, puerperal)
            if (
                condition is None
                or _SPECIFIC_OBSTETRIC.search(what)
                or not _names_the_code(condition, pick.code, catalog)
            ):
                continue
            said = pick.mentions[0].text if pick.mentions else catalog.title(pick.code)
            target = _chapter_15_target(m.group("ref"), said, picks, ctx, catalog, puerperal)
            if target is None:
                continue
            when = "the puerperium" if puerperal else "this pregnancy"
            reason = f"{pick.code} in {when}: its Excludes note codes it {target} (I.C.15.a.1)"
            if add_pick(picks, catalog, target, pick.score, pick.mentions, reason) is not None:
                demote(pick, f"coded {target} in {when} (its Excludes note)")
            break


# A condition of the pregnancy told in the past after the delivery ("Had GDM, diet controlled; GTT normal" at
# the postpartum visit) is its history: gestational diabetes Z86.32, another complication of pregnancy Z87.59.
# "Pregnancy was complicated by GDM", "pregnancy c/b gestational HTN": the delivered pregnancy's, told past.
_HAD = re.compile(
    r"^\W*(?:had|h/o|hx\s+of|history\s+of|(?:the\s+|her\s+)?pregnancy\s+(?:was\s+complicated\s+by|c/b))\b",
    re.IGNORECASE,
)
# "GDM this pregnancy (diet-controlled)", "gestational HTN during her pregnancy" at the postpartum visit: the
# pregnancy that ended.
_THAT_PREGNANCY = re.compile(r"\b(?:this|the|her|last)\s+pregnancy\b|\bduring\s+pregnancy\b", re.IGNORECASE)
PREGNANCY_HISTORY = (("O24.4", "Z86.32"), ("O13", "Z87.59"), ("O14", "Z87.59"), ("O11", "Z87.59"))
# "given her GDM history", "GDM hx": the history named after the condition.
_HISTORY_AFTER = re.compile(r"\b(?:history|hx)\b", re.IGNORECASE)


def pregnancy_condition_told_past(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if ctx.delivered or not POSTPARTUM.search(ctx.note):
        return
    for code, pick in list(picks.items()):
        history = next((z for prefix, z in PREGNANCY_HISTORY if code.startswith(prefix)), None)
        told_past = all(
            _HAD.match(m.text)
            or m.history
            or _HISTORY_AFTER.search(m.text)
            or _THAT_PREGNANCY.search(ctx.sentence(m))
            for m in pick.mentions
        )
        if history is None or not pick.final or not told_past:
            continue
        why = f"{history}: a condition of the pregnancy told as past after the delivery (I.C.21.c.4)"
        if add_pick(picks, catalog, history, pick.score, pick.mentions, why) is not None:
            demote(pick, f"told as past after the delivery: coded {history}")


# O80 "Encounter for full-term uncomplicated delivery" (I.C.15.b.4): the delivery stay only
UNCOMPLICATED_DELIVERY = "O80"


def delivery_only_at_delivery(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """O80 is the encounter of the delivery itself: an "uncomplicated" pregnancy seen before it (a prenatal
    visit at 28 weeks) is not delivered, and its routine supervision is Z34.- (I.C.15.b.1). A delivery with
    any other chapter 15 condition is not uncomplicated: O80 is never coded beside one (I.C.15.b.4)."""
    pick = picks.get(UNCOMPLICATED_DELIVERY)
    if pick is None:
        return
    if not ctx.delivered:
        demote(pick, "O80 codes the delivery encounter; the note records no delivery now (I.C.15.b.4)")
        return
    other = next(
        (c for c, p in picks.items() if p.final and c[:1] == "O" and c != UNCOMPLICATED_DELIVERY), None
    )
    if other is not None:
        demote(pick, f"O80 is for a delivery without complications; {other} is one (I.C.15.b.4)")


# "... complicating pregnancy, third trimester" / "... in pregnancy": the words the childbirth sibling's title
# has in their place ("... complicating childbirth", "Gestational diabetes mellitus in childbirth, ...").
_PREGNANCY_EPISODE = re.compile(r"\bpregnancy(?:,\s+(?:first|second|third|unspecified)\s+trimester)?", re.I)


def childbirth_sibling(catalog: CodeCatalog, code: str) -> str | None:
    """The code of the same condition "in childbirth" for a chapter 15 code "in pregnancy" (O24.410 ->
    O24.420, O10.013 -> O10.02, O99.283 -> O99.284); None when the category has no such sibling."""
    title = catalog.title(code)
    if not code.startswith("O") or not _PREGNANCY_EPISODE.search(title):
        return None
    wanted = _PREGNANCY_EPISODE.sub("childbirth", title, count=1).lower()
    return next((c for c in catalog.leaves_under(code[:3]) if catalog.title(c).lower() == wanted), None)


def childbirth_at_the_delivery(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """At the delivery encounter, a condition of the pregnancy that has a "complicating childbirth" code takes
    it in place of the antepartum (trimester) one (chapter 15: the episode of care is the delivery)."""
    if not ctx.delivered:
        return
    for code, pick in list(picks.items()):
        sibling = childbirth_sibling(catalog, code) if pick.final else None
        if sibling is None or sibling in picks and picks[sibling].final:
            continue
        why = f"{sibling}: the condition at this delivery encounter (complicating childbirth, chapter 15)"
        if add_pick(picks, catalog, sibling, pick.score, pick.mentions, why) is not None:
            picks.pop(code)


# The outcome of the delivery on the mother's record (I.C.15.b.5): one live birth, twins, a stillbirth.
_LIVE_BIRTH = re.compile(
    r"\b(?:liveborn|live-born|live\s+birth|viable)\b|\bdelivery\s+of\s+an?\s+(?:\w+\s+){0,3}(?:male|female|boy|girl|infant|baby|newborn)\b",
    re.I,
)
_NOT_SINGLE = re.compile(r"\b(?:twins?|triplets?|multiple\s+gestation|stillb\w*|iufd|fetal\s+demise)\b", re.I)


def outcome_of_delivery(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not ctx.delivered or any(p.final and p.code.startswith("Z37") for p in picks.values()):
        return
    m = _LIVE_BIRTH.search(ctx.note)
    if m is None or _NOT_SINGLE.search(ctx.note):
        return  # no live birth stated, or not a single one: the coder reads the outcome
    add_pick(
        picks,
        catalog,
        "Z37.0",
        best_score(picks) * 0.9,
        [ctx.mention(m.start(), m.end())],
        "outcome of delivery on the mother's record: single live birth (guideline I.C.15.b.5)",
    )


# A group B streptococcus carrier in a pregnancy is the chapter 15 carrier code (Index: Carrier, streptococci,
# group B, complicating pregnancy or delivery O99.82-): in pregnancy O99.820, at the delivery O99.824, in
# place of Z22.330 (its Excludes1 note).
GBS_CARRIER = "Z22.330"


def carrier_in_pregnancy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    carrier = picks.get(GBS_CARRIER)
    if carrier is None or not carrier.final or not ctx.pregnant:
        return
    if ctx.weeks is None and POSTPARTUM.search(ctx.note):
        return  # after the delivery: the puerperium's code, not the pregnancy's
    code = "O99.824" if ctx.delivered else "O99.820"
    why = "group B streptococcus carrier in a documented pregnancy (Index: Carrier, streptococci, group B)"
    if add_pick(picks, catalog, code, carrier.score, carrier.mentions, why) is not None:
        demote(carrier, f"{code} codes the carrier state in the pregnancy (Z22.3 Excludes1 O99.82-)")
