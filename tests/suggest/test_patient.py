"""Knowing the patient: demographics read from the note, the request's patient, MCE edits, pregnancy."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from assistant.app.container import Container
from assistant.cli.main import app
from assistant.codesets.schemas import MceEdit
from assistant.config import Settings
from assistant.suggest.corpus import CodeRecord, MemoryCorpus
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.index_build import build_index
from assistant.suggest.patient import PatientFacts, read_demographics, resolve_patient
from assistant.suggest.patient_edits import PatientEdits
from assistant.suggest.schemas import Patient, SuggestRequest, SuggestResponse
from assistant.suggest.service import SuggestionService, check_evidence
from tests.conftest import copy_migrated

ICD = "ICD-10-CM"
runner = CliRunner()


def _r(code: str, title: str, parent: str | None, billable: bool = True) -> CodeRecord:
    return CodeRecord(ICD, code, title, billable, parent, "code" if billable else "category")


# Real ICD-10-CM titles (public domain) for the codes the patient rules act on.
RECORDS = [
    _r("I10", "Essential (primary) hypertension", None),
    _r("O10", "Pre-existing hypertension complicating pregnancy, childbirth and the puerperium", None, False),
    _r("O10.01", "Pre-existing essential hypertension complicating pregnancy", "O10", False),
    _r("O10.011", "Pre-existing essential hypertension complicating pregnancy, first trimester", "O10.01"),
    _r("O10.012", "Pre-existing essential hypertension complicating pregnancy, second trimester", "O10.01"),
    _r("O10.013", "Pre-existing essential hypertension complicating pregnancy, third trimester", "O10.01"),
    _r(
        "Z00",
        "Encounter for general examination without complaint, suspected or reported diagnosis",
        None,
        False,
    ),
    _r("Z00.0", "Encounter for general adult medical examination", "Z00", False),
    _r("Z00.00", "Encounter for general adult medical examination without abnormal findings", "Z00.0"),
    _r("Z00.01", "Encounter for general adult medical examination with abnormal findings", "Z00.0"),
    _r("Z00.12", "Encounter for routine child health examination", "Z00", False),
    _r("Z00.121", "Encounter for routine child health examination with abnormal findings", "Z00.12"),
    _r("Z00.129", "Encounter for routine child health examination without abnormal findings", "Z00.12"),
    _r("Z3A", "Weeks of gestation", None, False),
    _r("Z3A.2", "Weeks of gestation of pregnancy, weeks 20-29", "Z3A", False),
    _r("Z3A.28", "28 weeks gestation of pregnancy", "Z3A.2"),
    _r("Z3A.20", "20 weeks gestation of pregnancy", "Z3A.2"),
    _r("N40", "Benign prostatic hyperplasia", None, False),
    _r("N40.0", "Benign prostatic hyperplasia without lower urinary tract symptoms", "N40"),
    _r("N95.1", "Menopausal and female climacteric states", None),
    _r("R35.0", "Frequency of micturition", None),
]
# The MCE edit types of these codes, as in the CMS MCE tables.
MCE = {
    "O10.011": ["Female_Only", "Maternity_Only"],
    "O10.012": ["Female_Only", "Maternity_Only"],
    "O10.013": ["Female_Only", "Maternity_Only"],
    "Z00.00": ["Adult_Only"],
    "Z00.01": ["Adult_Only"],
    "Z00.121": ["Pediatric_Only"],
    "Z00.129": ["Pediatric_Only"],
    "Z3A.28": ["Female_Only", "Maternity_Only"],
    "Z3A.20": ["Female_Only", "Maternity_Only"],
    "N40.0": ["Male_Only", "Adult_Only"],
    "N95.1": ["Female_Only"],
}


class MceReference:
    def __init__(self) -> None:
        self.calls = 0
        self.dates: list[date | None] = []

    def mce_edits(self, code: str, on: date | None = None) -> list[MceEdit]:
        self.calls += 1
        self.dates.append(on)
        return [MceEdit(code=code, edit_type=t, release="v37", stale=True) for t in MCE.get(code, [])]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> SuggestionService:
    emb = HashingEmbedder(128)
    target = tmp_path_factory.mktemp("patient-index")
    build_index(
        target, MemoryCorpus(RECORDS, {ICD: {"release": "2026-04-01", "sha256": "t"}}), emb, progress=False
    )
    return SuggestionService.from_index_dir(target, emb, MceReference())


def run(engine: SuggestionService, text: str, **kw: object) -> SuggestResponse:
    response = engine.suggest(SuggestRequest(text=text, **kw))  # type: ignore[arg-type]
    check_evidence(text, response)
    return response


def codes(response: SuggestResponse) -> list[str]:
    return [s.code for s in response.suggestions]


# ------------------------------------------------------------ reading demographics
@pytest.mark.parametrize(
    ("note", "sex", "age"),
    [
        ("58 y/o male with HTN", "M", 58),
        ("58yo F here for follow up", "F", 58),
        ("4 year old girl with fever", "F", 4),
        ("A 45-year-old woman with cough", "F", 45),
        ("6 month old boy with otitis media", "M", 0),
        ("Pt is a 32 yo G2P1 at 28 weeks gestation", "F", 32),
        ("Cough for three days.", "U", None),
    ],
)
def test_demographics_from_the_note(note: str, sex: str, age: int | None) -> None:
    d = read_demographics(note)
    assert (d.sex, d.age_years) == (sex, age)


@pytest.mark.parametrize(
    ("note", "pregnant", "weeks"),
    [
        ("32 yo G2P1 at 28 weeks gestation, BP 150/95", True, 28),
        ("25 yo F, 12 weeks pregnant, nausea", True, 12),
        ("EGA 31 wks, IUP confirmed", True, 31),
        ("28 yo F, pregnancy test negative. Follow up in 2 weeks.", False, None),
        ("30 yo F, not pregnant. Dysuria for 2 weeks.", False, None),
        ("34 yo G3P2 at 19 weeks 2 days, hypothyroid on levothyroxine.", True, 19),
        ("G1P0 with IUP ~11 weeks by dating US, nausea.", True, 11),
        ("26 week visit, 29F G2P1, feeling well.", True, 26),
        ("Prenatal visit, 31 weeks. 22F G1P0. Recheck in 2 weeks.", True, 31),
        ("30 yo F, 8 weeks pregnant. Recheck in 2 weeks.", True, 8),
        ("Condom failure, wants emergency contraception; pregnancy test if no menses in 3 wk.", False, None),
        ("58 y/o male. Hypertension for 10 years.", False, None),
        (
            "29F prolactinoma on cabergoline. Contraception discussed - call if planning pregnancy.",
            False,
            None,
        ),
        ("24F acne, starting isotretinoin; two forms of contraception to avoid pregnancy.", False, None),
        ("24F at 10 weeks, planning a home birth; pregnancy otherwise uncomplicated.", True, 10),
        ("27F G2P1 at 36w with BP 148/96. A/P: gestational hypertension.", True, 36),
        # a pregnancy of the past is no pregnancy now
        ("44F. PMH: gestational hypertension with first pregnancy. HTN since 2020.", False, None),
        ("52F, h/o preeclampsia, GERD, hypothyroidism.", False, None),
        ("38F with DM2 since her last pregnancy in 2015.", False, None),
        ("27F G2P1, BP 148/96 at 36 w intervals.", True, None),
    ],
)
def test_pregnancy_only_when_documented(note: str, pregnant: bool, weeks: int | None) -> None:
    d = read_demographics(note)
    assert (d.pregnant, d.weeks) == (pregnant, weeks)
    if d.weeks_span is not None:
        assert str(weeks) in note[d.weeks_span.start : d.weeks_span.end]


def test_request_patient_wins_over_the_note() -> None:
    note = read_demographics("58 y/o male with hypertension")
    facts = resolve_patient(Patient(sex="F", age_years=61), note)
    assert (facts.sex, facts.age_years, facts.sex_source) == ("F", 61, "request")
    facts = resolve_patient(Patient(sex="U"), note)
    assert (facts.sex, facts.age_years, facts.sex_source) == ("M", 58, "note")
    born = resolve_patient(Patient(date_of_birth=date(2020, 6, 1)), note, date(2026, 5, 31))
    assert born.age_years == 5


# ------------------------------------------------------------ the engine's edits
def test_no_pregnancy_code_without_a_documented_pregnancy(engine: SuggestionService) -> None:
    r = run(engine, "A/P: 1. Pre-existing essential hypertension complicating.\n2. Essential hypertension.")
    assert not any(c.startswith("O") for c in codes(r))
    assert any("no pregnancy documented" in w for w in r.warnings)


def test_pregnancy_documented_gives_o_code_and_weeks(engine: SuggestionService) -> None:
    note = "HPI: 30 yo G2P1 at 28 weeks gestation.\nA/P: Pre-existing essential hypertension in pregnancy."
    r = run(engine, note)
    assert any(c.startswith("O10.01") for c in codes(r))
    z3a = next(s for s in r.suggestions if s.code.startswith("Z3A"))
    assert z3a.code == "Z3A.28" and z3a.confidence == "high"
    assert "28 weeks" in z3a.evidence[0].text


def test_male_patient_never_gets_maternity_codes(engine: SuggestionService) -> None:
    note = (
        "HPI: G2P1 at 28 weeks gestation.\nA/P: Pre-existing essential hypertension complicating pregnancy."
    )
    r = run(engine, note, patient={"sex": "M"})
    assert not any(c.startswith(("O", "Z3A")) for c in codes(r))
    assert any("Maternity_Only" in w for w in r.warnings)


def test_sex_edit_removes_the_impossible_code_and_names_the_edit(engine: SuggestionService) -> None:
    text = "Benign prostatic hyperplasia without lower urinary tract symptoms"
    assert "N40.0" in codes(run(engine, text))
    r = run(engine, text, patient={"sex": "F"})
    assert "N40.0" not in codes(r)
    assert any("MCE Male_Only edit" in w and "N40.0" in w for w in r.warnings)
    r = run(engine, "72 yo female with " + text.lower())  # the note's own sex works too
    assert "N40.0" not in codes(r)


@pytest.mark.parametrize(
    ("note", "expected", "absent"),
    [
        ("8 yo boy. Encounter for routine examination without abnormal findings.", "Z00.129", "Z00.00"),
        (
            "58 y/o male. Encounter for general adult medical examination without abnormal findings.",
            "Z00.00",
            "Z00.129",
        ),
        (
            "40 yo F. Encounter for routine child health examination with abnormal findings.",
            "Z00.01",
            "Z00.121",
        ),
    ],
)
def test_exam_code_follows_the_age(engine: SuggestionService, note: str, expected: str, absent: str) -> None:
    found = codes(run(engine, note))
    assert expected in found
    assert absent not in found


def test_mce_lookups_are_cached(engine: SuggestionService) -> None:
    ref = engine.reference
    run(engine, "Benign prostatic hyperplasia", patient={"sex": "M", "age_years": 70})
    before = ref.calls
    run(engine, "Benign prostatic hyperplasia", patient={"sex": "M", "age_years": 70})
    assert ref.calls == before


def test_mce_edits_are_those_in_force_on_the_date_of_service(engine: SuggestionService) -> None:
    ref = engine.reference
    run(
        engine,
        "Benign prostatic hyperplasia",
        patient={"sex": "M", "age_years": 70},
        date_of_service="2026-10-05",
    )
    assert date(2026, 10, 5) in ref.dates


def test_an_age_edit_uses_its_release_range() -> None:
    class Release:  # an MCE release whose adult range starts at 18 on that date
        def mce_edits(self, code: str, on: date | None = None) -> list[MceEdit]:
            return [
                MceEdit(
                    code=code, edit_type="Adult_Only", release="v44", stale=False, min_age=18, max_age=124
                )
            ]

    edits = PatientEdits(Release(), _Catalog())  # type: ignore[arg-type]
    assert "ages 18-124" in (edits.conflict("N40.0", PatientFacts(sex="M", age_years=16)) or "")
    assert edits.conflict("N40.0", PatientFacts(sex="M", age_years=19)) is None
    default = MceEdit(code="N40.0", edit_type="Adult_Only", release="v37", stale=True)
    assert default.age_range() == (15, 124)  # a release without ranges: the MCE definitions' range


class _Catalog:
    def system(self, code: str) -> str:
        return "ICD-10-CM"


# ------------------------------------------------------------ surfaces: CLI, --jsonl, API
@pytest.fixture
def cli_engine(engine: SuggestionService, monkeypatch: pytest.MonkeyPatch) -> SuggestionService:
    import assistant.suggest.cli as cli

    monkeypatch.setattr(cli, "_service", lambda: engine)
    return engine


def test_cli_sex_and_age(cli_engine: SuggestionService) -> None:
    text = "Benign prostatic hyperplasia without lower urinary tract symptoms"
    male = runner.invoke(app, ["suggest", "-", "--json", "--sex", "M", "--age", "70"], input=text)
    assert male.exit_code == 0, male.output
    assert json.loads(male.output)["suggestions"][0]["code"] == "N40.0"
    female = runner.invoke(app, ["suggest", "-", "--json", "--sex", "f", "--age", "70"], input=text)
    doc = json.loads(female.output)
    assert "N40.0" not in [s["code"] for s in doc["suggestions"]]
    assert any("Male_Only" in w for w in doc["warnings"])
    bad = runner.invoke(app, ["suggest", "-", "--sex", "X"], input=text)
    assert bad.exit_code == 2 and "sex" in bad.output


def test_cli_jsonl_lines_carry_patient(cli_engine: SuggestionService, tmp_path: Path) -> None:
    text = "Benign prostatic hyperplasia without lower urinary tract symptoms"
    rows = [
        {"id": "m", "text": text, "patient": {"sex": "M", "age_years": 70}},
        {"id": "f", "text": text, "patient": {"sex": "F"}, "setting": "inpatient"},
        {"id": "bad", "text": text, "patient": {"sex": "F", "age_years": 400}},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows[:2]) + "\n")
    result = runner.invoke(app, ["suggest", "--jsonl", str(path)])
    assert result.exit_code == 0, result.output
    out = {
        d["id"]: [s["code"] for s in d["suggestions"]] for d in map(json.loads, result.output.splitlines())
    }
    assert "N40.0" in out["m"] and "N40.0" not in out["f"]
    path.write_text(json.dumps(rows[2]) + "\n")
    result = runner.invoke(app, ["suggest", "--jsonl", str(path)])
    assert result.exit_code == 2 and "age_years" in result.output and "Traceback" not in result.output


@pytest.fixture
def client(engine: SuggestionService, tmp_path: Path, migrated_template: Path) -> httpx.Client:
    from fastapi.testclient import TestClient

    from tests.web.auth import use_token
    from web.app import create_app

    settings = Settings(data_dir=tmp_path / "data", index_dir=tmp_path / "index")
    settings.data_dir.mkdir(parents=True)
    container = Container(settings)
    container.set_suggester(engine)
    copy_migrated(settings, migrated_template)  # the database at head, as the app expects
    tc = TestClient(create_app(settings, container=container, load_engine=False))
    use_token(tc, "coder")
    return tc


def test_api_accepts_patient(client: httpx.Client) -> None:
    text = "Benign prostatic hyperplasia without lower urinary tract symptoms"
    with client:
        male = client.post("/api/suggest", json={"text": text, "patient": {"sex": "M", "age_years": 70}})
        female = client.post("/api/suggest", json={"text": text, "patient": {"sex": "F"}})
        bad = client.post("/api/suggest", json={"text": text, "patient": {"sex": "woman"}})
    assert male.status_code == 200 and male.json()["suggestions"][0]["code"] == "N40.0"
    assert female.status_code == 200
    assert "N40.0" not in [s["code"] for s in female.json()["suggestions"]]
    assert any("Male_Only" in w for w in female.json()["warnings"])
    assert bad.status_code == 422 and "Traceback" not in bad.text


@pytest.mark.parametrize(
    ("note", "sex", "age"),
    [("71M, annual check", "M", 71), ("72F bone health visit", "F", 72), ("Temp 100 F, cough", "U", None)],
)
def test_compact_age_and_sex(note: str, sex: str, age: int | None) -> None:
    d = read_demographics(note)
    assert (d.sex, d.age_years) == (sex, age)


@pytest.mark.parametrize(
    ("note", "sex", "age"),
    [
        ("15 month well child visit. Girl here with dad.", "F", 1),
        ("Newborn visit, day of life 5. Term male, breastfed.", "M", 0),
        ("Here with his mother. 4 year old boy with cough.", "M", 4),
        ("She reports knee pain. She walks daily.", "F", None),
        ("Completed 5 yrs of anastrozole. 61F with history of breast cancer.", "F", 61),
    ],
)
def test_sex_and_age_in_other_words(note: str, sex: str, age: int | None) -> None:
    d = read_demographics(note)
    assert (d.sex, d.age_years) == (sex, age)


def test_a_search_phrase_is_its_own_documentation(engine: SuggestionService) -> None:
    phrase = "Pre-existing essential hypertension complicating"
    assert any(c.startswith("O10") for c in codes(run(engine, phrase)))
    assert not any(c.startswith("O10") for c in codes(run(engine, f"A/P: 1. {phrase}.\n2. Cough.")))


@pytest.mark.parametrize("note", ["Obstructed labor, 39 weeks.", "Hyperemesis gravidarum.", "s/p cesarean"])
def test_other_pregnancy_words(note: str) -> None:
    assert read_demographics(note).pregnant


def test_a_postpartum_visit_in_weeks_is_no_gestation() -> None:
    note = "Postpartum video visit - 27F G1P1, SVD 11/19, breastfeeding. CBC at 6-wk visit."
    demo = read_demographics(note)
    assert demo.pregnant and demo.weeks is None
    assert read_demographics("OB visit, G2P1 at 24 weeks, 28 week visit next.").weeks == 24
