"""Real UN PDFs from ../shared/un-pdfs (skipped when that folder is absent): each parsed
once per session (tests/corpus.py), the folder ingested once per session (conftest's
``un_pdfs_template``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paracite.documents import Passage
from tests.corpus import UN_PDFS, pdfs, structure

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not UN_PDFS.is_dir(),
                                 reason=f"{UN_PDFS} not present (real UN PDFs are not "
                                        "bundled with paracite)")]
PDFS = pdfs(UN_PDFS)


def passages_of(name: str) -> tuple[object, tuple[Passage, ...]]:
    return structure(UN_PDFS / name)


def main_sequence(passages: tuple[Passage, ...]) -> list[int]:
    return [int(p.paragraph) for p in passages if re.fullmatch(r"\d+", p.paragraph)]


@pytest.mark.parametrize(("name", "last"), [
    ("E_2025_44.en.pdf", 76), ("E_2025_28.en.pdf", 174), ("A_AC.121_2025_L.3.en.pdf", 16),
    ("A_CONF.230_2025_3.en.pdf", 34), ("huridocs_ohchr_1_en.pdf", 94),
    ("huridocs_ohchr_2_en.pdf", 138),
])
def test_numbered_paragraphs_come_out_once_each_in_order(name, last):
    assert main_sequence(passages_of(name)[1]) == list(range(1, last + 1))


@pytest.mark.parametrize("pdf", PDFS, ids=[p.name for p in PDFS])
def test_no_passage_contains_a_running_header_or_footer(pdf: Path):
    parsed, passages = passages_of(pdf.name)
    symbol = parsed.symbol  # type: ignore[attr-defined]
    for p in passages:
        if p.kind == "front_matter":
            continue
        for line in p.text.split("\n"):
            assert not re.fullmatch(r"\d{1,3}/\d{1,3}", line.strip())
            assert not re.search(r"\b\d{2}-\d{5}\b", line), line       # job numbers
            assert not re.search(r"\*\d{7}\*", line), line              # barcodes
            assert "Please recycle" not in line
            if symbol:
                assert line.strip() != symbol


def test_every_un_pdf_ingests_without_error(un_pdfs_template):
    _, report = un_pdfs_template  # the folder: its SOURCES.md is ingested too
    assert report.ok, [f.reason for f in report.failed]
    assert {p.name for p in PDFS} <= {f.source for f in report.added}
    assert all(f.passages > 0 for f in report.added)


def test_e_2025_28_attendance_paragraphs_are_exact():
    by = {p.paragraph: p for p in passages_of("E_2025_28.en.pdf")[1]}
    assert by["164"].text.startswith("164. The Commission held its sixty-eighth session in "
                                     "Vienna from 10 to 14 March 2025. On 10 March 2025, the "
                                     "Chair of the Commission opened the session.")
    assert by["164"].text.endswith("A statement was also made by the President of INCB.")
    assert by["165"].text.startswith("165. The session was attended by representatives of "
                                      "52 States members of the Commission (1 was not "
                                      "represented).")
    assert by["164"].section.startswith("Chapter XII")


def test_glued_footnote_markers_become_superscripts_and_bodies_travel_along():
    passages = passages_of("huridocs_ohchr_1_en.pdf")[1]
    with_notes = [p for p in passages if p.footnotes]
    assert len(with_notes) > 40
    marked = [p for p in with_notes if any(ch in p.text for ch in "¹²³⁴⁵⁶⁷⁸⁹")]
    # notes whose marker is in the title or the list of submitters stay with the nearest
    # paragraph rather than being lost
    assert len(marked) >= 0.95 * len(with_notes)
    for p in passages:
        assert not re.search(r"[a-z]\.\d{1,3}(?:\s|$)", p.text), p.text[:120]


def test_table_of_contents_lines_are_not_paragraphs():
    passages = passages_of("huridocs_ohchr_2_en.pdf")[1]
    assert not any("......" in p.text for p in passages)
    first = next(p for p in passages if p.paragraph == "1")
    assert "Paragraphs" not in first.text


@pytest.mark.parametrize(("name", "title", "symbol", "date"), [
    ("A_AC.121_2025_L.3.en.pdf", "Draft report on the substantive session of 2025",
     "A/AC.121/2025/L.3", "7 March 2025"),
    ("E_2025_88.en.pdf", "Report of the United Nations Interregional Crime and Justice "
     "Research Institute", "E/2025/88", "12 June 2025"),
    ("A_HRC_EMRIP_2025_1.en.pdf", "Annotated provisional agenda", "A/HRC/EMRIP/2025/1",
     "14 April 2025"),
    # an Official Records cover prints no issue date: the session's dates stand for it
    ("E_2025_28.en.pdf", "Report on the sixty-eighth session", "E/2025/28",
     "6 December 2024 and 10–14 March 2025"),
])
def test_title_symbol_and_issue_date_come_from_the_cover(name, title, symbol, date):
    parsed, _ = passages_of(name)
    assert (parsed.title, parsed.symbol, parsed.date) == (title, symbol, date)  # type: ignore


def test_symbol_and_date_are_read_from_the_first_page():
    parsed, _ = passages_of("E_2025_44.en.pdf")
    assert parsed.symbol == "E/2025/44-E/C.16/2025/9"  # type: ignore[attr-defined]
    parsed, _ = passages_of("A_AC.121_2025_L.3.en.pdf")
    assert parsed.symbol == "A/AC.121/2025/L.3"  # type: ignore[attr-defined]
    assert parsed.date == "7 March 2025"  # type: ignore[attr-defined]


def test_e_2025_28_officers_table_is_one_passage_with_named_cells():
    tables = [p for p in passages_of("E_2025_28.en.pdf")[1] if p.kind == "table"]
    officers = next(p for p in tables if p.text.startswith("Office | Regional group | Officer"))
    assert ("Office: Chair; Regional group: Asia-Pacific States; Officer: Shambhu Kumaran "
            "(India)") in officers.text.split("\n")
    assert officers.section.endswith("D. Election of officers")


def test_e_2025_28_symbol_number_is_not_a_footnote_marker():
    by = {p.paragraph: p for p in passages_of("E_2025_28.en.pdf")[1]}
    assert "E/CN.7/2025/CRP.12" in by["173"].text
    assert not by["173"].footnotes


def test_a_80_150_agenda_gives_every_item_once():
    labels = [p.paragraph for p in passages_of("A_80_150.en.pdf")[1]]
    items = [int(x.split()[1]) for x in labels if re.fullmatch(r"item \d+", x)]
    assert items == list(range(1, 175))


def test_citations_show_the_printed_page_number():
    by = {p.paragraph: p for p in passages_of("E_2025_28.en.pdf")[1]}
    p = by["164"]
    assert p.printed_pages and all(p.printed_pages)
    assert p.page_label == "-".join(dict.fromkeys(p.printed_pages))
