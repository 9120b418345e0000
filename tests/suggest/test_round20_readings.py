"""Round 20: general classes that fresh office notes showed. Each test has a wording of our own the rule
must change and one it must leave alone."""

from __future__ import annotations

import pytest

from assistant.suggest.abbreviations import expand_text
from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.device_status import device_status
from assistant.suggest.coding_rules.disc_radiculopathy import disc_with_radiculopathy
from assistant.suggest.coding_rules.partners import add_drugs
from assistant.suggest.coding_rules.pregnancy_test import pregnancy_test_visit
from assistant.suggest.history import history_cue
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention, read_note
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick
from tests.suggest.catalog_fixtures import hierarchy_catalog


def _read(note: str, words: str) -> Mention:
    return next(m for m in read_note(note) if words in m.text)


@pytest.mark.parametrize(
    "lead",
    ["55 yo M with", "55M with a", "Male with", "A 64 year old gentleman with a", "72-year-old woman with"],
)
def test_who_the_patient_is_does_not_stop_a_history_trigger(lead: str) -> None:
    note = f"HPI: here for a visit.\n{lead} history of colon cancer s/p colectomy."
    assert _read(note, "colon cancer").history


@pytest.mark.parametrize("lead", ["Diabetes with", "Anemia with"])
def test_a_condition_before_the_trigger_still_stops_it(lead: str) -> None:
    note = f"HPI: here for a visit.\n{lead} history of colon cancer."
    assert not _read(note, "colon cancer").history


PACEMAKER = CodeCatalog(
    {"codes": {"Z95.0": ["ICD-10-CM", "Presence of cardiac pacemaker", True, "Z95", "code"]}}
)


def _pacemaker(note: str) -> bool:
    picks: dict[str, Pick] = {}
    device_status(picks, NoteContext(note=note), PACEMAKER)
    return "Z95.0" in picks and picks["Z95.0"].final


def test_a_device_in_situ_is_present() -> None:
    assert _pacemaker("Dx:\n- Pacemaker in situ for sick sinus syndrome, device check normal.")
    assert not _pacemaker("Dx:\n- Sick sinus syndrome, pacemaker recommended.")


ANTICOAGULANTS = hierarchy_catalog(
    {"Z79.01": "Long term (current) use of anticoagulants", "I48.0": "Paroxysmal atrial fibrillation"},
    {"Z79": "Long term (current) drug therapy", "I48": "Atrial fibrillation and flutter"},
)


@pytest.mark.parametrize(
    ("line", "taking"),
    [
        ("- Long-term warfarin, INR 2.4.", True),
        ("- Anticoagulation with apixaban.", True),
        ("- Warfarin was stopped after the bleed.", False),
        ("- Discussed warfarin versus no anticoagulant; she declines.", False),
    ],
)
def test_a_drug_named_as_the_lines_long_term_treatment_is_its_long_term_use(line: str, taking: bool) -> None:
    note = f"Dx:\n- Paroxysmal AF.\n{line}"
    at = note.index("Paroxysmal AF")
    picks = {
        "I48.0": Pick("I48.0", 0.8, True, [Mention(at, at + 13, "Paroxysmal AF", "x", "assessment", 0, 20)])
    }
    add_drugs(picks, NoteContext(note=note), ANTICOAGULANTS)
    assert ("Z79.01" in picks and picks["Z79.01"].final) is taking


@pytest.mark.parametrize(
    ("chunk", "kind"),
    [
        ("Declines HIV test", "plan"),
        ("Pt declines hepatitis C screening", "plan"),
        ("HIV screen declined", "plan"),
        ("HIV positive", None),
        ("Declines treatment for depression", None),
    ],
)
def test_a_test_the_patient_declines_finds_nothing(chunk: str, kind: str | None) -> None:
    assert why_not_coded(chunk) == kind


def test_a_cure_after_the_course_that_brought_it_closes_the_item() -> None:
    sentence = (
        "Follow-up of hepatitis C, chronic, genotype 1a, s/p treatment with Mavyret 2022, SVR achieved."
    )
    assert (history_cue(sentence, "Follow-up of hepatitis C, chronic") or "").strip() == "svr"
    # without a course between, a cure said far away belongs to something else
    far = "Hepatitis C, chronic, genotype 1a, viral load 2 million, fibrosis F2 on elastography, SVR unknown."
    assert history_cue(far, "Hepatitis C, chronic") is None


def test_an_ultrasound_ordered_after_an_arrow_is_the_test() -> None:
    note = "HPI: here for a visit.\nEx-smoker 30 pk-yr, quit 2012 -> AAA US ordered (never had one). HTN."
    assert _read(note, "AAA").not_coded == "test"
    assert why_not_coded("AAA US ordered (never had one)") == "test"
    # lower-case "us" is a word, not the test; an ultrasound heading its findings is no order
    assert why_not_coded("told us about chest pain") is None
    assert why_not_coded("Thyroid US") is None


@pytest.mark.parametrize(
    ("line", "coded"),
    [
        ("Alcohol use: 2 beers/week.", False),
        ("EtOH: socially.", False),
        ("Alcohol use: 6 beers a day, binge on weekends.", True),
        ("Alcohol use disorder, mild.", True),
    ],
)
def test_drinking_told_as_a_low_risk_habit_is_social_history(line: str, coded: bool) -> None:
    mentions = read_note(f"A/P: Fatty liver - recheck LFTs.\n{line}")
    assert any(m.not_coded is None for m in mentions if "lcohol" in m.text or "EtOH" in m.text) is coded


@pytest.mark.parametrize(
    ("line", "plan"),
    [
        ("Fatty liver - weight loss.", True),
        ("Prediabetes - diet and exercise.", True),
        ("Weight loss.", False),
    ],
)
def test_a_lifestyle_goal_after_a_problems_dash_is_its_plan(line: str, plan: bool) -> None:
    mentions = read_note(f"Visit.\nA/P:\n1. {line}\n2. HTN.")
    assert any(m.not_coded == "plan" for m in mentions if "eight loss" in m.text or "diet" in m.text) is plan


@pytest.mark.parametrize(
    ("line", "history"),
    [
        ("Hx of eczema, controlled.", False),
        ("H/o gout - well controlled on allopurinol.", False),
        ("History of DVT - stable.", True),
        ("History of DVT, completed anticoagulation.", True),
        ("h/o breast cancer, active surveillance.", True),
    ],
)
def test_a_course_word_after_a_history_item_says_it_is_present(line: str, history: bool) -> None:
    assert read_note(f"Visit.\n{line}")[1].history is history


@pytest.mark.parametrize(
    ("sentence", "mention", "over"),
    [
        ("Latent TB, completed rifampin 2024.", "Latent TB", True),
        ("Latent TB, on rifampin, started 2026.", "Latent TB", False),
        ("Depression, completed CBT 2023.", "Depression", False),
    ],
)
def test_an_infection_whose_dated_course_is_done_is_over(sentence: str, mention: str, over: bool) -> None:
    assert (history_cue(sentence, mention) is not None) is over


DISCS = hierarchy_catalog(
    {
        "M51.16": "Intervertebral disc disorders with radiculopathy, lumbar region",
        "M51.17": "Intervertebral disc disorders with radiculopathy, lumbosacral region",
        "M51.27": "Other intervertebral disc displacement, lumbosacral region",
        "M54.16": "Radiculopathy, lumbar region",
        "M54.42": "Lumbago with sciatica, left side",
    },
    {
        "M51": "Disc disorders",
        "M51.1": "with radiculopathy",
        "M51.2": "displacement",
        "M54": "Dorsalgia",
        "M54.1": "Radiculopathy",
        "M54.4": "Lumbago with sciatica",
    },
)


def _disc_finals(note: str, coded: dict[str, str]) -> set[str]:
    picks = {}
    for code, words in coded.items():
        at = note.index(words)
        picks[code] = Pick(
            code, 0.7, True, [Mention(at, at + len(words), words, words, "assessment", 0, len(note))]
        )
    disc_with_radiculopathy(picks, NoteContext(note=note), DISCS)
    return {c for c, p in picks.items() if p.final}


def test_sciatica_due_to_a_disc_is_the_disc_disorder_with_radiculopathy() -> None:
    note = "Dx: left sciatica due to L5-S1 disc herniation."
    assert _disc_finals(note, {"M54.42": "left sciatica", "M51.27": "L5-S1 disc herniation"}) == {"M51.17"}
    assert _disc_finals(
        "Lumbar radiculopathy due to herniated disc.", {"M54.16": "Lumbar radiculopathy"}
    ) == {"M51.16"}
    # a root pain with no disc named stays
    assert _disc_finals("Lumbar radiculopathy, MRI pending.", {"M54.16": "Lumbar radiculopathy"}) == {
        "M54.16"
    }


def test_cervical_radiculopathy_due_to_a_disc_is_the_cervical_disc_disorder_at_its_level() -> None:
    catalog = hierarchy_catalog(
        {
            "M50.122": "Cervical disc disorder at C5-C6 level with radiculopathy",
            "M50.10": "Cervical disc disorder with radiculopathy, unspecified cervical region",
            "M54.12": "Radiculopathy, cervical region",
        },
        {
            "M50": "Cervical disc disorders",
            "M50.1": "with radiculopathy",
            "M50.12": "mid-cervical",
            "M54": "D",
            "M54.1": "Radiculopathy",
        },
    )
    note = "Cervical radiculopathy, left C6, due to C5-6 disc herniation."
    at = note.index("Cervical radiculopathy")
    mention = Mention(at, at + 22, "Cervical radiculopathy", "x", "assessment", 0, len(note))
    picks = {"M54.12": Pick("M54.12", 0.7, True, [mention])}
    disc_with_radiculopathy(picks, NoteContext(note=note), catalog)
    assert {c for c, p in picks.items() if p.final} == {"M50.122"}


@pytest.mark.parametrize(
    ("text", "expanded"),
    [
        ("Right sacroiliitis vs SI joint dysfunction.", "sacroiliac joint dysfunction"),
        ("R SI joint pain", "sacroiliac joint pain"),
        ("Passive SI, no plan.", "suicidal ideation"),
    ],
)
def test_si_beside_a_joint_is_sacroiliac(text: str, expanded: str) -> None:
    assert expanded in expand_text(text)


@pytest.mark.parametrize(
    ("line", "uncertain"),
    [
        ("A: Right sacroiliitis vs SI joint dysfunction.", True),
        ("A: Viral pharyngitis versus strep pharyngitis.", True),
        ("ECG: SR, LBBB unchanged vs 2023.", False),
        ("A: Acute sinusitis.", False),
    ],
)
def test_two_contrasting_diagnoses_are_uncertain(line: str, uncertain: bool) -> None:
    mentions = [m for m in read_note(f"S: pain.\n{line}") if m.section == "assessment" or "LBBB" in m.text]
    assert any(m.uncertain for m in mentions) is uncertain


PREGNANCY_TESTS = CodeCatalog(
    {
        "codes": {
            c: ["ICD-10-CM", t, True, "Z32.0", "code"]
            for c, t in {
                "Z32.00": "Encounter for pregnancy test, result unknown",
                "Z32.01": "Encounter for pregnancy test, result positive",
                "Z32.02": "Encounter for pregnancy test, result negative",
            }.items()
        }
    }
)


@pytest.mark.parametrize(
    ("note", "code"),
    [
        ("Pt presents for pregnancy test. UPT negative. Desires contraception.", "Z32.02"),
        ("CC: pregnancy test\nUrine hCG positive, LMP 6 weeks ago.", "Z32.01"),
        ("Here for a pregnancy test; sent to lab.", "Z32.00"),
        ("Dysuria x 2 days. UPT negative. UA + nitrites.", None),  # a test done at another visit's reason
    ],
)
def test_a_visit_for_a_pregnancy_test_is_coded_by_its_result(note: str, code: str | None) -> None:
    picks: dict[str, Pick] = {}
    pregnancy_test_visit(picks, NoteContext(note=note), PREGNANCY_TESTS)
    assert [c for c, p in picks.items() if p.final] == ([code] if code else [])


@pytest.mark.parametrize(
    "line",
    [
        "Hearing loss, bilateral, sensorineural - wears hearing aids.",
        "Hearing loss, sensorineural, bilateral.",
    ],
)
def test_a_hearing_losss_kind_after_a_comma_stays_with_it(line: str) -> None:
    assert any("sensorineural" in m.text and "Hearing loss" in m.text for m in read_note(f"Visit.\n{line}"))


def test_a_narrative_that_goes_on_after_the_patients_lead_is_no_history_item() -> None:
    note = (
        "HPI: visit.\nA 52-year-old woman with a history of note came to a routine checkup at work with new "
        "onset microcytic anemia."
    )
    assert not _read(note, "anemia").history
