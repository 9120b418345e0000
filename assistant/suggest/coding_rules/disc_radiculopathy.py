"""Sciatica or radiculopathy due to an intervertebral disc disorder (Tabular M51.1: "Sciatica due to
intervertebral disc disorder"; M54.1-, M54.3 and M54.4- Excludes1 "... with lumbar disc disorder (M51.1-)";
Index: Sciatica / Radiculopathy, due to displacement of intervertebral disc, see Disorder, disc, with
radiculopathy). A nerve-root pain coded beside the disc that causes it, in one sentence, is the disc disorder
with radiculopathy of the disc's region, in place of both."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

# The nerve-root codes M51.1- excludes, with the region digit each implies (sciatica: lumbar).
_ROOT_PAIN = re.compile(r"^M54\.(?:1[4-8]|3\d?|4\d?)$")
_DISC = re.compile(r"^M51\.(?:2[4-7]|9)$")
# The disc named as the pain's cause in the note's words, where no disc code was read ("radiculopathy due
# to herniated disc").
_DISC_CAUSE = re.compile(
    r"\b(?:due\s+to|from|secondary\s+to|2/2|d/t|caused\s+by|with|w/)\s+(?:an?\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:herniated\s+(?:nucleus\s+pulposus|dis[ck])|dis[ck]\s+(?:herniation|protrusion|extrusion|bulge|"
    r"displacement)|hnp)\b",
    re.IGNORECASE,
)
_REGION_OF_ROOT = {"4": "4", "5": "5", "6": "6", "7": "7", "8": "7"}
# Cervical (M54.12, M54.13: M50.1-, by the level the note names; M50.2- is the displacement without it).
_CERVICAL_ROOT = re.compile(r"^M54\.1[23]$")
_CERVICAL_DISC = re.compile(r"^M50\.(?:2\d*|9\d*)$")
_CERVICAL_LEVEL = re.compile(r"\bC([2-7])\s*[-/]\s*(?:C|T)?([3-7]|1)\b", re.IGNORECASE)
_CERVICAL_CODE = {
    ("2", "3"): "M50.11",
    ("3", "4"): "M50.11",
    ("4", "5"): "M50.121",
    ("5", "6"): "M50.122",
    ("6", "7"): "M50.123",
    ("7", "1"): "M50.13",
}


def _region(disc: str | None, root: str) -> str:
    if disc is not None and disc.startswith("M51.2"):
        return disc[5]
    if root.startswith("M54.1") and len(root) > 5:
        return _REGION_OF_ROOT.get(root[5], "6")
    return "6"  # sciatica without a level: the lumbar region


def _cervical_code(sentences: set[str]) -> str:
    for sentence in sorted(sentences):
        for m in _CERVICAL_LEVEL.finditer(sentence):
            code = _CERVICAL_CODE.get((m.group(1), m.group(2)))
            if code:
                return code
    return "M50.10"


def disc_with_radiculopathy(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    roots = [
        p for p in picks.values() if p.final and (_ROOT_PAIN.match(p.code) or _CERVICAL_ROOT.match(p.code))
    ]
    if not roots:
        return
    for root in roots:
        cervical = _CERVICAL_ROOT.match(root.code) is not None
        disc_code = _CERVICAL_DISC if cervical else _DISC
        discs = [p for p in picks.values() if p.final and disc_code.match(p.code)]
        sentences = {ctx.sentence(m) for m in root.mentions}
        disc = next((d for d in discs if sentences & {ctx.sentence(m) for m in d.mentions}), None)
        if disc is None and not any(_DISC_CAUSE.search(s) for s in sentences):
            continue
        if cervical:
            code = _cervical_code(sentences)
        else:
            code = f"M51.1{_region(disc.code if disc else None, root.code)}"
        mentions = root.mentions + (disc.mentions if disc else [])
        reason = "radiculopathy or sciatica due to a disc disorder (M50.1- / M51.1-, Excludes1 of M54)"
        if add_pick(picks, catalog, code, max(root.score, disc.score if disc else 0.0), mentions, reason):
            demote(root, f"{code}: the disc disorder with radiculopathy includes it (Excludes1)")
            if disc is not None:
                demote(disc, f"{code}: the disc disorder with radiculopathy of the same disc")
