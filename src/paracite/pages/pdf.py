"""pdfium access: open a PDF page, find a passage's lines on it, draw it as a PNG.

``locate`` finds where a passage's text sits on one PDF page (rectangles in page points,
one per text line; the matching itself is ``match``'s), ``render`` draws a page to PNG
with rectangles highlighted. Both raise ``PageError`` (a ``ParaciteError``) for a
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

from paracite.errors import ParaciteError
from paracite.pages.fold import _fold_chars, _table_cells
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


def _locate_text(textpage: pdfium.PdfTextPage, page: int, text: str,
                 pages: Sequence[int], kind: str) -> list[Rect]:
    page_text = _fold_chars(_page_chars(textpage))
    role = _role(page, pages)
    span = _match(_fold_chars(text), page_text, role)
    if span is None and kind in _TABLE_KINDS:
        span = _match(_fold_chars(_table_cells(text)), page_text, role)
    if span is None:
        return []
    t0, t1 = span
    return _line_rects(textpage, page_text.source[t0], page_text.source[t1 - 1])


def _locate(pg: pdfium.PdfPage, page: int, text: str, pages: Sequence[int],
            kind: str) -> list[Rect]:
    """pdfium reads a page turned by /Rotate in the order its lines show on screen (a
    portrait page turned sideways: last line first); the text is looked for in that order,
    then as the page was written."""
    rotation = pg.get_rotation()
    try:
        for turn in (rotation, 0) if rotation else (0,):
            pg.set_rotation(turn)
            textpage = pg.get_textpage()
            try:
                rects = _locate_text(textpage, page, text, pages, kind)
            finally:
                textpage.close()
            if rects:
                return rects
        return []
    finally:
        if rotation:
            pg.set_rotation(rotation)


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
           kind: str = "paragraph") -> list[Rect]:
    """Where ``text`` sits on page ``page`` (from 1) of ``pdf``: one rectangle per line, in
    page points (``Rect``, origin bottom left); ``[]`` when it is not found there for sure.

    ``pages``: the pages the passage spans (``Passage.pages``): it must then begin on the
    first of them and end on the last. Without them (or with ``page`` not among them) the
    whole passage must be on ``page``. ``kind``: ``Passage.kind`` (a table's cells are
    matched without the column names the parser put before them).
    Raises ``PageError`` for a file or page that cannot be read.
    """
    with _open_page(pdf, page) as pg:
        return _locate(pg, page, text, pages, kind)


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

