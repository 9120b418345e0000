"""An acute cerebral infarction whose line names the artery and the mechanism ("acute ischemic stroke, L MCA
territory, cardioembolic"): the I63 code of that artery, side and mechanism, not I63.9. The Index reaches it
only through "Occlusion, artery, cerebral, middle, with infarction, due to embolism", which a note does not
say; a coder reads the artery and the mechanism off the diagnosis line (I.A.19: code to the highest
specificity documented)."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

UNSPECIFIED_INFARCTION = "I63.9"
_STROKE = re.compile(r"\b(?:stroke|cva|infarct\w*)\b", re.IGNORECASE)
# (pattern, 4th character of I63 for a cerebral artery, for a precerebral one): the mechanism
_MECHANISMS = (
    (re.compile(r"\b(?:cardio)?embol\w*", re.IGNORECASE), "4", "1"),
    (re.compile(r"\bthrombo(?:tic|sis)\b", re.IGNORECASE), "3", "0"),
)
_OCCLUDED = ("5", "2")  # an artery named with no mechanism: "unspecified occlusion or stenosis"
# (pattern, cerebral?, 5th character): the artery
_ARTERIES = (
    (re.compile(r"\b(?:MCA|middle\s+cerebral)\b", re.IGNORECASE), True, "1"),
    (re.compile(r"\b(?:ACA|anterior\s+cerebral)\b", re.IGNORECASE), True, "2"),
    (re.compile(r"\b(?:PCA|posterior\s+cerebral)\b", re.IGNORECASE), True, "3"),
    (re.compile(r"\b(?:PICA|AICA|SCA|cerebellar\s+artery)\b", re.IGNORECASE), True, "4"),
    (re.compile(r"\bvertebral\s+arter\w+|\bVA\s+(?:occlusion|dissection)", re.IGNORECASE), False, "1"),
    (re.compile(r"\bbasilar\b", re.IGNORECASE), False, "2"),
    (re.compile(r"\b(?:ICA|carotid)\b", re.IGNORECASE), False, "3"),
)
_SIDES = (
    (re.compile(r"\b(?:bilateral|both|bilat)\b", re.IGNORECASE), "3"),
    (re.compile(r"\b(?:right|rt|R)\b"), "1"),
    (re.compile(r"\b(?:left|lt|L)\b"), "2"),
)


def artery_code(line: str) -> str | None:
    """The I63 code a diagnosis line's artery, side and mechanism name, or None where it names no artery."""
    artery = next(((cerebral, fifth, m) for rx, cerebral, fifth in _ARTERIES if (m := rx.search(line))), None)
    if artery is None:
        return None
    cerebral, fifth, found = artery
    mechanism = next(((c, p) for rx, c, p in _MECHANISMS if rx.search(line)), _OCCLUDED)
    fourth = mechanism[0] if cerebral else mechanism[1]
    if not cerebral and fifth == "2":  # the basilar artery has no side
        return f"I63.{fourth}2"
    near = line[max(0, found.start() - 12) : found.end()]
    side = next((s for rx, s in _SIDES if rx.search(near)), "9")
    return f"I63.{fourth}{fifth}{side}"


def stroke_artery(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    pick = picks.get(UNSPECIFIED_INFARCTION)
    if pick is None or not pick.final:
        return
    for mention in pick.mentions:
        line = ctx.sentence(mention)
        code = artery_code(line) if _STROKE.search(line) else None
        if code is None or code not in catalog or not catalog.billable(code):
            continue
        reason = f"the diagnosis line names the artery and the mechanism ({UNSPECIFIED_INFARCTION} not coded)"
        if add_pick(picks, catalog, code, pick.score, pick.mentions, reason) is not None:
            picks.pop(UNSPECIFIED_INFARCTION)
        return
