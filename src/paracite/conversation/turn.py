"""A question read against the conversation (:class:`Turn`): whether it leans on the
previous turn, its pronouns resolved, and its standalone form."""

from __future__ import annotations

from dataclasses import dataclass

from paracite.conversation.follow_up import (
    _LEADING,
    History,
    _dangling,
    _names_anything,
    is_follow_up,
)
from paracite.conversation.resolve import _resolve
from paracite.conversation.rewrite import _rewrite


@dataclass(frozen=True)
class Turn:
    """One question as read against the conversation.

    ``standalone``: the question to search with (the question itself unless it leans on
    the conversation); ``follow_up``: it leans on the previous turn; ``unresolved``: a
    pronoun in it that refers to nothing named so far ('he'), else ''; ``person``: whether
    that pronoun stands for a person.
    """

    question: str
    standalone: str
    follow_up: bool = False
    unresolved: str = ""
    person: bool = False


def read_turn(question: str, history: History) -> Turn:
    """Read a question against the conversation: its standalone form, or the pronoun that
    refers to nothing named so far.

    >>> h = [("Who was elected Rapporteur?", "Erik Planken (Netherlands) took up ... [1]")]
    >>> read_turn("Which country is he from?", h).standalone
    'Which country is Erik Planken, who was elected Rapporteur, from?'
    >>> read_turn("Which country is he from?", []).unresolved
    'he'
    >>> read_turn("How many Member States attended?", h).standalone
    'How many Member States attended?'
    """
    q = question.strip()
    if not history:
        found = _dangling(q)
        if found is None or _names_anything(q):
            return Turn(q, q)
        return Turn(q, q, unresolved=found[0], person=found[1])
    if not is_follow_up(q, history):
        return Turn(q, q)
    prev_q, prev_a = history[-1]
    leading = _LEADING.match(q)
    body = q[leading.end():] if leading else q
    body, unresolved, is_person = _resolve(body, prev_q, prev_a)
    if unresolved:
        return Turn(q, q, follow_up=True, unresolved=unresolved, person=is_person)
    body = body.strip().rstrip("?.! ")
    standalone = _rewrite(body, prev_q, prev_a, bool(leading))
    return Turn(q, standalone or q, follow_up=True)


def condense(question: str, history: History) -> str:
    """Deterministic standalone question: a follow-up rewritten with what it leans on
    (``read_turn``); any other question stays as it is.

    >>> condense("and from which country?",
    ...          [("Who was elected Rapporteur?", "Erik Planken (Netherlands) took up ...")])
    'From which country is Erik Planken, who was elected Rapporteur?'
    >>> condense("How many Member States attended?", [("Who was elected Rapporteur?", "...")])
    'How many Member States attended?'
    """
    return read_turn(question, history).standalone
