"""The ingest run: files checked, parsed in the worker, embedded a group at a time and
written to the store, documents whose files have gone removed; one writer at a time."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paracite.documents import DocumentInfo, Passage
from paracite.embed import Embedder
from paracite.errors import IngestError, ParaciteError
from paracite.ingest.embedding import embed_passages
from paracite.ingest.files import (
    PARSERS,
    PDF_SUFFIXES,
    TEXT_SUFFIXES,
    discover,
    file_hash,
    parse_file,
    passages_for,
)
from paracite.ingest.identity import Identities
from paracite.ingest.manifest import Manifest, read_manifest
from paracite.ingest.progress import IngestProgressFn, RunProgress, StepFn
from paracite.ingest.report import FileResult, IngestReport, Status
from paracite.parsing.worker import ParseWorker, shared_worker
from paracite.settings import Settings
from paracite.store import Store

log = logging.getLogger("paracite.ingest")  # the name the ingest has always logged under
LOCK_FILE = "ingest.lock"


@dataclass
class _Pending:
    """A parsed file waiting for the vectors of its new or changed passages."""

    result: FileResult
    info: DocumentInfo
    fresh: list[Passage]
    same: list[Passage]
    stale: list[str]
    # new ids whose text is stored already (moved, or their label changed): their
    # vectors are taken back, not made again
    reused: list[tuple[Passage, list[float]]] = field(default_factory=list)


class Ingestor:
    """Brings files into the store. ``Assistant.ingest`` is the public entry point."""

    def __init__(self, settings: Settings, store: Store, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder

    def run(self, paths: Sequence[str | Path], progress: IngestProgressFn | None = None,
            on_file: Callable[[FileResult], None] | None = None, *, replace: bool = False,
            prune: bool = False, reembed: bool = False) -> IngestReport:
        """Ingest files and folders. ``replace``: a file whose id is taken by another source
        takes the id over (default: it gets a suffixed id). ``prune``: a folder that has
        become empty removes its documents (default: they are kept, with a note).
        ``reembed``: first embed every stored passage again with the configured embedder
        (the way out of EmbedderMismatchError); the store switches to the new vectors only
        once all are made. ``progress`` hears where the run is (:class:`IngestProgress`)."""
        if not reembed:
            self.store.check_writable()  # a damaged or read-only store fails once, here
        worker = shared_worker(self.settings.parse_timeout_s, self.settings.parse_memory_mb,
                               PARSERS)
        steps = RunProgress(progress)
        with self.writer_lock():
            again, t0 = 0, time.perf_counter()
            if reembed:
                again = self.store.reembed(
                    lambda passages: embed_passages(self.embedder, passages, chunk=self._chunk),
                    lambda done, total: steps("reembedding", "", done, total))
            took = time.perf_counter() - t0
            report = self._run(paths, steps, on_file, replace, prune, worker)
            report.reembedded, report.seconds = again, report.seconds + took
            return report

    @property
    def _chunk(self) -> int:
        """Texts per embedder call: one batch. ``embed_passages`` has sorted all texts by
        length already, so the batches are the ones one sorted call would make, and
        progress moves after each of them."""
        return self.settings.embed_batch_size

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        from filelock import FileLock, Timeout

        self.settings.home.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.settings.home / LOCK_FILE))
        wait = self.settings.ingest_wait_s
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.warning("another ingest is writing to this store; waiting up to %g s", wait)
            try:
                lock.acquire(timeout=wait)
            except Timeout:
                raise IngestError(
                    f"another ingest is writing to this store and did not finish within "
                    f"{wait:g} s (PARACITE_INGEST_WAIT_S); nothing was changed, try again "
                    "when it is done") from None
        try:
            yield
        finally:
            lock.release()

    def _run(self, paths: Sequence[str | Path], steps: RunProgress,
             on_file: Callable[[FileResult], None] | None, replace: bool,
             prune: bool, worker: ParseWorker) -> IngestReport:
        t0 = time.perf_counter()
        report = IngestReport()
        files, folders = discover(paths)
        steps.files_total = len(files)
        stamp = self.store.write_stamp()
        stored = {doc_id: e.info for doc_id, e in self.store.entries().items()}
        run = Identities(stored, replace, worker)
        manifests: dict[Path, Manifest] = {}

        def manifest(folder: Path) -> Manifest:
            if folder not in manifests:
                manifests[folder] = read_manifest(folder)
            return manifests[folder]

        def record(res: FileResult, found: bool = True, stored: bool = False) -> None:
            """``found``: the result of a file this run found (not a removal); ``stored``:
            its passages were just written."""
            report.files.append(res)
            steps.files_done += found
            if stored:
                steps("storing", res.source, 1, 1)
            if on_file:
                on_file(res)

        # Files are parsed one by one but embedded together, a group of files at a time:
        # one length-sorted pass pads batches far less than one pass per file (the two
        # records: 1.40× the raw encode per file, ~1.05× together). Nothing is written for
        # a file until its vectors exist, so a crash mid-embedding leaves the store as it was.
        pending: list[_Pending] = []

        def flush() -> None:
            passages = [p for job in pending for p in job.fresh]
            progress = steps.embedding(len(passages)) if passages else None
            fresh, vectors = embed_passages(self.embedder, passages, progress, self._chunk)
            steps.embedded += len(passages)
            at = 0
            for job in pending:
                n = len(job.fresh)
                job.fresh = fresh[at:at + n]
                steps("storing", job.result.source, 0, 1)
                self._write(job, vectors[at:at + n])
                at += n
                record(job.result, stored=True)
            pending.clear()

        # Files the manifest describes go first: of two copies, the described one is kept;
        # and a described file gets the id its manifest gives before any other file.
        files = sorted(files, key=lambda item: item[0].name not in manifest(item[1]).entries)
        group = self.settings.embed_batch_size * self.settings.embed_chunk_batches * 2
        for path, folder in files:
            try:
                problem = manifest(folder).problem(path.name)
                if problem:
                    raise IngestError(f"{path.name}: {problem}")
                entry = manifest(folder).entries.get(path.name, {})
                res = self._ingest_file(path, folder, entry, run, steps.for_file(path.name))
            except ParaciteError as exc:
                res = FileResult(path.name, "", "failed", reason=str(exc))
            except OSError as exc:
                res = FileResult(path.name, "", "failed",
                                 reason=f"{path.name}: cannot read ({exc.strerror or exc})")
            if isinstance(res, _Pending):
                pending.append(res)
                if sum(len(job.fresh) for job in pending) >= group:
                    flush()
            else:
                record(res)
        flush()
        for res in self._removals(stored, run, files, folders, prune, report):
            record(res, found=False)
        steps.finish()
        if self.store.write_stamp() != stamp:  # written: the keyword index follows
            self.store.sync_keyword()
        report.seconds = time.perf_counter() - t0
        log.info("ingest: %s", report.summary())
        return report

    def _removals(self, stored: dict[str, DocumentInfo], run: Identities,
                  files: list[tuple[Path, Path]], folders: list[Path], prune: bool,
                  report: IngestReport) -> list[FileResult]:
        """Documents to remove after a run: those whose source file has really gone from a
        folder just walked (sub-folders included), and those whose source now stands under
        another id. A walked folder with no files left removes nothing without ``prune``."""
        out: list[FileResult] = []
        nonempty = {f.resolve() for _, f in files}
        walked = [f.resolve() for f in folders]
        for doc_id, info in sorted(stored.items()):
            src = Path(info.source)
            if doc_id in run.claimed:
                continue
            if run.by_source.get(info.source, doc_id) != doc_id:
                n = self.store.delete_document(doc_id)
                stored.pop(doc_id)
                out.append(FileResult(src.name, doc_id, "removed", passages=n,
                                      reason=f"{src.name} is now stored as "
                                             f"'{run.by_source[info.source]}'"))
                continue
            home = next((f for f in walked if src.is_relative_to(f)), None)
            if home is None or src.exists():
                continue
            if home not in nonempty and not prune:
                run.kept.setdefault(home, []).append(doc_id)
                continue
            n = self.store.delete_document(doc_id)
            stored.pop(doc_id)
            out.append(FileResult(src.name, doc_id, "removed", passages=n))
        for folder, kept in run.kept.items():
            report.notes.append(
                f"{folder} has no files now (an unmounted or emptied folder?): its "
                f"{len(kept)} document(s) ({', '.join(kept[:5])}{', …' if len(kept) > 5 else ''}) "
                "were kept; `paracite ingest --prune` removes them")
        return out

    def _ingest_file(self, path: Path, folder: Path, entry: dict[str, Any],
                     run: Identities, progress: StepFn) -> FileResult | _Pending:
        """Check and parse one file: a result when nothing is to be embedded, else the
        passages waiting for their vectors. ``progress`` hears its reading (page by page,
        from the worker) and structuring."""
        if not path.exists():
            raise IngestError(f"{path.name}: no such file (a broken link?)")
        if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
            what = "folder" if path.is_dir() else "file"
            raise IngestError(f"{path.name}: a link to a {what} outside the ingest folder; "
                              f"refused (copy the {what} into the folder instead)")
        size = path.stat().st_size
        if size == 0:
            raise IngestError(f"{path.name}: empty file (0 bytes); nothing to ingest")
        size_mb = size / 1_048_576
        if size_mb > self.settings.max_file_mb:
            raise IngestError(f"{path.name}: {size_mb:.1f} MB is over the "
                              f"{self.settings.max_file_mb:g} MB limit (PARACITE_MAX_FILE_MB)")
        if path.suffix.lower() not in TEXT_SUFFIXES | PDF_SUFFIXES:
            parse_file(path)  # raises the unsupported-type error
        data = path.read_bytes()
        digest = file_hash(data, entry)
        raw = hashlib.sha256(data).hexdigest()
        source = str(path.resolve())
        stored = run.stored
        first = run.seen.get(raw) or self._stored_copy(raw, source, stored)
        if first is not None:
            mine = run.by_source.get(source)
            if mine is not None and mine != first.document:  # ingested before its twin
                self.store.delete_document(mine)
                stored.pop(mine)
                run.by_source.pop(source)
            return FileResult(path.name, first.document, "duplicate", passages=first.passages,
                              reason=f"{path.name}: same content as {first.source}; "
                                     f"ingested once, as '{first.document}'")
        doc_id, note = run.identify(path, source, entry)

        old = stored.get(doc_id)
        if old is not None and old.content_hash == digest:
            n = self.store.passage_count(doc_id)
            if n:  # unchanged, or the same file moved: keep its embeddings
                if old.source != source or old.bytes_hash != raw:
                    info = old.model_copy(update={"source": source, "bytes_hash": raw})
                    self.store.update_document_info(info, self.store.passages(doc_id))
                    self.store.commit_document(info, n)
                    stored[doc_id] = info
                run.seen[raw] = FileResult(path.name, doc_id, "unchanged", passages=n,
                                           reason=note)
                return run.seen[raw]

        info, passages = run.worker.call(passages_for, path, entry, doc_id, digest,
                                         self.settings, name=path.name, progress=progress)
        progress("structuring", 1, 1)
        info = info.model_copy(update={"bytes_hash": raw})
        have = self.store.passage_hashes(doc_id)
        fresh = [p for p in passages if have.get(p.id) != p.content_hash]
        kept = self.store.vectors_of(doc_id) if fresh and have else {}
        reused = [(p.model_copy(update={"sentence_vectors": kept[p.embed_key][1]}),
                   kept[p.embed_key][0]) for p in fresh if p.embed_key in kept]
        fresh = [p for p in fresh if p.embed_key not in kept]
        same = [p for p in passages if have.get(p.id) == p.content_hash]
        keep = {p.id for p in passages}
        status: Status = "updated" if old is not None else "added"
        run.seen[raw] = FileResult(path.name, doc_id, status, passages=len(passages),
                                   embedded=len(fresh), reason=note)
        stored[doc_id] = info  # kept in the catalog only if the run completes
        return _Pending(run.seen[raw], info, fresh, same, [i for i in have if i not in keep],
                        reused)

    def _write(self, job: _Pending, vectors: Sequence[Sequence[float]]) -> None:
        """Store one file's passages, then its catalog row. The order matters if the
        process dies half-way: until the row is written the catalog holds the old file
        hash (or no row), so the next ingest writes the document again."""
        self.store.upsert(job.info, job.fresh, vectors)
        self.store.upsert(job.info, [p for p, _ in job.reused], [v for _, v in job.reused])
        self.store.update_document_info(job.info, job.same)
        self.store.delete(job.stale)
        self.store.commit_document(job.info, len(job.fresh) + len(job.same) + len(job.reused))

    def _stored_copy(self, raw: str, source: str, stored: dict[str, DocumentInfo]
                     ) -> FileResult | None:
        """A stored document made from the same bytes, whose file is still there as it was."""
        for info in stored.values():
            other = Path(info.source)
            if info.bytes_hash != raw or info.source == source or not other.is_file():
                continue
            if hashlib.sha256(other.read_bytes()).hexdigest() == raw:
                return FileResult(other.name, info.id, "unchanged",
                                  passages=self.store.passage_count(info.id))
        return None
