"""Suggested questions, made from what the loaded documents state.

A delegate asks who was elected Chair, when and where a session was held, which Government
paid for the meeting, what the body decided at its 5th meeting. The procedural sentences of
UN records state exactly these things in a few fixed ways; ``text.statements`` reads them
(an election, a session held or to be held, an opening, an adoption, a decision, a report
introduced, support provided, attendance), and each is asked about in the ways a table
below lists (``ASKS``), naming the body and the session or meeting as the document names
them ("the sixty-eighth session of the Commission on Narcotic Drugs"). A question is only
made when the paragraph states the part that answers it (no date, no "when") and every
number and ordinal it names (the answerer requires them of the paragraph it cites); a
question two paragraphs make with different answers is ambiguous and not made.

Suggestions take turns between documents and, within one, between kinds of question (who,
when, where, how many, what). Each is checked before it is offered (``Assistant.
suggestions`` asks it): kept when the answer says what its statement says (``accepted``).
When the statements run out, questions about headings follow, as before this module read
statements: a heading is cleaned (numbering stripped, case restored), those that name no
topic or only procedure ("Summary of deliberations") are skipped, and the rest are asked
about by the first template whose words fit them.

>>> from paracite.documents import Passage
>>> texts = ["The Expert Group to Conduct a Study on Cybercrime met in Vienna.",
...          "The third meeting of the Expert Group will be opened on Monday, 10 April 2017.",
...          "The meeting was attended by representatives of 87 Member States."]
>>> ps = [Passage(document="r", title="Report on the meeting of the Expert Group to Conduct"
...               " a Study on Cybercrime", paragraph=str(i + 1), start=0, end=1, order=i,
...               text=t) for i, t in enumerate(texts)]
>>> for s in suggest(ps, 2):
...     print(s.question)
When will the third meeting of the Expert Group be opened?
How many Member States attended the meeting of the Expert Group?
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from paracite.documents import Answer, Passage
from paracite.text.phrases import ORDINAL
from paracite.text.questions import MONTHS, critical_terms, is_detail
from paracite.text.sentences import split_sentences
from paracite.text.statements import BODY_HEADS, Names, Statement, read
from paracite.text.stems import stem
from paracite.text.tokens import tokenize, words

# -- what a heading is ---------------------------------------------------------------
# Longer headings are sentences or titles, not topics a person would ask about by name.
MAX_TOPIC_WORDS = 10

# Headings that name a part of a document, not a subject in it.
NON_TOPICS = frozenset({
    "contents", "table of contents", "annex", "annexes", "appendix", "appendices",
    "introduction", "summary", "executive summary", "overview", "notes", "note",
    "references", "bibliography", "abbreviations", "acronyms", "list of abbreviations",
    "abbreviations and acronyms", "glossary", "footnotes", "miscellaneous",
    "chapter", "part", "section", "addendum", "corrigendum", "preface", "foreword",
    "background", "general", "annotations", "contents page",
})

# A table-of-contents line keeps its dot leader ("Attendance .... 6", "... 6"): a section
# path with one is the contents, read as headings, not a part of the document's body.
_TOC_LEADER = r"(?:\.\s?){3}|…"
_TOC = re.compile(_TOC_LEADER)

# Headings that are not topics, by their form (each with why).
NOT_TOPIC_FORMS = tuple(re.compile(rx, re.IGNORECASE) for rx in (
    r"\w/\w",  # a document symbol: a cover line
    r"\bdistr\.|\boriginal:",  # the cover's distribution stamp, read as a heading
    _TOC_LEADER,  # a table-of-contents line
    r"\b(?:(?:any )?other (?:matters|business)|miscellaneous)$",  # a catch-all item
    r"^(?:note|letter|report|memorandum|statement|communication) (?:by|dated|from)\b",  # what
    # the document is, under its title ("Note by the Secretariat")
    r"^(?:agenda )?item\b(?! \d)",  # a table's column header ("Agenda item | Title")
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",  # a day
    rf"\b\d{{1,2}}(?:[–-]\d{{1,2}})? (?:{MONTHS})\b|\b(?:{MONTHS}) \d{{1,2}}\b",  # a date
))
# A person and their country, "Lamia Moubayed Bissat (Lebanon)": names, each capitalised.
_NAME_WITH_PLACE = re.compile(r"^(?:[A-Z][\w'’-]+ ){1,5}\([A-Z][\w ,'’-]*\)$")

# Numbering in front of a heading: "II.", "A.", "3.", "1.2", "(a)", "IV.A", "Chapter III",
# "Agenda item 4:", "Annex I". Letters and Roman numerals need their punctuation ("A new
# approach" keeps its article); Arabic numbers need none ("3 Adoption of ...").
_ROMAN = r"[IVXLC]+"
_NUMBER = (rf"(?:(?:{_ROMAN}|[A-Z])(?:\.(?:\d+|[A-Z]))*[.):]|\d+(?:\.\d+)*[.):]?"
           rf"|\((?:\d+|[a-z]{{1,4}}|[A-Z]|{_ROMAN})\))")
_PREFIX = re.compile(
    rf"^\s*(?:(?:chapter|part|section|annex|appendix|article|(?:agenda\s+)?item)\s+"
    rf"(?:{_ROMAN}|\d+|[A-Z])\b(?:\s*\([a-z]\))?[.:)]?|{_NUMBER})(?:\s+|$)",
    re.IGNORECASE)
# A trailing reference to where the heading sits: "(agenda item 2)", "(item 4 (b))".
_TRAILER = re.compile(r"\s*\((?:agenda\s+)?items?\s+[^()]*(?:\([^()]*\)[^()]*)*\)\s*$",
                      re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_FOOTNOTE_MARK = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹*†‡]+")  # "Children¹³⁰", "Opening of the session*"
_STARTS_SOMETHING = re.compile(r"(?:[.!?:;()\[\]\n\"“”‘'’]|\d)$")


def clean_heading(heading: str) -> str:
    """A heading without its numbering, trailing item reference and punctuation; '' when
    nothing but numbering (or no words) is left.

    >>> clean_heading("II. Election of officers")
    'Election of officers'
    >>> clean_heading("A. Adoption of the agenda (agenda item 2)")
    'Adoption of the agenda'
    >>> clean_heading("Annex I"), clean_heading("IV."), clean_heading("A new approach")
    ('', '', 'A new approach')
    >>> clean_heading("C. Children¹³⁰")
    'Children'
    """
    text = " ".join(_FOOTNOTE_MARK.sub("", heading).replace(";", ",").split())
    while True:
        shorter = _PREFIX.sub("", text, count=1).strip()
        if shorter == text:
            break
        text = shorter
    text = _TRAILER.sub("", text).strip(" .:;,-–—*")
    return text if _WORD.search(text) else ""


def is_topic(heading: str, title: str = "") -> bool:
    """Whether a cleaned heading names something to ask about.

    >>> is_topic("Election of officers"), is_topic("Contents"), is_topic("E/2025/44")
    (True, False, False)
    >>> is_topic("Monday, 9 June"), is_topic("Organizational and other matters")
    (False, False)
    """
    words = heading.split()
    if not words or len(words) > MAX_TOPIC_WORDS or not _WORD.search(heading):
        return False
    low = " ".join(heading.lower().split())
    if low in NON_TOPICS or any(rx.search(heading) for rx in NOT_TOPIC_FORMS):
        return False
    if _NAME_WITH_PLACE.match(heading):
        return False
    if len(words) == 1 and len(heading) < 3:  # "B", "ii"
        return False
    return not (title and low == " ".join(title.lower().split()))


# -- how a heading becomes a question ------------------------------------------------
@dataclass(frozen=True)
class Template:
    """Headings whose first word (``at='first'``, then followed by 'of'), or whose head
    noun (``at='head'``: the last word before the first preposition), is one of
    ``words`` are asked about with ``question``. ``{topic}`` is the heading in running
    text."""

    name: str
    words: frozenset[str]
    at: Literal["first", "head"]
    question: str


TEMPLATES: tuple[Template, ...] = (
    # a procedural act: "Adoption of the agenda", "Election of officers"
    Template("decision", frozenset({"adoption", "election", "approval", "appointment",
                                    "establishment", "designation", "confirmation",
                                    "nomination", "elections"}),
             "first", "What was decided on the {topic}?"),
    # an event of the meeting: "Opening of the session", "Closure of the meeting"
    Template("event", frozenset({"opening", "closing", "closure", "resumption",
                                 "suspension", "conclusion"}),
             "first", "What happened at the {topic}?"),
    # what was said: "General debate", "Summary of deliberations", "Interactive dialogue"
    Template("debate", frozenset({"debate", "discussion", "discussions", "deliberations",
                                  "dialogue", "exchange", "exchanges"}),
             "head", "What was said in the {topic}?"),
    # a list the document draws up: "Conclusions and recommendations", "Main findings"
    Template("list", frozenset({"recommendations", "conclusions", "findings",
                                "observations", "proposals", "priorities", "messages",
                                "lessons"}),
             "head", "What are the {topic}?"),
)
GENERAL = "What was said about {topic}?"

# What a title's first words may say a document is: "Report of the Expert Group ..." is
# "the report", "Provisional agenda" "the provisional agenda". Kinds of UN document. A
# heading that only names the document's kind ("Provisional agenda" in the annotated
# provisional agenda) is not a topic in it.
DOCUMENT_KINDS = frozenset({
    "report", "agenda", "note", "letter", "resolution", "decision", "record", "records",
    "statement", "memorandum", "programme", "summary", "proposal", "declaration",
    "communication", "minutes", "annotations", "study", "review", "compilation",
    "recommendation", "opinion", "submission", "briefing", "outcome", "list",
})
_KIND_LEAD = 3  # words a kind may be preceded by: "draft", "provisional", "annotated"


# A name is written capitalised in running text far more often than not ("the Commission",
# rarely "commission of a crime"); a common word mostly lowercase.
NAME_RATIO = 2
# A word the document mostly writes after a determiner ("the agenda", "its provisional
# agenda", "the Secretariat"; not "attendance", "disarmament") takes "the" in a question.
THE_SHARE = 0.5
_DETERMINED = re.compile(r"(?:^|\W)(?:the|a|an|its|their|this|that|these|those|our|each|every)"
                         r"(?:\s+[A-Za-z-]+)?\s*$", re.IGNORECASE)


@dataclass
class Usage:
    """How one document writes its words in running text, for writing its headings into
    questions the way it would. A word that starts a sentence, a quotation, a bracket or a
    list item is not counted (agenda titles quoted in the text would make 'Adoption' look
    like a name).

    >>> u = Usage.of(["He met the Commission and the Secretariat.", "A commission."])
    >>> u.written("COMMISSION"), u.written("Secretariat"), u.takes_the("secretariat")
    ('commission', 'Secretariat', True)
    """

    forms: dict[str, Counter[str]] = field(default_factory=dict)
    determined: Counter[str] = field(default_factory=Counter)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Usage:
        usage = cls()
        for text in texts:
            for m in _WORD.finditer(text):
                before = text[max(0, m.start() - 30):m.start()].rstrip(" \t")
                if not before or _STARTS_SOMETHING.search(before):
                    continue
                w = m.group(0)
                usage.forms.setdefault(w.lower(), Counter())[w] += 1
                if _DETERMINED.search(before):
                    usage.determined[w.lower()] += 1
        return usage

    def written(self, word: str) -> str:
        """The form a word takes in running text: capitalised (or in capitals) when the
        document writes it so more than ``NAME_RATIO`` times as often as in lowercase,
        else lowercase."""
        low = word.lower()
        seen = self.forms.get(low, Counter())
        best = max(sorted(f for f in seen if f != low), key=lambda f: seen[f], default="")
        if best and seen[best] > NAME_RATIO * seen[low]:
            return best
        return low

    def takes_the(self, word: str) -> bool:
        """Whether the document mostly writes the word after a determiner."""
        total = sum(self.forms.get(word.lower(), Counter()).values())
        return bool(total) and self.determined[word.lower()] > THE_SHARE * total


def in_running_text(heading: str, usage: Usage | None = None) -> str:
    """The heading as it reads inside a sentence, written as its document writes it.

    The first word is lowercased unless it starts a run of capitalised words ('United
    Nations Declaration ...') or the document writes it capitalised (a name); an
    all-capitals heading is rewritten word by word. A name, a one-word topic or a word
    before a preposition ('right to education') gets 'the' when the document mostly
    writes that word so.

    >>> in_running_text("Adoption of the agenda")
    'adoption of the agenda'
    >>> in_running_text("Main Committee", Usage.of(["It went to the Main Committee."]))
    'the Main Committee'
    >>> in_running_text("Right to education", Usage.of(["Not the right to vote."]))
    'the right to education'
    """
    usage = usage or Usage()
    words = heading.split()
    letters = [c for c in heading if c.isalpha()]
    if len(words) > 1 and letters and all(c.isupper() for c in letters):
        words = [usage.written(w) if _WORD.fullmatch(w) else w for w in words]
    else:
        first = words[0]
        run = len(words) > 1 and words[1][:1].isupper() and first[-1:].isalpha()
        if first[:1].isupper() and (first[1:].islower() or len(first) == 1) and not run:
            words[0] = usage.written(first)
    first = words[0]
    name = first[:1].isupper()
    headed = len(words) > 1 and words[1] in _PREPOSITIONS
    if ((name or headed or len(words) == 1) and first.lower() not in _DETERMINERS
            and usage.takes_the(first)):
        words.insert(0, "the")
    return " ".join(words)


def document_kind(title: str) -> str:
    """'the report' for 'Report of the Expert Group ...'; '' when the title's first words
    do not say what kind of document it is.

    >>> document_kind("Report on the meeting"), document_kind("Provisional agenda")
    ('the report', 'the provisional agenda')
    >>> document_kind("Human rights and climate change")
    ''
    """
    words = [w.lower() for w in _WORD.findall(title)[:_KIND_LEAD + 1]]
    for i, w in enumerate(words):
        if w in DOCUMENT_KINDS:
            return "the " + " ".join(words[:i + 1])
    return ""


def question_for(topic: str) -> str:
    """The question a delegate would ask about a topic (a cleaned heading in running
    text): the first template that fits it, else the general one.

    >>> question_for("general debate"), question_for("the election of officers")
    ('What was said in the general debate?', 'What was decided on the election of officers?')
    >>> question_for("conclusions and recommendations")
    'What are the conclusions and recommendations?'
    >>> question_for("implementation of recommendations")
    'What was said about the implementation of recommendations?'
    >>> question_for("attendance"), question_for("organization of work")
    ('What was said about attendance?', 'What was said about the organization of work?')
    >>> question_for("ensuring the participation of women")
    'What was said about ensuring the participation of women?'
    >>> question_for("the agenda")
    'What was said about the agenda?'
    """
    core = _drop_article(topic)  # "the election of officers" is about an election
    words = core.lower().split()
    for t in TEMPLATES:
        if t.at == "first":
            fits = words[0] in t.words and len(words) > 2 and words[1] == "of"
        else:  # the head noun: the last word before the first preposition
            fits = _head(words) in t.words
        if fits:
            return _sentence(t.question.format(topic=core))
    words = topic.split()
    of = words.index("of") if "of" in words[1:3] else 0
    if of and topic[:1].islower() and words[0] not in _DETERMINERS and (
            of == 1 or not words[0].endswith("ing")):
        # "the organization of work", "the future work of the Committee"; not "the
        # enhancing the participation of ..."
        topic = "the " + topic
    return _sentence(GENERAL.format(topic=topic))


_DETERMINERS = frozenset({"the", "a", "an", "this", "these", "its", "our", "their"})
_PREPOSITIONS = frozenset({"of", "to", "for", "on", "in", "with", "by", "from", "against"})


# Words before what a template asks about: "Summary of the general debate" asks about the
# general debate.
_LEADS = ("the ", "summary of the ", "summary of ", "overview of the ", "overview of ")


def _head(words: Sequence[str]) -> str:
    """The head noun of a heading's words: 'dialogue' in 'interactive dialogue with the
    Special Rapporteur', 'recommendations' in 'conclusions and recommendations'."""
    lead = next((words[:i] for i, w in enumerate(words) if i and w in _PREPOSITIONS), words)
    return lead[-1] if lead else ""


def _drop_article(topic: str) -> str:
    """The topic without the words before what a template asks about.

    >>> _drop_article("the summary of the general debate")
    'general debate'
    """
    shorter = topic
    while True:
        lead = next((x for x in _LEADS if shorter.lower().startswith(x)
                     and len(shorter) > len(x)), "")
        if not lead:
            return shorter
        shorter = shorter[len(lead):]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- questions from what the records state -------------------------------------------------
@dataclass(frozen=True)
class Suggestion:
    """A suggested question and where it comes from.

    ``sources``: the (document, paragraph label) pairs whose text the question was made
    from: an answer that cites one of them answers it. ``kind``: the statement it asks
    about ('elected', 'held', ...; see :mod:`paracite.text.statements`) or 'heading' for
    a question about a heading's topic. ``heading``/``section``/``topic``: the heading a
    topic question comes from; for a statement, the heading and section its paragraph
    sits under (no topic)."""

    question: str
    document: str
    heading: str = ""  # the heading as the record has it (one part of ``section``)
    section: str = ""  # the heading path of the paragraphs it asks about
    topic: str = ""  # the heading cleaned
    paragraph: str = ""  # the label of the paragraph it was made from (the first source)
    kind: str = "heading"
    sources: tuple[tuple[str, str], ...] = ()
    answer: str = ""  # what the statement says answers it ('Erik Planken (Netherlands)')


@dataclass(frozen=True)
class Ask:
    """How a statement of one kind is asked about: ``template`` names the statement's
    parts (``{body}``, ``{event}``, ``{office}``, ...); ``needs``: parts it cannot do
    without; ``answer``: the part that answers it (two statements that make the same
    question with different answers make an ambiguous question, not asked)."""

    kind: str
    asks: str  # who, when, where, how many, what: spread over the suggestions
    template: str
    needs: tuple[str, ...]
    answer: str


# Each a way delegates ask about a kind of procedural fact; a statement lacking a part a
# question needs (no date: no 'when') is not asked that way.
ASKS: tuple[Ask, ...] = (
    Ask("elected", "who", "Who was elected {office} of {body}{at_session}?",
        ("person", "office", "body"), "person"),
    Ask("elected", "who", "Who were elected officers of {body}{at_session}?",
        ("officers", "body"), "sentence"),
    Ask("office", "who", "Who took up the functions of {office} of {body}?",
        ("person", "office", "body"), "person"),
    Ask("held", "when", "When was {event} held?", ("event", "date"), "date"),
    Ask("held", "where", "Where was {event} held?", ("event", "place"), "place"),
    Ask("will_hold", "when", "When will {event} be {verb}?", ("event", "date"), "date"),
    Ask("will_hold", "where", "Where will {event} be held?", ("event", "place", "held"),
        "place"),
    Ask("opened", "who", "Who opened {event}?", ("event", "person"), "person"),
    Ask("provided", "which", "Which Government {verb} {thing}?",
        ("government", "thing", "verb"), "person"),
    Ask("provided", "who", "Who {verb} {thing}?", ("thing", "verb", "not_government"),
        "person"),
    Ask("attended", "how many", "How many {unit} attended {event}?",
        ("event", "count", "unit"), "count"),
    Ask("adopted", "when", "When did {body} adopt {thing}?", ("body", "thing", "date"),
        "date"),
    Ask("introduced", "who", "Who introduced {thing}?", ("person", "thing"), "person"),
    Ask("decided", "what", "What did {body} decide at its {meeting}?", ("body", "meeting"),
        "sentence"),
)
# Which kinds come first within a document: the officers and the session itself before
# what was done at it.
KIND_ORDER = ("elected", "held", "will_hold", "opened", "provided", "attended", "adopted",
              "office", "introduced", "decided")


def _parts(st: Statement) -> dict[str, str]:
    """A statement's parts as a template names them, with the flags ``needs`` tests."""
    parts = {k: v for k, v in vars(st).items() if isinstance(v, str)}
    parts["at_session"] = f" at its {st.session} session" if st.session else ""
    parts["officers"] = "yes" if st.office == "officers" else ""
    if st.office == "officers":
        parts["office"] = ""
    government = st.person.startswith(("the Government", "the Governments"))
    parts["government"] = "yes" if government else ""
    parts["not_government"] = "" if government else "yes"
    parts["held"] = "yes" if st.verb == "held" else ""
    return parts


def questions_of(st: Statement) -> list[tuple[Ask, str, str]]:
    """(how, question, answer) for each way a statement can be asked about.

    >>> from paracite.text.statements import Statement
    >>> st = Statement("held", "", event="the sixty-eighth session of the Commission",
    ...                date="10 to 14 March 2025", place="Vienna")
    >>> for _, question, answer in questions_of(st):
    ...     print(question, "|", answer)
    When was the sixty-eighth session of the Commission held? | 10 to 14 march 2025
    Where was the sixty-eighth session of the Commission held? | vienna
    """
    parts = _parts(st)
    out = []
    for ask in ASKS:
        if ask.kind == st.kind and all(parts.get(k) for k in ask.needs):
            question = _sentence(" ".join(ask.template.format(**parts).split()))
            out.append((ask, question, " ".join(parts[ask.answer].lower().split())))
    return out


@dataclass
class _Asked:
    """A question made from statements: where they are, and what they answer."""

    question: str
    asks: str
    kind: str
    rank: tuple[int, int, int]
    sources: list[Passage]
    answers: set[str]

    whole: bool = False  # answered by the statement as a whole: no part to look for

    def suggestion(self) -> Suggestion:
        first = self.sources[0]
        answer = "" if self.whole else next(iter(self.answers))
        return Suggestion(self.question, first.document, first.section.split(" > ")[-1],
                          first.section, paragraph=first.paragraph, kind=self.kind,
                          sources=tuple(dict.fromkeys((p.document, p.paragraph)
                                                      for p in self.sources)),
                          answer=answer)


def names_of(passages: Sequence[Passage]) -> Names:
    """The bodies one document names; its title and cover say which one it is about."""
    lead = "\n".join([passages[0].title] + [p.text for p in passages
                                            if p.kind == "front_matter"]) if passages else ""
    return Names((p.text for p in passages), lead, passages[0].title if passages else "")


def _own_ordinals(passages: Sequence[Passage]) -> set[str]:
    """The ordinals the title and cover give the document's own session or meeting
    ('sixty-eighth' of 'Report on the sixty-eighth session'): a statement about another
    one (an earlier meeting, recalled) ranks after those about it."""
    lead = " ".join([passages[0].title] + [p.text for p in passages
                                           if p.kind == "front_matter"]) if passages else ""
    return {m.group(1).lower() for m in re.finditer(
        rf"({ORDINAL.pattern}) (?:[a-z-]+ )?(?:session|meeting)", lead, re.IGNORECASE)}


def _details_stated(question: str, p: Passage) -> bool:
    """Whether the paragraph itself states every number and ordinal the question names,
    as the answerer requires of the paragraph it cites."""
    own = set(tokenize(f"{p.searchable_text()} {p.paragraph}"))
    return all(t in own for t in critical_terms(question) if is_detail(t))


def statement_questions(by_doc: dict[str, list[Passage]]) -> dict[str, list[_Asked]]:
    """Each document's questions about what its paragraphs state, best first (its own
    body's acts before others', by ``KIND_ORDER``, then in reading order). A question two
    paragraphs make with different answers ('What did the Commission decide at its 5th
    meeting?', asked of seven decisions) is dropped; with the same answer (a date stated
    in the agenda and in the report) it is one question with both as sources."""
    made: dict[str, _Asked] = {}
    for doc_id in sorted(by_doc):
        ps = by_doc[doc_id]
        names = names_of(ps)
        own = names.written(names.own) if names.own else ""
        current = _own_ordinals(ps)
        for p in ps:
            if p.kind != "paragraph":
                continue
            for sentence in split_sentences(p.text):
                for st in read(sentence, names, p.text):
                    about_own = bool(own) and own in f"{st.body} {st.event}"
                    ordinals = {m.group(0).lower() for m in ORDINAL.finditer(st.event)}
                    past = bool(current and ordinals and not ordinals & current)
                    for ask, question, answer in questions_of(st):
                        if not _details_stated(question, p):
                            continue
                        rank = (not about_own or past, KIND_ORDER.index(st.kind), p.order)
                        a = made.setdefault(question, _Asked(
                            question, ask.asks, st.kind, rank, [], set(),
                            ask.answer == "sentence"))
                        a.sources.append(p)
                        a.answers.add(answer)
    out: dict[str, list[_Asked]] = {}
    for a in made.values():
        if len(a.answers) == 1:
            out.setdefault(a.sources[0].document, []).append(a)
    return {d: sorted(qs, key=lambda a: a.rank) for d, qs in out.items()}


# -- the fallback: questions about headings ---------------------------------------------------
def topic_key(topic: str) -> str:
    """What two headings share when they name the same topic: their words' stems.

    >>> topic_key("Ocean Action panels") == topic_key("Ocean action panel")
    True
    """
    return " ".join(stem(w) for w in _WORD.findall(topic.lower()))


# Words of a meeting's procedure and of a document's parts: a heading made only of them
# ("Summary of deliberations", "Adoption of the agenda", "Action taken by the Commission")
# is a topic every record has; a question about it is a vague one. The statements those
# sections make are asked about instead (above).
_PROCEDURAL_WORDS = (
    "adoption agenda organization organizational work election officers opening closing "
    "closure session meeting meetings attendance documentation statement statements general "
    "debate deliberations discussion dialogue exchange summary recommendations conclusions "
    "findings report reports matters other action actions taken consideration introduction "
    "credentials participation procedural procedure proceedings item items provisional "
    "annotations observations proposals messages priorities lessons main key progress "
    "update status decisions decision resolutions resolution draft adopted considered "
    "programme future duration dates venue and of the on by to for in at its with a an "
    "administrative financial questions subsidiary body bodies")
PROCEDURAL = frozenset(stem(w) for w in _PROCEDURAL_WORDS.split()) | {
    stem(h.lower()) for h in BODY_HEADS}


def specific(topic: str) -> bool:
    """Whether a heading names a subject of its own, not only procedure.

    >>> specific("Summary of deliberations"), specific("Migrants, refugees and asylum seekers")
    (False, True)
    """
    return any(stem(w.lower()) not in PROCEDURAL for w in _WORD.findall(topic))


@dataclass
class _Candidate:
    heading: str
    section: str
    topic: str
    key: str
    paragraphs: list[str] = field(default_factory=list)


def _candidates(passages: Sequence[Passage]) -> list[_Candidate]:
    """One document's topics, each once, in the order to suggest them.

    A paragraph belongs to the deepest heading of its section that names a topic. The
    order is spread over the document's top-level sections (the best topic of each, then
    the second best of each, ...), and within a section the topics with the most
    paragraphs come first: they have the most to answer with. Ties keep reading order."""
    found: dict[str, _Candidate] = {}
    group_of: dict[str, str] = {}
    title = passages[0].title if passages else ""
    kind = document_kind(title).split()[1:]  # "provisional agenda" heads the agenda
    for p in passages:
        if p.kind != "paragraph" or not p.section:
            continue
        parts = [s.strip() for s in p.section.split(" > ")]
        if any(_TOC.search(part) for part in parts) or clean_heading(parts[0]).lower() in (
                "contents", "table of contents"):  # the contents, read as headings
            continue
        for depth in range(len(parts) - 1, -1, -1):
            topic = clean_heading(parts[depth])
            key = topic_key(topic)
            low = topic.lower().split()
            if not is_topic(topic, title) or (kind and kind[-len(low):] == low):
                continue
            if key not in found:
                found[key] = _Candidate(parts[depth], " > ".join(parts[:depth + 1]), topic, key)
                group_of[key] = parts[0]
            found[key].paragraphs.append(p.paragraph)
            break
    groups: dict[str, list[_Candidate]] = {}
    for c in found.values():  # reading order
        groups.setdefault(group_of[c.key], []).append(c)
    ranked = sorted((sorted(g, key=lambda c: -len(c.paragraphs)) for g in groups.values()),
                    key=lambda g: -len(g[0].paragraphs))
    out: list[_Candidate] = []
    for rank in range(max((len(g) for g in ranked), default=0)):
        out += [g[rank] for g in ranked if rank < len(g)]
    return out


# How many questions may be tried for each one asked for, when a check turns them down:
# it bounds the time checks cost (an answer each) on records that answer badly.
TRIES_PER_QUESTION = 3

Check = Callable[["Suggestion"], "bool | Answer"]


def accepted(s: Suggestion, result: bool | Answer) -> bool:
    """Whether a check's result keeps a suggestion: True, or an answer that is found, not
    hedged, and says what the statement the question was made from says answers it (a
    name, a date, a place, a number), from that paragraph or another (the executive
    summary repeats the session's dates); for a question whose answer is a whole
    statement ('What did the Committee decide ...?'), one that cites a paragraph the
    question was made from. Any other answer answers some other question.

    >>> from paracite.documents import Answer, Citation
    >>> s = Suggestion("Who?", "r", sources=(("r", "22"),), answer="erik planken (netherlands)")
    >>> cite = Citation(marker=1, document="r", title="T", paragraph="3", text="x")
    >>> accepted(s, Answer(question="Who?", text="Erik Planken took up. [1]", found=True,
    ...                    citations=[cite]))
    False
    """
    if isinstance(result, bool):
        return result
    if not result.found or result.uncertain:
        return False
    needed = [w for w in words(s.answer) if w not in _TITLES]
    if needed:  # a paragraph states several things: the answer must say this one
        said = set(words(result.text))
        return all(w in said for w in needed)
    return not s.sources or any((c.document, c.paragraph) in s.sources
                                for c in result.citations)


_TITLES = frozenset({"mr", "ms", "mrs", "dr", "prof", "h.e"})


def suggest(passages: Iterable[Passage], n: int = 4, check: Check | None = None
            ) -> list[Suggestion]:
    """Up to ``n`` questions about what these passages' documents state: who was elected,
    when and where a session was held, what a body adopted or decided (see
    ``statement_questions``), taking turns between documents (in id order) and, within
    them, between kinds of question (who, when, where, how many, what). When the
    statements run out, questions about headings' topics follow (``_candidates``),
    procedural headings left out. No question twice.

    ``check``: asked of each suggestion before it is kept; it returns a bool, or the
    answer to the question, which must cite a paragraph the question came from (see
    ``accepted``). At most ``TRIES_PER_QUESTION × n`` are checked. Deterministic: the
    same passages give the same questions."""
    if n <= 0:
        return []
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.document, []).append(p)
    for doc_id in by_doc:
        by_doc[doc_id].sort(key=lambda p: p.order)
    chooser = _Chooser(n, check)
    chooser.take(statement_questions(by_doc))
    if len(chooser.out) < n:
        chooser.take(_heading_questions(by_doc))
    return chooser.out


class _Chooser:
    """Takes questions in turns between documents, each turn the best question of a kind
    (who, when, ...) asked least so far; checks each, within a budget."""

    def __init__(self, n: int, check: Check | None) -> None:
        self.n, self.check = n, check
        self.tries = TRIES_PER_QUESTION * n
        self.out: list[Suggestion] = []
        self.asked: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.used: set[tuple[str, str]] = set()

    def take(self, queues: dict[str, list[_Asked]]) -> None:
        queues = {d: list(q) for d, q in sorted(queues.items()) if q}
        while len(self.out) < self.n and self.tries > 0 and any(queues.values()):
            for doc_id in list(queues):
                queue = queues[doc_id]
                while queue and len(self.out) < self.n and self.tries > 0:
                    a = min(queue, key=self._order)  # queue: best first; min keeps the first
                    queue.remove(a)
                    if self._keep(a):
                        break

    def _order(self, a: _Asked) -> tuple[int, bool]:
        """The kind of question asked least so far, then one about a paragraph not yet
        asked about (not 'where' after 'when' of the same sentence)."""
        return self.asked[a.asks], bool(self.used & set(a.suggestion().sources))

    def _keep(self, a: _Asked) -> bool:
        if a.question in self.seen:
            return False
        self.seen.add(a.question)
        s = a.suggestion()
        if self.check is not None:
            self.tries -= 1
            if not accepted(s, self.check(s)):
                return False
        self.out.append(s)
        self.asked[a.asks] += 1
        self.used.update(s.sources)
        return True


def _heading_questions(by_doc: dict[str, list[Passage]]) -> dict[str, list[_Asked]]:
    """Each document's questions about its headings' topics (only specific ones), in the
    order ``_candidates`` gives; a topic two documents share is asked of the first."""
    out: dict[str, list[_Asked]] = {}
    used: set[str] = set()
    for doc_id in sorted(by_doc):
        ps = by_doc[doc_id]
        usage: Usage | None = None
        speaker = ""
        for rank, c in enumerate(_candidates(ps)):
            if c.key in used or not specific(c.topic):
                continue
            used.add(c.key)
            if usage is None:
                usage = Usage.of(p.text for p in ps)
                speaker = _speaker(ps)
            question = question_for(in_running_text(c.topic, usage))
            if speaker and question.startswith(_SAID_ABOUT):
                question = f"What did {speaker} say about {question[len(_SAID_ABOUT):]}"
            out.setdefault(doc_id, []).append(_HeadingAsked(
                question, "what", "heading", (1, 0, rank), [], set(), True, c, doc_id))
    return out


_SAID_ABOUT = GENERAL.split("{")[0]  # "What was said about "


def _speaker(passages: Sequence[Passage]) -> str:
    """The body a report of its own session speaks for ('the Permanent Forum on Indigenous
    Issues'), which a question about one of its headings names; '' for other documents (a
    Secretary-General's report names the Assembly it goes to, not who speaks in it)."""
    names = names_of(passages)
    return names.written(names.own) if names.own and names.of_gathering else ""


@dataclass
class _HeadingAsked(_Asked):
    """A question about a heading's topic: any paragraph under the heading answers it."""

    candidate: _Candidate | None = None
    document: str = ""

    def suggestion(self) -> Suggestion:
        c = self.candidate
        assert c is not None
        return Suggestion(self.question, self.document, c.heading, c.section, c.topic,
                          paragraph=c.paragraphs[0], kind="heading",
                          sources=tuple((self.document, label) for label in c.paragraphs))
