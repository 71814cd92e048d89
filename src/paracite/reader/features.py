"""What the reader sees of a candidate sentence: the answerer's own evidence for it, what
the question asks for, and the two vectors (the question's and the sentence's, stored at
ingest). Computed from what one answer already has in hand: no model runs here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from paracite.candidates import Scored, missing_critical, unanswered_kind
from paracite.embed import unpack_vectors
from paracite.retrieve import Retrieved
from paracite.text.phrases import LEANS_BACK
from paracite.text.query import Query
from paracite.text.questions import content_terms, type_match
from paracite.text.tokens import tokenize

TOP = 16  # candidates the reader re-ranks
KINDS = ("reference", "count", "time", "person", "place", "reason", "list", "decision",
         "other")
TYPES = ("count", "time", "person", "place", "decision", "list")
N_OWN = 27
N_HAND = N_OWN + 2 * len(TYPES) + len(KINDS)


@dataclass(frozen=True)
class Group:
    """One question's candidates as arrays: ``hand`` (n × N_HAND), ``pair`` (n × dims:
    question vector times sentence vector, element by element); ``kind`` one-hot."""

    hand: np.ndarray
    pair: np.ndarray
    kind: np.ndarray


def kind_vector(kind: str) -> np.ndarray:
    v = np.zeros(len(KINDS), dtype=np.float32)
    v[KINDS.index(kind) if kind in KINDS else KINDS.index("other")] = 1.0
    return v


def _sentence_vector(cand: Scored, cache: dict[str, np.ndarray], dims: int) -> np.ndarray:
    p = cand.sentence.passage
    if p.id not in cache:
        cache[p.id] = unpack_vectors(p.sentence_vectors, dims)
    mat = cache[p.id]
    i = cand.sentence.index
    return mat[i] if i < len(mat) else np.zeros(dims, dtype=np.float32)


def group(query: Query, cands: Sequence[Scored], retrieved: Sequence[Retrieved]) -> Group:
    """Features of the first ``TOP`` candidates (the answerer's order)."""
    cands = list(cands)[:TOP]
    q = (np.asarray(query.vector, dtype=np.float32) if query.vector is not None
         else np.zeros(384, dtype=np.float32))
    top = max((c.score for c in cands), default=1.0) or 1.0
    best_meaning = max((c.meaning for c in cands), default=0.0)
    best_words = max((c.words for c in cands), default=0.0)
    cache: dict[str, np.ndarray] = {}
    hand = np.zeros((len(cands), N_HAND), dtype=np.float32)
    pair = np.zeros((len(cands), len(q)), dtype=np.float32)
    kv = kind_vector(query.kind)
    asked = set(tokenize(query.standalone))
    critical = set(query.critical)
    for i, c in enumerate(cands):
        text = c.sentence.text
        new = _without(text, asked)
        own = [c.score / top, c.score, 1.0 / (1 + i), c.words, c.coverage, c.meaning, c.fit,
               1.0 / (1 + c.rank), float(c.sentence.in_footnote),
               float(c.sentence.index == 0), math.log1p(len(text)) / 6,
               float(bool(LEANS_BACK.search(text))),
               float(missing_critical(query, c, retrieved)),
               float(unanswered_kind(query, c)), float(text.rstrip().endswith(":")),
               c.meaning - best_meaning, c.words - best_words,
               float(c.sentence.passage.kind == "table_row"),
               float(any(c.sentence.passage.id == d.sentence.passage.id for d in cands[:i])),
               float(c.sentence.passage.id == cands[0].sentence.passage.id),
               min(text.count(",") + text.count(";"), 10) / 10, float(i == 0),
               # what the sentence adds to the question: the asked-for kind of thing in
               # words the question does not use, and how much else is new
               type_match(query.kind, new), min(len(set(content_terms(new))), 20) / 20,
               (len(critical & set(tokenize(text))) / len(critical)) if critical else 1.0,
               float(bool(critical)), counted(text, query.unit)]
        types = [type_match(t, text) for t in TYPES] + [type_match(t, new) for t in TYPES]
        hand[i] = np.asarray(own + types + list(kv), dtype=np.float32)
        pair[i] = q * _sentence_vector(c, cache, len(q))
    return Group(hand=hand, pair=pair, kind=kv)


_NUMBER = re.compile(r"^(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|"
                     r"eleven|twelve|[a-z]+teen|[a-z]+ty(?:-[a-z]+)?|hundred|thousand)$", re.I)


def counted(text: str, unit: tuple[str, ...]) -> float:
    """1 when a number stands right before what a 'how many' question counts ('24 observer
    States', 'seven meetings'), 0.5 when the sentence has a number elsewhere, else 0."""
    words = re.findall(r"[\w’'-]+", text)
    numbers = [i for i, w in enumerate(words) if _NUMBER.match(w)]
    if not numbers:
        return 0.0
    if unit:
        for i in numbers:
            after = {t for w in words[i + 1:i + 4] for t in tokenize(w)}
            if any(u in after for u in unit):
                return 1.0
    return 0.5


def _without(text: str, words: set[str]) -> str:
    """The text with the words of the question taken out (compared as tokens)."""
    return " ".join(w for w in re.findall(r"\S+", text)
                    if not (set(tokenize(w)) & words))
