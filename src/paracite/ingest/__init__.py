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

One concern a module: ``manifest`` (reading and checking ``manifest.toml``), ``files``
(discovery, the parser for a file's type, passages of one file: what the parse worker
runs), ``identity`` (document ids), ``embedding`` (passage and sentence vectors),
``progress`` (the events), ``report`` (what a run tells) and ``ingestor`` (the run
itself). What is stored already comes from the store's documents catalog.
"""

from paracite.ingest.embedding import embed_passages
from paracite.ingest.files import (
    PARSER_VERSION,
    PARSERS,
    PDF_SUFFIXES,
    TEXT_SUFFIXES,
    discover,
    file_hash,
    parse_file,
    passages_for,
)
from paracite.ingest.identity import slug
from paracite.ingest.ingestor import LOCK_FILE, Ingestor
from paracite.ingest.manifest import (
    DOC_ID,
    MANIFEST,
    Manifest,
    ManifestEntry,
    load_manifest,
    read_manifest,
)
from paracite.ingest.progress import IngestProgress, IngestProgressFn, Phase, StepFn
from paracite.ingest.report import FileResult, IngestReport, Status

__all__ = ["DOC_ID", "LOCK_FILE", "MANIFEST", "PARSERS", "PARSER_VERSION",
           "PDF_SUFFIXES", "TEXT_SUFFIXES", "FileResult", "IngestProgress",
           "IngestProgressFn", "IngestReport", "Ingestor", "Manifest", "ManifestEntry",
           "Phase", "Status", "StepFn", "discover", "embed_passages", "file_hash",
           "load_manifest", "parse_file", "passages_for", "read_manifest", "slug"]
