"""A question read once: terms, stems, mended spellings, type, names and numbers.

Every later step (keyword search, sentence scoring, the refusal check) takes the same
``Query``, so the question is tokenised, typed and mended once per turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from paracite.text.questions import content_words, count_unit, critical_terms, question_type
from paracite.text.stats import TermStats
from paracite.text.synonyms import expand


@dataclass(frozen=True)
class Query:
    """The question of one turn, as understood.

    ``text`` is what was asked; ``standalone`` the question with what it leans on from the
    conversation (equal to ``text`` when it leans on nothing). ``terms`` are the standalone
    question's content stems, misspellings mended against the store; ``primary`` those of
    the current turn (they weigh double in a follow-up); ``kind`` what the question asks
    for; ``critical`` the names, numbers and ordinals a passage must contain; ``unit``
    what a 'how many' question counts ('observer States').
    """

    text: str
    standalone: str
    terms: tuple[str, ...]
    primary: frozenset[str]
    kind: str
    critical: tuple[str, ...]
    unit: tuple[str, ...] = ()
    vector: tuple[float, ...] | None = field(default=None, compare=False)

    @classmethod
    def read(cls, text: str, stats: TermStats, standalone: str | None = None) -> Query:
        """Read a question (and its standalone form) against the store's words.

        >>> from paracite.text.stems import stem
        >>> class Stats:
        ...     vocabulary = frozenset({"rapporteur", "elect"})
        ...     def idf(self, t): return 1.0
        ...     def mend(self, w): return {"rapportuer": "rapporteur"}.get(w, stem(w))
        >>> q = Query.read("Who was elected Rapportuer?", Stats())
        >>> q.terms, q.kind
        (('elect', 'rapporteur'), 'person')
        """
        standalone = standalone or text
        mends: dict[str, str] = {}
        terms = tuple(dict.fromkeys(_mended(standalone, stats, mends)))
        primary = (frozenset(_mended(text, stats, mends)) if standalone != text
                   else frozenset(terms))
        return cls(text=text, standalone=standalone, terms=terms, primary=primary,
                   kind=question_type(text if standalone != text else standalone),
                   critical=tuple(dict.fromkeys(mends.get(t, t)
                                                for t in critical_terms(text))),
                   unit=tuple(mends.get(t, t) for t in count_unit(text)))

    @property
    def search_terms(self) -> list[str]:
        """Terms for keyword search: the terms and the record words they stand for."""
        return expand(self.terms)

    def with_vector(self, vector: list[float] | tuple[float, ...]) -> Query:
        from dataclasses import replace

        return replace(self, vector=tuple(vector))


def _mended(text: str, stats: TermStats, mends: dict[str, str]) -> list[str]:
    """Content stems of a text; a plain word the store lacks is mended as typed (its
    closest word in the store, by spelling), symbols and numbers are kept as they are.
    ``mends`` collects stem → mended stem, for the names and units read from the text."""
    out: list[str] = []
    for word, stems in content_words(text):
        if len(stems) == 1 and word.isalpha():
            mends[stems[0]] = stats.mend(word)
            out.append(mends[stems[0]])
        else:
            out += stems
    return out
