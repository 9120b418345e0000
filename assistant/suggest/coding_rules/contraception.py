"""The contraceptive a visit starts (ICD-10-CM I.C.21.c.11): "Encounter for initial prescription of
contraceptives" by method, Z30.01- (pills Z30.011, injectable Z30.013, vaginal ring Z30.015, patch Z30.016,
implant Z30.017), in place of the general counseling code of the same category (Z30.09, Z30.02) or the
unspecified one (Z30.019, Z30.9). A method continued, refilled, checked, removed or replaced is surveillance
of that method (Z30.4-: pills Z30.41, injectable Z30.42, ring Z30.44, patch Z30.45, implant Z30.46), in place
of the unspecified surveillance code (Z30.40) or Z30.9.
"""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, best_score, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

_CONTRACEPTION = re.compile(r"\b(?:contracept\w*|birth\s+control|family\s+planning)\b", re.IGNORECASE)
METHODS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "Z30.011",
        re.compile(
            r"\b(?:pills?|oral\s+contraceptives?|OCPs?|COCs?|POPs?|mini-?pill|norethindrone|norgestimate|"
            r"drospirenone|ethinyl\s+estradiol)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "Z30.013",
        re.compile(
            r"\b(?:depo-?provera|depo(?:-?subQ)?\s+(?:shot|injection)|DMPA|medroxyprogesterone|"
            r"contraceptive\s+injection|injectable\s+contraceptive)\b",
            re.I,
        ),
    ),
    ("Z30.015", re.compile(r"\b(?:nuvaring|annovera|vaginal\s+ring)\b", re.IGNORECASE)),
    ("Z30.016", re.compile(r"\b(?:contraceptive\s+patch|xulane|twirla|ortho\s+evra)\b", re.IGNORECASE)),
    (
        "Z30.017",
        re.compile(
            r"\b(?:nexplanon|implanon|etonogestrel\s+implant|(?:subdermal|contraceptive)\s+implant)\b", re.I
        ),
    ),
)
_STARTED = re.compile(
    r"\b(?:start\w*|initiat\w*|begin|began|prescrib\w*|rx|placed|inserted|insertion)\b", re.IGNORECASE
)
# A method given at the visit of a note that tells no earlier one ("requests contraception - Depo-Provera
# 150 mg IM given today") starts it.
_GIVEN = re.compile(r"\b(?:given|administered)\b", re.IGNORECASE)
# A repeat injection is surveillance too ("on schedule", "last one 11 wk ago", "next due 3/1").
_CONTINUED = re.compile(
    r"\b(?:continu\w*|cont|refill\w*|renew\w*|surveillance|remov\w*|check|repeat|on\s+schedule|"
    r"last\s+(?:one|dose|shot|injection)|next\s+(?:one\s+|dose\s+|shot\s+|injection\s+)?due)\b",
    re.IGNORECASE,
)
# The codes a started method replaces: the same category's counseling and unspecified codes.
REPLACED = ("Z30.02", "Z30.09", "Z30.019", "Z30.9")
# Each method's surveillance code (Z30.4-), and the unspecified codes it replaces.
SURVEILLANCE = {
    "Z30.011": "Z30.41",
    "Z30.013": "Z30.42",
    "Z30.015": "Z30.44",
    "Z30.016": "Z30.45",
    "Z30.017": "Z30.46",
}
SURVEILLANCE_REPLACED = ("Z30.40", "Z30.9")
STARTED = ("started", REPLACED)  # (what the visit did, the codes the method's code replaces)
SURVEILLED = ("continued or exchanged", SURVEILLANCE_REPLACED)
# A device taken out or exchanged at the visit: surveillance even where the new one is "inserted".
_EXCHANGED = re.compile(r"\b(?:remov\w*|replac\w*|reinsert\w*|exchang\w*)\b", re.IGNORECASE)


def _about_contraception(note: str) -> bool:
    """The note speaks of contraception, or names a method that is nothing else (a Depo-Provera shot, an
    implant, a ring or a patch; "pills" alone are any drug)."""
    return _CONTRACEPTION.search(note) is not None or any(
        rx.search(note) for code, rx in METHODS if code != "Z30.011"
    )


def initial_contraceptive(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not _about_contraception(ctx.note):
        return
    first = _CONTINUED.search(ctx.note) is None
    for line in re.finditer(r"[^\n]+", ctx.note):
        text = line.group(0)
        if not (_STARTED.search(text) or (first and _GIVEN.search(text))) or _CONTINUED.search(text):
            continue
        found = next(((code, m) for code, rx in METHODS if (m := rx.search(text))), None)
        if found is None:
            continue
        code, m = found
        _code_method(picks, ctx, catalog, code, line.start() + m.start(), line.start() + m.end(), STARTED)
        return


def contraceptive_surveillance(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """The method a visit continues, refills, checks or exchanges: its surveillance code (I.C.21.c.11)."""
    if not _about_contraception(ctx.note):
        return
    for line in re.finditer(r"[^\n]+", ctx.note):
        text = line.group(0)
        if not _CONTINUED.search(text) or (_STARTED.search(text) and not _EXCHANGED.search(text)):
            continue
        found = next(((code, m) for code, rx in METHODS if (m := rx.search(text))), None)
        if found is None or SURVEILLANCE[found[0]] not in catalog:
            continue
        code, m = SURVEILLANCE[found[0]], found[1]
        _code_method(picks, ctx, catalog, code, line.start() + m.start(), line.start() + m.end(), SURVEILLED)
        return


def _code_method(
    picks: dict[str, Pick],
    ctx: NoteContext,
    catalog: CodeCatalog,
    code: str,
    start: int,
    end: int,
    kind: tuple[str, tuple[str, ...]],
) -> None:
    """Add the method's code (started, or continued at this visit) and demote the codes it replaces."""
    how, replaced = kind
    why = f"contraceptive {how} at this encounter: {catalog.title(code)} (I.C.21.c.11)"
    if add_pick(picks, catalog, code, best_score(picks) * 0.9, [ctx.mention(start, end)], why) is None:
        return
    for other, pick in picks.items():
        if pick.final and other != code and other.startswith(replaced):
            demote(pick, f"{code} codes the contraceptive {how} at this visit (I.C.21.c.11)")
