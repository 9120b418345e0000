"""Hypothyroidism after thyroid ablation, thyroidectomy or neck irradiation is postprocedural (Index:
Hypothyroidism, postirradiation / postsurgical / following ... -> E89.0), not the unspecified E03.9."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

POSTPROCEDURAL_HYPOTHYROIDISM = "E89.0"
_PLAIN = ("E03.9", "E03.8")
_PROCEDURE = (
    r"(?:rai|radioactive\s+iodine|i-?131|(?:total\s+|partial\s+|hemi-?|completion\s+)?thyroidectomy|"
    r"radiation|radiotherapy|xrt|irradiation|ablation)"
)
_AFTER_PROCEDURE = re.compile(
    r"\bhypothyroid\w*\b[^.;\n]{0,40}?\b(?:s/p|status\s+post|after|following|post|2/2|due\s+to|d/t|"
    rf"secondary\s+to|from)(?:\s+|(?<=post)-)(?:[\w-]+\s+){{0,2}}?{_PROCEDURE}\b|"
    r"\bpost-?(?:ablative|surgical|irradiation|thyroidectomy|rai)\s+hypothyroid\w*|"
    # the procedure told first ("Graves disease s/p RAI 2024, now hypothyroid on levothyroxine")
    rf"\b(?:s/p|status\s+post|after|following|post|treated\s+(?:with|by))\s+(?:[\w-]+\s+){{0,2}}?{_PROCEDURE}\b"
    r"[^.;\n]{0,25}?(?:\b(?:now|then|subsequently|became|becoming|resulting\s+in|leaving)|->|\u2192)\s+"
    r"(?:\w+\s+)?hypothyroid\w*",
    re.IGNORECASE,
)


def postprocedural_hypothyroidism(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in _PLAIN]:
        said = [m for m in pick.mentions if _AFTER_PROCEDURE.search(ctx.sentence(m))]
        if not said:
            continue
        reason = "Index: Hypothyroidism, postirradiation / postsurgical: after ablation, surgery or radiation"
        if add_pick(picks, catalog, POSTPROCEDURAL_HYPOTHYROIDISM, pick.score, said, reason) is not None:
            picks.pop(pick.code)
    _ablated_hyperthyroidism(picks, ctx)


HYPERTHYROIDISM = "E05"
_TREATED_BY = re.compile(
    rf"\b(?:s/p|status\s+post|after|following|post|treated\s+(?:with|by))\s+(?:[\w-]+\s+){{0,2}}?{_PROCEDURE}\b",
    re.IGNORECASE,
)


def _ablated_hyperthyroidism(picks: dict[str, Pick], ctx: NoteContext) -> None:
    """ "Graves disease s/p RAI, now hypothyroid": the ablation or surgery ended the hyperthyroidism, whose
    code goes beside the postprocedural hypothyroidism it left (E89.0)."""
    after = picks.get(POSTPROCEDURAL_HYPOTHYROIDISM)
    if after is None or not after.final:
        return
    for pick in [p for p in picks.values() if p.final and p.code.startswith(HYPERTHYROIDISM)]:
        if pick.mentions and all(_TREATED_BY.search(ctx.sentence(m)) for m in pick.mentions):
            demote(pick, "ended by the ablation or surgery the note states: now E89.0 (history, not current)")


# Erectile dysfunction after a pelvic procedure (Index: Dysfunction, sexual, male, erectile, postoperative,
# following ...): the procedure chooses the N52.3- code; prostatectomy unqualified is the simple one.
_ED = r"(?:\bED\b|erectile\s+dysfunction|impotence)"
_AFTER = r"(?:s/p|status\s+post|after|following|since|post|2/2|due\s+to|d/t|secondary\s+to|from)"
_ED_PROCEDURES: tuple[tuple[str, str], ...] = (
    ("N52.32", r"radical\s+cystectomy|cystoprostatectomy"),
    (
        "N52.31",
        r"(?:radical|robotic|robot-assisted|laparoscopic|nerve[- ]sparing|retropubic)\s+(?:\w+\s+)?"
        r"prostatectomy|RA?LP|RARP|RRP",
    ),
    ("N52.36", r"brachytherapy|(?:interstitial\s+)?seed\s+(?:therapy|implants?)"),
    ("N52.37", r"cryo(?:therapy|ablation)|hifu|(?:prostate\s+)?ablati(?:on|ve\s+therapy)"),
    ("N52.35", r"radiation|radiotherapy|xrt|ebrt|imrt|sbrt"),
    ("N52.33", r"urethral\s+surgery|urethroplasty"),
    ("N52.34", r"(?:simple\s+)?prostatectomy|turp|holep"),
)
_PLAIN_ED = ("N52.9", "N52.8")


def postprocedural_erectile_dysfunction(
    picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog
) -> None:
    for pick in [p for p in picks.values() if p.final and p.code in _PLAIN_ED]:
        for m in pick.mentions:
            sentence = ctx.sentence(m)
            code = next(
                (
                    c
                    for c, procedure in _ED_PROCEDURES
                    if re.search(
                        rf"{_ED}[^.;\n]{{0,40}}?\b{_AFTER}\s+(?:[\w-]+\s+){{0,2}}?(?:{procedure})\b",
                        sentence,
                        re.IGNORECASE,
                    )
                ),
                None,
            )
            if code is None:
                continue
            reason = "Index: Dysfunction, erectile, postoperative, following the procedure the note names"
            if add_pick(picks, catalog, code, pick.score, [m], reason) is not None:
                picks.pop(pick.code)
                return


# Lymphedema of the arm after a mastectomy (Index: Lymphedema, postmastectomy I97.2), not secondary
# lymphedema NEC (I89.0).
_MASTECTOMY = re.compile(r"\bmastectom\w*|\bMRM\b", re.IGNORECASE)
_ARM = re.compile(r"\b(?:arm|upper\s+(?:extremity|limb)|UE|hand|forearm)\b", re.IGNORECASE)


def postmastectomy_lymphedema(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    pick = picks.get("I89.0")
    if pick is None or not pick.final or not _MASTECTOMY.search(ctx.note):
        return
    said = [m for m in pick.mentions if _ARM.search(ctx.sentence(m))]
    reason = "Index: Lymphedema, postmastectomy: lymphedema of the arm after a mastectomy"
    if said and add_pick(picks, catalog, "I97.2", pick.score, said, reason) is not None:
        picks.pop("I89.0")
