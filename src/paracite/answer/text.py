"""Sentence splitting and question analysis shared by the answerers and the verifier."""

from __future__ import annotations

import re
from dataclasses import dataclass

from paracite.documents import Passage
from paracite.lexicon import tokenize
from paracite.parsing.blocks import to_superscript

# Abbreviations after which a full stop does not end a sentence in UN records.
_ABBREV = re.compile(
    r"(?:\b(?:para|paras|No|Nos|Rev|Add|Corr|art|arts|e\.g|i\.e|cf|etc|Mr|Mrs|Ms|Dr|St|"
    r"vol|p|pp|a\.m|p\.m|U\.S|U\.N|inter alia|Inc|Ltd|Co|Jr|Sr)|\b[A-Z])\.$"
)
_SENT_END = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(]?[A-Z0-9])")
_PARA_NUMBER = re.compile(r"^\d{1,3}\.\s+")
QUESTION_WORDS = frozenset({
    "who", "whom", "whose", "when", "where", "which", "what", "why", "how", "many", "much",
    "list", "name", "tell", "give", "say", "said", "does", "did", "do", "is", "are", "was",
    "were",
})


@dataclass(frozen=True)
class Sentence:
    """A sentence (or list block, or footnote) of a passage, located in it."""

    text: str
    passage: Passage
    index: int
    in_footnote: bool = False
    context: str = ""  # for a footnote: the sentence that carries its marker

    @property
    def scored_text(self) -> str:
        return f"{self.text} {self.context}" if self.context else self.text

    @property
    def display(self) -> str:
        """The sentence as an answer shows it: without the leading paragraph number."""
        return _PARA_NUMBER.sub("", self.text, count=1)


def split_sentences(text: str) -> list[str]:
    """Split into sentences; a line ending ':' keeps the list lines that follow it.

    >>> split_sentences("1. The Group met. It adopted the following:\\n(a) X;\\n(b) Y.")
    ['1. The Group met.', 'It adopted the following:\\n(a) X;\\n(b) Y.']
    """
    units: list[str] = []
    for line in text.split("\n"):
        if units and units[-1].rstrip().endswith(":") or (
                units and re.match(r"^(?:\(?[a-z]{1,2}\)|\d{1,3}\.|Chapter\b)", line)
                and units[-1].count("\n")):
            units[-1] += "\n" + line
        else:
            units.append(line)
    out: list[str] = []
    for unit in units:
        first, _, rest = unit.partition("\n")
        pieces = _split_line(first)
        if rest:  # the list stays with the sentence that introduces it
            pieces[-1] += "\n" + rest
        out.extend(pieces)
    return [s for s in out if s.strip()]


def _split_line(line: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(line):
        piece = line[start:m.start() + 1].rstrip("\"”’) ")
        if _ABBREV.search(piece) or (re.search(r"\b\d{1,3}\.$", piece) and len(piece) < 5):
            continue
        out.append(line[start:m.end()].strip())
        start = m.end()
    tail = line[start:].strip()
    if tail or not out:
        out.append(tail)
    return out


def sentences_of(p: Passage) -> list[Sentence]:
    """Sentences of a passage; a table row is one sentence, a cover page one per line."""
    if p.kind == "table_row":
        parts = [p.text]
    elif p.kind == "front_matter":
        parts = [line for line in p.text.split("\n") if line.strip()]
    else:
        parts = split_sentences(p.text)
    sents = [Sentence(s, p, i) for i, s in enumerate(parts)]
    for f in p.footnotes:
        sup = to_superscript(f.marker)
        ref = next((s.text for s in sents if sup in s.text), "")
        sents.append(Sentence(f.text, p, len(sents), in_footnote=True, context=ref))
    return sents


_ORDINALS = (r"first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|"
             r"twelfth|\d+(?:st|nd|rd|th)")
# Ordinals and numbers in any case; capitalised words except the question's first word.
_CRITICAL = re.compile(rf"(?i:\b(?:{_ORDINALS})\b)|\b\d[\d/.]*\b|(?<!^)\b[A-Z][a-z]{{2,}}\b")


def critical_terms(question: str) -> list[str]:
    """Terms a passage must contain to answer: ordinals, numbers, names ('fourth', 'Japan').

    >>> critical_terms("When will the fourth meeting of the Expert Group be held in Japan?")
    ['fourth', 'expert', 'group', 'japan']
    """
    found: list[str] = []
    for m in _CRITICAL.finditer(question):
        # Part of a document symbol ('4/2017' in 'UNODC/CCPCJ/EG.4/2017/INF/1'): the
        # symbol as a whole is the term, as the passage's own tokens have it.
        left = re.search(r"[^\s()\[\],;]*$", question[:m.start()])
        right = re.match(r"[^\s()\[\],;]*", question[m.end():])
        whole = ((left.group(0) if left else "") + m.group(0) +
                 (right.group(0) if right else "")).rstrip(".:")
        if "/" in whole and whole != m.group(0):
            symbol = tokenize(whole)[:1]
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


_COUNT = re.compile(r"\bhow (?:many|much)\b|\bnumber of\b", re.I)
_TIME = re.compile(r"\bwhen\b|\bwhat (?:date|day|time|year)\b|\b(?:which|what) (?:day|date)s?\b|"
                   r"\bat what time\b|\bon which\b|\bat which (?:meeting|session)\b", re.I)
_NAME_Q = re.compile(r"\bname of\b|\bwhat is (?:the|his|her) name\b|\bcalled\b", re.I)
_PERSON = re.compile(r"\bwho(?:m|se)?\b", re.I)
_PLACE = re.compile(r"\bwhere\b|\bwhich (?:country|city|nation)\b", re.I)
_REASON = re.compile(r"\bwhy\b|\bfor what reason\b", re.I)
_LIST = re.compile(r"\b(?:which|what) (?:\w+ )?(?!(?:is|was|does|has|this|its)\b)[a-z]{3,}s\b|"
                   r"\blist\b|"
                   r"\bname the\b|\bwho are\b", re.I)

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
          "December")
_DATE_RX = re.compile(rf"\b(?:\d{{1,2}} (?:{MONTHS})|(?:{MONTHS}) \d{{4}}|(?:Monday|Tuesday|"
                      rf"Wednesday|Thursday|Friday|Saturday|Sunday)|"
                      rf"\d{{1,2}}(?:\.\d\d)? ?[ap]\.m\.|\b(?:19|20)\d\d\b)")
_NUMBER_RX = re.compile(r"\b\d+\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|"
                        r"eleven|twelve|twenty|thirty|hundred)\b", re.I)
_NAME_RX = re.compile(r"\b[A-Z][a-z]+(?: [A-Z]\.)?(?: [A-Z][a-z]+)+ \([A-Z][A-Za-z ]+\)|"
                      r"\b(?:Representative|Government|Chair|Rapporteur|representative) of\b|"
                      r"\bby the\b")
_PERSON_NAME_RX = re.compile(r"\b[A-Z][a-z]+(?: [A-Z]\.)? [A-Z][a-z]+ \([A-Z][A-Za-z ]+\)")
_ORDINAL_RX = re.compile(rf"\b(?:{_ORDINALS})\b", re.I)
_PLACE_RX = re.compile(r"\b(?:in|at) [A-Z][a-z]+|\([A-Z][A-Za-z ]+\)|\bwebsite\b|www\.")
_REASON_RX = re.compile(r"\b(?:as|because|since|due to|owing to|in order to|so that)\b")


def question_type(question: str) -> str:
    """One of name, count, time, person, place, reason, list, other."""
    if _NAME_Q.search(question):
        return "name"
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
    return "other"


def type_match(qtype: str, sentence: str) -> float:
    """How well a sentence carries the kind of thing the question asks for (0..1)."""
    if qtype == "name":
        return 1.0 if _PERSON_NAME_RX.search(sentence) else 0.0
    if qtype == "count":
        return 1.0 if _NUMBER_RX.search(sentence) else 0.0
    if qtype == "time":
        return 1.0 if _DATE_RX.search(sentence) or _ORDINAL_RX.search(sentence) else 0.0
    if qtype == "person":
        return 1.0 if _NAME_RX.search(sentence) else 0.0
    if qtype == "place":
        return 1.0 if _PLACE_RX.search(sentence) else 0.0
    if qtype == "reason":
        return 1.0 if _REASON_RX.search(sentence) else 0.0
    if qtype == "list":
        return min(1.0, (sentence.count(",") + sentence.count(";") + sentence.count("\n")) / 4)
    return 0.5
