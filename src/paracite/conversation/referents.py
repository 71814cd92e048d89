"""What the previous turn was about: the names its answer gave, the person 'he'/'she'
stands for, the noun phrases a pronoun can stand for, and the scene (meeting, session, body)
a follow-up borrows."""

from __future__ import annotations

import re

from paracite.conversation.grammar import _split
from paracite.text import phrases as ph

_MARKER = re.compile(r"\s*\[\d+\]")
_ENTITY = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]\.)(?:\s+(?:of\s+the\s+|of\s+)?(?:[A-Z][a-z]+|"
                     r"[A-Z]\.))+|\(([A-Z][A-Za-z ]+)\)")


def answer_entities(answer: str, limit: int = 6) -> list[str]:
    """Names an answer gave ('Erik Planken', 'Netherlands'), markers stripped."""
    text = _MARKER.sub("", answer)
    found: list[str] = []
    for m in _ENTITY.finditer(text):
        name = (m.group(1) or m.group(0)).strip()
        if name not in found and name.split()[0] not in ("The", "In", "At", "On", "A"):
            found.append(name)
    return found[:limit]


def _is_person_name(run: str) -> bool:
    return not any(w in ph.ORGANISATION_WORDS for w in run.split())


def _person(text: str, asked_who: bool) -> str:
    """The person a text names: 'Erik Planken' of 'Erik Planken (Netherlands)', 'Juwang Zhu'
    of 'Mr. Juwang Zhu'; in the answer to a 'who' question also an office ('the Permanent
    Representative of South Africa') or a bare name ('Yury Fedotov is ...')."""
    text = _MARKER.sub("", text)
    for rx in (ph.PERSON_WITH_COUNTRY, ph.PERSON_WITH_TITLE):
        for m in rx.finditer(text):
            name = re.sub(r"^(?:The|A|An)\s+", "", m.group("name"))
            if len(name.split()) >= 2 or rx is ph.PERSON_WITH_TITLE:
                return name
    if not asked_who:
        return ""
    found = [(m.start(), _named_after(text, m.end()) or m.group(0)[0].lower() + m.group(0)[1:])
             for m in ph.PERSON_BY_OFFICE.finditer(text)]
    # a bare name only as the answer's subject: 'Yury Fedotov is the Executive Director'
    found += [(m.start(), m.group(0)) for m in ph.CAPITALISED_RUN.finditer(text)
              if m.start() == 0 and _is_person_name(m.group(0))
              and not re.match(r"(?:The|In|At|On|A|What|Who)\b", m.group(0))]
    return min(found)[1] if found else ""


def _named_after(text: str, end: int) -> str:
    """The name an office is followed by: 'the Vice-President of the Council, Lok Bahadur
    Thapa, …' → 'Lok Bahadur Thapa'."""
    m = re.match(r",\s+(" + ph.CAPITALISED_RUN.pattern[2:] + r")(?=[,.;\s(]|$)", text[end:])
    return m.group(1) if m and _is_person_name(m.group(1)) else ""


def _referent_person(prev_q: str, prev_a: str) -> str:
    """The person 'he'/'she' stands for: the answer's, when the question asked who; else
    the one the question named, else the answer's."""
    asked_who = bool(re.match(r"\s*(?:\w+\s+)?who(?:m|se)?\b", prev_q, re.I))
    if asked_who:
        return _person(prev_a, True) or _person(prev_q, False)
    return _person(prev_q, False) or _person(prev_a, False)


def _phrases(question: str) -> list[str]:
    """Noun phrases of a question a pronoun can stand for, best first: a document
    ('resolution 70/1', 'draft resolution A/C.3/72/L.21', 'agenda item 5'), a scene ('the
    first meeting of the Expert Group'), a named thing ('the Paris Agreement'), any other
    phrase ('the theme')."""
    body = _strip_wh(question)
    documents = [m.group(0) for m in re.finditer(
        rf"\b(?i:(?:draft\s+)?(?:{ph.DOCUMENT_HEADS}))\s+(?:[A-Z][\w.]*/[\w./]+|\d[\w./-]*"
        rf"(?:\s+\([a-z]\))?)", body)]
    scenes = [m.group(0) for m in re.finditer(
        rf"\b(?i:the|a|its|their)\s+(?:[\w-]+\s+){{0,3}}?(?i:{ph.SCENE_HEADS})\b"
        rf"(?:\s+(?:of|on|for)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+(?:(?:on|of|for|and)\s+"
        rf"(?:the\s+)?)?[A-Z][\w-]*)*)?", body)]
    named = [re.sub(rf"^(?:the\s+)?{ph.ROLE.pattern}\s+of\s+", "", m.group(0))
             for m in ph.NAMED_PHRASE.finditer(body)
             if len(m.group(0).split()) > 1 and not m.group(0)[0].isupper()
             or (m.group(0)[0].isupper() and " " in m.group(0)
                 and m.group(0).split()[0] not in ("What", "Which", "Who", "When"))]
    others = [m.group(0) for m in re.finditer(
        r"\b(?:the|a)\s+(?:[\w-]+\s+){0,2}?[a-z][\w-]{2,}(?:\s+(?:of|to|on|against|for)\s+"
        r"(?:the\s+)?[\w-]+)?", body)]
    out: list[str] = []
    for p in documents + scenes + named + others:
        p = re.sub(r"[’']s$", "", p.strip())
        if p and not any(p in o for o in out):
            out.append(p)
    return out


def _head(phrase: str) -> str:
    """The word a phrase is about: 'session' of 'the first session of the Committee on
    Information', 'Council' of 'the Human Rights Council', 'right' of 'the right to food'."""
    words = re.split(r"\s+(?:of|to|on|against|for|in|at)\s+", phrase.strip(), maxsplit=1)[0]
    return words.split()[-1] if words.split() else ""


def _same_head(noun: str, question: str) -> str:
    """The phrase of a question whose head is ``noun`` ('session' → 'the first session of
    the Committee on Information'), else ''."""
    if not question:
        return ""
    want = noun.lower().rstrip("s")
    for p in _phrases(question):
        if _head(p).lower().rstrip("s") == want:
            return p
    return ""


_BODY = re.compile(r"\bthe\s+(?:[A-Z][\w-]*\s+)*?(?:Group|Commission|Committee|Council|"
                   r"Assembly|Board|Forum|Conference|Mechanism|Panel|Bureau)\b"
                   r"(?:\s+(?:on|of|for)\s+(?:the\s+)?[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)?")


def _scene(question: str, answer: str = "") -> str:
    """Where the previous question happened, to carry into the next one: 'at the third
    meeting of the Expert Group', 'in the Executive Board'; '' if it names none."""
    phrases = _phrases(question)
    named = [p for p in phrases if re.match(r"(?:the\s+)?[A-Z]", p)]
    for p in phrases:
        if re.search(rf"\b(?:{ph.SCENE_HEADS})\b", p, re.I):
            own = re.match(r"(?:its|their)\s+", p)
            if own and named:  # 'its fifty-sixth session' of the Statistical Commission
                return f"at the {p[own.end():]} of {named[0]}"
            scene = "at " + re.sub(r"^(?:its|their|this)\b", "the", p)
            body = _BODY.search(answer)
            if body and not re.search(r"\b(?:of|on|for)\b", p):
                scene += " of " + body.group(0)  # 'the meeting' the answer said was whose
            return scene
    return "in " + named[0] if named else ""


def _strip_wh(question: str) -> str:
    """The question without its question word and what it asks ('Which countries
    sponsored' → 'sponsored ...'), so its phrases are those it is about."""
    q = question.strip().rstrip("?").strip()
    asked = _split(q)
    return f"{asked.modifier} {asked.rest}".strip() if asked else q
