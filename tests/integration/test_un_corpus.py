"""The 63 real UN PDFs of ../shared/un-corpus (skipped when that folder is absent).

The structure benchmark (``make structure``) measures paragraph recovery on them; these
tests hold what must be true of every one of them, whatever its layout.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

import pytest

from paracite.documents import DocumentInfo, Passage
from paracite.parsing.pdf import parse_pdf
from paracite.parsing.un_structure import recover
from tests.conftest import SHARED

CORPUS = SHARED / "un-corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} not present (the "
                                "UN corpus is not bundled with paracite)")
PDFS = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []


@functools.cache
def _parsed(pdf: Path):
    return parse_pdf(pdf)


def _passages(pdf: Path) -> tuple[object, list[Passage]]:
    parsed = _parsed(pdf)
    info = DocumentInfo(id=pdf.stem, title=parsed.title or pdf.stem, symbol=parsed.symbol,
                        source=pdf.name)
    return parsed, recover(parsed.blocks, info)


@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_every_corpus_pdf_gives_passages_without_footers_or_doubled_footnotes(pdf: Path):
    parsed, passages = _passages(pdf)
    assert passages
    symbol = parsed.symbol  # type: ignore[attr-defined]
    for p in passages:
        if p.kind == "front_matter":
            continue
        for line in p.text.split("\n"):
            assert not re.fullmatch(r"\d{1,3}/\d{1,3}", line.strip()), (p.paragraph, line)
            assert not re.search(r"\*\d{7}\*", line), (p.paragraph, line)  # barcodes
            assert "Please recycle" not in line
            if symbol:
                assert line.strip() != symbol
    # every footnote printed once: attached to one passage, never twice
    notes = Counter((f.marker, f.text) for p in passages for f in p.footnotes)
    assert not [n for n, k in notes.items() if k > 1]
    # labels are unique within a document (a citation names one passage)
    labels = Counter(p.paragraph for p in passages)
    assert not [n for n, k in labels.items() if k > 1]


@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_symbol_on_the_cover_matches_the_file_name(pdf: Path):
    if not re.match(r"^[A-Z]", pdf.name) or pdf.name.startswith("UNDoc"):
        pytest.skip("file name is not a document symbol")
    expected = re.sub(r"\.en\.pdf$", "", pdf.name).replace("_", "/")
    got = _parsed(pdf).symbol or ""
    assert expected in (got, *re.split(r"\s*[-–]\s*(?=[A-Z]{1,8}(?:\.\d+)?/)", got))
