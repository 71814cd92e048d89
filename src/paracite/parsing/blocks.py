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
  text has one line per row ("Office: Chair; Regional group: …") and ``cells`` the header;
- where the format shows positions (PDF), give each paragraph and table its ``box``: where
  its lines are printed, for the page image to look for the passage there first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from paracite.documents import Box

BlockKind = Literal["text", "heading", "footnote", "table_row", "table"]

# Unicode format characters (category Cf, Unicode 14 as in Python 3.11): zero-width space
# and joiners, bidi marks, embeddings and isolates, word joiner, BOM, soft hyphen, and the
# rarer Arabic, Kaithi, hieroglyph, shorthand, musical and tag format controls. They print
# nothing, but "2\u200b2. The Group" would not read as paragraph 22; the parsers remove
# them before anything looks at the text (tests/unit/test_parser_limits.py checks the
# class against the running Python's Unicode database).
FORMAT_CHARS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]")


def strip_format_chars(text: str) -> str:
    """Remove Unicode format characters (see ``FORMAT_CHARS``)."""
    return FORMAT_CHARS.sub("", text)


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
    # where its lines are printed, on ``page`` (a PDF block never spans two); None when
    # the format does not show it (Markdown) or the lines were not kept (footnotes)
    box: Box | None = None


@dataclass
class ParsedFile:
    """What a format parser returns: the blocks plus what it could read of the metadata.

    ``source_text`` is the text the blocks' (and so the passages') ``start``/``end``
    offsets index. It is the file's text after the parser removed Unicode format
    characters (``strip_format_chars``): for Markdown the decoded file less those
    characters, for PDFs the blocks' texts joined by newlines.
    """

    blocks: list[Block]
    source_text: str
    pages: int
    title: str | None = None
    symbol: str | None = None
    date: str | None = None
    body: str | None = None  # the issuing body named on the cover
