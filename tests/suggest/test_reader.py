from __future__ import annotations

import pytest

from assistant.suggest.reader import (
    clean_query,
    is_normal_finding,
    is_phrase,
    read_note,
    sections,
    walk_query,
)
from assistant.suggest.split import is_tune_split
from assistant.suggest.text import expand_abbreviations

NOTE = """HPI: 58yo M with HTN, DM2 with CKD 3a presents with chest pain. Denies shortness of breath or fever.
PMH: history of colon cancer. Asthma.
FH: mother with breast cancer.
A/P:
1. Closed fracture of right distal radius, follow-up, healing well.
2. Rule out pneumonia.
3. No evidence of urinary tract infection."""


def _by_text(note: str) -> dict[str, object]:
    return {m.text: m for m in read_note(note)}


def test_mentions_are_spans_of_the_note() -> None:
    for m in read_note(NOTE):
        assert NOTE[m.start : m.end] == m.text


def test_sections_found() -> None:
    names = [s[2] for s in sections(NOTE)]
    assert names == ["hpi", "pmh", "fh", "assessment"]


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Denies shortness of breath or fever", "negated"),
        ("No evidence of urinary tract infection", "negated"),
        ("Rule out pneumonia", "uncertain"),
        ("history of colon cancer", "history"),
        ("mother with breast cancer", "family"),
    ],
)
def test_context_flags(text: str, flag: str) -> None:
    m = _by_text(NOTE)[text]
    assert getattr(m, flag) is True
    others = {"negated", "uncertain", "history", "family"} - {flag}
    assert not any(getattr(m, o) for o in others)


def test_plain_mentions_have_no_context() -> None:
    m = _by_text(NOTE)["chest pain"]
    assert not (m.negated or m.uncertain or m.history or m.family)
    assert m.section == "hpi"


def test_negation_stops_at_terminator() -> None:
    ms = _by_text("Exam: No fever but productive cough present.\nPlan: follow up.")
    assert ms["No fever"].negated
    assert not ms["productive cough present"].negated


def test_post_negation() -> None:
    ms = _by_text("HPI: Pulmonary embolism was ruled out. Pain persists.")
    assert ms["Pulmonary embolism was ruled out"].negated


def test_laterality_and_encounter() -> None:
    m = _by_text(NOTE)["Closed fracture of right distal radius"]
    assert m.laterality == {"right"}
    assert m.encounter == "D"
    m2 = _by_text("A/P: Fracture of left wrist, sequela of fall last year.")["Fracture of left wrist"]
    assert m2.laterality == {"left"} and m2.encounter == "S"


def test_abbreviations() -> None:
    assert expand_abbreviations("HTN, DM2, CKD 3a, COPD, CHF") == (
        "hypertension, type 2 diabetes mellitus, chronic kidney disease stage 3a, "
        "chronic obstructive pulmonary disease, congestive heart failure"
    )
    assert "history of" in expand_abbreviations("h/o MI")
    assert expand_abbreviations("ca of lung") == "ca of lung"  # lower-case "ca" is left alone
    assert "atrial fibrillation" in expand_abbreviations("AFib with RVR")


def test_a_toe_by_number_side_letters_after_a_condition_and_new_rows() -> None:
    # fractures name the "lesser toe(s)", amputations the "other toe(s)"
    assert expand_abbreviations("fx proximal phalanx R 5th toe") == (
        "fracture proximal phalanx right lesser toe (other toe)"
    )
    assert expand_abbreviations("L 1st toe") == "left great toe"
    assert expand_abbreviations("Greater trochanteric bursitis R - injection today") == (
        "Greater trochanteric bursitis right - injection today"
    )
    assert expand_abbreviations("Labs: CMP ordered R") == "Labs: CMP ordered R"
    assert expand_abbreviations("Asymptomatic R ICA stenosis") == (
        "Asymptomatic right internal carotid artery stenosis"
    )
    assert expand_abbreviations("SIADH") == "syndrome of inappropriate secretion of antidiuretic hormone"
    # a side letter after the body part, or before it with one or two words between
    assert expand_abbreviations("2. Trigger thumb L. 3. Ganglion") == "2. Trigger thumb left. 3. Ganglion"
    assert expand_abbreviations("R nursemaid's elbow") == "right nursemaid's elbow"
    assert expand_abbreviations("L tennis elbow") == "left tennis elbow"
    assert expand_abbreviations("drank 2 L of water daily") == "drank 2 L of water daily"
    assert expand_abbreviations("2nd-degree burn R palm") == "second degree burn right palm"
    assert expand_abbreviations("1st degree burn") == "first degree burn"
    assert expand_abbreviations("2nd toe") == "lesser toe (other toe)"


def test_a_short_chunk_denying_an_abbreviated_condition_is_its_own_statement() -> None:
    ms = _by_text("ED.\nWells low for PE, CTA not indicated, no PE.\nDx: DVT.")
    assert ms["no PE"].negated and not ms["CTA not indicated"].negated
    # a qualifier after a comma still belongs to its condition
    assert "Cholera, unspecified" in _by_text("HPI: x.\nA: Cholera, unspecified. Asthma.")


def test_imp_is_the_impression() -> None:
    (m,) = [m for m in read_note("UC visit.\nImp: R nursemaid's elbow.\n") if "elbow" in m.text]
    assert m.section == "assessment" and m.text == "R nursemaid's elbow" and m.laterality == {"right"}
    assert [s[2] for s in sections("Impetigo on the chin.\nImpression: impetigo.")][-1] == "assessment"


def test_phrase_is_one_mention() -> None:
    assert is_phrase("Classical cholera")
    ms = read_note("Classical cholera")
    assert len(ms) == 1 and ms[0].text == "Classical cholera"
    assert not is_phrase(NOTE)


def test_clean_query_drops_triggers() -> None:
    assert clean_query("history of colon cancer") == "colon cancer"
    assert clean_query("Denies chest pain") == "chest pain"


def test_tune_split_rule() -> None:
    import hashlib

    ids = [f"case-{i}" for i in range(200)]
    for i in ids:
        assert is_tune_split(i) == (int(hashlib.sha1(i.encode()).hexdigest(), 16) % 5 != 0)
    share = sum(map(is_tune_split, ids)) / len(ids)
    assert 0.7 < share < 0.9


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("abdomen soft", True),
        ("non-tender", True),
        ("lungs clear to auscultation bilaterally", True),
        ("Heart regular rate and rhythm", True),
        ("skin warm and dry", True),
        ("Skin: dry, intact", True),
        ("dry eyes", False),
        ("Dry mouth", False),
        ("pink eye", False),
        ("mucous membranes pink and moist", True),
        ("abdomen tender", False),
        ("abdomen distended", False),
        ("acute abdomen", False),
        ("heart murmur", False),
        ("soft tissue swelling", False),
        ("Lungs with scattered wheezes", False),
    ],
)
def test_normal_findings(text: str, normal: bool) -> None:
    assert is_normal_finding(text) is normal


def test_normal_exam_findings_are_read_but_marked() -> None:
    note = "Exam: abdomen soft and non-tender, heart regular, lungs with scattered wheezes."
    by_text = {m.text: m for m in read_note(note)}
    assert by_text["abdomen soft"].normal and by_text["heart regular"].normal
    assert not by_text["lungs with scattered wheezes"].normal


@pytest.mark.parametrize("text", ["former smoker", "Ex-smoker"])
def test_former_habits_are_history(text: str) -> None:
    (m,) = read_note(f"SH: {text}.\nA/P: cough.")[:1]
    assert m.history and not m.negated
    assert clean_query(m.query).lower() == "smoker"


def test_a_label_answered_none_is_negated() -> None:
    (m,) = [
        m for m in read_note("- Diabetic retinopathy: none, dilated exam normal\n") if "retinopathy" in m.text
    ]
    assert m.negated
    assert any(m.negated for m in read_note("Retinopathy - negative on exam\n"))
    (dep,) = [
        m for m in read_note("A/P:\n2. Depression - not present; PHQ-9 low.\n") if "Depression" in m.text
    ]
    assert dep.negated
    # Said of another time, not as a label's answer, "not present" denies nothing.
    ms = read_note("HPI: x.\nCT: hilar adenopathy not present on the 2019 film.\n")
    assert not any(m.negated for m in ms if "adenopathy" in m.text)
    # The answer belongs to its own label: a condition that is present stays current.
    (dep,) = [m for m in read_note("A/P:\n2. Depression - present, PHQ-9 14.\n") if "Depression" in m.text]
    assert not dep.negated
    # A label answered with the condition's kind is the condition.
    assert not any(m.negated for m in read_note("Dx: Diabetic retinopathy: mild NPDR\n"))


def test_a_label_answered_ruled_out_is_negated() -> None:
    note = (
        "Problems:\n- Cellulitis L leg - cephalexin.\n- DVT: ruled out (duplex negative).\n"
        "- Gout - excluded, crystals absent.\n"
    )
    ms = read_note(note)
    assert all(m.negated for m in ms if "DVT" in m.text or "Gout" in m.text)
    assert not any(m.negated for m in ms if "Cellulitis" in m.text)
    # A doubt that it is ruled out is no denial (IV.H: uncertain, not negated).
    ms = read_note("A/P:\n2. Appendicitis: not ruled out, CT tonight.\n3. Gout not excluded.\n")
    doubted = [m for m in ms if m.text.startswith(("Appendicitis", "Gout"))]
    assert len(doubted) == 2 and not any(m.negated for m in doubted)


@pytest.mark.parametrize(
    ("line", "primary", "site"),
    [
        ("A: Metastatic breast cancer to liver.", "Metastatic breast cancer", "liver"),
        ("A: Colon cancer metastatic to the liver.", "Colon cancer", "liver"),
        (
            "A/P: metastatic RCC R kidney to both lungs.",
            "metastatic RCC R kidney",
            "both lungs",
        ),  # abbreviated
    ],
)
def test_a_cancer_metastatic_to_a_site_reads_the_primary_and_the_secondary_site(
    line: str, primary: str, site: str
) -> None:
    """Index: Metastasis, metastatic, to specified site - see Neoplasm, secondary, by site."""
    got = {m.text: m for m in read_note("Seen today.\n" + line)}
    assert primary in got and site in got
    assert got[site].query == "secondary malignant neoplasm of " + site
    assert got[primary].query == expand_abbreviations(primary)


def test_to_without_a_spread_is_no_secondary_site() -> None:
    got = read_note("Seen today.\nA: Breast cancer referred to oncology.")
    assert [m.text for m in got][1:] == ["Breast cancer referred to oncology"]
    assert all("secondary" not in m.query for m in got)


def test_the_organ_failure_a_transplant_replaced_is_not_a_current_condition() -> None:
    """I.C.14.a.2: after a kidney transplant the status is coded (Z94.0) and the graft's CKD as documented;
    the ESRD the transplant was for is not current."""
    got = {m.text: m for m in read_note("Seen today.\nA: Kidney transplant 3/2022 for IgA nephropathy ESRD.")}
    assert got["IgA nephropathy ESRD"].not_coded == "replaced by the transplant"
    assert got["Kidney transplant 3/2022"].not_coded is None
    got = {
        m.text: m for m in read_note("Seen today.\nA: ESRD s/p renal transplant 2019. CKD 3a of the graft.")
    }
    assert got["ESRD"].not_coded == "replaced by the transplant"
    assert got["CKD 3a of the graft"].not_coded is None


def test_a_transplant_for_another_reason_and_a_transplant_referral_keep_the_condition() -> None:
    got = {m.text: m for m in read_note("Seen today.\nA: ESRD on HD, transplant referral.")}
    assert got["ESRD on HD"].not_coded is None
    got = {m.text for m in read_note("Seen today.\nA: Liver transplant for hepatocellular carcinoma.")}
    assert "Liver transplant for hepatocellular carcinoma" in got


def test_the_grafts_donor_is_not_searched_as_the_patient_being_a_donor() -> None:
    assert "donor" not in clean_query("deceased-donor kidney transplant 2021")
    assert "donor" in clean_query("kidney donor evaluation")


def test_the_ligament_named_after_a_sprain_is_the_sprains_own() -> None:
    got = [m.text for m in read_note("Seen today.\nDx: L ankle sprain - ATFL, initial. RICE.")]
    assert "L ankle sprain - ATFL, initial" in got
    assert "anterior talofibular ligament" in expand_abbreviations("sprain of the ATFL")
    got = [m.text for m in read_note("Seen today.\nDx: R knee sprain, medial collateral ligament.")]
    assert "R knee sprain, medial collateral ligament" in got


def test_a_new_clause_of_a_run_on_sentence_ends_the_negation() -> None:
    note = (
        "Dictated. She is seen for bipolar II disorder, she denies suicidal ideation, intent or plan, her "
        "TSH came back at 9.8, which is lithium-induced hypothyroidism, and her mother has bipolar "
        "I disorder."
    )
    by_text = _by_text(note)
    assert by_text["she denies suicidal ideation"].negated and by_text["intent or plan"].negated
    assert not by_text["her TSH came back at 9.8"].negated
    mother = by_text["her mother has bipolar I disorder"]
    assert mother.family and not mother.negated
    # A list of denied findings keeps its scope across commas.
    assert all(m.negated for m in read_note("ROS: denies fever, chills, cough, or dysuria.\n"))


@pytest.mark.parametrize(
    "text", ["Never any stroke or TIA symptoms", "Does not meet criteria for MDD", "Foot XR no osteomyelitis"]
)
def test_never_unmet_criteria_and_an_imaging_reading_negate(text: str) -> None:
    (m,) = read_note(f"{text}.\nA/P: cough.")[:1]
    assert m.negated


def test_a_negation_after_a_problems_dash_is_about_its_plan() -> None:
    by_text = _by_text(
        "# Exocrine pancreatic insufficiency - steatorrhea resolved on pancrelipase.\n# Gout - no flares.\n"
    )
    assert not by_text["Exocrine pancreatic insufficiency"].negated
    assert by_text["steatorrhea resolved on pancrelipase"].negated


def test_a_status_or_doubt_after_the_problem_is_its_own() -> None:
    """ "Neonatal jaundice, resolved" is resolved; "Chlamydia not excluded" is uncertain (IV.H); "MDD
    considered - does not meet criteria" is not diagnosed. A comma before other words, or "criteria for"
    another condition, leaves the problem as written."""
    by_text = _by_text(
        "A/P:\n1. Umbilical granuloma - silver nitrate\n2. Neonatal jaundice, resolved\n"
        "3. Pneumonia, resolved cough persists\n"
    )
    assert by_text["Neonatal jaundice"].negated and not by_text["Umbilical granuloma"].negated
    assert not by_text["Pneumonia"].negated
    by_text = _by_text("Impression: Gonococcal urethritis. Chlamydia not excluded - treated presumptively.\n")
    assert by_text["Chlamydia not excluded"].uncertain and not by_text["Gonococcal urethritis"].uncertain
    by_text = _by_text(
        "Impression: GAD.\nMajor depressive disorder considered - does not meet criteria today.\n"
    )
    assert by_text["Major depressive disorder considered"].negated and not by_text["GAD"].negated
    assert not _by_text("A/P: GAD - does not meet criteria for MDD.\n")["GAD"].negated


def test_a_mixed_pair_is_one_mention() -> None:
    texts = [
        m.text for m in read_note("Dx: adjustment disorder with mixed anxiety and depressed mood.\nRTC.\n")
    ]
    assert "adjustment disorder with mixed anxiety and depressed mood" in texts
    assert "depressed mood" not in texts
    assert "cough" in [m.text for m in read_note("Dx: asthma and cough.\nRTC.\n")]


def test_a_course_after_the_problem_is_no_part_of_it() -> None:
    note = "Problem list:\n# osteopenia - stable.\n# HTN - well controlled.\n"
    mentions = read_note(note)
    coded = [m.text for m in mentions if not m.not_coded]
    assert coded == ["osteopenia", "HTN"]
    assert [m.text for m in read_note("# shingles - stable.")] == ["shingles"]
    # a status that chooses the sibling stays in a phrase
    assert [m.text for m in read_note("type 2 diabetes - uncontrolled")] == ["type 2 diabetes - uncontrolled"]


def test_a_spine_region_after_the_comma_completes_the_condition() -> None:
    mentions = read_note("A/P:\n1. Spinal stenosis, lumbar - PT.\n2. DDD, cervical spine.")
    assert [m.text for m in mentions if not m.not_coded] == ["Spinal stenosis, lumbar", "DDD, cervical spine"]


def test_mono_is_infectious_mononucleosis_only_as_a_word() -> None:
    assert expand_abbreviations("mono, monospot positive") == "infectious mononucleosis, monospot positive"
    assert expand_abbreviations("monotherapy with metformin") == "monotherapy with metformin"
    assert "mononucleosis" not in expand_abbreviations("Mono filament sensation nml")


def test_mi_in_a_plan_is_motivational_interviewing() -> None:
    assert expand_abbreviations("Plan: MI today, f/u 1 mo.").startswith(
        "Plan: motivational interviewing today"
    )
    assert expand_abbreviations("MI re cannabis").startswith("motivational interviewing")
    assert expand_abbreviations("presented with MI, s/p stent") == (
        "presented with myocardial infarction, status post stent"
    )


def test_the_index_walk_reads_an_inner_negation_the_search_query_drops() -> None:
    said = "elevated BP without dx of HTN"
    assert clean_query(said) == "elevated BP dx of HTN"
    assert walk_query(said) == "elevated BP without dx of HTN"
    assert walk_query("no chest pain") == clean_query("no chest pain") == "chest pain"  # a leading one goes


def test_a_discharge_summary_states_its_diagnoses_as_principal_and_secondary() -> None:
    note = "Principal: Sepsis due to E. coli.\nSecondary: Hypothyroidism.\n"
    assert [s[2] for s in sections(note)] == ["diagnosis", "diagnosis"]
    diagnoses = [m.text for m in read_note(note) if m.section == "diagnosis"]
    assert diagnoses[0] == "Sepsis" and diagnoses[-1] == "Hypothyroidism"  # no "Principal:" in the mention
    assert [s[2] for s in sections("Primary care: Dr. Lee.\n")] == ["body"]  # no diagnosis heading


def test_and_inside_a_hyphenated_name_does_not_split_it() -> None:
    assert [m.text for m in read_note("A: Hand-foot-and-mouth disease.\nRTC prn.")][0] == (
        "Hand-foot-and-mouth disease"
    )
    assert [m.text for m in read_note("A: Asthma and allergic rhinitis.\nRTC prn.")][:2] == [
        "Asthma",
        "allergic rhinitis",
    ]


def test_describing_words_listed_before_the_condition_stay_with_it() -> None:
    mentions = read_note("A: Complete, nontraumatic rotator cuff tear, right shoulder.\nP: MRI.")
    assert mentions[0].text == "Complete, nontraumatic rotator cuff tear, right shoulder"
    # after a condition the same words still complete the one before them
    coded = [m.text for m in read_note("A/P:\n1. Asthma, mild, intermittent.\n") if not m.not_coded]
    assert coded == ["Asthma, mild, intermittent"]
    # a course word before a plan joins nothing ("stable, continue lisinopril" names no condition)
    reading = {m.text: m.not_coded for m in read_note("A/P:\n1. HTN - stable, continue lisinopril.\n")}
    assert reading == {"HTN": None, "stable": "status", "continue lisinopril": "plan"}


def test_a_conclusion_after_a_list_of_negatives_is_not_negated() -> None:
    note = "HPI: BP 150/95, no headache or visual changes: preeclampsia without severe features.\nP: labor.\n"
    by_text = {m.text: m.negated for m in read_note(note)}
    assert by_text["preeclampsia without severe features"] is False
    assert by_text["no headache or visual changes"] is True
    # a bare trigger before the colon still scopes over its list
    listed = {m.text: m.negated for m in read_note("ROS: Denies: fever, chills.\nA: URI.\n")}
    assert listed == {"Denies: fever": True, "chills": True, "URI": False}


def test_solid_spellings_read_as_the_code_set_hyphenates_them() -> None:
    assert expand_abbreviations("Mild preeclampsia, noncardiac chest pain") == (
        "Mild pre-eclampsia, non-cardiac chest pain"
    )
    assert expand_abbreviations("nonspecific ST changes") == "nonspecific ST changes"  # titles spell it solid


def test_a_with_clause_after_the_comma_ends_a_without() -> None:
    note = "A: MDD, severe without psychotic features, with active suicidal ideation.\nP: admit.\n"
    by_text = {m.text: m.negated for m in read_note(note)}
    assert by_text["with active suicidal ideation"] is False
    listed = {m.text: m.negated for m in read_note("A: no fever, chills.\nP: f/u.\n")}
    assert listed["chills"] is True  # a list after the comma stays denied


def test_a_label_of_the_interval_history_does_not_hide_its_negation() -> None:
    """ "Interval: no thrombosis" denies thrombosis; a condition named before its own "no" is still stated."""
    negated = {
        m.text: m.negated for m in read_note("Hem f/u. Interval: no thrombosis, no bleeding. Plt 488.")
    }
    assert negated["Interval: no thrombosis"] is True
    stated = {m.text: m.negated for m in read_note("Hem f/u. Interval: new left leg DVT, on apixaban.")}
    assert any("DVT" in text and not neg for text, neg in stated.items())


def test_a_genus_initial_is_no_lettered_list_marker() -> None:
    # "C. diff", "E. coli": the organism's initial, read with its species (Index: Colitis, Clostridioides
    # difficile); a letter before an ordinary word is still a list marker ("A. Asthma").
    mentions = {m.text: m for m in read_note("Assessment: C. diff colitis, start oral vancomycin.")}
    assert "clostridioides difficile" in mentions["C. diff colitis"].query
    assert "E. coli UTI" in _by_text("Assessment: E. coli UTI, start nitrofurantoin.")
    assert {"Asthma", "Hypertension"} <= set(_by_text("A. Asthma, stable. B. Hypertension, controlled."))
    assert "clostridioides difficile" in expand_abbreviations("C. difficile colitis")


def test_a_specialty_label_heads_a_problem_line_and_is_not_searched() -> None:
    note = "60F, chronic problems.\nRheum: RA on MTX, stable.\nCards: AFib on Eliquis.\nExam:\nNeuro: intact."
    mentions = read_note(note)
    labels = [m.text for m in mentions if m.not_coded == "label"]
    assert labels == ["Rheum", "Cards"]
    ra = next(m for m in mentions if m.text == "RA on MTX")
    assert ra.problem and not ra.not_coded
    assert next(m for m in mentions if m.text == "AFib on Eliquis").problem
    # an exam line headed by a body system stays the exam's finding
    assert not any(m.text == "Neuro" for m in mentions)
    # a word that is no specialty before a colon is not taken for one
    assert not any(m.not_coded == "label" for m in read_note("60F.\nSkin tear: left forearm, dressed."))


def test_a_problem_heading_heads_its_line_and_is_not_searched() -> None:
    # Problem-oriented charting: each "Problem:" line is a problem of its own (so a second diabetes line
    # keeps its own complication code), the word "Problem" is its heading.
    note = "61M.\nProblem: DM2 with retinopathy\nStatus: stable.\nProblem 2: DM2 with gastroparesis\n"
    mentions = read_note(note)
    assert [m.text for m in mentions if m.not_coded == "label"] == ["Problem", "Problem 2"]
    heads = [m.text for m in mentions if m.problem]
    assert heads == ["DM2 with retinopathy", "DM2 with gastroparesis"]
    # "Problem list reviewed:" and a problem named in a sentence are no such heading
    for line in ("Problem list reviewed: no changes.", "Main problem: she cannot sleep."):
        assert not any(m.not_coded == "label" or m.problem for m in read_note(f"40F.\n{line}\n"))


def test_a_condition_the_physician_expects_to_come_is_uncertain() -> None:
    note = "A/P: Subacute thyroiditis, thyrotoxic phase. Recheck TFTs in 4 weeks; expect a hypothyroid phase."
    by_text = {m.text: m for m in read_note(note)}
    expected = next(m for t, m in by_text.items() if "hypothyroid" in t)
    assert expected.uncertain
    assert not next(m for t, m in by_text.items() if t.startswith("Subacute thyroiditis")).uncertain


def test_a_sprains_grade_is_no_word_of_its_code() -> None:
    query = "Grade II sprain of the right anterior talofibular ligament"
    assert clean_query(query) == "sprain of the right anterior talofibular ligament"
    assert clean_query("grade 1 left hamstring strain") == "left hamstring strain"
    # another condition's grade is read (hemorrhoids by degree, esophagitis by its grade)
    assert clean_query("grade 2 hemorrhoids") == "grade 2 hemorrhoids"
    assert clean_query("Grade II esophagitis") == "Grade II esophagitis"


def test_each_item_of_a_list_run_on_one_line_is_a_problem() -> None:
    note = "A/P: 1. CKD 3 2. HTN 3. Gout, left foot 4. Hyperlipidemia"
    problems = {m.text: m.problem for m in read_note(note)}
    assert problems == {"CKD 3": True, "HTN": True, "Gout": True, "left foot": False, "Hyperlipidemia": True}


def test_each_problem_plan_sentence_of_an_assessment_paragraph_is_a_problem() -> None:
    note = "A/P: SLE with nephritis - continue MMF. Raynaud's - nifedipine ER. Osteopenia - DEXA 2027."
    problems = {m.text: m.problem for m in read_note(note)}
    assert problems["Raynaud's"] and problems["Osteopenia"]
    assert not problems["nifedipine ER"]
    # a narrative sentence of the assessment heads nothing
    narrative = {m.text: m.problem for m in read_note("A/P: Gout. He will call if it flares again.")}
    assert not any(p for t, p in narrative.items() if t != "Gout")


def test_a_long_one_line_diagnosis_statement_is_one_phrase() -> None:
    # an older classification's statements run long on one line: still one condition, searched as one
    statement = (
        "Contusion of brain without mention of open intracranial wound, with loss of consciousness of "
        "unspecified duration, with return to prior level, initial episode of care"
    )
    assert 20 < len(statement.split()) <= 40
    assert is_phrase(statement)
    assert len(read_note(statement)) == 1
    assert not is_phrase(" ".join([statement] * 2))  # a paragraph is not a phrase
    assert not is_phrase(statement + ".")  # a note's sentence of that length ends with its mark
    assert not is_phrase("Chest pain; cough")
    dictated = statement.replace(", with return", " comma with return")  # a dictation's marks are spoken
    assert not is_phrase(dictated)
