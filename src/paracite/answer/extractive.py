"""The default answerer: the records' own sentences, chosen for how well they answer.

No model generates text, so nothing can be invented: every sentence of an answer is a
sentence of a cited passage. For each retrieved passage, each sentence (list blocks and
footnotes count as sentences) is scored on

- **words**: the idf-weighted share of the question's terms found in the sentence and, with
  less weight, in the rest of its passage (a sentence inherits its paragraph's topic);
  synonyms of general UN usage count (``text/synonyms.tsv``);
- **meaning**: the cosine between the question's vector and the sentence's, both from the
  embedder (sentence vectors are made at ingest and stored with the passage);
- **type**: whether it carries what the question asks for (a date for "when", a number for
  "how many", a name for "who", a list for "which … s", a decision verb for "what did … decide");
- **rank**: where hybrid retrieval put its passage.

The best sentence answers. It brings the sentence before it when it opens with a pronoun
(so the answer names its subject) and the one after it when it only introduces it; list
questions gather sentences from several paragraphs.

With the trained **reader** (``paracite.reader``, on by default) the first sixteen
sentences in that order are re-ranked by it, and its answerability (the probability that
one of them answers) is the confidence: at ``reader_threshold`` or above the best sentence
answers; from ``reader_hedge`` up to it the answer says it is only the closest statement
and is marked uncertain; under it the answer is a refusal that quotes the closest
statements. Without the reader the answer is refused when the **no-answer score** (words
and meaning of the best sentence, in 0..1) is under ``answer_threshold``. Either way it is
refused when the question names something (a name, a number, an ordinal) that the chosen
passage's document context never mentions.
"""

from __future__ import annotations

from collections.abc import Sequence

from paracite.candidates import TYPED, Scored, missing_critical, stated, unanswered_kind
from paracite.documents import HEDGE, REFUSAL, Answer, Citation
from paracite.embed import unpack_vectors
from paracite.retrieve import Retrieved
from paracite.settings import Settings
from paracite.text.phrases import LEANS_BACK
from paracite.text.query import Query
from paracite.text.questions import content_terms, type_match
from paracite.text.sentences import Sentence, sentences_of
from paracite.text.stats import TermStats
from paracite.text.synonyms import of as synonyms_of

__all__ = ["REFUSAL", "ExtractiveAnswerer", "refusal"]


def weights(query: Query, stats: TermStats) -> dict[str, float]:
    """idf weight per distinct term; in a follow-up, the words borrowed from the previous
    turn weigh half what the current turn's own words weigh.

    A word the store never uses weighs what its best synonym weighs when one is used, else
    the store's median idf: a word no record uses cannot tell one passage from another
    (the records say it otherwise: "took up his functions" for "elected"), so it must not
    dominate the question.
    """
    out: dict[str, float] = {}
    for t in query.terms:
        idf = stats.idf(t)
        if t not in stats.vocabulary:
            known = [stats.idf(s) for s in synonyms_of(t) if s in stats.vocabulary]
            idf = max(known) if known else stats.median_idf
        out[t] = idf * (1.0 if t in query.primary else 0.5)
    return out


def covered(w: dict[str, float], terms: set[str]) -> float:
    """Share of the question's weight whose terms (or their synonyms) are in ``terms``."""
    total = sum(w.values())
    hit = sum(x for t, x in w.items() if stated(t, terms))
    return hit / total if total else 0.0


def _meanings(query: Query, sents: Sequence[Sentence], dense: float | None) -> list[float]:
    """Cosine of the question with each sentence; the passage's own cosine when the
    passage was stored without sentence vectors."""
    import numpy as np

    p = sents[0].passage if sents else None
    if query.vector is not None and p is not None and p.sentence_vectors:
        vec = np.asarray(query.vector, dtype=np.float32)
        mat = unpack_vectors(p.sentence_vectors, len(vec))
        if len(mat) == len(sents):
            return [max(0.0, float(x)) for x in mat @ vec]
    return [max(0.0, dense or 0.0)] * len(sents)


class ExtractiveAnswerer:
    """Deterministic answers from the records' own sentences."""

    name = "extractive"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def score(self, query: Query, retrieved: Sequence[Retrieved],
              stats: TermStats) -> list[Scored]:
        """Every sentence of the retrieved passages, best first."""
        if not query.terms and query.vector is None:
            return []
        w = weights(query, stats)
        s = self.settings
        scored: list[Scored] = []
        for rank, r in enumerate(retrieved):
            passage_cov = covered(w, set(content_terms(r.passage.searchable_text())))
            prior = 1.0 / (1.0 + rank)
            sents = sentences_of(r.passage)
            for sent, meaning in zip(sents, _meanings(query, sents, r.dense), strict=True):
                sent_cov = covered(w, set(content_terms(sent.scored_text)))
                fit = type_match(query.kind, sent.text)
                score = (s.w_sentence * sent_cov + s.w_passage * passage_cov
                         + s.w_meaning * meaning + s.w_type * fit + s.w_rank * prior)
                if query.kind in TYPED and fit == 0:
                    score *= s.type_penalty
                if sent.in_footnote and query.kind != "reference":
                    # a footnote inherits the words of the sentence that carries its marker;
                    # it answers in that sentence's place only when a source is asked for
                    score *= s.footnote_factor
                scored.append(Scored(sent, score, passage_cov, meaning, rank, sent_cov, fit))
        scored.sort(key=lambda x: (-x.score, x.rank, x.sentence.index))
        return scored

    def no_answer_score(self, best: Scored) -> float:
        """How strongly the best sentence answers, in 0..1: the share of the question's
        (idf-weighted) terms it states and the cosine of its meaning, averaged. Of the
        candidate scores measured on the dev sets (passage coverage, sentence coverage,
        cosine, type fit, and their means) this one separated answerable from unanswerable
        questions best."""
        return round(0.5 * best.words + 0.5 * best.meaning, 4)

    def read(self, query: Query, retrieved: Sequence[Retrieved],
             scored: list[Scored]) -> tuple[list[Scored], float, str]:
        """The candidates in the reader's order, the confidence, and the verdict:
        "answer", "hedge" (only the closest statement, marked uncertain) or "refuse".
        Without the reader: the own order and the no-answer score, with the hedge band
        from ``answer_hedge`` up to ``answer_threshold``."""
        from paracite.reader.features import TOP, group
        from paracite.reader.model import packaged

        s = self.settings
        reader = packaged() if s.reader else None
        if reader is None:
            confidence = self.no_answer_score(scored[0])
            hedge = s.answer_hedge if s.answer_hedge is not None else s.answer_threshold
            return scored, confidence, band(confidence, s.answer_threshold,
                                            min(hedge, s.answer_threshold))
        top = scored[:TOP]
        reading = reader.read(group(query, top, retrieved))
        ranked = [top[i] for i in reading.order] + scored[TOP:]
        p = round(reading.answerable, 4)
        threshold = (s.reader_threshold if s.reader_threshold is not None
                     else float(reader.meta.get("threshold", 0.5)))
        hedge = s.reader_hedge if s.reader_hedge is not None else float(
            reader.meta.get("hedge", threshold))
        return ranked, p, band(p, threshold, min(hedge, threshold))

    def answer(self, query: Query, retrieved: Sequence[Retrieved], stats: TermStats) -> Answer:
        """Compose a cited answer, or a refusal that quotes the closest statements."""
        scored = self.score(query, retrieved, stats)
        s = self.settings
        if not scored:
            return refusal(query.text, retrieved, s.see_also)
        scored, confidence, verdict = self.read(query, retrieved, scored)
        best = scored[0]
        if (verdict == "refuse" or missing_critical(query, best, retrieved)
                or unanswered_kind(query, best)):
            return refusal(query.text, retrieved, s.see_also, confidence=confidence,
                           closest=scored)
        if verdict == "hedge":  # only the closest statement, said so
            ans = compose(query.text, [best], confidence)
            return ans.model_copy(update={"text": f"{HEDGE} {ans.text}", "uncertain": True})
        chosen = [best]
        sents = sentences_of(best.sentence.passage)
        i = best.sentence.index
        if (i > 0 and not best.sentence.in_footnote
                and LEANS_BACK.search(best.sentence.text)
                and len(sents[i - 1].text) <= s.max_context_chars):
            chosen.insert(0, Scored(sents[i - 1], best.score, best.coverage, best.meaning,
                                    best.rank))
        if query.kind == "list":
            self._gather_list(best, scored, chosen)
        elif (best.sentence.text.rstrip().endswith(":") and i + 1 < len(sents)
              and not sents[i + 1].in_footnote):
            chosen.append(Scored(sents[i + 1], best.score, best.coverage, best.meaning,
                                 best.rank))
        else:
            self._second_part(best, scored, chosen)
            chosen.sort(key=lambda c: c.sentence.index)  # one paragraph: in its own order
        return compose(query.text, chosen, confidence)

    def _second_part(self, best: Scored, scored: Sequence[Scored],
                     chosen: list[Scored]) -> None:
        """Another sentence of the same paragraph that answers nearly as well (a question
        in two parts, 'when and where', or a fact split over two sentences) joins."""
        for cand in scored[1:]:
            if cand.sentence.passage.id != best.sentence.passage.id:
                continue
            if (cand.score >= self.settings.second_ratio * best.score
                    and not cand.sentence.in_footnote
                    and cand.sentence not in [c.sentence for c in chosen]):
                chosen.append(cand)
            break

    def _gather_list(self, best: Scored, scored: Sequence[Scored], chosen: list[Scored]) -> None:
        """A list question: the sentence after the best when it continues the list, then
        other sentences nearly as good, at most two from one paragraph."""
        s = self.settings
        sents = sentences_of(best.sentence.passage)
        nxt = best.sentence.index + 1
        if (nxt < len(sents) and not sents[nxt].in_footnote
                and type_match("list", sents[nxt].text) >= s.list_sentence_min):
            chosen.append(Scored(sents[nxt], best.score, best.coverage, best.meaning,
                                 best.rank))
        for cand in scored[1:]:
            if len(chosen) >= s.max_list_sentences:
                break
            same = sum(c.sentence.passage.id == cand.sentence.passage.id for c in chosen)
            if cand.sentence in [c.sentence for c in chosen]:
                continue
            if (cand.score >= s.list_ratio * best.score and cand.coverage >= best.coverage
                    * s.list_ratio and same < 2):
                chosen.append(cand)


def band(confidence: float, threshold: float, hedge: float) -> str:
    """'answer' at or over the threshold, 'hedge' from ``hedge`` up to it, else 'refuse'.

    >>> [band(c, 0.5, 0.45) for c in (0.6, 0.47, 0.2)]
    ['answer', 'hedge', 'refuse']
    """
    return "answer" if confidence >= threshold else "hedge" if confidence >= hedge else "refuse"


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
            confidence: float = 0.0, closest: Sequence[Scored] = ()) -> Answer:
    """'The records do not say', with the closest statements (their text and where they
    are, at most one a paragraph) or, when no sentence was scored, the closest passages."""
    if not closest:
        return Answer.refusal(question, [(r.passage, r.score)
                                         for r in list(retrieved)[:see_also]], confidence)
    picked: list[Scored] = []
    for c in closest:
        if len(picked) >= see_also:
            break
        if all(c.sentence.passage.id != p.sentence.passage.id for p in picked):
            picked.append(c)
    return Answer.refusal(question, [(c.sentence.passage, c.score) for c in picked],
                          confidence, quotes=[c.sentence.display for c in picked])
