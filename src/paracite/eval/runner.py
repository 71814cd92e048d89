"""Running a question set: ingest its corpus (into a fresh temporary store, or the
caller's), ask every question, measure each answer and each retriever's ranking."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from paracite.documents import Answer
from paracite.errors import ExtraMissingError
from paracite.eval.baselines import Retriever, langchain_recipe_retriever, paracite_retrievers
from paracite.eval.metrics import (
    _StoredPassages,
    citation_precision,
    citation_recall,
    fabricated_citations,
    fact_accuracy,
    false_refusal,
    recall_at_k,
    reciprocal_rank,
    refusal_correct,
)
from paracite.eval.report import write_report
from paracite.eval.rows import EvalRow, RowResult, load_dataset

PROJECT = Path(__file__).resolve().parents[3]

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


EVAL_EXTRA = ("matplotlib", "langchain_text_splitters")  # the 'eval' extra's modules


def require_eval_extra() -> None:
    """Fail now, naming the install command, when the 'eval' extra is missing (the chart
    and the LangChain-recipe baseline need it; answering never does)."""
    import importlib.util

    missing = [m for m in EVAL_EXTRA if importlib.util.find_spec(m) is None]
    if missing:
        raise ExtraMissingError(f"paracite eval needs the optional extra 'eval' "
                                f"({', '.join(missing)} not installed): "
                                "pip install 'paracite[eval]'")


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
    require_eval_extra()
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
