"""A passage while it is being recovered: the blocks of one paragraph (or cover, table,
table row), the page of each, its section and the footnotes given to it.

Structure recovery (:mod:`paracite.parsing.un_structure`) builds drafts block by block,
footnotes (:mod:`paracite.parsing.footnotes`) are attached to them, and
:mod:`paracite.parsing.split` turns them into passages, cutting the long ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paracite.documents import Footnote, PassageKind
from paracite.parsing.blocks import Block
from paracite.parsing.un_rules import Heading

_TAIL_CHARS = 256  # how much of a paragraph's end tells how it ends (see Draft.tail)
_TAIL_PARTS = 64


@dataclass
class Draft:
    kind: PassageKind
    label: str
    parts: list[str]  # one per block: its separator and its text
    blocks: list[Block]
    pages: list[int]
    section: list[Heading]
    first_index: int
    footnotes: list[Footnote] = field(default_factory=list)
    part_pages: list[int] = field(default_factory=list)  # the page of each part
    length: int = 0  # len(self.text)
    page_set: set[int] = field(default_factory=set)
    _tail: tuple[int, str] = (-1, "")

    def __post_init__(self) -> None:
        if not self.part_pages:
            self.part_pages = [self.pages[0] if self.pages else 0] * len(self.parts)
        self.length = sum(len(p) for p in self.parts)
        self.page_set = set(self.pages)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def tail(self) -> str:
        """The end of the text, as much as tells how it ends (its last marks and word).
        Joining every part each time a block is added was quadratic in the paragraph's
        length (100,000 list lines under one paragraph)."""
        if self._tail[0] != len(self.parts):
            pieces: list[str] = []
            size = 0
            for part in reversed(self.parts):
                pieces.append(part)
                size += len(part)
                if size >= _TAIL_CHARS or len(pieces) >= _TAIL_PARTS:
                    break
            self._tail = (len(self.parts), "".join(reversed(pieces)))
        return self._tail[1]

    def add(self, block: Block, page: int, sep: str) -> None:
        part = sep + block.text.strip()
        self.parts.append(part)
        self.part_pages.append(page)
        self.length += len(part)
        self.blocks.append(block)
        if page not in self.page_set:
            self.page_set.add(page)
            self.pages.append(page)

    def pop(self) -> None:
        """Take the last block back out."""
        self._tail = (-1, "")
        self.length -= len(self.parts.pop())
        self.part_pages.pop()
        self.blocks.pop()
