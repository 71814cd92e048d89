"""Checks on generated answers: every sentence must cite a retrieved passage that says it.

1. Markers that point at no retrieved passage ([9] when 4 were given) are removed.
2. A sentence left with no marker, or whose markers name passages that do not support it,
   is cited to the one retrieved passage that holds nearly all of its content words
   (``Settings.min_support_unmarked``), or dropped: paracite states nothing uncited.
   Small local models often forget markers or cite the passage next to the right one.
3. A sentence is kept only if the passage it cites holds enough of its content words
   (``Settings.min_support``), every number, ordinal and name in it, and every rare word
   of it ("87 women" is not supported by "87 Member States" even though 'women' occurs
   elsewhere in the records); otherwise it is dropped and reported in ``flagged``.
4. With the question given, a name or number the answer adds (one the question does not
   name) must not come from a sentence of the cited passage that matches the question less
   well than another sentence giving another name or number: "Ms. B was elected
   Rapporteur" is not supported by a paragraph whose sentence on the Rapporteur names
   Mr. C and names Ms. B as Chair.
5. Markers are renumbered 1, 2, … in order of first use, and each citation quotes the
   sentence of its passage closest to what was claimed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from paracite.answer.guard import neutralise
from paracite.documents import Citation, Passage
from paracite.text.questions import content_terms, critical_terms
from paracite.text.sentences import sentences_of, split_sentences
from paracite.text.stats import TermStats
from paracite.text.tokens import tokenize

_MARKER = re.compile(r"\s*\[(\d{1,3})\]")


@dataclass
class Verified:
    text: str
    citations: list[Citation]
    flagged: list[str] = field(default_factory=list)


MIN_CLAIM_TERMS = 2  # "1 [1]" states nothing


def support(claim: str, passage: Passage, index: TermStats | None = None) -> float:
    """Share of the claim's content words found in the passage (with its footnotes);
    0 when a number, ordinal or name of the claim, or a rare word (idf above the store's
    median) is missing from the passage."""
    bare = _MARKER.sub("", claim)
    terms = set(content_terms(bare))
    if len(terms) < MIN_CLAIM_TERMS:
        return 0.0
    have = set(tokenize(neutralise(passage.searchable_text())))
    missing = terms - have
    if any(t not in have for t in critical_terms(bare)):
        return 0.0
    if index is not None and any(index.idf(t) >= index.median_idf for t in missing):
        return 0.0
    return len(terms & have) / len(terms)


def _is_number(term: str) -> bool:
    return any(ch.isdigit() for ch in term)


def on_subject(claim: str, passage: Passage, question: str) -> bool:
    """No name or number ``claim`` adds to ``question`` was taken from a sentence of
    ``passage`` that matches the question less well than another sentence of it that
    holds a name or number of the same sort the claim does not give: "Ms. Dubois was
    elected Rapporteur" from a paragraph whose sentence on the Rapporteur names Mr. Tanaka
    is refused; "133 Member States took part" is kept when no sentence closer to the
    question gives another number.

    >>> from paracite.documents import Passage
    >>> p = Passage(document="r", title="R", paragraph="5", order=1, start=0, end=90,
    ...             text="Ms. Dubois (France) was elected Chair. Mr. Tanaka (Japan) was "
    ...                  "elected Rapporteur.")
    >>> on_subject("The Rapporteur is Mr. Tanaka of Japan [1]", p, "Who is the Rapporteur?")
    True
    >>> on_subject("The Rapporteur is Ms. Dubois [1]", p, "Who is the Rapporteur?")
    False
    """
    asked = set(tokenize(question))
    said = set(critical_terms(_MARKER.sub("", claim)))
    added = [t for t in said if t not in asked]
    if not added:
        return True
    anchors = set(content_terms(question))
    sents = [(set(tokenize(neutralise(s.text))), set(critical_terms(neutralise(s.text))))
             for s in sentences_of(passage)]
    overlap = [len(anchors & toks) for toks, _ in sents]
    for t in added:
        holding = [overlap[i] for i, (toks, _) in enumerate(sents) if t in toks]
        if not holding:
            continue  # stated across sentences, or in a footnote: support() has checked it
        rivals = [crit - said - asked for toks, crit in sents]
        if any(overlap[i] > max(holding)
               and any(_is_number(r) == _is_number(t) for r in rivals[i])
               for i in range(len(sents))):
            return False
    return True


def _best_quote(claim: str, passage: Passage) -> str:
    terms = set(content_terms(_MARKER.sub("", claim)))
    best = max(sentences_of(passage),
               key=lambda s: (len(terms & set(content_terms(s.text))), -s.index))
    return best.text


def verify(text: str, passages: Sequence[Passage], min_support: float,
           min_support_unmarked: float = 1.01, index: TermStats | None = None,
           question: str = "") -> Verified:
    """Keep the supported, cited sentences of ``text``; ``passages[n-1]`` is marker [n].
    ``question``: also check that what the answer adds is said of the question's subject."""
    kept: list[str] = []
    flagged: list[str] = []
    citations: list[Citation] = []
    new_number: dict[int, int] = {}
    for sentence in split_sentences(text.replace("\n", " ")):
        markers = [int(n) for n in _MARKER.findall(sentence)]
        valid = [n for n in markers if 1 <= n <= len(passages)]
        bare = _MARKER.sub("", sentence).strip()
        if not bare:
            continue

        def states(n: int, least: float, claim: str = bare) -> bool:
            return (support(claim, passages[n - 1], index) >= least
                    and (not question or on_subject(claim, passages[n - 1], question)))

        valid = [n for n in valid if states(n, min_support)]
        if not valid:  # no marker, or a wrong one: the one given passage that states it all
            best = max(range(1, len(passages) + 1), default=0,
                       key=lambda n: (support(bare, passages[n - 1], index), -n))
            valid = [best] if best and states(best, min_support_unmarked) else []
        if not valid:
            flagged.append(bare)
            continue
        numbers = []
        for n in dict.fromkeys(valid):
            if n not in new_number:
                new_number[n] = len(citations) + 1
                citations.append(Citation.from_passage(passages[n - 1], new_number[n]))
            cit = citations[new_number[n] - 1]
            quote = _best_quote(bare, passages[n - 1])
            if quote not in cit.quote:
                cit.quote.append(quote)
            numbers.append(new_number[n])
        kept.append(bare.rstrip() + " " + " ".join(f"[{m}]" for m in numbers))
    return Verified(" ".join(kept), citations, flagged)
