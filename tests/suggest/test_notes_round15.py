"""Round 15 of the us-notes batches: general classes the blind batch usn-1289 ... usn-1312 showed. Each test
has a wording of our own the rule must change and one it must leave alone. Titles as in the ICD-10-CM
tabular (public domain)."""

from __future__ import annotations

import pytest

from assistant.suggest import qualifiers
from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.combination import combine, hypertension_after_pairing
from assistant.suggest.coding_rules.context import NoteContext, visit_named
from assistant.suggest.coding_rules.encounters import (
    ADMINISTRATIVE,
    _general_exam_said,
    surgery_still_to_come,
)
from assistant.suggest.coding_rules.injuries import (
    _ACTIVITY,
    _EQUIPMENT_ACTIVITY,
    _KNIFE_CUT,
    _PLACE,
    displacement_said_elsewhere,
    encounter_character,
    external_causes,
    fall_code,
)
from assistant.suggest.coding_rules.pregnancy import (
    childbirth_at_the_delivery,
    childbirth_sibling,
    delivery_only_at_delivery,
    pregnancy_condition_told_past,
)
from assistant.suggest.coding_rules.symptoms import integral_to
from assistant.suggest.consolidate import substance_hierarchy
from assistant.suggest.not_coded import _SERVICE_LATER, why_not_coded
from assistant.suggest.reader import Mention, qualifies_previous, read_note, use_disorder_of_line
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


def _mention(note: str, words: str) -> Mention:
    start = note.index(words)
    return Mention(start, start + len(words), words, words, "assessment", 0, len(note))


@pytest.mark.parametrize(
    ("chunk", "completes"),
    [
        ("single subsegmental RUL", True),  # the embolism's extent, said after its comma
        ("saddle", True),
        ("multiple segmental", True),
        ("LA grade C, without bleeding", True),  # a grade of the esophagitis before it
        ("grade 2", True),
        ("grade group 4", False),  # a Gleason grade group is no grade of the condition before it
        ("single mother of two", False),
    ],
)
def test_an_extent_or_a_grade_after_a_comma_belongs_to_the_condition_before_it(
    chunk: str, completes: bool
) -> None:
    assert qualifies_previous(chunk) is completes


@pytest.mark.parametrize(
    ("chunk", "why"),
    [
        ("Inpt addiction/psych consult", "administrative"),
        ("outpatient addiction medicine visit", "administrative"),
        ("Opioid addiction f/u", None),  # the condition followed up
        ("staple removal 7-10 days", "plan"),  # a service given a time to come
        ("wound check in 2 days", "plan"),
        ("staple removal", None),  # the visit's own service
    ],
)
def test_headings_and_services_still_to_come_are_no_diagnoses(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize(
    ("note", "character"),
    [
        ("Forearm laceration closed with 5 sutures. Suture removal 7-10 d.", "A"),
        ("Cast removal in 4 weeks; sling meanwhile.", "A"),
        ("Here for suture removal, the wound is closed.", "D"),
        ("Sutures removed today, no dehiscence.", "D"),
    ],
)
def test_a_removal_still_to_come_is_no_subsequent_encounter(note: str, character: str) -> None:
    assert encounter_character(note) == character


@pytest.mark.parametrize(
    ("sentence", "activity"),
    [
        ("bounced off the trampoline at a cousin's house", "trampoline"),
        ("lost balance on the treadmill at the gym", "treadmill"),
        ("fell off the porch steps", None),
    ],
)
def test_equipment_used_is_the_activity(sentence: str, activity: str | None) -> None:
    found = _EQUIPMENT_ACTIVITY.search(sentence)
    assert (found.group(1) if found else None) == activity


@pytest.mark.parametrize(
    ("sentence", "place"),
    [
        ("twisted her ankle in a neighbor's backyard", "in a neighbor's backyard"),
        ("cut his thumb at home", "at home"),
    ],
)
def test_a_place_named_by_its_owner(sentence: str, place: str) -> None:
    found = _PLACE.search(sentence)
    assert found is not None and found.group(0) == place


@pytest.mark.parametrize(
    ("sentence", "knife", "food"),
    [
        ("cut her palm with a paring knife slicing an avocado", True, True),
        ("sliced his finger on a broken glass while washing dishes", False, True),
        ("cut his shin on a rusty fence", False, False),
    ],
)
def test_a_knife_cut_and_the_food_it_was_preparing(sentence: str, knife: bool, food: bool) -> None:
    assert (_KNIFE_CUT.search(sentence) is not None) is knife
    assert (_ACTIVITY.search(sentence) is not None) is food


@pytest.mark.parametrize(
    ("text", "control"),
    [
        ("GDM, diet only, never needed insulin", "diet"),
        ("GDM, diet only - no metformin", "diet"),
        ("GDM, diet failed, now on insulin", "insulin"),
        ("GDM on metformin, not on insulin", "oral"),
    ],
)
def test_a_denied_treatment_controls_no_diabetes(text: str, control: str) -> None:
    assert qualifiers.read_qualifiers(text).control == control


PREGNANCY = hierarchy_catalog(
    {
        "O24.410": "Gestational diabetes mellitus in pregnancy, diet controlled",
        "O24.420": "Gestational diabetes mellitus in childbirth, diet controlled",
        "O24.430": "Gestational diabetes mellitus in the puerperium, diet controlled",
        "O99.283": "Endocrine, nutritional and metabolic diseases complicating pregnancy, third trimester",
        "O99.284": "Endocrine, nutritional and metabolic diseases complicating childbirth",
        "O70.1": "Second degree perineal laceration during delivery",
        "O80": "Encounter for full-term uncomplicated delivery",
    },
    {
        "O24": "Diabetes mellitus in pregnancy, childbirth, and the puerperium",
        "O24.4": "Gestational diabetes mellitus",
        "O24.41": "Gestational diabetes mellitus in pregnancy",
        "O24.42": "Gestational diabetes mellitus in childbirth",
        "O24.43": "Gestational diabetes mellitus in the puerperium",
        "O99": "Other maternal diseases classifiable elsewhere",
        "O99.2": "Endocrine, nutritional and metabolic diseases complicating pregnancy",
        "O99.28": "Endocrine, nutritional and metabolic diseases complicating pregnancy, childbirth",
        "O70": "Perineal laceration during delivery",
    },
)


def test_the_childbirth_sibling_of_a_pregnancy_code() -> None:
    assert childbirth_sibling(PREGNANCY, "O24.410") == "O24.420"
    assert childbirth_sibling(PREGNANCY, "O99.283") == "O99.284"
    assert childbirth_sibling(PREGNANCY, "O70.1") is None


@pytest.mark.parametrize(("delivered", "code"), [(True, "O24.420"), (False, "O24.410")])
def test_a_condition_of_the_pregnancy_at_the_delivery_is_coded_in_childbirth(
    delivered: bool, code: str
) -> None:
    note = "Gestational diabetes, diet controlled. Vaginal delivery of a liveborn girl."
    picks = {"O24.410": Pick("O24.410", 0.7, True, [_mention(note, "Gestational diabetes")])}
    childbirth_at_the_delivery(
        picks, NoteContext(note=note, pregnant=True, weeks=39, delivered=delivered), PREGNANCY
    )
    assert [c for c, p in picks.items() if p.final] == [code]


@pytest.mark.parametrize(("complication", "o80"), [("O70.1", False), (None, True)])
def test_o80_only_for_a_delivery_without_a_complication(complication: str | None, o80: bool) -> None:
    note = "Spontaneous vaginal delivery at 39 weeks."
    picks = {"O80": Pick("O80", 0.6, True, [_mention(note, "vaginal delivery")])}
    if complication:
        picks[complication] = Pick(complication, 0.7, True, [_mention(note, "delivery")])
    delivery_only_at_delivery(
        picks, NoteContext(note=note, pregnant=True, weeks=39, delivered=True), PREGNANCY
    )
    assert picks["O80"].final is o80


LINKS = hierarchy_catalog(
    {
        "E11.36": "Type 2 diabetes mellitus with diabetic cataract",
        "E11.9": "Type 2 diabetes mellitus without complications",
        "H26.9": "Unspecified cataract",
    },
    {"E11": "Type 2 diabetes mellitus", "E11.3": "Type 2 diabetes mellitus with ophthalmic complications"},
)


@pytest.mark.parametrize(
    ("cataract", "linked"),
    [
        ("Cataract of the right eye, not diabetic per the eye surgeon.", False),
        ("Cataract of the right eye.", True),
    ],
)
def test_a_link_the_note_denies_is_not_presumed(cataract: str, linked: bool) -> None:
    note = f"{cataract} Type 2 diabetes on metformin."
    picks = {
        "H26.9": Pick("H26.9", 0.8, True, [_mention(note, "Cataract of the right eye")]),
        "E11.9": Pick("E11.9", 0.8, True, [_mention(note, "Type 2 diabetes")]),
    }
    combine(picks, NoteContext(note=note), LINKS)
    assert ("E11.36" in picks and picks["E11.36"].final) is linked


@pytest.mark.parametrize(
    ("chunk", "why"),
    [("enoxaparin for VTE ppx", "prevention"), ("acute DVT of the left calf", None)],
)
def test_ppx_is_prevention(chunk: str, why: str | None) -> None:
    assert why_not_coded(chunk) == why


@pytest.mark.parametrize(
    ("sentence", "still_to_come"),
    [
        ("Left knee arthroscopy planned for 3/4.", True),
        ("s/p right knee arthroscopy in 2019, no problems since.", False),
    ],
)
def test_a_procedure_in_a_preoperative_note_is_still_to_come(sentence: str, still_to_come: bool) -> None:
    note = f"Preop evaluation. {sentence}"
    picks = {"Z98.890": Pick("Z98.890", 0.6, True, [_mention(note, sentence)])}
    surgery_still_to_come(picks, NoteContext(note=note))
    assert picks["Z98.890"].final is not still_to_come


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Hodgkin lymphoma, nodes above and below the diaphragm", "lymph nodes of multiple sites"),
        ("PJP, on treatment", "pneumocystis jirovecii pneumonia"),
    ],
)
def test_wordings_read_in_the_titles_words(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)


@pytest.mark.parametrize(
    ("note", "queries"),
    [
        ("Impression: follicular lymphoma above and below the diaphragm.", 1),
        ("Impression: asthma and eczema.", 2),
    ],
)
def test_above_and_below_is_one_extent_not_two_conditions(note: str, queries: int) -> None:
    mentions = [m for m in read_note(note) if not m.not_coded and m.section == "assessment"]
    assert len(mentions) == queries


HYPERTENSIVE_CKD = hierarchy_catalog(
    {
        "I10": "Essential (primary) hypertension",
        "I12.9": "Hypertensive chronic kidney disease with stage 1 through stage 4 chronic kidney disease, "
        "or unspecified chronic kidney disease",
        "N18.4": "Chronic kidney disease, stage 4 (severe)",
    },
    {"I12": "Hypertensive chronic kidney disease", "N18": "Chronic kidney disease (CKD)"},
    {"I12.9": {"use_additional": ["N18.1-N18.4", "N18.9"]}},
)


@pytest.mark.parametrize(("hypertension", "combined"), [(True, True), (False, False)])
def test_a_ckd_made_final_by_pairing_meets_the_hypertension(hypertension: bool, combined: bool) -> None:
    note = (
        "1. Polycystic kidneys. 2. HTN on lisinopril. 3. Anemia of CKD stage 4."
        if hypertension
        else ("1. Polycystic kidneys. 2. Anemia of CKD stage 4.")
    )
    picks = {"N18.4": Pick("N18.4", 0.8, True, [_mention(note, "CKD stage 4")])}
    if hypertension:
        picks["I10"] = Pick("I10", 0.6, True, [_mention(note, "HTN")])
    hypertension_after_pairing(picks, NoteContext(note=note), HYPERTENSIVE_CKD)
    assert ("I12.9" in picks and picks["I12.9"].final) is combined


@pytest.mark.parametrize(
    ("head", "named"),
    [
        ("Cardiology consult: a murmur was heard at his DOT physical last month.", False),
        ("DOT physical - commercial driver, 52 M.", True),
    ],
)
def test_an_earlier_visit_where_something_was_found_is_not_this_visit(head: str, named: bool) -> None:
    rx = next(rx for code, rx in ADMINISTRATIVE if code == "Z02.4")
    assert (visit_named(rx, NoteContext(note=head)) is not None) is named


@pytest.mark.parametrize(
    ("text", "general"), [("Exam no masses, no nodes", False), ("Annual physical exam", True)]
)
def test_an_exam_line_with_its_findings_is_no_general_exam(text: str, general: bool) -> None:
    assert _general_exam_said(text) is general


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("R full-thickness RTC tear", "right complete rotator cuff tear"),  # full thickness: complete
        ("L complete supraspinatus tear", "left complete supraspinatus tear"),
        ("L full-thickness", "L full-thickness"),  # no site follows: the letter is left as written
    ],
)
def test_a_side_letter_before_a_described_tendon(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


@pytest.mark.parametrize(
    ("note", "whole"),
    [
        ("A/P: aftercare s/p L THA, PT twice weekly.", "aftercare s/p L THA"),  # the aftercare's procedure
        ("A/P: Gout s/p colchicine, better.", "Gout"),  # a condition and what was done for it
    ],
)
def test_aftercare_keeps_the_procedure_it_follows(note: str, whole: str) -> None:
    assert whole in [m.text for m in read_note(note)]


@pytest.mark.parametrize(
    ("line", "query"),
    [
        (
            "# Methamphetamine - smoked last weekend. Moderate use disorder.",
            "methamphetamine use disorder, moderate",
        ),
        ("# Insomnia - poor sleep. Moderate use disorder.", "Moderate use disorder."),  # no substance named
        ("# Alcohol - 2 drinks/night. Cannabis use disorder, mild.", "Cannabis use disorder, mild."),
    ],
)
def test_a_use_disorder_takes_the_substance_its_line_named(line: str, query: str) -> None:
    start = line.rindex(". ") + 2
    assert use_disorder_of_line(line, 0, start, line[start:]) == query


@pytest.mark.parametrize(
    ("codes", "kept"),
    [
        (("F15.90", "F15.10"), {"F15.10"}),  # use and abuse: abuse
        (("F12.10", "F12.20"), {"F12.20"}),  # abuse and dependence: dependence
        (("F12.90", "F10.10"), {"F12.90", "F10.10"}),  # two substances, each its own
    ],
)
def test_only_the_highest_of_use_abuse_and_dependence(codes: tuple[str, str], kept: set[str]) -> None:
    picks = {c: Pick(c, 0.6, True, []) for c in codes}
    substance_hierarchy(picks)
    assert {c for c, p in picks.items() if p.final} == kept


@pytest.mark.parametrize(
    ("symptom", "condition", "integral"),
    [
        ("M19.90", "M32.9", True),  # the arthritis of a lupus
        ("R07.81", "I26.99", True),  # the pleuritic pain of an embolism
        ("R07.81", "J18.9", False),
    ],
)
def test_symptoms_part_of_this_rounds_diagnoses(symptom: str, condition: str, integral: bool) -> None:
    assert (integral_to(symptom, [condition]) == condition) is integral


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Sarcoidosis, Scadding stage II", "Sarcoidosis, of lung and lymph nodes"),
        ("sarcoid - Scadding stage 1", "sarcoid - of lymph nodes"),
        ("Lung adenocarcinoma stage II", "Lung adenocarcinoma stage 2"),  # no staging system named
    ],
)
def test_a_sarcoidosis_stage_names_its_sites(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


@pytest.mark.parametrize(("chunk", "completes"), [("FIGO stage IIIA", True), ("Scadding stage III", True)])
def test_a_stage_of_a_named_staging_system_belongs_to_the_condition(chunk: str, completes: bool) -> None:
    assert qualifies_previous(chunk) is completes


@pytest.mark.parametrize(
    ("note", "words", "negated"),
    [
        ("FH: aunt colon ca at 60 (aunt MSI neg).", "aunt colon ca at 60", False),  # the parenthesis's own
        ("Sarcoid (ruled out).", "Sarcoid (ruled out)", True),
    ],
)
def test_a_parenthesis_denies_its_own_subject(note: str, words: str, negated: bool) -> None:
    found = next(m for m in read_note(note) if m.text == words)
    assert found.negated is negated


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("hot flashes from AI", "flushing from aromatase inhibitor"),  # hot flashes: the Index's flushing
        ("moderate AI, LV size normal", "moderate AI, LV size normal"),  # a valve's insufficiency: left alone
    ],
)
def test_ai_beside_its_effects_is_an_aromatase_inhibitor(text: str, expanded: str) -> None:
    assert expand_text(text).startswith(expanded.split(",")[0])


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("4 days old, breastfeeding difficulty", "newborn difficulty feeding at breast"),
        ("mother, breastfeeding difficulty at 3 months postpartum", "breastfeeding difficulty"),
    ],
)
def test_a_newborns_breastfeeding_difficulty(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)


@pytest.mark.parametrize(
    ("symptom", "condition", "integral"),
    [("L53.9", "L57.0", True), ("R23.8", "D22.5", True), ("R23.8", "I10", False)],
)
def test_the_look_of_a_diagnosed_skin_lesion_is_part_of_it(
    symptom: str, condition: str, integral: bool
) -> None:
    assert (integral_to(symptom, [condition]) == condition) is integral


@pytest.mark.parametrize(
    ("sentence", "still_to_come"),
    [
        ("Clearance for a right total knee replacement on 2/9.", True),  # the implant is still to come
        ("s/p left total knee replacement 2018, no pain.", False),
    ],
)
def test_an_implant_named_in_a_preoperative_note_needs_a_past_procedure(
    sentence: str, still_to_come: bool
) -> None:
    note = f"Preoperative evaluation. {sentence}"
    picks = {"Z96.651": Pick("Z96.651", 0.6, True, [_mention(note, sentence)])}
    surgery_still_to_come(picks, NoteContext(note=note))
    assert picks["Z96.651"].final is not still_to_come


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("internal hemorrhoids, grade 2", "internal hemorrhoids, second degree"),
        ("glioma, grade 2", "glioma, grade 2"),  # a grade of another condition stays a grade
        ("fell off the monkey bars", "fell off the jungle gym"),
    ],
)
def test_grades_and_equipment_in_the_indexs_words(text: str, expanded: str) -> None:
    assert expand_text(text) == expanded


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("fell off the jungle gym at recess", "W09.2XXA"),
        ("fell from a swing at the park", "W09.1XXA"),
        ("fell off the porch railing", None),  # no playground equipment: left to the search
        ("fell down three steps", None),
    ],
)
def test_a_fall_from_playground_equipment(sentence: str, code: str | None) -> None:
    assert fall_code(sentence) == code


@pytest.mark.parametrize(
    ("sentence", "knife"),
    [("cut his thumb with a box cutter opening a parcel", True), ("cut her shin on a fence", False)],
)
def test_a_box_cutter_is_a_knife(sentence: str, knife: bool) -> None:
    assert (_KNIFE_CUT.search(sentence) is not None) is knife


def _places(place_code: str) -> dict[str, Pick]:
    codes: dict[str, list[object]] = {
        "S60": ["ICD-10-CM", "Superficial injury of wrist, hand and fingers", False, None, "category"],
        "S60.511A": ["ICD-10-CM", "Abrasion of right hand, initial encounter", True, "S60", "code"],
        place_code: ["ICD-10-CM", "A place of occurrence", True, None, "code"],
    }
    catalog = CodeCatalog({"codes": codes, "seven_chr": {"S60": {"A": "initial encounter"}}})
    note = "Scraped his right hand at work on a pallet.\nA/P: abrasion of right hand."
    picks = {"S60.511A": Pick("S60.511A", 0.8, True, [_mention(note, "abrasion of right hand")])}

    def search(text: str, prefixes: tuple[str, ...]) -> list[tuple[str, float]]:
        return [(place_code, 0.9)] if prefixes == ("Y92",) else []

    external_causes(picks, NoteContext(note=note, search=search), catalog, "A")
    return picks


@pytest.mark.parametrize(("place", "coded"), [("Y92.9", False), ("Y92.69", True)])
def test_no_unspecified_place_is_coded(place: str, coded: bool) -> None:
    assert (place in _places(place)) is coded


@pytest.mark.parametrize(
    ("chunk", "later"),
    [("wound check in 3 days", True), ("cast removal in 2 wks for the buckle fracture", False)],
)
def test_a_service_still_to_come_ends_its_chunk(chunk: str, later: bool) -> None:
    assert (_SERVICE_LATER.match(chunk) is not None) is later


_TORUS = "torus-like fracture of lower end of right radius, initial encounter for closed fracture"
FRACTURE = hierarchy_catalog(
    {"S52.521A": f"Displaced {_TORUS}", "S52.524A": f"Nondisplaced {_TORUS}"},
    {
        "S52": "Fracture of forearm",
        "S52.5": "Fracture of lower end of radius",
        "S52.52": "Torus-like fracture of lower end of radius",
        "S52.521": "Displaced torus-like fracture of lower end of right radius",
        "S52.524": "Nondisplaced torus-like fracture of lower end of right radius",
    },
)


@pytest.mark.parametrize(
    ("diagnosis", "code"),
    [
        ("Dx: distal radius fx, right", "S52.524A"),  # the imaging line's nondisplaced is the fracture's
        ("Dx: displaced distal radius fx, right", "S52.521A"),  # the diagnosis line says displaced
    ],
)
def test_a_fracture_called_nondisplaced_elsewhere_in_the_note(diagnosis: str, code: str) -> None:
    note = f"XR: nondisplaced fracture of the distal right radius.\n{diagnosis}"
    picks = {
        "S52.521A": Pick("S52.521A", 0.7, True, [_mention(note, diagnosis)]),
        "S52.524A": Pick(
            "S52.524A", 0.2, False, [_mention(note, "nondisplaced fracture of the distal right radius")]
        ),
    }
    displacement_said_elsewhere(picks, FRACTURE)
    assert [c for c, p in picks.items() if p.final] == [code]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("Had GDM, diet controlled; GTT today normal.", "Z86.32"),  # told as past after the delivery
        ("GDM, diet controlled, sugars still high.", "O24.410"),  # still the condition
    ],
)
def test_a_pregnancy_condition_told_as_past_after_the_delivery(line: str, code: str) -> None:
    note = f"Postpartum visit, 5 weeks after a vaginal delivery.\n{line}"
    catalog = hierarchy_catalog(
        {
            "O24.410": "Gestational diabetes mellitus in pregnancy, diet controlled",
            "Z86.32": "Personal history of gd",
        },
        {
            "O24": "Diabetes in pregnancy",
            "O24.4": "Gestational diabetes",
            "O24.41": "GDM in pregnancy",
            "Z86": "H",
        },
    )
    words = line.split(",")[0]
    picks = {"O24.410": Pick("O24.410", 0.6, True, [_mention(note, words)])}
    pregnancy_condition_told_past(picks, NoteContext(note=note, pregnant=True), catalog)
    assert [c for c, p in picks.items() if p.final] == [code]
