"""Eval records: a question set's rows in (``EvalRow``, from JSONL), one measured row out
(``RowResult``, as results.json holds it)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class EvalRow:
    id: str
    kind: str
    question: str
    facts: list[list[str]]
    citations: list[tuple[str, str]]
    answerable: bool
    history: list[tuple[str, str]] = field(default_factory=list)
    corpus: str = "ingest"


def load_dataset(path: Path) -> list[EvalRow]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        rows.append(EvalRow(
            id=d["id"], kind=d["kind"], question=d["question"], facts=d.get("facts", []),
            citations=[(c["document"], c["paragraph"]) for c in d.get("citations", [])],
            answerable=bool(d.get("answerable", True)),
            history=[(h[0], h[1]) for h in d.get("history", [])],
            corpus=d.get("corpus", "ingest")))
        if rows[-1].answerable and not rows[-1].citations:
            raise ValueError(f"{path}:{n}: answerable row {d['id']} has no gold citation")
    return rows


@dataclass
class RowResult:
    id: str
    kind: str
    question: str
    answerable: bool
    answer: str
    found: bool
    cited: list[tuple[str, str]]
    gold: list[tuple[str, str]]
    facts: list[list[str]]
    fact_ok: bool | None
    citation_recall: bool | None
    citation_precision: float | None
    fabricated: int
    refusal_ok: bool | None
    false_refusal: bool | None
    retrieval: dict[str, dict[str, float]]
    seconds: float
    confidence: float = 0.0  # the answerer's no-answer score for its best candidate
    standalone: str = ""  # the question as the chain understood it
    in_view: bool | None = None  # answerable: some statement shown (an answer, or one the
    # refusal quotes) states the facts and a gold paragraph is among those shown
    uncertain: bool = False  # only the closest statement, marked so
    flagged: list[str] = field(default_factory=list)  # sentences verification dropped (LLM)
    llm: str = ""  # who answered (an LLM answerer's extractive stand-in says "extractive")

    @property
    def right(self) -> bool | None:
        """On an answerable question: the fact stated and a gold paragraph cited."""
        return bool(self.fact_ok and self.citation_recall) if self.answerable else None

    @property
    def correct(self) -> bool:
        if not self.answerable:
            return bool(self.refusal_ok)
        return bool(self.right)

