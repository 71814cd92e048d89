"""The corpus question sets: split by document, dev and test apart, built as documented
in evals/README.md. Reads only the JSONL files (no ../shared needed)."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from paracite import eval as ev
from tests.conftest import ROOT

EVALS = ROOT / "evals"
SPLIT = json.loads((ROOT / "benchmarks" / "corpus_split.json").read_text())["files"]


def _docs(name: str) -> dict[str, list[ev.EvalRow]]:
    by_doc: dict[str, list[ev.EvalRow]] = collections.defaultdict(list)
    for row in ev.load_dataset(EVALS / name):
        by_doc[row.corpus].append(row)
    return by_doc


def test_dev_and_test_share_no_document():
    assert not set(_docs("corpus-dev.jsonl")) & set(_docs("corpus-test.jsonl"))


@pytest.mark.parametrize("name,side", [("corpus-dev.jsonl", "dev"),
                                       ("corpus-test.jsonl", "test")])
def test_corpus_documents_follow_the_fixed_split(name, side):
    for corpus in _docs(name):
        file = Path(corpus).name
        if "/un-corpus/" in corpus:
            assert SPLIT[file] == side, (file, SPLIT[file])


@pytest.mark.parametrize("name", ["corpus-dev.jsonl", "corpus-test.jsonl"])
def test_each_set_has_six_documents_of_25_questions_with_the_required_kinds(name):
    docs = _docs(name)
    assert len(docs) >= 6
    ids = [r.id for rows in docs.values() for r in rows]
    assert len(ids) == len(set(ids))
    for corpus, rows in docs.items():
        kinds = collections.Counter(r.kind for r in rows)
        assert len(rows) >= 25, corpus
        assert sum(not r.answerable for r in rows) >= 0.2 * len(rows), corpus
        assert kinds["follow_up"] >= 2 and kinds["topic_change"] >= 2, corpus
        for r in rows:
            assert bool(r.history) == (r.kind in ("follow_up", "topic_change")), r.id
            assert r.answerable == (r.kind != "unanswerable"), r.id
            assert all(doc for doc, _ in r.citations), r.id
