"""The words of a store: term statistics, and misspelt question words mended to them.

A ``Lexicon`` is built from the same pass over the passages as the keyword index (their
stemmed terms and their surface words) and is what the answer step reads of the store
(it implements ``TermStats``): the inverse document frequency of a term, the terms the
store uses, and the mend of a word it lacks ('meting' → 'meet'). It lives here, in the
words layer, and knows nothing of Chroma: the store builds it, saves it beside its keyword
index and opens it again.

The idf is BM25 Okapi's (rank_bm25's): ``log(n - df + 0.5) - log(df + 0.5)``, a negative
value (a term in more than half the passages) floored at ``EPSILON`` × the mean idf.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from paracite.text.spelling import correct
from paracite.text.stems import stem
from paracite.text.tokens import tokenize

EPSILON = 0.25  # a negative idf becomes EPSILON × the mean idf (rank_bm25's BM25Okapi)
_FILE = "lexicon.json"


def okapi_idf(df: Any, n: int) -> Any:
    """BM25 Okapi idf of document frequencies ``df`` (a numpy array) among ``n`` passages,
    negative values floored at EPSILON × the mean.

    >>> import numpy as np
    >>> [round(float(x), 3) for x in okapi_idf(np.array([1, 2, 3]), 4)]
    [0.847, 0.0, 0.0]
    """
    import numpy as np

    idf = np.log(n - df + 0.5) - np.log(df + 0.5)
    return np.where(idf < 0, EPSILON * idf.mean(), idf) if len(idf) else idf


class Lexicon:
    """Term statistics and spelling of a store's passages (``text.stats.TermStats``).

    ``terms``: the stemmed terms, in the keyword index's column order; ``idf``: their
    Okapi idf (a numpy array, same order); ``passages``: how many passages were counted;
    ``surface``: every word the passages print, with its stem.
    """

    # English words never mended as misspellings (the store sets them from the embedder's
    # vocabulary: text.spelling.dictionary)
    dictionary: frozenset[str] = frozenset()

    def __init__(self, terms: Sequence[str], idf: Any, passages: int,
                 surface: Mapping[str, str]) -> None:
        import numpy as np

        self.columns = {t: i for i, t in enumerate(terms)}
        self.vocabulary = frozenset(self.columns)
        self._idf = np.asarray(idf, dtype=np.float64)
        self.passages = passages
        self.surface = dict(surface)
        self._spelling: tuple[frozenset[str], dict[tuple[str, int], list[str]]] | None = None
        self._mended: dict[str, str] = {}
        # Weight of a term never seen in the store: that of a term seen once.
        n = max(passages, 1)
        self.unseen_idf = math.log(max(n - 0.5, 1.5) / 1.5)
        self.median_idf = float(np.median(self._idf)) if len(self._idf) else 0.0

    @classmethod
    def count(cls, terms: Sequence[str], df: Any, passages: int,
              surface_words: Iterable[str]) -> Lexicon:
        """A lexicon from document frequencies ``df`` of ``terms`` (same order) among
        ``passages`` passages, and the words they print."""
        return cls(terms, okapi_idf(df, max(passages, 1)), passages,
                   {w: stem(w) for w in surface_words})

    def idf(self, term: str) -> float:
        """Inverse document frequency of a (tokenized) term; unseen terms weigh the most."""
        col = self.columns.get(term)
        if col is None:
            return self.unseen_idf
        return max(float(self._idf[col]), 0.05)

    @property
    def idfs(self) -> Any:
        """Every term's idf, in ``terms`` order (the keyword index's columns)."""
        return self._idf

    def terms(self, text: str) -> list[str]:
        """Query tokens (stemmed) with misspelt words mended against the store's words."""
        return [tok if tok in self.vocabulary else self.mend(tok) for tok in tokenize(text)]

    def mend(self, token: str) -> str:
        """The stem of a word, mended to the store's closest word when it lacks it."""
        if token in self.vocabulary and not token.isalpha():  # a symbol or number it uses
            return token
        st = stem(token)
        if st in self.vocabulary:
            return st
        if token not in self._mended:
            stems, spellings = self._spellings()
            # ratio = 2·matches / (len a + len b) ≥ 0.8 bounds the other word's length
            n = len(token)
            near = [w for m in range(max(1, (2 * n) // 3), (3 * n) // 2 + 2)
                    for w in spellings.get((token[:1], m), ())]
            if len(self._mended) > 10_000:
                self._mended.clear()
            self._mended[token] = correct(token, self.surface, stems, near, self.dictionary)
        return self._mended[token]

    def _spellings(self) -> tuple[frozenset[str], dict[tuple[str, int], list[str]]]:
        """The stems the store's words have, and its alphabetic words by first letter and
        length (made at the first mend, not when the lexicon is opened). Mending a word
        (text.spelling: rapidfuzz ratio, cut-off 80) compares it only with the words of its
        first letter whose length could reach that cut-off (2/3 to 3/2 of its own), not
        with all: a word misspelt in its first letter is not mended to the word meant."""
        if self._spelling is None:
            by_start: dict[tuple[str, int], list[str]] = {}
            for w in sorted(self.surface):
                if w.isalpha():
                    by_start.setdefault((w[0], len(w)), []).append(w)
            self._spelling = frozenset(self.surface.values()), by_start
        return self._spelling

    # -- on disk ---------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the lexicon into ``folder`` (``lexicon.json`` and ``idf.npy``)."""
        import numpy as np

        np.save(folder / "idf.npy", self._idf)
        terms = sorted(self.columns, key=self.columns.__getitem__)
        (folder / _FILE).write_text(json.dumps(
            {"passages": self.passages, "terms": terms, "surface": self.surface},
            ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Lexicon:
        """The lexicon ``save`` wrote into ``folder`` (OSError/ValueError if it did not)."""
        import numpy as np

        data = json.loads((folder / _FILE).read_text(encoding="utf-8"))
        return cls(data["terms"], np.load(folder / "idf.npy"), int(data["passages"]),
                   data["surface"])
