"""LLM answerers through LangChain chat models: OpenAI-compatible servers or a local model.

- ``"local"``: the packaged Qwen2.5-Coder-1.5B-Instruct (``packaged.py``), run in this
  process by llama-cpp-python (``pip install 'paracite[local]'``).
- ``"openai:<model>"``: any OpenAI-compatible endpoint (``paracite serve-llm``, llama.cpp's
  server, Ollama, vLLM, OpenAI), base URL and key from settings.
- ``"mixed"`` / ``"mixed:openai:<model>"``: the extractive answerer picks the statements
  and the model only phrases the answer from them (:class:`MixedAnswerer`).
- any LangChain ``BaseChatModel`` instance (tests pass LangChain's fake chat models, which
  go through exactly the same path as a real model).

Passages go into the prompt as data (``<passage>`` elements, with ``<`` escaped inside),
and every answer goes through :mod:`paracite.answer.verify` before anyone sees it. When the
model fails (server down, too slow), the extractive answer is given with a notice saying so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

from paracite import prompts
from paracite.answer.extractive import REFUSAL, ExtractiveAnswerer, refusal
from paracite.answer.guard import neutralise
from paracite.answer.verify import Verified, verify
from paracite.conversation import History, condense
from paracite.documents import Answer, Passage
from paracite.errors import ConfigError, ExtraMissingError, LLMError
from paracite.retrieve import Retrieved
from paracite.settings import Settings
from paracite.text.query import Query
from paracite.text.sentences import split_sentences
from paracite.text.stats import TermStats

log = logging.getLogger(__name__)

MAX_SENTENCES = 3
_STOP = ["\n\n\n", "Question:", "<passage", "<statement"]
# Where a sentence of a streamed answer ends: after '.', '!', '?' or its last marker, before
# the next sentence's first letter (not before another marker: "[1] [2]").
_SENTENCE_END = re.compile(r"(?<=[.!?\]])\s+(?=[^\s\[a-z])")


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
    """The answer prompt's messages (``prompts/answer.*.txt``) for ``question``."""
    return prompts.template("answer").format_messages(
        refusal=REFUSAL, max_sentences=MAX_SENTENCES, passages=format_passages(passages),
        question=question)


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
            raise ExtraMissingError("the openai answerer needs langchain-openai: "
                              "pip install 'paracite[openai]'") from exc
        from pydantic import SecretStr

        cap = settings.llm_max_tokens
        # langchain-openai sends the cap as max_completion_tokens, which llama.cpp's server
        # ignores; servers other than OpenAI's get max_tokens as well.
        extra = {"max_tokens": cap} if settings.openai_base_url else None
        return ChatOpenAI(model=spec.split(":", 1)[1], base_url=settings.openai_base_url,
                          api_key=SecretStr(settings.openai_api_key or "not-needed"),
                          temperature=settings.llm_temperature, max_completion_tokens=cap,
                          extra_body=extra, timeout=settings.llm_timeout, max_retries=0)
    raise ConfigError(f"unknown answerer {spec!r}: use 'extractive', 'local', "
                      "'openai:<model>', 'mixed' or 'mixed:openai:<model>'")


def model_name(model: Any) -> str:
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def failure(exc: Exception, settings: Settings) -> LLMError:
    """One message a user can act on, whatever the model's client raised."""
    if isinstance(exc, LLMError):
        return exc
    kind = type(exc).__name__
    if "Timeout" in kind:
        return LLMError(f"the language model took longer than {settings.llm_timeout:g} s "
                        "(PARACITE_LLM_TIMEOUT) to answer")
    if "Connection" in kind or isinstance(exc, ConnectionError):
        where = settings.openai_base_url or "the configured server"
        return LLMError(f"the language model server at {where} cannot be reached: is it "
                        "running? (`paracite serve-llm` starts the local one)")
    return LLMError(f"the language model failed: {kind}: {exc}")


def _notice(why: Exception | str) -> str:
    text = str(why)
    return f"{text[:1].upper()}{text[1:]}: this is the extractive answer instead."


class LLMAnswerer:
    """Answers written by a chat model from the top passages, then verified against them.
    When the model fails, the extractive answer is given with a notice."""

    def __init__(self, model: Any, settings: Settings) -> None:
        self.model = model
        self.settings = settings
        self.name = f"llm:{model_name(model)}"
        self.fallback = ExtractiveAnswerer(settings)

    def _messages(self, query: Query, retrieved: Sequence[Retrieved]) -> list[Any]:
        return messages_for(query.standalone, [r.passage for r in retrieved])

    def pick(self, query: Query, retrieved: Sequence[Retrieved],
             index: TermStats) -> list[Retrieved]:
        """The passages the model reads: those holding the extractive answerer's best
        sentences, best first (a small model reads few; the retriever's first few may miss
        the paragraph whose one sentence answers), then the retriever's order."""
        out: list[Retrieved] = []
        by_id = {r.passage.id: r for r in retrieved}
        for c in self.fallback.score(query, retrieved, index):
            r = by_id[c.sentence.passage.id]
            if r not in out:
                out.append(r)
            if len(out) == self.settings.llm_passages:
                return out
        return out + [r for r in retrieved if r not in out][: self.settings.llm_passages
                                                              - len(out)]

    def _invoke(self, messages: list[Any]) -> str:
        try:
            reply = self.model.invoke(messages, stop=_STOP)
        except Exception as exc:  # network errors, server errors: one message for users
            raise failure(exc, self.settings) from exc
        return str(getattr(reply, "content", reply))

    def _instead(self, exc: LLMError, query: Query, retrieved: Sequence[Retrieved],
                 index: TermStats) -> Answer:
        log.warning("%s; giving the extractive answer", exc)
        ans = self.fallback.answer(query, retrieved, index)
        return ans.model_copy(update={"llm": "extractive", "notice": _notice(exc)})

    def check(self, text: str, passages: Sequence[Passage], query: Query,
              index: TermStats | None) -> Verified:
        """``text`` as verification keeps it, against ``passages`` ([n] is passages[n-1])."""
        s = self.settings
        return verify(text, passages, s.min_support, s.min_support_unmarked, index,
                      query.standalone)

    def finish(self, query: Query, raw: str, retrieved: Sequence[Retrieved],
               index: TermStats | None = None) -> Answer:
        if REFUSAL.lower().rstrip(".") in raw.lower():
            return refusal(query.text, retrieved, self.settings.see_also)
        checked = self.check(raw, [r.passage for r in retrieved], query, index)
        if not checked.citations:
            ans = refusal(query.text, retrieved, self.settings.see_also)
            return ans.model_copy(update={"flagged": checked.flagged})
        return Answer(question=query.text, text=checked.text, found=True,
                      citations=checked.citations, flagged=checked.flagged)

    def answer(self, query: Query, retrieved: Sequence[Retrieved],
               index: TermStats) -> Answer:
        picked = self.pick(query, retrieved, index)
        try:
            raw = self._invoke(self._messages(query, picked))
        except LLMError as exc:  # the extractive answer, from everything retrieved
            return self._instead(exc, query, retrieved, index)
        log.debug("raw LLM answer: %r", raw)
        return self.finish(query, raw, picked, index)

    def stream_answer(self, query: Query, retrieved: Sequence[Retrieved],
                      index: TermStats) -> Iterator[str | Answer]:
        """The answer's text as its sentences are written and verified (numbered as in the
        final answer; a sentence the cited passage does not support is never yielded),
        then the whole Answer."""
        picked = self.pick(query, retrieved, index)
        passages = [r.passage for r in picked]
        pending, shown = "", ""
        done: list[str] = []
        pieces: list[str] = []
        try:
            for chunk in self.model.stream(self._messages(query, picked), stop=_STOP):
                text = str(getattr(chunk, "content", chunk))
                pieces.append(text)
                *finished, pending = _SENTENCE_END.split(pending + text)
                if finished:
                    done += finished
                    shown, new = self._grown(shown, " ".join(done), passages, query, index)
                    if new:
                        yield new
        except Exception as exc:
            yield self._instead(failure(exc, self.settings), query, retrieved, index)
            return
        if pending.strip():
            _, new = self._grown(shown, " ".join([*done, pending]), passages, query, index)
            if new:
                yield new
        yield self.finish(query, "".join(pieces), picked, index)

    def _grown(self, shown: str, text: str, passages: Sequence[Passage], query: Query,
               index: TermStats) -> tuple[str, str]:
        """The verified text of ``text``, and what of it is new after ``shown`` ('' when
        nothing is, or when verification renumbered what was shown)."""
        now = self.check(text, passages, query, index).text
        if len(now) > len(shown) and now.startswith(shown):
            return now, now[len(shown):].lstrip() + " "
        return shown, ""


class MixedAnswerer(LLMAnswerer):
    """The extractive answerer picks the statements; the model only phrases the answer
    from them (a short prompt: a few seconds on a CPU). A refusal or an uncertain answer of
    the extractive answerer is given as it is, without asking the model; a phrasing that
    does not pass verification gives the extractive answer."""

    def __init__(self, model: Any, settings: Settings) -> None:
        super().__init__(model, settings)
        self.name = f"mixed:{model_name(model)}"

    @staticmethod
    def statements(ans: Answer) -> str:
        return "\n".join(
            f'<statement n="{c.marker}">{_escape(neutralise(" ".join(c.quote) or c.text))}'
            "</statement>" for c in ans.citations)

    def _messages_for(self, query: Query, ans: Answer) -> list[Any]:
        return prompts.template("mixed").format_messages(
            refusal=REFUSAL, statements=self.statements(ans), question=query.standalone)

    def _phrase(self, query: Query, ans: Answer, raw: str,
                retrieved: Sequence[Retrieved], index: TermStats | None) -> Answer:
        by_id = {r.passage.id: r.passage for r in retrieved}
        passages = [by_id[c.passage_id] for c in ans.citations if c.passage_id in by_id]
        if len(passages) != len(ans.citations) or REFUSAL.lower().rstrip(".") in raw.lower():
            return ans
        checked = self.check(raw, passages, query, index)
        if not checked.citations:
            return ans.model_copy(update={"flagged": checked.flagged})
        return ans.model_copy(update={"text": checked.text, "citations": checked.citations,
                                      "flagged": checked.flagged})

    def answer(self, query: Query, retrieved: Sequence[Retrieved],
               index: TermStats) -> Answer:
        ans = self.fallback.answer(query, retrieved, index)
        if not ans.found or ans.uncertain:
            return ans
        try:
            raw = self._invoke(self._messages_for(query, ans))
        except LLMError as exc:
            return ans.model_copy(update={"llm": "extractive", "notice": _notice(exc)})
        return self._phrase(query, ans, raw, retrieved, index)

    def stream_answer(self, query: Query, retrieved: Sequence[Retrieved],
                      index: TermStats) -> Iterator[str | Answer]:
        ans = self.answer(query, retrieved, index)
        for sentence in split_sentences(ans.text):
            yield sentence + " "
        yield ans


class ExtractiveInstead(ExtractiveAnswerer):
    """The extractive answerer standing in for an LLM answerer that cannot run here (its
    optional extra is missing): every answer says so."""

    def __init__(self, settings: Settings, why: str) -> None:
        super().__init__(settings)
        self.notice = _notice(why)

    def answer(self, query: Query, retrieved: Sequence[Retrieved], stats: TermStats) -> Answer:
        return super().answer(query, retrieved, stats).model_copy(
            update={"notice": self.notice})


def answerer_for(spec: Any, settings: Settings) -> tuple[LLMAnswerer, LLMCondenser | None]:
    """The LLM answerer for ``spec`` ("local", "openai:<model>", "mixed", "mixed:<spec>",
    or a chat model instance) and its condenser of follow-ups (mixed: the deterministic
    rewrite, so that a question costs one short model call)."""
    if isinstance(spec, str) and (spec == "mixed" or spec.startswith("mixed:")):
        model = chat_model(spec.partition(":")[2] or "local", settings)
        return MixedAnswerer(model, settings), None
    model = chat_model(spec, settings)
    return LLMAnswerer(model, settings), LLMCondenser(model, settings)


class LLMCondenser:
    """Rewrites a follow-up into a standalone question with the condense prompt."""

    def __init__(self, model: Any, settings: Settings) -> None:
        self.model = model
        self.settings = settings

    def __call__(self, question: str, history: History) -> str:
        turns = "\n".join(f"Q: {q}\nA: {a}" for q, a in list(history)[-3:])
        try:
            reply = self.model.invoke(prompts.template("condense").format_messages(
                history=turns, question=question), stop=["\n"])
            text = str(getattr(reply, "content", reply)).strip().splitlines()
        except Exception as exc:
            log.warning("condense failed (%s); using the deterministic rewrite", exc)
            text = []
        standalone = text[0].strip() if text else ""
        if not standalone or len(standalone) > self.settings.max_question_chars:
            return condense(question, history)
        return standalone
