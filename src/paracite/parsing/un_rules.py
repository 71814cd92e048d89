"""What a block of a UN record reads as, by its own text or beside the next block.

The stateless rules of structure recovery; :mod:`paracite.parsing.un_structure` applies
them in one pass over a document, with what it has seen so far.

- **How a text ends**: closed as a sentence, a list entry or a citation does, or open on
  "and", "of", a comma …, so that a block starting the next page continues it.
- **Headings**: ``I.``, ``A.``, ``1.`` or ``(a)`` titles, "Chapter II", "Part Two",
  "Annex", or a few capitalised words such as "Documentation"; the headings above a
  paragraph give its label (``item 1 (b), ¶3`` in an agenda, ``III.A, ¶2`` elsewhere).
- **Lists and resolutions**: the enumerator a list line starts with; the line that opens
  a resolution ("The General Assembly,") and the wording of its operative paragraphs.
- **Looking ahead**: the next block that is not a footnote and the next numbered paragraph
  at the same indentation, indexed once per document (:class:`Ahead`).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from paracite.parsing.blocks import Block
from paracite.text import un_patterns as un
from paracite.text.un_patterns import SUPERSCRIPT_DIGITS

_ROMAN = re.compile(r"^((?:X{0,3})(?:IX|IV|V?I{0,3}))\.\s+\S")
_LETTER = re.compile(r"^([A-Z])\.\s+\S")
_SUBLETTER = re.compile(r"^\(([a-z]{1,2}|[ivx]{1,5})\)\s+\S")
_CHAPTER = re.compile(r"^(?:Chapter|CHAPTER)\s+([IVXL]+|\d+)\b")
# A document made of several reports ("Part One", "Part Two"): each numbers from 1.
_PART = re.compile(r"^(?:Part|PART)\s+(One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|"
                   r"[IVX]+|\d+)\b")
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
HEADING_MAX_CHARS = 200  # longer unpunctuated text is a paragraph cut by a page break
_LONG_OPEN_CHARS = 100  # an unfinished text this long, then a page break: joined
INDENT_STEP = 10.0  # points: a numbered paragraph indented this much deeper is quoted text
# Operative paragraphs of a resolution or decision quoted in a report start with a verb in
# the third person ("2. Invites", "17. Also recognizes"); their numbering is the quoted
# text's own, not the report's.
OPERATIVE = re.compile(
    r"^\d{1,3}\.\s+(?:(?:Also|Further|Again|Once again|Strongly|Firmly|Further also)\s+)?"
    r"(?i:Acknowledges|Adopts|Affirms|Appeals|Approves|Authorizes|Calls|Commends|Condemns|"
    r"Considers|Decides|Declares|Deplores|Designates|Directs|Draws|Emphasizes|Encourages|"
    r"Endorses|Expresses|Highlights|Invites|Notes|Reaffirms|Recalls|Recognizes|Recommends|"
    r"Regrets|Reiterates|Renews|Requests|Stresses|Supports|Takes|Trusts|Underlines|"
    r"Underscores|Urges|Welcomes)\b")
# The line that opens a resolution or decision: "The General Assembly,", "The Economic and
# Social Council,", "The Executive Board," — preambular paragraphs follow, then operative ones.
ENACTING = re.compile(r"^The [A-Z][\w’'\- ]{2,80}(?:Assembly|Council|Board|Commission|Committee|"
                      r"Conference|Meeting|Forum|Group|Body|Mechanism|Parties)"
                      r"(?: [a-z]+ [A-Z][\w’'\- ]{2,60})?,?$")
LIST_START = re.compile(r"^(?:\(?[a-z]{1,2}\)|\(?[ivx]{1,5}\)|\d{1,3}\.|[-•*–]\s)")


def strip_markers(text: str) -> str:
    """The text without trailing spaces and footnote markers."""
    return text.rstrip().rstrip(SUPERSCRIPT_DIGITS).rstrip()


def ends_closed(text: str) -> bool:
    """True when ``text`` ends as a sentence, a list entry or a citation does."""
    t = strip_markers(text)
    return bool(t) and t[-1] in _CLOSERS


def _last_word(text: str) -> str:
    """The final word, lower-cased; '' when the text ends in a number or symbol."""
    tokens = strip_markers(text).split()
    last = tokens[-1].strip(",;:-–—") if tokens else ""
    return last.lower() if last.isalpha() else ""


@dataclass
class Heading:
    level: int
    text: str
    enum: str | None  # "III", "A", "1", "(b)"; None for plain headings


def heading_of(text: str, expected: int | None = None) -> Heading | None:
    """Classify a short unpunctuated line as a heading, or return None. ``expected``: the
    next number of the main sequence, taken as a numbered heading's however long."""
    t = text.strip()
    # "(CDP-CENS)" closing a heading names an acronym; it does not end a sentence
    if not t or len(t) > HEADING_MAX_CHARS or ends_closed(re.sub(r"\s*\([^()]*\)$", "", t)):
        return None
    if m := _PART.match(t):
        return Heading(0, t, f"Part {m.group(1)}")
    if m := _CHAPTER.match(t):
        return Heading(1, t, m.group(1))
    if (m := _ROMAN.match(t)) and m.group(1):
        return Heading(1, t, m.group(1))
    if m := _LETTER.match(t):
        return Heading(2, t, m.group(1))
    if (m := un.NUMBERED_ANY.match(t)) and (len(m.group(1)) <= 3
                                            or int(m.group(1)) == expected):
        return Heading(3, t, m.group(1))
    if m := _SUBLETTER.match(t):
        return Heading(4, t, f"({m.group(1)})")
    if t.lower() in _TOP_WORDS or re.match(r"^(?:Annex|Appendix)\b", t):
        return Heading(1, t, None)
    words = t.split()
    if len(words) <= 8 and t[0].isupper() and _last_word(t) not in _OPEN_WORDS:
        return Heading(5, t, None)
    return None


def is_cover_line(h: Heading) -> bool:
    """Before the first structural element, unnumbered headings are the cover page."""
    return h.enum is None and not (h.level == 1 and (
        h.text.lower() in _TOP_WORDS or re.match(r"^(?:Annex|Appendix)\b", h.text)))


def list_kind(text: str) -> str | None:
    """The kind of enumerator a list line starts with, to keep a list together."""
    t = text.lstrip()
    for kind, rx in (("chapter", r"Chapter\s+\w+\."), ("num", r"\d{1,3}\."),
                     ("alpha", r"\(?[a-z]{1,2}\)"), ("roman", r"\(?[ivx]{1,5}\)"),
                     ("bullet", r"[-•*–]\s")):
        if re.match(rx, t):
            return kind
    return None


def continues(prev: str, block: Block, expected: tuple[int | None, ...] = (),
               prev_len: int | None = None) -> bool:
    """Is ``block`` the rest of a paragraph that ``prev`` left unfinished?

    ``prev`` may be only the end of that paragraph (``Draft.tail``), ``prev_len`` then
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
    tail = strip_markers(prev)
    if tail.endswith((",", "-", "–", "—")) or _last_word(prev) in _OPEN_WORDS:
        return True
    return (block.page_break_before and (len(prev) if prev_len is None else prev_len)
            > _LONG_OPEN_CHARS and heading_of(nxt) is None)


class Ahead:
    """What follows each block of a document, indexed once, so that a block looks ahead
    in a few steps: the next block that is not a footnote, and the number of the next
    numbered paragraph printed at the same indentation."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        # the next block that is not a footnote, for each block (len(blocks): none)
        self.following_at = [len(blocks)] * len(blocks)
        nxt = len(blocks)
        for i in range(len(blocks) - 1, -1, -1):
            self.following_at[i] = nxt
            if blocks[i].kind != "footnote":
                nxt = i
        # numbered text blocks in order, for next_number
        self.numbered = [(i, b.indent or 0.0, int(m.group(1))) for i, b in enumerate(blocks)
                         if b.kind == "text"
                         and (m := un.NUMBERED_PARAGRAPH.match(b.text.strip()))]
        self.numbered_at = [i for i, _, _ in self.numbered]

    def following(self, idx: int) -> Block | None:
        """The next block after ``idx`` that is not a footnote, if any."""
        at = self.following_at[idx]
        return self.blocks[at] if at < len(self.blocks) else None

    def next_number(self, idx: int) -> int | None:
        """The number of the next numbered text block after ``idx`` printed at the same
        indentation (a list under a heading is indented otherwise), if any."""
        indent = self.blocks[idx].indent or 0.0
        for k in range(bisect_right(self.numbered_at, idx), len(self.numbered)):
            if abs(self.numbered[k][1] - indent) < INDENT_STEP / 2:
                return self.numbered[k][2]
        return None


def section_label(stack: list[Heading], agenda: bool) -> str:
    """Short label of a section: 'item 1 (b)', 'III.A', 'Annex', 'item 2, Documentation',
    'Part Two, II.A'."""
    part = next((h for h in stack if h.level == 0), None)
    if part is not None and len(stack) > 1:
        rest = section_label([h for h in stack if h is not part], agenda)
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


def is_agenda(cover: str, title: str) -> bool:
    """Is the document an agenda? Not when the cover only says which agenda item it is
    issued under ("Item 6 of the provisional agenda", printed on most UN documents)."""
    head = _AGENDA_REF.sub(" ", cover + "\n" + title).lower()
    return "agenda" in head and not title.lower().startswith("report")
