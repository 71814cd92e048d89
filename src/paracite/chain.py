"""The conversational chain as an LCEL Runnable: read the question (a follow-up made
standalone) → retrieve → answer (an LLM answerer verifies what its model wrote).

A question that leans on the previous turn ("and from which country?") is rewritten into a
standalone question first (``conversation.py``: deterministically, or by the LLM's condense
prompt when an LLM answers); any other question is taken as asked. The question is then
read once into a :class:`~paracite.text.query.Query` (terms, mended spellings, type, names,
its vector) that retrieval and the answerer share.

``AnswerPipeline`` holds the parts (settings, retriever, answerer, condenser) and its
``runnable`` joins the three steps: ``read`` and ``retrieve`` (``RunnableLambda``s; the
retriever is called through its ``invoke``) and ``answer`` (:class:`AnswerStep`: the whole
answer on ``invoke``, its pieces as they are written on ``stream``). ``run`` and ``stream``
(what ``Assistant.ask`` and ``Assistant.stream`` call) both go through it, as
``paracite.chain()`` does.

The Runnable's input is ``{"question": str, "chat_history": [...], "documents": [...]}``
(only the question is needed; the question alone, as a string, will do): the history as
LangChain messages (a human message, then the AI message that answered it) or as
(question, answer text) pairs; ``documents``, ids to search within. Its output is
``{"answer": Answer, "text": answer.text}``; streamed, ``{"delta": piece}`` chunks (the
answer's text as it is written and verified) and then one ``{"answer", "text"}`` chunk, so
the chunks added up hold the same two keys as ``invoke`` gives (and ``delta``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

from langchain_core.messages import BaseMessage
from langchain_core.runnables import Runnable, RunnableConfig, RunnableLambda, RunnableSequence
from langchain_core.runnables.utils import AddableDict

from paracite.conversation import History, Turn, read_turn
from paracite.documents import Answer
from paracite.errors import NotFoundError, QuestionError
from paracite.retrieve import HybridRetriever, Retrieved, document_to_retrieved
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


def history_of(chat_history: Sequence[Any]) -> History:
    """(question, answer text) pairs from a chat history: LangChain messages (each human
    message with the AI message after it; system messages are left out) or pairs already.

    >>> from langchain_core.messages import AIMessage, HumanMessage
    >>> history_of([HumanMessage("Who opened it?"), AIMessage("The Chair. [1]")])
    [('Who opened it?', 'The Chair. [1]')]
    >>> history_of([("Who opened it?", "The Chair. [1]")])
    [('Who opened it?', 'The Chair. [1]')]
    """
    pairs: list[tuple[str, str]] = []
    question: str | None = None
    for item in chat_history:
        if not isinstance(item, BaseMessage):
            q, a = item
            pairs.append((str(q), str(a)))
        elif item.type == "human":
            question = item.text
        elif item.type == "ai" and question is not None:
            pairs.append((question, item.text))
            question = None
    return pairs


def chain_input(question: str, history: History = (),
                documents: Sequence[str] | None = None) -> dict[str, Any]:
    """The Runnable's input for a question, its conversation and its document filter."""
    return {"question": question, "chat_history": list(history),
            "documents": list(documents) if documents is not None else None}


@dataclass(frozen=True)
class Step:
    """What a turn knows between the chain's steps: the question read against the
    conversation, the document filter, when the turn began and what was retrieved."""

    query: Query
    turn: Turn
    documents: list[str] | None
    started: float
    retrieved: tuple[Retrieved, ...] = ()


def _output(ans: Answer) -> dict[str, Any]:
    return AddableDict(answer=ans, text=ans.text)


def _pieces(text: str) -> list[str]:
    """An answer given whole, in the pieces a stream shows: one a cited sentence."""
    return [piece + " " for piece in re.split(r"(?<=\])\s+", text)]


class AnswerStep(Runnable[Step, dict[str, Any]]):
    """The chain's answer step: ``invoke`` asks the answerer for the answer; ``stream``
    for its pieces as the answerer writes them (one that cannot stream: its answer, in
    pieces), then the answer. The parts are the pipeline's, read at each call."""

    name = "answer"

    def __init__(self, pipeline: AnswerPipeline) -> None:
        self.pipeline = pipeline

    def invoke(self, input: Step, config: RunnableConfig | None = None,  # noqa: A002
               **kwargs: Any) -> dict[str, Any]:
        return self._call_with_config(self._answer, input, config)

    def stream(self, input: Step, config: RunnableConfig | None = None,  # noqa: A002
               **kwargs: Any | None) -> Iterator[dict[str, Any]]:
        yield from self.transform(iter([input]), config, **kwargs)

    def transform(self, input: Iterator[Step],  # noqa: A002
                  config: RunnableConfig | None = None,
                  **kwargs: Any | None) -> Iterator[dict[str, Any]]:
        yield from self._transform_stream_with_config(input, self._stream, config)

    def _answer(self, step: Step) -> dict[str, Any]:
        p = self.pipeline
        query, turn = step.query, step.turn
        if turn.unresolved:
            ans = Answer.unclear(query.text, turn.unresolved, turn.person)
        elif not step.retrieved:
            ans = Answer.refusal(query.text)
        else:
            ans = p.answerer.answer(query, list(step.retrieved), p.stats)
        return _output(p.finish(ans, step))

    def _stream(self, steps: Iterator[Step]) -> Iterator[dict[str, Any]]:
        *_, step = steps
        streamer = getattr(self.pipeline.answerer, "stream_answer", None)
        if streamer is None or step.turn.unresolved or not step.retrieved:
            out = self._answer(step)
            # a streaming answerer's own words come in pieces; what it did not write (a
            # pronoun that refers to no one, nothing retrieved) comes whole
            text = out["answer"].text
            for piece in _pieces(text) if streamer is None else [text]:
                yield AddableDict(delta=piece)
            yield out
            return
        final: Answer | None = None
        for part in streamer(step.query, list(step.retrieved), self.pipeline.stats):
            if isinstance(part, Answer):
                final = part
            else:
                yield AddableDict(delta=part)
        assert final is not None
        yield _output(self.pipeline.finish(final, step))


class AnswerPipeline:
    """One conversational turn, from question to verified, cited answer: the question read
    (a follow-up made standalone), passages retrieved, the answerer asked. The Assistant
    holds one (``Assistant.chain``); ``runnable`` is the same turn as an LCEL Runnable."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, answerer: Answerer,
                 condenser: object | None = None) -> None:
        self.settings = settings
        self.retriever = retriever
        self.answerer = answerer
        self.condenser = condenser  # an LLM condenser (callable), or None: deterministic
        self._runnable: Runnable[str | dict[str, Any], dict[str, Any]] | None = None

    @property
    def stats(self) -> TermStats:
        """The term statistics of the store (the answerer weighs by them)."""
        return self.retriever.store.lexicon  # type: ignore[no-any-return]

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
        query = Query.read(q, self.stats, turn.standalone)
        if turn.unresolved:  # not searched: nothing to embed
            return query, docs, turn
        return (query.with_vector(self.retriever.embedder.embed_query(turn.standalone)),
                docs, turn)

    def finish(self, ans: Answer, step: Step) -> Answer:
        """The answer with the question, its standalone form, who answered and how long
        the turn took."""
        # the answerer's name, unless the answer names who made it (the extractive answer
        # an LLM answerer gives when its model fails)
        llm = ans.llm if "llm" in ans.model_fields_set else self.answerer.name
        return ans.model_copy(update={"question": step.query.text,
                                      "standalone_question": step.query.standalone,
                                      "llm": llm,
                                      "seconds": round(time.perf_counter() - step.started,
                                                       4)})

    # -- the steps, as the Runnable calls them ---------------------------------------------
    def _read_step(self, value: str | dict[str, Any]) -> Step:
        started = time.perf_counter()
        if isinstance(value, str):
            value = {"question": value}
        query, docs, turn = self.read(str(value.get("question") or ""),
                                      history_of(value.get("chat_history") or ()),
                                      value.get("documents"))
        return Step(query, turn, docs, started)

    def _retrieve_step(self, step: Step, config: RunnableConfig) -> Step:
        if step.turn.unresolved:  # nothing to search for
            return step
        found = self.retriever.invoke(step.query.standalone, config,
                                      documents=step.documents, read=step.query)
        return replace(step, retrieved=tuple(document_to_retrieved(d) for d in found))

    @property
    def runnable(self) -> Runnable[str | dict[str, Any], dict[str, Any]]:
        """The turn as an LCEL Runnable named "paracite" (read → retrieve → answer); see
        the module's docstring for its input and output."""
        if self._runnable is None:
            self._runnable = RunnableSequence(
                RunnableLambda(self._read_step, name="read"),
                RunnableLambda(self._retrieve_step, name="retrieve"),
                AnswerStep(self), name="paracite")
        return self._runnable

    def run(self, question: str, history: History = (),
            documents: Sequence[str] | None = None) -> Answer:
        answer: Answer = self.runnable.invoke(chain_input(question, history, documents))[
            "answer"]
        return answer

    def stream(self, question: str, history: History = (),
               documents: Sequence[str] | None = None) -> Iterator[str | Answer]:
        """Text pieces as they are ready, then the final Answer."""
        for chunk in self.runnable.stream(chain_input(question, history, documents)):
            if "delta" in chunk:
                yield chunk["delta"]
            if "answer" in chunk:
                yield chunk["answer"]
