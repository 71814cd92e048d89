"""Tokens: lower-case surface words, stop words, and search tokens.

Symbols stay whole and are also split into their parts, so "E/CN.15/2011/19" matches
itself and "22/7" matches "resolution 22/7".
"""

from __future__ import annotations

import re
from functools import lru_cache

from paracite.text.stems import stem

_TOKEN = re.compile(r"[a-z0-9]+(?:[/.\-][a-z0-9]+)*")
_JOINER = re.compile(r"[/.\-]")
STOPWORDS = frozenset({
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from",
    "as", "is", "are", "was", "were", "be", "been", "it", "its", "that", "this", "these",
    "those", "which", "who", "whom", "what", "when", "where", "how", "did", "does", "do",
    "has", "have", "had", "not", "no", "than", "then", "there", "their", "his", "her", "he",
    "she", "they", "them", "we", "our", "you", "your", "i", "can", "could", "would",
    "should", "will", "may", "might", "shall", "must",
})


@lru_cache(maxsize=1 << 18)
def _terms_of(word: str) -> tuple[str, ...]:
    """Search terms of one surface word: its stem, and for a symbol its parts' stems."""
    if word in STOPWORDS:
        return ()
    if not _JOINER.search(word):
        return (stem(word),)
    return (stem(word), *(stem(p) for p in _JOINER.split(word) if p and p not in STOPWORDS))


def tokenize(text: str) -> list[str]:
    """Lower-case, stemmed word tokens for keyword search.

    >>> tokenize("Resolutions 22/7 and E/CN.15/2011/19")
    ['resolut', '22/7', '22', '7', 'e/cn.15/2011/19', 'e', 'cn', '15', '2011', '19']
    """
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        out.extend(_terms_of(tok))
    return out


def words(text: str) -> list[str]:
    """Lower-case surface words (not stemmed), as typed."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in STOPWORDS]
