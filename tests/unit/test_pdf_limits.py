"""PDFs past the limits are refused at once, with little memory: more pages than allowed
before any page is read, streams that inflate past the budget (the whole document's or one
stream's) before the text extraction that would inflate them (paracite.parsing.pdf_limits).
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from paracite.documents import DocumentInfo
from paracite.errors import ParseError
from paracite.parsing.un_structure import recover

INFO = DocumentInfo(id="t", title="T", source="t.md")


def test_a_pdf_with_more_pages_than_allowed_is_refused_before_its_pages_are_read(
        tmp_path, monkeypatch):
    pytest.importorskip("fpdf")
    from paracite.parsing import pdf as pdf_module
    from paracite.parsing import pdf_limits
    from tests.pdfgen import UNDoc, pdf_paragraph

    doc = UNDoc("A/TEST/1", "V.25-00001")
    for n in range(1, 8):
        doc.add_page()
        doc.para(pdf_paragraph(n))
    path = tmp_path / "seven.pdf"
    doc.output(str(path))

    def never(*args, **kwargs):
        raise AssertionError("a page was read")

    monkeypatch.setattr(pdf_limits, "read_page", never)
    with pytest.raises(ParseError) as err:
        pdf_module.parse_pdf(path, max_pages=5)
    assert "seven.pdf" in str(err.value) and "7 pages" in str(err.value)
    assert "PARACITE_MAX_PAGES" in str(err.value)
    monkeypatch.undo()
    assert len(pdf_module.parse_pdf(path, max_pages=7).blocks) == 7


@pytest.mark.parametrize("fill", [b"\0", b" "], ids=["zeros", "spaces"])
def test_a_pdf_that_inflates_to_gigabytes_fails_fast_with_little_memory(tmp_path, fill):
    from paracite.parsing.pdf import parse_pdf
    from tests.pdfgen import write_inflating_pdf

    path = write_inflating_pdf(tmp_path / "bomb.pdf", pages=40, inflated=60 * 2**20,
                               fill=fill)
    assert path.stat().st_size < 4 * 2**20
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(ParseError) as err:
            parse_pdf(path)
        seconds = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = str(err.value)
    assert "bomb.pdf" in message and "400 MB of decompressed content" in message
    assert "PARACITE_MAX_INFLATED_MB" in message
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.0f} MB"  # 2,400 MB inflate in all
    assert seconds < 60  # was 292 s


def test_the_inflation_budget_is_the_whole_documents_and_each_streams(tmp_path):
    from paracite.parsing.pdf import parse_pdf
    from tests.pdfgen import write_inflating_pdf

    one = write_inflating_pdf(tmp_path / "one.pdf", pages=1, inflated=3 * 2**20, fill=b" ")
    with pytest.raises(ParseError, match="more than 2 MB of decompressed content"):
        parse_pdf(one, max_inflated_bytes=2 * 2**20)
    many = write_inflating_pdf(tmp_path / "many.pdf", pages=5, inflated=2**20, fill=b" ")
    with pytest.raises(ParseError, match="more than 4 MB of decompressed content"):
        parse_pdf(many, max_inflated_bytes=4 * 2**20)
    assert parse_pdf(many, max_inflated_bytes=6 * 2**20).pages == 5  # within: read


def test_a_normal_pdf_parses_within_a_tight_budget(tmp_path):
    pytest.importorskip("fpdf")
    from paracite.parsing.pdf import parse_pdf
    from tests.pdfgen import pdf_paragraph, write_pdf

    path = write_pdf(tmp_path / "r.pdf", [("para", pdf_paragraph(n)) for n in range(1, 40)])
    parsed = parse_pdf(path, max_pages=2, max_inflated_bytes=200_000)
    assert len(recover(parsed.blocks, INFO)) == 39
