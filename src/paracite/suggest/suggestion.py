"""A suggested question (``Suggestion``), and a question in the making (``_Asked``: where
it comes from, what answers it, how it ranks) that the choosing turns into one."""

from __future__ import annotations

from dataclasses import dataclass

from paracite.documents import Passage


@dataclass(frozen=True)
class Suggestion:
    """A suggested question and where it comes from.

    ``sources``: the (document, paragraph label) pairs whose text the question was made
    from: an answer that cites one of them answers it. ``kind``: the statement it asks
    about ('elected', 'held', ...; see :mod:`paracite.text.statements`) or 'heading' for
    a question about a heading's topic. ``heading``/``section``/``topic``: the heading a
    topic question comes from; for a statement, the heading and section its paragraph
    sits under (no topic)."""

    question: str
    document: str
    heading: str = ""  # the heading as the record has it (one part of ``section``)
    section: str = ""  # the heading path of the paragraphs it asks about
    topic: str = ""  # the heading cleaned
    paragraph: str = ""  # the label of the paragraph it was made from (the first source)
    kind: str = "heading"
    sources: tuple[tuple[str, str], ...] = ()
    answer: str = ""  # what the statement says answers it ('Erik Planken (Netherlands)')


@dataclass
class _Asked:
    """A question made from statements: where they are, and what they answer."""

    question: str
    asks: str
    kind: str
    rank: tuple[int, int, int]
    sources: list[Passage]
    answers: set[str]

    whole: bool = False  # answered by the statement as a whole: no part to look for

    def suggestion(self) -> Suggestion:
        first = self.sources[0]
        answer = "" if self.whole else next(iter(self.answers))
        return Suggestion(self.question, first.document, first.section.split(" > ")[-1],
                          first.section, paragraph=first.paragraph, kind=self.kind,
                          sources=tuple(dict.fromkeys((p.document, p.paragraph)
                                                      for p in self.sources)),
                          answer=answer)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
