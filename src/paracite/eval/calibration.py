"""Calibration: the no-answer threshold fitted on dev question sets (a run with refusals
on score turned off, the threshold swept over the recorded scores), curve.json and
curve.png."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from paracite.eval.rows import RowResult
from paracite.eval.runner import run


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
