"""Markdown and plain-text records → blocks.

The records come as Markdown converted from UN PDFs. What survives of the PDF layout:
- a paragraph is one line (or a hard-wrapped run of lines) between blank lines, but
  numbered paragraphs may also follow each other on consecutive lines;
- a page break shows as a blank line (or three) in the middle of a sentence;
- footnote bodies stand on their own line, starting with a superscript number, where the
  page ended (often in the middle of a paragraph);
- headings are ``#`` lines or bold-only lines; lists are ``-`` lines;
- annex tables are tab-separated lines whose blank cells mean "same as above"; GitHub
  pipe tables ("| a | b |" over "|---|---|", found by
  :mod:`paracite.parsing.markdown_tables`) are read as the same table rows.

This module only cuts the text into blocks and strips Markdown syntax; deciding what a
paragraph is happens in :mod:`paracite.parsing.un_structure`. Unicode format characters
(zero-width spaces, bidi marks, soft hyphens) are removed first; Markdown syntax is
stripped by single-pass scanners, so that the time taken is linear in the text whatever
it holds.
"""

from __future__ import annotations

import re
from pathlib import Path

from paracite.errors import ParseError
from paracite.parsing.blocks import Block, ParsedFile, strip_format_chars
from paracite.parsing.markdown_tables import PipeRow, pipe_table_rows
from paracite.text import un_patterns as un
from paracite.text.markup import clean_inline
from paracite.text.un_patterns import SUPERSCRIPT_DIGITS, from_superscript

_BOLD_LINE = re.compile(r"^\*\*(.+)\*\*$", re.S)
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_FOOTNOTE_BODY = re.compile(rf"^\s*([{SUPERSCRIPT_DIGITS}]+)\s+(\S.*)$", re.S)
_MD_FOOTNOTE_DEF = re.compile(r"^\[\^(\w+)\]:\s*(.*)$", re.S)
_LIST_LINE = re.compile(r"^\s*(?:[-*+•]\s+|\d{1,3}\.\s+|\([a-z]{1,4}\)\s+|\([ivx]+\)\s+)")
_BULLET = re.compile(r"^\s*[-*+•]\s+")

def _heading(stripped: str) -> tuple[int, str] | None:
    r"""(level, text) of an ATX heading line ("## Title ##"), else None. What
    r"^(#{1,6})\s+(.*?)\s*#*\s*$" matched, without its cubic backtracking on long runs of
    spaces."""
    level = len(stripped) - len(stripped.lstrip("#"))
    rest = stripped[level:]
    if not 1 <= level <= 6 or not rest[:1].isspace():
        return None
    return level, rest.strip().rstrip("#").rstrip()


def read_text(path: Path) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 (with BOM, or without one
    when every other byte of ASCII text is zero), else Latin-1 (Windows-1252 punctuation
    included). Binary files are refused rather than ingested as noise."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _checked(path, raw.decode("utf-16", errors="replace"))
    head = raw[:4096]
    if head and head.count(0) * 2 >= len(head) * 0.9 and len(head) >= 4:
        zeros_odd = head[1::2].count(0) > head[0::2].count(0)
        try:  # UTF-16 without a byte-order mark: ASCII text with a zero in every pair
            return _checked(path, raw.decode("utf-16-le" if zeros_odd else "utf-16-be"))
        except UnicodeDecodeError:
            pass
    if 0 in head:
        raise ParseError(f"{path.name}: looks like a binary file, not text; skipped")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return _checked(path, raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return _checked(path, raw.decode("latin-1"))  # never fails: every byte is a character


def _checked(path: Path, text: str) -> str:
    """Refuse text that is mostly control characters or replacement marks (a binary file)."""
    sample = text[:20000]
    bad = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f") or
              0x7F <= ord(c) < 0xA0 or c == "\ufffd")
    if sample and bad / len(sample) > 0.05:
        raise ParseError(f"{path.name}: looks like a binary file, not text "
                         f"({bad / len(sample):.0%} control characters); skipped")
    return text


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.splitlines(keepends=True):
        out.append((pos, line.rstrip("\r\n")))
        pos += len(line)
    return out


def parse_markdown(path: Path) -> ParsedFile:
    """Parse a Markdown or plain-text record into blocks.

    >>> import pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "r.md"
    >>> _ = p.write_text("# Title\\n\\n1. First paragraph.\\n2. Second one.\\n")
    >>> [b.kind for b in parse_markdown(p).blocks]
    ['heading', 'text', 'text']
    """
    text = read_text(path)
    return parse_markdown_text(text)


def parse_markdown_text(text: str) -> ParsedFile:
    """Cut a Markdown or plain-text record into blocks.

    Unicode format characters (zero-width spaces, bidi marks, soft hyphens …) are removed
    first, so that they cannot hide a paragraph number ("2\u200b2."); the returned
    ``source_text`` is the text without them, and the blocks' offsets index it.
    """
    text = strip_format_chars(text)
    lines = _lines_with_offsets(text)
    cutter = _Cutter(pipe_table_rows([line for _, line in lines]))
    for index, (start, line) in enumerate(lines):
        cutter.read(index, start, line)
    blocks = cutter.finish()

    page = 1
    for b in blocks:
        if b.page_break_before and b is not blocks[0]:
            page += 1
        b.page = page
    head = "\n".join(b.text for b in blocks[:12])
    date = un.DATE.search(head)
    symbol = un.SYMBOL_IN_TEXT.search("\n".join(b.text for b in blocks[:4]))
    title = next((b.text for b in blocks if b.kind == "heading"), None)
    return ParsedFile(blocks=blocks, source_text=text, pages=page,
                      title=title, symbol=symbol.group(0) if symbol else None,
                      date=date.group(0) if date else None)


class _Cutter:
    """One pass over a record's lines, cutting them into blocks."""

    def __init__(self, pipe_rows: dict[int, PipeRow | None]) -> None:
        self.pipe_rows = pipe_rows  # the lines of pipe tables (markdown_tables)
        self.blocks: list[Block] = []
        self.blank_run = 0
        self.pending_break = False
        self.in_table = False
        self.current: Block | None = None  # block being extended by hard-wrapped lines
        self.lines: list[str] = []  # its lines, joined with a space when it ends
        self.bold_open: Block | None = None
        self.bold_lines: list[str] = []
        self.last_number = 0  # the highest number a block started with ("N. ")

    def flush(self) -> None:
        if self.current is not None:
            self.current.text = clean_inline(" ".join(self.lines))
            if self.current.text:
                self.blocks.append(self.current)
        self.current = None

    def starts_block(self, line: str) -> bool:
        """A list line, or the number after the highest one so far, of any length
        ("1000. …" after "999. …"), starts a block of its own."""
        if _LIST_LINE.match(line):
            return True
        m = un.NUMBERED_ANY.match(line)
        return m is not None and int(m.group(1)) == self.last_number + 1

    def finish(self) -> list[Block]:
        self.flush()
        if self.bold_open is not None:
            self.bold_open.text = clean_inline(" ".join(self.bold_lines))
            self.blocks.append(self.bold_open)
        return self.blocks

    def read(self, index: int, start: int, line: str) -> None:
        """Line ``index`` of the record, starting at offset ``start``."""
        end = start + len(line)
        stripped = line.strip()
        if self.bold_open is not None:  # a bold heading wrapped over several lines
            self.bold_lines.append(stripped)
            self.bold_open.end = end
            if stripped.endswith("**"):
                self.bold_open.text = clean_inline(" ".join(self.bold_lines))
                self.blocks.append(self.bold_open)
                self.bold_open = None
            return
        if not stripped:
            self.flush()
            self.blank_run += 1
            self.in_table = False
            return
        # Three or more blank lines in these conversions mark a page boundary.
        is_footnote = bool(_FOOTNOTE_BODY.match(stripped) or _MD_FOOTNOTE_DEF.match(stripped))
        brk = self.blank_run >= 3 or (self.pending_break and not is_footnote)
        self.blank_run = 0
        if not is_footnote:
            self.pending_break = False

        if _RULE.match(stripped):
            self.flush()
            return
        if index in self.pipe_rows and not is_footnote:  # a footnote is ours to read
            row = self.pipe_rows[index]
            if row is None:  # the delimiter line under the header
                return
            self.table_row(tuple(clean_inline(c) for c in row[1]), start, end, brk,
                           level=row[0])
            return
        if "\t" in line:
            self.table_row(tuple(clean_inline(c) for c in line.split("\t")), start, end, brk,
                           level=0 if self.in_table else 1)
            return
        self.in_table = False
        self.text_line(line, stripped, start, end, brk)

    def table_row(self, cells: tuple[str, ...], start: int, end: int, brk: bool,
                  level: int) -> None:
        """A row of a tab or pipe table (``level`` 1: its header)."""
        self.flush()
        self.blocks.append(Block(" | ".join(c for c in cells if c), 0, start, end,
                                 kind="table_row", level=level, page_break_before=brk,
                                 cells=cells))
        self.in_table = True

    def text_line(self, line: str, stripped: str, start: int, end: int, brk: bool) -> None:
        """A line that is no table row: a heading, a footnote, or a paragraph's line."""
        heading = _heading(stripped)
        if heading:
            self.flush()
            self.blocks.append(Block(clean_inline(heading[1]), 0, start, end, kind="heading",
                                     level=heading[0], page_break_before=brk))
            return
        if stripped.startswith("**") and not stripped.endswith("**") and self.current is None:
            self.bold_open = Block(stripped, 0, start, end, kind="heading", level=0,
                                   page_break_before=brk)
            self.bold_lines = [stripped]
            return
        if _BOLD_LINE.match(stripped) and self.current is None:
            self.blocks.append(Block(clean_inline(stripped), 0, start, end, kind="heading",
                                     level=0, page_break_before=brk))
            return
        fm = _FOOTNOTE_BODY.match(stripped) or _MD_FOOTNOTE_DEF.match(stripped)
        if fm:
            self.flush()
            marker = from_superscript(fm.group(1))
            self.blocks.append(Block(clean_inline(fm.group(2)), 0, start, end,
                                     kind="footnote", marker=marker, page_break_before=brk))
            # Footnotes sit at the foot of a page: what follows starts a new page.
            self.pending_break = True
            return
        if self.current is not None and not self.starts_block(line):
            self.lines.append(stripped)  # hard-wrapped line of the same paragraph
            self.current.end = end
            return
        self.flush()
        body = _BULLET.sub("", line) if _BULLET.match(line) else stripped
        self.current = Block(body, 0, start, end, page_break_before=brk,
                             list_item=bool(_BULLET.match(line)))
        self.lines = [body]
        if m := un.NUMBERED_ANY.match(body):
            self.last_number = max(self.last_number, int(m.group(1)))
