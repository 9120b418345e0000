"""A "presence of" status code (Z95-Z97) needs the device in place, not one the patient only wants."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import awaited_transplant, device_status
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

IUD_PRESENT = ["ICD-10-CM", "Presence of (intrauterine) contraceptive device", True, "Z97", "code"]
CATALOG = CodeCatalog({"codes": {"Z97.5": IUD_PRESENT}})


def _iud_status(note: str, words: str) -> bool:
    """Is Z97.5, retrieved from ``words`` of the note, still final after the status rules?"""
    at = note.index(words)
    end = note.find(".", at)
    mention = Mention(at, at + len(words), words, words, "body", note.rfind(".", 0, at) + 1, end)
    picks = {"Z97.5": Pick("Z97.5", 0.7, True, [mention])}
    device_status(picks, NoteContext(note=note), CATALOG)
    return picks["Z97.5"].final


def test_an_iud_in_place_is_its_status() -> None:
    assert _iud_status("Annual exam. Copper IUD in place since 2022, strings seen.", "Copper IUD in place")


def test_an_iud_the_patient_wants_is_no_status() -> None:
    assert not _iud_status("Birth control visit. She is interested in a hormonal IUD.", "a hormonal IUD")
    assert not _iud_status("Desires Kyleena IUD; referred to gynecology for insertion.", "Kyleena IUD")


ICD_TITLE = "Presence of automatic (implantable) cardiac defibrillator"
ICD_PRESENT = ["ICD-10-CM", ICD_TITLE, True, "Z95.81", "code"]


def _defibrillator(note: str) -> bool:
    picks: dict[str, Pick] = {}
    device_status(picks, NoteContext(note=note), CodeCatalog({"codes": {"Z95.810": ICD_PRESENT}}))
    return "Z95.810" in picks and picks["Z95.810"].final


def test_an_icd_the_patient_has_is_the_defibrillator() -> None:
    assert _defibrillator("68M with HFrEF (EF 30%) s/p ICD 2023. No shocks.")
    assert _defibrillator("PMH: NICM, has an ICD (2019), CKD 3a.")
    # the classification's name is no device
    assert not _defibrillator("ICD-10 codes reviewed with the patient. HTN, s/p CABG 2015.")
    assert not _defibrillator("Diagnoses: see ICD 10 list below, 2024.")


PACEMAKER = ["ICD-10-CM", "Presence of cardiac pacemaker", True, "Z95", "code"]


def _pacemaker(note: str) -> bool:
    picks: dict[str, Pick] = {}
    device_status(picks, NoteContext(note=note), CodeCatalog({"codes": {"Z95.0": PACEMAKER}}))
    return "Z95.0" in picks and picks["Z95.0"].final


def test_a_device_listed_in_the_past_history_is_one_the_patient_has() -> None:
    assert _pacemaker("PMH/Problem list:\n# PPM for sick sinus syndrome\n# HTN\nA/P: stable.")
    assert _pacemaker("Past medical history: pacemaker for complete heart block. Here for cough.")
    # named in the visit's own plan without a status word: not assumed present
    assert not _pacemaker("A/P: Symptomatic bradycardia - PPM placement scheduled.")


TRANSPLANT_CATALOG = CodeCatalog(
    {
        "codes": {
            "Z94.0": ["ICD-10-CM", "Kidney transplant status", True, "Z94", "code"],
            "Z76.82": ["ICD-10-CM", "Awaiting organ transplant status", True, "Z76", "code"],
        }
    }
)


def _transplant_finals(note: str, words: str) -> list[str]:
    at = note.index(words)
    end = note.find(".", at)
    mention = Mention(at, at + len(words), words, words, "assessment", note.rfind(".", 0, at) + 1, end)
    picks = {"Z94.0": Pick("Z94.0", 0.6, True, [mention])}
    awaited_transplant(picks, NoteContext(note=note), TRANSPLANT_CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_an_organ_on_the_transplant_list_is_awaited_not_transplanted() -> None:
    assert _transplant_finals("ESRD on HD. Renal transplant list - active.", "Renal transplant list") == [
        "Z76.82"
    ]
    assert _transplant_finals("Listed for kidney transplant at UCSF.", "kidney transplant") == ["Z76.82"]
    assert _transplant_finals("s/p kidney transplant 2019, on tacrolimus.", "kidney transplant") == ["Z94.0"]
