"""Pronouns replaced by what they stand for: 'he'/'she' by the person the previous turn
named, 'it'/'its' by what the previous question was about; a pronoun with nothing to stand
for is reported, never guessed."""

from __future__ import annotations

import re

from paracite.conversation.follow_up import _DEMONSTRATIVE, _danglings, _names_anything
from paracite.conversation.grammar import _split
from paracite.conversation.referents import _phrases, _referent_person, _same_head
from paracite.text import phrases as ph

# Words that stand for a part of the previous question, not a thing: the fragment rules
# complete them ('And the second?' → 'When was the second meeting … held?').
_FRAGMENT_WORD = re.compile(r"(?:the )?(?:latter|former|same|other|next|previous|first|"
                            r"second|third|then|there)", re.I)


def _resolve(text: str, prev_q: str, prev_a: str) -> tuple[str, str, bool]:
    """The text with each pronoun replaced by what it stands for; or the first pronoun with
    nothing to stand for (and whether it means a person)."""
    for _ in range(4):  # a question has few pronouns; each pass replaces one
        for word, is_person in _danglings(text, prev_q):
            if _FRAGMENT_WORD.fullmatch(word):
                continue  # 'And the second?': a fragment, completed from the question
            m = re.search(rf"\b{re.escape(word)}\b", text)
            assert m is not None
            new = _stand_in(word, text[m.end():], prev_q, prev_a, is_person)
            if not new and _names_anything(text[:m.start()]):
                continue  # 'a focal point …, and what is her name?': its own antecedent
            if not new:
                return text, word, is_person
            text = text[:m.start()] + new + text[m.end():]
            break
        else:
            return text, "", False
    return text, "", False


def _stand_in(word: str, after: str, prev_q: str, prev_a: str, is_person: bool) -> str:
    """What one pronoun stands for, as it should be written in its place; '' if nothing."""
    w = word.lower()
    next_word = re.match(r"\s*([\w-]+)", after)
    possessive = w in ("his", "its", "their") or (
        w == "her" and next_word is not None and next_word.group(1).lower() not in
        ph.PREPOSITIONS and not next_word.group(1)[:1].isupper())
    if is_person:
        person = _referent_person(prev_q, prev_a)
        if not person or possessive:
            return person + "’s" if person else ""
        asked = _split(prev_q)
        if asked and asked.wh == "who" and not asked.inverted and asked.rest \
                and person not in prev_q:
            # the person as the conversation met them: 'Christopher Ram, who introduced …,'
            return f"{person}, who {asked.rest}," if after.strip(" ?") else \
                f"{person}, who {asked.rest}"
        return person
    demo = _DEMONSTRATIVE.match(word + after)
    if demo:
        same = _same_head(demo.group("noun"), prev_q)
        return "" if not same else re.sub(rf"\s*{demo.group('noun')}$", "", same, flags=re.I) \
            if same.lower().rstrip("s").endswith(demo.group("noun").lower().rstrip("s")) \
            else ""
    if w in ("they", "them", "their", "theirs"):
        asked = _split(prev_q)
        if asked and asked.noun and not asked.inverted:
            who = f"the {asked.noun} that {asked.modifier} {asked.rest}".replace("  ", " ")
            return who + "’" if possessive else who
    if w in ("then", "there"):
        return ""
    if ph.ORDINAL.fullmatch(w.split()[-1]) or w.startswith(("the ", "other", "next")):
        return ""
    phrases = [p for p in _phrases(prev_q) if not re.match(r"(?:its|their|this)\b", p)]
    if not phrases:
        return ""
    target = phrases[0]
    return f"{target}’s" if possessive and not target.endswith("s") else \
        f"{target}’" if possessive else target
