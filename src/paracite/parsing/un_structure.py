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

All of it is linear in the size of the input: no step looks again at everything before
or after it (tests/unit/test_parser_limits.py measures the growth).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from paracite.documents import DocumentInfo, Footnote, Passage, PassageKind
from paracite.parsing import un_patterns as un
from paracite.parsing.blocks import SUPERSCRIPT_DIGITS, Block, to_superscript

SUPERSCRIPTS = SUPERSCRIPT_DIGITS

_NUMBERED = un.NUMBERED_PARAGRAPH
_ROMAN = re.compile(r"^((?:X{0,3})(?:IX|IV|V?I{0,3}))\.\s+\S")
_LETTER = re.compile(r"^([A-Z])\.\s+\S")
_SUBLETTER = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)\s+\S")
_CHAPTER = re.compile(r"^(?:Chapter|CHAPTER)\s+([IVXL]+|\d+)\b")
# A document made of several reports ("Part One", "Part Two"): each numbers from 1.
_PART = re.compile(r"^(?:Part|PART)\s+(One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|"
                   r"[IVX]+|\d+)\b")
# Operative paragraphs of a resolution or decision quoted in a report start with a verb in
# the third person ("2. Invites", "17. Also recognizes"); their numbering is the quoted
# text's own, not the report's.
_OPERATIVE = re.compile(
    r"^\d{1,3}\.\s+(?:(?:Also|Further|Again|Once again|Strongly|Firmly|Further also)\s+)?"
    r"(?i:Acknowledges|Adopts|Affirms|Appeals|Approves|Authorizes|Calls|Commends|Condemns|"
    r"Considers|Decides|Declares|Deplores|Designates|Directs|Draws|Emphasizes|Encourages|"
    r"Endorses|Expresses|Highlights|Invites|Notes|Reaffirms|Recalls|Recognizes|Recommends|"
    r"Regrets|Reiterates|Renews|Requests|Stresses|Supports|Takes|Trusts|Underlines|"
    r"Underscores|Urges|Welcomes)\b")
# The line that opens a resolution or decision: "The General Assembly,", "The Economic and
# Social Council,", "The Executive Board," — preambular paragraphs follow, then operative ones.
_ENACTING = re.compile(r"^The [A-Z][\w’'\- ]{2,80}(?:Assembly|Council|Board|Commission|Committee|"
                       r"Conference|Meeting|Forum|Group|Body|Mechanism|Parties)"
                       r"(?: [a-z]+ [A-Z][\w’'\- ]{2,60})?,?$")
_INDENT_STEP = 10.0  # points: a numbered paragraph indented this much deeper is quoted text
_LIST_START = re.compile(r"^(?:\(?[a-z]{1,2}\)|\(?[ivx]{1,5}\)|\d{1,3}\.|[-•*–]\s)")
_TOP_WORDS = {
    "annex", "annexes", "annotations", "appendix", "contents", "introduction",
    "provisional agenda", "agenda",
}
# Words a sentence does not end on: a block ending with one continues on the next page.
_OPEN_WORDS = {
    "a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for",
    "with", "from", "into", "as", "that", "which", "who", "whose", "its", "their", "his",
    "her", "this", "these", "those", "such", "be", "was", "were", "is", "are", "had", "has",
    "have", "not", "between", "among", "through", "under", "over", "within", "without",
    "including", "regarding", "concerning", "towards", "than", "all", "both", "each",
    "other", "new", "upon", "also", "would", "could", "should", "may", "might", "will",
}
_CLOSERS = ".:;!?)]\"”’'"
_HEADING_MAX_CHARS = 200  # longer unpunctuated text is a paragraph cut by a page break
_PARAGRAPH_MIN_CHARS = 200  # a numbered block this long is a paragraph even unpunctuated
_LONG_OPEN_CHARS = 100  # an unfinished text this long, then a page break: joined


def _strip_markers(text: str) -> str:
    return text.rstrip().rstrip(SUPERSCRIPTS).rstrip()


def ends_closed(text: str) -> bool:
    """True when ``text`` ends as a sentence, a list entry or a citation does."""
    t = _strip_markers(text)
    return bool(t) and t[-1] in _CLOSERS


def _last_word(text: str) -> str:
    """The final word, lower-cased; '' when the text ends in a number or symbol."""
    tokens = _strip_markers(text).split()
    last = tokens[-1].strip(",;:-–—") if tokens else ""
    return last.lower() if last.isalpha() else ""


@dataclass
class _Heading:
    level: int
    text: str
    enum: str | None  # "III", "A", "1", "(b)"; None for plain headings


def _heading_of(text: str, expected: int | None = None) -> _Heading | None:
    """Classify a short unpunctuated line as a heading, or return None. ``expected``: the
    next number of the main sequence, taken as a numbered heading's however long."""
    t = text.strip()
    # "(CDP-CENS)" closing a heading names an acronym; it does not end a sentence
    if not t or len(t) > _HEADING_MAX_CHARS or ends_closed(re.sub(r"\s*\([^()]*\)$", "", t)):
        return None
    if m := _PART.match(t):
        return _Heading(0, t, f"Part {m.group(1)}")
    if m := _CHAPTER.match(t):
        return _Heading(1, t, m.group(1))
    if (m := _ROMAN.match(t)) and m.group(1):
        return _Heading(1, t, m.group(1))
    if m := _LETTER.match(t):
        return _Heading(2, t, m.group(1))
    if (m := un.NUMBERED_ANY.match(t)) and (len(m.group(1)) <= 3
                                            or int(m.group(1)) == expected):
        return _Heading(3, t, m.group(1))
    if m := _SUBLETTER.match(t):
        return _Heading(4, t, f"({m.group(1)})")
    if t.lower() in _TOP_WORDS or re.match(r"^(?:Annex|Appendix)\b", t):
        return _Heading(1, t, None)
    words = t.split()
    if len(words) <= 8 and t[0].isupper() and _last_word(t) not in _OPEN_WORDS:
        return _Heading(5, t, None)
    return None


def _list_kind(text: str) -> str | None:
    """The kind of enumerator a list line starts with, to keep a list together."""
    t = text.lstrip()
    for kind, rx in (("chapter", r"Chapter\s+\w+\."), ("num", r"\d{1,3}\."),
                     ("alpha", r"\(?[a-z]{1,2}\)"), ("roman", r"\(?[ivx]{1,5}\)"),
                     ("bullet", r"[-•*–]\s")):
        if re.match(rx, t):
            return kind
    return None


def _is_cover_line(h: _Heading) -> bool:
    """Before the first structural element, unnumbered headings are the cover page."""
    return h.enum is None and not (h.level == 1 and (
        h.text.lower() in _TOP_WORDS or re.match(r"^(?:Annex|Appendix)\b", h.text)))


def _continues(prev: str, block: Block, expected: tuple[int | None, ...] = (),
               prev_len: int | None = None) -> bool:
    """Is ``block`` the rest of a paragraph that ``prev`` left unfinished?

    ``prev`` may be only the end of that paragraph (``_Draft.tail``), ``prev_len`` then
    its whole length; ``expected``: numbers of any length that start a paragraph here.
    """
    if ends_closed(prev):
        return False
    nxt = block.text.lstrip()
    if not nxt or block.list_item:
        return False
    if nxt[0].islower():
        return True
    if un.paragraph_number(nxt, *expected) is not None or _SUBLETTER.match(nxt):
        return False
    tail = _strip_markers(prev)
    if tail.endswith((",", "-", "–", "—")) or _last_word(prev) in _OPEN_WORDS:
        return True
    return (block.page_break_before and (len(prev) if prev_len is None else prev_len)
            > _LONG_OPEN_CHARS and _heading_of(nxt) is None)


_TAIL_CHARS = 256  # how much of a paragraph's end tells how it ends (see _Draft.tail)
_TAIL_PARTS = 64


@dataclass
class _Draft:
    kind: PassageKind
    label: str
    parts: list[str]  # one per block: its separator and its text
    blocks: list[Block]
    pages: list[int]
    section: list[_Heading]
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


def _section_label(stack: list[_Heading], agenda: bool) -> str:
    """Short label of a section: 'item 1 (b)', 'III.A', 'Annex', 'item 2, Documentation',
    'Part Two, II.A'."""
    part = next((h for h in stack if h.level == 0), None)
    if part is not None and len(stack) > 1:
        rest = _section_label([h for h in stack if h is not part], agenda)
        return f"{part.enum}, {rest}" if rest else str(part.enum)
    enumerated = [h for h in stack if h.enum]
    if not enumerated:
        return stack[0].text if stack else ""
    out = ""
    for h in enumerated:
        e = h.enum or ""
        if not out:
            out = e
        elif h.level <= 2 and re.fullmatch(r"[A-Z]+", e):
            out += "." + e
        else:
            out += " " + e
    if agenda and re.match(r"^\d", out):
        out = "item " + out
    last_enum = max(stack.index(h) for h in enumerated)
    deeper_plain = [h for h in stack[last_enum + 1:] if not h.enum]
    if deeper_plain:
        out += ", " + deeper_plain[-1].text
    return out


_AGENDA_REF = re.compile(r"(?i)\bitems? [\w\s(),]{1,40}? of the (?:provisional |preliminary )?"
                         r"(?:annotated )?(?:provisional )?agenda\W*|\bagenda items? \d")


def _is_agenda(cover: str, title: str) -> bool:
    """Is the document an agenda? Not when the cover only says which agenda item it is
    issued under ("Item 6 of the provisional agenda", printed on most UN documents)."""
    head = _AGENDA_REF.sub(" ", cover + "\n" + title).lower()
    return "agenda" in head and not title.lower().startswith("report")


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
    # the next block that is not a footnote, for each block (len(blocks): none)
    following_at = [len(blocks)] * len(blocks)
    nxt = len(blocks)
    for i in range(len(blocks) - 1, -1, -1):
        following_at[i] = nxt
        if blocks[i].kind != "footnote":
            nxt = i
    # numbered text blocks in order, for next_number
    numbered = [(i, b.indent or 0.0, int(m.group(1))) for i, b in enumerate(blocks)
                if b.kind == "text" and (m := _NUMBERED.match(b.text.strip()))]
    numbered_at = [i for i, _, _ in numbered]

    def next_number(idx: int) -> int | None:
        """The number of the next numbered text block after ``idx`` printed at the same
        indentation (a list under a heading is indented otherwise), if any."""
        indent = blocks[idx].indent or 0.0
        for k in range(bisect_right(numbered_at, idx), len(numbered)):
            if abs(numbered[k][1] - indent) < _INDENT_STEP / 2:
                return numbered[k][2]
        return None

    footnote_blocks: list[tuple[int, Block]] = []
    drafts: list[_Draft] = []
    stack: list[_Heading] = []
    cover: _Draft | None = None
    current: _Draft | None = None
    front = True
    expected = 1
    sub_expected: int | None = None  # a numbering restarted under a heading
    # the heading it restarted under and its label: the numbering goes on through that
    # heading's subsections ("II.A", "II.B") and is cited as "II, 7"
    sub_anchor: _Heading | None = None
    sub_section = ""
    absorb = False  # a numbered heading waits for the paragraph under it
    tables = 0  # tables seen (PDF): "table 1", "table 2"
    list_last: int | None = None  # number of the last list item inside the current paragraph
    list_kind: str | None = None  # enumerator kind of the last list line of that paragraph
    since_heading = 0
    para_counts: dict[str, int] = {}
    table_header: tuple[str, ...] = ()
    table_prev: list[str] = []
    page_shift = 0
    agenda = _is_agenda("", info.title)
    main_indent: float | None = None  # indentation of the main sequence's paragraphs
    # "main" when the document is itself a resolution or decision (its operative
    # paragraphs are the main sequence), "quoted" inside another document, else None
    enacting: str | None = None

    headings: list[tuple[_Heading, Block, int, int]] = []

    def push_heading(h: _Heading) -> None:
        nonlocal sub_expected, since_heading, current, list_last, list_kind, enacting
        if h.level <= 2 or enacting == "quoted":
            enacting = None if enacting == "quoted" else enacting
        while stack and stack[-1].level >= h.level:
            stack.pop()
        if sub_anchor is None or not any(x is sub_anchor for x in stack):
            sub_expected = None
        stack.append(h)
        since_heading = 0
        current = None
        list_last = None
        list_kind = None

    def new_draft(kind: PassageKind, label: str, block: Block, page: int, idx: int) -> _Draft:
        d = _Draft(kind, label, [block.text.strip()], [block], [page], list(stack), idx)
        drafts.append(d)
        return d

    def add_cover(block: Block, page: int, idx: int) -> None:
        nonlocal cover
        if cover is None:
            cover = new_draft("front_matter", "cover", block, page, idx)
        else:
            cover.add(block, page, "\n")

    def take_heading(h: _Heading, block: Block, page: int, idx: int) -> None:
        """Before the first structural element a plain heading is cover text."""
        if front and _is_cover_line(h):
            add_cover(block, page, idx)
        else:
            end_front(by_heading=True)
            push_heading(h)
            headings.append((h, block, page, idx))
            if h.level == 0:
                restart_main()

    def restart_main() -> None:
        """A new part of the document: its own paragraph numbering starts."""
        nonlocal expected, main_indent
        expected, main_indent = 1, None

    def main_label(number: int) -> str:
        """'12', 'item 12', 'operative ¶12'; 'Part Two, 12' inside a part."""
        label = f"item {number}" if agenda else str(number)
        if enacting == "main":
            label = f"operative ¶{number}"
        part = next((h.enum for h in stack if h.level == 0), None)
        return f"{part}, {label}" if part else label

    def unnumbered_label(prefix: str = "¶") -> str:
        sec = _section_label(stack, agenda)
        para_counts[sec] = para_counts.get(sec, 0) + 1
        n = para_counts[sec]
        return f"{sec}, {prefix}{n}" if sec else f"{prefix}{n}"

    def end_front(by_heading: bool = False) -> None:
        nonlocal front, agenda
        if not front:
            return
        front = False
        agenda = _is_agenda(cover.text if cover else "", info.title)
        # The last cover line, if it is a heading, heads what follows ("Provisional agenda").
        if cover and len(cover.parts) > 1 and not by_heading:
            last = cover.parts[-1].strip()
            h = _heading_of(last)
            if h is not None and h.level >= 5 and not re.search(r"\d", last):
                cover.pop()
                push_heading(_Heading(1, last, None))

    for idx, block in enumerate(blocks):
        page = block.page + page_shift
        waiting, absorb = absorb, False
        if block.kind == "footnote":
            footnote_blocks.append((idx, block))
            continue
        if block.kind == "table":
            end_front()
            tables += 1
            head = " | ".join(block.cells)
            table = Block(f"{head}\n{block.text}" if head else block.text, block.page,
                          block.start, block.end, kind="table", page_label=block.page_label)
            new_draft("table", f"table {tables}", table, page, idx)
            current = None
            continue
        if block.kind == "table_row":
            end_front()
            current = None
            if block.level == 1 or not table_header:
                table_header = block.cells
                table_prev = list(block.cells)
                if block.level == 1:
                    continue
            cells = list(block.cells)
            for i in range(len(cells) - 1):  # the last column is never "same as above"
                if not cells[i] and i < len(table_prev):
                    cells[i] = table_prev[i]
            table_prev = cells
            heads = list(table_header) + [f"Column {i + 1}" for i in range(len(table_header),
                                                                         len(cells))]
            text = "; ".join(f"{h}: {c}" for h, c in zip(heads, cells, strict=False) if c)
            row = Block(text, block.page, block.start, block.end, kind="table_row")
            new_draft("table_row", unnumbered_label("row "), row, page, idx)
            continue

        text = block.text.strip()
        if not text:
            continue
        if block.kind == "heading":
            take_heading(_heading_of(text) or _Heading(max(block.level, 1), text, None),
                         block, page, idx)
            continue

        if _ENACTING.match(text):
            end_front()
            enacting = "main" if expected == 1 else "quoted"
            current = new_draft("paragraph", "preamble" if enacting == "main" else
                                unnumbered_label(), block, page, idx)
            para_counts["preamble"] = 0
            since_heading = 0
            continue

        # 1. the rest of a paragraph cut by a page break. Preambular paragraphs end with a
        # comma ("Recalling its resolution 77/1,"): there only a lower-case start continues
        # a number of four digits or more is a paragraph's only where the sequence is
        number = un.paragraph_number(text, expected, sub_expected)
        preamble = enacting is not None and number is None
        if current is not None and current.kind == "paragraph" and _continues(
                current.tail(), block, (expected, sub_expected), current.length) \
                and not (preamble and current.tail().rstrip().endswith(",")
                         and not text[:1].islower()):
            if infer_pages and not block.page_break_before:
                page_shift += 1
                page = block.page + page_shift
            sep = "" if _strip_markers(current.tail()).endswith("-") and text[0].islower() \
                else " "
            current.add(block, page, sep)
            continue

        following = blocks[following_at[idx]] if following_at[idx] < len(blocks) else None
        continued = following is not None and following.kind == "text" and _continues(
            text, following, (expected, expected + 1, sub_expected))
        looks_paragraph = ends_closed(text) or len(text) >= _PARAGRAPH_MIN_CHARS or continued

        # without layout, an operative verb ("2. Invites") tells quoted resolution text; with
        # it, indentation does ("51. Calls from sections of the population …" is a report's
        # own paragraph at the margin)
        operative = bool(_OPERATIVE.match(text))
        blocks_main = operative and block.indent is None
        # a numbered list quoted inside the current paragraph goes on (report para 56)
        next_in_list = list_last is not None and number == list_last + 1
        next_para_number = number is not None and number == expected and not next_in_list
        # numbering that goes back to 1 after a finished sentence, while a restarted
        # numbering or a numbered list is under way, restarts again: paragraphs numbered
        # in runs ("1. a.", "2. b.", "1. c." …) are not all one list (a list that a
        # paragraph introduces ends it with ":"; the first run after the main sequence
        # stays a list, as an agenda's items do)
        again = number == 1 and looks_paragraph and current is not None \
            and current.kind == "paragraph" and ends_closed(current.tail()) \
            and not current.tail().rstrip().endswith(":") \
            and (sub_expected is not None or (list_last is not None and list_kind == "num"))
        # a numbered paragraph indented deeper than the main sequence is quoted text
        quoted = main_indent is not None and block.indent is not None \
            and block.indent > main_indent + _INDENT_STEP
        # a quoted resolution ends where the next paragraph of the main sequence comes, at
        # the main sequence's indentation (without layout: not worded as an operative one)
        if enacting == "quoted" and number is not None and number == expected \
                and looks_paragraph and not quoted and (
                    main_indent is not None and block.indent is not None
                    or not operative):
            enacting = None
        if enacting == "main":
            operative = blocks_main = False  # the document's own operative paragraphs
        # 2. the next paragraph of the main sequence
        if number is not None and number == expected and looks_paragraph and not blocks_main \
                and not next_in_list and not quoted and enacting != "quoted" \
                and not (number == 1 and not front and drafts and since_heading > 0
                         and enacting != "main"
                         and (expected > 1 or (current is not None
                                               and current.tail().rstrip().endswith(":")))):
            end_front()
            current = new_draft("paragraph", main_label(number), block, page, idx)
            if main_indent is None:
                main_indent = block.indent
            expected += 1
            since_heading += 1
            list_last = None
            list_kind = None
            continue

        # 2b. a numbered heading that continues the main sequence, with unnumbered text
        # under it ("1. Recommitment to peacekeeping", an agenda item and its annotation):
        # paragraph N is the heading and the paragraph under it. When headings follow
        # instead, it is N only if the document's next number is N + 1 ("1. Background",
        # then "1. The Commission …" is a numbered subsection, not paragraph 1)
        heading = _heading_of(text, expected) if number is not None and number == expected \
            and not looks_paragraph else None
        under = following is not None and following.kind == "text" and un.paragraph_number(
            following.text.strip(), expected + 1) is None \
            and not _LIST_START.match(following.text.strip()) \
            and _heading_of(following.text.strip(), expected + 1) is None
        if number is not None and heading is not None and heading.enum == str(number) \
                and not quoted \
                and not next_in_list and enacting != "quoted" and following is not None \
                and (under or next_number(idx) in (None, number + 1)):
            # the heading's words are the passage's own text, so it is not also made the
            # section of what follows (no text shown twice)
            end_front()
            current = new_draft("paragraph", main_label(number), block, page, idx)
            absorb = under
            if main_indent is None:
                main_indent = block.indent
            expected += 1
            continue

        # 3. a bulleted line, or the next line of a list under way, belongs to the paragraph
        if current is not None and current.kind == "paragraph" and not next_para_number \
                and not again and (block.list_item or (list_kind is not None
                                                       and _list_kind(text) == list_kind)):
            current.add(block, page, "\n")
            if number is not None:
                list_last = number
            continue

        # 4. a heading
        h = None if continued else _heading_of(text)
        if h is not None and not (current is not None and current.tail().rstrip().endswith(":")):
            take_heading(h, block, page, idx)
            continue

        # 5. a numbering restarted under a heading (decisions, annexed texts)
        if number is not None and looks_paragraph and (
                (number == 1 and (since_heading == 0 or operative or again) and not front)
                or number == sub_expected):
            if number != sub_expected:  # a new restart, under the innermost heading
                sub_anchor = stack[-1] if stack else None
                sub_section = _section_label(stack, agenda)
            sec = sub_section
            num = f"operative ¶{number}" if enacting == "quoted" else str(number)
            label = f"{sec}, {num}" if sec else num
            current = new_draft("paragraph", label, block, page, idx)
            sub_expected = number + 1
            since_heading += 1
            list_last = None
            list_kind = None
            continue

        # 6. a list entry inside the current paragraph
        if current is not None and current.kind == "paragraph" and (
                _LIST_START.match(text) or current.tail().rstrip().endswith(":")):
            current.add(block, page, "\n")
            if number is not None:
                list_last = number
            list_kind = _list_kind(text)
            continue

        # 7. front matter, or an unnumbered paragraph
        if front and len(text) < _HEADING_MAX_CHARS and number is None:
            add_cover(block, page, idx)
            continue
        end_front()
        if waiting and current is not None and number is None:
            current.add(block, page, "\n")
            continue
        if enacting == "main" and expected == 1:
            para_counts["preamble"] += 1
            label = f"preamble ¶{para_counts['preamble']}"
        else:
            label = unnumbered_label()
        current = new_draft("paragraph", label, block, page, idx)
        since_heading += 1
        list_last = None
        list_kind = None

    # A heading with nothing under it (the last line of a file, a file of headings only)
    # is kept as a passage of its own: no text of the record is dropped.
    used = {id(h) for d in drafts for h in d.section}
    for h, block, page, idx in headings if bare_headings else ():
        if id(h) not in used:
            drafts.append(_Draft("paragraph", "heading", [block.text.strip()], [block],
                                 [page], [], idx))
    drafts.sort(key=lambda d: d.first_index)
    _attach_footnotes(drafts, footnote_blocks)
    return _to_passages(drafts, info, max_chars)


_SUP_RUN = re.compile(f"[{SUPERSCRIPTS}]+")
_WORD_REF = re.compile(r"\[\^(\w+)\]")  # as the definitions name them ("[^note]:")
_NOTE_SCAN = 500  # passages a footnote looks through on its page before giving up there


class _Markers:
    """Which of some texts carry which footnote markers, indexed once.

    A marker printed as superscript digits ("¹²") is carried by a text where it stands as
    a whole run of superscripts; a word marker (Markdown's "[^note]", whose references are
    left in the text as they are) by a text holding that reference. Those are looked up;
    only symbol markers ("*", "†", from PDFs, a few a document) are searched for.
    """

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.found: dict[str, list[int]] = {}  # marker key → indexes of the texts with it
        for k, text in enumerate(texts):
            keys = set(_SUP_RUN.findall(text))
            if "[^" in text:
                keys.update(f"[^{w}]" for w in _WORD_REF.findall(text))
            for key in keys:
                self.found.setdefault(key, []).append(k)
        self.sets: dict[str, set[int]] = {}
        self.patterns: dict[str, re.Pattern[str]] = {}

    @staticmethod
    def key(marker: str) -> str | None:
        """The index key of a marker; None for a symbol marker, which is searched for."""
        sup = to_superscript(marker)
        if sup and not sup.strip(SUPERSCRIPTS):
            return sup
        if any(c.isalnum() for c in marker):
            return f"[^{marker}]"
        return None

    def carrying(self, marker: str) -> list[int] | None:
        """The texts carrying an indexed marker, in order; None for a symbol marker."""
        key = self.key(marker)
        return None if key is None else self.found.get(key, [])

    def carries(self, k: int, marker: str) -> bool:
        key = self.key(marker)
        if key is not None:
            if key not in self.sets:
                self.sets[key] = set(self.found.get(key, []))
            return k in self.sets[key]
        if marker not in self.patterns:
            sup = to_superscript(marker)
            self.patterns[marker] = re.compile(
                rf"(?<![{SUPERSCRIPTS}]){re.escape(sup)}(?![{SUPERSCRIPTS}])")
        return bool(self.patterns[marker].search(self.texts[k]))


def _attach_footnotes(drafts: list[_Draft], footnotes: list[tuple[int, Block]]) -> None:
    """Give each footnote to the passage that carries its marker: the nearest one before
    the note on the note's own page (footnote numbers restart in annexes and reports quote
    other texts' markers), else the nearest after it on that page, else the nearest before
    it anywhere, else after; with no marker anywhere, the passage it was printed under.

    ``drafts`` are in reading order. The passages carrying each marker and those on each
    page are indexed once, so a note costs a few look-ups, not a pass over the document
    (each pass was quadratic with thousands of notes).
    """
    if not footnotes:
        return
    if not drafts:  # a file holding only footnotes: the first becomes a passage, the
        # others go with it
        idx, fb = footnotes[0]
        marker = (fb.marker or "").strip()
        text = f"{to_superscript(marker)} {fb.text.strip()}".strip()
        drafts.append(_Draft("paragraph", f"footnote {marker}".strip(), [text], [fb],
                             [fb.page], [], idx))
        for _, fb in footnotes[1:]:
            drafts[0].footnotes.append(Footnote(marker=(fb.marker or "").strip(),
                                                text=fb.text.strip()))
        return
    firsts = [d.first_index for d in drafts]
    markers = _Markers([d.text for d in drafts])
    on_page: dict[int, list[int]] = {}  # page → drafts on it
    for k, d in enumerate(drafts):
        for page in d.pages:
            on_page.setdefault(page, []).append(k)

    for idx, fb in footnotes:
        marker = (fb.marker or "").strip()
        at = bisect_left(firsts, idx)  # drafts[:at] start before the note

        def carries(k: int, marker: str = marker) -> bool:
            return markers.carries(k, marker)

        def on_its_page(k: int, page: int = fb.page) -> bool:
            return page in drafts[k].page_set
        # on the note's page: walking the passages on the page, or those with the marker
        # (whichever finds it first), the nearest before the note, else after
        near = [_nearest(on_page.get(fb.page, []), at, carries, _NOTE_SCAN)]
        carrying = markers.carrying(marker)
        if carrying is not None:
            near.append(_nearest(carrying, at, on_its_page, _NOTE_SCAN))
            cut = bisect_left(carrying, at)
            before = carrying[cut - 1] if cut else None
            after = carrying[cut] if cut < len(carrying) else None
        else:
            before, after = _nearest(range(len(drafts)), at, carries, _NOTE_SCAN)
        target = next((b for b, _ in near if b is not None), None)
        if target is None:
            target = next((a for _, a in near if a is not None), None)
        if target is None:
            target = before if before is not None else after
        if target is None:  # no marker found anywhere: keep the text with the passage
            target = at - 1 if at else at  # it was printed under rather than lose it
        drafts[target].footnotes.append(Footnote(marker=marker, text=fb.text.strip()))


def _nearest(candidates: Sequence[int], at: int, ok: Callable[[int], bool], scan: int
             ) -> tuple[int | None, int | None]:
    """Of the sorted ``candidates`` for which ``ok`` holds, the last one before ``at`` and
    the first one from ``at`` on; looking at no more than ``scan`` of them each way."""
    cut = bisect_left(candidates, at)
    before = next((candidates[k] for k in range(cut - 1, max(-1, cut - 1 - scan), -1)
                   if ok(candidates[k])), None)
    after = next((candidates[k] for k in range(cut, min(len(candidates), cut + scan))
                  if ok(candidates[k])), None)
    return before, after


def _printed(d: _Draft, blocks: list[Block] | None = None,
             pages: list[int] | None = None) -> tuple[str, ...]:
    """The printed page number of each of the draft's pages ('' where none is known);
    of ``blocks`` and ``pages`` only when given (a part of a split passage)."""
    by_page = {b.page: b.page_label for b in (d.blocks if blocks is None else blocks)
               if b.page_label}
    if not by_page:
        return ()
    return tuple(by_page.get(p, "") for p in sorted(set(d.pages if pages is None else pages)))


# Where a long passage may be cut: after a sentence's full stop (and any closing quote,
# bracket or footnote marker), before a space and a word that does not start in lower case
_SENTENCE_END = re.compile(rf"[.!?…][\"'”’)\]{SUPERSCRIPTS}]*+(?=\s++(?![a-z]))")


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
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
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


def _to_passages(drafts: list[_Draft], info: DocumentInfo, max_chars: int = 0
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
            ))
            continue
        passages.extend(_parts(d, full, spans, label, section, info, len(passages), unique))
    return passages


def _parts(d: _Draft, full: str, spans: list[tuple[int, int]], label: str, section: str,
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
    markers = _Markers(texts)
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
        ))
    return out
