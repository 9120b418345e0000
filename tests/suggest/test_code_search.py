"""Code search that finds codes: code-query routing, abbreviations and the Index walk, through the service,
the CLI (`assistant codes search`) on the real code sets (the web twin: tests/web/test_code_search_web.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.core.errors import InvalidInput
from assistant.suggest.code_search import looks_like_code, search_codes
from assistant.suggest.index_walker import IndexWalker
from assistant.suggest.text import expand_abbreviations

runner = CliRunner()


@pytest.fixture(scope="module")
def walker(reference: Any) -> IndexWalker:
    return IndexWalker.from_reference(reference)


def codes(reference: Any, walker: IndexWalker, q: str, **kw: Any) -> list[str]:
    hits = search_codes(reference, q, walker=walker, expander=expand_abbreviations, limit=10, **kw)
    return [h.code for h in hits]


@pytest.mark.parametrize("q", ["E11.9", "e119", " e11.9 "])
def test_a_code_goes_straight_to_the_code(reference: Any, walker: IndexWalker, q: str) -> None:
    assert codes(reference, walker, q)[0] == "E11.9"


def test_a_prefix_lists_the_code_and_its_children(reference: Any, walker: IndexWalker) -> None:
    got = codes(reference, walker, "E11.6")
    assert got[0] == "E11.6" and {"E11.61", "E11.62", "E11.65"} <= set(got)
    assert all(c.startswith("E11.6") for c in got)
    assert codes(reference, walker, "s52531a") == ["S52.531A"]
    assert codes(reference, walker, "G0438", system="HCPCS")[0] == "G0438"


def test_code_routing_falls_back_to_words(reference: Any, walker: IndexWalker) -> None:
    assert looks_like_code("E11.6") and looks_like_code("s52531a") and not looks_like_code("DM2")
    assert not looks_like_code("hypertension")
    assert codes(reference, walker, "hypertension")[0] == "I10"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("hypertension", "I10"),
        ("HTN", "I10"),
        ("DM2", "E11.9"),
        ("acute cystitis", "N30.00"),
        ("heart attack", "I21.9"),
    ],
)
def test_index_main_term_targets_lead(reference: Any, walker: IndexWalker, q: str, expected: str) -> None:
    assert codes(reference, walker, q)[0] == expected


def test_combination_wording_finds_the_polyneuropathy_code(reference: Any, walker: IndexWalker) -> None:
    assert "E11.42" in codes(reference, walker, "type 2 diabetes with neuropathy")[:3]


def test_without_the_walker_the_text_search_still_answers(reference: Any) -> None:
    assert "I10" in [h.code for h in search_codes(reference, "hypertension", limit=25)]


def test_release_on_a_date(reference: Any, walker: IndexWalker) -> None:
    assert codes(reference, walker, "E11.9", on=date(2026, 5, 1))[0] == "E11.9"
    with pytest.raises(InvalidInput):
        search_codes(reference, "x" * 201)


def test_cli_search(reference: Any) -> None:
    result = runner.invoke(app, ["codes", "search", "HTN", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert hits[0]["code"] == "I10" and hits[0]["matched"].startswith("Index: Hypertension")
    coded = runner.invoke(app, ["codes", "search", "e11.6", "--json"])
    assert json.loads(coded.stdout)[0]["code"] == "E11.6"
    human = runner.invoke(app, ["codes", "search", "E11.6"])
    assert human.exit_code == 0 and "No code matches" not in human.stdout


@pytest.mark.parametrize(
    ("q", "expected"),
    [("family history of colon cancer", "Z80.0"), ("history of rectal cancer", "Z85.048")],
)
def test_a_cancer_history_search_answers_the_sites_history_code(
    reference: Any, walker: IndexWalker, q: str, expected: str
) -> None:
    found = codes(reference, walker, q)
    assert found[0] == expected and "Z80.9" not in found[:3] and "Z85.9" not in found[:3]


def test_a_term_the_release_moved_is_found_at_its_new_code(reference: Any, walker: IndexWalker) -> None:
    # FY2027 moved plantar fasciitis from M72.2 (now fibromatosis) to M67.A0-; the FY2025 Index says M72.2
    assert codes(reference, walker, "plantar fasciitis", on=date(2026, 12, 1))[0] == "M67.A09"
    assert codes(reference, walker, "plantar fasciitis", on=date(2026, 9, 30))[0] == "M72.2"
