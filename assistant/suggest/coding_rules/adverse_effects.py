"""A condition the note attributes to a drug properly taken (ICD-10-CM I.C.19.e.5.a): the nature of the
adverse effect first, in its drug-induced form where the category has one ("amiodarone-induced
hypothyroidism" -> E03.2, not E03.9; "neutropenia due to chemo" -> D70.1, not D70.9), then the
adverse-effect code of the drug from the Table of Drugs and Chemicals (T36-T50, fifth or sixth character
5), initial encounter while the condition is treated.

The drug is recognised by the engine's own retrieval of "adverse effect of <drug>" within T36-T50 (the Index
walker reads the Drug table), so no drug list is kept here beyond a few class words notes use ("statin",
"chemo") written as the table's terms.
"""

from __future__ import annotations

import re

from assistant.suggest.abbreviations import expand_span, expand_text
from assistant.suggest.coding_rules.antineoplastic import antineoplastic_class
from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.drug_classes import table_term
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import DIAGNOSTIC_SUFFIXES
from assistant.suggest.types import INDEX_REASON, Pick

DRUG_TABLE_PREFIXES = tuple(f"T{n}" for n in range(36, 51))
# The Table of Drugs and Chemicals' whole range (drugs T36-T50, other substances T51-T65): no condition
# of its own; an effect of an external cause (T66-T78, "angioedema": T78.3) is one.
POISONING_PREFIXES = tuple(f"T{n}" for n in range(36, 66))
# Class words as the Drug table names the class (our own wording).
_CLASS_TERMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"^(?:{words})$", re.IGNORECASE), term)
    for words, term in (
        (r"statins?", "antihyperlipidemic drug"),
        (r"chemo|chemotherapy", "antineoplastic drug"),
        (r"steroids?|corticosteroids?|glucocorticoids?", "glucocorticoid"),
        (r"nsaids?", "nonsteroidal anti-inflammatory drug"),
        (r"opioids?|opiates?", "opioid"),
        (r"ssris?", "selective serotonin reuptake inhibitor"),
        (r"ace\s*inhibitors?|acei", "angiotensin-converting-enzyme inhibitor"),
        (r"lithium", "lithium salts (carbonate)"),
        (r"contrast", "contrast medium, radiography"),
        # drug names notes shorten to letters
        (r"hctz", "hydrochlorothiazide"),
        (r"thiazides?", "benzothiadiazide"),
        (r"asa", "acetylsalicylic acid"),
        (r"mtx", "methotrexate"),
        (r"tmp-?smx|bactrim", "sulfamethoxazole"),
        (r"trt", "testosterone"),
        # drugs of a class the Drug table lists by its class only
        (
            r"fluoxetine|paroxetine|sertraline|citalopram|escitalopram|fluvoxamine",
            "selective serotonin reuptake inhibitor",
        ),
        (r"clopidogrel|prasugrel|ticagrelor|plavix|brilinta", "antithrombotic drug"),
        (r"aromatase\s+inhibitors?|anastrozole|letrozole|exemestane", "antiestrogen"),
        (r"beta[- ]?blockers?|[a-z]+olol", "beta adrenoreceptor antagonist"),
    )
)
# a drug's name, or two capitals a note's context expands to a drug class ("arthralgia from AI")
_DRUG = r"(?:[A-Za-z][A-Za-z0-9-]{2,30}|(?-i:[A-Z]{2}s?\b))(?:\s+inhibitors?)?"
# How long or how much of the drug was taken ("due to long-term prednisone"), and a route that leaves the
# Drug table's row as it is ("due to inhaled corticosteroid", "from IV contrast"): not the drug's name.
_COURSE = (
    r"(?:(?:long[- ]term|chronic|prolonged|high[- ]dose|daily|maintenance)\s+)?"
    r"(?:(?:inhaled|oral|iv|intravenous|intramuscular|systemic|iodinated)\s+)?"
)
# The device that delivers the drug ("DKA due to insulin pump failure", "from an insulin pen error"): a
# malfunction or misuse of the device is no adverse effect of the drug properly taken.
_DEVICE_AFTER = re.compile(
    r"[ \t-]+(?:pumps?|pens?|devices?|catheters?|ports?|infusion\s+sets?|delivery\s+systems?)\b",
    re.IGNORECASE,
)
# A substance named for its lack ("macrocytic anemia 2/2 B12 deficiency", "due to low iron stores").
_LACK_OF = re.compile(
    r"[ \t-]+(?:deficien\w*|insufficien\w*|depletion|malabsorption|stores|levels?|lack)\b", re.IGNORECASE
)
# The drug taken in excess or not as prescribed ("respiratory failure 2/2 opioid OD", "from heroin
# overdose"), or stopped ("seizure due to benzodiazepine withdrawal"): a poisoning or a withdrawal, not an
# adverse effect of a drug properly taken (I.C.19.e.5.b).
_MISUSE_AFTER = re.compile(
    r"[ \t-]+(?:od|o/d|overdose|poisoning|intoxication|ingestion|abuse|misuse|withdrawal)\b", re.IGNORECASE
)
_ATTRIBUTED = re.compile(
    rf"\b(?P<d1>{_DRUG})[- ](?:induced|related|associated)\s+(?P<c1>[A-Za-z][^.;:,()\n]{{2,40}})|"
    # (a comma may set the cause apart: "AKI on CKD 3a, due to NSAID (ibuprofen) use")
    rf"\b(?P<c2>[A-Za-z][^.;:,()\n]{{2,40}}?),?\s+"
    rf"(?P<via>due\s+to|d/t|2/2|secondary\s+to|caused\s+by|induced\s+by|from|after)\s+"
    rf"(?:the\s+|his\s+|her\s+|an?\s+)?{_COURSE}(?P<d2>{_DRUG})"
    # a second drug the same cause names ("due to HCTZ and sertraline")
    rf"(?:\s*(?:\band\b|&|/|\+|\bor\b|\bplus\b)\s*(?P<d6>{_DRUG}))?"
    # the drug's own name in brackets after its class ("due to antibiotic (amoxicillin-clavulanate)")
    rf"(?:[ \t]*\((?P<d7>{_DRUG})\))?|"
    # an antineoplastic or a drug class named before the condition ("oxaliplatin neuropathy", "steroid
    # myopathy"); other names before a condition are mostly sites or causes that are no drug
    # ("paclitaxel peripheral neuropathy": the kind of neuropathy may stand between)
    rf"\b(?P<d3>{_DRUG})[ \t]+(?:(?:peripheral|sensory|motor|sensorimotor)[ \t]+)?"
    rf"(?P<c3>[a-z]+(?:pathy|itis|penia|emia|algia))\b|"
    # the attribution written after the condition ("Hyponatremia, thiazide-induced"), the drug's own name
    # in brackets after a class ("Bleeding ulcer, NSAID-associated (naproxen)")
    rf"\b(?P<c4>[A-Za-z][^.;:,()\n]{{2,40}}?),[ \t]+(?P<d4>{_DRUG})[- ](?:induced|related|associated)\b"
    rf"(?:[ \t]*\((?P<d5>{_DRUG})\))?",
    re.IGNORECASE,
)
_DENIED = re.compile(r"\b(?:no|not|denies|without|negative\s+for|rule\s+out|r/o)\b[^.;\n]*$", re.IGNORECASE)
_NOT_A_DRUG = re.compile(
    r"^(?:the|his|her|a|an|this|that|fall|injury|trauma|infection|disease|cancer|malignancy|tumou?r|"
    r"diabetes|hypertension|ckd|copd|chf|obesity|age|stress|work|exercise|alcohol|etoh|smoking|tobacco|"
    r"cold|heat|sun|light|noise|exertion|pressure|position|activity|ventilator|radiation|virus|viral|"
    r"diabetic|hypertensive|alcoholic|chronic|acute|peripheral|autoimmune|idiopathic|"
    # the generic words name no drug of the table ("drug-induced", "due to medication", "blood loss")
    r"drugs?-?|medications?|meds?|medicaments?|medicines?|substances?|agents?|blood|enzymes?)$",
    re.IGNORECASE,
)
# A condition's ending names no drug ("anemia secondary to menorrhagia", "neuropathy due to cirrhosis").
_CONDITION_ENDING = re.compile(
    rf"^\w{{3,}}(?:{DIAGNOSTIC_SUFFIXES}|rrhagia|rrh(?:o)?ea|oma|ism|plasia|trophy|uria|penia)$",
    re.IGNORECASE,
)
_MIN_SCORE = 0.72  # a Drug-table walk scores 0.74-1.2; words that are no drug stay below 0.7
_MIN_KNOWN = 0.5  # a class term of the table above is a drug: its Drug-table row needs no walk's score
# Titles of the drug-induced member of a category ("Hypothyroidism due to medicaments ...",
# "Drug-induced polyneuropathy", "Agranulocytosis secondary to cancer chemotherapy").
_DRUG_FORM = re.compile(
    r"\bdrug[- ]induced\b|\bdue\s+to\s+(?:drugs?|medicaments?|medication)\b|\binduced\s+by\s+drugs?\b|"
    r"\bsecondary\s+to\s+cancer\s+chemotherapy\b|\bdue\s+to\s+antineoplastic\s+chemotherapy\b|"
    r"\bchemotherapy[- ]induced\b",
    re.IGNORECASE,
)


# An abbreviation the table reads as a condition ("2/2 SIADH", "d/t CKD") names a cause that is no drug.
_CONDITION_WORDS = re.compile(
    r"\b(?:syndrome|disease|disorder|failure|infection|deficiency|insufficiency|ketoacidosis)\b",
    re.IGNORECASE,
)


def class_term(drug: str) -> str | None:
    """The Drug table's term for a drug the note names by its class or by a name the table lacks."""
    return next((t for rx, t in _CLASS_TERMS if rx.match(drug)), None) or table_term(drug)


def drug_table_code(
    ctx: NoteContext, catalog: CodeCatalog, drug: str, column: str = "adverse effect"
) -> str | None:
    """The initial-encounter code of ``drug`` in the Drug table's ``column`` ("adverse effect",
    "underdosing"), or None when the words name no drug of the table."""
    if ctx.search is None or _NOT_A_DRUG.match(drug) or _CONDITION_ENDING.match(drug):
        return None
    known = class_term(drug)
    if known is None and _CONDITION_WORDS.search(expand_text(drug)):
        return None
    term = known or antineoplastic_class(drug, ctx.note) or drug
    found = ctx.search(f"{column} of {term}", DRUG_TABLE_PREFIXES)
    if not found or found[0][1] < (_MIN_KNOWN if known else _MIN_SCORE):
        # a combination the table lists by its parts ("amoxicillin-clavulanate": amoxicillin's row)
        parts = [p for p in re.split(r"[-/]", drug) if len(p) >= 4] if known is None else []
        return next(
            (c for p in parts[:2] if len(parts) > 1 and (c := drug_table_code(ctx, catalog, p, column))), None
        )
    code = found[0][0]
    stem = code[:-1] if len(code) == 8 else code
    if len(stem) != 7 or stem[-1] != _COLUMN_DIGIT[column]:
        return None  # not the column asked for
    initial = stem + "A"
    return initial if initial in catalog and catalog.billable(initial) else None


_COLUMN_DIGIT = {"adverse effect": "5", "underdosing": "6"}


def _drug_induced_form(catalog: CodeCatalog, code: str, antineoplastic: bool) -> str | None:
    """The drug-induced member of ``code``'s category (for an antineoplastic drug, the chemotherapy one
    where there is one), also one level down under an "other" heading (D64.8 -> D64.81, anemia due to
    antineoplastic chemotherapy, beside D64.9)."""
    parent = catalog.parent(code)
    if parent is None or code.startswith(("T", "Z")) or _DRUG_FORM.search(catalog.title(code)):
        return None  # (already the drug-induced form)
    kin = [g for c in catalog.children(parent) for g in (catalog.children(c) or [c])]
    forms = [c for c in kin if c != code and catalog.billable(c) and _DRUG_FORM.search(catalog.title(c))]
    chemo = [c for c in forms if "chemotherapy" in catalog.title(c).lower()]
    other = [c for c in forms if c not in chemo]
    ordered = (chemo + other) if antineoplastic else (other + chemo)
    return ordered[0] if ordered else None


def drug_adverse_effects(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for m in _ATTRIBUTED.finditer(ctx.note):
        if _DENIED.search(ctx.note[max(0, m.start() - 30) : m.start()]):
            continue
        named = "d5" if m.group("d5") else "d7" if m.group("d7") else None
        drug = m.group(named) if named else m.group("d1") or m.group("d2") or m.group("d3") or m.group("d4")
        which = next(k for k in ("1", "2", "3", "4") if m.group("d" + k))
        if len(drug.rstrip("s")) == 2:  # two capitals: the class their context spells out, or nothing
            where = m.span(named or "d" + which)
            drug = expand_span(ctx.note, *where)
            if len(drug.rstrip("s")) == 2 or class_term(drug) is None:
                continue
        known = antineoplastic_class(drug) or class_term(drug)
        if which == "3" and not known:
            continue  # a name before a condition is a drug's only when it is a known class or regimen
        if m.group("via") and m.group("via").lower() == "after" and not known:
            continue  # "after" is a time ("rash after the hike"); it names a cause for a known drug class
        c_start, c_end = m.span("c" + which)
        d_start, d_end = m.span(named or "d" + which)
        drugs = [(drug, d_start, d_end)]
        if m.group("d6"):
            drugs.append((m.group("d6"), *m.span("d6")))
        for name, start, end in drugs:
            if (
                _LACK_OF.match(ctx.note, end)
                or _DEVICE_AFTER.match(ctx.note, end)
                or _MISUSE_AFTER.match(ctx.note, end)
            ):
                continue  # "anemia 2/2 B12 deficiency": the lack of the substance, not its effect
            _attribute(picks, ctx, catalog, m, (c_start, c_end), (name, start, end))


def _attribute(
    picks: dict[str, Pick],
    ctx: NoteContext,
    catalog: CodeCatalog,
    m: re.Match[str],
    condition: tuple[int, int],
    drug_span: tuple[str, int, int],
) -> None:
    """The adverse effect of one drug on the condition at ``condition`` (the note's span)."""
    drug, d_start, d_end = drug_span
    c_start, c_end = condition
    t_code = drug_table_code(ctx, catalog, drug)
    if t_code is None:
        return
    conditions = [
        p
        for p in picks.values()
        if p.final
        and not p.code.startswith(("Z", *POISONING_PREFIXES))
        and any(x.start < c_end and c_start < x.end for x in p.mentions)
    ]
    if not conditions and not (t_code in picks and picks[t_code].final):
        conditions = _named_nature(picks, condition)
    if not conditions:
        return  # the condition itself was not coded: no adverse effect without its nature
    for pick in conditions:
        form = _drug_induced_form(catalog, pick.code, t_code.startswith("T45.1"))
        if form is not None and not (form in picks and picks[form].vetoed):
            added = add_pick(
                picks,
                catalog,
                form,
                pick.score,
                pick.mentions,
                f'the condition attributed to a drug ("{m.group(0).strip()}") in its drug-induced form '
                "(guideline I.C.19.e.5.a)",
            )
            if added is not None:
                demote(pick, f"the note attributes it to a drug: {form} (I.C.19.e.5.a)")
    score = max(p.score for p in conditions) * 0.9
    add_pick(
        picks,
        catalog,
        t_code,
        score,
        [ctx.mention(d_start, d_end)],
        f'adverse effect of a drug properly taken ("{m.group(0).strip()}"), after the condition it '
        "caused (guideline I.C.19.e.5.a)",
    )


def _named_nature(picks: dict[str, Pick], condition: tuple[int, int]) -> list[Pick]:
    """The Index's code for the condition at ``condition`` that ranking left out: the physician who ties it to
    a drug ("hot flashes from anastrozole") diagnoses it, and the adverse effect needs its nature first."""
    c_start, c_end = condition
    named = [
        p
        for p in picks.values()
        if not p.vetoed
        and not p.code.startswith(("Z", *POISONING_PREFIXES))
        and any(x.start < c_end and c_start < x.end and abs(x.end - c_end) <= 1 for x in p.mentions)
        and any(r.startswith(INDEX_REASON) for r in p.reasons)
    ]
    if not named:
        return []
    nature = max(named, key=lambda p: p.score)
    nature.final = True
    nature.score = max(nature.score, best_score(picks) * 0.8)
    nature.reasons.insert(
        0, "a condition the note attributes to a drug is diagnosed (guideline I.C.19.e.5.a)"
    )
    return [nature]


# A condition the note calls the late effect of a drug given before: the adverse effect is a sequela
# (7th character S, I.C.19.a; the condition itself is coded first, I.B.10).
_SEQUELA = re.compile(r"\blate[- ]effects?\b|\bsequelae?\b|\bresidual\s+effects?\b", re.IGNORECASE)


# A chemotherapy course the note says is over ("CAPOX x 8 cycles completed 1/2024", "finished chemo in 2023"),
# with no course going on now: what it left (a neuropathy) is its residual effect.
_CHEMO = r"(?:chemo\w*|capox|xelox|folfox|folfiri|folfirinox|[a-z]+platin|[a-z]+taxel|cycles?)"
_CHEMO_ENDED = re.compile(
    rf"\b(?:completed|finished|done\s+with)\b[^.;\n]{{0,50}}?\b{_CHEMO}\b|"
    rf"\b{_CHEMO}\b[^.;\n]{{0,50}}?\b(?:completed|finished)\b",
    re.IGNORECASE,
)
_CHEMO_NOW = re.compile(
    r"\b(?:currently\s+(?:on|receiving)|receiving|undergoing|next\s+cycle|due\s+for\s+cycle|"
    r"cycle\s+\d+\s+(?:today|given|day))\b",
    re.IGNORECASE,
)
_ANTINEOPLASTIC_EFFECT = "T45.1X5A"


def _course_over(ctx: NoteContext, code: str) -> bool:
    """The antineoplastic course that caused the condition ended before this visit (I.C.19.a: sequela)."""
    return (
        code == _ANTINEOPLASTIC_EFFECT
        and bool(_CHEMO_ENDED.search(ctx.note))
        and not _CHEMO_NOW.search(ctx.note)
    )


def adverse_effect_sequela(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and p.code.startswith(DRUG_TABLE_PREFIXES)]:
        code = pick.code
        if len(code) != 8 or code[6] != "5" or code[7] != "A":
            continue
        if not (any(_SEQUELA.search(ctx.sentence(m)) for m in pick.mentions) or _course_over(ctx, code)):
            continue
        sequela = code[:7] + "S"
        why = (
            "the condition is the late effect of a drug given before (its course is over, or the note says "
            "so): sequela (guideline I.C.19.a, I.B.10)"
        )
        if add_pick(picks, catalog, sequela, pick.score, pick.mentions, why) is not None:
            demote(pick, why)
