"""Checks on generated answers: every sentence must cite a retrieved passage that says it.

1. Markers that point at no retrieved passage ([9] when 4 were given) are removed.
2. A sentence left with no marker is cited to the one retrieved passage that holds nearly
   all of its content words (``Settings.min_support_unmarked``), or dropped: paracite
   states nothing uncited. Small local models often forget markers.
3. A sentence is kept only if the passage it cites holds enough of its content words
   (``Settings.min_support``), every number, ordinal and name in it, and every rare word
   of it ("87 women" is not supported by "87 Member States" even though 'women' occurs
   elsewhere in the records); otherwise it is dropped and reported in ``flagged``.
4. Markers are renumbered 1, 2, … in order of first use, and each citation quotes the
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


def _best_quote(claim: str, passage: Passage) -> str:
    terms = set(content_terms(_MARKER.sub("", claim)))
    best = max(sentences_of(passage),
               key=lambda s: (len(terms & set(content_terms(s.text))), -s.index))
    return best.text


def verify(text: str, passages: Sequence[Passage], min_support: float,
           min_support_unmarked: float = 1.01, index: TermStats | None = None) -> Verified:
    """Keep the supported, cited sentences of ``text``; ``passages[n-1]`` is marker [n]."""
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
        if not valid and passages:
            best = max(range(len(passages)), key=lambda i: (support(bare, passages[i], index), -i))
            if support(bare, passages[best], index) >= min_support_unmarked:
                valid = [best + 1]
        if not valid:
            flagged.append(bare)
            continue
        if max(support(bare, passages[n - 1], index) for n in valid) < min_support:
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
