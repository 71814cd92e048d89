"""Choosing the suggestions: turns between documents and, within one, between kinds of
question (who, when, where, how many, what); each checked before it is kept (``accepted``:
the answer says what its statement says), within a budget of tries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from paracite.documents import Answer
from paracite.suggest.suggestion import Suggestion, _Asked
from paracite.text.tokens import words

# How many questions may be tried for each one asked for, when a check turns them down:
# it bounds the time checks cost (an answer each) on records that answer badly.
TRIES_PER_QUESTION = 3

Check = Callable[["Suggestion"], "bool | Answer"]


def accepted(s: Suggestion, result: bool | Answer) -> bool:
    """Whether a check's result keeps a suggestion: True, or an answer that is found, not
    hedged, and says what the statement the question was made from says answers it (a
    name, a date, a place, a number), from that paragraph or another (the executive
    summary repeats the session's dates); for a question whose answer is a whole
    statement ('What did the Committee decide ...?'), one that cites a paragraph the
    question was made from. Any other answer answers some other question.

    >>> from paracite.documents import Answer, Citation
    >>> s = Suggestion("Who?", "r", sources=(("r", "22"),), answer="erik planken (netherlands)")
    >>> cite = Citation(marker=1, document="r", title="T", paragraph="3", text="x")
    >>> accepted(s, Answer(question="Who?", text="Erik Planken took up. [1]", found=True,
    ...                    citations=[cite]))
    False
    """
    if isinstance(result, bool):
        return result
    if not result.found or result.uncertain:
        return False
    needed = [w for w in words(s.answer) if w not in _TITLES]
    if needed:  # a paragraph states several things: the answer must say this one
        said = set(words(result.text))
        return all(w in said for w in needed)
    return not s.sources or any((c.document, c.paragraph) in s.sources
                                for c in result.citations)


_TITLES = frozenset({"mr", "ms", "mrs", "dr", "prof", "h.e"})


class _Chooser:
    """Takes questions in turns between documents, each turn the best question of a kind
    (who, when, ...) asked least so far; checks each, within a budget."""

    def __init__(self, n: int, check: Check | None) -> None:
        self.n, self.check = n, check
        self.tries = TRIES_PER_QUESTION * n
        self.out: list[Suggestion] = []
        self.asked: Counter[str] = Counter()
        self.seen: set[str] = set()
        self.used: set[tuple[str, str]] = set()

    def take(self, queues: dict[str, list[_Asked]]) -> None:
        queues = {d: list(q) for d, q in sorted(queues.items()) if q}
        while len(self.out) < self.n and self.tries > 0 and any(queues.values()):
            for doc_id in list(queues):
                queue = queues[doc_id]
                while queue and len(self.out) < self.n and self.tries > 0:
                    a = min(queue, key=self._order)  # queue: best first; min keeps the first
                    queue.remove(a)
                    if self._keep(a):
                        break

    def _order(self, a: _Asked) -> tuple[int, bool]:
        """The kind of question asked least so far, then one about a paragraph not yet
        asked about (not 'where' after 'when' of the same sentence)."""
        return self.asked[a.asks], bool(self.used & set(a.suggestion().sources))

    def _keep(self, a: _Asked) -> bool:
        if a.question in self.seen:
            return False
        self.seen.add(a.question)
        s = a.suggestion()
        if self.check is not None:
            self.tries -= 1
            if not accepted(s, self.check(s)):
                return False
        self.out.append(s)
        self.asked[a.asks] += 1
        self.used.update(s.sources)
        return True
