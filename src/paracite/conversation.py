"""The conversation: history, whether a question leans on it, and the standalone question.

A question is read as a follow-up only when it leans on the previous turn: it starts with
"and" / "what about" / "how about" / "but" / "also", it has no content words of its own
("Why?", "When?"), or it uses a pronoun with nothing in the question for it to refer to
("Which country is he from?", "When was it adopted?"). A short question that names its own
subject ("How many Member States attended?") is a new question, whatever came before.

Used by the chain (deterministic condensing) and by the LLM answerer (its condense prompt
runs only for follow-ups).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from paracite.text.questions import content_terms

History = Sequence[tuple[str, str]]

_LEADING = re.compile(r"^\s*(?:and|but|also|so|what about|how about|and what about|"
                      r"same for|what of)\b", re.I)
# Pronouns that always point outside the question unless a name comes before them.
_PERSONAL = re.compile(r"\b(?:he|she|him|his|her|hers|they|them|their|theirs)\b", re.I)
# Pronouns and determiners that point back only when the question names nothing before.
_THING = re.compile(r"\b(?:it|its|this|that|these|those|there|then|the same|such|the latter|"
                    r"the former|the other|the second|the next|the previous)\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z][a-z]+")
_NOUN_PHRASE = re.compile(r"\b(?:the|a|an)\s+[a-z]{3,}", re.I)
_MARKER = re.compile(r"\s*\[\d+\]")
_ENTITY = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]\.)(?:\s+(?:of\s+the\s+|of\s+)?(?:[A-Z][a-z]+|"
                     r"[A-Z]\.))+|\(([A-Z][A-Za-z ]+)\)")


def _leans_by_pronoun(question: str) -> bool:
    """A pronoun with nothing before it in the question to refer to: 'he' with no name
    before it; 'it', 'this', 'the second' with no noun phrase ('the Commission', 'a report',
    a capitalised name) before them."""
    q = question.strip()
    m = _PERSONAL.search(q)
    if m and not _NAME.search(q[:m.start()]):
        return True
    m = _THING.search(q)
    if m is None:
        return False
    before = q[:m.start()]
    # 'that' after words is a conjunction or relative pronoun ('say that', 'the report that')
    if m.group(0).lower() == "that" and content_terms(before):
        return False
    return not (_NAME.search(before) or _NOUN_PHRASE.search(before))


def is_follow_up(question: str, history: History) -> bool:
    """Does the question lean on the conversation so far?

    >>> h = [("Who was elected Rapporteur?", "Erik Planken (Netherlands) ... [1]")]
    >>> [is_follow_up(q, h) for q in ("and from which country?", "Why?",
    ...  "Which country is he from?", "How many Member States attended?",
    ...  "What did the Commission decide about its working methods?", "When was it adopted?")]
    [True, True, True, False, False, True]
    """
    if not history:
        return False
    return bool(_LEADING.search(question) or not content_terms(question)
                or _leans_by_pronoun(question))


def answer_entities(answer: str, limit: int = 6) -> list[str]:
    """Names an answer gave ('Erik Planken', 'Netherlands'), markers stripped."""
    text = _MARKER.sub("", answer)
    found: list[str] = []
    for m in _ENTITY.finditer(text):
        name = (m.group(1) or m.group(0)).strip()
        if name not in found and name.split()[0] not in ("The", "In", "At", "On", "A"):
            found.append(name)
    return found[:limit]


def condense(question: str, history: History) -> str:
    """Deterministic standalone question: a follow-up keeps its own words and borrows the
    previous question and the names the previous answer gave; other questions stay as
    they are.

    >>> condense("and from which country?",
    ...          [("Who was elected Rapporteur?", "Erik Planken (Netherlands) took up ...")])
    'and from which country? (Who was elected Rapporteur? Erik Planken; Netherlands)'
    >>> condense("How many Member States attended?", [("Who was elected Rapporteur?", "...")])
    'How many Member States attended?'
    """
    if not is_follow_up(question, history):
        return question
    prev_q, prev_a = history[-1]
    names = answer_entities(prev_a)
    context = prev_q + (" " + "; ".join(names) if names else "")
    return f"{question} ({context})"
