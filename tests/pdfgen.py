"""Make UN-style PDFs inside tests (fpdf2): running header, page numbers, job number."""

from __future__ import annotations

import re
from pathlib import Path

from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_ASCII = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-",
                        "ô": "o", "é": "e"})


def pdf_paragraph(n: int) -> str:
    """Paragraph n, worded unlike any other even digits aside (lines that repeat on many
    pages are running headers)."""
    return f"{n}. The Committee considered the {''.join(chr(97 + int(d)) for d in str(n))} " \
        "report."


class UNDoc(FPDF):
    """A4 pages with the symbol on top, 'page/total' and a job number at the foot."""

    def __init__(self, symbol: str, job: str, footer_format: str = "{job} {page}/{nb}",
                 first_page: int = 1) -> None:
        """``first_page``: the number printed on the first page (an extract of a longer
        document prints "3/12" on its first PDF page); ``{page}`` in ``footer_format``."""
        super().__init__(format="A4")
        self.symbol, self.job = symbol, job
        self.footer_format = footer_format
        self.first_page = first_page
        self.base = 0.0  # baseline of the last line drawn with ``line`` (mm from the top)
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
        self.cell(0, 6, self.footer_format.format(job=self.job,
                                                  page=self.page_no() + self.first_page - 1,
                                                  nb="{nb}"))

    def para(self, text: str, size: float = 10, gap: float = 2.0) -> None:
        self.set_font(self.family, size=size)
        self.multi_cell(0, 5, self.clean(text))
        self.ln(gap)


    # -- lines placed by hand, for layout rules (positions, sizes, raised markers) --

    def start_body(self) -> None:
        """A new page; ``line`` draws from under the running header."""
        self.add_page()
        self.base = self.t_margin + 16

    def line(self, text: str, size: float = 10, indent: float = 0.0, gap: float = 0.0,
             lead: float = 1.2) -> None:
        """Draw one line ``lead`` x ``size`` points under the previous one (plus ``gap``
        points), ``indent`` mm right of the margin. ``{4}`` in ``text`` is a footnote
        marker: digits printed at 60 % of the size, raised by 35 % of it (as Word does)."""
        self.base += (lead * size + gap) / self.k
        x = self.l_margin + indent
        for part in re.split(r"(\{\d+\})", self.clean(text)):
            if not part:
                continue
            raised = part.startswith("{")
            digits = part.strip("{}")
            self.set_font(self.family, size=size * 0.6 if raised else size)
            self.text(x, self.base - (0.35 * size / self.k if raised else 0), digits)
            x += self.get_string_width(digits)

    def notes(self, notes: list[str], rule: bool = True, size: float = 8) -> None:
        """Footnote lines at the foot of the page (each ``{n} text`` or ``n text``), under
        a "____" rule or not, ending 25 mm above the bottom edge."""
        step = 1.2 * size / self.k
        self.base = self.h - 25 - step * (len(notes) + (1 if rule else 0))
        if rule:
            self.line("_" * 20, size=size)
        for note in notes:
            self.line(note, size=size)


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


def raw_pdf(objects: list[bytes]) -> bytes:
    """PDF bytes whose object n is ``objects[n-1]`` (object 1 the catalog), with a right
    cross-reference table: for files no PDF library would write."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def write_inflating_pdf(path: Path, pages: int = 40, inflated: int = 60 * 2**20,
                        fill: bytes = b"\0") -> Path:
    """A small PDF whose every page has one flate-compressed content stream: a line of text
    and then ``inflated`` bytes of ``fill`` (zeros or spaces compress about 1000:1: 40
    pages of 60 MB make a 2.5 MB file; a reader that extracts the text parses them all).
    Written by hand: only the objects a reader needs."""
    import zlib

    data = zlib.compress(b"BT /F1 12 Tf 72 720 Td (A page of the report.) Tj ET\n"
                         + fill * inflated, 9)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(
            b"%d 0 R" % (4 + 2 * i) for i in range(pages)) + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                       % (5 + 2 * i))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data)
                       + data + b"\nendstream")
    path.write_bytes(raw_pdf(objects))
    return path
