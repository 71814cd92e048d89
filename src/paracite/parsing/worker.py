"""Parsing in a worker process: one bad file can cost its own parse, never the caller.

A parser runs on bytes from anywhere. pypdf can raise any of its errors (or recurse, or
inflate a 2 MB file to gigabytes), a regex can hold the GIL for minutes. So ingest hands
each file to a child process and waits at most ``Settings.parse_timeout_s`` for it:

- any exception in the child comes back as that file's failure, with its type and message;
- a child that runs out of time is killed (and a new one started for the next file);
- the child's address space is limited to ``Settings.parse_memory_mb``, so a decompression
  bomb ends in a MemoryError there instead of swapping the machine;
- a child that dies (a crash in a C extension, the OOM killer) is reported likewise.

A job may report progress (a PDF's pages as they are read): ``call(..., progress=fn)``
calls the job with a ``progress`` keyword that sends each event, a small tuple, through
the pipe, and ``fn(*event)`` runs in the caller's process as it arrives. The time limit
is for the whole job, however often it reports.

The caller's process keeps answering questions meanwhile: the web UI never waits on a
parser's GIL.

The child is started with ``spawn`` (a fresh interpreter: forking a process that holds
Chroma's and torch's threads is not safe; ~1 s with the parsers imported) the first time a
process parses, and reused for every later file (:func:`shared_worker`); one that was
killed for a hang is replaced at the next file.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from paracite.errors import ParseError

log = logging.getLogger(__name__)


def _serve(conn: Connection, memory_mb: int, preload: tuple[str, ...]) -> None:
    """The child's loop: receive (function, args, reports), send back (ok, result or
    error), preceded, when the job reports, by (None, event) for each event."""
    import importlib
    import resource

    if memory_mb > 0:
        limit = memory_mb * 1_048_576
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    for module in preload:  # imported before the clock of the first file starts
        importlib.import_module(module)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        fn, args, reports = job
        kwargs = {"progress": lambda *event: conn.send((None, event))} if reports else {}
        try:
            result = fn(*args, **kwargs)
        except MemoryError:
            conn.send((False, ("MemoryError", "", False)))
            continue
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the caller
            from paracite.errors import ParaciteError

            conn.send((False, (type(exc).__name__, str(exc), isinstance(exc, ParaciteError))))
            continue
        try:
            conn.send((True, result))
        except MemoryError:
            conn.send((False, ("MemoryError", "", False)))


class ParseWorker:
    """A child process that runs one parse at a time, within time and memory limits.

    >>> w = ParseWorker(timeout_s=60, memory_mb=0)
    >>> w.call(sorted, "cba", name="letters")
    ['a', 'b', 'c']
    >>> w.close()
    """

    START_S = 120.0  # a fresh interpreter importing the parsers: ~1 s, more on a busy box

    def __init__(self, timeout_s: float, memory_mb: int,
                 preload: tuple[str, ...] = ()) -> None:
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.preload = preload
        self._lock = threading.Lock()  # one file at a time through the pipe
        self._proc: Any = None
        self._conn: Connection | None = None

    def _start(self) -> Connection:
        if self._proc is None or not self._proc.is_alive() or self._conn is None:
            self._stop(kill=True)
            ctx = multiprocessing.get_context("spawn")
            parent, child = ctx.Pipe()
            self._proc = ctx.Process(target=_serve,
                                     args=(child, self.memory_mb, self.preload),
                                     name="paracite-parse", daemon=True)
            self._proc.start()
            child.close()
            self._conn = parent
            try:
                ready = parent.poll(self.START_S) and parent.recv() == "ready"
            except (EOFError, OSError):
                ready = False
            if not ready:
                self._stop(kill=True)
                raise ParseError("the parsing worker process did not start")
        return self._conn

    def call(self, fn: Callable[..., Any], *args: Any, name: str,
             progress: Callable[..., None] | None = None) -> Any:
        """``fn(*args)`` in the worker. Raises ParseError naming ``name`` when it fails,
        runs out of time or memory, or the worker dies; re-raises paracite's own errors
        with their message.

        ``progress``: ``fn`` is called as ``fn(*args, progress=send)``, and each
        ``send(*event)`` in the worker calls ``progress(*event)`` here. An exception from
        ``progress`` ends the call (and the worker, which a new one replaces)."""
        with self._lock:
            return self._call(fn, args, name, progress)

    def _call(self, fn: Callable[..., Any], args: tuple[Any, ...], name: str,
              progress: Callable[..., None] | None) -> Any:
        conn = self._start()
        t0 = time.monotonic()
        conn.send((fn, args, progress is not None))
        while True:
            ok, payload = self._receive(conn, t0 + self.timeout_s, name)
            if ok is not None:
                break
            try:
                progress(*payload)  # type: ignore[misc]  # only a reporting job sends events
            except BaseException:
                self._stop(kill=True)  # the rest of this job's messages must not reach the next
                raise
        log.debug("parsed %s in %.2f s", name, time.monotonic() - t0)
        if ok:
            return payload
        kind, message, ours = payload
        if ours:
            raise ParseError(message)
        if kind == "MemoryError":
            raise ParseError(f"{name}: parsing needed more than {self.memory_mb} MB of memory "
                             "and was stopped (PARACITE_PARSE_MEMORY_MB)")
        detail = f"{kind}: {message}" if message else kind
        raise ParseError(f"{name}: could not be read ({detail[:300]}); it was skipped")

    def _receive(self, conn: Connection, deadline: float, name: str) -> Any:
        """The job's next message, (None, event) or (ok, payload), by ``deadline`` (a job
        that reports all the time is stopped there too, however many events are queued)."""
        left = deadline - time.monotonic()
        if left <= 0 or not conn.poll(left):
            self._stop(kill=True)
            raise ParseError(f"{name}: parsing took longer than {self.timeout_s:g} s and was "
                             "stopped (PARACITE_PARSE_TIMEOUT_S); the file may be damaged "
                             "or built to exhaust a parser")
        try:
            return conn.recv()
        except (EOFError, OSError):
            code = self._proc.exitcode if self._proc is not None else None
            self._stop(kill=True)
            raise ParseError(f"{name}: the parser stopped unexpectedly (exit code {code}) "
                             "reading this file; it was skipped") from None

    def _stop(self, kill: bool) -> None:
        if self._conn is not None and not kill:
            try:
                self._conn.send(None)
            except (OSError, ValueError):
                kill = True
        if self._proc is not None:
            self._proc.join(0 if kill else 5)
            if self._proc.is_alive():
                self._proc.kill()
                self._proc.join(5)
        if self._conn is not None:
            self._conn.close()
        self._proc = self._conn = None

    def close(self) -> None:
        with self._lock:
            self._stop(kill=False)

    def __enter__(self) -> ParseWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: dict[tuple[float, int, tuple[str, ...]], ParseWorker] = {}
_shared_lock = threading.Lock()


def shared_worker(timeout_s: float, memory_mb: int, preload: tuple[str, ...] = ()
                  ) -> ParseWorker:
    """The process's worker for these limits, started at its first file and kept: a UI
    that ingests uploads, or a test suite, pays the start once."""
    key = (timeout_s, memory_mb, preload)
    with _shared_lock:
        if key not in _shared:
            _shared[key] = ParseWorker(timeout_s, memory_mb, preload)
        return _shared[key]
