"""The answerers' comparison table is computed from each run's rows."""

from __future__ import annotations

import json

from paracite import compare


def rows():
    def row(answerable, found, correct, right, seconds, flagged=()):
        return {"answerable": answerable, "found": found, "correct": correct, "right": right,
                "seconds": seconds, "fabricated": 0, "flagged": list(flagged)}
    return [row(True, True, True, True, 1.0), row(True, True, False, False, 2.0, ["x"]),
            row(True, False, False, False, 3.0), row(False, True, False, None, 4.0),
            row(False, False, True, None, 5.0)]


def test_figures_count_right_refusals_and_wrong_answers_shown():
    f = compare.figures({"rows": rows()})
    assert f["questions"] == 5
    assert f["right"].startswith("0.333 [")
    assert f["refusals"].startswith("0.500 [") and f["false_refusals"].startswith("0.333 [")
    assert f["wrong_shown"] == "2 (0.400)" and f["dropped"] == 1
    assert f["precision"].startswith("0.333 [")  # 1 of the 3 answers shown is right
    assert f["p50"] == "3.00" and f["p95"] == "5.00"


def test_table_marks_runs_not_made(tmp_path):
    run = tmp_path / "mixed-records"
    run.mkdir()
    (run / "results.json").write_text(json.dumps({"rows": rows()}))
    text = compare.table(tmp_path, ("extractive", "mixed"), ("records",))
    assert "| records | extractive | not run |" in text
    assert "| records | mixed | 5 | 0.333 [" in text
