"""Suggested questions on real records: the bundled ones (the session's records store) and
UN PDFs of ../shared (skipped when it is absent). Each suggestion names what its document
names (the body, the session or meeting, an office), none is a question every record
could be asked, and each, asked, is answered from what the paragraph it was made from says.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from paracite.suggest import Suggestion, accepted, suggest
from tests.corpus import UN_CORPUS, UN_PDFS, structure

pytestmark = pytest.mark.integration

# Questions about any record, not this one: what the old heading templates made of
# "Summary of deliberations", "Attendance", "Conclusions and recommendations".
GENERIC = re.compile(
    r"^What (?:was|were) (?:said|discussed|decided) (?:in|on|about) (?:the )?(?:deliberations|"
    r"general debate|discussions?|documentation|attendance|adoption of the agenda|election of "
    r"officers|organization of work|other matters|recommendations)\b|^What happened at the "
    r"(?:opening|closing|closure)\b|^What are the (?:main )?(?:conclusions|recommendations|"
    r"findings)(?: and (?:conclusions|recommendations))?\?$", re.I)
ORDINAL_OR_OFFICE = re.compile(r"\b(?:first|second|third|\w+-\w+th|\w+th|\d+(?:st|nd|rd|th)|"
                               r"Chair|Vice-Chair|Rapporteur|President|Government)\b")


# A name of two or more capitalised words after the question's first word: a body, a
# person, a report's title ("Permanent Forum", "Member States", "Working Group on ...").
NAMED = re.compile(r"(?<!^)\b[A-Z][\w’'-]+ (?:(?:of|on|for|the|and) )*[A-Z][\w’'-]+")


def specific(s: Suggestion, body: str) -> bool:
    """Names the document's body, a gathering by its ordinal, an office or another name."""
    return body in s.question or bool(ORDINAL_OR_OFFICE.search(s.question)
                                       or NAMED.search(s.question))


# -- the bundled records ---------------------------------------------------------------
def test_records_suggestions_name_the_expert_group_and_are_no_template(records_store):
    got = records_store.suggested(4)
    assert len(got) == 4
    assert {s.document for s in got} == {"agenda", "report"}
    for s in got:
        assert s.kind != "heading", s  # made from what the records state
        assert "Expert Group" in s.question, s.question
        assert not GENERIC.search(s.question), s.question
    # who, when, where, how many: not four times the same kind of question
    assert len({s.question.split()[0] for s in got}) >= 3, [s.question for s in got]


def test_each_records_suggestion_is_answered_citing_the_paragraph_it_came_from(records_store):
    for s in records_store.suggested(4):
        ans = records_store.ask(s.question)
        cited = {(c.document, c.paragraph) for c in ans.citations}
        assert ans.found and not ans.uncertain, s.question
        assert cited & set(s.sources), (s.question, s.sources, cited)
        assert accepted(s, ans), (s.question, s.answer, ans.text)


# -- UN PDFs -----------------------------------------------------------------------------
in_corpus = pytest.mark.skipif(not UN_CORPUS.is_dir(), reason=f"{UN_CORPUS} not present (the UN "
                               "corpus is not bundled with paracite)")
# One of the corpus's dev documents and one of its test documents (benchmarks/
# corpus_split.json): the rules were written on the dev half.
ANSWERED = {"E_2025_24.en.pdf": "Statistical Commission",  # dev
            "E_2025_43.en.pdf": "Permanent Forum on Indigenous Issues"}  # test


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory, embedder):
    """An Assistant over a store holding the two ``ANSWERED`` corpus PDFs."""
    import paracite

    root = tmp_path_factory.mktemp("suggest-corpus")
    (root / "inbox").mkdir()
    for name in ANSWERED:
        shutil.copy(UN_CORPUS / name, root / "inbox" / name)
    a = paracite.Assistant(home=root / "home", embedder=embedder)
    assert a.ingest([root / "inbox"]).ok
    yield a
    a.close()


@pytest.mark.corpus
@in_corpus
@pytest.mark.parametrize("pdf", sorted(ANSWERED))
def test_corpus_suggestions_are_specific_and_answered_as_their_paragraph_says(corpus_store,
                                                                            pdf: str):
    # The check returns the answer (not only whether one was found): a suggestion is kept
    # when the answer says what its statement says (``accepted``).
    doc = next(d.id for d, _ in corpus_store.documents() if Path(d.source).name == pdf)
    got = suggest(corpus_store.passages(doc), 4,
                  check=lambda s: corpus_store.ask(s.question, documents=[doc]))
    assert len([s for s in got if s.kind != "heading"]) >= 2, [s.question for s in got]
    for s in got:
        assert specific(s, ANSWERED[pdf]) and not GENERIC.search(s.question), s.question


@pytest.mark.corpus
@pytest.mark.skipif(not UN_PDFS.is_dir(), reason=f"{UN_PDFS} not present")
def test_the_narcotic_drugs_report_is_asked_about_its_officers_and_its_session():
    _, passages = structure(UN_PDFS / "E_2025_28.en.pdf")  # parsed once a session
    questions = [s.question for s in suggest(passages, 8)]
    assert "Who was elected First Vice-Chair of the Commission on Narcotic Drugs?" in questions
    assert ("When was the sixty-eighth session of the Commission on Narcotic Drugs held?"
            in questions)
    assert all(not GENERIC.search(q) for q in questions)
