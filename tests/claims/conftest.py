from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import assistant.claims.cli as claims_cli
from assistant.app.container import Container
from assistant.claims.schemas import ClaimImport, parse_claim_document
from assistant.claims.scrubber import ScrubContext
from assistant.cli.main import app as cli_app
from tests.claims.fakes import FakeReference

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "claims"
TODAY = date(2026, 6, 1)


@pytest.fixture
def clean_data() -> dict[str, Any]:
    """A claim (DOS 2026-05-04, inside the April-2026 ICD-10-CM window) that passes every rule."""
    return json.loads((FIXTURES / "claim_clean.json").read_text())


@pytest.fixture
def example_data() -> dict[str, Any]:
    return json.loads((FIXTURES / "claim_c1001.json").read_text())


@pytest.fixture
def ref() -> FakeReference:
    return FakeReference()


@pytest.fixture
def ref_ncci() -> FakeReference:
    return FakeReference(FIXTURES / "ncci_ptp_sample.csv", FIXTURES / "ncci_mue_sample.csv")


def make(data: dict[str, Any], **changes: Any) -> ClaimImport:
    out = copy.deepcopy(data)
    out.update(changes)
    return parse_claim_document(out)


def ctx_for(reference: Any, **kw: Any) -> ScrubContext:
    return ScrubContext(reference=reference, today=kw.pop("today", TODAY), **kw)


@pytest.fixture
def container(tmp_settings: Any) -> Container:
    """A container on the test's settings with the fake code sets (NCCI samples loaded)."""
    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    tmp_settings.timely_filing_days = 36500  # the CLI/API scrub against today's date
    c = Container(tmp_settings)
    c.__dict__["reference"] = FakeReference(
        FIXTURES / "ncci_ptp_sample.csv", FIXTURES / "ncci_mue_sample.csv"
    )
    return c


@pytest.fixture
def cli(container: Container, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``cli("scrub", ...)`` runs ``assistant claims ...`` against ``container``."""
    monkeypatch.setattr(claims_cli, "make_container", lambda: container)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli_app, ["claims", *args])
