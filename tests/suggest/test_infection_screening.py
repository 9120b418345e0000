"""I.C.21.c.5: each infection a screening visit tests for has its own Z11 code."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.infection_screening import hepatitis_antibody, infection_screening
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TITLES = {
    "Z11.1": "Encounter for screening for respiratory tuberculosis",
    "Z11.3": "Encounter for screening for infections with a predominantly sexual mode of transmission",
    "Z11.4": "Encounter for screening for human immunodeficiency virus [HIV]",
    "Z11.59": "Encounter for screening for other viral diseases",
    "A15.9": "Respiratory tuberculosis unspecified",
    "A74.9": "Chlamydial infection, unspecified",
    "B19.20": "Unspecified viral hepatitis C without hepatic coma",
    "B18.2": "Chronic viral hepatitis C",
    "R76.89": "Other specified abnormal immunological findings in serum",
}
CATALOG = CodeCatalog(
    {"codes": {c: [ICD, t, True, c[:-1].rstrip("."), "code"] for c, t in TITLES.items()}, "refs": {}}
)


def _run(note: str, picks: dict[str, Pick] | None = None) -> list[str]:
    picks = picks or {}
    infection_screening(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_each_infection_a_screening_visit_tests_for_is_coded() -> None:
    note = (
        "Telehealth visit for routine screening questions, 28M.\nNo symptoms.\n"
        "Plan: HIV-1/2 Ag/Ab and HCV antibody ordered. Also GC/CT NAAT (urine) for routine STI screening."
    )
    assert _run(note) == ["Z11.3", "Z11.4", "Z11.59"]


def test_a_screened_infection_is_not_the_disease() -> None:
    note = "Pre-employment exam.\n# TB screening: PPD placed 11/28, read today 0 mm = negative."
    m = Mention(start=39, end=51, text="TB screening", query="TB screening")
    assert _run(note, {"A15.9": Pick("A15.9", 0.6, True, [m], heads=[m])}) == ["Z11.1"]


def _tb(note: str, *said: str) -> list[str]:
    ms = [Mention(note.index(t), note.index(t) + len(t), t, t) for t in said]
    return _run(note, {"A15.9": Pick("A15.9", 0.6, True, ms, heads=ms[:1])})


def test_a_test_sent_for_the_screened_infection_is_not_the_disease() -> None:
    # the test drawn on a line of its own, the screening named in the assessment
    note = "Employee health exam.\nTB: IGRA drawn (no BCG).\nAssessment:\n5. TB screening - IGRA sent."
    assert _tb(note, "TB: IGRA drawn", "TB screening") == ["Z11.1"]
    # a test that found the infection, or the disease under treatment, stays the disease
    note = "Employee health exam.\nTB: IGRA positive, CXR clear.\nAssessment:\n5. TB screening - IGRA sent."
    assert _tb(note, "TB: IGRA positive", "TB screening") == ["A15.9"]
    note = (
        "Employee health exam.\nTB on RIPE, sputum drawn.\nAssessment:\n5. TB screening of contacts ordered."
    )
    assert _tb(note, "TB on RIPE", "TB screening") == ["A15.9"]


def test_a_past_declined_or_unrelated_test_is_not_this_visits_screening() -> None:
    assert _run("Contraception visit.\n# STI screening negative last month.") == []
    assert _run("Annual exam.\nHIV screening offered, declined.") == []
    assert _run("COPD follow-up.\nSmokes 1 ppd. Lung cancer screening CT ordered.") == []


def _hepatitis(note: str, said: str, code: str = "B19.20") -> list[str]:
    at = note.index(said)
    m = Mention(at, at + len(said), said, said, sentence_start=at, sentence_end=len(note))
    picks = {code: Pick(code, 0.6, True, [m], heads=[m])}
    hepatitis_antibody(picks, NoteContext(note=note), CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_positive_hepatitis_antibody_without_the_virus_is_the_abnormal_finding() -> None:
    note = "Assessment:\n1. Hepatitis C antibody positive, RNA pending."
    assert _hepatitis(note, "Hepatitis C antibody positive") == ["R76.89"]
    note = "Labs: HCV Ab reactive, HCV RNA not detected."
    assert _hepatitis(note, "HCV Ab reactive") == ["R76.89"]


def test_the_infection_the_virus_confirms_stays() -> None:
    note = "Assessment:\n1. Hepatitis C antibody positive, HCV RNA detected, viral load 2.1 million."
    assert _hepatitis(note, "Hepatitis C antibody positive") == ["B19.20"]
    note = "Assessment:\n1. Chronic hepatitis C, genotype 1a - start treatment."
    assert _hepatitis(note, "Chronic hepatitis C", "B18.2") == ["B18.2"]


def test_a_chlamydia_screening_is_not_the_index_chlamydial_infection() -> None:
    note = "A/P:\n1. Bacterial vaginosis.\n2. Screening for chlamydia."
    at = note.index("Screening")
    m = Mention(start=at, end=len(note) - 1, text="Screening for chlamydia", query="Screening for chlamydia")
    assert _run(note, {"A74.9": Pick("A74.9", 0.6, True, [m], heads=[m])}) == ["Z11.3"]
    found = "A/P:\n1. Chlamydia NAAT positive - azithromycin.\n2. Screening for syphilis."
    m = Mention(start=9, end=18, text="Chlamydia", query="Chlamydia")
    assert "A74.9" in _run(found, {"A74.9": Pick("A74.9", 0.6, True, [m], heads=[m])})  # the infection found


def test_a_diagnosed_infection_beside_a_screening_for_others_keeps_both() -> None:
    """ "Chlamydia cervicitis, NAAT positive. Screening for HIV and syphilis.": on one line, the chlamydia is
    diagnosed, the syphilis only screened for (Z11.3 beside A74.9, not syphilis itself)."""
    note = (
        "Assessment: Chlamydia cervicitis, positive NAAT. Treated with doxycycline. "
        "Screening for HIV and syphilis."
    )
    chlamydia = Mention(12, 33, "Chlamydia cervicitis", "Chlamydia cervicitis")
    picks = {"A74.9": Pick("A74.9", 0.6, True, [chlamydia], heads=[chlamydia])}
    assert _run(note, picks) == ["A74.9", "Z11.3", "Z11.4"]
