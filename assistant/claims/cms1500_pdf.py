"""The two CMS-1500 (02/12) PDFs (fpdf2): the data alone at the NUCC print positions, to print on the red
pre-printed form (``print``), and the same data on a drawn form with its boxes and labels, to view or fax
(``view``). Positions come from ``cms1500_layout``; the form drawing uses the same grid, so the data of
the two PDFs lands in the same places."""

from __future__ import annotations

from fpdf import FPDF

from assistant.claims.cms1500_layout import (
    COL_PT,
    LETTERS,
    LINE_PT,
    baseline_of,
    cms1500_pages,
    top_of,
    x_of,
)
from assistant.claims.schemas import ClaimImport
from assistant.core.errors import InvalidInput

FORM_KINDS: tuple[str, ...] = ("print", "view")
MM_PT = 72 / 25.4
EDGE_X_PT = 1.8  # a box's rule sits this far left of its first column
EDGE_Y_PT = 1.0  # and this far below the top of its first line (clear of the line above's descenders)

# (label, first line, last line, first column, last column) of each drawn box.
Box = tuple[str, int, int, int, int]
SERVICE_CELLS: tuple[tuple[str, int, int], ...] = (
    ("24. A. DATE(S) OF SERVICE  From / To  MM DD YY", 1, 18),
    ("B. POS", 19, 21),
    ("C. EMG", 22, 24),
    ("D. PROCEDURES, SERVICES, OR SUPPLIES  CPT/HCPCS | MODIFIER", 25, 44),
    ("E. DIAGNOSIS POINTER", 45, 49),
    ("F. $ CHARGES", 50, 58),
    ("G. DAYS OR UNITS", 59, 62),
    ("H. EPSDT", 63, 64),
    ("I. ID QUAL.", 65, 67),
    ("J. RENDERING PROVIDER ID. #", 68, 80),
)
FORM_BOXES: tuple[Box, ...] = (
    ("1.", 7, 8, 1, 49),
    ("1a. INSURED'S I.D. NUMBER (For Program in Item 1)", 7, 8, 50, 80),
    ("2. PATIENT'S NAME (Last Name, First Name, Middle Initial)", 9, 10, 1, 29),
    ("3. PATIENT'S BIRTH DATE  MM | DD | YY   SEX", 9, 10, 30, 49),
    ("4. INSURED'S NAME (Last Name, First Name, Middle Initial)", 9, 10, 50, 80),
    ("5. PATIENT'S ADDRESS (No., Street)", 11, 12, 1, 29),
    ("6. PATIENT RELATIONSHIP TO INSURED", 11, 12, 30, 49),
    ("7. INSURED'S ADDRESS (No., Street)", 11, 12, 50, 80),
    ("CITY", 13, 14, 1, 24),
    ("STATE", 13, 14, 25, 29),
    ("8. RESERVED FOR NUCC USE", 13, 16, 30, 49),
    ("CITY", 13, 14, 50, 72),
    ("STATE", 13, 14, 73, 80),
    ("ZIP CODE", 15, 16, 1, 13),
    ("TELEPHONE (Include Area Code)", 15, 16, 14, 29),
    ("ZIP CODE", 15, 16, 50, 63),
    ("TELEPHONE (Include Area Code)", 15, 16, 64, 80),
    ("9. OTHER INSURED'S NAME (Last Name, First Name, Middle Initial)", 17, 18, 1, 29),
    ("10. IS PATIENT'S CONDITION RELATED TO:", 17, 18, 30, 49),
    ("11. INSURED'S POLICY GROUP OR FECA NUMBER", 17, 18, 50, 80),
    ("a. OTHER INSURED'S POLICY OR GROUP NUMBER", 19, 20, 1, 29),
    ("a. EMPLOYMENT? (Current or Previous)", 19, 20, 30, 49),
    ("a. INSURED'S DATE OF BIRTH  MM | DD | YY   SEX", 19, 20, 50, 80),
    ("b. RESERVED FOR NUCC USE", 21, 22, 1, 29),
    ("b. AUTO ACCIDENT?   PLACE (State)", 21, 22, 30, 49),
    ("b. OTHER CLAIM ID (Designated by NUCC)", 21, 22, 50, 80),
    ("c. RESERVED FOR NUCC USE", 23, 24, 1, 29),
    ("c. OTHER ACCIDENT?", 23, 24, 30, 49),
    ("c. INSURANCE PLAN NAME OR PROGRAM NAME", 23, 24, 50, 80),
    ("d. INSURANCE PLAN NAME OR PROGRAM NAME", 25, 26, 1, 29),
    ("10d. CLAIM CODES (Designated by NUCC)", 25, 26, 30, 49),
    ("d. IS THERE ANOTHER HEALTH BENEFIT PLAN?", 25, 26, 50, 80),
    ("12. PATIENT'S OR AUTHORIZED PERSON'S SIGNATURE", 27, 29, 1, 49),
    ("13. INSURED'S OR AUTHORIZED PERSON'S SIGNATURE", 27, 29, 50, 80),
    ("14. DATE OF CURRENT ILLNESS, INJURY, or PREGNANCY (LMP)", 30, 32, 1, 29),
    ("15. OTHER DATE   QUAL.", 30, 32, 30, 49),
    ("16. DATES PATIENT UNABLE TO WORK IN CURRENT OCCUPATION", 30, 32, 50, 80),
    ("17. NAME OF REFERRING PROVIDER OR OTHER SOURCE", 33, 34, 1, 28),
    ("17a. | 17b. NPI", 33, 34, 29, 49),
    ("18. HOSPITALIZATION DATES RELATED TO CURRENT SERVICES", 33, 34, 50, 80),
    ("19. ADDITIONAL CLAIM INFORMATION (Designated by NUCC)", 35, 36, 1, 49),
    ("20. OUTSIDE LAB?   $ CHARGES", 35, 36, 50, 80),
    ("21. DIAGNOSIS OR NATURE OF ILLNESS OR INJURY  Relate A-L to service line below (24E)", 37, 40, 1, 49),
    ("22. RESUBMISSION CODE | ORIGINAL REF. NO.", 37, 38, 50, 80),
    ("23. PRIOR AUTHORIZATION NUMBER", 39, 40, 50, 80),
    *((label, 41, 42, first, last) for label, first, last in SERVICE_CELLS),
    *(("", 41 + 2 * n, 42 + 2 * n, first, last) for n in range(1, 7) for _, first, last in SERVICE_CELLS),
    ("25. FEDERAL TAX I.D. NUMBER", 55, 56, 1, 22),
    ("26. PATIENT'S ACCOUNT NO.", 55, 56, 23, 37),
    ("27. ACCEPT ASSIGNMENT?", 55, 56, 38, 49),
    ("28. TOTAL CHARGE", 55, 56, 50, 60),
    ("29. AMOUNT PAID", 55, 56, 61, 70),
    ("30. Rsvd for NUCC Use", 55, 56, 71, 80),
    ("31. SIGNATURE OF PHYSICIAN OR SUPPLIER INCLUDING DEGREES OR CREDENTIALS", 57, 61, 1, 22),
    ("32. SERVICE FACILITY LOCATION INFORMATION", 57, 60, 23, 49),
    ("33. BILLING PROVIDER INFO & PH #", 57, 60, 50, 80),
    ("a.", 61, 61, 23, 35),
    ("b.", 61, 61, 36, 49),
    ("a.", 61, 61, 50, 62),
    ("b.", 61, 61, 63, 80),
)
# (line, column, caption) of each check box: the column where its "X" prints.
CHECK_BOXES: tuple[tuple[int, int, str], ...] = (
    (8, 1, "MEDICARE"),
    (8, 8, "MEDICAID"),
    (8, 15, "TRICARE"),
    (8, 24, "CHAMPVA"),
    (8, 31, "GROUP HEALTH PLAN"),
    (8, 39, "FECA BLK LUNG"),
    (8, 45, "OTHER"),
    (10, 42, "M"),
    (10, 47, "F"),
    (12, 33, "Self"),
    (12, 38, "Spouse"),
    (12, 42, "Child"),
    (12, 47, "Other"),
    *((line, col, word) for line in (20, 22, 24) for col, word in ((35, "YES"), (41, "NO"))),
    (20, 68, "M"),
    (20, 75, "F"),
    (26, 52, "YES"),
    (26, 57, "NO"),
    (36, 52, "YES"),
    (36, 57, "NO"),
    (56, 17, "SSN"),
    (56, 19, "EIN"),
    (56, 38, "YES"),
    (56, 43, "NO"),
)

CAPTION_BEFORE = {(56, 17)}  # SSN: its caption goes left of the box, EIN's box follows closely


def box_rect(
    first_line: int, last_line: int, first_col: int, last_col: int
) -> tuple[float, float, float, float]:
    """(x, y, width, height) in points, y from the top, of the box covering those grid cells."""
    x0, y0 = x_of(first_col) - EDGE_X_PT, top_of(first_line) + EDGE_Y_PT
    return x0, y0, x_of(last_col + 1) - EDGE_X_PT - x0, top_of(last_line + 1) + EDGE_Y_PT - y0


def _label(pdf: FPDF, text: str, x: float, y: float, width: float) -> None:
    pdf.set_xy(x + 0.8, y + 0.6)
    pdf.multi_cell(width - 1.6, 4.4, text)


def _draw_form(pdf: FPDF) -> None:
    pdf.set_draw_color(0)
    pdf.set_text_color(0)
    pdf.set_fill_color(232, 232, 232)
    for n in range(1, 7):  # the shaded upper half of each service line (NDC, other IDs)
        x, y, w, _ = box_rect(41 + 2 * n, 41 + 2 * n, 1, 80)
        pdf.rect(x, y, w, LINE_PT, style="F")
    pdf.set_line_width(0.5)
    pdf.set_font("Helvetica", size=4.2)
    for label, first_line, last_line, first_col, last_col in FORM_BOXES:
        x, y, w, h = box_rect(first_line, last_line, first_col, last_col)
        pdf.rect(x, y, w, h)
        if label:
            _label(pdf, label, x, y, w)
    pdf.set_line_width(0.3)
    for line, col, caption in CHECK_BOXES:
        pdf.rect(x_of(col) - 0.6, top_of(line) + 1.5, COL_PT + 1.2, 9)
        before = (line, col) in CAPTION_BEFORE
        x = x_of(col) - 1.5 - pdf.get_string_width(caption) if before else x_of(col + 1) + 0.8
        pdf.text(x, top_of(line) + 6, caption)
    for i, letter in enumerate(LETTERS):  # box 21 A.-L.
        row, column = divmod(i, 4)
        pdf.text(x_of(3 + 13 * column) - 9, baseline_of(38 + row), f"{letter}.")
    pdf.text(x_of(38), top_of(37) + 4.5, "ICD Ind.")
    for n in range(1, 7):  # line numbers and the dollars | cents rule of 24F
        pdf.text(x_of(1) - 8, baseline_of(42 + 2 * n), str(n))
    for line, col in (*((42 + 2 * n, 55) for n in range(1, 7)), (56, 57)):  # 24F and 28
        x = x_of(col) + COL_PT / 2
        pdf.line(x, top_of(line) + 2, x, top_of(line + 1))
    pdf.set_font("Helvetica", "B", 22)
    pdf.text(x_of(1), top_of(3), "1500")
    pdf.set_font("Helvetica", "B", 11)
    pdf.text(x_of(1), top_of(6) + 4, "HEALTH INSURANCE CLAIM FORM")
    pdf.set_font("Helvetica", size=5)
    pdf.text(x_of(1), top_of(6) + 10, "APPROVED BY NATIONAL UNIFORM CLAIM COMMITTEE (NUCC) 02/12")
    pdf.text(x_of(41), top_of(1) + 4, "CARRIER")
    pdf.text(
        x_of(1),
        top_of(62) + 6,
        "FORM 1500 (02-12), drawn for viewing and fax by the Coding & Billing Assistant. "
        "To mail, print the data-only version on the red pre-printed form.",
    )


def cms1500_pdf(doc: ClaimImport, form: str = "view", offset_mm: tuple[float, float] = (0.0, 0.0)) -> bytes:
    """The claim's CMS-1500: ``print`` (data only, for the red form) or ``view`` (with the form drawn).

    ``offset_mm`` (right, down) moves the data for a printer that feeds the form shifted."""
    if form not in FORM_KINDS:
        raise InvalidInput(
            f"unknown CMS-1500 form {form!r}",
            field="form",
            fix="use form=print (data only, for the red pre-printed form) or form=view (form drawn)",
        )
    dx, dy = offset_mm[0] * MM_PT, offset_mm[1] * MM_PT
    pdf = FPDF(orientation="P", unit="pt", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"CMS-1500 claim {doc.claim_id} ({form})")
    pdf.set_creator("Coding & Billing Assistant")
    for items in cms1500_pages(doc):
        pdf.add_page()
        if form == "view":
            _draw_form(pdf)
        pdf.set_font("Courier", size=12)
        pdf.set_text_color(0)
        for item in items:
            pdf.text(item.x_pt + dx, item.baseline_pt + dy, item.text)
    return bytes(pdf.output())
