"""The 63 real UN PDFs of ../shared/un-corpus (skipped when that folder is absent).

The structure benchmark (``make structure``) measures paragraph recovery on them; these
tests hold what must be true of every one of them, whatever its layout. Each is parsed once
per session (tests/corpus.py).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.corpus import UN_CORPUS, parsed, pdfs, structure

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not UN_CORPUS.is_dir(), reason=f"{UN_CORPUS} not present "
                                 "(the UN corpus is not bundled with paracite)")]
PDFS = pdfs(UN_CORPUS)


@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_every_corpus_pdf_gives_passages_without_footers_or_doubled_footnotes(pdf: Path):
    doc, passages = structure(pdf)
    assert passages
    symbol = doc.symbol
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
    got = parsed(pdf).symbol or ""
    assert expected in (got, *re.split(r"\s*[-–]\s*(?=[A-Z]{1,8}(?:\.\d+)?/)", got))
