"""Page furniture of UN PDFs: running headers and footers, page numbers, job numbers.

What a page prints around its text (the document symbol, "3/26", "Page 2", job numbers such
as "25-06882 (E) 270525", "V.17-01234", "GE.25-05965", barcodes "*2506882*", "Please
recycle") is removed when it stands in the top or bottom lines of a page and either has one
of those shapes (:func:`paracite.text.un_patterns.is_noise`) or repeats, digits aside, at
the same height on many pages. The page number the page prints ("13" of "13/26") is kept,
for citations.
"""

from __future__ import annotations

import re
from collections import Counter

from paracite.parsing.layout import Line, Page
from paracite.text import un_patterns as un

_EDGE_LINES = 6  # header/footer zone: this many non-empty lines at top and bottom
_REPEAT_SHARE = 0.3  # a line (digits aside) on this share of pages is a running header
_SAME_HEIGHT = 6.0  # points: a running header repeats within this height on every page
_EDGE_ZONE = 0.07  # top and bottom share of the page where running headers/footers print


def _norm(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def running_lines(pages: list[Page]) -> set[tuple[str, int]]:
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


def strip_edges(page: Page, symbol: str | None, running: set[tuple[str, int]]
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


def printed_page(removed: list[Line]) -> str | None:
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
