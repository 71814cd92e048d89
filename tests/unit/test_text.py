"""The words layer (tokens, stems, spelling, synonyms, sentences, question types, the
Query), follow-up detection and condensing, verification: no model."""

from __future__ import annotations

import pytest

from paracite.answer.verify import verify
from paracite.chain import check_question
from paracite.conversation import condense, is_follow_up, read_turn
from paracite.documents import Passage
from paracite.errors import QuestionError
from paracite.settings import Settings
from paracite.text.questions import critical_terms, question_type
from paracite.text.sentences import split_sentences


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
    ("What is the name of the Permanent Representative?", "person"),
    ("Who called the session to order?", "person"),
    ("What did the Council request the Secretary-General to do?", "decision"),
    ("What share of ODA went to grants?", "count"),
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


def test_follow_up_borrows_the_person_named_and_the_previous_question():
    history = [("Who was elected Rapporteur?",
                "Erik Planken (Netherlands), nominated by Western European and other States")]
    assert is_follow_up("and from which country?", history)
    standalone = condense("and from which country?", history)
    assert "Rapporteur" in standalone and "Erik Planken" in standalone
    assert "Netherlands" not in standalone  # the answer's country is what is asked


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
    from paracite.text.tokens import tokenize

    claim = "A list of participants was circulated (UNODC/CCPCJ/EG.4/2017/INF/1)."
    symbol = tokenize("UNODC/CCPCJ/EG.4/2017/INF/1")[0]
    assert critical_terms(claim) == [symbol]
    assert "4/2017" not in critical_terms(claim)
    assert critical_terms("Held on 10 April 2017 in room 4")[:1] == ["10"]


# -- follow-ups: only a question that leans on the previous turn is rewritten -------------

HISTORY = [("Who was elected Rapporteur?",
            "Erik Planken (Netherlands), nominated by Western European and other States, took "
            "up his functions as the new Rapporteur. [1]")]


@pytest.mark.parametrize("question", [
    "and from which country?", "And the second?", "What about the Vice-Chair?", "Why?",
    "When?", "Which country is he from?", "When was it adopted?", "Who chaired it?",
    "What did they decide?"])
def test_questions_that_lean_on_the_previous_turn_are_follow_ups(question):
    assert is_follow_up(question, HISTORY)
    # rewritten, or (a pronoun the previous turn gives nothing for: 'it' after 'Who was
    # elected Rapporteur?') the word is named, for the answer to ask what is meant
    assert condense(question, HISTORY) != question or read_turn(question, HISTORY).unresolved


@pytest.mark.parametrize("question", [
    "How many Member States attended?", "Who opened the session?",
    "How many formal meetings were held?", "Who chairs the Committee?",
    "What did the Commission decide about its working methods?",
    "Which report did the Secretary-General say that the Council requested?",
    "When will Erik Planken's term end?"])
def test_short_or_self_contained_new_questions_are_not_follow_ups(question):
    assert not is_follow_up(question, HISTORY)
    assert condense(question, HISTORY) == question


def test_without_history_nothing_is_a_follow_up():
    assert not is_follow_up("And why?", [])


# -- words --------------------------------------------------------------------------------

def test_snowball_stems_join_word_forms_and_leave_symbols_alone():
    from paracite.text.stems import stem

    assert stem("adoption") == stem("adopted") == stem("adopts")
    assert stem("meetings") == stem("meeting")
    assert stem("E/CN.6/2025/5".lower()) == "e/cn.6/2025/5"


def test_spelling_is_mended_to_the_closest_word_of_the_records_only_when_close():
    from paracite.text.spelling import correct

    surface = {"rapporteur": "rapporteur", "extrabudgetary": "extrabudgetari",
               "meeting": "meet"}
    stems = set(surface.values())
    assert correct("rapportuer", surface, stems) == "rapporteur"
    assert correct("extrabudgetery", surface, stems) == "extrabudgetari"
    assert correct("volcano", surface, stems) == "volcano"  # nothing close: left alone
    assert correct("meet", surface, stems) == "meet"  # known stems are never changed


def test_every_synonym_line_gives_a_reason_and_maps_to_other_words():
    from paracite.text.synonyms import DATA, synonyms

    lines = [line for line in DATA.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines and all(len(line.split("\t")) == 3 and line.split("\t")[2].strip()
                         for line in lines)
    assert all(targets and word not in targets for word, targets in synonyms().items())


def test_a_session_is_not_a_synonym_of_a_meeting():
    """UN sessions consist of meetings: 'the third meeting' is not 'the third session'."""
    from paracite.text.stems import stem
    from paracite.text.synonyms import of

    assert stem("session") not in of(stem("meeting"))
    assert stem("meeting") not in of(stem("session"))


def test_a_query_is_read_once_with_mended_terms_type_and_names():
    from paracite.text.query import Query

    class Stats:
        vocabulary = frozenset({"rapporteur", "elect", "japan", "meet"})

        def idf(self, term):
            return 1.0

        def mend(self, word):
            from paracite.text.stems import stem

            return {"rapportuer": "rapporteur"}.get(word, stem(word))

    q = Query.read("Who was elected Rapportuer at the fourth meeting in Japan?", Stats())
    assert q.terms == ("elect", "rapporteur", "fourth", "meet", "japan")
    assert q.kind == "person"
    assert q.critical == ("rapporteur", "fourth", "japan")  # capitalised: a name or title
    assert q.primary == frozenset(q.terms)
    follow = Query.read("and from which country?", Stats(),
                        standalone="and from which country? (Who was elected Rapporteur?)")
    assert follow.kind == "place"
    assert "rapporteur" in follow.terms and "rapporteur" not in follow.primary


def test_store_and_chain_import_nothing_from_the_answer_package():
    import ast
    from pathlib import Path

    import paracite

    root = Path(paracite.__file__).parent
    files = [root / n for n in ("chain.py", "retrieve.py")]
    files += sorted((root / "conversation").glob("*.py"))  # packages, one concern a module
    files += sorted((root / "store").glob("*.py"))
    assert len(files) > 10
    for path in files:
        name = path.name
        tree = ast.parse(path.read_text())
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import)
                     for a in n.names]
        assert not [m for m in imported if m.startswith("paracite.answer")], name
