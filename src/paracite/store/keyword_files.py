"""The keyword index on disk: written when the store is written, opened by readers.

Under ``PARACITE_HOME/keyword/<collection>`` (with a Chroma server: one folder per
collection id, ``<collection>@<id>``) are

- ``docs/``: each document's rows (passage ids, tokens, printed words), written when its
  catalog generation changes, so a rebuild never re-reads or re-tokenizes the others;
- ``builds/<name>/``: a whole index (bm25s's matrix as .npy files, the rows, the lexicon);
- ``CURRENT``: which build is current and what it was built from: the store's write stamp
  and each document's generation.

``open`` loads the current build when it was made from the store as it is now (the stamp
matches): the matrix is memory-mapped, so that costs well under a second at 100,000
passages. ``sync`` brings it up to date otherwise: it fetches the passages of the
documents whose generation changed (only those), drops the documents gone, builds the
index from the rows and makes it current. The writer calls ``sync`` at the end of an
ingest or a delete; a reader only calls it when the writer died before it could, or when
the writer works on another machine (a Chroma server: each PARACITE_HOME keeps its own
copy, brought up to date document by document). A folder that cannot be written (a
read-only PARACITE_HOME) gets an index built in memory instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from paracite.documents import Passage
from paracite.store.catalog import Entry
from paracite.store.keyword import KeywordIndex, Lookup, Row, passage_row

log = logging.getLogger(__name__)
VERSION = 2  # bump when the rows or the build's files change: older folders are rebuilt
_CURRENT = "CURRENT"


def _doc_file(doc_id: str) -> str:
    return hashlib.sha256(doc_id.encode()).hexdigest()[:24] + ".json"


def folder_for(home: Path, collection: str, server: str | None, collection_id: str) -> Path:
    """Where the keyword index of a collection lives under ``home``: with a Chroma server,
    one folder per collection id (ids are unique across servers, and a server reached by
    another address or port is still the same one).

    >>> folder_for(Path("/h"), "paracite", None, "0f3c").as_posix()
    '/h/keyword/paracite'
    >>> folder_for(Path("/h"), "paracite", "http://127.0.0.1:8000", "0f3c").name
    'paracite@0f3c'
    """
    if not server:
        return home / "keyword" / collection
    return home / "keyword" / f"{collection}@{collection_id}"


BATCH = 2_000  # passages read from the store per call when the index is brought up to date


def _batches(documents: list[str], catalog: Mapping[str, Entry]) -> Iterator[list[str]]:
    """``documents`` in groups of about ``BATCH`` passages (by the catalog's counts); a
    larger document is a group of its own.

    >>> from types import SimpleNamespace as E
    >>> cat = {"a": E(passages=1500), "b": E(passages=600), "c": E(passages=5000)}
    >>> list(_batches(["a", "b", "c"], cat))
    [['a'], ['b'], ['c']]
    >>> list(_batches(["b", "b2"], {"b": E(passages=600), "b2": E(passages=600)}))
    [['b', 'b2']]
    """
    batch: list[str] = []
    size = 0
    for doc_id in documents:
        n = max(int(catalog[doc_id].passages), 1)
        if batch and size + n > BATCH:
            yield batch
            batch, size = [], 0
        batch.append(doc_id)
        size += n
    if batch:
        yield batch


class KeywordFiles:
    """One collection's keyword index on disk (see the module's description)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _state(self) -> dict[str, Any]:
        try:
            state = json.loads((self.folder / _CURRENT).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return state if state.get("version") == VERSION else {}

    def open(self, stamp: str, lookup: Lookup) -> KeywordIndex | None:
        """The current build when it was made at write stamp ``stamp``; None otherwise."""
        state = self._state()
        if not stamp or state.get("stamp") != stamp:
            return None
        try:
            return KeywordIndex.load(self.folder / "builds" / state["build"], lookup)
        except (OSError, ValueError, KeyError) as exc:
            log.info("keyword index at %s could not be opened (%s): building it again",
                     self.folder, exc)
            return None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[bool]:
        """The folder's lock (one process writes it at a time); False when the folder
        cannot be written, and the index is then made in memory."""
        from filelock import FileLock, Timeout

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.folder / ".lock"), timeout=120)
            lock.acquire()
        except (OSError, Timeout) as exc:
            log.info("keyword index folder %s not writable (%s): index kept in memory",
                     self.folder, exc)
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def sync(self, stamp: str, collection_id: str, catalog: Mapping[str, Entry],
             passages_of: Callable[[list[str]], dict[str, list[Passage]]],
             lookup: Lookup) -> KeywordIndex:
        """The index of the store as the catalog describes it, brought up to date from the
        documents whose generation changed (their passages read ``BATCH`` passages' worth
        of documents at a time), and made current under ``stamp``."""
        with self._locked() as writable:
            state = self._state() if writable else {}
            had: dict[str, str] = (state.get("documents", {})
                                   if state.get("collection") == collection_id else {})
            if writable and state.get("stamp") == stamp and stamp:
                found = self.open(stamp, lookup)  # another process synced meanwhile
                if found is not None:
                    return found
            memory: dict[str, list[Row]] = {}
            docs = self.folder / "docs"
            changed = [d for d, e in catalog.items() if had.get(d) != e.generation
                       or (writable and not (docs / _doc_file(d)).is_file())]
            for batch in _batches(changed, catalog):
                for doc_id, passages in passages_of(batch).items():
                    rows = [passage_row(p) for p in passages]
                    if writable:
                        self._write_rows(doc_id, catalog[doc_id].generation, rows)
                    else:
                        memory[doc_id] = rows
            if changed:
                log.info("keyword index: %d document(s) changed since it was built",
                         len(changed))
            index = KeywordIndex.from_rows(self._rows(sorted(catalog), memory), lookup)
            if writable:
                self._make_current(index, stamp, collection_id,
                                   {d: e.generation for d, e in catalog.items()})
            return index

    def _write_rows(self, doc_id: str, generation: str, rows: list[Row]) -> None:
        docs = self.folder / "docs"
        docs.mkdir(exist_ok=True)
        tmp = docs / f".{uuid.uuid4().hex}.tmp"
        tmp.write_text(json.dumps({"document": doc_id, "generation": generation, "rows": [
            [pid, list(toks), sorted(set(printed))] for pid, _, toks, printed in rows]},
            ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, docs / _doc_file(doc_id))

    def _rows(self, documents: list[str], memory: Mapping[str, list[Row]]) -> Iterator[Row]:
        for doc_id in documents:
            if doc_id in memory:
                yield from memory[doc_id]
                continue
            data = json.loads((self.folder / "docs" / _doc_file(doc_id))
                              .read_text(encoding="utf-8"))
            for pid, toks, printed in data["rows"]:
                yield pid, doc_id, toks, printed

    def _make_current(self, index: KeywordIndex, stamp: str, collection_id: str,
                      generations: dict[str, str]) -> None:
        builds = self.folder / "builds"
        name = uuid.uuid4().hex[:16]
        index.save(builds / name)
        tmp = self.folder / f".{name}.tmp"
        tmp.write_text(json.dumps({"version": VERSION, "build": name, "stamp": stamp,
                                   "collection": collection_id, "documents": generations}),
                       encoding="utf-8")
        os.replace(tmp, self.folder / _CURRENT)
        # Older builds go: a process that has one open keeps reading it (its files stay
        # until it closes them), and the docs of documents no longer stored go too.
        for old in builds.iterdir():
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)
        keep = {_doc_file(d) for d in generations}
        for f in (self.folder / "docs").glob("*.json"):
            if f.name not in keep:
                f.unlink(missing_ok=True)
