"""What the procedural sentences of a UN record state: who was elected to an office, when
and where a session or meeting was (or will be) held, who opened it, what a body adopted
or decided and when, who introduced a report, which Government provided or hosted
something, how many attended.

UN reports say these things in a few fixed ways ("At its 1st meeting, on 10 March 2025,
the Commission elected ..."; "The session was attended by representatives of 52 States").
A :class:`Statement` keeps the words the record itself uses for each part, so a question
can name them as the record does; :class:`~paracite.text.bodies.Names` (in
:mod:`paracite.text.bodies`) says which body a short mention ("the Commission") stands for
in one document, and which body the document is about. Word-level rules only:
:mod:`paracite.suggest` writes the questions.

>>> names = Names(["The Commission on Narcotic Drugs met. The Commission elected its Bureau."])
>>> [(s.kind, s.body, s.person) for s in read("At its 1st meeting, the Commission elected "
...  "Andranik Hovhannisyan (Armenia) as First Vice-Chair.", names)]
[('elected', 'the Commission on Narcotic Drugs', 'Andranik Hovhannisyan (Armenia)')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property

from paracite.text.bodies import (
    _CAP,
    _NOT_BODY_LEAD,
    _ORD,
    _ORD_RX,
    BODY_HEADS,
    NAME,
    Names,
    _part_of,
    _squash,
    _words,
    body_name,
    head_of,
    short_name,
)
from paracite.text.un_patterns import MONTHS

# -- the words of statements -------------------------------------------------------------
# Gatherings: what is held, opened and attended ("its sixty-eighth session").
_EVENT_HEAD = (r"(?:session|meeting|conference|summit|segment|consultations|dialogue|"
               r"workshop|seminar|retreat|hearing|sitting|forum|congress)s?")
# Words that point at a gathering named elsewhere ("the same meeting"): not a name.
_DEICTIC = _words("same next previous following last latter former such each every that "
                  "this those these other further")
_OWN = frozenset({"present", "current"})  # "the present session": the document's own
# Capitalised words a named gathering is called by ("the Summit of the Future").
_NAMED_EVENT_HEADS = _words("Session Meeting Conference Summit Forum Congress Ministerial "
                            "Dialogue Symposium Workshop Seminar Day Week")

_DATE = re.compile(
    rf"\b(?:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),? )?"
    rf"(?:\d{{1,2}}(?: (?:{MONTHS}))?(?:(?:\s*[–—-]\s*|,? (?:to|and) )\d{{1,2}}"
    rf"(?: (?:{MONTHS}))?)*(?: (?:{MONTHS}))(?: \d{{4}})?|(?:{MONTHS}) \d{{4}})\b")
_NOT_PLACE = frozenset((MONTHS + "|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                        "Chapter|Annex|Part|Section|Schedule|Table|Article|Rule").split("|"))
_PLACE_RX = re.compile(rf"\b(?:in|at) (?P<place>(?:the )?{NAME})")

# Offices a person is elected to or holds.
OFFICE = (r"(?:(?:First|Second|Third|Fourth|Fifth) )?(?:Vice-|Deputy |Co-)?(?:Chair|"
          r"Chairperson|Chairman|Chairwoman|President|Rapporteur|Secretary|Director|"
          r"Coordinator|Facilitator|Treasurer|Registrar)")
_TITLE = r"(?:Mr|Ms|Mrs|Dr|Prof|H\.E)\.?"
_PERSON_WORD = rf"(?:[A-Z]\.|{_CAP}|al|bin|de|del|da|van|von|der|le|la)"
# "Andranik Hovhannisyan (Armenia)", "Mr. Hovhannisyan", "Nahla Haidar El Addal".
PERSON = (rf"(?:{_TITLE} )?{_CAP}(?: {_PERSON_WORD}){{0,5}}"
          rf"(?: \([A-Z][A-Za-z ,'’()-]*?\))?")
# Who acts in a meeting: a person, or an office or delegation ("the representative of
# Mexico", "the Chair of the session", "the Permanent Representative of South Africa").
_ACTOR = (rf"(?:the|a) (?:[A-Z][\w-]* )*(?:{OFFICE}|[Rr]epresentative|[Cc]hief|[Dd]elegation|"
          rf"[Oo]bserver|Secretariat|Secretary-General|Executive Director|Director-General|"
          rf"[Mm]inister|[Aa]mbassador|[Ss]tatistician)(?: of (?:the )?{NAME})?"
          rf"(?:, {PERSON},)?|{PERSON}")
_ORGANISATION = frozenset(BODY_HEADS | {"Nations", "Office", "Organization", "Programme",
                                        "Government", "Secretariat", "Union", "States",
                                        "Fund", "Bank", "Agency", "Department", "Division"})
_NUMBER_WORDS = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                 "thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty")


# -- statements ------------------------------------------------------------------------
@dataclass(frozen=True)
class Statement:
    """A procedural fact a sentence states, each part in the record's words.

    ``kind``: elected, office (took up functions), held, will_hold, opened, adopted,
    decided, introduced, provided, attended. ``body`` and ``event`` are written out in
    full ("the Commission on Narcotic Drugs", "the sixty-eighth session of the Commission
    on Narcotic Drugs"); ``meeting`` is the meeting the sentence dates it to ("5th
    meeting"); ``verb`` the verb a question about it takes ("opened", "hosted")."""

    kind: str
    sentence: str
    body: str = ""
    event: str = ""
    person: str = ""
    office: str = ""
    thing: str = ""
    date: str = ""
    place: str = ""
    count: str = ""
    unit: str = ""
    verb: str = ""
    meeting: str = ""
    session: str = ""  # the one session ordinal the paragraph gives ('sixty-eighth')


_AT_MEETING = re.compile(rf"\b[Aa]t (?:its|the) (?P<meeting>{_ORD}(?: and {_ORD})? "
                         rf"(?:plenary )?meetings?)")
_AGENT = (rf"(?<!and )\b[Tt]he (?P<agent>{NAME})(?:, [^,]{{1,80}},)? "
          rf"(?:also |then |subsequently |further )?")
_ELECTED = re.compile(
    rf"{_AGENT}(?:re-?)?elected (?:by acclamation )?(?P<person>{PERSON}) (?:as|to serve as|to "
    rf"the office of) (?:its |the )?(?P<office>{OFFICE})\b")
_WAS_ELECTED = re.compile(
    rf"(?P<person>{PERSON}),? (?:\w+ )?was (?:re-?)?elected (?:by acclamation )?(?:as )?"
    rf"(?:the )?(?P<office>{OFFICE})\b(?: of (?P<agent>the {NAME}))?")
_ELECTED_OFFICERS = re.compile(
    rf"{_AGENT}elected (?:by acclamation )?(?:the following (?:members as )?(?:its )?officers|"
    rf"its (?:officers|Bureau))\b")
_TOOK_UP = re.compile(
    rf"(?P<person>{PERSON}),[^.;]{{0,120}}? (?:took up|assumed) (?:his|her|their) functions as "
    rf"(?:the )?(?:new )?(?P<office>{OFFICE})(?: of (?P<agent>the {NAME}))?")
# A word describing a gathering ("substantive", "second regular"), not a link word: "the
# report on the sixty-eighth session" is a report.
_MOD = r"(?:(?!(?:of|on|the|a|an|in|at|for|to|and|or|by|with|from|its|their)\b)[a-z][\w-]* )"
_EVENT = (rf"(?P<det>[Tt]he|[Ii]ts|[Tt]heir) (?P<pre>{_MOD}{{0,3}}?)(?P<ord>{_ORD} )?"
          rf"(?P<mods>{_MOD}{{0,2}}?)(?P<head>{_EVENT_HEAD})"
          rf"(?P<year>,? (?:(?:of|in|for) )?(?:19|20)\d\d)?"
          rf"(?! of (?>(?:the |its |their )?)[a-z])(?: of (?P<owner>(?:the |its )?{NAME}))?")
# A gathering by its name; not the name at the end of a longer phrase ("a meeting of the
# Expert Group").
_NAMED_EVENT = rf"(?<!of )(?<!by )(?P<det>[Tt]he) (?P<ord>{_ORD} )?(?P<named>{NAME})"


def _either(before: str, after: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A pattern with a gathering in it, once with a described one ('its sixty-eighth
    session') and once with a named one ('the Summit of the Future')."""
    return re.compile(before + _EVENT + after), re.compile(before + _NAMED_EVENT + after)


_WAS_HELD = _either("", r"(?:,[^,]{1,60},|,? which)? (?:was|were) (?P<verb>held|convened)\b")
_HELD_ITS = re.compile(rf"{_AGENT}(?:held|convened) {_EVENT}")
_WILL_HOLD = _either("", r",? (?:will|shall|is to|is scheduled to|are to|to) be "
                         r"(?P<verb>held|opened|convened)\b")
_OPENED_BY = _either("", rf"(?: was| were) opened(?:,[^,]{{1,60}},)? by (?P<who>{_ACTOR})")
_OPENED = re.compile(rf"(?P<who>{_ACTOR}) (?:formally )?opened {_EVENT}")
_ADOPTED = re.compile(
    rf"{_AGENT}adopted (?:by consensus |without a vote |unanimously |by acclamation )?"
    rf"(?P<thing>(?:its|the) (?:following )?(?:[\w’'-]+ ){{0,9}}?(?:agenda|report|programme of "
    rf"work|organization of work|rules of procedure|summary reports?|summaries|"
    rf"recommendations?|conclusions|declaration|outcome document)(?: (?:on|of) (?:its|the) "
    rf"(?:{_ORD} )?(?:[a-z-]+ )?(?:session|meeting)(?: of (?:19|20)\d\d)?)?)\b")
_DECIDED = re.compile(rf"{_AGENT}decided\b")
_INTRODUCED = re.compile(
    rf"(?P<who>{_ACTOR}),? introduced (?P<thing>(?:the |a )?(?:[\w’'-]+ ){{0,3}}?(?:draft )?"
    rf"(?:report|resolution|decision|proposal|note|study|amendments?|summary reports?)"
    rf"(?: (?:of|on|by|to|entitled|for) [^,;:(.“\"]{{3,120}}|(?: \w+)? [A-Z]{{1,8}}/[\w./]+)?)")
_GERUND_PAST = {"providing": "provided", "hosting": "hosted", "funding": "funded",
                "financing": "financed", "sponsoring": "sponsored", "organizing": "organized",
                "supporting": "supported", "making": "made", "contributing": "contributed",
                "offering": "offered", "convening": "convened"}
_BASE_FORM = {"hosted": "host", "organized": "organize", "sponsored": "sponsor",
              "funded": "fund", "financed": "finance"}
_THANKED = re.compile(
    r"\b(?:appreciation|gratitude|thanks)(?: was expressed)? to (?P<who>the Governments? of "
    rf"{NAME}(?:(?:,| and) {NAME})*) for (?P<verb>{'|'.join(_GERUND_PAST)}) "
    r"(?P<thing>[^.;]{3,160})")
_HOSTED_BY = _either("", rf",? (?P<tense>to be|(?:which )?(?:was|were|will be)) "
                         rf"(?P<verb>hosted|organized|sponsored|funded|financed) by "
                         rf"(?P<who>(?:the )?{NAME})")
_ATTENDED = re.compile(
    rf"{_EVENT} (?:was|were) attended by (?:the )?(?:representatives|delegations|experts|"
    rf"participants|members)? ?(?:of |from )?(?:the )?(?P<count>\d+|{_NUMBER_WORDS}) "
    rf"(?P<unit>[A-Za-z][\w-]*(?: (?!of\b|from\b|and\b|as\b|in\b|at\b|to\b)[A-Za-z][\w-]*){{0,2}})")


class _Reader:
    """One sentence read against its paragraph and its document's names."""

    def __init__(self, sentence: str, paragraph: str, names: Names) -> None:
        self.s = sentence
        self.paragraph = paragraph
        self.names = names

    @cached_property
    def meeting(self) -> str:
        m = _AT_MEETING.search(self.s)
        return m.group("meeting") if m else ""

    def body(self, agent: str | None) -> str:
        """The body a mention names, written out; '' when it names no body. A longer name
        of the same kind in the sentence itself is the one meant ("the Chair of the
        Intersecretariat Working Group on National Accounts introduced the report of the
        Working Group")."""
        key = body_name(agent or "")
        if not key:
            return ""
        near = self.near(key)
        return "the " + short_name(near) if near else self.names.written(key)

    def near(self, key: str) -> str:
        """The one longer name of the same kind the sentence gives a mention, or ''."""
        found = {b for b in self.bodies if b != key and _part_of(key, b)
                 and head_of(b) == head_of(key)}
        return found.pop() if len(found) == 1 else ""

    @cached_property
    def bodies(self) -> list[str]:
        return list(Names._bodies(self.s))

    def with_bodies_named(self, thing: str) -> str:
        """A thing's body mentions written out ('the report of the Working Group' → 'the
        report of the Intersecretariat Working Group on National Accounts')."""
        def full(m: re.Match[str]) -> str:
            near = self.near(body_name(m.group(1)))
            return "the " + short_name(near) if near else m.group(0)
        return re.sub(rf"\bthe ({NAME})", full, thing)

    def date_after(self, pos: int) -> str:
        m = _DATE.search(self.s, pos)
        return m.group(0) if m else ""

    def date_before(self, pos: int) -> str:
        """The date the sentence gives before its verb ('At its 7th meeting, on 13 April
        2017, the Expert Group adopted ...'): the act's, not a date in its object."""
        found = [m.group(0) for m in _DATE.finditer(self.s, 0, pos)]
        return found[-1] if found else ""

    def place_after(self, pos: int) -> str:
        for m in _PLACE_RX.finditer(self.s, pos):
            first = m.group("place").removeprefix("the ").split()[0]
            if first not in _NOT_PLACE and not _ORD_RX.match(first):
                return m.group("place")
        return ""

    def event(self, m: re.Match[str], owner: str = "") -> str:
        """The gathering a match names, written so a question can name it alone: its
        ordinal, kind and the body it belongs to ('the sixty-eighth session of the
        Commission on Narcotic Drugs'); '' when it cannot be named ('the same meeting').
        ``owner``: the body the sentence says holds it ('its' refers to)."""
        g = {k: v for k, v in m.groupdict().items() if v}
        if g.get("named"):
            return self.named_event(g)
        mods = f"{g.get('pre', '')}{g.get('ord', '')}{g.get('mods', '')}".split()
        if any(w in _DEICTIC for w in mods):
            return ""
        own = any(w in _OWN for w in mods)
        mods = [w for w in mods if w not in _OWN]
        head = g["head"]
        if g.get("owner"):
            body = self.body(g["owner"].removeprefix("its ").removeprefix("the "))
        elif owner or (self.names.of_gathering and (
                g["det"].lower() in ("its", "their") or own or head in ("session", "meeting"))):
            body = owner or self.own_body()
        else:
            body = ""
        if not body:
            return ""
        ordinal = ""
        if not any(_ORD_RX.fullmatch(w) for w in mods) and head in ("session", "meeting"):
            ordinal = self.paragraph_ordinal(head)
        year = (g.get("year") or "").lstrip(",")
        return _squash(" ".join(["the", ordinal, *mods, head + year, "of", body]))

    def named_event(self, g: dict[str, str]) -> str:
        """'the Summit of the Future', 'the fourth International Forum on Migration
        Statistics': a capitalised name with a gathering's word in it, whole; a body's
        name alone ('The Conference will be held ...') written out as the document
        names it."""
        named = g["named"]
        words = named.split()
        if words[0] in _NOT_BODY_LEAD or not any(w in _NAMED_EVENT_HEADS for w in words):
            return ""
        ordinal = g.get("ord") or ""
        if len(words) == 1 and body_name(named):  # "The Conference will be held ..."
            named = self.names.full(named).removeprefix("the ")
        return _squash(f"the {ordinal}{named}")

    def paragraph_ordinal(self, head: str) -> str:
        """The one ordinal the paragraph gives a session (or meeting) of its own, ''
        when it gives none or several ('its sixty-eighth session')."""
        found = {m.group(1).lower() for m in re.finditer(rf"({_ORD}) (?:[a-z-]+ )?{head}\b",
                                                          self.paragraph)}
        return found.pop() if len(found) == 1 else ""

    # -- one reader a kind ---------------------------------------------------------------
    def own_body(self) -> str:
        return self.names.written(self.names.own) if self.names.own else ""

    def elected(self) -> Iterator[Statement]:
        for m in _ELECTED.finditer(self.s):
            body = self.body(m.group("agent"))
            if body and _is_person(m.group("person")):
                yield Statement("elected", self.s, body=body, person=m.group("person"),
                                office=m.group("office"), meeting=self.meeting)
        for m in _WAS_ELECTED.finditer(self.s):
            body = self.body(m.group("agent")) or self.own_body()
            if body and _is_person(m.group("person")):
                yield Statement("elected", self.s, body=body, person=m.group("person"),
                                office=m.group("office"), meeting=self.meeting)
        for m in _ELECTED_OFFICERS.finditer(self.s):
            body = self.body(m.group("agent"))
            if body:
                yield Statement("elected", self.s, body=body, office="officers",
                                meeting=self.meeting, date=self.date_before(m.start("agent")))
        for m in _TOOK_UP.finditer(self.s):
            body = self.body(m.group("agent")) or self.own_body()
            if body and _is_person(m.group("person")):
                yield Statement("office", self.s, body=body, person=m.group("person"),
                                office=m.group("office"))

    def held(self) -> Iterator[Statement]:
        for rx in _WAS_HELD:
            for m in rx.finditer(self.s):
                event = self.event(m)
                if event:
                    yield Statement("held", self.s, event=event, date=self.date_after(m.end()),
                                    place=self.place_after(m.end()), verb=m.group("verb"))
        for m in _HELD_ITS.finditer(self.s):
            body = self.body(m.group("agent"))
            event = self.event(m, owner=body) if body else ""
            if event:
                yield Statement("held", self.s, body=body, event=event,
                                date=self.date_after(m.end()), place=self.place_after(m.end()),
                                verb="held")
        for rx in _WILL_HOLD:
            for m in rx.finditer(self.s):
                event = self.event(m)
                if event:
                    yield Statement("will_hold", self.s, event=event,
                                    date=self.date_after(m.end()),
                                    place=self.place_after(m.end()), verb=m.group("verb"))

    def opened(self) -> Iterator[Statement]:
        for rx in (*_OPENED_BY, _OPENED):
            for m in rx.finditer(self.s):
                event = self.event(m)
                if event and _is_actor(m.group("who")):
                    yield Statement("opened", self.s, event=event, person=m.group("who"))

    def acts(self) -> Iterator[Statement]:
        for m in _ADOPTED.finditer(self.s):
            body = self.body(m.group("agent"))
            if body:
                yield Statement("adopted", self.s, body=body,
                                thing=m.group("thing").replace("the following ", "the "),
                                date=self.date_before(m.start("agent")), meeting=self.meeting)
        for m in _DECIDED.finditer(self.s):
            body = self.body(m.group("agent"))
            if body:
                yield Statement("decided", self.s, body=body,
                                date=self.date_before(m.start("agent")), meeting=self.meeting)
        for m in _INTRODUCED.finditer(self.s):
            thing = self.with_bodies_named(_trim(m.group("thing")))
            if re.search(r"[A-Z]", thing[1:]) and _is_actor(m.group("who")):
                yield Statement("introduced", self.s, person=m.group("who"), thing=thing,
                                meeting=self.meeting)

    def support(self) -> Iterator[Statement]:
        for m in _THANKED.finditer(self.s):
            thing = _trim(re.sub(r"\b(?:its|their)\b", "the", m.group("thing")))
            yield Statement("provided", self.s, person=m.group("who"), thing=thing,
                            verb=_GERUND_PAST[m.group("verb")])
        for rx in _HOSTED_BY:
            for m in rx.finditer(self.s):
                event = self.event(m)
                if event:
                    verb = m.group("verb")
                    if m.group("tense") in ("to be", "will be"):
                        verb = "will " + _BASE_FORM[verb]
                    yield Statement("provided", self.s, person=m.group("who"), thing=event,
                                    verb=verb)

    def attended(self) -> Iterator[Statement]:
        for m in _ATTENDED.finditer(self.s):
            event = self.event(m)
            if event:
                yield Statement("attended", self.s, event=event, count=m.group("count"),
                                unit=m.group("unit"))


def _is_person(text: str) -> bool:
    """A person's name, not an organisation's or a place's."""
    bare = re.sub(r"\s*\(.*\)$", "", text)
    words = re.sub(rf"^{_TITLE} ", "", bare).split()
    return bool(words) and not any(w in _ORGANISATION for w in words) and (
        len(words) > 1 or bare != text or bool(re.match(_TITLE, text)))


def _is_actor(text: str) -> bool:
    return text[:4] in ("the ", "a ") or text.startswith("a ") or _is_person(text)


def _trim(thing: str) -> str:
    """A thing's words without a trailing clause or link word."""
    thing = re.split(r",| \(| which | that | as well as | in order | with a view ", thing)[0]
    words = thing.split()
    while words and words[-1].lower() in ("of", "on", "to", "for", "the", "and", "a", "by",
                                          "in", "at", "its", "their"):
        words.pop()
    return " ".join(words)


def read(sentence: str, names: Names, paragraph: str = "") -> list[Statement]:
    """The statements one sentence makes (its first line: a list it introduces is not
    read); ``paragraph`` is the text around it (where a session's ordinal may be given),
    ``names`` its document's bodies. Duplicates (one fact read by two rules) are kept
    once."""
    s = _squash(sentence.split("\n")[0])  # a list after the sentence is not read
    r = _Reader(s, _squash(paragraph or sentence), names)
    out: list[Statement] = []
    for verbs, reader in ((_ELECT_WORDS, r.elected), (_HOLD_WORDS, r.held),
                          (_OPEN_WORDS, r.opened), (_ACT_WORDS, r.acts),
                          (_SUPPORT_WORDS, r.support), (_ATTEND_WORDS, r.attended)):
        if verbs.search(s):  # most sentences state none of these: not matched further
            for st in reader():
                if st.body and not st.event:
                    st = replace(st, session=r.paragraph_ordinal("session"))
                if st not in out:
                    out.append(st)
    return out


# The words each reader's patterns need: a cheap test before the patterns run.
_ELECT_WORDS = re.compile(r"\belected\b|\bfunctions as\b")
_HOLD_WORDS = re.compile(r"\b(?:held|convened|opened)\b")
_OPEN_WORDS = re.compile(r"\bopened\b")
_ACT_WORDS = re.compile(r"\b(?:adopted|decided|introduced)\b")
_SUPPORT_WORDS = re.compile(r"\b(?:appreciation|gratitude|thanks|hosted|organized|sponsored|"
                            r"funded|financed) ")
_ATTEND_WORDS = re.compile(r"\battended by\b")


__all__ = ["BODY_HEADS", "NAME", "OFFICE", "PERSON", "Names", "Statement", "body_name", "read"]
