"""Device, graft and transplant status (Z93-Z96; ICD-10-CM I.C.21.c.3): a device or operation the patient
has from before ("s/p CABG", "has a pacemaker", "history of right TKA") is a status code, with the side where
the code has one. Not while the device is being placed, adjusted or has a complication."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.reader import RELATIVES, sections
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# Insulin pumps named by their maker or model ("on Tandem pump", "Omnipod 5"): an insulin pump in use.
_PUMP_BRANDS = (
    r"(?:omnipod|t:slim|ilet)(?:\s+(?:x2|5|dash|go))?(?:\s+(?:insulin\s+)?pump)?|"
    r"(?:tandem|medtronic|minimed)\s+(?:\w+\s+)?(?:insulin\s+)?pump"
)
# (code, words); a code ending in "-" takes the side digit: 1 right, 2 left, 3 bilateral, 9 unspecified.
DEVICES: tuple[tuple[str, str], ...] = (
    ("Z95.0", r"pacemaker|PPM"),
    (
        "Z95.810",
        r"AICD|ICD in place|implantable (?:cardioverter[- ])?defibrillator|"
        # the device, not the classification: "s/p ICD 2023", "has an ICD", "BiV ICD"
        r"(?:s/p|status post|has an|with an|h/o|hx of|dual[- ]chamber|single[- ]chamber|biv|crt-d|"
        r"subcutaneous|s-)\s*ICD\b(?![- ]?(?:9|10|11)\b)",
    ),
    ("Z95.1", r"CABG|coronary (?:artery )?bypass(?: graft\w*)?"),
    (
        "Z95.5",
        r"coronary stents?|(?:cardiac|drug[- ]eluting) stents?|PCI|DES|angioplasty with stent\w*|"
        # a stent in a named coronary artery ("s/p stent to LAD 2022", "RCA stent")
        r"stents?\s+(?:placed\s+)?(?:to|in|into|of)\s+(?:the\s+)?(?:prox(?:imal)?\s+|mid\s+|distal\s+)?"
        r"(?:LAD|RCA|LCx|OM\d?|left anterior descending|right coronary|circumflex)\b|"
        r"(?:LAD|RCA|LCx)\s+stents?",
    ),
    ("Z95.2", r"(?:mechanical|prosthetic|bioprosthetic) (?:aortic |mitral )?valve|[AM]VR|TAVR|TAVI"),
    # a left atrial appendage occluder: a cardiac implant (Index: "Presence, cardiac, implant NEC")
    ("Z95.818", r"watchman|(?:left atrial appendage|LAA)\s+(?:occlu\w+|closure)(?:\s+device)?|LAAO"),
    ("Z96.64-", r"(?:total )?hip (?:replacement|arthroplasty)|THA|THR"),
    ("Z96.65-", r"(?:total )?knee (?:replacement|arthroplasty)|TKA|TKR"),
    ("Z96.1", r"pseudophak(?:ia|ic)|intraocular lens|IOL|cataract (?:surgery|extraction)"),
    ("Z94.0", r"kidney transplant\w*|renal transplant\w*"),
    ("Z94.1", r"heart transplant\w*"),
    ("Z94.4", r"liver transplant\w*"),
    ("Z93.3", r"colostomy"),
    # "PEG 3350" and "PEG-asparaginase" are drugs, not the tube
    ("Z93.1", r"gastrostomy(?: tube)?|G[- ]?tube|PEG(?: tube)?(?![- ]?\d)(?!-\w)"),
    ("Z93.0", r"tracheostomy"),
    ("Z93.2", r"ileostomy"),
    ("Z96.41", rf"(?:\w+\s+)?insulin pump|{_PUMP_BRANDS}"),
)
# Devices the patient lives on ("on an insulin pump", "COPD on home oxygen"): documented status by their use.
_IN_USE = re.compile(
    r"\b(?:on|uses?|using|wears?|with)\s+(?:an?\s+|her\s+|his\s+)?"
    rf"(?:(?:\w+\s+)?insulin pump|{_PUMP_BRANDS}|pump\s*\((?:{_PUMP_BRANDS}))",  # "on pump (Omnipod)"
    re.I,
)
# Maintenance dialysis ("ESRD on HD MWF", "on peritoneal dialysis"): dependence on renal dialysis (Z99.2), the
# status N18.6 asks for; not a single dialysis for an acute kidney injury.
_ON_DIALYSIS = re.compile(
    r"\b(?:on|receiving|gets|undergoing|maintained\s+on|started\s+on)\s+(?:chronic\s+|maintenance\s+|home\s+)?"
    r"(?:hemodialysis|peritoneal\s+dialysis|dialysis|HD|PD|CAPD|CCPD)\b|"
    r"\b(?:HD|hemodialysis|dialysis)\s+(?:MWF|TTS|TThS|T/Th/S|M/W/F|\dx?\s*(?:/|per|a|times\s+a)\s*w(?:ee)?k)",
    re.IGNORECASE,
)
_CHRONIC_KIDNEY = re.compile(r"\bESRD\b|end[- ]stage (?:renal|kidney)|\bCKD\s*(?:stage\s*)?5\b", re.I)
# Long-term oxygen at home is dependence on supplemental oxygen (Z99.81); oxygen given in the ED or the
# hospital is treatment, not this status.
_HOME_OXYGEN = re.compile(
    # "home O2 qualification walk", "home O2 eval": whether it is needed, not oxygen the patient has
    r"\bhome\s+(?:oxygen|O2)\b(?!\s+(?:qualif\w*|eval\w*|assessments?|needs?|requirements?|walk|test\w*))|"
    r"\b(?:oxygen|O2)\s+at\s+home\b|\b(?:oxygen|O2)[- ]dependent\b|"
    r"\bon\s+(?:continuous|nocturnal|supplemental|chronic)\s+(?:oxygen|O2)\b",
    re.IGNORECASE,
)
_STATUS = re.compile(
    r"\b(?:s/p|status post|h/o|history of|hx of|has an? |with an? |prior|previous|old|in place|in situ|"
    r"remote|\d{4}|years? ago|months? ago|after|aftercare|post-?op)\b",
    re.IGNORECASE,
)
_NOT_STATUS = re.compile(
    r"\b(?:placement|implanted today|today|scheduled|planned|referr\w*|candidate for|consider\w*|"
    r"malfunction|complication|infect\w*|failure of|dislocat\w*|loosening|interrogat\w*|adjust\w*|"
    r"denies|no history)\b",
    re.IGNORECASE,
)
# The patient asks for the device or its placement is to come ("wants an IUD", "interested in a pump"): no
# device is present yet, so no "presence of" status.
_WANTED = re.compile(r"\b(?:wants?|wanting|desires?|interested\s+in|requests?|requesting)\b", re.IGNORECASE)
_PRESENCE_CATEGORIES = ("Z95", "Z96", "Z97")
_STATUS_CATEGORIES = ("Z92", "Z94", "Z95", "Z96", "Z98")
_COMPLICATION_CATEGORIES = ("T82", "T83", "T84", "T85", "T86")
_SIDES = (("3", r"\bbilateral|\bboth\b"), ("1", r"\bright\b|\bR\b"), ("2", r"\bleft\b|\bL\b"))


# A word that itself says the device is in place ("pseudophakia": the lens implanted before).
_SELF_STATUS = re.compile(r"pseudophak", re.IGNORECASE)
# A relative named in the clause before the device word: the device is the relative's.
_RELATIVE_BEFORE = re.compile(rf"\b{RELATIVES}\b[^;.,\n]*$", re.IGNORECASE)
# A device listed in the past medical or surgical history is one the patient has.
_HISTORY_SECTIONS = frozenset({"pmh", "psh"})


def _section_of(spans: list[tuple[int, int, str]], at: int) -> str:
    return next((name for a, b, name in spans if a <= at < b), "body")


def _code(stem: str, context: str) -> str:
    if not stem.endswith("-"):
        return stem
    side = next((d for d, rx in _SIDES if re.search(rx, context, re.IGNORECASE)), "9")
    return stem[:-1] + side


def device_status(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    spans = sections(ctx.note)  # read once: every device word asks its section
    coded: dict[str, list[tuple[int, int]]] = {}
    for stem, words in DEVICES:
        found = list(re.finditer(rf"(?<![\w/])(?:{words})(?![\w])", ctx.note, re.IGNORECASE))
        for m in found:
            if len(m.group(0)) <= 4 and not m.group(0).isupper():
                continue  # "ppm", "pci" in lower case are not the abbreviations
            line_start = ctx.note.rfind("\n", 0, m.start()) + 1
            line_end = ctx.note.find("\n", m.end())
            line = ctx.note[line_start : line_end if line_end >= 0 else len(ctx.note)]
            relatives = _RELATIVE_BEFORE.search(ctx.note, line_start, m.start())
            if _section_of(spans, m.start()) == "fh" or relatives:
                continue  # a relative's device ("brother has an ICD") is no status of the patient's
            background = _section_of(spans, m.start()) in _HISTORY_SECTIONS  # "PMH: PPM for SSS"
            status = (
                background or _STATUS.search(line) or _IN_USE.search(line) or _SELF_STATUS.match(m.group(0))
            )
            if not status or _NOT_STATUS.search(_sentence(ctx.note, m)):
                continue
            window = ctx.note[max(line_start, m.start() - 25) : m.end() + 5]
            code = _code(stem, window)
            if add_pick(
                picks,
                catalog,
                code,
                best_score(picks) * 0.85,
                [ctx.mention(m.start(), m.end())],
                "status: the device, graft or transplant is documented from before (I.C.21.c.3)",
            ):  # every place the note names the device: its status there, not a complication
                coded.setdefault(code, []).extend(
                    (x.start(), x.end()) for x in found if not _NOT_STATUS.search(_sentence(ctx.note, x))
                )
            break
    _drop_stray_statuses(picks, coded)
    _drop_absent_devices(picks, ctx, coded)
    awaited_transplant(picks, ctx, catalog)
    home_oxygen(picks, ctx, catalog)
    renal_dialysis(picks, ctx, catalog)


def _sentence(note: str, m: re.Match[str]) -> str:
    """The sentence of the line around ``m`` ("CAD s/p CABG 2019, no angina. In NSR today.": the first),
    where a placement or complication would be said."""
    start = max(note.rfind("\n", 0, m.start()), *(note.rfind(p, 0, m.start()) for p in (". ", "; "))) + 1
    ends = [
        e for e in (note.find("\n", m.end()), note.find(". ", m.end()), note.find("; ", m.end())) if e >= 0
    ]
    return note[start : min(ends) if ends else len(note)]


def _drop_stray_statuses(picks: dict[str, Pick], coded: dict[str, list[tuple[int, int]]]) -> None:
    """A status code retrieved from the very words this rule read as a device ("s/p DES to LAD" giving a
    transplant status) is not coded, nor revived later as a "use additional" partner: the device's own
    status code is. Nor is a complication of the device ("S/p CABG" giving T82.218A): the rule reads a
    device only where no complication is said, and a complication is coded only when the provider
    documents one (I.C.19.g)."""
    spans = [span for spans in coded.values() for span in spans]
    for pick in picks.values():
        if pick.code in coded or not pick.code.startswith(_STATUS_CATEGORIES + _COMPLICATION_CATEGORIES):
            continue
        if pick.mentions and all(any(m.start < b and a < m.end for a, b in spans) for m in pick.mentions):
            demote(pick, f"the status documented there is {', '.join(coded)} (I.C.21.c.3)")


def _drop_absent_devices(
    picks: dict[str, Pick], ctx: NoteContext, coded: dict[str, list[tuple[int, int]]]
) -> None:
    """A "presence of" status code retrieved from a device the patient only wants, or that is still to be
    placed ("wants a levonorgestrel IUD, referral placed"), is not coded: no device is there yet."""
    for pick in picks.values():
        if pick.code in coded or not pick.final or not pick.code.startswith(_PRESENCE_CATEGORIES):
            continue
        sentences = [ctx.sentence(m) for m in pick.mentions]
        if sentences and all(_WANTED.search(s) or _NOT_STATUS.search(s) for s in sentences):
            demote(pick, "the device is wanted or to be placed, not present: no status code (I.C.21.c.3)")


# An organ the patient waits for ("Renal transplant list - active", "listed for kidney transplant", "awaiting
# a liver transplant"): no transplanted organ yet, the awaiting status (Index: Status, awaiting organ
# transplant Z76.82).
_AWAITED_TRANSPLANT = re.compile(
    r"\btransplant\s+(?:wait\s*-?\s*list|list|candidate|waiting\s+list)|"
    r"\b(?:wait\s*-?\s*listed|listed|awaiting|waiting)\s+(?:for\s+)?(?:an?\s+)?(?:\w+\s+)?transplant",
    re.IGNORECASE,
)
AWAITING_TRANSPLANT = "Z76.82"


def awaited_transplant(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A transplant status read from an organ the patient is on the list for is the awaiting status."""
    for pick in [p for p in picks.values() if p.final and p.code.startswith("Z94")]:
        if not pick.mentions or not all(_AWAITED_TRANSPLANT.search(ctx.sentence(m)) for m in pick.mentions):
            continue
        demote(
            pick, "the organ is awaited, not transplanted: Z76.82 (Index: Status, awaiting organ transplant)"
        )
        add_pick(picks, catalog, AWAITING_TRANSPLANT, pick.score, pick.mentions, "awaiting organ transplant")


def _first_undenied(statement: re.Pattern[str], note: str, denials: str) -> re.Match[str] | None:
    """The first place the note states it with none of ``denials`` in the 30 characters before."""
    for m in statement.finditer(note):
        if not re.search(rf"\b(?:{denials})\b", note[max(0, m.start() - 30) : m.start()], re.IGNORECASE):
            return m
    return None


def renal_dialysis(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Dependence on renal dialysis (Z99.2) for a patient with end-stage kidney disease on dialysis."""
    if not _CHRONIC_KIDNEY.search(ctx.note):
        return
    m = _first_undenied(_ON_DIALYSIS, ctx.note, r"no|not|denies|without|off|declin\w*|refus\w*|avoid\w*")
    if m is not None:
        add_pick(
            picks,
            catalog,
            "Z99.2",
            best_score(picks) * 0.85,
            [ctx.mention(m.start(), m.end())],
            "status: dependence on renal dialysis, with end-stage kidney disease (N18.6 note; I.C.21.c.3)",
        )


def home_oxygen(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """Dependence on supplemental oxygen (Z99.81) when the patient uses oxygen at home."""
    m = _first_undenied(_HOME_OXYGEN, ctx.note, r"no|not|denies|without|off|weaned")
    if m is not None:
        add_pick(
            picks,
            catalog,
            "Z99.81",
            best_score(picks) * 0.85,
            [ctx.mention(m.start(), m.end())],
            "status: dependence on supplemental oxygen at home (I.C.21.c.3)",
        )
