"""The kind of abortion a phrase leaves unsaid: the induced termination beside the spontaneous abortion.

The Index codes "Abortion" with no kind named as spontaneous (O03.9, "Abortion, complicated, X": O03.-);
"Abortion, induced" is Z33.2 and "Abortion, induced, complicated by, X" the same complication in O04.-. A
phrase naming an abortion but not its kind (spontaneous, induced, elective, therapeutic, legal, attempted
...) is coded to the spontaneous abortion first; the induced termination with the same complication is the
alternative a coder weighs next, once the record says how the pregnancy ended: ``induced_alternative``
names it, listed right after the phrase's best code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_ABORTION = re.compile(r"\babortion\b", re.IGNORECASE)
_KIND_SAID = re.compile(
    r"\b(?:spontaneous\w*|miscarr\w*|induced|elective\w*|therapeutic\w*|legal\w*|illegal\w*|criminal\w*|"
    r"attempted|termination|missed|threatened|habitual|recurrent|tubal|inevitable|medical\w*)\b",
    re.IGNORECASE,
)
INDUCED = "O04"  # Complications following (induced) termination of pregnancy
INDUCED_UNCOMPLICATED = "Z33.2"  # the Index: "Abortion, induced" (Encounter for elective termination)
_WITHOUT = "without complication"


def complication(title: str) -> str:
    """The complication an O03 / O04 title names, in one form: "renal failure" (before "following"),
    "other complication" / "unspecified complication" (after "with"), or "without complication"."""
    low = title.lower()
    if _WITHOUT in low:
        return _WITHOUT
    head, sep, _ = low.partition(" following ")
    if not sep:
        _, sep, head = low.partition(" with ")
    return re.sub(r"complications\b", "complication", head).strip() if sep else ""


def induced_alternative(
    best: str, phrase: str, title_of: Callable[[str], str], induced_codes: Sequence[str]
) -> str | None:
    """The induced termination's code for the complication of ``best`` (a spontaneous abortion code, O03)
    where the phrase names an abortion and not its kind; else None."""
    if not best.startswith("O03") or not _ABORTION.search(phrase) or _KIND_SAID.search(phrase):
        return None
    said = complication(title_of(best))
    if not said:
        return None
    if said == _WITHOUT:
        return INDUCED_UNCOMPLICATED
    return next((c for c in induced_codes if complication(title_of(c)) == said), None)
