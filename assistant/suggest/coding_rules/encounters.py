"""Encounter Z codes when the note is that kind of visit (ICD-10-CM I.C.21.c): general exams by age and
findings (Z00.00/Z00.01 adult, Z00.121/Z00.129 child), blood pressure checks (Z01.30/Z01.31, and the high
reading R03.0 of a patient with no hypertension diagnosed), immunization
(Z23), follow-up after completed treatment (Z08 with the Z85 history after cancer, Z09 with the Z86/Z87
history otherwise), cancer screening (Z12.-) and counseling as the visit's reason (Z71.-).
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.completed_treatment import completed_treatment_follow_up
from assistant.suggest.coding_rules.context import (
    ORDERED_ELSEWHERE,
    NoteContext,
    add_pick,
    best_score,
    demote,
    head_lines,
    visit_named,
    visits_named,
)
from assistant.suggest.coding_rules.contraception import contraceptive_surveillance, initial_contraceptive
from assistant.suggest.coding_rules.hcpcs_gate import documents_service
from assistant.suggest.coding_rules.infection_screening import infection_screening
from assistant.suggest.coding_rules.iud import iud_encounter
from assistant.suggest.coding_rules.pregnancy_test import pregnancy_test_visit
from assistant.suggest.coding_rules.rho_immune_globulin import rho_d_prophylaxis
from assistant.suggest.coding_rules.treatment_visits import treatment_visits
from assistant.suggest.not_coded import ANIMAL_VACCINATION, VACCINE_LABEL
from assistant.suggest.reader import ASSESSMENT_SECTIONS, BACKGROUND_SECTIONS, Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.text import tokens
from assistant.suggest.types import Pick

ADULT_AGE = 18  # Z00.0- adult (18+), Z00.12- child (after the first 28 days)

_GENERAL_EXAM = re.compile(
    r"\b(?:annual|routine|yearly|preventive|preventative|wellness|well[- ](?:child|adult|woman|visit|exam)|"
    r"health maintenance|complete)(?:\s+(?:wellness|preventive|health|gyn\w*|well[- ]woman))?\s+"
    r"(?:physical|exam\w*|visit|"
    r"check[- ]?up|care visit)|"
    r"\b(?:physical exam(?:ination)? for|annual physical|well[- ]child|well[- ](?:visit|exam|check|baby)|WCC|"
    r"gyn(?:ecolog\w*)?\s+annual|annual\s+gyn\w*|well[- ]woman|"
    r"\d+[- ](?:months?|years?|mos?|yrs?)(?:[- ]old)?[- ]"
    r"(?:well(?:[- ](?:child|baby|visit|exam|check))?|WCC))\b|"
    # Medicare's initial preventive physical examination ("Welcome to Medicare visit", "IPPE")
    r"\bwelcome[- ]to[- ]medicare\s+(?:visit|exam\w*|physical)|\binitial preventive physical exam\w*|"
    r"\b(?:newborn|nb)\s+(?:check|exam\w*|visit)\b|"
    r"\b(?-i:IPPE)\b",
    re.IGNORECASE,
)
# A gynecological exam has its own encounter code, Z01.41- (Z00.0- Excludes1 it; I.C.21.c.13).
# A newborn's health examination is coded by the days of life (Z00.110 under 8 days, Z00.111 8 to 28 days;
# Z00.12- after the first 28 days): "2 wk newborn check", "5-day-old newborn visit".
_NEWBORN_AGE = re.compile(
    r"\b(\d{1,2})[- ]?(d|days?|wks?|weeks?)(?:[- ]old|[- ]?o\b)?[- ](?:[a-z]+[- ])?(?:newborn|nb|neonate)\b|"
    r"\b(?:newborn|nb|neonate)\b[^.\n]{0,30}?\b(?:dol|day\s+of\s+life)\s*#?\s*(\d{1,2})\b",
    re.IGNORECASE,
)
NEWBORN_FIRST_WEEK = 8
NEWBORN_DAYS = 28


def newborn_days(text: str) -> int | None:
    """The newborn's days of life a visit's heading states, if any."""
    found = _NEWBORN_AGE.search(text)
    if found is None:
        return None
    if found.group(3):
        return int(found.group(3))
    return int(found.group(1)) * (7 if found.group(2).lower().startswith("w") else 1)


_GYN_EXAM = re.compile(r"\b(?:gyn\w*|well[- ]woman)\b", re.IGNORECASE)
# A routine postpartum visit has its own encounter code, Z39.2 (I.C.21.c.11), not a general exam.
_POSTPARTUM = re.compile(r"\bpost-?partum\b|\bpuerper\w*|(?-i:\bPP\b)", re.IGNORECASE)
_POSTPARTUM_VISIT = re.compile(
    r"\b(?:post-?partum|(?-i:PP))\s+(?:visit|exam\w*|check[- ]?up|check)\b", re.IGNORECASE
)
POSTPARTUM_FOLLOW_UP = "Z39.2"
# "normal findings", "with abnormal finding: ...": the physician's own word on the findings outweighs a final
# code that is not one of them (an incidental supplement, a chronic problem); "exam normal" speaks of the
# physical exam only (labs or a BMI may still be the abnormal finding); "normal findings except ...",
# "otherwise normal exam" and "normal exam otherwise" name an abnormal finding beside them: not normal.
_STATED_FINDINGS = re.compile(
    r"\b(without|w/o|no|with|w/)\s*abnormal findings?\b|"
    # a finding the line labels abnormal ("WCC - abnl finding: speech delay")
    r"\b(abn(?:ormal|l)\.?)\s+findings?\s*[:-](?!\s*(?:none|no|nil|neg)\b)|"
    r"(?<!\botherwise )\bnormal (?:exam|physical|findings)\b"
    r"(?![^.\n]*\b(?:except|but|apart from|other than|aside from|otherwise)\b)",
    re.I,
)
# A preoperative examination is its own encounter (Z01.81-, IV.M), not a general exam; the reason for the
# surgery and the findings follow it.
_PREOP = re.compile(
    r"\b(?:pre-?op(?:erative)?|pre-?surgical|pre-?procedur\w*)\s+(?:medical\s+|cardiac\s+|cardiovascular\s+|cv\s+|"
    r"pulmonary\s+|risk\s+)?(?:evaluation|eval|exam\w*|clearance|assessment|visit|consult\w*|H&P|physical)\b|"
    r"\b(?:medical|surgical|cardiac|pulmonary)\s+clearance\b",
    re.IGNORECASE,
)
PREOP_KIND: tuple[tuple[str, str], ...] = (
    ("Z01.810", r"cardiac|cardiovascular|cardiology|\bcv\b"),
    ("Z01.811", r"pulmonary|respiratory"),
)
_EXAM_REASON = re.compile(
    r"\b(?:physical|exam\w*|visit|check[- ]?up|WCC|well[- ](?:child|baby|check)|IPPE|well[- ]woman|"
    r"newborn\s+check|"
    r"gyn\w*\s+annual|"
    r"annual\s+gyn\w*)\b",
    re.IGNORECASE,
)
_IMMUNIZATION = re.compile(
    r"\b(?:vaccin\w*|immuniz\w*|flu shot|influenza shot|tdap|dtap|td|tenivac|tetanus (?:shot|booster|toxoid)|"
    r"mmr|hpv|pneumovax|prevnar|shingrix|"
    r"hep(?:atitis)? [ab] vaccine|covid(?:-19)? (?:vaccine|booster)|booster|"
    r"engerix(?:-b)?|heplisav(?:-b)?|recombivax|twinrix|havrix|gardasil|kinrix|pentacel|pediarix|vaxelis|"
    r"proquad|varivax|mmrv|rotateq|rotarix|bexsero|trumenba|menactra|menveo|menquadfi|vaxneuvance|"
    r"capvaxive|ppsv23|pcv\d{2}|fluzone|flublok|fluad|flucelvax|arexvy|abrysvo|boostrix|adacel)\b",
    re.IGNORECASE,
)
_SURVEILLANCE = re.compile(
    r"\b(?:surveillance|no evidence of (?:recurrence|disease)|NED|"
    r"no (?:(?:local|locoregional|distant) )?recurrence|completed (?:chemo\w*|radiation|treatment|therapy)|"
    r"post[- ]treatment follow[- ]?up|remission|cancer follow[- ]?up)\b",
    re.IGNORECASE,
)
SCREENING: tuple[tuple[str, str], ...] = (
    ("Z12.11", r"colonoscopy|colon cancer|colorectal cancer|cologuard|FIT test|fecal immunochemical"),
    ("Z12.31", r"mammogra\w+|breast cancer"),
    ("Z12.4", r"pap(?: smear| test)?|cervical cancer"),
    ("Z12.5", r"PSA|prostate cancer"),
    ("Z12.2", r"lung cancer|low[- ]dose CT|LDCT"),
)
# A screening that is ordered, due or already a diagnosis is not this encounter's screening.
_NOT_THIS_SCREENING = re.compile(
    r"\b(?:history of|h/o|hx|diagnosed|positive|order\w*|referr\w*|schedul\w*|due|recommend\w*|next)\b|"
    r"\b(?:19|20)\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b(?:last|prior|previous)\s+(?:screening\s+)?colonoscopy\b",
    re.IGNORECASE,
)  # a screening dated ("colonoscopy 2022") was done at another visit
# Medicare's annual wellness visit: a preventive visit whose reason is itself.
_WELLNESS_VISIT = re.compile(r"\b(?-i:AWV)\b|\bannual\s+wellness\b", re.IGNORECASE)
COUNSELING: tuple[tuple[str, str], ...] = (
    ("Z71.3", r"diet\w*|nutrition\w*|weight loss|weight management"),
    ("Z71.6", r"tobacco|smoking cessation|smoking|quit smoking|smokes|cigarettes?|nicotine|vap(?:e|es|ing)"),
    ("Z71.41", r"alcohol"),
    ("Z71.51", r"drugs?(?![- ]eluting)|substance|opioid"),
    ("Z71.82", r"exercise|physical activity"),
    ("Z71.84", r"pre-?travel|travel\s+(?:consult\w*|counsel\w*|clinic|medicine|visit|advice|health)"),
)
_COUNSEL = re.compile(r"\b(?:counsel\w*|education|educated)\b", re.IGNORECASE)
_REASON_SECTIONS = frozenset({"hpi", "body"})


def _findings(picks: dict[str, Pick], catalog: CodeCatalog) -> list[Pick]:
    """Final diagnoses that are findings of the exam (not encounter, history, status or BMI Z codes)."""
    return [
        p for p in picks.values() if p.final and catalog.system(p.code) == "ICD-10-CM" and p.code[0] != "Z"
    ]


# A known condition carried into a routine exam ("Hypertension - well controlled, continue lisinopril",
# "asthma, stable"): no abnormal finding of the exam (I.C.21.c.13: pre-existing and chronic conditions are
# added codes of an exam "without abnormal findings"); a new, worse or abnormal one is a finding.
_KNOWN_COURSE = re.compile(
    r"\b(?:stable|(?:well[- ]|adequately\s+)?controlled|at\s+(?:goal|baseline)|continue[sd]?|cont\.?|"
    r"refill\w*|known|established|maintained|chronic|unchanged|quiescent|in\s+remission|"
    r"on\s+(?!(?:exam\w*|physical|palpation|auscultation|inspection|today|screening|labs?|imaging|"
    r"ultrasound|x-?ray|review|the|his|her|left|right)\b)[a-z])",
    re.IGNORECASE,
)
_NEW_FINDING = re.compile(
    r"\b(?:new(?:ly)?|found|discovered|incidental\w*|detected|noted|first|uncontrolled|poorly\s+controlled|"
    r"not\s+(?:well\s+)?controlled|worse\w*|abnormal|elevated|flare\w*|exacerbat\w*|"
    r"above\s+goal|not\s+at\s+goal)\b",
    re.IGNORECASE,
)
_SHORT_LINE = 25  # words: a problem-list line, read whole ("Hyperlipidemia. Continue atorvastatin.")


def _known_condition(pick: Pick, ctx: NoteContext) -> bool:
    """Every mention of a diagnosis is in the history sections, or its sentence (its line when short) states
    a known condition's course and nothing new; a symptom or sign (chapter 18) is always a finding."""
    if pick.code.startswith("R") or not pick.mentions:
        return False
    for m in pick.mentions:
        if m.section in BACKGROUND_SECTIONS:
            continue
        start = ctx.note.rfind("\n", 0, m.start) + 1
        end = ctx.note.find("\n", m.start)
        line = ctx.note[start : end if end >= 0 else len(ctx.note)]
        said = line if len(line.split()) <= _SHORT_LINE else ctx.sentence(m)
        if _says_new(said) or not _KNOWN_COURSE.search(said):
            return False
    return True


_DENIED_BEFORE = re.compile(
    r"\b(?:no|not|without|w/o|denies|negative\s+for)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)


def _says_new(text: str) -> bool:
    """A word of something new or worse that no denial heads ("no recent flares" says nothing new)."""
    return any(not _DENIED_BEFORE.search(text[: m.start()]) for m in _NEW_FINDING.finditer(text))


def _with_its_service(note: str, m: re.Match[str]) -> str:
    """The visit's words and the service its heading names after a dash or colon ("PRE-OP CLEARANCE -
    cardiology")."""
    end = note.find("\n", m.end())
    rest = note[m.end() : end if end >= 0 else len(note)]
    service = re.match(r"\s*[-:\u2013]\s*[\w ]{0,30}", rest)
    return m.group(0) + (service.group(0) if service else "")


def preoperative_exam(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> bool:
    """Z01.81- first when the visit is a preoperative evaluation (the head of the note or its impression);
    general exam codes give way to it. True when the note is that visit."""
    match = visit_named(_PREOP, ctx)
    if match is None:
        return False
    # the kind the head or the impression names ("Pre-op evaluation ... Assessment: preoperative
    # cardiovascular examination")
    said = " ".join(_with_its_service(ctx.note, m) for m in visits_named(_PREOP, ctx))
    code = next((c for c, words in PREOP_KIND if re.search(words, said, re.I)), "Z01.818")
    _first_listed_exam(
        picks,
        ctx,
        catalog,
        code,
        match,
        ("Z00.0", "Z00.12", "Z01.81"),
        "preoperative examination, listed first, then the reason for the surgery and the findings "
        "(guideline IV.M)",
    )
    surgery_still_to_come(picks, ctx)
    return True


# Codes of a state after a procedure: its status (Z98.-), the implant or graft it leaves (Z95.-, Z96.-) and
# the intraoperative and postprocedural complications of each body system (H59, H95, I97, J95, K91, N99, G97,
# M96, T81-T85).
AFTER_PROCEDURE = (
    "Z95",
    "Z96",
    "Z98",
    "H59",
    "H95",
    "I97",
    "J95",
    "K91",
    "N99",
    "G97",
    "M96",
    "T81",
    "T84",
    "T85",
)
# What tells a procedure is behind the patient ("s/p", "history of", "in 2019", "3 years ago").
_DONE_BEFORE = re.compile(
    r"\b(?:s/p|status\s+post|hx|h/o|history|prior|previous|previously|old|ago|had|underwent|(?:19|20)\d\d)\b",
    re.IGNORECASE,
)


def surgery_still_to_come(picks: dict[str, Pick], ctx: NoteContext) -> None:
    """In a preoperative evaluation the procedure the note names is still to come: no status after it and no
    complication following it, unless the mention tells a procedure done before (IV.M)."""
    for pick in [p for p in picks.values() if p.final and p.code.startswith(AFTER_PROCEDURE)]:
        if not any(_DONE_BEFORE.search(ctx.sentence(m)) for m in pick.mentions):
            demote(pick, "a preoperative evaluation: the procedure is still to come (guideline IV.M)")


def _first_listed_exam(
    picks: dict[str, Pick],
    ctx: NoteContext,
    catalog: CodeCatalog,
    code: str,
    match: re.Match[str],
    replaces: tuple[str, ...],
    reason: str,
) -> None:
    """The visit's exam code first; the general exam codes it ``replaces`` give it their evidence."""
    mentions = []
    for c in [c for c in picks if c.startswith(replaces)]:
        mentions.extend(picks.pop(c).mentions)
    add_pick(
        picks,
        catalog,
        code,
        best_score(picks) + 0.05,
        [ctx.mention(match.start(), match.end()), *mentions][:2],
        reason,
    )


# An examination for an administrative purpose is its own encounter (Z02.-; Z00 Excludes1 it, I.C.21.c.13):
# the purpose's code, then the findings.
ADMINISTRATIVE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (code, re.compile(rf"\b(?:{words})\b", re.IGNORECASE))
    for code, words in (
        (
            "Z02.5",
            r"sports?\s+(?:pre-?participation\s+)?(?:physical|exam\w*)|"
            r"pre-?participation\s+(?:sports?\s+)?(?:physical|exam\w*|evaluation)",
        ),
        (
            "Z02.1",
            r"pre-?(?:employment|placement|hire)\s+(?:physical|exam\w*|evaluation)|employment\s+physical",
        ),
        ("Z02.4", r"(?:dot|cdl|driver'?s?\s+licen[cs]e|commercial\s+driver)\s+(?:physical|exam\w*)"),
        ("Z02.6", r"(?:life\s+)?insurance\s+(?:physical|exam\w*)"),
        ("Z02.0", r"school\s+(?:entry\s+|admission\s+)?(?:physical|exam\w*)"),
    )
)


def administrative_exam(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> bool:
    """Z02.- first when the visit is an examination for an administrative purpose (the head of the note or
    its assessment names it); general exam codes give way to it. True when the note is that visit."""
    for code, rx in ADMINISTRATIVE:
        match = visit_named(rx, ctx)
        if match is None:
            continue
        _first_listed_exam(
            picks,
            ctx,
            catalog,
            code,
            match,
            ("Z00.0", "Z00.12"),
            "examination for an administrative purpose, listed first, then the findings "
            "(guideline I.C.21.c.13)",
        )
        return True
    return False


# A visit to have the blood pressure checked (Z01.30/Z01.31, I.C.21.c.13) when no hypertension is diagnosed;
# a diagnosed hypertension is itself the visit's reason (I10-I1A), not an examination.
_BP_CHECK = re.compile(
    r"\b(?:BP|blood\s+pressure)\s+(?:check|re-?check|screening|evaluation|eval)\b", re.IGNORECASE
)
BP_EXAM_NORMAL, BP_EXAM_ABNORMAL = "Z01.30", "Z01.31"
_HYPERTENSIVE = ("I10", "I11", "I12", "I13", "I15", "I16", "I1A", "O10", "O11", "O13", "O16")


def blood_pressure_exam(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> bool:
    """Z01.30 (without abnormal findings) or Z01.31 (with: the elevated reading R03.0 beside it) first when
    the visit is a blood pressure check and no hypertension is diagnosed. True when the note is that visit."""
    match = _BP_CHECK.search(head_lines(ctx.note, 2))
    if match is None or any(p.final and p.code.startswith(_HYPERTENSIVE) for p in picks.values()):
        return False
    abnormal = any(p.final and p.code.startswith("R03") for p in picks.values())
    state = "with" if abnormal else "without"
    _first_listed_exam(
        picks,
        ctx,
        catalog,
        BP_EXAM_ABNORMAL if abnormal else BP_EXAM_NORMAL,
        match,
        ("Z00.0", "Z01.3"),
        f"examination of blood pressure {state} abnormal findings, no hypertension diagnosed "
        "(guideline I.C.21.c.13)",
    )
    return True


# A reading at or above 140/90 in a patient the note says was never diagnosed with hypertension is an elevated
# blood-pressure reading (Index: Elevated, blood pressure reading, no diagnosis of hypertension R03.0).
ELEVATED_READING = "R03.0"
_READING = re.compile(
    r"\b(?:BP|blood\s+pressure)\b[^.;\n]{0,25}?\b(?P<systolic>\d{2,3})\s*(?:/|over)\s*(?P<diastolic>\d{2,3})\b",
    re.IGNORECASE,
)
_HIGH_READING = (140, 90)
_NO_HYPERTENSION = re.compile(
    r"\b(?:no|never|not)\s+(?:been\s+|had\s+|a\s+)?"
    r"(?:(?:prior|previous|known|past|history\s+of|hx\s+of|h/o|dx\s+of|diagnos(?:ed|is)\s+(?:with|of))\s+)*"
    r"(?:high\s+blood\s+pressure|hypertension|htn)\b",
    re.IGNORECASE,
)


def elevated_reading(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """R03.0 for a high reading when the note denies a hypertension diagnosis and codes none."""
    if ctx.pregnant or any(p.final and p.code.startswith(_HYPERTENSIVE) for p in picks.values()):
        return
    if not _NO_HYPERTENSION.search(ctx.note):
        return
    high = [
        m
        for m in _READING.finditer(ctx.note)
        if int(m.group("systolic")) >= _HIGH_READING[0] or int(m.group("diastolic")) >= _HIGH_READING[1]
    ]
    if high:
        reason = "a high reading with no hypertension diagnosed (Index: Elevated, blood pressure reading)"
        spans = [ctx.mention(m.start(), m.end()) for m in high]
        add_pick(picks, catalog, ELEVATED_READING, 0.6, spans, reason)


# The exam of one organ or system ("retinal exam last month", "neuro exam normal", "diabetic foot exam") is
# no general medical examination.
_ORGAN_EXAM = re.compile(
    r"\b(?:retinal|eye|dilated|fundoscopic|foot|feet|neuro\w*|pelvic|breast|skin|rectal|prostate|cardiac|"
    r"lung|abdominal|ophthalm\w*|dental|hearing|vision|genital|testicular|thyroid|joint|musculoskeletal|"
    r"msk|spine|back|knee|shoulder|hip|hand|wrist|ankle|ear|oral|cervical|mental\s+status)\s+exam\w*",
    re.IGNORECASE,
)


# An examination reported by what it found ("her examination showed a positive Hoover sign", "exam revealed
# a murmur") is a finding of some visit, not a general examination encounter.
_EXAM_FOUND = re.compile(
    r"\bexam\w*\s+(?:today\s+)?(?:showed|shows|revealed|reveals|demonstrated|demonstrates|disclosed|found)\b|"
    # an exam line that goes straight to its findings ("Exam no masses", "Exam: nl, no LAD")
    r"^\W*exam\w*\s*[:-]?\s*(?:no|nl|normal|unremarkable|wnl|benign|negative|neg)\b",
    re.IGNORECASE,
)


def _general_exam_said(text: str) -> bool:
    return (
        _EXAM_REASON.search(text) is not None
        and _ORGAN_EXAM.search(text) is None
        and _EXAM_FOUND.search(text) is None
    )


def _exam_of_this_visit(m: Mention, note: str) -> bool:
    """A general examination the mention names, not the one its line plans ("RTC 1 mo / 12-mo WCC")."""
    before = note[note.rfind("\n", 0, m.start) + 1 : m.start]
    return _general_exam_said(m.text) and ORDERED_ELSEWHERE.search(before) is None


def general_exam(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    exams = [c for c in picks if c.startswith(("Z00.0", "Z00.12"))]
    match = _GENERAL_EXAM.search(head_lines(ctx.note, 4)) or _POSTPARTUM_VISIT.search(head_lines(ctx.note, 4))
    if match is None and not exams:
        return
    if match is None and ctx.phrase:
        return  # a phrase that names no general examination names its own kind of examination
    if match is not None and not _EXAM_REASON.search(match.group(0)) and not exams:
        return
    if match is None and not any(_exam_of_this_visit(m, ctx.note) for c in exams for m in picks[c].mentions):
        for c in exams:  # "established patient" is not a general examination
            demote(picks[c], "no general examination documented: an exam code needs that visit")
        return
    stated = _STATED_FINDINGS.search(ctx.note)
    abnormal = (
        (stated.group(1) or "").lower() in ("with", "w/") or stated.group(2) is not None
        if stated
        else any(not _known_condition(p, ctx) for p in _findings(picks, catalog))
    )
    child_words = re.search(r"\bwell[- ]child|\bWCC\b|\bpediatric\b", ctx.note, re.IGNORECASE)
    exam_words = " ".join(
        [match.group(0) if match else "", *(m.text for c in exams for m in picks[c].mentions)]
    )
    if _POSTPARTUM.search(exam_words):
        code = POSTPARTUM_FOLLOW_UP
    elif _GYN_EXAM.search(exam_words):
        code = "Z01.411" if abnormal else "Z01.419"
    elif (days := newborn_days(head_lines(ctx.note, 4))) is not None and days <= NEWBORN_DAYS:
        code = "Z00.110" if days < NEWBORN_FIRST_WEEK else "Z00.111"
    elif (ctx.age is not None and ctx.age < ADULT_AGE) or (ctx.age is None and child_words):
        code = "Z00.121" if abnormal else "Z00.129"
    else:
        code = "Z00.01" if abnormal else "Z00.00"
    mentions = [m for c in exams for m in picks[c].mentions]
    for c in exams:
        picks.pop(c)
    if match is not None:
        mentions.append(ctx.mention(match.start(), match.end()))
    state = "with" if abnormal else "without"
    kind = "gynecological" if code.startswith("Z01.41") else "general"
    reason = (
        f"{kind} examination {state} abnormal findings, age {'not stated' if ctx.age is None else ctx.age} "
        "(guideline I.C.21.c.13: the exam code is listed first)"
    )
    if code == POSTPARTUM_FOLLOW_UP:
        reason = "routine postpartum examination: Z39.2, not a general examination (I.C.21.c.11)"
    add_pick(picks, catalog, code, best_score(picks) + 0.05, mentions[:2], reason)


# "Pap with HPV cotesting", "HPV DNA negative": HPV named as a test, not the vaccine.
_HPV_TEST = re.compile(
    r"\bpap\b|\bhpv\s*(?:co-?)?test\w*|\bhpv\s+(?:dna|rna|screen\w*|typing|negative|positive|neg|pos)\b|"
    r"\bco-?test\w*",
    re.IGNORECASE,
)


def _is_a_test(line: str, match: re.Match[str]) -> bool:
    return match.group(0).lower() == "hpv" and _HPV_TEST.search(line) is not None


# "Tdap today", "flu shot #1 today": the vaccine named with today's date is given at this visit.
_GIVEN_TODAY = re.compile(
    r"[\s#\d,()-]*(?:dose\s*\d\s*)?(?:(?:updated|given|administered|boosted)\s+)?today\b", re.IGNORECASE
)


_CLAUSE_END = re.compile(r"[.;](?:\s|$)")


def _sentence_at(line: str, at: int) -> str:
    """The sentence or ";" clause of a line that holds offset ``at`` ("... vaccines given today. Next visit at
    6.", "anesthesia consult if plts < 70k; Tdap given today")."""
    start = max((m.end() for m in _CLAUSE_END.finditer(line, 0, at)), default=0)
    end = _CLAUSE_END.search(line, at)
    return line[start : end.start() if end else len(line)]


# An immunity the patient has from a past series ("Hep B immune (vaccinated)", "previously vaccinated"), or
# its antibody ("anti-HBs + (vaccinated)", "HBsAb pos", "varicella titer positive").
_PAST_SERIES = re.compile(
    r"\b(?:immune|immunity|previously|already|fully|as\s+a\s+child|anti-?HBs|HBs\s?Ab|titers?)\b",
    re.IGNORECASE,
)


# A vaccine declined, due or to come ("HBV series once recovered", "HAV vaccine via PCP within 14 d"), never
# given, or dated before this visit ("flu shot done 10/26", "Tdap 2023") is not given at this visit.
_NOT_THIS_VISIT = re.compile(
    r"\b(?:declin\w*|refus\w*|due|next|never|once|within|will|via\s+(?:the\s+)?(?:pcp|pharmacy|health\s+dep\w*))\b|"
    r"\bat\s+(?:the\s+|a\s+)?pharmacy\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|\b(?:19|20)\d\d\b",
    re.IGNORECASE,
)


# A vaccine line's status that says nothing was given now ("Immunizations: UTD", "Vaccines: reviewed").
_LIST_STATUS = re.compile(
    r"\b(?:utd|up\s+to\s+date|current|reviewed|deferred|held|none|complete\w*|series|missed|delinquent|"
    r"overdue|behind|not\s+given)\b",
    re.IGNORECASE,
)


def _given_here(line: str, m: re.Match[str]) -> bool:
    """The vaccine named at ``m`` was given at this visit (not declined, due, planned or given before); a
    line labelled with the vaccines lists those given ("Vaccines: MMR, varicella")."""
    sentence = _sentence_at(line, m.start())
    if ANIMAL_VACCINATION.search(sentence):
        return False  # the biting animal's vaccines
    if _GIVEN_TODAY.match(line[m.end() :]) is not None:
        return True
    if _NOT_THIS_VISIT.search(sentence):
        return False
    if (
        VACCINE_LABEL.match(sentence)
        and not _LIST_STATUS.search(sentence)
        and not _PAST_SERIES.search(sentence)
    ):
        return True
    return documents_service(sentence) and not _PAST_SERIES.search(sentence)


def immunization(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z23 for a vaccine given; any of a line's vaccine words may be the given one ("Vaccine visit. ...
    hepatitis B vaccine dose #2 given today"). A given vaccine named by its disease ("HPV #2 given") is no
    mention of that disease."""
    given = _vaccines_given(ctx.note)
    if not given:
        return
    _vaccine_names(picks, given)
    start, end = given[0]
    add_pick(
        picks,
        catalog,
        "Z23",
        best_score(picks) * 0.9,
        [ctx.mention(start, end)],
        "vaccine administered at this encounter (guideline I.C.21.c.2: Z23)",
    )


def _vaccines_given(note: str) -> list[tuple[int, int]]:
    """The spans of the vaccine words given at this visit, in the note's order."""
    return [
        (line.start() + v.start(), line.start() + v.end())
        for line in re.finditer(r"[^\n]+", note)
        for v in _IMMUNIZATION.finditer(line.group(0))
        if not _is_a_test(line.group(0), v) and _given_here(line.group(0), v)
    ]


def _vaccine_names(picks: dict[str, Pick], given: list[tuple[int, int]]) -> None:
    for pick in picks.values():
        if (
            pick.final
            and pick.mentions
            and all(any(a <= m.start and m.end <= b for a, b in given) for m in pick.mentions)
        ):
            demote(pick, "the name of a vaccine given at this visit, not the disease (I.C.21.c.2: Z23)")


# A malignancy or carcinoma in situ coded as current, or an antineoplastic treatment encounter.
_CURRENT_NEOPLASM = re.compile(r"C|D0\d|Z51\.1")


def _visit_said(ctx: NoteContext, start: int, end: int) -> bool:
    return ctx.mention(start, end).section not in BACKGROUND_SECTIONS  # the past says not why they came


def _another_problem_first(picks: dict[str, Pick], at: int, assessed: bool) -> bool:
    """A condition coded from a problem line before ``at``: the visit's reason, before the past cancer. A
    surveillance the history tells ("NED at her oncology visit in September"), not the assessment, leaves
    every problem line the visit's reason."""
    return any(
        p.final
        and not p.code.startswith("Z")
        and any(m.problem and (m.start < at or not assessed) for m in p.mentions)
        for p in picks.values()
    )


def cancer_follow_up(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    history = [p for p in picks.values() if p.final and p.code.startswith("Z85")]
    current = next((c for c, p in picks.items() if p.final and _CURRENT_NEOPLASM.match(c)), None)
    follow_up = picks.get("Z08")
    if current is not None and follow_up is not None and follow_up.final:
        # "skin cancer f/u" with a new BCC on the path report: the cancer found is coded in place of the
        # follow-up (I.C.21.c.8)
        demote(
            follow_up,
            f"a cancer coded as current ({current}) is the visit's reason, not a follow-up (I.C.21.c.8)",
        )
    if not history or current is not None:
        return  # a cancer treated now (or its chemotherapy visit) is the visit's reason, not a follow-up
    if _GENERAL_EXAM.search(head_lines(ctx.note, 4)) or _WELLNESS_VISIT.search(head_lines(ctx.note, 4)):
        return  # a preventive visit is its own reason; the past cancer is its history (Z85) only
    said = [f for f in _SURVEILLANCE.finditer(ctx.note) if _visit_said(ctx, f.start(), f.end())]
    assessed = [f for f in said if ctx.mention(f.start(), f.end()).section in ASSESSMENT_SECTIONS]
    m = next(iter(assessed or said), None)
    if m is None:
        return
    if _another_problem_first(picks, m.start(), bool(assessed)):
        return  # "# Osteoporosis ... # Hx of breast cancer, NED": the visit is for the first problem
    add_pick(
        picks,
        catalog,
        "Z08",
        best_score(picks) + 0.02,
        [ctx.mention(m.start(), m.end())],
        f"follow-up after completed cancer treatment, with the history {history[0].code} (guideline I.C.2.d)",
    )


def _clause(line: str, at: int) -> str:
    """The sentence of a line around ``at`` ("Pap/HPV cotest performed. Screening mammogram ordered.")."""
    start = max(line.rfind(". ", 0, at), line.rfind(";", 0, at)) + 1
    ends = [e for e in (line.find(". ", at), line.find(";", at)) if e >= 0]
    return line[start : min(ends) if ends else len(line)]


_PAP = re.compile(r"\bpap(?:\s+(?:smear|test))?\b", re.IGNORECASE)


def pap_at_exam(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A Pap smear done at a general exam is the cervical cancer screening, Z12.4 (I.C.21.c.5); at a gyn
    exam it is part of the exam (Z01.41- Excludes1 Z12.4), and one ordered, referred or due is not done."""
    exam = _GENERAL_EXAM.search(head_lines(ctx.note, 4))
    if exam is None or _GYN_EXAM.search(exam.group(0)):
        return
    for m in _PAP.finditer(ctx.note):
        sentence = _clause(ctx.note, m.start())
        if _NOT_THIS_SCREENING.search(sentence) or not (
            documents_service(sentence) or re.search(r"\btoday\b", sentence, re.IGNORECASE)
        ):
            continue
        reason = "a Pap smear done at a general exam: screening for cervical cancer (guideline I.C.21.c.5)"
        add_pick(picks, catalog, "Z12.4", best_score(picks) * 0.9, [ctx.mention(m.start(), m.end())], reason)
        return


def _screened_site(title: str) -> set[str]:
    """The site words of a cancer-screening title ("... malignant neoplasm of prostate": prostate)."""
    at = title.lower().rfind("malignant neoplasm of ")
    return set(tokens(title[at + len("malignant neoplasm of ") :])) if at >= 0 else set()


def _present_cancer_of(picks: dict[str, Pick], catalog: CodeCatalog, site: set[str]) -> str | None:
    return next(
        (
            c
            for c, p in picks.items()
            if p.final and c[:1] == "C" and site and site <= catalog.title_tokens(c)
        ),
        None,
    )


def screening(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for p in [q for q in picks.values() if q.final and q.code.startswith("Z12")]:
        if all(_NOT_THIS_SCREENING.search(ctx.sentence(m)) for m in p.mentions):
            demote(p, "the screening is ordered or due, not done at this encounter (I.C.21.c.5)")
        elif (
            cancer := _present_cancer_of(picks, catalog, _screened_site(catalog.title(p.code)))
        ) is not None:
            demote(p, f"no screening for a cancer the note codes as present ({cancer}; I.C.21.c.5)")
    for line_match in re.finditer(r"[^\n]+", ctx.note):
        line = line_match.group(0)
        if not re.search(r"\bscreen\w*\b", line, re.IGNORECASE):
            continue
        for code, words in SCREENING:
            m = re.search(rf"\b(?:{words})\b", line, re.IGNORECASE if code != "Z12.5" else 0)
            if m is None or _NOT_THIS_SCREENING.search(line):
                continue
            if not re.search(r"\bscreen\w*\b", _clause(line, m.start()), re.IGNORECASE):
                continue  # the screening is another clause's ("Depression screen negative. Hx breast cancer")
            start = line_match.start() + m.start()
            add_pick(
                picks,
                catalog,
                code,
                best_score(picks) * 0.9,
                [ctx.mention(start, line_match.start() + m.end())],
                "screening for cancer in a patient without signs of it (guideline I.C.21.c.5)",
            )


def _topic_counseled(text: str, words: str) -> tuple[int, int] | None:
    """Where the counseling topic ``words`` sit in the visit's first lines."""
    t = re.search(rf"\b(?:{words})\b", text, re.IGNORECASE)
    return (t.start(), t.end()) if t is not None else None


def counseling(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z71.- when counseling is why the patient came (the visit's first lines), not an aside in the plan."""
    reason = head_lines(ctx.note)
    if not _COUNSEL.search(reason):
        return
    for code, words in COUNSELING:
        found = _topic_counseled(reason, words)
        if found is None:
            continue
        start, end = found
        add_pick(
            picks,
            catalog,
            code,
            best_score(picks),
            [ctx.mention(start, end)],
            "counseling is the reason for the visit (guideline I.C.21.c.10)",
        )
        return


# HIV pre-exposure prophylaxis as the visit's reason: "requesting HIV PrEP", "PrEP follow-up" ("PrEP" as
# written: the capitals tell it from a bowel "prep"). "On PrEP x 2 yr" at another visit is a drug.
_PREP = r"(?:HIV\s+)?(?:(?-i:PrEP)|pre-?exposure\s+prophylaxis)"
_HIV_PREP_VISIT = re.compile(
    rf"\b(?:request\w*|here\s+for|presents?\s+for|seen\s+for|start\w*|initiat\w*|interested\s+in|wants?)\s+"
    rf"(?:to\s+start\s+)?{_PREP}\b|"
    rf"\b{_PREP}\s+(?:visit|follow[- ]?up|f/u|initiation|start|consult\w*|refill|clinic)\b",
    re.IGNORECASE,
)


def hiv_prophylaxis(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Z29.81 when HIV pre-exposure prophylaxis is why the patient came (named so in the visit's first
    lines)."""
    found = _HIV_PREP_VISIT.search(head_lines(ctx.note, 2))
    if found is None:
        return
    reason = "HIV pre-exposure prophylaxis is the reason for the visit (Z29.81, chapter 21 Z20-Z29)"
    add_pick(picks, catalog, "Z29.81", best_score(picks), [ctx.mention(found.start(), found.end())], reason)


def encounter_codes(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    elevated_reading(picks, ctx, catalog)
    cancer_follow_up(picks, ctx, catalog)
    completed_treatment_follow_up(picks, ctx, catalog)
    immunization(picks, ctx, catalog)
    rho_d_prophylaxis(picks, ctx, catalog)
    screening(picks, ctx, catalog)
    pap_at_exam(picks, ctx, catalog)
    infection_screening(picks, ctx, catalog)
    counseling(picks, ctx, catalog)
    hiv_prophylaxis(picks, ctx, catalog)
    treatment_visits(picks, ctx, catalog)
    initial_contraceptive(picks, ctx, catalog)
    contraceptive_surveillance(picks, ctx, catalog)
    iud_encounter(picks, ctx, catalog)
    pregnancy_test_visit(picks, ctx, catalog)
    if not (
        preoperative_exam(picks, ctx, catalog)
        or administrative_exam(picks, ctx, catalog)
        or blood_pressure_exam(picks, ctx, catalog)
    ):
        general_exam(picks, ctx, catalog)
