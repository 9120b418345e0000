"""I.C.1.d.1: sepsis due to a named organism is that organism's sepsis code, not A41.9."""

from __future__ import annotations

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.sepsis import localized_infection, organism_sepsis
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "A41.9": "Sepsis, unspecified organism",
    "A41.51": "Sepsis due to Escherichia coli [E. coli]",
    "A41.59": "Other Gram-negative sepsis",
    "A04.3": "Enterohemorrhagic Escherichia coli infection",
    "N39.0": "Urinary tract infection, site not specified",
    "N17.9": "Acute kidney failure, unspecified",
}
CATALOG = CodeCatalog(
    {"codes": {c: [ICD, t, True, c[:-1].rstrip("."), "code"] for c, t in TITLES.items()}, "refs": {}}
)


def _run(text: str) -> list[str]:
    m = Mention(start=0, end=len(text), text=text, query=text, section="assessment")
    picks = {"A41.9": Pick("A41.9", 0.7, True, [m], heads=[m])}
    organism_sepsis(picks, NoteContext(note=text), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_sepsis_due_to_a_named_organism_is_its_own_code() -> None:
    assert _run("sepsis due to Klebsiella pyelonephritis") == ["A41.59"]
    assert _run("E. coli urosepsis") == ["A41.51"]


def test_sepsis_without_an_organism_stays_unspecified() -> None:
    assert _run("sepsis due to pyelonephritis, cultures pending") == ["A41.9"]


def _local(text: str) -> list[str]:
    m = Mention(start=0, end=len(text), text=text, query=text, section="diagnosis")
    picks = {
        "A41.51": Pick("A41.51", 0.9, True, [m], heads=[m]),
        "A04.3": Pick("A04.3", 0.5, False, [m]),
        "N39.0": Pick("N39.0", 0.6, False, [m]),
    }
    localized_infection(picks, NoteContext(note=text), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_the_localized_infection_is_coded_beside_the_sepsis() -> None:
    # I.C.1.d.4: the systemic infection first, then the localized one; never the organism's own disease
    assert _local("Sepsis due to E. coli urinary tract infection") == ["A41.51", "N39.0"]


def test_a_sepsis_phrase_that_names_no_source_adds_nothing() -> None:
    assert _local("E. coli sepsis, urine culture pending") == ["A41.51"]
    assert _local("Urinary tract infection risk discussed; sepsis ruled out earlier") == ["A41.51"]


def test_the_localized_infection_written_in_shorthand_is_read_expanded() -> None:
    text = "Sepsis due to E. coli UTI, lactate 3.1"
    m = Mention(start=0, end=len(text), text=text, query=expand_text(text), section="body")
    picks = {
        "A41.51": Pick("A41.51", 0.7, True, [m], heads=[m]),
        "N39.0": Pick("N39.0", 0.4, False, [m]),
    }
    localized_infection(picks, NoteContext(note=text), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["A41.51", "N39.0"]


def test_a_localized_infection_among_no_candidate_is_searched_for() -> None:
    titles = {**TITLES, "N10": "Acute pyelonephritis", "J15.5": "Pneumonia due to Escherichia coli"}
    catalog = CodeCatalog(
        {"codes": {c: [ICD, t, True, c[:-1], "code"] for c, t in titles.items()}, "refs": {}}
    )
    text = "Sepsis due to E. coli pyelonephritis"
    asked: list[tuple[str, tuple[str, ...]]] = []

    def search(query: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        asked.append((query, prefixes))
        return [("N10", 0.8)] if "pyelonephritis" in query else [("J15.5", 0.9)]

    for said, coded in (
        (text, ["A41.51", "N10"]),
        ("Sepsis due to E. coli bacteremia, source unclear", ["A41.51"]),
    ):
        m = Mention(start=0, end=len(said), text=said, query=expand_text(said), section="diagnosis")
        picks = {"A41.51": Pick("A41.51", 0.8, True, [m], heads=[m])}
        localized_infection(picks, NoteContext(note=said, search=search), catalog)
        assert sorted(c for c, p in picks.items() if p.final) == coded
    assert all("A" not in prefixes for _, prefixes in asked)  # an organ's infection, not the organism's
