"""BM25 keyword search over the stored passages, with the spelling mends and term
statistics the answerer reads off it."""

from __future__ import annotations

import contextlib
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from paracite.documents import Passage
from paracite.store.metadata import Hit
from paracite.text.spelling import correct
from paracite.text.stems import stem
from paracite.text.synonyms import expand
from paracite.text.tokens import tokenize, words


class KeywordIndex:
    """BM25 (Okapi) over passages' searchable text; built once, queried many times.

    Scores are rank_bm25's ``BM25Okapi`` (k1=1.5, b=0.75, negative idf floored at 0.25 ×
    the mean idf; tested against it, to float32 precision), but the per-(passage, term) weights are
    precomputed into a sparse matrix, so a query costs a few column sums instead of a
    Python loop over every passage: at 100,000 passages that is the difference between
    milliseconds and most of a second.

    The index holds no passages, only their ids: it is built page by page from the store
    (:meth:`build`) and a search fetches just its top hits back through ``lookup``. At
    100,000 passages that keeps hundreds of megabytes of text and metadata out of memory.
    """

    K1, B, EPSILON = 1.5, 0.75, 0.25

    # English words that are never mended as misspellings (set by the Store from the
    # embedder's vocabulary: text.spelling.dictionary)
    dictionary: frozenset[str] = frozenset()

    def __init__(self, passages: Sequence[Passage] = (),
                 lookup: Callable[[list[str]], dict[str, Passage]] | None = None) -> None:
        by_id = {p.id: p for p in passages}
        self._build([list(passages)],
                    lookup or (lambda ids: {i: by_id[i] for i in ids if i in by_id}))

    @classmethod
    def build(cls, pages: Iterable[Sequence[Passage]],
              lookup: Callable[[list[str]], dict[str, Passage]]) -> KeywordIndex:
        """An index over passages given a page at a time (each page can be dropped after)."""
        index = cls.__new__(cls)
        index._build(pages, lookup)
        return index

    def _build(self, pages: Iterable[Sequence[Passage]],
               lookup: Callable[[list[str]], dict[str, Passage]]) -> None:
        import numpy as np
        from scipy import sparse

        self._lookup = lookup
        self.ids: list[str] = []
        self.columns: dict[str, int] = {}
        documents: dict[str, int] = {}
        doc_of, lengths = array("i"), array("i")
        indptr, cols, tfs = array("q", [0]), array("i"), array("i")  # CSR, row by row
        surface: set[str] = set()
        for page in pages:
            for p in page:
                text = p.searchable_text()
                toks = tokenize(text)
                self.ids.append(p.id)
                doc_of.append(documents.setdefault(p.document, len(documents)))
                lengths.append(len(toks))
                for t, c in Counter(toks).items():
                    cols.append(self.columns.setdefault(t, len(self.columns)))
                    tfs.append(c)
                indptr.append(len(cols))
                surface.update(words(text))
        self._documents = documents
        self._doc_of = np.frombuffer(doc_of, dtype=np.int32) if doc_of else np.zeros(0, int)
        n = max(len(self.ids), 1)
        self.vocabulary = frozenset(self.columns)
        if self.columns:
            col_idx = np.frombuffer(cols, dtype=np.int32)
            df = np.bincount(col_idx, minlength=len(self.columns))
            idf = np.log(n - df + 0.5) - np.log(df + 0.5)
            idf = np.where(idf < 0, self.EPSILON * idf.mean(), idf)
            dl = np.frombuffer(lengths, dtype=np.int32).astype(np.float64)
            norm = self.K1 * (1 - self.B + self.B * dl / max(dl.mean(), 1e-9))
            # weights in float32, computed in place: 4 bytes a (passage, term) pair
            weights = np.frombuffer(tfs, dtype=np.int32).astype(np.float32)
            ptr: Any = np.frombuffer(indptr, dtype=np.int64)
            row_norm = np.repeat(norm.astype(np.float32), ptr[1:] - ptr[:-1])
            row_norm += weights
            weights *= self.K1 + 1
            weights /= row_norm
            del row_norm
            weights *= idf.astype(np.float32)[col_idx]
            csr = sparse.csr_matrix((weights, col_idx, ptr),
                                    shape=(len(self.ids), len(self.columns)))
            del weights
            self._matrix = csr.tocsc()
            del csr
            self._idf = idf
        else:
            self._matrix, self._idf = None, np.zeros(0)
        # surface word → stem, for mending misspelt question words
        self.surface = {w: stem(w) for w in surface}
        self._stems = frozenset(self.surface.values())
        # Alphabetic words by first letter and length: mending a word (text.spelling: rapidfuzz
        # ratio, cut-off 80) compares it only with the words of its first letter whose length
        # could reach that cut-off (2/3 to 3/2 of its own), not with all: a word misspelt in
        # its first letter is not mended to the word meant.
        self._spellings: dict[tuple[str, int], list[str]] = {}
        for w in sorted(self.surface):
            if w.isalpha():
                self._spellings.setdefault((w[0], len(w)), []).append(w)
        self._mended: dict[str, str] = {}
        # Weight of a term never seen in the store: that of a term seen once.
        self.unseen_idf = math.log(max(n - 0.5, 1.5) / 1.5)
        self.median_idf = float(np.median(self._idf)) if len(self._idf) else 0.0

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def documents(self) -> frozenset[str]:
        """Ids of the documents the indexed passages belong to."""
        return frozenset(self._documents)

    def idf(self, term: str) -> float:
        """Inverse document frequency of a (tokenized) term; unseen terms weigh the most."""
        col = self.columns.get(term)
        if col is None:
            return self.unseen_idf
        return max(float(self._idf[col]), 0.05)

    def scores(self, tokens: Sequence[str]) -> Any:
        """BM25 score of every passage for these query tokens (repeats count)."""
        import numpy as np

        cols = [self.columns[t] for t in tokens if t in self.columns]
        if self._matrix is None or not cols:
            return np.zeros(len(self.ids))
        return np.asarray(self._matrix[:, cols].sum(axis=1)).ravel()

    def terms(self, text: str) -> list[str]:
        """Query tokens (stemmed) with misspelt words mended against the records' words."""
        out: list[str] = []
        for tok in tokenize(text):
            out.append(tok if tok in self.vocabulary else self.mend(tok))
        return out

    def mend(self, token: str) -> str:
        """The stem of a word, mended to the records' closest word when they lack it."""
        if token in self.vocabulary and not token.isalpha():  # a symbol or number they use
            return token
        st = stem(token)
        if st in self.vocabulary:
            return st
        if token not in self._mended:
            # ratio = 2·matches / (len a + len b) ≥ 0.8 bounds the other word's length
            n = len(token)
            near = [w for m in range(max(1, (2 * n) // 3), (3 * n) // 2 + 2)
                    for w in self._spellings.get((token[:1], m), ())]
            if len(self._mended) > 10_000:
                self._mended.clear()
            self._mended[token] = correct(token, self.surface, self._stems, near,
                                          self.dictionary)
        return self._mended[token]

    def search(self, query: str | Sequence[str], k: int,
               documents: Iterable[str] | None = None) -> list[Hit]:
        """The k best passages for a question (its text), or for search terms already read
        from it (``Query.search_terms``: stems, mended, with their synonyms)."""
        import numpy as np

        tokens = expand(self.terms(query)) if isinstance(query, str) else list(query)
        if self._matrix is None or not tokens:
            return []
        scores = self.scores(tokens)
        if documents:
            codes = [self._documents[d] for d in documents if d in self._documents]
            scores = np.where(np.isin(self._doc_of, codes), scores, 0.0)
        top = np.flatnonzero(scores > 0)
        if len(top) > k:  # the k best, ties broken by position (deterministic)
            cut = np.partition(scores[top], len(top) - k)[len(top) - k]
            top = top[scores[top] >= cut]
        order = sorted(top.tolist(), key=lambda i: (-scores[i], i))[:k]
        found = self._lookup([self.ids[i] for i in order])
        return [Hit(found[self.ids[i]], float(scores[i])) for i in order if self.ids[i] in found]


def return_freed_memory() -> None:
    """Hand memory freed by a large build back to the OS (glibc keeps it otherwise: at
    100,000 passages that is ~300 MB of a serving process's RSS)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
