"""Document identity: the id a file is stored under (its manifest id, the one it was
stored under, or its name's slug), and what one run knows of which source holds which id."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from paracite.documents import DocumentInfo
from paracite.ingest.report import FileResult
from paracite.parsing.worker import ParseWorker


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


class Identities:
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
