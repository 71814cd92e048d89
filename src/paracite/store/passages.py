"""The passage store: Chroma for vectors and provenance, plus a BM25 keyword index.

Chroma is the single source of truth. Every passage is stored with all of its provenance
in the metadata, and the keyword index is built from what Chroma holds (once per process,
and again only after a write), so the two can never disagree about the passage set.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from paracite.documents import DocumentInfo, Passage
from paracite.errors import StoreError
from paracite.store import catalog
from paracite.store.connection import Connection
from paracite.store.keyword import KeywordIndex, return_freed_memory
from paracite.store.keyword_files import KeywordFiles, folder_for
from paracite.store.metadata import Hit, from_metadata, to_metadata
from paracite.text.lexicon import Lexicon
from paracite.text.spelling import dictionary

log = logging.getLogger(__name__)

# Rows per Chroma get() when reading the whole collection: Chroma's memory for a get()
# grows with the page (5,000 rows with metadata: +360 MB RSS; 2,000: +80 MB) and the speed
# hardly changes.
_SCAN_PAGE = 2000


def _where_documents(docs: list[str]) -> dict[str, Any]:
    """Chroma's filter for the passages of these documents (``$in`` takes two or more).

    >>> _where_documents(["report"]), _where_documents(["agenda", "report"])
    ({'document': 'report'}, {'document': {'$in': ['agenda', 'report']}})
    """
    return {"document": docs[0]} if len(docs) == 1 else {"document": {"$in": docs}}


class Store(Connection):
    """Chroma collection of passages + keyword index over the same passages (opening,
    failures and other writers: :class:`Connection`)."""

    # -- reading ---------------------------------------------------------------------
    def _scan(self, where: dict[str, Any] | None = None,
              include: Sequence[str] = ("metadatas",)) -> Iterator[dict[str, Any]]:
        """Chroma get() results, ``_SCAN_PAGE`` rows at a time."""
        collection = self._open(write=False)
        if collection is None:
            return
        offset = 0
        while True:
            with self._chroma():
                got = collection.get(where=where, include=list(include), limit=_SCAN_PAGE,
                                     offset=offset)
            yield got
            if len(got["ids"]) < _SCAN_PAGE:
                return
            offset += len(got["ids"])

    def _get(self, where: dict[str, Any] | None = None, include: Sequence[str] = ("metadatas",)
             ) -> tuple[list[str], list[str | None], list[dict[str, Any]]]:
        ids: list[str] = []
        docs: list[str | None] = []
        metas: list[dict[str, Any]] = []
        for got in self._scan(where, include):
            n = len(got["ids"])
            ids += got["ids"]
            metas += [dict(m) for m in (got.get("metadatas") or [{}] * n)]
            docs += list(got.get("documents") or [None] * n)
        return ids, docs, metas

    def count(self) -> int:
        """Passages in the store (asked of Chroma once, then again only after a write:
        at 100,000 passages a Chroma count costs 30 ms, more than the rest of a search)."""
        with self._lock:
            self._follow_other_writers()
            if self._count is None:
                collection = self._open(write=False)
                if collection is None:
                    return 0
                with self._chroma():
                    self._count = int(collection.count())
            return self._count

    # -- the documents catalog ----------------------------------------------------------
    def _catalog_collection(self, write: bool) -> Any:
        """The catalog collection (store/catalog.py); None when reading a store that has
        none. Opened for writing, a catalog that does not describe the passages collection
        (none yet: a store made before it; rows of another collection) is made again from
        one scan of the passages, once per opening."""
        name = catalog.catalog_name(self.settings.collection)
        with self._chroma():
            if write:
                passages = self.collection
                found = self._client.get_or_create_collection(name, embedding_function=None)
                if self._catalog_checked != str(passages.id):
                    rows = catalog.read(found)
                    if not self._believed(rows, passages):
                        log.info("making the documents catalog from the stored passages")
                        catalog.replace_all(found, catalog.from_passages(
                            self._get()[2], str(passages.id)).values())
                    self._catalog_checked = str(passages.id)
                return found
            if self._open(write=False) is None:
                return None
            try:
                return self._client.get_collection(name, embedding_function=None)
            except Exception as exc:  # noqa: BLE001 - chromadb's NotFoundError or ValueError
                if "does not exist" in str(exc) or type(exc).__name__ == "NotFoundError":
                    return None
                raise

    def _believed(self, rows: dict[str, catalog.Entry], passages: Any) -> bool:
        """Does the catalog describe this passages collection? (Rows all written for it, and
        rows at all when it holds passages.)"""
        if any(e.collection != str(passages.id) for e in rows.values()):
            return False
        return bool(rows) or self.count() == 0

    def entries(self) -> dict[str, catalog.Entry]:
        """The documents catalog: every stored document by id, with its passage count and
        write generation (read from Chroma once, then again only after a write here or
        elsewhere). Reading never writes: a catalog that does not describe the passages
        (a store older than the catalog) is replaced by a scan of them, in memory."""
        with self._lock:
            self._follow_other_writers()
            if self._entries is None:
                found = self._catalog_collection(write=False)
                passages = self._open(write=False)
                with self._chroma():
                    rows = catalog.read(found) if found is not None else {}
                if passages is not None and not self._believed(rows, passages):
                    rows = catalog.from_passages(self._get()[2], str(passages.id))
                self._entries = rows
            return self._entries

    def documents(self) -> list[tuple[DocumentInfo, int]]:
        """Every stored document with its passage count, in id order (from the catalog:
        no passage is read)."""
        return [(e.info, e.passages) for _, e in sorted(self.entries().items())]

    def passage_count(self, doc_id: str) -> int:
        """How many passages a stored document has (0: not stored)."""
        entry = self.entries().get(doc_id)
        return entry.passages if entry else 0

    def commit_document(self, info: DocumentInfo, passages: int) -> None:
        """Record a document in the catalog, after its passages were written: its info and
        count, with a new generation (its keyword rows are rebuilt from it)."""
        with self._lock:
            found = self._catalog_collection(write=True)
            with self._chroma():
                catalog.put(found, info, passages, str(self.collection.id))
            self._wrote()

    def passage_hashes(self, doc_id: str) -> dict[str, str]:
        self._follow_other_writers()
        ids, _, metas = self._get(where={"document": doc_id})
        return {i: m["content_hash"] for i, m in zip(ids, metas, strict=True)}

    def passages(self, doc_id: str | None = None) -> list[Passage]:
        return self._read_passages(_where_documents([doc_id]) if doc_id else None)

    def passages_of(self, doc_ids: Sequence[str]) -> dict[str, list[Passage]]:
        """The passages of each of these documents, in reading order, read in one scan
        (``$in``) rather than a Chroma call each: the keyword index's sync reads every
        changed document, which at 10,000 documents on a server is minutes apart."""
        out: dict[str, list[Passage]] = {d: [] for d in doc_ids}
        if out:
            for p in self._read_passages(_where_documents(list(out))):
                out[p.document].append(p)
        return out

    def _read_passages(self, where: dict[str, Any] | None) -> list[Passage]:
        """The passages ``where`` selects, by document and then reading order."""
        self._follow_other_writers()
        _, docs, metas = self._get(where=where, include=("metadatas", "documents"))
        out = [from_metadata(d or "", m) for d, m in zip(docs, metas, strict=True)]
        return sorted(out, key=lambda p: (p.document, p.order))

    def vectors_of(self, doc_id: str) -> dict[str, tuple[list[float], str]]:
        """The stored vectors of a document's passages by ``Passage.embed_key``: (its
        vector, its packed sentence vectors). A passage whose text did not change takes
        them back instead of being embedded again, whatever its position or label now."""
        self._follow_other_writers()
        out: dict[str, tuple[list[float], str]] = {}
        for got in self._scan(where={"document": doc_id},
                              include=("metadatas", "documents", "embeddings")):
            for d, m, v in zip(got["documents"], got["metadatas"], got["embeddings"],
                               strict=True):
                key = m.get("embed_key") or from_metadata(d or "", dict(m)).embed_key
                out[str(key)] = ([float(x) for x in v], str(m.get("sentence_vectors") or ""))
        return out

    def passages_at(self, doc_id: str, orders: Iterable[int]) -> dict[int, Passage]:
        """A document's passages at these reading positions (``Passage.order``)."""
        wanted = sorted(set(orders))
        if not wanted:
            return {}
        self._follow_other_writers()
        where = {"$and": [{"document": doc_id}, {"order": {"$in": wanted}}]}
        _, docs, metas = self._get(where=where, include=("metadatas", "documents"))
        return {p.order: p for p in (from_metadata(d or "", m)
                                     for d, m in zip(docs, metas, strict=True))}

    def pages(self) -> Iterator[list[Passage]]:
        """Every passage, a page of ``_SCAN_PAGE`` at a time (store order)."""
        for got in self._scan(include=("metadatas", "documents")):
            yield [from_metadata(d or "", dict(m)) for d, m in
                   zip(got["documents"], got["metadatas"], strict=True)]

    def get_passages(self, ids: list[str]) -> dict[str, Passage]:
        """Passages by id. An id that is gone (another process deleted it since the keyword
        index was built) is left out, and the index is rebuilt before the next search."""
        collection = self._open(write=False) if ids else None
        if collection is None:
            return {}
        with self._chroma():
            got = collection.get(ids=ids, include=["metadatas", "documents"])
        by_id = {i: from_metadata(d or "", dict(m)) for i, d, m in
                 zip(got["ids"], got["documents"], got["metadatas"], strict=True)}
        if len(by_id) < len(set(ids)):
            log.info("keyword index is behind the store; rebuilding it")
            self._keyword = self._count = self._entries = None
        return by_id

    # -- re-embedding ------------------------------------------------------------------
    # (the switch itself, and finishing one a dead run began: Connection._finish_switch)
    def reembed(self, embed: Callable[[list[Passage]], tuple[list[Passage],
                                                             list[list[float]]]],
                progress: Callable[[int, int], None] | None = None) -> int:
        """Embed every stored passage again with this store's embedder (``embed`` gives
        each page of passages back with new sentence vectors, and their vectors), into a
        new collection that replaces the old one once complete. Returns the passages
        re-embedded. The caller holds the one-writer lock."""
        import uuid

        with self._lock:
            old = self._open_unchecked(write=True)
            total = int(old.count())
            with self._chroma():
                with contextlib.suppress(Exception):  # a half-built one from a dead run
                    self._client.delete_collection(self._building_name())
                new = self._client.create_collection(
                    self._building_name(), embedding_function=None,
                    metadata={"hnsw:space": "cosine", **self._metadata(state="building")})
            done = 0
            offset = 0
            while True:
                with self._chroma():
                    got = old.get(include=["metadatas", "documents"], limit=_SCAN_PAGE,
                                  offset=offset)
                if not got["ids"]:
                    break
                offset += len(got["ids"])
                metas = [dict(m) for m in got["metadatas"]]
                passages = [from_metadata(d or "", m) for d, m in
                            zip(got["documents"], metas, strict=True)]
                fresh, vectors = embed(passages)
                for m, p in zip(metas, fresh, strict=True):
                    m["sentence_vectors"] = p.sentence_vectors
                with self._chroma():
                    new.upsert(ids=got["ids"], embeddings=vectors, documents=got["documents"],
                               metadatas=metas)
                done += len(got["ids"])
                if progress:
                    progress(done, total)
                if len(got["ids"]) < _SCAN_PAGE:
                    break
            with self._chroma():
                if int(new.count()) != done or done != int(old.count()):
                    raise StoreError("the store changed while it was re-embedded; nothing "
                                     "was switched, run `paracite ingest --reembed` again")
                new.modify(metadata=self._metadata(state="complete",
                                                   generation=uuid.uuid4().hex))
                self._client.delete_collection(self.settings.collection)
                new.modify(name=self.settings.collection)
            self._collection = None
            self._keyword = self._count = self._entries = None
            self._open(write=True)
            self._catalog_collection(write=True)  # its rows named the old collection
            self._wrote()
            log.info("re-embedded %d passages with %s", done, self._identity())
            return done

    # -- writing ---------------------------------------------------------------------
    def upsert(self, doc: DocumentInfo, passages: Sequence[Passage],
               embeddings: Sequence[Sequence[float]]) -> None:
        if not passages:
            return
        with self._lock:
            collection = self.collection
            with self._chroma():
                collection.upsert(
                    ids=[p.id for p in passages],
                    embeddings=[list(e) for e in embeddings],
                    documents=[p.text for p in passages],
                    metadatas=[to_metadata(p, doc) for p in passages],
                )
            self._wrote()

    def update_document_info(self, doc: DocumentInfo, passages: Sequence[Passage]) -> None:
        """Rewrite metadata (e.g. the file hash) of passages whose text did not change."""
        if passages:
            with self._lock:
                collection = self.collection
                with self._chroma():
                    collection.update(ids=[p.id for p in passages],
                                      metadatas=[to_metadata(p, doc) for p in passages])
                self._wrote()

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self._lock:
                collection = self.collection
                with self._chroma():
                    collection.delete(ids=list(ids))
                self._wrote()

    def delete_document(self, doc_id: str) -> int:
        """Delete a document's passages, then its catalog row (a run killed between the two
        leaves a row whose passages are gone: the next ingest of its folder removes it)."""
        ids = list(self.passage_hashes(doc_id))
        with self._lock:
            self.delete(ids)
            found = self._catalog_collection(write=True)
            with self._chroma():
                catalog.remove(found, doc_id)
            self._wrote()
        return len(ids)

    # -- searching -------------------------------------------------------------------
    def _keyword_files(self, collection_id: str) -> KeywordFiles:
        return KeywordFiles(folder_for(self.settings.home, self.settings.collection,
                                       self.settings.chroma_url, collection_id))

    @property
    def keyword(self) -> KeywordIndex:
        """The keyword index of the store as it is now: the saved one (memory-mapped),
        or one brought up to date from the documents that changed since it was saved
        (store/keyword_files.py)."""
        with self._lock:
            self._follow_other_writers()
            if self._keyword is None:
                stamp = self.write_stamp()
                files = self._keyword_files(stamp.partition(":")[0])
                index = files.open(stamp, self.get_passages)
                self._keyword = self._ready(index) if index else self.sync_keyword()
            return self._keyword

    @property
    def lexicon(self) -> Lexicon:
        """The words of the store the answer step weighs by (``text.stats.TermStats``):
        built and saved with the keyword index."""
        return self.keyword.lexicon

    def _ready(self, index: KeywordIndex) -> KeywordIndex:
        """An index opened or built, ready for questions: English words are never mended."""
        index.lexicon.dictionary = dictionary(self.settings.embedder_package)
        return index

    def sync_keyword(self) -> KeywordIndex:
        """Bring the saved keyword index up to date with the store (ingest and delete call
        it when they are done; a reader only when a writer could not)."""
        with self._lock:
            stamp = self.write_stamp()
            collection = self._open(write=False)
            if collection is None:  # no store yet: nothing to index, and nothing written
                return KeywordIndex.from_rows((), self.get_passages)
            index = self._keyword_files(str(collection.id)).sync(
                stamp, str(collection.id), self.entries(), self.passages_of, self.get_passages)
            if len(index) >= 10_000:  # a full gc costs 0.3 s at cold start
                return_freed_memory()
            self._keyword = self._ready(index)
            return index

    def dense_search(self, vector: Sequence[float], k: int,
                     documents: Iterable[str] | None = None) -> list[Hit]:
        docs = sorted(set(documents or ()))
        where = _where_documents(docs) if docs else None
        n = self.count()
        if n == 0:
            return []
        collection = self._open(write=False)
        if collection is None:
            return []
        with self._chroma():
            res = collection.query(query_embeddings=[list(vector)], n_results=min(k, n),
                                   where=where, include=["metadatas", "documents",
                                                         "distances"])
        hits = []
        for text, meta, dist in zip(res["documents"][0], res["metadatas"][0],
                                    res["distances"][0], strict=True):
            sim = 1.0 - float(dist) if not math.isnan(dist) else 0.0
            hits.append(Hit(from_metadata(text or "", dict(meta)), sim))
        return hits

    def document_ids(self) -> frozenset[str]:
        """Ids of the stored documents, from the catalog (read once, and again only after a
        write here or by another process: no scan per call)."""
        return frozenset(self.entries())

    def keyword_search(self, query: str | Sequence[str], k: int,
                       documents: Iterable[str] | None = None) -> list[Hit]:
        return self.keyword.search(query, k, documents)

    def get_passage(self, doc_id: str, label: str) -> Passage | None:
        self._follow_other_writers()
        ids, docs, metas = self._get(where={"$and": [{"document": doc_id},
                                                    {"paragraph": label}]},
                                     include=("metadatas", "documents"))
        if not ids:
            return None
        return from_metadata(docs[0] or "", metas[0])
