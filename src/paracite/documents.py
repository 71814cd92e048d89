"""Typed records that cross stage boundaries: documents, passages and their provenance.

A ``Passage`` is one paragraph of a record (or one annex-table row), never a fixed-size
chunk. Everything a citation needs is on it, so citations are built from data and never
parsed back out of generated text.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

PassageKind = Literal["paragraph", "table_row", "table", "front_matter"]
# A joint symbol prints each organ's symbol, joined by a hyphen: "E/2025/31-E/CN.16/2025/4".
_JOINT_SYMBOL = re.compile(r"-(?=[A-Z][A-Z0-9.]*/)")
_LABEL_TITLE_MAX = 60  # characters of a title used as a label (a document without symbol)
# A passage id as ``Passage.id`` writes it: document id, ':', 16 hex digits of its content.
_PASSAGE_ID = re.compile(r"([\w.-]{1,120}):([0-9a-f]{16})")
# A box as ``Box.pack`` writes it: page, ':', four numbers.
_BOX = re.compile(r"(\d{1,6}):(-?[\d.]+),(-?[\d.]+),(-?[\d.]+),(-?[\d.]+)")


def short_symbol(symbol: str) -> str:
    """The first symbol of a joint symbol, as people cite the document.

    >>> short_symbol("E/2025/31-E/CN.16/2025/4")
    'E/2025/31'
    >>> short_symbol("UNODC/CCPCJ/EG.4/2017/1/Rev.1")
    'UNODC/CCPCJ/EG.4/2017/1/Rev.1'
    """
    return _JOINT_SYMBOL.split(symbol.strip(), maxsplit=1)[0]


def document_label(symbol: str | None, title: str, doc_id: str = "") -> str:
    """The one name of a document a person reads: its UN symbol (short form) where it
    has one, else its title (cut at a word, with '…', when long), else its id.

    >>> document_label("E/2025/28-E/CN.7/2025/15", "Report on the sixty-eighth session")
    'E/2025/28'
    >>> document_label(None, "Working Group on Beacons", "beacons")
    'Working Group on Beacons'
    >>> document_label(None, "A very long title " * 6)
    'A very long title A very long title A very long title A…'
    """
    if symbol and symbol.strip():
        return short_symbol(symbol)
    title = " ".join(title.split())
    if len(title) > _LABEL_TITLE_MAX:
        title = title[:_LABEL_TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    return title or doc_id


class Box(NamedTuple):
    """Where a passage's lines are printed on one page of its PDF, as the parser saw them:
    the page (from 1) and a rectangle in PDF user-space points, origin at the bottom left
    (the space of pdfium's character boxes). pypdf gives no glyph widths, so ``x1`` is
    the page's right edge: the vertical band and the page are what a box tells."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @staticmethod
    def pack(boxes: Sequence[Box]) -> str:
        """Boxes as one short string (for the store's metadata); ``unpack`` reads it back.

        >>> Box.pack([Box(3, 72, 400, 595, 610.5), Box(4, 72, 700, 595, 760)])
        '3:72,400,595,610.5;4:72,700,595,760'
        """
        return ";".join(f"{b.page}:{b.x0:g},{b.y0:g},{b.x1:g},{b.y1:g}" for b in boxes)

    @staticmethod
    def unpack(text: str | None) -> tuple[Box, ...]:
        """The boxes ``pack`` wrote; none for an empty or damaged string (a passage
        stored before boxes were kept has none: it is found on its page without them).

        >>> Box.unpack("3:72,400,595,610.5")
        (Box(page=3, x0=72.0, y0=400.0, x1=595.0, y1=610.5),)
        >>> Box.unpack(""), Box.unpack("3:72,400")
        ((), ())
        """
        found = [_BOX.fullmatch(part) for part in (text or "").split(";")]
        if not text or not all(found):
            return ()
        try:
            return tuple(Box(int(m[1]), float(m[2]), float(m[3]), float(m[4]), float(m[5]))
                         for m in found if m)
        except ValueError:  # "1.2.3"
            return ()


class Footnote(BaseModel):
    """A footnote whose marker appears in a passage; its text travels with that passage."""

    model_config = ConfigDict(frozen=True)

    marker: str = Field(description="The footnote number as printed, e.g. '4'.")
    text: str


class DocumentInfo(BaseModel):
    """What is known about one ingested file."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Short id users type, e.g. 'report'.")
    title: str
    symbol: str | None = None
    date: str | None = None
    body: str | None = Field(default=None, description="The issuing body named on the "
                             "cover, e.g. 'Economic and Social Council'.")
    source: str = Field(description="File name inside the ingest folder.")
    content_hash: str = Field(default="", description="sha256 of the file's bytes, its "
                              "manifest entry and the parser version: changes → re-parse.")
    bytes_hash: str = Field(default="", description="sha256 of the file's bytes alone: "
                            "the same file under another name is ingested once.")
    pages: int | None = None

    @property
    def label(self) -> str:
        """Its name wherever a person reads it (``document_label``); the id is for URLs,
        commands and the API."""
        return document_label(self.symbol, self.title, self.id)


# How sentence vectors are made (text.sentences + the embedder); part of every passage's
# content hash, so changing it re-embeds stored passages on the next ingest.
SENTENCE_VECTORS = "sentences-1"


class Passage(BaseModel):
    """One paragraph of a record, with its provenance.

    ``text`` is the record's own text: joined across page breaks, without running
    headers, footers, page numbers or footnote bodies (those are in ``footnotes``).
    """

    model_config = ConfigDict(frozen=True)

    document: str
    title: str
    symbol: str | None = None
    date: str | None = None
    paragraph: str = Field(description="Label a person can find: '22' or 'item 1 (b), ¶3'.")
    section: str = Field(default="", description="Heading path joined with ' > '.")
    pages: tuple[int, ...] = ()
    printed_pages: tuple[str, ...] = Field(default=(), description="The page numbers the "
                                           "pages print ('13' of '13/26'), one per page of "
                                           "``pages``; '' where a page prints none.")
    start: int = Field(description="Offset of the first character in the parsed source text.")
    end: int = Field(description="Offset after the last character in the parsed source text.")
    kind: PassageKind = "paragraph"
    order: int = Field(description="Position of the passage in its document, from 0.")
    text: str
    occurrence: int = Field(default=0, description="How many passages before this one in "
                            "its document have the same label and text (nearly always 0): "
                            "it keeps their ids apart.")
    footnotes: tuple[Footnote, ...] = ()
    boxes: tuple[Box, ...] = Field(default=(), description="Where the passage's lines are "
                                   "printed, one box per page (PDFs; none for other "
                                   "sources and for passages stored before boxes were "
                                   "kept): where its page image looks for it first.")
    sentence_vectors: str = Field(
        default="", exclude=True, repr=False,
        description="Vectors of the passage's sentences (text.sentences.sentences_of), "
        "packed by embed.pack_vectors at ingest; empty when not embedded.")

    @property
    def packed_boxes(self) -> str:
        """The boxes as one short string, as the store keeps them (``Box.pack``)."""
        return Box.pack(self.boxes)

    @staticmethod
    def unpack_boxes(packed: str | None) -> tuple[Box, ...]:
        """The boxes ``packed_boxes`` wrote (``Box.unpack``): none for a passage stored
        before boxes were kept."""
        return Box.unpack(packed)

    @property
    def id(self) -> str:
        """Stable id within the store, addressed by content: the document id and a hash of
        the passage's label and text. A paragraph inserted before it leaves it unchanged
        (its reading order is ``order``, kept beside it)."""
        return self.make_id(self.document, self.paragraph, self.text, self.occurrence)

    @staticmethod
    def make_id(document: str, paragraph: str, text: str, occurrence: int = 0) -> str:
        """The id of a passage of ``document`` (``parse_id`` reads it back).

        >>> Passage.make_id("report", "22", "22. Erik Planken was elected Rapporteur.")
        'report:68d9c133ebffd788'
        """
        h = hashlib.sha256(f"{paragraph}\x1f{text}\x1f{occurrence}".encode())
        return f"{document}:{h.hexdigest()[:16]}"

    @staticmethod
    def parse_id(passage_id: str) -> str | None:
        """The document id a passage id names; None for a string that is not a passage id
        (the one place ids are read back: ``id`` writes them).

        >>> Passage.parse_id("report:68d9c133ebffd788")
        'report'
        >>> Passage.parse_id("../../etc/passwd:0123456789abcdef") is None
        True
        """
        m = _PASSAGE_ID.fullmatch(passage_id)
        return m[1] if m else None

    @property
    def page_label(self) -> str:
        """The pages as a reader finds them: the printed numbers where every page prints
        one ('13', '13-14'), else the PDF page indexes."""
        if not self.pages:
            return ""
        shown: tuple[str | int, ...] = self.pages
        if len(self.printed_pages) == len(self.pages) and all(self.printed_pages):
            shown = self.printed_pages
        if len(shown) == 1:
            return str(shown[0])
        return f"{shown[0]}-{shown[-1]}"

    @property
    def content_hash(self) -> str:
        """sha256 over everything that would change the stored or embedded passage."""
        h = hashlib.sha256()
        for part in (
            self.document, self.title, self.symbol or "", self.date or "", self.paragraph,
            self.section, self.page_label, self.kind, self.text,
            *(f"{f.marker}\x1f{f.text}" for f in self.footnotes),
            SENTENCE_VECTORS,  # a new way of embedding sentences embeds every passage again
        ):
            h.update(part.encode("utf-8"))
            h.update(b"\x1e")
        return h.hexdigest()

    @property
    def embed_key(self) -> str:
        """sha256 over what its vectors are made from (the searchable text, and the way
        sentences are embedded): a passage with the key of a stored one can take its
        vectors instead of being embedded again."""
        h = hashlib.sha256(self.searchable_text().encode("utf-8"))
        h.update(b"\x1e" + SENTENCE_VECTORS.encode("utf-8"))
        return h.hexdigest()

    def searchable_text(self) -> str:
        """Text that is embedded and keyword-indexed: the paragraph, its footnotes and
        the section heading it sits under (headings carry the topic, e.g. 'Attendance')."""
        parts = [self.text]
        if not self.paragraph[:1].isdigit():  # "item 5", "Annex, row 2": words people type
            parts.append(f"({self.paragraph})")
        parts += [f"[Footnote {f.marker}] {f.text}" for f in self.footnotes]
        if self.section:
            parts.append(f"(Section: {self.section})")
        return "\n".join(parts)


class Citation(BaseModel):
    """Where a claim comes from: one passage, quoted whole, with the supporting sentences.

    ``text`` is the passage's full text exactly as stored; ``quote`` lists the sentences of
    it that support the answer (each a substring of ``text`` or of a footnote).
    """

    marker: int = Field(description="n of the [n] marker in Answer.text; 0 for see-also.")
    document: str
    title: str
    symbol: str | None = None
    date: str | None = None
    paragraph: str
    section: str = ""
    page: int | None = Field(default=None, description="PDF page index (from 1) of the "
                             "paragraph's first page: where a viewer opens the file.")
    printed_page: str | None = Field(default=None, description="The page number printed "
                                     "on that page, as a reader quotes it ('13' of '13/26').")
    pages: tuple[int, ...] = ()
    text: str
    footnotes: tuple[Footnote, ...] = ()
    quote: list[str] = Field(default_factory=list)
    passage_id: str = ""
    score: float = 0.0

    @classmethod
    def from_passage(cls, p: Passage, marker: int, quote: list[str] | None = None,
                     score: float = 0.0) -> Citation:
        return cls(marker=marker, document=p.document, title=p.title, symbol=p.symbol,
                   date=p.date, paragraph=p.paragraph, section=p.section,
                   page=p.pages[0] if p.pages else None, pages=p.pages, text=p.text,
                   printed_page=(p.printed_pages[0] or None) if p.printed_pages else None,
                   footnotes=p.footnotes, quote=list(quote or []), passage_id=p.id,
                   score=score)

    @property
    def page_shown(self) -> str:
        """The page to show a reader: the printed number, else the PDF page index."""
        return self.printed_page or (str(self.page) if self.page else "")

    @property
    def document_label(self) -> str:
        """The cited document's name as people read it (``document_label``)."""
        return document_label(self.symbol, self.title, self.document)

    @property
    def label(self) -> str:
        """Short human reference, e.g. 'UNODC/CCPCJ/EG.4/2017/4 ¶22' or
        'UNODC/CCPCJ/EG.4/2017/1/Rev.1, item 1 (b), ¶3'."""
        if self.paragraph[:1].isdigit():
            return f"{self.document_label} ¶{self.paragraph}"
        return f"{self.document_label}, {self.paragraph}"

    @property
    def reference(self) -> str:
        """The one label shown everywhere: the short label and the printed page.

        >>> Citation(marker=1, document="report", title="t", symbol="A/1", paragraph="22",
        ...          page=9, printed_page="5", text="x").reference
        'A/1 ¶22, p. 5'
        """
        page = self.page_shown
        return f"{self.label}, p. {page}" if page else self.label

    @property
    def plain_reference(self) -> str:
        """The reference to paste into a text: the document's label (its short symbol,
        else its title), the paragraph and the printed page, e.g.
        'UNODC/CCPCJ/EG.4/2017/4, ¶52, p. 9'.

        >>> Citation(marker=1, document="agenda", title="t", symbol="A/1", text="x",
        ...          paragraph="item 1 (b), ¶3").plain_reference
        'A/1, item 1 (b), ¶3'
        """
        para = f"¶{self.paragraph}" if self.paragraph[:1].isdigit() else self.paragraph
        parts = [self.document_label, para]
        if self.page_shown:
            parts.append(f"p. {self.page_shown}")
        return ", ".join(parts)


REFUSAL = "The records do not answer this question."
HEDGE = "The records may not answer this directly; the closest statement in them is:"


class Answer(BaseModel):
    """An answer whose every claim carries a marker [n] indexing ``citations``."""

    question: str
    standalone_question: str = ""
    text: str
    found: bool
    citations: list[Citation] = Field(default_factory=list)
    see_also: list[Citation] = Field(default_factory=list)
    llm: str = "extractive"
    confidence: float = 0.0
    flagged: list[str] = Field(default_factory=list,
                               description="LLM sentences dropped because no cited "
                               "passage supports them.")
    seconds: float = 0.0
    uncertain: bool = Field(default=False, description="Only the closest statement: the "
                            "reader was not confident that it answers the question.")
    notice: str = Field(default="", description="Something the user should know about how "
                        "this answer was made ('the language model did not answer: this is "
                        "the extractive answer').")
    unresolved: str = Field(default="", description="A word of the question that refers to "
                            "nothing named in the conversation ('he'): the question was not "
                            "searched, the answer asks who or what is meant.")

    def plain_text(self) -> str:
        """The answer as plain text to copy: its sentences with their [n] markers, then
        one line per source ('[1] UNODC/CCPCJ/EG.4/2017/4, ¶52, p. 9')."""
        lines = [f"[{c.marker}] {c.plain_reference}" for c in self.citations]
        return "\n\n".join([self.text, "\n".join(lines)]) if lines else self.text

    @property
    def understood_as(self) -> str:
        """The standalone question when it differs from what was asked (a follow-up
        rewritten with what it leans on), else ''."""
        sq = self.standalone_question.strip()
        return sq if sq and sq != self.question.strip() else ""

    @classmethod
    def unclear(cls, question: str, word: str, person: bool) -> Answer:
        """The question refers to someone or something the conversation has not named:
        say so and ask for the name, rather than guess.

        >>> Answer.unclear("Which country is he from?", "he", person=True).text
        '“he” does not refer to anyone named in this conversation: please name the person you mean.'
        """
        if person:
            text = (f"“{word}” does not refer to anyone named in this conversation: please "
                    "name the person you mean.")
        else:
            text = (f"“{word}” does not refer to anything named in this conversation: please "
                    "name what you mean.")
        return cls(question=question, text=text, found=False, unresolved=word)

    @classmethod
    def refusal(cls, question: str, closest: Sequence[tuple[Passage, float]] = (),
                confidence: float = 0.0, quotes: Sequence[str] = ()) -> Answer:
        """'The records do not answer', with the closest passages to read instead; with
        ``quotes`` (one a passage), the closest statements themselves, each with where it
        is."""
        see_also = [Citation.from_passage(p, 0, quote=[q] if q else None, score=score)
                    for (p, score), q in zip(closest, list(quotes) + [""] * len(closest),
                                             strict=False)]
        text = REFUSAL
        if quotes:
            text += " The closest statements: " + " ".join(
                f"“{q.strip()}” ({c.reference})" for q, c in zip(quotes, see_also,
                                                              strict=False))
        elif see_also:
            text += " Closest passages: " + "; ".join(c.reference for c in see_also) + "."
        return cls(question=question, text=text, found=False, see_also=see_also,
                   confidence=round(confidence, 4))
