"""Synonyms of general UN usage, read from ``synonyms.tsv`` (one reason per line).

A question word maps to the words UN records use for it ("country" → "State",
"Government"). Only usage true of UN records in general belongs there; nothing that exists
to make one question pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from paracite.text.stems import stem

DATA = Path(__file__).with_name("synonyms.tsv")


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Stemmed question word → stemmed record words.

    >>> synonyms()["countri"][:2]
    ('state', 'govern')
    """
    out: dict[str, tuple[str, ...]] = {}
    for n, line in enumerate(DATA.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].strip():
            raise ValueError(f"{DATA.name}:{n}: want 'word<TAB>record words<TAB>reason'")
        word, targets = stem(parts[0].strip().lower()), parts[1].lower().split()
        mapped = tuple(dict.fromkeys(stem(t) for t in targets if stem(t) != word))
        out[word] = tuple(dict.fromkeys(out.get(word, ()) + mapped))
    return out


def of(term: str) -> tuple[str, ...]:
    """Record words standing for a stemmed question term (none for most terms)."""
    return synonyms().get(term, ())


def expand(terms: Iterable[str]) -> list[str]:
    """Terms plus the record words they stand for.

    >>> expand(["countri", "attend"])
    ['countri', 'state', 'govern', 'nation', 'attend', 'particip', 'present']
    """
    out: list[str] = []
    for t in terms:
        out.append(t)
        out.extend(s for s in of(t) if s not in out)
    return out
