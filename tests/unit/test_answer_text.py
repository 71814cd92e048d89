"""Sentence splitting, question types, follow-up condensing, verification: no model."""

from __future__ import annotations

import pytest

from paracite.answer.text import critical_terms, question_type, split_sentences
from paracite.answer.verify import verify
from paracite.chain import check_question, condense, is_follow_up
from paracite.documents import Passage
from paracite.errors import QuestionError
from paracite.settings import Settings


def passage(label: str, text: str) -> Passage:
    return Passage(document="report", title="Report", paragraph=label, start=0, end=len(text),
                   order=int(label), text=text, pages=(1,))


P52 = passage("52", "52. The meeting was opened by the Permanent Representative of South Africa, "
                    "as the Chair was indisposed.")
P57 = passage("57", "57. The meeting was attended by representatives of 87 Member States.")


@pytest.mark.parametrize(("question", "kind"), [
    ("Who opened the meeting?", "person"),
    ("How many Member States attended?", "count"),
    ("When was the report adopted?", "time"),
    ("On which day is item 7 scheduled?", "time"),
    ("Which States made statements?", "list"),
    ("Why was the meeting opened by the Permanent Representative?", "reason"),
    ("Which country is he from?", "place"),
    ("What is the name of the Permanent Representative?", "name"),
    ("What is Global Action on Cybercrime?", "other"),
])
def test_question_types(question, kind):
    assert question_type(question) == kind


def test_sentences_split_on_full_stops_but_not_abbreviations():
    text = "5. See para. 55 of E/CN.15/2011/19. The Group met at 10 a.m. on Monday. It ended."
    assert split_sentences(text) == [
        "5. See para. 55 of E/CN.15/2011/19.", "The Group met at 10 a.m. on Monday.",
        "It ended."]


def test_a_list_stays_with_the_sentence_that_introduces_it():
    text = "56. It adopted the agenda:\n1. Opening;\n2. Closing."
    assert split_sentences(text) == [text]


def test_critical_terms_are_ordinals_numbers_and_names():
    assert critical_terms("Who chaired the fourth meeting in Vienna on 12 April?") == [
        "fourth", "vienna", "12", "april"]


def test_follow_up_borrows_previous_question_and_answer_names():
    history = [("Who was elected Rapporteur?",
                "Erik Planken (Netherlands), nominated by Western European and other States")]
    assert is_follow_up("and from which country?", history)
    standalone = condense("and from which country?", history)
    assert "Rapporteur" in standalone and "Erik Planken" in standalone
    assert "Netherlands" in standalone


def test_standalone_question_is_left_alone():
    history = [("Who opened the meeting?", "The Permanent Representative of South Africa")]
    q = "How many Member States attended the third meeting of the Expert Group?"
    assert not is_follow_up(q, history)
    assert condense(q, history) == q


@pytest.mark.parametrize("bad", ["", "   ", "?!?...", "x" * 2001])
def test_unaskable_questions_get_a_clear_error(bad):
    with pytest.raises(QuestionError):
        check_question(bad, Settings())


def test_verify_removes_markers_that_point_at_no_passage():
    out = verify("The meeting was opened by the Permanent Representative of South Africa [1] "
                 "[9].", [P52, P57], min_support=0.5)
    assert out.text.endswith("[1]") and "[9]" not in out.text
    assert [c.paragraph for c in out.citations] == ["52"]


def test_verify_drops_uncited_and_unsupported_sentences():
    out = verify("The Chair was indisposed [1]. The meeting was held on the Moon [2]. "
                 "Everyone agreed.", [P52, P57], min_support=0.5)
    assert out.text == "The Chair was indisposed. [1]"
    assert out.flagged == ["The meeting was held on the Moon.", "Everyone agreed."]


def test_verify_renumbers_markers_in_order_of_use_and_quotes_the_sentence():
    out = verify("87 Member States attended [2]. The Chair was indisposed [1].",
                 [P52, P57], min_support=0.5)
    assert out.text == "87 Member States attended. [1] The Chair was indisposed. [2]"
    assert [c.paragraph for c in out.citations] == ["57", "52"]
    assert out.citations[0].quote == [P57.text]


def test_a_number_inside_a_document_symbol_is_not_a_term_of_its_own():
    from paracite.answer.text import critical_terms
    from paracite.lexicon import tokenize

    claim = "A list of participants was circulated (UNODC/CCPCJ/EG.4/2017/INF/1)."
    symbol = tokenize("UNODC/CCPCJ/EG.4/2017/INF/1")[0]
    assert critical_terms(claim) == [symbol]
    assert "4/2017" not in critical_terms(claim)
    assert critical_terms("Held on 10 April 2017 in room 4")[:1] == ["10"]
