"""The PDF parser on PDFs made in the test: headers, page breaks, hyphens, footnotes, bad
files. No model is loaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paracite.documents import DocumentInfo
from paracite.errors import ParseError
from paracite.parsing.pdf import parse_pdf
from paracite.parsing.un_structure import recover

pytest.importorskip("fpdf")
from tests.pdfgen import UNDoc, write_pdf  # noqa: E402


def report_items(report) -> list[tuple[str, str]]:
    """The report as headings and paragraphs, from the parsed Markdown record."""
    items: list[tuple[str, str]] = []
    last_section: list[str] = []
    for p in report:
        if p.kind != "paragraph":
            continue
        section = p.section.split(" > ")
        for i, head in enumerate(section):
            if i >= len(last_section) or last_section[i] != head:
                items.append(("heading", head))
        last_section = section
        items.append(("para", p.text))
    return items


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory, report) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    return write_pdf(path, report_items(report), symbol="UNODC/CCPCJ/EG.4/2017/4")


def test_pdf_of_the_report_gives_back_the_same_60_paragraphs(report_pdf, report):
    parsed = parse_pdf(report_pdf)
    assert parsed.pages >= 8
    info = DocumentInfo(id="report", title="Report", source="report.pdf")
    passages = recover(parsed.blocks, info)
    numbered = [p for p in passages if re.fullmatch(r"\d+", p.paragraph)]
    assert [p.paragraph for p in numbered] == [str(n) for n in range(1, 61)]
    want = {p.paragraph: p.text for p in report if p.kind == "paragraph"}
    ascii_fold = str.maketrans({"“": '"', "”": '"', "’": "'", "–": "-", "ô": "o"})
    for p in numbered:
        got = " ".join(p.text.split()).translate(ascii_fold)
        assert got == " ".join(want[p.paragraph].split()).translate(ascii_fold), p.paragraph
    assert any(len(p.pages) == 2 for p in numbered)  # page breaks fell inside paragraphs


def test_no_block_carries_the_running_header_or_page_numbers(report_pdf):
    for b in parse_pdf(report_pdf).blocks:
        assert "UNODC/CCPCJ/EG.4/2017/4" not in b.text
        assert "V.17-02787" not in b.text
        assert not re.search(r"\b\d{1,2}/\d{1,2}\b(?!\d)", b.text.replace("22/7", "")
                             .replace("22/8", "").replace("24/7", ""))


def test_paragraph_cut_by_the_page_break_is_flagged_for_joining(report_pdf):
    blocks = parse_pdf(report_pdf).blocks
    first_on_page = [b for b in blocks if b.page_break_before]
    assert first_on_page
    assert any(b.text[:1].islower() for b in first_on_page)


def test_hyphenated_line_end_is_rejoined_and_compounds_keep_their_hyphen(tmp_path):
    pdf = UNDoc("A/TEST/2", "25-01234")
    pdf.add_page()
    pdf.para("1. The Committee considered the implemen-")
    pdf.para("tation of the programme and the high-")
    pdf.para("quality of capacity-building by the Secretary-")
    pdf.para("General.")
    pdf.output(str(tmp_path / "h.pdf"))
    (block,) = [b for b in parse_pdf(tmp_path / "h.pdf").blocks if b.kind == "text"]
    assert block.text == ("1. The Committee considered the implementation of the programme "
                          "and the high-quality of capacity-building by the "
                          "Secretary-General.")


def test_footnote_body_is_lifted_out_and_its_glued_marker_becomes_a_superscript(tmp_path):
    pdf = UNDoc("A/TEST/3", "25-01234")
    pdf.add_page()
    pdf.para("1. The Bureau met in Vienna with the submissions1 of the States concerned.")
    pdf.para("2. The second paragraph follows.")
    pdf.set_y(-45)
    pdf.para("__________________")
    pdf.para(" 1 The submissions are listed in the annex.")
    pdf.output(str(tmp_path / "f.pdf"))
    blocks = parse_pdf(tmp_path / "f.pdf").blocks
    texts = [b.text for b in blocks if b.kind == "text"]
    assert texts[0] == "1. The Bureau met in Vienna with the submissions¹ of the States concerned."
    (note,) = [b for b in blocks if b.kind == "footnote"]
    assert (note.marker, note.text) == ("1", "The submissions are listed in the annex.")
    passages = recover(blocks, DocumentInfo(id="f", title="F", source="f.pdf"))
    assert passages[0].footnotes[0].text == "The submissions are listed in the annex."


def test_file_that_is_not_a_pdf_is_refused_with_its_first_bytes(tmp_path):
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"PK\x03\x04 zip")
    with pytest.raises(ParseError, match=r"x.pdf: not a PDF \(starts with b'PK"):
        parse_pdf(bad)


def test_zero_byte_pdf_is_refused(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(ParseError, match="empty file"):
        parse_pdf(empty)


def test_truncated_pdf_is_refused(tmp_path, report_pdf):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(report_pdf.read_bytes()[:600])
    with pytest.raises(ParseError, match="cut.pdf"):
        parse_pdf(cut)


def test_pdf_without_text_layer_is_refused_as_needing_ocr(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50)
    pdf.output(str(tmp_path / "scan.pdf"))
    with pytest.raises(ParseError, match="no extractable text; scanned PDFs need OCR"):
        parse_pdf(tmp_path / "scan.pdf")
