"""Iron deficiency anemia the note attributes to bleeding is the Index's "Anemia, iron deficiency,
secondary to blood loss (chronic)" (D50.0), not D50.9; the bleeding is coded as its own condition
("IDA due to menorrhagia": D50.0 and N92.0). Our own wording of how notes name the bleeding."""

from __future__ import annotations

import re

from assistant.suggest.coding_rules.context import NoteContext, add_pick
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

BLOOD_LOSS_ANEMIA = "D50.0"
_UNSTATED = ("D50.9", "D50.8")
_BLEEDING = (
    r"menorrhagia|menometrorrhagia|(?:heavy|prolonged)\s+(?:menses|menstrua\w*|periods?|bleeding)|AUB|"
    r"abnormal\s+uterine\s+bleeding|(?:chronic\s+)?blood\s+loss|(?:GI|gastrointestinal|rectal|occult)\s+(?:blood\s+)?"
    r"(?:bleed\w*|blood\s+loss)|bleed\w*|hemorrhag\w*|melena|hematochezia|hemorrhoids?"
)
_ATTRIBUTED = re.compile(
    rf"\b(?:due\s+to|secondary\s+to|from|2/2|d/t|caused\s+by|related\s+to|with)\s+(?:\w+\s+){{0,2}}?"
    rf"(?:{_BLEEDING})\b",
    re.IGNORECASE,
)
# The bleeding named by its source, a condition of its own (not "blood loss" or "bleeding" alone).
_SOURCE = re.compile(
    r"\b(?:menorrhagia|menometrorrhagia|metrorrhagia|(?:heavy|prolonged)\s+(?:menses|menstrua\w*|periods?)|AUB|"
    r"abnormal\s+uterine\s+bleeding|(?:GI|gastrointestinal|rectal|upper\s+GI|lower\s+GI)\s+(?:bleed\w*|hemorrhag\w*)|"
    r"melena|hematochezia|hemorrhoids?|epistaxis|hematuria)\b",
    re.IGNORECASE,
)
_ANEMIA = re.compile(r"\b(?:iron[- ]deficien\w*\s+anemia|IDA|anemia)\b", re.IGNORECASE)


def _blood_loss_named(sentence: str) -> bool:
    anemia = _ANEMIA.search(sentence)
    cause = _ATTRIBUTED.search(sentence, anemia.end()) if anemia else None
    return anemia is not None and cause is not None and cause.start() - anemia.end() <= 30


def iron_deficiency_from_blood_loss(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    reason = "Index: Anemia, iron deficiency, secondary to blood loss (chronic): the note names the bleeding"
    for pick in [p for p in picks.values() if p.final and p.code in _UNSTATED]:
        said = [m for m in pick.mentions if _blood_loss_named(ctx.sentence(m))]
        if said and add_pick(picks, catalog, BLOOD_LOSS_ANEMIA, pick.score, said, reason) is not None:
            pick.final = False
            pick.warnings.append(f"{BLOOD_LOSS_ANEMIA}: the note names the blood loss")
    coded = picks.get(BLOOD_LOSS_ANEMIA)
    for anemia in list(coded.mentions) if coded else []:
        _code_the_source(picks, anemia)


def _code_the_source(picks: dict[str, Pick], anemia: Mention) -> None:
    """The bleeding's source stated after the anemia in its sentence ("... from menorrhagia") is coded
    beside D50.0: its own best code (N92.0)."""
    sources = [
        p
        for p in picks.values()
        if not p.code.startswith(("D5", "D6", "R58"))
        and any(
            m.sentence_start == anemia.sentence_start and m.start > anemia.start and _SOURCE.search(m.text)
            for m in p.mentions
        )
    ]
    best = max(sources, key=lambda p: p.score, default=None)
    if best is not None and not best.final:
        best.final = True
        best.reasons.insert(0, f"the source of the blood loss coded with {BLOOD_LOSS_ANEMIA}")
