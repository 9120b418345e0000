"""Where each CMS-1500 (02/12) item goes on the page: the data at the NUCC form's print positions.

The NUCC 1500 claim form is designed for a print grid of 10 characters per inch and 6 lines per inch
(Courier 12 pt: 7.2 pt per column, 12 pt per line). Positions here are (line, column) on that grid, 1-based,
with line 1 / column 1 at ``LEFT_PT``/``TOP_PT`` from the page's top-left corner, where data lands in the
boxes of the red pre-printed form on a US Letter sheet. A printer that feeds the form shifted is corrected
with the ``offset`` of the PDF writer, never by moving items here.

Six service lines fit on one form; a claim with more continues on further pages, each page with the
header items, its own lines and its own total (box 28), as the NUCC instructions ask.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from assistant.claims.schemas import Address, ClaimImport, ServiceLineIn

LEFT_PT = 20.0  # x of column 1
TOP_PT = 24.0  # top of line 1
COL_PT = 7.2  # 10 characters per inch
LINE_PT = 12.0  # 6 lines per inch
BASELINE_PT = 9.0  # a line's text baseline below its top (Courier 12 pt)
PAGE_W_PT, PAGE_H_PT = 612.0, 792.0  # US Letter
LINES_PER_FORM = 6
LETTERS = "ABCDEFGHIJKL"

# Box 1: the column of each insurance type's check box (by the claim filing indicator).
INSURANCE_COLUMN = {"MB": 1, "MA": 1, "MC": 8, "CH": 15, "VA": 24, "FI": 39}
GROUP_HEALTH_COLUMN, OTHER_COLUMN = 31, 45
GROUP_HEALTH = {"BL", "CI", "HM", "12", "13", "14", "15", "16", "17", "DS", "EP", "LM", "OF", "WC"}
RELATIONSHIP_COLUMN = {"self": 33, "spouse": 38, "child": 42, "other": 47}
NO_COLUMN = 41  # boxes 10a-10c "NO"
SERVICE_COLUMNS = {  # box 24, main (unshaded) line of each service line
    "24A": 1,
    "24B": 19,
    "24D": 25,
    "24E": 45,
    "24F": 50,
    "24G": 59,
    "24J": 68,
}


@dataclass(frozen=True)
class Placed:
    """One item on the form: its box (e.g. ``1a``, ``21C``, ``24D.2`` for line 2), grid line and column."""

    box: str
    line: int
    col: int
    text: str

    @property
    def x_pt(self) -> float:
        return x_of(self.col)

    @property
    def baseline_pt(self) -> float:
        return baseline_of(self.line)


def x_of(col: float) -> float:
    """Left edge of grid column ``col``, in points from the page's left edge."""
    return LEFT_PT + (col - 1) * COL_PT


def top_of(line: float) -> float:
    """Top of grid line ``line``, in points from the page's top edge."""
    return TOP_PT + (line - 1) * LINE_PT


def baseline_of(line: int) -> float:
    return top_of(line) + BASELINE_PT


def form_text(text: str) -> str:
    """Upper case, plain ASCII (OCR reads the form; the PDF core fonts carry Latin-1 only)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().split())


def _mdy(day: date, year_digits: int = 4) -> tuple[str, str, str]:
    year = f"{day.year:04d}"[-year_digits:]
    return f"{day.month:02d}", f"{day.day:02d}", year


def money_cells(cents: int) -> str:
    """Dollars right-aligned in five columns, a blank for the form's dollar/cent rule, two cents columns."""
    return f"{cents // 100:>5} {cents % 100:02d}"


def _address(prefix: str, addr: Address | None, col: int, city_width: int, state_col: int) -> list[Placed]:
    if addr is None:
        return []
    street = ", ".join(p for p in (addr.line1, addr.line2) if p)
    return [
        Placed(f"{prefix}.street", 12, col, form_text(street)[:28]),
        Placed(f"{prefix}.city", 14, col, form_text(addr.city)[:city_width]),
        Placed(f"{prefix}.state", 14, state_col, addr.state),
        Placed(f"{prefix}.zip", 16, col, addr.zip),
    ]


def _header(doc: ClaimImport) -> list[Placed]:
    pat, sub = doc.patient_person, doc.subscriber
    indicator = doc.payer.filing_indicator
    insurance_col = INSURANCE_COLUMN.get(
        indicator, GROUP_HEALTH_COLUMN if indicator in GROUP_HEALTH else OTHER_COLUMN
    )
    items = [
        Placed("carrier.name", 2, 41, form_text(doc.payer.name)[:31]),
        Placed("carrier.payer_id", 3, 41, form_text(f"PAYER ID {doc.payer.payer_id}")[:31]),
        Placed("1", 8, insurance_col, "X"),
        Placed("1a", 8, 50, form_text(sub.member_id)[:29]),
        Placed("2", 10, 1, form_text(f"{pat.last_name}, {pat.first_name}")[:28]),
        *(
            Placed(f"3.{part}", 10, col, value)
            for part, col, value in zip(("mm", "dd", "yyyy"), (31, 34, 37), _mdy(pat.dob), strict=True)
        ),
        Placed("4", 10, 50, form_text(f"{sub.last_name}, {sub.first_name}")[:29]),
        Placed("6", 12, RELATIONSHIP_COLUMN[doc.patient_relationship], "X"),
        *_address("5", pat.address, 1, 24, 26),
        *_address("7", sub.address, 50, 23, 74),
        Placed("11", 18, 50, form_text(sub.group_number or "")[:29]),
        *(Placed(f"10{letter}", line, NO_COLUMN, "X") for letter, line in (("a", 20), ("b", 22), ("c", 24))),
        *(
            Placed(f"11a.{part}", 20, col, value)
            for part, col, value in zip(("mm", "dd", "yyyy"), (53, 56, 59), _mdy(sub.dob), strict=True)
        ),
        Placed("11c", 24, 50, form_text(doc.payer.name)[:29]),
        Placed("11d", 26, 57, "X"),  # NO: the claim names no other plan
        Placed("12", 29, 7, "SIGNATURE ON FILE"),
        Placed("13", 29, 55, "SIGNATURE ON FILE"),
        Placed("21.ind", 37, 42, "0"),  # ICD-10
    ]
    if pat.sex in ("M", "F"):
        items.append(Placed("3.sex", 10, 42 if pat.sex == "M" else 47, "X"))
    if sub.sex in ("M", "F"):
        items.append(Placed("11a.sex", 20, 68 if sub.sex == "M" else 75, "X"))
    for i, code in enumerate(doc.diagnoses[:12]):
        row, column = divmod(i, 4)
        items.append(Placed(f"21{LETTERS[i]}", 38 + row, 3 + 13 * column, code.replace(".", "")))
    if doc.frequency_code in ("7", "8"):
        items.append(Placed("22.code", 38, 50, doc.frequency_code))
        items.append(Placed("22.ref", 38, 62, form_text(doc.original_claim_number or "")[:15]))
    if doc.prior_authorization:
        items.append(Placed("23", 40, 50, form_text(doc.prior_authorization)[:29]))
    return [p for p in items if p.text]


def _service_line(doc: ClaimImport, n: int, line: ServiceLineIn) -> list[Placed]:
    """Service line ``n`` (1..6) of a page: data on its main line; the shaded line above stays empty."""
    row = 42 + 2 * n
    rendering = line.rendering_provider or doc.rendering_provider
    mm, dd, yy = _mdy(line.date_of_service, 2)
    cols = SERVICE_COLUMNS
    items = [
        *(Placed(f"24A.{n}", row, cols["24A"] + 3 * k, v) for k, v in enumerate((mm, dd, yy, mm, dd, yy))),
        Placed(f"24B.{n}", row, cols["24B"], doc.place_of_service),
        Placed(f"24D.{n}", row, cols["24D"], line.code),
        *(Placed(f"24D.{n}.mod{k + 1}", row, 33 + 3 * k, m) for k, m in enumerate(line.modifiers[:4])),
        Placed(f"24E.{n}", row, cols["24E"], "".join(LETTERS[p - 1] for p in line.dx_pointers[:4])),
        Placed(f"24F.{n}", row, cols["24F"], money_cells(line.charge_cents)),
        Placed(f"24G.{n}", row, cols["24G"], str(line.units)[:3]),
        Placed(f"24J.{n}", row, cols["24J"], rendering.npi if rendering else doc.billing_provider.npi),
    ]
    return items


def _footer(doc: ClaimImport, page_total_cents: int) -> list[Placed]:
    bp, rp = doc.billing_provider, doc.rendering_provider
    signer = f"{rp.first_name} {rp.last_name}" if rp else bp.name
    addr = bp.address
    items = [
        Placed("25", 56, 1, bp.tax_id),
        Placed("25.ein", 56, 19, "X"),
        Placed("26", 56, 23, form_text(doc.claim_id)[:14]),
        Placed("27", 56, 38, "X"),  # YES: accept assignment
        Placed("28", 56, 52, money_cells(page_total_cents)),
        Placed("31", 60, 1, form_text(signer)[:21]),
        Placed("33.name", 58, 50, form_text(bp.name)[:29]),
        Placed("33.street", 59, 50, form_text(", ".join(p for p in (addr.line1, addr.line2) if p))[:29]),
        Placed("33.city", 60, 50, form_text(f"{addr.city} {addr.state} {addr.zip}")[:29]),
        Placed("33a", 61, 50, bp.npi),
    ]
    if bp.taxonomy:
        items += [Placed("33b.qual", 61, 63, "ZZ"), Placed("33b", 61, 65, bp.taxonomy)]
    return items


def cms1500_pages(doc: ClaimImport) -> list[list[Placed]]:
    """Every item of every form page of the claim (six service lines a page)."""
    pages = []
    header = _header(doc)
    for start in range(0, len(doc.lines), LINES_PER_FORM):
        chunk = doc.lines[start : start + LINES_PER_FORM]
        items = list(header)
        for n, line in enumerate(chunk, start=1):
            items += _service_line(doc, n, line)
        items += _footer(doc, sum(line.charge_cents for line in chunk))
        pages.append(items)
    return pages
