"""The contraceptive a visit starts (ICD-10-CM I.C.21.c.11): "Encounter for initial prescription of
contraceptives" by method, Z30.01- (pills Z30.011, injectable Z30.013, vaginal ring Z30.015, patch Z30.016,
implant Z30.017), in place of the general counseling code of the same category (Z30.09, Z30.02) or the
unspecified one (Z30.019, Z30.9). A method continued or refilled is surveillance (Z30.4-), left as found.
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
        re.compile(r"\b(?:depo-?provera|DMPA|contraceptive\s+injection|injectable\s+contraceptive)\b", re.I),
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
_CONTINUED = re.compile(
    r"\b(?:continu\w*|cont|refill\w*|renew\w*|surveillance|remov\w*|check)\b", re.IGNORECASE
)
# The codes a started method replaces: the same category's counseling and unspecified codes.
REPLACED = ("Z30.02", "Z30.09", "Z30.019", "Z30.9")


def initial_contraceptive(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    if not _CONTRACEPTION.search(ctx.note):
        return
    for line in re.finditer(r"[^\n]+", ctx.note):
        text = line.group(0)
        if not _STARTED.search(text) or _CONTINUED.search(text):
            continue
        found = next(((code, m) for code, rx in METHODS if (m := rx.search(text))), None)
        if found is None:
            continue
        code, m = found
        why = f"contraceptive started at this encounter: {catalog.title(code)} (I.C.21.c.11)"
        added = add_pick(
            picks,
            catalog,
            code,
            best_score(picks) * 0.9,
            [ctx.mention(line.start() + m.start(), line.start() + m.end())],
            why,
        )
        if added is None:
            return
        for other, pick in picks.items():
            if pick.final and other != code and other.startswith(REPLACED):
                demote(pick, f"{code} codes the contraceptive started at this visit (I.C.21.c.11)")
        return
