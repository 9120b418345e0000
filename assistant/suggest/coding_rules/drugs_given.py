"""The HCPCS Level II code of a drug the note documents as given at this encounter ("ketorolac 30 mg IV
given", "triamcinolone acetonide 40 mg injected into the R trochanteric bursa", "1 L NS IV bolus given").

A coder finds the J-code by the drug's name, then its salt and form, then the amount one unit bills; the
units to bill are the dose over that amount. A drug taken at home, planned, declined or given at an earlier
visit has no code here, and neither has the local anesthetic of a procedure. In the emergency department or
the hospital the facility supplies the drugs and reports them on its own claim, so the physician's codes
have none. Where the note leaves two products apart (paliperidone palmitate monthly or three-monthly,
methylprednisolone acetate or sodium succinate) no code is guessed: the coder chooses.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from assistant.suggest.coding_rules.context import (
    NoteContext,
    add_pick,
    best_score,
    demote,
    denied_before,
    head_lines,
)
from assistant.suggest.coding_rules.hcpcs_gate import NOT_YET, documents_service, on_given_line
from assistant.suggest.hcpcs_drugs import (
    DEVICE_FORMS,
    FORM_WORDS,
    SALT_WORDS,
    DrugCode,
    drug_codes,
    normal_amount,
    words,
)
from assistant.suggest.reader import sections
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# Brand names and clinical shorthand for the descriptors' generic names.
ALIASES: dict[str, str] = {
    "toradol": "ketorolac",
    "zofran": "ondansetron",
    "kenalog": "triamcinolone acetonide",
    "depo-medrol": "methylprednisolone acetate",
    "solu-medrol": "methylprednisolone sodium succinate",
    "solu-cortef": "hydrocortisone sodium succinate",
    "decadron": "dexamethasone",
    "celestone": "betamethasone",
    "rocephin": "ceftriaxone",
    "bicillin": "penicillin g benzathine",
    "pcn": "penicillin",
    "depo-provera": "medroxyprogesterone",
    "dmpa": "medroxyprogesterone",
    "depo-testosterone": "testosterone cypionate",
    "lupron": "leuprolide acetate depot",
    "eligard": "leuprolide acetate",
    "prolia": "denosumab",
    "xgeva": "denosumab",
    "nexplanon": "etonogestrel implant",
    "b12": "cyanocobalamin",
    "phenergan": "promethazine",
    "benadryl": "diphenhydramine",
    "ns": "normal saline",
    "lr": "ringers lactate lactated",
    "epi": "epinephrine",
    "vivitrol": "naltrexone",
    "iud": "intrauterine device",
    "botox": "onabotulinumtoxina",
    "venofer": "iron sucrose",
    "injectafer": "ferric carboxymaltose",
    "procrit": "epoetin alfa",
    "epogen": "epoetin alfa",
    "reclast": "zoledronic acid",
    "xolair": "omalizumab",
    "makena": "hydroxyprogesterone caproate",
    "rhogam": "rho d immune globulin",
    "haldol": "haloperidol",
    "mirena": "mirena levonorgestrel",
    "kyleena": "kyleena levonorgestrel",
    "liletta": "liletta levonorgestrel",
    "skyla": "skyla levonorgestrel",
}
_LOCAL_ANESTHETIC = frozenset({"lidocaine", "bupivacaine", "ropivacaine", "mepivacaine"})
# Words that a descriptor's name holds but a note need not say, and that never tell two codes apart.
_GENERIC = frozenset(
    {"solution", "injection", "infusion", "human", "recombinant", "normal", "for", "and", "in"}
)
_CLAUSE = re.compile(r"(?:[^;\n.]|\.(?=\d)|\.(?=\S))+")
_SELF_OR_EARLIER = re.compile(
    r"\b(?:self[- ]\w+|at\s+home|home\s+\w+|last|prior|previous(?:ly)?|ago|yesterday|(?:was|were)\s+given|"
    r"not\s+(?:\w+\s+)?(?:given|administered|injected)|held)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|"
    # a year told with it ("levonorgestrel IUD (Mirena) placed 2024"), not a dose ("2000 units")
    r"\b(?:19|20)\d\d\b(?![-\u2013/]\d)(?!\s*(?:mg|mcg|units?|iu|ml|g)\b)",
    re.IGNORECASE,
)
_DOSE = re.compile(
    r"(?P<value>\d[\d,]*(?:\.\d+)?)\s*(?P<million>million\s+|MU\b)?\s*"
    r"(?P<unit>mg|mcg|micrograms?|milligrams?|g|gm|grams?|units?|iu|cc|ml|mL|L)?\b",
    re.IGNORECASE,
)


# A drug taken by mouth, inhaled or put on the skin is not given by injection or infusion.
_NOT_INJECTED = re.compile(
    r"\b(?:PO|ODT|oral(?:ly)?|by\s+mouth|tabs?|tablets?|capsules?|caps?|SL|sublingual|nebs?|nebuli[sz]ed|"
    r"inhaled|inhaler|MDI|topical(?:ly)?|cream|ointment|drops|patch|spray|kits?|Rx|prescri\w+|"
    r"x\s*\d+\s*(?:d|days?|wks?|weeks?)|ophthalmic|gtts)\b",  # a course of days is a prescription
    re.IGNORECASE,
)
# The drug's own strength in per cent right after its name ("ketorolac 0.5%"): a drop, a cream or a gel
_PER_CENT_STRENGTH = re.compile(r"\s+\d+(?:\.\d+)?\s*%")
# A drug named for a risk, a use or a test of it ("naloxone given (fentanyl contamination risk)", "opioid
# overdose", "fentanyl use"): not the drug given.
_NAMED_NOT_GIVEN = re.compile(
    r"\s+(?:contamina\w*|risks?|exposures?|overdoses?|use|abuse|misuse|withdrawal|dependence|toxicity|"
    r"levels?|screens?|positive|negative|allerg\w*)\b",
    re.IGNORECASE,
)
_DOSE_BEFORE = re.compile(
    r"(?P<value>\d[\d,]*(?:\.\d+)?)\s*(?P<million>)(?P<unit>mg|mcg|g|units?|cc|ml|L)\s+(?:[a-z]+\s+)?$",
    re.IGNORECASE,
)


# A visit whose drugs the hospital supplies and reports on its own claim (the physician's claim has none).
_FACILITY = re.compile(
    r"\b(?:ED|ER|emergency\s+(?:department|room)|admi(?:tted|ssion)|inpatient|observation|hospital\s+day)\b",
    re.IGNORECASE,
)


# A stay of the past the first line tells ("HIV dx 2017 when admitted with PCP", "seen in the ED last week")
# is the history, not the visit.
_PAST_BEFORE = re.compile(
    r"\b(?:when|was|were|prior|previous|last|after|since|h/o|hx|history\s+of|dx)\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_PAST_AFTER = re.compile(r"^[^.;\n]{0,30}\b(?:(?:19|20)\d\d|ago|last\s+(?:week|month|year))\b", re.IGNORECASE)


def facility_visit(ctx: NoteContext) -> bool:
    """An inpatient stay, or a note whose first line opens an emergency-department or hospital visit."""
    first = head_lines(ctx.note, 1).strip()[:80]
    return ctx.setting == "inpatient" or any(
        not _PAST_BEFORE.search(first[: m.start()]) and not _PAST_AFTER.search(first[m.end() :])
        for m in _FACILITY.finditer(first)
    )


@dataclass(frozen=True)
class Given:
    drug: DrugCode
    start: int
    end: int
    dose: tuple[float, str] | None


def _word_spans(text: str) -> list[tuple[str, int, int]]:
    """The clause's words with offsets, each alias read as its generic name (at the alias's offsets)."""
    out: list[tuple[str, int, int]] = []
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*", text):
        word = m.group(0).lower()
        for w in words(ALIASES.get(word, ALIASES.get(word.replace("-", ""), word))):
            out.append((w, m.start(), m.end()))
    return out


def _dose_near(text: str, start: int, end: int) -> tuple[float, str] | None:
    """The amount with a unit after the drug's name ("ketorolac 30 mg"), else just before it ("1 L NS")."""
    m = _DOSE.search(text, end, min(len(text), end + 40))
    if m is None or not (m["unit"] or m["million"]):
        m = _DOSE_BEFORE.search(text[max(0, start - 24) : start])
        if m is None:
            return None
    value, unit = normal_amount(m["value"], m["unit"] or "unit")
    return (value * 1_000_000 if m["million"] else value), unit


def _rank(drug: DrugCode, said: set[str], dose: tuple[float, str] | None) -> tuple[float, ...]:
    """Lower is better: no unsaid product, more of its brand said, fewest unsaid name words, more of the
    drug's words said, every salt said, the not-otherwise-specified code, the billing amount that fits the
    dose (the largest unit that divides it)."""
    drug_said = len({w for w in drug.drug if len(w) > 1} - FORM_WORDS & said)
    unsaid_product = sum(1 for mark in drug.marks if not mark & said)
    unsaid = {w for w in drug.name if w not in _GENERIC and len(w) > 1} - said
    unsaid_salt = int(bool(unsaid & SALT_WORDS))
    fit = 3.0
    if dose is not None and drug.amount is not None and dose[1] == drug.amount[1]:
        units = dose[0] / drug.amount[0]
        if math.isclose(units, 1.0):
            fit = 0.0
        elif math.isclose(units, round(units)):
            fit = 1 + 1 / (1 + drug.amount[0])  # the largest unit that divides the dose first
        else:
            fit = 2.0
    # a brand said: the product it names whole ("Aristada" is not "Aristada Initio")
    brand_said = len(drug.brand & said) - 0.5 * len(drug.brand - said) if drug.brand & said else 0.0
    return (
        unsaid_product,
        -brand_said,
        len(unsaid - SALT_WORDS),
        -drug_said,
        unsaid_salt,
        int(not drug.unspecified),
        fit,
    )


def _conflict(drug: DrugCode, salts: set[str], said: set[str]) -> bool:
    """The note names a salt the descriptor does not ("triamcinolone acetonide" against "diacetate"), or a
    device it is not (an intrauterine system against an implant)."""
    own = _salts(drug)
    devices = DEVICE_FORMS & said
    return bool(salts and own and not own & salts) or bool(devices and not devices & drug.devices)


def _salts(drug: DrugCode) -> frozenset[str]:
    return frozenset(w for w in drug.name if w in SALT_WORDS and w not in _GENERIC)


def _choose(options: list[DrugCode], said: set[str], dose: tuple[float, str] | None) -> DrugCode | None:
    """The one code the note's words and dose point to; None where two remain apart only by what the note
    does not say (a salt, a product), unless one of them is the not-otherwise-specified code."""
    ranked = sorted(((_rank(d, said, dose), d) for d in options), key=lambda pair: pair[0])
    if not ranked:
        return None
    best, first = ranked[0]
    top = [d for rank, d in ranked if rank[:4] == best[:4]]
    if _salts(first) - said and len({_salts(d) for d in top}) > 1:
        unspecified = [d for d in top if d.unspecified]
        return unspecified[0] if len(unspecified) == 1 else None
    if len(ranked) > 1 and ranked[1][0] == best:
        return None
    return first


def drugs_in(text: str, table: dict[str, list[DrugCode]], on_dialysis: bool = False) -> list[Given]:
    """The drugs a clause names, each with its best J-code where one is best, and the dose near it; of a
    drug's ESRD pair, the code for the patient's dialysis status."""
    spans = _word_spans(text)
    said = {w for w, _, _ in spans}
    out: list[Given] = []
    seen: set[str] = set()
    coded: set[int] = set()  # where a coded drug's name starts (an alias reads as several words there)
    for i, (word, start, end) in enumerate(spans):
        if word not in table or word in seen or start in coded or word in _LOCAL_ANESTHETIC:
            continue
        if word == "epinephrine" and _LOCAL_ANESTHETIC & {w for w, _, _ in spans[max(0, i - 3) : i]}:
            continue  # "1% lidocaine w/ epi": the anesthetic's own vasoconstrictor
        if (
            _NOT_INJECTED.search(text, start, min(len(text), end + 30))
            or _NAMED_NOT_GIVEN.match(text, end)
            or _PER_CENT_STRENGTH.match(text, end)
        ):
            continue
        near = {w for w, _, _ in spans[max(0, i - 2) : i + 5]}
        salts = {w for w in near if w in SALT_WORDS and w not in _GENERIC}
        dose = _dose_near(text, start, end)
        options = [
            d for d in table[word] if d.dialysis in (None, on_dialysis) and not _conflict(d, salts, said)
        ]
        chosen = _choose(options, said, dose)
        if chosen is not None:
            seen.update(chosen.drug)
            coded.add(start)
            out.append(Given(chosen, start, end, dose))
    return out


# A procedure note's heading line ("Procedure note: R knee injected ...", "Procedure:"): what the block under
# it tells (up to the next section) was done at this encounter, the drugs and doses of the procedure included.
_PROCEDURE_HEAD = re.compile(
    r"^[^\S\n]*(?:(?:in-?office|office|injection)\s+)?(?:procedures?|injection)(?:\s+(?:note|performed|done))?\s*:",
    re.IGNORECASE | re.MULTILINE,
)


def procedure_blocks(note: str) -> list[tuple[int, int]]:
    """(start, end) of each procedure note's block: from its heading to the next section or blank line."""
    bounds = sorted({start for start, _, _ in sections(note)} | {len(note)})
    out: list[tuple[int, int]] = []
    for m in _PROCEDURE_HEAD.finditer(note):
        end = next(b for b in bounds if b > m.end() or b == len(note))
        blank = note.find("\n\n", m.end(), end)
        out.append((m.start(), blank if blank >= 0 else end))
    return out


def _done_in_procedure(text: str, at: int, blocks: list[tuple[int, int]]) -> bool:
    return any(a <= at < b for a, b in blocks) and NOT_YET.search(text) is None


def _units(given: Given) -> str:
    drug, dose = given.drug, given.dose
    if dose is None or drug.amount is None or dose[1] != drug.amount[1]:
        return ""
    units = max(1, math.ceil(dose[0] / drug.amount[0] - 1e-9))
    plural = "s" if units > 1 else ""
    return f"; {units:,} unit{plural} ({dose[0]:,.10g} {dose[1]} at {drug.amount[0]:,.10g} a unit)"


# A patient on dialysis ("on HD MWF", "ESRD on hemodialysis"); "not on dialysis" is denied_before's
_DIALYSIS = re.compile(
    r"\bon\s+(?:(?:hemo|peritoneal\s+)?dialysis|(?-i:HD|PD))\b|\b(?:hemo)?dialysis[- ]dependent\b",
    re.IGNORECASE,
)


def drugs_given(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Code each drug a clause documents as given now (HCPCS Level II J-codes)."""
    table = drug_codes(catalog)
    if not table or facility_visit(ctx):
        return
    on_dialysis = any(not denied_before(ctx.note[: m.start()]) for m in _DIALYSIS.finditer(ctx.note))
    blocks = procedure_blocks(ctx.note)
    for clause in _CLAUSE.finditer(ctx.note):
        text = clause.group(0)
        if _SELF_OR_EARLIER.search(text):
            continue
        if (
            not documents_service(text)
            and not on_given_line(ctx.note, clause.start())
            and not _done_in_procedure(text, clause.start(), blocks)
        ):
            continue
        for given in drugs_in(text, table, on_dialysis):
            code = given.drug.code
            why = f"drug given at this encounter: {given.drug.title} (HCPCS Level II){_units(given)}"
            start, end = clause.start() + given.start, clause.start() + given.end
            if (
                add_pick(picks, catalog, code, best_score(picks) * 0.9, [ctx.mention(start, end)], why)
                is None
            ):
                continue
            for other, pick in picks.items():
                if (
                    other != code
                    and other.startswith("J")
                    and pick.final
                    and set(given.drug.drug) & set(words(catalog.title(other)))
                ):
                    demote(pick, f"{code} is the code of the drug given ({given.drug.title})")
