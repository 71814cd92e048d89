"""The eval metrics on hand-made rows: each small function does what its name says."""

from __future__ import annotations

import json

import pytest

from paracite import eval as ev
from paracite.documents import Citation, Footnote, Passage


def cit(doc: str, para: str, text: str, notes: tuple[Footnote, ...] = ()) -> Citation:
    return Citation(marker=1, document=doc, title="t", paragraph=para, text=text,
                    footnotes=notes)


def test_fact_accuracy_needs_one_variant_of_every_group():
    facts = [["7th", "seventh"], ["13 April 2017"]]
    assert ev.fact_accuracy("At its seventh meeting, on 13 April  2017, it adopted", facts)
    assert not ev.fact_accuracy("At its seventh meeting it adopted its report", facts)
    assert ev.fact_accuracy("anything", [])


def test_citation_recall_is_any_gold_paragraph_cited():
    assert ev.citation_recall([("report", "22"), ("report", "21")], [("report", "22")])
    assert not ev.citation_recall([("report", "21")], [("report", "22")])


def test_citation_precision_counts_gold_or_fact_stating_citations():
    cits = [cit("report", "22", "Erik Planken (Netherlands) took up his functions"),
            cit("agenda", "x", "nothing relevant here"),
            cit("agenda", "y", "text", (Footnote(marker="4", text="Rapporteur, Erik Planken"),))]
    assert ev.citation_precision(cits, [("report", "22")], [["Erik Planken"]]) == 2 / 3
    assert ev.citation_precision([], [("report", "22")], []) is None


def test_fabricated_citations_are_those_not_exactly_in_the_store():
    stored = {("report", "22"): Passage(document="report", title="t", paragraph="22",
                                        start=0, end=3, order=0, text="abc")}
    cits = [cit("report", "22", "abc"), cit("report", "22", "abc "), cit("report", "99", "x")]
    assert ev.fabricated_citations(cits, stored) == 2


def test_refusal_metrics_apply_to_their_own_kind_of_question():
    assert ev.refusal_correct(found=False, answerable=False) is True
    assert ev.refusal_correct(found=True, answerable=False) is False
    assert ev.refusal_correct(found=True, answerable=True) is None
    assert ev.false_refusal(found=False, answerable=True) is True
    assert ev.false_refusal(found=False, answerable=False) is None


def test_recall_at_k_and_reciprocal_rank():
    ranked = [("a", "1"), ("a", "2"), ("a", "3"), ("a", "4"), ("a", "5"), ("a", "6")]
    assert ev.recall_at_k(ranked, [("a", "5")], k=5)
    assert not ev.recall_at_k(ranked, [("a", "6")], k=5)
    assert ev.reciprocal_rank(ranked, [("a", "3"), ("a", "5")]) == pytest.approx(1 / 3)
    assert ev.reciprocal_rank(ranked, [("b", "1")]) == 0.0


def test_percentile_is_nearest_rank():
    values = [0.01 * n for n in range(1, 101)]
    assert ev.percentile(values, 50) == pytest.approx(0.50)
    assert ev.percentile(values, 95) == pytest.approx(0.95)
    assert ev.percentile([3.0], 95) == 3.0


def test_summary_and_per_kind_from_row_results():
    def row(kind, answerable, correct_facts, found):
        return ev.RowResult(
            id=kind, kind=kind, question="q", answerable=answerable, answer="a", found=found,
            cited=[], gold=[], facts=[], fact_ok=correct_facts if answerable else None,
            citation_recall=correct_facts if answerable else None, citation_precision=None,
            fabricated=0, refusal_ok=ev.refusal_correct(found, answerable),
            false_refusal=ev.false_refusal(found, answerable),
            retrieval={"hybrid": {"recall": 1.0, "rr": 0.5}} if answerable else {},
            seconds=0.01)
    rows = [row("factoid", True, True, True), row("factoid", True, False, False),
            row("unanswerable", False, None, False)]
    s = ev.summarize(rows)
    assert s["correct"] == pytest.approx(2 / 3, abs=1e-4)
    assert s["fact_accuracy"] == 0.5 and s["false_refusal_rate"] == 0.5
    assert s["refusal_accuracy"] == 1.0 and s["hybrid_recall@5"] == 1.0
    assert set(ev.per_kind(rows)) == {"factoid", "unanswerable"}
    assert s["wrong_shown"] == 0
    shown_wrong = [row("factoid", True, False, True), row("unanswerable", False, None, True),
                   row("factoid", True, True, True)]
    shown_wrong[0].flagged = ["An unsupported sentence.", "Another."]
    s = ev.summarize(shown_wrong)
    assert s["wrong_shown"] == 2 and s["dropped_sentences"] == 2


def test_dataset_rows_are_validated(tmp_path):
    good = {"id": "x", "kind": "factoid", "question": "q", "facts": [["a"]],
            "citations": [{"document": "report", "paragraph": "1"}], "answerable": True}
    bad = dict(good, id="y", citations=[])
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(ValueError, match="y has no gold citation"):
        ev.load_dataset(path)


def test_question_sets_meet_their_specification():
    from tests.conftest import ROOT

    rows = ev.load_dataset(ROOT / "evals" / "records.jsonl")
    kinds: dict[str, int] = {}
    for r in rows:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    assert len(rows) >= 80
    assert all(n >= 5 for n in kinds.values()) and len(kinds) == 10
    assert kinds["unanswerable"] >= 12
    assert len(ev.load_dataset(ROOT / "evals" / "un-pdf.jsonl")) >= 20


def row(answerable: bool, found: bool, right: bool, confidence: float) -> ev.RowResult:
    return ev.RowResult(
        id="x", kind="k", question="q", answerable=answerable, answer="a", found=found,
        cited=[], gold=[], facts=[], fact_ok=right if answerable else None,
        citation_recall=right if answerable else None, citation_precision=None,
        fabricated=0, refusal_ok=None if answerable else not found,
        false_refusal=None if not answerable else not found, retrieval={}, seconds=0.0,
        confidence=confidence)


def test_threshold_curve_counts_what_each_threshold_would_answer_and_refuse():
    rows = [row(True, True, True, 0.9), row(True, True, False, 0.4), row(True, False, False, 0.2),
            row(False, True, False, 0.3), row(False, True, False, 0.8)]
    at = {c["threshold"]: c for c in ev.threshold_curve(rows, steps=11)}
    assert at[0.0]["answered_right"] == pytest.approx(1 / 3)
    assert at[0.0]["false_refusal_rate"] == pytest.approx(1 / 3)  # refused by a rule anyway
    assert at[0.0]["refusal_accuracy"] == 0.0
    assert at[0.5]["refusal_accuracy"] == 0.5
    assert at[0.5]["false_refusal_rate"] == pytest.approx(2 / 3)
    assert at[0.5]["wrong_shown"] == pytest.approx(1 / 5)  # only the 0.8 unanswerable one
    assert at[0.0]["wrong_shown"] == pytest.approx(3 / 5)
    # 0.9: the right answer (0.9) still shown, both unanswerable ones refused
    assert ev.fit_threshold(list(at.values()))["threshold"] == pytest.approx(0.9)


def test_bootstrap_interval_is_reproducible_and_narrows_with_more_questions():
    few = ev.bootstrap_interval([1, 0] * 10)
    many = ev.bootstrap_interval([1, 0] * 200)
    assert few == ev.bootstrap_interval([1, 0] * 10)
    assert few[0] < many[0] < 0.5 < many[1] < few[1]
    assert ev.bootstrap_interval([None, None]) is None


def test_eval_without_its_extra_names_the_install_command(monkeypatch, tmp_path):
    import importlib.util

    from paracite.errors import ExtraMissingError
    from paracite.eval.runner import run

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "matplotlib" else real(name, *a))
    with pytest.raises(ExtraMissingError, match=r"pip install 'paracite\[eval\]'"):
        run(tmp_path / "none.jsonl", tmp_path / "out")
