"""Answer-quality evaluation: question sets in, report.md / results.json / chart.png out.

An eval row is a plain record (JSONL): id, kind, question, history (prior turns), facts
(groups of accepted variants: every group must be stated), citations (gold document +
paragraph), answerable, and optionally corpus (what to ingest, relative to the project).
Metrics are small named functions on plain values, so each can be unit-tested on
hand-made rows. Everything runs against a fresh temporary store, or a store the caller
built (``run(..., assistant=...)``).

One concern a module: ``rows`` (the records in and out), ``metrics`` (the named functions
and the summary), ``runner`` (``run``, ``evaluate``) with ``baselines`` (the retrievers
measured beside the answer), ``report`` (results.json, report.md, chart.png) and
``calibration`` (the no-answer threshold fitted on dev sets).
"""

from paracite.eval.baselines import Retriever, langchain_recipe_retriever, paracite_retrievers
from paracite.eval.calibration import WRONG_COST, calibrate, fit_threshold, threshold_curve
from paracite.eval.metrics import (
    INTERVALS,
    K,
    bootstrap_interval,
    citation_precision,
    citation_recall,
    fabricated_citations,
    fact_accuracy,
    false_refusal,
    intervals,
    per_kind,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_correct,
    summarize,
)
from paracite.eval.report import write_report
from paracite.eval.rows import EvalRow, RowResult, load_dataset
from paracite.eval.runner import PROJECT, AnswerHook, evaluate, run

__all__ = ["INTERVALS", "PROJECT", "WRONG_COST", "AnswerHook", "EvalRow", "K", "Retriever",
           "RowResult", "bootstrap_interval", "calibrate", "citation_precision",
           "citation_recall", "evaluate", "fabricated_citations", "fact_accuracy",
           "false_refusal", "fit_threshold", "intervals", "langchain_recipe_retriever",
           "load_dataset", "paracite_retrievers", "per_kind", "percentile", "recall_at_k",
           "reciprocal_rank", "refusal_correct", "run", "summarize", "threshold_curve",
           "write_report"]
