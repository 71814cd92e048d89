"""What an ingest run reports: one :class:`FileResult` a file, gathered in an
:class:`IngestReport` with the run's notes and a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Status = Literal["added", "updated", "unchanged", "duplicate", "removed", "failed"]


@dataclass
class FileResult:
    """What happened to one file (or to a document whose file disappeared)."""

    source: str
    document: str
    status: Status
    passages: int = 0
    embedded: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    """Outcome of one ingest run, file by file."""

    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # things the user should know
    reembedded: int = 0  # stored passages embedded again with a new embedder (--reembed)

    def _with(self, status: Status) -> list[FileResult]:
        return [f for f in self.files if f.status == status]

    @property
    def added(self) -> list[FileResult]:
        return self._with("added")

    @property
    def updated(self) -> list[FileResult]:
        return self._with("updated")

    @property
    def unchanged(self) -> list[FileResult]:
        return self._with("unchanged")

    @property
    def duplicate(self) -> list[FileResult]:
        return self._with("duplicate")

    @property
    def removed(self) -> list[FileResult]:
        return self._with("removed")

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def embedded(self) -> int:
        return sum(f.embedded for f in self.files)

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        parts = [f"{len(getattr(self, s))} {s}" for s in
                 ("added", "updated", "unchanged", "duplicate", "removed", "failed")
                 if s != "duplicate" or self.duplicate]
        again = f" (and {self.reembedded} stored passages re-embedded)" \
            if self.reembedded else ""
        return (f"{', '.join(parts)}; {self.embedded} passages embedded{again} "
                f"in {self.seconds:.1f} s")
