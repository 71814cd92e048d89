"""Where an ingest is: :class:`IngestProgress` events, and :class:`RunProgress`, which
turns each stage's (phase, done, total) into events with the run's file counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Phase = Literal["reading", "structuring", "embedding", "storing", "reembedding"]


@dataclass(frozen=True)
class IngestProgress:
    """Where an ingest is: one event of ``Assistant.ingest(progress=...)``.

    Each phase starts at ``done`` 0 and ends at ``done == total``:

    - ``reading`` ``file``: a PDF's pages, ``done`` of ``total`` pages read (the page
      count); a text or Markdown file is one step (0/1, then 1/1).
    - ``structuring`` ``file``: paragraphs, footnotes and sections recovered (0/1, 1/1).
    - ``embedding`` (``file`` is ""; the files read so far are embedded together):
      ``done`` passages of ``total`` have their vectors (a passage counts once it and its
      sentences are embedded). ``total`` grows when later files are read; the last event
      has ``done == total ==`` the report's ``embedded`` (new and changed passages; an
      updated file's unchanged passages are not embedded again).
    - ``storing`` ``file``: its passages written to the store (0/1, 1/1).
    - ``reembedding`` (only with ``reembed=True``, before the files; ``file`` is ""):
      ``done`` of ``total`` stored passages embedded again (ends at ``report.reembedded``).

    ``files_done`` of ``files_total``: the files found so far finished (stored, unchanged,
    duplicate or failed; both are 0 while re-embedding). An unchanged file is not read, so
    it has no events of its own; the last event of a run that sent any has ``files_done
    == files_total``.

    >>> e = IngestProgress("reading", "report.pdf", 3, 12, files_done=0, files_total=2)
    >>> f"{e.phase} {e.file}: page {e.done}/{e.total}"
    'reading report.pdf: page 3/12'
    """

    phase: Phase
    file: str
    done: int
    total: int
    files_done: int
    files_total: int


IngestProgressFn = Callable[[IngestProgress], None]
StepFn = Callable[[Phase, int, int], None]  # what a stage reports: phase, done, total


class RunProgress:
    """One run's progress: the stages' (phase, done, total) as IngestProgress events, with
    the file counts and the run's embedding totals."""

    def __init__(self, fn: IngestProgressFn | None) -> None:
        self.fn = fn
        self.files_done = self.files_total = 0
        self.embedded = 0  # passages embedded so far in this run
        self.last: IngestProgress | None = None

    def __call__(self, phase: Phase, file: str, done: int, total: int) -> None:
        if self.fn is not None:
            self.last = IngestProgress(phase, file, done, total, self.files_done,
                                       self.files_total)
            self.fn(self.last)

    def for_file(self, name: str) -> StepFn:
        return lambda phase, done, total: self(phase, name, done, total)

    def embedding(self, passages: int) -> Callable[[int, int], None]:
        """The callback for embedding ``passages`` more: reports the run's counts."""
        total = self.embedded + passages

        def report(done: int, _of: int) -> None:
            self("embedding", "", self.embedded + done, total)

        report(0, passages)
        return report

    def finish(self) -> None:
        """The last event again if files finished after it (unchanged, duplicate, failed
        files send none of their own), so a run ends at files_done == files_total."""
        if self.last is not None and self.last.files_done < self.files_total:
            self(self.last.phase, self.last.file, self.last.done, self.last.total)

