"""The default answerer: the records' own sentences, chosen for how well they answer.

No model generates text, so nothing can be invented: every sentence of an answer is a
sentence of a cited passage. For each retrieved passage, each sentence (list blocks and
footnotes count as sentences) is scored on

- **coverage**: the idf-weighted share of the question's terms found in the sentence,
  and, with less weight, in the rest of its passage (a sentence inherits its paragraph's
  topic);
- **type**: whether it carries what the question asks for (a date for "when", a number for
  "how many", a name for "who", a list for "which … s");
- **rank**: where hybrid retrieval put its passage.

The best sentence answers; the one after it joins when the best one only introduces it;
list questions gather sentences from several paragraphs. When even the best passage covers
too little of the question, the answer is a refusal that shows the closest passages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from paracite.answer.text import (
    GENERIC_QUESTION_TERMS,
    Sentence,
    content_terms,
    critical_terms,
    question_type,
    sentences_of,
    type_match,
)
from paracite.documents import Answer, Citation
from paracite.lexicon import SYNONYMS, tokenize
from paracite.retrieve import Retrieved
from paracite.settings import Settings
from paracite.store import KeywordIndex

REFUSAL = "The records do not answer this question."


@dataclass(frozen=True)
class Scored:
    sentence: Sentence
    score: float
    coverage: float  # of the question's terms, by the sentence's passage (incl. footnotes)
    rank: int


def _weights(terms: Sequence[str], primary: set[str], index: KeywordIndex) -> dict[str, float]:
    """idf weight per distinct term; terms of the current turn count double in follow-ups.

    A synonym the records use stands in for a question word they never use ("elected"
    is never in these records; "nominated" is), so such a word weighs what its best
    synonym weighs rather than the maximum an unseen word would.
    """
    out: dict[str, float] = {}
    for t in terms:
        idf = index.idf(t)
        if t not in index.vocabulary:
            known = [index.idf(s) for s in SYNONYMS.get(t, ()) if s in index.vocabulary]
            idf = max(known) if known else idf
        out[t] = idf * (2.0 if t in primary else 1.0)
    return out


def _covered(weights: dict[str, float], terms: set[str]) -> float:
    total = sum(weights.values())
    hit = sum(w for t, w in weights.items()
              if t in terms or any(s in terms for s in SYNONYMS.get(t, ())))
    return hit / total if total else 0.0


class ExtractiveAnswerer:
    """Deterministic answers from the records' own sentences."""

    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def score(self, question: str, retrieved: Sequence[Retrieved], index: KeywordIndex,
              primary: str | None = None) -> list[Scored]:
        """Every sentence of the retrieved passages, best first."""
        terms = [index.mend(t) for t in content_terms(question)]
        if not terms:
            return []
        primary_terms = ({index.mend(t) for t in content_terms(primary)}
                         if primary else set(terms))
        weights = _weights(terms, primary_terms, index)
        qtype = question_type(primary or question)
        s = self.settings
        scored: list[Scored] = []
        for rank, r in enumerate(retrieved):
            passage_terms = set(content_terms(r.passage.searchable_text()))
            passage_cov = _covered(weights, passage_terms)
            prior = 1.0 / (1.0 + rank)
            for sent in sentences_of(r.passage):
                sent_cov = _covered(weights, set(content_terms(sent.scored_text)))
                fit = type_match(qtype, sent.text)
                score = (s.w_sentence * sent_cov + s.w_passage * passage_cov
                         + s.w_type * fit + s.w_rank * prior)
                if qtype in TYPED and fit == 0:
                    score *= s.type_penalty
                scored.append(Scored(sent, score, passage_cov, rank))
        scored.sort(key=lambda x: (-x.score, x.rank, x.sentence.index))
        return scored

    def answer(self, question: str, retrieved: Sequence[Retrieved], index: KeywordIndex,
               primary: str | None = None) -> Answer:
        """Compose a cited answer, or a refusal with the closest passages."""
        scored = self.score(question, retrieved, index, primary)
        s = self.settings
        if not scored or scored[0].coverage < s.min_coverage or missing_critical(
                primary or question, scored[0], index, retrieved) or unknown_term(
                primary or question, index) or (
                question_type(primary or question) in STRICT_TYPES
                and type_match(question_type(primary or question), scored[0].sentence.text) == 0):
            return refusal(question, retrieved, s.see_also,
                           confidence=scored[0].coverage if scored else 0.0)
        best = scored[0]
        chosen = [best]
        qtype = question_type(primary or question)
        if qtype == "list":
            sents = sentences_of(best.sentence.passage)
            nxt = best.sentence.index + 1
            if (nxt < len(sents) and not sents[nxt].in_footnote
                    and type_match("list", sents[nxt].text) >= s.list_sentence_min):
                chosen.append(Scored(sents[nxt], best.score, best.coverage, best.rank))
            for cand in scored[1:]:
                if len(chosen) >= s.max_list_sentences:
                    break
                same = sum(c.sentence.passage.id == cand.sentence.passage.id for c in chosen)
                if cand.sentence in [c.sentence for c in chosen]:
                    continue
                if (cand.score >= s.list_ratio * best.score and cand.coverage >= s.min_coverage
                        and same < 2):
                    chosen.append(cand)
        else:
            sents = sentences_of(best.sentence.passage)
            nxt = best.sentence.index + 1
            if (best.sentence.text.rstrip().endswith(":") and nxt < len(sents)
                    and not sents[nxt].in_footnote):
                chosen.append(Scored(sents[nxt], best.score, best.coverage, best.rank))
        return compose(question, chosen, best.coverage)


TYPED = frozenset({"name", "count", "time", "person"})  # the answer must be of a kind
STRICT_TYPES = frozenset({"name"})  # no sentence of the right kind: no answer


def unknown_term(question: str, index: KeywordIndex) -> str | None:
    """A question word the records never use and that no synonym covers ('women',
    'penalties', 'universities'): what is asked about is not in the records."""
    for t in content_terms(question):
        t = index.mend(t)
        if (t not in index.vocabulary and t not in GENERIC_QUESTION_TERMS
                and not any(x in index.vocabulary for x in SYNONYMS.get(t, ()))):
            return t
    return None


def missing_critical(question: str, best: Scored, index: KeywordIndex,
                     retrieved: Sequence[Retrieved] = ()) -> bool:
    """True when the question names something (an ordinal, a number, a proper name) that
    the chosen paragraph never mentions: 'the fourth meeting', 'the delegate of Japan'."""
    doc = best.sentence.passage.document
    # A name may be given once for a whole document ("the Working Group on Lighthouses"
    # in its first paragraph, "the Working Group" after): the document's title and its
    # other retrieved paragraphs count too.
    have = set(tokenize(" ".join([best.sentence.passage.searchable_text(),
                                  best.sentence.passage.title]
                                 + [r.passage.text for r in retrieved
                                    if r.passage.document == doc])))
    for t in critical_terms(question):
        t = index.mend(t)
        if t not in have and not any(s in have for s in SYNONYMS.get(t, ())):
            return True
    return False


def compose(question: str, chosen: Sequence[Scored], confidence: float) -> Answer:
    """Answer text with one [n] per cited passage, in the order the passages first appear."""
    citations: list[Citation] = []
    by_passage: dict[str, Citation] = {}
    pieces: list[str] = []
    for c in chosen:
        p = c.sentence.passage
        cit = by_passage.get(p.id)
        if cit is None:
            cit = Citation.from_passage(p, len(citations) + 1, score=c.score)
            by_passage[p.id] = cit
            citations.append(cit)
        cit.quote.append(c.sentence.text)
        shown = c.sentence.display
        if c.sentence.in_footnote:
            shown = f"Footnote {_footnote_marker(c.sentence)}: {shown}"
        pieces.append(f"{shown.rstrip()} [{cit.marker}]")
    return Answer(question=question, text=" ".join(pieces), found=True, citations=citations,
                  confidence=round(confidence, 4))


def _footnote_marker(sent: Sentence) -> str:
    for f in sent.passage.footnotes:
        if f.text == sent.text:
            return f.marker
    return "?"


def refusal(question: str, retrieved: Sequence[Retrieved], see_also: int,
            confidence: float = 0.0) -> Answer:
    """'The records do not say', with the closest passages to read instead."""
    closest = [Citation.from_passage(r.passage, 0, score=r.score)
               for r in list(retrieved)[:see_also]]
    text = REFUSAL
    if closest:
        text += " Closest passages: " + "; ".join(c.label for c in closest) + "."
    return Answer(question=question, text=text, found=False, see_also=closest,
                  confidence=round(confidence, 4))
