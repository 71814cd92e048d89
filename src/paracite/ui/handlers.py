"""The web UI's event handlers: one ``UI`` per process, shared by every browser session.

Each session keeps its own conversation in its browser (``state``); the handlers answer
through ``paracite.Assistant`` (one per answerer, over the same store and embedder), which
draws cited pages too, and return what the page shows (``render``).
The upload events are inherited from ``uploads.UploadHandlers``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from paracite import Answer, Assistant, DocumentInfo, PageImage, ParaciteError

from .render import (
    SourceExtras,
    describe_answerer,
    document_choices,
    document_labels,
    filter_chip,
    format_sources,
    md_text,
    without_paths,
)
from .state import (
    Turn,
    chat_messages,
    checked_turn,
    history_pairs,
    new_turn,
    turn_answers,
    turn_key,
    valid_turns,
)
from .uploads import UploadHandlers

log = logging.getLogger(__name__)

SUGGESTIONS = 4
INGEST_NOTICE = ("Files are being ingested: this answer uses the documents stored before "
                 "the upload finished.")
CHECKING = "Writing the answer and checking it against the records …"


def is_pdf(doc: DocumentInfo) -> bool:
    """A document read from a PDF: its page can be shown and its file opened."""
    return Path(doc.source).suffix.lower() == ".pdf"


def gr_skip() -> Any:
    """'Leave this output as it is' (gradio's skip), importing gradio late."""
    import gradio as gr

    return gr.skip()


class UI(UploadHandlers):
    """Per-process objects shared by every browser session (each keeps its own
    conversation, in its browser): the answerers, the key that signs turns, and the
    upload state of ``UploadHandlers``."""

    def __init__(self, assistant: Assistant, answerers: Mapping[str, Any] | None = None) -> None:
        super().__init__(assistant)
        self._by_llm: dict[str, Assistant] = {"extractive": assistant}
        self._given = dict(answerers or {})  # name → chat model object (e.g. tests' fakes)
        self.key = turn_key(assistant.settings.home)  # signs the turns; never sent out

    def turns(self, turns: Any) -> list[Turn]:
        """The turns a browser sent that this server signed (see ``valid_turns``)."""
        s = self.base.settings
        return valid_turns(turns, self.key, s.ui_turns_kept, s.max_question_chars)

    # -- answerers --------------------------------------------------------------------
    def llm_names(self) -> list[str]:
        names = self.base.available_llms()
        return names + [n for n in self._given if n not in names]

    def answerer_choices(self) -> list[tuple[str, str]]:
        return [(f"{n} — {describe_answerer(n)}", n) for n in self.llm_names()]

    def assistant(self, llm: str) -> Assistant:
        with self._lock:
            if llm not in self._by_llm:
                self._by_llm[llm] = self.base.with_llm(self._given.get(llm, llm))
            return self._by_llm[llm]

    def warm(self) -> float:
        """Load the embedder, the keyword index and the answer path before the UI says it
        is ready, so the first question is answered as fast as the next. Seconds taken."""
        t0 = time.perf_counter()
        if self.base.warm():
            self.suggestions()  # kept until the store changes: page loads are quick
        return time.perf_counter() - t0

    # -- sources ------------------------------------------------------------------------
    def extras(self, answers: Sequence[Answer]) -> SourceExtras:
        """Which cited documents are PDFs, and the neighbours of the other citations."""
        try:
            docs = self.base.documents()
        except ParaciteError:
            return SourceExtras()
        pdfs = {d.id for d, _ in docs if is_pdf(d)}
        stored = {d.id for d, _ in docs}
        wanted = {c.passage_id for ans in answers for c in (*ans.citations, *ans.see_also)
                  if c.document in stored and c.document not in pdfs}
        try:
            context = self.base.neighbours(wanted) if wanted else {}
        except ParaciteError:
            context = {}
        return SourceExtras(pdfs=pdfs, context=context, stored=stored)

    def sources_html(self, turns: Sequence[Turn], open_turn: int | None = None) -> str:
        answers = turn_answers(turns)
        if not answers:
            return format_sources(None)
        return format_sources(answers, open_turn, self.extras(answers),
                              [t["question"] for t in turns])

    def page_image(self, passage_id: str) -> PageImage | None:
        """The PNG of the page a passage starts on, the passage highlighted, and where
        (cached under PARACITE_HOME/pages, at most page_cache_mb of them, least recently
        used out); None when it is not a stored PDF passage."""
        return self.base.page_image(passage_id)

    def pdf_file(self, doc_id: str) -> Path | None:
        """The stored PDF a document comes from (None for other documents)."""
        doc = self._document(doc_id)
        if doc is None or not is_pdf(doc):
            return None
        path = Path(doc.source)
        return path if path.is_file() else None

    def _document(self, doc_id: str) -> DocumentInfo | None:
        return next((d for d, _ in self.base.documents() if d.id == doc_id), None)

    # -- events -------------------------------------------------------------------------
    def ask(self, question: str, turns: Any, llm: str, docs: list[str] | None
            ) -> Iterator[tuple[Any, ...]]:
        """Answer one question in a conversation: yields (chat, turns, sources, question
        box, Ask button). The box is emptied once, when the question is taken; what is
        typed while the answer is written stays in it (the page script queues it). Ask is
        disabled until the answer is there. An LLM's draft is never shown: the chat says
        it is being checked, and the answer appears once its sentences passed the
        citation check."""
        import gradio as gr

        busy, free = gr.update(interactive=False), gr.update(interactive=True)
        question = (question or "").strip()
        turns = self.turns(turns)
        chat = chat_messages(turns)
        if not question:
            yield chat, turns, self.sources_html(turns), gr_skip(), free
            return
        most = self.base.settings.max_question_chars
        if len(question) > most:  # refused before it is shown or kept anywhere
            chat.append({"role": "assistant", "content": (
                f"⚠ That question is {len(question):,} characters long; questions of up to "
                f"{most:,} characters are answered. Shorten it and ask again.")})
            yield chat, turns, gr_skip(), gr_skip(), free
            return
        notice = INGEST_NOTICE if self.ingesting else ""
        chat.append({"role": "user", "content": md_text(question)})
        chat.append({"role": "assistant", "content": CHECKING})
        yield chat, turns, gr_skip(), "", busy
        try:
            final: Answer | None = None
            checked = ""
            for part in self.assistant(llm or "extractive").stream(
                    question, history=history_pairs(turns), documents=docs or None):
                if isinstance(part, Answer):
                    final = part
                    continue
                checked += part  # an LLM's answerer yields only sentences it verified
                if checked.strip() and llm not in (None, "", "extractive"):
                    chat[-1] = {"role": "assistant",
                                "content": f"{md_text(checked.strip())}\n\n{CHECKING}"}
                    yield chat, turns, gr_skip(), gr_skip(), busy
            assert final is not None
            kept = self.base.settings.ui_turns_kept
            turns = [*turns, new_turn(question, final, notice, key=self.key)][-kept:]
            yield chat_messages(turns), turns, self.sources_html(turns), gr_skip(), free
        except ParaciteError as exc:
            chat[-1] = {"role": "assistant", "content": f"⚠ {md_text(str(exc))}"}
            yield chat, turns, self.sources_html(turns), gr_skip(), free
        except Exception:  # the page must not stay waiting; the error is logged
            log.exception("question not answered: %r", question)
            chat[-1] = {"role": "assistant", "content": "⚠ paracite failed on this "
                        "question (the error is in the server's log). Ask again or rephrase."}
            yield chat, turns, self.sources_html(turns), gr_skip(), free

    def show_turn(self, turns: Any, index: Any) -> str:
        """The sources panel opened at the answer a chat message belongs to."""
        turns = self.turns(turns)
        i = index[0] if isinstance(index, (list, tuple)) else index
        if not isinstance(i, int):
            return self.sources_html(turns)
        return self.sources_html(turns, open_turn=i // 2 + 1)

    def feedback(self, turns: Any, index: Any, liked: Any) -> str:
        """👍/👎 on an answer: appended to PARACITE_HOME/feedback.jsonl, only for an answer
        this server gave (its turn's signature verifies). Returns what to tell the user."""
        i = index[0] if isinstance(index, (list, tuple)) else index
        if (not isinstance(turns, list) or not isinstance(i, int) or isinstance(i, bool)
                or not 0 <= i // 2 < len(turns) or liked in ("", None)):
            return ""
        s = self.base.settings
        t = checked_turn(turns[i // 2], self.key, s.max_question_chars)
        if t is None:
            log.warning("feedback refused: the rated turn was not signed by this server")
            return ("Not saved: this answer is not one this server gave (the conversation "
                    "was changed in the browser). Start a new conversation.")
        verdict = "up" if liked is True or str(liked).lower() in ("like", "true") else "down"
        try:
            self.base.record_feedback(t["question"], Answer.model_validate(t["answer"]),
                                      verdict)
        except ParaciteError as exc:
            return f"Not saved: {without_paths(str(exc))}"
        return "Thank you: your feedback is saved."

    def reset(self) -> tuple[Any, ...]:
        """A new conversation: no history, no sources, no document filter."""
        return [], [], format_sources(None), [], ""

    def choices(self, docs: Sequence[tuple[DocumentInfo, int]] | None = None
                ) -> list[tuple[str, str]]:
        """(label, id) of every document, for the filter and the delete list: people read
        the label, the events get the id."""
        return document_choices(self.base.documents() if docs is None else docs)

    def chip(self, selected: Sequence[str] | None) -> str:
        """The filter chip's text, the documents named by their labels."""
        try:
            labels = document_labels(d for d, _ in self.base.documents())
        except ParaciteError:
            labels = {}
        return filter_chip(selected, labels)

    def status(self, docs: list[tuple[DocumentInfo, int]] | None = None) -> str:
        try:
            docs = self.base.documents() if docs is None else docs
        except ParaciteError as exc:
            return f"⚠ {md_text(str(exc))}"
        n = sum(c for _, c in docs)
        text = (f"Ready · {len(docs)} documents, {n} passages" if docs
                else "Ready · no documents yet: add PDF, Markdown or text files below")
        return text + (" · ingesting uploads …" if self.ingesting else "")

    def suggestions(self) -> list[str]:
        try:
            return list(self.base.suggestions(SUGGESTIONS))[:SUGGESTIONS]
        except ParaciteError as exc:
            log.info("no suggested questions: %s", exc)
            return []

    def delete(self, doc_id: str | None) -> str:
        """Delete a document: its passages, its cached page images, and its file when it
        was uploaded here (``Assistant.delete_document`` does all three)."""
        if not doc_id:
            return "Choose a document to delete."
        try:
            docs = self.base.documents()
            report = self.base.delete_document(doc_id)
        except ParaciteError as exc:
            return f"✘ {md_text(without_paths(str(exc)))}"
        label = document_labels(d for d, _ in docs).get(doc_id, doc_id)
        gone = " and its uploaded file" if report.file_removed else ""
        return f"✔ {md_text(label)} deleted: {report.passages} passages{gone}."

    def delete_question(self, doc_id: str | None) -> str:
        docs = self.base.documents()
        counts = {d.id: n for d, n in docs}
        if not doc_id or doc_id not in counts:
            return "Choose a document to delete."
        doc = next(d for d, _ in docs if d.id == doc_id)
        label = document_labels(d for d, _ in docs)[doc_id]
        title = f" ({md_text(doc.title)})" if doc.symbol else ""
        return (f"Delete **{md_text(label)}**{title} and its {counts[doc_id]:,} passages from "
                "the store? Answers will no longer cite it; an uploaded file is deleted too. "
                "Earlier answers keep its text.")
