"""Recover the paragraphs of a UN record from a parser's blocks.

This is the one place that knows how UN documents are laid out. It works on the flat
block list that every format parser produces (see :mod:`paracite.parsing.blocks`) and
returns one :class:`~paracite.documents.Passage` per paragraph, in order:

1. **Page breaks.** A block that continues a sentence left open by the previous paragraph
   (it starts in lower case, or the previous text ends in "and", "of", a comma …, or a
   page break falls after a long unfinished text) is joined to it.
2. **Numbered paragraphs.** ``12. Text`` starts paragraph 12 only when 12 continues the
   document's sequence; any other number is a list item inside the current paragraph
   (report paragraph 56 quotes an agenda numbered 1 to 8). A sequence may restart at 1
   directly under a heading (decisions in "Chapter I"); those paragraphs are labelled with
   their section so they stay distinct from the main sequence. Once a restarted numbering
   or a numbered list is under way, a finished sentence followed by "1." restarts it
   again (paragraphs numbered in runs are not one endless list). Numbers have any length
   where the sequence expects them ("1000." after "999."); elsewhere only up to three
   digits count, so that "2017. The year …" is not a paragraph.
3. **Headings** (``I.``, ``A.``, ``1.`` or ``(a)`` titles, or short unpunctuated lines such as
   "Documentation") build the section path. Unnumbered paragraphs are labelled by their
   place: ``item 1 (b), ¶3`` in an agenda, ``III.A, ¶2`` elsewhere.
4. **Footnotes.** Footnote bodies are removed from the running text and attached to the
   passage whose text carries their marker (``Bureau⁴``), searching back from where the
   body was printed.
5. **Tables.** One passage per row, each cell named by its column header; blank cells of
   every column but the last repeat the value above ("same date as above").
6. **Front matter** (date line, "Original: English", title lines) becomes one ``cover``
   passage so that questions about the document itself can be cited too.
7. **Length.** A passage longer than ``max_chars`` is split at sentence ends into
   ``12``, ``12 (part 2)`` …, each with its own pages, offsets and footnotes.

This module makes the one pass over the blocks (:class:`_Recovery`, a method per kind of
block and per rule). What a block reads as by itself is :mod:`~paracite.parsing.un_rules`'s;
footnotes (4), tables (5) and length (7) have their own modules (``footnotes``, ``tables``
and ``split`` in :mod:`paracite.parsing`).

All of it is linear in the size of the input: no step looks again at everything before
or after it (tests/unit/test_parser_limits.py measures the growth).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paracite.documents import DocumentInfo, Passage, PassageKind
from paracite.parsing.blocks import Block
from paracite.parsing.draft import Draft
from paracite.parsing.footnotes import attach_footnotes
from paracite.parsing.split import to_passages
from paracite.parsing.tables import TableRows, whole_table
from paracite.parsing.un_rules import (
    ENACTING,
    HEADING_MAX_CHARS,
    INDENT_STEP,
    LIST_START,
    OPERATIVE,
    Ahead,
    Heading,
    continues,
    ends_closed,
    heading_of,
    is_agenda,
    is_cover_line,
    list_kind,
    section_label,
    strip_markers,
)
from paracite.text import un_patterns as un

_PARAGRAPH_MIN_CHARS = 200  # a numbered block this long is a paragraph even unpunctuated


def recover(blocks: list[Block], info: DocumentInfo, infer_pages: bool = False,
            bare_headings: bool = True, *, max_chars: int = 12000) -> list[Passage]:
    """Turn a parser's blocks into passages with provenance.

    ``infer_pages``: the source has no page numbers (Markdown converted from a PDF), so
    every join of a paragraph cut mid-sentence also counts as a page break.
    ``bare_headings``: keep a heading with nothing under it as a passage, so that no text
    is dropped. PDFs pass False: there such "headings" are the cover block ("Distr.:
    General", "Original: English") and the table of contents, not the record's text.
    ``max_chars``: a passage longer than this is split at sentence ends into consecutive
    passages labelled "12", "12 (part 2)", "12 (part 3)" … (0: no limit).

    The work is linear in the number of blocks and the length of the text (each block
    looks at the blocks after it and at the paragraph before it only through indexes
    built once, and at the end of that paragraph only).
    """
    drafts = _Recovery(blocks, info, infer_pages, bare_headings).run()
    return to_passages(drafts, info, max_chars)


@dataclass
class _Text:
    """A text block read once: what the rules for numbered paragraphs, headings and lists
    ask of it."""

    block: Block
    idx: int
    page: int
    text: str
    number: int | None  # the paragraph number it starts with, if the sequence allows it
    following: Block | None  # the next block that is not a footnote
    continued: bool  # the following block is the rest of this one
    looks_paragraph: bool  # closed like a sentence, long, or continued
    operative: bool  # worded as a quoted resolution's operative paragraph
    blocks_main: bool  # ... and, without layout, not the main sequence's for that
    next_in_list: bool  # the next item of a numbered list inside the current paragraph
    next_para_number: bool  # the number the main sequence expects, not a list's
    again: bool  # "1." after a finished sentence while a restart or a list is under way
    quoted: bool  # indented deeper than the main sequence: quoted text
    waiting: bool  # a numbered heading before it waits for the paragraph under it


class _Recovery:
    """One pass over a document's blocks, in reading order, building drafts.

    The attributes are what the pass has learnt so far: the headings above the current
    block, the numbering the document follows, the paragraph a block may continue.
    """

    def __init__(self, blocks: list[Block], info: DocumentInfo, infer_pages: bool,
                 bare_headings: bool) -> None:
        self.blocks = blocks
        self.info = info
        self.infer_pages = infer_pages
        self.bare_headings = bare_headings
        self.ahead = Ahead(blocks)
        self.footnotes: list[tuple[int, Block]] = []
        self.drafts: list[Draft] = []
        self.stack: list[Heading] = []
        self.headings: list[tuple[Heading, Block, int, int]] = []
        self.cover: Draft | None = None
        self.current: Draft | None = None
        self.front = True
        self.expected = 1
        self.sub_expected: int | None = None  # a numbering restarted under a heading
        # the heading it restarted under and its label: the numbering goes on through that
        # heading's subsections ("II.A", "II.B") and is cited as "II, 7"
        self.sub_anchor: Heading | None = None
        self.sub_section = ""
        self.absorb = False  # a numbered heading waits for the paragraph under it
        self.tables = 0  # tables seen (PDF): "table 1", "table 2"
        self.list_last: int | None = None  # number of the last list item inside the paragraph
        self.list_kind: str | None = None  # enumerator kind of that paragraph's last list line
        self.since_heading = 0
        self.para_counts: dict[str, int] = {}
        self.rows = TableRows()  # the header and last row of the table under way
        self.page_shift = 0
        self.agenda = is_agenda("", info.title)
        self.main_indent: float | None = None  # indentation of the main sequence's paragraphs
        # "main" when the document is itself a resolution or decision (its operative
        # paragraphs are the main sequence), "quoted" inside another document, else None
        self.enacting: str | None = None

    def run(self) -> list[Draft]:
        """The drafts of every block, in reading order, with their footnotes."""
        for idx, block in enumerate(self.blocks):
            self.read(idx, block)
        # A heading with nothing under it (the last line of a file, a file of headings
        # only) is kept as a passage of its own: no text of the record is dropped.
        used = {id(h) for d in self.drafts for h in d.section}
        for h, block, page, idx in self.headings if self.bare_headings else ():
            if id(h) not in used:
                self.drafts.append(Draft("paragraph", "heading", [block.text.strip()],
                                         [block], [page], [], idx))
        self.drafts.sort(key=lambda d: d.first_index)
        attach_footnotes(self.drafts, self.footnotes)
        return self.drafts

    def read(self, idx: int, block: Block) -> None:
        """Take one block: footnotes wait for the end, each other kind has its method."""
        page = block.page + self.page_shift
        waiting, self.absorb = self.absorb, False
        if block.kind == "footnote":
            self.footnotes.append((idx, block))
            return
        if block.kind == "table":
            self.table(block, page, idx)
            return
        if block.kind == "table_row":
            self.table_row(block, page, idx)
            return
        text = block.text.strip()
        if not text:
            return
        if block.kind == "heading":
            self.take_heading(heading_of(text) or Heading(max(block.level, 1), text, None),
                              block, page, idx)
        elif ENACTING.match(text):
            self.enacting_formula(block, page, idx)
        else:
            self.text(block, page, idx, text, waiting)

    # -- state shared by the rules ---------------------------------------------------------

    def new_draft(self, kind: PassageKind, label: str, block: Block, page: int,
                  idx: int) -> Draft:
        """A passage starts with ``block``, under the headings above it."""
        d = Draft(kind, label, [block.text.strip()], [block], [page], list(self.stack), idx)
        self.drafts.append(d)
        return d

    def new_paragraph(self, label: str, t: _Text) -> None:
        """A paragraph starts with ``t``: no list is under way in it yet."""
        self.current = self.new_draft("paragraph", label, t.block, t.page, t.idx)
        self.since_heading += 1
        self.list_last = None
        self.list_kind = None

    def main_label(self, number: int) -> str:
        """'12', 'item 12', 'operative ¶12'; 'Part Two, 12' inside a part."""
        label = f"item {number}" if self.agenda else str(number)
        if self.enacting == "main":
            label = f"operative ¶{number}"
        part = next((h.enum for h in self.stack if h.level == 0), None)
        return f"{part}, {label}" if part else label

    def unnumbered_label(self, prefix: str = "¶") -> str:
        """'III.A, ¶2': the section's label and the count of such passages in it."""
        sec = section_label(self.stack, self.agenda)
        self.para_counts[sec] = self.para_counts.get(sec, 0) + 1
        n = self.para_counts[sec]
        return f"{sec}, {prefix}{n}" if sec else f"{prefix}{n}"

    def ends_open_list(self) -> bool:
        """The current paragraph ends with ':', introducing a list."""
        return self.current is not None and self.current.tail().rstrip().endswith(":")

    # -- front matter and headings ---------------------------------------------------------

    def add_cover(self, block: Block, page: int, idx: int) -> None:
        """Front matter: one ``cover`` passage, a line per block."""
        if self.cover is None:
            self.cover = self.new_draft("front_matter", "cover", block, page, idx)
        else:
            self.cover.add(block, page, "\n")

    def end_front(self, by_heading: bool = False) -> None:
        """The record's own text starts: the cover tells whether it is an agenda."""
        if not self.front:
            return
        self.front = False
        cover = self.cover
        self.agenda = is_agenda(cover.text if cover else "", self.info.title)
        # The last cover line, if it is a heading, heads what follows ("Provisional agenda").
        if cover and len(cover.parts) > 1 and not by_heading:
            last = cover.parts[-1].strip()
            h = heading_of(last)
            if h is not None and h.level >= 5 and not re.search(r"\d", last):
                cover.pop()
                self.push_heading(Heading(1, last, None))

    def take_heading(self, h: Heading, block: Block, page: int, idx: int) -> None:
        """Before the first structural element a plain heading is cover text."""
        if self.front and is_cover_line(h):
            self.add_cover(block, page, idx)
            return
        self.end_front(by_heading=True)
        self.push_heading(h)
        self.headings.append((h, block, page, idx))
        if h.level == 0:  # a new part of the document: its own paragraph numbering starts
            self.expected, self.main_indent = 1, None

    def push_heading(self, h: Heading) -> None:
        """``h`` closes the headings at its level and below, and the paragraph above it."""
        if h.level <= 2 or self.enacting == "quoted":
            self.enacting = None if self.enacting == "quoted" else self.enacting
        while self.stack and self.stack[-1].level >= h.level:
            self.stack.pop()
        if self.sub_anchor is None or not any(x is self.sub_anchor for x in self.stack):
            self.sub_expected = None
        self.stack.append(h)
        self.since_heading = 0
        self.current = None
        self.list_last = None
        self.list_kind = None

    # -- tables and resolutions ------------------------------------------------------------

    def table(self, block: Block, page: int, idx: int) -> None:
        """A whole table (PDF): one passage."""
        self.end_front()
        self.tables += 1
        self.new_draft("table", f"table {self.tables}", whole_table(block), page, idx)
        self.current = None

    def table_row(self, block: Block, page: int, idx: int) -> None:
        """A table row (Markdown): one passage, unless it is the header row."""
        self.end_front()
        self.current = None
        row = self.rows.row(block)
        if row is not None:
            self.new_draft("table_row", self.unnumbered_label("row "), row, page, idx)

    def enacting_formula(self, block: Block, page: int, idx: int) -> None:
        """'The General Assembly,': a resolution's preamble starts (the document's own when
        its numbering has not started, else one quoted in it)."""
        self.end_front()
        self.enacting = "main" if self.expected == 1 else "quoted"
        self.current = self.new_draft("paragraph", "preamble" if self.enacting == "main"
                                      else self.unnumbered_label(), block, page, idx)
        self.para_counts["preamble"] = 0
        self.since_heading = 0

    # -- text blocks: the rules, in order --------------------------------------------------

    def text(self, block: Block, page: int, idx: int, text: str, waiting: bool) -> None:
        """A text block: the first of the rules below that takes it, else a paragraph."""
        # a number of four digits or more is a paragraph's only where the sequence is
        number = un.paragraph_number(text, self.expected, self.sub_expected)
        if self.joins(block, page, text, number):
            return
        t = self.read_text(block, page, idx, text, number, waiting)
        if not (self.main_paragraph(t) or self.numbered_heading(t) or self.list_line(t)
                or self.heading(t) or self.restarted(t) or self.list_entry(t)):
            self.paragraph(t)

    def joins(self, block: Block, page: int, text: str, number: int | None) -> bool:
        """1. the rest of a paragraph cut by a page break. Preambular paragraphs end with a
        comma ("Recalling its resolution 77/1,"): there only a lower-case start continues."""
        cur = self.current
        preamble = self.enacting is not None and number is None
        if cur is None or cur.kind != "paragraph" or not continues(
                cur.tail(), block, (self.expected, self.sub_expected), cur.length) \
                or (preamble and cur.tail().rstrip().endswith(",")
                    and not text[:1].islower()):
            return False
        if self.infer_pages and not block.page_break_before:
            self.page_shift += 1
            page = block.page + self.page_shift
        sep = "" if strip_markers(cur.tail()).endswith("-") and text[0].islower() else " "
        cur.add(block, page, sep)
        return True

    def read_text(self, block: Block, page: int, idx: int, text: str, number: int | None,
                  waiting: bool) -> _Text:
        """What the rules ask of a text block that does not continue the paragraph before
        it; a quoted resolution ends here when the main sequence's next number comes."""
        cur, expected, list_last = self.current, self.expected, self.list_last
        following = self.ahead.following(idx)
        continued = following is not None and following.kind == "text" and continues(
            text, following, (expected, expected + 1, self.sub_expected))
        looks_paragraph = ends_closed(text) or len(text) >= _PARAGRAPH_MIN_CHARS or continued
        # without layout, an operative verb ("2. Invites") tells quoted resolution text; with
        # it, indentation does ("51. Calls from sections of the population …" is a report's
        # own paragraph at the margin)
        operative = bool(OPERATIVE.match(text))
        blocks_main = operative and block.indent is None
        # a numbered list quoted inside the current paragraph goes on (report para 56)
        next_in_list = list_last is not None and number == list_last + 1
        # numbering that goes back to 1 after a finished sentence, while a restarted
        # numbering or a numbered list is under way, restarts again: paragraphs numbered
        # in runs ("1. a.", "2. b.", "1. c." …) are not all one list (a list that a
        # paragraph introduces ends it with ":"; the first run after the main sequence
        # stays a list, as an agenda's items do)
        again = number == 1 and looks_paragraph and cur is not None \
            and cur.kind == "paragraph" and ends_closed(cur.tail()) \
            and not cur.tail().rstrip().endswith(":") \
            and (self.sub_expected is not None or (list_last is not None
                                                   and self.list_kind == "num"))
        # a numbered paragraph indented deeper than the main sequence is quoted text
        quoted = self.main_indent is not None and block.indent is not None \
            and block.indent > self.main_indent + INDENT_STEP
        # a quoted resolution ends where the next paragraph of the main sequence comes, at
        # the main sequence's indentation (without layout: not worded as an operative one)
        if self.enacting == "quoted" and number is not None and number == expected \
                and looks_paragraph and not quoted and (
                    self.main_indent is not None and block.indent is not None
                    or not operative):
            self.enacting = None
        if self.enacting == "main":
            operative = blocks_main = False  # the document's own operative paragraphs
        return _Text(block, idx, page, text, number, following, continued, looks_paragraph,
                     operative, blocks_main, next_in_list,
                     number is not None and number == expected and not next_in_list,
                     again, quoted, waiting)

    def main_paragraph(self, t: _Text) -> bool:
        """2. the next paragraph of the main sequence."""
        number = t.number
        if number is None or number != self.expected or not t.looks_paragraph \
                or t.blocks_main or t.next_in_list or t.quoted or self.enacting == "quoted" \
                or (number == 1 and not self.front and self.drafts and self.since_heading > 0
                    and self.enacting != "main"
                    and (self.expected > 1 or self.ends_open_list())):
            return False
        self.end_front()
        self.new_paragraph(self.main_label(number), t)
        if self.main_indent is None:
            self.main_indent = t.block.indent
        self.expected += 1
        return True

    def numbered_heading(self, t: _Text) -> bool:
        """2b. a numbered heading that continues the main sequence, with unnumbered text
        under it ("1. Recommitment to peacekeeping", an agenda item and its annotation):
        paragraph N is the heading and the paragraph under it. When headings follow
        instead, it is N only if the document's next number is N + 1 ("1. Background",
        then "1. The Commission …" is a numbered subsection, not paragraph 1)."""
        number, following, expected = t.number, t.following, self.expected
        heading = heading_of(t.text, expected) if number is not None and number == expected \
            and not t.looks_paragraph else None
        under = following is not None and following.kind == "text" and un.paragraph_number(
            following.text.strip(), expected + 1) is None \
            and not LIST_START.match(following.text.strip()) \
            and heading_of(following.text.strip(), expected + 1) is None
        if number is None or heading is None or heading.enum != str(number) or t.quoted \
                or t.next_in_list or self.enacting == "quoted" or following is None \
                or not (under or self.ahead.next_number(t.idx) in (None, number + 1)):
            return False
        # the heading's words are the passage's own text, so it is not also made the
        # section of what follows (no text shown twice)
        self.end_front()
        self.current = self.new_draft("paragraph", self.main_label(number), t.block, t.page,
                                      t.idx)
        self.absorb = under
        if self.main_indent is None:
            self.main_indent = t.block.indent
        self.expected += 1
        return True

    def list_line(self, t: _Text) -> bool:
        """3. a bulleted line, or the next line of a list under way, belongs to the
        paragraph."""
        cur = self.current
        if cur is None or cur.kind != "paragraph" or t.next_para_number or t.again \
                or not (t.block.list_item or (self.list_kind is not None
                                              and list_kind(t.text) == self.list_kind)):
            return False
        cur.add(t.block, t.page, "\n")
        if t.number is not None:
            self.list_last = t.number
        return True

    def heading(self, t: _Text) -> bool:
        """4. a heading (not where a paragraph has just introduced a list)."""
        h = None if t.continued else heading_of(t.text)
        if h is None or self.ends_open_list():
            return False
        self.take_heading(h, t.block, t.page, t.idx)
        return True

    def restarted(self, t: _Text) -> bool:
        """5. a numbering restarted under a heading (decisions, annexed texts)."""
        number = t.number
        if number is None or not t.looks_paragraph or not (
                (number == 1 and (self.since_heading == 0 or t.operative or t.again)
                 and not self.front) or number == self.sub_expected):
            return False
        if number != self.sub_expected:  # a new restart, under the innermost heading
            self.sub_anchor = self.stack[-1] if self.stack else None
            self.sub_section = section_label(self.stack, self.agenda)
        sec = self.sub_section
        num = f"operative ¶{number}" if self.enacting == "quoted" else str(number)
        self.new_paragraph(f"{sec}, {num}" if sec else num, t)
        self.sub_expected = number + 1
        return True

    def list_entry(self, t: _Text) -> bool:
        """6. a list entry inside the current paragraph."""
        cur = self.current
        if cur is None or cur.kind != "paragraph" or not (
                LIST_START.match(t.text) or cur.tail().rstrip().endswith(":")):
            return False
        cur.add(t.block, t.page, "\n")
        if t.number is not None:
            self.list_last = t.number
        self.list_kind = list_kind(t.text)
        return True

    def paragraph(self, t: _Text) -> None:
        """7. front matter, or an unnumbered paragraph (the text under a numbered heading
        goes with it)."""
        if self.front and len(t.text) < HEADING_MAX_CHARS and t.number is None:
            self.add_cover(t.block, t.page, t.idx)
            return
        self.end_front()
        if t.waiting and self.current is not None and t.number is None:
            self.current.add(t.block, t.page, "\n")
            return
        if self.enacting == "main" and self.expected == 1:
            self.para_counts["preamble"] += 1
            label = f"preamble ¶{self.para_counts['preamble']}"
        else:
            label = self.unnumbered_label()
        self.new_paragraph(label, t)
