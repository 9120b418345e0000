"""PDF output with fpdf2 (core fonts: text is reduced to Latin-1)."""

from __future__ import annotations

import unicodedata

_REPLACE = {
    "\u2014": "-",
    "\u2013": "-",
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
}


def latin1(text: str) -> str:
    text = "".join(_REPLACE.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKC", text)
    return text.encode("latin-1", "replace").decode("latin-1")


def html_pdf(html: str, title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_title(latin1(title))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.write_html(latin1(html))
    return bytes(pdf.output())


def text_pdf(title: str, text: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_title(latin1(title))
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.cell(0, 10, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in text.splitlines():
        pdf.multi_cell(0, 6, latin1(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
