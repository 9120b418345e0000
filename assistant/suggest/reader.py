"""Reading a note like a coder: sections, sentences, mentions and their context (ConText-style rules).

Context per mention: negated ("denies chest pain"), uncertain ("rule out", "probable"), historical
("history of", "s/p"), family (FH section, "mother had") and the encounter / laterality words around it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from assistant.suggest.abbreviations import SITES_OF_ONE_DISEASE, expand_span, initial_starts_term
from assistant.suggest.history import (
    deficit_listed_with_stroke,
    history_cue,
    names_neoplasm,
    sequela_of_stroke,
)
from assistant.suggest.injury_words import FALL_OR_BLOW, INJURY_AFTER_MECHANISM
from assistant.suggest.not_coded import (
    AGE,
    CAUSE_ADJECTIVE,
    WHO,
    continues_plan,
    ehr_order,
    immunity_in_list,
    is_label,
    is_specialty_label,
    light_drinking,
    mental_status_descriptor,
    opens_topic,
    plan_after_dash,
    precautions_shared,
    screening_sentence,
    searched_length,
    treated_condition,
    vaccine_in_list_given,
    why_not_coded,
    without_sizes,
)
from assistant.suggest.phrase_intent import states_other_intent
from assistant.suggest.qualifiers import Qualifiers, diabetes_type, read_qualifiers, words_said
from assistant.suggest.request_memo import per_request
from assistant.suggest.text import expand_abbreviations, tokens

SECTION_WEIGHTS = {
    "assessment": 1.0,
    "diagnosis": 1.0,
    "hpi": 0.85,
    "body": 0.85,
    "pmh": 0.8,
    "psh": 0.6,
    "exam": 0.7,
    "ros": 0.55,
    "sh": 0.6,
    "fh": 0.7,
    "meds": 0.3,
    "other": 0.7,
}

_SECTION_HEADERS: list[tuple[str, str]] = [
    (
        r"assessment\s*(?:and|&|/)\s*plan|a\s*/\s*p|assessment|(?:ed\s+|clinical\s+|final\s+)?impression|plan|"
        # a consultant's letter: "Impression / Recommendations:", "Assessment and recommendations:"
        r"(?:impression|assessment)\s*(?:and|&|/)\s*(?:recommendations?|plan)|recommendations?|"
        r"a(?=\s*:)|p(?=\s*:)|imp(?=\s*:)|"
        # the problems this visit dealt with ("Chronic conditions reviewed:", "Problems addressed today:")
        r"(?:chronic|active)\s+(?:conditions|problems|issues)(?:\s+(?:reviewed|addressed|managed)(?:\s+today)?)?"
        r"(?:\s+(?:w/|with)\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?)?|"  # "... reviewed w/ charge RN:"
        r"(?:problems|issues|diagnoses|conditions)\s+(?:addressed|reviewed|managed)(?:\s+today)?",
        "assessment",
    ),
    (
        r"(?:discharge|final|principal|primary|secondary|additional|admitting|working|ed|er)?\s*diagnos[ie]s|"
        r"(?:(?:ed|er|final|discharge|d/c|working|clinical|admit(?:ting)?|admission)\s+)?dx|"
        r"principal(?=\s*:)|secondary(?=\s*:)",
        "diagnosis",
    ),
    (
        r"history\s+of\s+(?:the\s+)?present\s+illness|hpi|chief\s+complaint|cc|subjective|s(?=\s*:)|"
        r"(?:hospital|clinical|ed|emergency\s+department)\s+course|course",
        "hpi",
    ),
    (r"review\s+of\s+systems|ros", "ros"),
    (
        r"(?:past\s+medical\s+history|pmh|pmhx)\s*/\s*(?:problem\s+list|psh)|past\s+medical\s+history|pmh|pmhx|"
        r"medical\s+history|(?:patient\s+)?(?:active\s+)?problem\s+list",
        "pmh",
    ),
    (r"past\s+surgical\s+history|psh|surgical\s+history", "psh"),
    (r"family\s+history|fh|fhx", "fh"),
    (r"social\s+history|sh|social(?=\s*:)", "sh"),
    (
        r"physical\s+exam(?:ination)?|exam(?:ination)?|pe|objective|vitals|o(?=\s*:)|"
        r"mental\s+status(?:\s+exam(?:ination)?)?|mse",
        "exam",
    ),
    # an EHR's medication list ("Current Outpatient Medications", "Outpatient Medications Marked as Taking for
    # the 12/3/26 encounter:")
    (
        r"(?:current\s+)?(?:outpatient\s+)?(?:medications?|meds)"
        r"(?:\s+(?:marked\s+as\s+taking|on\s+file|prior\s+to\s+visit)[^:\n]*)?|allergies",
        "meds",
    ),
    # what the patient is told to do ("Patient Instructions", "Anticipatory guidance:"): no diagnosis
    (r"patient\s+instructions|patient\s+education|anticipatory\s+guidance", "instructions"),
    # the setting's name as a note's opening label ("ED: chest wall contusion after MVC", "ER note:")
    (r"(?:ed|er|urgent\s+care)(?:\s+(?:note|visit))?(?=\s*:)", "body"),
    # a clinic's or service's name as the note's label ("Eating disorder clinic:", "Wound care service:")
    (r"(?:[a-z/&-]+\s+){0,2}(?:clinic|service)(?:\s+(?:note|visit))?(?=\s*:)", "body"),
]
_NO_LOOKAHEAD = re.compile(r"\(\?=[^()]*\)")
_HEADER_RE = re.compile(
    r"^[ \t]*(?P<h>" + "|".join(f"(?:{p})" for p, _ in _SECTION_HEADERS) + r")[ \t]*(?::|-(?=\s)|$)",
    re.IGNORECASE | re.MULTILINE,
)
# The sections that list the patient's background rather than this visit's findings.
BACKGROUND_SECTIONS = frozenset({"pmh", "psh", "fh", "sh", "meds", "ros"})
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")
# A header written inside a line, after a sentence ("CC: rash. Assessment: contact dermatitis. Plan: ..."):
# only with its colon.
_INLINE_HEADER_RE = re.compile(
    r"(?<=[.!?])[ \t]+(?P<h>" + "|".join(f"(?:{p})" for p, _ in _SECTION_HEADERS) + r")[ \t]*:",
    re.IGNORECASE,
)

_NEG_PRE = (
    # "not (well) controlled", "not at goal": a status of the condition before it, not a denial after it
    r"no(?!\s+longer)|not(?!\s+(?:well\s+|adequately\s+|optimally\s+|yet\s+)?(?:controlled|at\s+goal|improv\w*))|"
    r"denies|denied|deny|denying|without|negative\s+for|no\s+evidence\s+of|no\s+signs?\s+of|"
    r"no\s+history\s+of|free\s+of|absence\s+of|ruled\s+out|rules\s+out|never|resolved|"
    r"no\s+complaints?\s+of|not\s+consistent\s+with|excluded|discarding|discarded|"
    # "I doubt Parkinson's", "doubtful for PE": the physician thinks it unlikely, as "unlikely" after it
    r"(?<!\bno\s)doubt(?:s|ful(?:\s+for)?)?|"
    r"(?:does|did|do)\s+not\s+meet\s+(?:the\s+)?(?:[\w-]+\s+)?criteria\s+for"
)
# "negative" that names a kind rather than denying the condition: Rh-negative, blood type O negative,
# gram-negative bacteria, triple-negative / ER-, PR-, HER2-, hormone-receptor-negative cancer.
_DESCRIPTOR_NOT_NEGATION = "".join(
    rf"(?<!{word}\s)(?<!{word}-)"
    for word in (
        "rh",
        "gram",
        "triple",
        "er",
        "pr",
        "her2",
        "hr",
        "receptor",
        "type a",
        "type b",
        "type o",
        "type ab",
    )
)
# "Bacteremia - cleared" (gone), not "cleared for surgery" / "cleared by cardiology" (a clearance)
_CLEARED = r"(?:now\s+)?cleared(?!\s+(?:for|by|to|with|from)\b)"
_NEG_POST = (
    r"(?:was|were|is|are|been)\s+(?:ruled\s+out|excluded|negative|absent|not\s+seen|not\s+found)|"
    r"unlikely|not\s+favou?red|disfavou?red|ruled\s+out|r/o'?d|(?:has\s+|have\s+|now\s+)?resolved|none(?!\s+of)|"
    # a test that excluded it ("DVT excluded on duplex", "PE excluded by CTA"), not only as a label's answer
    r"excluded\s+(?:on|by|with|via|per)(?=\s)|" + _CLEARED + r"|"
    r"not\s+present|absent|excluded|denie[sd](?=\s*(?:[.;,]|$))|not\s+(?:supported|consistent\s+with|confirmed)(?:\s+by\b)?|not\s+increased|"
    r"not\s+suspected|"
    r"(?:does|did|do)\s+not\s+meet\s+(?:the\s+)?(?:[\w-]+\s+)?criteria(?!\s+for)|"
    + _DESCRIPTOR_NOT_NEGATION
    # a work-up that came back negative leaves the finding it looked into ("hematuria with negative work-up")
    + r"(?:negative|neg)"
    + r"(?!\s+(?:[a-z]+\s+)?(?:work-?\s?ups?|w/u|evaluations?|evals?|studies|testing|imaging)\b)"
)
# A label and its answer: "Diabetic retinopathy: none", "Tophi - negative", "Depression - not present",
# "Hidradenitis suppurativa: ruled out (no tunnels)", "Hypoglycemia - denies" (the condition is not present).
_LABEL_SAYS = re.compile(r"\s*(?::|-|\u2013)\s*")
# "MSSA bacteremia - cleared": an infection's answer that it is gone (a resolved course, as "resolved" is);
# only as a label's answer ("medically cleared", "cleared for surgery" say nothing of a condition).
_ABSENT = re.compile(
    r"none|negative|neg|not\s+present|absent|ruled\s+out|excluded|denie[sd]|(?:now\s+)?cleared", re.IGNORECASE
)
_ANSWER_ONLY = re.compile(r"not\s+present|absent|excluded|denie[sd]|(?:now\s+)?cleared", re.IGNORECASE)
_DOUBT_BEFORE = re.compile(r"\b(?:not|be|been)\s*$", re.IGNORECASE)  # "Gout not excluded": a doubt
_RESOLVED_WORD = re.compile(r"(?:has\s+|have\s+|now\s+)?(?:resolved|cleared)", re.IGNORECASE)
# A problem whose line ends ", resolved" / ", now resolved": its status, as a label's answer is.
_RESOLVED_TAIL = re.compile(
    r"\s*,\s*(?:now\s+|since\s+)?resolved(?:\s+(?:w/o|without|with|after|by|on\s+(?:its|his|her)\s+own)"
    r"\s+[^.;,]{1,30})?\s*[.;]?\s*",
    re.IGNORECASE,
)  # a post-negation only as a label's answer
_UNC_PRE = (
    r"rule\s+out|r/o(?!'?d\b)|probable|probably|possible|possibly|suspected|suspect|suspicion\s+of|likely|"
    r"questionable|query|concern\s+for|cannot\s+(?:be\s+)?exclude[d]?|differential|suggestive\s+of|"
    r"compatible\s+with|consistent\s+with|presumed|versus|vs\.?|\?|"
    # a test that looks for the condition ("renal US to look for stones", "MRI to evaluate for MS")
    r"(?:to\s+)?(?:re-?)?(?:look|looking|evaluate|eval|assess|check)\s+for|to\s+exclude|"
    # a test whose result for the condition is awaited ("bx pending for H. pylori")
    r"pending\s+for|"
    # a condition the physician expects to come ("expect a hypothyroid phase"): not there yet (IV.H)
    r"expects?|expecting|anticipates?|anticipating"
)
_HIST_PRE = (
    r"(?:personal|past\s+medical|significant|known)\s+history\s+of|history\s+of|h/o|hx\s+of|hx(?=\s+[a-z])|past\s+history\s+of|previous|prior|status\s+post|s/p|"
    r"remote|resolved|treated\s+for|years?\s+ago|former|ex(?=-)|quit|quitting|gave\s+up"
)
# A relative, with the side of the family or the birth order a history names ("maternal aunt").
RELATIVES = (
    r"(?:(?:maternal|paternal|older|younger|twin|half[- ]?)\s*)?"
    r"(?:mother|father|mom|mum|dad|brother|sister|sibling|grandmother|grandfather|grandma|grandpa|aunt|uncle|son|"
    r"daughter|parents?)"
)
# A relative who tells or brings the patient's own story ("Mother reports cough x 3 days", "Mom is worried
# about his rash"): the history that follows is the patient's.
_INFORMANT = (
    r"(?!\s+(?:reports?|reported|states?|stated|says|said|notes?|noted|brought|brings|concerned|worried|"
    r"denies|denied|endorses|gives|provides|present|here|at\s+bedside|(?:is|was)\s+(?:concerned|worried|"
    r"present|here))\b)"
)
_FAMILY_PRE = (
    r"family\s+history\s+of|fh\s+of|fhx\s+of|fhx?(?=\s+[a-z])|"
    # a relative who found, brought or reports about the patient ("found down by daughter", "per son") is
    # no family history
    r"(?<!\bby\s)(?<!\bper\s)(?<!\bwith\s)(?<!\bw/\s)(?<!\bw/)(?<!\bfrom\s)(?<!\bto\s)"
    r"(?:his|her|the\s+patient's|patient's)?\s*"
    rf"{RELATIVES}{_INFORMANT}"
    # what the relative had, with the age in brackets or at death ("brother (47) has", "father died at 51 of")
    r"(?:\s*\(\d{1,3}\))?(?:\s+(?:(?:is\s+)?alive\s+(?:w/|with)|has|had|with|w/|"
    r"died(?:\s+at\s+(?:age\s+)?\d{1,3})?\s+(?:of|from)|diagnosed\s+with)(?:\s+an?\b)?)?"
)
# A dictated run-on sentence starts a new clause with its subject after a comma ("she denies SI, her TSH came
# back high"): a negation before it does not reach the clause.
SUBJECTS = r"(?:she|he|they|we|i|her|his|their|the\s+patient)\s"
_TERMINATE = (
    r"\bbut\b|\bhowever\b|\balthough\b|\bexcept\b|\baside\s+from\b|\bwhich\b|\bwho\b|;|:|\)|"
    rf",\s*(?:and\s+|so\s+)?{SUBJECTS}|"
    # how it happened, after a comma ("without nail damage, cut while slicing ..."): a clause of its own
    r",\s*(?:\w+\s+)?(?:while|when|after)\s"
)
# The cause of the condition before a negation, after a comma ("CKD 5, not yet on dialysis, d/t DM2 + HTN"):
# a clause of its own that the negation does not reach.
# "without" denies a feature of the condition before it, not the problem's plan after a dash
_FEATURE_DENIED = re.compile(r"without|w/o", re.IGNORECASE)
_CAUSE_CLAUSE = re.compile(r",\s*(?:due\s+to|d/t|2/2|secondary\s+to)\s", re.IGNORECASE)
_NEG_RE = re.compile(rf"(?<![\w/])(?:{_NEG_PRE})(?![\w/])", re.IGNORECASE)
_NEG_POST_RE = re.compile(rf"(?<![\w/])(?:{_NEG_POST})(?![\w/])", re.IGNORECASE)
# After the condition, a doubt that it is there: "Chlamydia not excluded", "PE cannot be ruled out" (IV.H:
# not coded outpatient; II.H inpatient).
_UNC_POST_RE = re.compile(
    r"(?<![\w/])(?:(?:is\s+|was\s+|has\s+)?not\s+(?:been\s+)?(?:excluded|ruled\s+out)|"
    r"cannot\s+(?:be\s+)?(?:excluded|ruled\s+out)|can\s*not\s+be\s+(?:excluded|ruled\s+out))(?![\w/])|"
    r"(?<=\w)\s?\?(?![\w?])",  # a condition with a question mark ("Cirrhosis? - fibroscan") is a query
    re.IGNORECASE,
)
_UNC_RE = re.compile(rf"(?<![\w/])(?:{_UNC_PRE})(?![\w/])", re.IGNORECASE)
_HIST_RE = re.compile(rf"(?<![\w/])(?:{_HIST_PRE})(?![\w/])", re.IGNORECASE)
_FAM_RE = re.compile(rf"(?<![\w/])(?:{_FAMILY_PRE})(?![\w/])", re.IGNORECASE)
_TERM_RE = re.compile(_TERMINATE, re.IGNORECASE)
# The present after a comma ends a history's scope: "s/p lumpectomy 2019, on anastrozole, here for hot
# flashes", "h/o CABG, now with chest pain".
_NOW_CLAUSE = re.compile(
    r",\s*(?:and\s+)?(?:now|currently|presently|here|presents?|presenting|comes?\s+in|came\s+in|complains?|c/o|"
    r"reports?|on)\b",
    re.IGNORECASE,
)
_CLAUSE_GAP = re.compile(r",\s*(?:and\s+|so\s+)?$", re.IGNORECASE)
# "Status post" is said of a procedure or an event: past a list's comma it goes on over more of them ("s/p
# CABG, PCI"), not over the conditions listed next ("s/p PCI 2020, HTN, OSA on CPAP").
_STATUS_POST_TRIGGER = re.compile(r"s/p|status\s+post", re.IGNORECASE)
_PROCEDURE_OR_EVENT = re.compile(
    r"\w+(?:ectomy|otomy|ostomy|plasty|pexy|rrhaphy|scopy|lysis)\b|\b(?:repair|replacement|transplant\w*|"
    r"resection|excision|ablation|fusion|amputation|bypass|cabg|pci|stent\w*|tavr|tavi|angioplasty|chemo\w*|"
    r"radiation|xrt|surgery|procedure|implant\w*|pacemaker|icd|tka|tha|tkr|thr|orif|c-?section|delivery|svd|"
    r"biopsy|cath\w*|appy|chole|i&d|debridement|embolization|lithotripsy|turp|ralp|mi|cva|stroke|tia|fall|"
    r"mvc|mva|trauma|arrest|injury|fracture|fx)\b",
    re.IGNORECASE,
)
_SUBJECT = re.compile(rf"\s*{SUBJECTS}", re.IGNORECASE)
# "severe without psychotic features, with suicidal ideation": a "with" clause after the comma is said.
_WITH_CLAUSE = re.compile(r"\s*with\b", re.IGNORECASE)
# A problem's dash or arrow starts its plan or course ("EPI - steatorrhea resolved"): a negation after it
# is about what follows, not the problem.
_DASH = re.compile(r"\s[-–—]+\s|->")
_STATUS_TAIL = re.compile(r"\s[-–—:]+\s*(?P<tail>[^-–—:]+)$")
# A bracketed remark closing a chunk ("obstructive (provocable LVOT gradient)"): the note's evidence, not a
# word of the Index subterm before it.
_REMARK = re.compile(r"\s*\([^()]*\)?\W*$")
# A course that chooses no sibling (unlike "controlled", "uncontrolled", "worsening").
_COURSE_ONLY = re.compile(r"\s*(?:stable|unchanged|improv(?:ing|ed)|better|doing\s+well)\W*$", re.IGNORECASE)

# A sentence ends at . ! ? (not inside "9.2") or at a line break.
_SENTENCE_RE = re.compile(r"(?:[^\n.!?]|[.](?=\d)|(?<=\b[A-Za-z])[.](?=[ \t]+[a-z]))+(?:[.!?](?!\d)|\n|$)")
# Chunks: clauses, list items written inline ("2) asthma", "#HTN #DM2"), the plan after a problem's
# dash or colon ("Hypertension - continue lisinopril", "DM2: A1c 9.2") and what a condition is "status post"
# ("CAD s/p remote MI": the disease is current, the infarction history).
_MIXED_PAIR = re.compile(r"\bmixed\s+[\w-]+\s*$", re.IGNORECASE)  # "mixed A" waits for its "and B"
_STATUS_POST = re.compile(r"\s*(?:s/p|status\s+post)\s", re.IGNORECASE)
_CHUNK_SPLIT = re.compile(
    r";|,(?!\d)|(?<!-)\band\b(?!-|\s+(?:vomiting|without|with|below|above|declined|refused|deferred)\b)|\s&\s(?!(?:vomiting|without|with)\b)|"
    r"\bbut\b(?!\s+(?:declined|refused|deferred)\b)|\bwhile\b|\bplus\b|\s[-–—]+\s|:\s|\s/\s|"
    # an arrow leads from a problem to its plan or its outcome ("speech delay -> refer to EI"); between
    # values it is a trend ("AFP 1,200 -> 520"), one chunk
    r"(?<=[A-Za-z0-9])\s(?:->|=>|\u2192)\s(?=[A-Za-z])|"
    r"\s(?:\d{1,2}|[a-hA-H])\)\s|\s#(?=\w)|(?<=\w)(?<!aftercare)\s+(?=(?:s/p|status\s+post)\s)|"
    # a bracketed list of results read normal ("anemia (iron, B12, folate nl)"): each test is its own chunk
    r"\s\((?=[^()]*\b(?:nl|normal|wnl|negative|neg|unremarkable)\))|"
    r"\b(?:presents?|presented|presenting|complains?|complaining|admitted|admit|admission|came\s+in)\s+"
    r"(?:(?:with|of|for)\b|w/)|"
    # the patient named before the condition ("Pt w/ Alzheimer dementia", "resident with COPD")
    r"\b(?:pt|patient|resident)\s+(?:w/|with\b|has\b)|"
    r"\bc/o\b|"
    # a condition the plan waits for ("IVF if BMP shows dehydration", "stress test if sx"): its own chunk
    r"\s(?=(?:if|unless)\s)|"
    # An acute condition on a chronic one is two conditions ("AKI on CKD 3a", "pneumonia on top of COPD");
    # "acute on chronic" is one qualifier and stays whole.
    r"(?<!acute)\s+(?:on\s+top\s+of|superimposed\s+on)\s+|"
    r"(?<!acute)\s+on\s+(?=(?:ckd|chronic\s+kidney|esrd|end[- ]stage\s+renal)(?:\b|\d))",  # "CKD3a"
    re.IGNORECASE,
)


# A condition and its stated cause are two conditions ("AKI due to dehydration", "asthma exacerbation
# triggered by URI") unless one code names both, which the caller decides (``Joined``: the Alphabetic Index
# has the cause as a subterm, "Rhinitis, allergic, due to pollen"; an organism is the infection's agent, not
# a second condition).
_CAUSE_LINK = re.compile(
    r"\s+(?:due\s+to|secondary\s+to|triggered\s+by|caused\s+by|precipitated\s+by|from|d/t|2/2|2/2/2)\s+",
    re.IGNORECASE,
)
Joined = Callable[[str, str], bool]


# "With" joins two conditions the Index combines ("diabetes with CKD", I.A.15) or two it codes apart
# ("COPD with chronic hypoxemic respiratory failure"); the caller decides (``combined``), as for a cause.
_WITH_LINK = re.compile(r"\s+(?:with|w/)\s+(?!or\b|without\b)", re.IGNORECASE)


# "Metastatic breast cancer to liver", "colon cancer metastatic to the liver": the primary, and a secondary
# malignancy of the site it spread to (Index: Metastasis, metastatic, to specified site - see Neoplasm,
# secondary, by site).
_SPREAD_TO = re.compile(r"\s+(?:metastatic\s+)?(?:to|into)\s+(?:the\s+)?(?=[a-z])", re.IGNORECASE)
_SPREAD_SITE_WORDS = 4
SECONDARY_OF = "secondary malignant neoplasm of "
# The next site of a list of spread ("mets to bone (spine) and brain", "metastatic to liver, lungs"): a bare
# organ after the secondary one is secondary too.
_NEXT_SPREAD_SITE = re.compile(
    r"(?:the\s+)?(?:(?:both|bilateral|left|right)\s+)?(?:brain|liver|lungs?|bones?|adrenals?(?:\s+glands?)?|"
    r"peritoneum|omentum|pleura|(?:mediastinal\s+|axillary\s+|cervical\s+|retroperitoneal\s+)?lymph\s+nodes?|"
    r"nodes|skin|ovar(?:y|ies)|pericardium)",
    re.IGNORECASE,
)
_SECONDARY_SAID = re.compile(r"\bsecondary\s+malignant\s+neoplasm\b", re.IGNORECASE)
# (a site in brackets names the part of the one before it: "bone mets (pelvis, ribs)" are bones)
_LIST_JOINT = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:,|and|&|,\s*and)\s*", re.IGNORECASE)


def next_spread_site(previous: Mention | None, between: str, text: str) -> bool:
    """Is ``text`` a bare organ listed after a secondary site ("... to bone (spine) and brain")?"""
    return (
        previous is not None
        and _SECONDARY_SAID.search(previous.query) is not None
        and _LIST_JOINT.fullmatch(between) is not None
        and _NEXT_SPREAD_SITE.fullmatch(text.strip(" .")) is not None
    )


# A polyp or adenoma found at a scope of one organ lies in that organ ("Colonoscopy: 2 tubular adenomas
# removed": adenoma of colon, D12.6).
_SCOPES = (
    (re.compile(r"\b(?:colonoscopy|sigmoidoscopy)\b", re.IGNORECASE), "colon, large intestine"),
    (re.compile(r"\bcystoscopy\b", re.IGNORECASE), "bladder"),
)
_LESION = re.compile(r"\b(?:adenomas?|polyps?|adenomatous)\b", re.IGNORECASE)
_SITED = re.compile(
    r"\b(?:of|in|at)\s+(?:the\s+)?[a-z]+|\b(?:colon\w*|rect\w*|cecal|cecum|sigmoid|gastric|"
    r"duoden\w*|bladder|nasal|uterine|endometrial|cervical)\b",
    re.IGNORECASE,
)


def scoped_site(sentence: str, query: str) -> str:
    """The query with the organ its sentence's scope looked at, for a polyp or adenoma named without one."""
    if not _LESION.search(query) or _SITED.search(query):
        return query
    organ = next((organ for rx, organ in _SCOPES if rx.search(sentence)), None)
    return f"{query} of {organ}" if organ else query


# "Sigmoid colon ca w/ liver mets": the primary, and the metastases (the site's secondary malignancy) said
# after "with", a piece of their own.
_WITH_SPREAD = re.compile(
    r"\s+(?:with|w/)\s*(?=(?:[\w-]+\s+){1,3}?(?:mets|metastas[ie]s|metastatic\s+disease)\b)", re.IGNORECASE
)


def _split_with_spread(sentence: str, c_start: int, c_end: int) -> list[tuple[int, int]] | None:
    link = _WITH_SPREAD.search(sentence, c_start, c_end)
    if link is None or not names_neoplasm(expand_abbreviations(sentence[c_start : link.start()])):
        return None
    return [(c_start, link.start()), (link.end(), c_end)]


def _split_spread(sentence: str, pieces: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], set[int]]:
    """Pieces with each "<cancer> metastatic to <site>" cut in two; the starts of the site pieces."""
    out: list[tuple[int, int]] = []
    sites: set[int] = set()
    for c_start, c_end in pieces:
        if (with_spread := _split_with_spread(sentence, c_start, c_end)) is not None:
            out += with_spread
            continue
        link = _SPREAD_TO.search(sentence, c_start, c_end)
        primary = sentence[c_start : link.start()] if link else ""
        site = sentence[link.end() : c_end] if link else ""
        said = sentence[c_start : link.end()] if link else ""
        if (
            link is None
            or "metasta" not in said.lower()
            or not names_neoplasm(expand_abbreviations(primary))  # "metastatic RCC R kidney to both lungs"
            or not 0 < len(site.split()) <= _SPREAD_SITE_WORDS
        ):
            out.append((c_start, c_end))
            continue
        out += [(c_start, link.start()), (link.end(), c_end)]
        sites.add(link.end())
    return out, sites


# "Kidney transplant 2022 for IgA nephropathy ESRD", "ESRD s/p renal transplant": the organ failure the
# transplant replaced is the reason for the transplant status (Z94.-), not a current condition; the graft's
# own CKD is coded as documented (I.C.14.a.2).
_TRANSPLANT_FOR = re.compile(r"\btransplant(?:ed|ation)?\b[^,;]*?\s(for)\s+", re.IGNORECASE)
_REPLACED = re.compile(
    r"\b(?:esrd|eskd|end[- ]stage|(?:renal|kidney|liver|hepatic|heart|cardiac|lung)\s+failure|"
    r"chronic\s+kidney\s+disease|ckd|cirrhosis)\b",
    re.IGNORECASE,
)
_THEN_TRANSPLANTED = re.compile(
    r"[\s,]*\(?(?:s/p|status\s+post|post)\s+(?:[\w-]+\s+){0,3}transplant", re.IGNORECASE
)
REPLACED = "replaced by the transplant"


def _split_transplant_reason(
    sentence: str, pieces: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], set[int]]:
    """Pieces with the organ failure a transplant was "for" cut off; the starts of those reasons."""
    out: list[tuple[int, int]] = []
    reasons: set[int] = set()
    for c_start, c_end in pieces:
        link = _TRANSPLANT_FOR.search(sentence, c_start, c_end)
        if link is None or not _REPLACED.search(sentence, link.end(), c_end):
            out.append((c_start, c_end))
            continue
        out += [(c_start, link.start(1)), (link.end(), c_end)]
        reasons.add(link.end())
    return out, reasons


def _replaced_then(note: str, mention: Mention) -> bool:
    """ "ESRD s/p kidney transplant": the failure was followed by the transplant that replaced it."""
    said = _REPLACED.fullmatch(mention.text.strip())
    return said is not None and _THEN_TRANSPLANTED.match(note, mention.end) is not None


def _never_joined(condition: str, cause: str) -> bool:
    return False


def _always_combined(condition: str, tail: str) -> bool:
    return True


def _split_causes(
    sentence: str, pieces: list[tuple[int, int]], joined: Joined, link_re: re.Pattern[str] = _CAUSE_LINK
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for c_start, c_end in pieces:
        link = link_re.search(sentence, c_start, c_end)
        condition = sentence[c_start : link.start()] if link else ""
        cause = sentence[link.end() : c_end] if link else ""
        if link is None or len(tokens(condition)) == 0 or len(tokens(cause)) == 0:
            out.append((c_start, c_end))
            continue
        if joined(condition, cause):
            # "anemia due to blood loss from menorrhagia": the cause's own cause may be a condition of its own
            parts = _split_causes(sentence, [(link.end(), c_end)], joined, link_re)
            out.append((c_start, parts[0][1]))
            out.extend(parts[1:])
            continue
        out.append((c_start, link.start()))
        out.extend(_split_causes(sentence, [(link.end(), c_end)], joined, link_re))
    return out


def _no_fall_or_blow(before: str, injury: str) -> bool:
    """ "Fell at home w/ closed fx of the radius": the injury is read apart from the fall that caused it."""
    return FALL_OR_BLOW.search(before) is None


def _denied_list(text: str) -> bool:
    """ "no headache or visual changes: preeclampsia ...": what follows the colon is the conclusion drawn
    from the negatives, not one of them (a bare "Denies:" still scopes over its list)."""
    triggers = list(_NEG_RE.finditer(text))
    return bool(triggers) and bool(tokens(text[triggers[-1].end() :]))


def _heading(text: str) -> bool:
    """ "Labs:", "Urine cx:", "BP:": a heading before a colon."""
    return is_label(text) or why_not_coded(text) in ("test", "vitals or labs")


_LIST_LINE = re.compile(r"[ \t]*(?:[-*•#]|\d{1,2}[.)](?=\s)|[a-hA-H][.)](?=\s))")

# The side a note's words name (the sibling guard and the coding rules read lines with the same table).
# A side letter alone at the head of a bracket after the condition ("breast ca (L, s/p lumpectomy)", "(R)").
LATERALITY = {
    "right": re.compile(r"\b(?:right|rt)\b|\(\s*r\s*(?=[,;)])", re.IGNORECASE),
    "left": re.compile(r"\b(?:left|lt)\b|\(\s*l\s*(?=[,;)])", re.IGNORECASE),
    "bilateral": re.compile(r"\b(?:bilateral|bilaterally|both)\b", re.IGNORECASE),
}
# The passing episode of a lasting condition, said after it ("with RVR", "exacerbation", "flare")
_EPISODE_OF = re.compile(
    r"\s*(?:,\s*)?(?:\b(?:with|w/)\s+(?:rapid\s+ventricular\s+response|rvr)\b|"
    r"\b(?:acute\s+)?(?:exacerbation|flare(?:-up)?)\b)",
    re.IGNORECASE,
)
# An admission the sentence dates in the past, just before the chunk it introduces
_DATED_ADMISSION = re.compile(
    r"\b(?:19|20)\d\d\s*,?\s*when\s+(?:he|she|they|pt|patient\s+)?(?:was\s+)?(?:admitted|hospitalized)\s+"
    r"(?:with|w/|for)\s*$",
    re.IGNORECASE,
)
# Polyps found at a colonoscopy the sentence dates ("Colonoscopy 2019: 3 tubular adenomas removed",
# "screening colonoscopy 2022 w/ 2 adenomas") were taken out then: a history (Index: History, personal,
# neoplasm, benign, colon polyp).
_DATED_COLONOSCOPY = re.compile(
    r"\bcolonoscop\w*\s+(?:in\s+|on\s+)?(?:\d{1,2}/(?:\d{1,2}/)?)?(?:19|20)\d\d\b[^.;]*$", re.IGNORECASE
)
POLYP = re.compile(r"\b(?:polyps?|adenomas?|adenomatous|polypoid)\b", re.IGNORECASE)
# A hospital stay the sentence places in the past, just before the episode it was for ("seen after a recent
# admission for COPD exacerbation", "hospitalized 2 wks ago for an asthma flare"): that stay's episode.
_AGO = r"\d+\s*(?:d|days?|wks?|weeks?|mo|mos|months?)\s+ago"
_PAST_STAY = re.compile(
    r"(?:\b(?:after|following|since|s/p|post)\s+(?:a\s+|his\s+|her\s+|the\s+)?(?:recent\s+)?|\brecent\s+)"
    r"(?:admission|hospitali[sz]ation|hospital\s+stay|ed\s+visit|er\s+visit)\s+(?:for|with|w/)\s+"
    r"[^.;]{0,50}?\b(?:exacerbation|flare|rvr|rapid\s+ventricular\s+response)\b|"
    rf"\b(?:hospitali[sz]ed|admitted|seen\s+in\s+(?:the\s+)?(?:ed|er))\s+(?:here\s+)?{_AGO}\s+(?:for|with|w/)\s+"
    r"[^.;]{0,50}?\b(?:exacerbation|flare|rvr|rapid\s+ventricular\s+response)\b",
    re.IGNORECASE,
)
_ENCOUNTER = [
    ("S", re.compile(r"\bsequela[e]?\b|\blate\s+effect", re.IGNORECASE)),
    (
        "D",
        re.compile(
            r"\bfollow[- ]?up\b|\bhealing\b|\bsubsequent\s+encounter\b|\bcast\s+(?:check|removal)\b|"
            r"\bsuture\s+removal\b|\broutine\s+healing\b|\brecheck\b|,\s*subsequent\b(?=\s*(?:[.,;]|$))",
            re.IGNORECASE,
        ),
    ),
    (
        "A",
        # "Cervical strain, initial": the encounter said after the injury's comma
        re.compile(
            r"\binitial\s+encounter\b|,\s*init(?:ial)?\b(?=\s*(?:[.,;]|$))|\bemergency\b|\bacute\b|"
            r"\bpresents?\b|\btoday\b",
            re.IGNORECASE,
        ),
    ),
]
_CONTENT_MIN = 1
# Normal findings ("abdomen soft", "lungs clear", "RRR"): documented, never coded. A chunk is normal when
# every word is a body site or a normal descriptor (our own lists).
_NORMAL_WORDS = frozenset(
    tokens(
        "soft nontender nondistended regular clear normal unremarkable intact "
        "afebrile supple benign warm dry equal reactive symmetric symmetrical alert oriented well appearing "
        "well-appearing nourished developed healthy appropriate wnl rrr ctab perrla perrl nad "
        "auscultation rate rhythm sounds present bilaterally bowel breath good air entry within limits "
        "palpation moist pink responsive cooperative pleasant patent compressible reassuring "
        "times three x3 person place time"
    )
)
_NON_PREFIX = re.compile(r"\bnon[- ](?=tender|distended)", re.IGNORECASE)
# "Skin warm and dry", "mucosa pink" describe a normal exam; before the site the word names a condition
# (dry eye, dry mouth, pink eye).
_CONDITION_SITE = re.compile(r"\b(?:dry\s+(?:eyes?|mouth|skin)|pink\s*eyes?)\b", re.IGNORECASE)
_BODY_SITES = frozenset(
    tokens(
        "abdomen abdominal heart cardiac cardiovascular lung lungs chest respiratory pulmonary head neck "
        "heent eyes eye ears ear nose throat oropharynx mouth skin extremities extremity neuro neurologic "
        "neurological psych psychiatric mood affect gait pupils mucous membranes general constitutional "
        "back spine musculoskeletal msk lymph nodes thyroid pulses deep veins fht fhr fetal tones"
    )
)
QUALIFIERS = frozenset(
    tokens(
        "unspecified other nos nec acute chronic mild moderate severe left right bilateral stable controlled "
        "uncontrolled recurrent initial subsequent sequela type stage unspecified site organism "
        "uncomplicated complicated intractable nonintractable persistent intermittent episode single partial "
        "full early sustained remission trimester first second third nonproliferative proliferative "
        "sensorineural conductive"
    )
)


@dataclass
class Mention:
    start: int
    end: int
    text: str  # note[start:end]
    query: str  # abbreviation-expanded text searched for
    section: str = "body"
    sentence_start: int = 0
    sentence_end: int = 0
    negated: bool = False
    uncertain: bool = False
    history: bool = False
    family: bool = False
    normal: bool = False
    triggers: list[str] = field(default_factory=list)
    laterality: set[str] = field(default_factory=set)
    encounter: str | None = None
    not_coded: str | None = None  # plan, administrative, vitals or labs, medication, status
    problem: bool = False  # the first chunk of a problem-list line ("# HTN - ...", "2. Asthma: ...")
    qualifiers: Qualifiers = field(default_factory=Qualifiers)

    @property
    def weight(self) -> float:
        return SECTION_WEIGHTS.get(self.section, 0.7)

    @property
    def resolved_only(self) -> bool:
        """Negated only by its course ("AKI - resolved", "hyperkalemia, now resolved"): an inpatient stay
        treated it (Section III codes it); an office note's resolved problem is not current."""
        negations = [t for t in self.triggers if t.startswith("negated:")]
        return bool(negations) and all(_RESOLVED_WORD.fullmatch(t[len("negated:") :]) for t in negations)

    def as_dict(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "query": self.query,
            "section": self.section,
            "negated": self.negated,
            "uncertain": self.uncertain,
            "history": self.history,
            "family": self.family,
            "normal": self.normal,
            "triggers": self.triggers,
            "laterality": sorted(self.laterality),
            "encounter": self.encounter,
            "not_coded": self.not_coded,
        }


# Family and social history written on the heading's own line end with that line, and so does a medication
# list written on it ("Meds: apixaban 5 bid, metoprolol 100." then "CKD 3a w/ HTN ...").
_ONE_LINE_SECTIONS = frozenset({"fh", "sh", "meds"})
# So does the chief complaint ("CC: f/u labs"): the lines after it, with no header of their own, are the
# note's body.
_CHIEF_COMPLAINT = re.compile(r"chief\s+complaint|cc", re.IGNORECASE)
# A problem list the physician writes ("Problem list:"), not a past medical history nor an EHR's pasted
# chart list ("Patient Active Problem List").
_PROBLEM_LIST = re.compile(r"problem\s+list", re.IGNORECASE)
# Where the physician states the diagnoses (each line a problem; the engine trusts their best codes more).
ASSESSMENT_SECTIONS = frozenset({"assessment", "diagnosis"})


def sections(note: str) -> list[tuple[int, int, str]]:
    """(start, end, section) spans covering the note; text before the first header is "body"."""
    found = [(m, False) for m in _HEADER_RE.finditer(note)]
    found += [(m, True) for m in _INLINE_HEADER_RE.finditer(note)]
    headers: list[tuple[int, int, str]] = []
    current = "body"
    for m, inline in sorted(found, key=lambda f: f[0].start("h")):
        label = m.group("h").lower()
        name = next(
            (n for p, n in _SECTION_HEADERS if re.fullmatch(_NO_LOOKAHEAD.sub("", p), label, re.I)), "other"
        )
        if headers and m.start("h") < headers[-1][1]:
            headers.pop()  # a background list's sentence end that this header comes before
        headers.append((m.start("h"), m.end(), name))
        line_end = note.find("\n", m.end())
        line_end = line_end if line_end >= 0 else len(note)
        if inline and name in BACKGROUND_SECTIONS:
            # "... FHx: brother lung CA. HTN on losartan": a list written inside a line is one sentence long
            stop = _SENTENCE_END.search(note, m.end())
            at = stop.end() if stop else len(note)
            headers.append((at, at, current))
        elif (
            (name in _ONE_LINE_SECTIONS or _CHIEF_COMPLAINT.fullmatch(label))
            and note[m.end() : line_end].strip()
            and note[line_end:].strip()
            and not _HEADER_RE.match(note, line_end + 1)
        ):
            # "FHx: father MI at 50; sister lupus" then "ECG: LBBB": the relatives' line only; after a
            # medication line the note goes on with this visit ("PMH: ... Meds: ..." then "MDM: ...")
            after = "body" if name == "meds" and current in BACKGROUND_SECTIONS else current
            headers.append((line_end, line_end, after))
        else:
            current = name
    if not any(name in ASSESSMENT_SECTIONS for _, _, name in headers):
        # a note whose only list of problems is its "Problem list:" (a nephrology "#" list, a refill or
        # portal note) states this visit's problems there, not the patient's background
        headers = [
            (start, end, "assessment" if _PROBLEM_LIST.fullmatch(note[start:end].rstrip(" \t:-")) else name)
            for start, end, name in headers
        ]
    spans = []
    pos, current = 0, "body"
    for start, end, name in headers:
        if start > pos:
            spans.append((pos, start, current))
        pos, current = end, name
    spans.append((pos, len(note), current))
    return [s for s in spans if s[1] > s[0]]


_BULLET_CHARS = "-*•#>.,:;()0123456789abcdefghABCDEFGH"


# A chunk that only completes the condition before it: its side and site ("R ear", "left knee", "both
# feet") or its type ("bipolar type"). It joins the previous mention instead of being searched alone.
_SITE = (
    r"(?:(?:lower|upper|great|index|middle|ring|little|dorsal|volar|palmar|plantar)\s+)?(?:ears?|eyes?|foot|"
    r"feet|hands?|knees?|hips?|nasal\s+(?:ala|sidewall|tip)|cheeks?|temples?|eyelids?|lips?|"
    r"shoulders?|ankles?|wrists?|elbows?|legs?|arms?|breasts?|sides?|thighs?|calf|calves|shins?|heels?|toes?|"
    r"fingers?|thumbs?|flanks?|groins?|axillae?|lungs?|kidneys?|forearms?|buttocks?|ovary|ovaries|testis|"
    r"testes|tm|extremity|extremities|limbs?|"
    # the bone a fracture is of ("Closed displaced fracture, R calcaneus", "Fx, L distal radius")
    r"(?:(?:distal|proximal|\d(?:st|nd|rd|th))\s+)?(?:calcaneus|talus|tibia|fibula|femur|patella|radius|ulna|"
    r"humerus|clavicle|scapula|olecranon|scaphoid|(?:medial\s+|lateral\s+)?malleolus|metatarsals?|"
    r"metacarpals?|ribs?))"
)
# A site of the head or trunk, said without a side ("Melanoma in situ, upper back", "AK, scalp").
_MIDLINE_SITE = (
    r"(?:(?:mid|upper|lower|central|posterior|anterior)\s+){0,2}(?:back|chest|trunk|abdomen|scalp|forehead|nose|"
    r"neck|face|chin|vertex)"
)
# The ligament or tendon an injury is of ("L ankle sprain - ATFL", "knee sprain, MCL"): it says which one.
# The bone of a digit a fracture is of, said before the digit ("Closed fracture, proximal phalanx, left
# little finger"): no condition of its own.
_PHALANX = r"(?:(?:proximal|middle|distal)\s+)?(?:phalanx|phalanges)"
_LIGAMENT = r"(?:atfl|cfl|acl|pcl|mcl|lcl|ucl|(?:[a-z-]+\s+){1,3}(?:ligament|tendon|meniscus|labrum))"
# ... or the side of the joint it is on, with it or alone ("Ankle sprain, left, lateral (ATFL)")
_STRUCTURE = (
    rf"(?:(?:(?:lateral|medial)\s*)?\(\s*{_LIGAMENT}\s*\)|"
    # the inner or outer kind ("Hemorrhoids, external": K64.4; "Otitis, external")
    rf"(?:(?:lateral|medial)\s+)?{_LIGAMENT}|lateral|medial|internal|external)"
)
# The part of the large intestine the condition is of ("Diverticulitis, sigmoid", "UC, left-sided").
_COLON_PART = (
    r"(?:(?:sigmoid|rectosigmoid|descending|ascending|transverse|(?:left|right)[- ]sided)(?:\s+colon)?|"
    r"cecum|cecal)"
)
# The part of the breast (C50.0-C50.8, N63.1-: "Breast cancer, left, upper outer quadrant", "at 2 o'clock").
_BREAST_PART = (
    r"(?:(?:upper|lower)[- ]?(?:outer|inner)(?:\s+quadrant)?|uoq|uiq|loq|liq|central\s+portion|"
    r"nipple(?:\s+and\s+areola)?|areola|axillary\s+tail|\d{1,2}(?::\d\d)?\s*o'?\s*clock(?:\s+position)?)"
)
# The spine's region ("Spinal stenosis, lumbar", "DDD, cervical spine"): the Index subterm "lumbar region".
_SPINE_REGION = (
    r"(?:cervical|cervicothoracic|thoracic|thoracolumbar|lumbar|lumbosacral|sacral|sacrococcygeal)"
    r"(?:\s+(?:region|spine|level))?"
)
# An ulcer's depth or stage, as the L89/L97/L98.4 titles say it ("limited to breakdown of skin").
_ULCER_DEPTH = (
    r"limited\s+to\s+(?:the\s+)?breakdown\s+of\s+(?:the\s+)?skin|(?:with\s+)?fat\s+layer\s+exposed|"
    r"with\s+(?:exposed\s+)?(?:muscle|bone)(?:\s+(?:involvement|exposed))?(?:\s+without\s+evidence\s+of\s+necrosis)?|"
    r"with\s+necrosis\s+of\s+(?:muscle|bone)|(?:full|partial)[- ]thickness(?:\s+skin\s+loss)?|unstageable"
)
# The episode and the remission of a mood or use disorder ("Bipolar I disorder, most recent episode depressed,
# moderate", "alcohol use disorder, moderate, in early remission (last drink in May)").
_EPISODE = (
    r"(?:(?:most\s+recent|current(?:ly)?|present)\s+)?episode\s+(?:depressed|depressive|manic|hypomanic|mixed)"
    r"(?:\s*,?\s*(?:mild|moderate|severe)\b[^,.;]*)?"
)
# The encounter of an injury or its care, after its comma ("Cervical strain, initial encounter", "fx R radius,
# subsequent encounter for routine healing"): the 7th character of the condition before it.
_INJURY_ENCOUNTER = (
    r"(?:initial|subsequent|first|follow[- ]?up)\s+(?:encounter|visit|evaluation)"
    r"(?:\s+for\s+(?:closed|open)\s+fracture)?(?:\s+(?:with|for)\s+(?:routine|delayed)\s+healing)?|sequelae?"
)
# A "with" / "without" feature the code titles of the condition before it subdivide by ("Alzheimer's dementia,
# moderate, with agitation", "Gastric ulcer, with bleeding", "Migraine, without aura").
_FEATURE = (
    r"(?:behaviou?ral\s+disturbances?|agitation|psychotic\s+(?:features|symptoms)|"
    r"mood\s+disturbance|(?:acute\s+)?exacerbation|aura|status\s+(?:migrainosus|asthmaticus|epilepticus)|"
    r"(?:diabetic\s+)?complications?|hematuria|coma|hyperglycemia|hypoglycemia|ketoacidosis|bleeding|"
    r"hemorrhage|perforation|obstruction|gangrene|ascites|abscess|hypoxia|hypercapnia|radiculopathy|myelopathy|"
    r"neurogenic\s+claudication|dyskinesias?|fluctuations|lower\s+urinary\s+tract\s+symptoms|luts)"
)
# ... one feature or two the titles pair ("without hemorrhage or perforation", "without obstruction or
# gangrene")
_WITH_FEATURE = rf"(?:with|without|w/o|w/)\s+{_FEATURE}(?:\s*(?:,|or|and|/)\s*{_FEATURE})?"
# "PD with motor fluctuations (wearing off) and peak-dose dyskinesia": a second feature after "and" continues
# the "with" list of the condition before it (one word may describe each feature).
_WITH_ONE_FEATURE = re.compile(rf"\b(?:with|w/)\s+(?:[a-z-]+\s+)?{_FEATURE}\b", re.IGNORECASE)
_ONE_MORE_FEATURE = re.compile(rf"\s*(?:[a-z-]+\s+)?{_FEATURE}(?:\s*\([^()]*\))?[\s.]*", re.IGNORECASE)


def continues_with_list(previous: str, chunk: str) -> bool:
    """Is ``chunk`` (after "and") one more feature of the "with" list that ends ``previous``?"""
    return _WITH_ONE_FEATURE.search(previous) is not None and _ONE_MORE_FEATURE.fullmatch(chunk) is not None


# The origin the Index subdivides by ("Insomnia, primary" F51.01, "Hypertension, secondary" I15.9).
_ORIGIN = r"(?:primary|secondary|idiopathic|essential|familial|congenital|acquired|seasonal|perennial)"
# The kind the Index subdivides by ("Incontinence, urine, mixed (stress and urge)" N39.46, "Hyperlipidemia,
# mixed" E78.2, "Enuresis, nocturnal" N39.44): "Urinary incontinence, mixed" is one condition.
_KIND = r"(?:mixed|stress|urge|overflow|nocturnal|diurnal)"
# ... and the cause said as an adjective after the comma ("Neutropenia, chemo-induced": Neutropenia,
# drug-induced, due to cytoreductive cancer chemotherapy D70.1)
_INDUCED = CAUSE_ADJECTIVE
# The onset the titles subdivide by ("Alzheimer's dementia, late onset" G30.1, "Asthma, adult onset").
_ONSET = r"(?:early|late|adult|childhood|juvenile|young[- ]adult)[- ]onset"
# The stage the titles subdivide by ("Macular degeneration, intermediate stage", "CKD, stage 3b").
_STAGE = (
    r"(?:(?:early|intermediate|advanced|late|end)[- ](?:dry\s+)?stage|"
    # a macular degeneration's stage said without the word ("dry AMD, intermediate")
    r"intermediate(?:\s+dry)?|early\s+dry|advanced\s+(?:dry|atrophic)|"
    # a named staging system before the stage ("Scadding stage II", "FIGO stage IB")
    r"(?:(?:scadding|gold|figo|rai|binet|ann\s+arbor|ajcc|clinical|pathologic)\s+)?stage\s+(?:[0-5]|i{1,3}|iv|v)[a-c]?|"
    r"(?:with\s+)?(?:active|inactive)\s+(?:choroidal\s+neovascularization|cnv)|(?:with\s+)?inactive\s+scar)"
)
# A burn's depth ("Burn of R hand, 2nd degree"): the 5th character of its T20-T25 code.
_BURN_DEPTH = (
    r"(?:first|second|third|1st|2nd|3rd)[- ]degree(?:\s+burns?)?|(?:partial|full)[- ]thickness(?:\s+burns?)?"
)
# (with its evidence after a colon: "in early remission: last use 2/2026")
_REMISSION = (
    r"(?:in\s+)?(?:(?:early|sustained|partial|full|complete)\s+)?remission(?:\s*\([^)]*\)?|\s*:\s*[^,;:()]*)?"
)
# How far an embolism or a lesion reaches, in the words the titles subdivide by ("PE, single subsegmental
# LLL" I26.93, "saddle", "multiple subsegmental"), and a grade a classification gives the condition before it
# ("Esophagitis, LA grade B", "Internal hemorrhoids, grade 3").
_EXTENT = (
    r"(?:(?:single|multiple|solitary)\s+)?(?:subsegmental|segmental|lobar|saddle)"
    r"(?:\s+(?:[rl][uml]l|lobes?))?"
)
_GRADE = (
    r"(?:(?:la|los\s+angeles)\s+)?grade\s+(?:[a-d1-4]|i{1,3}|iv)\b(?:\s*,?\s*(?:with|without|w/o)\s+\w+)?"
)
# What a test or a procedure found, after its colon ("Colonoscopy for screening: found 2 adenomas"): the
# findings are conditions of their own, not words of the procedure.
_FINDINGS_AFTER = re.compile(
    r"\s*(?:found|showed|shows|revealed|reveals|notable\s+for|significant\s+for)\s", re.IGNORECASE
)
# A rheumatoid factor said after the arthritis ("RA, seropositive"; "rheumatoid arthritis, RF+")
_SERO = (
    r"(?:rf\s+|ccp\s+)?sero-?(?:positive|negative|\+|-)|"
    r"(?:rf|rheumatoid\s+factor|anti-?ccp|ccp)\s*(?:positive|negative|pos|neg|\+|-)"
)
# A substance use disorder's withdrawal said after its comma ("AUD severe, in withdrawal w/o complications")
_WITHDRAWAL = (
    r"(?:in\s+|with\s+|w/\s*)?(?:acute\s+)?withdrawal(?:\s+(?:with|w/|without|w/o)\s+[a-z]+(?:\s+[a-z]+)?)?"
)
_COMPLETES_PREVIOUS = re.compile(
    rf"\s*(?:(?:(?:involving|affecting)\s+(?:the\s+|his\s+|her\s+)?)?(?:right|left|bilateral|both|r|l|rt|lt)\s+"
    rf"{_SITE}|{_MIDLINE_SITE}|"
    # a type only supposed ("Headache - likely tension type") completes nothing: the symptom stays
    rf"{_SERO}|(?!(?:likely|probabl[ey]|possibl[ey]|suspected|questionable|presumed)\b)[a-z]+(?:\s+[a-z]+)?\s+type|"
    rf"[rl][uml]l|{_SPINE_REGION}|{_PHALANX}|"
    rf"{_STRUCTURE}|{_COLON_PART}|{_BREAST_PART}|{_ULCER_DEPTH}|{_EPISODE}|{_REMISSION}|{_ONSET}|{_ORIGIN}|{_KIND}|{_INDUCED}|{_WITH_FEATURE}|{_STAGE}|{_BURN_DEPTH}|"
    rf"{_EXTENT}|{_GRADE}|{_WITHDRAWAL}|"
    rf"{_INJURY_ENCOUNTER})[\s.!?]*",
    re.IGNORECASE,
)


# Allergen kinds that share one head noun ("due to tree and grass pollen", "tree, grass and weed pollens"):
# one term, the pollen of each.
_SHARED_ALLERGEN = re.compile(
    r"\b(?:tree|grass|weed|ragweed)(?:\s*(?:,|/|&|\band\b|\bor\b)\s*(?:tree|grass|weed|ragweed))+\s+pollens?\b",
    re.IGNORECASE,
)
# A bracketed list of what the condition is not ("respiratory failure (not hypercapnic, not chronic)"): its
# commas do not end the condition's mention.
_DENIED_REMARK = re.compile(r"\((?:not|no|without)\s[^()]*\)", re.IGNORECASE)
# A parenthesis (closed or not: "uncomplicated (no delirium") explains the words before it.
_PARENTHESIS = re.compile(r"\([^)]*\)?")


def _only_qualifiers(chunk: str) -> str | None:
    """ "uncomplicated (no delirium": qualifier words (and a parenthesis): they qualify the condition before
    them (the qualifier reader reads them there) and are not searched on their own."""
    words = tokens(_PARENTHESIS.sub(" ", chunk))
    if not words or not all(w in QUALIFIERS for w in words):
        return None
    for inside in _PARENTHESIS.findall(chunk):
        said = tokens(inside)
        if said and said[0] not in ("no", "not", "without") and not all(w in QUALIFIERS for w in said):
            return None  # "mild (alcohol abuse)": the parenthesis names the condition
    return "status"


# Words that describe a condition before its name, as a leading list ("Complete, nontraumatic ...").
_LEADING_WORDS = QUALIFIERS | frozenset(
    tokens(
        "complete incomplete non traumatic nontraumatic total displaced nondisplaced closed open simple well"
    )
)


def _leads_next(sentence: str, pieces: list[tuple[int, int]], i: int, merged: list[tuple[int, int]]) -> bool:
    """Does piece ``i`` only describe the condition named after its comma ("Mild, intermittent asthma")?"""
    start, end = pieces[i]
    words = tokens(sentence[start:end])
    if not words or i + 1 >= len(pieces) or not all(w in _LEADING_WORDS for w in words):
        return False
    following = sentence[slice(*pieces[i + 1])]
    if sentence[end : pieces[i + 1][0]].strip() != ",":
        return False
    if all(w in _LEADING_WORDS for w in tokens(following)) or why_not_coded(following):
        return False  # what follows names no condition ("stable, continue lisinopril")
    return not merged or sentence[merged[-1][1] : start].strip() != ","


_REMISSION_RE = re.compile(rf"\s*{_REMISSION}[\s.!?]*", re.IGNORECASE)


def _treatment_between(sentence: str, merged: list[tuple[int, int]]) -> bool:
    """The piece before a remission is the treatment of the disorder before it ("on maintenance
    buprenorphine"): the remission is the disorder's."""
    return len(merged) >= 2 and why_not_coded(sentence[merged[-1][0] : merged[-1][1]]) == "medication"


def qualifies_previous(chunk: str) -> bool:
    """ "Otitis media, R ear", "Schizoaffective disorder, bipolar type": the chunk after the comma says
    which side or which type of the condition named before it."""
    return _COMPLETES_PREVIOUS.fullmatch(chunk) is not None


_AND = re.compile(r"\s*and\s*", re.IGNORECASE)
_OF_SITE = re.compile(r"[a-z-]+(?:\s+[a-z-]+)?\s+(of\s+.+)", re.IGNORECASE)


_WITH_BETWEEN = re.compile(r"\s*(?:with|w/)\s*", re.IGNORECASE)
# A side and a body part that ends a condition ("Cat bite right index finger"): a site a second condition
# said after "with" and without a site of its own shares ("... with early cellulitis": of the finger).
_SIDED_SITE = re.compile(
    r"\b(?:right|left)\s+(?:[a-z]+\s+){0,2}?(?:finger|toe|thumb|hand|foot|arm|forearm|leg|lower\s+leg|knee|"
    r"ankle|wrist|elbow|shoulder|hip|thigh|calf|shin|heel|axilla|breast|buttock)\s*$",
    re.IGNORECASE,
)


def _share_site_after_with(first: Mention, second: Mention) -> None:
    if second.not_coded or second.negated or len(tokens(second.query)) > 3:
        return
    if re.search(r"\b(?:of|on|at|in|right|left|bilateral)\b", second.query, re.IGNORECASE):
        return  # the second condition names its own site
    site = _SIDED_SITE.search(first.query)
    if site is not None:
        second.query = f"{second.query} of {site.group(0).strip()}"


def _share_site(first: Mention, second: Mention, between: str) -> None:
    """ "Cellulitis and abscess of right lower leg": the site after the second condition is the first's too
    (searched with it; the evidence span stays the first's own words)."""
    if _WITH_BETWEEN.fullmatch(between) and not first.not_coded and not first.negated:
        _share_site_after_with(first, second)
        return
    if first.not_coded or first.negated or " of " in f" {first.text.lower()} " or not _AND.fullmatch(between):
        return
    if second.not_coded or second.negated or second.history or second.family or second.uncertain:
        return  # "Hypertension and history of stroke": no shared site
    site = _OF_SITE.fullmatch(second.text)
    if site and len(first.text.split()) <= 3:
        where = re.split(r"\b(?:due|secondary|with|without|from|caused|after)\b", site.group(1), maxsplit=1)[
            0
        ]
        first.query = f"{first.query} {expand_abbreviations(where.strip())}"


_MARKER = re.compile(r"\s*(?:[-*•#]|\d{1,2}[.)]|[a-hA-H][.)])")


# Sections whose lines are headed by a body system ("Neuro: CN II-XII intact", "GI: no nausea").
_SYSTEM_SECTIONS = frozenset({"exam", "ros"})
_LINE_LABEL = re.compile(r"[ \t]*(?:[-*•#]\s*)?([A-Za-z/ ]{2,20}?)[ \t]*:")


# A problem-oriented entry headed "Problem:" ("Problem: Type 2 DM with gastroparesis", then "Status: ..."
# lines): the line is a problem of its own, the heading no part of it.
_PROBLEM_HEADING = re.compile(r"[ \t]*(?:[-*•]\s*)?(problem\s*(?:\d{1,2})?)[ \t]*:", re.IGNORECASE)


def _line_heading(text: str) -> bool:
    """A problem line's heading before its colon: a specialty ("Rheum") or the word "Problem"."""
    return is_specialty_label(text) or _PROBLEM_HEADING.fullmatch(f"{text.strip()}:") is not None


def _specialty_line(note: str, line_start: int, section: str) -> bool:
    """A problem line headed by a specialty ("Rheum: RA on MTX", "Cards: AFib on Eliquis")."""
    label = _LINE_LABEL.match(note, line_start)
    return section not in _SYSTEM_SECTIONS and label is not None and is_specialty_label(label.group(1))


def _first_on_line(note: str, line_start: int, s_start: int) -> bool:
    """Whether the sentence starting at ``s_start`` is the first on its line (after any list marker)."""
    before = note[line_start:s_start]
    marker = _MARKER.match(before)
    before = before[marker.end() :] if marker else before
    header = _HEADER_RE.match(before)  # "Dx: ...", "Impression: 1. ...": the line's first problem follows
    if header:
        before = before[header.end() :]
        marker = _MARKER.match(before)
        before = before[marker.end() :] if marker else before
    return not tokens(before)


def _cancer_screened(text: str) -> bool:
    """ "LDCT lung cancer screening today": the cancer screened for, not a cancer (the encounter codes it)."""
    return names_neoplasm(text) and screening_sentence(text)


def _strip_span(note: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (note[start].isspace() or note[start] in _BULLET_CHARS and _is_bullet(note, start)):
        start += 1
    while end > start and (note[end - 1].isspace() or note[end - 1] in ".,;:"):
        end -= 1
    return start, end


def _is_bullet(note: str, i: int) -> bool:
    # Leading list markers: "1.", "2)", "-", "*" at the start of a span.
    ch = note[i]
    if ch in "-*•#>":
        return True
    if ch.isalpha() and i + 2 < len(note) and note[i + 1] in ".)" and note[i + 2] in " \t":
        return (
            (i == 0 or not note[i - 1].isalnum())
            and ch.lower() in "abcdefgh"  # "a) asthma"
            and not initial_starts_term(note, i)  # "C. diff colitis"
        )
    if ch.isdigit():
        j = i
        while j < len(note) and note[j].isdigit():
            j += 1
        return j < len(note) and note[j] in ".)" and (j + 1 >= len(note) or note[j + 1].isspace())
    return ch in ".,:;()" and True


# "Surrounding skin: no erythema", "Full skin exam: no suspicious lesions": an exam heading, then a denial
_EXAM_LABEL = re.compile(
    r"^(?:[\w/-]+\s+){0,3}(?:skin|exam|lungs?|heart|cv|abd(?:omen)?|ext(?:remities)?|wound|heent|neuro|"
    r"psych|msk|gu|chest|resp(?:iratory)?|eyes?|ears?|throat|neck|surrounding\s+\w+|"
    # a label of the interval history ("Interval: no thrombosis", "ROS: no fever")
    r"interval(?:\s+history)?|interim|today|update|overnight|events|ros|"
    # a procedure's check before or after it ("Pre-injection: no URI sx", "Post-procedure: no bleeding")
    r"(?:pre|post)-?(?:injection|procedure|op|operative|infusion|shot))\s*:\s*$|"
    # an imaging study and its reading ("foot XR no osteomyelitis", "CT head: no bleed", "KUB + renal US
    # 12/1: no residual stone")
    r"^(?:[\w/+&-]+\s+){0,3}(?:xr|x-?rays?|cxr|kub|ct|mri|ultrasound|us|films?|radiographs?)(?:\s+[\w/-]+){0,2}\s*:?\s*$",
    re.IGNORECASE,
)


_NEGATORS = frozenset({"no", "not", "non"})


def _denies_a_condition(chunk: str) -> bool:
    """ "no PE", "no MI": a short chunk that denies an abbreviated condition is its own statement, not a
    qualifier of the chunk before it ("HTN, not controlled" still is)."""
    words = tokens(chunk)
    return (
        bool(words)
        and words[0] in _NEGATORS
        and any(w not in QUALIFIERS and w not in _NEGATORS for w in words)
    )


def _exam_label(text: str) -> bool:
    return _EXAM_LABEL.match(text.strip() + " ") is not None


# A test named before what it looks for ("renal US to look for stones", "MRI to evaluate for MS"): the test is
# no concept of its own, so the uncertainty reaches the condition after it.
_TEST_BEFORE = re.compile(
    r"\b(?:us|ultrasound|ct|cta|mri|mra|x-?rays?|xr|cxr|films?|scan|echo|tte|tee|ekg|ecg|eeg|emg|labs?|"
    r"biopsy|bx|colonoscopy|egd|endoscopy|tests?|testing|panel|culture|cx|ua|imaging|study|studies|"
    r"work-?up|holter|monitor)\b(?:\s+[\w-]+){0,2}\s*\(?\s*$",
    re.IGNORECASE,
)
# What a test named before it looks for ("cold bx x2 (r/o H. pylori)", "CT to exclude PE", "bx pending for H.
# pylori"): the condition is not established by the test's mention.
_LOOKS_FOR = re.compile(
    r"(?:to\s+)?(?:look|looking|evaluate|eval|assess|check)\s+for|rule\s+out|r/o|to\s+exclude|pending\s+for",
    re.IGNORECASE,
)


def _test_looks_for(before: str, trigger: str) -> bool:
    return _LOOKS_FOR.fullmatch(trigger.strip()) is not None and _TEST_BEFORE.search(before) is not None


def _own_parenthesis(between: str) -> bool:
    """A parenthesis that names its own subject before a denial ("ovarian ca (sister BRCA neg)"): the denial
    is the parenthesis's, not the condition's before it ("lupus (ruled out)" stays denied)."""
    opened = between.rfind("(")
    return opened >= 0 and ")" not in between[opened:] and bool(tokens(between[opened + 1 :]))


# "-fever, -rigors", "Bleeding ROS neg: -melena/BRBPR": a minus sign joined to a finding says it is absent. A
# dash that opens the line is a bullet ("-HTN controlled"), unless the line goes on listing findings so.
_MINUS_SIGN = re.compile(r"(?:^|[\s,;:(])-$")
_MINUS_LIST = re.compile(r"[,;:(]\s*-[A-Za-z]")
_HYPOTHETICAL = re.compile(r"\s*(if|unless)\b", re.IGNORECASE)
# What the patient is told to come back for ("Return/ED precautions: swelling, SOB", "to ED for any
# bleeding"): the signs to watch for, none of them present.
_RETURN_FOR = re.compile(
    r"\b(?:(?:return|ed|er)(?:\s*/\s*(?:return|ed|er))?\s+precautions?\b|"
    r"\bto\s+(?:the\s+)?(?:ed|er|l&d)\s+(?:if|for\s+any)|\bwatch\s+for)\b|"
    # an instruction that opens its sentence or follows a heading ("Return/ED for leg weakness",
    # "Instructions: ED for CP", "RTC/ED if fever, vision change") and the signs to "watch for"; "Went to
    # the ED for chest pain" tells what happened
    r"(?:^|[:;])\s*(?:(?:return|rtc|ed|er|call|come\s+back|go\s+to\s+(?:the\s+)?(?:ed|er))"
    r"(?:\s*/\s*(?:return|rtc|ed|er|call|uc|urgent\s+care))*(?:\s+to\s+(?:the\s+)?(?:ed|er|clinic))?"
    r"|seek\s+(?:medical\s+)?(?:care|attention))\s+(?:for|if)\b",
    re.IGNORECASE,
)


def _minus_sign(sentence: str, chunk_start: int) -> bool:
    before = sentence[:chunk_start]
    if not _MINUS_SIGN.search(before):
        return False
    return bool(before[:-1].strip()) or _MINUS_LIST.search(sentence) is not None


# Who the patient is, ahead of the trigger ("55 yo M with history of ...", "Male with h/o ..."): no concept
# comes before the trigger, so it scopes over what follows as it does after "Patient with" (not a status
# post, which names the procedure and no condition: "70M s/p CABG 2015, now with chest pain"), and only over a
# short item: a narrative's "A 46-year-old male with no history of interest presented with anemia" goes on.
_WHO_LEADS = re.compile(
    rf"\s*(?:(?:a|an|this|the)\s+)?(?:\d{{1,3}}\s?[MF]\b|(?:{AGE})(?:\s+(?:[MF]\b|{WHO}))?|"
    r"male|female|man|woman|gentleman|lady|boy|girl)\s*(?:,\s*)?(?:with|w/|who\s+has|has|had)?\s*(?:(?:a|an)\s+)?",
    re.IGNORECASE,
)


# Who tells the patient's story, ahead of the trigger ("Partner denies snoring", "Per mom no fever"): the
# denial or the doubt is about the patient's condition, as after "Pt denies".
_INFORMANT_LEADS = re.compile(
    r"\s*(?:per\s+)?(?:(?:his|her|their|the)\s+)?"
    rf"(?:{RELATIVES}|(?:bed\s*)?partner|wife|husband|spouse|girlfriend|boyfriend|roommate|caregivers?|"
    r"guardian|family)\s*,?\s*",
    re.IGNORECASE,
)

# Who the doubt or the denial is spoken by or of, ahead of its trigger in a dictated sentence ("I doubt
# Parkinson's disease", "so I also doubt a stroke", "He does not have chronic kidney disease"): the scope is
# the condition's.
_SPEAKER_LEADS = re.compile(
    r"\s*(?:(?:and|so|but)\s+)?(?:i|we|he|she|they)\s+(?:also\s+|still\s+|really\s+|strongly\s+)?"
    r"(?:(?:does|did|do)\s+)?",
    re.IGNORECASE,
)


@per_request  # a sentence's chunks each look for the triggers around them: the sentence is scanned once
def _trigger_matches(sentence: str) -> tuple[tuple[re.Match[str], ...], ...]:
    """The negation, uncertainty, history, family and post-negation triggers' matches in a sentence."""
    return tuple(
        tuple(rx.finditer(sentence))
        for rx in (_NEG_RE, _UNC_RE, _HIST_RE, _FAM_RE, _NEG_POST_RE, _UNC_POST_RE)
    )


# A chunk that opens with its condition free ("now stone-free after URS", "seizure-free x2 yr"): absent; not
# a product or a diet ("gluten-free diet", "fragrance-free moisturizer", "smoke-free home").
_FREE_CHUNK = re.compile(r"\s*(?:(?:now|remains|is|stays|still)\s+)?(?P<what>[a-z]+)-free\b", re.IGNORECASE)
_FREE_PRODUCTS = frozenset(
    tokens(
        "gluten sugar lactose dairy fat salt latex fragrance smoke alcohol caffeine nut peanut oil soap dye"
    )
)


def _scope_flags(sentence: str, chunk_start: int, chunk_end: int) -> tuple[dict[str, bool], list[str]]:
    """ConText: a trigger before the chunk (no terminator between) or inside it scopes over it."""
    flags = {"negated": False, "uncertain": False, "history": False, "family": False}
    triggers: list[str] = []
    found = _trigger_matches(sentence)
    for key, matches in zip(("negated", "uncertain", "history", "family"), found, strict=False):
        for m in matches:
            if m.start() >= chunk_end:
                continue
            before = sentence[chunk_start : m.start()] if chunk_start < m.start() else ""
            if (
                tokens(before)
                and not (key == "history" and _who_leads(before, m, sentence[m.end() : chunk_end]))
                and not (
                    key == "history" and _COUNT_LEADS.fullmatch(before) and m.group(0).lower() in _PAST_WORDS
                )
                # a relative's own condition inside the chunk ("testing after sister's ovarian cancer")
                and not (
                    key == "family" and _AFTER_WORD.search(before) and _POSSESSIVE.match(sentence, m.end())
                )
                and not (
                    key in ("negated", "uncertain")
                    and (_INFORMANT_LEADS.fullmatch(before) or _SPEAKER_LEADS.fullmatch(before))
                )
                and not (key == "negated" and _exam_label(before))
                and not _test_looks_for(before, m.group(0))
            ):
                continue  # "diabetes without complications": the concept comes before the trigger
            if m.end() <= chunk_start:
                between = sentence[m.end() : chunk_start]
                if between.lstrip().startswith(":"):  # "Denies: fever, chills": the trigger's own colon
                    between = between.lstrip()[1:]
                if (
                    _TERM_RE.search(between)
                    or (key == "history" and _NOW_CLAUSE.search(sentence, m.end(), chunk_start + 12))
                    or _CLAUSE_GAP.search(between)
                    and (_SUBJECT.match(sentence, chunk_start) or _WITH_CLAUSE.match(sentence, chunk_start))
                    or _CAUSE_CLAUSE.search(sentence[m.end() : min(chunk_end, chunk_start + 16)])
                ):
                    continue
                if key != "negated" and len(between.split()) > 12:
                    continue
                feature = _FEATURE_DENIED.fullmatch(m.group(0).strip())
                if key == "negated" and feature and _DASH.search(between):
                    continue  # "ulcer without perforation - on PPI, H. pylori treated": no denied plan
                if (
                    key == "history"
                    and _STATUS_POST_TRIGGER.fullmatch(m.group(0).strip())
                    and "," in between
                    and not _PROCEDURE_OR_EVENT.search(sentence, chunk_start, chunk_end)
                ):
                    continue
            flags[key] = True
            triggers.append(f"{key}:{m.group(0).strip().lower()}")
    for m, key in [(m, "negated") for m in found[4]] + [(m, "uncertain") for m in found[5]]:
        between = sentence[chunk_end : m.start()]
        label = _LABEL_SAYS.fullmatch(between) and _ABSENT.fullmatch(m.group(0))  # "Retinopathy: none"
        label = label or _RESOLVED_TAIL.fullmatch(
            between + sentence[m.start() :]
        )  # "Neonatal jaundice, resolved"
        after_dash = _DASH.split(between)[-1] if _DASH.search(between) else ""
        apart = _TERM_RE.search(between) or "," in between or tokens(after_dash) or _own_parenthesis(between)
        last = not sentence[m.end() :].strip(" .;!\n") and not _DOUBT_BEFORE.search(sentence, 0, m.start())
        if _ANSWER_ONLY.fullmatch(m.group(0)) and not label and not last:
            continue  # "adenopathy not present on the old film": a label's answer or the sentence's last word
        if m.start() >= chunk_start and (label or not apart):
            flags[key] = True
            triggers.append(f"{key}:{m.group(0).strip().lower()}")
    free = _FREE_CHUNK.match(sentence, chunk_start, chunk_end)
    if not flags["negated"] and free and free.group("what").lower() not in _FREE_PRODUCTS:
        flags["negated"] = True  # "now stone-free after URS": the chunk's own condition is absent
        triggers.append("negated:-free")
    if not flags["negated"] and _minus_sign(sentence, chunk_start):
        flags["negated"] = True
        triggers.append("negated:-")
    hypothetical = _HYPOTHETICAL.match(sentence, chunk_start)
    if not flags["negated"] and hypothetical:
        flags["negated"] = True  # a condition the plan waits for is not there (hypothetical)
        triggers.append(f"negated:{hypothetical.group(1).lower()}")
    told = next(
        (m for m in _RETURN_FOR.finditer(sentence, 0, chunk_end) if tokens(sentence[m.end() : chunk_end])),
        None,
    )
    if not flags["negated"] and told:
        flags["negated"] = True
        triggers.append("negated:return precautions")
    return flags, triggers


def said_past_or_absent(note: str, start: int, end: int) -> bool:
    """Whether a span the rules found ("hx MRSA abscess 2023", "no E. coli") is in the scope of a negation,
    history or family trigger of its own sentence: no current finding."""
    sentence = next((m for m in _SENTENCE_RE.finditer(note) if m.start() <= start < m.end()), None)
    if sentence is None:
        return False
    text, at = sentence.group(0), start - sentence.start()
    # its own chunk ("Acute cystitis without hematuria, E. coli": the denial is the hematuria's)
    chunk_start = max((c.end() for c in _CHUNK_SPLIT.finditer(text) if c.end() <= at), default=0)
    chunk_end = min(
        (c.start() for c in _CHUNK_SPLIT.finditer(text, at) if c.start() >= at), default=len(text)
    )
    flags, _ = _scope_flags(
        text[chunk_start:chunk_end], at - chunk_start, end - sentence.start() - chunk_start
    )
    return flags["negated"] or flags["history"] or flags["family"]


@per_request  # asked twice of each chunk (its own scope, then whether it is kept)
def _trigger_only(text: str) -> bool:
    stripped = text
    for regex in (_NEG_RE, _UNC_RE, _HIST_RE, _FAM_RE):
        stripped = regex.sub(" ", stripped)
    content = [t for t in tokens(stripped) if len(t) > 1 and not t.isdigit()]
    return len(content) < _CONTENT_MIN


_TRAILING_NUMBER = re.compile(r"\s+(\d{1,2})$")
_ITEM_MARK = re.compile(r"[.)][ \t]+[A-Za-z]")  # the next item on the same line


def next_item_number(note: str, start: int, end: int) -> bool:
    """Is ``note[start:end]`` the number of the next item of a list that runs on one line ("1. CKD 2. HTN":
    the "2" after "CKD" is no stage): a number followed by "." or ")" and a word, one more than a number the
    line has already used as an item's."""
    if not note[start:end].isdigit() or not _ITEM_MARK.match(note, end):
        return False
    number = int(note[start:end])
    line = note[note.rfind("\n", 0, start) + 1 : start]
    return number >= 2 and re.search(rf"(?:^|\s){number - 1}[.)]\s", line) is not None


def _before_next_item(note: str, a: int, b: int) -> int:
    """Where a chunk ends when a numbered list runs on one line: before the next item's number."""
    m = _TRAILING_NUMBER.search(note, a, b)
    return m.start() if m is not None and next_item_number(note, m.start(1), b) else b


# An assessment written as a paragraph of "problem - plan" sentences ("A/P: SLE - continue MMF. Osteopenia -
# DEXA 2027."): each sentence heads its own problem.
_DASHED_PROBLEM = re.compile(r"\s*[A-Za-z][^.;:\n]{1,60}?\s[-–—]\s+\S")
_ITEM_NUMBER = re.compile(r"(?:^|\s)(\d{1,2})[.)]\s*$")


def _starts_inline_item(note: str, gap_start: int, at: int) -> bool:
    """The mention at ``at`` begins the next item of a list that runs on one line ("1. Otitis 2. Herpangina"):
    a problem of its own, as on a line of its own."""
    m = _ITEM_NUMBER.search(note, gap_start, at)
    return m is not None and next_item_number(note, m.start(1), m.end(1))


PHRASE_WORDS = 20
# A longer line that ends without a sentence mark is one diagnosis statement as the older classifications
# wrote them ("..., without mention of X, with Y, episode of care unspecified"), not a note's sentence.
STATEMENT_WORDS = 40


def is_phrase(text: str) -> bool:
    """A short single-line text (a diagnosis phrase, not a note): searched as one mention."""
    t = text.strip()
    words = len(t.split())
    if words > PHRASE_WORDS and (
        words > STATEMENT_WORDS or t.endswith((".", "!", "?")) or _SPOKEN_DICTATION.search(t)
    ):
        return False  # a paragraph, a sentence or a dictation (its marks spoken)
    return not ("\n" in t or re.search(r"[.!?;]\s+\S", t) or _HEADER_RE.match(t))


# Voice-recognition dictation: the punctuation is spoken ("... follow up period his legs are less
# swollen comma ...", "new paragraph") and a sentence can run on with no mark at all. A coder reads the spoken
# marks as marks and hears a new clause where a new statement starts. Both are rewritten in place, one
# character for each (the mentions stay spans of the note as sent).
_SPOKEN_DICTATION = re.compile(r"\b(?:comma|(?:new|next)\s+paragraph|full\s+stop)\b", re.IGNORECASE)
_SPOKEN_MARKS = (
    (re.compile(r"\bcomma\b", re.IGNORECASE), ","),
    (re.compile(r"\bsemicolon\b", re.IGNORECASE), ";"),
    (re.compile(r"\bfull\s+stop\b", re.IGNORECASE), "."),
    # "her last period", "menstrual period", "period of observation" are no marks
    (
        re.compile(
            r"(?<!menstrual\s)(?<!\blast\s)(?<!\bfirst\s)(?<!\bmissed\s)(?<!postpartum\s)(?<!\bthe\s)(?<!\ba\s)"
            r"(?<!\bthis\s)(?<!\bthat\s)(?<!\bher\s)\bperiods?\b(?!\s+(?:of|was|is|for|started|began|came|ago)\b)",
            re.IGNORECASE,
        ),
        ".",
    ),
    (re.compile(r"\b(?:new|next)\s+(?:paragraph|line)\b", re.IGNORECASE), "\n"),
)
# A spoken heading at a line's start ("assessment primary membranous nephropathy ..."): its colon unsaid.
_SPOKEN_HEADER = re.compile(
    r"^[ \t]*(?:assessment(?:\s+and\s+plan)?|impression|plan|diagnos[ie]s)(?P<gap>[ \t]+)(?=[a-z])",
    re.IGNORECASE | re.MULTILINE,
)
_RUN_ON_WORDS = 30
_MARKED = re.compile(r"[,;:()]")
# Where a run-on sentence starts a new statement: its subject and verb ("she has never been diagnosed",
# "I think", "we will"), a conclusion ("so this is", "consistent with") or the plan.
_CLAUSE_START = re.compile(
    r"(?<!\bso)\s(?=(?:(?:so\s+)?(?:she|he|they|we|i|it|this)\s+(?:also\s+|still\s+|just\s+|now\s+)?"
    r"(?:has|have|had|is|was|were|am|will|would|reports?|says?|said|denies|smokes|drinks|takes|took|"
    r"thinks?|feels?|notes?|states?|spent|gave|started|stopped|quit|does|did)|"
    r"consistent\s+with|which\s+is|plan|assessment|impression)\b)",
    re.IGNORECASE,
)


# The dictated conclusion ("so this is community acquired pneumonia with ...", "my impression is ..."): the
# assessment, heard where a written note has its heading.
_CONCLUSION = re.compile(r"\bso\s+this\s+is\b|\bmy\s+(?:assessment|impression)\s+is\b", re.IGNORECASE)
_SPOKEN_IMPRESSION = "\nimp:"


def read_dictation(note: str) -> str:
    """The note with its spoken punctuation written and its run-on sentences cut into clauses, of the same
    length; a written note is returned as it is."""
    out = list(note)
    if _SPOKEN_DICTATION.search(note):
        for rx, mark in _SPOKEN_MARKS:
            for m in rx.finditer(note):
                out[m.start() : m.end()] = mark + " " * (m.end() - m.start() - 1)
        note = "".join(out)
        for m in _SPOKEN_HEADER.finditer(note):
            out[m.start("gap")] = ":"
    note = "".join(out)
    for sm in _SENTENCE_RE.finditer(note):
        sentence = sm.group(0)
        if len(sentence.split()) < _RUN_ON_WORDS or _MARKED.search(sentence):
            continue
        for m in _CLAUSE_START.finditer(note, sm.start() + 1, sm.end()):
            out[m.start()] = ";"
        for m in _CONCLUSION.finditer(note, sm.start(), sm.end()):
            out[m.start() : m.end()] = _SPOKEN_IMPRESSION.ljust(m.end() - m.start())
    return "".join(out)


# A use disorder told without its substance ("# Cocaine use - used twice ... Mild use disorder (2 criteria)"):
# the substance the problem line named before it.
_SUBSTANCES = (
    r"alcohol|etoh|opioids?|opiates?|heroin|fentanyl|cocaine|cannabis|marijuana|thc|methamphetamine|"
    r"amphetamines?|stimulants?|benzodiazepines?|sedatives?|hallucinogens?|inhalants?|nicotine|tobacco"
)
_BARE_USE_DISORDER = re.compile(
    r"^\W*(?:(mild|moderate|severe)\s+)?(?:substance\s+)?use\s+disorder\b(?:\W+(mild|moderate|severe)\b)?",
    re.IGNORECASE,
)


def use_disorder_of_line(note: str, line_start: int, start: int, query: str) -> str:
    """The query of a use disorder said without a substance, with the substance its line named before it."""
    bare = _BARE_USE_DISORDER.match(query)
    if bare is None or re.search(rf"\b(?:{_SUBSTANCES})\b", query, re.IGNORECASE):
        return query
    named = re.findall(rf"\b({_SUBSTANCES})\b", note[line_start:start], re.IGNORECASE)
    if not named:
        return query
    severity = bare.group(1) or bare.group(2)
    return f"{named[-1].lower()} use disorder" + (f", {severity.lower()}" if severity else "")


def read_note(
    note: str,
    joined: Joined = _never_joined,
    combined: Joined = _always_combined,
    subterm: Joined = _never_joined,
) -> list[Mention]:
    """Mentions of a note, each a span of the original text with its context; ``joined(condition, cause)``
    keeps a condition and its stated cause as one mention, ``combined(condition, tail)`` a condition
    "with" another, ``subterm(condition, chunk)`` a condition and the chunk after its comma."""
    if is_phrase(note):
        start, end = _strip_span(note, 0, len(note))
        if end <= start:
            start, end = 0, len(note)
        status = _STATUS_TAIL.search(note, start, end)  # "shingles - stable": a course that codes nothing
        if status and _COURSE_ONLY.match(status.group("tail")):
            start, end = _strip_span(note, start, status.start())
        mention = _make(
            note, start, end, "assessment", start, end, note[start:end], 0, end - start, whole=True
        )
        mention.qualifiers = read_qualifiers(mention.query)
        return [mention]
    note = read_dictation(note)
    out: list[Mention] = []
    for sec_start, sec_end, section in sections(note):
        for sm in _SENTENCE_RE.finditer(note, sec_start, sec_end):
            s_start, s_end = sm.start(), min(sm.end(), sec_end)
            sentence = note[s_start:s_end]
            if not sentence.strip():
                continue
            pos = 0
            pieces = []
            line_start = note.rfind("\n", 0, s_start) + 1
            problem_line = (
                section in ASSESSMENT_SECTIONS
                or _LIST_LINE.match(note, line_start) is not None
                or _specialty_line(note, line_start, section)
                or _PROBLEM_HEADING.match(note, line_start) is not None
            )
            one_term = [t.span() for t in SITES_OF_ONE_DISEASE.finditer(sentence)]
            one_term += [t.span() for t in _DENIED_REMARK.finditer(sentence)]
            one_term += [t.span() for t in _SHARED_ALLERGEN.finditer(sentence)]
            for cm in _CHUNK_SPLIT.finditer(sentence):
                if any(a < cm.start() < b for a, b in one_term):
                    continue
                left = sentence[pos : cm.start()]
                if cm.group(0).startswith(":") and not (
                    problem_line
                    or _heading(left)
                    or _denied_list(sentence[: cm.start()])
                    or _FINDINGS_AFTER.match(sentence, cm.end())
                ):
                    continue  # "Better eye: moderate impairment": a colon splits problem lines and headings
                pieces.append((pos, cm.start()))
                pos = cm.end()
            pieces.append((pos, len(sentence)))
            merged: list[tuple[int, int]] = []
            lead: int | None = None
            for i, (c_start, c_end) in enumerate(pieces):
                if lead is not None:
                    c_start, lead = lead, None  # "Complete, nontraumatic rotator cuff tear": one mention
                elif _leads_next(sentence, pieces, i, merged):
                    lead = c_start
                    continue
                words = set(tokens(sentence[c_start:c_end]))
                short = all(w in QUALIFIERS or len(w) <= 2 or w.isdigit() for w in words)
                short = (short and not _denies_a_condition(sentence[c_start:c_end])) or qualifies_previous(
                    sentence[c_start:c_end]
                )
                if _STATUS_POST.match(sentence, c_start):  # a cancer's treatment stays with the cancer
                    short = bool(merged) and names_neoplasm(sentence[merged[-1][0] : merged[-1][1]])
                if merged and _MIXED_PAIR.search(sentence[merged[-1][0] : merged[-1][1]]):
                    short = True  # "mixed anxiety and depressed mood", "mixed conductive and sensorineural"
                joint = sentence[merged[-1][1] : c_start].strip().lower() if merged else ""
                if joint == "and" and continues_with_list(
                    sentence[merged[-1][0] : merged[-1][1]], sentence[c_start:c_end]
                ):
                    short = True
                if merged and words and not short and problem_line and joint in (",", "and"):
                    chunk = sentence[c_start:c_end]
                    course = _STATUS_TAIL.search(chunk) or _REMARK.search(chunk)  # "minimal change - partial
                    # remission", "obstructive (provocable LVOT gradient)"
                    tail = chunk[: course.start()] if course else chunk
                    short = subterm(
                        sentence[merged[-1][0] : merged[-1][1]], f"and {tail}" if joint == "and" else tail
                    )
                if merged and words and short and not why_not_coded(sentence[c_start:c_end]):
                    chunk = sentence[c_start:c_end]
                    if _REMISSION_RE.fullmatch(chunk) and _treatment_between(sentence, merged):
                        merged.pop()  # "OUD, on buprenorphine, in sustained remission": the disorder's
                    merged[-1] = (merged[-1][0], c_end)  # "Cholera, unspecified": one mention
                else:
                    merged.append((c_start, c_end))
            pieces = _split_causes(sentence, merged, joined)
            if problem_line:  # a diagnosis line; the narrative's "with" ("treated with", "seen with") stays
                pieces = _split_causes(sentence, pieces, combined, _WITH_LINK)
            pieces = _split_causes(sentence, pieces, _no_fall_or_blow, INJURY_AFTER_MECHANISM)
            pieces, spread_sites = _split_spread(sentence, pieces)
            pieces, replaced = _split_transplant_reason(sentence, pieces)
            previous: Mention | None = None
            heads_line = (
                problem_line
                and (
                    _first_on_line(note, line_start, s_start)
                    or _starts_inline_item(note, line_start, s_start)
                    or (section in ASSESSMENT_SECTIONS and _DASHED_PROBLEM.match(sentence) is not None)
                    # "# Osteoporosis - start alendronate. # Vit D insufficiency.": "#" items on one line
                    or (section in ASSESSMENT_SECTIONS and sentence.lstrip().startswith("#"))
                    # the first words after an inline heading ("... Neck pain. Dx: cervical strain")
                    or (section in ASSESSMENT_SECTIONS and not note[sec_start:s_start].strip())
                )
            )
            screened = screening_sentence(sentence) or ehr_order(sentence)
            topic = False
            for c_start, c_end in pieces:
                a, b = _strip_span(note, s_start + c_start, s_start + c_end)
                b = _before_next_item(note, a, b)
                if not tokens(note[a:b]) or (b - a < 3 and expand_span(note, a, b) == note[a:b]):
                    continue  # two letters are a mention only as shorthand ("RA", "ED" beside sildenafil)
                mention = _make(note, a, b, section, s_start, s_end, sentence, a - s_start, b - s_start)
                if problem_line and note[b : b + 1] == ":" and _line_heading(mention.text):
                    mention.not_coded = "label"  # "Rheum: RA on MTX": the line's heading, not its problem
                    out.append(mention)
                    continue
                mention.problem = heads_line and previous is None
                if c_start in spread_sites or next_spread_site(
                    previous, note[previous.end : a] if previous else "", mention.text
                ):
                    mention.query = SECONDARY_OF + mention.query
                mention.query = scoped_site(sentence, mention.query)
                mention.query = use_disorder_of_line(note, line_start, a, mention.query)
                mention.not_coded = (
                    (REPLACED if c_start in replaced or _replaced_then(note, mention) else None)
                    or why_not_coded(mention.text)
                    or _only_qualifiers(mention.text)
                    or ("test" if screened or _cancer_screened(mention.text) else None)
                    or ("immunization given" if vaccine_in_list_given(mention.text, sentence) else None)
                    or ("immunity status" if immunity_in_list(mention.text, sentence) else None)
                    or ("prevention" if precautions_shared(note[b : b + 80]) else None)
                    or _exam_finding(section, mention.text)
                )
                topic = topic or (
                    previous is not None
                    and opens_topic(previous.not_coded, previous.text, note[previous.end : a])
                )
                if topic:
                    mention.not_coded = "plan"
                starts_problem = re.match(r"\s*(?:[-–—]+\s|:)", note[b : b + 4]) is not None
                if mention.not_coded is None and previous is not None and not starts_problem:
                    mention.not_coded = continues_plan(
                        previous.not_coded, note[previous.end : a], mention.text
                    )
                if (
                    mention.not_coded is None
                    and previous is not None
                    and plan_after_dash(note[previous.end : a], mention.text)
                ):
                    mention.not_coded = "plan"
                if mention.not_coded is None and light_drinking(mention.text, note[b : _line_end(note, b)]):
                    mention.not_coded = "social history"
                if mention.not_coded is None and note[b : b + 2].startswith(":") and is_label(mention.text):
                    mention.not_coded = "label"
                if previous is not None:
                    _share_site(previous, mention, note[previous.end : a])
                out.append(mention)
                previous = mention
                if mention.not_coded == "plan" and (treated := treated_condition(mention.text)):
                    c_a, c_b = a + treated[0], a + treated[1]
                    condition = _make(
                        note, c_a, c_b, section, s_start, s_end, sentence, c_a - s_start, c_b - s_start
                    )
                    condition.not_coded = why_not_coded(condition.text)
                    out.append(condition)
    _merge_trigger_only(out)
    _ruled_out_elsewhere(out)
    _tested_in_a_list(note, out)
    kept = [m for m in out if not _trigger_only(m.text)]
    _read_qualifiers(note, kept)
    return kept


# What a lab tests for, named in a list of tests ("HIV, RPR, GC/CT urine sent", "CBC, hep C, HIV ordered"):
# the test's name, not the patient's infection.
_TESTED_FOR = re.compile(
    r"(?:hiv(?:\s*1/2)?(?:\s+ag/ab)?|rpr|vdrl|syphilis|gc|ct|gc/ct|chlamydia|gonorrh?ea|trich\w*|hsv|hcv|hbv|"
    r"hep(?:atitis)?\s*[abc]|hbsag|quantiferon|tb|covid(?:-19)?|flu|strep|mono)",
    re.IGNORECASE,
)
_TEST_KINDS = ("test", "vitals or labs")


_TEST_STATUS = re.compile(
    r"\s+(?:(?:urine|serum|blood|swabs?|pcr|ab|ag|antibody|antigen|screen(?:ing)?)\s+)?"
    r"(?:sent|drawn|ordered|pending|obtained|collected|done)",
    re.IGNORECASE,
)


def _tested_in_a_list(note: str, mentions: list[Mention]) -> None:
    """An infection named with a test's status ("HIV ordered"), or alone in a comma list beside a test of
    the same sentence ("HIV, RPR, GC/CT urine sent"), is tested for."""
    for m in mentions:
        said = _TESTED_FOR.match(m.text.strip())
        if m.not_coded is None and said and _TEST_STATUS.fullmatch(m.text.strip()[said.end() :]):
            m.not_coded = "test"
    for i, m in enumerate(mentions):
        if m.not_coded is not None or not _TESTED_FOR.fullmatch(m.text.strip()):
            continue
        if any(n.not_coded in _TEST_KINDS for step in (-1, 1) for n in _comma_run(note, mentions, i, step)):
            m.not_coded = "test"


def _comma_run(note: str, mentions: list[Mention], i: int, step: int) -> list[Mention]:
    """The mentions joined to mention ``i`` by commas alone, in one direction."""
    run: list[Mention] = []
    j, last = i + step, mentions[i]
    while 0 <= j < len(mentions) and mentions[j].sentence_start == last.sentence_start:
        a, b = (mentions[j], last) if step < 0 else (last, mentions[j])
        if note[a.end : b.start].strip() != ",":
            break
        run.append(mentions[j])
        last = mentions[j]
        j += step
    return run


_RULED_OUT_TRIGGER = re.compile(r"negated:.*\b(?:ruled\s+out|rules\s+out|r/o'?d|excluded)$")


def _ruled_out_elsewhere(mentions: list[Mention]) -> None:
    """A condition to rule out ("adm w/ CP, r/o ACS") that the note later rules out ("ACS r/o'd") is no
    uncertain diagnosis left to code as established in the hospital (II.H / III.C): it is denied."""
    ruled_out = [
        set(tokens(clean_query(n.query)))
        for n in mentions
        if n.negated and any(_RULED_OUT_TRIGGER.match(t) for t in n.triggers)
    ]
    for m in mentions:
        words = set(tokens(clean_query(m.query)))
        if m.uncertain and not m.negated and words and any(words <= said for said in ruled_out):
            m.negated = True
            m.triggers.append("negated:ruled out elsewhere")


def _read_qualifiers(note: str, mentions: list[Mention]) -> None:
    """A mention's qualifiers come from its own words and the status/negated chunks after it in the
    sentence ("Migraine without aura, not intractable", "Hypertension, well controlled") up to the next
    condition."""
    for i, m in enumerate(mentions):
        end = m.sentence_end
        for n in mentions[i + 1 :]:
            if n.sentence_start != m.sentence_start:
                break
            if not (n.negated or n.not_coded or n.normal):
                end = n.start
                break
        said_end = len(note[:end].rstrip(" \t.)"))
        item_end = _before_next_item(note, m.start, said_end)
        if item_end < said_end:
            end = item_end  # "1. CKD 2. HTN": the "2" is no stage
        said = note[m.start : end]
        if any(t.startswith("episode ") for t in m.triggers):
            said = m.query  # the ended episode's words ("exacerbation") are not the condition's state now
        read = read_qualifiers(_NON_CODING.sub(" ", expand_abbreviations(said)))
        m.qualifiers = replace(read, said=words_said(m.query))  # the condition's own words only
    # A poisoning's intent said once in the note ("took the pills to end her life") holds for its mentions:
    # accidental is then no default for them (qualifiers.unstated_intent).
    if states_other_intent(note):
        for m in mentions:
            m.qualifiers = replace(m.qualifiers, intent_elsewhere=True)
    # The type of diabetes is written once ("T1DM since age 9") and holds for every mention ("DKA").
    note_type = diabetes_type(expand_abbreviations(note))
    for m in mentions:
        if note_type and m.qualifiers.diabetes_type is None:
            m.qualifiers = replace(m.qualifiers, diabetes_type=note_type)


def _exam_finding(section: str, chunk: str) -> str | None:
    if section == "instructions":
        return "patient instructions"  # "Jardiance can cause yeast infections": advice, not a diagnosis
    return "exam finding" if section == "exam" and mental_status_descriptor(chunk) else None


def _make(
    note: str,
    a: int,
    b: int,
    section: str,
    s_start: int,
    s_end: int,
    sentence: str,
    c_start: int,
    c_end: int,
    whole: bool = False,
) -> Mention:
    """A mention of ``note[a:b]``; its query leaves out a treatment tail unless ``whole`` (a search phrase is
    searched as written, its "on ..." included)."""
    text = note[a:b]
    searched = len(text) if whole else searched_length(text)
    flags, triggers = _scope_flags(sentence, c_start, c_end)
    if section == "fh":
        flags["family"] = True
    if flags["history"] and (  # "weakness from prior CVA": the deficit is current
        sequela_of_stroke(text)
        or deficit_listed_with_stroke(sentence, c_start, c_end)
        or (_COURSE_NOW.match(sentence, c_end) and not names_neoplasm(text))
    ):
        flags["history"] = False
        triggers = [t for t in triggers if not t.startswith("history:")]
    if not flags["history"] and _DATED_ADMISSION.search(sentence[:c_start]):
        flags["history"] = True  # "HIV dx 2017 when admitted w/ PCP pneumonia": that admission's condition
        triggers.append("history:dated admission")
    if not flags["history"] and POLYP.search(text) and _DATED_COLONOSCOPY.search(sentence[:c_start]):
        flags["history"] = True
        triggers.append("history:dated colonoscopy")
    if not flags["uncertain"] and _VERSUS.search(text):
        flags["uncertain"] = True  # "sacroiliitis vs SI joint dysfunction": two contrasting diagnoses
        triggers.append("uncertain:versus")
    cue = None if flags["history"] else history_cue(sentence, text)
    if cue:
        flags["history"] = True
        triggers.append(f"history:{cue}")
    query = without_sizes(expand_span(sentence, c_start, c_start + searched))
    ended = flags["negated"] and triggers == ["negated:resolved"]
    if (ended or _PAST_STAY.search(sentence[max(0, c_start - 60) : c_end])) and _EPISODE_OF.search(query):
        # "Afib w/ RVR - resolved w/ dilt", "after a recent admission for COPD exacerbation": the episode
        # ended, the condition it came in goes on
        flags["negated"] = flags["history"] = False
        triggers = ["episode resolved" if ended else "episode of a past stay"]
        query = _EPISODE_OF.sub("", query).strip(" ,-")
    mention = Mention(
        start=a,
        end=b,
        text=text,
        query=query,
        section=section,
        sentence_start=s_start,
        sentence_end=s_end,
        triggers=triggers,
        negated=flags["negated"],
        uncertain=flags["uncertain"],
        history=flags["history"],
        family=flags["family"],
        normal=is_normal_finding(text),
    )
    mention.laterality = {side for side, rx in LATERALITY.items() if rx.search(mention.query)} or {
        side for side, rx in LATERALITY.items() if rx.search(expand_abbreviations(sentence))
    }
    context = note[s_start:s_end]
    for char, rx in _ENCOUNTER:
        if rx.search(context):
            mention.encounter = char
            break
    assert note[mention.start : mention.end] == mention.text
    return mention


def is_normal_finding(text: str) -> bool:
    """ "Abdomen soft", "lungs clear to auscultation", "RRR": only body sites and normal descriptors."""
    words = tokens(_NON_PREFIX.sub("non", text))
    return (
        bool(words)
        and not _CONDITION_SITE.search(text)
        and any(w in _NORMAL_WORDS for w in words)
        and all(w in _NORMAL_WORDS or w in _BODY_SITES for w in words)
    )


# A course word right after a "history of" item says the condition is there now ("Hx of eczema, controlled",
# "h/o gout - well controlled on allopurinol"): the patient's problem list, not a past condition. Not
# "stable", which a past event's item says too ("history of DVT - stable"), nor a cancer.
_COURSE_NOW = re.compile(
    r"\s*[,:-]?\s*(?:(?:well|poorly|fairly)[- ])?(?:controlled|uncontrolled|flaring|active|worsening|"
    r"symptomatic)\b",
    re.IGNORECASE,
)


# Two contrasting diagnoses ("X vs Y"): uncertain (outpatient: the symptoms are coded, IV.H; inpatient: both
# as if established, II.H). Not a comparison with an earlier study ("unchanged vs 2023", "new vs prior").
_VERSUS = re.compile(
    r"\w\s+(?:vs\.?|versus)\s+(?!(?:19|20)\d\d\b|prior\b|previous\b|last\b|baseline\b|before\b|the\s+(?:prior|last)\b)\w",
    re.IGNORECASE,
)


_WHO_LEADS_REACH = 6  # words after the trigger: the item itself, not a narrative that goes on
# How many of the past events there were, ahead of the history word ("Two prior SABs", "3 previous UTIs").
_PAST_WORDS = frozenset({"prior", "previous"})
# A test or a service the relative's condition calls for ("cascade testing after sister's ovarian cancer",
# "screening colonoscopy given father's colon cancer"): the condition is the relative's.
_AFTER_WORD = re.compile(
    r"\b(?:test\w*|screen\w*|counsel\w*|referr?\w*|work-?up|evaluation|colonoscopy|mammo\w*)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:after|for|given|because\s+of|due\s+to|following)\s+$",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['\u2019]s\s+[a-z]", re.IGNORECASE)
_COUNT_LEADS = re.compile(
    r"\s*(?:\d{1,2}|one|two|three|four|five|six|several|multiple|many|numerous|(?:a\s+)?few)\s*",
    re.IGNORECASE,
)


def _who_leads(before: str, trigger: re.Match[str], after: str) -> bool:
    """Only who the patient is comes before a history trigger whose item ends the chunk."""
    return (
        _WHO_LEADS.fullmatch(before) is not None
        and not _STATUS_POST_TRIGGER.fullmatch(trigger.group(0).strip())
        and len(after.split()) <= _WHO_LEADS_REACH
    )


def _line_end(note: str, at: int) -> int:
    end = note.find("\n", at)
    return end if end >= 0 else len(note)


def _merge_trigger_only(mentions: list[Mention]) -> None:
    """A chunk that is only a trigger ("no", "denies") still scopes over the rest of its sentence."""
    for i, m in enumerate(mentions):
        if not _trigger_only(m.text):
            continue
        for n in mentions[i + 1 :]:
            if n.sentence_start != m.sentence_start:
                break
            n.negated |= m.negated
            n.uncertain |= m.uncertain
            n.history |= m.history
            n.family |= m.family


_ALL_TRIGGERS = (_NEG_RE, _UNC_RE, _HIST_RE, _FAM_RE, _NEG_POST_RE, _UNC_POST_RE)


# Words a coder reads past: they never change the code (the age and sex are coded from the claim, and
# "community acquired" pneumonia is the default pneumonia). Our own list.
TREATMENT_CYCLE = r"\bcycle\s*#?\s*\d+(?:\s*,?\s*day\s*\d+)?\b|\bC\d{1,2}D\d{1,2}\b"
_NON_CODING = re.compile(
    r"\b(?:\d{1,3}[- ]?(?:year|yr|y)s?[- ]?old|\d{1,3}\s?(?:yo|y/o))(?:\s+(?:male|female|man|woman|boy|girl|"
    r"gentleman|lady|patient|pt))?(?:\s+with)?\b|\b\d{1,3}\s?[MF]\b(?:\s+with)?|"
    r"\bcommunity[- ]acquired\b|\bcommunity[- ]onset\b|\bnew[- ]onset\b|"
    # a count or a duration after the condition ("Calluses x2", "warts x3", "cough x3d", "T2DM x15 yr")
    r"\bx\s?\d{1,3}(?:\s?(?:d|days?|wks?|weeks?|mos?|months?|yrs?|years?|h|hrs?|hours?))?\b|"
    # an adult BMI value beside its condition ("Obesity BMI 34"): the Z68 partner comes from the value itself
    r"\b(?:body\s+mass\s+index|BMI)\s*(?:of|:|=|is)?\s*\d{2}(?:\.\d)?\b(?!\s*(?:%|th\b|st\b|nd\b|rd\b|percentile))|"
    # a sprain's or strain's grade: the codes classify the ligament or muscle, never the grade
    r"\bgrade\s+(?:i{1,3}|[123])\b(?=\s+(?:[\w-]+\s+){0,3}?(?:sprain|strain|tear)s?\b)|"
    # the graft's donor ("deceased-donor kidney transplant"), not the patient as a donor (Z52.-)
    r"\b(?:deceased|living|cadaveric)(?:[- ](?:un)?related)?[- ]donors?\b(?=\s+(?:[\w-]+\s+){0,2}transplant)|"
    # the test that found it ("cellulitis with MRSA on wound culture", "pulmonary nodule on CT"): not a
    # condition (the abbreviation table has expanded CT, MRI, US ... before this reads the query)
    r"\b(?:on|per|by|from|in)\s+(?:the\s+)?(?:(?:wound|blood|urine|sputum|stool|throat|nasal|tissue|abscess)\s+)?"
    r"(?:cultures?|computed\s+tomography(?:\s+scan)?|ct(?:\s+scan)?|magnetic\s+resonance\s+imaging|mri|"
    r"(?:chest\s+)?x-?rays?|radiographs?|ultrasound|sonogram|imaging|dxa|dexa|dual[- ]energy\s+x-?ray\s+"
    r"absorptiometry|bone\s+density(?:\s+scan)?|echocardiogram|echo|mammogram|exam|examination|biopsy|"
    r"pathology|labs?)\b(?:\s*\([^)]*\))?|"
    # a treatment's cycle or day ("after chemo cycle 2", "C3D8"): when, never which code ("cyclic")
    rf"{TREATMENT_CYCLE}|"
    # a urinary stone's lay organ where the note places the stone elsewhere ("Kidney stone, left ureter",
    # "renal calculus in the right ureter"): where it is, not where it formed (Calculus, ureter N20.1)
    r"\b(?:kidney|renal)\s+(?=(?:stones?|calcul(?:us|i))\s*(?:,|\b(?:in|at|lodged\s+in)\s+)\s*(?:the\s+)?"
    r"(?:(?:right|left|distal|proximal|mid|lower|upper)\s+)*(?:ureter|ureteral|ureterovesical|bladder|urethra)\b)|"
    # the treatment after the condition by its route or form ("B12 deficiency on monthly injections", "on
    # iron supplements"): how it is treated, no word of the condition
    r"\b(?:on|getting|receiving)\s+(?:(?:monthly|weekly|daily|biweekly|oral|po|im|iv|sc|sq|subq|home|iron|b12)\s+)*"
    r"(?:injections?|shots|supplements?|supplementation|infusions?)\b|"
    # a list's joining word ahead of the condition ("Also Raynaud's", "Additionally has GERD")
    r"^\s*(?:and\s+)?(?:also|additionally|plus|in\s+addition)\b[,:]?\s*(?:(?:has|with|had|notes?)\s+)?|"
    # who reports it or which test showed it, ahead of the condition ("Patient reports her gout flared ...",
    # "Transvaginal US showed a thickened endometrium"): the narrative's lead, no word of the condition
    r"^\s*(?:the\s+)?(?:patient|pt|she|he)\s+(?:reports?|states?|notes?|says?|describes?|endorses?)\s+"
    r"(?:(?:that|her|his|a|an|the)\s+)*|"
    r"^\s*(?:[\w/-]+\s+){0,3}?(?:us|ultrasound|sonogram|ct|cta|mri|mra|x-?rays?|xr|cxr|imaging|scan|echo\w*|"
    r"ekg|ecg|biopsy|labs?|exam|mammogram|colonoscopy|endoscopy|egd|study|films?|pathology|ua|urinalysis|"
    r"work-?up|dexa|dxa|pfts?)(?:\s+[\w/-]+){0,2}?\s+(?:showed|shows|revealed|reveals|demonstrated|demonstrates|notable\s+for|"
    r"significant\s+for)\s+(?:(?:a|an|the)\s+)?",
    re.IGNORECASE,
)


@per_request  # the planner, the ranker's features and the warnings each clean a mention's query
def clean_query(query: str) -> str:
    """The mention's query without its context trigger words ("denies", "history of", "mother")."""
    return _clean(query)


# A negation after the condition's first words ("carotid artery without plaque", "cystitis without
# hematuria") is part of what the mention says: the Index walk reads it (negated subterms, denied main terms).
_INNER_NEGATION = re.compile(r"(?<=\w)(\s+)(without|w/o|no|not)(?=\s+\w)", re.IGNORECASE)
_KEPT = "kepttrigger"


# The injury's encounter after its comma is its 7th character (seventh.py), no word of the Index's path.
_ENCOUNTER_TAIL = re.compile(rf",\s*(?:{_INJURY_ENCOUNTER}|init(?:ial)?|subsequent)\W*$", re.IGNORECASE)


@per_request
def walk_query(query: str) -> str:
    """The mention's query for the Index walk: clean_query's, with an inner negation kept and an injury's
    encounter ("..., initial encounter") left to the 7th character."""
    query = _ENCOUNTER_TAIL.sub("", query)
    if not _INNER_NEGATION.search(query):
        return clean_query(query)  # most mentions: the planner's own clean query, already memoised
    kept = _INNER_NEGATION.sub(lambda m: f"{m.group(1)}{_KEPT}{m.group(2).lower()}", query)
    return _clean(kept).replace(_KEPT, "")


def _clean(query: str) -> str:
    out = _NON_CODING.sub(" ", query)
    for regex in _ALL_TRIGGERS:
        out = regex.sub(" ", out)
    out = re.sub(r"\s+", " ", out).strip(" ,.;:-")
    return out or query
