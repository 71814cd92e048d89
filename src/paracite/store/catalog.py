"""The documents catalog: one row per stored document, in a second Chroma collection.

Beside the passages collection ('paracite') the store keeps '<collection>-documents': a
row per document holding its ``DocumentInfo``, its passage count and a write generation
that changes every time the document is written. It lives in Chroma itself, so an
embedded store and a Chroma server behave the same: a process on another machine lists a
document another process ingested without a restart, and without reading every passage.

Each row names the passages collection it was written for: a row of another (the
passages collection deleted behind paracite's back, or a re-embedding that stopped before
its rows were rewritten) is not believed, and the catalog is made again from a scan.

A document's row is written after its passages (``Store.commit_document``) and deleted
after them, so a run killed half-way leaves the old row (or none): the next ingest sees
that the stored file hash is not the file's and writes the document again. A store made
before the catalog existed gets one from a single scan of its passages when it is next
opened for writing (and, read-only, one in memory).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from paracite.documents import DocumentInfo

_FIELDS = ("title", "symbol", "date", "source", "content_hash", "pages", "bytes_hash", "body")
_VECTOR = [1.0]  # Chroma wants a vector for every row; the catalog is never searched


def catalog_name(collection: str) -> str:
    """The catalog collection's name beside the passages collection ``collection``.

    >>> catalog_name("paracite")
    'paracite-documents'
    """
    return f"{collection}-documents"


@dataclass(frozen=True)
class Entry:
    """One stored document: what it is, how many passages it has, and the generation
    of its last write (its keyword rows are rebuilt when that changes)."""

    info: DocumentInfo
    passages: int
    generation: str
    collection: str = ""  # the id of the passages collection the row was written for


def _to_row(e: Entry) -> dict[str, Any]:
    row: dict[str, Any] = {k: getattr(e.info, k) for k in _FIELDS}
    row = {k: ("" if v is None else v) for k, v in row.items()}
    row["pages"] = e.info.pages or 0
    return {**row, "passages": e.passages, "generation": e.generation,
            "collection": e.collection}


def _from_row(doc_id: str, m: Mapping[str, Any]) -> Entry:
    info = DocumentInfo(id=doc_id, title=m["title"], symbol=m["symbol"] or None,
                        date=m["date"] or None, source=m["source"],
                        content_hash=m["content_hash"], pages=int(m["pages"]) or None,
                        bytes_hash=m.get("bytes_hash", ""), body=m.get("body") or None)
    return Entry(info, int(m["passages"]), str(m["generation"]), str(m.get("collection", "")))


def read(collection: Any) -> dict[str, Entry]:
    """Every row of a catalog collection, by document id."""
    got = collection.get(include=["metadatas"])
    return {i: _from_row(i, m) for i, m in zip(got["ids"], got["metadatas"], strict=True)}


def put(collection: Any, info: DocumentInfo, passages: int, passages_id: str) -> Entry:
    """Write (or rewrite) a document's row, with a new generation; ``passages_id``: the
    id of the passages collection its passages are in."""
    entry = Entry(info, passages, uuid.uuid4().hex, passages_id)
    collection.upsert(ids=[info.id], embeddings=[_VECTOR], documents=[""],
                      metadatas=[_to_row(entry)])
    return entry


def remove(collection: Any, doc_id: str) -> None:
    collection.delete(ids=[doc_id])


def replace_all(collection: Any, entries: Iterable[Entry]) -> None:
    """Make the catalog hold exactly these rows (one made from a scan of the passages)."""
    rows = list(entries)
    old = set(collection.get(include=[])["ids"]) - {e.info.id for e in rows}
    if old:
        collection.delete(ids=sorted(old))
    if rows:
        collection.upsert(ids=[e.info.id for e in rows], embeddings=[_VECTOR] * len(rows),
                          documents=[""] * len(rows), metadatas=[_to_row(e) for e in rows])


def from_passages(metadatas: Iterable[Mapping[str, Any]], passages_id: str
                  ) -> dict[str, Entry]:
    """The catalog of a store made before there was one, from its passages' metadata (each
    passage carries its document's info). A document whose passages disagree on the file
    hash was left half-written by a killed ingest: its hash is blanked, so the next ingest
    writes it again. Generations are made from the file hashes: two processes deriving the
    catalog of one store agree on them."""
    seen: dict[str, tuple[DocumentInfo, int]] = {}
    for m in metadatas:
        doc_id = m["document"]
        if doc_id in seen:
            info, n = seen[doc_id]
            seen[doc_id] = (info, n + 1)
        else:
            info = DocumentInfo(id=doc_id, title=m["title"], symbol=m["symbol"] or None,
                                date=m["date"] or None, source=m["source"],
                                content_hash=m["file_hash"], pages=m["doc_pages"] or None,
                                bytes_hash=m.get("bytes_hash", ""), body=m.get("body") or None)
            seen[doc_id] = (info, 1)
        if m["file_hash"] != seen[doc_id][0].content_hash:
            seen[doc_id] = (seen[doc_id][0].model_copy(update={"content_hash": ""}),
                            seen[doc_id][1])
    return {d: Entry(info, n, f"scan:{info.content_hash}:{n}", passages_id)
            for d, (info, n) in sorted(seen.items())}
