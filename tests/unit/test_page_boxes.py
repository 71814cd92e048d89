"""Where a passage is printed (``Passage.boxes``): kept by the PDF parser, stored with the
passage, and where the page image looks for the passage first. PDFs made in the test
(fpdf2); no model is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from paracite.documents import Box, DocumentInfo, Passage
from paracite.ingest import passages_for
from paracite.pages import locate, page_image
from paracite.pages import pdf as page_pdf
from paracite.store.metadata import from_metadata as _from_metadata
from paracite.store.metadata import to_metadata as _to_metadata

pytest.importorskip("fpdf")
pytest.importorskip("pypdfium2")
from tests.pdfgen import write_pdf  # noqa: E402

REPEATED = ("Statements were made by the representatives of Brazil, Chile, Kenya, Norway "
            "and Peru, who welcomed the report of the Executive Director.")
WORDS = ["budget", "evaluation", "field offices", "data", "prevention", "treatment",
         "the secretariat", "civil society", "precursors", "alternative development"]


def numbered(n: int) -> str:
    """Paragraph ``n``: long enough to wrap, worded unlike the others."""
    topics = ", ".join(WORDS[(n + k) % len(WORDS)] for k in range(2 + n % 7))
    return (f"{n}. At its meeting number {n + 100} the Commission discussed {topics}; "
            f"it heard statements on each and took note of the report on item {n}, as "
            "recommended by the Bureau of the session.")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, list[Passage]]:
    """Two pages of numbered paragraphs, one of them across the page break."""
    path = tmp_path_factory.mktemp("boxes") / "report.pdf"
    write_pdf(path, [("heading", "I. Organization of the session"),
                     ("heading", "A. Opening of the session"),
                     *(("para", numbered(n)) for n in range(1, 22))])
    _, passages = passages_for(path, {}, "report", "")
    return path, [p for p in passages if p.kind == "paragraph"]


@pytest.fixture(scope="module")
def twice(tmp_path_factory) -> tuple[DocumentInfo, list[Passage]]:
    """One page printing the same paragraph under two headings: two passages, one text."""
    path = tmp_path_factory.mktemp("boxes") / "twice.pdf"
    write_pdf(path, [("heading", "I. Organization of the session"),
                     ("heading", "A. Opening of the session"), ("para", REPEATED),
                     ("heading", "B. Closing of the session"), ("para", REPEATED)])
    info, passages = passages_for(path, {}, "twice", "")
    return info, [p for p in passages if p.text == REPEATED]


def inner(rects: list[page_pdf.Rect]) -> tuple[float, float, float, float]:
    """pdfium's extent of the located lines (its character rectangles, without the pad)."""
    pad = page_pdf.PAD_PT
    return (min(r.left for r in rects) + pad, min(r.bottom for r in rects) + pad,
            max(r.right for r in rects) - pad, max(r.top for r in rects) - pad)


def test_parsed_boxes_hold_the_lines_pdfium_prints_and_no_more(report):
    pdf, passages = report
    assert [p.paragraph for p in passages] == [str(n) for n in range(1, 22)]
    assert any(len(p.pages) == 2 for p in passages)
    for p in passages:
        assert [b.page for b in p.boxes] == list(p.pages), p.paragraph  # one box a page
        for box in p.boxes:
            rects = locate(pdf, box.page, p.text, p.pages)  # the whole-page search alone
            assert rects, (p.paragraph, box.page)
            left, bottom, right, top = inner(rects)
            # every character pdfium prints of the passage is inside its box …
            assert box.x0 <= left + 0.5 and box.x1 >= right, p.paragraph
            assert box.y0 <= bottom and box.y1 >= top, p.paragraph
            # … which starts where the lines start and reaches less than half a line
            # (12 points here) above and below them
            assert left - box.x0 < 2, p.paragraph
            assert bottom - box.y0 < 6 and box.y1 - top < 6, p.paragraph


def test_a_paragraph_printed_twice_on_a_page_is_marked_where_each_passage_was_parsed(
        twice, tmp_path):
    info, (first, second) = twice
    pdf = Path(info.source)
    assert first.boxes != second.boxes and first.pages == second.pages == (1,)
    # the whole page holds the text twice: without the boxes, no place is sure
    assert locate(pdf, 1, first.text, first.pages) == []
    for p in (first, second):
        rects = locate(pdf, 1, p.text, p.pages, boxes=p.boxes)
        assert rects
        (box,) = p.boxes
        _, bottom, _, top = inner(rects)
        assert box.y0 <= bottom and top <= box.y1  # marked inside its own box
    a, b = (page_image(p, info, tmp_path / "pages") for p in (first, second))
    assert a is not None and b is not None and a.highlighted and b.highlighted
    assert a.path != b.path and a.box is not None and b.box is not None
    assert a.box[1] < b.box[0]  # the first printed higher on the page than the second
    unboxed = page_image(first.model_copy(update={"boxes": ()}), info, tmp_path / "pages")
    assert unboxed is not None and not unboxed.highlighted  # as before boxes were kept


def test_a_passage_stored_without_boxes_is_still_marked_on_its_pages(report, tmp_path):
    pdf, passages = report
    info = DocumentInfo(id="report", title="Report", source=str(pdf))
    for p in passages[:4] + [p for p in passages if len(p.pages) == 2]:
        old = p.model_copy(update={"boxes": ()})  # stored before boxes were kept
        for page in p.pages:
            assert locate(pdf, page, p.text, p.pages) == locate(pdf, page, p.text, p.pages,
                                                                 boxes=p.boxes)
            got = page_image(old, info, tmp_path / "pages", page=page)
            assert got is not None and got.highlighted, (p.paragraph, page)


def test_a_box_in_the_wrong_place_falls_back_to_the_whole_page(report):
    pdf, passages = report
    p = passages[2]
    right = locate(pdf, p.pages[0], p.text, p.pages)
    wrong = (Box(p.pages[0], 0, 0, 100, 40),)  # the foot of the page: nothing of it there
    other = passages[5].boxes  # another paragraph of the same page
    assert right and passages[5].pages == p.pages
    assert locate(pdf, p.pages[0], p.text, p.pages, boxes=wrong) == right
    assert locate(pdf, p.pages[0], p.text, p.pages, boxes=other) == right


def test_the_box_lets_through_nothing_the_rules_refuse(report):
    pdf, passages = report
    p = passages[3]
    meeting = str(int(p.paragraph) + 100)
    changed = p.text.replace(meeting, meeting[:-1] + "7")  # another meeting's number
    assert changed != p.text
    assert locate(pdf, p.pages[0], changed, p.pages, boxes=p.boxes) == []
    neighbour = passages[4].text  # its neighbour's text is not inside its box: found there
    assert locate(pdf, p.pages[0], neighbour, p.pages, boxes=p.boxes) == locate(
        pdf, p.pages[0], neighbour, p.pages)


def test_boxes_survive_the_store_metadata_and_old_metadata_has_none(twice):
    info, (p, _) = twice
    meta = _to_metadata(p, info)
    assert isinstance(meta["boxes"], str) and len(meta["boxes"]) < 40  # a short string
    assert _from_metadata(p.text, meta) == p
    old = {k: v for k, v in meta.items() if k != "boxes"}  # stored before boxes were kept
    assert _from_metadata(p.text, old) == p.model_copy(update={"boxes": ()})
    assert _from_metadata(p.text, {**meta, "boxes": "1:damaged"}).boxes == ()


def test_markdown_passages_have_no_boxes(report_md):
    assert report_md and not any(p.boxes for p in report_md)


@pytest.fixture(scope="module")
def report_md(tmp_path_factory) -> list[Passage]:
    path = tmp_path_factory.mktemp("boxes") / "notes.md"
    path.write_text("# Notes\n\n1. The Group met in Geneva.\n\n2. It adopted its report.\n")
    return passages_for(path, {}, "notes", "")[1]
