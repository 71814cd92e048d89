"""What a question asks: its type, its content terms, the names and numbers it needs."""

from __future__ import annotations

import re

from paracite.text import un_patterns as un
from paracite.text.stems import stem
from paracite.text.tokens import STOPWORDS, tokenize, words
from paracite.text.un_patterns import MONTHS

# Words of asking (stemmed, as tokenize() gives them), never what is asked about.
QUESTION_WORDS = frozenset(stem(w) for w in (
    "who", "whom", "whose", "when", "where", "which", "what", "why", "how", "many", "much",
    "list", "name", "tell", "give", "say", "said", "does", "did", "do", "is", "are", "was",
    "were"))

_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORDINALS = (rf"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:{_UNITS})|"
             rf"{_UNITS}|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|"
             rf"seventeenth|eighteenth|nineteenth|twentieth|thirtieth|fortieth|fiftieth|"
             rf"sixtieth|seventieth|eightieth|ninetieth|hundredth|\d+(?:st|nd|rd|th))")
# Ordinals and numbers in any case; capitalised words except the question's first word.
_CRITICAL = re.compile(rf"(?i:\b(?:{_ORDINALS})\b)|\b\d[\d/.]*\b|(?<!^)\b[A-Z][a-z]{{2,}}\b")


def critical_terms(question: str) -> list[str]:
    """Terms a passage must contain to answer: ordinals, numbers, names ('fourth', 'Japan').

    >>> critical_terms("When will the fourth meeting of the Expert Group be held in Japan?")
    ['fourth', 'expert', 'group', 'japan']
    >>> critical_terms("the fifty-eighth session")  # the compound whole, not 'eighth'
    ['fifty-eighth']
    """
    found: list[str] = []
    for m in _CRITICAL.finditer(question):
        # Part of a document symbol ('4/2017' in 'UNODC/CCPCJ/EG.4/2017/INF/1'): the
        # symbol as a whole is the term, as the passage's own tokens have it.
        left = re.search(r"[^\s()\[\],;]*$", question[:m.start()])
        right = re.match(r"[^\s()\[\],;]*", question[m.end():])
        whole = ((left.group(0) if left else "") + m.group(0) +
                 (right.group(0) if right else "")).rstrip(".:")
        if ("/" in whole and whole != m.group(0)) or "-" in m.group(0):
            symbol = tokenize(whole if "/" in whole else m.group(0))[:1]
            found += [t for t in symbol if t not in found]
            continue
        for t in tokenize(m.group(0)):
            if t not in found and t not in QUESTION_WORDS and t not in GENERIC_QUESTION_TERMS:
                found.append(t)
    return found


# Words of how people ask rather than of what they ask about; never a sign that the
# records lack the subject.
GENERIC_QUESTION_TERMS = frozenset(tokenize(
    "happen happened mention mentioned discuss discussed explain describe tell know think "
    "about please anything something someone anyone any kind type sort main mainly exactly "
    "specific specifically also according besides apart except other"))


def content_terms(text: str) -> list[str]:
    """Stemmed keyword tokens without question words."""
    return [t for t in tokenize(text) if t not in QUESTION_WORDS
            and t not in GENERIC_QUESTION_TERMS]


def content_words(text: str) -> list[tuple[str, list[str]]]:
    """Each surface word with the content stems it gives (none for question words), so a
    misspelt word can be mended as typed ('meting' → 'meeting'), before it is stemmed.

    >>> content_words("Who opend the meting on 22/7?")
    [('opend', ['opend']), ('meting', ['mete']), ('22/7', ['22/7', '22', '7'])]
    """
    out = []
    for word in words(text):
        stems = [t for t in tokenize(word) if t not in QUESTION_WORDS
                 and t not in GENERIC_QUESTION_TERMS]
        if stems:
            out.append((word, stems))
    return out


_COUNT = re.compile(r"\bhow (?:many|much|long|often)\b|\bnumber of\b|\bwhat (?:share|"
                    r"percentage|proportion|amount|figure|total)\b", re.I)
_TIME = re.compile(r"\bwhen\b|\b(?:what|which) (?:date|day|time|year|month|period|dates|days)\b|"
                   r"\bat what time\b|\bhow soon\b|\bby when\b|\bdeadline\b", re.I)
_PERSON = re.compile(r"\bwho(?:m|se)?\b|\bname of\b|\bwhat (?:is|was) (?:the|his|her|their) "
                     r"names?\b", re.I)
_PLACE = re.compile(r"\bwhere\b|\b(?:which|what) (?:country|city|venue|place|location)\b", re.I)
_REASON = re.compile(r"\bwhy\b|\bfor what reason\b|\bwhat (?:was|is) the reason\b", re.I)
_DECISION = re.compile(r"\b(?:decide|decided|request|requested|recommend|recommended|urge|urged|"
                       r"adopt|adopted|agree|agreed|call(?:ed)? (?:on|upon)|invite|invited)\b",
                       re.I)
_REFERENCE = re.compile(r"\b(?:symbol|footnote|source|sources|cited|citation|reference|"
                        r"referred|published|publication|document number|where can|where is "
                        r"(?:it|this|that) (?:found|published|issued))\b", re.I)
_LIST = re.compile(r"\b(?:which|what) (?:\w+ )?(?!(?:is|was|does|has|this|its|status)\b)"
                   r"[a-z]{3,}s\b|\blist\b|\bname the\b|\bwho are\b|\bwhat are\b", re.I)

_DATE_RX = re.compile(rf"\b(?:\d{{1,2}}(?:[–-]\d{{1,2}})? (?:{MONTHS})|(?:{MONTHS})(?: \d{{4}})?|"
                      rf"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                      rf"\d{{1,2}}(?:\.\d\d)? ?[ap]\.m\.|(?:19|20)\d\d)\b")
_NUMBER_RX = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                        r"twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|"
                        r"half|majority|all|none)\b", re.I)
# Who: a person's or body's proper name (two capitalised words, a name with its country in
# brackets, 'the representative of X'), or an agent after 'by'.
_AGENT_RX = re.compile(r"\b[A-Z][\w’'-]+(?: (?:[A-Z]\.|[A-Z][\w’'-]+|of|the|for|and|de|van|"
                       r"von|al|bin))* [A-Z][\w’'-]+|\([A-Z][A-Za-z ,]+\)|\b(?:representative|"
                       r"Representative|Chair|President|Secretary-General|Director)\b|\bby\b")
# Besides a document symbol (un_patterns.SYMBOL_IN_TEXT): a resolution number, a publication.
_SOURCE_RX = re.compile(r"\bresolutions? \d+/\d+|\bSee\b|\bReport\b.*\(\w|\bvol\.|\bNo\. \d|"
                        r"https?://|www\.")
# 'Erik Planken (Netherlands)', 'Georges-Simon Ulrich (Switzerland)', 'Mr. Juwang Zhu'
_PERSON_RX = re.compile(r"\b[A-Z][\w’'-]+(?: [A-Z]\.)?(?: [A-Z][\w’'-]+)+ \([A-Z][A-Za-z ,()]+\)|"
                        r"\b(?:Mr|Ms|Mrs|Dr|H\.E)\.? [A-Z][\w’'-]+")
_ORDINAL_RX = re.compile(rf"\b(?:{_ORDINALS})\b", re.I)
_PLACE_RX = re.compile(r"\b(?:in|at|to|from) (?:the )?[A-Z][a-z]+|\([A-Z][A-Za-z ]+\)|"
                       r"\bheadquarters\b|\bwebsite\b|www\.|https?://", re.I)
_REASON_RX = re.compile(r"\b(?:as|because|since|due to|owing to|in order to|so that|given|"
                        r"in view of|in light of|reason)\b", re.I)
_DECISION_RX = re.compile(r"\b(?:decide[ds]?|request(?:s|ed)?|recommend(?:s|ed)?|urge[ds]?|"
                          r"adopt(?:s|ed)?|agree[ds]?|calls? (?:on|upon)|invite[ds]?|"
                          r"approve[ds]?|endorse[ds]?|encourage[ds]?)\b", re.I)


def question_type(question: str) -> str:
    """What a question asks for: reference, count, time, person, place, reason, list,
    decision, other.

    >>> [question_type(q) for q in ("How many States attended?", "When does it open?",
    ...  "Who called the session to order?", "Which agencies were consulted?",
    ...  "What did the Council request the Secretary-General to do?")]
    ['count', 'time', 'person', 'list', 'decision']
    """
    if _REFERENCE.search(question):
        return "reference"
    if _COUNT.search(question):
        return "count"
    if _TIME.search(question):
        return "time"
    if _REASON.search(question) and not _PERSON.search(question):
        return "reason"
    if _PLACE.search(question):
        return "place"
    if _PERSON.search(question) and not re.search(r"\bwho are\b", question, re.I):
        return "person"
    if _LIST.search(question):
        return "list"
    if _DECISION.search(question):
        return "decision"
    return "other"


def type_match(qtype: str, sentence: str) -> float:
    """How well a sentence carries the kind of thing the question asks for (0..1)."""
    if qtype == "reference":
        return 1.0 if un.SYMBOL_IN_TEXT.search(sentence) or _SOURCE_RX.search(sentence) else 0.0
    if qtype == "count":
        return 1.0 if _NUMBER_RX.search(sentence) else 0.0
    if qtype == "time":  # a date; an ordinal ('at its 3rd meeting') half-answers
        return 1.0 if _DATE_RX.search(sentence) else 0.5 if _ORDINAL_RX.search(sentence) else 0.0
    if qtype == "person":  # a named person (with their country) answers 'who' best
        return 1.0 if _PERSON_RX.search(sentence) else 0.6 if _AGENT_RX.search(sentence) else 0.0
    if qtype == "place":
        return 1.0 if _PLACE_RX.search(sentence) else 0.0
    if qtype == "reason":
        return 1.0 if _REASON_RX.search(sentence) else 0.0
    if qtype == "decision":
        return 1.0 if _DECISION_RX.search(sentence) else 0.0
    if qtype == "list":
        return min(1.0, (sentence.count(",") + sentence.count(";") + sentence.count("\n")) / 4)
    return 0.5


_PHRASE = r"([\w’'-]+(?: [\w’'-]+){0,3})"
_UNIT = re.compile(rf"\bhow many {_PHRASE}|\bnumber of {_PHRASE}", re.I)
_UNIT_END = STOPWORDS | {"during", "took", "take", "made", "make"}


def count_unit(question: str) -> list[str]:
    """Stems of what a 'how many' question counts, which the answer must name.

    >>> count_unit("How many observer States took the floor?")
    ['observ', 'state']
    >>> count_unit("How many youth delegates attended the Ministerial?")
    ['youth', 'deleg']
    >>> count_unit("When was it held?")
    []
    """
    m = _UNIT.search(question)
    if not m:
        return []
    unit: list[str] = []
    for word in (m.group(1) or m.group(2)).split():
        w = word.lower().strip("’'")
        if w in _UNIT_END or (w.endswith("ed") and unit):
            break
        unit.append(w)
    return [t for w in unit for t in tokenize(w)]


def is_detail(term: str) -> bool:
    """A number or an ordinal (not a name): a detail the answering paragraph must state."""
    return term[:1].isdigit() or bool(_ORDINAL_RX.fullmatch(term))
