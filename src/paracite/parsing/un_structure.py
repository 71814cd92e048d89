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
   their section so they stay distinct from the main sequence.
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
"""

from __future__ import annotations

import re
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


def _heading_of(text: str) -> _Heading | None:
    """Classify a short unpunctuated line as a heading, or return None."""
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
    if m := _NUMBERED.match(t):
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


def _continues(prev: str, block: Block) -> bool:
    """Is ``block`` the rest of a paragraph that ``prev`` left unfinished?"""
    if ends_closed(prev):
        return False
    nxt = block.text.lstrip()
    if not nxt or block.list_item:
        return False
    if nxt[0].islower():
        return True
    if _NUMBERED.match(nxt) or _SUBLETTER.match(nxt):
        return False
    tail = _strip_markers(prev)
    if tail.endswith((",", "-", "–", "—")) or _last_word(prev) in _OPEN_WORDS:
        return True
    return (block.page_break_before and len(prev) > _LONG_OPEN_CHARS
            and _heading_of(nxt) is None)


@dataclass
class _Draft:
    kind: PassageKind
    label: str
    parts: list[str]
    blocks: list[Block]
    pages: list[int]
    section: list[_Heading]
    first_index: int
    footnotes: list[Footnote] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def add(self, block: Block, page: int, sep: str) -> None:
        self.parts.append(sep + block.text.strip())
        self.blocks.append(block)
        if page not in self.pages:
            self.pages.append(page)


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
            bare_headings: bool = True) -> list[Passage]:
    """Turn a parser's blocks into passages with provenance.

    ``infer_pages``: the source has no page numbers (Markdown converted from a PDF), so
    every join of a paragraph cut mid-sentence also counts as a page break.
    ``bare_headings``: keep a heading with nothing under it as a passage, so that no text
    is dropped. PDFs pass False: there such "headings" are the cover block ("Distr.:
    General", "Original: English") and the table of contents, not the record's text.
    """
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
                cover.parts.pop()
                cover.blocks.pop()
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
        preamble = enacting is not None and not _NUMBERED.match(text)
        if current is not None and current.kind == "paragraph" and _continues(current.text,
                                                                             block) \
                and not (preamble and current.text.rstrip().endswith(",")
                         and not text[:1].islower()):
            if infer_pages and not block.page_break_before:
                page_shift += 1
                page = block.page + page_shift
            sep = "" if _strip_markers(current.text).endswith("-") and text[0].islower() else " "
            current.add(block, page, sep)
            continue

        m = _NUMBERED.match(text)
        number = int(m.group(1)) if m else None
        following = next((b for b in blocks[idx + 1:] if b.kind != "footnote"), None)
        continued = following is not None and following.kind == "text" and _continues(
            text, following)
        looks_paragraph = ends_closed(text) or len(text) >= _PARAGRAPH_MIN_CHARS or continued

        # without layout, an operative verb ("2. Invites") tells quoted resolution text; with
        # it, indentation does ("51. Calls from sections of the population …" is a report's
        # own paragraph at the margin)
        operative = bool(_OPERATIVE.match(text))
        blocks_main = operative and block.indent is None
        # a numbered list quoted inside the current paragraph goes on (report para 56)
        next_in_list = list_last is not None and number == list_last + 1
        next_para_number = number is not None and number == expected and not next_in_list
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
                                               and current.text.rstrip().endswith(":")))):
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
        heading = _heading_of(text) if number is not None and number == expected \
            and not looks_paragraph else None
        under = following is not None and following.kind == "text" and not _NUMBERED.match(
            following.text.strip()) and not _LIST_START.match(following.text.strip()) \
            and _heading_of(following.text.strip()) is None
        if number is not None and heading is not None and heading.enum == str(number) \
                and not quoted \
                and not next_in_list and enacting != "quoted" and following is not None \
                and (under or _next_number(blocks, idx) in (None, number + 1)):
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
        if current is not None and current.kind == "paragraph" and not next_para_number and (
                block.list_item or (list_kind is not None and _list_kind(text) == list_kind)):
            current.add(block, page, "\n")
            if number is not None:
                list_last = number
            continue

        # 4. a heading
        h = None if continued else _heading_of(text)
        if h is not None and not (current is not None and current.text.rstrip().endswith(":")):
            take_heading(h, block, page, idx)
            continue

        # 5. a numbering restarted under a heading (decisions, annexed texts)
        if number is not None and looks_paragraph and (
                (number == 1 and (since_heading == 0 or operative) and not front)
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
                _LIST_START.match(text) or current.text.rstrip().endswith(":")):
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
    return _to_passages(drafts, info)


def _next_number(blocks: list[Block], idx: int) -> int | None:
    """The number of the next numbered text block after ``idx`` printed at the same
    indentation (a list under a heading is indented otherwise), if any."""
    indent = blocks[idx].indent or 0.0
    for b in blocks[idx + 1:]:
        if b.kind == "text" and abs((b.indent or 0.0) - indent) < _INDENT_STEP / 2 and (
                m := _NUMBERED.match(b.text.strip())):
            return int(m.group(1))
    return None


def _attach_footnotes(drafts: list[_Draft], footnotes: list[tuple[int, Block]]) -> None:
    """Give each footnote to the passage that carries its marker, looking back first."""
    for idx, fb in footnotes:
        marker = (fb.marker or "").strip()
        sup = to_superscript(marker)
        before = [d for d in drafts if d.first_index < idx]
        after = [d for d in drafts if d.first_index > idx]
        pattern = re.compile(rf"(?<![{SUPERSCRIPTS}]){re.escape(sup)}(?![{SUPERSCRIPTS}])")
        # the marker on the note's own page first (footnote numbers restart in annexes
        # and reports quote other texts' markers), then the nearest before, then after
        on_page = [d for d in reversed(before) if fb.page in d.pages] + [
            d for d in after if fb.page in d.pages]
        target = next((d for d in on_page if pattern.search(d.text)), None)
        target = target or next((d for d in reversed(before) if pattern.search(d.text)), None)
        target = target or next((d for d in after if pattern.search(d.text)), None)
        # No marker found anywhere: keep the text with the passage it was printed under
        # rather than lose it.
        target = target or (before[-1] if before else (after[0] if after else None))
        if target is not None:
            target.footnotes.append(Footnote(marker=marker, text=fb.text.strip()))
        else:  # a file holding only footnotes: each becomes a passage of its own
            text = f"{sup} {fb.text.strip()}".strip()
            drafts.append(_Draft("paragraph", f"footnote {marker}".strip(), [text], [fb],
                                 [fb.page], [], idx))


def _printed(d: _Draft) -> tuple[str, ...]:
    """The printed page number of each of the draft's pages ('' where none is known)."""
    by_page = {b.page: b.page_label for b in d.blocks if b.page_label}
    if not by_page:
        return ()
    return tuple(by_page.get(p, "") for p in sorted(set(d.pages)))


def _to_passages(drafts: list[_Draft], info: DocumentInfo) -> list[Passage]:
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for d in drafts:
        text = d.text.strip()
        if not text:
            continue
        label = d.label
        if label in seen:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        else:
            seen[label] = 1
        passages.append(Passage(
            document=info.id, title=info.title, symbol=info.symbol, date=info.date,
            paragraph=label, section=" > ".join(h.text for h in d.section),
            pages=tuple(sorted(set(d.pages))),
            printed_pages=_printed(d), start=d.blocks[0].start, end=d.blocks[-1].end,
            kind=d.kind, order=len(passages), text=text, footnotes=tuple(d.footnotes),
        ))
    return passages
