"""``PassageVectorStore``: the ``langchain_chroma.Chroma`` that :func:`paracite.vectorstore`
gives, over paracite's passage collection and for reading only. Its own module because
``langchain_chroma`` imports chromadb, which ``import paracite`` does not.
"""

from __future__ import annotations

from typing import Any, NoReturn

from langchain_chroma import Chroma

from paracite.errors import StoreError
from paracite.store import Store


class PassageVectorStore(Chroma):
    """``langchain_chroma.Chroma`` over paracite's passage collection, for reading: search
    it, make a retriever of it, compose it. Each Document is a passage: its text as
    ``page_content``, its provenance (``document``, ``paragraph``, ``pages``, ``title``,
    ``symbol``, ``section``, …) as the store keeps it in ``metadata``. Writing through it
    is refused: a passage paracite did not make would lack the provenance that citations
    and the keyword index are built from. Records come in through ``Assistant.ingest``
    (``paracite ingest``) and leave through ``Assistant.delete_document``."""

    def __init__(self, store: Store, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store  # holds the client (and a read-only store's copy) open

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise StoreError("paracite.vectorstore() is for reading: add records with "
                         "paracite.Assistant.ingest (or `paracite ingest`), remove one "
                         "with Assistant.delete_document")

    add_texts = _refuse  # add_documents and the async forms go through these
    add_images = _refuse
    update_documents = _refuse
    delete = _refuse
    delete_collection = _refuse
    reset_collection = _refuse
