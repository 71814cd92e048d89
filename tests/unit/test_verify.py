"""Verification of generated answers: what the answer adds must be said of the question's
subject, and a sentence whose marker names the wrong passage is cited to the one given
passage that states it, or dropped."""

from __future__ import annotations

from paracite.answer.verify import verify
from paracite.documents import Passage


def passage(order: int, text: str) -> Passage:
    return Passage(document="r", title="Report", paragraph=str(order), order=order, start=0,
                   end=len(text), text=text)


OFFICERS = passage(5, "Ms. Ana Dubois (France) was elected Chair of the Commission. "
                      "Mr. Kenji Tanaka (Japan) was elected Rapporteur of the Commission.")
BUDGET = passage(9, "The Commission approved a budget of 4.2 million dollars for 2019.")


def test_a_name_said_of_another_office_is_not_an_answer():
    q = "Who was elected Rapporteur of the Commission?"
    wrong = verify("Ms. Ana Dubois was elected Rapporteur of the Commission [1].", [OFFICERS],
                   0.6, 0.85, None, q)
    assert not wrong.citations and wrong.flagged
    right = verify("Mr. Kenji Tanaka was elected Rapporteur of the Commission [1].",
                   [OFFICERS], 0.6, 0.85, None, q)
    assert right.text == "Mr. Kenji Tanaka was elected Rapporteur of the Commission. [1]"
    # without the question, both are 'in the passage': the check needs the question
    assert verify("Ms. Ana Dubois was elected Rapporteur of the Commission [1].", [OFFICERS],
                  0.6, 0.85).citations


def test_names_the_question_itself_gives_need_no_anchor():
    q = "What was Ms. Ana Dubois elected?"
    ans = verify("Ms. Ana Dubois was elected Chair of the Commission [1].", [OFFICERS], 0.6,
                 0.85, None, q)
    assert ans.citations


def test_a_wrong_marker_is_replaced_by_the_passage_that_states_it():
    ans = verify("The Commission approved a budget of 4.2 million dollars for 2019 [1].",
                 [OFFICERS, BUDGET], 0.6, 0.85, None, "What budget did the Commission approve?")
    assert ans.text.endswith("[1]") and [c.paragraph for c in ans.citations] == ["9"]


def test_a_wrong_marker_with_no_passage_stating_it_is_dropped():
    ans = verify("The Commission approved a budget of 5.0 million dollars for 2019 [2].",
                 [OFFICERS, BUDGET], 0.6, 0.85, None, "What budget did the Commission approve?")
    assert not ans.citations and ans.flagged
