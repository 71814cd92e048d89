"""The passage store: Chroma for vectors and provenance, plus a BM25 keyword index.

Chroma is the single source of truth. Every passage is stored with all of its provenance
in the metadata, and the keyword index is built from what Chroma holds (once per process,
and again only after a write), so the two can never disagree about the passage set.

The store is embedded (``PersistentClient`` under ``Settings.home``) unless
``Settings.chroma_url`` names a Chroma server.
"""

from __future__ import annotations

import json
import logging
import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from paracite.documents import DocumentInfo, Footnote, Passage
from paracite.errors import ConfigError, StoreError
from paracite.lexicon import correct, expand, stem, tokenize, words
from paracite.settings import Settings

log = logging.getLogger(__name__)

_GET_PAGE = 5000  # rows fetched per Chroma get() call when reading the whole collection


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def _to_metadata(p: Passage, doc: DocumentInfo) -> dict[str, Any]:
    return {
        "document": p.document, "title": p.title, "symbol": p.symbol or "",
        "date": p.date or "", "paragraph": p.paragraph, "section": p.section,
        "pages": ",".join(str(n) for n in p.pages), "start": p.start, "end": p.end,
        "kind": p.kind, "order": p.order, "content_hash": p.content_hash,
        "footnotes": json.dumps([f.model_dump() for f in p.footnotes], ensure_ascii=False),
        "source": doc.source, "file_hash": doc.content_hash, "doc_pages": doc.pages or 0,
        "bytes_hash": doc.bytes_hash,
    }


def _from_metadata(text: str, m: dict[str, Any]) -> Passage:
    return Passage(
        document=m["document"], title=m["title"], symbol=m["symbol"] or None,
        date=m["date"] or None, paragraph=m["paragraph"], section=m["section"],
        pages=tuple(int(x) for x in str(m["pages"]).split(",") if x),
        start=int(m["start"]), end=int(m["end"]), kind=m["kind"], order=int(m["order"]),
        text=text, footnotes=tuple(Footnote(**f) for f in json.loads(m["footnotes"])),
    )


class KeywordIndex:
    """BM25 (Okapi) over passages' searchable text; built once, queried many times.

    Scores are exactly rank_bm25's ``BM25Okapi`` (k1=1.5, b=0.75, negative idf floored at
    0.25 × the mean idf; tested against it), but the per-(passage, term) weights are
    precomputed into a sparse matrix, so a query costs a few column sums instead of a
    Python loop over every passage: at 100,000 passages that is the difference between
    milliseconds and most of a second.
    """

    K1, B, EPSILON = 1.5, 0.75, 0.25

    def __init__(self, passages: Sequence[Passage]) -> None:
        import numpy as np
        from scipy import sparse

        self.passages = list(passages)
        texts = [p.searchable_text() for p in self.passages]
        corpus = [tokenize(t) for t in texts]
        self.columns: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[int] = []
        for d, toks in enumerate(corpus):
            for t, c in Counter(toks).items():
                rows.append(d)
                cols.append(self.columns.setdefault(t, len(self.columns)))
                tfs.append(c)
        n = max(len(corpus), 1)
        self.vocabulary = frozenset(self.columns)
        if self.columns:
            df = np.bincount(np.asarray(cols), minlength=len(self.columns))
            idf = np.log(n - df + 0.5) - np.log(df + 0.5)
            idf = np.where(idf < 0, self.EPSILON * idf.mean(), idf)
            dl = np.array([len(t) for t in corpus], dtype=np.float64)
            norm = self.K1 * (1 - self.B + self.B * dl / max(dl.mean(), 1e-9))
            tf = np.asarray(tfs, dtype=np.float64)
            row_idx, col_idx = np.asarray(rows), np.asarray(cols)
            weights = idf[col_idx] * tf * (self.K1 + 1) / (tf + norm[row_idx])
            self._matrix = sparse.csc_matrix((weights, (row_idx, col_idx)),
                                             shape=(len(corpus), len(self.columns)))
            self._idf = idf
        else:
            self._matrix, self._idf = None, np.zeros(0)
        # surface word → stem, for mending misspelt question words
        self.surface = {w: stem(w) for t in texts for w in words(t)}
        self._stems = frozenset(self.surface.values())
        # Weight of a term never seen in the store: that of a term seen once.
        self.unseen_idf = math.log(max(n - 0.5, 1.5) / 1.5)
        self.median_idf = float(np.median(self._idf)) if len(self._idf) else 0.0

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
            return np.zeros(len(self.passages))
        return np.asarray(self._matrix[:, cols].sum(axis=1)).ravel()

    def terms(self, text: str) -> list[str]:
        """Query tokens (stemmed) with misspelt words mended against the records' words."""
        out: list[str] = []
        for tok in tokenize(text):
            out.append(tok if tok in self.vocabulary else self.mend(tok))
        return out

    def mend(self, token: str) -> str:
        """The stem of the records' word closest to a token they lack (or the token)."""
        if token in self.vocabulary:
            return token
        return correct(token, self.surface, self._stems)

    def search(self, query: str, k: int, documents: Iterable[str] | None = None) -> list[Hit]:
        import numpy as np

        tokens = expand(self.terms(query))
        if self._matrix is None or not tokens:
            return []
        scores = self.scores(tokens)
        if documents:
            allowed = set(documents)
            mask = np.array([p.document in allowed for p in self.passages])
            scores = np.where(mask, scores, 0.0)
        top = np.flatnonzero(scores > 0)
        if len(top) > k:  # the k best, ties broken by position (deterministic)
            cut = np.partition(scores[top], len(top) - k)[len(top) - k]
            top = top[scores[top] >= cut]
        order = sorted(top.tolist(), key=lambda i: (-scores[i], i))[:k]
        return [Hit(self.passages[i], float(scores[i])) for i in order]


class Store:
    """Chroma collection of passages + keyword index over the same passages."""

    def __init__(self, settings: Settings, embedder_name: str) -> None:
        self.settings = settings
        self.embedder_name = embedder_name
        self._client: Any = None
        self._collection: Any = None
        self._keyword: KeywordIndex | None = None
        self._lock = threading.RLock()

    # -- opening ---------------------------------------------------------------------
    def _make_client(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self.settings.chroma_url:
            url = urlparse(self.settings.chroma_url)
            if not url.hostname:
                raise ConfigError(f"PARACITE_CHROMA_URL {self.settings.chroma_url!r} is not "
                                  "a URL like http://127.0.0.1:8000")
            return chromadb.HttpClient(host=url.hostname, port=url.port or 8000,
                                       ssl=url.scheme == "https", settings=chroma_settings)
        self.settings.store_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.settings.store_dir),
                                         settings=chroma_settings)

    @property
    def collection(self) -> Any:
        with self._lock:
            if self._collection is None:
                try:
                    self._client = self._make_client()
                    self._collection = self._client.get_or_create_collection(
                        self.settings.collection,
                        metadata={"hnsw:space": "cosine", "embedder": self.embedder_name},
                        embedding_function=None,
                    )
                except ConfigError:
                    raise
                except Exception as exc:  # chromadb raises many types; one message for users
                    where = self.settings.chroma_url or self.settings.store_dir
                    raise StoreError(f"cannot open the passage store at {where}: {exc}") from exc
                stored = (self._collection.metadata or {}).get("embedder")
                if stored and stored != self.embedder_name:
                    log.warning("store was embedded with %s, settings say %s: re-embedding",
                                stored, self.embedder_name)
                    self._client.delete_collection(self.settings.collection)
                    self._collection = self._client.create_collection(
                        self.settings.collection,
                        metadata={"hnsw:space": "cosine", "embedder": self.embedder_name},
                        embedding_function=None,
                    )
            return self._collection

    # -- reading ---------------------------------------------------------------------
    def _get(self, where: dict[str, Any] | None = None, include: Sequence[str] = ("metadatas",)
             ) -> tuple[list[str], list[str | None], list[dict[str, Any]]]:
        ids: list[str] = []
        docs: list[str | None] = []
        metas: list[dict[str, Any]] = []
        offset = 0
        while True:
            got = self.collection.get(where=where, include=list(include), limit=_GET_PAGE,
                                      offset=offset)
            n = len(got["ids"])
            ids += got["ids"]
            metas += [dict(m) for m in (got.get("metadatas") or [{}] * n)]
            docs += list(got.get("documents") or [None] * n)
            if n < _GET_PAGE:
                return ids, docs, metas
            offset += n

    def count(self) -> int:
        return int(self.collection.count())

    def documents(self) -> list[tuple[DocumentInfo, int]]:
        """Every stored document with its passage count, in id order."""
        seen: dict[str, tuple[DocumentInfo, int]] = {}
        for m in self._get()[2]:
            doc_id = m["document"]
            if doc_id in seen:
                seen[doc_id] = (seen[doc_id][0], seen[doc_id][1] + 1)
            else:
                info = DocumentInfo(id=doc_id, title=m["title"], symbol=m["symbol"] or None,
                                    date=m["date"] or None, source=m["source"],
                                    content_hash=m["file_hash"], pages=m["doc_pages"] or None,
                                    bytes_hash=m.get("bytes_hash", ""))
                seen[doc_id] = (info, 1)
            if m["file_hash"] != seen[doc_id][0].content_hash:
                # An ingest stopped half-way: mark the document as needing a new ingest.
                seen[doc_id] = (seen[doc_id][0].model_copy(update={"content_hash": ""}),
                                seen[doc_id][1])
        return [seen[k] for k in sorted(seen)]

    def passage_hashes(self, doc_id: str) -> dict[str, str]:
        ids, _, metas = self._get(where={"document": doc_id})
        return {i: m["content_hash"] for i, m in zip(ids, metas, strict=True)}

    def passages(self, doc_id: str | None = None) -> list[Passage]:
        where = {"document": doc_id} if doc_id else None
        _, docs, metas = self._get(where=where, include=("metadatas", "documents"))
        out = [_from_metadata(d or "", m) for d, m in zip(docs, metas, strict=True)]
        return sorted(out, key=lambda p: (p.document, p.order))

    # -- writing ---------------------------------------------------------------------
    def upsert(self, doc: DocumentInfo, passages: Sequence[Passage],
               embeddings: Sequence[Sequence[float]]) -> None:
        if not passages:
            return
        with self._lock:
            self.collection.upsert(
                ids=[p.id for p in passages],
                embeddings=[list(e) for e in embeddings],
                documents=[p.text for p in passages],
                metadatas=[_to_metadata(p, doc) for p in passages],
            )
            self._keyword = None

    def update_document_info(self, doc: DocumentInfo, passages: Sequence[Passage]) -> None:
        """Rewrite metadata (e.g. the file hash) of passages whose text did not change."""
        if passages:
            with self._lock:
                self.collection.update(ids=[p.id for p in passages],
                                       metadatas=[_to_metadata(p, doc) for p in passages])
                self._keyword = None

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self._lock:
                self.collection.delete(ids=list(ids))
                self._keyword = None

    def delete_document(self, doc_id: str) -> int:
        ids = list(self.passage_hashes(doc_id))
        self.delete(ids)
        return len(ids)

    # -- searching -------------------------------------------------------------------
    @property
    def keyword(self) -> KeywordIndex:
        with self._lock:
            if self._keyword is None:
                self._keyword = KeywordIndex(self.passages())
            return self._keyword

    def dense_search(self, vector: Sequence[float], k: int,
                     documents: Iterable[str] | None = None) -> list[Hit]:
        docs = sorted(set(documents)) if documents else None
        where: dict[str, Any] | None = None
        if docs:
            where = {"document": docs[0]} if len(docs) == 1 else {"document": {"$in": docs}}
        n = self.count()
        if n == 0:
            return []
        res = self.collection.query(query_embeddings=[list(vector)], n_results=min(k, n),
                                    where=where, include=["metadatas", "documents",
                                                          "distances"])
        hits = []
        for text, meta, dist in zip(res["documents"][0], res["metadatas"][0],
                                    res["distances"][0], strict=True):
            sim = 1.0 - float(dist) if not math.isnan(dist) else 0.0
            hits.append(Hit(_from_metadata(text or "", dict(meta)), sim))
        return hits

    def keyword_search(self, query: str, k: int,
                       documents: Iterable[str] | None = None) -> list[Hit]:
        return self.keyword.search(query, k, documents)

    def get_passage(self, doc_id: str, label: str) -> Passage | None:
        ids, docs, metas = self._get(where={"$and": [{"document": doc_id},
                                                    {"paragraph": label}]},
                                     include=("metadatas", "documents"))
        if not ids:
            return None
        return _from_metadata(docs[0] or "", metas[0])
