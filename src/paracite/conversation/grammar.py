"""A question split at its question word ('from which country' | 'is he from'), and the
small word rules the rewriting needs: is a word a verb, is a text a fragment, is it past."""

from __future__ import annotations

import re
from dataclasses import dataclass

from paracite.text import phrases as ph

_WH = re.compile(rf"^(?P<pre>(?:{'|'.join(sorted(ph.PREPOSITIONS))})\s+)?"
                 r"(?P<wh>who|whom|whose|what|which|when|where|why|how)\b"
                 r"(?P<quant>\s+(?:many|much|long|often|old|far|soon|large))?", re.I)


@dataclass(frozen=True)
class _Asked:
    """A question split at its question word: 'from which country' | 'is he from'."""

    phrase: str      # 'How many institutions' (preposition, question word, its noun)
    wh: str          # 'how many'
    noun: str        # 'institutions'
    modifier: str    # 'from academia': the noun's own phrase, before the verb
    rest: str        # 'attended the meeting'
    inverted: bool   # 'When was the meeting held' (an auxiliary, then the subject)


def _is_verb(word: str) -> bool:
    w = word.lower()
    return (w in ph.AUXILIARIES or w in ph.IRREGULAR_PAST or w in ph.PARTICIPLES
            or (w.endswith("ed") and len(w) > 4 and word.islower()))


def _split(question: str) -> _Asked | None:
    """Split a question at its question word, or None when it has none up front."""
    q = question.strip().rstrip("?").strip()
    m = _WH.match(q)
    if not m:
        return None
    words = q[m.end():].split()
    wh = (m.group("wh") + (m.group("quant") or "")).lower()
    i = 0
    noun: list[str] = []
    if m.group("wh").lower() in ("which", "what", "whose") or m.group("quant"):
        while i < len(words) and not _is_verb(words[i]) and words[i].lower() not in \
                ph.PREPOSITIONS and words[i].lower() not in ("it", "he", "she", "they"):
            noun.append(words[i])
            i += 1
    modifier: list[str] = []
    if noun or m.group("quant"):
        while i < len(words) and not _is_verb(words[i]):
            modifier.append(words[i])
            i += 1
    rest = words[i:]
    inverted = _inverted(m.group("wh").lower(), bool(m.group("quant")), bool(noun), rest)
    phrase = q[:m.end()] + ("" if not noun else " " + " ".join(noun))
    return _Asked(phrase=phrase.strip(), wh=wh, noun=" ".join(noun),
                  modifier=" ".join(modifier), rest=" ".join(rest), inverted=inverted)


def _inverted(wh: str, quant: bool, noun: bool, rest: list[str]) -> bool:
    """Is the subject after the auxiliary ('When was the meeting held', 'Which country is
    he from'), not the question word ('Who was elected', 'How many meetings were held')?"""
    if not rest or rest[0].lower() not in ph.AUXILIARIES or len(rest) < 2:
        return False
    if rest[0].lower() in ("do", "does", "did"):
        return True
    if wh in ("when", "where", "why", "how") and not quant:
        return True
    if wh == "who":
        return False
    if wh == "what" and not noun:
        return True
    nxt = rest[1]
    return ((nxt.lower() in ph.DETERMINERS or nxt.lower() in ("he", "she", "it", "they")
             or nxt[:1].isupper() or nxt[:1].isdigit()) and not _is_verb(nxt))


def _past(rest: str) -> bool:
    first = rest.split()[0].lower() if rest.split() else ""
    return (first in ph.PAST_AUXILIARIES or first in ph.IRREGULAR_PAST
            or (first.endswith("ed") and first not in ph.AUXILIARIES))


def _is_fragment(text: str) -> bool:
    """No verb of its own: 'from which country', 'the Vice-Chair', 'in 2016'."""
    return not any(_is_verb(w) for w in re.findall(r"[\w-]+", text))


def _question(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip().rstrip("?.!").strip()
    text = re.sub(r"\s+([,;])", r"\1", text)
    return text[:1].upper() + text[1:] + "?"
