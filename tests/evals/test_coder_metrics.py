"""Coder metrics for sets with required, acceptable and forbidden codes (us-notes), and their surfaces."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.suggest.schemas import SuggestRequest
from evals import metrics, runner
from evals.metrics import CaseOutcome, coder_counts
from tests.evals.fakes import FakeReference, FakeService


def test_coder_counts_hand_computed() -> None:
    counts = coder_counts(
        final=["E11.65", "I10", "O10.019", "Z79.899", "A4663", "N39.0", "I10"],
        gold=["E11.65", "I10", "E78.5"],
        acceptable=["Z79.899"],
        forbidden=["A4663"],
        sex="M",
    )
    assert (counts.required, counts.required_found) == (3, 2)
    assert (counts.final, counts.final_ok) == (6, 3)  # the repeated I10 counts once
    assert counts.dangerous == (("O10.019", "pregnancy"), ("A4663", "forbidden"))


def test_obstetric_codes_need_a_documented_pregnancy() -> None:
    no_pregnancy = coder_counts(["O99.89"], ["N39.0"], sex="F")
    assert no_pregnancy.dangerous == (("O99.89", "pregnancy"),)
    pregnant = coder_counts(["O99.89"], ["O23.43", "Z3A.30"], sex="F")
    assert pregnant.dangerous == ()
    postpartum = coder_counts(["O90.89"], ["Z39.2"], sex="F")
    assert postpartum.dangerous == ()
    assert metrics.pregnancy_documented(["Z34.02"]) and not metrics.pregnancy_documented(["Z30.011"])


def test_forbidden_headers_cover_their_children_and_each_code_counts_once() -> None:
    counts = coder_counts(
        final=["K21.00", "N52.9", "K21.9"],
        gold=["K21.9"],
        forbidden=["K21.0", "N52.9"],
        sex="F",
        sex_conflicts=["N52.9"],
    )
    assert counts.dangerous == (("K21.00", "forbidden"), ("N52.9", "forbidden"))
    only_sex = coder_counts(["N52.9"], ["R10.9"], sex="F", sex_conflicts=["N52.9"])
    assert only_sex.dangerous == (("N52.9", "sex"),)
    # A gold code is never dangerous, whatever the other lists say.
    assert coder_counts(["O24.414"], ["O24.414"], sex="F").dangerous == ()


def _outcome(case_id: str, final: list[str], gold: list[str], **kw: object) -> CaseOutcome:
    return CaseOutcome(case_id=case_id, gold=gold, ranked=final, final=final, **kw)  # type: ignore[arg-type]


def test_summary_is_micro_averaged_and_na_without_annotation() -> None:
    a = _outcome("a", ["E11.65", "E11.9"], ["E11.65", "I10"], acceptable=[], forbidden=["E11.9"], sex="M")
    b = _outcome("b", ["R05.9", "R50.9"], ["R50.9"], acceptable=["R05.9"], forbidden=[], sex="F")
    summary = metrics.coder_summary([a, b])
    assert summary["required_recall"] == pytest.approx(2 / 3)
    assert summary["final_precision"] == pytest.approx(3 / 4)
    assert (summary["dangerous"], summary["dangerous_forbidden"], summary["dangerous_cases"]) == (1, 1, 1)
    plain = _outcome("c", ["E11.65"], ["E11.65"])
    assert set(metrics.coder_summary([plain]).values()) == {None}
    empty = _outcome("d", [], ["I10"], acceptable=[], forbidden=[])
    assert metrics.coder_summary([empty])["final_precision"] is None
    aggregated = metrics.aggregate([a, b, plain], "all")
    assert aggregated["required_recall"] == pytest.approx(2 / 3)  # only the annotated cases


def test_breakdown_per_specialty() -> None:
    a = _outcome("a", ["I10"], ["I10"], forbidden=[], groups={"specialty": "cardiology"})
    b = _outcome("b", ["E11.9"], ["E11.65"], forbidden=["E11.9"], groups={"specialty": "endocrinology"})
    c = _outcome("c", ["E11.65"], ["E11.65"], forbidden=[], groups={"specialty": "endocrinology"})
    table = metrics.coder_breakdown([a, b, c], "specialty")
    assert list(table) == ["cardiology", "endocrinology"]
    assert table["cardiology"]["required_recall"] == 1.0 and table["cardiology"]["n"] == 1
    assert table["endocrinology"]["required_recall"] == 0.5
    assert table["endocrinology"]["dangerous"] == 1 and table["endocrinology"]["n"] == 2


# --------------------------------------------------------------------------- runner and CLI
TUNE = [
    {
        "id": "t1",
        "text": "type 2 diabetes mellitus with hyperglycemia and essential hypertension",
        "gold": ["E11.65", "I10"],
        "acceptable": [],
        "forbidden": ["E11.9"],
        "sex": "M",
        "age": 58,
        "setting": "outpatient",
        "specialty": "endocrinology",
        "format": "soap",
        "reasons": {"E11.65": "I.A.15", "I10": "I.C.9.a"},
    }
]
CHECK = [
    {
        "id": "c1",
        "text": "fever and cough",
        "gold": ["R50.9"],
        "acceptable": ["R05.9"],
        "forbidden": [],
        "sex": "F",
        "age": 4,
        "setting": "inpatient",
        "specialty": "pediatrics",
        "format": "discharge",
        "reasons": {"R50.9": "I.B.4"},
    }
]


@pytest.fixture
def coder_set(tmp_path: Path) -> Path:
    folder = tmp_path / "coder-set"
    folder.mkdir()
    for name, rows in (("tune", TUNE), ("check", CHECK)):
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    meta = {"kind": "note", "top_k": 10, "systems": ["ICD-10-CM", "HCPCS"]}
    (folder / "meta.json").write_text(json.dumps(meta))
    return folder


class MceReference(FakeReference):
    """R05.9 carries a (made-up) male-only MCE edit, to exercise the sex check."""

    def mce_edits(self, code: str) -> list[SimpleNamespace]:
        return [SimpleNamespace(code=code, edit_type="Male_Only")] if code == "R05.9" else []


def test_a_set_with_its_own_split_files_loads_with_tune_and_check(coder_set: Path) -> None:
    ds = runner.load_dataset(coder_set)
    assert ds.name == "coder-set" and ds.part_names == ("tune", "check")
    assert ds.systems == ("ICD-10-CM", "HCPCS")
    assert [(c.id, c.part, c.sex, c.age, c.specialty) for c in ds.cases] == [
        ("t1", "tune", "M", 58, "endocrinology"),
        ("c1", "check", "F", 4, "pediatrics"),
    ]
    assert [c.id for c in runner.select_cases(ds.cases, "holdout")] == ["c1"]
    assert [c.id for c in runner.select_cases(ds.cases, "check")] == ["c1"]
    assert [c.id for c in runner.select_cases(ds.cases, "tune")] == ["t1"]
    assert runner.load_dataset(coder_set / "check.jsonl").cases[0].part == "check"


def test_evaluate_sends_setting_and_systems_and_scores_coder_metrics(coder_set: Path) -> None:
    ds = runner.load_dataset(coder_set)
    service = FakeService()
    result = runner.evaluate([ds], [runner.ServiceSystem(service, "full")], MceReference())[0]
    sent = {r.text: r for call in service.calls for r in call}
    assert sent[CHECK[0]["text"]].setting == "inpatient"  # type: ignore[index]
    assert sent[TUNE[0]["text"]].setting == "outpatient"  # type: ignore[index]
    assert all(r.systems == ["ICD-10-CM", "HCPCS"] for r in sent.values())
    # t1: E11.65, I10 and the forbidden E11.9 are final; c1: R50.9 (gold) and R05.9 (acceptable, but
    # male-only under the fake MCE edit, and the patient is a girl).
    assert set(result.parts) == {"all", "tune", "check"}
    whole = result.parts["all"]
    assert whole["required_recall"] == 1.0
    assert whole["final_precision"] == pytest.approx(4 / 5)
    assert (whole["dangerous"], whole["dangerous_forbidden"], whole["dangerous_sex"]) == (2, 1, 1)
    assert result.parts["check"]["dangerous_sex"] == 1 and result.parts["tune"]["dangerous_sex"] == 0
    specialty = result.groups["specialty"]
    assert specialty["endocrinology"]["dangerous"] == 1 and specialty["pediatrics"]["n"] == 1
    assert result.to_json()["by_specialty"] == specialty
    assert set(result.groups["format"]) == {"soap", "discharge"}


def test_patient_is_sent_only_when_the_request_model_has_it() -> None:
    context = runner.RequestContext(setting="inpatient", sex="F", age=31, systems=("ICD-10-CM",))
    with_patient = runner.request_payload("note", 10, "full", context, {"setting": 1, "patient": 1})
    assert with_patient["patient"] == {"sex": "F", "age_years": 31}
    assert with_patient["setting"] == "inpatient"
    without = runner.request_payload("note", 10, "full", context, {"setting": 1})
    assert "patient" not in without
    request = SuggestRequest.model_validate(
        runner.request_payload("note", 10, "full", context, SuggestRequest.model_fields)
    )
    assert request.setting == "inpatient"
    if "patient" in SuggestRequest.model_fields:
        assert request.patient.sex == "F" and request.patient.age_years == 31  # type: ignore[attr-defined]


@pytest.fixture
def fake_backend(monkeypatch: pytest.MonkeyPatch) -> FakeService:
    import evals.cli

    service = FakeService()
    monkeypatch.setattr(evals.cli, "open_backend", lambda settings: (service, MceReference()))
    return service


def test_eval_cli_prints_and_reports_coder_metrics(
    fake_backend: FakeService, coder_set: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report"
    result = CliRunner().invoke(
        app,
        ["eval", "run", "--dataset", str(coder_set), "--system", "full", "--report", str(out)],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    assert "coder metrics" in result.output
    assert "endocrinology" in result.output and "pediatrics" in result.output and "check" in result.output
    report = (out / "report.md").read_text()
    assert "### Coder metrics" in report and "#### By specialty" in report
    assert "| full | all | 2 | 1.000 | 0.800 | 2 | 1 | 0 | 1 | 2 |" in report
    as_json = CliRunner().invoke(
        app, ["eval", "run", "--dataset", str(coder_set), "--system", "full", "--json"]
    )
    rows = json.loads(as_json.output)
    assert rows[0]["parts"]["check"]["dangerous"] == 1 and "by_specialty" in rows[0]


def test_us_notes_is_a_default_dev_set() -> None:
    from evals.cli import DEFAULT_DATASETS

    assert "us-notes" in DEFAULT_DATASETS and "us-notes" in runner.available_datasets()


def test_us_notes_runs_through_the_real_service_on_the_fixture_index() -> None:
    """The real SuggestionService (fixture index, HashingEmbedder) accepts the runner's requests for the
    us-notes cases (setting, code systems, patient when the schema has it) and is scored on them."""
    from assistant.suggest.embedder import HashingEmbedder
    from assistant.suggest.service import SuggestionService
    from tests.suggest.fixture_corpus import FIXTURE_DIM, FIXTURE_DIR

    service = SuggestionService.from_index_dir(FIXTURE_DIR, HashingEmbedder(FIXTURE_DIM))
    ds = runner.load_dataset("us-notes")
    inpatient = [c for c in ds.cases if c.setting == "inpatient"][:2]
    ds.cases = [*[c for c in ds.cases if c.setting == "outpatient"][:6], *inpatient]
    result = runner.evaluate([ds], [runner.ServiceSystem(service, "full")], None)[0]
    whole = result.parts["all"]
    assert whole["n"] == 8 and set(result.parts) == {"all", "tune", "check"}
    assert 0.0 <= whole["required_recall"] <= 1.0  # type: ignore[operator]
    assert isinstance(whole["dangerous"], int)
    assert sum(int(g["n"]) for g in result.groups["specialty"].values()) == 8  # type: ignore[call-overload]


class SystemAwareReference(FakeReference):
    """HCPCS codes (a letter then four digits) are billable only when asked about as HCPCS."""

    def is_billable(self, code: str, system: str = "ICD-10-CM", on: object = None) -> bool:
        hcpcs = len(code) == 5 and code[1:].isdigit()
        return hcpcs == (system == "HCPCS")


def test_header_count_checks_each_code_in_its_own_system() -> None:
    reference = SystemAwareReference()
    final = ["G0008", "Z23"]
    assert runner.dangerous_counts(final, reference, {"G0008": "HCPCS", "Z23": "ICD-10-CM"})[0] == 0
    assert runner.dangerous_counts(final, reference)[0] == 1  # without systems, G0008 reads as ICD-10-CM
