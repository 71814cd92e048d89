"""The passage store: Chroma for vectors and provenance, plus a BM25 keyword index.

Chroma is the single source of truth. Every passage is stored with all of its provenance
in the metadata, and the keyword index is built from what Chroma holds (once per process,
and again only after a write), so the two can never disagree about the passage set.

The store is embedded (``PersistentClient`` under ``Settings.home``) unless
``Settings.chroma_url`` names a Chroma server.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import math
import os
import re
import shutil
import stat
import tempfile
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from paracite.documents import DocumentInfo, Footnote, Passage
from paracite.embed import EmbedderIdentity
from paracite.errors import ConfigError, EmbedderMismatchError, ParaciteError, StoreError
from paracite.settings import Settings
from paracite.text.spelling import correct, dictionary
from paracite.text.stems import stem
from paracite.text.synonyms import expand
from paracite.text.tokens import tokenize, words

log = logging.getLogger(__name__)

# Rows per Chroma get() when reading the whole collection: Chroma's memory for a get()
# grows with the page (5,000 rows with metadata: +360 MB RSS; 2,000: +80 MB) and the speed
# hardly changes.
_SCAN_PAGE = 2000


class _Systems:
    """What this process's embedded Chroma systems have seen, by store folder: the last
    write generation each knows (its own writes, or the state it was opened in) and an
    epoch that moves on when one is renewed. Shared by every Store of the process, since
    chromadb shares one system per folder among its clients."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._known: dict[str, str] = {}
        self._epochs: dict[str, int] = {}

    def epoch(self, key: str) -> int:
        with self._lock:
            return self._epochs.get(key, 0)

    def know(self, key: str, stamp: str) -> None:
        with self._lock:
            self._known[key] = stamp

    def knows(self, key: str, stamp: str) -> bool:
        with self._lock:
            return self._known.get(key) in (None, stamp)

    def renew(self, key: str, stamp: str) -> None:
        """Forget the system for ``key``: the next client opens a new one, which reads the
        store as it is now. Not stopped: a query running on it in another thread ends
        normally, and it is freed with its last collection."""
        from chromadb.api.shared_system_client import SharedSystemClient as Shared

        with self._lock:
            with Shared._refcount_lock:
                Shared._identifier_to_system.pop(key, None)
                Shared._identifier_to_refcount.pop(key, None)
            self._epochs[key] = self._epochs.get(key, 0) + 1
            self._known[key] = stamp
        log.info("another process wrote to the store: reopening it")


_SYSTEMS = _Systems()


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def _to_metadata(p: Passage, doc: DocumentInfo) -> dict[str, Any]:
    return {
        "document": p.document, "title": p.title, "symbol": p.symbol or "",
        "date": p.date or "", "paragraph": p.paragraph, "section": p.section,
        "pages": ",".join(str(n) for n in p.pages), "start": p.start, "end": p.end,
        "printed_pages": ",".join(p.printed_pages),
        "kind": p.kind, "order": p.order, "content_hash": p.content_hash,
        "footnotes": json.dumps([f.model_dump() for f in p.footnotes], ensure_ascii=False),
        "source": doc.source, "file_hash": doc.content_hash, "doc_pages": doc.pages or 0,
        "body": doc.body or "",
        "bytes_hash": doc.bytes_hash,
        "sentence_vectors": p.sentence_vectors,
    }


def _from_metadata(text: str, m: dict[str, Any]) -> Passage:
    return Passage(
        document=m["document"], title=m["title"], symbol=m["symbol"] or None,
        date=m["date"] or None, paragraph=m["paragraph"], section=m["section"],
        pages=tuple(int(x) for x in str(m["pages"]).split(",") if x),
        printed_pages=tuple(str(m["printed_pages"]).split(",")) if m.get("printed_pages")
        else (),
        start=int(m["start"]), end=int(m["end"]), kind=m["kind"], order=int(m["order"]),
        text=text, footnotes=tuple(Footnote(**f) for f in json.loads(m["footnotes"])),
        sentence_vectors=str(m.get("sentence_vectors") or ""),
    )


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


def _return_freed_memory() -> None:
    """Hand memory freed by a large build back to the OS (glibc keeps it otherwise: at
    100,000 passages that is ~300 MB of a serving process's RSS)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


_SQLITE = "chroma.sqlite3"
_READ_ONLY_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)


def _short_reason(exc: BaseException) -> str:
    """The gist of a Chroma or SQLite error, without the layers of wrapping around it:
    'Error getting collection: Database error: error returned from database: (code: 26)
    file is not a database' → 'file is not a database'."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = (str(exc).strip().splitlines() or [""])[0]
    text = re.sub(r"\(code: \d+\)\s*", "", text)
    while True:
        shorter = re.sub(r"^[\w ]*(?:error|Error|failed|Failed)[\w ]*:\s+", "", text, count=1)
        if shorter == text or not shorter:
            break
        text = shorter
    text = text.strip().rstrip(".")
    if len(text) > 120:
        text = text[:117] + "..."
    return text or type(exc).__name__


def _is_chroma_failure(exc: BaseException) -> bool:
    """An error raised by Chroma or the database under it (not an interrupt)."""
    if isinstance(exc, Exception):
        return True
    # pyo3's PanicException (a Rust panic in Chroma's bindings) derives from BaseException
    return type(exc).__name__ == "PanicException"


def _drop_failed_system(path: str) -> None:
    """Forget a Chroma system that failed to start for ``path``: chromadb caches it per
    path even then, and the next open in this process would get the broken one
    ("'RustBindingsAPI' object has no attribute 'bindings'") instead of the real error."""
    with contextlib.suppress(Exception):
        from chromadb.api.shared_system_client import SharedSystemClient as Shared

        if Shared._identifier_to_refcount.get(path, 0) <= 0:
            system = Shared._identifier_to_system.pop(path, None)
            if system is not None:
                with contextlib.suppress(Exception):
                    system.stop()


class Store:
    """Chroma collection of passages + keyword index over the same passages.

    Every Chroma call goes through :meth:`_chroma`, which turns whatever Chroma or SQLite
    raises into a :class:`StoreError` saying what is wrong (damaged, read-only, busy,
    server down) and what to do. Reading never writes: a local store that does not exist
    yet reads as empty, and a read-only one is read from a private copy (Chroma cannot open
    a database it may not write).
    """

    def __init__(self, settings: Settings,
                 identity: EmbedderIdentity | Callable[[], EmbedderIdentity]) -> None:
        """``identity``: the embedder this store's vectors must come from (or a function
        giving it, called when the store is first opened)."""
        self.settings = settings
        self._embedder_identity = identity
        self._client: Any = None
        self._client_path: Path | None = None
        self._collection: Any = None
        self._keyword: KeywordIndex | None = None
        self._count: int | None = None
        self._seen = ""  # the write generation the caches were built at
        self._epoch = 0
        self._opened_database: tuple[int, int] | None = None  # the file Chroma opened
        self._lock = threading.RLock()
        self._snapshot: tempfile.TemporaryDirectory[str] | None = None  # read-only store

    # -- errors ------------------------------------------------------------------------
    def _read_only_error(self, reason: str = "") -> StoreError:
        why = f" ({reason})" if reason else ""
        return StoreError(f"the passage store at {self.settings.home} is read-only{why}: it "
                          "can be asked, not ingested into (set PARACITE_HOME to a writable "
                          "folder)")

    def _failure(self, exc: BaseException) -> ParaciteError:
        """The StoreError for an exception Chroma (or SQLite, or the file system) raised."""
        if isinstance(exc, ParaciteError):
            return exc
        reason = _short_reason(exc)
        if self.settings.chroma_url:
            return StoreError(f"the Chroma server at {self.settings.chroma_url} failed "
                              f"({reason}); check that it is running and reachable")
        where = self.settings.store_dir
        text = str(exc).lower()
        code = re.search(r"\(code: (\d+)\)", text)
        sqlite = int(code.group(1)) if code else -1  # SQLite's (extended) result code
        if sqlite == 1032 or self._database_replaced():  # SQLITE_READONLY_DBMOVED, or seen
            return StoreError(f"the passage store at {where} was deleted or replaced while "
                              "this process had it open; start paracite again (if the store "
                              f"is damaged: delete {where} and run paracite ingest)")
        if (sqlite & 0xFF == 8 or (sqlite < 0 and "readonly" in text)
                or (isinstance(exc, OSError) and exc.errno in _READ_ONLY_ERRNOS)):
            return self._read_only_error(reason)
        if sqlite & 0xFF in (5, 6) or "database is locked" in text:
            return StoreError(f"the passage store at {where} is busy ({reason}): another "
                              "process is using it; try again when it is done")
        if sqlite & 0xFF == 13 or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC):
            return StoreError(f"cannot write to the passage store at {where} ({reason}); "
                              "free some disk space and try again")
        if isinstance(exc, OSError):
            return StoreError(f"cannot use the passage store at {where} ({reason}: "
                              f"{exc.filename or where})")
        return StoreError(f"the passage store at {where} is damaged ({reason}); delete "
                          f"{where} and run paracite ingest")

    def _database_identity(self) -> tuple[int, int] | None:
        """(device, inode) of the embedded store's database file (None: there is none)."""
        try:
            st = (self.settings.store_dir / _SQLITE).stat()
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _database_replaced(self) -> bool:
        """The database file this process opened was deleted or another put in its place
        (SQLite reports that only on some calls; a new empty file reads as 'damaged')."""
        return (not self.settings.chroma_url and self._opened_database is not None
                and self._database_identity() != self._opened_database)

    @contextlib.contextmanager
    def _chroma(self) -> Iterator[None]:
        """Around every Chroma call: its failures become one StoreError with a message for
        the person at the keyboard (the Chroma exception is kept as the cause)."""
        try:
            yield
        except BaseException as exc:
            if isinstance(exc, ParaciteError) or not _is_chroma_failure(exc):
                raise
            log.debug("chroma call failed", exc_info=True)
            # Open again next time: a store deleted and ingested anew (say from the UI)
            # is then found, and a failing one fails again with its reason.
            failure = self._failure(exc)
            self._collection = self._client = None
            self._keyword = self._count = None
            self._opened_database = None
            raise failure from exc

    # -- opening ---------------------------------------------------------------------
    def _check_home(self) -> None:
        home = self.settings.home
        if home.exists() and not home.is_dir():
            raise ConfigError(f"PARACITE_HOME {home} is a file, not a folder; point "
                              "PARACITE_HOME at a folder (paracite creates it)")

    def _local_writable(self) -> bool:
        """Can this process write the embedded store (its folder and its database)?"""
        folder = self.settings.store_dir
        probe = folder if folder.exists() else next(
            (p for p in (self.settings.home, *self.settings.home.absolute().parents)
             if p.exists()), None)
        if probe is None or not os.access(probe, os.W_OK):
            return False
        db = folder / _SQLITE
        return not db.exists() or os.access(db, os.W_OK)

    def _make_client(self, write: bool) -> Any:
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
        path = self.settings.store_dir
        if not self._local_writable():
            if write:
                raise self._read_only_error()
            path = self._snapshot_copy()
        elif write:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise self._failure(exc) from exc
        self._client_path = path
        try:
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            self._opened_database = self._database_identity() if path == \
                self.settings.store_dir else None
            return client
        except BaseException:
            _drop_failed_system(str(path))
            raise

    def _snapshot_copy(self) -> Path:
        """A private, writable copy of a read-only store's Chroma folder, for reading."""
        if self._snapshot is None:
            self._snapshot = tempfile.TemporaryDirectory(prefix="paracite-snapshot-")
        copy = Path(self._snapshot.name) / "chroma"
        if not copy.exists():
            src = self.settings.store_dir
            try:
                shutil.copytree(src, copy, copy_function=shutil.copyfile)
            except OSError as exc:
                shutil.rmtree(copy, ignore_errors=True)
                raise StoreError(f"the passage store at {src} is read-only and cannot be "
                                 f"copied to read it ({_short_reason(exc)})") from exc
            for folder, _, files in os.walk(copy):  # copies keep the read-only modes
                for p in (folder, *(os.path.join(folder, f) for f in files)):
                    os.chmod(p, os.stat(p).st_mode | stat.S_IWUSR)
            size = sum(f.stat().st_size for f in copy.rglob("*") if f.is_file())
            log.info("the passage store at %s is read-only: reading a copy of it "
                     "(%.1f MB) in %s", src, size / 1_048_576, copy)
        return copy

    def _open(self, write: bool) -> Any:
        """The collection, opened on first use; None when reading an embedded store that
        does not exist yet (reading creates nothing). ``write``: fail now, with the
        reason, if the store cannot be written. A store whose vectors were made by another
        embedder fails with EmbedderMismatchError, for reading and writing alike."""
        with self._lock:
            if self._collection is not None:
                if write and self._snapshot is not None:
                    raise self._read_only_error()
                return self._collection
            collection = self._open_unchecked(write)
            if collection is not None:
                self._check_identity(collection)
                self._collection = collection
                self._seen = self._stamp_of(collection)
                self._system_known(self._seen)
            return collection

    def _open_unchecked(self, write: bool) -> Any:
        """The collection, whatever embedder made it (None: nothing to read yet)."""
        if not self.settings.chroma_url:
            self._check_home()
            if not write and not (self.settings.store_dir / _SQLITE).is_file():
                return None
        with self._chroma():
            if self._client is None:
                self._client = self._make_client(write)
                self._epoch = _SYSTEMS.epoch(self._system_key())
            self._finish_switch()
            if write:
                return self._client.get_or_create_collection(
                    self.settings.collection, embedding_function=None,
                    metadata={"hnsw:space": "cosine", **self._identity().as_metadata()})
            try:
                return self._client.get_collection(self.settings.collection,
                                                   embedding_function=None)
            except Exception as exc:  # noqa: BLE001 - chromadb's NotFoundError or ValueError
                if "does not exist" in str(exc) or type(exc).__name__ == "NotFoundError":
                    return None
                raise

    def _identity(self) -> EmbedderIdentity:
        ident = self._embedder_identity
        return ident() if callable(ident) else ident

    def stored_identity(self) -> EmbedderIdentity | None:
        """The embedder the store's vectors were made with (None: no store yet, or one
        made before paracite recorded it)."""
        with self._lock:
            collection = self._open_unchecked(write=False)
        return None if collection is None else EmbedderIdentity.from_metadata(
            collection.metadata)

    def _check_identity(self, collection: Any) -> None:
        stored = EmbedderIdentity.from_metadata(collection.metadata)
        if stored is None:
            return
        ours = self._identity()
        if not stored.matches(ours):
            where = self.settings.chroma_url or self.settings.store_dir
            raise EmbedderMismatchError(
                f"the passage store at {where} was embedded with {stored}, but the settings "
                f"name {ours}: their vectors cannot be compared, so nothing was read or "
                "changed. Set PARACITE_EMBEDDER_NAME and PARACITE_EMBEDDER_PACKAGE back to "
                "the store's model, or run `paracite ingest --reembed` to re-embed every "
                "passage with the new one (the store is kept as it is until that is "
                "complete)", stored=stored, configured=ours)

    def _metadata(self, **extra: str) -> dict[str, str]:
        """The collection's metadata (what ``modify`` replaces whole): the embedder
        identity, the write generation and ``extra``. Chroma keeps the distance in the
        collection's configuration, not here."""
        return {**self._identity().as_metadata(), **extra}

    def close(self) -> None:
        """Let go of the Chroma client: the store's files are closed when no other client
        of this process uses them (a copy of the folder is then complete). The next read
        or write opens the store again."""
        with self._lock:
            client, current = self._client, self._epoch == _SYSTEMS.epoch(self._system_key())
            self._client = self._collection = None
            self._keyword = self._count = None
            self._seen = ""
            if client is not None and current:  # a renewed system is not this client's
                with contextlib.suppress(Exception):
                    client.close()

    @property
    def collection(self) -> Any:
        """The Chroma collection, opened (and created) for writing."""
        return self._open(write=True)

    def reading_client(self) -> Any:
        """The Chroma client the store reads its collection through (None: no store yet),
        for a LangChain ``Chroma`` over the same collection (:func:`paracite.vectorstore`)."""
        with self._lock:
            return None if self._open(write=False) is None else self._client

    def check_writable(self) -> None:
        """Open the store for writing now: a store that is damaged, read-only or not a
        folder fails here, once, with its reason."""
        self._open(write=True)

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

    def documents(self) -> list[tuple[DocumentInfo, int]]:
        """Every stored document with its passage count, in id order."""
        self._follow_other_writers()
        seen: dict[str, tuple[DocumentInfo, int]] = {}
        for m in self._get()[2]:
            doc_id = m["document"]
            if doc_id in seen:
                seen[doc_id] = (seen[doc_id][0], seen[doc_id][1] + 1)
            else:
                info = DocumentInfo(id=doc_id, title=m["title"], symbol=m["symbol"] or None,
                                    date=m["date"] or None, source=m["source"],
                                    content_hash=m["file_hash"], pages=m["doc_pages"] or None,
                                    bytes_hash=m.get("bytes_hash", ""),
                                    body=m.get("body") or None)
                seen[doc_id] = (info, 1)
            if m["file_hash"] != seen[doc_id][0].content_hash:
                # An ingest stopped half-way: mark the document as needing a new ingest.
                seen[doc_id] = (seen[doc_id][0].model_copy(update={"content_hash": ""}),
                                seen[doc_id][1])
        return [seen[k] for k in sorted(seen)]

    def passage_hashes(self, doc_id: str) -> dict[str, str]:
        self._follow_other_writers()
        ids, _, metas = self._get(where={"document": doc_id})
        return {i: m["content_hash"] for i, m in zip(ids, metas, strict=True)}

    def passages(self, doc_id: str | None = None) -> list[Passage]:
        self._follow_other_writers()
        where = {"document": doc_id} if doc_id else None
        _, docs, metas = self._get(where=where, include=("metadatas", "documents"))
        out = [_from_metadata(d or "", m) for d, m in zip(docs, metas, strict=True)]
        return sorted(out, key=lambda p: (p.document, p.order))

    def pages(self) -> Iterator[list[Passage]]:
        """Every passage, a page of ``_SCAN_PAGE`` at a time (store order)."""
        for got in self._scan(include=("metadatas", "documents")):
            yield [_from_metadata(d or "", dict(m)) for d, m in
                   zip(got["documents"], got["metadatas"], strict=True)]

    def get_passages(self, ids: list[str]) -> dict[str, Passage]:
        """Passages by id. An id that is gone (another process deleted it since the keyword
        index was built) is left out, and the index is rebuilt before the next search."""
        collection = self._open(write=False) if ids else None
        if collection is None:
            return {}
        with self._chroma():
            got = collection.get(ids=ids, include=["metadatas", "documents"])
        by_id = {i: _from_metadata(d or "", dict(m)) for i, d, m in
                 zip(got["ids"], got["documents"], got["metadatas"], strict=True)}
        if len(by_id) < len(set(ids)):
            log.info("keyword index is behind the store; rebuilding it")
            self._keyword = self._count = None
        return by_id

    # -- other writers ----------------------------------------------------------------
    # Every write sets a new write generation in the collection's own metadata, so it is
    # seen by every reader of the store: other processes on this machine and, with a
    # Chroma server, other machines. A reader compares it (and the collection's id, which
    # changes when a re-embedded collection takes over) with what it saw last before
    # every read: on a change, its keyword index, term statistics and passage count are
    # dropped, and an embedded store's Chroma system is opened anew (its in-memory vector
    # index does not see another process's writes: deleted passages came back as None).
    # Costs one collection lookup, ~0.3 ms embedded.
    def write_stamp(self) -> str:
        """The store's write generation: '<collection id>:<generation>', new after every
        write by any process ("" when there is no store yet)."""
        with self._lock:
            collection = self._open(write=False)
            if collection is None:
                return ""
            with self._chroma():
                current = self._client.get_collection(self.settings.collection,
                                                      embedding_function=None)
            return self._stamp_of(current)

    @staticmethod
    def _stamp_of(collection: Any) -> str:
        return f"{collection.id}:{(collection.metadata or {}).get('generation', '')}"

    def _system_key(self) -> str:
        return self.settings.chroma_url or str(self._client_path or self.settings.store_dir)

    def _system_known(self, stamp: str) -> None:
        if not self.settings.chroma_url:
            _SYSTEMS.know(self._system_key(), stamp)

    def _follow_other_writers(self) -> None:
        """Before a read: catch up with writes made elsewhere since the last one seen."""
        with self._lock:
            if self._collection is None:
                return
            try:
                stamp = self.write_stamp()
            except ParaciteError:
                stamp = ""  # the store went away: opened again (and found so) below
            key = self._system_key()
            if not self.settings.chroma_url and stamp and not _SYSTEMS.knows(key, stamp):
                # another process wrote: this process's Chroma system is stale
                _SYSTEMS.renew(key, stamp)
            if stamp != self._seen or self._epoch != _SYSTEMS.epoch(key):
                self._keyword = self._count = None
                self._collection = None
                if self._epoch != _SYSTEMS.epoch(key):
                    self._client = None
                self._open(write=False)

    def _wrote(self) -> None:
        """After a write: a new generation, which every reader will see."""
        import uuid

        self._keyword = self._count = None
        collection, generation = self._collection, uuid.uuid4().hex
        with self._chroma():
            collection.modify(metadata=self._metadata(generation=generation))
        self._seen = f"{collection.id}:{generation}"  # what _stamp_of will read back
        self._system_known(self._seen)

    # -- re-embedding ------------------------------------------------------------------
    # A new embedder means new vectors for every passage (and for its sentences). They are
    # written to a second collection beside the first; only when it is complete is it
    # marked so and given the store's name, the old one deleted. A run that dies half-way
    # leaves the store as it was (its half-built collection is dropped by the next run); one
    # that dies between the two steps of the switch is finished by the next open.
    def _building_name(self) -> str:
        return f"{self.settings.collection}-reembed"

    def _finish_switch(self) -> None:
        """Complete a switch to a re-embedded collection that a process began and did not
        finish (the old collection deleted, the new one not yet renamed)."""
        names = {c.name for c in self._client.list_collections()}
        building = self._building_name()
        if building in names and self.settings.collection not in names:
            new = self._client.get_collection(building, embedding_function=None)
            if (new.metadata or {}).get("state") == "complete":
                log.info("finishing the switch to the re-embedded collection")
                new.modify(name=self.settings.collection)

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
                passages = [_from_metadata(d or "", m) for d, m in
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
            self._keyword = self._count = None
            self._open(write=True)
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
                    metadatas=[_to_metadata(p, doc) for p in passages],
                )
            self._wrote()

    def update_document_info(self, doc: DocumentInfo, passages: Sequence[Passage]) -> None:
        """Rewrite metadata (e.g. the file hash) of passages whose text did not change."""
        if passages:
            with self._lock:
                collection = self.collection
                with self._chroma():
                    collection.update(ids=[p.id for p in passages],
                                      metadatas=[_to_metadata(p, doc) for p in passages])
                self._wrote()

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            with self._lock:
                collection = self.collection
                with self._chroma():
                    collection.delete(ids=list(ids))
                self._wrote()

    def delete_document(self, doc_id: str) -> int:
        ids = list(self.passage_hashes(doc_id))
        self.delete(ids)
        return len(ids)

    # -- searching -------------------------------------------------------------------
    @property
    def keyword(self) -> KeywordIndex:
        with self._lock:
            self._follow_other_writers()
            if self._keyword is None:
                self._keyword = KeywordIndex.build(self.pages(), self.get_passages)
                self._keyword.dictionary = dictionary(self.settings.embedder_package)
                if len(self._keyword) >= 10_000:  # a full gc costs 0.3 s at cold start
                    _return_freed_memory()
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
            hits.append(Hit(_from_metadata(text or "", dict(meta)), sim))
        return hits

    def document_ids(self) -> frozenset[str]:
        """Ids of the stored documents. Read off the keyword index, which is built once and
        again only after a write (here or by another process): no scan per call."""
        return self.keyword.documents

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
        return _from_metadata(docs[0] or "", metas[0])
