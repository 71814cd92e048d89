"""The answerers compared on the same question sets (``make answerers``): extractive,
local (the packaged LLM reading the passages) and mixed (the LLM phrasing the extractive
answerer's statements), each by ``paracite eval`` into ``evals/results/llm/<mode>-<set>``;
then one table, with 95 % intervals, in ``evals/results/llm/answerers.md``.

A run already written is kept (the local model takes 5-20 s a question here: the whole
comparison is over an hour), so the command goes on where it stopped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from paracite.eval import PROJECT, bootstrap_interval, percentile

MODES = ("extractive", "mixed", "local")
SETS = ("corpus-test", "records", "un-pdf", "corpus-dev")
OUT = PROJECT / "evals" / "results" / "llm"


def run(mode: str, dataset: str, out: Path = OUT) -> Path:
    folder = out / f"{mode}-{dataset}"
    if not (folder / "results.json").exists():
        subprocess.run([sys.executable, "-m", "paracite.cli", "eval", "--dataset",
                        str(PROJECT / "evals" / f"{dataset}.jsonl"), "--llm", mode,
                        "--out", str(folder), "--no-baselines", "-q"], check=True)
    return folder / "results.json"


def figures(results: dict[str, Any]) -> dict[str, Any]:
    """What the table shows of one run, recomputed from its rows (so runs written before
    a metric existed are measured the same way)."""
    rows = results["rows"]
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    right = [bool(r["right"]) for r in answerable]
    refused_rightly = [not r["found"] for r in unanswerable]
    false_refusals = [not r["found"] for r in answerable]
    wrong = [bool(r["found"] and not r["correct"]) for r in rows]
    shown_right = [bool(r["correct"]) for r in rows if r["found"]]
    seconds = [r["seconds"] for r in rows]

    def share(values: list[bool]) -> str:
        if not values:
            return "—"
        lo, hi = bootstrap_interval(values) or (0.0, 0.0)
        return f"{sum(values) / len(values):.3f} [{lo:.2f}–{hi:.2f}]"

    return {"questions": len(rows), "right": share(right),
            "refusals": share(refused_rightly), "false_refusals": share(false_refusals),
            "wrong_shown": f"{sum(wrong)} ({sum(wrong) / max(len(rows), 1):.3f})",
            "precision": share(shown_right),
            "fabricated": sum(r["fabricated"] for r in rows),
            "dropped": sum(len(r.get("flagged", [])) for r in rows),
            "p50": f"{percentile(seconds, 50):.2f}", "p95": f"{percentile(seconds, 95):.2f}"}


def table(out: Path = OUT, modes: tuple[str, ...] = MODES,
          sets: tuple[str, ...] = SETS) -> str:
    lines = ["| set | answerer | questions | answered right | refused rightly (unanswerable) "
             "| false refusals | wrong answers shown (share of all) | right among answers shown "
             "| fabricated citations | sentences dropped by verification | p50 / p95 s |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for dataset in sets:
        for mode in modes:
            path = out / f"{mode}-{dataset}" / "results.json"
            if not path.exists():
                lines.append(f"| {dataset} | {mode} | not run | | | | | | | | |")
                continue
            f = figures(json.loads(path.read_text()))
            lines.append(f"| {dataset} | {mode} | {f['questions']} | {f['right']} | "
                         f"{f['refusals']} | {f['false_refusals']} | {f['wrong_shown']} | "
                         f"{f['precision']} | {f['fabricated']} | {f['dropped']} | "
                         f"{f['p50']} / {f['p95']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--table-only", action="store_true", help="only write the table")
    ap.add_argument("--mode", action="append", choices=MODES)
    ap.add_argument("--set", action="append", choices=SETS)
    args = ap.parse_args()
    modes, sets = tuple(args.mode or MODES), tuple(args.set or SETS)
    if not args.table_only:
        for dataset in sets:
            for mode in modes:
                run(mode, dataset)
    OUT.mkdir(parents=True, exist_ok=True)
    text = table(OUT, modes, sets)
    (OUT / "answerers.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
