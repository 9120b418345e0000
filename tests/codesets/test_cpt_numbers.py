"""CPT numbers and the licensed-file parser (fixture descriptions are fake, never AMA text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.codesets.loaders.cpt import cpt_number_is_well_formed, parse_cpt
from assistant.core.errors import InvalidInput
from tests.codesets.cms_support import FIXTURES


@pytest.mark.parametrize("code", ["99213", "20610", "0591T", "3074F", "0001U", " 99214 "])
def test_well_formed(code: str) -> None:
    assert cpt_number_is_well_formed(code)


@pytest.mark.parametrize("code", ["9921", "992134", "A0425", "0591X", "ABCDE", "", "99.21"])
def test_not_well_formed(code: str) -> None:
    assert not cpt_number_is_well_formed(code)


def test_parse_header_layout() -> None:
    rows = parse_cpt(FIXTURES / "licensed_file_example.tsv")
    assert [r["code"] for r in rows] == ["99213", "20610", "0591T"]
    assert rows[0]["descriptions"]["short_description"] == "FAKE SHORT TEXT A"


def test_parse_headerless_code_tab_descriptor(tmp_path: Path) -> None:
    f = tmp_path / "descriptors.txt"
    f.write_text("99213\tFake descriptor one\n0001U\tFake descriptor two\n")
    assert [r["code"] for r in parse_cpt(f)] == ["99213", "0001U"]


def test_bad_code_names_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("code,short_description\n99213,Fake one\n9921,Fake two\n")
    with pytest.raises(InvalidInput, match=r"line 3, column 'code'"):
        parse_cpt(f)
