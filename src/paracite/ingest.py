"""Ingestion: discover → parse → structure → embed → upsert, idempotent by content hash.

- A file whose bytes (and manifest entry, and parser version) have not changed since the
  last ingest is skipped without being parsed: re-ingesting unchanged records embeds 0
  passages.
- A changed file is parsed again; only passages whose content hash changed are embedded,
  passages that no longer exist are deleted.
- A document whose file has disappeared from an ingested folder is removed.
- A file that cannot be read is reported with its reason; the others are still ingested
  and the store is left unchanged for it.
- The same bytes under a second name are ingested once: the second file is reported as a
  ``duplicate`` naming the first.
- A link that points outside the folder being ingested is refused.
- One ingest writes to a store at a time (a lock file under ``Settings.home``); a second
  waits up to ``Settings.ingest_wait_s`` and then refuses. A store left by an ingest that
  was killed half-way still opens and answers; its half-written document has mixed file
  hashes (see ``Store.documents``), so the next ingest parses it again and completes it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from paracite.documents import DocumentInfo, Passage
from paracite.embed import Embedder, ProgressFn
from paracite.errors import IngestError, ParaciteError
from paracite.parsing.blocks import ParsedFile
from paracite.parsing.un_structure import recover
from paracite.settings import Settings
from paracite.store import Store

log = logging.getLogger(__name__)

# Bump when parsing or structure rules change, so unchanged files are parsed again.
PARSER_VERSION = "2"  # 2: layout-aware PDF reading, printed pages, tables, issuing body
MANIFEST = "manifest.toml"
LOCK_FILE = "ingest.lock"
CATALOG_FILE = "documents.json"
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text"}
PDF_SUFFIXES = {".pdf"}

Status = Literal["added", "updated", "unchanged", "duplicate", "removed", "failed"]


@dataclass
class FileResult:
    """What happened to one file (or to a document whose file disappeared)."""

    source: str
    document: str
    status: Status
    passages: int = 0
    embedded: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    """Outcome of one ingest run, file by file."""

    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def _with(self, status: Status) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def added(self) -> list[FileResult]:
        return self._with("added")

    @property
    def updated(self) -> list[FileResult]:
        return self._with("updated")

    @property
    def unchanged(self) -> list[FileResult]:
        return self._with("unchanged")

    @property
    def duplicate(self) -> list[FileResult]:
        return self._with("duplicate")

    @property
    def removed(self) -> list[FileResult]:
        return self._with("removed")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def embedded(self) -> int:
        return sum(f.embedded for f in self.files)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [f"{len(getattr(self, s))} {s}" for s in
                 ("added", "updated", "unchanged", "duplicate", "removed", "failed")
                 if s != "duplicate" or self.duplicate]
        return (f"{', '.join(parts)}; {self.embedded} passages embedded "
                f"in {self.seconds:.1f} s")


def slug(name: str) -> str:
    """A document id from a file name: 'E_2025_44.en.pdf' → 'e-2025-44-en'."""
    stem = re.sub(r"\.(pdf|md|markdown|txt|text)$", "", name, flags=re.I)
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "document"


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Entries of ``folder/manifest.toml`` keyed by file name ({} when there is none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(f"{path}: not a valid manifest ({exc}); fix or remove it") from exc
    files = data.get("files", {})
    return {str(k): dict(v) for k, v in files.items()}


def discover(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Files to ingest as (file, folder whose manifest applies), and the folders walked."""
    files: list[tuple[Path, Path]] = []
    folders: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            folders.append(p)
            for f in sorted(p.rglob("*")):
                if f.name == MANIFEST or any(part.startswith(".") for part in
                                               f.relative_to(p).parts):
                    continue
                if f.is_symlink() and f.is_dir() and f.resolve().is_relative_to(p.resolve()):
                    continue  # a link to a folder inside: its files are walked anyway
                if f.is_file() or f.is_symlink():
                    files.append((f, p))
        else:
            files.append((p, p.parent))
    return files, folders


def parse_file(path: Path) -> ParsedFile:
    """Run the format parser for ``path``'s type."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from paracite.parsing.markdown import parse_markdown

        return parse_markdown(path)
    if suffix in PDF_SUFFIXES:
        from paracite.parsing.pdf import parse_pdf

        return parse_pdf(path)
    kinds = ", ".join(sorted(PDF_SUFFIXES | TEXT_SUFFIXES))
    raise IngestError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; "
                      f"paracite reads {kinds}")


def file_hash(data: bytes, entry: dict[str, Any]) -> str:
    h = hashlib.sha256(data)
    h.update(repr(sorted(entry.items())).encode())
    h.update(PARSER_VERSION.encode())
    return h.hexdigest()


def passages_for(path: Path, entry: dict[str, Any], doc_id: str, digest: str
                 ) -> tuple[DocumentInfo, list[Passage]]:
    """Parse one file into its DocumentInfo and passages (no embedding)."""
    parsed = parse_file(path)
    info = DocumentInfo(
        id=doc_id,
        title=str(entry.get("title") or parsed.title or path.stem),
        symbol=entry.get("symbol") or parsed.symbol,
        date=str(entry["date"]) if entry.get("date") else parsed.date,
        body=str(entry["body"]) if entry.get("body") else parsed.body,
        source=str(path.resolve()),
        content_hash=digest,
        pages=parsed.pages,
    )
    text = path.suffix.lower() in TEXT_SUFFIXES
    passages = recover(parsed.blocks, info, infer_pages=text, bare_headings=text)
    if not passages:
        raise IngestError(f"{path.name}: no paragraphs found; nothing to ingest")
    return info, passages


@dataclass
class _Pending:
    """A parsed file waiting for the vectors of its new or changed passages."""

    result: FileResult
    info: DocumentInfo
    fresh: list[Passage]
    same: list[Passage]
    stale: list[str]


class Ingestor:
    """Brings files into the store. ``Assistant.ingest`` is the public entry point."""

    def __init__(self, settings: Settings, store: Store, embedder: Embedder) -> None:
        self.settings = settings
        self.store = store
        self.embedder = embedder

    def run(self, paths: Sequence[str | Path], progress: ProgressFn | None = None,
            on_file: Callable[[FileResult], None] | None = None) -> IngestReport:
        with self._writer_lock():
            return self._run(paths, progress, on_file)

    @contextmanager
    def _writer_lock(self) -> Iterator[None]:
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

    def _run(self, paths: Sequence[str | Path], progress: ProgressFn | None,
             on_file: Callable[[FileResult], None] | None) -> IngestReport:
        t0 = time.perf_counter()
        report = IngestReport()
        files, folders = discover(paths)
        stored = self._load_catalog()
        claimed: dict[str, str] = {}  # doc id → source, for this run
        seen: dict[str, FileResult] = {}  # bytes hash → first file with those bytes
        manifests: dict[Path, dict[str, dict[str, Any]]] = {}

        def record(res: FileResult) -> None:
            report.files.append(res)
            if on_file:
                on_file(res)

        def described(item: tuple[Path, Path]) -> bool:  # has a manifest entry
            folder = item[1]
            try:
                if folder not in manifests:
                    manifests[folder] = load_manifest(folder)
            except ParaciteError:
                return False
            return item[0].name in manifests[folder]

        # Files are parsed one by one but embedded together, a group of files at a time:
        # one length-sorted pass pads batches far less than one pass per file (the two
        # records: 1.40× the raw encode per file, ~1.05× together). Nothing is written for
        # a file until its vectors exist, so a crash mid-embedding leaves the store as it was.
        pending: list[_Pending] = []

        def flush() -> None:
            texts = [p.searchable_text() for job in pending for p in job.fresh]
            vectors = self.embedder.embed(texts, progress=progress) if texts else []
            at = 0
            for job in pending:
                self._write(job, vectors[at:at + len(job.fresh)])
                at += len(job.fresh)
                record(job.result)
            pending.clear()

        # Files the manifest describes go first: of two copies, the described one is kept.
        files = sorted(files, key=lambda item: not described(item))
        group = self.settings.embed_batch_size * self.settings.embed_chunk_batches * 2
        for path, folder in files:
            try:
                if folder not in manifests:
                    manifests[folder] = load_manifest(folder)
                entry = manifests[folder].get(path.name, {})
                res = self._ingest_file(path, folder, entry, stored, claimed, seen)
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

        # Documents whose file has gone from a folder we just walked.
        walked = {f.resolve() for f in folders}
        for doc_id, info in list(stored.items()):
            src = Path(info.source)
            if doc_id not in claimed and src.parent in walked and not src.exists():
                n = self.store.delete_document(doc_id)
                stored.pop(doc_id)
                record(FileResult(src.name, doc_id, "removed", passages=n))
        self._save_catalog(stored)
        report.seconds = time.perf_counter() - t0
        log.info("ingest: %s", report.summary())
        return report

    def _ingest_file(self, path: Path, folder: Path, entry: dict[str, Any],
                     stored: dict[str, DocumentInfo], claimed: dict[str, str],
                     seen: dict[str, FileResult]) -> FileResult | _Pending:
        """Check and parse one file: a result when nothing is to be embedded, else the
        passages waiting for their vectors."""
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
        doc_id = str(entry.get("id") or slug(path.name))
        source = str(path.resolve())
        first = seen.get(raw) or self._stored_copy(raw, source, stored)
        if first is not None:
            mine = stored.get(doc_id)
            if mine is not None and mine.source == source:  # ingested before its twin
                self.store.delete_document(doc_id)
                stored.pop(doc_id)
            return FileResult(path.name, first.document, "duplicate", passages=first.passages,
                              reason=f"{path.name}: same content as {first.source}; "
                                     f"ingested once, as '{first.document}'")
        if doc_id in claimed and claimed[doc_id] != source:
            doc_id = f"{doc_id}-{hashlib.sha256(source.encode()).hexdigest()[:6]}"
        claimed[doc_id] = source

        old = stored.get(doc_id)
        if old is not None and old.content_hash == digest:
            n = len(self.store.passage_hashes(doc_id))
            if old.source != source or old.bytes_hash != raw:
                # same file, moved (or stored before bytes were hashed): keep embeddings
                info = old.model_copy(update={"source": source, "bytes_hash": raw})
                self.store.update_document_info(info, self.store.passages(doc_id))
                stored[doc_id] = info
            seen[raw] = FileResult(path.name, doc_id, "unchanged", passages=n)
            return seen[raw]

        info, passages = passages_for(path, entry, doc_id, digest)
        info = info.model_copy(update={"bytes_hash": raw})
        have = self.store.passage_hashes(doc_id)
        fresh = [p for p in passages if have.get(p.id) != p.content_hash]
        same = [p for p in passages if have.get(p.id) == p.content_hash]
        keep = {p.id for p in passages}
        status: Status = "updated" if old is not None else "added"
        seen[raw] = FileResult(path.name, doc_id, status, passages=len(passages),
                               embedded=len(fresh))
        stored[doc_id] = info  # kept in the catalog only if the run completes
        return _Pending(seen[raw], info, fresh, same, [i for i in have if i not in keep])

    def _write(self, job: _Pending, vectors: Sequence[Sequence[float]]) -> None:
        """Store one file's passages. The order matters if the process dies half-way: new
        passages first (they carry the new file hash, the others still the old one, so
        ``Store.documents`` marks the document half-written), then the rest, then deletes."""
        self.store.upsert(job.info, job.fresh, vectors)
        self.store.update_document_info(job.info, job.same)
        self.store.delete(job.stale)

    # -- the catalog of stored documents ----------------------------------------------
    # Listing the stored documents means reading every passage's metadata from Chroma:
    # 10 s and +300 MB RSS at 100,000 passages. A completed ingest saves the list it ended
    # with, under the store's write stamp; the next ingest uses it when the stamp is still
    # the same (nobody wrote since), and reads Chroma otherwise (a run killed half-way,
    # another writer, a Chroma server: the stamp is local, so the catalog is not used).
    def _catalog_path(self) -> Path:
        return self.settings.home / CATALOG_FILE

    def _load_catalog(self) -> dict[str, DocumentInfo]:
        stamp = self.store.write_stamp()
        if stamp:
            try:
                data = json.loads(self._catalog_path().read_text(encoding="utf-8"))
                if data.get("stamp") == stamp and data.get("version") == PARSER_VERSION:
                    return {d["id"]: DocumentInfo(**d) for d in data["documents"]}
            except (OSError, ValueError, KeyError, TypeError):
                pass
        return {info.id: info for info, _ in self.store.documents()}

    def _save_catalog(self, stored: dict[str, DocumentInfo]) -> None:
        stamp = self.store.write_stamp()
        path = self._catalog_path()
        if not stamp:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"stamp": stamp, "version": PARSER_VERSION, "documents":
                                   [i.model_dump() for i in stored.values()]}),
                       encoding="utf-8")
        tmp.replace(path)

    def _stored_copy(self, raw: str, source: str, stored: dict[str, DocumentInfo]
                     ) -> FileResult | None:
        """A stored document made from the same bytes, whose file is still there as it was."""
        for info in stored.values():
            other = Path(info.source)
            if info.bytes_hash != raw or info.source == source or not other.is_file():
                continue
            if hashlib.sha256(other.read_bytes()).hexdigest() == raw:
                return FileResult(other.name, info.id, "unchanged",
                                  passages=len(self.store.passage_hashes(info.id)))
        return None
