"""The report of a run: results.json (every figure and row), report.md (summary, per
kind, retrieval baselines, failures) and chart.png (metrics per kind)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from paracite.eval.metrics import K, intervals, per_kind, summarize
from paracite.eval.rows import RowResult


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
