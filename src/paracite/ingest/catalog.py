"""The catalog of stored documents, saved by a completed ingest for the next one.

Listing the stored documents means reading every passage's metadata from Chroma: 10 s and
+300 MB RSS at 100,000 passages. A completed ingest saves the list it ended with, under
the store's write stamp; the next ingest uses it when the stamp is still the same (nobody
wrote since) and Chroma still holds what it held then (the same collection, the same
passage count: a deleted or emptied database is noticed), and reads Chroma otherwise (a
run killed half-way, another writer on this machine or, with a Chroma server, on another:
the stamp is the store's own write generation).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from paracite.documents import DocumentInfo
from paracite.ingest.files import PARSER_VERSION
from paracite.settings import Settings
from paracite.store import Store

log = logging.getLogger("paracite.ingest")
CATALOG_FILE = "documents.json"


class Catalog:
    """The stored documents by id, from ``documents.json`` when it is still valid."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store

    def _path(self) -> Path:
        return self.settings.home / CATALOG_FILE

    def _chroma_state(self) -> str:
        return f"{self.store.collection.id}:{self.store.count()}"

    def load(self) -> dict[str, DocumentInfo]:
        stamp = self.store.write_stamp()
        if stamp:
            try:
                data = json.loads(self._path().read_text(encoding="utf-8"))
                if (data.get("stamp") == stamp and data.get("version") == PARSER_VERSION
                        and data.get("chroma") == self._chroma_state()):
                    return {d["id"]: DocumentInfo(**d) for d in data["documents"]}
                log.info("document catalog does not match the store; reading the store")
            except (OSError, ValueError, KeyError, TypeError):
                pass
        return {info.id: info for info, _ in self.store.documents()}

    def save(self, stored: dict[str, DocumentInfo]) -> None:
        stamp = self.store.write_stamp()
        path = self._path()
        if not stamp:
            path.unlink(missing_ok=True)
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"stamp": stamp, "version": PARSER_VERSION,
                                   "chroma": self._chroma_state(), "documents":
                                   [i.model_dump() for i in stored.values()]}),
                       encoding="utf-8")
        tmp.replace(path)
