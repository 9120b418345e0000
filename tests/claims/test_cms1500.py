"""The CMS-1500 box values, and the two PDFs read back with pypdf: every item's text at its NUCC 1500
(02/12) print position (10 characters per inch, 6 lines per inch), inside its box on the drawn form."""

from __future__ import annotations

import copy
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from assistant.app.container import Container
from assistant.claims.cms1500 import cms1500_boxes, cms1500_html
from assistant.claims.cms1500_layout import LEFT_PT, TOP_PT, cms1500_pages
from assistant.claims.cms1500_pdf import FORM_BOXES, box_rect, cms1500_pdf
from tests.claims.conftest import make
from tests.web.auth import use_token
from web.app import create_app

INCH = 72.0
PAGE_H = 11 * INCH
DIAGNOSES = ["E11.65", "M17.11", "I10", "E78.5", "Z79.4", "J45.909", "K21.9", "N39.0", "R51.9", "M54.50"]
DIAGNOSES += ["F41.1", "G47.33"]


def test_boxes(example_data):
    boxes = cms1500_boxes(make(example_data))
    assert boxes["1a"] == "W123456789"
    assert boxes["2"] == "Doe, John"
    assert boxes["21"] == {"A": "E11.65", "B": "I10"}
    assert boxes["24"][0]["24D"] == "99214 25" and boxes["24"][0]["24E"] == "AB"
    assert boxes["24"][1]["24F"] == "220.00"
    assert boxes["28"] == "405" and boxes["33a"] == "1234567893" and boxes["26"] == "C-1001"


def test_html(example_data):
    doc = make(example_data)
    assert "Box 1a" in cms1500_html(doc) and "W123456789" in cms1500_html(doc)


def _texts(pdf: bytes) -> list[list[tuple[str, float, float, float]]]:
    """Per page: (text, x from the left, baseline from the top, font size) of every string drawn."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: list[tuple[str, float, float, float]] = []

        def visit(text: str, cm: Any, tm: Any, font: Any, size: float, found: Any = found) -> None:
            if text.strip():  # pypdf puts a blank before a string that follows another on the line
                found.append((text.strip(), tm[4], PAGE_H - tm[5], size))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def _at(texts: list[tuple[str, float, float, float]], text: str) -> tuple[float, float]:
    hits = [(x, y) for t, x, y, size in texts if t == text and size == 12]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def _grid(line: int, col: int) -> tuple[float, float]:
    """The NUCC grid: column ``col`` starts ``col - 1`` tenths of an inch, line ``line`` ``line - 1``
    sixths of an inch, from the first print position (baseline 9 pt below the line's top)."""
    return LEFT_PT + (col - 1) * INCH / 10, TOP_PT + (line - 1) * INCH / 6 + 9


@pytest.fixture
def big(example_data: dict[str, Any]) -> Any:
    """Twelve diagnoses and eight service lines: two forms."""
    data = copy.deepcopy(example_data)
    data["diagnoses"] = DIAGNOSES
    line = data["lines"][0]
    data["lines"] = [
        dict(
            line, code=f"9921{n % 5 + 1}", modifiers=["25", "59"][: n % 3], dx_pointers=[n % 12 + 1], units=1
        )
        for n in range(8)
    ]
    data["lines"][7]["charge_cents"] = 12345
    return make(data)


@pytest.mark.parametrize("form", ["print", "view"])
def test_key_boxes_are_at_the_nucc_print_positions(big: Any, form: str) -> None:
    first, second = _texts(cms1500_pdf(big, form))
    expected = {  # (text, grid line, grid column) for boxes 1a, 2, 3, 21 A-L, 24 lines, 28, 33
        ("W123456789", 8, 50),  # 1a
        ("DOE, JOHN", 10, 1),  # 2
        ("04", 10, 31),  # 3 month (1961-04-12)
        ("1961", 10, 37),  # 3 year
        ("0", 37, 42),  # 21 ICD indicator
        ("E1165", 38, 3),  # 21A, no decimal point
        ("I10", 38, 29),  # 21C
        ("E785", 38, 42),  # 21D
        ("Z794", 39, 3),  # 21E
        ("R519", 40, 3),  # 21I
        ("G4733", 40, 42),  # 21L
        ("MAIN STREET CLINIC", 58, 50),  # 33
        ("1234567893", 61, 50),  # 33a
        ("C-1001", 56, 23),  # 26
    }
    for text, line, col in expected:
        where = [(round(x, 2), round(y, 2)) for t, x, y, size in first if t == text and size == 12]
        assert tuple(round(v, 2) for v in _grid(line, col)) in where, (text, where)
    # 24A-J of lines 1..6 on the first form, lines 7..8 as lines 1..2 of the second
    for n in range(1, 7):
        row = 42 + 2 * n
        line_texts = [(t, x, y) for t, x, y, s in first if s == 12 and abs(y - _grid(row, 1)[1]) < 0.01]
        columns = {round((x - LEFT_PT) / 7.2) + 1: t for t, x, _ in line_texts}
        assert columns[1] == "03" and columns[19] == "11"  # 24A month (DOS 2026-03-02), 24B
        assert columns[25] == f"9921{(n - 1) % 5 + 1}" and columns[45] == "ABCDEFGHIJKL"[(n - 1) % 12]
        assert columns[50].strip() and columns[59] == "1" and columns[68] == "1245319599"  # 24F, 24G, 24J
    assert _at(second, "99212") == _grid(44, 25) and _at(second, "99213") == _grid(46, 25)
    assert _at(second, "123 45") == _grid(46, 50)  # 24F: dollars right-aligned | cents
    assert _at(second, "W123456789") == _at(first, "W123456789") == _grid(8, 50)  # each form: the header
    page_totals = [t for t, x, y, s in second if s == 12 and (x, y) == _grid(56, 52)]
    assert page_totals == ["308 45"]  # box 28: this form's lines only (185.00 + 123.45)


def test_the_print_form_is_data_only_and_the_view_form_draws_every_box_around_its_data(big: Any) -> None:
    printed, viewed = cms1500_pdf(big, "print"), cms1500_pdf(big, "view")
    printed_texts, viewed_texts = _texts(printed)[0], _texts(viewed)[0]
    assert {s for *_, s in printed_texts} == {12.0}  # no labels, no title: the red form has them
    assert "1a. INSURED'S I.D. NUMBER (For Program in Item 1)" in {t for t, *_ in viewed_texts}
    assert {(t, x, y) for t, x, y, s in viewed_texts if s == 12} == {
        (t, x, y) for t, x, y, _ in printed_texts
    }
    rects = [box_rect(*box[1:]) for box in FORM_BOXES]
    for item in cms1500_pages(big)[0]:
        if item.box.startswith("carrier"):
            continue
        inside = [
            r
            for r in rects
            if r[0] <= item.x_pt
            and item.x_pt + 7.2 * len(item.text) <= r[0] + r[2] + 0.1
            and r[1] <= item.baseline_pt - 7
            and item.baseline_pt <= r[1] + r[3]
        ]
        assert inside, f"box {item.box} {item.text!r} is outside every drawn box"
    assert len(PdfReader(io.BytesIO(viewed)).pages) == 2


def test_pdf_routes_and_cli(
    container: Container, cli: Any, tmp_path: Any, clean_data: dict[str, Any]
) -> None:
    with TestClient(create_app(container=container, load_engine=False)) as client:
        use_token(client, "biller")
        assert client.post("/api/claims", json=clean_data).status_code == 201
        page = client.get("/claims/C-2001/cms1500.pdf?form=print")
        api = client.get("/api/claims/C-2001/cms1500.pdf?form=view")
        assert page.headers["content-type"] == api.headers["content-type"] == "application/pdf"
        assert _at(_texts(page.content)[0], "W123456789") == _grid(8, 50)
        assert "HEALTH INSURANCE CLAIM FORM" in {t for t, *_ in _texts(api.content)[0]}
        bad = client.get("/api/claims/C-2001/cms1500.pdf?form=red")
        assert bad.status_code == 422 and bad.json()["field"] == "form"
        detail = client.get("/claims/C-2001").text
        assert 'href="/claims/C-2001/cms1500.pdf?form=print"' in detail
    out = tmp_path / "c.pdf"
    assert cli("cms1500", "C-2001", "-o", str(out), "--form", "print", "--offset-x", "2.54").exit_code == 0
    x, _ = _at(_texts(out.read_bytes())[0], "W123456789")
    assert round(x - _grid(8, 50)[0], 2) == 7.2  # 2.54 mm = a tenth of an inch
    assert cli("cms1500", "C-2001", "-o", str(out), "--form", "fax").exit_code == 2
