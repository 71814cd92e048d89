"""paracite from LangChain: the passage store as a ``langchain_chroma.Chroma``
(:func:`vectorstore`), its hybrid, dense or keyword search as a ``BaseRetriever``
(:func:`retriever`) and the conversational chain as an LCEL Runnable (:func:`chain`),
public as ``paracite.vectorstore``, ``paracite.retriever`` and ``paracite.chain``.

``chain`` opens nothing and loads no model until it is invoked; ``vectorstore`` opens the
store to find its collection, and says so when there is none:

>>> import paracite, tempfile
>>> from langchain_core.runnables import Runnable
>>> isinstance(paracite.chain(tempfile.mkdtemp()), Runnable)
True
>>> paracite.vectorstore(tempfile.mkdtemp())  # doctest: +ELLIPSIS
Traceback (most recent call last):
paracite.errors.NotFoundError: no passages at ...: ingest some records first ...
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.runnables import Runnable

from paracite.assistant import Assistant
from paracite.embed import Embedder
from paracite.errors import NotFoundError
from paracite.retrieve import HybridRetriever, Mode
from paracite.settings import Settings
from paracite.store import Store

if TYPE_CHECKING:
    from langchain_chroma import Chroma


def _settings(home: str | Path | None, settings: Settings | None) -> Settings:
    """``settings`` (default: the PARACITE_* environment's), with ``home`` if given."""
    if settings is None:
        return Settings(home=Path(home)) if home is not None else Settings()
    return settings if home is None else settings.model_copy(update={"home": Path(home)})


def vectorstore(home: str | Path | None = None, settings: Settings | None = None, *,
                embedder: Embedder | None = None) -> Chroma:
    """The passages as a LangChain vector store: a ``langchain_chroma.Chroma`` over the
    collection paracite writes (the same Chroma client, embedded under PARACITE_HOME or on
    the PARACITE_CHROMA_URL server), searched with paracite's embedder (an ``Embeddings``;
    never chromadb's own). Dense search only: paracite's hybrid search is
    :func:`chain`'s (and ``Assistant.retriever``'s).

    ``home``: PARACITE_HOME (default: the settings'); ``embedder``: one already loaded.
    Raises NotFoundError when nothing has been ingested there, EmbedderMismatchError when
    the store was embedded with another model. Usage::

        retriever = paracite.vectorstore(".paracite").as_retriever()
        docs = retriever.invoke("who was elected Rapporteur")
        docs[0].metadata["document"], docs[0].metadata["paragraph"]   # ('report', '22')
    """
    from paracite.lc_chroma import PassageVectorStore  # imports chromadb: not at import

    s = _settings(home, settings)
    emb = embedder if embedder is not None else Embedder(s)
    store = Store(s, emb.identity)
    client = store.reading_client()
    if client is None:
        raise NotFoundError(f"no passages at {s.chroma_url or s.store_dir}: ingest some "
                            "records first (paracite ingest, or Assistant.ingest)")
    # get_or_create with no metadata leaves the existing collection as it is; the
    # collection gets no embedding function of chromadb's: queries come embedded
    return PassageVectorStore(store, client=client, collection_name=s.collection,
                              embedding_function=emb)


def retriever(home: str | Path | None = None, settings: Settings | None = None, *,
              mode: Mode = "hybrid", k: int | None = None,
              embedder: Embedder | None = None) -> HybridRetriever:
    """paracite's search as a LangChain retriever (``invoke(question)`` → Documents, each
    with its passage, document, paragraph and the evidence for its rank in its metadata).
    ``mode``: "hybrid" (the one the chain uses: dense and keyword rankings fused by weighted
    reciprocal rank), "dense" or "keyword" (BM25, the saved keyword index); ``k``: how many
    (default: the settings' ``retrieval_k``). The two one-sided retrievers compose like any
    others: LangChain's ``EnsembleRetriever([dense, keyword], weights=[dense_weight,
    keyword_weight], c=rrf_k)`` ranks as the hybrid one does (tested).
    """
    s = _settings(home, settings)
    emb = embedder if embedder is not None else Embedder(s)
    found = HybridRetriever.from_settings(Store(s, emb.identity), emb, s)
    return found.model_copy(update={"mode": mode, "k": k or s.retrieval_k})


def chain(home: str | Path | None = None, settings: Settings | None = None, *,
          llm: str | Any | None = None, embedder: Embedder | None = None
          ) -> Runnable[str | dict[str, Any], dict[str, Any]]:
    """paracite's conversational chain as an LCEL Runnable (read → retrieve → answer), the
    one ``Assistant.ask`` and ``Assistant.stream`` use. ``llm``: the answerer, as for
    :class:`~paracite.Assistant` ("extractive", "local", "openai:<model>", "mixed" or a
    LangChain chat model; default: the settings'). Nothing is opened until it is invoked.

    ``invoke({"question": "Who was elected Rapporteur?", "chat_history": [...]})`` gives
    ``{"answer": Answer, "text": str}``; ``stream`` gives ``{"delta": str}`` chunks, then
    that. ``chat_history``: LangChain messages or (question, answer) pairs, so it works
    inside ``RunnableWithMessageHistory(chain, get_history, input_messages_key="question",
    history_messages_key="chat_history", output_messages_key="text")``. See
    :mod:`paracite.chain`.
    """
    return Assistant(_settings(home, settings), llm=llm, embedder=embedder).as_runnable()
