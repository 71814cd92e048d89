"""The passage store: Chroma for vectors and provenance, plus a BM25 keyword index.

Chroma is the single source of truth. Every passage is stored with all of its provenance
in the metadata, and the keyword index is built from what Chroma holds (once per process,
and again only after a write), so the two can never disagree about the passage set.

The store is embedded (``PersistentClient`` under ``Settings.home``) unless
``Settings.chroma_url`` names a Chroma server.

One concern a module: ``connection`` opens the collection, turns Chroma's failures into
StoreErrors and follows other writers (with ``chroma``: the process's Chroma systems and
what their errors mean); ``passages`` is the ``Store`` (reading, writing, re-embedding,
searching); ``metadata`` turns a passage into a Chroma row and back; ``keyword`` is the
BM25 index.
"""

from paracite.store.keyword import KeywordIndex
from paracite.store.metadata import Hit
from paracite.store.passages import Store

__all__ = ["Hit", "KeywordIndex", "Store"]
