"""A code whose 7th character only tells the encounter shares its initial-encounter sibling's vector: the
engine sets that character from the note (``rules.seventh_character``), so the build embeds one text per
fracture kind instead of one per encounter letter. 7th characters with a meaning of their own keep theirs."""

from __future__ import annotations

from assistant.suggest.corpus import ICD10CM, CodeRecord, encounter_representatives, parent_chain
from assistant.suggest.index_build import index_texts

FRACTURE = {
    "A": "initial encounter for closed fracture",
    "B": "initial encounter for open fracture type I or II",
    "C": "initial encounter for open fracture type IIIA, IIIB, or IIIC",
    "D": "subsequent encounter for closed fracture with routine healing",
    "E": "subsequent encounter for open fracture type I or II with routine healing",
    "F": "subsequent encounter for open fracture type IIIA, IIIB, or IIIC with routine healing",
    "K": "subsequent encounter for closed fracture with nonunion",
    "S": "sequela",
}
GLAUCOMA = {"0": "stage unspecified", "1": "mild stage", "3": "severe stage"}


def _records() -> list[CodeRecord]:
    out = [
        CodeRecord(ICD10CM, "S52.5", "Fracture of lower end of radius", False, seven_chr=FRACTURE),
        CodeRecord(ICD10CM, "S52.531", "Colles' fracture of right radius", False, parent="S52.5"),
        CodeRecord(ICD10CM, "H40.11", "Primary open-angle glaucoma", False, seven_chr=GLAUCOMA),
        CodeRecord(ICD10CM, "H40.111", "Primary open-angle glaucoma, right eye", False, parent="H40.11"),
    ]
    for letter, meaning in FRACTURE.items():
        title = f"Colles' fracture of right radius, {meaning}"
        out.append(CodeRecord(ICD10CM, f"S52.531{letter}", title, True, parent="S52.531"))
    for digit, meaning in GLAUCOMA.items():
        title = f"Primary open-angle glaucoma, right eye, {meaning}"
        out.append(CodeRecord(ICD10CM, f"H40.111{digit}", title, True, parent="H40.111"))
    return out


def test_subsequent_and_sequela_codes_share_the_initial_vector_of_their_fracture_kind() -> None:
    records = _records()
    by_code = {(r.system, r.code): r for r in records}
    chosen = [r for r in records if r.billable]
    shared = encounter_representatives(chosen, [parent_chain(r, by_code) for r in chosen])
    assert shared == {
        "S52.531D": "S52.531A",
        "S52.531K": "S52.531A",
        "S52.531S": "S52.531A",
        "S52.531E": "S52.531B",
        "S52.531F": "S52.531C",
    }


def test_index_texts_embed_one_text_per_fracture_kind_and_every_stage_of_its_own() -> None:
    chosen, dense, lexical = index_texts(_records())
    text = dict(zip([r.code for r in chosen], dense, strict=True))
    assert text["S52.531D"] == text["S52.531A"] == text["S52.531S"]
    assert text["S52.531E"] == text["S52.531B"] != text["S52.531A"]
    assert len({text[c] for c in text if c.startswith("S52")}) == 3
    assert len({text[c] for c in text if c.startswith("H40")}) == 3  # stages are clinical: one vector each
    # the keyword side keeps every code's own words ("nonunion", "sequela")
    lex = dict(zip([r.code for r in chosen], lexical, strict=True))
    assert "nonunion" in lex["S52.531K"] and "sequela" in lex["S52.531S"]
