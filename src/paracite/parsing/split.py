"""Drafts to passages: a passage longer than ``max_chars`` is cut at sentence ends.

The parts are labelled ``12``, ``12 (part 2)`` …; each has the pages, printed page numbers,
boxes and source offsets of the blocks its text comes from, and the footnotes whose
markers it carries. Where a sentence may end is
:func:`paracite.text.sentences.sentence_ends`'s to say (loosely: any full stop before a
word not in lower case is a place to cut).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from paracite.documents import Box, DocumentInfo, Footnote, Passage
from paracite.parsing.blocks import Block
from paracite.parsing.draft import Draft
from paracite.parsing.footnotes import Markers
from paracite.text.sentences import sentence_ends


def _printed(d: Draft, blocks: list[Block] | None = None,
             pages: list[int] | None = None) -> tuple[str, ...]:
    """The printed page number of each of the draft's pages ('' where none is known);
    of ``blocks`` and ``pages`` only when given (a part of a split passage)."""
    by_page = {b.page: b.page_label for b in (d.blocks if blocks is None else blocks)
               if b.page_label}
    if not by_page:
        return ()
    return tuple(by_page.get(p, "") for p in sorted(set(d.pages if pages is None else pages)))


def _boxes(blocks: list[Block]) -> tuple[Box, ...]:
    """Where the blocks are printed: on each page, the box around all of theirs (none
    for blocks without a box: Markdown).

    >>> from paracite.parsing.blocks import Block
    >>> _boxes([Block("a", 2, 0, 1, box=Box(2, 72, 500, 595, 530)), Block("b", 2, 2, 3),
    ...         Block("c", 2, 4, 5, box=Box(2, 90, 470, 595, 490))])
    (Box(page=2, x0=72, y0=470, x1=595, y1=530),)
    """
    by_page: dict[int, Box] = {}
    for b in blocks:
        if b.box is None:
            continue
        old = by_page.get(b.box.page, b.box)
        by_page[b.box.page] = Box(old.page, min(old.x0, b.box.x0), min(old.y0, b.box.y0),
                                  max(old.x1, b.box.x1), max(old.y1, b.box.y1))
    return tuple(by_page[page] for page in sorted(by_page))


def split_text(text: str, max_chars: int) -> list[tuple[int, int]]:
    """Cut ``text`` into spans of at most ``max_chars`` characters: at the last sentence
    end that fits, else the last line break, else the last space, else anywhere. The spans
    cover every non-space character of the text once; the spaces at a cut are left out.

    >>> t = "One. Two three. Four"
    >>> [t[a:b] for a, b in split_text(t, 10)]
    ['One.', 'Two three.', 'Four']
    """
    if max_chars <= 0 or len(text) <= max_chars:
        return [(0, len(text))]
    # where a long passage may be cut: after any sentence's full stop (and any closing
    # quote, bracket or footnote marker), before a space and a word not in lower case
    ends = sentence_ends(text, loose=True)
    spans: list[tuple[int, int]] = []
    a = 0
    while True:
        while a < len(text) and text[a].isspace():
            a += 1
        if len(text) - a <= max_chars:
            break
        limit = a + max_chars
        k = bisect_right(ends, limit) - 1
        if k >= 0 and ends[k] > a:
            cut = ends[k]
        else:
            cut = text.rfind("\n", a + 1, limit + 1)
            if cut == -1:
                cut = max(text.rfind(" ", a + 1, limit + 1), text.rfind("\t", a + 1, limit + 1))
            if cut == -1:
                cut = limit
        b = cut
        while b > a and text[b - 1].isspace():
            b -= 1
        spans.append((a, b))
        a = cut
    if a < len(text):
        spans.append((a, len(text.rstrip())))
    return spans


def to_passages(drafts: list[Draft], info: DocumentInfo, max_chars: int = 0
                 ) -> list[Passage]:
    passages: list[Passage] = []
    seen: dict[str, int] = {}

    def unique(label: str) -> str:
        if label in seen:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        seen.setdefault(label, 1)
        return label

    for d in drafts:
        full = d.text
        text = full.strip()
        if not text:
            continue
        label = unique(d.label)
        section = " > ".join(h.text for h in d.section)
        spans = split_text(text, max_chars)
        if len(spans) == 1:
            passages.append(Passage(
                document=info.id, title=info.title, symbol=info.symbol, date=info.date,
                paragraph=label, section=section, pages=tuple(sorted(set(d.pages))),
                printed_pages=_printed(d), start=d.blocks[0].start, end=d.blocks[-1].end,
                kind=d.kind, order=len(passages), text=text, footnotes=tuple(d.footnotes),
                boxes=_boxes(d.blocks),
            ))
            continue
        passages.extend(_parts(d, full, spans, label, section, info, len(passages), unique))
    return passages


def _parts(d: Draft, full: str, spans: list[tuple[int, int]], label: str, section: str,
           info: DocumentInfo, order: int, unique: Callable[[str], str]) -> list[Passage]:
    """The passages of a draft cut at ``spans`` (of its stripped text): the first keeps the
    label, the others are "<label> (part 2)" …; each has the pages and source offsets of
    the blocks its text comes from (within a block, the offset is the block's start plus
    the text's position in it, exact where a block's text is the source's, as in PDFs);
    a footnote goes with the first part whose text carries its marker, else the first."""
    lead = len(full) - len(full.lstrip())
    starts: list[int] = []  # where each block's part starts in ``full``
    pos = 0
    for part in d.parts:
        starts.append(pos)
        pos += len(part)

    def source(at: int, k: int) -> int:
        """Offset in the source of ``full[at]``, a character of block ``k``'s part."""
        part = d.parts[k]
        inside = at - starts[k] - (len(part) - len(part.lstrip()))
        block = d.blocks[k]
        return min(block.start + max(0, inside), block.end)

    texts = [full[a + lead:b + lead] for a, b in spans]
    notes: list[list[Footnote]] = [[] for _ in spans]
    markers = Markers(texts)
    for note in d.footnotes:
        carrying = markers.carrying(note.marker) if note.marker else []
        if carrying is None:
            carrying = [n for n in range(len(texts)) if markers.carries(n, note.marker)]
        notes[carrying[0] if carrying else 0].append(note)
    out: list[Passage] = []
    for n, (a, b) in enumerate(spans):
        first = bisect_right(starts, a + lead) - 1
        last = bisect_right(starts, b + lead - 1) - 1
        blocks = d.blocks[first:last + 1]
        pages = d.part_pages[first:last + 1]
        start = source(a + lead, first)
        out.append(Passage(
            document=info.id, title=info.title, symbol=info.symbol, date=info.date,
            paragraph=label if n == 0 else unique(f"{label} (part {n + 1})"),
            section=section, pages=tuple(sorted(set(pages))),
            printed_pages=_printed(d, blocks, pages), start=start,
            end=max(start, source(b + lead - 1, last) + 1), kind=d.kind,
            order=order + n, text=texts[n], footnotes=tuple(notes[n]),
            boxes=_boxes(blocks),
        ))
    return out
