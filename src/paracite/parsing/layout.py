"""A PDF page read once, with the geometry pypdf knows: lines, positions, font sizes.

pypdf's ``extract_text(visitor_text=…)`` calls back for every piece of text it emits, with
the text matrix, the current transformation matrix and the font size. The pieces, joined,
are exactly pypdf's plain text; here they are cut into lines (at pypdf's own line breaks)
and each line keeps:

- ``x``: where its first visible character starts, ``y``: its baseline, ``size``: the font
  size that most of its characters use. ``x`` and ``y`` are the text matrix times the
  transformation matrix: PDF user-space points, origin at the bottom left, the space
  pdfium's character boxes are in (checked against pdfium's character origins on the UN
  PDFs, and on pages with /Rotate or a media box not at 0, 0);
- ``text``, in which a run of digits printed **smaller and raised** above the baseline is
  wrapped as ``\\x02digits\\x03``: a footnote marker candidate. Whether it is one is decided
  with the page's footnotes (:mod:`paracite.parsing.pdf_footnotes`); "CRP.12" is neither
  smaller nor raised, so it never is.

Unicode format characters (zero-width spaces, bidi marks, soft hyphens) are removed from
the text here, before anything reads it.

Nothing here knows about UN documents; it is the layout that the PDF parser and, later,
highlighting on the page image stand on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from paracite.parsing.blocks import strip_format_chars

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
_SUP_SHARE = 0.85  # a piece this much smaller than its line's text …
_SUP_RISE = 0.12  # … and raised by this share of the line's font size is a superscript
_CELL_GAP = 0.8  # blank space wider than this many font sizes separates table cells
_CHAR_WIDTH = 0.42  # a character's width, in font sizes, to estimate where a piece ends
_MARKER_TEXT = re.compile(r"^\s*\d{1,4}(?:\s*,\s*\d{1,4})*\s*$")
# how the lines of one paragraph look (the PDF parser's paragraphs and tables read them):
PARAGRAPH_GAP = 1.3  # more space than this many line steps above a line: a new paragraph
SIZE_STEP = 0.5  # a font size change larger than this (points): another paragraph


@dataclass
class Line:
    """One line of a page as pypdf reads it, with where and how big it is printed."""

    text: str
    page: int
    x: float
    y: float
    size: float
    width: float = 0.0  # from x to the start of the last visible piece (a lower bound)
    # the line's runs of text separated by wide blank space, as (x, text): table cells
    cells: tuple[tuple[float, str], ...] = ()
    bold: float = 0.0  # share of its characters printed in a bold font

    @property
    def plain(self) -> str:
        """The text with marker candidates as the plain digits they are printed as."""
        return self.text.replace(MARK_OPEN, "").replace(MARK_CLOSE, "")


@dataclass
class Page:
    number: int  # 1-based PDF page index
    width: float
    height: float
    lines: list[Line]
    right: float = 0.0  # the media box's right edge, in user-space points (0: unknown)


def _mult(m: list[float], n: list[float]) -> list[float]:
    return [m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5]]


@dataclass
class _Piece:
    text: str
    x: float
    y: float
    size: float
    bold: bool = False


def _without_format_chars(pieces: list[_Piece]) -> list[_Piece]:
    """The pieces of a line without Unicode format characters (zero-width spaces, bidi
    marks, soft hyphens …: "2\u200b2." is paragraph 22). A soft hyphen that ends the line
    is printed there as the hyphen of a broken word: it is kept, as "-"."""
    texts = [strip_format_chars(p.text) for p in pieces]
    last = next((k for k in range(len(pieces) - 1, -1, -1) if texts[k].strip()), None)
    if last is not None and pieces[last].text.rstrip().endswith("\u00ad"):
        body = pieces[last].text.rstrip()
        texts[last] = strip_format_chars(body[:-1]) + "-" + pieces[last].text[len(body):]
    return [p if t == p.text else _Piece(t, p.x, p.y, p.size, p.bold)
            for p, t in zip(pieces, texts, strict=True)]


def _line_of(pieces: list[_Piece], page: int) -> Line | None:
    pieces = _without_format_chars(pieces)
    visible = [p for p in pieces if p.text.strip()]
    if not visible:
        return None if not pieces else Line("", page, 0.0, 0.0, 0.0)
    weight: Counter[float] = Counter()
    for p in visible:
        weight[round(p.size, 1)] += len(p.text.strip())
    size = weight.most_common(1)[0][0]
    body = [p for p in visible if round(p.size, 1) == size]
    base = body[0].y
    out: list[str] = []
    for p in pieces:
        small = p.size and size and p.size <= _SUP_SHARE * size
        if small and _MARKER_TEXT.match(p.text) and p.y - base > _SUP_RISE * size:
            lead = p.text[: len(p.text) - len(p.text.lstrip())]
            digits = re.sub(r"\s+", "", p.text)
            out.append(f"{lead}{MARK_OPEN}{digits}{MARK_CLOSE}")
        else:
            out.append(p.text)
    text = "".join(out).rstrip()
    chars = sum(len(p.text.strip()) for p in visible)
    bold = sum(len(p.text.strip()) for p in visible if p.bold) / max(1, chars)
    return Line(text, page, visible[0].x, base, size, visible[-1].x - visible[0].x,
                _cells(visible, size), bold)


def text_end(x: float, text: str, size: float) -> float:
    """Where text starting at ``x`` ends, estimated from its length (pypdf gives no widths)."""
    return x + len(text.rstrip()) * _CHAR_WIDTH * size


def _cells(visible: list[_Piece], size: float) -> tuple[tuple[float, str], ...]:
    """Group a line's pieces into cells: a piece starting more than a font size right of
    where the previous one ends (estimated at half a font size per character) opens one."""
    cells: list[tuple[float, list[str]]] = []
    end = -1e9
    prev = ""
    for p in visible:
        hyphen = prev.rstrip().endswith("-") or p.text.lstrip().startswith("-")
        prev = p.text
        if not cells or (p.x - end > _CELL_GAP * size and not hyphen):
            cells.append((p.x, [p.text]))
        else:
            cells[-1][1].append(p.text)
        end = max(end, text_end(p.x, p.text, p.size))
    return tuple((x, re.sub(r"\s+", " ", "".join(t)).strip()) for x, t in cells)


def read_page(page: object, number: int) -> Page:
    """One pypdf page → its lines, in pypdf's reading order."""
    pieces: list[_Piece] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object,
              font_size: float) -> None:
        m = _mult(list(tm), list(cm))
        name = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
        pieces.append(_Piece(text, m[4], m[5], abs(font_size * math.hypot(m[2], m[3])),
                             "bold" in name.lower()))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    lines: list[Line] = []
    cur: list[_Piece] = []
    for p in pieces:
        if "\n" not in p.text:
            cur.append(p)
            continue
        head, *rest = p.text.split("\n")
        cur.append(_Piece(head, p.x, p.y, p.size, p.bold))
        for part in rest:
            line = _line_of(cur, number)
            if line is not None:
                lines.append(line)
            cur = [_Piece(part, p.x, p.y, p.size, p.bold)]
    line = _line_of(cur, number)
    if line is not None:
        lines.append(line)
    box = page.mediabox  # type: ignore[attr-defined]
    return Page(number, float(box.width), float(box.height), lines, float(box.right))
