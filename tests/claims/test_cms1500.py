from __future__ import annotations

import io

from pypdf import PdfReader

from assistant.claims.cms1500 import cms1500_boxes, cms1500_html, cms1500_pdf
from tests.claims.conftest import make


def test_boxes(example_data):
    boxes = cms1500_boxes(make(example_data))
    assert boxes["1a"] == "W123456789"
    assert boxes["2"] == "Doe, John"
    assert boxes["21"] == {"A": "E11.65", "B": "I10"}
    assert boxes["24"][0]["24D"] == "99214 25" and boxes["24"][0]["24E"] == "AB"
    assert boxes["24"][1]["24F"] == "220.00"
    assert boxes["28"] == "405" and boxes["33a"] == "1234567893" and boxes["26"] == "C-1001"


def test_html_and_pdf_text(example_data):
    doc = make(example_data)
    assert "Box 1a" in cms1500_html(doc) and "W123456789" in cms1500_html(doc)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(cms1500_pdf(doc))).pages)
    assert "CMS-1500" in text and "C-1001" in text and "20610 RT" in text and "E11.65" in text
