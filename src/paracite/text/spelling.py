"""Misspelt question words: the closest word the records use (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

from paracite.text.stems import stem

CUTOFF = 80.0  # rapidfuzz ratio (0..100) a known word must reach to stand in


@lru_cache(maxsize=4)
def dictionary(package: str) -> frozenset[str]:
    """English words: the whole-word entries of the embedder's WordPiece vocabulary
    (``vocab.txt``, shipped with the model; 30,522 entries for MiniLM), lower case. Empty
    when the embedder has none. A word in it is a real word, not a misspelling: 'funding'
    is not mended to 'founding' because the records never say 'funding'.
    """
    from paracite.embed import model_path
    from paracite.errors import ConfigError

    try:
        vocab = model_path(package) / "vocab.txt"
        lines = vocab.read_text(encoding="utf-8").split()
    except (ConfigError, OSError):
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower() and len(w) > 2)


def closest(word: str, candidates: Collection[str]) -> str | None:
    """The candidate nearest ``word`` by normalised edit similarity, if near enough.

    >>> closest("rapportuer", ["rapporteur", "report", "rapport"])
    'rapporteur'
    >>> closest("zzzz", ["rapporteur"]) is None
    True
    """
    if not candidates:
        return None
    found = process.extractOne(word, candidates, scorer=fuzz.ratio, score_cutoff=CUTOFF)
    return found[0] if found else None


def correct(word: str, surface: Mapping[str, str], stems: Collection[str],
            candidates: Collection[str] | None = None,
            words: Collection[str] = frozenset()) -> str:
    """Stem of the closest known word for a misspelt one ('rapportuer' → 'rapporteur').

    ``surface`` maps the records' words to their stems. Only alphabetic words of 4+ letters
    whose stem the records lack, and that are not English ``words``, are changed;
    ``candidates`` narrows the comparison.

    >>> correct("meting", {"meeting": "meet", "setting": "set"}, {"meet", "set"})
    'meet'
    >>> correct("seting", {"setting": "set"}, {"set"}, words={"seting"})  # a real word
    'sete'
    """
    st = stem(word)
    if (st in stems or word in surface or len(word) < 4 or not word.isalpha()
            or word in words):
        return st
    match = closest(word, list(surface if candidates is None else candidates))
    return surface[match] if match else st
