"""Ingestion: discover → parse → structure → embed → upsert, idempotent by content hash.

- A file whose bytes (and manifest entry, and parser version) have not changed since the
  last ingest is skipped without being parsed: re-ingesting unchanged records embeds 0
  passages.
- A changed file is parsed again; only passages whose content hash changed are embedded,
  passages that no longer exist are deleted.
- A document whose file has disappeared from an ingested folder (or one of its
  sub-folders) is removed; a folder that has become empty removes nothing unless asked
  (``prune``): an unmounted share must not empty the store.
- A file that cannot be read is reported with its reason; the others are still ingested
  and the store is left unchanged for it. Every file is parsed in a worker process within
  time and memory limits (:mod:`paracite.parsing.worker`), so no parser error, hang or
  bomb stops the batch.
- Document identity: a document id belongs to the source file that first took it. A new
  file whose id (from its name or the manifest) is taken by another file that still exists
  gets the next free suffix ('report-2') and a message, unless ``replace`` is asked.
- The same bytes under a second name are ingested once: the second file is reported as a
  ``duplicate`` naming the first.
- A link that points outside the folder being ingested is refused.
- One ingest writes to a store at a time (a lock file under ``Settings.home``); a second
  waits up to ``Settings.ingest_wait_s`` and then refuses. A store left by an ingest that
  was killed half-way still opens and answers; its half-written document has mixed file
  hashes (see ``Store.documents``), so the next ingest parses it again and completes it.
- Progress comes as :class:`IngestProgress` events, in phases: reading (a PDF page by page,
  from the worker process), structuring, embedding (counted in passages) and storing.
"""

from __future__ import annotations

import datetime as dt
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

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from paracite.documents import DocumentInfo, Passage
from paracite.embed import Embedder, pack_vectors
from paracite.errors import IngestError, ParaciteError
from paracite.parsing.blocks import ParsedFile
from paracite.parsing.un_structure import recover
from paracite.parsing.worker import ParseWorker, shared_worker
from paracite.settings import Settings
from paracite.store import Store
from paracite.text.sentences import sentences_of

log = logging.getLogger(__name__)

# Bump when parsing or structure rules change, so unchanged files are parsed again.
PARSER_VERSION = "5"  # 2: layout-aware PDF reading, printed pages, tables, issuing body;
# 3: format characters removed, paragraph numbers of any length, long passages split;
# 4: Snowball stems in the keyword index, sentence vectors stored with each passage;
# 5: cover metadata (parsing/cover.py): the issuing body from the masthead's layout and the
# slug, session dates when a cover prints no issue date
MANIFEST = "manifest.toml"
LOCK_FILE = "ingest.lock"
CATALOG_FILE = "documents.json"
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
PARSERS = ("paracite.ingest", "paracite.parsing.markdown", "paracite.parsing.pdf")

Status = Literal["added", "updated", "unchanged", "duplicate", "removed", "failed"]
Phase = Literal["reading", "structuring", "embedding", "storing", "reembedding"]


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingest is: one event of ``Assistant.ingest(progress=...)``.

    Each phase starts at ``done`` 0 and ends at ``done == total``:

    - ``reading`` ``file``: a PDF's pages, ``done`` of ``total`` pages read (the page
      count); a text or Markdown file is one step (0/1, then 1/1).
    - ``structuring`` ``file``: paragraphs, footnotes and sections recovered (0/1, 1/1).
    - ``embedding`` (``file`` is ""; the files read so far are embedded together):
      ``done`` passages of ``total`` have their vectors (a passage counts once it and its
      sentences are embedded). ``total`` grows when later files are read; the last event
      has ``done == total ==`` the report's ``embedded`` (new and changed passages; an
      updated file's unchanged passages are not embedded again).
    - ``storing`` ``file``: its passages written to the store (0/1, 1/1).
    - ``reembedding`` (only with ``reembed=True``, before the files; ``file`` is ""):
      ``done`` of ``total`` stored passages embedded again (ends at ``report.reembedded``).

    ``files_done`` of ``files_total``: the files found so far finished (stored, unchanged,
    duplicate or failed; both are 0 while re-embedding). An unchanged file is not read, so
    it has no events of its own; the last event of a run that sent any has ``files_done
    == files_total``.

    >>> e = IngestProgress("reading", "report.pdf", 3, 12, files_done=0, files_total=2)
    >>> f"{e.phase} {e.file}: page {e.done}/{e.total}"
    'reading report.pdf: page 3/12'
    """

    phase: Phase
    file: str
    done: int
    total: int
    files_done: int
    files_total: int


IngestProgressFn = Callable[[IngestProgress], None]
StepFn = Callable[[Phase, int, int], None]  # what a stage reports: phase, done, total


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
    notes: list[str] = field(default_factory=list)  # things the user should know
    reembedded: int = 0  # stored passages embedded again with a new embedder (--reembed)

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
        again = f" (and {self.reembedded} stored passages re-embedded)" \
            if self.reembedded else ""
        return (f"{', '.join(parts)}; {self.embedded} passages embedded{again} "
                f"in {self.seconds:.1f} s")


def slug(name: str) -> str:
    """A document id from a file name, readable whatever its script.

    >>> slug("E_2025_44.en.pdf"), slug("Заседание.md"), slug("会议.md")
    ('e-2025-44-en', 'zasedanie', 'huiyi')
    >>> slug("★.md")  # nothing readable: a short hash of the name, still unique
    'document-567b75'
    """
    from anyascii import anyascii

    stem = re.sub(r"\.(pdf|md|markdown|txt|text)$", "", name, flags=re.I)
    made = re.sub(r"[^a-z0-9]+", "-", anyascii(stem).lower()).strip("-")[:60].strip("-")
    return made or f"document-{hashlib.sha256(name.encode()).hexdigest()[:6]}"


DOC_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ManifestEntry(BaseModel):
    """What a manifest may say about one file; anything else is a mistake worth naming."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str | None = Field(default=None, pattern=DOC_ID)
    title: str | None = None
    symbol: str | None = None
    date: str | dt.date | None = None
    body: str | None = None


class _ManifestFile(BaseModel):
    model_config = ConfigDict(strict=True)

    files: dict[str, dict[str, Any]] = Field(default_factory=dict)


@dataclass
class Manifest:
    """A folder's manifest: good entries, and a reason for each file whose entry is not."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # file name → reason
    broken: str | None = None  # the whole manifest is unusable: every file of the folder fails

    def problem(self, name: str) -> str | None:
        return self.broken or self.problems.get(name)


def _where(path: Path, loc: Sequence[Any]) -> str:
    return f"{path.name}: " + ".".join(f'"{x}"' if "." in str(x) else str(x) for x in loc)


def read_manifest(folder: Path) -> Manifest:
    """``folder/manifest.toml`` checked against :class:`ManifestEntry`; a wrong value is
    reported with its key (``manifest.toml: files."report.md".symbol: Input should be a
    valid string``) and fails only the file it describes."""
    path = folder / MANIFEST
    if not path.is_file():
        return Manifest()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        top = _ManifestFile.model_validate({"files": data.get("files", {})})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Manifest(broken=f"{path}: not a valid manifest ({exc}); fix or remove it")
    except ValidationError as exc:
        err = exc.errors()[0]
        return Manifest(broken=f"{_where(path, err['loc'])}: {err['msg']}; the manifest "
                               "should have a [files.\"name.pdf\"] table per file")
    out = Manifest()
    for name, raw in top.files.items():
        try:
            entry = ManifestEntry.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            out.problems[name] = (f"{_where(path, ('files', name, *err['loc']))}: "
                                  f"{err['msg']}; fix the manifest entry")
            continue
        out.entries[name] = {k: str(v) if isinstance(v, dt.date) else v
                             for k, v in entry.model_dump(exclude_none=True).items()}
    return out


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Good entries of ``folder/manifest.toml`` keyed by file name ({} when there is none);
    raises IngestError when the manifest is unusable or an entry is wrong."""
    manifest = read_manifest(folder)
    if manifest.broken or manifest.problems:
        raise IngestError(manifest.broken or next(iter(manifest.problems.values())))
    return manifest.entries


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


def parse_file(path: Path, settings: Settings | None = None,
               on_page: Callable[[int, int], None] | None = None) -> ParsedFile:
    """Run the format parser for ``path``'s type, within the settings' limits.
    ``on_page(done, total)``: before the first page and after each page is read (a text
    file is one page)."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from paracite.parsing.markdown import parse_markdown

        if on_page:
            on_page(0, 1)
        parsed = parse_markdown(path)
        if on_page:
            on_page(1, 1)
        return parsed
    if suffix in PDF_SUFFIXES:
        from paracite.parsing.pdf import parse_pdf

        s = settings or Settings()
        return parse_pdf(path, max_pages=s.max_pages,
                         max_inflated_bytes=int(s.max_inflated_mb * 1_048_576), on_page=on_page)
    kinds = ", ".join(sorted(PDF_SUFFIXES | TEXT_SUFFIXES))
    raise IngestError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; "
                      f"paracite reads {kinds}")


def file_hash(data: bytes, entry: dict[str, Any]) -> str:
    h = hashlib.sha256(data)
    h.update(repr(sorted(entry.items())).encode())
    h.update(PARSER_VERSION.encode())
    return h.hexdigest()


def passages_for(path: Path, entry: dict[str, Any], doc_id: str, digest: str,
                 settings: Settings | None = None, progress: StepFn | None = None
                 ) -> tuple[DocumentInfo, list[Passage]]:
    """Parse one file into its DocumentInfo and passages (no embedding). ``progress``
    hears ("reading", page, pages) as pages are read, then ("structuring", 0, 1)."""
    settings = settings or Settings()
    on_page = (lambda done, total: progress("reading", done, total)) if progress else None
    parsed = parse_file(path, settings, on_page)
    if progress:
        progress("structuring", 0, 1)
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
    passages = recover(parsed.blocks, info, infer_pages=text, bare_headings=text,
                       max_chars=settings.max_passage_chars)
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


class _Run:
    """What one ingest run knows about document identity: which id each source holds."""

    def __init__(self, stored: dict[str, DocumentInfo], replace: bool,
                 worker: ParseWorker) -> None:
        self.stored = stored
        self.worker = worker
        self.replace = replace
        self.claimed: dict[str, str] = {}  # doc id → source, taken in this run
        self.seen: dict[str, FileResult] = {}  # bytes hash → first file with those bytes
        self.by_source = {info.source: doc_id for doc_id, info in stored.items()}
        self.kept: dict[Path, list[str]] = {}  # emptied folder → documents kept

    def identify(self, path: Path, source: str, entry: dict[str, Any]) -> tuple[str, str]:
        """The id this file is stored under, and a note when it is not the one asked for.

        A file keeps the id it was stored under (so a suffixed id is stable); otherwise it
        asks for its manifest id or its name's slug. An id held by another file that still
        exists is not taken over (unless ``replace``): the file gets the next free suffix.
        """
        wanted = str(entry.get("id") or self.by_source.get(source) or slug(path.name))
        holder = self._holder(wanted, source)
        note = ""
        doc_id = wanted
        if holder is not None:
            n = 2
            while f"{wanted}-{n}" in self.stored or f"{wanted}-{n}" in self.claimed:
                n += 1
            doc_id = f"{wanted}-{n}"
            note = (f"{path.name}: the id '{wanted}' belongs to {holder}; stored as "
                    f"'{doc_id}'" + ("" if wanted in self.claimed else
                                     " (`paracite ingest --replace` gives the id to this "
                                     "file instead)"))
        elif wanted in self.stored and self.stored[wanted].source != source:
            note = f"{path.name}: replaces {self.stored[wanted].source} as '{wanted}'"
            self.by_source.pop(self.stored[wanted].source, None)
        self.claimed[doc_id] = source
        self.by_source[source] = doc_id
        return doc_id, note

    def _holder(self, doc_id: str, source: str) -> str | None:
        """The other source that holds ``doc_id`` (None when it is free or this file's)."""
        if doc_id in self.claimed:
            return None if self.claimed[doc_id] == source else self.claimed[doc_id]
        info = self.stored.get(doc_id)
        if info is None or info.source == source or self.replace:
            return None
        return info.source if Path(info.source).exists() else None


def embed_passages(embedder: Embedder, passages: Sequence[Passage],
                   progress: Callable[[int, int], None] | None = None, chunk: int = 0
                   ) -> tuple[list[Passage], list[list[float]]]:
    """The passages with their sentence vectors set, and each passage's vector, in one
    embedding pass. A passage of several sentences has each embedded too, so the answerer
    can score sentences by meaning without embedding at question time; a one-sentence
    passage reuses its passage vector.

    ``progress(done, total)`` counts passages: one is done when it and its sentences are
    embedded. All texts are sorted by length once and given to the embedder ``chunk`` at
    a time (0: all in one call; a multiple of its batch size keeps the batches of one
    sorted call, which pad least)."""
    texts = [p.searchable_text() for p in passages]
    split = [[s.scored_text for s in sentences_of(p)] for p in passages]
    extra = [t for sents in split if len(sents) > 1 for t in sents]
    owner = list(range(len(texts))) + [i for i, sents in enumerate(split) if len(sents) > 1
                                       for _ in sents]
    vectors = _embed_sorted(embedder, texts + extra, owner, progress, chunk)
    extra_at = len(texts)
    done: list[Passage] = []
    for i, p in enumerate(passages):
        n = len(split[i])
        if n > 1:
            sv = vectors[extra_at:extra_at + n]
            extra_at += n
        else:
            sv = [vectors[i]] * n
        done.append(p.model_copy(update={"sentence_vectors": pack_vectors(sv)}))
    return done, vectors[:len(texts)]


def _embed_sorted(embedder: Embedder, texts: list[str], owner: list[int],
                  progress: Callable[[int, int], None] | None, chunk: int
                  ) -> list[list[float]]:
    """Vectors of ``texts``, shortest first in chunks; ``progress`` counts the owners (text
    ``i`` belongs to passage ``owner[i]``) whose texts are all embedded."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    left = [0] * (max(owner) + 1 if owner else 0)
    for o in owner:
        left[o] += 1
    total, done = len(left), 0
    out: list[list[float]] = [[] for _ in texts]
    step = chunk or len(order) or 1
    for start in range(0, len(order), step):
        idx = order[start:start + step]
        counted = False

        def finished(n: int, of: int, idx: list[int] = idx) -> None:
            """Counts the chunk when the embedder reports it embedded (or, if it reports
            nothing, when ``embed`` returns): what is done is shown as soon as it is."""
            nonlocal counted, done
            if n < of or counted:
                return
            counted = True
            for i in idx:
                left[owner[i]] -= 1
                done += left[owner[i]] == 0
            if progress:
                progress(done, total)

        vecs = embedder.embed([texts[i] for i in idx], progress=finished)
        finished(len(idx), len(idx))
        for i, v in zip(idx, vecs, strict=True):
            out[i] = v
    return out


class _Progress:
    """One run's progress: the stages' (phase, done, total) as IngestProgress events, with
    the file counts and the run's embedding totals."""

    def __init__(self, fn: IngestProgressFn | None) -> None:
        self.fn = fn
        self.files_done = self.files_total = 0
        self.embedded = 0  # passages embedded so far in this run
        self.last: IngestProgress | None = None

    def __call__(self, phase: Phase, file: str, done: int, total: int) -> None:
        if self.fn is not None:
            self.last = IngestProgress(phase, file, done, total, self.files_done,
                                       self.files_total)
            self.fn(self.last)

    def for_file(self, name: str) -> StepFn:
        return lambda phase, done, total: self(phase, name, done, total)

    def embedding(self, passages: int) -> Callable[[int, int], None]:
        """The callback for embedding ``passages`` more: reports the run's counts."""
        total = self.embedded + passages

        def report(done: int, _of: int) -> None:
            self("embedding", "", self.embedded + done, total)

        report(0, passages)
        return report

    def finish(self) -> None:
        """The last event again if files finished after it (unchanged, duplicate, failed
        files send none of their own), so a run ends at files_done == files_total."""
        if self.last is not None and self.last.files_done < self.files_total:
            self(self.last.phase, self.last.file, self.last.done, self.last.total)


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
        steps = _Progress(progress)
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

    def _run(self, paths: Sequence[str | Path], steps: _Progress,
             on_file: Callable[[FileResult], None] | None, replace: bool,
             prune: bool, worker: ParseWorker) -> IngestReport:
        t0 = time.perf_counter()
        report = IngestReport()
        files, folders = discover(paths)
        steps.files_total = len(files)
        stored = self._load_catalog()
        run = _Run(stored, replace, worker)
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
        self._save_catalog(stored)
        report.seconds = time.perf_counter() - t0
        log.info("ingest: %s", report.summary())
        return report

    def _removals(self, stored: dict[str, DocumentInfo], run: _Run,
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
                     run: _Run, progress: StepFn) -> FileResult | _Pending:
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
            n = len(self.store.passage_hashes(doc_id))
            if n:  # unchanged, or the same file moved: keep its embeddings
                if old.source != source or old.bytes_hash != raw:
                    info = old.model_copy(update={"source": source, "bytes_hash": raw})
                    self.store.update_document_info(info, self.store.passages(doc_id))
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
        same = [p for p in passages if have.get(p.id) == p.content_hash]
        keep = {p.id for p in passages}
        status: Status = "updated" if old is not None else "added"
        run.seen[raw] = FileResult(path.name, doc_id, status, passages=len(passages),
                                   embedded=len(fresh), reason=note)
        stored[doc_id] = info  # kept in the catalog only if the run completes
        return _Pending(run.seen[raw], info, fresh, same, [i for i in have if i not in keep])


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
    # the same (nobody wrote since) and Chroma still holds what it held then (the same
    # collection, the same passage count: a deleted or emptied database is noticed), and
    # reads Chroma otherwise (a run killed half-way, another writer on this machine or,
    # with a Chroma server, on another: the stamp is the store's own write generation).
    def _catalog_path(self) -> Path:
        return self.settings.home / CATALOG_FILE

    def _chroma_state(self) -> str:
        return f"{self.store.collection.id}:{self.store.count()}"

    def _load_catalog(self) -> dict[str, DocumentInfo]:
        stamp = self.store.write_stamp()
        if stamp:
            try:
                data = json.loads(self._catalog_path().read_text(encoding="utf-8"))
                if (data.get("stamp") == stamp and data.get("version") == PARSER_VERSION
                        and data.get("chroma") == self._chroma_state()):
                    return {d["id"]: DocumentInfo(**d) for d in data["documents"]}
                log.info("document catalog does not match the store; reading the store")
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
        tmp.write_text(json.dumps({"stamp": stamp, "version": PARSER_VERSION,
                                   "chroma": self._chroma_state(), "documents":
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
