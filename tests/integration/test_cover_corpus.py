"""Issuing body and date read from the covers of the real UN PDFs of ../shared (skipped
when absent; each PDF is parsed once per session, tests/corpus.py).

``make cover-metadata`` measures the same on every document and writes
evals/results/cover-metadata.md: 31 of the 32 test documents got both (the rules were
tuned on the dev documents and un-pdfs); the bound below leaves room for a few.
"""

from __future__ import annotations

import pytest

from tests.corpus import UN_CORPUS, UN_PDFS, parsed, pdfs

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not UN_CORPUS.is_dir(), reason=f"{UN_CORPUS} not present "
                                 "(the UN corpus is not bundled with paracite)")]
BOTH_SHARE = 0.9  # measured on the test documents: 31/32 (0.97); the whole corpus: 60/63


def test_most_corpus_documents_get_an_issuing_body_and_a_date_from_their_cover():
    docs = pdfs(UN_CORPUS)
    missing = [p.name for p in docs if not (parsed(p).body and parsed(p).date)]
    share = 1 - len(missing) / len(docs)
    assert share >= BOTH_SHARE, f"{share:.2f} of {len(docs)} have both; missing: {missing}"


@pytest.mark.skipif(not (UN_PDFS / "E_2025_28.en.pdf").is_file(),
                    reason="../shared/un-pdfs/E_2025_28.en.pdf not present")
def test_ecosoc_supplement_e_2025_28_names_the_commission_and_its_session_dates():
    # an Official Records cover: no issue date; the Commission's name in the largest type,
    # the Council whose records they are at the foot
    doc = parsed(UN_PDFS / "E_2025_28.en.pdf")
    assert doc.symbol == "E/2025/28"
    assert doc.body == "Commission on Narcotic Drugs"
    assert doc.date == "6 December 2024 and 10–14 March 2025"
