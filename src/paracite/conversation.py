"""The conversation: history, whether a question leans on it, and the standalone question.

A question is read as a follow-up only when it leans on the previous turn: it starts with
"and" / "what about" / "how about" / "but" / "also", it has no content words of its own
("Why?", "When?"), or it uses a pronoun with nothing in the question for it to refer to
("Which country is he from?", "When was it adopted?"). A short question that names its own
subject ("How many Member States attended?") is a new question, whatever came before.

A follow-up is rewritten, by rules, into the question a reader would have asked without the
conversation (``read_turn``):

- a pronoun is replaced by what it stands for: 'he'/'she' by the person the previous turn
  named, 'it'/'its' by what the previous question was about;
- a fragment ('Why?', 'and from which country?', 'And the second?', 'what about the
  Vice-Chair?') is completed from the previous question: its counterpart replaced there, or
  its question word put on the previous question's statement;
- a whole question after 'and' ('and who was elected Rapporteur?') keeps its own words and
  borrows only the scene (meeting, session, body) of the previous question.

A pronoun with nothing to refer to is reported (``Turn.unresolved``), never guessed.

Used by the chain (deterministic condensing) and by the LLM answerer (its condense prompt
runs only for follow-ups).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from paracite.text import phrases as ph
from paracite.text.questions import content_terms

History = Sequence[tuple[str, str]]

_LEADING = re.compile(r"^\s*(?:and what about|and how about|what about|how about|same for|"
                      r"what of|and|but|also|so)\b[\s,]*", re.I)
# Pronouns that point outside the question unless a name comes before them.
_PERSONAL = re.compile(r"\b(?:he|she|him|his|her|hers)\b", re.I)
_PLURAL = re.compile(r"\b(?:they|them|their|theirs)\b", re.I)
# Pronouns that point back when the question names nothing before them; 'the second' only
# without a noun of its own ('And the second?', not 'the second meeting').
_THING = re.compile(r"\b(?:it|its|this|that|these|those|there|then|the latter|the former|"
                    r"the same|(?:the )?(?:other|next|previous|second|third|first)"
                    r"(?=\s*(?:[?.!,;]|$|one\b|ones\b)))\b", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:this|that|these|those|such)\s+(?P<noun>[a-z][\w-]+)", re.I)
# Words that stand for a part of the previous question, not a thing: the fragment rules
# complete them ('And the second?' → 'When was the second meeting … held?').
_FRAGMENT_WORD = re.compile(r"(?:the )?(?:latter|former|same|other|next|previous|first|"
                            r"second|third|then|there)", re.I)
_THING_NOUN = re.compile(rf"\b(?:{ph.DOCUMENT_HEADS}|{ph.SCENE_HEADS})\b", re.I)
_NOT_NOUNS = ph.AUXILIARIES | ph.DETERMINERS | ph.PREPOSITIONS | {"is", "it", "he", "she",
                                                               "they", "we", "you", "i"}
_EXISTENTIAL = re.compile(r"\bthere\s+(?:is|are|was|were|be|been|will|has|have|had)\b|"
                          r"\b(?:is|are|was|were|be|been)\s+there\b", re.I)
_NAME = re.compile(r"(?<!^)(?<![.?!] )\b[A-Z](?:[a-z]+|[A-Z]+\b)")
_NOUN_PHRASE = re.compile(r"\b(?:the|a|an)\s+[a-z]{3,}", re.I)
_MARKER = re.compile(r"\s*\[\d+\]")
_ENTITY = re.compile(r"\b(?:[A-Z][a-z]+|[A-Z]\.)(?:\s+(?:of\s+the\s+|of\s+)?(?:[A-Z][a-z]+|"
                     r"[A-Z]\.))+|\(([A-Z][A-Za-z ]+)\)")
_WH = re.compile(rf"^(?P<pre>(?:{'|'.join(sorted(ph.PREPOSITIONS))})\s+)?"
                 r"(?P<wh>who|whom|whose|what|which|when|where|why|how)\b"
                 r"(?P<quant>\s+(?:many|much|long|often|old|far|soon|large))?", re.I)
# A fragment that asks about the person, not about what they did.
_ATTRIBUTE = re.compile(r"^from\b|\b(?:country|countries|nationality|region|regional group|"
                        r"delegation|organization|government)\b", re.I)


@dataclass(frozen=True)
class Turn:
    """One question as read against the conversation.

    ``standalone``: the question to search with (the question itself unless it leans on
    the conversation); ``follow_up``: it leans on the previous turn; ``unresolved``: a
    pronoun in it that refers to nothing named so far ('he'), else ''; ``person``: whether
    that pronoun stands for a person.
    """

    question: str
    standalone: str
    follow_up: bool = False
    unresolved: str = ""
    person: bool = False


@dataclass(frozen=True)
class _Asked:
    """A question split at its question word: 'from which country' | 'is he from'."""

    phrase: str      # 'How many institutions' (preposition, question word, its noun)
    wh: str          # 'how many'
    noun: str        # 'institutions'
    modifier: str    # 'from academia': the noun's own phrase, before the verb
    rest: str        # 'attended the meeting'
    inverted: bool   # 'When was the meeting held' (an auxiliary, then the subject)


# -- is it a follow-up? ---------------------------------------------------------------------

def _dangling(question: str, prev_question: str = "") -> tuple[str, bool] | None:
    return next(_danglings(question, prev_question), None)


def _danglings(question: str, prev_question: str = "") -> Iterator[tuple[str, bool]]:
    """The first pronoun with nothing before it in the question to refer to, and whether
    it stands for a person: 'he' with no name before it; 'it', 'this', 'the second' with no
    noun phrase before them; 'that meeting' only when the previous question had a
    meeting."""
    q = question.strip()
    m = _PERSONAL.search(q)
    if m and not (_NAME.search(q[:m.start()]) or ph.ROLE.search(q[:m.start()])):
        yield m.group(0), True
    m = _PLURAL.search(q)
    if m and not (_NAME.search(q[:m.start()]) or _NOUN_PHRASE.search(q[:m.start()])):
        yield m.group(0), False
    for m in _THING.finditer(q):
        word = m.group(0).lower()
        before = q[:m.start()]
        if word == "there" and _EXISTENTIAL.search(q):
            continue
        # 'that' after words is a conjunction or relative pronoun ('say that')
        if word == "that" and content_terms(before):
            continue
        demo = _DEMONSTRATIVE.match(q, m.start())
        if demo and demo.group("noun").lower() not in _NOT_NOUNS:
            if _same_head(demo.group("noun"), prev_question):
                yield m.group(0), False
            continue  # 'this session' with no session before: the record's own session
        if not (_NAME.search(before) or _NOUN_PHRASE.search(before) or _THING_NOUN.search(before)):
            yield m.group(0), False


def _names_anything(question: str) -> bool:
    """Does the question name anything a pronoun in it could stand for (a name, an
    acronym, 'the statement', 'a report'), wherever it stands?  Asked with no conversation,
    'its' may point forward ('At which of its sessions is the CDP asked …')."""
    return bool(_NAME.search(question) or _NOUN_PHRASE.search(question)
                or re.search(r"\bit\s+(?:is|was)\b.*\b(?:that|to|since)\b", question, re.I))


def _leans_by_pronoun(question: str, prev_question: str = "") -> bool:
    return _dangling(question, prev_question) is not None


def is_follow_up(question: str, history: History) -> bool:
    """Does the question lean on the conversation so far?

    >>> h = [("Who was elected Rapporteur?", "Erik Planken (Netherlands) ... [1]")]
    >>> [is_follow_up(q, h) for q in ("and from which country?", "Why?",
    ...  "Which country is he from?", "How many Member States attended?",
    ...  "What did the Commission decide about its working methods?", "When was it adopted?",
    ...  "When was the second meeting of the Expert Group held?")]
    [True, True, True, False, False, True, False]
    """
    if not history:
        return False
    return bool(_LEADING.search(question) or not content_terms(question)
                or _is_wh_fragment(question) or _leans_by_pronoun(question, history[-1][0]))


def _is_wh_fragment(question: str) -> bool:
    """A question word with no verb after it: 'Since when?', 'By how many votes?'."""
    m = _WH.match(question.strip())
    if m is None or not _is_fragment(question):
        return False
    after = re.findall(r"[\w-]+", question[m.end():])
    if m.group("wh").lower() == "who" and after:
        return False  # 'Who chairs?': a verb follows 'who'
    return len(after) <= 2


# -- what the previous turn was about -------------------------------------------------------

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


# -- the question split at its question word ------------------------------------------------

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


# -- rewriting a follow-up ------------------------------------------------------------------

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


def _with_scene(body: str, prev_q: str, prev_a: str) -> str:
    """A whole question after 'and', with the previous question's scene when it names
    none of its own: 'who was elected Rapporteur' + 'at the meeting of the Expert Group'."""
    own = (re.search(r"(?<!^)\b[A-Z][a-z]+", body.strip()[1:]) is not None
           and not ph.ROLE.fullmatch(re.findall(r"(?<!^)\b[A-Z][\w-]+", body.strip()[1:])[-1])) \
        or ph.ORDINAL.search(body) or ph.YEAR.search(body) \
        or re.search(rf"\b(?:{ph.SCENE_HEADS})\b", body, re.I)
    scene = "" if own else _scene(prev_q, prev_a)
    return _question(f"{body} {scene}")


def read_turn(question: str, history: History) -> Turn:
    """Read a question against the conversation: its standalone form, or the pronoun that
    refers to nothing named so far.

    >>> h = [("Who was elected Rapporteur?", "Erik Planken (Netherlands) took up ... [1]")]
    >>> read_turn("Which country is he from?", h).standalone
    'Which country is Erik Planken, who was elected Rapporteur, from?'
    >>> read_turn("Which country is he from?", []).unresolved
    'he'
    >>> read_turn("How many Member States attended?", h).standalone
    'How many Member States attended?'
    """
    q = question.strip()
    if not history:
        found = _dangling(q)
        if found is None or _names_anything(q):
            return Turn(q, q)
        return Turn(q, q, unresolved=found[0], person=found[1])
    if not is_follow_up(q, history):
        return Turn(q, q)
    prev_q, prev_a = history[-1]
    leading = _LEADING.match(q)
    body = q[leading.end():] if leading else q
    body, unresolved, is_person = _resolve(body, prev_q, prev_a)
    if unresolved:
        return Turn(q, q, follow_up=True, unresolved=unresolved, person=is_person)
    body = body.strip().rstrip("?.! ")
    standalone = _rewrite(body, prev_q, prev_a, bool(leading))
    return Turn(q, standalone or q, follow_up=True)


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


def condense(question: str, history: History) -> str:
    """Deterministic standalone question: a follow-up rewritten with what it leans on
    (``read_turn``); any other question stays as it is.

    >>> condense("and from which country?",
    ...          [("Who was elected Rapporteur?", "Erik Planken (Netherlands) took up ...")])
    'From which country is Erik Planken, who was elected Rapporteur?'
    >>> condense("How many Member States attended?", [("Who was elected Rapporteur?", "...")])
    'How many Member States attended?'
    """
    return read_turn(question, history).standalone
