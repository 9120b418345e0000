"""A deficit the note states after a stroke ("left hemiparesis from prior CVA", "aphasia after stroke last
year") is a sequela of the cerebrovascular disease: I69.- by the deficit (ICD-10-CM I.C.9.d), never the acute
stroke (I60-I63), which is coded only while the stroke itself is being cared for."""

from __future__ import annotations

import re

from assistant.codesets.repository import ref_covers
from assistant.suggest.coding_rules.context import NoteContext, add_pick, demote
from assistant.suggest.history import deficit_listed_with_stroke, sequela_of_stroke
from assistant.suggest.reader import Mention
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
        said = [m for m in acute.mentions if _stated_deficit(ctx.note, m)]
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
        elif not _names_its_sequela(catalog, best.code) and not _asks_for(catalog, best.code, acute.code):
            demote(acute, "a deficit after the stroke is its sequela (I69.-), not a symptom (I.C.9.d)")
        if best is not None:
            why = (
                "the deficit the note states after the stroke: a sequela of cerebrovascular disease (I.C.9.d)"
            )
            add_pick(picks, catalog, best.code, best.score, best.mentions[:1], why)


def _asks_for(catalog: CodeCatalog, sequela: str, symptom: str) -> bool:
    """The sequela code's "use additional code" note names the symptom's code or its category ("Dysphagia
    following cerebral infarction": use additional code for the type of dysphagia, R13.1-): both are coded."""
    return any(ref_covers(r, symptom) for r in catalog.refs_for(sequela, "use_additional"))


def _in_sentence(note: str, m: Mention) -> tuple[str, int, int]:
    return note[m.sentence_start : m.sentence_end], m.start - m.sentence_start, m.end - m.sentence_start


def _stated_deficit(note: str, m: Mention) -> bool:
    """The mention is a deficit its sentence ties to a stroke: after it, or in a list of what it left."""
    return sequela_of_stroke(m.text) or deficit_listed_with_stroke(*_in_sentence(note, m))


def _names_its_sequela(catalog: CodeCatalog, code: str) -> bool:
    """The sequela code asks for another code to identify the sequela ("Other sequelae of cerebral
    infarction": use additional code): the symptom's code is that code, and stays."""
    return any("sequela" in note for note in catalog.notes_for(code).get("use_additional", []))


def stated_sequelae(picks: dict[str, Pick], ctx: NoteContext, catalog: CodeCatalog) -> None:
    """A stroke the note states with the deficit it left ("hx CVA with residual hemiparesis") is coded by
    its sequela code even where the ranking doubted it (I.C.9.d: the deficit is current), and a deficit listed
    after it ("... and aphasia") is a sequela too, not a symptom code."""
    stated = {m.start: m for p in picks.values() for m in p.mentions if sequela_of_stroke(m.text)}
    why = "the deficit the note states after the stroke: a sequela of cerebrovascular disease (I.C.9.d)"
    for mention in stated.values():
        if any(p.final and mention in p.mentions for p in picks.values()):
            continue
        sequelae = [
            p
            for p in picks.values()
            if p.code.startswith(SEQUELAE) and not p.vetoed and mention in p.mentions
        ]
        if sequelae:
            best = max(sequelae, key=lambda p: p.score)
            add_pick(picks, catalog, best.code, best.score, [mention], why)
    for symptom in [p for p in picks.values() if p.final and p.code.startswith(SYMPTOMS)]:
        for m in symptom.mentions:
            listed = any(_listed_after(ctx.note, s, m) for s in stated.values())
            if not (listed or deficit_listed_with_stroke(*_in_sentence(ctx.note, m))) or ctx.search is None:
                continue
            found = ctx.search(f"{m.text} following cerebral infarction", (SEQUELAE,))
            if found and found[0][1] >= _MIN_SEQUELA_SCORE:
                added = add_pick(picks, catalog, found[0][0], symptom.score, [m], why)
                if added is not None and not _asks_for(catalog, found[0][0], symptom.code):
                    demote(
                        symptom, "a deficit after the stroke is its sequela (I69.-), not a symptom (I.C.9.d)"
                    )
                break


_MIN_SEQUELA_SCORE = 0.5
_LISTED = re.compile(
    r"\s*(?:\)\s*)?(?:,|and|&|\+|,\s*and)\s*(?:(?:residual|some|mild|expressive|receptive)\s+)?$", re.I
)


def _listed_after(note: str, stroke: Mention, deficit: Mention) -> bool:
    """``deficit`` is the next item of the stroke mention's list of what it left ("..., and aphasia")."""
    return (
        0 <= deficit.start - stroke.end <= 30 and _LISTED.match(note[stroke.end : deficit.start]) is not None
    )
