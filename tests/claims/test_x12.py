from __future__ import annotations

from datetime import datetime

import pytest

from assistant.claims.x12_837 import Envelope, build_837p, money
from assistant.claims.x12_validate import parse_837p, validate_x12
from tests.claims.conftest import make

ENV = Envelope(interchange_control_number=42, group_control_number=42, created=datetime(2026, 6, 1, 9, 30))


def _strip(doc):
    data = doc.model_dump()
    data["total_charge_cents"] = None
    for line in data["lines"]:
        line["line_control_number"] = None
    return data


def test_837p_is_valid_per_pyx12_and_round_trips(clean_data):
    claim = make(clean_data, prior_authorization="PA123")
    text = build_837p([claim], ENV, {"C-2001": ["C-2001-1", "C-2001-2"]})
    assert validate_x12(text) == []
    assert "ISA*00*" in text and "*000000042*0*T*:~" in text
    assert "SV1*HC:99214:25*185*UN*1***1:2~" in text and "REF*6R*C-2001-2~" in text
    back = parse_837p(text)[0]
    assert _strip(back) == _strip(claim)
    assert back.total_charge_cents == 40500
    assert [line.line_control_number for line in back.lines] == ["C-2001-1", "C-2001-2"]


def test_dependent_patient_and_corrected_claim(clean_data):
    data = dict(
        clean_data,
        patient_relationship="child",
        frequency_code="7",
        original_claim_number="PAYER-778",
        patient={
            "first_name": "Amy",
            "last_name": "Doe",
            "dob": "2012-02-03",
            "sex": "F",
            "address": clean_data["subscriber"]["address"],
        },
    )
    claim = make(data)
    text = build_837p([claim], ENV)
    assert validate_x12(text) == []
    assert "PAT*19~" in text and "REF*F8*PAYER-778~" in text and "CLM*C-2001*405***11:B:7" in text
    assert _strip(parse_837p(text)[0]) == _strip(claim)


def test_validator_reports_errors(clean_data):
    text = build_837p([make(clean_data)], ENV).replace("*UN*", "*XX*")
    errors = validate_x12(text)
    assert errors and "SV103" in (errors[0].err_str or "")


@pytest.mark.parametrize(
    ("cents", "text"), [(18500, "185"), (18550, "185.5"), (18505, "185.05"), (5, "0.05")]
)
def test_money(cents, text):
    assert money(cents) == text
