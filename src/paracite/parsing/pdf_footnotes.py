"""Footnotes of UN PDFs: the bodies at a page's foot and the markers in the text.

- **Bodies** follow a rule line ("_____") at the foot of a page, or are the lines at the
  foot printed smaller than the body text whose first line starts with a raised marker or
  with the next footnote number of the document ("5  See E/C.16/2025/2."). A line at the top
  of the next page's block that no number opens continues the last note.
- **Markers** printed smaller and raised (wrapped as ``\\x02digits\\x03`` by
  :mod:`paracite.parsing.layout`) become superscripts ("Bureau⁴"); markers glued to a word
  at body size ("submissions1") do too, when a note of that number is on the page (or was
  printed before and the number closes the line after a full stop).

Which passage a note belongs to is decided later, by :mod:`paracite.parsing.un_structure`.
"""

from __future__ import annotations

import re

from paracite.parsing.layout import MARK_CLOSE, MARK_OPEN, Line
from paracite.text import un_patterns as un
from paracite.text.un_patterns import to_superscript

_NOTE_SIZE = 0.92  # footnotes print smaller than this share of the body text's size
_LOOK_BACK = 64  # characters before a glued number that tell what it follows
_RULE = re.compile(r"^\s*_{5,}\s*$")
_MARK = re.compile(f"{MARK_OPEN}([0-9,]+){MARK_CLOSE}")
_NOTE_START = re.compile(rf"^\s*(?:{MARK_OPEN}(\d{{1,4}}|\*{{1,3}}){MARK_CLOSE}|(\d{{1,3}})(?=\s)|"
                         rf"(\*{{1,3}}|†)(?=\s*\S))\s*(.*)$")


def split_notes(lines: list[Line], body_size: float, expected: int
                ) -> tuple[list[Line], list[tuple[str, list[str]]], list[str]]:
    """Cut a page's footnote block off its foot.

    The block follows a rule line ("_____"), or is the run of lines at the foot printed
    smaller than the body text whose first line starts with a raised marker (or with the
    next footnote number of the document). Returns the body lines, the notes as
    (marker, lines), and lines that continue the previous page's last note.
    """
    rule = next((i for i, ln in enumerate(lines) if _RULE.match(ln.plain)), None)
    cut, notes_from = (rule, rule + 1) if rule is not None else (None, None)
    if rule is None:
        i = len(lines)
        while i > 0 and (not lines[i - 1].text.strip()
                         or 0 < lines[i - 1].size <= _NOTE_SIZE * body_size):
            i -= 1
        first = next((j for j in range(i, len(lines)) if lines[j].text.strip()), None)
        if first is not None and (m := _NOTE_START.match(lines[first].text)) and (
                m.group(1) or m.group(3) or int(m.group(2)) == expected):
            cut, notes_from = first, first
    if cut is None or notes_from is None:
        return lines, [], []
    notes: list[tuple[str, list[str]]] = []
    carried: list[str] = []
    for ln in lines[notes_from:]:
        if not ln.text.strip():
            continue
        m = _NOTE_START.match(ln.text)
        if m and (m.group(1) or m.group(3) or not notes or not notes[-1][0].isdigit()
                  or int(m.group(2)) == int(notes[-1][0]) + 1 or int(m.group(2)) == expected):
            notes.append((m.group(1) or m.group(2) or m.group(3),
                          [_MARK.sub(r"\1", m.group(4))]))
        elif notes:
            notes[-1][1].append(_MARK.sub(r"\1", ln.text))
        else:
            carried.append(_MARK.sub(r"\1", ln.text))
    return lines[:cut], notes, carried


def _marker(digits: str) -> str:
    """A number printed smaller and raised is a footnote marker (its note may be on the
    page or among endnotes); recovery attaches the note printed nearest to it."""
    return ",".join(to_superscript(p) for p in digits.split(","))


def superscript_marks(text: str) -> str:
    """The raised markers of a line's text as superscripts ("Bureau\\x024\\x03" → "Bureau⁴")."""
    return _MARK.sub(lambda m: _marker(m.group(1)), text)


def raised_markers(text: str) -> set[str]:
    """The numbers printed raised in a line's text ("4", or "4" and "5" of "4,5")."""
    return {p for m in _MARK.finditer(text) for p in m.group(1).split(",")}


_GLUED = re.compile(r"(?<!\d[.,])(?<=[a-z\).,;:”’\"])(\d{1,3})(?=[\s,.;:]|$)")
_GLUED_END = re.compile(r"(?<=[a-z0-9)”’\"][.;)])(\d{1,3})$")


def glued_markers(text: str, notes: set[str], earlier: set[str]) -> str:
    """Markers printed at body size and glued to a word ("submissions1"), for PDFs that do
    not raise them: numbers of footnotes on the same page, or of a footnote already printed
    when the number closes the line after a full stop ("in all their aspects.1": a note
    cited again). Never a decimal ("271.6") or after a document-symbol abbreviation
    ("CRP.12", "Add.1")."""

    def keep(m: re.Match[str], known: set[str]) -> str:
        # the few characters before the number (the whole text before it, searched with
        # r"(\w+)\W*$", made a line of many glued numbers quadratic)
        before = text[max(0, m.start() - _LOOK_BACK): m.start()]
        end = len(before)  # the last word before it, past any punctuation
        while end and not (before[end - 1].isalnum() or before[end - 1] == "_"):
            end -= 1
        start = end
        while start and (before[start - 1].isalnum() or before[start - 1] == "_"):
            start -= 1
        word = before[start:end]
        if m.group(1) not in known or word.lower() in un.NUMBER_ABBREVIATIONS or (
                before.endswith(".") and before[-3:-1].isascii() and len(before) >= 3
                and before[-3:-1].isupper() and before[-3:-1].isalpha()):
            return m.group(1)
        return to_superscript(m.group(1))

    if notes:
        text = _GLUED.sub(lambda m: keep(m, notes), text)
    if earlier:
        text = _GLUED_END.sub(lambda m: keep(m, earlier), text)
    return text
