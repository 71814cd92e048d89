"""Suggested questions: statements read from procedural sentences, the questions made of them,
headings (the fallback), choice and checking, on made-up passages."""

from __future__ import annotations

import re

import pytest

from paracite.documents import Answer, Citation, Passage
from paracite.suggest import (
    MAX_TOPIC_WORDS,
    Suggestion,
    Usage,
    accepted,
    clean_heading,
    in_running_text,
    is_topic,
    question_for,
    questions_of,
    suggest,
)
from paracite.text.statements import Names, Statement, read


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
    ps = passages("r", ["I. Disarmament"], title="Report UNODC/CCPCJ/EG.4/2017/4")
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
    ps = passages("a", ["I. Ocean Action panels"]) + passages("b", ["1. Ocean Action panels",
                                                                     "2. Disarmament"])
    got = [s.question for s in suggest(ps, 4)]
    assert got.count("What was said about Ocean Action panels?") == 1
    assert len(got) == 2


def test_singular_and_plural_headings_are_one_topic():
    ps = passages("a", ["A. Ocean Action panels", "Annex > Ocean Action panel"])
    assert len(suggest(ps, 4)) == 1


def test_suggestions_take_turns_between_documents():
    ps = (passages("a", ["I. Disarmament", "II. Promotion of human rights", "III. Oceans"])
          + passages("b", ["I. Migration statistics", "II. Household surveys"]))
    assert [s.document for s in suggest(ps, 4)] == ["a", "b", "a", "b"]


def test_suggestions_spread_over_top_level_sections_before_repeating_one():
    ps = passages("a", ["I. Statistics > A. Migration statistics",
                        "I. Statistics > B. Household surveys",
                        "I. Statistics > C. Price statistics",
                        "II. Disarmament"])
    got = suggest(ps, 2)
    assert {s.section.split(" > ")[0] for s in got} == {"I. Statistics", "II. Disarmament"}


def test_headings_with_more_paragraphs_come_first_within_a_section():
    ps = passages("a", ["I. Work > A. Oceans", "I. Work > B. Disarmament",
                        "I. Work > B. Disarmament", "I. Work > B. Disarmament"])
    assert suggest(ps, 1)[0].topic == "Disarmament"


def test_only_headings_with_a_paragraph_under_them_are_used():
    ps = (passages("a", ["Annex > Timetable of meetings"], kind="table_row")
          + passages("a", ["Cover page"], kind="front_matter"))
    assert suggest(ps, 4) == []


def test_a_non_topic_heading_gives_way_to_its_parent():
    ps = passages("a", ["III. Disarmament > F. Other matters"])
    (s,) = suggest(ps, 4)
    assert s.heading == "III. Disarmament"
    assert s.section == "III. Disarmament"
    assert s.question == "What was said about disarmament?"


@pytest.mark.parametrize("heading", ["III. Summary of deliberations", "I. Election of officers",
                                     "II. Adoption of the agenda", "IV. General debate",
                                     "V. Attendance", "VI. Action taken by the Commission",
                                     "Conclusions and recommendations"])
def test_a_heading_naming_only_procedure_is_not_asked_about(heading):
    # "What was said in the deliberations?" is a question about every record, not this one
    assert suggest(passages("a", [heading]), 4) == []


def test_a_table_of_contents_read_as_headings_is_not_used():
    ps = passages("a", ["I. Matters calling for action ... 6 > B. Ensuring transparency"])
    assert suggest(ps, 4) == []


def test_a_heading_naming_the_document_kind_is_not_a_topic():
    ps = passages("a", ["Provisional agenda", "Annotations > 1. Disarmament"],
                  title="Annotated provisional agenda")
    assert [s.topic for s in suggest(ps, 4)] == ["Disarmament"]


def test_a_suggestion_the_check_turns_down_is_replaced_by_the_next_topic():
    ps = passages("a", ["I. Disarmament", "II. Human rights", "III. Oceans"])
    asked: list[str] = []

    def check(s):
        asked.append(s.topic)
        return s.topic != "Disarmament"

    got = suggest(ps, 2, check=check)
    assert [s.topic for s in got] == ["Human rights", "Oceans"]
    assert asked == ["Disarmament", "Human rights", "Oceans"]


def test_the_check_is_tried_a_bounded_number_of_times():
    ps = passages("a", [f"{i}. Topic number {i * 'x'}" for i in range(1, 30)])
    calls = []
    assert suggest(ps, 2, check=lambda s: calls.append(s) is not None) == []
    assert len(calls) == 6  # TRIES_PER_QUESTION × n


def test_suggestions_are_deterministic():
    ps = (passages("b", ["I. Migration statistics", "II. Household surveys", "III. Oceans"])
          + passages("a", ["I. Disarmament", "II. Promotion of human rights"]))
    assert suggest(ps, 4) == suggest(list(reversed(ps)), 4)


# -- statements: what procedural sentences state ------------------------------------------
def names(*texts: str, title: str = "") -> Names:
    return Names(texts, title, title)


CND = names("The Commission on Narcotic Drugs met in Vienna.",
            "The Commission on Crime Prevention and Criminal Justice was informed.",
            title="Commission on Narcotic Drugs: report on the sixty-eighth session")


def only(sentence: str, n: Names = CND, paragraph: str = "") -> Statement:
    (st,) = read(sentence, n, paragraph)
    return st


def test_an_election_names_the_person_the_office_and_the_body_in_full():
    st = only("At its 1st meeting, on 10 March 2025, the Commission elected Andranik "
              "Hovhannisyan (Armenia) as First Vice-Chair.")
    assert (st.kind, st.person, st.office, st.body, st.meeting) == (
        "elected", "Andranik Hovhannisyan (Armenia)", "First Vice-Chair",
        "the Commission on Narcotic Drugs", "1st meeting")


def test_a_short_mention_is_the_body_the_document_is_about_not_the_one_named_most():
    n = names("The Commission on Crime Prevention and Criminal Justice met. " * 3,
              "The Commission on Narcotic Drugs met.", title="Commission on Narcotic Drugs")
    assert n.full("the Commission") == "the Commission on Narcotic Drugs"


def test_a_mention_of_another_kind_of_body_is_not_lengthened_into_it():
    n = names("The Human Rights Council Advisory Committee met. The Human Rights Council met.")
    assert n.full("the Human Rights Council") == "the Human Rights Council"


def test_a_long_name_is_written_short_in_a_question():
    n = names("The Expert Group to Conduct a Comprehensive Study on Cybercrime met.",
              title="Report on the meeting of the Expert Group to Conduct a Comprehensive "
                    "Study on Cybercrime")
    assert n.written("the Expert Group") == "the Expert Group"
    assert n.written("the Commission on Narcotic Drugs") == "the Commission on Narcotic Drugs"


def test_a_name_broken_over_two_cover_lines_is_the_documents_body():
    n = Names(["The Committee met. The Committee of Experts on Public Administration met."],
              "United Nations\nCommittee of Experts on\nPublic Administration\nReport")
    assert n.own == "Committee of Experts on Public Administration"


def test_a_session_held_gives_its_ordinal_body_date_and_place():
    st = only("The Commission held its sixty-eighth session in Vienna from 10 to 14 March 2025.")
    assert (st.kind, st.event, st.date, st.place) == (
        "held", "the sixty-eighth session of the Commission on Narcotic Drugs",
        "10 to 14 March 2025", "Vienna")


def test_the_session_takes_the_one_ordinal_its_paragraph_gives():
    paragraph = ("The Commission held its sixty-eighth session in Vienna. The session was "
                 "attended by representatives of 52 States members of the Commission.")
    st = only("The session was attended by representatives of 52 States members of the "
              "Commission.", paragraph=paragraph)
    assert (st.kind, st.event, st.count, st.unit) == (
        "attended", "the sixty-eighth session of the Commission on Narcotic Drugs", "52",
        "States members")


def test_a_hyphen_spaced_ordinal_is_not_read_as_its_last_part():
    st = only("At its 7th meeting, on 7 March 2025, the Commission adopted the draft report "
              "on its fifty - sixth session.")
    assert st.session == ""


def test_a_session_to_be_held_is_asked_about_in_the_future():
    st = only("The report of the Commission on Narcotic Drugs on its reconvened sixty-eighth "
              "session, to be held on 4 and 5 December 2025, will be issued.")
    assert (st.kind, st.event, st.date) == (
        "will_hold", "the reconvened sixty-eighth session of the Commission on Narcotic Drugs",
        "4 and 5 December 2025")


@pytest.mark.parametrize("sentence", [
    "At the same meeting, the Commission adopted the report.",  # no date: no 'when'
    "The first meeting of the reconvened extended Bureau was held on 1 December 2016.",
    "The same session was opened by the Chair.",
    "The report on the sixty-eighth session, which was held in March, was adopted.",
])
def test_what_cannot_be_named_or_dated_makes_no_question(sentence):
    assert [q for st in read(sentence, CND) for _, q, _ in questions_of(st)] == []


def test_an_adoption_is_dated_by_its_own_date_not_one_in_what_was_adopted():
    st = only("The Board adopted the report on its first regular session of 2025 held from 10 to "
              "11 February 2025.")
    assert (st.kind, st.date) == ("adopted", "")


def test_thanks_to_a_government_make_a_which_government_question():
    st = only("The Expert Group expressed its appreciation to the Government of China for "
              "providing extrabudgetary resources towards the holding of the third meeting of "
              "its Expert Group.", names("The Expert Group met."))
    assert [q for _, q, _ in questions_of(st)] == [
        "Which Government provided extrabudgetary resources towards the holding of the third "
        "meeting of the Expert Group?"]


def test_two_bodies_joined_by_and_are_not_one_agent():
    assert read("At its 4th meeting, the Security Council and the General Assembly decided "
                "to meet.", CND) == []


# -- questions from statements -------------------------------------------------------------
REPORT = [
    "The Commission held its sixty-eighth session in Vienna from 10 to 14 March 2025.",
    "At its 1st meeting, on 10 March 2025, the Commission elected Andranik Hovhannisyan "
    "(Armenia) as First Vice-Chair.",
    "At its 5th meeting, on 12 March 2025, the Commission decided to include A in Schedule I.",
    "At its 5th meeting, on 12 March 2025, the Commission decided to include B in Schedule II.",
    "The session was attended by representatives of 52 States members of the Commission.",
]


def report(doc: str = "cnd", texts: list[str] = REPORT) -> list[Passage]:
    return [Passage(document=doc, title="Commission on Narcotic Drugs: Report on the "
                    "sixty-eighth session", paragraph=str(i + 1), start=0, end=1, order=i,
                    text=t) for i, t in enumerate(texts)]


GENERIC = re.compile(r"^What (?:was|were) (?:said|discussed|decided)|^What happened|"
                     r"^What are the (?:recommendations|conclusions|findings)", re.I)


def test_suggestions_name_the_body_and_are_no_generic_template():
    got = suggest(report(), 4)
    assert len(got) == 4
    for s in got:
        assert "Commission on Narcotic Drugs" in s.question, s.question
        assert not GENERIC.search(s.question), s.question


def test_suggestions_take_turns_between_kinds_of_question():
    got = [s.question.split()[0] for s in suggest(report(), 3)]
    assert len(set(got)) == 3, got


def test_a_question_two_statements_answer_differently_is_not_asked():
    questions = [s.question for s in suggest(report(), 10)]
    assert not [q for q in questions if "decide" in q]


def test_the_same_fact_in_two_documents_is_one_question_with_both_sources():
    texts = ["The first meeting of the Commission was held in Vienna from 17 to 21 January 2011."]
    got = suggest(report("a", texts) + report("b", texts), 4)
    when = [s for s in got if s.question.startswith("When")]
    assert len(when) == 1 and when[0].sources == (("a", "1"), ("b", "1"))


def test_an_ordinal_the_paragraph_does_not_state_is_not_in_its_question():
    # the title says 'sixty-eighth': the election paragraph does not, so neither may its
    # question (the answerer requires ordinals of the paragraph it cites)
    (s,) = [s for s in suggest(report(), 10) if s.kind == "elected"]
    assert s.question == "Who was elected First Vice-Chair of the Commission on Narcotic Drugs?"
    assert s.sources == (("cnd", "2"),) and s.answer == "andranik hovhannisyan (armenia)"


def test_statements_come_before_headings():
    ps = report() + passages("cnd", ["I. Disarmament"])
    got = suggest(ps, 10)
    assert got[-1].kind == "heading" and all(s.kind != "heading" for s in got[:-1])


# -- checking: the answer must say what the statement says ------------------------------
def answer(text: str, paragraph: str = "9", found: bool = True, uncertain: bool = False):
    cite = Citation(marker=1, document="cnd", title="T", paragraph=paragraph, text=text)
    return Answer(question="q", text=f"{text} [1]", found=found, citations=[cite],
                  uncertain=uncertain)


def test_an_answer_saying_the_statements_answer_is_accepted_from_any_paragraph():
    s = Suggestion("Who?", "cnd", sources=(("cnd", "2"),), answer="mr. hovhannisyan")
    assert accepted(s, answer("The nominee, Andranik Hovhannisyan (Armenia), chaired it."))
    assert not accepted(s, answer("Shambhu Kumaran (India) was Chair.", paragraph="2"))


def test_a_refused_or_hedged_answer_is_not_accepted():
    s = Suggestion("Who?", "cnd", sources=(("cnd", "2"),), answer="hovhannisyan")
    assert not accepted(s, answer("Hovhannisyan.", found=False))
    assert not accepted(s, answer("Hovhannisyan.", uncertain=True))


def test_a_what_question_is_accepted_when_it_cites_its_paragraph():
    s = Suggestion("What did it decide?", "cnd", sources=(("cnd", "3"),))
    assert accepted(s, answer("It decided to meet.", paragraph="3"))
    assert not accepted(s, answer("It decided to meet.", paragraph="4"))


def test_a_check_returning_answers_replaces_suggestions_it_turns_down():
    asked = []

    def check(s):
        asked.append(s.question)
        return answer("It met in Vienna." if s.question.startswith("Where") else "Nothing.")

    got = suggest(report(), 1, check=check)
    assert [s.question for s in got] == [
        "Where was the sixty-eighth session of the Commission on Narcotic Drugs held?"]
    assert len(asked) <= 3
