"""What a heading is, and how it becomes a question.

A heading is cleaned (numbering stripped, trailing item reference dropped), those that name
no topic are skipped (``is_topic``: parts of a document, cover lines, dates, catch-all
items), and the rest are written as their document writes them in running text
(``Usage``, ``in_running_text``) and asked about by the first template whose words fit them
(``question_for``). :mod:`paracite.suggest.from_headings` picks which headings to ask about.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from paracite.suggest.suggestion import _sentence
from paracite.text.un_patterns import MONTHS

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
