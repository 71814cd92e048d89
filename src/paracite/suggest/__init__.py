"""Suggested questions, made from what the loaded documents state.

A delegate asks who was elected Chair, when and where a session was held, which Government
paid for the meeting, what the body decided at its 5th meeting. The procedural sentences of
UN records state exactly these things in a few fixed ways; ``text.statements`` reads them
(an election, a session held or to be held, an opening, an adoption, a decision, a report
introduced, support provided, attendance), and each is asked about in the ways a table
below lists (``ASKS``), naming the body and the session or meeting as the document names
them ("the sixty-eighth session of the Commission on Narcotic Drugs"). A question is only
made when the paragraph states the part that answers it (no date, no "when") and every
number and ordinal it names (the answerer requires them of the paragraph it cites); a
question two paragraphs make with different answers is ambiguous and not made.

Suggestions take turns between documents and, within one, between kinds of question (who,
when, where, how many, what). Each is checked before it is offered (``Assistant.
suggestions`` asks it): kept when the answer says what its statement says (``accepted``).
When the statements run out, questions about headings follow, as before this module read
statements: a heading is cleaned (numbering stripped, case restored), those that name no
topic or only procedure ("Summary of deliberations") are skipped, and the rest are asked
about by the first template whose words fit them.

>>> from paracite.documents import Passage
>>> texts = ["The Expert Group to Conduct a Study on Cybercrime met in Vienna.",
...          "The third meeting of the Expert Group will be opened on Monday, 10 April 2017.",
...          "The meeting was attended by representatives of 87 Member States."]
>>> ps = [Passage(document="r", title="Report on the meeting of the Expert Group to Conduct"
...               " a Study on Cybercrime", paragraph=str(i + 1), start=0, end=1, order=i,
...               text=t) for i, t in enumerate(texts)]
>>> for s in suggest(ps, 2):
...     print(s.question)
When will the third meeting of the Expert Group be opened?
How many Member States attended the meeting of the Expert Group?
"""

from __future__ import annotations

from collections.abc import Iterable

from paracite.documents import Passage
from paracite.suggest.choose import TRIES_PER_QUESTION, Check, _Chooser, accepted
from paracite.suggest.from_headings import PROCEDURAL, _heading_questions, specific, topic_key
from paracite.suggest.from_statements import (
    ASKS,
    KIND_ORDER,
    Ask,
    names_of,
    questions_of,
    statement_questions,
)
from paracite.suggest.suggestion import Suggestion
from paracite.suggest.topics import (
    DOCUMENT_KINDS,
    GENERAL,
    MAX_TOPIC_WORDS,
    NAME_RATIO,
    NON_TOPICS,
    NOT_TOPIC_FORMS,
    TEMPLATES,
    THE_SHARE,
    Template,
    Usage,
    clean_heading,
    document_kind,
    in_running_text,
    is_topic,
    question_for,
)


def suggest(passages: Iterable[Passage], n: int = 4, check: Check | None = None
            ) -> list[Suggestion]:
    """Up to ``n`` questions about what these passages' documents state: who was elected,
    when and where a session was held, what a body adopted or decided (see
    ``statement_questions``), taking turns between documents (in id order) and, within
    them, between kinds of question (who, when, where, how many, what). When the
    statements run out, questions about headings' topics follow (``_candidates``),
    procedural headings left out. No question twice.

    ``check``: asked of each suggestion before it is kept; it returns a bool, or the
    answer to the question, which must cite a paragraph the question came from (see
    ``accepted``). At most ``TRIES_PER_QUESTION × n`` are checked. Deterministic: the
    same passages give the same questions."""
    if n <= 0:
        return []
    by_doc: dict[str, list[Passage]] = {}
    for p in passages:
        by_doc.setdefault(p.document, []).append(p)
    for doc_id in by_doc:
        by_doc[doc_id].sort(key=lambda p: p.order)
    chooser = _Chooser(n, check)
    chooser.take(statement_questions(by_doc))
    if len(chooser.out) < n:
        chooser.take(_heading_questions(by_doc))
    return chooser.out


__all__ = [
    "ASKS", "DOCUMENT_KINDS", "GENERAL", "KIND_ORDER", "MAX_TOPIC_WORDS", "NAME_RATIO",
    "NON_TOPICS", "NOT_TOPIC_FORMS", "PROCEDURAL", "TEMPLATES", "THE_SHARE",
    "TRIES_PER_QUESTION", "Ask", "Check", "Suggestion", "Template", "Usage", "accepted",
    "clean_heading", "document_kind", "in_running_text", "is_topic", "names_of",
    "question_for", "questions_of", "specific", "statement_questions", "suggest",
    "topic_key",
]
