"""Metrics: small named functions on plain values (each unit-tested on hand-made rows),
and the summary of a run's rows: means, per kind, 95 % bootstrap intervals."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from paracite.documents import Citation, Passage
from paracite.eval.rows import RowResult

K = 5  # recall@K for retrieval


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def fact_accuracy(answer_text: str, facts: Sequence[Sequence[str]]) -> bool:
    """Every fact group has one accepted variant in the answer (case-insensitive)."""
    text = _norm(answer_text)
    return all(any(_norm(v) in text for v in group) for group in facts)


def citation_recall(cited: Iterable[tuple[str, str]], gold: Iterable[tuple[str, str]]) -> bool:
    """A gold paragraph is among the cited ones."""
    return bool(set(cited) & set(gold))


def citation_precision(citations: Sequence[Citation], gold: Iterable[tuple[str, str]],
                       facts: Sequence[Sequence[str]]) -> float | None:
    """Share of cited paragraphs that support the answer: gold, or stating a fact."""
    if not citations:
        return None
    gold_set = set(gold)
    good = 0
    for c in citations:
        text = _norm(c.text + " " + " ".join(f.text for f in c.footnotes))
        if (c.document, c.paragraph) in gold_set or any(
                any(_norm(v) in text for v in group) for group in facts):
            good += 1
    return good / len(citations)


class _StoredPassages:
    """(document, paragraph) → the stored passage, fetched when first asked for (a store
    of 100,000 passages is not loaded whole to check a few hundred citations)."""

    def __init__(self, assistant: Any) -> None:
        self.store = assistant.store
        self._cache: dict[tuple[str, str], Passage | None] = {}

    def get(self, key: tuple[str, str]) -> Passage | None:
        if key not in self._cache:
            self._cache[key] = self.store.get_passage(*key)
        return self._cache[key]


def fabricated_citations(citations: Sequence[Citation],
                         stored: dict[tuple[str, str], Passage] | _StoredPassages) -> int:
    """Citations whose text is not, exactly, a passage of the store."""
    return sum(1 for c in citations
               if (p := stored.get((c.document, c.paragraph))) is None or p.text != c.text)


def refusal_correct(found: bool, answerable: bool) -> bool | None:
    """On an unanswerable question: did it refuse? (None on answerable ones.)"""
    return None if answerable else not found


def false_refusal(found: bool, answerable: bool) -> bool | None:
    """On an answerable question: did it wrongly refuse? (None on unanswerable ones.)"""
    return None if not answerable else not found


def recall_at_k(ranked: Sequence[tuple[str, str]], gold: Iterable[tuple[str, str]],
                k: int = K) -> bool:
    return bool(set(ranked[:k]) & set(gold))


def reciprocal_rank(ranked: Sequence[tuple[str, str]], gold: Iterable[tuple[str, str]]) -> float:
    gold_set = set(gold)
    for i, key in enumerate(ranked, 1):
        if key in gold_set:
            return 1.0 / i
    return 0.0


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _mean(values: Iterable[float | bool | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return round(statistics.fmean(vals), 4) if vals else None


def bootstrap_interval(values: Sequence[float | bool | None], level: float = 0.95,
                       resamples: int = 2000, seed: int = 0) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the mean, resampling questions with replacement.

    Deterministic (fixed seed), so a report is reproducible. None where nothing is measured.

    >>> bootstrap_interval([1, 1, 1, 1])
    (1.0, 1.0)
    >>> lo, hi = bootstrap_interval([1] * 80 + [0] * 20)
    >>> 0.7 < lo < 0.8 < hi < 0.9
    True
    """
    import random

    vals = [float(v) for v in values if v is not None]
    if not vals:
        return None
    rng = random.Random(seed)
    n = len(vals)
    means = sorted(sum(rng.choices(vals, k=n)) / n for _ in range(resamples))
    tail = (1 - level) / 2
    lo = means[int(tail * resamples)]
    hi = means[min(resamples - 1, int((1 - tail) * resamples))]
    return round(lo, 4), round(hi, 4)


# Metrics reported with a 95 % bootstrap interval: name → the per-row values it averages.
INTERVALS: dict[str, Callable[[RowResult], bool | float | None]] = {
    "correct": lambda r: r.correct,
    "answered_right": lambda r: r.right,
    "answer_in_view": lambda r: r.in_view,
    "fact_accuracy": lambda r: r.fact_ok,
    "citation_recall": lambda r: r.citation_recall,
    "refusal_accuracy": lambda r: r.refusal_ok,
    "false_refusal_rate": lambda r: r.false_refusal,
}


def summarize(rows: Sequence[RowResult]) -> dict[str, Any]:
    """Every metric, overall; latency in milliseconds."""
    answerable = [r for r in rows if r.answerable]
    out: dict[str, Any] = {
        "questions": len(rows),
        "answerable": len(answerable),
        "correct": _mean(r.correct for r in rows),
        "answered_right": _mean(r.right for r in rows),
        "answer_in_view": _mean(r.in_view for r in answerable),
        "uncertain_answers": sum(r.uncertain for r in rows),
        "wrong_shown": sum(1 for r in rows if r.found and not r.correct),
        "dropped_sentences": sum(len(r.flagged) for r in rows),
        "fact_accuracy": _mean(r.fact_ok for r in answerable),
        "citation_recall": _mean(r.citation_recall for r in answerable),
        "citation_precision": _mean(r.citation_precision for r in answerable),
        "fabricated_citations": sum(r.fabricated for r in rows),
        "refusal_accuracy": _mean(r.refusal_ok for r in rows),
        "false_refusal_rate": _mean(r.false_refusal for r in rows),
        "latency_p50_ms": round(percentile([r.seconds for r in rows], 50) * 1000, 1),
        "latency_p95_ms": round(percentile([r.seconds for r in rows], 95) * 1000, 1),
    }
    for name in sorted({m for r in answerable for m in r.retrieval}):
        out[f"{name}_recall@{K}"] = _mean(r.retrieval[name]["recall"] for r in answerable
                                           if name in r.retrieval)
        out[f"{name}_mrr"] = _mean(r.retrieval[name]["rr"] for r in answerable
                                   if name in r.retrieval)
    return out


def intervals(rows: Sequence[RowResult]) -> dict[str, tuple[float, float] | None]:
    """95 % bootstrap intervals of the main metrics (questions resampled)."""
    return {name: bootstrap_interval([get(r) for r in rows]) for name, get in INTERVALS.items()}


def per_kind(rows: Sequence[RowResult]) -> dict[str, dict[str, Any]]:
    kinds = sorted({r.kind for r in rows})
    return {k: summarize([r for r in rows if r.kind == k]) for k in kinds}
