"""I.C.15.b.1-2: a prenatal visit is supervised under O09.- by its risk and trimester, or is routine (Z34)."""

from __future__ import annotations

from assistant.suggest.coding_rules.context import NoteContext
from assistant.suggest.coding_rules.pregnancy import delivery_only_at_delivery
from assistant.suggest.coding_rules.prenatal import prenatal_supervision
from assistant.suggest.not_coded import why_not_coded
from assistant.suggest.reader import Mention
from assistant.suggest.store import CodeCatalog
from assistant.suggest.types import Pick

ICD = "ICD-10-CM"
TRIMESTERS = {
    "1": "first trimester",
    "2": "second trimester",
    "3": "third trimester",
    "9": "unspecified trimester",
}
STEMS = {
    "O09.21": "Supervision of pregnancy with history of pre-term labor",
    "O09.29": "Supervision of pregnancy with other poor reproductive or obstetric history",
    "O09.3": "Supervision of pregnancy with insufficient antenatal care",
    "O09.51": "Supervision of elderly primigravida",
    "O09.52": "Supervision of elderly multigravida",
    "O09.62": "Supervision of young multigravida",
    "O09.81": "Supervision of pregnancy resulting from assisted reproductive technology",
    "O09.9": "Supervision of high risk pregnancy, unspecified",
    "Z34.0": "Encounter for supervision of normal first pregnancy",
    "Z34.8": "Encounter for supervision of other normal pregnancy",
    "O60.0": "Preterm labor without delivery",
}
TITLES = {
    f"{stem}{digit}": f"{title}, {words}"
    for stem, title in STEMS.items()
    for digit, words in TRIMESTERS.items()
}
TITLES |= {
    "Z87.51": "Personal history of pre-term labor",
    "O24.419": "Gestational diabetes, unspecified control",
}
CATALOG = CodeCatalog({"codes": {c: [ICD, t, True, c[:-1].rstrip("."), "code"] for c, t in TITLES.items()}})


def _run(note: str, age: int = 28, weeks: int | None = 24, found: tuple[str, ...] = ()) -> list[str]:
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    picks = {code: Pick(code, 0.7, True, [m], heads=[m]) for code in found}
    ctx = NoteContext(note=note, age=age, pregnant=True, weeks=weeks)
    prenatal_supervision(picks, ctx, CATALOG)
    return sorted(c for c, p in picks.items() if p.final)


def test_a_routine_visit_is_the_normal_pregnancy_by_gravida_and_trimester() -> None:
    assert _run("Prenatal visit. 27 yo G1P0 at 24w3d, feels well.\nA/P: IUP, doing well.") == ["Z34.02"]
    assert _run("OB f/u, 30 yo G2P1 at 31 wks. Doing well.", weeks=31) == ["Z34.83"]
    # a complication of the pregnancy is no routine visit
    assert _run("Prenatal visit. G1P0 at 30 wks. GDM, diet controlled.", weeks=30, found=("O24.419",)) == [
        "O24.419"
    ]
    # no prenatal visit named: nothing
    assert _run("Sick visit. 27 yo G1P0 at 24 weeks with a cold.") == []


def test_a_preterm_history_written_hx_or_in_letters_supervises_the_pregnancy() -> None:
    for said in ("Hx preterm delivery at 34 wk", "h/o spontaneous PTB", "hx PTL 2023", "h/o sPTB at 33 wk"):
        note = f"OB return visit. G2P1 at 22 weeks. {said}.\nA/P: cervical length ok."
        assert _run(note, weeks=22, found=("Z87.51",)) == ["O09.212"], said
    # pre-term labor precautions, or a denied history, are no history of it
    for said in ("preterm labor precautions reviewed", "no hx PTL"):
        assert _run(f"OB return visit. G2P1 at 22 weeks. {said}.\nA/P: well.", weeks=22) == ["Z34.82"], said


def test_advanced_maternal_age_is_the_elderly_gravida_of_the_trimester() -> None:
    assert _run("Prenatal visit. G3P2 at 24 weeks. AMA.", age=37) == ["O09.522"]
    assert _run("Prenatal visit. G1P0 at 10 weeks.", age=36, weeks=10) == ["O09.511"]  # by age alone
    assert _run("Prenatal visit. G2P1 at 24 weeks. Not AMA.", age=29) == ["Z34.82"]


def test_a_history_of_preterm_labor_supervises_this_pregnancy_and_is_no_labor_now() -> None:
    note = "Prenatal visit. G2P1 at 30 weeks, h/o preterm labor in prior pregnancy.\nA/P: cervix long."
    at = note.index("preterm labor")
    labor = Mention(start=at, end=at + 13, text="preterm labor", query="preterm labor", section="body")
    picks = {code: Pick(code, 0.7, True, [labor]) for code in ("Z87.51", "O60.03", "O09.93")}
    prenatal_supervision(picks, NoteContext(note=note, age=28, pregnant=True, weeks=30), CATALOG)
    assert sorted(c for c, p in picks.items() if p.final) == ["O09.213"]
    assert "not a labor now" in picks["O60.03"].warnings[0]
    denied = "Prenatal visit. G2P1 at 30 weeks, no h/o preterm labor.\nA/P: doing well."
    assert _run(denied, weeks=30) == ["Z34.83"]


def test_other_risks_take_their_own_supervision_codes() -> None:
    assert _run("OB visit. 19 yo G1P0 at 12 weeks, late to care.", age=19, weeks=12) == ["O09.31"]
    assert _run("Prenatal visit. G1P0, IVF pregnancy, 20 weeks.", weeks=20) == ["O09.812"]
    assert _run("Prenatal visit. 15 yo G2P0 at 20 wk.", age=15, weeks=20) == ["O09.622"]


def test_a_past_pregnancy_complication_supervises_this_pregnancy() -> None:
    note = "29F G2P1 at 24 weeks, h/o preeclampsia with first pregnancy.\nA/P: IUP 24 weeks, aspirin 81 mg."
    assert _run(note) == ["O09.292"]


def test_an_assessment_iup_by_its_weeks_is_a_prenatal_visit() -> None:
    assert _run("27F G2P1.\nA/P: IUP at 24w3d, doing well.") == ["Z34.82"]
    # an intrauterine pregnancy seen in the ED is no supervision visit
    assert _run("ED: 24F G2P1 with a sprained ankle. Known IUP, here for the ankle.") == []


def test_a_prenatal_measurement_is_not_a_diagnosis() -> None:
    for chunk in ("FHT 145", "FHR 150s", "Fundal height 24 cm", "Cervical length 3.5 cm"):
        assert why_not_coded(chunk) == "vitals or labs", chunk
    assert why_not_coded("fetal tachycardia") is None


def test_an_uncomplicated_pregnancy_before_delivery_is_no_delivery_encounter() -> None:
    """I.C.15.b.4: O80 codes the delivery itself; an uncomplicated pregnancy seen before it is Z34."""
    titles = {"O80": "Encounter for full-term uncomplicated delivery"}
    catalog = CodeCatalog({"codes": {c: [ICD, t, True, c[:3], "code"] for c, t in (TITLES | titles).items()}})

    def run(note: str, delivered: bool, weeks: int) -> list[str]:
        m = Mention(start=0, end=5, text="x", query="x", section="assessment")
        picks = {"O80": Pick("O80", 0.3, True, [m], heads=[m])}
        ctx = NoteContext(note=note, age=29, pregnant=True, weeks=weeks, delivered=delivered)
        delivery_only_at_delivery(picks, ctx, catalog)
        prenatal_supervision(picks, ctx, catalog)
        return sorted(c for c, p in picks.items() if p.final)

    assert run("OB visit 28wk1d, G2P1. A: IUP 28wk, uncomplicated.", delivered=False, weeks=28) == ["Z34.83"]
    assert run("39w2d, SVD of a liveborn girl. Dx: full-term uncomplicated delivery.", True, 39) == ["O80"]
    m = Mention(start=0, end=5, text="x", query="x", section="assessment")
    plausible = {"O80": Pick("O80", 0.3, False, [m])}  # not final yet: later passes must not list it
    delivery_only_at_delivery(plausible, NoteContext(note="IUP 28wk", pregnant=True, weeks=28), catalog)
    assert plausible["O80"].vetoed
