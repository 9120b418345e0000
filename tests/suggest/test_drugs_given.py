"""A drug documented as given at the encounter gets its HCPCS J-code, found by name, salt, form and amount."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.drugs_given import drugs_given
from assistant.suggest.corpus import SqlCorpus
from assistant.suggest.hcpcs_drugs import parse_descriptor
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.conftest import reference_db

# HCPCS Level II descriptors (public domain, CMS), as the January 2026 file writes them.
DESCRIPTORS = {
    "J1885": "Injection, ketorolac tromethamine, per 15 mg",
    "J1097": "Phenylephrine 10.16 mg/ml and ketorolac 2.88 mg/ml ophthalmic irrigation solution, 1 ml",
    "J2405": "Injection, ondansetron hydrochloride, per 1 mg",
    "J3299": "Injection, triamcinolone acetonide (xipere), 1 mg",
    "J3300": "Injection, triamcinolone acetonide, preservative free, 1 mg",
    "J3301": "Injection, triamcinolone acetonide, not otherwise specified, 10 mg",
    "J3302": "Injection, triamcinolone diacetate, per 5 mg",
    "J3303": "Injection, triamcinolone hexacetonide, per 5 mg",
    "J1071": "Injection, testosterone cypionate, 1 mg",
    "J1072": "Injection, testosterone cypionate (azmiro), 1 mg",
    "J3121": "Injection, testosterone enanthate, 1 mg",
    "J7030": "Infusion, normal saline solution , 1000 cc",
    "J7040": "Infusion, normal saline solution, sterile (500 ml = 1 unit)",
    "J7050": "Infusion, normal saline solution, 250 cc",
    "J1010": "Injection, methylprednisolone acetate, 1 mg",
    "J2919": "Injection, methylprednisolone sodium succinate, 5 mg",
    "J9217": "Leuprolide acetate (for depot suspension), 7.5 mg",
    "J1950": "Injection, leuprolide acetate (for depot suspension), per 3.75 mg",
    "J0561": "Injection, penicillin g benzathine, 100,000 units",
    "J0558": "Injection, penicillin g benzathine and penicillin g procaine, 100,000 units",
    "J2001": "Injection, lidocaine hcl for intravenous infusion, 10 mg",
    "J8540": "Dexamethasone, oral, 0.25 mg",
    "J0287": "Injection, amphotericin b lipid complex, 10 mg",
    "J0697": "Injection, sterile cefuroxime sodium, per 750 mg",
    "J2312": "Injection, naloxone hydrochloride, not otherwise specified, 1 mg",
    "J1952": "Leuprolide injectable, camcevi, 1 mg",
    "J7297": "Levonorgestrel-releasing intrauterine contraceptive system (liletta), 52 mg",
    "J7298": "Levonorgestrel-releasing intrauterine contraceptive system (mirena), 52 mg",
    "J7306": "Levonorgestrel (contraceptive) implant system, including implants and supplies",
    "J2426": "Injection, paliperidone palmitate extended release (invega sustenna), 1 mg",
    "J2427": "Injection, paliperidone palmitate extended release, (invega hafyera or invega trinza), 1 mg",
    "J1943": "Injection, aripiprazole lauroxil, (aristada initio), 1 mg",
    "J1944": "Injection, aripiprazole lauroxil, (aristada), 1 mg",
    "J0585": "Injection, onabotulinumtoxina, 1 unit",
    "J1815": "Injection, insulin, per 5 units",
    "J1817": "Insulin for administration through dme (i.e., insulin pump) per 50 units",
    "J2183": "Injection, meropenem (wg critical care), not therapeutically equivalent to j2185, 100 mg",
    "J0881": "Injection, darbepoetin alfa, 1 microgram (non-esrd use)",
    "J0882": "Injection, darbepoetin alfa, 1 microgram (for esrd on dialysis)",
}
CATALOG = CodeCatalog(
    {
        "codes": {
            **{c: ["HCPCS", t, True, None, "code"] for c, t in DESCRIPTORS.items()},
            "N20.1": ["ICD-10-CM", "Calculus of ureter", True, "N20", "code"],
            "Z74.1": ["ICD-10-CM", "Need for assistance with personal care", True, "Z74", "code"],
            "G72.81": ["ICD-10-CM", "Critical illness myopathy", True, "G72.8", "code"],
        }
    }
)


def _run(note: str, retrieved: tuple[str, ...] = ("N20.1",)) -> dict[str, Pick]:
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    picks = {code: Pick(code, 0.7, True, [m], heads=[m]) for code in retrieved}
    drugs_given(picks, NoteContext(note=note), CATALOG)
    return picks


def _final(note: str, retrieved: tuple[str, ...] = ("N20.1",)) -> list[str]:
    return sorted(c for c, p in _run(note, retrieved).items() if p.final and c.startswith("J"))


def test_the_descriptor_gives_the_drug_its_salt_and_the_amount_a_unit_bills() -> None:
    ketorolac = parse_descriptor("J1885", DESCRIPTORS["J1885"])
    assert ketorolac is not None
    assert (ketorolac.lead, ketorolac.name, ketorolac.drug, ketorolac.amount) == (
        "ketorolac",
        ("ketorolac", "tromethamine"),
        ("ketorolac",),
        (15.0, "mg"),
    )
    saline = parse_descriptor("J7040", DESCRIPTORS["J7040"])
    assert saline is not None and saline.amount == (500.0, "ml")
    assert parse_descriptor("J3299", DESCRIPTORS["J3299"]).marks == ({"xipere"},)  # type: ignore[union-attr]
    assert not parse_descriptor("J9217", DESCRIPTORS["J9217"]).marks  # type: ignore[union-attr]
    assert parse_descriptor("J8540", DESCRIPTORS["J8540"]) is None  # dispensed by mouth, not given


def test_each_drug_given_gets_its_code_and_the_units_to_bill() -> None:
    note = "Renal colic, L ureteral stone.\nDispo: ketorolac 30 mg IV given, ondansetron 4 mg IV given."
    picks = _run(note)
    assert _final(note) == ["J1885", "J2405"]
    assert "2 units (30 mg at 15 a unit)" in picks["J1885"].reasons[0]
    assert note[picks["J1885"].mentions[0].start : picks["J1885"].mentions[0].end] == "ketorolac"


def test_brand_names_and_shorthand_read_as_the_generic() -> None:
    assert _final("Toradol 60 mg IM given for the back pain.") == ["J1885"]
    assert _final("Dehydration. Plan: 1 L NS IV bolus given in clinic.") == ["J7030"]
    assert _final("Kenalog 40 mg injected into the R knee today.") == ["J3301"]


def test_the_salt_said_chooses_among_the_drugs_codes() -> None:
    assert _final("testosterone cypionate 200 mg IM given today") == ["J1071"]
    assert _final("testosterone enanthate 100 mg IM given today") == ["J3121"]
    assert _final("penicillin G benzathine 2.4 million units IM x1 given") == ["J0561"]


def test_an_unsaid_salt_takes_the_not_otherwise_specified_code_or_none() -> None:
    assert _final("triamcinolone 40 mg injected into the L subacromial bursa") == ["J3301"]
    assert _final("methylprednisolone 80 mg IM given") == []  # acetate or sodium succinate: the coder asks


def test_the_amount_chooses_among_codes_that_differ_only_by_it() -> None:
    assert _final("leuprolide depot 7.5 mg IM given today") == ["J9217"]
    assert _final("500 mL normal saline IV given") == ["J7040"]
    assert _final("NS IV bolus given") == []  # 250 cc, 500 ml or 1000 cc: the note does not say


def test_a_drug_not_given_now_or_not_by_injection_has_no_code() -> None:
    for note in (
        "Plan: ketorolac 30 mg IM if pain persists",
        "declined the ceftriaxone injection",
        "testosterone cypionate 200 mg IM q2 wk, self-injected at home",
        "last Depo dose given 9/1/2026",
        "ondansetron 4 mg ODT given",
        "R knee injection: triamcinolone acetonide 40 mg + 4 mL 1% lidocaine, injected",
    ):
        assert not [c for c in _final(note) if c not in ("J3301",)], note
    assert _final("R knee injection: triamcinolone acetonide 40 mg + 4 mL 1% lidocaine, injected") == [
        "J3301"
    ]


def test_the_code_of_the_drug_given_replaces_a_retrieved_sibling() -> None:
    picks = _run("testosterone cypionate 200 mg IM given today", retrieved=("J1072", "N20.1"))
    assert picks["J1071"].final and not picks["J1072"].final
    assert "J1071 is the code of the drug given" in picks["J1072"].warnings[0]
    assert picks["N20.1"].final


def test_codes_terminated_before_today_are_not_indexed() -> None:
    # The HCPCS file keeps deleted codes with their termination date: J1070 (testosterone cypionate, up to
    # 100 mg) ended on 2014-12-31 and J1071 (per 1 mg) replaced it.
    codes = {r.code for r in SqlCorpus.open(reference_db()).records() if r.system == "HCPCS"}
    assert "J1071" in codes and "J1070" not in codes


def test_the_emergency_department_and_the_hospital_report_their_own_drugs() -> None:
    given = "ketorolac 30 mg IV given, ondansetron 4 mg IV given"
    assert _final(f"ED note. 41M, L flank pain.\nDispo: {given}.") == []
    assert _final(f"Emergency department visit\nA/P: renal colic - {given}.") == []
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    picks = {"N20.1": Pick("N20.1", 0.7, True, [m], heads=[m])}
    drugs_given(picks, NoteContext(note=f"Hospital course: {given}.", setting="inpatient"), CATALOG)
    assert list(picks) == ["N20.1"]
    # urgent care and the office supply the drug themselves
    assert _final(f"UC visit. Renal colic.\nPlan: {given} in clinic.") == ["J1885", "J2405"]


def test_words_that_only_look_like_a_drug_name_give_nothing() -> None:
    for note in (
        "Labs: lipid panel, A1c drawn today",
        "Triamcinolone 40 mg injected into R knee under sterile technique",
        "Typhoid (injectable) and yellow fever vaccines administered today",
        "naloxone kit given, overdose education done",
    ):
        assert _final(note) in ([], ["J3301"]), note
    assert _final("Triamcinolone 40 mg injected into R knee under sterile technique") == ["J3301"]


def test_a_device_or_brand_is_chosen_only_as_the_note_names_it() -> None:
    assert _final("levonorgestrel 52 mg IUD (Mirena) placed without difficulty") == ["J7298"]
    assert _final("Liletta IUD inserted today") == ["J7297"]
    assert _final("levonorgestrel 52 mg IUD placed") == []  # Liletta or Mirena: the note does not say
    assert _final("naloxone 0.4 mg IM given") == ["J2312"]


def test_a_product_named_only_by_its_brand_is_found_by_the_brand() -> None:
    assert _final("Invega Sustenna 234 mg IM given in the L deltoid") == ["J2426"]
    assert _final("Aristada 882 mg IM given") == ["J1944"]  # not Aristada Initio
    assert _final("Aristada Initio 675 mg IM given") == ["J1943"]
    assert _final("paliperidone palmitate 156 mg IM given") == []  # which product: the coder asks
    assert _final("Botox 100 units injected, chronic migraine protocol") == ["J0585"]
    assert _final("regular insulin 10 units IV given") == ["J1815"]  # not the pump's supply
    # a maker's name made of everyday words ("WG Critical Care") is no brand a note names
    assert _final("Urgent care: ketorolac 30 mg IM given today") == ["J1885"]
    assert _final("prednisone 60 mg x 7 days given") == []  # a course of days: a prescription


def test_of_a_drugs_esrd_pair_the_code_follows_the_dialysis_the_note_documents() -> None:
    given = "A/P: Anemia in chronic kidney disease - darbepoetin alfa 60 mcg SC given in clinic today."
    assert _final("CKD stage 5, not on dialysis.\n" + given) == ["J0881"]
    assert _final("CKD stage 4.\n" + given) == ["J0881"]
    assert _final("ESRD on hemodialysis MWF.\n" + given) == ["J0882"]
