"""Conversations over the bundled records, through ``Assistant.ask(question, history=…)``:
follow-ups read as standalone questions, new questions taken as asked, a pronoun with
nothing to refer to answered with a request for the name (issue 23, item 4)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

CHINA = [("Which country provided extrabudgetary resources for the meeting?",
          "The Expert Group expressed its appreciation to the Government of China for "
          "providing extrabudgetary resources for the meeting. [1]")]


@pytest.fixture(scope="module")
def ready(records_template, tmp_path_factory, embedder):
    """An Assistant over this module's copy of the session's records store."""
    import shutil

    import paracite

    home = tmp_path_factory.mktemp("conversation") / "home"
    shutil.copytree(records_template, home)
    a = paracite.Assistant(home=home, embedder=embedder)
    yield a
    a.close()


def test_a_complete_question_after_an_unrelated_turn_is_taken_as_asked(ready):
    question = "When was the second meeting of the Expert Group held?"
    ans = ready.ask(question, history=CHINA)
    assert ans.standalone_question == question and not ans.understood_as
    assert ans.found and "25 to 28 February 2013" in ans.text, ans.text
    assert "China" not in ans.text


def test_and_who_was_elected_rapporteur_carries_the_meeting_not_the_last_answer(ready):
    first = ready.ask("Who opened the meeting?")
    ans = ready.ask("and who was elected Rapporteur?",
                    history=[("Who opened the meeting?", first.text)])
    assert ans.understood_as.startswith("Who was elected Rapporteur"), ans.understood_as
    assert "South Africa" not in ans.understood_as and "(" not in ans.understood_as
    assert ans.found and "Erik Planken" in ans.text, ans.text
    assert ("report", "22") in {(c.document, c.paragraph) for c in ans.citations}


@pytest.mark.parametrize("history", [[], CHINA], ids=["no history", "no person before"])
def test_he_with_no_person_named_asks_who_is_meant(ready, history):
    ans = ready.ask("Which country is he from?", history=history)
    assert not ans.found and not ans.citations and not ans.see_also
    assert ans.unresolved == "he"
    assert ans.text.startswith("“he” does not refer to anyone named in this conversation")
    assert "China" not in ans.text


def test_he_after_a_named_person_is_that_person(ready):
    ans = ready.ask("Which country is he from?", history=[(
        "Who introduced the summary reports of the 2011 and 2013 meetings?",
        "The Rapporteur of the Expert Group, Christopher Ram (Canada), introduced the summary "
        "reports of the 2011 and 2013 meetings of the Expert Group. [1]")])
    assert ans.understood_as == ("Which country is Christopher Ram, who introduced the summary "
                                 "reports of the 2011 and 2013 meetings, from?")
    assert ans.found and "Canada" in ans.text


def test_stream_says_the_same_about_an_unresolved_pronoun(ready):
    parts = list(ready.stream("What did she say?"))
    assert parts[-1].unresolved == "she"
    assert "".join(p for p in parts[:-1] if isinstance(p, str)).strip() == parts[-1].text


def test_llm_is_not_asked_to_guess_an_unresolved_pronoun(ready):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    import paracite

    a = paracite.Assistant(ready.settings, llm=FakeListChatModel(responses=["China [1]."]),
                           embedder=ready.embedder)
    ans = a.ask("Which country is he from?", history=CHINA)
    assert ans.unresolved == "he" and not ans.found and "China" not in ans.text
    parts = list(a.stream("Which country is he from?", history=CHINA))
    assert parts[-1].unresolved == "he" and parts[0] == parts[-1].text
