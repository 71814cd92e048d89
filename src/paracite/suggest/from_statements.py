"""Questions made from what the records state.

``paracite.text.statements`` reads the procedural sentences (an election, a session held or
to be held, an opening, an adoption, a decision, a report introduced, support provided,
attendance); each statement is asked about in the ways ``ASKS`` lists, naming the body and
the session or meeting as the document names them. A question is only made when the
paragraph states the part that answers it and every number and ordinal it names; a question
two paragraphs make with different answers is ambiguous and not made.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from paracite.documents import Passage
from paracite.suggest.suggestion import _Asked, _sentence
from paracite.text.bodies import Names
from paracite.text.phrases import ORDINAL
from paracite.text.questions import critical_terms, is_detail
from paracite.text.sentences import split_sentences
from paracite.text.statements import Statement, read
from paracite.text.tokens import tokenize


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
