"""Hybrid retrieval: dense search in Chroma + BM25 keyword search, fused by reciprocal rank.

Dense search finds paraphrases ("Who opened the session?" → "The meeting was opened by");
keyword search finds the exact terms people type in these records ("32 (b)", "22/7",
"E/CN.15/2011/19", "extrabudgetary", names). Reciprocal rank fusion (Cormack et al. 2009),
weighted, needs no score calibration between the two: a passage scores
Σ weight / (rrf_k + rank) over the rankings it is in (rank counted from 1), the dense
ranking weighted by ``dense_weight`` and the keyword one by ``keyword_weight`` (the
settings': exact terms count more than paraphrase in these records).

This is the fusion of LangChain's ``EnsembleRetriever`` (Σ weight / (c + rank)), and the
integration tests hold the two to the same ranking over paracite's dense and keyword
retrievers (``paracite.retriever(mode=...)``). It is done here rather than by the
ensemble because the ensemble keeps one copy of a passage both retrievers found and drops
the other's score and rank, which the answer step weighs, and orders equal scores by the
order it met them where this orders them by reading order.

``HybridRetriever`` is a LangChain ``BaseRetriever``, and the answer chain uses it as one
(``invoke``, so callbacks see the retrieval and its documents): each Document carries its
passage and the evidence for its rank in its metadata, from which
:func:`document_to_retrieved` gives back the typed :class:`Retrieved`. ``search()`` gives
that typed result directly (the eval's per-mode rankings, the reader's training).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from paracite.documents import Passage
from paracite.settings import Settings
from paracite.text.query import Query

Mode = Literal["hybrid", "dense", "keyword"]


def _default(setting: str) -> Any:
    """The default of a setting: the retriever's defaults are the settings' (one source)."""
    return Settings.model_fields[setting].default


@dataclass(frozen=True)
class Retrieved:
    """A passage with the evidence for its rank."""

    passage: Passage
    score: float  # fused score (RRF), or the single retriever's score in one-sided modes
    dense: float | None = None  # cosine similarity to the question
    keyword: float | None = None  # BM25 score
    dense_rank: int | None = None
    keyword_rank: int | None = None


def passage_to_document(r: Retrieved) -> Document:
    """A retrieved passage as a LangChain Document: its text, and in its metadata the whole
    passage (``passage``; its sentences' vectors too, which the answerer reads), where it
    is from and why it ranked where it did."""
    p = r.passage
    return Document(
        page_content=p.text,
        id=p.id,
        metadata={
            "passage": {**p.model_dump(mode="json"), "sentence_vectors": p.sentence_vectors},
            "document": p.document,
            "paragraph": p.paragraph, "score": r.score, "dense": r.dense,
            "keyword": r.keyword, "dense_rank": r.dense_rank,
            "keyword_rank": r.keyword_rank,
        },
    )


def document_to_retrieved(doc: Document) -> Retrieved:
    """The :class:`Retrieved` that :func:`passage_to_document` made ``doc`` from.

    >>> p = Passage(document="r", title="R", paragraph="2", start=0, end=9, order=2,
    ...             text="2. The Group met.", pages=(4,), sentence_vectors="AAA8")
    >>> r = Retrieved(p, 0.03, dense=0.8, keyword=7.5, dense_rank=1, keyword_rank=0)
    >>> document_to_retrieved(passage_to_document(r)) == r
    True
    """
    m = doc.metadata
    return Retrieved(Passage.model_validate(m["passage"]), m["score"], dense=m["dense"],
                     keyword=m["keyword"], dense_rank=m.get("dense_rank"),
                     keyword_rank=m.get("keyword_rank"))


def rrf_fuse(dense: list[Any], keyword: list[Any], rrf_k: int, k: int,
             dense_weight: float = 1.0, keyword_weight: float = 1.0) -> list[Retrieved]:
    """Fuse two ranked hit lists (``store.Hit``) by weighted reciprocal rank."""
    table: dict[str, dict[str, Any]] = {}
    for name, hits, weight in (("dense", dense, dense_weight),
                               ("keyword", keyword, keyword_weight)):
        for rank, hit in enumerate(hits):
            row = table.setdefault(hit.passage.id, {"passage": hit.passage, "score": 0.0})
            row["score"] += weight / (rrf_k + rank + 1)
            row[name] = hit.score
            row[f"{name}_rank"] = rank
    rows = sorted(table.values(), key=lambda r: (-r["score"], r["passage"].document,
                                                 r["passage"].order))
    return [Retrieved(**r) for r in rows[:k]]


class HybridRetriever(BaseRetriever):
    """LangChain retriever over the paracite store.

    Paragraph 2, second in the dense ranking but the only keyword hit, comes first:

    >>> from types import SimpleNamespace as Hit
    >>> def para(n):
    ...     return Passage(document="r", title="R", paragraph=str(n), start=0, end=9,
    ...                    order=n, text=f"{n}. The Group met.")
    >>> class Store:  # paracite.store.Store's two searches, as ranked hits
    ...     def dense_search(self, vector, n, documents):
    ...         return [Hit(passage=para(1), score=0.9), Hit(passage=para(2), score=0.8)]
    ...     def keyword_search(self, terms, n, documents):
    ...         return [Hit(passage=para(2), score=7.5)]
    >>> class Embedder:
    ...     def embed_query(self, text):
    ...         return [1.0, 0.0]
    >>> r = HybridRetriever(store=Store(), embedder=Embedder())
    >>> [(x.passage.paragraph, x.dense_rank, x.keyword_rank) for x in r.search("met")]
    [('2', 1, 0), ('1', 0, None)]
    >>> [d.metadata["paragraph"] for d in r.invoke("met")]  # as a LangChain retriever
    ['2', '1']
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Any
    embedder: Any
    k: int = _default("retrieval_k")
    candidates: int = _default("retrieval_candidates")
    rrf_k: int = _default("rrf_k")
    dense_weight: float = _default("dense_weight")
    keyword_weight: float = _default("keyword_weight")
    mode: Mode = "hybrid"
    documents: list[str] | None = None

    @classmethod
    def from_settings(cls, store: Any, embedder: Any, settings: Any) -> HybridRetriever:
        return cls(store=store, embedder=embedder, k=settings.retrieval_k,
                   candidates=settings.retrieval_candidates, rrf_k=settings.rrf_k,
                   dense_weight=settings.dense_weight, keyword_weight=settings.keyword_weight)

    def search(self, query: str | Query, k: int | None = None,
               documents: list[str] | None = None, mode: Mode | None = None) -> list[Retrieved]:
        """Passages for a question: its text, or a :class:`Query` already read (its vector
        and search terms are used as they are, not made again)."""
        k = k or self.k
        docs = documents if documents is not None else self.documents
        mode = mode or self.mode
        dense: list[Any] = []
        keyword: list[Any] = []
        text = query.standalone if isinstance(query, Query) else query
        if mode in ("hybrid", "dense"):
            vector = (query.vector if isinstance(query, Query) and query.vector is not None
                      else self.embedder.embed_query(text))
            dense = self.store.dense_search(vector, self.candidates, docs)
        if mode in ("hybrid", "keyword"):
            terms = query.search_terms if isinstance(query, Query) else text
            keyword = self.store.keyword_search(terms, self.candidates, docs)
        if mode == "dense":
            return [Retrieved(h.passage, h.score, dense=h.score, dense_rank=i)
                    for i, h in enumerate(dense[:k])]
        if mode == "keyword":
            return [Retrieved(h.passage, h.score, keyword=h.score, keyword_rank=i)
                    for i, h in enumerate(keyword[:k])]
        return rrf_fuse(dense, keyword, self.rrf_k, k, self.dense_weight,
                        self.keyword_weight)

    def _get_relevant_documents(self, query: str, *,
                                run_manager: CallbackManagerForRetrieverRun,
                                documents: list[str] | None = None,
                                read: Query | None = None) -> list[Document]:
        """``invoke(text)``, or ``invoke(text, documents=[...], read=query)``: within those
        documents, with the question already read (its vector and search terms)."""
        found = self.search(read if read is not None else query, documents=documents)
        return [passage_to_document(r) for r in found]
