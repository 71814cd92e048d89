"""What the answer step needs to know about the words of the store."""

from __future__ import annotations

from typing import Protocol


class TermStats(Protocol):
    """Term statistics of a store (``text.lexicon.Lexicon`` implements it)."""

    vocabulary: frozenset[str]
    median_idf: float  # what a word the store never uses weighs in the answer step

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term (unseen terms weigh the most)."""
        ...

    def mend(self, token: str) -> str:
        """The stem of a word, or of the store's word closest to it when the store lacks
        its stem (a misspelling): 'meting' → 'meet'."""
        ...
