"""``Assistant``: the one object users hold. The CLI and the web UI are thin shells over it."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.runnables import Runnable

from paracite import feedback
from paracite.answer.extractive import ExtractiveAnswerer
from paracite.chain import Answerer, AnswerPipeline, check_documents
from paracite.documents import Answer, DocumentInfo, Passage
from paracite.embed import Embedder, EmbedderIdentity
from paracite.errors import ExtraMissingError, NotFoundError, ParaciteError
from paracite.ingest import FileResult, Ingestor, IngestProgressFn, IngestReport
from paracite.pages import PageImage, forget, page_image
from paracite.retrieve import HybridRetriever
from paracite.settings import Settings
from paracite.store import Store
from paracite.suggest import Suggestion, suggest

log = logging.getLogger(__name__)


def _norm_label(label: str) -> str:
    """'item 1 (b), ¶3' and '1(b) 3' compare equal; so do '22' and 'para 22'."""
    s = label.lower().replace("¶", " ")
    s = re.sub(r"\b(item|para|paragraph|row)\b\.?", " ", s)
    return re.sub(r"[\s,]+", "", s)


UPLOADS = "uploads"  # PARACITE_HOME/uploads: files the web UI copied in, paracite's to delete
PAGE_CACHE = "pages"  # PARACITE_HOME/pages: PNGs of cited pages (bounded: page_cache_mb)
# Asked once by ``warm``: any question loads the keyword index and the answer path.
WARM_UP_QUESTION = "What was decided at the meeting?"


@dataclass(frozen=True)
class DeleteReport:
    """What ``Assistant.delete_document`` removed.

    ``file_removed``: the document's source file was deleted (only ever a file inside
    PARACITE_HOME/uploads); ``note`` says why it was kept otherwise.
    """

    document: str
    passages: int
    file_removed: bool
    source: str = ""
    note: str = ""


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
                 embedder: Embedder | None = None, **overrides: Any) -> None:
        """``embedder``: an embedder already loaded (shared between Assistants, or a test's
        stand-in with the same ``embed``/``embed_query``/``identity``); default: the one the
        settings name, loaded on first use."""
        self.settings = settings or Settings(**overrides)
        if settings is not None and overrides:
            self.settings = settings.model_copy(update=overrides)
        self.llm: str | Any = llm if llm is not None else self.settings.llm
        self.embedder = embedder if embedder is not None else Embedder(self.settings)
        self.store = Store(self.settings, self._embedder_identity)
        self._chain: AnswerPipeline | None = None
        self._suggested: dict[tuple[Any, ...], list[Suggestion]] = {}

    def _embedder_identity(self) -> EmbedderIdentity:
        return self.embedder.identity()

    @property
    def chain(self) -> AnswerPipeline:
        """The answer pipeline (question read → retrieve → answer), built on first use."""
        if self._chain is None:
            retriever = HybridRetriever.from_settings(self.store, self.embedder, self.settings)
            if isinstance(self.llm, str) and self.llm == "extractive":
                self._chain = AnswerPipeline(self.settings, retriever,
                                             ExtractiveAnswerer(self.settings))
            else:
                from paracite.answer.llm import ExtractiveInstead, answerer_for

                answerer: Answerer
                try:
                    answerer, condenser = answerer_for(self.llm, self.settings)
                except ExtraMissingError as exc:
                    log.warning("%s; answering extractively", exc)
                    answerer, condenser = ExtractiveInstead(self.settings, str(exc)), None
                self._chain = AnswerPipeline(self.settings, retriever, answerer,
                                             condenser=condenser)
        return self._chain

    def as_runnable(self) -> Runnable[str | dict[str, Any], dict[str, Any]]:
        """The answer pipeline as an LCEL Runnable, the one ``ask`` and ``stream`` use:
        ``invoke({"question": …, "chat_history": [...]})`` gives ``{"answer": Answer,
        "text": str}`` (see :mod:`paracite.chain`); also what ``paracite.chain()`` gives.

        >>> import paracite, tempfile
        >>> paracite.Assistant(home=tempfile.mkdtemp()).as_runnable().get_name()
        'paracite'
        """
        return self.chain.runnable

    def close(self) -> None:
        """Close the store (its files are let go of); the Assistant opens it again if it
        is used after this. Also ``with Assistant(...) as a:``."""
        self.store.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def with_llm(self, llm: str | Any) -> Assistant:
        """The same store and loaded embedder, another answerer (for the UI's selector)."""
        other = Assistant(self.settings, llm=llm)
        other.embedder, other.store = self.embedder, self.store
        return other

    def available_llms(self) -> list[str]:
        """Answerers that can run here: extractive always; local when the optional extra
        is installed; openai:<model> when a model is configured."""
        from paracite.answer import packaged

        names = ["extractive"]
        if packaged.installed(self.settings.local_model):
            names += ["local", "mixed"]
        if self.settings.openai_model:
            names.append(f"openai:{self.settings.openai_model}")
        return names

    @property
    def retriever(self) -> HybridRetriever:
        return self.chain.retriever

    @property
    def upload_folder(self) -> Path:
        """PARACITE_HOME/uploads: where the web UI copies uploaded files. A document from
        a file there is the one kind whose file ``delete_document`` deletes, and files
        there that nothing stored comes from are ``unstored_uploads``.

        >>> import paracite, tempfile
        >>> paracite.Assistant(home=tempfile.mkdtemp()).upload_folder.name
        'uploads'
        """
        return self.settings.home / UPLOADS

    def warm(self) -> bool:
        """Load what the first question needs (the embedder; with a store that holds
        passages, the keyword index and the answer path too, by answering one question),
        so the first question is answered as fast as the next. Returns whether the store
        held passages to warm up on; a store that cannot be read is left for the next call
        to report (logged, not raised). The web UI calls it before it says it is ready.
        """
        self.embedder.embed_query("warm-up")
        try:
            if not self.store.count():
                return False
            self.ask(WARM_UP_QUESTION)
        except ParaciteError as exc:  # an empty or unreadable store: said when it is used
            log.info("warm-up question not answered: %s", exc)
            return False
        return True

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

    def ingest(self, paths: str | Path | Sequence[str | Path] | None = None, *,
               progress: IngestProgressFn | None = None,
               on_file: Callable[[FileResult], None] | None = None,
               replace: bool = False, prune: bool = False, reembed: bool = False
               ) -> IngestReport:
        """Bring files or folders into the store (default: the inbox folder, ``ingest/``):
        one path, or several.

        Returns a report of what was added, updated, unchanged, removed or failed, with a
        reason for every failure.

        ``replace``: a file whose document id is already taken by another source replaces
        that document (default: it gets a new id). ``prune``: a folder that is now empty
        removes its documents (default: they are kept, with a note in the report).

        ``reembed``: embed every stored passage again with the configured embedder before
        ingesting, into a new collection that replaces the old one only when complete. This
        is the one way to use a store made with another embedder: without it such a store
        raises EmbedderMismatchError, naming both models, and is left as it is.

        ``progress``: called with a :class:`paracite.ingest.IngestProgress` as the run
        goes through its phases: ``reading`` a file (a PDF page by page), ``structuring``
        it, ``embedding`` (counted in passages, ending at the report's ``embedded``),
        ``storing`` it; with ``reembed``, ``reembedding`` the stored passages first.
        ``on_file``: called with each file's result as it is final.

        A store that cannot be written (damaged, read-only, PARACITE_HOME a file) raises
        StoreError or ConfigError before any file is read.

        For one new Markdown file of one passage the events are, as (phase, done, total):
        reading 0/1, 1/1; structuring 0/1, 1/1; embedding 0/1, 1/1; storing 0/1, 1/1.
        """
        if isinstance(paths, (str, Path)):  # one path, not the letters of one
            paths = [paths]
        targets = list(paths) if paths else [self.settings.inbox]
        ingestor = Ingestor(self.settings, self.store, self.embedder)
        if not reembed:
            self.store.check_writable()
        return ingestor.run(targets, progress=progress, on_file=on_file, replace=replace,
                            prune=prune, reembed=reembed)

    def documents(self) -> list[tuple[DocumentInfo, int]]:
        """The documents in the store, each with its passage count."""
        return self.store.documents()

    def passages(self, document: str | None = None) -> list[Passage]:
        """All passages (of one document, if given), in reading order."""
        return self.store.passages(document)

    def passages_by_id(self, ids: Iterable[str]) -> dict[str, Passage]:
        """Passages by their ``Passage.id`` ('report:68d9c133ebffd788'); an id that is not
        stored (or not of that form) is left out.

        >>> import paracite, tempfile
        >>> a = paracite.Assistant(home=tempfile.mkdtemp())
        >>> a.passages_by_id(["report:68d9c133ebffd788"])
        {}
        """
        wanted = sorted({i for i in ids if Passage.parse_id(i)})
        return self.store.get_passages(wanted) if wanted else {}

    def neighbours(self, ids: Iterable[str]
                   ) -> dict[str, tuple[Passage | None, Passage | None]]:
        """The passages just before and after each passage of ``ids`` in its document,
        by id: (before, after), None at a document's start or end. An id that is not of
        a passage's form is left out. One look-up for all of them (the web UI shows the
        neighbours of every cited paragraph of a conversation at once).

        >>> import paracite, tempfile
        >>> a = paracite.Assistant(home=tempfile.mkdtemp())
        >>> a.neighbours(["report:68d9c133ebffd788"])
        {'report:68d9c133ebffd788': (None, None)}
        """
        ids = list(ids)
        found = self.passages_by_id(ids)
        orders: dict[str, set[int]] = {}
        for p in found.values():  # nothing comes before the first passage: not asked for
            orders.setdefault(p.document, set()).update(
                o for o in (p.order - 1, p.order + 1) if o >= 0)
        near = {doc: self.store.passages_at(doc, wanted) for doc, wanted in orders.items()}
        out: dict[str, tuple[Passage | None, Passage | None]] = {}
        for pid in ids:
            if Passage.parse_id(pid) is None:
                continue
            hit = found.get(pid)
            at = near.get(hit.document, {}) if hit else {}
            out[pid] = (at.get(hit.order - 1), at.get(hit.order + 1)) if hit else (None, None)
        return out

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

    def page_image(self, passage_id: str) -> PageImage | None:
        """The PNG of the page a passage starts on, the passage highlighted, and where
        (cached under PARACITE_HOME/pages, at most page_cache_mb of them, least recently
        used out); None when it is not a stored PDF passage. See :mod:`paracite.pages`.

        >>> import paracite, tempfile
        >>> paracite.Assistant(home=tempfile.mkdtemp()).page_image("report:00021") is None
        True
        """
        passage = self.passages_by_id([passage_id]).get(passage_id)
        if passage is None:
            return None
        doc = next((d for d, _ in self.documents() if d.id == passage.document), None)
        if doc is None:
            return None  # page_image itself says None for a source that is not a PDF
        return page_image(passage, doc, self.settings.home / PAGE_CACHE,
                          max_mb=self.settings.page_cache_mb)

    # -- managing the store ------------------------------------------------------------
    def delete_document(self, doc_id: str) -> DeleteReport:
        """Remove a document's passages from the store, and the cached images of its pages
        (PARACITE_HOME/pages) unless another stored document comes from the same file
        content; delete its source file too when that file is one the web UI uploaded
        (inside PARACITE_HOME/uploads), never a file anywhere else.

        The keyword index, ``documents()`` and answers leave the document out at once (in
        other processes too: they follow the store's write stamp). A file in a folder
        that is ingested again comes back with that ingest: deleting a bundled record
        from the inbox (``ingest/``) removes it until the next ``ingest()`` of the inbox,
        which adds it again, as it would any new file there. To keep it out, remove the
        file from the folder.

        Takes the store's one-writer lock, so a delete never runs during an ingest (it
        waits for it, up to PARACITE_INGEST_WAIT_S). Raises NotFoundError for an unknown id
        (the message lists the known ones), StoreError when the store cannot be written.

        >>> import paracite, tempfile
        >>> paracite.Assistant(home=tempfile.mkdtemp()).delete_document("report")
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        paracite.errors.NotFoundError: no such document 'report' (documents: none; ...)
        """
        self.store.check_writable()  # a read-only or damaged store fails here, unchanged
        ingestor = Ingestor(self.settings, self.store, self.embedder)
        with ingestor.writer_lock():
            stored = {info.id: info for info, _ in self.store.documents()}
            check_documents([doc_id], frozenset(stored))  # NotFoundError naming the ids
            info = stored.pop(doc_id)
            n = self.store.delete_document(doc_id)
            self.store.sync_keyword()
            removed, note = self._remove_upload(info.source, stored.values())
            if info.bytes_hash and not any(o.bytes_hash == info.bytes_hash
                                           for o in stored.values()):
                forget(self.settings.home / PAGE_CACHE, info.bytes_hash)
        log.info("deleted %s: %d passages%s", doc_id, n,
                 f", and its file {Path(info.source).name}" if removed else "")
        return DeleteReport(doc_id, n, removed, Path(info.source).name, note)

    def _remove_upload(self, source: str, others: Iterable[DocumentInfo]) -> tuple[bool, str]:
        """Delete ``source`` if it is a file (not a link) inside PARACITE_HOME/uploads that
        no other stored document comes from; else say why it was kept."""
        path = Path(source)
        name = path.name
        try:
            uploads = self.upload_folder.resolve()
            if not path.is_absolute() or path.is_symlink():
                return False, f"{name} was kept: not a file paracite uploaded"
            real = path.resolve()
            if not real.is_relative_to(uploads) or real == uploads:
                return False, f"{name} was kept: only files in PARACITE_HOME/uploads are deleted"
            if any(Path(o.source).resolve() == real for o in others):
                return False, f"{name} was kept: another document comes from it"
            if not real.is_file():
                return False, f"{name} was already gone"
            real.unlink()
        except OSError as exc:
            log.warning("could not delete the uploaded file %s: %s", name, exc)
            return False, f"{name} could not be deleted ({exc.strerror or exc})"
        return True, ""

    def unstored_uploads(self) -> list[Path]:
        """Files in PARACITE_HOME/uploads that no stored document comes from: left by an
        upload whose ingest never finished (a crash, a stopped server) or by a store that
        was deleted and made anew. Regular files only (no links), of a type ingest reads,
        sorted by name. Nothing is deleted: ``ingest()`` them again, or remove them.

        Raises StoreError when the store cannot be read (without the list of stored
        documents, no file can be said to be missing from it).

        >>> import paracite, tempfile
        >>> paracite.Assistant(home=tempfile.mkdtemp()).unstored_uploads()
        []
        """
        from paracite.ingest import PDF_SUFFIXES, TEXT_SUFFIXES

        folder = self.upload_folder
        if not folder.is_dir():
            return []
        sources = {Path(d.source).resolve() for d, _ in self.documents()}
        found = []
        for f in sorted(folder.iterdir()):
            try:
                if (f.suffix.lower() in TEXT_SUFFIXES | PDF_SUFFIXES and not f.is_symlink()
                        and f.is_file() and f.resolve() not in sources):
                    found.append(f)
            except OSError as exc:  # e.g. removed meanwhile: not listed
                log.debug("upload %s not checked: %s", f.name, exc)
        return found

    # -- helping the reader ------------------------------------------------------------
    def suggestions(self, n: int = 4, documents: Sequence[str] | None = None) -> list[str]:
        """Up to ``n`` questions the loaded documents answer, made from what their
        paragraphs state (elections, sessions held, openings, decisions …; headings only
        when a document states none of these; see :mod:`paracite.suggest`), spread over the
        documents and the kinds of question.

        Each one is asked first (with the extractive answerer, within ``documents``) and
        kept only if the answer says what the statement it was made from says, so the
        first call costs a few answers (and loads the embedder); the result is kept until
        the store changes. ``documents``: ids to draw from and ask within (default: all);
        an unknown id raises NotFoundError, as ``ask`` does.

        >>> import paracite, tempfile
        >>> paracite.Assistant(home=tempfile.mkdtemp()).suggestions()
        []
        """
        return [s.question for s in self.suggested(n, documents)]

    def suggested(self, n: int = 4, documents: Sequence[str] | None = None
                  ) -> list[Suggestion]:
        """Like ``suggestions``, with the document and the statement (or, failing any,
        the heading) each question comes from."""
        docs = check_documents(documents, self.store.document_ids())
        stamp = self.store.write_stamp()
        key = (stamp, self.store.count(), tuple(docs or ()), n)
        if stamp and key in self._suggested:
            return list(self._suggested[key])
        if docs:
            passages = [p for d in docs for p in self.store.passages(d)]
        else:
            passages = self.store.passages()
        if not passages:
            return []
        checker = AnswerPipeline(self.settings, self._search_retriever(),
                                 ExtractiveAnswerer(self.settings))

        def answered(s: Suggestion) -> Answer | bool:
            """The answer itself: ``suggest`` keeps a question only when it is found and
            says what the statement it was made from says."""
            try:
                return checker.run(s.question, documents=docs)
            except ParaciteError as exc:
                log.info("suggestion %r dropped: %s", s.question, exc)
                return False

        out = suggest(passages, n, check=answered)
        if stamp:  # kept for this state of the store only (no store yet: no stamp)
            self._suggested = {k: v for k, v in self._suggested.items() if k[:2] == key[:2]}
            self._suggested[key] = out
        return list(out)

    def _search_retriever(self) -> HybridRetriever:
        """The chain's retriever, or one like it (without building an LLM chain to search)."""
        if self._chain is not None:
            return self._chain.retriever
        return HybridRetriever.from_settings(self.store, self.embedder, self.settings)

    def record_feedback(self, question: str, answer: Answer, verdict: str,
                        comment: str = "") -> Path:
        """Append a reader's verdict ('up' or 'down', with an optional comment) on an
        answer to PARACITE_HOME/feedback.jsonl; returns that file's path. Safe from
        several threads and processes at once. See :mod:`paracite.feedback`."""
        return feedback.record_feedback(self.settings.home, question=question, answer=answer,
                                        verdict=verdict, comment=comment,
                                        max_line_kb=self.settings.max_feedback_line_kb)
