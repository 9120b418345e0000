"""Providers registered by the practice (issue 16): the NPI check digit, the names each entity type needs,
the field checks, duplicate NPIs, edits, and the claims import using the registered record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from assistant.claims import service as claims
from assistant.claims.schemas import parse_claim_document
from assistant.core.db import transaction
from assistant.core.errors import Conflict, InvalidInput, NotFound
from assistant.parties import forms, service
from assistant.parties.models import Provider
from assistant.parties.schemas import ProviderIn
from tests.parties.conftest import CLAIMS

CLINIC: dict[str, Any] = {
    "npi": "1234567893",
    "entity_type": "2",
    "name": "Main Street Clinic",
    "taxonomy": "261qp2300x",
    "tax_id": "12-3456789",
    "address": {"line1": "1 Main St", "city": "Springfield", "state": "il", "zip": "62701-1234"},
}
DOCTOR: dict[str, Any] = {"npi": "1245319599", "entity_type": "1", "first_name": "Ana", "last_name": "Lopez"}


def provider(**changes: Any) -> ProviderIn:
    return ProviderIn(**{**DOCTOR, **changes})


def test_add_and_list_both_entity_types(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        clinic = service.add_provider(s, ProviderIn(**CLINIC))
        doctor = service.add_provider(s, provider(taxonomy="207Q00000X"))
    assert (clinic.npi, clinic.entity_name, clinic.display_name) == (
        "1234567893",
        "organisation",
        "Main Street Clinic",
    )
    assert (clinic.taxonomy, clinic.tax_id) == ("261QP2300X", "123456789")
    assert (clinic.address.state, clinic.address.zip) == ("IL", "627011234")
    assert (doctor.display_name, doctor.entity_name, doctor.name) == ("Ana Lopez", "person", None)
    with transaction(sessions) as s:
        listed = service.list_providers(s)
        assert [p.npi for p in listed] == ["1234567893", "1245319599"]  # the billing organisation first
        assert [p.id for p in service.providers_of_type(s, "1")] == [doctor.id]  # what the claim form offers
        assert service.get_provider(s, clinic.id) == clinic


@pytest.mark.parametrize(
    ("npi", "says"),
    [
        ("1234567890", "check digit"),  # one digit off
        ("1245319598", "check digit"),
        ("3234567893", "check digit"),  # an NPI starts with 1 or 2
        ("123456789", "10-digit"),
        ("12345678A3", "10-digit"),
        ("", "required"),
    ],
)
def test_a_bad_npi_is_refused_on_the_npi_field(npi: str, says: str) -> None:
    with pytest.raises(ValidationError) as err:
        provider(npi=npi)
    assert err.value.errors()[0]["loc"] == ("npi",) and says in str(err.value)
    with pytest.raises(InvalidInput) as bad:
        forms.provider_from_form({**DOCTOR, "npi": npi})
    assert bad.value.field == "npi"


def test_a_good_npi_typed_with_spaces_is_kept_as_ten_digits() -> None:
    assert provider(npi=" 1245 319 599 ").npi == "1245319599"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"taxonomy": "207Q0000"}, "taxonomy"),
        ({"taxonomy": "207Q000000"}, "taxonomy"),  # ten characters but not a NUCC code (ends in X)
        ({"tax_id": "12345678"}, "tax_id"),
        ({"address": {"state": "ZZ"}}, "address.state"),
        ({"address": {"zip": "6270"}}, "address.zip"),
        ({"entity_type": "3"}, "entity_type"),
        ({"last_name": "L" * 61}, "last_name"),
    ],
)
def test_field_checks_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidInput) as err:
        forms.provider_from_form(forms.flat({**DOCTOR, **changes}))
    assert err.value.field == field


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**DOCTOR, "first_name": None}, "first_name"),
        ({**DOCTOR, "last_name": None}, "last_name"),
        ({**DOCTOR, "first_name": None, "last_name": None, "name": "Ana Lopez MD"}, "first_name"),
        ({**CLINIC, "name": None, "first_name": "Ana", "last_name": "Lopez"}, "name"),
    ],
)
def test_each_entity_type_needs_its_names(
    sessions: sessionmaker[Session], data: dict[str, Any], field: str
) -> None:
    with transaction(sessions) as s, pytest.raises(InvalidInput) as err:
        service.add_provider(s, ProviderIn(**data))
    assert err.value.field == field
    with transaction(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Provider)) == 0


def test_a_duplicate_npi_is_refused(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        first = service.add_provider(s, provider())
    with transaction(sessions) as s, pytest.raises(Conflict) as err:
        service.add_provider(s, provider(first_name="Other", last_name="Person"))
    assert err.value.field == "npi" and f"#{first.id}" in err.value.message
    assert err.value.fix and "edit" in err.value.fix
    with transaction(sessions) as s:
        assert [p.display_name for p in service.list_providers(s)] == ["Ana Lopez"]


def test_edit_keeps_the_npi(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        pid = service.add_provider(s, provider()).id
    with transaction(sessions) as s:
        out = service.update_provider(s, pid, provider(last_name="Lopez-Ruiz", taxonomy="207Q00000X"))
    assert (out.display_name, out.taxonomy) == ("Ana Lopez-Ruiz", "207Q00000X")
    with transaction(sessions) as s, pytest.raises(InvalidInput) as err:
        service.update_provider(s, pid, provider(npi="1234567893"))
    assert err.value.field == "npi"
    with transaction(sessions) as s, pytest.raises(NotFound):
        service.update_provider(s, pid + 99, provider())
    with transaction(sessions) as s:
        assert service.get_provider(s, pid).display_name == "Ana Lopez-Ruiz"


def test_a_claim_import_uses_the_registered_providers(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as s:
        clinic = service.add_provider(s, ProviderIn(**CLINIC))
        doctor = service.add_provider(s, provider())
    data = json.loads((CLAIMS / "claim_clean.json").read_text())
    with transaction(sessions) as s:
        claims.import_claim(s, parse_claim_document(data), actor="t")
    with transaction(sessions) as s:
        claim = claims.get_claim(s, data["claim_id"])
        assert (claim.billing_provider_id, claim.rendering_provider_id) == (clinic.id, doctor.id)
        assert len(service.list_providers(s)) == 2  # stored once
