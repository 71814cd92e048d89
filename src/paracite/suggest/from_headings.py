"""The fallback when the statements run out: questions about headings.

Each document's headings that name a topic of their own (not only procedure: "Summary of
deliberations" is skipped) are asked about once, spread over its top-level sections, the
topics with the most paragraphs first; a topic two documents share is asked of the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from paracite.documents import Passage
from paracite.suggest.from_statements import names_of
from paracite.suggest.suggestion import Suggestion, _Asked
from paracite.suggest.topics import (
    _TOC,
    _WORD,
    GENERAL,
    Usage,
    clean_heading,
    document_kind,
    in_running_text,
    is_topic,
    question_for,
)
from paracite.text.bodies import BODY_HEADS
from paracite.text.stems import stem


def topic_key(topic: str) -> str:
    """What two headings share when they name the same topic: their words' stems.

    >>> topic_key("Ocean Action panels") == topic_key("Ocean action panel")
    True
    """
    return " ".join(stem(w) for w in _WORD.findall(topic.lower()))


# Words of a meeting's procedure and of a document's parts: a heading made only of them
# ("Summary of deliberations", "Adoption of the agenda", "Action taken by the Commission")
# is a topic every record has; a question about it is a vague one. The statements those
# sections make are asked about instead (above).
_PROCEDURAL_WORDS = (
    "adoption agenda organization organizational work election officers opening closing "
    "closure session meeting meetings attendance documentation statement statements general "
    "debate deliberations discussion dialogue exchange summary recommendations conclusions "
    "findings report reports matters other action actions taken consideration introduction "
    "credentials participation procedural procedure proceedings item items provisional "
    "annotations observations proposals messages priorities lessons main key progress "
    "update status decisions decision resolutions resolution draft adopted considered "
    "programme future duration dates venue and of the on by to for in at its with a an "
    "administrative financial questions subsidiary body bodies")
PROCEDURAL = frozenset(stem(w) for w in _PROCEDURAL_WORDS.split()) | {
    stem(h.lower()) for h in BODY_HEADS}


def specific(topic: str) -> bool:
    """Whether a heading names a subject of its own, not only procedure.

    >>> specific("Summary of deliberations"), specific("Migrants, refugees and asylum seekers")
    (False, True)
    """
    return any(stem(w.lower()) not in PROCEDURAL for w in _WORD.findall(topic))


@dataclass
class _Candidate:
    heading: str
    section: str
    topic: str
    key: str
    paragraphs: list[str] = field(default_factory=list)


def _candidates(passages: Sequence[Passage]) -> list[_Candidate]:
    """One document's topics, each once, in the order to suggest them.

    A paragraph belongs to the deepest heading of its section that names a topic. The
    order is spread over the document's top-level sections (the best topic of each, then
    the second best of each, ...), and within a section the topics with the most
    paragraphs come first: they have the most to answer with. Ties keep reading order."""
    found: dict[str, _Candidate] = {}
    group_of: dict[str, str] = {}
    title = passages[0].title if passages else ""
    kind = document_kind(title).split()[1:]  # "provisional agenda" heads the agenda
    for p in passages:
        if p.kind != "paragraph" or not p.section:
            continue
        parts = [s.strip() for s in p.section.split(" > ")]
        if any(_TOC.search(part) for part in parts) or clean_heading(parts[0]).lower() in (
                "contents", "table of contents"):  # the contents, read as headings
            continue
        for depth in range(len(parts) - 1, -1, -1):
            topic = clean_heading(parts[depth])
            key = topic_key(topic)
            low = topic.lower().split()
            if not is_topic(topic, title) or (kind and kind[-len(low):] == low):
                continue
            if key not in found:
                found[key] = _Candidate(parts[depth], " > ".join(parts[:depth + 1]), topic, key)
                group_of[key] = parts[0]
            found[key].paragraphs.append(p.paragraph)
            break
    groups: dict[str, list[_Candidate]] = {}
    for c in found.values():  # reading order
        groups.setdefault(group_of[c.key], []).append(c)
    ranked = sorted((sorted(g, key=lambda c: -len(c.paragraphs)) for g in groups.values()),
                    key=lambda g: -len(g[0].paragraphs))
    out: list[_Candidate] = []
    for rank in range(max((len(g) for g in ranked), default=0)):
        out += [g[rank] for g in ranked if rank < len(g)]
    return out


def _heading_questions(by_doc: dict[str, list[Passage]]) -> dict[str, list[_Asked]]:
    """Each document's questions about its headings' topics (only specific ones), in the
    order ``_candidates`` gives; a topic two documents share is asked of the first."""
    out: dict[str, list[_Asked]] = {}
    used: set[str] = set()
    for doc_id in sorted(by_doc):
        ps = by_doc[doc_id]
        usage: Usage | None = None
        speaker = ""
        for rank, c in enumerate(_candidates(ps)):
            if c.key in used or not specific(c.topic):
                continue
            used.add(c.key)
            if usage is None:
                usage = Usage.of(p.text for p in ps)
                speaker = _speaker(ps)
            question = question_for(in_running_text(c.topic, usage))
            if speaker and question.startswith(_SAID_ABOUT):
                question = f"What did {speaker} say about {question[len(_SAID_ABOUT):]}"
            out.setdefault(doc_id, []).append(_HeadingAsked(
                question, "what", "heading", (1, 0, rank), [], set(), True, c, doc_id))
    return out


_SAID_ABOUT = GENERAL.split("{")[0]  # "What was said about "


def _speaker(passages: Sequence[Passage]) -> str:
    """The body a report of its own session speaks for ('the Permanent Forum on Indigenous
    Issues'), which a question about one of its headings names; '' for other documents (a
    Secretary-General's report names the Assembly it goes to, not who speaks in it)."""
    names = names_of(passages)
    return names.written(names.own) if names.own and names.of_gathering else ""


@dataclass
class _HeadingAsked(_Asked):
    """A question about a heading's topic: any paragraph under the heading answers it."""

    candidate: _Candidate | None = None
    document: str = ""

    def suggestion(self) -> Suggestion:
        c = self.candidate
        assert c is not None
        return Suggestion(self.question, self.document, c.heading, c.section, c.topic,
                          paragraph=c.paragraphs[0], kind="heading",
                          sources=tuple((self.document, label) for label in c.paragraphs))
