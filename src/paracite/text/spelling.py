"""Misspelt question words: the closest word the records use (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from rapidfuzz import fuzz, process

CUTOFF = 80.0  # rapidfuzz ratio (0..100) a known word must reach to stand in


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
            candidates: Collection[str] | None = None) -> str:
    """Stem of the closest known word for a misspelt one ('rapportuer' → 'rapporteur').

    ``surface`` maps the records' words to their stems. Only alphabetic words of 4+ letters
    whose stem the records lack are changed; ``candidates`` narrows the comparison.

    >>> correct("meting", {"meeting": "meet", "setting": "set"}, {"meet", "set"})
    'meet'
    """
    from paracite.text.stems import stem

    st = stem(word)
    if st in stems or word in surface or len(word) < 4 or not word.isalpha():
        return st
    match = closest(word, list(surface if candidates is None else candidates))
    return surface[match] if match else st
