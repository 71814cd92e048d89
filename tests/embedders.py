"""Embedders for the test session.

- ``CachingEmbedder``: the real packaged model, but each distinct text is embedded once
  per session (same text → same vector): the forty-odd ingests of the same two records
  across the suite cost one embedding pass. The vectors are also kept between runs in
  ``.pytest_cache/paracite-embeddings.pkl`` (keyed by the embedder's identity, which holds
  its weights' hash), so the inner loop does not embed the records again; a fresh clone
  (CI) starts without it. It is what ``paracite.Assistant`` builds in
  tests (conftest patches it in), so every Assistant a test makes, the CLI called
  in-process included, shares the one loaded model and the one cache.
- ``HashEmbedder``: a deterministic stand-in (sha256 of the text → a 384-d unit vector),
  for tests of ingest bookkeeping where meaning does not matter. Its identity is its own,
  so a store made with it is never read with the real model by mistake.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import threading
from collections.abc import Sequence
from pathlib import Path

from paracite.embed import Embedder, EmbedderIdentity, ProgressFn
from paracite.settings import Settings

DIMS = 384
_CACHE: dict[tuple[EmbedderIdentity, str], list[float]] = {}
_CACHE_LOCK = threading.Lock()
_SAVED = Path(__file__).resolve().parents[1] / ".pytest_cache" / "paracite-embeddings.pkl"
_LOADED = [0]  # entries read from _SAVED (nothing new: nothing to write)


def load_saved() -> None:
    """Read the vectors an earlier run kept (a damaged or missing file: none)."""
    try:
        with _SAVED.open("rb") as f:
            saved = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
        return
    with _CACHE_LOCK:
        _CACHE.update(saved)
        _LOADED[0] = len(_CACHE)


def save() -> None:
    """Keep this run's vectors for the next one (written whole, then moved in place)."""
    with _CACHE_LOCK:
        if len(_CACHE) == _LOADED[0]:
            return
        data = dict(_CACHE)
    with contextlib.suppress(OSError):
        _SAVED.parent.mkdir(parents=True, exist_ok=True)
        tmp = _SAVED.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _SAVED)


def _chunks(settings: Settings, n: int, progress: ProgressFn | None) -> None:
    """Progress calls as the real embedder makes them: after each chunk of batches."""
    if progress is None:
        return
    chunk = settings.embed_batch_size * settings.embed_chunk_batches
    for start in range(0, n, chunk):
        progress(min(start + chunk, n), n)


class CachingEmbedder(Embedder):
    """The real model, each distinct (embedder, text) embedded once per test session."""

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None
              ) -> list[list[float]]:
        self._load()  # as the real one: after a call, its model is loaded (shared, cheap)
        ident = self.identity()
        limit = self.settings.max_embed_chars
        keys = [t[:limit] for t in texts]
        with _CACHE_LOCK:
            missing = list(dict.fromkeys(k for k in keys if (ident, k) not in _CACHE))
        if missing:
            vectors = super().embed(missing)
            with _CACHE_LOCK:
                for k, v in zip(missing, vectors, strict=True):
                    _CACHE[(ident, k)] = v
        _chunks(self.settings, len(texts), progress)
        with _CACHE_LOCK:
            return [list(_CACHE[(ident, k)]) for k in keys]


class HashEmbedder:
    """sha256(text) → a fixed 384-d unit vector. Same text, same vector; different texts
    are nearly orthogonal. Loads nothing."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.calls = 0

    @property
    def name(self) -> str:
        return "hash-384"

    def identity(self) -> EmbedderIdentity:
        return EmbedderIdentity("hash-384", "tests.embedders", "sha256")

    @staticmethod
    def vector(text: str) -> list[float]:
        import numpy as np

        seed = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "little")
        v = np.random.default_rng(seed).standard_normal(DIMS)
        return (v / np.linalg.norm(v)).tolist()

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None
              ) -> list[list[float]]:
        self.calls += 1
        out = [self.vector(t[: self.settings.max_embed_chars]) for t in texts]
        _chunks(self.settings, len(texts), progress)
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed([text])[0]
