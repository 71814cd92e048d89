"""Folding: a passage's text and a PDF page's characters to the same letters and digits.

Both extractions (pypdf's, cleaned by the parser, and pdfium's characters) are compared
after compatibility decomposition and case folding, with accents, spaces, hyphens, quotes
and dashes dropped; ``_Folded`` remembers where each folded character came from and where
words and lines began and ended. Pure text: no pdfium here.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character as letters and digits only.

    >>> [_fold_char(c) for c in "ﬁÉ⁴- ’"]
    ['fi', 'e', '4', '', '', '']
    """
    return "".join(c for c in unicodedata.normalize("NFKD", ch).casefold() if c.isalnum())


@dataclass
class _Folded:
    """Text folded to letters and digits, knowing where words and lines began."""

    text: str
    source: list[int]        # folded index → index of the character it came from
    word_start: list[bool]
    word_end: list[bool]
    line_start: list[bool]
    line_end: list[bool]


def _fold_chars(chars: Iterable[str]) -> _Folded:
    parts: list[str] = []
    f = _Folded("", [], [], [], [], [])
    word = line = True  # a space or sign (word), a line break (line) came before
    for i, ch in enumerate(chars):
        folded = _fold_char(ch)
        if not folded:
            if f.source:
                f.word_end[-1] = True
                f.line_end[-1] = f.line_end[-1] or ch in "\r\n"
            word, line = True, line or ch in "\r\n"
            continue
        for k, c in enumerate(folded):
            parts.append(c)
            f.source.append(i)
            f.word_start.append(word and k == 0)
            f.line_start.append(line and k == 0)
            f.word_end.append(False)
            f.line_end.append(False)
        word = line = False
    if f.source:
        f.word_end[-1] = f.line_end[-1] = True
    f.text = "".join(parts)
    return f


def _fold(text: str) -> str:
    """``text`` as ``locate`` compares it.

    >>> _fold("Co-operation “in” the ﬁeld\\u00ad work")
    'cooperationinthefieldwork'
    """
    return _fold_chars(text).text


def _table_cells(text: str) -> str:
    """A table passage's text as the page prints it: the parser writes a row as
    'Column: cell; Column: cell', the page prints the cells alone. Lines not in that
    shape ('Status: | Open', a key printed in the table) are kept.

    >>> _table_cells("Office | Officer\\nOffice: Chair; Officer: A. Kumar (India)\\nNote: x")
    'Office Officer\\nChair A. Kumar (India)\\nNote: x'
    """
    lines = []
    for line in text.split("\n"):
        cells = line.split("; ")
        if len(cells) > 1 and all(": " in c for c in cells):
            line = " ".join(c.split(": ", 1)[1] for c in cells)
        lines.append(line.replace(" | ", " "))
    return "\n".join(lines)
