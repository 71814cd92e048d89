"""The reader: re-ranks the answerer's top candidate sentences and says how likely the best
one answers the question.

A candidate's logit is a small network over its features (``features.py``: the answerer's
own evidence, the kinds it carries, the question's kind) plus a learned weighting of the
element-wise product of the question's and the sentence's vectors (a cosine whose
dimensions are weighed for answering, not for topic). A "none of these" option has a logit
of its own, from the question's kind and the features of the answerer's first candidate
(how well the best match by words and meaning covers the question); a softmax over none +
candidates gives each candidate's probability of being the answering sentence, and
1 − p(none) the probability that the question is answered here at all. Trained listwise
(``train.py``) on questions written from dev documents only. Runs in numpy: a few hundred
microseconds a question.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from paracite.reader.features import Group

WEIGHTS = Path(__file__).with_name("reader.npz")
PARAMS = ("w1", "b1", "w2", "v", "u", "c", "a")


@dataclass(frozen=True)
class Reading:
    """The reader's view of one question: candidate order (indexes into the candidates it
    was given, best first), each candidate's probability, and p(answered here)."""

    order: tuple[int, ...]
    probs: tuple[float, ...]
    answerable: float

    @property
    def best(self) -> int:
        return self.order[0]


class Reader:
    def __init__(self, params: dict[str, np.ndarray], meta: dict[str, str] | None = None):
        self.p = {k: np.asarray(params[k], dtype=np.float32) for k in PARAMS}
        self.meta = meta or {}

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Reader:
        with np.load(path) as z:
            meta = {k[5:]: str(z[k]) for k in z.files if k.startswith("meta_")}
            return cls({k: z[k] for k in PARAMS}, meta)

    def save(self, path: Path = WEIGHTS) -> None:
        arrays: dict[str, Any] = {k: v.astype(np.float16) for k, v in self.p.items()}
        arrays.update({f"meta_{k}": np.asarray(v) for k, v in self.meta.items()})
        np.savez_compressed(path, **arrays)

    def logits(self, g: Group) -> tuple[np.ndarray, float]:
        p = self.p
        h = np.maximum(g.hand @ p["w1"] + p["b1"], 0.0)
        cand = h @ p["w2"] + g.pair @ p["v"]
        first = g.hand[0] if len(g.hand) else np.zeros(len(p["a"]), np.float32)
        none = float(g.kind @ p["u"] + p["c"][0] + first @ p["a"])
        return cand, none

    def read(self, g: Group) -> Reading:
        cand, none = self.logits(g)
        z = np.concatenate([[none], cand])
        e = np.exp(z - z.max())
        probs = e / e.sum()
        order = tuple(int(i) for i in np.argsort(-cand, kind="stable"))
        return Reading(order=order, probs=tuple(float(x) for x in probs[1:]),
                       answerable=float(1.0 - probs[0]))


@lru_cache(maxsize=1)
def packaged() -> Reader | None:
    """The reader shipped in the package, or None when its weights are absent."""
    return Reader.load() if WEIGHTS.exists() else None
