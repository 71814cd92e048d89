"""Chroma as this process sees it: the embedded systems it shares among clients, and what
Chroma's and SQLite's failures mean.

chromadb keeps one system per store folder for the whole process (``Systems`` tracks the
write generation each has seen, so a system left stale by another process's write is
renewed); a system that failed to start is forgotten (``drop_failed_system``); and an
error from the layers under Chroma is cut to its gist (``short_reason``) for the message a
person reads.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import re
import threading

log = logging.getLogger(__name__)

class Systems:
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


SYSTEMS = Systems()


SQLITE = "chroma.sqlite3"
READ_ONLY_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)


def short_reason(exc: BaseException) -> str:
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


def is_chroma_failure(exc: BaseException) -> bool:
    """An error raised by Chroma or the database under it (not an interrupt)."""
    if isinstance(exc, Exception):
        return True
    # pyo3's PanicException (a Rust panic in Chroma's bindings) derives from BaseException
    return type(exc).__name__ == "PanicException"


def drop_failed_system(path: str) -> None:
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

