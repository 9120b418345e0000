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
SYMPTOMS = ("R",)


def stroke_sequelae(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """The acute stroke code, or the symptom code (R00-R99: "facial weakness", "dysphagia"), of a deficit the
    note states after a stroke gives way to the deficit's sequela code among the mention's candidates."""
    replaced = [p for p in picks.values() if p.final and p.code.startswith(ACUTE_CEREBROVASCULAR + SYMPTOMS)]
    for acute in replaced:
        said = [m for m in acute.mentions if sequela_of_stroke(m.text)]
        if not said or len(said) < len(acute.mentions):
            continue  # the stroke is named on its own elsewhere: it may be the acute one cared for now
        sequelae = [
            p
            for p in picks.values()
            if p.code.startswith(SEQUELAE) and not p.vetoed and any(m in said for m in p.mentions)
        ]
        best = max(sequelae, key=lambda p: p.score) if sequelae else None
        if not acute.code.startswith(SYMPTOMS):
            demote(acute, "a deficit after the stroke is its sequela (I69.-), not the acute stroke (I.C.9.d)")
        elif best is None:
            continue  # no sequela code read for the deficit: its symptom stays
        elif not _names_its_sequela(catalog, best.code):
            demote(acute, "a deficit after the stroke is its sequela (I69.-), not a symptom (I.C.9.d)")
        if best is not None:
            why = (
                "the deficit the note states after the stroke: a sequela of cerebrovascular disease (I.C.9.d)"
            )
            add_pick(picks, catalog, best.code, best.score, best.mentions[:1], why)


def _names_its_sequela(catalog: CodeCatalog, code: str) -> bool:
    """The sequela code asks for another code to identify the sequela ("Other sequelae of cerebral
    infarction": use additional code): the symptom's code is that code, and stays."""
    return any("sequela" in note for note in catalog.notes_for(code).get("use_additional", []))
