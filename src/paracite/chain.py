"""The answer pipeline (``AnswerPipeline``): read the question → retrieve → answer (an
LLM answerer verifies what its model wrote).

A question that leans on the previous turn ("and from which country?") is rewritten into a
standalone question first (``conversation.py``: deterministically, or by the LLM's condense
prompt when an LLM answers); any other question is taken as asked. The question is then
read once into a :class:`~paracite.text.query.Query` (terms, mended spellings, type, names,
its vector) that retrieval and the answerer share.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Protocol

from paracite.conversation import History, Turn, read_turn
from paracite.documents import Answer
from paracite.errors import NotFoundError, QuestionError
from paracite.retrieve import HybridRetriever, Retrieved
from paracite.settings import Settings
from paracite.text.query import Query
from paracite.text.stats import TermStats


class Answerer(Protocol):
    name: str

    def answer(self, query: Query, retrieved: Sequence[Retrieved],
               stats: TermStats) -> Answer: ...


def check_question(question: str, settings: Settings) -> str:
    q = (question or "").strip()
    if not q:
        raise QuestionError("The question is empty: type a question about the records.")
    if len(q) > settings.max_question_chars:
        raise QuestionError(f"The question is {len(q):,} characters long; ask in at most "
                            f"{settings.max_question_chars:,} (PARACITE_MAX_QUESTION_CHARS).")
    if not re.search(r"\w", q):
        raise QuestionError("The question has no words in it: type a question about the "
                            "records.")
    return q


def check_documents(documents: Sequence[str] | None, known: frozenset[str]) -> list[str] | None:
    """The document filter as a list (None: all documents), or NotFoundError naming the
    ids that are not in the store, so a typo is not answered 'the records do not answer'.

    >>> check_documents(["report"], frozenset({"agenda", "report"}))
    ['report']
    >>> check_documents(["nosuch"], frozenset({"agenda", "report"}))
    Traceback (most recent call last):
    ...
    paracite.errors.NotFoundError: no such document 'nosuch' (documents: agenda, report)
    """
    if not documents:
        return None
    docs = list(dict.fromkeys(documents))
    unknown = [d for d in docs if d not in known]
    if unknown:
        names = sorted(known)
        listed = ", ".join(names[:20]) + (f", … ({len(names)} in all)" if len(names) > 20
                                          else "")
        what = (f"no such document {unknown[0]!r}" if len(unknown) == 1 else
                "no such documents " + ", ".join(repr(d) for d in unknown))
        raise NotFoundError(f"{what} (documents: {listed or 'none; run paracite ingest'})")
    return docs


class AnswerPipeline:
    """One conversational turn, from question to verified, cited answer: the question read
    (a follow-up made standalone), passages retrieved, the answerer asked. Not a LangChain
    chain or Runnable: a plain class the Assistant holds (``Assistant.chain``)."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, answerer: Answerer,
                 condenser: object | None = None) -> None:
        self.settings = settings
        self.retriever = retriever
        self.answerer = answerer
        self.condenser = condenser  # an LLM condenser (callable), or None: deterministic

    def turn(self, question: str, history: History) -> Turn:
        """The question read against the conversation: a follow-up rewritten by rules, or
        by the LLM's condense prompt when an LLM answers; a pronoun with nothing to refer to
        is left unresolved (no model is asked to guess it)."""
        turn = read_turn(question, history)
        if self.condenser is not None and turn.follow_up and not turn.unresolved:
            condensed = str(self.condenser(question, history))  # type: ignore[operator]
            return replace(turn, standalone=condensed)
        return turn

    def standalone(self, question: str, history: History) -> str:
        return self.turn(question, history).standalone

    def read(self, question: str, history: History,
             documents: Sequence[str] | None) -> tuple[Query, list[str] | None, Turn]:
        """Check the question and the document filter, and read the question once."""
        q = check_question(question, self.settings)
        docs = check_documents(documents, self.retriever.store.document_ids())
        turn = self.turn(q, history)
        query = Query.read(q, self.retriever.store.keyword, turn.standalone)
        if turn.unresolved:  # not searched: nothing to embed
            return query, docs, turn
        return (query.with_vector(self.retriever.embedder.embed_query(turn.standalone)),
                docs, turn)

    def _finish(self, ans: Answer, query: Query, t0: float) -> Answer:
        # the answerer's name, unless the answer names who made it (the extractive answer
        # an LLM answerer gives when its model fails)
        llm = ans.llm if "llm" in ans.model_fields_set else self.answerer.name
        return ans.model_copy(update={"question": query.text,
                                      "standalone_question": query.standalone,
                                      "llm": llm,
                                      "seconds": round(time.perf_counter() - t0, 4)})

    def run(self, question: str, history: History = (),
            documents: Sequence[str] | None = None) -> Answer:
        t0 = time.perf_counter()
        query, docs, turn = self.read(question, history, documents)
        if turn.unresolved:
            return self._finish(Answer.unclear(query.text, turn.unresolved, turn.person),
                                query, t0)
        retrieved = self.retriever.search(query, documents=docs)
        if not retrieved:
            ans = Answer.refusal(query.text)
        else:
            ans = self.answerer.answer(query, retrieved, self.retriever.store.keyword)
        return self._finish(ans, query, t0)

    def stream(self, question: str, history: History = (),
               documents: Sequence[str] | None = None) -> Iterator[str | Answer]:
        """Text pieces as they are ready, then the final Answer."""
        streamer = getattr(self.answerer, "stream_answer", None)
        if streamer is None:
            ans = self.run(question, history, documents)
            for piece in re.split(r"(?<=\])\s+", ans.text):
                yield piece + " "
            yield ans
            return
        t0 = time.perf_counter()
        query, docs, turn = self.read(question, history, documents)
        if turn.unresolved:
            unclear = Answer.unclear(query.text, turn.unresolved, turn.person)
            yield unclear.text
            yield self._finish(unclear, query, t0)
            return
        retrieved = self.retriever.search(query, documents=docs)
        final: Answer | None = None
        for part in streamer(query, retrieved, self.retriever.store.keyword):
            if isinstance(part, Answer):
                final = part
            else:
                yield part
        assert final is not None
        yield self._finish(final, query, t0)
