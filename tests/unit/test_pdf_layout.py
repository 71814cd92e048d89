"""Rules the PDF parser reads from the layout (positions, font sizes, raised markers), on
small UN-style PDFs drawn line by line in the test. No model is loaded.

Lines are drawn with ``UNDoc.line``: body text 10 pt on a 12 pt line step, footnotes 8 pt,
a footnote marker ``{4}`` as digits at 6 pt raised 3.5 pt above the baseline (as Word
prints them), a running header with the symbol and a footer with the job number and
"page/total".
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from paracite.documents import DocumentInfo, Passage
from paracite.parsing.pdf import parse_pdf
from paracite.parsing.un_structure import recover

pytest.importorskip("fpdf")
from tests.pdfgen import UNDoc  # noqa: E402

SYMBOL = "E/CN.7/2025/4"
JOB = "24-14711"


def passages_of(path: Path) -> list[Passage]:
    parsed = parse_pdf(path)
    return recover(parsed.blocks, DocumentInfo(id="doc", title="Report", source=path.name))


def by_label(passages: list[Passage]) -> dict[str, Passage]:
    return {p.paragraph: p for p in passages}


def flat(text: str) -> str:
    return " ".join(text.split())


def main_labels(passages: list[Passage]) -> list[str]:
    """Labels of the report's own numbered paragraphs ("3", or "3 (2)" for a second 3)."""
    return [p.paragraph for p in passages if re.fullmatch(r"\d+(?: \(\d+\))?", p.paragraph)]


# 1. raised marker → superscript, its note → that passage ------------------------------


@pytest.mark.parametrize("rule", [True, False], ids=["under_rule", "no_rule"])
def test_raised_small_marker_becomes_superscript_and_its_foot_note_is_attached_to_that_passage(
        tmp_path, rule):
    note = "The members of the Bureau are listed in annex I to the present report."
    pdf = UNDoc(SYMBOL, JOB)
    pdf.start_body()
    pdf.line("1. The Bureau{4} met in Vienna on 3 March 2025 to prepare the session of the")
    pdf.line("Commission and the meetings of its subsidiary bodies.")
    pdf.line("2. The Commission took note of the report of the Bureau on its meetings.")
    pdf.notes([f"{{4}} {note}"], rule=rule)
    pdf.output(str(tmp_path / "n.pdf"))

    passages = passages_of(tmp_path / "n.pdf")
    paras = by_label(passages)
    assert "The Bureau⁴ met in Vienna" in paras["1"].text
    assert [(f.marker, f.text) for f in paras["1"].footnotes] == [("4", note)]
    assert flat(paras["2"].text) == ("2. The Commission took note of the report of the Bureau "
                                     "on its meetings.")
    assert not paras["2"].footnotes
    for p in passages:
        assert "listed in annex I" not in p.text, p.paragraph


# 2. "CRP.12" at body size is not a marker, even with a footnote 12 on the page ----------


def test_symbol_number_at_body_size_stays_plain_and_does_not_take_the_pages_footnote_12(
        tmp_path):
    pdf = UNDoc(SYMBOL, JOB)
    pdf.start_body()
    pdf.line("1. The Commission had before it the note by the Secretariat{11} on the work of")
    pdf.line("the Bureau and the report of the intersessional meetings.{12}")
    pdf.line("2. The report of the meeting is contained in document E/CN.7/2025/CRP.12, which")
    pdf.line("the Bureau made available to all Member States on 3 March 2025.")
    pdf.notes(["{11} E/CN.7/2025/2.", "{12} The meetings were held in Vienna and online."])
    pdf.output(str(tmp_path / "crp.pdf"))

    paras = by_label(passages_of(tmp_path / "crp.pdf"))
    assert "E/CN.7/2025/CRP.12, which" in paras["2"].text
    assert "¹²" not in paras["2"].text
    assert not paras["2"].footnotes
    assert [f.marker for f in paras["1"].footnotes] == ["11", "12"]


# 3. a note whose marker is on page 2 goes to the page-2 passage --------------------------


def test_footnote_on_page_2_goes_to_the_page_2_passage_not_to_a_page_1_plain_number(tmp_path):
    note3 = "The options are set out in the annex to document A/79/3."
    pdf = UNDoc(SYMBOL, JOB)
    pdf.start_body()
    pdf.line("1. The Committee met on 3 March 2025 and considered chapter 3 of the report of")
    pdf.line("the Office{1} and annex 3, which lists the 3 options before it.")
    pdf.line("2. The Bureau{2} recommended that the Committee consider the options in turn.")
    pdf.notes(["{1} United Nations Office on Drugs and Crime.", "{2} E/CN.7/2025/2."])
    pdf.start_body()
    pdf.line("3. The Secretariat{3} presented the options at the second meeting of the")
    pdf.line("Committee and answered the questions of the delegations.")
    pdf.line("4. The Committee decided to continue its consideration of the matter.")
    pdf.notes([f"{{3}} {note3}"])
    pdf.output(str(tmp_path / "p2.pdf"))

    passages = passages_of(tmp_path / "p2.pdf")
    paras = by_label(passages)
    assert paras["3"].pages == (2,)
    assert "The Secretariat³ presented" in paras["3"].text
    assert [(f.marker, f.text) for f in paras["3"].footnotes] == [("3", note3)]
    assert [f.marker for f in paras["1"].footnotes] == ["1"]
    assert "chapter 3 of" in paras["1"].text and "the 3 options" in paras["1"].text
    assert "³" not in paras["1"].text


# 4. running header/footer, printed page numbers, every footnote once ----------------------


@pytest.mark.parametrize("footer", ["{job} {page}/{nb}", "{page}/{nb} {job}"],
                         ids=["job_then_page", "page_then_job"])
def test_running_footer_and_symbol_never_enter_passages_and_blocks_carry_printed_page(
        tmp_path, footer):
    notes = {
        "1": "United Nations Office on Drugs and Crime.",
        "2": "See the report of the Bureau on its meetings held in Vienna.",
        "3": "The list of participants is contained in document E/CN.7/2025/INF/1.",
    }
    pdf = UNDoc(SYMBOL, JOB, footer_format=footer)
    pdf.start_body()
    pdf.line("1. The Commission met in Vienna with the Office{1} to prepare the session and")
    pdf.line("the meetings of its subsidiary bodies.")
    pdf.notes([f"{{1}} {notes['1']}"])
    pdf.start_body()
    pdf.line("2. The Bureau{2} held four meetings and reported to the Commission on the")
    pdf.line("preparations for the session.")
    pdf.line("3. The session was attended by representatives of the States members of the")
    pdf.line("Commission, by observers for other States and by the intergovernmental and")
    pdf.notes([f"{{2}} {notes['2']}"])
    pdf.start_body()
    pdf.line("non-governmental organizations that had been invited to take part in its work.{3}")
    pdf.line("4. The Commission adopted the report on the session at its final meeting.")
    pdf.notes([f"{{3}} {notes['3']}"])
    pdf.output(str(tmp_path / "f.pdf"))

    parsed = parse_pdf(tmp_path / "f.pdf")
    for b in parsed.blocks:
        assert JOB not in b.text and SYMBOL not in b.text, b.text
        assert not re.search(r"\b\d/3\b", b.text), b.text
    assert {b.page_label for b in parsed.blocks if b.page == 2} == {"2"}
    assert {b.page_label for b in parsed.blocks if b.page == 3} == {"3"}

    passages = recover(parsed.blocks, DocumentInfo(id="doc", title="Report", source="f.pdf"))
    assert main_labels(passages) == ["1", "2", "3", "4"]
    for p in passages:
        assert JOB not in p.text and SYMBOL not in p.text, p.text
        assert not re.search(r"\b\d/3\b", p.text), p.text
    paras = by_label(passages)
    assert flat(paras["3"].text).endswith("organizations that had been invited to take part "
                                          "in its work.³")
    attached = Counter((f.marker, f.text) for p in passages for f in p.footnotes)
    assert attached == Counter(notes.items())
    assert [f.marker for f in paras["3"].footnotes] == ["3"]


# 5. an indented quoted numbered list is not the report's numbering ----------------------


@pytest.mark.parametrize("lead_in, items", [
    ("2. At its 1st meeting, the Commission adopted its provisional agenda, which read:",
     ["1. Election of officers.", "2. Adoption of the agenda and other organizational "
      "matters.", "3. General debate."]),
    ("2. At its 1st meeting, the Commission recalled items 3 to 5 of its agenda, namely:",
     ["3. General debate.", "4. Strategic management, budgetary and administrative "
      "questions.", "5. Implementation of the international drug control treaties."]),
], ids=["quoted_1_to_3", "quoted_3_to_5"])
def test_indented_quoted_numbered_list_stays_inside_report_paragraph_2(tmp_path, lead_in, items):
    pdf = UNDoc(SYMBOL, JOB)
    pdf.start_body()
    pdf.line("1. The Commission held its sixty-eighth session in Vienna from 14 to 18 March 2025.")
    pdf.line(lead_in, gap=6)
    for item in items:
        pdf.line(item, indent=15, gap=3)
    pdf.line("3. The Commission also approved the organization of work for the session.", gap=6)
    pdf.output(str(tmp_path / "q.pdf"))

    passages = passages_of(tmp_path / "q.pdf")
    assert main_labels(passages) == ["1", "2", "3"]
    paras = by_label(passages)
    assert flat(paras["3"].text) == ("3. The Commission also approved the organization of work "
                                     "for the session.")
    for item in items:
        (holder,) = [p for p in passages if item in flat(p.text)]
        assert holder.paragraph == "2" or not re.fullmatch(r"\d+(?: \(\d+\))?",
                                                           holder.paragraph), item


# 6. paragraphs and headings told apart by the layout --------------------------------------

PARA_A = [
    "The Commission noted with appreciation the work done by the Secretariat during the",
    "intersessional period, in particular the preparation of the documents before it and",
    "the organization of the thematic discussions held in Vienna in the autumn of 2024.",
]
PARA_B = [
    "The Commission further noted the importance of the participation of all regional",
    "groups in the thematic discussions and of the interpretation of those discussions.",
]


def test_extra_vertical_space_separates_two_unnumbered_paragraphs(tmp_path):
    pdf = UNDoc(SYMBOL, JOB)
    pdf.start_body()
    pdf.line("1. The Commission held its sixty-eighth session in Vienna from 14 to 18 March 2025.")
    for i, line in enumerate(PARA_A):
        pdf.line(line, gap=8 if i == 0 else 0)
    for i, line in enumerate(PARA_B):
        pdf.line(line, gap=8 if i == 0 else 0)
    pdf.output(str(tmp_path / "gap.pdf"))

    texts = [flat(p.text) for p in passages_of(tmp_path / "gap.pdf")]
    assert " ".join(PARA_A) in texts
    assert " ".join(PARA_B) in texts


def test_heading_in_larger_font_is_not_glued_to_the_text_under_it(tmp_path):
    pdf = UNDoc(SYMBOL, JOB)
    pdf.start_body()
    pdf.line("1. The Commission held its sixty-eighth session in Vienna from 14 to 18 March 2025.")
    pdf.line("Organization of work", size=12, gap=8)
    for line in PARA_A:
        pdf.line(line)
    pdf.output(str(tmp_path / "h.pdf"))

    passages = passages_of(tmp_path / "h.pdf")
    (under,) = [p for p in passages if "noted with appreciation" in p.text]
    assert flat(under.text) == " ".join(PARA_A)
    assert under.section.split(" > ")[-1] == "Organization of work"
    assert not any("Organization of work" in p.text for p in passages)
