"""Embedding passages for the store: each passage and each of its sentences in one
length-sorted pass, with progress counted in passages."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from paracite.documents import Passage
from paracite.embed import Embedder, pack_vectors
from paracite.text.sentences import sentences_of


def embed_passages(embedder: Embedder, passages: Sequence[Passage],
                   progress: Callable[[int, int], None] | None = None, chunk: int = 0
                   ) -> tuple[list[Passage], list[list[float]]]:
    """The passages with their sentence vectors set, and each passage's vector, in one
    embedding pass. A passage of several sentences has each embedded too, so the answerer
    can score sentences by meaning without embedding at question time; a one-sentence
    passage reuses its passage vector.

    ``progress(done, total)`` counts passages: one is done when it and its sentences are
    embedded. All texts are sorted by length once and given to the embedder ``chunk`` at
    a time (0: all in one call; a multiple of its batch size keeps the batches of one
    sorted call, which pad least)."""
    texts = [p.searchable_text() for p in passages]
    split = [[s.scored_text for s in sentences_of(p)] for p in passages]
    extra = [t for sents in split if len(sents) > 1 for t in sents]
    owner = list(range(len(texts))) + [i for i, sents in enumerate(split) if len(sents) > 1
                                       for _ in sents]
    vectors = _embed_sorted(embedder, texts + extra, owner, progress, chunk)
    extra_at = len(texts)
    done: list[Passage] = []
    for i, p in enumerate(passages):
        n = len(split[i])
        if n > 1:
            sv = vectors[extra_at:extra_at + n]
            extra_at += n
        else:
            sv = [vectors[i]] * n
        done.append(p.model_copy(update={"sentence_vectors": pack_vectors(sv)}))
    return done, vectors[:len(texts)]


def _embed_sorted(embedder: Embedder, texts: list[str], owner: list[int],
                  progress: Callable[[int, int], None] | None, chunk: int
                  ) -> list[list[float]]:
    """Vectors of ``texts``, shortest first in chunks; ``progress`` counts the owners (text
    ``i`` belongs to passage ``owner[i]``) whose texts are all embedded."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    left = [0] * (max(owner) + 1 if owner else 0)
    for o in owner:
        left[o] += 1
    total, done = len(left), 0
    out: list[list[float]] = [[] for _ in texts]
    step = chunk or len(order) or 1
    for start in range(0, len(order), step):
        idx = order[start:start + step]
        counted = False

        def finished(n: int, of: int, idx: list[int] = idx) -> None:
            """Counts the chunk when the embedder reports it embedded (or, if it reports
            nothing, when ``embed`` returns): what is done is shown as soon as it is."""
            nonlocal counted, done
            if n < of or counted:
                return
            counted = True
            for i in idx:
                left[owner[i]] -= 1
                done += left[owner[i]] == 0
            if progress:
                progress(done, total)

        vecs = embedder.embed([texts[i] for i in idx], progress=finished)
        finished(len(idx), len(idx))
        for i, v in zip(idx, vecs, strict=True):
            out[i] = v
    return out
