"""Parts of a note a coder reads past: plans, orders, counseling, administrative sentences, vitals and labs,
medication lines and status words ("well controlled on lisinopril"). They become no diagnosis mention.

Our own word lists (no dataset text). ``why_not_coded`` names the kind, or returns None for a chunk that may
hold a diagnosis.
"""

from __future__ import annotations

import re

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.injury_words import mechanism_tail
from assistant.suggest.text import DIABETES_WORDS, DIAGNOSTIC_SUFFIXES

# A chunk that starts with a plan or order verb is the plan, not a problem ("increase metformin",
# "follow up in 3 months", "will check A1c", "counseled on diet"). "Decreased" / "increased" / "reduced" are
# the plan only with a dose change ("decreased lisinopril to 10 mg"); before a finding they describe it
# ("decreased fetal movement", "increased thirst").
_PLAN_LEAD = (
    r"(?:(?:we|i|pt|patient|he|she)\s+)?(?:will\s+|to\s+|plan(?:s|ned)?\s+(?:to\s+)?|recommend(?:ed)?\s+|"
    r"advised?\s+(?:to\s+)?|would\s+|may\s+|should\s+|please\s+)?"
)
_PLAN_VERBS = (
    r"continue[sd]?(?!\s+to\s+(?:have|has|experience|suffer|report|complain|feel|struggle|show|exhibit)\b)|"
    r"cont\.?|start(?:ed)?|begin|began|initiate[sd]?|(?:increase|decrease|reduce)s?|"
    r"(?:increased|decreased|reduced)(?=.*\b(?:to|from|by|dose|dosage|mg|units?)\b)|"
    r"titrate[sd]?|adjust(?:ed)?|stop(?:ped)?|discontinue[sd]?|d/c|hold|held|resume[sd]?|switch(?:ed)?|"
    r"change[sd]?\s+(?:to|dose)|refill(?:ed|s)?|renew(?:ed)?|prescribe[sd]?|rx|order(?:ed|s)?|obtain(?:ed)?|"
    r"check(?:ed)?|recheck(?:ed)?(?!\s+of\b)|repeat(?:ed)?|draw(?:n)?|send|sent|schedule[sd]?|refer(?:red|ral)?|"
    r"consult(?:ed)?\s+(?!for\b)|(?:follow(?:[- ]?up|\s+up)|f/u|fu|followup)"
    r"(?=\s+(?:in|with|on|at|as|prn|after|next|visit|appointment|scheduled|if|when|\d)\b|\s*$)|return(?:\s+to\s+clinic)?|rtc|"
    r"see\s+(?:in|back|again)|monitor(?:ed|ing)?|counsel(?:l?ed|ing)?|educate[sd]?|education|discuss(?:ed)?|"
    r"review(?:ed)?|reconcile[sd]?|encourage[sd]?|instruct(?:ed)?|provide[sd]?|reassure[sd]?|maintain|"
    r"keep|goal|target|call|notify|plan|labs?\b|imaging|dispo(?:sition)?|discharge[sd]?\s+(?:home|to)|"
    r"admit(?:\s+(?:to|for)\b)?|observe|observation\s+(?:overnight|status|unit|stay)|"
    r"npo|diet(?:ary)?\s+(?:and|counsel\w*|education|modification|changes?|control\s+of|advice)|"
    r"exercise\s+(?:\d|daily|regularly|counsel\w*|more|program)|lifestyle\s+(?:modification|changes?|counsel\w*)|"
    r"weight\s+loss\s+(?:counsel\w*|advice|program|encouraged)|"
    r"(?:weight(?:\s+loss)?|a1c|hba1c|bp|blood\s+pressure|ldl|cholesterol)\s+(?:goal|target)s?\b|avoid|apply|use\s+(?!disorder)|take|taking|"
    r"medications?\s+(?:reviewed|list|reconcil\w*|refilled|as\s+above|unchanged)|meds\b|same\b|no\s+change"
)
_PLAN_RE = re.compile(rf"^\s*{_PLAN_LEAD}(?:{_PLAN_VERBS})(?![\w/])", re.IGNORECASE)
# A refusal said alone ("Hep C screen declined" split at the test) is the plan, no decline in health.
_REFUSED = re.compile(r"^(?:declined|declines|refused|refuses|deferred)\W*$", re.IGNORECASE)
# A test or screen the patient declines ("Declines HIV test", "HIV screening declined"): nothing was found,
# so the condition it looks for is no diagnosis.
_REFUSAL = r"(?:declined|declines|refused|refuses|defers|deferred)"
_TEST_REFUSED = re.compile(
    rf"^(?:(?:pt|patient|she|he)\s+)?{_REFUSAL}\s+(?:[\w/-]+\s+){{0,4}}?(?:tests?|testing|screen|screening|labs?)\b|"
    rf"^(?:[\w/-]+\s+){{0,4}}?(?:tests?|testing|screen|screening|labs?)\s+(?:was\s+|is\s+)?"
    rf"(?:offered\s+(?:and|but)\s+)?{_REFUSAL}\b",
    re.IGNORECASE,
)
# A transplant still to come ("transplant evaluation", "kidney transplant referral") is a plan, never the
# transplant status (Z94.-), which is for an organ already received.
# A service still to come ("eye exam due", "mammogram overdue", "retinal exam due in 6 months"): the plan, not
# an encounter for it (Z01.-, Z12.-).
_SERVICE_DUE = re.compile(
    r"^(?:[\w-]+\s+){0,3}(?:exam|examination|screening|test|testing|labs?|mammogram|colonoscopy|scan|imaging|"
    r"vaccines?|shots?|visit|check|eval(?:uation)?)\s+(?:is\s+)?(?:due(?!\s+to\b)|overdue|scheduled|pending|planned)\b",
    re.IGNORECASE,
)
# A service given a time to come ("suture removal 10-12 d", "wound check in 2 days"): the plan.
_SERVICE_LATER = re.compile(
    r"^(?:[\w/-]+\s+){0,3}(?:removal|recheck|re-check|check|visit|appointment|appt|exam)\s+"
    r"(?:in\s+|at\s+|after\s+)?(?:\d+(?:\s*[-\u2013]\s*\d+)?|one|two|three|four|six|a)\s*"
    r"(?:d|days?|wks?|weeks?|mos?|months?)\b[\s.!]*$",  # the chunk ends there: "... for a buckle fx" is read
    re.IGNORECASE,
)
_PLANNED_TRANSPLANT = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}transplant(?:ation)?\s+(?:evaluation|eval|referral|work-?up|candidacy|candidate|"
    r"listing|wait-?list(?:ed)?|options?|education|consult(?:ation)?|planning)\b",
    re.IGNORECASE,
)

_ADMIN_RE = re.compile(
    r"\b(?:medication\s+list|med(?:ication)?s?\s+rec(?:onciliation|onciled)?|reconciled|"
    r"established\s+patient|new\s+patient|time\s+spent|minutes?\s+(?:spent|of|face)|face[- ]to[- ]face|"
    r"(?:informed\s+)?consent|questions\s+(?:were\s+)?answered|agrees?\s+with|verbali[sz]ed|understand(?:s|ing)|"
    r"return\s+precautions|electronically\s+signed|signed\s+by|dictated|scribe|attestation|chart\s+reviewed|"
    r"records?\s+reviewed|(?:video|audio|telephone|telehealth|virtual)\s+(?:visit|encounter)|"
    r"located\s+at\s+(?:home|work)|patient\s+location|provider\s+location|identity\s+(?:was\s+)?verified|"
    r"seen\s+(?:and\s+examined|today)|"
    # a drug put on the chart's allergy list ("added to allergy/intolerance list"): the record, no reaction
    r"(?:added|adding|add)\s+to\s+(?:the\s+|her\s+|his\s+)?(?:allerg(?:y|ies)(?:\s*/\s*\w+)?)\s+list|"
    r"accompanied\s+by\s+(?:his\s+|her\s+|their\s+|the\s+)?(?:mother|father|mom|dad|parents?|wife|husband|"
    r"daughter|son|family|spouse|caregiver|partner|friend)|\w+\s+following\s*$|"
    r"referral(?:\s+(?:to|placed|sent))?\s*$|"
    r"(?:yearly|annually|annual|every\s+\d+\s+(?:weeks?|months?|years?))\s*$|history\s+(?:obtained|provided)\s+by|level\s+of\s+service|billing)\b",
    re.IGNORECASE,
)
_VITAL_NAMES = (
    r"bp|blood\s+pressure|hr|heart\s+rate|pulse|p|rr|resp(?:irations|iratory\s+rate)?|t|temp(?:erature)?|"
    r"spo2|sao2|o2\s+sat(?:uration)?|sat(?:uration)?s?|pulse\s+ox(?:imetry)?|weight|wt|height|ht|"
    r"a1c|hba1c|hemoglobin\s+a1c|ldl|hdl|tg|triglycerides|cholesterol|cr|creatinine|egfr|gfr|bun|k|na|"
    r"potassium|sodium|glucose|fasting\s+glucose|bg|(?:blood\s+)?sugars?|wbc|hgb|hb|hemoglobin|hct|plt|platelets|tsh|free\s+t4|"
    r"psa|inr|ua|urinalysis|lmp|ef|ejection\s+fraction|vitals?|pain\s+score|"
    # a prenatal visit's measurements: fetal heart tones or rate, fundal height, cervical length
    r"fht|fhr|fetal\s+heart\s+(?:tones?|rate)|fh|fundal\s+height|cervical\s+length|"
    # a lab's value is no diagnosis ("Vitamin D 32", "Ca 11.2, PTH 98"); "vitamin D deficiency" is
    # ("MG" and "CA" alone are also myasthenia gravis and cancer: only the words)
    r"(?:25-?oh\s+)?vit(?:amin)?\.?\s*d(?:3|\s+level)?|(?:vitamin\s+)?b\s?12|ferritin|folate|pth|calcium|"
    r"iron(?:\s+(?:studies|panel|levels?|sat\w*))?|tibc|cbc|cmp|bmp|lipids|lipid\s+panel|tfts?|"
    r"thyroid\s+(?:function\s+)?(?:tests?|panel|labs)|"
    r"magnesium|phos(?:phorus)?|alt|ast|lipase|troponin|bnp|crp|esr|"
    # screening scores: a coder codes the clinician's diagnosis, never an instrument's number
    r"phq-?[29a]|gad-?7|epds|moca|mmse|slums|audit(?:-c)?|pcl-?5"
)
# "BP 128/76", "A1c 9.2", "blood pressure" alone in a vitals line, "Vitals: stable". BMI is left out on
# purpose: "BMI 32.4" is coded (Z68.-) beside obesity.
_VITAL_RE = re.compile(
    rf"^\s*(?:{_VITAL_NAMES})\b\s*(?:(?:is|was|were|are|of|at|=|:|~)\s*)?(?:[<>≤≥]?\s*\d|(?:all\s+)?(?:normal|"
    r"nl|wnl|within|unremarkable|negative|neg|ok)\b|stable|pending|ordered|today|reviewed|$)",
    re.IGNORECASE,
)
# A cardiovascular risk estimate ("10-yr ASCVD 7.9%", "ASCVD risk 12%"): a score, not the disease its letters
# name (I25.10 only where the note says the patient has it).
_RISK_SCORE = re.compile(
    r"^\s*(?:10[- ]?y(?:ea)?rs?\s+)?(?:ascvd|pce|framingham)(?:\s+risk)?(?:\s+score)?\s*"
    r"(?:(?:is|of|=|:|~)\s*)?"
    r"[<>≤≥~]?\s*\d",
    re.IGNORECASE,
)
_DOSE_RE = re.compile(
    r"\b\d+(?:\.\d+)?\s*(?:mg|mcg|µg|g|units?|u|ml|meq|puffs?|tabs?|tablets?|caps?)\b(?!\s*/)|"
    r"\b(?:bid|tid|qid|qhs|qam|qpm|prn|q\d+h)\b|"
    # a dose with its frequency, the unit left unsaid ("atorvastatin 40 daily", "empagliflozin 10 qd")
    r"\b\d+(?:\.\d+)?\s+(?:daily|qd|qod|nightly|weekly)\b|"
    # a form with its frequency, the dose left unsaid ("vit D drops daily", "iron drops qd")
    r"\b(?:drops|gtts|gummies|gummy|chewables?|supplements?)\s+(?:daily|qd|qod|nightly|weekly)\b",
    re.IGNORECASE,
)
# Long-term drug use (Z79.-) and dependence on devices stay readable: "on insulin", "on warfarin".
_LONG_TERM = (
    r"insulin|oxygen|home\s+oxygen|dialysis|hemodialysis|anticoag\w*|warfarin|coumadin|apixaban|eliquis|"
    r"rivaroxaban|xarelto|dabigatran|aspirin|asa|plavix|clopidogrel|steroids?|prednisone|chemo\w*|"
    r"immunosuppress\w*|methotrexate|opioids?|hormone\w*|tamoxifen|letrozole|anastrozole|ventilator"
)
# A treatment after the condition ("prostate adenocarcinoma on androgen deprivation (leuprolide)", "HTN on
# lisinopril"): what the patient takes for it, no word of the condition's code (the Z79 status codes come
# from the note's drug rules).
_DRUG_NAME = (
    r"(?:[a-z]+(?:pril|sartan|olol|dipine|statin|formin|gliptin|gliflozin|glutide|mab|nib|parin|xaban|azole|"
    r"cycline|cillin|mycin|floxacin|prazole|tidine|lukast|terol|sone|olone|thyroxine|prolide|relin|profen|"
    r"pam|lam|zine|oxetine|aline|pramine|triptan|dronate|thiazide|thalidone|semide|tanide|lactone|ilol|alol|"
    r"purinol|tiazem|pamil|onidine|pram|pentin|gabalin|cetam|odone)|statins?|"
    # the drug classes' and drugs' short names ("HTN on HCTZ", "GERD on PPI", "depression on SSRI")
    r"hctz|ppis?|ssris?|snris?|nsaids?|arbs?|ace-?is?|ocps?|"
    # supplements taken for a condition ("osteopenia on calcium/D", "on vitamin D3")
    r"calcium(?:\s*(?:/|and|\+|&)\s*(?:vit(?:amin)?\.?\s*)?d3?)?|vit(?:amin)?\.?\s*d3?)"
)
_TREATMENT_TAIL = re.compile(
    rf"\s+on\s+(?:(?:chronic|long[- ]term|maintenance|daily|home|low[- ]dose|high[- ]dose|"
    rf"(?:high|moderate|low)[- ]intensity)\s+)?"
    rf"(?:{_LONG_TERM}|{_DRUG_NAME}|(?:[a-z-]+\s+)?(?:therapy|treatment|deprivation|regimen|medications?|meds)|"
    r"adt|art|haart|prep|cpap|bipap|hd|pd|o2)\b[^;]*$",
    re.IGNORECASE,
)


# "Dependence on dialysis", "toxicity on lithium": there the treatment is the condition's own word.
_RELIES_ON = re.compile(
    r"\b(?:dependen\w*|reliance|allerg\w*|intoleran\w*|adheren\w*|complian\w*|noncomplian\w*|overdose|"
    r"toxicity|reaction|failure|progression|progressing|relapse|relapsed|recurrence)\s*$",
    re.IGNORECASE,
)


def treatment_tail(text: str) -> int | None:
    """Where a trailing "on <treatment>" starts in ``text`` (None: no such tail)."""
    m = _TREATMENT_TAIL.search(text)
    if m is None or m.start() == 0 or _RELIES_ON.search(text, 0, m.start()):
        return None
    return m.start()


# A neutral status after the condition ("HTN controlled", "asthma well controlled", "GERD improved"): it says
# how the condition is doing, no word of its code. Statuses that choose a code ("poorly controlled",
# "worsening") stay in the query, and so does the type of angina ("angina stable").
_STATUS_TAIL = re.compile(
    r"[\s,]+(?:(?:well|adequately|fairly|reasonably|good|now|currently|clinically)\s+)?"
    r"(?:controlled|stable|improving|improved|unchanged|at\s+goal|doing\s+well|better)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_DIABETES = re.compile(DIABETES_WORDS, re.IGNORECASE)
_STATUS_TAIL_KEEPS = re.compile(
    r"\b(?:poorly|not|suboptimally|sub-optimally|inadequately|badly|less)\s*$", re.IGNORECASE
)
_INDEXED_STATUS = re.compile(r"\b(?:angina|pectoris)\s*$", re.IGNORECASE)  # "Angina, stable": I20.89


# A closing bracket that only measures or files the condition ("Obesity (BMI 30-39.9)", "CKD 3a (eGFR 52)",
# an EHR's "(HCC)" flag or the code itself "(I10)"; a dotless code only where no spine level reads alike,
# "(T12)"): the rules read the measure from the note.
_MEASURE_REMARK = re.compile(
    r"\s*\((?:(?:cms-)?hcc|[a-z]\d[0-9a-z]\.[0-9a-z]{1,4}|[abd-kmnoqruvwxyz]\d\d|(?:bmi|a1c|hba1c|ef|lvef|egfr|gfr|ldl)\b[^()]*)\)\W*$",
    re.IGNORECASE,
)


# A wound's or a lesion's size ("3 cm", "2.5 x 1 cm", "4mm"): the note's measure, no word of an ICD-10-CM
# title (the repair code reads it from the note).
_SIZE = re.compile(r"\s*\b\d+(?:\.\d+)?\s*(?:(?:x|by)\s*\d+(?:\.\d+)?\s*)*(?:cm|mm)\b\.?", re.IGNORECASE)


# A rash's dermatome ("of right T6 dermatome", "in a left L4-L5 distribution"): where the eruption lies, which
# the zoster codes do not classify (the eye's and the ear's have their own words).
_DERMATOME = re.compile(
    r"\s*,?\s*\b(?:of|in|on|along|involving|over)\s+(?:the\s+|a\s+)?(?:(?:right|left|rt|lt|r|l)\s+)?"
    r"[CTLS]\d{1,2}(?:\s*-\s*[CTLS]?\d{1,2})?\s+(?:dermatomes?|dermatomal\s+distribution|distribution)\b",
    re.IGNORECASE,
)


def without_sizes(query: str) -> str:
    """The query without the sizes and the dermatome it states (unchanged where nothing else would be
    left)."""
    rest = _DERMATOME.sub("", _SIZE.sub("", query)).strip()
    return rest if rest else query


# The reaction a drug allergy once caused ("allergic to sulfa drugs which gave her hives", "Allergic to
# penicillin (rash)", "codeine allergy - vomiting"): the allergy's story, coded as the allergy status (Z88.-),
# not a current rash or urticaria.
_ALLERGY_REACTION = re.compile(
    r"\b(?:allerg(?:ic|y|ies)\s+to\s+(?:[\w/-]+\s+){0,3}?[\w/-]+|[\w/-]+\s+allerg(?:y|ies))"
    r"(?=\s*\(|\s+[-–]\s|,?\s+(?:(?:which|that|it|they)\s+)?(?:gave|caused|produced)\b)",
    re.IGNORECASE,
)


def allergy_reaction_tail(text: str) -> int | None:
    """Where the past reaction told after a drug allergy starts in ``text`` (None: no such tail)."""
    m = _ALLERGY_REACTION.search(text)
    return m.end() if m is not None and m.end() < len(text.rstrip(" .")) else None


def searched_length(text: str) -> int:
    """How much of a condition chunk is searched: without a trailing treatment ("on lisinopril"), a
    neutral status ("well controlled"), a measuring bracket ("(BMI 30-39.9)"), the mechanism told after an
    injury ("strain after lifting a box") or the past reaction told after an allergy ("(hives)")."""
    end = treatment_tail(text) or mechanism_tail(text) or allergy_reaction_tail(text) or len(text)
    remark = _MEASURE_REMARK.search(text, 0, end)
    if remark is not None and remark.start() > 0:
        end = remark.start()
    m = _STATUS_TAIL.search(text, 0, end)
    if m is None or m.start() == 0:
        return end
    if _INDEXED_STATUS.search(text, 0, m.start()):
        return end
    denied = _STATUS_TAIL_KEEPS.search(text, 0, m.start())
    if denied is None:
        return m.start()
    if _DIABETES.search(text, 0, denied.start()):
        return end  # "DM2 poorly controlled": the Index codes it (with hyperglycemia)
    return len(text[: denied.start()].rstrip(" ,")) or end


_MED_LEAD = re.compile(
    rf"^\s*(?:on|taking|takes|uses|using)\s+(?!(?:{_LONG_TERM}|the|a|an|day|days|admission|arrival|exam\w*|"
    r"physical|follow\w*|presentation|\d+)\b)",
    re.IGNORECASE,
)
# A drug given by its route ("IM B12 monthly", "SQ enoxaparin", "PO vanc x10d"): the treatment, not the
# condition its name recalls ("IV" is left out: it is also a stage).
_ROUTE_LEAD = re.compile(r"^\s*(?:im|sq|sc|subq|subcut|po|sl)\s+(?=[a-z0-9])", re.IGNORECASE)
# Status words after a problem: they qualify it (the qualifier reader reads "controlled") and code nothing.
_STATUS_RE = re.compile(
    r"^\s*(?:(?:well|poorly|adequately|fairly|not\s+well|sub-?optimally|now|currently|reasonably)\s+)?"
    r"(?:controlled|uncontrolled|stable|improving|improved|worsening|worse|better|unchanged|at\s+goal|"
    r"not\s+at\s+goal|resolving|compensated|doing\s+well)"
    r"(?:\s*[.!]?\s*$|\s+(?:on|off|with\s+(?:current|meds|medications?|treatment)|since|today|overall|at\s+this\s+time|"
    r"per|for\s+now|currently|recently)\b)",
    re.IGNORECASE,
)
# A treatment named by its kind only ("s/p treatment", "status post surgery"), or its outcome ("SVR"): the
# status of the condition before it, which that condition's own mention codes (a history, a status code).
_TREATMENT_ONLY_RE = re.compile(
    r"^\s*(?:(?:s/p|status\s+post|post|after)\s+(?:(?:successful|completed?|curative|antiviral|medical|"
    r"surgical)\s+)?(?:treatment|therapy|surgery|procedure|intervention|repair|operation|tx|rx)|"
    r"SVR|sustained\s+virologic(?:al)?\s+response|"
    # a count of injections or sessions given ("s/p 8 intravitreal inj"); chemotherapy cycles and radiation
    # fractions leave a history code of their own (Z92.21, Z92.3)
    r"(?:s/p|status\s+post|post|after)\s+\d{1,3}\s+(?:[\w-]+\s+){0,2}(?:inj\w*|injections?|sessions?|"
    r"treatments?|doses?)\b[^.;]*)\s*[.!]?\s*$",
    re.IGNORECASE,
)
# A vaccine given is a service (Z23 and the administration codes), not a diagnosis ("varicella given today").
_VACCINE_GIVEN = re.compile(
    r"\b(?:dtap|tdap|td|ipv|mmr|mmrv|varicella|hep(?:atitis)?\s*[ab]|hib|pcv\d*|pneumococcal|ppsv\d*|rotavirus|"
    r"hpv|influenza|flu|covid(?:-19)?|zoster|shingrix|rsv|menacwy|mening\w*|prevnar|vaccines?|vax|vaccinations?|"
    # the disease a vaccine is named for ("Tetanus up to date", "tetanus status current")
    r"tetanus|pertussis|diphtheria|polio|measles|rabies|"
    r"immuni[sz]ations?|shots?|boosters?)\b[^.;]*\b(?:given|administered|received|updated|due|today|up\s+to\s+date|utd|"
    r"doses?|series)\b|"  # "MMR/varicella: 2 doses each documented": the vaccine record
    r"\b(?:given|administered|received)\b[^.;]*\b(?:vaccines?|vax|dtap|tdap|mmr|varicella|influenza|flu\s+shot|booster)\b|"
    # a vaccination status ("dog UTD on rabies vax", "up to date with her HPV vaccines"): not the disease
    r"\b(?:utd|up\s+to\s+date|current)\s+(?:on|with)\b[^.;]*\b(?:vaccines?|vax|vaccinations?|immuni[sz]ations?|shots?)\b",
    re.IGNORECASE,
)
# Names that only ever mean a vaccine.
_VACCINE_ONLY = re.compile(
    r"^(?:(?:dtap|tdap|ipv|mmrv?|hib|pcv\d*|ppsv\d*|menacwy|menb|prevnar\s*\d*|shingrix|gardasil|hep\s*[ab]\s+vaccine|"
    r"flu\s+shot|flu\s+vaccine)[\s,/&+]*(?:and\s+)?)+(?:\s*#?\d)?$|"
    r"^(?:hpv|hep(?:atitis)?\s*[ab]|covid(?:-19)?|influenza|flu|varicella|zoster|pneumococcal|rsv)\s*"
    r"(?:#|dose\s*)\d$",  # a dose number: the vaccine, not the infection ("HPV #1")
    re.IGNORECASE,
)
# "<disease> vaccine" names the vaccine, whatever its remark ("hepatitis B vaccine (dialysis formulation",
# "pneumococcal conjugate vaccine #2"); a reaction to or after one is read on.
_NAMED_VACCINE = re.compile(
    r"^(?!.*\b(?:reactions?|allerg\w*|after|following|from|to|despite)\b)(?:[a-z/]{1,12}:\s*)?(?:[\w/-]+\s+){1,3}vaccines?"
    r"(?:\s*#?\s*\d)?(?:\s*\([^)]*\)?)?$",
    re.IGNORECASE,
)
# What is prescribed or dispensed is a drug or a vaccine, never the disease its name recalls ("oral typhoid
# prescribed": the vaccine; "nitrofurantoin sent to pharmacy").
_PRESCRIBED_RE = re.compile(
    r"\b(?:prescribed|rx'?d|dispensed|sent\s+to\s+(?:the\s+)?pharmacy|e-?prescribed)\s*$", re.IGNORECASE
)
# A diagnosis word, or a word ending in a diagnostic suffix ("arthritis", "stenosis", "anemia", "neuropathy").
_DIAGNOSTIC_WORDS = re.compile(
    rf"\b\w+(?:{DIAGNOSTIC_SUFFIXES})\b|"
    r"\b(?:cancer|carcinoma|fracture|infection|disease|disorder|syndrome|"
    r"failure|deficiency|injury|pain|ulcer|obesity|overweight)\b",
    re.IGNORECASE,
)


# Tests named as such ("Urine cx", "CXR", "BMP in 1 week", "colonoscopy due 2027"): orders and results
# headings, not diagnoses. An abnormal result ("elevated LFTs", "abnormal EKG") or a finding on a test
# ("CSA on PSG") is a finding the provider assessed, coded from chapter 18 or the condition.
_TEST_RE = re.compile(
    r"^(?:(?!(?:elevated|abnormal|high|low|raised|increased|decreased|positive|failed|on|per|by)\b)[\w/-]+\s+){0,3}"
    r"(?:cx|cultures?|swabs?|panel|x-?rays?|xr|cxr|cta?|mri|mra|ua|labs?|bmp|cmp|cbc|lfts?|"
    r"tfts?|ekg|ecg|echo|ultrasound|dxa|dexa|pfts?|psg|colonoscopy|mammogram|a1c|lipids?|"
    r"ag/ab|ab|ag|antibody|antibodies|antigen|pcr|naat|serolog(?:y|ies)|titers?|viral\s+load|biops(?:y|ies)|bx|egd|"
    r"endoscopy|screen|"  # "DM screen": the test for it
    r"(?<!\bstress\s)tests?|testing)"  # "N95 fit test": a test named as one (the stress test reads below)
    r"(?:\s+(?:pending|sent|ordered|obtained|drawn|done|today|now|negative|normal|unremarkable|due|in\s+\d+\s+\w+|"
    r"scheduled|planned|arranged|requested|booked|repeated|rechecked|redrawn|"
    r"at\s+(?:the\s+)?lab|(?:in|at)\s+(?:the\s+)?(?:office|clinic)|(?:\d{1,2}/)?(?:19|20)\d\d))*"
    # its values after a colon ("Home sleep apnea test 9/2026: AHI 3.1"): numbers, no condition
    r"(?::\s*[a-z0-9]{1,5}\s*[<>=]?\s*\d+(?:\.\d+)?\s*%?)?\s*$",
    re.IGNORECASE,
)
# A cardiac stress test ("f/u cardiology for stress test", "nuclear stress test next week"): the test, never a
# reaction to stress (F43.-); one that found something is read for its finding.
_STRESS_TEST = re.compile(
    r"\b(?:stress|exercise|treadmill|nuclear|pharmacologic\w*|lexiscan|dobutamine)\s+(?:stress\s+)?"
    r"(?:tests?|testing|echo\w*|ecg|ekg|imaging|mpi|perfusion)\b",
    re.IGNORECASE,
)
_TEST_FOUND = re.compile(
    r"\b(?:abnormal|positive|pos|showed|shows|revealed|reveals|with|consistent|equivocal)\b|\+", re.IGNORECASE
)
# A screen named for what it looks for ("GDM screen (1 hr GTT) today", "lead screen ordered"): the test, not
# the condition; a screen said to be failed or positive is a finding and stays. ("Prostate ca screening" is
# the encounter's reason, which the search reads as Z12-/Z13-.)
# An ultrasound ordered, written "US" in capitals ("AAA US ordered (never had one)"): the test, not the
# condition it looks for. A bare "Thyroid US:" heads its findings and stays a mention.
_US_ORDERED = re.compile(
    r"^(?:[\w/-]+\s+){0,2}(?-i:US)\s+(?:ordered|pending|scheduled|planned|requested|due)\b(?:\s*\([^()]*\))?\W*$",
    re.IGNORECASE,
)
_SCREEN_RE = re.compile(
    r"^(?:(?!(?:elevated|abnormal|abnl|high|raised|positive|failed|pos)\b)[\w/-]+\s+){1,4}screen"
    r"(?:\s*\([^)]*\))?(?:\s+(?:pending|sent|ordered|obtained|drawn|done|today|now|negative|neg|normal|"
    r"nonreactive|non-reactive|due|scheduled|planned|completed))*\W*$",
    re.IGNORECASE,
)
# Tests named and ordered, joined by "+", "/" or "&" ("HIV + RPR drawn", "GC/CT sent"): what is tested for is
# not diagnosed ("HIV +" is not a positive result when a verb of ordering ends the chunk).
_ORDERED_TESTS_RE = re.compile(
    r"^(?=[^+/&]*[\w)]\s*[+/&]\s*\w)(?:[\w/+&-]+\s+){1,4}(?:drawn|sent|ordered|pending|collected)(?:\s+(?:today|now))?\W*$",
    re.IGNORECASE,
)
# Prevention of a condition is not the condition ("malaria prophylaxis", "fall precautions", "HIV PrEP").
_PREVENTION_RE = re.compile(
    r"\b(?:prophylaxis|prophylactic|ppx|precautions|(?-i:PrEP|PEP))\b|"
    # what a plan prevents ("aspirin for preeclampsia prevention"), not a device placed for prevention
    # ("primary prevention ICD 2022")
    r"\bprevention\W*$|"
    # what a treatment is said to lower, at the start of the chunk or in its closing parenthesis ("estrogen
    # cream (also lowers UTI recurrence)", "reduces risk of stroke")
    r"(?:^|\()(?:also\s+)?(?:to\s+(?:lower|reduce|decrease|prevent)|lowers|lowering|reduces|decreases|"
    r"decreasing|prevents|preventing)\s+[^()]*\)?\W*$",
    re.IGNORECASE,
)
# The first of conditions joined before one "precautions" ("Preterm labor and preeclampsia precautions
# given", "seizure/fall precautions"): the precautions are for each of them, none is present.
_SHARED_PRECAUTIONS = re.compile(
    r"\s*(?:,\s*)?(?:(?:and|or|&)\s+|/\s*)(?:[\w'-]+\s+){0,2}?[\w'-]+\s+precautions\b", re.IGNORECASE
)


def precautions_shared(after: str) -> bool:
    """Does the text after a chunk join it to a following "... precautions"?"""
    return _SHARED_PRECAUTIONS.match(after) is not None


# A risk named or counseled ("rabies risk", "risk of DVT") is not the condition itself; a pregnancy or patient
# called high-risk is left to be read ("high risk pregnancy", "increased risk"), and so is a risk the Index
# lists under "At risk, for" (falling Z91.81, dental caries, social isolation, loneliness).
_RISK_RE = re.compile(
    r"^(?!(?:high|higher|low|lower|increased|elevated|moderate|average)\b)"
    r"(?!.*\b(?:falls?|falling|(?:dental\s+)?caries|social\s+isolation|loneliness)\b)"
    r"(?:(?:[\w/'-]+\s+){1,3}risks?|(?:at\s+)?risks?\s+(?:of|for)\s+(?:[\w/'-]+\s*){1,4})$",
    re.IGNORECASE,
)
# A risk the note rates low ("low fall risk", "fall risk low", "risk minimal"): nothing to code.
_LOW_RISK_RE = re.compile(
    r"^(?:[\w/'-]+\s+){0,2}(?:low|minimal)\s+(?:[\w/'-]+\s+){0,2}risk\b|"
    r"\brisks?\s*(?:is\s+|[:-]\s*)?(?:low|minimal|not\s+increased)\W*$",
    re.IGNORECASE,
)
# A low pre-test probability stated by a score or a judgement ("Wells low for PE", "low suspicion for
# appendicitis", "low risk for ACS"): the condition is not diagnosed.
_LOW_PROBABILITY_RE = re.compile(
    r"^(?:[\w/'-]+\s+){0,2}low\s+(?:(?:pre-?test|clinical)\s+)?(?:(?:probability|risk|suspicion|likelihood)\s+)?"
    r"(?:for|of)\s+",
    re.IGNORECASE,
)
# Immunity found on a titer, or its absence, is no disease ("rubella immune", "hep B immune", "varicella
# immunity confirmed", "HBV nonimmune"); nor is the titer that measures it ("varicella IgG +", "HBsAb <10").
_IMMUNE_RE = re.compile(
    r"^(?:[\w/-]+\s+){1,3}(?:immune|immunity|non-?immune|not\s+immune)"
    r"(?:\s+\(?(?:confirmed|documented|by\s+titers?|per\s+titers?)\)?)?$|"
    r"^immune\s+to\s+[\w\s/-]+$|"
    r"^(?:(?:varicella|vzv|measles|rubeola|mumps|rubella|mmr|hep(?:atitis)?\s*[ab]|hav|hbv)\s+(?:igg|titers?)|"
    r"hbsab|anti-?hbs|hep(?:atitis)?\s*b\s+surface\s+(?:antibody|ab))"
    r"\s*(?:\+|positive|pos|negative|neg|[<>]?\s*\d+(?:\.\d+)?)(?:\s*\((?:non-?|not\s+)?immune\))?$",
    re.IGNORECASE,
)
# An ECG reading of the ST segment ("diffuse ST depression", "ST elevation in II, III, aVF"): a finding of the
# tracing, never a depressive disorder; it belongs to the cardiac diagnosis the note makes.
_ST_SEGMENT_RE = re.compile(
    r"^(?:[\w/-]+\s+){0,2}(?-i:ST)[- ]?(?:segment\s+)?(?:depressions?|elevations?|changes?|abnormalit\w+)\b",
    re.IGNORECASE,
)
# The heart rhythm named as a finding ("in sinus today", "in NSR today", "ECG: NSR"): not sinusitis.
_RHYTHM_RE = re.compile(
    r"^(?:(?:ecg|ekg)\s*:?\s*)?(?:(?:now|back|remains|is|currently)\s+)?(?:in\s+)?(?:nsr|(?:normal\s+)?sinus(?:\s+rhythm)?)"
    r"(?:\s+(?:today|now|on\s+(?:ekg|ecg|exam|monitor|telemetry)))?$",
    re.IGNORECASE,
)
# A sentence that only orders or reports screening tests ("HIV and syphilis screening drawn", "GC/chlamydia
# testing sent"): what is screened for is no diagnosis of this encounter (the Z11-/Z12- rules code the
# screening).
_SCREENING_TAIL = re.compile(
    r"\b(?:screening|screen|tests?|testing|serolog\w*|titers?)\s+"
    r"(?:drawn|ordered|sent|obtained|collected|done|pending|today|negative|normal|nonreactive|non-reactive)"
    r"(?:\s+(?:today|now))?\W*$|"
    # the screen's result as a value ("anemia screen Hgb 10.8", "lead screen: 2"): what the physician
    # concludes from it is written apart
    r"\b(?:screening|screen)\s*[:-]?\s*(?:[a-z][a-z0-9]*\s*[:=]?\s*)?[<>]?\d+(?:\.\d+)?\s*(?:[a-z/%]+)?\W*$",
    re.IGNORECASE,
)


# A bare disease name in a list of vaccines given ("MMR, varicella, Hep A #1 given today"): the vaccine.
_VACCINE_NAME = re.compile(
    # a combined or paired vaccine written with a slash ("MMR/varicella", "Tdap/flu")
    r"^(?:(?:mmrv?|tdap|dtap|td|ipv|hib|hpv|hep(?:atitis)?\s*[ab]|influenza|flu|varicella|covid(?:-19)?)\s*/\s*)*"
    r"(?:hpv|hep(?:atitis)?\s*[ab]|covid(?:-19)?|influenza|flu|varicella|zoster|pneumococcal|rsv|rotavirus|"
    r"polio|measles|mumps|rubella|meningococcal|typhoid|rabies|yellow\s+fever|japanese\s+encephalitis)"
    # the vaccine's antigen, form or route, bracketed or not, and the word that it was given: "Typhoid
    # (injectable)", "Typhoid (oral)", "Flu (high-dose)", "typhoid Vi IM given"
    r"(?:\s*\(?(?:vi|ty21a|injectable|inj|oral|po|im|sq|sc|intranasal|live|inactivated|high[- ]dose|"
    r"adjuvanted|polysaccharide|conjugate)\)?)*"
    r"(?:\s*#?\s*\d)?(?:\s+(?:given|administered|today))*$",
    re.IGNORECASE,
)
_VACCINE_WORDS = re.compile(
    r"\b(?:vaccines?|vaccinations?|immuni[sz]ations?|vis|dtap|tdap|ipv|mmrv?|hib|pcv\d*|ppsv\d*|menacwy|"
    r"menb|prevnar|shingrix|gardasil)\b",
    re.IGNORECASE,
)


# A line labelled with the vaccines ("Vaccines: MMR, varicella, Hep A"): its items are vaccines, not diseases.
VACCINE_LABEL = re.compile(
    r"^\s*(?:vaccines?|vaccinations?|immuni[sz]ations?|shots|vax)(?:\s+(?:given|today|administered))?\s*:",
    re.IGNORECASE,
)


def vaccine_in_list_given(chunk: str, sentence: str) -> bool:
    """Is ``chunk`` a bare disease name listed among vaccines given in ``sentence``?"""
    return _VACCINE_NAME.match(chunk.strip(" \t-*#•>")) is not None and (
        (_VACCINE_GIVEN.search(sentence) is not None and _VACCINE_WORDS.search(sentence) is not None)
        or VACCINE_LABEL.match(sentence) is not None
    )


_IMMUNITY_WORD = re.compile(r"\b(?:non-?)?immun(?:e|ity)\b", re.IGNORECASE)


def immunity_in_list(chunk: str, sentence: str) -> bool:
    """Is ``chunk`` a bare vaccine-preventable disease named in a sentence about immunity ("Rubella and
    varicella immune")? The patient's immunity is no infection (I.C.21.c.5)."""
    return _VACCINE_NAME.match(chunk.strip(" \t-*#•>")) is not None and bool(_IMMUNITY_WORD.search(sentence))


# An EHR order line with its status after a semicolon ("Glucose tolerance, 1 hour; Future", "CBC; Standing"):
# the test ordered, not a finding.
_ORDER_STATUS = re.compile(r";\s*(?:future|standing)\b", re.IGNORECASE)


def ehr_order(sentence: str) -> bool:
    """Is the sentence an order the EHR lists with its status (a few words, then "; Future")?"""
    status = _ORDER_STATUS.search(sentence)
    return status is not None and len(re.findall(r"[\w/-]+", sentence[: status.start()])) <= 8


def screening_sentence(sentence: str) -> bool:
    """Does the sentence only order or report screening tests (every condition in it is what is screened)?"""
    text = sentence.strip()
    tail = _SCREENING_TAIL.search(text)
    if tail is None:
        return False
    head = text[: tail.start()]
    return 1 <= len(re.findall(r"[\w/-]+", head)) <= 6 and re.search(r"[.;:()]", head) is None


_CLINIC_RE = re.compile(r"^(?:[\w/&-]+\s+){0,2}(?:clinic|service|dept|department)$", re.IGNORECASE)
# A care team or program named after the condition it treats ("CBT-E with the eating disorder team",
# "referral to the heart failure clinic"): where care happens, not a diagnosis.
_CARE_TEAM_RE = re.compile(
    r"^(?:(?:[\w/&'-]+\s+){0,3}(?:with|to|by|via|from|in)\s+(?:the\s+|an?\s+|our\s+)?)?(?:[\w/&'-]+\s+){0,3}"
    r"(?:team|clinic|program|programme)$",
    re.IGNORECASE,
)
# A note's heading that names the specialty and the visit ("Addiction psychiatry f/u", "Heme/Onc visit",
# "Cardiology consult"): a specialty is no diagnosis.
_SPECIALTIES = (
    r"psychiatry|cardiology|oncology|heme/onc|hematology|nephrology|endocrinology|endocrine|pulmonology|"
    r"pulmonary|rheumatology|neurology|dermatology|gastroenterology|\bgi\b|orthopedics|orthopaedics|ortho|"
    r"urology|gynecology|obstetrics|ob/gyn|obgyn|pediatrics|peds|infectious\s+diseases?|\bid\b|"
    r"sports\s+medicine|primary\s+care|internal\s+medicine|family\s+medicine|geriatrics|survivorship|"
    r"addiction(?=\s+(?:medicine|psychiatry))|addiction\s+medicine|allergy(?:\s*(?:/|&|and)\s*immunology)?|immunology|"
    r"sleep\s+medicine|pain\s+(?:management|medicine)|physical\s+medicine(?:\s+(?:and|&)\s+rehabilitation)?|pm&r|"
    r"podiatry|ophthalmology|otolaryngology|hepatology|neurosurgery|general\s+surgery|vascular\s+surgery"
)
# A specialty's shorthand heading a problem line ("Rheum: RA on MTX", "Cards: AFib on Eliquis").
_SPECIALTY_SHORT = (
    r"rheum|derm|cards|cardio|pulm|neuro|psych|renal|nephro|endo|gi|gu|id|onc|heme|heme/onc|hem/onc|uro|ob|gyn|"
    r"ob/gyn|ent|ophtho|optho|ortho|msk|vascular|hepatology|hepato|allergy|immunology|geri|sleep|pain"
)
_SPECIALTY_LABEL_RE = re.compile(rf"(?:{_SPECIALTIES}|{_SPECIALTY_SHORT})", re.IGNORECASE)
# "Outpt addiction/psych f/u": the setting, the service and a specialty's shorthand joined by "/".
_SPECIALTY_VISIT_RE = re.compile(
    r"^(?:(?:outpt|inpt|outpatient|inpatient)\s+)?(?:(?:addiction|general|adult|pediatric)(?:\s+|\s*/\s*))?"
    rf"(?:{_SPECIALTIES}|(?<=/)(?:{_SPECIALTY_SHORT}))(?:\s+(?:{_SPECIALTIES}))?"
    r"(?:\s+(?:f/u|fu|follow[- ]?up|visit|consult(?:ation)?|clinic|note|new\s+patient|post-?op\s+visit|"
    r"intake|evaluation|eval))*$",
    re.IGNORECASE,
)
_LABEL_WORDS = (
    "other course hospital course blood labs lab procedure procedures imaging results findings studies "
    "disposition condition allergies medications meds vitals exam plan dx diagnoses diagnosis impression "
    "assessment history pmh psh sh fh ros data dictated dictation transcribed"
)
_LABELS = frozenset(_LABEL_WORDS.split())
_CONTINUE_DELIMITER = re.compile(r"^\s*(?:,|,?\s*and|,?\s*\+|/)\s*$", re.IGNORECASE)


# A mental status exam's mood and affect ("Mood 'anxious'", "affect mildly dysthymic", "depressed mood"): what
# the examiner observed, not a diagnosis (the reader asks only of chunks in an exam section).
_MENTAL_STATUS = re.compile(
    r"^(?:[\w/]+\s*:\s*)?(?:(?:mood|affect)\b\s*(?::|-|is|was)?\s*(?:[\w'\"/,-]+\s*){0,5}|"
    r"(?:[\w'\"/-]+\s+){1,3}(?:mood|affect))$",
    re.IGNORECASE,
)


def mental_status_descriptor(chunk: str) -> bool:
    """A mood or affect as a mental status exam describes it."""
    return _MENTAL_STATUS.match(chunk.strip(" \t-*#•>.")) is not None


def is_specialty_label(chunk: str) -> bool:
    """A specialty's name or shorthand alone, as a problem line's heading ("Rheum", "Cards", "GI")."""
    return _SPECIALTY_LABEL_RE.fullmatch(chunk.strip(" \t-*#•>")) is not None


def is_label(chunk: str) -> bool:
    """A heading word before a colon ("Other:", "Course:", "Labs:")."""
    return chunk.strip().lower() in _LABELS


def continues_plan(previous: str | None, delimiter: str, chunk: str) -> str | None:
    """ "Continue carvedilol, spironolactone": a short item listed after a plan, medication or exam-finding
    chunk (joined by a comma or "and") belongs to the same plan or finding, unless it names a diagnosis."""
    if previous not in ("plan", "medication", "exam finding") or not _CONTINUE_DELIMITER.match(delimiter):
        return None
    if len(chunk.split()) > 3 or _DIAGNOSTIC_WORDS.search(chunk) or expand_text(chunk) != chunk:
        return None  # a diagnosis word or a clinical abbreviation ("DM2") starts a new problem
    return previous


# A problem line's plan after its dash, named by its goal alone ("Fatty liver - weight loss", "Prediabetes -
# diet and exercise"): the plan, not a symptom (R63.4 is an abnormal loss the patient has).
_DASH = re.compile(r"^\s*[-\u2013\u2014]+\s*$")
_LIFESTYLE_PLAN = re.compile(
    r"^(?:diet|exercise|weight\s+loss|wt\s+loss|lifestyle(?:\s+(?:changes?|modifications?))?|"
    r"low[- ](?:salt|sodium|fat|carb(?:ohydrate)?)\s+diet)"
    r"(?:\s*(?:,|and|&|\+)\s*(?:diet|exercise|weight\s+loss|wt\s+loss))*\W*$",
    re.IGNORECASE,
)


def plan_after_dash(delimiter: str, chunk: str) -> bool:
    """The chunk after a problem's dash is a lifestyle plan named by its goal."""
    return _DASH.match(delimiter) is not None and _LIFESTYLE_PLAN.match(chunk.strip()) is not None


# Drinking told as a habit within low-risk amounts ("Alcohol use: 2 beers/week", "EtOH: socially"): social
# history, no alcohol use code (I.C.5.b.3: a use code needs the provider's documented, reportable use).
_DRINK_LABEL = re.compile(
    r"^(?:alcohol|etoh|ethanol)(?:\s+(?:use|intake|consumption))?$|^drinks?$", re.IGNORECASE
)
_LIGHT_DRINKING = re.compile(
    # the label may open the same chunk ("EtOH 2 beers/wk", "drinks 1-2 glasses of wine a week")
    r"^\s*(?:(?:alcohol|etoh|ethanol)(?:\s+(?:use|intake|consumption))?\s*[:-]?\s+|drinks\s+)?"
    r"(?:(?:only\s+)?(?:socially|social|occasional(?:ly)?|rare(?:ly)?|seldom|special\s+occasions)|"
    r"(?:\d+(?:\s*-\s*\d+)?|one|two|three|a\s+few|few)\s+(?:beers?|drinks?|glass(?:es)?(?:\s+of\s+wine)?|"
    r"servings?|cans?)\s*(?:/|per|a|each|every)\s*(?:week|wk|month|mo|weekend))\b"
    r"(?![^.;\n]*\b(?:abuse|dependen\w*|disorder|misuse|heavy|binge\w*|excess\w*|withdrawal|daily|a\s+day|/day|per\s+day))",
    re.IGNORECASE,
)


_LABEL_VALUE = re.compile(r"^(?P<label>[^:,]+?)\s*(?::|,|\s[-\u2013\u2014]+)\s*(?P<value>.+)$")


def light_drinking(label: str, after: str) -> bool:
    """A drinking label whose value is a low-risk habit ("Alcohol use, 2-3 drinks/wk"), or that value itself
    ("2 beers/week")."""
    said = _LABEL_VALUE.match(label.strip())
    if said is not None and _DRINK_LABEL.match(said["label"]):
        label, after = said["label"], " " + said["value"] + after
    if _DRINK_LABEL.match(label.strip()):
        return _LIGHT_DRINKING.match(after.lstrip(" :,-\u2013\u2014")) is not None
    return _LIGHT_DRINKING.match(label) is not None and len(label.split()) <= 5


_TOPIC_LEAD = re.compile(r"\b(?:re|about|regarding|on|of)\s*:", re.IGNORECASE)


def opens_topic(previous: str | None, previous_text: str, delimiter: str) -> bool:
    """ "Pt counseled re: skin infections (ringworm, herpes)": after a plan that names its subject before a
    colon, the rest of the sentence is what was taught or discussed, no condition the patient has."""
    return previous == "plan" and _TOPIC_LEAD.search(previous_text + delimiter) is not None


# The patient's age and sex alone ("74 y/o man", "54F", "a 45-year-old woman"): coded from the claim, never
# from the note's words.
AGE = r"\d{1,3}[- ]?(?:years?|yrs?|y)[- ]?old|\d{1,3}\s?(?:yo|y/o|y\.o\.)"
WHO = r"male|female|man|woman|boy|girl|gentleman|lady|patient|pt"
_DEMOGRAPHICS = re.compile(rf"^(?:an?\s+)?(?:{AGE}|\d{{1,3}}\s?[MF])(?:\s+(?:{WHO}|[MF]))?$", re.IGNORECASE)


# "NED", "no evidence of disease / recurrence" after a treated cancer: a status the history codes carry.
_NO_EVIDENCE_RE = re.compile(
    r"^(?:ned|no\s+evidence\s+of\s+(?:recurrent\s+|residual\s+|active\s+)?(?:disease|recurrence))$",
    re.IGNORECASE,
)


# "Hypothyroidism on levothyroxine 75 mcg", "HTN on lisinopril 10 mg": a condition, then the drug it is on.
_ON_DRUG = re.compile(r"^(?P<head>[A-Za-z][^,;:()]*?)\s+on\s+[A-Za-z]", re.IGNORECASE)
_A_DRUG = re.compile(rf"^(?:{_DRUG_NAME}|{_LONG_TERM})$", re.IGNORECASE)
_NOT_A_CONDITION = re.compile(
    r"^(?:pt|patient|he|she|they|currently|still|remains?|continues?|stays?|kept|maintained|was|is|now|"
    r"doing\s+well|tolerating\s+well)$",
    re.IGNORECASE,
)


def _condition_on_drug(text: str) -> bool:
    """The chunk names something (not a drug, not a dose) and then the drug it is on."""
    m = _ON_DRUG.match(text)
    if m is None or _MED_LEAD.match(text):
        return False
    head = m["head"].strip()
    return _DOSE_RE.search(head) is None and not (_A_DRUG.match(head) or _NOT_A_CONDITION.match(head))


# A delivery the patient had ("s/p SVD", "after an uncomplicated vaginal delivery"): no status code exists for
# it; the postpartum visit (Z39.-) or the next pregnancy's own codes say what it means now.
_DELIVERED = re.compile(
    r"^(?:s/p|status\s+post|post|after|following)\s+(?:(?:an?|uncomplicated|normal|spontaneous|term)\s+)*"
    r"(?:n?svd|vaginal\s+delivery|delivery|vbac)\b(?!\s+(?:of|with|complicated|by))",
    re.IGNORECASE,
)


# "Drinking only a few sips", "eating and drinking well", "drank less fluid": how much a patient drinks is
# intake (a child's hydration), not alcohol; "drinks 2 beers" names no fluid and stays a mention, and so does
# a chunk that starts with a condition ("dehydration, drinking only sips").
_INTAKE = re.compile(
    r"^(?:(?:is|was|and|but|not|eating|eats|ate)\s+)*(?:drink(?:s|ing)?|drank)\s+(?:(?:only|just|a|few|some|small|little|less|more|than|usual|normal|"
    r"her|his|their|of|amounts?)\s+){0,4}(?:sips?|fluids?|liquids?|water|milk|formula|juice|pedialyte|"
    r"broth|bottles?|ounces|oz|ml|well|ok|okay|normally|poorly|fine)\b",
    re.IGNORECASE,
)


# A treatment named alone ("IV fluids", "supplemental O2", "abx"): the plan of the condition before it.
_TREATMENT_ALONE = re.compile(
    r"^(?:(?:start|started|continue|give|gave|received|with)\s+)?"
    r"(?:(?:iv|po|oral|im|supplemental|empiric|broad[- ]spectrum|maintenance|aggressive|gentle)\s+)*"
    r"(?:fluids?|ivf|hydration|rehydration|(?:ns|lr|saline|fluid)\s+bolus(?:es)?|bolus(?:es)?|"
    r"fluid\s+(?:resuscitation|restriction)|antibiotics?|abx|(?<=\s)(?:oxygen|o2)|(?:oxygen|o2)\s+via\s+\w+|"
    r"nebs|nebulizers?|(?:breathing\s+)?treatments|antiemetics?|analgesi(?:a|cs)|supportive\s+care|pain\s+control|"
    r"(?:physical|occupational|speech)\s+therapy|(?:pulmonary|cardiac|vestibular)\s+rehab(?:ilitation)?|"
    # the therapies by their initials ("Recurrent falls - PT/OT", "home PT eval")
    r"(?:home\s+)?(?:pt|ot)(?:\s*[/&+,]\s*(?:pt|ot|st|slp))*(?:\s+(?:eval(?:uation)?|referral|consult))?|"
    r"rice|ice|rest|elevation|compression|heat)"
    # its amount, its fluid, where and when ("IV fluids 1L NS in clinic", "NS bolus 20 ml/kg given")
    r"(?:\s*(?:x\s*\d+|\d+(?:\.\d+)?\s*(?:l|ml|cc)(?:/kg)?|(?:of\s+)?(?:ns|lr|normal\s+saline|d5\w*|"
    r"lactated\s+ringer'?s?)|prn|as\s+needed|given|today|(?:given\s+)?in\s+(?:the\s+)?(?:clinic|office|ed|er)))*"
    r"\s*[.!]?$",
    re.IGNORECASE,
)

_IN_BRACKETS = re.compile(r"\([^()]*\)")
# What belongs to someone else ("partner's IUD", "wife's diabetes"): no condition or status of the patient
# (a blood relative's is family history, read elsewhere).
_OTHERS = r"(?:partner|wife|husband|spouse|boyfriend|girlfriend|fianc[eé]e?|roommate|coworker|co-worker)"
_ANOTHER_PERSONS = re.compile(
    rf"\b{_OTHERS}['’]s\b|"
    # the other person as the subject of a diagnosis ("Husband dx'd w/ influenza A", "wife has COVID"); what
    # the person reports or brings about the patient is the patient's ("wife reports he is confused")
    rf"^(?:(?:his|her|their|the|pt'?s|patient'?s)\s+)?{_OTHERS}\s+(?:has|had|have|with|w/|dx'?d|diagnosed|"
    r"tested\s+positive|tests?\s+positive|is\s+sick|sick\s+with|positive\s+for|recently\s+had)\b|"
    # the source patient of a needlestick or splash ("Source pt known HIV+", "source HCV status unknown"),
    # not an infection's source ("source likely pyelonephritis")
    r"^(?:the\s+)?source(?:\s+(?:pt|patient|person|individual)(?:['’]s)?\s|(?:['’]s)?\s+"
    r"(?=(?:hiv|hcv|hbv|hep(?:atitis)?\s*[bc])\b))",
    re.IGNORECASE,
)
# The biting animal's vaccination ("Rabies: dog vaccinated, observe 10 d"): the animal's status, not the
# patient's disease or immunization.
ANIMAL_VACCINATION = re.compile(
    r"\b(?:dog|dogs|cat|cats|animal|pet|puppy|kitten|bat|raccoon|fox|skunk|horse|ferret)(?:['’]s)?\b"
    r"[^.;]{0,25}?\b(?:vaccinated|immunized|vaccines?|vax|shots?|rabies\s+vaccine)\b",
    re.IGNORECASE,
)


# A structure measured on imaging ("TVUS: endometrial stripe 11 mm", "cervical length 3.2 cm"): a value.
_MEASURED = re.compile(
    r"^(?:[\w/-]+(?:\s+today)?:\s*)?(?:[\w-]+\s+){0,2}(?:stripe|thickness|diameter|length|width|volume)\s*"
    r"(?:of\s+|is\s+|=\s*|:\s*)?\d+(?:\.\d+)?\s*(?:mm|cm|ml|cc)\b\W*$",
    re.IGNORECASE,
)
# A trace or trivial valve leak on an echo ("trace AI", "trivial MR/TR") is physiologic: no valve disease.
_TRACE_LEAK = re.compile(
    r"^(?:trace|trivial|physiologic)\s+(?:(?:mr|tr|ai|ar|pi|pr)\b|(?:mitral|tricuspid|aortic|pulmonic|pulmonary)\s+"
    r"(?:regurgitation|insufficiency))(?:\s*(?:/|and|,)\s*(?:mr|tr|ai|ar|pi|pr)\b)*\W*$",
    re.IGNORECASE,
)

# A scar or an incision that has healed well is how the skin looks after a procedure, not a disease (L90.5
# is for a scar the provider treats or calls abnormal).
_HEALED_SCAR = re.compile(
    r"\bwell[- ]?healed\s+(?:[\w-]+\s+){0,3}?(?:scars?|incisions?)\b|"
    r"\b(?:scars?|incisions?)\s+(?:is\s+|are\s+)?well[- ]?healed\b",
    re.IGNORECASE,
)
_SCAR_TROUBLE = re.compile(
    r"\b(?:keloid\w*|hypertrophic|tender\w*|pain\w*|infect\w*|contracture|dehisc\w*)", re.I
)


# A condition's cause said as an adjective ("chemo-induced", "drug-related"): the reader keeps it with the
# condition before its comma ("Neutropenia, chemo-induced").
CAUSE_ADJECTIVE = (
    r"(?:chemo(?:therapy)?|drug|medication|steroid|opioid|alcohol|radiation)[- ](?:induced|related)"
)
# ... said alone, cut from its condition by a list's numbering ("Febrile neutropenia, chemo-induced 2.
# DLBCL"): it names no condition of its own.
_CAUSE_ONLY = re.compile(rf"^{CAUSE_ADJECTIVE}\W*\d{{0,2}}\W*$", re.IGNORECASE)


def why_not_coded(chunk: str) -> str | None:
    """'plan', 'administrative', 'vitals or labs', 'medication' or 'status' for a chunk that is not a
    diagnosis; None when the chunk may name one."""
    text = chunk.strip(" \t-*#•>")
    if not text:
        return None
    if (
        _STATUS_RE.match(text)
        or _NO_EVIDENCE_RE.match(text)
        or _TREATMENT_ONLY_RE.match(text)
        or _CAUSE_ONLY.match(text)
    ):
        return "status"
    if _DEMOGRAPHICS.match(text):
        return "demographics"
    if (
        _PLAN_RE.match(text)
        or _PLANNED_TRANSPLANT.match(text)
        or _REFUSED.match(text)
        or _TEST_REFUSED.match(text)
        or _TREATMENT_ALONE.match(text)
    ):
        return "plan"
    if _VACCINE_GIVEN.search(text) or _VACCINE_ONLY.match(text) or _NAMED_VACCINE.match(text):
        return "immunization given"
    if _ADMIN_RE.search(text):
        return "administrative"
    if _ANOTHER_PERSONS.search(text) or ANIMAL_VACCINATION.search(text):
        return "another person's"
    if _VITAL_RE.match(text) or _RISK_SCORE.match(text):
        return "vitals or labs"
    if (
        _TEST_RE.match(text)
        or _US_ORDERED.match(text)
        or _SCREEN_RE.match(text)
        or (_STRESS_TEST.search(text) and not _TEST_FOUND.search(text))
        or (_ORDERED_TESTS_RE.match(text) and not _DIAGNOSTIC_WORDS.search(text))
    ):
        return "test"
    if _SERVICE_DUE.match(text) or _SERVICE_LATER.match(text):
        return "plan"
    if _PREVENTION_RE.search(text) or _RISK_RE.match(text):
        return "prevention"
    if _LOW_PROBABILITY_RE.match(text) or _LOW_RISK_RE.search(text):
        return "low probability"
    if _IMMUNE_RE.match(text):
        return "immunity status"
    if _RHYTHM_RE.match(text) or _ST_SEGMENT_RE.match(text):
        return "vitals or labs"
    if _TRACE_LEAK.match(text) or (_HEALED_SCAR.search(text) and not _SCAR_TROUBLE.search(text)):
        return "normal finding"
    if _MEASURED.match(text):
        return "vitals or labs"
    if _DELIVERED.match(text):
        return "delivery"
    if _INTAKE.match(text) and not _DIAGNOSTIC_WORDS.search(text):
        return "intake"
    if _CLINIC_RE.match(text) or _SPECIALTY_VISIT_RE.match(text) or _CARE_TEAM_RE.match(text):
        return "administrative"
    condition_first = _condition_on_drug(text)
    # a dose in brackets after a condition of a few words is its treatment ("POAG OU severe stage (latanoprost
    # qhs)"), not the chunk's subject
    unbracketed = _IN_BRACKETS.sub(" ", text).strip()
    if len(unbracketed.split()) < 3:
        unbracketed = text
    dose_only = (
        _DOSE_RE.search(unbracketed)
        and len(text.split()) <= 6
        and not _DIAGNOSTIC_WORDS.search(text)
        and not condition_first
    )
    prescribed = (
        _PRESCRIBED_RE.search(text)
        and len(text.split()) <= 4
        and not _DIAGNOSTIC_WORDS.search(text)
        and not condition_first
    )
    if _MED_LEAD.match(text) or dose_only or prescribed or _A_DRUG.match(text) or _A_DRUG.match(unbracketed):
        return "medication"
    if _ROUTE_LEAD.match(text):
        return "medication"
    return None


# The condition a plan treats, named after "for" ("start iron for anemia of pregnancy", "increase lisinopril
# for uncontrolled HTN"): the plan codes nothing, the condition it is for is the visit's diagnosis.
_TREATED_FOR = re.compile(
    r"\b(?:start\w*|begin|began|initiat\w*|continu\w*|increas\w*|prescrib\w*|rx|add\w*|resum\w*|switch\w*|"
    r"treat\w*|given)\b[^;:]*?\bfor\s+(?!(?:prevention|prophylaxis|ppx|risk|screening|possible|presumed|suspected|"
    r"probable|likely|r/o|rule\s+out|a\s+trial|now|\d)\b)(?P<cond>[^,;()]{3,60}?)\s*[.!]?\s*$",
    re.IGNORECASE,
)


# What a plan is for that names no condition ("for better control", "for sleep", "for pain").
_PURPOSE_ONLY = re.compile(
    r"^(?:(?:better|symptom(?:atic)?|improved?|tighter|more)\s+)?(?:control|relief|management|coverage|"
    r"strengthening|evaluation|sleep|comfort|symptoms?|maintenance|support|weight\s+loss|energy|mood|pain|"
    r"goal|compliance|adherence)\b",
    re.IGNORECASE,
)


def treated_condition(chunk: str) -> tuple[int, int] | None:
    """The span in ``chunk`` of the condition a plan is for, when it names one; else None."""
    m = _TREATED_FOR.search(chunk)
    if m is None or _PURPOSE_ONLY.match(m.group("cond")):
        return None
    return m.span("cond")
