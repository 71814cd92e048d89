"""The cited paragraph on its PDF page (paracite.pages), on UN-style PDFs made in the test
and parsed as ingest parses them (``passages_for``: no model is loaded)."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest

from paracite import pages
from paracite.documents import DocumentInfo, Passage
from paracite.errors import ParaciteError
from paracite.ingest import passages_for
from paracite.pages import PageError, Rect, locate, page_image, render
from paracite.pages import cache as page_cache
from paracite.pages import match as page_match
from paracite.pages import pdf as page_pdf

pytest.importorskip("fpdf")
pdfium = pytest.importorskip("pypdfium2")
from PIL import Image  # noqa: E402

from tests.pdfgen import write_pdf  # noqa: E402

SENTENCES = [
    "The Commission considered the item at its third and fourth meetings.",
    "Representatives of eleven Member States described national action plans.",
    "Several speakers stressed the need for reliable data on drug markets.",
    "The observer for the European Union recalled the joint position of its members.",
    "Many speakers welcomed the technical assistance provided by the Secretariat.",
    "One representative called for more predictable funding of field offices.",
    "The importance of alternative development programmes was underlined.",
    "Speakers highlighted prevention work in schools and with families.",
    "The Chair summarized the discussion and thanked the panellists.",
    "Concern was expressed about synthetic opioids sold through online platforms.",
    "A number of delegations reported new legislation on precursor chemicals.",
    "The role of civil society in treatment and recovery services was noted.",
]
REPEATED = "Statements were made by the representatives of Brazil, Chile and Kenya."
L4 = "The Commission adopted revised draft resolution E/CN.7/2025/L.4/Rev.1 by consensus."


def paragraph(n: int, k: int) -> str:
    """Paragraph ``n`` of ``k`` sentences, each sentence used in one paragraph only."""
    said = [f"{s[:-1]} (point {n}.{i})." for i, s in enumerate(
        SENTENCES[(n + i) % len(SENTENCES)] for i in range(k))]
    return f"{n}. " + " ".join(said)


PARAGRAPHS = [
    "1. The Commission on Narcotic Drugs held its sixty-eighth session in Vienna from "
    "10 to 14 March 2025.",
    "2. The session was attended by “representatives of 52 States” members of the "
    "Commission – and by observers for co-operation partners.",
    f"3. {L4} {REPEATED} The text is contained in chapter I, section B.",
    paragraph(4, 6),
    f"5. At the same meeting the Commission heard a briefing. {REPEATED} It then closed "
    "the item.",
    *(paragraph(n, 4 + n % 4) for n in range(6, 16)),  # 12 runs onto page 2
]


@pytest.fixture(scope="module")
def doc(tmp_path_factory) -> tuple[DocumentInfo, dict[str, Passage]]:
    path = tmp_path_factory.mktemp("pages") / "report.pdf"
    write_pdf(path, [("heading", "I. Organization of the session"),
                     *(("para", t) for t in PARAGRAPHS)], symbol="E/CN.7/2025/99")
    info, passages = passages_for(path, {}, "report", "")
    return info, {p.paragraph: p for p in passages if p.kind == "paragraph"}


def pdf_of(doc) -> Path:
    return Path(doc[0].source)


def where(doc, label: str, page: int | None = None) -> list[Rect]:
    p = doc[1][label]
    return locate(pdf_of(doc), page or p.pages[0], p.text, p.pages, p.kind)


def page_size(pdf: Path, page: int) -> tuple[float, float]:
    d = pdfium.PdfDocument(str(pdf))
    try:
        return d[page - 1].get_size()
    finally:
        d.close()


def test_the_generated_report_has_a_paragraph_across_a_page_break(doc):
    assert [str(n) for n in range(1, 16)] == list(doc[1])
    assert any(len(p.pages) == 2 for p in doc[1].values())


def test_every_paragraph_is_located_on_every_page_it_spans(doc):
    for label, p in doc[1].items():
        for page in p.pages:
            assert where(doc, label, page), (label, page)


def test_a_wrapped_paragraph_gets_one_rectangle_per_line_top_to_bottom(doc):
    rects = where(doc, "4")
    assert len(rects) >= 3
    for upper, lower in zip(rects, rects[1:], strict=False):
        assert lower.top <= upper.bottom + 2 * page_pdf.PAD_PT + 0.5  # lines do not overlap
    lefts = [r.left for r in rects[1:]]
    assert max(lefts) - min(lefts) < 3  # continuation lines share the margin


def test_paragraph_2_lies_below_paragraph_1(doc):
    one, two = where(doc, "1"), where(doc, "2")
    assert max(r.top for r in two) <= min(r.bottom for r in one) + 2 * page_pdf.PAD_PT


def test_rectangles_lie_inside_the_page(doc):
    for label, p in doc[1].items():
        for page in p.pages:
            width, height = page_size(pdf_of(doc), page)
            for r in where(doc, label, page):
                assert 0 <= r.left < r.right <= width and 0 <= r.bottom < r.top <= height


def test_a_paragraph_across_the_page_break_ends_low_on_one_page_and_starts_high_on_next(doc):
    p = next(p for p in doc[1].values() if len(p.pages) == 2)
    first, second = where(doc, p.paragraph, p.pages[0]), where(doc, p.paragraph, p.pages[1])
    _, height = page_size(pdf_of(doc), p.pages[0])
    assert min(r.bottom for r in first) < 0.25 * height   # runs to the foot of its page
    assert max(r.top for r in second) > 0.75 * height     # continues under the header


def test_a_paragraph_is_not_found_on_a_page_it_is_not_on(doc):
    p = doc[1]["1"]
    assert locate(pdf_of(doc), 2, p.text, p.pages) == []
    q = next(p for p in doc[1].values() if len(p.pages) == 2)
    assert locate(pdf_of(doc), 2, doc[1]["3"].text) == []  # on page 1 only
    # the page it continues on does not hold its start; alone, the start is not there
    assert locate(pdf_of(doc), q.pages[1], q.text) == []


def test_text_that_is_not_on_the_page_gives_no_highlight(doc):
    absent = ("The General Assembly elected the members of the Human Rights Council by "
              "secret ballot at its plenary meeting.")
    assert locate(pdf_of(doc), 1, absent) == []
    assert locate(pdf_of(doc), 1, "Economic and Social Council") == []


def test_a_number_changed_is_no_match(doc):
    assert locate(pdf_of(doc), 1, L4)
    assert locate(pdf_of(doc), 1, L4.replace("L.4", "L.7")) == []
    assert locate(pdf_of(doc), 1, L4.replace("2025", "2024")) == []
    assert locate(pdf_of(doc), 1, L4.replace("2025", "025")) == []  # '025' is not '2025'


def test_a_word_changed_is_no_match(doc):
    p = doc[1]["1"]  # near-duplicate paragraphs differ in a name or a number word
    assert where(doc, "1")
    for other in (p.text.replace("Vienna", "Geneva"), p.text.replace("sixty-eighth",
                                                                       "sixty-ninth")):
        assert locate(pdf_of(doc), 1, other, p.pages) == []


def test_text_printed_in_two_places_on_the_page_gives_no_highlight(doc):
    assert locate(pdf_of(doc), 1, REPEATED) == []  # in paragraphs 3 and 5, mid-line
    assert where(doc, "3") and where(doc, "5")     # the paragraphs themselves are found


def test_matching_ignores_quotes_dashes_hyphens_case_and_spacing(doc):
    p = doc[1]["2"]
    variant = (p.text.replace("“", '"').replace("”", '"').replace("–", "-")
               .replace("co-operation", "co-\noperation").upper().replace(" ", "  "))
    assert locate(pdf_of(doc), 1, variant, p.pages) == where(doc, "2")


def test_a_few_words_read_differently_are_still_found(doc):
    p = doc[1]["4"]
    damaged = (p.text.replace("speakers", "spcakers").replace("Secretariat", "Secretarial")
               .replace("field", "fieId"))
    assert locate(pdf_of(doc), p.pages[0], damaged, p.pages) == where(doc, "4")


def test_a_letter_lost_all_through_the_text_is_found_by_fuzzy_alignment(doc, monkeypatch):
    p = doc[1]["4"]  # e.g. a glyph one extractor cannot map: few 16 letters in a row agree
    damaged = p.text.replace("t", "")
    assert locate(pdf_of(doc), p.pages[0], damaged, p.pages) == where(doc, "4")
    monkeypatch.setattr(page_match, "_exact_seeds", lambda passage, page: [])
    assert locate(pdf_of(doc), p.pages[0], damaged, p.pages) == where(doc, "4")  # fuzzy seeds
    monkeypatch.setattr(page_match, "_fuzzy_seeds", lambda passage, page: [])
    assert locate(pdf_of(doc), p.pages[0], damaged, p.pages) == []


def test_a_changed_digit_is_never_matched_even_fuzzily(doc):
    p = doc[1]["4"]
    assert locate(pdf_of(doc), p.pages[0], p.text.replace("4.3", "4.8"), p.pages) == []


def highlighted(image: Image.Image) -> set[tuple[int, int]]:
    """Pixels tinted by the highlight: yellow (the fill over white paper) or its outline."""
    rgb = image.convert("RGB")
    w, h = rgb.size
    px = rgb.load()
    return {(x, y) for y in range(0, h, 2) for x in range(0, w, 2)
            if px[x, y][0] > 150 and px[x, y][0] - px[x, y][2] > 60}


def to_pixels(r: Rect, height: float, scale: float) -> tuple[float, float, float, float]:
    return r.left * scale, (height - r.top) * scale, r.right * scale, (height - r.bottom) * scale


def test_the_rendered_page_is_yellow_inside_the_located_lines_and_nowhere_else(doc, tmp_path):
    rects, scale = where(doc, "4"), 1.5
    out = render(pdf_of(doc), 1, rects, tmp_path / "p1.png", scale=scale)
    width, height = page_size(pdf_of(doc), 1)
    with Image.open(out) as image:
        assert image.size == (round(width * scale), round(height * scale))
        tinted = highlighted(image)
    boxes = [to_pixels(r, height, scale) for r in rects]
    slack = 2 * scale + 1  # the outline is drawn on the box edge

    def inside(x: int, y: int, pad: float) -> bool:
        return any(x0 - pad <= x <= x1 + pad and y0 - pad <= y <= y1 + pad
                   for x0, y0, x1, y1 in boxes)

    assert tinted and all(inside(x, y, slack) for x, y in tinted)
    # most of each box is tinted (the rest is the black text drawn over it)
    for x0, y0, x1, y1 in boxes:
        grid = {(x, y) for x in range(int(x0) + 4, int(x1) - 4) for y in range(int(y0) + 4,
                int(y1) - 4) if x % 2 == 0 and y % 2 == 0}
        assert len(grid & tinted) > 0.5 * len(grid)


def test_a_page_with_nothing_to_mark_has_no_yellow(doc, tmp_path):
    with Image.open(render(pdf_of(doc), 1, [], tmp_path / "plain.png", scale=1.0)) as image:
        assert not highlighted(image)


def test_the_highlight_follows_a_rotated_page(doc, tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_page(PdfReader(pdf_of(doc)).pages[0])
    writer.pages[0].rotate(90)
    rotated = tmp_path / "rotated.pdf"
    with rotated.open("wb") as f:
        writer.write(f)
    p = doc[1]["4"]
    rects = locate(rotated, 1, p.text, (1,))
    assert rects == where(doc, "4")  # found in page points, which do not turn
    with Image.open(render(pdf_of(doc), 1, rects, tmp_path / "a.png", scale=1.0)) as a, \
            Image.open(render(rotated, 1, rects, tmp_path / "b.png", scale=1.0)) as b:
        assert b.size == (a.size[1], a.size[0])
        turned = a.transpose(Image.Transpose.ROTATE_270)  # /Rotate 90 turns clockwise
        want, got = highlighted(turned), highlighted(b)
        assert want and len(want & got) > 0.9 * max(len(want), len(got))


def test_page_image_is_drawn_once_then_served_from_the_cache(doc, tmp_path, monkeypatch):
    info, p = doc[0], doc[1]["4"]
    got = page_image(p, info, tmp_path / "pages")
    assert got is not None and got.highlighted and got.page == p.pages[0]
    assert got.path.parent == tmp_path / "pages" and got.path.suffix == ".png"
    assert not list((tmp_path / "pages").glob(".*.tmp"))  # written atomically

    def never(*args, **kwargs):
        raise AssertionError("drawn again")

    monkeypatch.setattr(page_cache, "_draw", never)
    assert page_image(p, info, tmp_path / "pages") == got
    assert page_image(p, info.model_copy(update={"bytes_hash": ""}),
                      tmp_path / "pages") == got  # the file's own sha256 names it too


def test_page_image_of_another_page_is_shown_without_a_highlight(doc, tmp_path):
    p = doc[1]["1"]
    got = page_image(p, doc[0], tmp_path / "pages", page=2)
    assert got is not None and got.page == 2 and not got.highlighted
    assert got.path.name.endswith(".plain.png")


def test_the_page_image_records_where_the_highlight_is_for_a_viewer_to_scroll_to(doc,
                                                                                   tmp_path):
    info, p = doc[0], doc[1]["4"]
    got = page_image(p, info, tmp_path / "pages")
    assert got is not None and got.box is not None
    with Image.open(got.path) as image:
        ys = sorted(y for _, y in highlighted(image))
        height = image.height
    top, bottom = got.box
    assert 0 <= top < bottom <= 1
    assert abs(top * height - ys[0]) <= 4 and abs(bottom * height - ys[-1]) <= 4
    again = page_image(p, info, tmp_path / "pages")  # from the cache: read back from the PNG
    assert again is not None and again.box == got.box


def test_a_page_the_paragraph_is_not_found_on_says_so_on_the_image(doc, tmp_path):
    p = doc[1]["1"]
    got = page_image(p, doc[0], tmp_path / "pages", page=2)
    assert got is not None and not got.highlighted and got.box is None
    with Image.open(got.path) as image:
        rgb = image.convert("RGB")
        red = sum(1 for x in range(0, rgb.width, 3) if rgb.getpixel((x, 3)) == pages.BANNER_FILL)
    assert red > 0.9 * len(range(0, rgb.width, 3)), "a red band across the top says so"
    with Image.open(render(pdf_of(doc), 2, [], tmp_path / "plain.png", scale=1.0)) as plain:
        assert plain.convert("RGB").getpixel((3, 3)) != pages.BANNER_FILL  # render: no band


def test_page_image_of_a_continued_paragraph_marks_both_pages(doc, tmp_path):
    p = next(p for p in doc[1].values() if len(p.pages) == 2)
    for page in p.pages:
        got = page_image(p, doc[0], tmp_path / "pages", page=page)
        assert got is not None and got.highlighted and got.page == page


def test_page_image_is_none_for_a_markdown_source_or_a_missing_file(doc, tmp_path):
    p = doc[1]["1"]
    md = tmp_path / "report.md"
    md.write_text("1. Text.\n")
    assert page_image(p, doc[0].model_copy(update={"source": str(md)}), tmp_path) is None
    gone = doc[0].model_copy(update={"source": str(tmp_path / "gone.pdf")})
    assert page_image(p, gone, tmp_path) is None
    assert page_image(p.model_copy(update={"pages": ()}), doc[0], tmp_path) is None


def test_damaged_or_encrypted_pdf_raises_only_paracite_errors(doc, tmp_path, caplog):
    from pypdf import PdfReader, PdfWriter

    broken = tmp_path / "broken.pdf"
    broken.write_bytes(pdf_of(doc).read_bytes()[:900])
    notpdf = tmp_path / "zip.pdf"
    notpdf.write_bytes(b"PK\x03\x04" + b"\0" * 200)
    locked = tmp_path / "locked.pdf"
    writer = PdfWriter(clone_from=PdfReader(pdf_of(doc)))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    with locked.open("wb") as f:
        writer.write(f)
    p = doc[1]["1"]
    for bad in (broken, notpdf, locked):
        with pytest.raises(PageError) as raised:
            locate(bad, 1, p.text)
        assert isinstance(raised.value, ParaciteError) and bad.name in str(raised.value)
        with pytest.raises(PageError):
            render(bad, 1, [], tmp_path / "x.png")
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="paracite.pages"):
            assert page_image(p, doc[0].model_copy(update={"source": str(bad)}),
                              tmp_path / "pages") is None
        assert bad.name in caplog.text
    with pytest.raises(PageError, match="password"):
        locate(locked, 1, p.text)


def test_a_page_the_file_does_not_have_is_a_paracite_error(doc, tmp_path):
    with pytest.raises(PageError, match="no page 9"):
        locate(pdf_of(doc), 9, "text")
    p = doc[1]["1"]
    assert page_image(p, doc[0], tmp_path, page=9) is None


def test_pages_are_drawn_safely_from_many_threads(doc, tmp_path):
    results: list[object] = []
    labels = list(doc[1])

    def work(label: str) -> None:
        results.append(page_image(doc[1][label], doc[0], tmp_path / "pages"))

    threads = [threading.Thread(target=work, args=(label,)) for label in labels]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == len(labels)
    assert all(r is not None and r.highlighted for r in results)  # type: ignore[union-attr]


def test_the_page_cache_keeps_under_its_bound_and_the_least_recently_shown_go(doc, tmp_path):
    cache = tmp_path / "pages"
    info, p = doc[0], doc[1]
    first = page_image(p["1"], info, cache)
    assert first is not None
    size = first.path.stat().st_size
    bound_mb = 2.5 * size / 1_048_576  # room for two pages of about this size
    second = page_image(p["4"], info, cache, max_mb=bound_mb)
    assert second is not None and first.path.is_file()
    os.utime(first.path, (1000, 1000))  # shown long ago …
    os.utime(second.path, (2000, 2000))
    assert page_image(p["1"], info, cache, max_mb=bound_mb) == first  # … and shown again now
    third = page_image(p["6"], info, cache, max_mb=bound_mb)
    assert third is not None
    kept = {f.name for f in cache.iterdir()}
    assert kept == {first.path.name, third.path.name}, "the least recently shown went"
    assert sum(f.stat().st_size for f in cache.iterdir()) <= bound_mb * 1_048_576
    tiny = page_image(p["7"], info, cache, max_mb=0.0)
    assert tiny is not None and [f.name for f in cache.iterdir()] == [tiny.path.name], \
        "the page just drawn is kept even when it alone is over the bound"


def test_forget_removes_the_cached_pages_of_one_file_only(doc, tmp_path):
    cache = tmp_path / "pages"
    mine = doc[0].model_copy(update={"bytes_hash": "a" * 64})
    other = doc[0].model_copy(update={"bytes_hash": "b" * 64})
    drawn = [page_image(doc[1][n], d, cache) for n in ("1", "4") for d in (mine, other)]
    assert all(drawn) and len(list(cache.iterdir())) == 4
    assert pages.forget(cache, "") == []
    gone = pages.forget(cache, mine.bytes_hash)
    assert sorted(f.name for f in gone) == sorted(i.path.name for i in drawn[0::2])
    assert sorted(f.name for f in cache.iterdir()) == sorted(i.path.name for i in drawn[1::2])
