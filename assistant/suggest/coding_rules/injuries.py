"""Injuries (ICD-10-CM I.C.19.a, I.C.20): the 7th character from the encounter and the external causes.

The encounter is read from the whole note: sequela words give S; a visit after active treatment (routine
healing, cast or suture removal, "here for follow-up of the fracture") gives D; anything else is active
treatment, A. "Follow up in 2 weeks" is a plan and changes nothing. Every injury code and external-cause
code of the note takes that character when its category defines it.

External causes (cause, place Y92, activity Y93, status Y99) are looked up in the index among those
codes only, from the sentence that tells how the injury happened; place, activity and status are reported
once, at the initial encounter (I.C.20.b-c, k).
"""

from __future__ import annotations

import re

from assistant.suggest import seventh
from assistant.suggest.abbreviations import SEASON_FALL
from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote, head_lines
from assistant.suggest.coding_rules.transport import (
    CAR_OCCUPANT_PREFIXES,
    car_occupant_query,
    pedal_cycle_fall,
)
from assistant.suggest.injury_words import FALL_OR_BLOW
from assistant.suggest.injury_words import MECHANISM as _MECHANISM
from assistant.suggest.reader import clean_query
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# A removal still to come ("suture removal 10-12 d", "cast removal in 3 weeks") is the plan, not this visit.
_LATER = r"(?!\s+(?:in\s+|at\s+|after\s+)?(?:\d|one\b|two\b|three\b|a\s+week|next\b))"
_SEQUELA = re.compile(r"\bsequela[e]?\b|\blate effects?\b", re.IGNORECASE)
_SUBSEQUENT = re.compile(
    r"\bsubsequent encounter\b|\broutine healing\b|\bhealing (?:well|nicely|as expected|appropriately)\b|"
    rf"\bcast (?:check|change|removal{_LATER}|removed)\b|"
    rf"\b(?:suture|staple|stitch)e?s? (?:removal{_LATER}|removed)\b|"
    rf"\bremoval of (?:the )?(?:sutures|staples|stitches|cast)\b{_LATER}|"
    r"\bpost[- ]?op(?:erative)? (?:visit|check)\b|"
    r"\b(?:here|seen|returns?|presents?|comes? in) for (?:a |his |her )?(?:[\w-]+ ){0,3}?"
    r"(?:follow[- ]?up|f/u|recheck|re-?evaluation)(?![\w/])|"
    r"(?:\bfollow[- ]?up|(?<![\w/])f/u) (?:visit|of|for|on)\b|"
    # the visit after the emergency department treated the injury ("ED f/u.", "ER follow-up visit")
    r"\b(?:ED|ER|emergency\s+(?:room|department)|urgent\s+care)\s+(?:f/u|follow[- ]?up)(?![\w/])"
    r"(?!\s+(?:in|at|if|prn|as|with|\d))|"
    # "wound recheck", "recheck of the sprain", "Sports med recheck, 2 wks after ..."; "recheck 1 wk",
    # "recheck in 2 weeks", "recheck AM", "recheck INR Mon" (what is checked again, and when) are the plan
    r"\brecheck\b(?=\s*(?:[.,;:)\n]|$|of\b|visit\b))|"
    # the Tabular's note at Z47: "aftercare for healing fracture - code to fracture with 7th character D"
    r"\baftercare\s+(?:for|of)\s+(?:a\s+|the\s+)?healing\s+(?:[a-z]+\s+){0,2}?(?:fracture|injur)",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:at|in|on) (?:his |her |their |the |a )?(?:[a-z]+(?:['\u2019]s)? ){0,2}?"
    r"(?:home|house|kitchen|bathroom|bedroom|garage|yard|backyard|garden|driveway|stairs|street|road|highway|"
    r"sidewalk|parking lot|school|work|hospital|warehouse|factory|"
    r"workplace|office|store|restaurant|gym|playground|park|field|court|farm|barn|chicken coop|orchard|"
    r"construction site|"
    r"nursing home|pool|beach|flight(?!\s+of\b)|airplane|plane|"
    r"interstate|freeway|expressway|parkway|intersection|I-\d+|"
    r"ski (?:area|resort|slopes?|hill|mountain))\b",
    re.IGNORECASE,
)
# Cutting food is the Index's "Activity, food preparation and clean up" (Y93.G1); a cut while doing it,
# with no other tool named, is by the kitchen knife (W26.0).
_FOOD_PREPARATION = (
    r"(?:slic|chopp|cutt|dic|peel|carv|minc|prepar|wash)(?:ing|ed)\s+(?:up\s+)?(?:(?:some|the|a|an|her|his)\s+)?"
    r"(?:\w+\s+)?(?:vegetables?|veggies|food|onions?|meat|bread|bagels?|avocados?|fruit|potato\w*|chicken|"
    r"tomato\w*|carrots?|dinner|lunch|a\s+meal|dishes)"
)
# A cut by a knife the sentence names ("cut his hand w/ a kitchen knife"): the Index's "Contact, with, knife".
_KNIFE_CUT = re.compile(
    r"\b(?:cut|cutting|sliced|lacerated)\b[^.;]{0,60}\b(?:knife|knives|box\s+cutter|utility\s+knife|x-?acto)\b",
    re.I,
)
# ... or the knife the wound came from ("laceration to right palm from kitchen knife", "cut on a knife")
_FROM_KNIFE = re.compile(
    r"\b(?:from|on|by|with)\s+(?:an?\s+|the\s+|his\s+|her\s+|my\s+)?(?:[\w-]+\s+)?"
    r"(?:knife|knives|box\s+cutter|x-?acto)\b",
    re.I,
)
# A cut on a sharp edge the Index does not list by name ("cut his finger on sheet metal"): "Contact, with,
# sharp object(s), specified NEC" (W26.8).
_SHARP_EDGE = re.compile(
    r"\b(?:cut|cutting|sliced|lacerated|laceration|lac)\b[^.;]{0,40}\b(?:on|by|from|with)\s+(?:an?\s+|the\s+|some\s+)?"
    r"(?:sharp\s+)?(?:sheet\s+metal|metal(?:\s+(?:edge|sheet|siding|shelf|flashing))?|tin\s+can|can\s+lid|"
    r"sharp\s+(?:edge|object))\b",
    re.I,
)
# A cut by glass ("a drinking glass broke in the sink and cut his palm", "cut on a broken bottle"): the
# External Cause Index's "Contact, with, glass (sharp) (broken)" (W25).
_GLASS_CUT = re.compile(
    r"\b(?:glass|bottle|mirror|window\s*pane)\b[^.;]{0,60}\b(?:cut|cutting|sliced|lacerat\w*)\b|"
    r"\b(?:cut|cutting|sliced|lacerat\w*)\b[^.;]{0,40}\b(?:on|by|from|with)\s+(?:an?\s+|the\s+|some\s+)?"
    r"(?:broken\s+)?(?:glass|bottle|mirror|window)\b",
    re.I,
)
# A nonpowered hand tool the sentence names ("hit his thumb with a hammer"): "Contact, with, tool, hand".
_HAND_TOOL = re.compile(
    r"\b(hammer|mallet|screwdriver|chisel|hand\s*saw|axe|hatchet|wrench|pliers|crowbar|shovel|rake|hoe|"
    r"pitchfork)\b(?!\s+drill)",
    re.I,
)
# A blow by another person's body, not by what the game was played with ("hit in the nose by another
# player's elbow during basketball": W50.0, not "Struck by basketball").
_BY_ANOTHER = re.compile(
    r"\b(?:hit|struck|kicked|kneed|elbowed|headbutted|bumped|collided)\b[^.;]{0,40}?\b(?:by|with)\s+"
    r"(?:an?other|a|the|his|her|their)\s+(?:person|player|opponent|teammate|classmate|child|kid|boy|girl|"
    r"sibling|brother|sister|friend)(?:'s)?\b",
    re.I,
)
_FOOD_TOOLS = re.compile(r"\b(?:knife|knives|mandoline|peeler|scissors|glass|can\b|lid|grater|blender)", re.I)
# Walking a pet is its own activity (Y93.K1), not walking (Y93.01).
_WALKING = r"walking(?:\s+(?:her|his|the|their|a|my|our)\s+(?:dogs?|puppy|pet|animal))?"
_ACTIVITY_NAMES = (
    (re.compile(_FOOD_PREPARATION, re.IGNORECASE), "food preparation and clean up"),
    (re.compile(r"walking\s+\w+\s+(?:dogs?|puppy|pet|animal)", re.IGNORECASE), "walking an animal"),
    (re.compile(r"skateboards?", re.IGNORECASE), "skateboarding"),
    (re.compile(r"(?:roller\s*|inline\s+)skates?|rollerblades?", re.IGNORECASE), "roller skating"),
    (re.compile(r"recess", re.IGNORECASE), "physical games generally associated with school recess"),
)
# A limited-access highway by its name or number ("on I-94", "on the freeway"): the Y92 title's words.
_INTERSTATE = re.compile(r"\b(?:I-\d+|interstate|freeway|expressway)\b", re.IGNORECASE)
_ACTIVITY = re.compile(
    rf"\b(?:while|during)\b[^.\n]{{0,20}}?\b({_FOOD_PREPARATION})|\b(?:knife|knives)\s+({_FOOD_PREPARATION})|"
    r"\b(?:playing|while|during)\b[^.\n]{0,40}?\b(basketball|soccer|football|baseball|softball|hockey|"
    rf"tennis|volleyball|running|jogging|{_WALKING}|hiking|cycling|biking|skiing|snowboarding|swimming|"
    r"gardening|yard work|mowing|cooking|cleaning|climbing|dancing|skateboarding|weight ?lifting|"
    r"lifting|moving furniture|yoga|wrestling|golf|laundry)\w*|"
    # a child's play at school recess (Activity, physical games generally associated with school recess)
    r"\b(?:at|during)\s+(?:school\s+)?(recess)\b",
    re.IGNORECASE,
)
# The activity told by its verb before the injury ("walking in the park when a dog bit her") or by the sport
# the patient was playing ("HS football player, tackled at practice").
_ACTIVITY_WHEN = re.compile(
    rf"\b({_FOOD_PREPARATION})\b(?=[^.\n]{{0,60}}\bwhen\b)|"
    rf"\b({_WALKING}|running|jogging|hiking|cycling|biking|skiing|snowboarding|swimming|gardening|mowing|"
    r"cooking|climbing|dancing|skateboarding|skating)\b(?=[^.\n]{0,60}\bwhen\b)|"
    r"\b(basketball|soccer|football|baseball|softball|hockey|tennis|volleyball|lacrosse|rugby|wrestling)\s+"
    r"(?:player|practice|game|match|tournament)\b",
    re.IGNORECASE,
)
# Equipment whose use is an activity of the External Cause Index ("Activity, trampoline", "treadmill"): a fall
# off it or an injury on it tells the activity.
_EQUIPMENT_ACTIVITY = re.compile(
    r"\b(?:off|from|on|onto)\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+|their\s+|my\s+)?"
    r"(trampoline|treadmill|elliptical(?:\s+machine)?|stationary\s+bike|stepper(?:\s+machine)?|sled|"
    r"skateboard|(?:roller\s*|inline\s+)skates|rollerblades)\b",
    re.IGNORECASE,
)
_WORK = re.compile(
    r"\b(?:at work|while working|on the job|work[- ]related|at his job|at her job|workplace|"
    r"work[- ]injury|occupational\s+(?:\w+\s+)?(?:exposure|injury|illness)|workers['’]?\s+comp\w*)\b",
    re.I,
)
_ASSAULT = re.compile(
    r"\b(?:assault\w*|attacked|punched by|beaten|hit by (?:a|an|his|her) \w+ during|"
    r"(?:bar|street|school)?\s*fight(?:ing)?|brawl|altercation|stabbed|"
    r"struck by (?:a|an|his|her) \w+ during)\b",
    re.I,
)

# ... not a toy one ("tripped over a toy truck")
_VEHICLE = re.compile(
    r"(?<!\btoy\s)(?<!\btoys\s)\b(?:car|vehicle|MVC|MVA|truck|bus|motorcycle|bicycle|bike|pedestrian|scooter|skateboard\w*|"
    r"skates?|driver|passenger|collision|crash)\b",
    re.IGNORECASE,
)


def names_vehicle(text: str) -> bool:
    """The text tells a transport accident's vehicle (or its crash): the cause is a V code."""
    return bool(_VEHICLE.search(text))


_HOME = re.compile(r"\b(?:home|house|apartment)\b", re.IGNORECASE)
# A room's name that names a tool ("kitchen knife") is no place.
_NOT_A_TOOL = r"(?!\s+(?:knife|knives|scissors|shears|utensils?|appliances?))"
_ROOMS = ("kitchen", "bathroom", "bedroom", "garden or yard", "garage", "driveway")
UNSPECIFIED_PLACE = "Y92.9"
UNSPECIFIED_FALL = "W19.XXXA"
TRANSPORT_PREFIXES = ("V",)
ACCIDENT_PREFIXES = ("W", "X0", "X1", "X2", "X3", "X5")
ASSAULT_PREFIXES = ("X9", "Y0")
# Lowest search score to accept, per kind (measured with the MiniLM index: right causes from a whole
# sentence score 0.35-0.55; a short place or activity phrase that names its code scores 0.45 and up).
MIN_SCORE = {"cause": 0.35, "place": 0.45, "activity": 0.45}


# ... and one whose time or return visit the line gives before it ("RTC 10-12 d suture removal", "return in
# 10 days for suture removal", "f/u 1 wk cast removal"): the plan too.
_PLAN_BEFORE = re.compile(
    r"(?:\bRTC\b|\breturn(?:\s+to\s+clinic)?\s+in\b|\b(?:f/u|follow[- ]?up)\s+(?:in\s+)?\d|"
    r"\b\d+\s*(?:-\s*\d+\s*)?(?:d|days?|wks?|weeks?)\b)"
    # not a time past ("10 days s/p repair, here for suture removal")
    r"(?:(?!\b(?:ago|s/p|status\s+post|post|after|here|present\w*|seen|today)\b)[^.;\n]){0,25}$",
    re.IGNORECASE,
)


def encounter_character(note: str) -> str:
    if _SEQUELA.search(note):
        return "S"
    for found in _SUBSEQUENT.finditer(note):
        if not _PLAN_BEFORE.search(note, note.rfind("\n", 0, found.start()) + 1, found.start()):
            return "D"
    return "A"


def _with_character(catalog: CodeCatalog, code: str, char: str) -> str:
    meanings = catalog.seven_chr_for(code)
    plain = code.replace(".", "")
    if not meanings or len(plain) < 7 or char not in meanings or code.endswith(char):
        return code
    char = seventh.same_encounter_variant(meanings, plain[6], char)  # an open fracture stays open
    variant = code[:-1] + char
    return variant if variant in catalog else code


def _injuries(picks: dict[str, Pick], catalog: CodeCatalog) -> list[Pick]:
    return [
        p for p in picks.values() if p.final and p.code[:1] in ("S", "T") and catalog.seven_chr_for(p.code)
    ]


def seventh_characters(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> str:
    """Give every final 7th-character code of the note the encounter's character; returns it."""
    char = encounter_character(ctx.note)
    for pick in [p for p in picks.values() if p.final and catalog.seven_chr_for(p.code)]:
        own_words = " ".join(ctx.sentence(m) for m in pick.mentions)
        wanted = "S" if _SEQUELA.search(own_words) else char
        new = _with_character(catalog, pick.code, wanted)
        if new == pick.code:
            continue
        picks.pop(pick.code)
        meaning = catalog.seven_chr_for(new).get(wanted, "")
        target = add_pick(
            picks,
            catalog,
            new,
            pick.score,
            pick.mentions,
            f"7th character {wanted} ({meaning}): from the encounter",
        )
        if target is None:
            picks[pick.code] = pick
        else:
            target.warnings.extend(w for w in pick.warnings if w not in target.warnings)
    return char


# A bite is an open bite (Index: Bite -> Wound, open, by site, bite), whatever the wound it made: the puncture
# or laceration of a dog bite is coded as the site's open bite (a superficial insect bite is no open wound).
_BITE = re.compile(
    r"(?<!insect\s)(?<!mosquito\s)(?<!tick\s)(?<!spider\s)(?<!bug\s)(?<!flea\s)(?<!ant\s)\b(?:bites?|bitten)\b|"
    r"\bbit\s+(?:by|him|her|them|his|the)\b",
    re.IGNORECASE,
)
_OPEN_WOUND_KIND = re.compile(
    r"^(?:puncture\s+wound|laceration)\s+without\s+foreign\s+body|^unspecified\s+open\s+wound", re.IGNORECASE
)
_OPEN_BITE = re.compile(r"^open\s+bite\b", re.IGNORECASE)


def _site(title: str) -> str:
    """What an open wound's title names after its kind ("... of left forearm, initial encounter")."""
    return title.partition(" of ")[2].lower()


def _open_bite_of(catalog: CodeCatalog, code: str) -> str | None:
    """The open bite of the same site as an open wound code (the wound's kind is the code's 5th character)."""
    title = catalog.title(code)
    if len(code) < 6 or not _OPEN_WOUND_KIND.search(title):
        return None
    bite = code[:5] + "5" + code[6:]
    if bite not in catalog or not _OPEN_BITE.search(catalog.title(bite)):
        return None
    return bite if _site(catalog.title(bite)) == _site(title) else None


def open_bites(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """An open wound of a note that tells a bite (an animal's or a person's, not an insect's) becomes the open
    bite of its site: the note's puncture wounds are the bite's."""
    if not _BITE.search(ctx.note):
        return
    for pick in [p for p in picks.values() if p.final and p.code[:1] == "S"]:
        bite = _open_bite_of(catalog, pick.code)
        if bite is None:
            continue
        picks.pop(pick.code)
        reason = "a bite is an open bite (Index: Bite)"
        if add_pick(picks, catalog, bite, pick.score, pick.mentions, reason) is None:
            picks[pick.code] = pick


def _best(
    ctx: NoteContext, catalog: CodeCatalog, text: str, prefixes: tuple[str, ...], char: str, kind: str
) -> str | None:
    """The best code under ``prefixes`` for ``text``, with the encounter's 7th character; None if weak. A
    code of a blow or contact "by another person" (W50-W52) needs a person in the text."""
    found = ctx.search(text, prefixes)[:_LOOKED_AT] if ctx.search is not None else []
    found = [f for f in found if not _person_unsaid(catalog.title(f[0]), text)][:1]
    if not found or found[0][1] < MIN_SCORE[kind]:
        return None
    return _with_character(catalog, found[0][0], char)


_LOOKED_AT = 5
_BY_A_PERSON = re.compile(r"\b(?:by|with) another person\b", re.IGNORECASE)
_PERSON = re.compile(
    r"\b(?:person|people|someone|somebody|another|players?|opponent|teammate|classmate|co-?worker|child|kid|"
    r"boy|girl|man|woman|brother|sister|sibling|son|daughter|mother|father|mom|dad|friend|wife|husband|"
    r"partner|patient|resident|student|toddler|baby|crowd)\b",
    re.IGNORECASE,
)


def _person_unsaid(title: str, text: str) -> bool:
    return _BY_A_PERSON.search(title) is not None and _PERSON.search(text) is None


_RESIDENCE = (
    (re.compile(r"\bsingle[- ]family\b|\bhouse\b", re.I), "single-family (private) house"),
    (re.compile(r"\bapartment\b|\bcondo\w*", re.I), "apartment"),
    (re.compile(r"\bmobile home\b|\btrailer\b", re.I), "mobile home"),
)


# A note written where the patient lives in a nursing home (its first lines: "SNF progress note", "LTC
# resident"): a room it names with no home of the patient's own is the nursing home's (Index: Place of
# occurrence, residence, institutional, nursing home, bedroom Y92.122). "Dispo: SNF" is where she goes next.
_NURSING_HOME = re.compile(
    r"\b(?:nursing\s+(?:home|facility|center)|skilled\s+nursing|(?-i:SNF|LTCF?|NH)\b(?:\s+resident)?|"
    r"long[- ]term\s+care\s+(?:facility|resident|unit))\b",
    re.IGNORECASE,
)
_HEAD_LINES = 2


# The nursing home the place names ("CNA at Maplewood Nursing Home") is no private home, whatever "home" it
# says; a resident's own room there is its bedroom (Y92.122).
_NURSING_HOME_PLACE = re.compile(r"\bnursing\s+(?:home|facility)\b", re.IGNORECASE)
_RESIDENTS_ROOM = re.compile(r"\b(?:resident|patient)['\u2019]?s\s+(?:bed)?room\b", re.IGNORECASE)


def _place_query(place: str, sentence: str = "", nursing_home: bool = False) -> str:
    """A place in the words of the Y92 titles ("... as the place of occurrence"); a home is a
    "non-institutional (private) residence" (its kind from the sentence, when named) with the room or yard;
    a room of a nursing-home resident's note, the nursing home's."""
    if _NURSING_HOME_PLACE.search(place):
        said = f"{place} {sentence}".lower()
        room = next((r for r in _ROOMS if re.search(rf"\b{r.split()[-1]}\b{_NOT_A_TOOL}", said)), None)
        if room is None and _RESIDENTS_ROOM.search(sentence):
            room = "bedroom"
        return f"{room or 'unspecified place'} in nursing home as the place of occurrence"
    if nursing_home and not _HOME.search(place):
        low = place.lower()
        room = next((r for r in _ROOMS if r.split()[-1] in low or r.split()[0] in low), None)
        if room is not None:
            return f"{room} in nursing home as the place of occurrence"
    if _INTERSTATE.search(place):
        return "interstate highway as the place of occurrence"
    if re.search(r"\bski\b", place, re.IGNORECASE):  # not a Y92 title of its own: a recreation area
        return "other recreation area as the place of occurrence"
    low = place.lower()
    room = next((r for r in _ROOMS if r.split()[-1] in low or r.split()[0] in low), None)
    if not _HOME.search(place) and room is None:
        place = re.sub(r"\bgym\b", "gymnasium", place, flags=re.IGNORECASE)  # the Index's word (Y92.39)
        place = re.sub(r"\b(?:flight|plane)\b", "airplane", place, flags=re.IGNORECASE)  # Y92.813
        return f"{place} as the place of occurrence"
    if room is None:  # "at his house (backyard side)": the room or yard the sentence names beside the home
        said = sentence.lower()
        named = (r for r in _ROOMS if re.search(rf"\b(?:back)?{r.split()[-1]}\b{_NOT_A_TOOL}", said))
        room = next(named, None)
    kind = next(
        (name for rx, name in _RESIDENCE if rx.search(sentence or place)),
        "unspecified non-institutional (private) residence",
    )
    return f"{room or 'unspecified place'} in {kind} as the place of occurrence"


# The mechanism as a short clause ("fell off a ladder", "slipped on ice"), searched when the whole sentence
# is too diluted to name its cause.
_CLAUSE_END = re.compile(r",|;|\.(?!\d)|\bwhile\b|\band\b|\bwhen\b|\bat\s+(?:work|home)\b|\bin\s+the\b", re.I)


def mechanism_clause(sentence: str) -> str | None:
    """The first mechanism clause of two words or more ("cut while slicing vegetables with a kitchen knife":
    "slicing vegetables with a kitchen knife")."""
    for m in _MECHANISM.finditer(sentence):
        rest = sentence[m.start() :]
        end = _CLAUSE_END.search(rest, len(m.group(0)))
        clause = rest[: end.start()] if end else rest
        words = clause.split()[:8]
        if len(words) >= 2:
            return " ".join(words)
    return None


# "fell off the monkey bars", "fall from a swing": the thing fallen from, after its verb
_FALL_OFF = (
    r"\b(?:fell|falls?|falling|fallen)\b[^.;]{0,40}?\b(?:off|from|out\s+of)\s+(?:of\s+)?"
    r"(?:the\s+|a\s+|an\s+|his\s+|her\s+)?"
)


# A fall on a snow board or skis, said either way round ("fell snowboarding", "skiing, fell on ..."): the
# pedestrian-conveyance fall (External Cause Index: Accident, transport, pedestrian, conveyance), not W19.
def _fall_riding(board: str) -> re.Pattern[str]:
    fell = r"\b(?:fell|falls?|falling|fallen|wiped\s+out|crashed)\b"
    return re.compile(rf"{fell}[^.;]{{0,60}}\b{board}|\b{board}[^.;]{{0,60}}{fell}", re.I)


# Falls on the same level whose cause the W-code titles name in words a search does not reach from the
# note ("slipped on ice" is W00, not "fall from ice-skates"); the first row that matches wins.
_FALLS = (
    # out of a wheelchair that was not moving (External Cause Index: Fall, from, wheelchair, non-moving
    # W05.0); a powered or moving one is a conveyance accident the search names
    (
        re.compile(
            r"\b(?:fell|falls?|falling|fallen|slid|sliding|slipped)\b[^.;]{0,40}?\b(?:off|from|out\s+of)\s+"
            r"(?:of\s+)?(?:the\s+|a\s+|his\s+|her\s+|their\s+)?(?:(?!power|motori|electric)[\w-]+\s+){0,2}?"
            r"(?:wheelchair|w/c)\b"
            r"(?![^.;]{0,30}\b(?:powered|power|motori[sz]ed|electric|moving|rolling)\b)",
            re.I,
        ),
        "W05.0XXA",
    ),
    (_fall_riding(r"snowboard\w*"), "V00.311A"),
    (_fall_riding(r"(?:skis\b|skiing\b|(?:downhill|alpine|cross[- ]country)\s+ski\w*)"), "V00.321A"),
    (
        re.compile(
            r"\b(?:slip\w*|fell|fall\w*|tripp?\w*)\b[^.;]{0,30}\b(?:on|in)\s+(?:the\s+|an?\s+|some\s+)?"
            r"(?:patch\s+of\s+)?(?:black\s+)?(?:ice|icy|snow\w*)\b",
            re.I,
        ),
        "W00.0XXA",
    ),
    (
        re.compile(
            r"\b(?:slipp(?:ed|ing)|tripp(?:ed|ing)|stumbl(?:ed|ing))\b"
            r"(?![^.;]{0,40}\b(?:stairs?|steps?|ladder|off|from|out of)\b)",
            re.I,
        ),
        "W01.0XXA",
    ),
    # a fall from playground equipment (External Cause Index: Fall, from, playground equipment, jungle gym
    # W09.2, slide W09.0, swing W09.1, other W09.8)
    (re.compile(rf"{_FALL_OFF}(?:monkey\s+bars|jungle\s+gym|climbing\s+frame)\b", re.I), "W09.2XXA"),
    (re.compile(rf"{_FALL_OFF}slide\b", re.I), "W09.0XXA"),
    (re.compile(rf"{_FALL_OFF}swings?(?:\s+set)?\b", re.I), "W09.1XXA"),
    (
        re.compile(rf"{_FALL_OFF}(?:trampoline|seesaw|teeter[- ]totter|merry[- ]go[- ]round)\b", re.I),
        "W09.8XXA",
    ),
    # a fall the note tells nothing more of (External Cause Index: Fall, falling (accidental) W19)
    (
        re.compile(
            r"\b(?:fell|falls?|fallen)\b(?![^.;]{0,40}\b(?:from|off|out|down|on|onto|into|over|against|through|"
            r"stairs?|steps?|ladder|bed|chair|toilet|roof|tree|while|playing|skat\w*|bike|horse)\b)",
            re.I,
        ),
        "W19.XXXA",
    ),
)

# A fall from a vehicle or a ridden conveyance is a transport accident (V codes), not a W fall.
_RIDING = re.compile(r"\b(?:off|from|out of|riding|rode|driv\w*|bik\w*|bicycle|motorcycle|scooter)\b", re.I)
_STRUCK = re.compile(r"\b(?:struck|strik\w*|hit)\b", re.I)
_NOT_STRUCK = re.compile(
    r"\b(?:no|without|denies|did not|didn't)\s+(?:\w+\s+)?(?:struck|strik\w*|hit)\b", re.I
)


# "No fall", "denies being struck": a mechanism the note denies is no external cause.
_DENIED_MECHANISM = re.compile(
    r"\b(?:no|denies|denied|without|not|never)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE
)


def _stated(rx: re.Pattern[str], sentence: str) -> bool:
    """The sentence says ``rx`` other than in a denial ("no fall", "denies slipping") or as the season
    ("spring and fall sneezing")."""
    seasons = [m.span() for m in SEASON_FALL.finditer(sentence)]
    return any(
        not _DENIED_MECHANISM.search(sentence[: m.start()])
        and not any(a <= m.start() < b for a, b in seasons)
        for m in rx.finditer(sentence)
    )


def fall_code(sentence: str) -> str | None:
    """The W00/W01 code a same-level fall sentence names, the W09 code of the playground equipment fallen
    from, or W19 for a fall told no further, at the initial encounter; None for any other."""
    code = _told_fall(sentence)
    if code == "W01.0XXA" and _STRUCK.search(_NOT_STRUCK.sub(" ", sentence)):
        return None  # W01.1x: striking against an object, which slip_strike_code or the search names
    return code


def _told_fall(sentence: str) -> str | None:
    return next((code for rx, code in _FALLS if _stated(rx, sentence)), None)


# A slip, trip or stumble on the same level and the blow that followed ("slipped in the bathroom and hit her
# head on the sink"): External Cause Index "Fall, same level, from slipping, with subsequent striking against
# object" W01.1-, by the object (furniture W01.190, sharp glass W01.110, other W01.198, unspecified W01.10);
# the ground fallen on is no object struck after the fall (W01.0); a thing named that is neither is left to
# the search of the sentence.
_STRUCK_ON = re.compile(
    r"\b(?:(?:struck|strik\w*|hit(?:ting)?)\b[^.;]{0,30}?\b(?:on|against|into)|(?:fell|falls?|falling)\s+"
    r"(?:against|into|onto))\s+(?:the\s+|a\s+|an\s+|her\s+|his\s+)?"
    # the part of the object struck ("on the corner of the coffee table")
    r"(?:(?:corner|edge|side|leg|top|end|arm)\s+of\s+(?:the\s+|a\s+|an\s+|her\s+|his\s+)?)?"
    r"(?P<object>[\w-]+(?:\s+[\w-]+){0,2})",
    re.I,
)
_GROUND = re.compile(
    r"\b(?:floor|ground|pavement|sidewalk|concrete|ice|snow|grass|dirt|asphalt|street)\b", re.I
)
_FURNITURE = re.compile(
    r"\b(?:table|chair|desk|dresser|bed|bedframe|bedpost|couch|sofa|nightstand|cabinet|bookcase|bench|stool)\b",
    re.I,
)
_GLASS = re.compile(r"\bglass\b", re.I)
# Fixtures and things a patient strikes after a slip, named as objects (other objects: W01.198).
_OTHER_OBJECT = re.compile(
    r"\b(?:sink|counter\w*|vanity|toilet|(?:bath)?tub|shower|door\w*|wall|shelf|shelves|stove|oven|"
    r"refrigerator|fridge|dishwasher|washer|dryer|mailbox|pole|post|rock|bucket|box)\b",
    re.I,
)


def slip_strike_code(sentence: str) -> str | None:
    """The W01 code of a same-level slip or trip told with a blow after it; None for any other."""
    if _told_fall(sentence) != "W01.0XXA":
        return None
    told = _NOT_STRUCK.sub(" ", sentence)
    struck = _STRUCK_ON.search(told)
    if struck is None:
        return "W01.10XA" if _STRUCK.search(told) else None
    thing = struck.group("object")
    if _GROUND.search(thing):
        return "W01.0XXA"
    if _GLASS.search(thing):
        return "W01.110A"
    if _FURNITURE.search(thing):
        return "W01.190A"
    return "W01.198A" if _OTHER_OBJECT.search(thing) else None  # a thing not known as an object: the search


# A strain from lifting: External Cause Index "Lifting, heavy objects" / "Lifting, weights" X50.0
# (overexertion from strenuous movement or load); a lift with a fall or a blow is that fall's or blow's.
_LIFTING = re.compile(r"\b(?:lift(?:ing|ed|s)?|picking\s+up|picked\s+up)\b(?!\s+(?:device|machine))", re.I)
# ... by the patient: a child lifted or swung by a parent's hands, or lifting the plan forbids, is not.
_LIFTED_BY_OTHERS = re.compile(
    r"\b(?:father|mother|dad|mom|parent|sibling|brother|sister|someone|caregiver|nurse|avoid\w*|no\s+heavy)\b"
    r"[^.;]{0,20}\b(?:lift\w*|picked\s+up|picking\s+up|swung)|"
    r"\b(?:lift\w*|picked\s+up|swung)\s+(?:the\s+)?(?:him|her|child|baby|toddler|infant)\b|\bby\s+the\s+(?:hands?|arms?|wrists?)\b",
    re.I,
)


def overexertion_code(sentence: str) -> str | None:
    """X50.0XXA for an injury from lifting told in ``sentence`` with no fall or blow; None for any other."""
    if (
        not _stated(_LIFTING, sentence)
        or _stated(FALL_OR_BLOW, sentence)
        or _LIFTED_BY_OTHERS.search(sentence)
    ):
        return None
    return "X50.0XXA"


# A joint twisted or rolled ("rolled R ankle playing basketball", "inversion injury"): the sport or the ball
# the sentence names is no blow, so a search of the sentence would read a cause it does not tell.
_TWISTING = re.compile(
    r"\b(?:twist(?:ed|ing|s)?|roll(?:ed|ing|s)?|invert(?:ed|ing)|turn(?:ed|ing))\s+(?:(?:his|her|their|my|the|an?|"
    r"left|right|l|r|rt|lt)\s+){0,2}(?:ankles?|knees?|feet|foot|wrists?)\b|"
    r"\b(?:ankles?|knees?|foot|wrists?)\s+(?:was\s+)?(?:twisted|rolled|inverted|turned)\b|"
    r"\b(?:inversion|twisting|pivoting)\s+injury\b",
    re.IGNORECASE,
)


def twist_only(sentence: str) -> bool:
    """Does ``sentence`` tell a twisted or rolled joint and no fall or blow?"""
    return _stated(_TWISTING, sentence) and not _stated(FALL_OR_BLOW, _TWISTING.sub(" ", sentence))


def _not_this_encounter(picks: dict[str, Pick], catalog: CodeCatalog, char: str) -> None:
    """External-cause codes only beside an injury or poisoning (I.C.20); place, activity and status only
    at the initial encounter (I.C.20.b, c, k)."""
    injured = bool(_injuries(picks, catalog))
    for code, pick in picks.items():
        if not pick.final or code[:1] not in "VWXY" or catalog.system(code) != "ICD-10-CM":
            continue
        if not injured:
            demote(pick, "an external-cause code goes with an injury or poisoning code (I.C.20)")
        elif char != "A" and code.startswith(("Y92", "Y93", "Y99")):
            demote(pick, "place, activity and status are reported at the initial encounter only (I.C.20)")


_CHIEF_COMPLAINT = re.compile(r"\s*(?:CC|C/C|chief\s+complaint|reason\s+for\s+visit)\s*:", re.IGNORECASE)


def states_mechanism(sentence: str) -> bool:
    """The sentence names how the injury happened, not only a mechanism it denies."""
    return _stated(_MECHANISM, sentence)


def external_causes(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog, char: str) -> None:
    _not_this_encounter(picks, catalog, char)
    injuries = _injuries(picks, catalog)
    if not injuries or ctx.search is None:
        return
    score = min(p.score for p in injuries) * 0.9
    stated = [s for s in re.split(r"(?<=[.!?])\s+|\n", ctx.note) if states_mechanism(s)]
    stated.sort(key=lambda s: _CHIEF_COMPLAINT.match(s) is not None)  # the HPI tells how, the CC only names
    # a fall told no further ("post-fall evaluation") gives way to the sentence that tells it
    how = next((s for s in stated if fall_code(s) != UNSPECIFIED_FALL), stated[0] if stated else None)
    have = {c[:3] for c, p in picks.items() if p.final and c[:1] in "VWXY"}
    unspecified_only = have - {"Y92", "Y93", "Y99"} == {UNSPECIFIED_FALL[:3]}
    if how is not None and unspecified_only:
        fall = fall_code(how)
        if fall and fall != UNSPECIFIED_FALL and fall in catalog:
            start = ctx.note.find(how)
            evidence = [ctx.mention(start, start + len(how.rstrip(" .")))]
            reason = "external cause of the injury (guideline I.C.20.a): the fall as the note tells it"
            if add_pick(picks, catalog, _with_character(catalog, fall, char), score, evidence, reason):
                for p in [p for c, p in picks.items() if p.final and c.startswith(UNSPECIFIED_FALL[:3])]:
                    demote(p, f"the note tells the fall: {fall[:3]}, not an unspecified fall")
    if how is not None and not have - {"Y92", "Y93", "Y99"}:
        start = ctx.note.find(how)
        evidence = [ctx.mention(start, start + len(how.rstrip(" .")))]
        prefixes: tuple[str, ...]
        if _ASSAULT.search(how):
            prefixes = ASSAULT_PREFIXES
        else:
            prefixes = TRANSPORT_PREFIXES if names_vehicle(how) else ACCIDENT_PREFIXES
        slipped = slip_strike_code(how) if prefixes == ACCIDENT_PREFIXES else None
        riding = prefixes == TRANSPORT_PREFIXES and _RIDING.search(how)
        fall = fall_code(how) if prefixes != ASSAULT_PREFIXES and not riding else None
        if prefixes == TRANSPORT_PREFIXES:
            fall = pedal_cycle_fall(how) or fall
        elif prefixes == ACCIDENT_PREFIXES:
            fall = slipped or fall or overexertion_code(how)
        cause = _with_character(catalog, fall, char) if fall and fall in catalog else None
        crash = car_occupant_query(how) if prefixes == TRANSPORT_PREFIXES else None
        if cause is None and crash is not None:
            cause = _best(ctx, catalog, crash, CAR_OCCUPANT_PREFIXES, char, "cause")
        food = re.search(_FOOD_PREPARATION, how, re.IGNORECASE)
        tool = _HAND_TOOL.search(how)
        accident = prefixes == ACCIDENT_PREFIXES
        # External Cause Index "Contact, with, knife": the tool, not the story
        if _KNIFE_CUT.search(how) or accident and _FROM_KNIFE.search(how):
            how_cut = "contact with knife"
        elif accident and _GLASS_CUT.search(how):
            how_cut = "contact with sharp glass"
        elif accident and _SHARP_EDGE.search(how):
            how_cut = "contact with other specified sharp object"
        elif tool:
            how_cut = f"contact with hand tool, {tool.group(1).lower()}"
        elif _BY_ANOTHER.search(how):
            how_cut = "accidental hit or strike by another person"
        elif food and not _FOOD_TOOLS.search(how):
            how_cut = f"{how} contact with knife"
        else:
            how_cut = how
        # a twisted joint: the Index's "Twisting" (X50.1) is a posture's overexertion, not a sport's sprain
        told = cause is not None or prefixes != ACCIDENT_PREFIXES or not twist_only(how)
        if told:
            cause = cause or _best(ctx, catalog, clean_query(how_cut), prefixes, char, "cause")
        clause = mechanism_clause(how)
        if cause is None and clause and told:
            cause = _best(ctx, catalog, clean_query(clause), prefixes, char, "cause")
        if cause:
            add_pick(
                picks, catalog, cause, score, evidence, "external cause of the injury (guideline I.C.20.a)"
            )
    if char != "A":
        return
    place = (_PLACE.search(how) if how else None) or _PLACE.search(ctx.note)
    if place and "Y92" not in have:
        resident = _NURSING_HOME.search(head_lines(ctx.note, _HEAD_LINES)) is not None
        query = _place_query(place.group(0), how or "", resident)
        found = _best(ctx, catalog, query, ("Y92",), char, "place")
        if found and found != UNSPECIFIED_PLACE:  # Y92.9 is never coded for a place not stated (I.C.20.b)
            evidence = [ctx.mention(*_span(ctx, place))]
            add_pick(picks, catalog, found, score * 0.98, evidence, "place of occurrence (I.C.20.b)")
    activity = (
        (_ACTIVITY.search(how) if how else None)
        or _ACTIVITY.search(ctx.note)
        or (_ACTIVITY_WHEN.search(how) if how else None)
        or (_EQUIPMENT_ACTIVITY.search(how) if how else None)
    )
    if activity and "Y93" not in have:
        name = next(g for g in activity.groups() if g)
        name = next((term for rx, term in _ACTIVITY_NAMES if rx.fullmatch(name)), name)
        found = _best(ctx, catalog, f"Activity, {name}", ("Y93",), char, "activity")
        if found:
            add_pick(
                picks,
                catalog,
                found,
                score * 0.97,
                [ctx.mention(*_span(ctx, activity))],
                "activity (I.C.20.c)",
            )
    work = _WORK.search(ctx.note)
    if "Y99" in have:
        status = [p for c, p in picks.items() if p.final and c.startswith("Y99")]
        if work and not any(p.code == "Y99.0" for p in status):
            for p in status:  # the note says the injury happened at work: its status is Y99.0
                demote(p, "the note documents the injury at work: Y99.0 (I.C.20.k)")
            have.discard("Y99")
        else:
            return
    if work:
        add_pick(
            picks, catalog, "Y99.0", score * 0.96, [ctx.mention(*_span(ctx, work))], "status: work (I.C.20.k)"
        )
    elif activity:
        evidence = [ctx.mention(*_span(ctx, activity))]
        add_pick(picks, catalog, "Y99.8", score * 0.96, evidence, "external cause status: leisure (I.C.20.k)")


def _span(ctx: NoteContext, match: re.Match[str]) -> tuple[int, int]:
    """Where a match made on the note or on one of its sentences lies in the note."""
    if ctx.note[match.start() : match.end()] == match.group(0):
        return match.start(), match.end()
    start = ctx.note.find(match.group(0))
    return start, start + len(match.group(0))


# What documents an injury (I.C.19): its kind or how it happened. A note without any of these gets no
# injury code from a look-alike title ("rotator cuff tendinitis" is no rotator cuff sprain).
_INJURY_SAID = re.compile(
    r"\b(?:injur\w*|trauma\w*|fractur\w*|fx|sprain\w*|strain\w*|lacerat\w*|contusion\w*|bruis\w*|"
    r"abrasion\w*|dislocat\w*|subluxat\w*|tears?|torn|ruptur\w*|bites?|bitten|stings?|burn\w*|scald\w*|"
    r"frostbite|wounds?|puncture\w*|crush\w*|concussion\w*|avulsion\w*|amputat\w*|foreign body|fb|"
    r"whiplash|hematoma|splinter|blisters?|gsw|gunshot|stab\w*|cuts?|jammed|twisted|rolled)\b",
    re.IGNORECASE,
)


def is_injury_code(code: str) -> bool:
    """Chapter 19's injuries by body region (S00-T34: sites, burns, frostbite, foreign bodies)."""
    return code[:1] == "S" or (code[:1] == "T" and code[1:3].isdigit() and int(code[1:3]) <= 34)


def unstated_injuries(picks: dict[str, Pick], ctx: NoteContext) -> None:
    """An injury code needs an injury the note documents."""
    if _INJURY_SAID.search(ctx.note) or _MECHANISM.search(ctx.note):
        return
    for pick in [p for p in picks.values() if p.final and is_injury_code(p.code)]:
        demote(pick, "Not coded: the note documents no injury (I.C.19)")


# Injuries of an unspecified body region (T14.8-, T14.90-; T14.91- is a suicide attempt, not a site).
UNSPECIFIED_REGION = ("T14.8", "T14.90")


def unspecified_region(picks: dict[str, Pick]) -> None:
    """An injury of an unspecified body region is not coded beside the injury the note names by its site
    ("work injury" with a hand laceration: the laceration's code says it all; I.C.19.b)."""
    if not any(p.final and p.code[:1] == "S" for p in picks.values()):
        return
    for pick in [p for p in picks.values() if p.final and p.code.startswith(UNSPECIFIED_REGION)]:
        demote(pick, "an injury of an unspecified region beside the injury coded by its site (I.C.19.b)")
    named = {
        p.code[1] for p in picks.values() if p.final and p.code[:1] == "S" and not _unspecified_kind(p.code)
    }
    for pick in [p for p in picks.values() if p.final and _unspecified_kind(p.code) and p.code[1] in named]:
        demote(
            pick,
            "an unspecified injury of a region beside the injury of that region the note names (I.C.19.b)",
        )


def _unspecified_kind(code: str) -> bool:
    """A region's "Unspecified injury of ..." (S09.9-, S19.9-, ... S99.9-: each body region's S_9.9)."""
    return code[:1] == "S" and code[2:5] == "9.9"


# A fracture the note calls nondisplaced somewhere (the imaging line) while its diagnosis line says neither
# (I.C.19.c.1: "displaced" is only the default when the note does not say).
_NONDISPLACED = re.compile(r"\b(?:non-?displaced|undisplaced)\b", re.IGNORECASE)
_DISPLACED = re.compile(r"(?<![\w-])displaced\b", re.IGNORECASE)


def _nondisplaced_sibling(catalog: CodeCatalog, code: str) -> str | None:
    title = catalog.title(code)
    if not title.lower().startswith("displaced "):
        return None
    wanted = "nondisplaced " + title[len("displaced ") :].lower()
    return next((c for c in catalog.leaves_under(code[:5]) if catalog.title(c).lower() == wanted), None)


def displacement_said_elsewhere(picks: dict[str, Pick], catalog: CodeCatalog) -> None:
    """A final "displaced" fracture code takes its nondisplaced sibling when another mention of the same
    fracture says nondisplaced and the fracture's own mentions say nothing of displacement."""
    for pick in [p for p in picks.values() if p.final and p.code[:1] == "S"]:
        sibling = _nondisplaced_sibling(catalog, pick.code)
        other = picks.get(sibling) if sibling else None
        if other is None or other.final or other.vetoed:
            continue
        if not any(_NONDISPLACED.search(m.text) for m in other.mentions):
            continue
        if any(_DISPLACED.search(m.text) or _NONDISPLACED.search(m.text) for m in pick.mentions):
            continue
        picks.pop(pick.code)
        reason = f"{other.code}: the note says the fracture is nondisplaced (I.C.19.c.1)"
        target = add_pick(picks, catalog, other.code, pick.score, pick.mentions, reason)
        if target is None:
            picks[pick.code] = pick


# Encounters for dressings, sutures and drains (Z48.0-): Excludes1 "aftercare following injury".
_AFTERCARE_OF_WOUNDS = "Z48.0"


def injury_aftercare(picks: dict[str, Pick], catalog: CodeCatalog, char: str) -> None:
    """Aftercare of an injury (suture removal after a repaired laceration) is the injury's code with the
    subsequent-encounter 7th character, not a Z48.0 aftercare code (I.C.21.c.7; Z48 Excludes1)."""
    if char != "D" or not any(p.code.endswith("D") for p in _injuries(picks, catalog)):
        return
    for pick in picks.values():
        if pick.final and pick.code.startswith(_AFTERCARE_OF_WOUNDS):
            demote(pick, "aftercare of an injury is coded to the injury with 7th character D (Z48 Excludes1)")


def injury_rules(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    displacement_said_elsewhere(picks, catalog)
    unstated_injuries(picks, ctx)
    unspecified_region(picks)
    open_bites(picks, ctx, catalog)
    char = seventh_characters(picks, ctx, catalog)
    injury_aftercare(picks, catalog, char)
    external_causes(picks, ctx, catalog, char)
