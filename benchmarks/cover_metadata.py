"""Cover metadata benchmark: how many real UN PDFs get an issuing body and a date.

Every PDF of ../shared/un-corpus (split into dev and test by benchmarks/corpus_split.json)
and ../shared/un-pdfs is parsed as ingest parses it (``paracite.ingest.parse_file``, the
rules of ``paracite.parsing.cover``). Per group: documents, how many get a body, a date,
both (with a 95 % Wilson interval), and how many agree with the body and date written by
hand in benchmarks/cover_labels.json (before the rules were tuned; dev documents only, and
E/2025/28 of un-pdfs). The rules were tuned on dev and un-pdfs; test is what they were not
looked at with.

Writes evals/results/cover-metadata.md, with every document's symbol, body and date so a
reader can check them. Not part of ``make test``: run ``make cover-metadata``.
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "un-corpus"
UN_PDFS = SHARED / "un-pdfs"
SPLIT = ROOT / "benchmarks" / "corpus_split.json"
LABELS = ROOT / "benchmarks" / "cover_labels.json"
OUT_MD = ROOT / "evals" / "results" / "cover-metadata.md"
GROUPS = ("dev", "test", "un-pdfs")
_Z = 1.96  # 95 % interval


@dataclass
class Row:
    group: str
    key: str  # "un-corpus/E_2025_24.en.pdf"
    symbol: str | None
    body: str | None
    date: str | None
    title: str | None
    error: str | None = None


def wilson(k: int, n: int) -> tuple[float, float]:
    """95 % Wilson score interval of the share k/n."""
    if not n:
        return 0.0, 0.0
    p = k / n
    centre = (p + _Z**2 / (2 * n)) / (1 + _Z**2 / n)
    half = _Z * math.sqrt(p * (1 - p) / n + _Z**2 / (4 * n * n)) / (1 + _Z**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def documents() -> list[tuple[str, Path]]:
    """(group, path) of every PDF, un-corpus by its split, then un-pdfs."""
    split = json.loads(SPLIT.read_text(encoding="utf-8"))["files"]
    out = [(split.get(p.name, "test"), p) for p in sorted(CORPUS.glob("*.pdf"))]
    return out + [("un-pdfs", p) for p in sorted(UN_PDFS.glob("*.pdf"))]


def read(group: str, path: Path) -> Row:
    from paracite.errors import ParaciteError
    from paracite.ingest import parse_file

    key = f"{path.parent.name}/{path.name}"
    try:
        p = parse_file(path)
    except ParaciteError as exc:
        return Row(group, key, None, None, None, None, error=str(exc))
    return Row(group, key, p.symbol, p.body, p.date, p.title)


def summary(rows: list[Row], labels: dict[str, dict[str, str | None]]) -> list[str]:
    out = ["| group | documents | with body | with date | with both | both, 95 % interval "
           "| hand labels | body agrees | date agrees |",
           "|---|---|---|---|---|---|---|---|---|"]
    for group in GROUPS:
        rs = [r for r in rows if r.group == group]
        n = len(rs)
        body = sum(bool(r.body) for r in rs)
        date = sum(bool(r.date) for r in rs)
        both = sum(bool(r.body and r.date) for r in rs)
        lo, hi = wilson(both, n)
        labelled = [r for r in rs if r.key in labels]
        body_ok = sum(labels[r.key]["body"] == r.body for r in labelled)
        date_ok = sum(labels[r.key]["date"] == r.date for r in labelled)
        out.append(f"| {group} | {n} | {body} | {date} | {both} ({both / max(n, 1):.0%}) | "
                   f"{lo:.2f}–{hi:.2f} | {len(labelled)} | {body_ok} | {date_ok} |")
    return out


def _cell(text: str | None) -> str:
    return "—" if not text else text.replace("|", "\\|")


def markdown(rows: list[Row], labels: dict[str, dict[str, str | None]], seconds: float) -> str:
    lines = ["# Cover metadata: issuing body and date",
             "",
             "Every PDF of ../shared/un-corpus (dev and test by benchmarks/corpus_split.json) "
             "and ../shared/un-pdfs, parsed as ingest parses it (rules: "
             "`src/paracite/parsing/cover.py`). The rules were tuned on dev and un-pdfs; "
             "test was measured after. Hand labels: benchmarks/cover_labels.json, written "
             "from the printed covers before tuning. Made by `make cover-metadata` "
             f"({seconds:.0f} s).",
             "",
             *summary(rows, labels),
             ""]
    misses = [(r, labels[r.key]) for r in rows if r.key in labels
              and (labels[r.key]["body"] != r.body or labels[r.key]["date"] != r.date)]
    if misses:
        lines += ["Where the rules and the hand labels differ:", ""]
        lines += [f"- {r.key}: body {_cell(r.body)!r} (label {_cell(lab['body'])!r}), "
                  f"date {_cell(r.date)!r} (label {_cell(lab['date'])!r})" for r, lab in misses]
        lines.append("")
    for group in GROUPS:
        lines += [f"## {group}", "", "| file | symbol | body | date |", "|---|---|---|---|"]
        for r in (r for r in rows if r.group == group):
            name = r.key.split("/", 1)[1]
            if r.error:
                lines.append(f"| {name} | (not parsed: {_cell(r.error)}) | | |")
                continue
            lines.append(f"| {name} | {_cell(r.symbol)} | {_cell(r.body)} | {_cell(r.date)} |")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    if not CORPUS.is_dir():
        print(f"{CORPUS} not present: nothing to measure")
        return 1
    labels = json.loads(LABELS.read_text(encoding="utf-8"))["documents"]
    started = time.perf_counter()
    rows = []
    for group, path in documents():
        row = read(group, path)
        rows.append(row)
        print(f"{group:8} {path.name:34} {row.body or '-'} | {row.date or '-'}", flush=True)
    seconds = time.perf_counter() - started
    OUT_MD.parent.mkdir(parents=True, exist_ok=True)
    OUT_MD.write_text(markdown(rows, labels, seconds) + "\n", encoding="utf-8")
    print("\n".join(summary(rows, labels)))
    print(f"wrote {OUT_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
