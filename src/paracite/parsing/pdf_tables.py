"""Tables in UN PDFs, found by their columns.

A table is a run of lines whose cells (runs of text apart by wide blank space, see
:mod:`paracite.parsing.layout`) start at the same x positions as those of its first line,
the header. It becomes one ``table`` block, whole: its header and a row a line, each cell
named by its column ("Office: Chair; Regional group: Asia-Pacific States; …") when the
header is printed otherwise than the rows, else the rows as "cell | cell" under the header
line. A numbered list laid out in columns ("1.  Governance structure") stays paragraphs.
"""

from __future__ import annotations

import re

from paracite.parsing.layout import PARAGRAPH_GAP, SIZE_STEP, Line, text_end
from paracite.text import un_patterns as un

_COLUMN_SLACK = 3.0  # points: cells starting this close are in the same column
_TABLE_ROWS = 3  # a table has a header and at least two rows of several cells
_HEADER_WORDS = 5  # a column header is at most this many words
_ENUMERATOR = re.compile(r"^(?:\(?[0-9]{1,3}[.)]|\(?[a-z]{1,3}[.)]|\(?[ivxlc]{1,5}[.)]|"
                         r"[IVXL]{1,5}\.|[A-Z]\.|[-•–])$")
_TABLE_GAP = 3.0  # more space than this many line steps between two lines ends a table


def find_tables(lines: list[Line], leading: float) -> list[tuple[int, int, list[str], str]]:
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
                        or gap > PARAGRAPH_GAP * leading:
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
            named = any(abs(head.size - ln.size) > SIZE_STEP for ln in body) or (
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
