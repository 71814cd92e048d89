"""Does a question lean on the previous turn: a leading 'and' / 'what about', no content
words of its own, a question word with no verb, or a pronoun with nothing in the question
to refer to."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from paracite.conversation.grammar import _WH, _is_fragment
from paracite.conversation.referents import _same_head
from paracite.text import phrases as ph
from paracite.text.questions import content_terms

History = Sequence[tuple[str, str]]

_LEADING = re.compile(r"^\s*(?:and what about|and how about|what about|how about|same for|"
                      r"what of|and|but|also|so)\b[\s,]*", re.I)
# Pronouns that point outside the question unless a name comes before them.
_PERSONAL = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.I)
_PLURAL = re.compile(r"\b(?:they|them|their|theirs)\b", re.I)
# Pronouns that point back when the question names nothing before them; 'the second' only
# without a noun of its own ('And the second?', not 'the second meeting').
_THING = re.compile(r"\b(?:it|its|this|that|these|those|there|then|the latter|the former|"
                    r"the same|(?:the )?(?:other|next|previous|second|third|first)"
                    r"(?=\s*(?:[?.!,;]|$|one\b|ones\b)))\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:this|that|these|those|such)\s+(?P<noun>[a-z][\w-]+)", re.I)
_THING_NOUN = re.compile(rf"\b(?:{ph.DOCUMENT_HEADS}|{ph.SCENE_HEADS})\b", re.I)
_NOT_NOUNS = ph.AUXILIARIES | ph.DETERMINERS | ph.PREPOSITIONS | {"is", "it", "he", "she",
                                                               "they", "we", "you", "i"}
_EXISTENTIAL = re.compile(r"\bthere\s+(?:is|are|was|were|be|been|will|has|have|had)\b|"
                          r"\b(?:is|are|was|were|be|been)\s+there\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z](?:[a-z]+|[A-Z]+\b)")
_NOUN_PHRASE = re.compile(r"\b(?:the|a|an)\s+[a-z]{3,}", re.I)


def _dangling(question: str, prev_question: str = "") -> tuple[str, bool] | None:
    return next(_danglings(question, prev_question), None)


def _danglings(question: str, prev_question: str = "") -> Iterator[tuple[str, bool]]:
    """The first pronoun with nothing before it in the question to refer to, and whether
    it stands for a person: 'he' with no name before it; 'it', 'this', 'the second' with no
    noun phrase before them; 'that meeting' only when the previous question had a
    meeting."""
    q = question.strip()
    m = _PERSONAL.search(q)
    if m and not (_NAME.search(q[:m.start()]) or ph.ROLE.search(q[:m.start()])):
        yield m.group(0), True
    m = _PLURAL.search(q)
    if m and not (_NAME.search(q[:m.start()]) or _NOUN_PHRASE.search(q[:m.start()])):
        yield m.group(0), False
    for m in _THING.finditer(q):
        word = m.group(0).lower()
        before = q[:m.start()]
        if word == "there" and _EXISTENTIAL.search(q):
            continue
        # 'that' after words is a conjunction or relative pronoun ('say that')
        if word == "that" and content_terms(before):
            continue
        demo = _DEMONSTRATIVE.match(q, m.start())
        if demo and demo.group("noun").lower() not in _NOT_NOUNS:
            if _same_head(demo.group("noun"), prev_question):
                yield m.group(0), False
            continue  # 'this session' with no session before: the record's own session
        if not (_NAME.search(before) or _NOUN_PHRASE.search(before) or _THING_NOUN.search(before)):
            yield m.group(0), False


def _names_anything(question: str) -> bool:
    """Does the question name anything a pronoun in it could stand for (a name, an
    acronym, 'the statement', 'a report'), wherever it stands?  Asked with no conversation,
    'its' may point forward ('At which of its sessions is the CDP asked …')."""
    return bool(_NAME.search(question) or _NOUN_PHRASE.search(question)
                or re.search(r"\bit\s+(?:is|was)\b.*\b(?:that|to|since)\b", question, re.I))


def _leans_by_pronoun(question: str, prev_question: str = "") -> bool:
    return _dangling(question, prev_question) is not None


def is_follow_up(question: str, history: History) -> bool:
    """Does the question lean on the conversation so far?

    >>> h = [("Who was elected Rapporteur?", "Erik Planken (Netherlands) ... [1]")]
    >>> [is_follow_up(q, h) for q in ("and from which country?", "Why?",
    ...  "Which country is he from?", "How many Member States attended?",
    ...  "What did the Commission decide about its working methods?", "When was it adopted?",
    ...  "When was the second meeting of the Expert Group held?")]
    [True, True, True, False, False, True, False]
    """
    if not history:
        return False
    return bool(_LEADING.search(question) or not content_terms(question)
                or _is_wh_fragment(question) or _leans_by_pronoun(question, history[-1][0]))


def _is_wh_fragment(question: str) -> bool:
    """A question word with no verb after it: 'Since when?', 'By how many votes?'."""
    m = _WH.match(question.strip())
    if m is None or not _is_fragment(question):
        return False
    after = re.findall(r"[\w-]+", question[m.end():])
    if m.group("wh").lower() == "who" and after:
        return False  # 'Who chairs?': a verb follows 'who'
    return len(after) <= 2
