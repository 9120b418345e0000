from __future__ import annotations

import json

import pytest

from assistant.claims.schemas import parse_claim_json
from assistant.core.errors import InvalidInput


def test_example_claim_parses(example_data):
    claim = parse_claim_json(json.dumps(example_data))[0]
    assert claim.claim_id == "C-1001"
    assert claim.line_total_cents == 40500
    assert claim.lines[0].modifiers == ["25"]


def test_malformed_json_names_the_position():
    with pytest.raises(InvalidInput) as exc:
        parse_claim_json('{"claim_id": "C-1", ', source="bad.json")
    assert "bad.json is not valid JSON" in exc.value.message
    assert "line 1" in exc.value.message


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["lines"][1].__setitem__("charge_cents", 12.5),
            "lines[1].charge_cents: must be a positive integer number of cents",
        ),
        (
            lambda d: d["lines"][0].__setitem__("charge_cents", -5),
            "lines[0].charge_cents: must be a positive integer number of cents",
        ),
        (lambda d: d["subscriber"].pop("dob"), "subscriber.dob: is required"),
        (
            lambda d: d["subscriber"].__setitem__("dob", "04/12/1961"),
            "subscriber.dob: must be a date in YYYY-MM-DD",
        ),
        (lambda d: d["lines"][0].__setitem__("date_of_service", "2026-02-30"), "is not a real calendar date"),
        (
            lambda d: d["billing_provider"].__setitem__("npi", "12345"),
            "billing_provider.npi: must be a 10-digit NPI",
        ),
        (
            lambda d: d["lines"][0].__setitem__("dx_pointers", [13]),
            "lines[0].dx_pointers[0]: must be a diagnosis",
        ),
        (
            lambda d: d["lines"][0].__setitem__("modifiers", ["25", "59", "RT", "XS", "GT"]),
            "lines[0].modifiers: has too many items",
        ),
        (
            lambda d: d.__setitem__("diagnoses", ["E11.65", "XYZ"]),
            "diagnoses[1]: 'XYZ' is not an ICD-10-CM code",
        ),
        (lambda d: d.__setitem__("frequency_code", "7"), "original_claim_number: is required"),
        (lambda d: d.__setitem__("patient_relationship", "child"), "patient: is required"),
        (lambda d: d.__setitem__("lines", []), "lines: needs at least 1"),
        (lambda d: d.__setitem__("colour", "red"), "colour: is not a field"),
        (lambda d: d["payer"].__setitem__("filing_indicator", "QQ"), "not a claim filing indicator"),
    ],
)
def test_invalid_fields_are_named(example_data, mutate, expected):
    mutate(example_data)
    with pytest.raises(InvalidInput) as exc:
        parse_claim_json(json.dumps(example_data))
    assert expected in exc.value.message


def test_list_documents_prefix_index(example_data):
    bad = json.loads(json.dumps(example_data))
    bad["lines"][0]["units"] = 0
    with pytest.raises(InvalidInput) as exc:
        parse_claim_json(json.dumps([example_data, bad]))
    assert "[1].lines[0].units: must be a positive whole number" in exc.value.message


def test_diagnosis_normalised_with_dot(example_data):
    example_data["diagnoses"] = ["e1165", "I10"]
    assert parse_claim_json(json.dumps(example_data))[0].diagnoses == ["E11.65", "I10"]


def test_published_json_schema_matches_model():
    from assistant.claims.schemas import ClaimImport
    from assistant.config import PROJECT_ROOT

    published = json.loads((PROJECT_ROOT / "docs" / "claim-import.schema.json").read_text())
    generated = ClaimImport.model_json_schema()
    assert published["properties"] == generated["properties"]
    assert published["required"] == generated["required"]
    assert set(published["$defs"]) == set(generated["$defs"])


@pytest.mark.parametrize("bad", ["\x00", "Ana\x00"])
def test_a_nul_character_in_a_name_is_refused_by_field(example_data, bad):
    example_data["rendering_provider"]["first_name"] = bad  # no database can store it
    with pytest.raises(InvalidInput) as exc:
        parse_claim_json(json.dumps(example_data))
    assert exc.value.field == "rendering_provider.first_name"
    assert "NUL" in exc.value.message


def test_other_characters_outside_x12_are_kept_for_the_scrubber(example_data):
    example_data["rendering_provider"]["first_name"] = "Ana\tMaría"
    assert parse_claim_json(json.dumps(example_data))[0].rendering_provider.first_name == "Ana\tMaría"
