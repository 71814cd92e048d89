"""Writing the standalone question: a fragment completed from the previous question (its
counterpart replaced there, or its question word put on that question's statement), a whole
question after 'and' given the previous question's scene."""

from __future__ import annotations

import re

from paracite.conversation.grammar import _Asked, _is_fragment, _past, _question, _split
from paracite.conversation.referents import (
    _phrases,
    _referent_person,
    _same_head,
    _scene,
    answer_entities,
)
from paracite.text import phrases as ph
from paracite.text.questions import content_terms

# A fragment that asks about the person, not about what they did.
_ATTRIBUTE = re.compile(r"^from\b|\b(?:country|countries|nationality|region|regional group|"
                        r"delegation|organization|government)\b", re.I)


def _subject(asked: _Asked, prev_a: str, person: str) -> tuple[str, bool]:
    """What answered the previous question's subject ('Erik Planken', 'the Government of
    China'), and whether it is a person."""
    if asked.wh == "who":
        return (person, True) if person else ("the person", False)
    if asked.wh.startswith("which") or asked.wh == "what":
        names = [n for n in answer_entities(prev_a) if " " in n]
        if names:
            return "the " + names[0] if not names[0].startswith("the ") else names[0], False
    noun = f"{asked.noun} {asked.modifier}".strip()
    return ("the " + noun if noun else "this"), False


def _wh_fragment(frag: str, fa: _Asked, prev_q: str, prev_a: str, person: str) -> str:
    """'Why?', 'and from which country?', 'And how many observers?' completed from the
    previous question."""
    pa = _split(prev_q)
    if pa is None:
        return ""
    if fa.wh == pa.wh and (fa.noun or fa.modifier or fa.rest) and not pa.inverted:
        noun = fa.noun or pa.noun  # 'how many from the private sector': institutions
        head = f"{fa.phrase} {noun if not fa.noun else ''}".strip()
        return _question(f"{head} {fa.modifier} {fa.rest} {pa.rest}")
    if pa.inverted:
        return _question(f"{frag} {pa.rest}")
    subject, is_person = _subject(pa, prev_a, person)
    rest = f"{pa.modifier} {pa.rest}".strip() if pa.wh != "who" else pa.rest
    if is_person and _ATTRIBUTE.search(frag):
        if re.match(r"from\b", frag, re.I):
            return _question(f"{frag} is {subject}, who {rest}")
        return _question(f"{frag} is {subject}, who {rest}, from")
    be = "was" if _past(pa.rest) else "is"
    return _question(f"{frag} {be} it that {subject} {rest}")


def _np_fragment(frag: str, prev_q: str) -> str:
    """'And the second?', 'what about the Vice-Chair?', 'and in 2016?': the previous
    question with the fragment in its counterpart's place."""
    q = prev_q.strip()
    core = re.sub(r"^(?:the|a|an)\s+", "", frag.strip(), flags=re.I)
    ordinal = ph.ORDINAL.search(frag)
    if ordinal and ph.ORDINAL.search(q):
        return _question(ph.ORDINAL.sub(ordinal.group(0).lower(), q, count=1))
    year = ph.YEAR.search(frag)
    if year and ph.YEAR.search(q):
        return _question(ph.YEAR.sub(year.group(0), q, count=1))
    role = ph.ROLE.fullmatch(core)
    if role and ph.ROLE.search(q):
        m = ph.ROLE.search(q)
        assert m is not None
        article = q[:m.start()].rstrip().lower().endswith(("the", "a", "an"))
        new = core if article or not frag.lower().startswith("the ") else core
        return _question(q[:m.start()] + new + q[m.end():])
    place = re.match(r"(?P<prep>in|at|from|for|to|by|on)\s+(?P<name>[A-Z][\w-]*(?:\s+[A-Z]"
                     r"[\w-]*)*)$", frag.strip())
    if place:
        rx = re.compile(rf"\b{place['prep']}\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*")
        if rx.search(q):
            return _question(rx.sub(frag.strip(), q, count=1))
    head = re.split(r"\s+(?:of|to|against|on|for|in)\s+", core)[0].split()
    if head:
        same = _same_head(head[-1], q)
        if same and same.lower() != frag.lower():
            lead = "the " if same.lower().startswith("the ") and not \
                re.match(r"(?:the|a|an)\b", frag, re.I) else ""
            return _question(q.replace(same, lead + frag.strip(), 1))
    asked = _split(q)
    if asked and asked.noun and not re.search(r"[A-Z]", core):
        return _question(q.replace(asked.noun, core, 1))
    scene = _scene(q)
    return _question(f"What about {frag} {scene}".strip())


def _with_scene(body: str, prev_q: str, prev_a: str) -> str:
    """A whole question after 'and', with the previous question's scene when it names
    none of its own: 'who was elected Rapporteur' + 'at the meeting of the Expert Group'."""
    own = (re.search(r"(?<!^)\b[A-Z][a-z]+", body.strip()[1:]) is not None
           and not ph.ROLE.fullmatch(re.findall(r"(?<!^)\b[A-Z][\w-]+", body.strip()[1:])[-1])) \
        or ph.ORDINAL.search(body) or ph.YEAR.search(body) \
        or re.search(rf"\b(?:{ph.SCENE_HEADS})\b", body, re.I)
    scene = "" if own else _scene(prev_q, prev_a)
    return _question(f"{body} {scene}")


def _rewrite(body: str, prev_q: str, prev_a: str, leading: bool) -> str:
    """The follow-up's body (pronouns already replaced) as a standalone question."""
    person = _referent_person(prev_q, prev_a)
    asked = _split(body)
    if _is_fragment(body) and asked is not None:
        return _wh_fragment(body, asked, prev_q, prev_a, person)
    if _is_fragment(body) and content_terms(body):
        return _np_fragment(body, prev_q)
    if not content_terms(body):  # 'Tell me more', 'And?'
        about = person or (_phrases(prev_q) or [""])[0]
        return _question(f"What else do the records say about {about}") if about else ""
    return _with_scene(body, prev_q, prev_a) if leading else _question(body)
