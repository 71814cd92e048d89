"""Which body a mention names in one document: the words of a body's name (``NAME``,
``BODY_HEADS``), the part of a capitalised name that names a body (``body_name``), how a
question writes it (``short_name``), and :class:`Names`, which says which body a short
mention ("the Commission") stands for in a document and which body the document is about.
:mod:`paracite.text.statements` reads what the bodies did.

>>> Names(["The Commission on Narcotic Drugs met. The Commission adopted its agenda."]
...       ).written("the Commission")
'the Commission on Narcotic Drugs'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from paracite.text.phrases import ORDINAL

# -- the words of names ------------------------------------------------------------------
_CAP = r"[A-Z][\w’'-]*"
# What joins the words of a name: "Commission on the Status of Women", "Expert Group to
# Conduct a Comprehensive Study", "Economic and Social Council", "UNDP, UNFPA and UNOPS".
# A name's own list ("Committee on Economic, Social and Cultural Rights") is joined too,
# and a verb's object in it ("Conference to Support the Implementation of ..."); "to the"
# is not a link ("the report of the Commission to the General Assembly").
_LINK = (r"(?: (?:of|on|for)(?: the| a)?| against(?: the)?| to [A-Z][\w’'-]* the(?= [A-Z])|"
         r" to| a| and| de| del| la|(?:, [A-Z][\w’'-]*)+,? and)")
# A name may end in a number: "Sustainable Development Goal 14".
NAME = rf"{_CAP}(?:{_LINK}? {_CAP})*(?: \d{{1,2}}(?![\d/.,]\d))?"
_NAME_RX = re.compile(rf"(?<![\w’'-]){NAME}")
_ORD = rf"(?<![\w-])(?<!- )(?i:{ORDINAL.pattern})"  # not 'sixth' of 'fifty - sixth'
_ORD_RX = re.compile(_ORD)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# The last word of what a body is called: "Statistical Commission", "Executive Board".
BODY_HEADS = _words(
    "Commission Committee Council Assembly Group Board Forum Conference Panel Bureau "
    "Subcommittee Meeting Mechanism Platform Court Tribunal Team")
# Words a body's name never starts with: they name a document about it or a person in
# it ("Report of the Commission", "Chair of the Committee", "Members of the Group").
_NOT_BODY_LEAD = _words(
    "The Report Reports Draft Note Letter Rules Chair Vice-Chair Chairperson President "
    "Vice-President Rapporteur Members Member Secretariat Secretary Office Decision "
    "Resolution Statement Provisional Agenda Annex At In On By For Under Also During Upon "
    "After As")


def _squash(text: str) -> str:
    return " ".join(text.split())


# -- which body a mention stands for -----------------------------------------------------
def body_name(name: str) -> str:
    """The part of a capitalised name that names a body, '' when none does.

    >>> body_name("Report of the Commission on Narcotic Drugs")
    'Commission on Narcotic Drugs'
    >>> body_name("Chair of the Expert Group"), body_name("Secretary-General")
    ('Expert Group', '')
    >>> body_name("Special Political and Decolonization Committee")
    'Special Political and Decolonization Committee'
    """
    words = name.split()
    heads = [i for i, w in enumerate(words) if w.strip(",") in BODY_HEADS]
    if not heads:
        return ""
    first = heads[0]
    if "and" in words[first:heads[-1]]:
        return ""  # two bodies ("the Security Council and the General Assembly")
    start = 0
    for i in range(first):  # after the last 'of (the)' before the head: its owner's name
        if words[i] in ("of", "on", "for", "to") and i + 1 <= first:
            start = i + 1 + (words[i + 1] in ("the", "a"))
    while start < first and (words[start] in _NOT_BODY_LEAD or words[start] in ("the", "a")
                             or (words[start].endswith("ing") and start + 1 < first)):
        start += 1  # "Considering Economic and Social Council": a resolution's preamble
    if first + 1 < len(words) and words[first + 1][:1].isupper():
        words = words[:first + 1]  # a name runs into another ("General Assembly Security
        # Council", "Development Cooperation Forum Survey"): the body ends at its head
    end = len(words)
    while end > first + 1 and (_ORD_RX.fullmatch(words[end - 1])
                               or words[end - 1] in _NOT_NAME_END):
        end -= 1  # "... Indigenous Peoples Eighteenth [session]", "... Administration Report"
    return " ".join(words[start:end]).rstrip(",")


def head_of(name: str) -> str:
    """The word that says what kind of body a name names: the last body word before the
    first link ('Commission' of 'Commission on Narcotic Drugs', 'Committee' of 'Human
    Rights Council Advisory Committee').

    >>> head_of("Expert Group to Conduct a Comprehensive Study"), head_of("Statistical Commission")
    ('Group', 'Commission')
    """
    words = name.split()
    cut = next((i for i, w in enumerate(words) if i and w in _HEAD_LINKS), len(words))
    heads = [w for w in words[:cut] if w.strip(",") in BODY_HEADS]
    return heads[-1].strip(",") if heads else ""


# Longer names are written short in questions (``short_name``).
MAX_NAME_WORDS = 6


def short_name(name: str) -> str:
    """A body's name as a question writes it: whole up to ``MAX_NAME_WORDS`` words, else
    the words before its first link when they are more than one word ('Expert Mechanism'
    of 'Expert Mechanism on the Rights of Indigenous Peoples'), else whole.

    >>> short_name("Commission on Crime Prevention and Criminal Justice")
    'Commission on Crime Prevention and Criminal Justice'
    """
    words = name.split()
    if len(words) <= MAX_NAME_WORDS:
        return name
    cut = next((i for i, w in enumerate(words) if i and w in _HEAD_LINKS), len(words))
    return " ".join(words[:cut]).rstrip(",") if cut > 1 else name


_OWN_GATHERING = re.compile(r"\b(?:session|meeting|conference|summit|forum)s?\b", re.IGNORECASE)
_HEAD_LINKS = frozenset({"of", "on", "for", "against", "to", "a"})
# Words a body's name does not end with: a document's kind run into it ("... on Public
# Administration Report on the twenty-fourth session").
_NOT_NAME_END = frozenset({"Report", "Reports", "Resolution", "Decision", "Note", "Annex",
                           "Agenda", "Session", "Meeting", "Official", "Records"})


def _part_of(short: str, name: str) -> bool:
    """Whether ``short``'s words are words of ``name``, in a row ("Commission" of
    "Statistical Commission"; not "Commission" of "Commissioner")."""
    short, name = short.replace(",", ""), name.replace(",", "")
    return short == name or f" {short} " in f" {name} "


class Names:
    """The bodies one document names, counted, and the one it is about: named in its
    title, else on its cover, else the one it names most (a short mention counting for
    the longer names it is part of)."""

    def __init__(self, texts: Iterable[str], lead: str = "", title: str = "") -> None:
        """``texts``: the document's passages; ``lead``: its title and cover page;
        ``title``: its title alone (the strongest word on what it is about)."""
        self.counts: Counter[str] = Counter()
        for text in texts:
            self.counts.update(self._bodies(text))
        candidates = self._named_in(title) or self._named_in(lead)
        self.own = self._best(candidates or list(self.counts))
        # A document about a body's session or meeting (a report on it, its agenda):
        # "the session" and "the meeting" in it are that body's.
        self.of_gathering = bool(candidates) and bool(
            _OWN_GATHERING.search(f"{title}\n{lead}"))
        self._full: dict[str, str] = {}

    def _best(self, candidates: list[str]) -> str:
        """The candidate named most, a short mention counting for each longer name of the
        same kind it is part of ("the Commission" for "the Statistical Commission")."""
        by_head: dict[str, list[str]] = {}
        for b in self.counts:
            by_head.setdefault(head_of(b), []).append(b)
        named = {b: sum(self.counts[c] for c in by_head.get(head_of(b), ()) if _part_of(c, b))
                 for b in candidates}
        ranked = sorted(named, key=lambda b: (-named[b], -len(b), b))
        best = ranked[0] if ranked else ""
        # A name run into the next line's words ("... Sustainable Development Restoring
        # [hope]") is named less often than the name it starts with.
        shorter = [c for c in named if best.startswith(c + " ") and head_of(c) == head_of(best)
                   and best[len(c) + 1:].split()[0] not in _HEAD_LINKS | {"and", "the"}
                   and self.counts[c] > self.counts[best]]
        return max(shorter, key=len) if shorter else best

    def _named_in(self, lead: str) -> list[str]:
        """The document's bodies that a title or a cover names. A cover breaks a name
        over lines ("Committee of Experts on / Public Administration"): a body counts
        when the cover, its lines run together, says its name, or a line names part of
        it (a line's first part: "Committee" alone is part of every committee)."""
        cover = f" {_squash(lead)} "
        parts = {b for b in self._bodies(lead) if len(b.split()) > 1}
        found = [b for b in self.counts if f" {b} " in cover
                 or any(_part_of(c, b) and b.startswith(c) for c in parts)]
        return found + sorted(parts - set(found))

    @staticmethod
    def _bodies(text: str) -> Iterator[str]:
        """Body names, each within a line (a line break ends a name on a cover)."""
        for line in text.split("\n"):
            for m in _NAME_RX.finditer(_squash(line)):
                name = body_name(m.group(0))
                if name:
                    yield name

    def full(self, mention: str) -> str:
        """The fullest name the document gives the body a mention stands for: the
        document's own body when its name contains the mention, else the most named.

        >>> n = Names(["The Statistical Commission met.", "The Commission decided."])
        >>> n.full("the Commission"), n.full("Statistical Commission")
        ('the Statistical Commission', 'the Statistical Commission')
        """
        key = body_name(_squash(mention.removeprefix("the ").removeprefix("The "))) or mention
        if key not in self._full:
            head = head_of(key)
            longer = [b for b in self.counts if b != key and _part_of(key, b)
                      and head_of(b) == head]
            if self.own and _part_of(key, self.own) and head_of(self.own) == head:
                best = self.own
            elif longer:
                best = max(longer, key=lambda b: (self.counts[b], len(b)))
            else:
                best = key
            self._full[key] = best
        return "the " + self._full[key]

    def written(self, mention: str) -> str:
        """The body a mention stands for, as a question names it: its full name, or when
        that is long, the words before its first link ('the Expert Group' for the
        Expert Group to Conduct a Comprehensive Study on Cybercrime). A long name buries
        what a question asks under words every paragraph of the document has.

        >>> n = Names(["The Expert Group to Conduct a Comprehensive Study on Cybercrime met."])
        >>> n.written("the Expert Group"), Names(["The Commission on Narcotic Drugs met."]
        ...                                        ).written("the Commission")
        ('the Expert Group', 'the Commission on Narcotic Drugs')
        """
        return "the " + short_name(self.full(mention).removeprefix("the "))
