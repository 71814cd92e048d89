"""The extractive answerer's rules on hand-made passages (no model, no store): what it
chooses, what it brings along, and when it refuses."""

from __future__ import annotations

from paracite.answer.extractive import ExtractiveAnswerer
from paracite.documents import Footnote, Passage
from paracite.retrieve import Retrieved
from paracite.settings import Settings
from paracite.text.query import Query
from paracite.text.tokens import tokenize


def passage(label: str, text: str, footnotes: tuple[Footnote, ...] = (),
            title: str = "Report on the fifty-sixth session") -> Passage:
    return Passage(document="rep", title=title, paragraph=label, start=0, end=len(text),
                   order=int(label), text=text, pages=(1,), footnotes=footnotes)


class Stats:
    """Term statistics over the given passages (every known term weighs 1)."""

    def __init__(self, *passages: Passage) -> None:
        self.vocabulary = frozenset(t for p in passages for t in tokenize(p.searchable_text()))
        self.median_idf = 1.0

    def idf(self, term: str) -> float:
        return 1.0

    def mend(self, word: str) -> str:
        from paracite.text.stems import stem

        return stem(word)


def ask(question: str, *passages: Passage, threshold: float = 0.0):
    settings = Settings(answer_threshold=threshold, reader=False)  # the rules, not the reader
    found = [Retrieved(p, 1.0 / (i + 1), dense=0.6) for i, p in enumerate(passages)]
    return ExtractiveAnswerer(settings).answer(Query.read(question, Stats(*passages)), found,
                                               Stats(*passages))


P_FOOT = passage("7", "7. The Commission endorsed the Medellín Framework for Action.¹ It "
                      "thanked the host country.",
                 footnotes=(Footnote(marker="1", text="E/CN.3/2025/7, annex I."),))


def test_a_footnote_does_not_answer_in_place_of_its_sentence():
    ans = ask("What framework did the Commission endorse?", P_FOOT)
    assert ans.found and "Medellín Framework for Action" in ans.text
    assert "Footnote" not in ans.text


def test_a_footnote_answers_when_the_source_is_asked_for():
    ans = ask("What is the document symbol of the Medellín Framework for Action?", P_FOOT)
    assert ans.found and "E/CN.3/2025/7" in ans.text


def test_a_sentence_that_leans_on_the_one_before_brings_it_so_the_subject_is_named():
    p = passage("3", "3. The Committee adopted its Views in El Korrichi et al. v. Spain. The "
                     "Committee decided that that decision would be its pilot decision "
                     "concerning eviction cases.")
    ans = ask("Which pilot decision concerning eviction cases did the Committee decide on?", p)
    assert ans.found and "El Korrichi" in ans.text and ans.text.count("[1]") == 2


def test_how_many_answers_must_name_what_is_counted():
    p = passage("57", "57. The meeting was attended by representatives of 87 Member States.")
    assert ask("How many Member States attended the meeting?", p).found
    refused = ask("How many youth delegates attended the meeting?", p)
    assert not refused.found and refused.see_also


def test_a_number_or_ordinal_the_question_names_must_be_in_the_answering_paragraph():
    p = passage("4", "4. The fifty-seventh session will be held from 3 to 6 March 2026.")
    assert ask("When will the fifty-seventh session be held?", p).found
    assert not ask("When will the fifty-eighth session be held?", p).found
    assert not ask("When was the 2023 session held?", p).found


def test_a_when_question_is_refused_when_no_sentence_has_a_date():
    p = passage("9", "9. The Commission will hold its next session at Headquarters.")
    assert not ask("When will the Commission hold its next session?", p).found


def test_the_no_answer_score_decides_and_is_reported():
    p = passage("57", "57. The meeting was attended by representatives of 87 Member States.")
    answered = ask("How many Member States attended the meeting?", p, threshold=0.0)
    refused = ask("How many Member States attended the meeting?", p, threshold=1.0)
    assert answered.found and not refused.found
    assert 0 < answered.confidence < 1 and refused.confidence == answered.confidence


def test_a_question_in_two_parts_gets_both_sentences_of_the_paragraph_in_order():
    p = passage("4", "4. The Forum will hold its twenty-first session from 4 to 8 May 2026. "
                     "The Forum decided that its twenty-first session would be held at "
                     "United Nations Headquarters in New York. It thanked the Secretariat.")
    ans = ask("When and where will the Forum hold its twenty-first session?", p)
    assert ans.found and "4 to 8 May 2026" in ans.text and "New York" in ans.text
    assert ans.text.index("May 2026") < ans.text.index("New York")
    assert "thanked" not in ans.text and len(ans.citations) == 1
