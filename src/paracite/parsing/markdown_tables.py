"""GitHub pipe tables in Markdown records, found by markdown-it-py.

A pipe table is a header line, a delimiter line ("|---|:---:|") with as many cells, and
the lines under it up to a blank line or another block (a heading, a list, a fence …), as
GitHub reads them: markdown-it-py's ``table`` rule decides, on the record's lines, what is
a table and what its cells are (escaped pipes "\\|" stay in their cell; a row with fewer
cells than the header gets empty ones, cells past the header's are dropped, as GitHub does).
A table inside a code block or a fence is no table. Lists are not read: a numbered
paragraph ("1. The officers elected were:") is a paragraph here, as it is for the rest of
the parser, so a table right under it is a table (CommonMark would make the table's lines
the lazy continuation of a list item).

Only the block structure is parsed (markdown-it-py's inline rules are off): the cells come
back as the Markdown they are written in, and :mod:`paracite.parsing.markdown` strips it
as it strips any text. What a line is (a footnote, a page break) stays that module's call.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# (level: 1 for the header row, 0 for a row under it; the cells as written)
PipeRow = tuple[int, tuple[str, ...]]


@cache
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt  # imported on the first record that has a "|"

    # CommonMark's block rules (fences, code blocks, headings … end or exclude a table) with
    # GitHub's table rule, but no lists: "1. …" is a numbered paragraph in a UN record, and
    # a table right under it is a table, not the lazy continuation of a list item. No
    # inline parsing: the cells' content is all that is read.
    return MarkdownIt("commonmark").enable("table").disable(["list", "inline"])


def pipe_table_rows(lines: list[str]) -> dict[int, PipeRow | None]:
    """The lines of ``lines`` that are rows of pipe tables, by index: each header and row
    as :data:`PipeRow`, and None for the delimiter line under a header.

    ``lines`` hold no line breaks (``str.splitlines`` made them); they are parsed joined
    by "\\n", so that markdown-it-py's line numbers are their indexes.

    >>> pipe_table_rows(["| A | B |", "|---|---|", "| x \\\\| y | z |", "", "no | table"])
    {0: (1, ('A', 'B')), 1: None, 2: (0, ('x | y', 'z'))}
    """
    if not any("|" in line for line in lines):
        return {}
    rows: dict[int, PipeRow | None] = {}
    cells: list[str] = []
    row: list[int] | None = None  # the map (first line, end) of the row being read
    header = False
    for token in _parser().parse("\n".join(lines)):
        if token.type == "thead_open":
            header = True
        elif token.type == "thead_close":
            header = False
        elif token.type == "tr_open":
            row, cells = token.map, []
        elif token.type == "inline" and row is not None:
            cells.append(token.content)
        elif token.type == "tr_close" and row is not None:
            rows[row[0]] = (1 if header else 0, tuple(cells))
            if header:
                rows[row[0] + 1] = None  # the delimiter line
            row = None
    return rows
