"""Tables as passage text: a whole table (PDF) is one passage, its header line first; a
table given row by row (Markdown) is one passage per row, each cell named by its column
header, and a blank cell of any column but the last repeats the value above it ("same
date as above"). Used by :mod:`paracite.parsing.un_structure`.
"""

from __future__ import annotations

from paracite.parsing.blocks import Block


def whole_table(block: Block) -> Block:
    """A ``table`` block with its header line ("Office | Regional group") put first."""
    head = " | ".join(block.cells)
    return Block(f"{head}\n{block.text}" if head else block.text, block.page,
                 block.start, block.end, kind="table", page_label=block.page_label)


class TableRows:
    """The rows of the tables of one document, read in order."""

    def __init__(self) -> None:
        self.header: tuple[str, ...] = ()
        self.prev: list[str] = []

    def row(self, block: Block) -> Block | None:
        """A ``table_row`` block as "Header: cell; Header: cell"; None for a header row.
        The first row of a table without a header row is its header too."""
        if block.level == 1 or not self.header:
            self.header = block.cells
            self.prev = list(block.cells)
            if block.level == 1:
                return None
        cells = list(block.cells)
        for i in range(len(cells) - 1):  # the last column is never "same as above"
            if not cells[i] and i < len(self.prev):
                cells[i] = self.prev[i]
        self.prev = cells
        heads = list(self.header) + [f"Column {i + 1}" for i in
                                     range(len(self.header), len(cells))]
        text = "; ".join(f"{h}: {c}" for h, c in zip(heads, cells, strict=False) if c)
        return Block(text, block.page, block.start, block.end, kind="table_row")
