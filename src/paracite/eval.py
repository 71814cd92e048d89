"""Answer-quality evaluation: question sets in, report.md / results.json / chart.png out.

An eval row is a plain record (JSONL): id, kind, question, history (prior turns), facts
(groups of accepted variants: every group must be stated), citations (gold document +
paragraph), answerable, and optionally corpus (what to ingest, relative to the project).
Metrics are small named functions on plain values, so each can be unit-tested on
hand-made rows. Everything runs against a fresh temporary store, or a store the caller
built (``run(..., assistant=...)``).
"""

from __future__ import annotations

import json
import logging
import math
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from paracite.documents import Answer, Citation, Passage

log = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parents[2]
K = 5  # recall@K for retrieval


# -- rows --------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvalRow:
    id: str
    kind: str
    question: str
    facts: list[list[str]]
    citations: list[tuple[str, str]]
    answerable: bool
    history: list[tuple[str, str]] = field(default_factory=list)
    corpus: str = "ingest"


def load_dataset(path: Path) -> list[EvalRow]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        rows.append(EvalRow(
            id=d["id"], kind=d["kind"], question=d["question"], facts=d.get("facts", []),
            citations=[(c["document"], c["paragraph"]) for c in d.get("citations", [])],
            answerable=bool(d.get("answerable", True)),
            history=[(h[0], h[1]) for h in d.get("history", [])],
            corpus=d.get("corpus", "ingest")))
        if rows[-1].answerable and not rows[-1].citations:
            raise ValueError(f"{path}:{n}: answerable row {d['id']} has no gold citation")
    return rows


# -- metrics: small named functions ------------------------------------------------------

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


# -- running -----------------------------------------------------------------------------

@dataclass
class RowResult:
    id: str
    kind: str
    question: str
    answerable: bool
    answer: str
    found: bool
    cited: list[tuple[str, str]]
    gold: list[tuple[str, str]]
    facts: list[list[str]]
    fact_ok: bool | None
    citation_recall: bool | None
    citation_precision: float | None
    fabricated: int
    refusal_ok: bool | None
    false_refusal: bool | None
    retrieval: dict[str, dict[str, float]]
    seconds: float
    confidence: float = 0.0  # the answerer's no-answer score for its best candidate
    standalone: str = ""  # the question as the chain understood it
    in_view: bool | None = None  # answerable: some statement shown (an answer, or one the
    # refusal quotes) states the facts and a gold paragraph is among those shown
    uncertain: bool = False  # only the closest statement, marked so
    flagged: list[str] = field(default_factory=list)  # sentences verification dropped (LLM)
    llm: str = ""  # who answered (an LLM answerer's extractive stand-in says "extractive")

    @property
    def right(self) -> bool | None:
        """On an answerable question: the fact stated and a gold paragraph cited."""
        return bool(self.fact_ok and self.citation_recall) if self.answerable else None

    @property
    def correct(self) -> bool:
        if not self.answerable:
            return bool(self.refusal_ok)
        return bool(self.right)


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


def threshold_curve(rows: Sequence[RowResult], steps: int = 41) -> list[dict[str, float]]:
    """What a no-answer threshold would do, from a run that never refused on score.

    For each threshold t: an answerable question is answered right when its candidate was
    right and scored ≥ t, falsely refused when it scored < t; an unanswerable one is
    rightly refused when its candidate scored < t (or the answerer refused anyway).
    """
    answerable = [r for r in rows if r.answerable]
    unanswerable = [r for r in rows if not r.answerable]
    hi = max([r.confidence for r in rows] + [1.0])
    curve = []
    n_a, n_u = len(answerable), len(unanswerable)
    for i in range(steps):
        t = round(hi * i / (steps - 1), 4)
        answered = [r for r in answerable if r.found and r.confidence >= t]
        curve.append({
            "threshold": t,
            "answered_right": (sum(bool(r.right) for r in answered) / len(answerable)
                               if answerable else 0.0),
            "false_refusal_rate": (1 - len(answered) / len(answerable) if answerable
                                   else 0.0),
            "refusal_accuracy": (sum(1 for r in unanswerable
                                     if not r.found or r.confidence < t) / len(unanswerable)
                                 if unanswerable else 1.0),
        })
        c = curve[-1]
        c["correct"] = ((c["answered_right"] * n_a + c["refusal_accuracy"] * n_u)
                        / max(n_a + n_u, 1))
        wrong_a = (1 - c["false_refusal_rate"] - c["answered_right"]) * n_a
        c["wrong_shown"] = (wrong_a + (1 - c["refusal_accuracy"]) * n_u) / max(n_a + n_u, 1)
    return curve


WRONG_COST = 0.5  # what showing a wrong answer costs, against 1 for a question handled right


def fit_threshold(curve: Sequence[dict[str, float]],
                  wrong_cost: float = WRONG_COST) -> dict[str, float]:
    """The threshold of most worth: each question handled right (answered right, or rightly
    refused) counts 1, each wrong answer shown (a wrong fact or citation, or an answer to an
    unanswerable question) costs ``wrong_cost``, a wrong refusal 0 — a wrong citation is
    worse than no answer. Ties go to the lower threshold (fewer refusals).

    >>> fit_threshold([{"threshold": 0.1, "correct": 0.7, "wrong_shown": 0.3},
    ...                {"threshold": 0.5, "correct": 0.7, "wrong_shown": 0.1},
    ...                {"threshold": 0.9, "correct": 0.5, "wrong_shown": 0.0}])["threshold"]
    0.5
    """
    return max(curve, key=lambda c: (c["correct"] - wrong_cost * c["wrong_shown"],
                                     -c["threshold"]))


def per_kind(rows: Sequence[RowResult]) -> dict[str, dict[str, Any]]:
    kinds = sorted({r.kind for r in rows})
    return {k: summarize([r for r in rows if r.kind == k]) for k in kinds}


Retriever = Callable[[str], list[tuple[str, str]]]


AnswerHook = Callable[[EvalRow, Answer], None]


def evaluate(assistant: Any, rows: Sequence[EvalRow],
             retrievers: dict[str, Retriever] | None = None,
             progress: Callable[[int, int], None] | None = None,
             on_answer: AnswerHook | None = None) -> list[RowResult]:
    """Ask every question; measure answer, citations and each retriever's ranking.

    ``on_answer(row, answer)`` is called with each whole Answer as it is measured (a
    caller that checks more of an answer than the metrics do asks no question twice)."""
    stored = _StoredPassages(assistant)
    _ = assistant.store.keyword  # built once per process, not part of a question's latency
    out: list[RowResult] = []
    for n, row in enumerate(rows, 1):
        t0 = time.perf_counter()
        ans: Answer = assistant.ask(row.question, history=row.history)
        seconds = time.perf_counter() - t0
        if on_answer:
            on_answer(row, ans)
        cited = [(c.document, c.paragraph) for c in ans.citations]
        query = ans.standalone_question or row.question
        ranks: dict[str, dict[str, float]] = {}
        if row.answerable:
            for name, retrieve in (retrievers or {}).items():
                ranked = retrieve(query)
                ranks[name] = {"recall": float(recall_at_k(ranked, row.citations)),
                               "rr": reciprocal_rank(ranked, row.citations)}
        out.append(RowResult(
            id=row.id, kind=row.kind, question=row.question, answerable=row.answerable,
            answer=ans.text, found=ans.found, cited=cited, gold=list(row.citations),
            facts=row.facts,
            fact_ok=(ans.found and fact_accuracy(ans.text, row.facts)) if row.answerable else None,
            citation_recall=citation_recall(cited, row.citations) if row.answerable else None,
            citation_precision=(citation_precision(ans.citations, row.citations, row.facts)
                                if row.answerable else None),
            fabricated=fabricated_citations(ans.citations + ans.see_also, stored),
            refusal_ok=refusal_correct(ans.found, row.answerable),
            false_refusal=false_refusal(ans.found, row.answerable),
            retrieval=ranks, seconds=seconds, confidence=ans.confidence,
            standalone=ans.standalone_question, uncertain=ans.uncertain,
            flagged=list(ans.flagged), llm=ans.llm,
            in_view=(fact_accuracy(ans.text, row.facts) and citation_recall(
                cited + [(c.document, c.paragraph) for c in ans.see_also], row.citations))
            if row.answerable else None))
        if progress:
            progress(n, len(rows))
    return out


# -- baselines ---------------------------------------------------------------------------

def paracite_retrievers(assistant: Any, k: int = K) -> dict[str, Retriever]:
    r = assistant.retriever

    def make(mode: str) -> Retriever:
        return lambda q: [(x.passage.document, x.passage.paragraph)
                          for x in r.search(q, k=k, mode=mode)]

    return {"hybrid": make("hybrid"), "dense": make("dense"), "keyword": make("keyword")}


def langchain_recipe_retriever(assistant: Any, sources: Sequence[Path],
                               k: int = K) -> Retriever:
    """What the LangChain docs teach: RecursiveCharacterTextSplitter(1000, 200) over the
    files' text, the same embedder, a Chroma collection, top k chunks. A chunk counts
    for a paragraph when it holds one of that paragraph's sentences (40+ characters)."""
    import chromadb
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from paracite.ingest import parse_file
    from paracite.parsing.markdown import clean_inline
    from paracite.text.sentences import split_sentences

    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks: list[str] = []
    for src in sources:
        parsed = parse_file(src)
        text = (src.read_text(encoding="utf-8") if src.suffix != ".pdf"
                else "\n\n".join(b.text for b in parsed.blocks))
        chunks += [_norm(clean_inline(c)) for c in splitter.split_text(text)]
    client = chromadb.EphemeralClient()
    col = client.create_collection(f"recipe-{time.time_ns()}",
                                   metadata={"hnsw:space": "cosine"}, embedding_function=None)
    col.add(ids=[str(i) for i in range(len(chunks))], documents=chunks,
            embeddings=assistant.embedder.embed(chunks))
    sentences = {
        key: [_norm(s) for s in split_sentences(re.sub(r"^\d{1,3}\.\s+", "", p.text))
              if len(s) >= 40]
        for key, p in ((k2, p) for k2, p in
                       {(p.document, p.paragraph): p for p in assistant.passages()}.items())
    }

    def retrieve(query: str) -> list[tuple[str, str]]:
        res = col.query(query_embeddings=[assistant.embedder.embed_query(query)],
                        n_results=k)
        ranked: list[tuple[str, str]] = []
        for chunk in (res["documents"] or [[]])[0]:
            for key, sents in sentences.items():
                if key not in ranked and any(s in chunk for s in sents):
                    ranked.append(key)
        return ranked

    return retrieve


# -- reports -----------------------------------------------------------------------------

def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.3f}"
    return "–" if v is None else str(v)


def _interval(iv: tuple[float, float] | None) -> str:
    return f"{iv[0]:.3f}–{iv[1]:.3f}" if iv else ""


def write_report(out: Path, dataset: Path, llm: str, rows: Sequence[RowResult],
                 seconds: float) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    summary = summarize(rows)
    ci = intervals(rows)
    kinds = per_kind(rows)
    results = {"dataset": dataset.name, "llm": llm, "summary": summary, "intervals": ci,
               "per_kind": kinds, "seconds": round(seconds, 1),
               "rows": [asdict(r) | {"right": r.right, "correct": r.correct} for r in rows]}
    (out / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    lines = [f"# paracite eval: {dataset.name} ({llm})", "",
             f"{len(rows)} questions, {summary['answerable']} answerable; run took "
             f"{seconds:.0f} s.", "", "## Summary", "",
             "Intervals: 95 % percentile bootstrap over questions (2,000 resamples).", "",
             "| metric | value | 95 % interval |", "|---|---|---|"]
    lines += [f"| {k} | {_fmt(v)} | {_interval(ci.get(k))} |" for k, v in summary.items()]
    cols = ["questions", "correct", "fact_accuracy", "citation_recall", "citation_precision",
            "refusal_accuracy", "false_refusal_rate", f"hybrid_recall@{K}"]
    lines += ["", "## Per kind", "", "| kind | " + " | ".join(cols) + " |",
              "|---" * (len(cols) + 1) + "|"]
    for kind, s in kinds.items():
        lines.append(f"| {kind} | " + " | ".join(_fmt(s.get(c)) for c in cols) + " |")
    base = [k for k in summary if k.endswith(f"_recall@{K}")]
    if base:
        lines += ["", "## Retrieval baselines (same run, answerable questions)", "",
                  f"| retriever | recall@{K} | MRR |", "|---|---|---|"]
        for k in base:
            name = k[: -len(f"_recall@{K}")]
            lines.append(f"| {name} | {_fmt(summary[k])} | {_fmt(summary.get(name + '_mrr'))} |")
    failures = [r for r in rows if not r.correct]
    lines += ["", f"## Failures ({len(failures)})", ""]
    for r in failures:
        lines += [f"### {r.id} ({r.kind})", "", f"- question: {r.question}",
                  *([f"- understood as: {r.standalone}"]
                    if r.standalone and r.standalone != r.question else []),
                  f"- answer: {r.answer}", f"- expected facts: {r.facts or 'a refusal'}",
                  f"- cited: {r.cited}", f"- gold: {r.gold}", ""]
    (out / "report.md").write_text("\n".join(lines) + "\n")
    _chart(out / "chart.png", kinds, dataset.name)
    return results


def _chart(path: Path, kinds: dict[str, dict[str, Any]], title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = ["correct", "fact_accuracy", "citation_recall", "refusal_accuracy"]
    names = list(kinds)
    fig, ax = plt.subplots(figsize=(max(8, len(names) * 1.1), 4.5))
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        vals = [kinds[n].get(m) or 0 for n in names]
        ax.bar([x + i * width for x in range(len(names))], vals, width, label=m)
    ax.set_xticks([x + width * (len(metrics) - 1) / 2 for x in range(len(names))])
    ax.set_xticklabels(names, rotation=30, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"paracite eval per kind — {title}")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(dataset: Path, out: Path, llm: str = "extractive",
        progress: Callable[[int, int], None] | None = None,
        baselines: bool = True, settings: Any = None, *, assistant: Any = None,
        on_answer: AnswerHook | None = None) -> dict[str, Any]:
    """Ingest the dataset's corpus into a fresh temporary store, ask every question,
    write report.md, results.json and chart.png into ``out``.

    ``assistant``: ask this Assistant instead (its settings, answerer and loaded embedder;
    ``settings`` and ``llm`` must then be left out). The dataset's corpus is ingested into
    its store (files it already holds are left unchanged, embedding nothing), so that a
    store already ingested is reused; the store is the caller's and is kept. Its documents
    should be the dataset's corpus and nothing else: other documents are distractors that
    change the figures. ``on_answer``: see :func:`evaluate`.
    """
    import paracite

    if assistant is not None and (settings is not None or llm != "extractive"):
        raise ValueError("eval.run: give either assistant= or settings/llm, not both")
    rows = load_dataset(dataset)
    sources: list[Path] = []
    for corpus in dict.fromkeys(r.corpus for r in rows):
        p = (PROJECT / corpus).resolve()
        if not p.exists():
            raise FileNotFoundError(f"{dataset.name}: corpus {corpus} not found at {p}")
        sources.append(p)
    own = assistant is None
    home = Path(tempfile.mkdtemp(prefix="paracite-eval-")) if own else None
    t0 = time.perf_counter()
    if own:
        assistant = paracite.Assistant(settings, home=home, llm=llm)
    elif not isinstance(assistant.llm, str):
        llm = type(assistant.llm).__name__
    else:
        llm = assistant.llm
    try:
        report = assistant.ingest(sources)
        if not report.ok:
            raise RuntimeError("; ".join(f.reason for f in report.failed))
        retrievers = paracite_retrievers(assistant)  # 3 searches a question: cheap
        if baselines:
            files = [f for s in sources for f in ([s] if s.is_file() else sorted(
                x for x in s.iterdir() if x.suffix in {".md", ".pdf", ".txt"}))]
            retrievers["langchain_recipe"] = langchain_recipe_retriever(assistant, files)
        rows_out = evaluate(assistant, rows, retrievers, progress, on_answer)
        return write_report(out, dataset, llm, rows_out, time.perf_counter() - t0)
    finally:
        if own:
            assistant.close()
            shutil.rmtree(home, ignore_errors=True)  # type: ignore[arg-type]


def calibrate(datasets: Sequence[Path], out: Path,
              progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Fit the no-answer threshold: run the question sets with refusals on score turned
    off, sweep the threshold over the recorded no-answer scores, keep the best (see
    :func:`fit_threshold`). Writes curve.json and curve.png into ``out``. Use dev sets only.
    """
    from paracite.settings import Settings

    rows: list[RowResult] = []
    free = Settings(answer_threshold=0.0)
    for dataset in datasets:
        res = run(dataset, out / Path(dataset).stem, progress=progress, baselines=False,
                  settings=free)
        rows += [_row_of(d) for d in res["rows"]]
    curve = threshold_curve(rows)
    best = fit_threshold(curve)
    out.mkdir(parents=True, exist_ok=True)
    result = {"datasets": [Path(d).name for d in datasets], "questions": len(rows),
              "fitted": best, "curve": curve}
    (out / "curve.json").write_text(json.dumps(result, indent=2) + "\n")
    _curve_chart(out / "curve.png", curve, best)
    return result


def _row_of(d: dict[str, Any]) -> RowResult:
    fields = {f for f in RowResult.__dataclass_fields__}
    kept = {k: v for k, v in d.items() if k in fields}
    kept["cited"] = [tuple(c) for c in kept["cited"]]
    kept["gold"] = [tuple(c) for c in kept["gold"]]
    return RowResult(**kept)


def _curve_chart(path: Path, curve: Sequence[dict[str, float]], best: dict[str, float]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [c["threshold"] for c in curve]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(xs, [c["answered_right"] for c in curve], label="answered right (answerable)")
    ax.plot(xs, [c["false_refusal_rate"] for c in curve], label="refused wrongly (answerable)")
    ax.plot(xs, [c["refusal_accuracy"] for c in curve], label="refused rightly (unanswerable)")
    ax.axvline(best["threshold"], color="grey", linestyle="--",
               label=f"fitted {best['threshold']:.3f}")
    ax.set_xlabel("no-answer threshold")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.set_title("no-answer threshold on the dev question sets")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
