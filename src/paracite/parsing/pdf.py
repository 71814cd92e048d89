"""UN PDFs → blocks, with pypdf: :func:`parse_pdf` and the paragraph rules.

What pypdf's plain text gives for UN documents, and what is done with it, stage by stage:

- **Limits** (:mod:`paracite.parsing.pdf_limits`): a file that is not a PDF, is encrypted,
  has too many pages or streams that inflate too far is refused before its text is read;
  each page is then read once with its layout (:mod:`paracite.parsing.layout`).
- **Running headers and footers** (:mod:`paracite.parsing.pdf_furniture`): the document
  symbol, "3/26", "Page 2", job numbers such as "25-06882 (E) 270525", barcodes …, in the
  top or bottom lines of a page, are removed; the page number the page prints is kept.
- **Footnotes** (:mod:`paracite.parsing.pdf_footnotes`): bodies at the foot of a page
  become ``footnote`` blocks; their markers, raised or glued to a word ("submissions1"),
  become superscripts ("submissions¹").
- **Tables of contents** (dot leaders "……… 19 - 22   8") are dropped: they are not
  paragraphs and would be mistaken for numbered ones.
- **Tables** (:mod:`paracite.parsing.pdf_tables`): one ``table`` block each, found by their
  columns.
- **Paragraphs** (here). A numbered paragraph starts at ``12. Text``; otherwise a line
  indented by a leading space after a line that ended a sentence, or any line after a short
  line that ended a sentence, starts a new paragraph, as does a change of font size or more
  space above a line than between the lines of a paragraph. Lines of a paragraph are joined
  with a space; a word hyphenated at a line end is re-joined ("implemen-" + "tation"),
  keeping the hyphen of real compounds ("high-" + "quality").

The cover's title, issuing body and date are read by :mod:`paracite.parsing.cover`.
Structure (which number continues the sequence, what is a heading, joining paragraphs
cut by a page break) is decided later by :mod:`paracite.parsing.un_structure`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from paracite.documents import Box
from paracite.errors import ParseError
from paracite.parsing.blocks import Block, ParsedFile
from paracite.parsing.cover import document_symbol, read_cover, symbol_from_headers
from paracite.parsing.layout import PARAGRAPH_GAP, SIZE_STEP, Line, Page
from paracite.parsing.pdf_footnotes import (
    glued_markers,
    raised_markers,
    split_notes,
    superscript_marks,
)
from paracite.parsing.pdf_furniture import printed_page, running_lines, strip_edges
from paracite.parsing.pdf_limits import read_pages
from paracite.parsing.pdf_tables import find_tables
from paracite.text import un_patterns as un

_SHORT_LINE = 0.7  # a line shorter than this share of the page's longest ends a paragraph
_HEADING_LINE = 0.5  # an unpunctuated line this short before an indented one is a heading
_INDENT = 6.0  # points right of the text margin that make a line indented
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER_RUN = re.compile(r"[a-z]+")
_JOIN_KEEP = 256  # characters of a paragraph being joined that the next line looks at
# how far a line's letters reach above and below its baseline, in font sizes (a box is
# the band its lines fill: accents and capitals above, descenders below)
_ASCENT, _DESCENT = 1.0, 0.3
_TOC = un.CONTENTS_LEADERS
_HEADING_START = re.compile(r"^\s*(?:[IVXL]+\.|[A-Z]\.|Chapter\b|Annex\b|\([a-z]\))\s")
# ends a sentence, possibly followed by a footnote number not yet made a superscript
_CLOSED = re.compile(r"[.:;!?)\]\"”’]\s*+(?:\d{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]*+)\s*+$")  # possessive:
# "a." and 100,000 spaces backtracked quadratically
# Second halves of words broken at a syllable ("-tation", "-ment", "-ing").
_SUFFIX = re.compile(r"^(?:[a-z]{0,3}(?:tion|sion|ment|ing|ity|ance|ence|ness|able|ible|ous|ture|"
                     r"tional|ional|ical|ized|ised|ated|ating|izat|isat)|ed|er|ers|ly|al|ive|"
                     r"ies|ic|ics|ist|ists|ism|ial|ian|ary|ory|ate)")


@dataclass
class _Line:
    text: str
    page: int
    indent: bool
    offset: float = 0.0  # points right of the page's text margin
    y: float = 0.0
    size: float = 0.0
    table: tuple[str, ...] | None = None  # a whole table: its header (text: one row a line)
    box: tuple[float, float, float, float] | None = None  # where it is printed (see _band)


# a page's body: (page, its lines, its notes as (marker, lines), lines continuing the last
# note of the page before)
_PageBody = tuple[Page, list[Line], list[tuple[str, list[str]]], list[str]]
_Note = tuple[str, list[str], int, int]  # marker, lines, page, index of the body line after


def _body_size(pages: list[Page]) -> float:
    """The font size most of the document's characters are printed in."""
    weight: Counter[float] = Counter()
    for page in pages:
        for ln in page.lines:
            weight[ln.size] += len(ln.text)
    return weight.most_common(1)[0][0] if weight else 10.0


def _margins(pages: list[list[Line]], size: float) -> tuple[float, float]:
    """The x where most body-size lines start, on odd and on even pages (UN documents
    mirror their margins): the text margin that indentation is measured from."""
    found = []
    for parity in (1, 0):
        xs: Counter[int] = Counter()
        for lines in pages[1 - parity::2]:
            xs.update(round(ln.x) for ln in lines if ln.text.strip()
                      and abs(ln.size - size) < 1)
        found.append(float(xs.most_common(1)[0][0]) if xs else 0.0)
    return found[0], found[1] or found[0]


def _join(prev: str, nxt: str, words: frozenset[str] = frozenset()) -> str:
    """Join two lines of one paragraph, re-joining a word hyphenated at the line end.

    "implemen-" + "tation" → "implementation"; "high-" + "quality" → "high-quality".
    The document's own words decide first (it spells "implementation" or "high-quality"
    elsewhere); otherwise a second half that starts like a suffix loses the hyphen.
    """
    p, n = prev.rstrip(), nxt.strip()
    if p.endswith("-") and len(p) > 1 and p[-2].isalpha() and n[:1].islower():
        k = len(p) - 1  # the letters before the hyphen (no regex: "[A-Za-z]+$" was
        while k > 0 and p[k - 1] in _ASCII_LETTERS:  # quadratic in a long run of them)
            k -= 1
        head = p[k:-1]
        tail = m.group(0) if (m := _LOWER_RUN.match(n)) else ""
        if head and tail:
            joined = (head + tail).lower()
            if joined in words:
                return p[:-1] + n
            if f"{head}-{tail}".lower() in words:
                return p + n
        return p[:-1] + n if _SUFFIX.match(n) else p + n
    if p.endswith("-") and len(p) > 1 and p[-2].isalpha() and n[:1].isupper():
        return p + n  # "Secretary-" + "General"
    return f"{p} {n}" if p else n


def _joined(lines: list[str], words: frozenset[str]) -> str:
    """The lines of one paragraph as one text, joined at the end only: the start of a long
    paragraph is not copied again for every line (a page of 100,000 lines was quadratic)."""
    done: list[str] = []
    text = re.sub(r"\s+", " ", lines[0]).strip()
    for ln in lines[1:]:
        text = _join(text, ln, words)
        if len(text) > _JOIN_KEEP * 16:
            done.append(text[:-_JOIN_KEEP])
            text = text[-_JOIN_KEEP:]
    return re.sub(r"\s+", " ", "".join(done) + text).strip()


def parse_pdf(path: Path, *, max_pages: int = 5000,
              max_inflated_bytes: int = 400 * 2**20,
              on_page: Callable[[int, int], None] | None = None) -> ParsedFile:
    """Parse a UN PDF into blocks (see the module docstring for the rules).
    ``on_page(done, total)``: before the first page's text is read and after each page.

    Refused with a ParseError, before any page's text is read: a PDF of more than
    ``max_pages`` pages, or whose content streams (with the forms and font maps its pages
    use) inflate to more than ``max_inflated_bytes``. Unicode format characters (zero-width
    spaces, bidi marks …) are removed from the text as it is read (see layout.read_page).
    """
    pages = read_pages(path, max_pages, max_inflated_bytes, on_page)
    raw_pages = ["\n".join(ln.plain for ln in page.lines) for page in pages]
    if not any(t.strip() for t in raw_pages):
        raise ParseError(f"{path.name}: no extractable text; scanned PDFs need OCR, which "
                         "paracite does not do")
    for page in pages:
        for ln in page.lines:
            ln.text = ln.text.replace("\u00a0", " ")
    split = [t.replace("\u00a0", " ").splitlines() for t in raw_pages]
    symbol = document_symbol(raw_pages[0]) or symbol_from_headers(split)
    body_size = _body_size(pages)
    kept, labels = _page_bodies(pages, symbol, body_size)
    odd, even = _margins([lines for _, lines, _, _ in kept], body_size)
    leading = _leading([_Line(ln.text, p.number, False, 0.0, ln.y, ln.size)
                        for p, lines, _, _ in kept for ln in lines])
    body, footnotes = _body_lines(kept, odd, even, leading)
    words = frozenset(re.findall(r"[a-z]+(?:-[a-z]+)*", " ".join(raw_pages).lower()))
    blocks, source_text = _Paragraphs(body, footnotes, labels, words, leading).read()
    cover = read_cover(pages[0], symbol, body_size, odd)
    return ParsedFile(blocks=blocks, source_text=source_text,
                      pages=len(raw_pages), title=cover.title, symbol=symbol,
                      date=cover.date, body=cover.body)


def _page_bodies(pages: list[Page], symbol: str | None, body_size: float
                 ) -> tuple[list[_PageBody], dict[int, str]]:
    """Each page's body (see ``_PageBody``): without running headers and footers, tables of
    contents and footnote bodies; and the page numbers the pages print, by PDF page."""
    running = running_lines(pages)
    labels: dict[int, str] = {}
    expected_fn = 1
    kept: list[_PageBody] = []
    for page in pages:
        lines, removed = strip_edges(page, symbol, running)
        if (printed := printed_page(removed)) is not None:
            labels[page.number] = printed
        lines = [ln for ln in lines if not _TOC.search(ln.plain)]
        lines, notes, carried = split_notes(lines, body_size, expected_fn)
        kept.append((page, lines, notes, carried))
        numbered = [int(m) for m, _ in notes if m.isdigit()]
        if numbered:
            expected_fn = numbered[-1] + 1
    return kept, labels


def _body_lines(kept: list[_PageBody], odd: float, even: float, leading: float
                ) -> tuple[list[_Line], list[_Note]]:
    """The running text of all pages as lines (a whole table as one, a blank line as an
    empty one), with footnote markers as superscripts; and the footnotes, each with the
    index of the body line printed after it."""
    body: list[_Line] = []
    footnotes: list[_Note] = []
    printed_notes: set[str] = set()
    for page, lines, notes, carried in kept:
        if carried and footnotes:
            footnotes[-1][1].extend(carried)
        marks = {m for m, _ in notes}
        margin = odd if page.number % 2 else even
        tables = {start: (end, header, rows) for start, end, header, rows in
                  find_tables(lines, leading)}
        skip_to = 0
        for n, ln in enumerate(lines):
            if n < skip_to:
                continue
            if n in tables:
                end, header, rows = tables[n]
                body.append(_Line(superscript_marks(rows), page.number, False, 0.0, ln.y,
                                  ln.size, table=tuple(header),
                                  box=_band(lines[n:end], page)))
                skip_to = end
                continue
            if not ln.text.strip():
                body.append(_Line("", page.number, False))
                continue
            text = superscript_marks(ln.text)
            text = glued_markers(text, marks - raised_markers(ln.text), printed_notes)
            body.append(_Line(text.rstrip(), page.number, ln.x > margin + _INDENT,
                              ln.x - margin, ln.y, ln.size, box=_band([ln], page)))
        for marker, note_lines in notes:
            footnotes.append((marker, note_lines, page.number, len(body)))
        printed_notes |= {m for m in marks if m.isdigit()}
    return body, footnotes


def _band(lines: list[Line], page: Page) -> tuple[float, float, float, float] | None:
    """Where ``lines`` are printed: (x0, y0, x1, y1) in user-space points, from where the
    leftmost starts to the page's right edge (pypdf gives no glyph widths), from the lowest
    baseline less its descenders to the highest plus its letters' height."""
    shown = [ln for ln in lines if ln.text.strip()]
    if not shown:
        return None
    x0 = min(ln.x for ln in shown)
    return (x0, min(ln.y - _DESCENT * ln.size for ln in shown),
            max(page.right or page.width, x0), max(ln.y + _ASCENT * ln.size for ln in shown))


def _box(page: int, band: tuple[float, float, float, float] | None) -> Box | None:
    """A band as a block's box, rounded outwards to whole points (they store short)."""
    if band is None:
        return None
    x0, y0, x1, y1 = band
    return Box(page, math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1))


def _union(a: tuple[float, float, float, float] | None,
           b: tuple[float, float, float, float] | None
           ) -> tuple[float, float, float, float] | None:
    """The band around two bands (either may be None)."""
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


class _Paragraphs:
    """Body lines → paragraph, table and footnote blocks, in reading order, with offsets
    into the source text (the blocks' texts joined by newlines). Each footnote comes out
    before the body line printed after it; a paragraph's lines are joined when it ends."""

    def __init__(self, body: list[_Line], footnotes: list[_Note], labels: dict[int, str],
                 words: frozenset[str], leading: float) -> None:
        self.body, self.labels, self.words, self.leading = body, labels, words, leading
        self.widest = max((len(x.text) for x in body if x.text), default=80)
        self.note_at: dict[int, list[_Note]] = {}
        for fn in footnotes:
            self.note_at.setdefault(fn[3], []).append(fn)
        self.blocks: list[Block] = []
        self.source_parts: list[str] = []
        self.offset = 0
        self.cur: list[str] = []  # the lines of the paragraph being read
        self.cur_page = 1
        self.cur_start = 0
        self.cur_offset = 0.0
        self.cur_band: tuple[float, float, float, float] | None = None  # where cur is printed
        self.last: _Line | None = None  # the line before, on the page
        self.top_number = 0  # the highest number a paragraph started with

    def read(self) -> tuple[list[Block], str]:
        """(the blocks, the source text their offsets index)."""
        for i, line in enumerate(self.body):
            if i in self.note_at:
                self.flush()
                self.emit_notes(i)
            if line.table is not None:
                self.flush()
                self.append(Block(line.text, line.page, self.offset,
                                  self.offset + len(line.text), kind="table",
                                  cells=line.table, page_label=self.labels.get(line.page),
                                  box=_box(line.page, line.box)))
                self.last = None
                continue
            text = line.text.strip()
            if not text:
                self.flush()
                continue
            self.add_line(line, text)
        self.flush()
        self.emit_notes(len(self.body))
        return self.blocks, "\n".join(self.source_parts)

    def append(self, block: Block) -> None:
        self.blocks.append(block)
        self.source_parts.append(block.text)
        self.offset += len(block.text) + 1

    def flush(self) -> None:
        """End the paragraph being read: one block, unless it is only spaces."""
        if not self.cur:
            return
        text = _joined(self.cur, self.words)
        if text:
            last_page = self.blocks[-1].page if self.blocks else 0
            self.blocks.append(Block(text, self.cur_page, self.cur_start,
                                     self.cur_start + len(text),
                                     page_break_before=self.cur_page != last_page,
                                     indent=self.cur_offset,
                                     page_label=self.labels.get(self.cur_page),
                                     box=_box(self.cur_page, self.cur_band)))
            self.source_parts.append(text)
            self.offset = self.cur_start + len(text) + 1
        self.cur = []

    def emit_notes(self, index: int) -> None:
        """The footnotes printed before body line ``index``."""
        for marker, lines, page, _ in self.note_at.get(index, []):
            text = re.sub(r"\s+", " ", " ".join(x.strip() for x in lines)).strip()
            self.append(Block(text, page, self.offset, self.offset + len(text),
                              kind="footnote", marker=marker,
                              page_label=self.labels.get(page)))

    def add_line(self, line: _Line, text: str) -> None:
        """A line of running text: it continues the paragraph being read or starts one."""
        prev = self.cur[-1] if self.cur else ""
        last = self.last
        # the layout separates paragraphs: a change of font size, more space above the line
        # than between the lines of a paragraph, or a jump up the page (another column)
        apart = last is not None and last.page == line.page and (
            abs(last.size - line.size) > SIZE_STEP
            or last.y - line.y > PARAGRAPH_GAP * self.leading or line.y > last.y + SIZE_STEP)
        # "… in table 1b of Annex" / "I. While final figures …": a number that only
        # continues a reference cut at the line end, printed as the next line of the same
        # paragraph (no space above it, aligned with the lines before)
        wrapped = (self.cur and last is not None and last.page == line.page and not apart
                   and not _CLOSED.search(prev) and abs(line.offset - last.offset) < _INDENT
                   and _last_word(prev) in _REFERENCE_WORDS)
        self.last = line
        # a number starts a paragraph; one of four digits or more only as the next of
        # the highest so far ("1000." after "999.", never "2017." out of the blue)
        number = un.paragraph_number(text, self.top_number + 1)
        starts = not wrapped and (number is not None or _HEADING_START.match(text))
        if starts and number is not None:
            self.top_number = max(self.top_number, number)
        new_para = (not self.cur or apart or line.page != self.cur_page and starts or starts
            or (_CLOSED.search(prev) and (line.indent or len(prev.strip()) < _SHORT_LINE
                                          * self.widest))
            # a short unpunctuated line, then an indented one: a heading ("Summary")
            or (len(prev.strip()) < _HEADING_LINE * self.widest and line.indent
                and not _CLOSED.search(prev)))
        if self.cur and line.page != self.cur_page and not new_para:
            # a paragraph running over the page break: keep it as two blocks, recovery
            # joins them (and knows the pages)
            new_para = True
        if new_para:
            self.flush()
            self.cur_page = line.page
            self.cur_start = self.offset
            self.cur_offset = line.offset
            self.cur_band = None
        self.cur.append(text)
        self.cur_band = _union(self.cur_band, line.box)


_REFERENCE_WORDS = frozenset({
    "annex", "annexes", "chapter", "chapters", "part", "section", "sections", "article",
    "articles", "paragraph", "paragraphs", "para", "paras", "resolution", "resolutions",
    "decision", "decisions", "table", "figure", "item", "items", "no", "nos", "volume",
    "vol", "of", "and", "to", "the", "in", "on", "by", "for", "with", "see", "under", "from"})


def _last_word(text: str) -> str:
    words = re.findall(r"[A-Za-z]+", text[-40:])
    return words[-1].lower() if words else ""


def _leading(body: list[_Line]) -> float:
    """The usual distance between two lines of one paragraph (12 pt for 10 pt text)."""
    steps: Counter[float] = Counter()
    for a, b in zip(body, body[1:], strict=False):
        if a.text and b.text and a.page == b.page and a.size == b.size and a.y > b.y:
            steps[round(a.y - b.y, 1)] += 1
    return steps.most_common(1)[0][0] if steps else 12.0
