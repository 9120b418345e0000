"""A small in-memory ReferenceLookup for scrubber tests, with NCCI loaded from plain CSV fixture files.

Rows mirror real code-set content (ICD-10-CM April 2026 window, stale HCPCS 2020, MCE v37) for a handful of
codes; NCCI rows are made up but realistic, in the CMS plain CSV layouts.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from assistant.codesets.schemas import CodeInfo, CodeRef, MceEdit, MueEdit, PtpEdit, ReleaseInfo
from assistant.core.errors import NoReleaseForDate, NotReady, UnknownCode

ICD_FROM, ICD_TO = date(2026, 4, 1), date(2026, 9, 30)
ICD = {
    "E11": ("Type 2 diabetes mellitus", False),
    "E11.6": ("Type 2 diabetes mellitus with other specified complications", False),
    "E11.65": ("Type 2 diabetes mellitus with hyperglycemia", True),
    "E11.9": ("Type 2 diabetes mellitus without complications", True),
    "E10.9": ("Type 1 diabetes mellitus without complications", True),
    "I10": ("Essential (primary) hypertension", True),
    "M17.11": ("Unilateral primary osteoarthritis, right knee", True),
    "N40.0": ("Benign prostatic hyperplasia without lower urinary tract symptoms", True),
    "O09.90": ("Supervision of high risk pregnancy, unspecified, unspecified trimester", True),
    "P07.30": ("Preterm newborn, unspecified weeks of gestation", True),
    "D63.0": ("Anemia in neoplastic disease", True),
    "J45.909": ("Unspecified asthma, uncomplicated", True),
}
EXCLUDES1 = {("E11", "E10"): "type 1 diabetes mellitus (E10.-)"}
HCPCS = {"J1100", "G0439", "A4253"}
POS = {"02", "10", "11", "12", "22", "23"}
MODIFIERS = {"25", "59", "RT", "LT", "XS", "XE", "XP", "XU", "95", "93", "FQ", "76", "91", "GT", "F1", "F2"}
MCE = {
    "N40.0": ["Male_Only"],
    "O09.90": ["Maternity_Only", "Female_Only"],
    "P07.30": ["Newborn_Only"],
    "D63.0": ["Principal_Manifestation"],
}


def _nodot(code: str) -> str:
    return code.replace(".", "").upper()


def _canon(code: str) -> str:
    n = _nodot(code)
    return n if len(n) <= 3 else f"{n[:3]}.{n[3:]}"


class FakeReference:
    def __init__(
        self, ptp_csv: Path | None = None, mue_csv: Path | None = None, cpt_loaded: bool = False
    ) -> None:
        self.ptp: list[PtpEdit] = []
        self.mue_rows: dict[str, MueEdit] = {}
        self.cpt_loaded = cpt_loaded
        self.ptp_loaded = ptp_csv is not None
        self.mue_loaded = mue_csv is not None
        if ptp_csv:
            with ptp_csv.open() as fh:
                for row in csv.DictReader(fh):
                    self.ptp.append(
                        PtpEdit(
                            column1=row["column1"],
                            column2=row["column2"],
                            effective_date=date.fromisoformat(row["effective_date"]),
                            deletion_date=date.fromisoformat(row["deletion_date"])
                            if row["deletion_date"]
                            else None,
                            modifier_indicator=row["modifier_indicator"],
                            release="test-ptp",
                        )
                    )
        if mue_csv:
            with mue_csv.open() as fh:
                for row in csv.DictReader(fh):
                    self.mue_rows[row["code"]] = MueEdit(
                        code=row["code"],
                        mue_value=int(row["mue_value"]),
                        mai=row["mai"],
                        rationale=row["rationale"],
                        release="test-mue",
                    )

    # --- releases
    def releases(self, system: str | None = None) -> list[ReleaseInfo]:
        rels = [
            ReleaseInfo(
                system="ICD-10-CM",
                release="2026-04-01",
                effective_from=ICD_FROM,
                effective_to=ICD_TO,
                source="test",
                license="public domain",
                sha256="0",
            ),
            ReleaseInfo(
                system="HCPCS",
                release="2020-Q4",
                effective_from=date(2020, 10, 1),
                effective_to=None,
                source="test",
                license="public domain",
                sha256="0",
                stale=True,
            ),
        ]
        return [r for r in rels if system is None or r.system == system]

    def release_for(self, system: str, on: date | None = None) -> ReleaseInfo:
        if system == "ICD-10-CM":
            if on is not None and not ICD_FROM <= on <= ICD_TO:
                raise NoReleaseForDate(f"no ICD-10-CM release covers {on}")
            return self.releases("ICD-10-CM")[0]
        if system == "HCPCS":
            return self.releases("HCPCS")[0]
        if system == "CPT" and self.cpt_loaded:
            return ReleaseInfo(
                system="CPT",
                release="2026",
                effective_from=date(2026, 1, 1),
                effective_to=None,
                source="licensed",
                license="AMA",
                sha256="0",
                user_imported=True,
            )
        if system == "NCCI-MUE" and self.mue_loaded:
            return ReleaseInfo(
                system="NCCI-MUE",
                release="test-mue",
                effective_from=date(2026, 1, 1),
                effective_to=None,
                source="test",
                license="public domain",
                sha256="0",
            )
        raise NotReady(f"no {system} release loaded")

    # --- codes
    def get_code(self, code: str, system: str = "ICD-10-CM", on: date | None = None) -> CodeInfo:
        info = self.find_code(code, system, on)
        if info is None:
            suggestion = next((c for c in ICD if c.startswith(_canon(code)[:3]) and ICD[c][1]), None)
            raise UnknownCode(f"{code} does not exist in {system} on {on}", suggestion=suggestion)
        return info

    def find_code(self, code: str, system: str = "ICD-10-CM", on: date | None = None) -> CodeInfo | None:
        if system == "ICD-10-CM":
            if on is not None:
                self.release_for(system, on)
            canon = _canon(code)
            if canon not in ICD:
                return None
            title, billable = ICD[canon]
            children = [
                CodeRef(code=c, title=t, billable=b)
                for c, (t, b) in ICD.items()
                if c != canon and c.startswith(canon) and len(_nodot(c)) == len(_nodot(canon)) + 1
            ]
            return CodeInfo(
                code=canon,
                system=system,
                title=title,
                kind="code",
                billable=billable,
                release="2026-04-01",
                children=children,
            )
        if system == "HCPCS" and code in HCPCS:
            return CodeInfo(
                code=code, system=system, title="HCPCS item", kind="code", billable=True, release="2020-Q4"
            )
        if system == "CPT" and self.cpt_loaded and code in {"99214", "20610", "20611", "99213"}:
            return CodeInfo(
                code=code, system=system, title="(licensed)", kind="code", billable=True, release="2026"
            )
        return None

    def is_valid(self, code: str, system: str, on: date | None = None) -> bool:
        return self.find_code(code, system, on) is not None

    def is_billable(self, code: str, system: str = "ICD-10-CM", on: date | None = None) -> bool:
        info = self.find_code(code, system, on)
        return bool(info and info.billable)

    def excludes1_conflicts(self, codes: list[str], on: date | None = None) -> list[tuple[str, str, str]]:
        if on is not None:
            self.release_for("ICD-10-CM", on)
        out = []
        for a in codes:
            for b in codes:
                for (pa, pb), note in EXCLUDES1.items():
                    if a != b and _canon(a).startswith(pa) and _canon(b).startswith(pb):
                        out.append((a, b, note))
        return out

    # --- CMS edits
    def ptp_edits(self, codes: list[str], on: date) -> list[PtpEdit]:
        if not self.ptp_loaded:
            raise NotReady("no NCCI PTP release imported")
        wanted = set(codes)
        return [
            e
            for e in self.ptp
            if e.column1 in wanted
            and e.column2 in wanted
            and e.effective_date <= on
            and (e.deletion_date is None or on <= e.deletion_date)
        ]

    def mue(self, code: str, on: date | None = None) -> MueEdit | None:
        return self.mue_rows.get(code)

    def mce_edits(self, code: str, on: date | None = None) -> list[MceEdit]:
        return [
            MceEdit(code=_canon(code), edit_type=t, release="v44", stale=False)
            for t in MCE.get(_canon(code), [])
        ]

    def is_valid_pos(self, pos: str) -> bool:
        return pos in POS

    def modifier(self, modifier: str) -> CodeInfo | None:
        if modifier not in MODIFIERS:
            return None
        return CodeInfo(
            code=modifier,
            system="HCPCS-MODIFIER",
            title="modifier",
            kind="modifier",
            billable=False,
            release="test",
        )
