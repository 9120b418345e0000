"""Patients, payers, coverage and providers for the schedule and encounter tests (ORM rows, as the billing
fixtures make them, until the parties service lands), and the suggestion engine on the fixture index."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from assistant.app.container import Container
from assistant.config import Settings
from assistant.core.db import transaction
from assistant.parties.models import Coverage, Patient, Payer, Provider
from assistant.suggest.embedder import HashingEmbedder
from assistant.suggest.service import SuggestionService
from tests.suggest.fixture_corpus import FIXTURE_DIM, FIXTURE_DIR
from tests.web.auth import token_for
from web.app import create_app

NOTE = (
    "58 year old woman with type 2 diabetes mellitus with hyperglycemia, A1c 9.2.\n"
    "Essential hypertension, blood pressure 158/96. Continue metformin, start lisinopril."
)


@dataclass
class Office:
    jane: int  # patient, primary payer with the pos_and_95 policy
    medi: int  # patient, primary payer with the modifier_only policy
    pos_only: int  # patient, primary payer with the pos_only policy
    self_pay: int  # patient without coverage
    dr_smith: int  # rendering provider
    dr_jones: int


def _patient(session: Session, first: str, last: str, sex: str, dob: date, payer: Payer | None) -> int:
    p = Patient(first_name=first, last_name=last, dob=dob, sex=sex)
    if payer is not None:
        p.coverages.append(
            Coverage(payer=payer, order=1, member_id=f"M{first.upper()}", effective_from=date(2020, 1, 1))
        )
    session.add(p)
    session.flush()
    return p.id


def make_office(factory: sessionmaker[Session]) -> Office:
    with transaction(factory) as s:
        commercial = Payer(payer_id="COMM1", name="Commercial Health", telehealth_policy="pos_and_95")
        medicare = Payer(
            payer_id="MCARE", name="Medicare Part B", filing_indicator="MB", telehealth_policy="modifier_only"
        )
        posonly = Payer(payer_id="POS01", name="Pos Only Plan", telehealth_policy="pos_only")
        s.add_all([commercial, medicare, posonly])
        smith = Provider(npi="1234567893", first_name="Ann", last_name="Smith", entity_type="1")
        jones = Provider(npi="1245319599", first_name="Bob", last_name="Jones", entity_type="1")
        s.add_all([smith, jones])
        s.flush()
        return Office(
            jane=_patient(s, "Jane", "Roe", "F", date(1968, 3, 14), commercial),
            medi=_patient(s, "Mark", "Old", "M", date(1950, 7, 1), medicare),
            pos_only=_patient(s, "Paula", "Plan", "F", date(1990, 1, 2), posonly),
            self_pay=_patient(s, "Sam", "Cash", "M", date(2001, 5, 5), None),
            dr_smith=smith.id,
            dr_jones=jones.id,
        )


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> Office:
    return make_office(sessions)


@pytest.fixture(scope="session")
def engine() -> SuggestionService:
    """The real suggestion engine on the committed fixture index with the HashingEmbedder fake."""
    return SuggestionService.from_index_dir(Path(FIXTURE_DIR), HashingEmbedder(FIXTURE_DIM))


# ---------------------------------------------------------------- the app (httpx) on the same engine


@pytest.fixture
def container(tmp_settings: Settings, reference: Any, engine: Any) -> Container:
    tmp_settings.data_dir.mkdir(parents=True, exist_ok=True)
    c = Container(tmp_settings)
    c.__dict__["reference"] = reference
    c.set_suggester(engine)
    return c


@pytest.fixture
def app_client(container: Container) -> Iterator[TestClient]:
    with TestClient(create_app(container.settings, container=container, load_engine=False)) as tc:
        yield tc


def bearer(client: TestClient, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_for(client, f'{role}-x', role)}"}
