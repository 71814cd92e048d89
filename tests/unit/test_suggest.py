"""Suggested questions from headings: cleaning, templates and choice, on made-up passages."""

from __future__ import annotations

import pytest

from paracite.documents import Passage
from paracite.suggest import (
    MAX_TOPIC_WORDS,
    Usage,
    clean_heading,
    in_running_text,
    is_topic,
    question_for,
    suggest,
)


def passages(doc: str, sections: list[str], title: str = "Report of the meeting",
             kind: str = "paragraph", text: str = "The meeting took note of it.") -> list[Passage]:
    """One paragraph per section, in this order."""
    return [Passage(document=doc, title=title, paragraph=str(i + 1), section=s, start=0,
                    end=1, order=i, text=text, kind=kind)  # type: ignore[arg-type]
            for i, s in enumerate(sections)]


# -- the heading cleaner ---------------------------------------------------------------
@pytest.mark.parametrize(("raw", "clean"), [
    ("II. Election of officers", "Election of officers"),
    ("A. Adoption of the agenda", "Adoption of the agenda"),
    ("3. Organization of work", "Organization of work"),
    ("3 Organization of work", "Organization of work"),
    ("(b) Adoption of the agenda and organization of work",
     "Adoption of the agenda and organization of work"),
    ("IV.A. Plenary meetings", "Plenary meetings"),
    ("1.2 Plenary meetings", "Plenary meetings"),
    ("Chapter III Future work of the Committee", "Future work of the Committee"),
    ("Agenda item 4: Country engagement", "Country engagement"),
    ("Item 4. Country engagement", "Country engagement"),
    ("Adoption of the report (agenda item 8)", "Adoption of the report"),
    ("Opening and duration of the session¹", "Opening and duration of the session"),
    ("Minorities; Roma communities", "Minorities, Roma communities"),
    ("  Attendance.  ", "Attendance"),
])
def test_numbering_item_references_and_footnote_marks_are_stripped(raw, clean):
    assert clean_heading(raw) == clean


@pytest.mark.parametrize("raw", ["I.", "IV.", "A.", "(a)", "3.", "Annex", "Annex I",
                                 "Chapter II", "12", "Agenda item 3"])
def test_numbering_alone_leaves_nothing(raw):
    assert not is_topic(clean_heading(raw))


def test_a_leading_article_is_not_taken_for_numbering():
    assert clean_heading("A new approach to oceans") == "A new approach to oceans"
    assert clean_heading("I need a heading") == "I need a heading"


@pytest.mark.parametrize("heading", [
    "Contents", "Introduction", "Annex", "Summary", "Other matters",
    "Organizational, administrative and other matters", "E/2025/44", "Distr.: General",
    "Matters calling for action .... 6", "Monday, 9 June", "12 March", "Note by the Secretariat",
    "Agenda item Title or description", "Lamia Moubayed Bissat (Lebanon)", "B",
    " ".join(["word"] * (MAX_TOPIC_WORDS + 1)),
])
def test_headings_that_name_no_topic_are_skipped(heading):
    assert not is_topic(heading)


@pytest.mark.parametrize("heading", ["Election of officers", "Attendance", "Disarmament",
                                     "Main Committee", "Ocean Action panels",
                                     "Budget and financial management in times of crisis"])
def test_topics_are_kept(heading):
    assert is_topic(heading)


def test_a_heading_that_repeats_the_title_is_not_a_topic():
    assert not is_topic("Report of the meeting", "Report of the meeting")


# -- case and articles, as the document writes them ---------------------------------
def test_a_sentence_case_heading_is_lowercased_in_the_question():
    assert in_running_text("Adoption of the agenda") == "adoption of the agenda"


def test_a_name_the_document_writes_capitalised_keeps_its_capital_and_article():
    usage = Usage.of(["It was sent to the Secretariat.", "Then the Secretariat replied."])
    assert in_running_text("Secretariat", usage) == "the Secretariat"


def test_a_word_capitalised_only_in_quoted_agenda_titles_is_not_taken_for_a_name():
    usage = Usage.of(['Under item 2, "Adoption of the agenda", it was adopted. "Adoption"'])
    assert in_running_text("Adoption of the agenda", usage) == "adoption of the agenda"


def test_a_run_of_capitalised_words_is_a_name():
    assert in_running_text("United Nations Declaration") == "United Nations Declaration"


def test_an_all_capitals_heading_is_written_as_the_document_writes_its_words():
    usage = Usage.of(["On the work of the Commission, its work was done."])
    assert in_running_text("WORK OF THE COMMISSION", usage) == "the work of the Commission"


def test_a_mass_noun_gets_no_article():
    usage = Usage.of(["Full attendance was noted; attendance was high."])
    assert question_for(in_running_text("Attendance", usage)) == "What was said about attendance?"


# -- templates ------------------------------------------------------------------------
@pytest.mark.parametrize(("topic", "question"), [
    ("adoption of the agenda", "What was decided on the adoption of the agenda?"),
    ("election of officers", "What was decided on the election of officers?"),
    ("opening of the session", "What happened at the opening of the session?"),
    ("general debate", "What was said in the general debate?"),
    ("summary of deliberations", "What was said in the deliberations?"),
    ("interactive dialogue with the Special Rapporteur",
     "What was said in the interactive dialogue with the Special Rapporteur?"),
    ("conclusions and recommendations", "What are the conclusions and recommendations?"),
    ("main findings", "What are the main findings?"),
    ("recommendations of the subsidiary bodies",
     "What are the recommendations of the subsidiary bodies?"),
    ("implementation of recommendations",
     "What was said about the implementation of recommendations?"),
    ("organization of work", "What was said about the organization of work?"),
    ("disarmament", "What was said about disarmament?"),
    ("the Main Committee", "What was said about the Main Committee?"),
    ("enhancing the participation of women",
     "What was said about enhancing the participation of women?"),
])
def test_each_kind_of_heading_reads_as_a_question(topic, question):
    assert question_for(topic) == question


def test_election_without_of_falls_to_the_general_question():
    assert question_for("elections") == "What was said about elections?"


def test_questions_name_no_document_symbol():
    ps = passages("r", ["I. Election of officers"], title="Report UNODC/CCPCJ/EG.4/2017/4")
    (s,) = suggest(ps, 4)
    assert "/" not in s.question and "report" not in s.question.lower()


# -- choosing ---------------------------------------------------------------------------
def test_n_is_respected_and_no_topic_is_asked_twice():
    ps = passages("r", [f"{i}. Topic number {w}" for i, w in
                        enumerate(["one", "two", "three", "four", "five", "six"], 1)])
    ps += passages("r", ["1. Topic number one"])  # the same heading again
    for n in (0, 1, 3, 6, 10):
        got = suggest(ps, n)
        assert len(got) == min(n, 6)
        assert len({s.question for s in got}) == len(got)


def test_the_same_topic_in_two_documents_is_suggested_once():
    ps = passages("a", ["I. Adoption of the agenda"]) + passages("b", ["1. Adoption of the agenda",
                                                                       "2. Disarmament"])
    got = [s.question for s in suggest(ps, 4)]
    assert got.count("What was decided on the adoption of the agenda?") == 1
    assert len(got) == 2


def test_singular_and_plural_headings_are_one_topic():
    ps = passages("a", ["A. Ocean Action panels", "Annex > Ocean Action panel"])
    assert len(suggest(ps, 4)) == 1


def test_suggestions_take_turns_between_documents():
    ps = (passages("a", ["I. Disarmament", "II. Promotion of human rights", "III. Oceans"])
          + passages("b", ["I. Election of officers", "II. Attendance"]))
    assert [s.document for s in suggest(ps, 4)] == ["a", "b", "a", "b"]


def test_suggestions_spread_over_top_level_sections_before_repeating_one():
    ps = passages("a", ["I. Procedure > A. Opening of the meeting",
                        "I. Procedure > B. Attendance",
                        "I. Procedure > C. Documentation",
                        "II. Disarmament"])
    got = suggest(ps, 2)
    assert {s.section.split(" > ")[0] for s in got} == {"I. Procedure", "II. Disarmament"}


def test_headings_with_more_paragraphs_come_first_within_a_section():
    ps = passages("a", ["I. Work > A. Attendance", "I. Work > B. Disarmament",
                        "I. Work > B. Disarmament", "I. Work > B. Disarmament"])
    assert suggest(ps, 1)[0].topic == "Disarmament"


def test_only_headings_with_a_paragraph_under_them_are_used():
    ps = (passages("a", ["Annex > Timetable of meetings"], kind="table_row")
          + passages("a", ["Cover page"], kind="front_matter"))
    assert suggest(ps, 4) == []


def test_a_non_topic_heading_gives_way_to_its_parent():
    ps = passages("a", ["III. Summary of deliberations > F. Other matters"])
    (s,) = suggest(ps, 4)
    assert s.heading == "III. Summary of deliberations"
    assert s.section == "III. Summary of deliberations"
    assert s.question == "What was said in the deliberations?"


def test_a_table_of_contents_read_as_headings_is_not_used():
    ps = passages("a", ["I. Matters calling for action ... 6 > B. Ensuring transparency"])
    assert suggest(ps, 4) == []


def test_a_heading_naming_the_document_kind_is_not_a_topic():
    ps = passages("a", ["Provisional agenda", "Annotations > 1. Election of officers"],
                  title="Annotated provisional agenda")
    assert [s.topic for s in suggest(ps, 4)] == ["Election of officers"]


def test_a_suggestion_the_check_turns_down_is_replaced_by_the_next_topic():
    ps = passages("a", ["I. Disarmament", "II. Attendance", "III. Oceans"])
    asked: list[str] = []

    def check(s):
        asked.append(s.topic)
        return s.topic != "Disarmament"

    got = suggest(ps, 2, check=check)
    assert [s.topic for s in got] == ["Attendance", "Oceans"]
    assert asked == ["Disarmament", "Attendance", "Oceans"]


def test_the_check_is_tried_a_bounded_number_of_times():
    ps = passages("a", [f"{i}. Topic number {i * 'x'}" for i in range(1, 30)])
    calls = []
    assert suggest(ps, 2, check=lambda s: calls.append(s) is not None) == []
    assert len(calls) == 6  # TRIES_PER_QUESTION × n


def test_suggestions_are_deterministic():
    ps = (passages("b", ["I. Election of officers", "II. Attendance", "III. Oceans"])
          + passages("a", ["I. Disarmament", "II. Promotion of human rights"]))
    assert suggest(ps, 4) == suggest(list(reversed(ps)), 4)
