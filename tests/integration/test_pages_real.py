"""Cited paragraphs on the pages of real UN PDFs (../shared/un-pdfs, ../shared/un-corpus):
from the session's store of the UN PDFs (ingested once with the real embedder, conftest's
``un_pdfs_template``; this module reads a copy), then located and drawn.

Skipped when those folders are absent (the PDFs are not bundled with paracite).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from paracite.documents import Passage
from paracite.pages import locate, page_image
from tests.corpus import UN_CORPUS, UN_PDFS, as_ingested

pytestmark = [pytest.mark.integration, pytest.mark.corpus,
              pytest.mark.skipif(not UN_PDFS.is_dir(), reason=f"{UN_PDFS} not present (real "
                                 "UN PDFs are not bundled with paracite)")]
CORPUS = UN_CORPUS
# three kinds: an annotated agenda, a draft report, a compilation dense with footnotes
PDFS = ["A_HRC_EMRIP_2025_1.en.pdf", "A_AC.121_2025_L.3.en.pdf", "huridocs_ohchr_1_en.pdf"]
# other producers and years, parsed only (no store): a 1997 report, a Security Council one
CORPUS_PDFS = ["A_52_613.en.pdf", "S_2025_223.en.pdf"]
RATE = 0.9


@pytest.fixture(scope="module")
def store(un_pdfs_template, tmp_path_factory, embedder):
    import paracite

    template, report = un_pdfs_template
    assert report.ok, [f.reason for f in report.failed]
    home = tmp_path_factory.mktemp("pages") / "home"  # page images are drawn under it
    shutil.copytree(template, home)
    a = paracite.Assistant(home=home, embedder=embedder)
    docs = {Path(d.source).name: d for d, _ in a.documents()}
    yield a, {name: (docs[name], a.passages(docs[name].id)) for name in PDFS}
    a.close()


def paragraphs(passages: list[Passage]) -> list[Passage]:
    return [p for p in passages if p.kind == "paragraph" and p.pages]


def located_share(pdf: Path, passages: list[Passage], which: int = 0) -> float:
    found = [bool(locate(pdf, p.pages[which], p.text, p.pages, p.kind)) for p in passages]
    return sum(found) / len(found)


@pytest.mark.parametrize("name", PDFS)
def test_paragraphs_are_located_on_their_first_page(store, name):
    info, passages = store[1][name]
    assert located_share(Path(info.source), paragraphs(passages)) >= RATE


def test_paragraphs_across_a_page_break_are_located_on_the_page_they_end_on(store):
    pairs = [(Path(info.source), p) for info, passages in store[1].values()
             for p in paragraphs(passages) if len(p.pages) > 1]
    assert len(pairs) >= 3
    found = [bool(locate(pdf, p.pages[-1], p.text, p.pages)) for pdf, p in pairs]
    assert sum(found) >= RATE * len(found)


@pytest.mark.parametrize("name", PDFS)
def test_a_numbered_paragraph_is_never_marked_on_a_page_it_is_not_on(store, name):
    info, passages = store[1][name]
    pdf, last = Path(info.source), info.pages or 1
    for p in paragraphs(passages):
        if not re.fullmatch(r"\d+", p.paragraph) or len(p.text) < 200:
            continue
        for other in (p.pages[0] - 2, p.pages[-1] + 2):
            if 1 <= other <= last:
                assert locate(pdf, other, p.text, p.pages) == [], (p.paragraph, other)


def test_page_images_of_stored_passages_are_drawn_once_under_home_pages(store):
    a, docs = store
    info, passages = docs["huridocs_ohchr_1_en.pdf"]
    assert info.bytes_hash  # the store keeps the file's hash: the cache is named by it
    cache = a.settings.home / "pages"
    for p in paragraphs(passages)[10:14]:
        got = page_image(p, info, cache)
        assert got is not None and got.highlighted and got.page == p.pages[0]
        assert got.path.parent == cache and got.path.name.startswith(info.bytes_hash[:24])
        again = page_image(p, info, cache)
        assert again == got and again.path.stat().st_mtime_ns == got.path.stat().st_mtime_ns


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} not present")
@pytest.mark.parametrize("name", CORPUS_PDFS)
def test_corpus_paragraphs_are_located_on_their_first_page(name):
    pdf = CORPUS / name
    info, passages = as_ingested(pdf)  # as ingest would store them, parsed once a session
    assert info.pages and all(1 <= n <= info.pages for p in passages for n in p.pages)
    assert located_share(pdf, paragraphs(list(passages))) >= RATE
