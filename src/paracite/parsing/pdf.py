"""UN PDFs → blocks, with pypdf.

What pypdf's plain text gives for UN documents, and what is done with it:

- **Running headers and footers** (the document symbol, "3/26", "Page 2", job numbers such
  as "25-06882 (E) 270525", "V.17-01234", "GE.25-05965", barcodes "*2506882*",
  "Please recycle") are removed when they stand in the top or bottom lines of a page and
  either match those shapes or repeat, digits aside, on many pages.
- **Paragraphs.** A numbered paragraph starts at ``12. Text``; otherwise a line indented
  by a leading space after a line that ended a sentence, or any line after a short line
  that ended a sentence, starts a new paragraph. Lines of a paragraph are joined with a
  space; a word hyphenated at a line end is re-joined ("implemen-" + "tation"), keeping
  the hyphen of real compounds ("high-" + "quality").
- **Footnotes.** Bodies follow a rule line ("_____") at the foot of a page, or are numbered
  in sequence ("5  See E/C.16/2025/2."); they become ``footnote`` blocks. Their markers,
  glued to a word in the text ("submissions1"), become superscripts ("submissions¹").
- **Tables of contents** (dot leaders "……… 19 - 22   8") are dropped: they are not
  paragraphs and would be mistaken for numbered ones.

The cover's title, issuing body and date are read by :mod:`paracite.parsing.cover`.
Structure (which number continues the sequence, what is a heading, joining paragraphs
cut by a page break) is decided later by :mod:`paracite.parsing.un_structure`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paracite.errors import ParseError
from paracite.parsing import un_patterns as un
from paracite.parsing.blocks import Block, ParsedFile, to_superscript
from paracite.parsing.cover import document_symbol, read_cover, symbol_from_headers
from paracite.parsing.layout import MARK_CLOSE, MARK_OPEN, Line, Page, read_page, text_end

log = logging.getLogger(__name__)

_EDGE_LINES = 6  # header/footer zone: this many non-empty lines at top and bottom
_REPEAT_SHARE = 0.3  # a line (digits aside) on this share of pages is a running header
_SHORT_LINE = 0.7  # a line shorter than this share of the page's longest ends a paragraph
_HEADING_LINE = 0.5  # an unpunctuated line this short before an indented one is a heading
_SAME_HEIGHT = 6.0  # points: a running header repeats within this height on every page
_EDGE_ZONE = 0.07  # top and bottom share of the page where running headers/footers print
_NOTE_SIZE = 0.92  # footnotes print smaller than this share of the body text's size
_INDENT = 6.0  # points right of the text margin that make a line indented
_GAP = 1.3  # more space than this many line steps above a line: a new paragraph
_SIZE_STEP = 0.5  # a font size change larger than this (points): another paragraph
_COLUMN_SLACK = 3.0  # points: cells starting this close are in the same column
_TABLE_ROWS = 3  # a table has a header and at least two rows of several cells
_HEADER_WORDS = 5  # a column header is at most this many words
_ENUMERATOR = re.compile(r"^(?:\(?[0-9]{1,3}[.)]|\(?[a-z]{1,3}[.)]|\(?[ivxlc]{1,5}[.)]|"
                         r"[IVXL]{1,5}\.|[A-Z]\.|[-•–])$")
_TABLE_GAP = 3.0  # more space than this many line steps between two lines ends a table

_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LOWER_RUN = re.compile(r"[a-z]+")
_JOIN_KEEP = 256  # characters of a paragraph being joined that the next line looks at
_LOOK_BACK = 64  # characters before a glued number that tell what it follows
_FOOTNOTE = re.compile(r"^\s*(\d{1,3})\s{1,4}(\S.*)$")
_RULE = re.compile(r"^\s*_{5,}\s*$")
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


def _tables(lines: list[Line], leading: float) -> list[tuple[int, int, list[str], str]]:
    """Tables on a page: (first line, end, header cells, rows as "Head: cell; …" lines).

    A table is a run of lines whose cells start at the same x positions (the columns of
    its first line, the header) on at least ``_TABLE_ROWS`` lines; a line whose first cell
    is in the first column opens a row, a line starting in another column continues the
    cells of the row above (a cell wrapped over two lines). A table whose rows start with
    a paragraph number ("1. Governance structure") is a numbered list, left as paragraphs.
    """
    found = []
    i = 0
    while i < len(lines):
        head = lines[i]
        cols = [x for x, _ in head.cells]
        # a header names its columns in a few words; "11." or "(a)" in the first column
        # is a list's hanging number, not a table
        if len(cols) < 2 or any(len(t.split()) > _HEADER_WORDS for _, t in head.cells) \
                or _ENUMERATOR.match(head.cells[0][1]):
            i += 1
            continue

        def col(x: float, cols: list[float] = cols) -> int | None:
            return next((k for k, c in enumerate(cols) if abs(c - x) <= _COLUMN_SLACK), None)

        rows: list[list[str]] = []
        multi = 0
        j = i + 1
        while j < len(lines):
            ln = lines[j]
            gap = lines[j - 1].y - ln.y
            if not ln.text.strip() or gap > _TABLE_GAP * leading:
                break
            at = [col(x) for x, _ in ln.cells]
            if None in at or not at:
                break
            if at == [0]:
                # one cell in the first column: text running past the second column is
                # the paragraph after the table; a short one close under a row continues
                # that row's first cell
                if text_end(ln.x, ln.plain, ln.size) > cols[1] or not rows \
                        or gap > _GAP * leading:
                    break
                rows[-1][0] = f"{rows[-1][0]} {ln.cells[0][1]}".strip()
                j += 1
                continue
            if at[0] == 0:
                rows.append([""] * len(cols))
                multi += len(at) > 1
            elif not rows:
                break
            for k, (_, text) in zip(at, ln.cells, strict=True):
                if k is not None:
                    rows[-1][k] = f"{rows[-1][k]} {text}".strip()
            j += 1
        numbered = any(un.NUMBERED_PARAGRAPH.match(r[0]) or _ENUMERATOR.match(r[0])
                       for r in rows)
        if multi >= _TABLE_ROWS - 1 and not numbered:
            body = lines[i + 1:j]
            # the first line names the columns when it is printed otherwise than the rows
            # (smaller, larger or bold); else it is the first row of a table without header
            named = any(abs(head.size - ln.size) > _SIZE_STEP for ln in body) or (
                head.bold > 0.5 and all(ln.bold < 0.5 for ln in body))
            header = [t for _, t in head.cells]
            if named:
                rendered = ["; ".join(f"{h}: {c}" for h, c in zip(header, r, strict=True)
                                      if c) for r in rows]
            else:
                rendered = [" | ".join(header)] + [" | ".join(r) for r in rows]
                header = []
            found.append((i, j, header, "\n".join(rendered)))
            i = j
        else:
            i += 1
    return found


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


_INFLATE_CHUNK = 1 << 20  # bytes inflated at a time when counting a stream's size


def _read_pages(path: Path, max_pages: int = 5000,
                max_inflated_bytes: int = 400 * 2**20,
                on_page: Callable[[int, int], None] | None = None) -> list[Page]:
    head = path.read_bytes()[:1024]
    if not head:
        raise ParseError(f"{path.name}: empty file (0 bytes); skipped")
    if not head.lstrip().startswith(b"%PDF"):
        raise ParseError(f"{path.name}: not a PDF (starts with {head[:4]!r}); skipped")
    from pypdf import PdfReader, apply_configuration, get_configuration
    from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

    too_big = ParseError(
        f"{path.name}: more than {max_inflated_bytes / 2**20:g} MB of decompressed content "
        "(PARACITE_MAX_INFLATED_MB); a PDF whose streams inflate this much is malformed or "
        "hostile; skipped")
    # no one stream may inflate past the whole budget either (pypdf checks as it inflates)
    config = get_configuration()
    limits = {name: min(getattr(config, name) or max_inflated_bytes, max_inflated_bytes + 1)
              for name in ("zlib_maximum_output_length", "lzw_maximum_output_length",
                           "run_length_maximum_output_length",
                           "array_based_stream_maximum_output_length")}
    try:
        with apply_configuration(None, **limits):
            reader = PdfReader(str(path))
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))
                except Exception:  # pypdf raises several types for unsupported encryption
                    opened = False
                if not opened:
                    raise ParseError(f"{path.name}: encrypted PDF; paracite cannot read it "
                                     "without the password")
            count = len(reader.pages)
            if count > max_pages:
                raise ParseError(f"{path.name}: {count} pages, more than the {max_pages} "
                                 "allowed (PARACITE_MAX_PAGES); skipped")
            if _inflated_bytes(reader, max_inflated_bytes) > max_inflated_bytes:
                raise too_big
            if on_page:
                on_page(0, count)
            pages = []
            for n, page in enumerate(reader.pages, 1):
                pages.append(read_page(page, n))
                if on_page:
                    on_page(n, count)
            return pages
    except ParseError:
        raise
    except LimitReachedError as exc:  # one of pypdf's own limits
        if "decompressing" in str(exc):  # a stream inflating past the budget
            raise too_big from exc
        raise ParseError(f"{path.name}: malformed PDF ({exc}); skipped") from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(f"{path.name}: damaged or truncated PDF ({exc}); skipped") from exc


def _inflated_bytes(reader: Any, limit: int) -> int:
    """How many bytes the streams that text extraction reads inflate to, all pages
    together: each page's content streams, the form XObjects it draws (each time it draws
    them) and its fonts' /ToUnicode maps. Counting stops past ``limit``.

    Flate streams are inflated a megabyte at a time and only counted, so a 2 MB file of
    60 MB zero-filled pages fails in a second with little memory, before the text
    extraction that would parse each page's 60 MB (292 s and 2.1 GB for 40 such pages).
    """
    sizes: dict[tuple[int, int], int] = {}  # a stream shared by pages is inflated once
    total = 0
    for page in reader.pages:
        for stream in _page_streams(page):
            ref = getattr(stream, "indirect_reference", None)
            key = (ref.idnum, ref.generation) if ref is not None else None
            size = sizes.get(key) if key is not None else None
            if size is None:
                size = _stream_size(stream, limit - total)
                if key is not None:
                    sizes[key] = size
            total += size
            if total > limit:
                return total
    return total


def _page_streams(page: Any) -> list[Any]:
    """The content streams of a page, of the forms it draws (recursively) and its fonts'
    /ToUnicode maps; what cannot be read is left to text extraction to complain about."""
    from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

    out: list[Any] = []
    seen: set[int] = set()

    def resolve(obj: Any) -> Any:
        try:
            return obj.get_object() if obj is not None else None
        except Exception:  # a dangling or damaged reference
            return None

    def resources(res: Any) -> None:
        res = resolve(res)
        if not isinstance(res, DictionaryObject):
            return
        fonts = resolve(res.get("/Font"))
        if isinstance(fonts, DictionaryObject):
            for font in fonts.values():
                font = resolve(font)
                if isinstance(font, DictionaryObject):
                    add(font.get("/ToUnicode"), form=False)
        xobjects = resolve(res.get("/XObject"))
        if isinstance(xobjects, DictionaryObject):
            for xobj in xobjects.values():
                add(xobj, form=True)

    def add(obj: Any, form: bool) -> None:
        obj = resolve(obj)
        if isinstance(obj, ArrayObject):
            for item in obj:
                add(item, form)
            return
        if not isinstance(obj, StreamObject) or id(obj) in seen:
            return
        if form and obj.get("/Subtype") != "/Form":
            return  # images are not read for text
        seen.add(id(obj))
        out.append(obj)
        if form:
            resources(obj.get("/Resources"))

    try:
        add(page.get("/Contents"), form=False)
        resources(page.get("/Resources"))
    except (AttributeError, KeyError, TypeError, ValueError):
        pass
    return out


def _stream_size(stream: Any, limit: int) -> int:
    """The inflated size of ``stream``, or a number past ``limit`` once it gets there."""
    import zlib

    from pypdf.errors import LimitReachedError

    raw = getattr(stream, "_data", b"") or b""
    filters = stream.get("/Filter")
    if filters is None:
        return len(raw)
    if isinstance(filters, list) and len(filters) == 1:
        filters = filters[0]
    if filters in ("/FlateDecode", "/Fl") and stream.get("/DecodeParms") is None:
        inflater = zlib.decompressobj()
        size = 0
        data = raw
        try:
            while not inflater.eof:
                chunk = inflater.decompress(data, _INFLATE_CHUNK)
                data = inflater.unconsumed_tail
                if not chunk and not data:
                    break
                size += len(chunk)
                if size > limit:
                    return size
        except zlib.error:
            pass  # damaged: pypdf's own decoding (with its limits) decides later
        return size
    try:
        return len(stream.get_data())
    except LimitReachedError:
        return limit + 1
    except Exception:  # undecodable: text extraction skips or reports it
        return 0


def _running_lines(pages: list[Page]) -> set[tuple[str, int]]:
    """Lines (digits aside) that repeat at the same height in the top/bottom zone of many
    pages: running headers and footers. The height matters: many items of an agenda end
    with "(resolution 79/126)." somewhere near the foot of a page, a footer never moves."""
    counts: Counter[tuple[str, int]] = Counter()
    for page in pages:
        body = [ln for ln in page.lines if ln.text.strip()]
        edge = body[:_EDGE_LINES] + body[-_EDGE_LINES:]
        counts.update({_running_key(ln) for ln in edge})
    need = max(2, int(len(pages) * _REPEAT_SHARE))
    return {k for k, n in counts.items() if n >= need and len(k[0]) < 80}


def _running_key(ln: Line) -> tuple[str, int]:
    return _norm(ln.plain), round(ln.y / _SAME_HEIGHT)


def _body_size(pages: list[Page]) -> float:
    """The font size most of the document's characters are printed in."""
    weight: Counter[float] = Counter()
    for page in pages:
        for ln in page.lines:
            weight[ln.size] += len(ln.text)
    return weight.most_common(1)[0][0] if weight else 10.0


def _strip_edges(page: Page, symbol: str | None, running: set[tuple[str, int]]
                 ) -> tuple[list[Line], list[Line]]:
    """(the page's lines without running headers/footers, the lines removed)."""
    lines = page.lines

    def noise(ln: Line) -> bool:
        return un.is_noise(ln.plain, symbol) or _running_key(ln) in running

    def at_edge(ln: Line) -> bool:
        return ln.y > page.height * (1 - _EDGE_ZONE) or ln.y < page.height * _EDGE_ZONE

    start, end = 0, len(lines)
    seen = 0
    while start < end and seen < _EDGE_LINES and (not lines[start].text.strip() or noise(
            lines[start])):
        seen += bool(lines[start].text.strip())
        start += 1
    seen = 0
    while end > start and seen < _EDGE_LINES and (not lines[end - 1].text.strip() or noise(
            lines[end - 1])):
        seen += bool(lines[end - 1].text.strip())
        end -= 1
    removed = [ln for ln in lines[:start] + lines[end:] if ln.text.strip()]
    kept = []
    for ln in lines[start:end]:  # a footer drawn in the middle of the content stream
        if ln.text.strip() and at_edge(ln) and noise(ln):
            removed.append(ln)
        else:
            kept.append(ln)
    return kept, removed


def _printed_page(removed: list[Line]) -> str | None:
    """The page number the page prints in its header or footer: '13' of '13/26'."""
    for ln in removed:
        for tok in ln.plain.split():
            if m := re.fullmatch(r"(\d{1,4})/\d{1,4}", tok):
                return m.group(1)
    for ln in removed:
        s = ln.plain.strip()
        if m := re.fullmatch(r"(?:Page|page)\s+(\d{1,4})|(\d{1,4})|([ivxlc]{1,6})", s):
            return next(g for g in m.groups() if g)
    return None


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


_MARK = re.compile(f"{MARK_OPEN}([0-9,]+){MARK_CLOSE}")
_NOTE_START = re.compile(rf"^\s*(?:{MARK_OPEN}(\d{{1,4}}|\*{{1,3}}){MARK_CLOSE}|(\d{{1,3}})(?=\s)|"
                         rf"(\*{{1,3}}|†)(?=\s*\S))\s*(.*)$")


def _split_notes(lines: list[Line], body_size: float, expected: int
                 ) -> tuple[list[Line], list[tuple[str, list[str]]], list[str]]:
    """Cut a page's footnote block off its foot.

    The block follows a rule line ("_____"), or is the run of lines at the foot printed
    smaller than the body text whose first line starts with a raised marker (or with the
    next footnote number of the document). Returns the body lines, the notes as
    (marker, lines), and lines that continue the previous page's last note.
    """
    rule = next((i for i, ln in enumerate(lines) if _RULE.match(ln.plain)), None)
    cut, notes_from = (rule, rule + 1) if rule is not None else (None, None)
    if rule is None:
        i = len(lines)
        while i > 0 and (not lines[i - 1].text.strip()
                         or 0 < lines[i - 1].size <= _NOTE_SIZE * body_size):
            i -= 1
        first = next((j for j in range(i, len(lines)) if lines[j].text.strip()), None)
        if first is not None and (m := _NOTE_START.match(lines[first].text)) and (
                m.group(1) or m.group(3) or int(m.group(2)) == expected):
            cut, notes_from = first, first
    if cut is None or notes_from is None:
        return lines, [], []
    notes: list[tuple[str, list[str]]] = []
    carried: list[str] = []
    for ln in lines[notes_from:]:
        if not ln.text.strip():
            continue
        m = _NOTE_START.match(ln.text)
        if m and (m.group(1) or m.group(3) or not notes or not notes[-1][0].isdigit()
                  or int(m.group(2)) == int(notes[-1][0]) + 1 or int(m.group(2)) == expected):
            notes.append((m.group(1) or m.group(2) or m.group(3),
                          [_MARK.sub(r"\1", m.group(4))]))
        elif notes:
            notes[-1][1].append(_MARK.sub(r"\1", ln.text))
        else:
            carried.append(_MARK.sub(r"\1", ln.text))
    return lines[:cut], notes, carried


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
    pages = _read_pages(path, max_pages, max_inflated_bytes, on_page)
    raw_pages = ["\n".join(ln.plain for ln in page.lines) for page in pages]
    if not any(t.strip() for t in raw_pages):
        raise ParseError(f"{path.name}: no extractable text; scanned PDFs need OCR, which "
                         "paracite does not do")
    for page in pages:
        for ln in page.lines:
            ln.text = ln.text.replace("\u00a0", " ")
    split = [t.replace("\u00a0", " ").splitlines() for t in raw_pages]
    symbol = document_symbol(raw_pages[0]) or symbol_from_headers(split)
    running = _running_lines(pages)
    body_size = _body_size(pages)

    body: list[_Line] = []
    footnotes: list[tuple[str, list[str], int, int]] = []  # marker, lines, page, body index
    labels: dict[int, str] = {}
    expected_fn = 1
    kept: list[tuple[Page, list[Line], list[tuple[str, list[str]]], list[str]]] = []
    for page in pages:
        lines, removed = _strip_edges(page, symbol, running)
        if (printed := _printed_page(removed)) is not None:
            labels[page.number] = printed
        lines = [ln for ln in lines if not _TOC.search(ln.plain)]
        lines, notes, carried = _split_notes(lines, body_size, expected_fn)
        kept.append((page, lines, notes, carried))
        numbered = [int(m) for m, _ in notes if m.isdigit()]
        if numbered:
            expected_fn = numbered[-1] + 1
    odd, even = _margins([lines for _, lines, _, _ in kept], body_size)
    leading = _leading([_Line(ln.text, p.number, False, 0.0, ln.y, ln.size)
                        for p, lines, _, _ in kept for ln in lines])
    printed_notes: set[str] = set()
    for page, lines, notes, carried in kept:
        if carried and footnotes:
            footnotes[-1][1].extend(carried)
        marks = {m for m, _ in notes}
        margin = odd if page.number % 2 else even
        tables = {start: (end, header, rows) for start, end, header, rows in
                  _tables(lines, leading)}
        skip_to = 0
        for n, ln in enumerate(lines):
            if n < skip_to:
                continue
            if n in tables:
                end, header, rows = tables[n]
                rows = _MARK.sub(lambda m: _marker(m.group(1)), rows)
                body.append(_Line(rows, page.number, False, 0.0, ln.y, ln.size,
                                  table=tuple(header)))
                skip_to = end
                continue
            if not ln.text.strip():
                body.append(_Line("", page.number, False))
                continue
            text = _MARK.sub(lambda m: _marker(m.group(1)), ln.text)
            text = _glued_markers(text, marks - _raised(ln.text), printed_notes)
            body.append(_Line(text.rstrip(), page.number, ln.x > margin + _INDENT,
                              ln.x - margin, ln.y, ln.size))
        for marker, note_lines in notes:
            footnotes.append((marker, note_lines, page.number, len(body)))
        printed_notes |= {m for m in marks if m.isdigit()}

    words = frozenset(re.findall(r"[a-z]+(?:-[a-z]+)*", " ".join(raw_pages).lower()))

    # Assemble paragraph blocks.
    blocks: list[Block] = []
    source_parts: list[str] = []
    offset = 0
    cur: list[str] = []
    cur_page = 1
    cur_start = 0
    cur_offset = 0.0
    widest = max((len(x.text) for x in body if x.text), default=80)
    note_at: dict[int, list[tuple[str, list[str], int, int]]] = {}
    for fn in footnotes:
        note_at.setdefault(fn[3], []).append(fn)

    def flush() -> None:
        nonlocal cur, offset
        if not cur:
            return
        # joined at the end only: the start of a long paragraph is not copied again for
        # every line (a page of 100,000 lines was quadratic)
        done: list[str] = []
        text = re.sub(r"\s+", " ", cur[0]).strip()
        for ln in cur[1:]:
            text = _join(text, ln, words)
            if len(text) > _JOIN_KEEP * 16:
                done.append(text[:-_JOIN_KEEP])
                text = text[-_JOIN_KEEP:]
        text = re.sub(r"\s+", " ", "".join(done) + text).strip()
        if text:
            blocks.append(Block(text, cur_page, cur_start, cur_start + len(text),
                                page_break_before=cur_page != last_page_of_prev(),
                                indent=cur_offset, page_label=labels.get(cur_page)))
            source_parts.append(text)
            offset = cur_start + len(text) + 1
        cur = []

    def last_page_of_prev() -> int:
        return blocks[-1].page if blocks else 0

    def emit_notes(index: int) -> None:
        nonlocal offset
        for marker, lines_, page, _ in note_at.get(index, []):
            text = re.sub(r"\s+", " ", " ".join(x.strip() for x in lines_)).strip()
            blocks.append(Block(text, page, offset, offset + len(text), kind="footnote",
                                marker=marker, page_label=labels.get(page)))
            source_parts.append(text)
            offset += len(text) + 1

    last: _Line | None = None
    top_number = 0  # the highest number a paragraph started with
    for i, line in enumerate(body):
        if i in note_at:
            flush()
            emit_notes(i)
        if line.table is not None:
            flush()
            blocks.append(Block(line.text, line.page, offset, offset + len(line.text),
                                kind="table", cells=line.table,
                                page_label=labels.get(line.page)))
            source_parts.append(line.text)
            offset += len(line.text) + 1
            last = None
            continue
        text = line.text.strip()
        if not text:
            flush()
            continue
        prev = cur[-1] if cur else ""
        # the layout separates paragraphs: a change of font size, more space above the line
        # than between the lines of a paragraph, or a jump up the page (another column)
        apart = last is not None and last.page == line.page and (
            abs(last.size - line.size) > _SIZE_STEP
            or last.y - line.y > _GAP * leading or line.y > last.y + _SIZE_STEP)
        # "… in table 1b of Annex" / "I. While final figures …": a number that only
        # continues a reference cut at the line end, printed as the next line of the same
        # paragraph (no space above it, aligned with the lines before)
        wrapped = (cur and last is not None and last.page == line.page and not apart
                   and not _CLOSED.search(prev) and abs(line.offset - last.offset) < _INDENT
                   and _last_word(prev) in _REFERENCE_WORDS)
        last = line
        # a number starts a paragraph; one of four digits or more only as the next of
        # the highest so far ("1000." after "999.", never "2017." out of the blue)
        number = un.paragraph_number(text, top_number + 1)
        starts = not wrapped and (number is not None or _HEADING_START.match(text))
        if starts and number is not None:
            top_number = max(top_number, number)
        new_para = (not cur or apart or line.page != cur_page and starts or starts
            or (_CLOSED.search(prev) and (line.indent or len(prev.strip()) < _SHORT_LINE
                                          * widest))
            # a short unpunctuated line, then an indented one: a heading ("Summary")
            or (len(prev.strip()) < _HEADING_LINE * widest and line.indent
                and not _CLOSED.search(prev)))
        if cur and line.page != cur_page and not new_para:
            # a paragraph running over the page break: keep it as two blocks, recovery
            # joins them (and knows the pages)
            new_para = True
        if new_para:
            flush()
            cur_page = line.page
            cur_start = offset
            cur_offset = line.offset
        cur.append(text)
    flush()
    emit_notes(len(body))

    cover = read_cover(pages[0], symbol, body_size, odd)
    return ParsedFile(blocks=blocks, source_text="\n".join(source_parts),
                      pages=len(raw_pages), title=cover.title, symbol=symbol,
                      date=cover.date, body=cover.body)


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


def _marker(digits: str) -> str:
    """A number printed smaller and raised is a footnote marker (its note may be on the
    page or among endnotes); recovery attaches the note printed nearest to it."""
    return ",".join(to_superscript(p) for p in digits.split(","))


def _raised(text: str) -> set[str]:
    return {p for m in _MARK.finditer(text) for p in m.group(1).split(",")}


_GLUED = re.compile(r"(?<!\d[.,])(?<=[a-z\).,;:”’\"])(\d{1,3})(?=[\s,.;:]|$)")
_GLUED_END = re.compile(r"(?<=[a-z0-9)”’\"][.;)])(\d{1,3})$")


def _glued_markers(text: str, notes: set[str], earlier: set[str]) -> str:
    """Markers printed at body size and glued to a word ("submissions1"), for PDFs that do
    not raise them: numbers of footnotes on the same page, or of a footnote already printed
    when the number closes the line after a full stop ("in all their aspects.1": a note
    cited again). Never a decimal ("271.6") or after a document-symbol abbreviation
    ("CRP.12", "Add.1")."""

    def keep(m: re.Match[str], known: set[str]) -> str:
        # the few characters before the number (the whole text before it, searched with
        # r"(\w+)\W*$", made a line of many glued numbers quadratic)
        before = text[max(0, m.start() - _LOOK_BACK): m.start()]
        end = len(before)  # the last word before it, past any punctuation
        while end and not (before[end - 1].isalnum() or before[end - 1] == "_"):
            end -= 1
        start = end
        while start and (before[start - 1].isalnum() or before[start - 1] == "_"):
            start -= 1
        word = before[start:end]
        if m.group(1) not in known or word.lower() in un.NUMBER_ABBREVIATIONS or (
                before.endswith(".") and before[-3:-1].isascii() and len(before) >= 3
                and before[-3:-1].isupper() and before[-3:-1].isalpha()):
            return m.group(1)
        return to_superscript(m.group(1))

    if notes:
        text = _GLUED.sub(lambda m: keep(m, notes), text)
    if earlier:
        text = _GLUED_END.sub(lambda m: keep(m, earlier), text)
    return text
