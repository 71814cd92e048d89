"""BM25 keyword search over the stored passages, on bm25s, saved to disk and memory-mapped.

The index holds no passages, only their ids: a search fetches just its top hits back
through ``lookup`` (the store's get by id). Its scores are rank_bm25's ``BM25Okapi``
(k1=1.5, b=0.75, a negative idf floored at 0.25 × the mean idf; tested against it): the
per-(passage, term) weights are computed here and handed to bm25s as its score matrix, so
a query costs a few column sums, and bm25s saves the matrix as .npy files that open
memory-mapped (at 100,000 passages, in well under a second: nothing is read until asked).

What the answer step needs of the same words (idf, vocabulary, spelling mends) is the
``Lexicon`` (text/lexicon.py), built in the same pass and saved beside the index
(``KeywordIndex.lexicon``; the store hands it out as ``Store.lexicon``).
"""

from __future__ import annotations

import contextlib
import json
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from paracite.documents import Passage
from paracite.store.metadata import Hit
from paracite.text.lexicon import Lexicon
from paracite.text.synonyms import expand
from paracite.text.tokens import tokenize, words

Lookup = Callable[[list[str]], dict[str, Passage]]
# One row of the index: (passage id, document id, its tokens, the words it prints)
Row = tuple[str, str, Sequence[str], Iterable[str]]
_DOCUMENTS = "documents.json"
_IDS = "ids.npy"  # passage ids, UTF-8, fixed width: memory-mapped like the matrix
_DOC_OF = "doc_of.npy"


def passage_row(p: Passage) -> Row:
    """What the index keeps of a passage: its id, document, tokens and printed words."""
    text = p.searchable_text()
    return p.id, p.document, tokenize(text), words(text)


class KeywordIndex:
    """BM25 (Okapi) over passages' searchable text; built once, queried many times."""

    K1, B = 1.5, 0.75

    def __init__(self, passages: Sequence[Passage] = (), lookup: Lookup | None = None) -> None:
        """An index over ``passages`` held in memory (tests, small sets); the store
        builds its own from rows (``from_rows``) and opens saved ones (``load``)."""
        by_id = {p.id: p for p in passages}
        built = self.from_rows((passage_row(p) for p in passages),
                               lookup or (lambda ids: {i: by_id[i] for i in ids if i in by_id}))
        self.__dict__.update(built.__dict__)

    @classmethod
    def build(cls, pages: Iterable[Sequence[Passage]], lookup: Lookup) -> KeywordIndex:
        """An index over passages given a page at a time (each page can be dropped after)."""
        return cls.from_rows((passage_row(p) for page in pages for p in page), lookup)

    @classmethod
    def from_rows(cls, rows: Iterable[Row], lookup: Lookup) -> KeywordIndex:
        """An index over rows (``passage_row``), in their order."""
        import numpy as np

        ids: list[str] = []
        columns: dict[str, int] = {}
        documents: dict[str, int] = {}
        doc_of, lengths = array("i"), array("i")
        # CSR, row by row: a term's count in a passage capped at 65,535 (2 bytes a pair)
        indptr, cols, tfs = array("q", [0]), array("i"), array("H")
        surface: set[str] = set()
        for pid, doc, toks, printed in rows:
            ids.append(pid)
            doc_of.append(documents.setdefault(doc, len(documents)))
            lengths.append(len(toks))
            for t, c in Counter(toks).items():
                cols.append(columns.setdefault(t, len(columns)))
                tfs.append(min(c, 65_535))
            indptr.append(len(cols))
            surface.update(printed)
        n = max(len(ids), 1)
        col_idx = np.frombuffer(cols, dtype=np.int32) if cols else np.zeros(0, np.int32)
        df = np.bincount(col_idx, minlength=len(columns))
        lexicon = Lexicon.count(list(columns), df, n, surface)
        matrix = cls._weights(lexicon.idfs, col_idx, tfs, lengths, indptr, len(ids), len(columns))
        del cols, col_idx, tfs  # (the matrix has its own copies)
        index = cls.__new__(cls)
        index._setup(ids, list(documents), np.frombuffer(doc_of, dtype=np.int32).copy()
                     if doc_of else np.zeros(0, np.int32), cls._bm25(matrix, columns, n),
                     lexicon, lookup)
        return index

    @classmethod
    def _weights(cls, idf: Any, col_idx: Any, tfs: array[int], lengths: array[int],
                 indptr: array[int], rows: int, terms: int) -> Any:
        """The (passage × term) BM25 weights as a CSC matrix (None when there are none)."""
        import numpy as np
        from scipy import sparse

        if not terms:
            return None
        dl = np.frombuffer(lengths, dtype=np.int32).astype(np.float64)
        norm = cls.K1 * (1 - cls.B + cls.B * dl / max(dl.mean(), 1e-9))
        # weights in float32, computed in place: 4 bytes a (passage, term) pair, and one
        # scratch array of the same size (at 1,000,000 passages, ~75 million pairs)
        weights = np.frombuffer(tfs, dtype=np.uint16).astype(np.float32)
        ptr: Any = np.frombuffer(indptr, dtype=np.int64)
        if ptr[-1] < 2**31 - 1:  # scipy would otherwise copy the column indices to int64
            ptr = ptr.astype(np.int32)
        scratch = np.repeat(norm.astype(np.float32), ptr[1:] - ptr[:-1])
        scratch += weights
        weights *= cls.K1 + 1
        weights /= scratch
        weights *= np.take(idf.astype(np.float32), col_idx, out=scratch)
        del scratch
        csr = sparse.csr_matrix((weights, col_idx, ptr), shape=(rows, terms), copy=False)
        del weights
        return csr.tocsc()

    @classmethod
    def _bm25(cls, matrix: Any, columns: dict[str, int], n: int) -> Any:
        """A bm25s BM25 whose scores are ``matrix`` (None for an index without terms)."""
        import bm25s

        if matrix is None:
            return None
        bm = bm25s.BM25(k1=cls.K1, b=cls.B, method="robertson")
        bm.scores = {"data": matrix.data, "indices": matrix.indices, "indptr": matrix.indptr,
                     "num_docs": n}
        bm.vocab_dict = columns
        bm.nonoccurrence_array = None  # Okapi needs none (bm25s sets it when it indexes)
        bm.unique_token_ids_set = set(columns.values())
        return bm

    def _setup(self, ids: Any, documents: list[str], doc_of: Any, bm: Any,
               lexicon: Lexicon, lookup: Lookup) -> None:
        import numpy as np

        if isinstance(ids, list):  # (1,000,000 ids as str objects: ~90 MB; as bytes: ~30)
            ids = np.array([i.encode() for i in ids], dtype=bytes) if ids else \
                np.zeros(0, dtype="S1")
        self._ids = ids
        self._documents = {d: i for i, d in enumerate(documents)}
        self._doc_of = doc_of
        self._bm = bm
        self.lexicon = lexicon
        self._lookup = lookup

    # -- on disk ---------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write the index into an empty ``folder``: bm25s's matrix files, the rows (ids,
        documents) and the lexicon."""
        import numpy as np

        folder.mkdir(parents=True, exist_ok=True)
        if self._bm is not None:
            self._bm.save(str(folder / "bm25"), show_progress=False)
        np.save(folder / _DOC_OF, self._doc_of)
        np.save(folder / _IDS, self._ids)
        (folder / _DOCUMENTS).write_text(json.dumps(
            sorted(self._documents, key=self._documents.__getitem__), ensure_ascii=False),
            encoding="utf-8")
        self.lexicon.save(folder)

    @classmethod
    def load(cls, folder: Path, lookup: Lookup) -> KeywordIndex:
        """The index ``save`` wrote into ``folder``, its matrix memory-mapped (OSError or
        ValueError when it is not complete)."""
        import bm25s
        import numpy as np

        documents = json.loads((folder / _DOCUMENTS).read_text(encoding="utf-8"))
        bm = None
        if (folder / "bm25").is_dir():
            bm = bm25s.BM25.load(str(folder / "bm25"), mmap=True)
        index = cls.__new__(cls)
        index._setup(np.load(folder / _IDS, mmap_mode="r"), documents,
                     np.load(folder / _DOC_OF, mmap_mode="r"), bm, Lexicon.load(folder), lookup)
        return index

    # -- asking ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        """The indexed passages' ids, in the index's order."""
        return [b.decode() for b in self._ids.tolist()]

    def _id(self, row: int) -> str:
        return bytes(self._ids[row]).decode()

    @property
    def documents(self) -> frozenset[str]:
        """Ids of the documents the indexed passages belong to."""
        return frozenset(self._documents)

    def scores(self, tokens: Sequence[str], mask: Any = None) -> Any:
        """BM25 score of every passage for these query tokens (repeats count)."""
        import numpy as np

        cols = [self.lexicon.columns[t] for t in tokens if t in self.lexicon.columns]
        if self._bm is None or not cols:
            return np.zeros(len(self._ids))
        return self._bm.get_scores_from_ids(cols, weight_mask=mask)

    def search(self, query: str | Sequence[str], k: int,
               documents: Iterable[str] | None = None) -> list[Hit]:
        """The k best passages for a question (its text), or for search terms already read
        from it (``Query.search_terms``: stems, mended, with their synonyms)."""
        import numpy as np

        tokens = expand(self.lexicon.terms(query)) if isinstance(query, str) else list(query)
        if self._bm is None or not tokens:
            return []
        mask = None
        if documents:
            codes = [self._documents[d] for d in documents if d in self._documents]
            mask = np.isin(self._doc_of, codes).astype(np.float32)
        scores = self.scores(tokens, mask)
        top = np.flatnonzero(scores > 0)
        if len(top) > k:  # the k best, ties broken by position (deterministic)
            cut = np.partition(scores[top], len(top) - k)[len(top) - k]
            top = top[scores[top] >= cut]
        order = sorted(top.tolist(), key=lambda i: (-scores[i], i))[:k]
        ids = [self._id(i) for i in order]
        found = self._lookup(ids)
        return [Hit(found[pid], float(scores[i])) for pid, i in zip(ids, order, strict=True)
                if pid in found]


def return_freed_memory() -> None:
    """Hand memory freed by a large build back to the OS (glibc keeps it otherwise: at
    100,000 passages that is ~300 MB of a serving process's RSS)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)
