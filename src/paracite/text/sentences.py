"""Sentences of a passage: split where UN records end sentences, each located in its passage.

List blocks stay with the sentence that introduces them; footnotes count as sentences of
the passage that carries them; a table row is one sentence. :func:`sentence_ends` is the
one rule for where a sentence ends: answers read sentences by it, and structure recovery
cuts a passage too long to embed at the places it allows (``loose=True``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from paracite.documents import Passage
from paracite.text.un_patterns import SUPERSCRIPT_DIGITS, to_superscript

# Abbreviations after which a full stop does not end a sentence in UN records.
_ABBREV = re.compile(
    r"(?:\b(?:para|paras|No|Nos|Rev|Add|Corr|art|arts|e\.g|i\.e|cf|etc|Mr|Mrs|Ms|Dr|St|"
    r"vol|p|pp|a\.m|p\.m|U\.S|U\.N|inter alia|Inc|Ltd|Co|Jr|Sr|v|vs)|\b[A-Z])\.$"
)
# Where a sentence may end: a full stop, question or exclamation mark or ellipsis, then
# any closing quotes, brackets or footnote markers (group 1), before a space and a word that
# does not start in lower case.
_MAY_END = re.compile(rf"[.!?…]([\"'”’)\]{SUPERSCRIPT_DIGITS}]*+)(?=\s++(?![a-z]))")
# Where one surely does: closed by quotes or a bracket only, then spaces (group 1) and a
# capital or a digit, perhaps after an opening quote or bracket.
_SURE_CLOSERS = frozenset("\"”’)")
_NEXT_STARTS = re.compile(r"(\s+)[\"“(]?[A-Z0-9]")
_PARA_NUMBER = re.compile(r"^\d{1,3}\.\s+")


@dataclass(frozen=True)
class Sentence:
    """A sentence (or list block, or footnote) of a passage, located in it."""

    text: str
    passage: Passage
    index: int
    in_footnote: bool = False
    context: str = ""  # for a footnote: the sentence that carries its marker

    @property
    def scored_text(self) -> str:
        return f"{self.text} {self.context}" if self.context else self.text

    @property
    def display(self) -> str:
        """The sentence as an answer shows it: without the leading paragraph number."""
        return _PARA_NUMBER.sub("", self.text, count=1)


def split_sentences(text: str) -> list[str]:
    """Split into sentences; a line ending ':' keeps the list lines that follow it.

    >>> split_sentences("1. The Group met. It adopted the following:\\n(a) X;\\n(b) Y.")
    ['1. The Group met.', 'It adopted the following:\\n(a) X;\\n(b) Y.']
    """
    units: list[str] = []
    for line in text.split("\n"):
        if units and units[-1].rstrip().endswith(":") or (
                units and re.match(r"^(?:\(?[a-z]{1,2}\)|\d{1,3}\.|Chapter\b)", line)
                and units[-1].count("\n")):
            units[-1] += "\n" + line
        else:
            units.append(line)
    out: list[str] = []
    for unit in units:
        first, _, rest = unit.partition("\n")
        pieces = _split_line(first)
        if rest:  # the list stays with the sentence that introduces it
            pieces[-1] += "\n" + rest
        out.extend(pieces)
    return [s for s in out if s.strip()]


def sentence_ends(text: str, *, loose: bool = False) -> list[int]:
    """Where the sentences of ``text`` end: the offset after each one's final mark and the
    quotes, brackets or footnote markers closing it.

    By default where a reader takes a sentence to end: before a capital or a digit, not
    after an abbreviation ("para.", "Mr.", an initial), a paragraph's own number ("12.")
    an ellipsis or a footnote marker. ``loose``: everywhere a sentence may end, as where a
    long passage may be cut: before any word that does not start in lower case.

    >>> t = "See para. 4. It ended.¹ Then it rose."
    >>> [t[:end] for end in sentence_ends(t)]
    ['See para. 4.']
    >>> [t[:end] for end in sentence_ends(t, loose=True)]
    ['See para.', 'See para. 4.', 'See para. 4. It ended.¹']
    """
    ends: list[int] = []
    start = 0  # where the sentence under way starts
    for m in _MAY_END.finditer(text):
        if loose:
            ends.append(m.end())
            continue
        nxt = _NEXT_STARTS.match(text, m.end())
        if nxt is None or text[m.start()] == "…" or not _SURE_CLOSERS.issuperset(m.group(1)):
            continue
        piece = text[start:m.start() + 2].rstrip("\"”’) ")  # up to the mark, unclosed
        if _ABBREV.search(piece) or (re.search(r"\b\d{1,3}\.$", piece) and len(piece) < 5):
            continue
        ends.append(m.end())
        start = nxt.end(1)
    return ends


def _split_line(line: str) -> list[str]:
    out: list[str] = []
    start = 0
    for end in sentence_ends(line):
        out.append(line[start:end].strip())
        start = end
    tail = line[start:].strip()
    if tail or not out:
        out.append(tail)
    return out


def sentences_of(p: Passage) -> list[Sentence]:
    """Sentences of a passage; a table row is one sentence, a cover page one per line."""
    if p.kind == "table_row":
        parts = [p.text]
    elif p.kind == "front_matter":
        parts = [line for line in p.text.split("\n") if line.strip()]
    else:
        parts = split_sentences(p.text)
    sents = [Sentence(s, p, i) for i, s in enumerate(parts)]
    for f in p.footnotes:
        sup = to_superscript(f.marker)
        ref = next((s.text for s in sents if sup in s.text), "")
        sents.append(Sentence(f.text, p, len(sents), in_footnote=True, context=ref))
    return sents
