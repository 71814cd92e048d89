"""The trained reader in the answerer, over the bundled records: the shipped weights load
and agree with the settings, and the answer policy's three bands say what they are."""

from __future__ import annotations

import shutil

import pytest

from paracite.documents import HEDGE, REFUSAL
from paracite.reader.model import WEIGHTS, Reader, packaged
from paracite.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def home(records_template, tmp_path_factory):
    dst = tmp_path_factory.mktemp("reader") / "home"
    shutil.copytree(records_template, dst)
    return dst


def assistant(home, embedder, **settings):
    import paracite

    return paracite.Assistant(Settings(home=home, **settings), embedder=embedder)


def test_the_shipped_reader_loads_small_with_its_thresholds_fitted_on_dev():
    assert WEIGHTS.exists() and WEIGHTS.stat().st_size < 25 * 2**20
    reader = packaged()
    assert isinstance(reader, Reader)
    assert 0.0 < float(reader.meta["hedge"]) <= float(reader.meta["threshold"]) < 1.0
    assert int(reader.meta["questions"]) >= 500
    assert not Settings().reader  # off by default: see the README's learning curve


QUESTION = "When was the second meeting of the Expert Group held?"
FACT = "25 to 28 February 2013"


def test_with_the_reader_the_answer_is_a_cited_candidate_and_its_confidence_the_reader_s(
        home, embedder):
    with assistant(home, embedder, reader=True, reader_threshold=0.0) as a:
        ans = a.ask(QUESTION)
        query = a.chain.read(QUESTION, (), None)[0]
        retrieved = a.retriever.search(query)
        top = a.chain.answerer.score(query, retrieved, a.retriever.store.lexicon)[:16]
    assert ans.found and not ans.uncertain and ans.citations
    assert ans.citations[0].quote[0] in [c.sentence.text for c in top]
    assert 0.0 < ans.confidence < 1.0 and ans.confidence != round(
        a.chain.answerer.no_answer_score(top[0]), 4)


def test_in_the_middle_band_only_the_closest_statement_is_shown_and_marked(home, embedder):
    with assistant(home, embedder, reader=True, reader_threshold=1.0, reader_hedge=0.0) as a:
        ans = a.ask(QUESTION)
    assert ans.found and ans.uncertain and ans.text.startswith(HEDGE)
    assert ans.text.count("[1]") == 1 and len(ans.citations) == 1
    assert ans.citations[0].quote[0] in ans.citations[0].text


def test_under_the_band_the_refusal_quotes_the_closest_statements(home, embedder):
    with assistant(home, embedder, answer_threshold=1.0) as a:
        ans = a.ask(QUESTION)
    assert not ans.found and ans.text.startswith(REFUSAL) and not ans.citations
    assert 1 <= len(ans.see_also) <= 3
    assert len({c.passage_id for c in ans.see_also}) == len(ans.see_also)  # one a paragraph
    for c in ans.see_also:
        assert c.quote and c.quote[0] in ans.text and c.reference in ans.text
        assert c.quote[0].split()[-1] in c.text
    assert FACT in ans.text  # the answering statement is in view
    with assistant(home, embedder, reader=True, reader_threshold=1.0, reader_hedge=1.0) as a:
        by_reader = a.ask(QUESTION)
    assert not by_reader.found and by_reader.see_also and by_reader.see_also[0].quote


def test_without_the_reader_the_own_order_answers_and_the_hedge_band_works(home, embedder):
    with assistant(home, embedder) as a:
        ans = a.ask(QUESTION)
    assert ans.found and FACT in ans.text and not ans.uncertain
    with assistant(home, embedder, answer_threshold=1.0, answer_hedge=0.0) as a:
        hedged = a.ask(QUESTION)
    assert hedged.found and hedged.uncertain and hedged.text.startswith(HEDGE)
    assert FACT in hedged.text
