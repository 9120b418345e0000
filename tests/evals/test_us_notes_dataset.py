"""The us-notes development set is well formed: codes, reasons, splits, coverage."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from evals import runner

FOLDER = runner.DATASETS_DIR / "us-notes"
ICD10CM_FORMAT = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
HCPCS_FORMAT = re.compile(r"^[A-V][0-9]{4}$")
SPECIALTIES = {
    "primary-care", "cardiology", "endocrinology", "pulmonology", "nephrology", "ob", "pediatrics",
    "psychiatry", "orthopedics", "oncology", "infectious", "preventive",
}  # fmt: skip
FORMATS = {"soap", "ap-numbered", "problem-list", "ed-impression", "discharge", "telehealth", "abbreviated"}
KEYS = {
    "id", "text", "gold", "acceptable", "forbidden", "sex", "age", "setting", "visit", "specialty",
    "format", "reasons", "system", "split", "source",
}  # fmt: skip


def _rows(name: str) -> list[dict[str, Any]]:
    path: Path = FOLDER / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


TUNE, CHECK = _rows("tune"), _rows("check")
ROWS = TUNE + CHECK


def _is_hcpcs(code: str) -> bool:
    return bool(HCPCS_FORMAT.match(code))


def test_every_line_has_the_agreed_fields() -> None:
    for row in ROWS:
        assert set(row) == KEYS, row["id"]
        assert row["sex"] in ("F", "M") and 0 <= row["age"] <= 110, row["id"]
        assert row["setting"] in ("outpatient", "inpatient"), row["id"]
        assert row["specialty"] in SPECIALTIES and row["format"] in FORMATS, row["id"]
        assert row["system"] == "ICD-10-CM" and row["source"] == "us-notes (written by the team)"
        assert row["text"].strip() and row["gold"], row["id"]


def test_codes_are_well_formed_and_gold_never_forbidden() -> None:
    for row in ROWS:
        lists = [row["gold"], row["acceptable"], row["forbidden"]]
        for codes in lists:
            assert len(codes) == len(set(codes)), row["id"]
            for code in codes:
                assert ICD10CM_FORMAT.match(code) or _is_hcpcs(code), (row["id"], code)
        gold, acceptable, forbidden = (set(c) for c in lists)
        assert not gold & forbidden and not acceptable & forbidden and not gold & acceptable, row["id"]
        # A forbidden header must not cover a required or acceptable code either.
        for f in forbidden:
            assert not any(c.replace(".", "").startswith(f.replace(".", "")) for c in gold | acceptable), (
                row["id"],
                f,
            )


def test_every_gold_code_has_a_guideline_reason() -> None:
    section = re.compile(r"\b(I|II|III|IV)(\.[A-Z]|:)|HCPCS|chapter 15")
    for row in ROWS:
        assert list(row["reasons"]) == row["gold"], row["id"]
        for code, reason in row["reasons"].items():
            assert section.search(reason) and len(reason) > 15, (row["id"], code, reason)


def test_no_pregnancy_codes_for_men_and_forbidden_o_codes_only_make_sense() -> None:
    for row in ROWS:
        coded = row["gold"] + row["acceptable"]
        if row["sex"] == "M":
            assert not any(c.startswith(("O", "Z3A", "Z33", "Z34", "Z39")) for c in coded), row["id"]
        if any(c.startswith("O") for c in row["gold"]):
            assert row["sex"] == "F" and 10 <= row["age"] <= 55, row["id"]


def test_splits_are_disjoint_and_check_keeps_every_specialty() -> None:
    """Notes written later join ``tune`` (more to learn from) while ``check`` stays as it was, so the
    check split is a fixed yardstick: its 64 notes, at least five of every specialty."""
    tune_ids, check_ids = {r["id"] for r in TUNE}, {r["id"] for r in CHECK}
    assert len(tune_ids) == len(TUNE) and len(check_ids) == len(CHECK)
    assert not tune_ids & check_ids
    assert {r["split"] for r in TUNE} == {"tune"} and {r["split"] for r in CHECK} == {"check"}
    texts = [r["text"] for r in ROWS]
    assert len(set(texts)) == len(texts)
    assert len(CHECK) == 64 and len(TUNE) >= len(CHECK)
    for specialty, n in Counter(r["specialty"] for r in ROWS).items():
        n_check = sum(r["specialty"] == specialty for r in CHECK)
        assert 5 <= n_check <= 0.55 * n, specialty


def test_covers_every_specialty_and_format() -> None:
    assert {r["specialty"] for r in ROWS} == SPECIALTIES
    assert {r["format"] for r in ROWS} == FORMATS
    assert {r["setting"] for r in ROWS} == {"outpatient", "inpatient"}


FY2027_ADDITIONS: dict[str, str] = json.loads((FOLDER / "meta.json").read_text())["fy2027_additions"]


def test_required_and_acceptable_codes_are_billable_in_the_shipped_release(reference: Any) -> None:
    """Billable in the loaded release, or a FY2027 addition (listed in meta.json) under a known parent."""
    unknown = []
    for row in ROWS:
        for code in row["gold"] + row["acceptable"]:
            system = "HCPCS" if _is_hcpcs(code) else "ICD-10-CM"
            if reference.is_billable(code, system):
                continue
            if code in FY2027_ADDITIONS and reference.is_valid(code[:-1].rstrip("."), system):
                continue
            unknown.append((row["id"], code))
    assert not unknown


def test_the_runner_loads_it_with_its_own_split() -> None:
    ds = runner.load_dataset("us-notes")
    assert ds.kind == "note" and ds.part_names == ("tune", "check")
    assert "HCPCS" in ds.systems and len(ds.cases) == len(ROWS)
    assert all(c.forbidden is not None and c.sex in ("F", "M") for c in ds.cases)


def test_at_least_150_notes_of_varied_length() -> None:
    assert len(ROWS) >= 150
    words = sorted(len(r["text"].split()) for r in ROWS)
    assert words[0] <= 40 and words[-1] >= 250


VISITS_FROM = "2026-10-01"  # the notes' visits are in FY2027


def test_hcpcs_codes_are_in_force_on_the_visits(reference: Any) -> None:
    """A HCPCS code terminated before the visits (J9070 ended 2024-03-31 for J9075) is no gold: the claim's
    scrubber rejects it, so the engine must not be taught it."""
    ended = []
    for row in ROWS:
        for code in [c for c in row["gold"] + row["acceptable"] if _is_hcpcs(c)]:
            info = reference.find_code(code, "HCPCS")
            stop = info.extra.get("termination_date") if info is not None else None
            if stop and str(stop) < VISITS_FROM:
                ended.append((row["id"], code, stop))
    assert not ended


_CONTENTS = re.compile(r"\*\*Contents\.\*\* ([\d,]+) notes \(`tune` ([\d,]+), `check` ([\d,]+)\)")


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def test_the_readme_counts_the_notes_it_holds() -> None:
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    said = _CONTENTS.search(readme)
    assert said is not None
    tune, check = _rows("tune"), _rows("check")
    assert [_number(n) for n in said.groups()] == [len(tune) + len(check), len(tune), len(check)]
    by_specialty = Counter((r["specialty"], r["split"]) for r in tune + check)
    table = readme[said.end() :].split("| specialty | tune | check |", 1)[1].split("\n\n", 1)[0]
    rows = [[c.strip() for c in line.split("|")] for line in table.splitlines()[2:]]
    assert {r[1].split(" ")[0] for r in rows} == SPECIALTIES
    for cells in rows:
        name = cells[1].split(" ")[0]
        assert [int(cells[2]), int(cells[3])] == [by_specialty[name, "tune"], by_specialty[name, "check"]]
