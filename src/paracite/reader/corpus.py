"""Which documents the reader may learn from: dev documents only.

The bundled records, the dev half of ``../shared/un-corpus`` (``benchmarks/corpus_split.json``,
sha256 of the file name) and the two dev documents of ``../shared/un-pdfs`` that the dev
question sets use (A/80/150, E/2025/44). The other un-pdfs and the corpus test half are
never read by the training scripts.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
SPLIT = ROOT / "benchmarks" / "corpus_split.json"
DEV_UN_PDFS = ("A_80_150.en.pdf", "E_2025_44.en.pdf")


def split_of(name: str) -> str | None:
    """'dev' or 'test' for a file of ../shared/un-corpus, None for any other name."""
    return json.loads(SPLIT.read_text())["files"].get(name)


def dev_sources(shared: Path = SHARED) -> list[Path]:
    """The dev documents that exist here: the records folder first, then the PDFs."""
    out = [ROOT / "ingest"]
    corpus = shared / "un-corpus"
    out += sorted(p for p in corpus.glob("*.pdf") if split_of(p.name) == "dev")
    out += [shared / "un-pdfs" / n for n in DEV_UN_PDFS if (shared / "un-pdfs" / n).exists()]
    return out


def test_documents(shared: Path = SHARED) -> list[Path]:
    """The corpus test half: never generated from, never trained on."""
    return sorted(p for p in (shared / "un-corpus").glob("*.pdf") if split_of(p.name) == "test")
