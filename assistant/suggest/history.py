"""Time and status across a sentence: what is over is history, not a current condition (ICD-10-CM I.C.21.c.4).

- Substance use that stopped ("quit in 2015", "quit smoking 10 years ago", "former", "ex-smoker", "no longer
  drinks"): history (Z87.891), never dependence.
- A cancer whose treatment is over ("completed chemotherapy, no evidence of recurrence", "s/p mastectomy,
  NED"): personal history (Z85.-), not an active neoplasm (I.C.2.d).
- An event that happened before ("had pneumonia 2 years ago", "MI in 2019", "URI 2 wk ago"): history; a date
  the condition began on ("diagnosed 3 years ago", "since 2010") keeps it current.

Our own cue lists; the reader calls ``history_cue`` per mention with its sentence.
"""

from __future__ import annotations

import re

_SUBSTANCE = re.compile(
    r"\b(?:smok\w*|tobacco|cigar\w*|nicotine|vap(?:e|ing)|chew\w*|dip|snuff|alcohol\w*|etoh|drink\w*|"
    r"cocaine|heroin|opioids?|opiates?|meth\w*|amphetamines?|marijuana|cannabis|drugs?|ivdu|ivda|"
    r"pack[- ]years?)\b",
    re.IGNORECASE,
)
_CESSATION = re.compile(
    r"\b(?:quit|quitting|stopped|gave\s+up|ceased|former(?:ly)?|ex-?\s?(?=smok|drink|user)|"
    r"no\s+longer\s+(?:smokes?|drinks?|uses?)|not\s+(?:smoked|used|had\s+a\s+drink)\s+(?:since|in|for)|"
    r"(?:in\s+)?(?:sustained\s+|full\s+)?remission\s+from|sober\s+(?:since|for)|abstinent)\b",
    re.IGNORECASE,
)
# Quitting that has not happened: an intention ("not ready to quit", "wants to quit") or a quit date ahead.
_QUIT_INTENDED = re.compile(
    r"\b(?:ready|want|wants|wanted|wanting|plans?|planning|trying|try|tries|tried|able|unable|interested|"
    r"motivated|desire|thinking\s+about|considering|contemplating|help)\s+(?:to\s+|in\s+)?quit\w*|"
    r"\bquit\s+(?:date|line|plan|attempt)",
    re.IGNORECASE,
)
# A withdrawal is the current state of a recent stop ("quit 6 days ago ... nicotine withdrawal"): the
# dependence with withdrawal (F1x.x3-), not a history.
_WITHDRAWAL = re.compile(r"\bwithdrawals?\b", re.IGNORECASE)
# A use disorder documented in remission is coded as the disorder in remission (I.C.5.b.1), not history.
_DISORDER_IN_REMISSION = re.compile(
    r"\b(?:use\s+(?:disorder|d/o)|dependence|addiction|abuse)\b[^.;]*?"
    r"(?:\bin\s+(?:early\s+|sustained\s+|full\s+|partial\s+)?|\b(?:early|sustained|full|partial)\s+)"
    r"remission\b(?!\s+from)",
    re.IGNORECASE,
)
_NEOPLASM = re.compile(
    r"\b(?:cancer|ca|carcinoma|malignan\w*|neoplasm|tumou?r|adenocarcinoma|melanoma|sarcoma|lymphoma|"
    r"seminoma|glioma|blastoma|dcis|cll|hodgkin\w*|"
    # the histology's abbreviations ("L breast IDC", "ES-SCLC", "HCC"): invasive ductal / lobular carcinoma,
    # (non-)small-cell lung cancer, hepatocellular and renal cell carcinoma
    r"idc|ilc|n?sclc|hcc|rcc)\b",
    re.IGNORECASE,
)
_TREATMENT_OVER = re.compile(
    r"\bno\s+(?:evidence|signs?)\s+of\s+(?:recurrence|recurrent|residual|active|metastatic)?\s*(?:disease|cancer|"
    r"recurrence|malignancy)|\bned\b|\bcompleted\s+(?:\w+\s+){0,3}?(?:chemo\w*|radiation|radiotherapy|"
    r"treatment|therapy|immunotherapy)|\bfinished\s+(?:\w+\s+){0,2}?(?:chemo\w*|radiation|treatment)|"
    r"\b(?:cancer|disease)[- ]free\b|(?<!active\s)\bsurveillance\b|\bsurvivor\b|"
    r"\bin\s+(?:complete\s+)?remission\s+since\b|\bno\s+recurrence\b|"
    r"\b(?:s/p|status\s+post)\s+(?:\w+\s+){0,2}?(?:resection|excision|mastectomy|lumpectomy|prostatectomy|"
    r"colectomy|hemicolectomy|nephrectomy|hysterectomy|orchiectomy|thyroidectomy|chemo\w*|radiation|"
    r"surgery|mohs)\b|\bmohs\s+(?:surgery\s+)?(?:in\s+)?(?:19|20)\d\d\b|"
    r"\btreated\s+(?:in\s+(?:19|20)\d\d|\d+\s+years?\s+ago|with\s+(?:surgery|chemo\w*|radiation))|"
    # a dictated course: "treated with hysterectomy ... in March 2022", "brachytherapy completed June 2022"
    r"\btreated\s+with\s+[^.;]{0,80}?\bin\s+(?:[a-z]+\s+)?(?:19|20)\d\d\b|"
    r"\b(?:chemo\w*|radiation|radiotherapy|brachytherapy|treatment|therapy)\s+(?:was\s+)?completed\b|"
    # an endocrine therapy's course over ("anastrozole x 5 yr completed 04/2025"), or none now ("no current
    # cancer tx")
    r"\b(?:tamoxifen|anastrozole|letrozole|exemestane|aromatase\s+inhibitors?|endocrine\s+therapy)\s+"
    r"(?:x\s*\d+\s*(?:years?|yrs?|y)\s+)?(?:was\s+)?(?:completed|finished|done)\b|"
    r"\bno\s+(?:current|active|ongoing|further)\s+(?:cancer\s+|oncologic\s+)?(?:tx|treatment|therapy)\b",
    re.IGNORECASE,
)
# Leukemia, myeloma and lymphoma "in remission" have codes of their own (C81-C96, "in remission"): the cancer
# is coded as in remission, not as history (Z85.6, Z85.7-: "Excludes1: leukemia in remission").
_BLOOD_CANCER_IN_REMISSION = re.compile(
    r"\b(?:leuk[a-z]*|lymphoma|myeloma|hodgkin\w*|cll|cml|aml|plasmacytoma)\b[^.;]*?"
    r"(?<!not\s)\bin\s+(?:complete\s+|partial\s+|full\s+|hematologic\s+|molecular\s+|cytogenetic\s+)?"
    r"remission\b",
    re.IGNORECASE,
)
# Treatment still going on: the cancer is current (I.C.2.d), whatever surgery came before; not a course the
# clause then calls completed ("adjuvant CAPOX x 8 cycles completed 1/2024").
_COMPLETED_AFTER = r"(?![^.;]{0,40}?\b(?:completed|finished|done|ended)\b)"
_TREATMENT_ONGOING = re.compile(
    r"\b(?:on|receiving|undergoing|currently\s+on|continuing|started|starting)\s+(?:\w+\s+){0,2}?"
    r"(?:chemo\w*|radiation|radiotherapy|immunotherapy|folfox|folfiri|capox|tamoxifen|letrozole|anastrozole|"
    rf"hormon\w+\s+therapy|adjuvant|neoadjuvant)\b{_COMPLETED_AFTER}|\bcycle\s+\d+\b|"
    # "adjuvant FOLFOX q2wk", not "completed adjuvant chemo"
    r"(?<!completed\s)(?<!finished\s)(?<!s/p\s)(?<!after\s)(?<!prior\s)(?<!no\s)(?<!without\s)(?<!declined\s)"
    r"\b(?:neo)?adjuvant\s+(?:\w+\s+)?"
    r"(?:chemo\w*|radiation|radiotherapy|immunotherapy|folfox|folfiri|capox|xelox|tamoxifen|letrozole|"
    rf"anastrozole)\b{_COMPLETED_AFTER}",
    re.IGNORECASE,
)
_PAST_EVENT = re.compile(
    r"\b(?:had|treated|underwent|hospitalized|admitted)\b[^.;]{0,60}?"
    r"(?:\b(?:\d+|a|one|two|three|four|five|six|ten|several|many|few)\s+(?:years?|yrs?|months?|decades?|weeks?|wks?)"
    r"\s+ago\b|"
    r"\bin\s+(?:19|20)\d\d\b|\blast\s+year\b|\bas\s+a\s+child\b|"
    # the age she had it at ("had anorexia nervosa at 16")
    r"\bat\s+(?:age\s+)?\d{1,2}\b(?!\s*(?:weeks?|wks?|months?|mos?|days?|mg|%|am|pm|:|/)))"
    r"|\btreated\s+with\s+(?:rai|radioactive\s+iodine|surgery|radiation|chemo\w*|\w+ectomy)\s+(?:19|20)\d\d\b"
    r"|(?:\b(?:\d+|a|one|two|three|four|five|six|ten|several|many|few)\s+(?:years?|yrs?|decades?)\s+ago\b|"
    r"\bin\s+(?:19|20)\d\d\b)"
    # a decade of the patient's life long past ("tanning beds in her 20s", "in his teens")
    r"|\bin\s+(?:his|her|their|my)\s+(?:teens|[1-9]0'?s)\b"
    # an age the patient had then is a date ("mumps orchitis at 14", "at age 6", "when she was 12"); an age
    # bound is an age group, no date ("donor under age 35", "age 35 and over")
    r"|(?<!under\s)(?<!over\s)(?<!below\s)(?<!above\s)"
    r"\b(?:at\s+age|at\s+the\s+age\s+of|age|when\s+(?:he|she)\s+was)\s+\d{1,2}\b"
    r"(?!\s*(?:weeks?|wks?|months?|mos?|days?|(?:and|or)\s+(?:over|older|above|under|younger))\b)|"
    # a bare "at 14" closing the item, not a score ("pain rated at 7")
    r"(?<!rated\s)(?<!scored\s)(?<!graded\s)(?<!grade\s)(?<!level\s)(?<!stage\s)(?<!pain\s)"
    r"\bat\s+\d{1,2}(?=\s*(?:years?\s+old|y/?o)?\s*$)",
    re.IGNORECASE,
)

# An acute, self-limited event is over once a date before this visit is put on it ("SAB x1 (2023)", "URI 2 wk
# ago", "stroke last year", "MI 2019"): history (I.C.21.c.4), where a chronic condition keeps its date of
# diagnosis and stays current ("DM2 (2015)").
_ACUTE_EVENT = re.compile(
    r"\b(?:sab|tab|eab|miscarriages?|(?:spontaneous\s+|missed\s+|elective\s+)?abortions?|ectopic|stillbirth|"
    r"mi|n?stemi|myocardial\s+infarction|heart\s+attack|strokes?|cvas?|tias?|cerebrovascular\s+accident|"
    r"pneumonia|pna|uris?|upper\s+respiratory\s+(?:tract\s+)?infection|bronchitis|sinusitis|pharyngitis|"
    r"strep\s+throat|influenza|flu|covid(?:-?19)?|utis?|urinary\s+tract\s+infection|cystitis|pyelonephritis|"
    r"cellulitis|gastroenteritis|diverticulitis|appendicitis|pancreatitis|cholecystitis|kidney\s+stones?|nephrolithiasis|renal\s+colic|shingles|zoster|sepsis|otitis(?:\s+media)?)\b",
    re.IGNORECASE,
)
# Acute episodes counted over a period ("1 strep pharyngitis in 2 yr", "3 episodes of otitis in the past
# year"): how often it happened before, not an episode of this visit (which the note names on its own; an
# ordinal, "3rd UTI this year", is the current one and is not matched).
_EPISODE_COUNT = re.compile(
    r"^\s*(?:\d+|one|two|three|four|five|six|several|multiple|few)\s+(?:episodes?\s+of\s+|bouts?\s+of\s+)?"
    r"[^,;:]{2,40}?\s+(?:in|over|during|within)\s+(?:the\s+)?(?:past|last|prior|previous)?\s*"
    r"(?:\d+|one|two|three|a)?\s*(?:years?|yrs?|months?|mos?|weeks?|wks?)\b",
    re.IGNORECASE,
)
_SEASON = r"(?:year|month|winter|spring|summer|fall|autumn)"
_EVENT_DATE = re.compile(
    r"\b(?:\d+|a|one|two|three|four|five|six|several|few)\s+(?:weeks?|wks?|months?|mos?)\s+ago\b|"
    rf"\blast\s+{_SEASON}\b|\bin\s+(?:the\s+)?{_SEASON}\s+of\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)
# What the event left is current (I.C.9.d: sequelae of a stroke), and so is one still there or come back.
_STILL_PRESENT = re.compile(
    r"(?<!no\s)(?<!without\s)\b(?:residual|sequelae?|late\s+effects?|still|persistent|ongoing|recurrent|recurring|"
    r"chronic)\b",
    re.IGNORECASE,
)
# A deficit that follows a cerebrovascular disease ("aphasia after stroke last year", "left hemiparesis from
# prior CVA") is a sequela of it, current whatever the stroke's date (I.C.9.d: I69.-).
_CEREBROVASCULAR = (
    r"(?:strokes?|cvas?(?!\s+tender)|cerebrovascular\s+(?:accident|disease)|(?:cerebral|brain)\s+(?:infarct\w*|hemorrhage|"
    r"haemorrhage|bleed)|intracerebral\s+hemorrhage|subarachnoid\s+hemorrhage|ich|sah|"
    r"(?:ischemic|hemorrhagic|embolic|lacunar|thalamic|pontine|cerebellar|mca|aca|pca)\s+(?:\w+\s+)?"
    r"(?:strokes?|infarcts?|infarction))"
)
_CEREBROVASCULAR_RE = re.compile(rf"\b{_CEREBROVASCULAR}\b", re.IGNORECASE)
_SEQUELA_OF_STROKE = re.compile(
    r"^\W*[a-z][^.;]*?\s(?:after|following|from|since|post|due\s+to|secondary\s+to|s/p|status\s+post|2/2|d/t)"
    r"\s+(?:(?:a|an|the|his|her|their|prior|previous|old|remote|recent|h/o|history\s+of|left|right|l|r|"
    rf"(?:19|20)\d\d)\s+)*{_CEREBROVASCULAR}\b",
    re.IGNORECASE,
)


def names_cerebrovascular_disease(text: str) -> bool:
    """The text names a stroke or another cerebrovascular disease."""
    return _CEREBROVASCULAR_RE.search(text) is not None


# ... or the stroke first, with what it left ("h/o left MCA stroke 2022 with residual right hemiparesis").
_STROKE_LEFT_DEFICIT = re.compile(
    rf"\b{_CEREBROVASCULAR}\b[^.;]*?\b(?:with|w/|and|leaving|left\s+(?:him|her|them)\s+with)\s+"
    r"(?:(?:a|an|some|mild|moderate|severe|left|right|l|r)\s+)*(?:residual|persistent|chronic|ongoing)\s+[a-z]",
    re.IGNORECASE,
)


# An item of the list of what a stroke left, named before it ("CVA w/ residual aphasia and dysphagia") or
# after it ("dysphagia and aphasia, late effects of stroke").
_LIST_JOINED = re.compile(r"(?:,|\band|&|\+|/)\s*(?:(?:some|mild|moderate|severe|left|right|l|r)\s+)*$", re.I)
_LATE_EFFECT_AFTER = re.compile(
    r"^[^.;:]{0,80}?(?:late\s+effects?|sequelae?|residua(?:ls?)?)\s+(?:of|from|after)\s+"
    r"(?:(?:a|an|the|his|her|their|prior|previous|old|remote|h/o|left|right|l|r|(?:19|20)\d\d)\s+)*"
    rf"{_CEREBROVASCULAR}\b",
    re.IGNORECASE,
)


def deficit_listed_with_stroke(sentence: str, start: int, end: int) -> bool:
    """``sentence[start:end]`` is one item of a list of deficits that the sentence says a stroke left, the
    stroke with its residual deficit before the list or "late effects of stroke" after it (I.C.9.d)."""
    before = sentence[:start]
    left = next(reversed(list(_STROKE_LEFT_DEFICIT.finditer(before))), None)
    if left is not None and _LIST_JOINED.search(before) and not re.search(r"[.;:]", before[left.end() :]):
        return len(before) - left.end() <= 100
    return _LATE_EFFECT_AFTER.match(sentence[end:]) is not None


# ... or a past stroke with a neurologic deficit named at once ("h/o CVA w/ L hemiparesis"): what it left.
_NEURO_DEFICIT = (
    r"(?:hemipar\w*|hemipleg\w*|monopar\w*|monopleg\w*|aphasia|dysphasia|dysarthria|dysphagia|ataxia|"
    r"hemianopsia|neglect|facial\s+(?:droop|weakness|palsy))"
)
_PAST_STROKE_WITH_DEFICIT = re.compile(
    rf"\b(?:hx|h/o|history\s+of|prior|previous|old|remote|past)\s+(?:of\s+)?(?:(?:left|right|l|r)\s+)?"
    rf"{_CEREBROVASCULAR}\b[^.;]*?\b(?:with|w/)\s+(?:(?:some|mild|moderate|severe|left|right|l|r)[- ]?)*"
    rf"{_NEURO_DEFICIT}\b(?![^.;]*\b(?:resolved|recovered)\b)",
    re.IGNORECASE,
)


def sequela_of_stroke(mention: str) -> bool:
    """The mention is a deficit stated after a cerebrovascular disease, or a stroke with the deficit it left:
    a sequela, current (I.C.9.d)."""
    return any(
        r.search(mention) is not None
        for r in (_SEQUELA_OF_STROKE, _STROKE_LEFT_DEFICIT, _PAST_STROKE_WITH_DEFICIT)
    )


# The date is when the condition began, not when it ended ("diagnosed 3 years ago", "HTN since 2010").
_ONSET_DATE = re.compile(
    r"\b(?:since|dx|dx'?d|diagnosed|onset|started|starting|began|beginning|first\s+noted|noted)\s+"
    r"(?:(?:in|on|at|about|around|approx\.?|~)\s+)?(?:(?:the\s+)?age\s+(?:of\s+)?)?"
    r"(?:\d+|a|one|two|three|four|five|six|ten|several|many|few|"
    r"(?:19|20)\d\d|\d{1,2}/)",
    re.IGNORECASE,
)

# A dated problem-list item that the same sentence closes ("kidney stone 2021, passed", "BCC of nose 2020,
# excised" or removed by Mohs surgery, "DVT 3/2019 - treated, resolved"): an event of the past, not a current
# condition.
# The date ends the item, as problem lists write it (not "2004 diagnosed with ...", "vision 20/25 both eyes"),
# or only the event's occasion follows it ("DVT 2020 after knee surgery - completed 6 mo apixaban", "calf DVT
# 2019 post-op").
_DATE = r"(?:\b(?:19|20)\d\d|\b\d{1,2}/(?:19|20)?\d\d)"
_DATED = re.compile(
    _DATE
    + r"(?:\s+(?:(?:after|following|post|during)\s+[\w -]{1,30}?|post-?op\w*|post-?partum|post-?surgical))?"
    + r"\W*$",
    re.IGNORECASE,
)
_ANY_DATE = re.compile(_DATE)
_CLOSED_WORDS = (
    r"\b(?:passed|excised|resected|removed|resolved|healed|repaired|cured|treated|completed|remitted|"
    r"cleared|recovered|mohs)\b|\b(?:no|without)\s+residual\w*|\bclear\s+margins\b|\b(?:full|complete)\s+recovery\b"
)
_CLOSED = re.compile(_CLOSED_WORDS, re.IGNORECASE)
# The item's date and its closing word both inside the mention ("Old L ankle sprain (8/2026) healed"), the
# prevention taken since after it ("TIA 2019 with full recovery on aspirin 81").
_DATED_CLOSED = re.compile(
    _DATE + r"\W*(?:\w+\W+){0,2}?(?:" + _CLOSED_WORDS + r")(?:\s+on\s+[\w ]{1,25}?)?\W*$", re.IGNORECASE
)


# An item closed and dated right after it ("Pseudocyst - drained 2023", "Kidney stone: passed 5/2019"): the
# year closes it (a day's date may be this week's).
_CLOSED_THEN_YEAR = re.compile(
    r"\W{0,4}(?P<closed>" + _CLOSED_WORDS + r"|drained)\s+(?:in\s+|on\s+)?(?:\d{1,2}/)?(?:19|20)\d\d\b",
    re.IGNORECASE,
)


# A course of treatment given for the condition and said done right after it ("Clindamycin x 7 d for a dental
# abscess (completed 11/15)", "amoxicillin for otitis media - finished"): the condition treated before this
# visit, which the sentence does not call present.
_COURSE_FOR_DONE = re.compile(
    r"\bfor\s+(?:an?\s+|the\s+|(?:his|her|their)\s+)?(?:[\w'/.-]+\s+){0,4}?[\w'/.-]+\s*(?:[-(,]\s*)?"
    r"(?P<closed>completed|finished)\b",
    re.IGNORECASE,
)
_STILL_THERE = re.compile(
    r"\b(?:still|persist\w*|ongoing|recurr\w*|worse\w*|not\s+(?:resolved|better))\b", re.I
)


def _closed_then_dated(sentence: str, mention: str) -> str | None:
    at = sentence.find(mention)
    found = _CLOSED_THEN_YEAR.match(sentence, at + len(mention)) if at >= 0 else None
    if found is None and at >= 0 and not _STILL_THERE.search(sentence):
        found = next(
            (
                f
                for f in _COURSE_FOR_DONE.finditer(sentence)
                if f.start() < at + len(mention) and f.end() > at
            ),
            None,
        )
    return found.group("closed").lower() if found else None


def _dated_and_closed(sentence: str, mention: str) -> str | None:
    """The closing word of a dated item (the mention ends with its date; the sentence then closes it)."""
    if (closed := _closed_then_dated(sentence, mention)) is not None and not _TREATMENT_ONGOING.search(
        sentence
    ):
        return closed
    if _ANY_DATE.search(mention) is None or _TREATMENT_ONGOING.search(sentence):
        return None  # (most mentions hold no date: the sentence is then not read)
    if (inside := _DATED_CLOSED.search(mention)) is not None:
        return _CLOSED.search(inside.group(0)).group(0).lower()  # type: ignore[union-attr]
    if not _DATED.search(mention):
        return None
    at = sentence.find(mention)
    after = sentence[at + len(mention) :] if at >= 0 else ""
    m = _CLOSED.search(after)
    if m is None or len(re.findall(r"\w+", after[: m.start()])) > 3:
        return None
    return m.group(0).lower()


# A chronic condition "h/o" names is usually still present ("h/o HTN"); one said to be cured, or outgrown
# (a childhood asthma or eczema the adult no longer has), is not.
_CURED = re.compile(
    r"\b(?:cured|eradicated|eradication\s+confirmed|svr\s?\d*|sustained\s+virolog\w*\s+response|"
    r"outgrew|outgrown|grew\s+out\s+of)\b|"
    # a condition a procedure ended ("Atrial flutter - s/p ablation 2024, no recurrence")
    r"\b(?:s/p|status\s+post)\s+(?:\w+\s+){0,2}?(?:ablation|resection|excision|repair|cardioversion)\b[^.;]{0,20}?"
    r"\bno\s+recurrence\b",
    re.IGNORECASE,
)


def said_cured(sentence: str) -> bool:
    """The sentence says the condition was cured ("treated 2019, SVR12 achieved - cured")."""
    return _CURED.search(sentence) is not None


# An infection whose dated course of treatment is done ("Latent TB, completed rifampin 2024", "H. pylori -
# treated 2023"): the infection is over (History, personal, infectious disease: Z86.1-).
_INFECTION = re.compile(
    r"\b(?:tb|tuberculosis|ltbi|h\.?\s?pylori|helicobacter|syphilis|gonorrh\w*|chlamydia|lyme|infections?)\b",
    re.IGNORECASE,
)
_COURSE_DONE = re.compile(r"\b(?:completed|finished|treated)\b[^.;]{0,40}?\b(?:19|20)\d\d\b", re.IGNORECASE)
_CURE_REACH = 5  # words between the condition and the cure that closes its item
# ... or further, where the words between tell the course that cured it ("hepatitis C, chronic, genotype 1a,
# s/p treatment with Mavyret 2022, SVR achieved")
_COURSE_REACH = 14
_TREATMENT_COURSE = re.compile(r"\b(?:s/p|status\s+post|treated|completed|after)\b", re.IGNORECASE)


def _cured_after(sentence: str, mention: str) -> str | None:
    """The cure word that closes the item the mention opens, a few words after it ("Hepatitis C - cured
    (SVR)", "Chronic hepatitis C, genotype 1a - treated, SVR12 2019"): no current condition, with or
    without an "h/o"."""
    at = sentence.find(mention)
    if at < 0:
        return None
    after = sentence[at + len(mention) :]
    m = _CURED.search(mention)  # read in the same span ("Chronic hep C treated 2022 with SVR")
    if m is not None and m.start() > 0:
        said = m.group(0).lower()
        return "no recurrence" if said.endswith("no recurrence") else said
    m = _CURED.search(after)
    if m is None and _INFECTION.search(mention):
        m = _COURSE_DONE.search(after)
    if m is None:
        return None
    between = after[: m.start()]
    if _INFECTION.search(between) and not _INFECTION.search(mention):
        return None  # the infection named between was cured ("Gastric ulcer - on PPI, H. pylori eradicated")
    reach = _COURSE_REACH if _TREATMENT_COURSE.search(between) else _CURE_REACH
    if len(between.split()) > reach:
        return None
    said = m.group(0).lower()
    return "no recurrence" if said.endswith("no recurrence") else said  # a history, not a status post


def names_neoplasm(text: str) -> bool:
    """The text names a cancer or another neoplasm."""
    return _NEOPLASM.search(text) is not None


# A polyp or adenoma stated as removed is gone: its history (Z86.010-), not a benign neoplasm now (D12.-).
_LESION_REMOVED = re.compile(
    r"\b(?:polyps?|adenomas?)\b[^.;]{0,30}?\b(?:removed|excised|resected|snared)\b|"
    r"\b(?:removed|removal\s+of|excised|resected|snared)\s+(?:\w+\s+){0,3}?(?:polyps?|adenomas?)\b",
    re.IGNORECASE,
)

# A stone the patient passed ("a kidney stone which she passed on her own", "passed a 4 mm stone") is gone:
# its history (Z87.442), not a current calculus.
_STONE_PASSED = re.compile(
    r"\b(?:stones?|calcul(?:us|i))\b[^.;]{0,40}?(?<!\bnot\s)(?<!\byet\s)(?<!\bnever\s)\bpassed\b(?!\s+out)|"
    r"(?<!\bnot\s)(?<!\byet\s)(?<!\bnever\s)\bpassed\s+(?:\w+\s+){0,4}?stones?\b",
    re.IGNORECASE,
)


# ... unless the sentence reports this procedure's removal: how it was removed, its pathology pending, today.
_REMOVED_NOW = re.compile(
    r"\b(?:by|with|via|using)\s+(?:an?\s+)?(?:(?:cold|hot)\s+)?(?:snare|forceps|polypectomy)|"
    r"\bpath(?:ology)?\s+(?:is\s+)?pending\b|\btoday\b|\bthis\s+(?:procedure|exam|colonoscopy)\b",
    re.IGNORECASE,
)
_REMOVED_BEFORE = re.compile(
    r"\b(?:19|20)\d\d\b|\bago\b|\b(?:prior|previous|last|earlier)\b|\bh/o\b|\bhistory\b|\bs/p\b",
    re.IGNORECASE,
)


def history_cue(sentence: str, mention: str) -> str | None:
    """The history trigger that covers ``mention`` (a span inside ``sentence``), or None."""
    if sequela_of_stroke(mention):
        return None
    if (removed := _LESION_REMOVED.search(mention)) is not None:
        if _REMOVED_NOW.search(sentence) and not _REMOVED_BEFORE.search(sentence):
            return None  # this procedure's finding: the polyp is coded (D12.-, K63.5), not its history
        return removed.group(0).lower()
    if (removed := _STONE_PASSED.search(mention)) is not None:
        return removed.group(0).lower()
    if (
        _SUBSTANCE.search(mention)
        and not _DISORDER_IN_REMISSION.search(sentence)
        and not _WITHDRAWAL.search(mention)
    ):
        m = _CESSATION.search(_QUIT_INTENDED.sub(" ", sentence))
        if m:
            return m.group(0).strip().lower()
    if (
        _NEOPLASM.search(mention)
        and not _TREATMENT_ONGOING.search(sentence)
        and not _BLOOD_CANCER_IN_REMISSION.search(sentence)
    ):
        m = _TREATMENT_OVER.search(sentence)
        if m:
            return m.group(0).strip().lower()
    if (cured := _cured_after(sentence, mention)) is not None:
        return cured
    if _ONSET_DATE.search(mention):
        return _dated_and_closed(sentence, mention)
    m = _PAST_EVENT.search(mention)
    if m:
        return m.group(0).strip().lower()
    m = _EPISODE_COUNT.search(mention)
    if m and _ACUTE_EVENT.search(mention):
        return m.group(0).strip().lower()
    closed = _dated_and_closed(sentence, mention)
    if closed is None and _ACUTE_EVENT.search(mention) and not _STILL_PRESENT.search(sentence):
        m = _EVENT_DATE.search(mention) or _DATED.search(mention)
        return m.group(0).strip(" ()").lower() if m else None
    return closed
