"""Opening the Chroma collection, turning its failures into StoreErrors, and following
other writers.

``Connection`` is the part of the store that knows Chroma as a service: it opens the
collection (embedded under ``Settings.home``, or on the server ``Settings.chroma_url``
names), refuses vectors of another embedder, reads a read-only store from a private copy,
turns every Chroma failure into one message for a person, and follows the write
generation other processes leave in the collection's metadata. ``Store`` adds passages
and searches on top.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import re
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from paracite.embed import EmbedderIdentity
from paracite.errors import (
    ConfigError,
    EmbedderMismatchError,
    ParaciteError,
    StoreError,
    StoreReplacedError,
)
from paracite.settings import Settings
from paracite.store.chroma import (
    READ_ONLY_ERRNOS,
    SQLITE,
    SYSTEMS,
    drop_failed_system,
    is_chroma_failure,
    short_reason,
)

if TYPE_CHECKING:
    from paracite.store.catalog import Entry
    from paracite.store.keyword import KeywordIndex

log = logging.getLogger(__name__)


class Connection:
    """The store's Chroma collection, opened on first use and followed across processes.

    Every Chroma call goes through :meth:`_chroma`, which turns whatever Chroma or SQLite
    raises into a :class:`StoreError` saying what is wrong (damaged, read-only, busy,
    server down) and what to do. Reading never writes: a local store that does not exist
    yet reads as empty, and a read-only one is read from a private copy (Chroma cannot open
    a database it may not write).

    The caches a store keeps over the collection (``_keyword``, ``_count``) are dropped
    here whenever what they were built from may have changed.
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
        self._entries: dict[str, Entry] | None = None  # the documents catalog
        self._catalog_checked = ""  # the passages collection the catalog was checked for
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
        reason = short_reason(exc)
        if self.settings.chroma_url:
            return StoreError(f"the Chroma server at {self.settings.chroma_url} failed "
                              f"({reason}); check that it is running and reachable")
        where = self.settings.store_dir
        text = str(exc).lower()
        code = re.search(r"\(code: (\d+)\)", text)
        sqlite = int(code.group(1)) if code else -1  # SQLite's (extended) result code
        if sqlite == 1032 or self._database_replaced():  # SQLITE_READONLY_DBMOVED, or seen
            return StoreReplacedError(
                f"the passage store at {where} was deleted or replaced while this process "
                "had it open; start paracite again (if the store is damaged: delete "
                f"{where} and run paracite ingest)")
        if (sqlite & 0xFF == 8 or (sqlite < 0 and "readonly" in text)
                or (isinstance(exc, OSError) and exc.errno in READ_ONLY_ERRNOS)):
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
            st = (self.settings.store_dir / SQLITE).stat()
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
            if isinstance(exc, ParaciteError) or not is_chroma_failure(exc):
                raise
            log.debug("chroma call failed", exc_info=True)
            # Open again next time: a store deleted and ingested anew (say from the UI)
            # is then found, and a failing one fails again with its reason.
            failure = self._failure(exc)
            self._collection = self._client = None
            self._keyword = self._count = self._entries = None
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
        db = folder / SQLITE
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
            drop_failed_system(str(path))
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
                                 f"copied to read it ({short_reason(exc)})") from exc
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
            if not write and not (self.settings.store_dir / SQLITE).is_file():
                return None
        with self._chroma():
            if self._client is None:
                self._client = self._make_client(write)
                self._epoch = SYSTEMS.epoch(self._system_key())
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
            client, current = self._client, self._epoch == SYSTEMS.epoch(self._system_key())
            self._client = self._collection = None
            self._keyword = self._count = self._entries = None
            self._seen = self._catalog_checked = ""
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
            SYSTEMS.know(self._system_key(), stamp)

    def _follow_other_writers(self) -> None:
        """Before a read: catch up with writes made elsewhere since the last one seen."""
        with self._lock:
            if self._collection is None:
                return
            try:
                stamp = self.write_stamp()
            except StoreReplacedError:
                raise  # said now: opened again, the new file would read as if it were the old
            except ParaciteError:
                stamp = ""  # the store went away: opened again (and found so) below
            key = self._system_key()
            if not self.settings.chroma_url and stamp and not SYSTEMS.knows(key, stamp):
                # another process wrote: this process's Chroma system is stale
                SYSTEMS.renew(key, stamp)
            if stamp != self._seen or self._epoch != SYSTEMS.epoch(key):
                self._keyword = self._count = self._entries = None
                self._collection = None
                if self._epoch != SYSTEMS.epoch(key):
                    self._client = None
                self._open(write=False)

    def _wrote(self) -> None:
        """After a write: a new generation, which every reader will see."""
        import uuid

        self._keyword = self._count = self._entries = None
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
