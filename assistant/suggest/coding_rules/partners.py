"""Use-additional partners the note documents: BMI (Z68), long-term drugs (Z79), the organism (B95-B97),
receptor status (Z17), weeks of gestation (Z3A). Each is added only beside a final diagnosis whose tabular
note asks for it (or, for drugs with no such note, beside any final diagnosis), with the words of the note
as evidence.
"""

from __future__ import annotations

import re

from assistant.codesets.repository import ref_covers
from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.coding_rules.hormone_status import hormone_sensitivity_status
from assistant.suggest.coding_rules.receptor_status import add_receptor_status
from assistant.suggest.history import said_cured
from assistant.suggest.reader import Mention, next_item_number, said_past_or_absent
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Pick

ADULT_BMI_AGE = 20  # Z68.1-Z68.45 are adult codes (20 years and older); Z68.5- pediatric percentiles

# a BMI value, not a range ("Obesity (BMI 30-39.9)" names the class, not the patient's BMI)
_BMI = re.compile(
    r"\b(?:BMI|body mass index)\b[^0-9\n]{0,12}?(\d{2}(?:\.\d+)?)(?!\s*(?:-|–|to)\s*\d)", re.IGNORECASE
)
_BMI_RANGE = re.compile(r"\[BMI\]\s*(\d+(?:\.\d)?)(?:-(\d+(?:\.\d)?)| or (less|greater)), adult")

# A drug's strength in per cent or a form put on the skin, the eye or the rectum: a local, not a systemic, use
_LOCAL_FORM = (
    r"\s+(?:\d+(?:\.\d+)?\s*%|cream|ointment|lotion|topical|enema|suppositor|ophthalmic|eye\s+drops?|drops)"
)
# Drug words -> the Z79 code for their class (ICD-10-CM I.C.21.c.3; class names are the Z79 titles').
DRUG_CLASSES: tuple[tuple[str, str], ...] = (
    (
        "Z79.4",
        r"insulin|lantus|levemir|humalog|novolog|tresiba|basaglar|glargine|lispro|aspart|detemir|degludec",
    ),
    (
        "Z79.84",
        r"metformin|glucophage|glipizide|glimepiride|glyburide|pioglitazone|sitagliptin|januvia|linagliptin|"
        r"empagliflozin|jardiance|dapagliflozin|farxiga|canagliflozin|"
        r"oral hypoglycemics?|oral antidiabetics?",
    ),
    (
        "Z79.85",
        r"semaglutide|ozempic|liraglutide|victoza|dulaglutide|trulicity|tirzepatide|mounjaro|exenatide",
    ),
    (
        "Z79.01",
        r"warfarin|coumadin|apixaban|eliquis|rivaroxaban|xarelto|dabigatran|pradaxa|edoxaban|enoxaparin|"
        r"lovenox|anticoagula(?:nt|tion|ted)",
    ),
    ("Z79.02", r"clopidogrel|plavix|prasugrel|ticagrelor|brilinta|antiplatelet"),
    # an antibiotic the note calls long-term or suppressive, not a course ("on long-term IV vancomycin")
    (
        "Z79.2",
        r"(?:long[- ]term|chronic|suppressive|prophylactic)\s+(?:(?:iv|oral|po|daily|home)\s+)?"
        r"(?:antibiotics?|antimicrobials?|vancomycin|daptomycin|cefazolin|ceftriaxone|azithromycin|doxycycline|"
        r"minocycline|nitrofurantoin|cephalexin|trimethoprim(?:-sulfamethoxazole)?|tmp-smx)",
    ),
    # "ASA" in capitals is aspirin, not the anesthesia physical-status class ("ASA class II", "ASA 3")
    (
        "Z79.82",
        r"aspirin|asa\s*\d{2,3}\s*mg|"
        r"(?-i:ASA)(?!\s*(?:class|physical|status|score|-?PS\b|[1-6]\b|(?:I{1,3}|IV|VI?|E)\b))",
    ),
    (
        "Z79.52",
        r"(?:chronic|long[- ]term|maintenance|daily) (?:prednisone|steroids?|prednisolone)|"
        # a systemic corticosteroid taken now (not a cream, an enema or a short course: _STOPPED)
        r"(?:hydrocortisone|fludrocortisone|prednisone|prednisolone|methylprednisolone|dexamethasone)"
        rf"(?!{_LOCAL_FORM})",
    ),
    # a calcineurin inhibitor taken systemically, not the eye drops or the ointment ("cyclosporine 0.05%")
    ("Z79.621", rf"(?:tacrolimus|cyclosporine)(?!{_LOCAL_FORM})|prograf|envarsus"),
    ("Z79.624", r"mycophenolate|(?-i:MMF)|cellcept|myfortic|azathioprine"),
    ("Z79.631", r"methotrexate"),
    # biologics taken to suppress an immune disease (TNF, interleukin, integrin and B-cell blockers)
    (
        "Z79.620",
        r"adalimumab|humira|etanercept|enbrel|infliximab|remicade|certolizumab|cimzia|golimumab|simponi|"
        r"ustekinumab|stelara|secukinumab|cosentyx|ixekizumab|taltz|guselkumab|tremfya|risankizumab|skyrizi|"
        r"tocilizumab|actemra|abatacept|orencia|vedolizumab|entyvio|natalizumab|tysabri|ocrelizumab|ocrevus",
    ),
    ("Z79.83", r"alendronate|fosamax|risedronate|actonel|ibandronate|boniva|bisphosphonates?"),
    # drugs with no class code of their own: one monitored for its long-term toxicity (retinal screening),
    # and a benzodiazepine the note calls long-term (not a prescription alone)
    (
        "Z79.899",
        r"hydroxychloroquine|plaquenil|"
        r"(?:chronic|long[- ]term|maintenance)\s+(?:prescribed\s+)?(?:benzodiazepines?|benzos?|alprazolam|"
        r"xanax|lorazepam|ativan|clonazepam|klonopin|diazepam|valium)(?:\s+(?:therapy|use))?",
    ),
    ("Z79.811", r"anastrozole|arimidex|letrozole|femara|exemestane|aromasin|aromatase inhibitors?"),
    ("Z79.810", r"tamoxifen|raloxifene|evista|toremifene"),
    (
        "Z79.891",
        r"oxycodone|hydrocodone|morphine|fentanyl patch|tramadol|"
        r"(?:chronic|long[- ]term|maintenance)\s+(?:prescribed\s+)?opioids?"
        r"(?:\s+(?:therapy|analgesics?|use))?",
    ),
)
_STOPPED = re.compile(
    r"\b(?:stopped|discontinued|d/c'?d|off|held|holding|allergic|allergy|intoleran\w*|declines?|refuses?|"
    r"instead of|no longer|not on|never|x\s?\d+\s?d(?:ays?)?|for \d+ days|taper\w*|burst|"
    # a course counted by its days ("prednisone 40 day 3/5", "day 2 of 5")
    r"day\s*\d+\s*(?:/|of)\s*\d+|"
    r"completed|finished|last\s+dose|none since|(?:was|previously|formerly) on|"
    r"given (?:in|at) (?:clinic|the ed|ed|office)|in clinic|start(?:ed|ing)? today|"
    # one dose given at the visit ("dexamethasone 0.6 mg/kg PO given", "x1", "single dose")
    r"given|administered|x\s?1|single dose|one[- ]time dose|"
    # a dose pushed into a vein or a muscle at the visit ("dexamethasone 10 mg IV"), not a schedule
    # (a dictated schedule has its periods: "IV q.12h.", "IM b.i.d.")
    r"\d+(?:\.\d+)?\s*(?:mg|mcg|g)(?:/kg)?\s+(?:IV|IM|IVP)"
    r"(?!\s*(?:daily|q\.?\s?\d|every|weekly|monthly|b\.?i\.?d|t\.?i\.?d|q\.?i\.?d))|"
    r"once(?!\s+(?:a\s+)?(?:daily|day|week|month|per))|"
    # a drug injected into a joint or a soft tissue at the visit is the procedure's, not a therapy taken
    r"intra-?articular|epidural|trigger[- ]point|injected\s+(?:into|in)|(?:joint|bursa|bursal|interspace|"
    r"tendon\s+sheath|subacromial|knee|shoulder|hip|cortisone|steroid)\s+injection|"
    # the drug of a procedure the note records ("Procedure: ... injection under ultrasound guidance")
    r"procedure\s*:|(?:ultrasound|fluoroscop\w*)[- ]guided|"
    r"under\s+(?:ultrasound|fluoroscop\w*)(?:\s+guidance)?|"
    # a spinal injection or nerve block ("L5 transforaminal ESI ... 80 mg methylprednisolone")
    r"(?-i:ESI)|transforaminal|interlaminar|(?:nerve|facet|medial\s+branch|genicular)\s+blocks?|"
    # a drug decided against or only planned for a condition not yet met: no current therapy
    r"(?:decided|decides|advised|recommended) against|against (?:starting|using|giving)|"
    r"if (?:no|not|there is no|she is not|he is not) (?:relief|improvement|improved|better|response)|"
    r"if (?:worse|worsens|needed later|symptoms persist|it recurs)|"
    r"would consider|consider(?:ing)? starting)\b",
    re.IGNORECASE,
)
# "without long-term current use of insulin" (an EHR problem title), "no aspirin", "non-insulin-dependent":
# the drug denied by the words right before it
_DENIED_BEFORE = re.compile(
    r"\b(?:without|no|not (?:on|requiring|using|taking))\s+"
    r"(?:(?!(?:on|taking|takes|using|with|cont|continue)\b)[a-z][\w-]*\s+){0,4}$"
    r"|\bnon-?\s*$",
    re.IGNORECASE,
)
# A drug only proposed for later ("PCP to add basal insulin?", "consider starting a GLP-1", "may need
# insulin"): no current use.
_PROPOSED_BEFORE = re.compile(
    r"\b(?:(?:to|will|would|may|might|could|plan(?:s|ning)?\s+to|consider(?:ing)?)\s+"
    r"(?:add|adding|start|starting|begin|beginning|initiate|initiating|need|needs)|consider(?:ing)?)\s+"
    r"(?:[a-z][\w-]*\s+){0,2}$",
    re.IGNORECASE,
)
# "1 mg dexamethasone suppression test", "ACTH stimulation test": a drug given for a test, not a therapy
_TEST_AFTER = re.compile(
    r"^[\w\s-]{0,12}?\b(?:suppression|stimulation|challenge|tolerance)\s+test", re.IGNORECASE
)
# An EHR medication list's status column: the row ends "Not Taking" (maybe with why) or "Taking".
_NOT_TAKING_ROW = re.compile(r"\bnot\s+taking\b\s*(?:\([^()]*\))?\s*$", re.IGNORECASE)
_TAKING_ROW = re.compile(r"(?<!not )\btaking\s*$", re.IGNORECASE)
# Insulin given only while the patient is in the hospital ("insulin gtt per protocol", "basal-bolus insulin in
# house"): a temporary treatment of the stay, no long-term use (I.C.4.a.3).
_DURING_STAY = re.compile(
    r"^[\w\s/-]{0,25}?\b(?:gtt|drip|infusion|in[- ]house|"
    r"while\s+(?:inpatient|admitted|in\s+(?:the\s+)?hospital)|"
    r"during\s+(?:the\s+|this\s+)?(?:stay|admission|hospitali[sz]ation))\b",
    re.IGNORECASE,
)
# a drug named as what something followed ("K 3.2 after insulin", "rash following amoxicillin"): a dose given,
# no regimen
_EVENT_AFTER = re.compile(r"\b(?:after|following|post)\s+$", re.IGNORECASE)
# the words that say the insulin is the stay's alone ("in house"), not only the way it is given ("gtt")
_STAY_ONLY = re.compile(
    r"^[\w\s/-]{0,25}?\b(?:in[- ]house|while\s+(?:inpatient|admitted|in\s+(?:the\s+)?hospital)|"
    r"during\s+(?:the\s+|this\s+)?(?:stay|admission|hospitali[sz]ation))\b",
    re.IGNORECASE,
)
_TAKING_CONTEXT = re.compile(
    r"\b(?:on|takes|taking|cont|continue|continues|continued|uses|using|daily|bid|tid|qd|qhs|mg|units?|"
    # a home drug held for the stay and started again ("apixaban resumed day 4")
    r"resumed?|restart(?:ed)?|"
    r"medications?|meds|refill|prn|q\d{1,2}h?|"
    r"(?:long[- ]term|chronic|maintenance)\s+(?:\w+\s+)?(?:use|therapy)|"
    # the drug as the line's own long-term treatment ("Long-term warfarin", "anticoagulation with apixaban")
    r"long[- ]term|anticoagulat\w*\s+(?:with|on)|INR)\b",
    re.IGNORECASE,
)

# Organism words -> B95-B97 codes (the B95-B97 titles; "E. coli" and "MRSA" as clinicians write them).
ORGANISMS: tuple[tuple[str, str], ...] = (
    (
        "B95.62",
        r"(?-i:MRSA)|methicillin[- ]resistant staph\w*(?: aureus)?|"
        r"staph\w*(?: aureus)?,?\s+\(?methicillin[- ]resistant",
    ),
    (
        "B95.61",
        r"(?-i:MSSA)|methicillin[- ](?:susceptible|sensitive) staph\w*(?: aureus)?|"
        r"staph\w*(?: aureus)?,?\s+\(?methicillin[- ](?:susceptible|sensitive)",
    ),
    ("B95.61", r"staph(?:ylococcus)? aureus|S\. aureus"),
    ("B95.0", r"group A strep\w*|(?-i:GAS)|streptococcus pyogenes"),
    ("B95.1", r"group B strep\w*|(?-i:GBS)|streptococcus agalactiae"),
    ("B95.3", r"streptococcus pneumoniae|S\. pneumoniae|pneumococc\w+"),
    ("B95.2", r"enterococc\w+"),
    ("B96.20", r"E\. ?coli|escherichia coli"),
    ("B96.1", r"klebsiella(?: pneumoniae)?"),
    ("B96.4", r"proteus(?: mirabilis)?"),
    ("B96.5", r"pseudomonas(?: aeruginosa)?"),
    ("B96.3", r"h(?:aemophilus|\.) influenzae"),
    ("B96.0", r"mycoplasma pneumoniae"),
    ("B97.4", r"(?-i:RSV)|respiratory syncytial virus"),
    ("B96.81", r"(?:helicobacter|h\.?) ?pylori"),
)

# Each organism's words as a pattern, compiled once: not inside a longer word or after a dot ("S. aureus").
ORGANISM_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(rf"(?<![\w.])(?:{words})(?![\w])", re.IGNORECASE)) for code, words in ORGANISMS
)


def names_organism(text: str) -> bool:
    """Whether ``text`` names an organism of the B95-B97 table."""
    return any(rx.search(text) for _, rx in ORGANISM_PATTERNS)


_WEEKS = re.compile(
    r"\b(\d{1,2})(?:\s*(?:\+|and)\s*\d/7)?\s*(?:weeks?|wks?|w(?:\d+d)?)(?:\s*(?:\d\s*days?|of)?\s*"
    r"(?:gestation|gestational age|pregnant|GA|IUP|pregnancy))?\b|"
    r"\bGA\s*(?:of\s*)?(\d{1,2})\s*(?:weeks?|wks?|w)\b",
    re.IGNORECASE,
)
_PREGNANCY_WORDS = re.compile(
    r"\b(?:gestation\w*|pregnan\w*|G\d+\s*P\d+|IUP|GA|trimester|prenatal|fetal|fetus|EDD|EDC|FHT|FHR|"
    r"fundal\s+height)\b",
    re.IGNORECASE,
)
# A span of time, not the gestational age ("decreased fetal movement x 2 weeks", "delivered 3 weeks ago").
_DURATION_BEFORE = re.compile(
    r"\b(?:x|for|past|last|over|in|within|every|each|q|since|after|recheck|re-?check|f/u|follow[- ]?up|"
    r"return|rtc|repeat|revisit|another)\s*$",
    re.IGNORECASE,
)
_DURATION_AFTER = re.compile(
    r"^\s*(?:ago|later|prior|before|after|postpartum|post\b|pp\b|s/p\b|status\s+post\b)", re.IGNORECASE
)


def _diagnoses(picks: dict[str, Pick], catalog: CodeCatalog) -> list[Pick]:
    return [
        p
        for p in picks.values()
        if p.final
        and p.code in catalog
        and catalog.system(p.code) == "ICD-10-CM"
        and not p.code.startswith("Z")
    ]


def _asks_for(catalog: CodeCatalog, pick: Pick, code: str) -> bool:
    return any(ref_covers(r, code) for r in catalog.refs_for(pick.code, "use_additional"))


def bmi_code(catalog: CodeCatalog, value: float) -> str | None:
    """The adult Z68 code whose title's range holds ``value`` (read from the code set's titles)."""
    for code in catalog.leaves_under("Z68"):
        m = _BMI_RANGE.search(catalog.title(code))
        if not m:
            continue
        low = float(m.group(1))
        if m.group(3) == "less" and value <= low + 0.05:
            return code
        if m.group(3) == "greater" and value >= low:
            return code
        if m.group(2) and low <= value < float(m.group(2)) + 0.1:
            return code
    return None


# The BMI's own value may stand between ("BMI 13.4 (3rd %ile)"); "<5th", "below the 5th" is under it.
_PERCENTILE = re.compile(
    r"\b(?:BMI|body mass index)\b(?:[^.\n]|\.(?=\d)){0,30}?"
    r"(?P<below><\s*|(?:less\s+than|below|under)\s+(?:the\s+)?)?"
    r"\b(?P<n>\d{1,3})(?:st|nd|rd|th)?\s*(?:percentile|%ile|centile)",
    re.IGNORECASE,
)
_PERCENTILE_RANGE = re.compile(r"(?:(\d+)th percentile(?: for age)? to )?less than (\d+)(th percentile|%)")
# A BMI at or above the 95th percentile said as a share of it ("BMI 31 = 132% of the 95th %ile").
_OF_95TH = re.compile(
    r"\b(?:BMI|body mass index)\b(?:[^.\n]|\.(?=\d)){0,30}?(?P<pct>\d{3})\s*%\s*of\s+(?:the\s+)?95(?:th)?\b",
    re.IGNORECASE,
)
# The Z68.5- titles' shares of the 95th percentile: "95th percentile ... to less than 120% of the 95th",
# "120% of the 95th ... to less than 140% ...", "greater than or equal to 140% of the 95th ...".
_SHARE_RANGE = re.compile(
    r"(?:(\d+)% of the )?95th percentile for age to less than (\d+)%|"
    r"greater than or equal to (\d+)% of the 95th"
)


def share_of_95th_code(catalog: CodeCatalog, share: int) -> str | None:
    """The pediatric Z68.5- code whose title's range of the 95th percentile's multiple holds ``share`` (%)."""
    for code in catalog.leaves_under("Z68.5"):
        m = _SHARE_RANGE.search(catalog.title(code))
        if not m:
            continue
        low = int(m.group(1) or m.group(3) or 100)
        high = int(m.group(2)) if m.group(2) else 10_000
        if low <= share < high:
            return code
    return None


def bmi_percentile_code(catalog: CodeCatalog, percentile: int) -> str | None:
    """The pediatric Z68.5- code whose title's percentile range holds ``percentile`` (from the titles; the
    multiples of the 95th percentile need the BMI itself, so 95th and up is the first of them)."""
    for code in catalog.leaves_under("Z68.5"):
        m = _PERCENTILE_RANGE.search(catalog.title(code))
        if not m:
            continue
        low = int(m.group(1) or 0)
        high = int(m.group(2)) if m.group(3).startswith("th") else 101  # "less than 120% of the 95th"
        if low <= percentile < high:
            return code
    return None


_MALNUTRITION = ("E40", "E41", "E42", "E43", "E44", "E45", "E46")
# Wasting (cachexia NOS, cachexia due to an underlying condition): the underweight I.B.14 reports a BMI with.
_WASTING = ("R64", "E88.A")


def add_bmi(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z68.xx beside the diagnosis that asks for it (obesity, overweight ...) or that I.B.14 names with it
    (malnutrition, E40-E46, whose tabular asks for no BMI); adults only (I.B.14)."""
    owners = [
        p
        for p in _diagnoses(picks, catalog)
        if _asks_for(catalog, p, "Z68.30") or p.code.startswith(_MALNUTRITION + _WASTING)
    ]
    child = ctx.age is not None and ctx.age < ADULT_BMI_AGE
    if child:
        _excess_weight_contradicted(picks, ctx)
        owners = [p for p in owners if p.final]
    for p in [q for q in picks.values() if q.code.startswith("Z68")]:
        if not owners:
            demote(p, "BMI is coded only with an associated diagnosis (obesity, overweight ...)")
        elif child and not p.code.startswith("Z68.5"):
            demote(p, "adult BMI codes are for patients 20 and older; a child's BMI is a percentile (Z68.5-)")
    if child:
        _add_percentile(picks, ctx, catalog, owners)
        return
    match = _BMI.search(ctx.note)
    if not owners or match is None:
        return
    code = bmi_code(catalog, float(match.group(1)))
    if code:
        for p in [q for q in picks.values() if q.code.startswith("Z68") and q.code != code and q.final]:
            demote(p, f"the note's BMI ({match.group(1)}) is {code}")
        _add_bmi_pick(picks, ctx, catalog, owners, code, match, "BMI")


# A child is overweight from the 85th BMI percentile (the Z68.5- ranges): overweight or obesity (E66.-)
# below it contradicts the note's own percentile ("BMI 12.8 = 3rd %ile (underweight)").
OVERWEIGHT_PERCENTILE = 85


def _excess_weight_contradicted(picks: dict[str, Pick], ctx: NoteContext) -> None:
    match = _PERCENTILE.search(ctx.note)
    if match is None or _OF_95TH.search(ctx.note) or int(match.group("n")) >= OVERWEIGHT_PERCENTILE:
        return
    for p in [q for q in picks.values() if q.code.startswith("E66") and q.final]:
        demote(
            p, f"the note's BMI percentile is below the {OVERWEIGHT_PERCENTILE}th: no overweight or obesity"
        )


def _add_percentile(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, owners: list[Pick]
) -> None:
    """A child's BMI percentile, as written, chooses the Z68.5- code (never a neighbouring range)."""
    share = _OF_95TH.search(ctx.note)
    match = share or _PERCENTILE.search(ctx.note)
    if match is None or not owners:
        return
    if share is not None:
        code = share_of_95th_code(catalog, int(share.group("pct")))
    else:
        percentile = int(match.group("n")) - (1 if match.group("below") else 0)
        code = bmi_percentile_code(catalog, max(percentile, 0))
    if code is None:
        return
    for p in [q for q in picks.values() if q.code.startswith("Z68.5") and q.code != code and q.final]:
        demote(p, f"the note's BMI percentile ({match.group(0)[match.start(1) - match.start() :]}) is {code}")
    _add_bmi_pick(picks, ctx, catalog, owners, code, match, "BMI percentile")


def _add_bmi_pick(
    picks: dict[str, Pick],
    ctx: NoteContext,
    catalog: CodeCatalog,
    owners: list[Pick],
    code: str,
    match: re.Match[str],
    what: str,
) -> None:
    """The Z68 partner of the best-scored weight diagnosis, with the note's words as its evidence."""
    owner = max(owners, key=lambda p: p.score)
    add_pick(
        picks,
        catalog,
        code,
        owner.score * 0.95,
        [ctx.mention(match.start(), match.end())],
        f"use additional code for {what} with {owner.code} (guideline I.B.14)",
    )


def _drug_clause(line: str, at: int) -> str:
    """The part of a line about the drug at ``at``: its sentence, without another drug's parenthesis
    ("Continue clopidogrel 75 daily (aspirin intolerant - GI upset)": the intolerance is aspirin's)."""
    start = max(line.rfind(";", 0, at), line.rfind(". ", 0, at)) + 1
    ends = [i for i in (line.find(";", at), line.find(". ", at)) if i >= 0]
    clause, at = line[start : min(ends) if ends else len(line)], at - start
    return re.sub(r"\([^()]*\)", lambda p: p.group(0) if p.start() <= at < p.end() else " ", clause)


def not_taken_drugs(note: str) -> set[str]:
    """The drug words of the medication rows the list marks "Not Taking", less those of rows marked
    "Taking" ("insulin glargine ... Not Taking" beside "insulin lispro ... Taking" leaves "insulin" taken)."""
    not_taken: set[str] = set()
    taken: set[str] = set()
    for line in note.splitlines():
        into = not_taken if _NOT_TAKING_ROW.search(line) else taken if _TAKING_ROW.search(line) else None
        if into is not None:
            for _, words in DRUG_CLASSES:
                into.update(m.group(0).lower() for m in re.finditer(rf"\b(?:{words})\b", line, re.IGNORECASE))
    return not_taken - taken


def _other_class_only(pick: Pick, code: str, words: str) -> str | None:
    """The drug word of another Z79 class a read long-term drug code stands on, when its words name none of
    its own class ("with long-term current use of insulin" read as Z79.84, the oral hypoglycemics)."""
    texts = [m.text for m in pick.mentions]
    if any(re.search(rf"\b(?:{words})\b", t, re.IGNORECASE) for t in texts):
        return None
    for other, other_words in DRUG_CLASSES:
        if other == code or other == "Z79.899":
            continue
        said = next((m for t in texts if (m := re.search(rf"\b(?:{other_words})\b", t, re.IGNORECASE))), None)
        if said is not None:
            return said.group(0)
    return None


def _line_after(note: str, m: re.Match[str]) -> str:
    end = note.find("\n", m.end())
    return note[m.end() : end if end >= 0 else len(note)]


def _regimen(note: str, m: re.Match[str]) -> bool:
    """The insulin at ``m`` is a regimen the patient takes (its clause says so), not the stay's treatment."""
    line_start = note.rfind("\n", 0, m.start()) + 1
    line = note[line_start : m.start()] + m.group(0) + _line_after(note, m)
    at = m.start() - line_start
    clause = _drug_clause(line, at)
    return (
        not _DURING_STAY.search(_line_after(note, m))
        and not _DENIED_BEFORE.search(line[:at])
        and _TAKING_CONTEXT.search(clause) is not None
    )


def add_drugs(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z79.x for a drug the patient takes now: a line naming it, not stopped, not an allergy, not a
    medication-list row marked "Not Taking"."""
    for code, words in DRUG_CLASSES:
        pick = picks.get(code)
        if pick is not None and pick.final and code != "Z79.899":
            other = _other_class_only(pick, code, words)
            if other is not None:
                demote(pick, f"'{other}' names another drug class than {catalog.title(code)}")
    diagnoses = _diagnoses(picks, catalog)
    if not diagnoses:
        return
    top = max(p.score for p in diagnoses)
    not_taken = not_taken_drugs(ctx.note)
    for code, words in DRUG_CLASSES:
        asked = [p for p in diagnoses if _asks_for(catalog, p, code)]
        if not asked and code in ("Z79.4", "Z79.84", "Z79.85"):
            continue  # only where the diabetes code's note lists them (type 1 does not take Z79.4)
        found = list(re.finditer(rf"\b(?:{words})\b", ctx.note, re.IGNORECASE))
        # insulin the stay gives ("insulin gtt", "insulin in house") with no regimen of the patient's written
        # anywhere ("glargine 20 u qhs", "on insulin"): no long-term use
        stay_only = (
            code == "Z79.4"
            and any(_STAY_ONLY.search(_line_after(ctx.note, m)) for m in found)
            and not any(_regimen(ctx.note, m) for m in found)
        )
        for m in found:
            line_start = ctx.note.rfind("\n", 0, m.start()) + 1
            line_end = ctx.note.find("\n", m.end())
            line = ctx.note[line_start : line_end if line_end >= 0 else len(ctx.note)]
            at = m.start() - line_start
            if m.group(0).lower() in not_taken or _NOT_TAKING_ROW.search(line):
                continue
            after = line[at + len(m.group(0)) :]
            if _DENIED_BEFORE.search(line[:at]) or _TEST_AFTER.search(after):
                continue
            if _PROPOSED_BEFORE.search(line[:at]) or after.lstrip().startswith("?"):
                continue
            if code == "Z79.4" and _DURING_STAY.search(after) or _EVENT_AFTER.search(line[:at]):
                continue
            line = _drug_clause(line, at)
            if _STOPPED.search(line) or not (_TAKING_CONTEXT.search(line) or asked and not stay_only):
                continue
            owner = asked[0].code if asked else "the treated condition"
            add_pick(
                picks,
                catalog,
                code,
                top * 0.9,
                [ctx.mention(m.start(), m.end())],
                f"long-term (current) drug therapy documented, with {owner} (guideline I.C.21.c.3)",
            )
            break
    if "Z79.891" in picks and picks["Z79.891"].final:
        prescribed_opioid_is_no_use_disorder(picks)


# An opioid taken as prescribed for a long time ("long-term opioid use", "chronic opioid therapy").
_PRESCRIBED_OPIOID = re.compile(
    r"\b(?:long[- ]term|chronic|maintenance|prescribed)\s+(?:\w+\s+)?opioids?\b", re.IGNORECASE
)
_OPIOID_USE_UNSPECIFIED = "F11.9"


def prescribed_opioid_is_no_use_disorder(picks: dict[str, Pick]) -> None:
    """An opioid taken long-term as prescribed is Z79.891, not "opioid use" (F11.9-, I.C.5.b.3: a use code
    only with a disorder it causes), where the words of the F11.9 code are only that prescribed use."""
    for pick in picks.values():
        if (
            pick.final
            and pick.code.startswith(_OPIOID_USE_UNSPECIFIED)
            and pick.mentions
            and all(_PRESCRIBED_OPIOID.search(m.text) for m in pick.mentions)
        ):
            demote(pick, "long-term prescribed opioid use is Z79.891, not an opioid use code (I.C.5.b.3)")


# An organism named as its vaccine ("pneumococcal vax up to date", "RSV vaccine given") is no agent found.
_VACCINE_AFTER = re.compile(
    r"\s*(?:[\w-]+\s+){0,2}?(?:vaccin\w*|vax|immuni[sz]\w*|shots?|boosters?|conjugate|polysaccharide)\b",
    re.IGNORECASE,
)


def add_organism(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """B95-B97 beside an infection whose note says "use additional code (B95-B97) to identify the agent",
    and beside a condition said with its agent that the Index codes apart."""
    organism_as_said(picks, ctx, catalog)
    resistance_unsaid(picks, ctx)
    agent_said_with_condition(picks, ctx, catalog)
    helicobacter_with_gastric_disease(picks, ctx, catalog)
    infections = [p for p in _diagnoses(picks, catalog) if _asks_for(catalog, p, "B96.20")]
    if not infections:
        return
    owner = max(infections, key=lambda p: p.score)
    for code, rx in ORGANISM_PATTERNS:
        found = rx.finditer(ctx.note)
        m = next(
            (
                f
                for f in found
                if not _negative_result(ctx.note, f.start(), f.end())
                and not _VACCINE_AFTER.match(ctx.note, f.end())
                and not said_past_or_absent(ctx.note, f.start(), f.end())
            ),
            None,
        )
        if m is None:
            continue
        added = add_pick(
            picks,
            catalog,
            code,
            owner.score * 0.95,
            [ctx.mention(m.start(), m.end())],
            f"use additional code to identify the infectious agent with {owner.code}",
        )
        if added is not None:
            _organism_is_not_a_second_infection(picks, added, owner, ctx.mention(m.start(), m.end()))
        return


# The organism part of a B95-B97 title ("Klebsiella pneumoniae [K. pneumoniae] as the cause of diseases
# classified elsewhere": "klebsiella pneumoniae").
_AGENT_TAIL = re.compile(r"\s*(?:infection\s+)?as the cause of .*$", re.IGNORECASE)
_AGENT_NOISE = re.compile(r"\[[^]]*\]|\bunspecified\b", re.IGNORECASE)


def agent_named_by_its_condition(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """B95-B97 beside a final code whose own title names that organism ("Pneumonia due to Klebsiella
    pneumoniae", "Sepsis due to Escherichia coli"): the combination code already identifies the agent, and
    the supplementary code adds nothing (I.C.1.b; I.A.13 "use additional code" where the code does not)."""
    for code, pick in picks.items():
        if not pick.final or not code.startswith(("B95", "B96", "B97")) or code not in catalog:
            continue
        agent = set(tokens(_AGENT_NOISE.sub(" ", _AGENT_TAIL.sub("", catalog.title(code)))))
        owner = next(
            (
                p.code
                for p in picks.values()
                if p.final
                and p is not pick
                # an infection of unspecified site (A49.-) names the agent alone: the agent code goes with the
                # infection the note locates
                and not p.code.startswith(("B95", "B96", "B97", "Z16", "A49"))
                and p.code in catalog
                and agent
                and agent <= set(tokens(catalog.title(p.code)))
            ),
            None,
        )
        # a localized infection beside it that asks for the agent ("sepsis due to E. coli" from a
        # pyelonephritis) keeps it
        asked = any(p.final and p.code != owner and _asks_for(catalog, p, code) for p in picks.values())
        if owner is not None and not asked:
            demote(pick, f"{owner}'s title already names the organism (I.C.1.b)")


def _line_of(note: str, at: int) -> str:
    start = note.rfind("\n", 0, at) + 1
    end = note.find("\n", at)
    return note[start : end if end >= 0 else len(note)]


def organism_as_said(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """An agent code read from words that name another agent of the table ("Staphylococcus aureus,
    methicillin-sensitive" read as MRSA, B95.62): the agent the words name (B95.61) takes its place."""
    for code, pick in list(picks.items()):
        if not pick.final or not code.startswith(("B95", "B96", "B97")):
            continue
        lines = {_line_of(ctx.note, m.start) for m in pick.mentions}
        named = {
            other
            for other, rx in ORGANISM_PATTERNS
            for line in lines
            if any(not _negative_result(line, f.start(), f.end()) for f in rx.finditer(line))
        }
        if code in named or len(named) != 1:
            continue
        said = named.pop()
        reason = f"the note's words name {catalog.title(said) if said in catalog else said} (I.C.1.b)"
        if add_pick(picks, catalog, said, pick.score, pick.mentions, reason) is not None:
            demote(pick, f"the words name another agent: coded {said}")


# The words that report a resistance to antimicrobial drugs (Z16.-): a drug's name alone reports none.
_RESISTANCE = re.compile(
    r"\bresist\w*|\bnon-?susceptible\b|\b(?-i:ESBL|MRSA|VRE|CRE|MDR|XDR)\b|\bmulti-?drug\b|"
    r"\bextended[- ]spectrum\b|\bcarbapenemase\b",
    re.IGNORECASE,
)


def resistance_unsaid(picks: dict[str, Pick], ctx: NoteContext) -> None:
    """Z16.- (resistance to antimicrobial drugs, I.C.1.c) only where the lines it was read from report a
    resistance ("due to antibiotic (amoxicillin-clavulanate)" names the drug, not a resistance to it)."""
    for code, pick in picks.items():
        if code.startswith("Z16") and not any(
            _RESISTANCE.search(_line_of(ctx.note, m.start)) for m in pick.mentions
        ):
            demote(pick, "no resistance to an antimicrobial drug is reported (Z16.-, I.C.1.c)")


# Ulcers, gastritis, duodenitis and dyspepsia: the conditions a Helicobacter pylori found in the note causes
# (Coding Clinic: B96.81 beside them), though their categories ask for no agent.
_PYLORI_CONDITIONS = ("K25", "K26", "K27", "K28", "K29", "K30")
_PYLORI = next(rx for code, rx in ORGANISM_PATTERNS if code == "B96.81")


_CURE_REACH = 6  # words after the organism to the word that says it is gone ("H. pylori treated, eradicated")


def _cured_since(note: str, at: int) -> bool:
    """ "H. pylori treated, eradication confirmed": the infection is gone, no agent of the disease now."""
    item = re.split(r"[.;\n]", note[at:], maxsplit=1)[0]
    return said_cured(" ".join(item.split()[:_CURE_REACH]))


def helicobacter_with_gastric_disease(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    owners = [p for p in _diagnoses(picks, catalog) if p.code.startswith(_PYLORI_CONDITIONS)]
    found = next(
        (
            f
            for f in _PYLORI.finditer(ctx.note)
            if not _negative_result(ctx.note, f.start(), f.end()) and not _cured_since(ctx.note, f.end())
        ),
        None,
    )
    if not owners or found is None or any(p.final and p.code == "B96.81" for p in picks.values()):
        return
    owner = max(owners, key=lambda p: p.score)
    reason = f"Helicobacter pylori found with {owner.code}: its agent beside it (B96.81)"
    add_pick(picks, catalog, "B96.81", owner.score * 0.95, [ctx.mention(found.start(), found.end())], reason)


def agent_said_with_condition(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """ "H. pylori gastritis": the agent names the condition's cause, and the condition was searched without
    it (no Index path names the two together: ``cause_link.agent_apart``); the condition keeps its own code
    and the agent takes its B95-B97 code beside it, as supplementary codes are used (I.C.1.b)."""
    for owner in sorted(_diagnoses(picks, catalog), key=lambda p: -p.score):
        if owner.code.startswith(("B95", "B96", "B97")):
            continue
        for m in owner.mentions:
            for code, rx in ORGANISM_PATTERNS:
                said = rx.search(m.text)
                if said is None or rx.search(m.query) or _negative_result(m.text, said.start(), said.end()):
                    continue
                span = ctx.mention(m.start + said.start(), m.start + said.end())
                reason = f"the agent said with {owner.code}, which does not name it (B95-B97, I.C.1.b)"
                add_pick(picks, catalog, code, owner.score * 0.95, [span], reason)


# "RSV negative", "flu/RSV neg", "MRSA PCR not detected", "negative for GBS": a test that did not find it.
_NEGATIVE_AFTER = re.compile(
    r"^[\w/ +()-]{0,25}?\b(?:neg(?:ative)?|not detected|undetected|nondetected|ruled out)\b"
    r"|^\s*\(?-\)?(?!\w)",
    re.IGNORECASE,
)
_NEGATIVE_BEFORE = re.compile(
    r"\b(?:negative for|neg for|no|without|r/o|rule out)\b[^.;:,\n]{0,25}$", re.IGNORECASE
)


def _negative_result(note: str, start: int, end: int) -> bool:
    after = re.split(r"[.;\n]", note[end : end + 40], maxsplit=1)[0]
    return bool(_NEGATIVE_AFTER.search(after) or _NEGATIVE_BEFORE.search(note[max(0, start - 40) : start]))


RESULT_WORDS = frozenset(tokens("culture cultures grew growing positive urine blood sputum wound cx"))


def _organism_is_not_a_second_infection(
    picks: dict[str, Pick], organism: Pick, owner: Pick, span: Mention
) -> None:
    """ "UTI, culture grew E. coli": the organism words (``span``) are the UTI's agent, not an intestinal
    E. coli infection (A04.-) of their own."""
    for p in picks.values():
        if (
            p is organism
            or not p.final
            or p.code[:1] not in ("A", "B")
            or p.code.startswith(("B95", "B96", "B97"))
        ):
            continue
        if all(
            m.start < span.end and span.start < m.end and _only_the_organism(m.text, span.text)
            for m in p.mentions
        ):
            demote(p, f"the organism is the agent of {owner.code}, coded {organism.code}")


def _only_the_organism(mention: str, organism: str) -> bool:
    """The mention says nothing but the organism ("culture grew E. coli"), unlike "sepsis due to E. coli",
    a condition of its own (I.C.1.d.4: the sepsis and the localized infection are both coded)."""
    return not (set(tokens(mention)) - set(tokens(organism)) - RESULT_WORDS)


def _z3a_goes_with(code_first: list[str], code: str) -> bool:
    """Z3A's "code first" note lists the obstetric codes it goes with (not O00-O08, abortive outcomes)."""
    return not code_first or any(ref_covers(r, code) for r in code_first)


def _abortive_outcome(code: str) -> bool:
    """O00-O08, pregnancies with abortive outcome: the guidelines keep Z3A away from them (chapter 15)."""
    return "O00" <= code[:3] <= "O08"


def weeks_code(weeks: int) -> str:
    if weeks < 8:
        return "Z3A.01"
    if weeks > 42:
        return "Z3A.49"
    return f"Z3A.{weeks:02d}"


def add_weeks(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z3A weeks of gestation beside a pregnancy code (chapter 15) when the note states the weeks."""
    first = catalog.refs_for("Z3A.00", "code_first") if "Z3A.00" in catalog else []
    if any(p.final and _abortive_outcome(p.code) for p in picks.values()):
        for p in [q for q in picks.values() if q.final and q.code.startswith("Z3A")]:
            demote(p, "weeks of gestation are not coded with a pregnancy with abortive outcome (O00-O08)")
        return
    pregnancy = [
        p
        for p in picks.values()
        if p.final
        and (
            p.code.startswith(("Z34", "Z33.1")) or (p.code.startswith("O") and _z3a_goes_with(first, p.code))
        )
    ]
    if not pregnancy:
        for p in [q for q in picks.values() if q.final and q.code.startswith("Z3A")]:
            demote(p, "weeks of gestation are coded only with a pregnancy (chapter 15) code")
        return
    if any(p.final and p.code.startswith("Z3A") for p in picks.values()):
        return  # one encounter, one gestational age ("36w2d ... ECV at 37 wk" is a plan's week)
    for m in _WEEKS.finditer(ctx.note):
        window = ctx.note[max(0, m.start() - 40) : m.end() + 40]
        if not _PREGNANCY_WORDS.search(window):
            continue
        if _DURATION_BEFORE.search(ctx.note[max(0, m.start() - 12) : m.start()]) or _DURATION_AFTER.search(
            ctx.note[m.end() : m.end() + 12]
        ):
            continue
        weeks = int(m.group(1) or m.group(2))
        owner = max(pregnancy, key=lambda p: p.score)
        add_pick(
            picks,
            catalog,
            weeks_code(weeks),
            owner.score * 0.9,
            [ctx.mention(m.start(), m.end())],
            f"weeks of gestation with {owner.code} (guideline I.C.15.b.4)",
        )
        return


_CKD_STAGE = re.compile(
    r"\b(?:CKD|chronic kidney disease)\b[^.\n;]{0,40}?\b(?:stage\s*)?(1|2|3a|3b|3|4|5|I{1,3}[ab]?|IV|V)\b"
    r"|\b(ESRD|end[- ]stage renal disease|end[- ]stage kidney disease)\b",
    re.IGNORECASE,
)
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iiia": "3a", "iiib": "3b", "iv": "4", "v": "5"}
STAGE_TITLES = {
    "1": "stage 1",
    "2": "stage 2",
    "3": "stage 3 unspecified",
    "3a": "stage 3a",
    "3b": "stage 3b",
    "4": "stage 4",
    "5": "stage 5",
}


def stage_code(catalog: CodeCatalog, stage: str) -> str | None:
    """The N18 code whose title names the stage ("Chronic kidney disease, stage 3b" -> N18.32)."""
    if stage == "esrd":
        return "N18.6" if "N18.6" in catalog else None
    words = STAGE_TITLES.get(stage)
    for code in catalog.leaves_under("N18") if words else []:
        title = catalog.title(code).lower()
        if re.search(rf"\b{re.escape(words or '')}\b", title):
            return code
    return None


def _stage_of(catalog: CodeCatalog, match: re.Match[str]) -> str | None:
    raw = (match.group(1) or "esrd").lower()
    return stage_code(catalog, "esrd" if match.group(2) else _ROMAN.get(raw, raw))


def ckd_stage(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """The CKD stage the note states replaces an unspecified or other-stage N18 code (use-additional partner
    of E11.22, I12.-, I13.-, D63.1)."""
    finals = [p for p in picks.values() if p.final and p.code.startswith("N18")]
    stated = [m for m in _CKD_STAGE.finditer(ctx.note) if not next_item_number(ctx.note, *m.span(1))]
    if not finals or not stated:
        return
    match = stated[0]
    documented = {_stage_of(catalog, m) for m in stated} - {None}
    if any(p.code in documented for p in finals):
        return  # a stage the note states is coded (another stated one is left to the sibling checks)
    code = _stage_of(catalog, match)
    if code is None or all(p.code == code for p in finals):
        return
    mentions = [m for p in finals for m in p.mentions]
    score = max(p.score for p in finals)
    for p in finals:
        picks.pop(p.code)
    add_pick(
        picks, catalog, code, score, mentions, f"the stage documented in the note: {catalog.title(code)}"
    )


# "Neutropenic fever", "febrile neutropenia": the fever a condition's own note asks to code beside it
# (D70 "use additional code for any associated fever (R50.81)").
FEVER_PRESENTING = "R50.81"
_FEVER = re.compile(r"(?<!no\s)(?<!without\s)\b(?:fever|febrile)\b", re.IGNORECASE)


def add_associated_fever(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in _diagnoses(picks, catalog) if _asks_for(catalog, p, FEVER_PRESENTING)]:
        said = [m for m in pick.mentions if _FEVER.search(m.text)]
        if said:
            why = f"the fever {pick.code} is presenting with (its note: use additional code, R50.81)"
            add_pick(picks, catalog, FEVER_PRESENTING, pick.score * 0.95, said, why)
            return


def add_partners(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    ckd_stage(picks, ctx, catalog)
    add_associated_fever(picks, ctx, catalog)
    add_bmi(picks, ctx, catalog)
    add_drugs(picks, ctx, catalog)
    add_organism(picks, ctx, catalog)
    agent_named_by_its_condition(picks, catalog)
    add_receptor_status(picks, ctx, catalog)
    hormone_sensitivity_status(picks, ctx, catalog)
    add_weeks(picks, ctx, catalog)
