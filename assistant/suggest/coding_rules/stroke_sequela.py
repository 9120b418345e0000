"""A deficit the note states after a stroke ("left hemiparesis from prior CVA", "aphasia after stroke last
year") is a sequela of the cerebrovascular disease: I69.- by the deficit (ICD-10-CM I.C.9.d), never the acute
stroke (I60-I63), which is coded only while the stroke itself is being cared for."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.history import sequela_of_stroke
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ACUTE_CEREBROVASCULAR = ("I60", "I61", "I62", "I63")
SEQUELAE = "I69"


def stroke_sequelae(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    for acute in [p for p in picks.values() if p.final and p.code.startswith(ACUTE_CEREBROVASCULAR)]:
        said = [m for m in acute.mentions if sequela_of_stroke(m.text)]
        if not said or len(said) < len(acute.mentions):
            continue  # the stroke is named on its own elsewhere: it may be the acute one cared for now
        sequelae = [
            p
            for p in picks.values()
            if p.code.startswith(SEQUELAE) and not p.vetoed and any(m in said for m in p.mentions)
        ]
        demote(acute, "a deficit after the stroke is its sequela (I69.-), not the acute stroke (I.C.9.d)")
        if sequelae:
            best = max(sequelae, key=lambda p: p.score)
            why = (
                "the deficit the note states after the stroke: a sequela of cerebrovascular disease (I.C.9.d)"
            )
            add_pick(picks, catalog, best.code, best.score, best.mentions[:1], why)
