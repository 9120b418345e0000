"""The real ICD-10-CM releases (April 2026, FY2027 derived) and the FY2025 Alphabetic Index as loaded
into data/reference.sqlite."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from assistant.codesets.loaders import index_terms as index_terms_loader
from assistant.codesets.loaders.icd10cm import extract_refs
from assistant.codesets.repository import ref_covers
from assistant.core.errors import NoReleaseForDate, UnknownCode


def _norm(text: str) -> str:
    """Whitespace-insensitive (the library keeps raw XML spacing, e.g. "II/ initial" in 7th-char notes)."""
    return re.sub(r"\s*/\s*", "/", " ".join(text.split()))


APRIL = date(2026, 5, 1)  # a date of service in the April-2026 release


def test_release_counts_match_cdc(reference) -> None:  # type: ignore[no-untyped-def]
    info = reference.release_for("ICD-10-CM", APRIL)
    assert (info.release, info.effective_from, info.effective_to) == (
        "2026-04-01",
        date(2026, 4, 1),
        date(2026, 9, 30),
    )
    assert info.counts["codes"] == 98505
    assert info.counts["billable"] == 74719
    assert (info.counts["chapters"], info.counts["blocks"], info.counts["categories"]) == (22, 297, 1918)
    assert (info.counts["subcategories"], info.counts["seven_char_codes"]) == (44963, 51305)
    assert sum(1 for _ in reference.iter_codes("ICD-10-CM", "2026-04-01", billable_only=True)) == 74719
    fy2027 = reference.release_for("ICD-10-CM")  # newest, and in force today
    assert (fy2027.release, fy2027.effective_from, fy2027.effective_to) == (
        "2027",
        date(2026, 10, 1),
        date(2027, 9, 30),
    )
    assert (fy2027.counts["billable"], fy2027.counts["added"], fy2027.counts["deleted"]) == (74879, 190, 30)
    assert sum(1 for _ in reference.iter_codes("ICD-10-CM", billable_only=True)) == 74879
    index = reference.release_for("ICD-10-CM-INDEX")
    assert index.stale and index.release == "2025"


def test_known_codes(reference) -> None:  # type: ignore[no-untyped-def]
    e1165 = reference.get_code("e1165")
    assert e1165.code == "E11.65" and e1165.billable
    assert [p.code for p in e1165.parents] == ["4", "E08-E13", "E11", "E11.6"]
    assert "E11" in e1165.inherited_notes and e1165.inherited_notes["E11"].excludes1
    e11 = reference.get_code("E11")
    assert not e11.billable and "type 1 diabetes mellitus (E10.-)" in e11.notes.excludes1
    assert "E11.65" in {c.code for c in reference.get_code("E11.6").children}
    assert reference.get_code("E08.32").notes.seven_chr == {
        "1": "right eye",
        "2": "left eye",
        "3": "bilateral",
        "9": "unspecified eye",
    }
    assert reference.is_billable("S72.001A") and not reference.is_billable("S72.001")
    assert reference.is_billable("T36.0X1A") and reference.is_valid("t360x1a", "ICD-10-CM")
    assert reference.seven_chr_for("S72.001A")["A"].startswith("initial encounter")
    # a single-category block keeps its own row beside the category
    assert reference.get_code("B99-B99").kind == "block"
    assert reference.get_code("B99").kind == "category"


def test_random_sample_agrees_with_simple_icd_10_cm(reference) -> None:  # type: ignore[no-untyped-def]
    cm = pytest.importorskip("simple_icd_10_cm")
    codes = random.Random(2026).sample(cm.get_all_codes(with_dots=True), 200)
    for code in codes:
        info = reference.get_code(code, on=APRIL)  # the library carries the April-2026 release
        assert _norm(info.title) == _norm(cm.get_description(code)), code
        assert info.billable == cm.is_leaf(code), code
        assert [_norm(n) for n in info.notes.excludes1] == [_norm(n) for n in cm.get_excludes1(code)], code
        expected_seven = cm.get_seven_chr_def(code) if info.kind != "code" else {}
        assert info.notes.seven_chr == {k: _norm(v) for k, v in expected_seven.items()}, code
        assert sorted(c.code for c in info.children) == sorted(cm.get_children(code)), code


def test_unknown_code_suggests_a_close_one(reference) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownCode) as err:
        reference.get_code("E11.999")
    assert str(err.value) == "E11.999 is not an ICD-10-CM code in release 2027; did you mean E11.9?"
    assert reference.find_code("E11.999") is None
    assert not reference.is_valid("ZZZ", "ICD-10-CM")


def test_dates_outside_the_tabular_releases(reference) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoReleaseForDate) as err:
        reference.get_code("E11.9", on=date(2014, 5, 1))
    assert "before ICD-10-CM" in err.value.message and "ICD-9-CM" in err.value.message
    with pytest.raises(NoReleaseForDate) as err:
        reference.get_code("E11.9", on=date(2027, 11, 1))
    assert "needs the FY2028 release (effective 2027-10-01 to 2028-09-30)" in err.value.message
    assert "assistant codesets import" in (err.value.fix or "")
    # between 2015-10-01 and the oldest tabular release: validity from the MCE start/end dates
    old = reference.get_code("E11.9", on=date(2025, 12, 31))
    assert old.billable and old.valid_on == date(2025, 12, 31) and "MCE v44" in old.release
    with pytest.raises(UnknownCode) as unknown:
        reference.get_code("Z68.18", on=date(2025, 12, 31))
    assert (
        "was not valid on 2025-12-31" in unknown.value.message
        and "valid from 2026-10-01" in unknown.value.message
    )
    assert reference.get_code("E11.9", on=date(2026, 9, 30)).valid_on == date(2026, 9, 30)


def test_fy2027_derivation(reference) -> None:  # type: ignore[no-untyped-def]
    fy = date(2026, 11, 20)
    d6911 = reference.get_code("D69.11", on=fy)
    assert (d6911.title, d6911.billable, d6911.parent, d6911.release) == (
        "Glanzmann thrombasthenia",
        True,
        "D69.1",
        "2027",
    )
    assert "D69" in d6911.inherited_notes  # notes of the category reach the new code
    header = reference.get_code("D69.1", on=fy)
    assert not header.billable and [c.code for c in header.children] == ["D69.11", "D69.19"]
    assert reference.get_code("D69.1", on=date(2026, 9, 30)).billable
    i42 = reference.get_code("I42.0", on=fy)
    assert not i42.billable and [c.code for c in i42.children] == ["I42.00", "I42.01", "I42.09"]
    # a new 7th-character code under created headers inherits the category's 7th characters
    t52 = reference.get_code("T52.811A", on=fy)
    assert [p.code for p in t52.parents][-3:] == ["T52.8", "T52.81", "T52.811"]
    assert reference.seven_chr_for("T52.811A", on=fy)["A"] == "initial encounter"
    created = reference.get_code("T52.81", on=fy)
    assert created.title == "Toxic effect of alkenes" and created.extra.get("title_derived") is True
    assert not reference.is_valid("T52.8X1A", on=fy) and reference.is_valid("T52.8X1A", on=date(2026, 9, 30))
    # an inclusion term the addenda give codes of their own moves there, and the old code excludes it
    plantar = reference.get_code("M72.2", on=fy)
    assert "Plantar fasciitis" not in plantar.notes.inclusion_terms
    assert ("M72.2", "plantar fasciitis (M67.A0-)", ["M67.A0-"]) in reference.excludes1_notes("M72.2", on=fy)
    assert "Plantar fasciitis" in reference.get_code("M67.A0", on=fy).notes.inclusion_terms
    assert "Plantar fasciitis" in reference.get_code("M72.2", on=APRIL).notes.inclusion_terms
    revised = reference.get_code("Z29.14", on=fy).title
    assert revised.endswith("immune globulin") and reference.get_code("Z29.14", on=APRIL).title.endswith(
        "globin"
    )


def test_excludes1_conflicts_use_inherited_notes_and_ranges(reference) -> None:  # type: ignore[no-untyped-def]
    pairs = {(a, b) for a, b, _ in reference.excludes1_conflicts(["E11.9", "E10.9", "I10", "O24.410"])}
    assert ("E11.9", "E10.9") in pairs and ("E10.9", "E11.9") in pairs
    assert ("E11.9", "O24.410") in pairs  # "gestational diabetes (O24.4-)" at E11
    assert not any("I10" in pair for pair in pairs)


def test_reference_ranges() -> None:
    assert extract_refs("malignant neoplasm (C00-C96)") == ["C00-C96"]
    assert extract_refs("pancreas (K85-K86.-) and (N18.-), (E08.3-, Z79.4)") == [
        "K85-K86.-",
        "N18.-",
        "E08.3-",
        "Z79.4",
    ]
    assert (
        ref_covers("E08-E13", "E13.9") and ref_covers("E08-E13", "E08") and not ref_covers("E08-E13", "E14")
    )
    assert ref_covers("N18.-", "N18.30") and not ref_covers("N18.-", "N19")
    assert ref_covers("K85-K86.-", "K86.1") and not ref_covers("K85-K86.-", "K87")
    assert ref_covers("N18.1-N18.6", "N18.30") and not ref_covers("N18.1-N18.6", "N18.9")
    assert ref_covers("P70.2", "P70.2") and not ref_covers("P70.2", "P70.3")


def test_index_resolves_see_references(reference) -> None:  # type: ignore[no-untyped-def]
    resolved = reference.resolve_index("Attack, heart")
    assert resolved["code"] == "I21.9"
    assert resolved["via"][0] == "Attack, attacks, heart"
    assert reference.lookup_index("Diabetes, type 2")["code"] == "E11.9"
    assert reference.resolve_index("No such term at all") is None
    paths = {t["path"] for t in reference.index_terms_for_code("I21.9")}
    assert "Infarct, infarction, myocardium, myocardial" in paths


def test_search_ranks_titles_then_index(reference) -> None:  # type: ignore[no-untyped-def]
    hits = reference.search("type 2 diabetes hyperglycemia", system="ICD-10-CM", limit=5)
    assert hits[0].code == "E11.65"
    assert reference.search("heart attack", system="ICD-10-CM", limit=5)[0].code == "I21.9"
    assert reference.search("   ", limit=5) == []


def test_addenda_reader_checks_its_summary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.codesets.loaders.icd10cm_addenda import read_addenda

    good = tmp_path / "good.txt"
    good.write_text(
        "Add:         D6911   Glanzmann thrombasthenia\r\n"
        "Delete:      D691    Qualitative platelet defects\r\n"
        "Revise from: Z2914   Old title\r\nRevise to:   Z2914   New title\r\n\r\nCodes\r\n"
        "      1 additions\r\n      1 deletions\r\n      1 revisions\r\n"
    )
    addenda = read_addenda(good)
    assert addenda.added == {"D6911": "Glanzmann thrombasthenia"} and "D691" in addenda.deleted
    assert addenda.revised == {"Z2914": ("Old title", "New title")}
    bad = tmp_path / "bad.txt"
    bad.write_text("Add:         D6911   Glanzmann thrombasthenia\nCodes\n      2 additions\n")
    with pytest.raises(ValueError, match="the summary says 2 additions, the file lists 1"):
        read_addenda(bad)
    (tmp_path / "odd.txt").write_text("Rename:  D6911  x\n")
    with pytest.raises(ValueError, match="line 1 is not an Add/Delete/Revise line"):
        read_addenda(tmp_path / "odd.txt")


def test_an_index_note_row_is_no_term(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # the CSV prints "Note: heart failure stages ..." at the level of "heart": the rows after it are heart's
    csv_text = (
        "RowID,Letter,Level,Term,See,SeeAlso,NonEssModif,Code\n"
        "1,F,0,Failure,,,,\n"
        "2,F,1,heart,,,,I50.9\n"
        '3,F,1,"Note: heart failure stages A, B, C, and D are based on ...",,,,\n'
        "4,F,2,systolic,,,(congestive),I50.20\n"
        "5,F,1,hepatic,,,,K72.90\n"
    )
    path = tmp_path / "index.csv"
    path.write_text(csv_text, encoding="utf-8")
    rows = list(index_terms_loader._rows(path, "main", None))
    assert [(r["path"], r["code"]) for r in rows] == [
        ("Failure", None),
        ("Failure, heart", "I50.9"),
        ("Failure, heart, systolic", "I50.20"),
        ("Failure, hepatic", "K72.90"),
    ]


def test_heart_failure_subterms_after_the_index_note_are_heart_failures(reference) -> None:  # type: ignore[no-untyped-def]
    assert reference.lookup_index("Failure, heart, systolic")["code"] == "I50.20"
    assert reference.lookup_index("Failure, heart, stage D")["code"] == "I50.84"
