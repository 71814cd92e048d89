"""The conversational chain: condense question → retrieve → answer → verify.

Follow-ups ("and from which country?") are rewritten into a standalone question before
retrieval. Without an LLM this is deterministic: the follow-up keeps its own words and
borrows the previous question's words and the names the previous answer gave.
With an LLM answerer the condense prompt does it (see ``answer/llm.py``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from typing import Protocol

from paracite.answer.extractive import refusal
from paracite.answer.text import content_terms
from paracite.documents import Answer
from paracite.errors import NotFoundError, QuestionError
from paracite.retrieve import HybridRetriever, Retrieved
from paracite.settings import Settings
from paracite.store import KeywordIndex

History = Sequence[tuple[str, str]]

_PRONOUNS = re.compile(r"\b(?:he|she|his|her|him|they|them|their|it|its|this|that|these|"
                       r"those|there|then|same|such)\b", re.I)
_FOLLOW_START = re.compile(r"^\s*(?:and|but|also|what about|how about|why|so)\b", re.I)
_MARKER = re.compile(r"\s*\[\d+\]")
_ENTITY = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]\.)(?:\s+(?:of\s+the\s+|of\s+)?(?:[A-Z][a-z]+|"
                     r"[A-Z]\.))+|\(([A-Z][A-Za-z ]+)\)")
_FOLLOW_MAX_TERMS = 3  # a question with this few content words leans on the previous turn


class Answerer(Protocol):
    name: str

    def answer(self, question: str, retrieved: Sequence[Retrieved], index: KeywordIndex,
               primary: str | None = None) -> Answer: ...


def is_follow_up(question: str, history: History) -> bool:
    """Does the question lean on the conversation so far?"""
    if not history:
        return False
    return bool(_PRONOUNS.search(question) or _FOLLOW_START.search(question)
                or len(content_terms(question)) <= _FOLLOW_MAX_TERMS)


def answer_entities(answer: str, limit: int = 6) -> list[str]:
    """Names an answer gave ('Erik Planken', 'Netherlands'), markers stripped."""
    text = _MARKER.sub("", answer)
    found: list[str] = []
    for m in _ENTITY.finditer(text):
        name = (m.group(1) or m.group(0)).strip()
        if name not in found and name.split()[0] not in ("The", "In", "At", "On", "A"):
            found.append(name)
    return found[:limit]


def condense(question: str, history: History) -> str:
    """Deterministic standalone question for a follow-up.

    >>> condense("and from which country?",
    ...          [("Who was elected Rapporteur?", "Erik Planken (Netherlands) took up ...")])
    'and from which country? (Who was elected Rapporteur? Erik Planken; Netherlands)'
    """
    if not is_follow_up(question, history):
        return question
    prev_q, prev_a = history[-1]
    names = answer_entities(prev_a)
    context = prev_q + (" " + "; ".join(names) if names else "")
    return f"{question} ({context})"


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


class Chain:
    """One conversational turn, from question to verified, cited answer."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, answerer: Answerer,
                 condenser: object | None = None) -> None:
        self.settings = settings
        self.retriever = retriever
        self.answerer = answerer
        self.condenser = condenser  # an LLM condenser (callable), or None: deterministic

    def standalone(self, question: str, history: History) -> str:
        if self.condenser is not None and history and is_follow_up(question, history):
            return str(self.condenser(question, history))  # type: ignore[operator]
        return condense(question, history)

    def run(self, question: str, history: History = (),
            documents: Sequence[str] | None = None) -> Answer:
        t0 = time.perf_counter()
        q = check_question(question, self.settings)
        docs = check_documents(documents, self.retriever.store.document_ids())
        standalone = self.standalone(q, history)
        retrieved = self.retriever.search(standalone, documents=docs)
        index = self.retriever.store.keyword
        if not retrieved:
            ans = refusal(q, [], self.settings.see_also)
        else:
            primary = q if standalone != q else None
            ans = self.answerer.answer(standalone, retrieved, index, primary=primary)
        return ans.model_copy(update={"question": q, "standalone_question": standalone,
                                      "llm": self.answerer.name,
                                      "seconds": round(time.perf_counter() - t0, 4)})

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
        q = check_question(question, self.settings)
        docs = check_documents(documents, self.retriever.store.document_ids())
        standalone = self.standalone(q, history)
        retrieved = self.retriever.search(standalone, documents=docs)
        final: Answer | None = None
        for part in streamer(standalone, retrieved, self.retriever.store.keyword):
            if isinstance(part, Answer):
                final = part
            else:
                yield part
        assert final is not None
        yield final.model_copy(update={"question": q, "standalone_question": standalone,
                                       "llm": self.answerer.name,
                                       "seconds": round(time.perf_counter() - t0, 4)})
