"""CI gate: the extractive default's eval must hold the thresholds in evals/thresholds.json
on evals/records.jsonl (the bundled records) and on evals/corpus-test.jsonl (the test split
of the UN corpus: documents nobody tuned on). The figures come from the eval run; the tests
only compare them with the thresholds and check what the report shows, and check every
answer's citations whole (tests/integration/test_answers.py reads these answers, asking
none of the set's questions again). Each set is run once per session (conftest's
``eval_runs``), records.jsonl on the session's records store."""

from __future__ import annotations

import json
import re

import pytest

from paracite import eval as ev
from tests.conftest import ROOT

pytestmark = pytest.mark.integration
THRESHOLDS = json.loads((ROOT / "evals" / "thresholds.json").read_text())
GATED = [name for name in THRESHOLDS if not name.startswith("_")]


def _needs_shared(name: str) -> bool:
    rows = ev.load_dataset(ROOT / "evals" / name)
    return any(r.corpus.startswith("../shared") for r in rows)


# the sets over ../shared read the UN PDFs: `corpus` tests (slow, skipped when absent)
SETS = [pytest.param(name, marks=[pytest.mark.corpus] if _needs_shared(name) else [], id=name)
        for name in GATED]


@pytest.fixture(params=SETS)
def results(request, eval_runs):
    """(name, results, report folder) of each gated set, run once per session
    (conftest's ``eval_runs``)."""
    run = eval_runs(request.param)
    assert {p.name for p in run.out.iterdir()} == {"report.md", "results.json", "chart.png"}
    return run.name, run.results, run.out


def test_every_gated_metric_holds_its_threshold(results):
    name, res, _ = results
    summary = res["summary"]
    misses = []
    for metric, limit in THRESHOLDS[name].items():
        if metric.startswith("_"):
            continue
        if metric.endswith("_max"):
            value = summary[metric[: -len("_max")]]
            if value > limit:
                misses.append(f"{metric[:-4]} {value} > {limit}")
        elif summary[metric] < limit:
            misses.append(f"{metric} {summary[metric]} < {limit}")
    assert not misses, f"{name}: " + "; ".join(misses)


def test_report_lists_exactly_the_failed_questions_with_their_expectations(results):
    name, res, out = results
    report = (out / "report.md").read_text()
    listed = set(re.findall(r"^### (\S+) \(", report, flags=re.M))
    failed = {r["id"] for r in res["rows"] if not r["correct"]}
    assert listed == failed
    for r in res["rows"]:
        if not r["correct"]:
            assert f"- question: {r['question']}" in report


def test_main_metrics_carry_a_bootstrap_interval_around_them(results):
    _, res, _ = results
    for metric in ("correct", "answered_right", "refusal_accuracy"):
        lo, hi = res["intervals"][metric]
        assert lo <= res["summary"][metric] <= hi
        assert hi - lo > 0 or res["summary"][metric] in (0.0, 1.0)


def test_paracite_retrieval_beats_the_langchain_recipe(eval_runs):
    s = eval_runs("records.jsonl").results["summary"]
    assert s["hybrid_recall@5"] > s["langchain_recipe_recall@5"]
    assert s["hybrid_mrr"] > s["langchain_recipe_mrr"]
    assert s["hybrid_recall@5"] >= s["dense_recall@5"]


# -- citations: every answer the gate gave, checked whole (test_answers asks none again) --

@pytest.fixture(params=SETS)
def answered(request, eval_runs):
    return eval_runs(request.param)


def test_every_citation_is_a_real_passage_of_the_store_and_quotes_it(answered):
    assert answered.results["summary"]["fabricated_citations"] == 0
    assert sum(r["fabricated"] for r in answered.results["rows"]) == 0
    assert len(answered.answers) == len(answered.results["rows"])
    for qid, ans in answered.answers.items():
        for c in ans.citations + ans.see_also:
            for quote in c.quote:
                assert quote in c.text or any(quote == f.text for f in c.footnotes), \
                    (qid, c.document, c.paragraph, quote)


def test_every_marker_indexes_a_citation(answered):
    for qid, ans in answered.answers.items():
        markers = {int(m) for m in re.findall(r"\[(\d+)\]", ans.text)}
        assert markers == {c.marker for c in ans.citations}, (qid, ans.text)
