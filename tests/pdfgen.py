"""Make UN-style PDFs inside tests (fpdf2): running header, page numbers, job number."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_ASCII = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-",
                        "ô": "o", "é": "e"})


class UNDoc(FPDF):
    """A4 pages with the symbol on top, 'page/total' and a job number at the foot."""

    def __init__(self, symbol: str, job: str) -> None:
        super().__init__(format="A4")
        self.symbol, self.job = symbol, job
        self.unicode = DEJAVU.is_file()
        if self.unicode:
            self.add_font("body", "", str(DEJAVU))
            self.family = "body"
        else:  # no TTF on this machine: Latin-1 core font, text transliterated
            self.family = "helvetica"
        self.set_auto_page_break(True, margin=25)
        self.alias_nb_pages()

    def clean(self, text: str) -> str:
        return text if self.unicode else text.translate(_ASCII).encode(
            "latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.family, size=8)
        self.cell(0, 6, self.symbol, align="R")
        self.ln(10)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.family, size=8)
        self.cell(0, 6, f"{self.job} {self.page_no()}/{{nb}}")

    def para(self, text: str, size: float = 10, gap: float = 2.0) -> None:
        self.set_font(self.family, size=size)
        self.multi_cell(0, 5, self.clean(text))
        self.ln(gap)


def write_pdf(path: Path, items: list[tuple[str, str]], symbol: str = "A/TEST/1",
              job: str = "V.17-02787") -> Path:
    """``items``: (kind, text) with kind 'heading' or 'para'; lines inside a paragraph
    (lists) are written as separate lines."""
    pdf = UNDoc(symbol, job)
    pdf.add_page()
    for kind, text in items:
        if kind == "heading":
            pdf.para(text, size=11, gap=3)
        else:
            for i, line in enumerate(text.split("\n")):
                pdf.para(("    " if i else "") + line, gap=0 if "\n" in text else 2)
            if "\n" in text:
                pdf.ln(2)
    pdf.output(str(path))
    return path
