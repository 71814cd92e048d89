"""The contract between format parsers and structure recovery.

A format parser (markdown.py, pdf.py) turns a file into a flat list of ``Block``s in
reading order. ``un_structure.recover`` then turns blocks into ``Passage``s: it joins
paragraphs cut by page breaks, numbers paragraphs, attaches footnotes, builds section
paths and labels.

A parser should:
- emit one ``text`` block per visual paragraph it can see (a numbered paragraph, an
  unnumbered paragraph, one list item or a run of list lines, a heading line when it
  cannot tell it is a heading);
- never put running headers, footers, page numbers or job numbers in any block;
- emit footnote bodies as ``footnote`` blocks with their ``marker`` (as a plain digit
  string), at the place they appear in reading order (usually the bottom of a page);
- set ``page_break_before`` on the first block after a page boundary, so that recovery
  can join a paragraph cut in mid-sentence;
- use ``heading`` only when the format says so (a markdown ``#`` line, a bold-only line);
- set ``list_item`` on lines the format marks with a bullet;
- emit table rows as ``table_row`` blocks with ``cells``, the header row first with
  ``level=1``; or, where the layout shows a whole table (PDF), one ``table`` block whose
  text has one line per row ("Office: Chair; Regional group: …") and ``cells`` the header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["text", "heading", "footnote", "table_row", "table"]

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_SUP = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_FROM_SUP = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")


def to_superscript(digits: str) -> str:
    """'12' → '¹²': how footnote markers stand in passage text."""
    return digits.translate(_TO_SUP)


def from_superscript(marks: str) -> str:
    """'¹²' → '12'."""
    return marks.translate(_FROM_SUP)


@dataclass
class Block:
    text: str
    page: int
    start: int
    end: int
    kind: BlockKind = "text"
    level: int = 0
    page_break_before: bool = False
    marker: str | None = None
    cells: tuple[str, ...] = field(default_factory=tuple)
    list_item: bool = False  # the format marked it as a list item (a "-" or "•" bullet)
    # how far right of the page's text margin the first line starts, in points; None when
    # the format does not show it (Markdown). A quoted resolution's "1. Decides" is
    # indented, the report's own "1." is not.
    indent: float | None = None
    page_label: str | None = None  # the page number the page prints ("13" of "13/26")


@dataclass
class ParsedFile:
    """What a format parser returns: the blocks plus what it could read of the metadata."""

    blocks: list[Block]
    source_text: str
    pages: int
    title: str | None = None
    symbol: str | None = None
    date: str | None = None
    body: str | None = None  # the issuing body named on the cover
