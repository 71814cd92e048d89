"""pdfium access: open a PDF page, find a passage's lines on it, draw it as a PNG.

``locate`` finds where a passage's text sits on one PDF page (rectangles in page points,
one per text line; the matching itself is ``match``'s), ``render`` draws a page to PNG
with rectangles highlighted. Where the parser kept the passage's box on the page
(``Passage.boxes``), the text is looked for first among the characters printed inside it,
with the same rules, then on the whole page: a paragraph printed twice on a page is found
in the place it was parsed from. Both raise ``PageError`` (a ``ParaciteError``) for a
missing, damaged or encrypted file or a page it does not have. pdfium is not thread-safe:
every pdfium call holds one module-level lock.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from paracite.documents import Box
from paracite.errors import ParaciteError
from paracite.pages.fold import _fold_char, _fold_chars, _table_cells
from paracite.pages.match import _match, _role

if TYPE_CHECKING:
    import pypdfium2 as pdfium

# 1.5 x 72 dpi = 108 dpi: an A4 page is 893 x 1263 px, sharp on screen, ~0.1 s to draw.
DEFAULT_SCALE = 1.5
# A page larger than this many pixels on its longer side is drawn smaller (a poster-size
# page at 1.5x would take gigabytes).
MAX_SIDE_PX = 4000
# Highlight: translucent yellow fill, darker outline; padding around each line in points.
FILL = (255, 221, 0, 90)
OUTLINE = (204, 140, 0, 255)
PAD_PT = 1.5
# Points around a passage's box (Passage.boxes) inside which its characters are looked for
# first: a box's band reaches from the descenders to a font size above the baseline, the
# lines above and below a paragraph are a line's leading away (a character counts by the
# centre of its own box, 3-4 points above the baseline of 10-point text).
BOX_PAD_PT = 4.0
# A page the passage was not found on says so across its top (not an unmarked page).
NOT_FOUND = "The cited paragraph could not be located on this page: read it in the text."
BANNER_FILL = (180, 35, 24)  # white text on it: 6.4:1
BOX_KEY = "paracite-box"  # PNG text chunk: the highlight's top and bottom, 0-1 of the height

_LOCK = threading.RLock()
_TABLE_KINDS = ("table", "table_row")


class PageError(ParaciteError):
    """A PDF page could not be read or drawn (missing, damaged, encrypted, no such page)."""


class Rect(NamedTuple):
    """A rectangle in PDF page points, origin at the bottom left (pdfium page space)."""

    left: float
    bottom: float
    right: float
    top: float


def _page_chars(textpage: pdfium.PdfTextPage) -> list[str]:
    import pypdfium2.raw as raw

    chars = []
    for i in range(raw.FPDFText_CountChars(textpage.raw)):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        try:
            chars.append(chr(code) if code else "")
        except ValueError:  # not a code point
            chars.append("")
    return chars


def _line_rects(textpage: pdfium.PdfTextPage, first: int, last: int) -> list[Rect]:
    """pdfium's rectangles of chars first..last, one per line (a line's pieces joined)."""
    lines: list[Rect] = []
    for i in range(textpage.count_rects(first, last - first + 1)):
        r = Rect(*textpage.get_rect(i))
        if r.right <= r.left or r.top <= r.bottom:
            continue
        for k, line in enumerate(lines):
            overlap = min(line.top, r.top) - max(line.bottom, r.bottom)
            if overlap > 0.5 * min(line.top - line.bottom, r.top - r.bottom):
                lines[k] = Rect(min(line.left, r.left), min(line.bottom, r.bottom),
                                max(line.right, r.right), max(line.top, r.top))
                break
        else:
            lines.append(r)
    return [Rect(r.left - PAD_PT, r.bottom - PAD_PT, r.right + PAD_PT, r.top + PAD_PT)
            for r in lines]


def _in_box(textpage: pdfium.PdfTextPage, chars: list[str], box: Box) -> list[str]:
    """The page's characters with those printed outside ``box`` (padded by BOX_PAD_PT)
    made spaces, at the same indexes. A character is inside when the centre of its box is.
    A line of pdfium's (the characters between two of its line breaks) whose first and
    last letters are both inside, or both above or both below the box, is taken whole;
    any other, character by character. Spaces, line breaks and signs (nothing once
    folded) are kept: they separate words and lines."""
    import pypdfium2.raw as raw

    x0, y0 = box.x0 - BOX_PAD_PT, box.y0 - BOX_PAD_PT
    x1, y1 = box.x1 + BOX_PAD_PT, box.y1 + BOX_PAD_PT
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    refs = [ctypes.byref(v) for v in (left, right, bottom, top)]

    def place(i: int) -> int:
        """0: inside; 1: above; -1: below; 2: beside, or no box."""
        if not raw.FPDFText_GetCharBox(textpage.raw, i, *refs):
            return 2
        y = (bottom.value + top.value) / 2
        if y > y1 or y < y0:
            return 1 if y > y1 else -1
        return 0 if x0 <= (left.value + right.value) / 2 <= x1 else 2

    shown = list(chars)
    run: list[int] = []
    for i, ch in enumerate([*chars, "\n"]):
        if ch not in "\r\n":
            if _fold_char(ch):
                run.append(i)
            continue
        if run:
            first = place(run[0])
            whole = first if first != 2 and place(run[-1]) == first else None
            for k in run:
                if (whole if whole is not None else place(k)) != 0:
                    shown[k] = " "
        run = []
    return shown


def _span_rects(textpage: pdfium.PdfTextPage, chars: list[str], text: str, page: int,
                pages: Sequence[int], kind: str) -> list[Rect] | None:
    """The rectangles of ``text`` among ``chars`` (the page's, some blanked by
    ``_in_box``); None when it is not found there for sure."""
    page_text = _fold_chars(chars)
    role = _role(page, pages)
    span = _match(_fold_chars(text), page_text, role)
    if span is None and kind in _TABLE_KINDS:
        span = _match(_fold_chars(_table_cells(text)), page_text, role)
    if span is None:
        return None
    t0, t1 = span
    return _line_rects(textpage, page_text.source[t0], page_text.source[t1 - 1])


def _locate_text(textpage: pdfium.PdfTextPage, page: int, text: str,
                 pages: Sequence[int], kind: str, box: Box | None = None) -> list[Rect]:
    """The passage among the characters inside its box, if it has one on this page, then
    among all of the page's (the same rules: a place the whole page's search would not
    take is never marked, unless the box makes it the only one)."""
    chars = _page_chars(textpage)
    if box is not None:
        inside = _span_rects(textpage, _in_box(textpage, chars, box), text, page, pages,
                             kind)
        # the lines of the span only: characters pdfium reads between them but prints
        # outside the box (another column, a note in the margin) are not the passage
        kept = [r for r in inside or () if box.y0 - BOX_PAD_PT <= (r.bottom + r.top) / 2
                <= box.y1 + BOX_PAD_PT]
        if kept:
            return kept
    return _span_rects(textpage, chars, text, page, pages, kind) or []


def _locate(pg: pdfium.PdfPage, page: int, text: str, pages: Sequence[int],
            kind: str, box: Box | None = None) -> list[Rect]:
    """pdfium reads a page turned by /Rotate in the order its lines show on screen (a
    portrait page turned sideways: last line first); the text is looked for in that order,
    then as the page was written."""
    rotation = pg.get_rotation()
    try:
        for turn in (rotation, 0) if rotation else (0,):
            pg.set_rotation(turn)
            textpage = pg.get_textpage()
            try:
                rects = _locate_text(textpage, page, text, pages, kind, box)
            finally:
                textpage.close()
            if rects:
                return rects
        return []
    finally:
        if rotation:
            pg.set_rotation(rotation)


def _box_on(boxes: Sequence[Box], page: int) -> Box | None:
    """The passage's box on ``page``, if the parser kept one."""
    return next((b for b in boxes if b.page == page), None)


# -- pdfium access ----------------------------------------------------------------------------

@contextmanager
def _open_page(pdf: Path, page: int) -> Iterator[pdfium.PdfPage]:
    """Page ``page`` (from 1) of ``pdf``, under the lock, closed afterwards."""
    import pypdfium2 as pdfium

    with _LOCK:
        doc = pg = None
        try:
            try:
                doc = pdfium.PdfDocument(str(pdf))
            except pdfium.PdfiumError as e:
                reason = ("is encrypted (a password is needed)" if "password" in str(e).lower()
                          else f"is not a readable PDF ({e})")
                raise PageError(f"{pdf.name} {reason}; its pages cannot be shown") from e
            except (OSError, ValueError) as e:
                raise PageError(f"{pdf.name} cannot be read ({e}); check that the file "
                                "is still there") from e
            if not 1 <= page <= len(doc):
                raise PageError(f"{pdf.name} has {len(doc)} pages, no page {page}; "
                                "re-ingest it if the file changed")
            try:
                pg = doc[page - 1]
                yield pg
            except pdfium.PdfiumError as e:  # opening, reading or drawing the page
                raise PageError(f"{pdf.name}: page {page} cannot be read ({e})") from e
        finally:
            for obj in (pg, doc):
                if obj is not None:
                    obj.close()


def locate(pdf: Path, page: int, text: str, pages: Sequence[int] = (),
           kind: str = "paragraph", boxes: Sequence[Box] = ()) -> list[Rect]:
    """Where ``text`` sits on page ``page`` (from 1) of ``pdf``: one rectangle per line, in
    page points (``Rect``, origin bottom left); ``[]`` when it is not found there for sure.

    ``pages``: the pages the passage spans (``Passage.pages``): it must then begin on the
    first of them and end on the last. Without them (or with ``page`` not among them) the
    whole passage must be on ``page``. ``kind``: ``Passage.kind`` (a table's cells are
    matched without the column names the parser put before them). ``boxes``:
    ``Passage.boxes``; the text is looked for inside the one on ``page`` first.
    Raises ``PageError`` for a file or page that cannot be read.
    """
    with _open_page(pdf, page) as pg:
        return _locate(pg, page, text, pages, kind, _box_on(boxes, page))


# -- drawing ----------------------------------------------------------------------------------

def _banner(image: Any, text: str) -> None:
    """Write ``text`` in white on a red band across the top of ``image`` (in place)."""
    from PIL import ImageDraw, ImageFont

    size = max(12, image.width // 48)
    font = ImageFont.load_default(size=size)
    draw = ImageDraw.Draw(image)
    words, lines, line = text.split(), [], ""
    for w in words:  # wrap to the page's width
        tried = f"{line} {w}".strip()
        if line and draw.textlength(tried, font=font) > image.width - 2 * size:
            lines.append(line)
            line = w
        else:
            line = tried
    lines.append(line)
    height = size * (len(lines) + 1) + size // 2 * len(lines)
    draw.rectangle((0, 0, image.width, height), fill=BANNER_FILL)
    for i, ln in enumerate(lines):
        draw.text((size, size // 2 + i * (size + size // 2)), ln, fill=(255, 255, 255),
                  font=font)


def _draw(pg: pdfium.PdfPage, rects: Sequence[Rect], out: Path, scale: float,
          banner: str = "") -> tuple[float, float] | None:
    """Draw the page to ``out`` with ``rects`` marked (with none, ``banner`` written
    across its top, if given); returns the marked region's top and bottom as shares of
    the height."""
    import pypdfium2.raw as raw
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    width, height = pg.get_size()
    scale = min(scale, MAX_SIDE_PX / max(width, height, 1.0))
    image = pg.render(scale=scale).to_pil().convert("RGBA")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def device(x: float, y: float) -> tuple[int, int]:  # page points → pixels (rotation too)
        raw.FPDF_PageToDevice(pg.raw, 0, 0, image.width, image.height, 0, x, y,
                              ctypes.byref(dx), ctypes.byref(dy))
        return dx.value, dy.value

    tops, bottoms = [], []
    for r in rects:
        (x0, y0), (x1, y1) = device(r.left, r.top), device(r.right, r.bottom)
        draw.rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                       fill=FILL, outline=OUTLINE, width=max(1, round(scale)))
        tops.append(min(y0, y1))
        bottoms.append(max(y0, y1))
    composed = Image.alpha_composite(image, overlay).convert("RGB")
    box = None
    info = PngInfo()
    if tops:
        box = (round(max(0, min(tops)) / composed.height, 4),
               round(min(composed.height, max(bottoms)) / composed.height, 4))
        info.add_text(BOX_KEY, f"{box[0]} {box[1]}")
    elif banner:
        _banner(composed, banner)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        composed.save(tmp, format="PNG", pnginfo=info)
        os.replace(tmp, out)
    except OSError as e:
        raise PageError(f"cannot write {out} ({e}); check that the folder is writable") from e
    finally:
        tmp.unlink(missing_ok=True)
    return box


def _box(path: Path) -> tuple[float, float] | None:
    """The marked region recorded in a drawn page (``_draw``), None if there is none."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            chunks = im.text  # type: ignore[attr-defined]  # a PNG's text chunks
            top, bottom = (float(x) for x in chunks.get(BOX_KEY, "").split())
    except (OSError, ValueError):
        return None
    return top, bottom


def render(pdf: Path, page: int, rects: Sequence[Rect], out: Path,
           scale: float = DEFAULT_SCALE) -> Path:
    """Draw page ``page`` (from 1) of ``pdf`` to the PNG ``out`` (written atomically), with
    ``rects`` (page points, as ``locate`` gives them) highlighted; returns ``out``.

    ``scale``: pixels per point (1.0 = 72 dpi). Raises ``PageError``.
    """
    with _open_page(pdf, page) as pg:
        _draw(pg, rects, out, scale)
    return out

