"""Words: tokens, stems, spelling fixes and the synonyms UN records call for.

Shared by keyword search (store.py) and the answerers, so a question term means the same
thing when a passage is found and when a sentence is chosen.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+(?:[/.\-][a-z0-9]+)*")
_JOINER = re.compile(r"[/.\-]")
_STOPWORDS = frozenset({
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "from",
    "as", "is", "are", "was", "were", "be", "been", "it", "its", "that", "this", "these",
    "those", "which", "who", "whom", "what", "when", "where", "how", "did", "does", "do",
    "has", "have", "had", "not", "no", "than", "then", "there", "their", "his", "her", "he",
    "she", "they", "them", "we", "our", "you", "your", "i", "can", "could", "would",
    "should", "will", "may", "might", "shall", "must",
})


_NOT_A_WORD = re.compile(r"[0-9/.\-]")


def _stem_once(token: str) -> str:
    if len(token) <= 4 or _NOT_A_WORD.search(token):
        return token
    for suffix, repl in (("ies", "y"), ("ings", ""), ("ing", ""), ("ed", ""), ("s", ""),
                         ("tion", "t"), ("sion", "s")):
        if not token.endswith(suffix) or len(token) - len(suffix) < 4:
            continue
        if suffix == "s" and token.endswith(("ss", "us", "is")):
            return token
        if suffix == "s" and re.search(r"(?:ss|x|z|ch|sh)es$", token):
            return token[:-2]
        return token[: -len(suffix)] + repl
    return token


@lru_cache(maxsize=1 << 18)
def stem(token: str) -> str:
    """A light English suffix stripper: 'meetings'/'meeting', 'adopted'/'adoption'.

    Cached: a corpus of 100,000 paragraphs has a few tens of thousands of distinct words.

    >>> [stem(t) for t in ("meetings", "opened", "countries", "22/7", "press", "delegates",
    ...                    "processes", "status", "adoption", "adopted", "sessions")]
    ['meet', 'open', 'country', '22/7', 'press', 'delegate', 'process', 'status', 'adopt', \
'adopt', 'session']
    """
    previous = ""
    while token != previous:
        previous, token = token, _stem_once(token)
    return token


@lru_cache(maxsize=1 << 18)
def _terms_of(word: str) -> tuple[str, ...]:
    """Search terms of one surface word: its stem, and for a symbol its parts' stems."""
    if word in _STOPWORDS:
        return ()
    if not _JOINER.search(word):
        return (stem(word),)
    return (stem(word), *(stem(p) for p in _JOINER.split(word) if p and p not in _STOPWORDS))


def tokenize(text: str) -> list[str]:
    """Lower-case, stemmed word tokens for keyword search.

    Symbols stay whole and are also split, so "E/CN.15/2011/19" matches itself and "22/7"
    matches "resolution 22/7":

    >>> tokenize("Resolutions 22/7 and E/CN.15/2011/19")
    ['resolut', '22/7', '22', '7', 'e/cn.15/2011/19', 'e', 'cn', '15', '2011', '19']
    """
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        out.extend(_terms_of(tok))
    return out


# Words people ask with → words UN records use (stemmed, as tokenize() gives them).
# A question term counts as found when the term or one of its record words is found.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "country": ("state", "government", "nation"),
    "nation": ("state", "government", "country"),
    "elect": ("nominat", "function", "appoint"),
    "chosen": ("nominat", "elect"),
    "fund": ("extrabudgetary", "resource", "donor"),
    "paid": ("extrabudgetary", "resource", "fund", "provid"),
    "pay": ("extrabudgetary", "resource", "fund"),
    "financ": ("extrabudgetary", "resource", "fund"),
    "finance": ("extrabudgetary", "resource", "fund"),
    "sponsor": ("extrabudgetary", "resource", "fund"),
    "present": ("attend",),
    "participat": ("attend",),
    "schedul": ("date", "time"),
    "plan": ("date", "time", "propos"),
    "session": ("meet",),
    "meet": ("session",),
    "day": ("date", "monday", "tuesday", "wednesday", "thursday", "friday"),
    "found": ("available", "website"),
    "find": ("available", "website"),
    "delegate": ("speaker", "expert", "representative"),
    "speak": ("speaker", "statement"),
    "talk": ("speaker", "statement"),
    "start": ("open",),
    "begin": ("open",),
    "end": ("clos", "conclusion"),
    "translat": ("language",),
}


def expand(terms: Iterable[str]) -> list[str]:
    """Terms plus the record words they stand for.

    >>> expand(["country", "attend"])
    ['country', 'state', 'government', 'nation', 'attend']
    """
    out: list[str] = []
    for t in terms:
        out.append(t)
        out.extend(s for s in SYNONYMS.get(t, ()) if s not in out)
    return out


def words(text: str) -> list[str]:
    """Lower-case surface words (not stemmed), as typed."""
    return [t for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS]


def correct(word: str, surface: dict[str, str], stems: Collection[str] | None = None,
            candidates: Collection[str] | None = None) -> str:
    """Stem of the closest known word for a misspelt one ('rapportuer' → 'rapporteur').

    ``surface`` maps the words of the records to their stems. Only alphabetic words of 4+
    letters whose stem the records lack are changed. ``candidates`` narrows the words
    compared (a large store passes those that could be within the similarity cut-off).

    >>> correct("meting", {"meeting": "meet", "setting": "set"})
    'meet'
    """
    st = stem(word)
    known = stems if stems is not None else set(surface.values())
    if (st in known or st in SYNONYMS or word in surface or len(word) < 4
            or not word.isalpha()):
        return st
    match = difflib.get_close_matches(word, list(surface if candidates is None else candidates),
                                      n=1, cutoff=0.8)
    return surface[match[0]] if match else st
