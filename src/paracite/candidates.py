"""A candidate sentence of an answer and the checks made of it, shared by the two parts
that judge candidates: the extractive answerer (``paracite.answer.extractive``) scores the
sentences of the retrieved passages into ``Scored`` candidates, checks the one it chooses
(``missing_critical``, ``unanswered_kind``) and composes the answer; the trained reader
(``paracite.reader``) re-ranks the first candidates and reads the same checks as features.
Below both, so that the answerer can use the reader and the reader imports no answerer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from paracite.retrieve import Retrieved
from paracite.text.query import Query
from paracite.text.questions import content_terms, is_detail
from paracite.text.sentences import Sentence
from paracite.text.synonyms import of as synonyms_of
from paracite.text.tokens import tokenize

TYPED = frozenset({"count", "time", "person", "place"})  # the answer must be of a kind


@dataclass(frozen=True)
class Scored:
    """One candidate sentence, its score and the evidence the score was made of."""

    sentence: Sentence
    score: float
    coverage: float  # of the question's terms, by the sentence's passage (incl. footnotes)
    meaning: float  # cosine of the question and the sentence (0 when not embedded)
    rank: int
    words: float = 0.0  # of the question's terms, by the sentence itself
    fit: float = 0.0  # does it carry the asked-for kind of thing (type_match)


def stated(term: str, words: set[str]) -> bool:
    """The term, or a record word standing for it, is among ``words``."""
    return term in words or any(s in words for s in synonyms_of(term))


def missing_critical(query: Query, best: Scored, retrieved: Sequence[Retrieved] = ()) -> bool:
    """True when the question names something the chosen paragraph cannot be about.

    A number or an ordinal ('the fifty-eighth session', '2023') must be in the paragraph
    itself (its text, footnotes, label or section); a name ('Japan', 'the Working Group on
    Lighthouses') may also come from its document's title and other retrieved paragraphs
    (a body named once, then 'the Commission').
    """
    p = best.sentence.passage
    own = set(tokenize(f"{p.searchable_text()} {p.paragraph}"))
    context = own | set(tokenize(" ".join([p.title] + [r.passage.text for r in retrieved
                                                       if r.passage.document == p.document])))
    return any(not stated(t, own if is_detail(t) else context) for t in query.critical)


def unanswered_kind(query: Query, best: Scored) -> bool:
    """True when the best sentence lacks what the question asks for: no date for 'when',
    no number for 'how many' (or a number of something else: the counted thing must be
    named), no name for 'who', no place for 'where'."""
    if query.kind in TYPED and best.fit == 0:
        return True
    if query.kind == "count" and query.unit:
        words = set(content_terms(best.sentence.scored_text))
        return not all(stated(t, words) for t in query.unit)
    return False
