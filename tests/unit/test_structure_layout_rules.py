"""Structure rules of UN documents (resolutions, quoted texts, restarted numbering, parts,
numbered headings, wrapped references, agendas, printed page numbers), one test per rule,
each on a small UN-style PDF drawn line by line in the test and, where the rule does not
depend on the layout, on the same text as Markdown. No model is loaded.

Lines are drawn with ``UNDoc.line``: body text 10 pt on a 12 pt line step, headings larger,
paragraphs separated by extra space (``gap``), quoted text indented (``indent``, mm).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from paracite.documents import Citation, DocumentInfo, Passage
from paracite.parsing.markdown import parse_markdown
from paracite.parsing.pdf import parse_pdf
from paracite.parsing.un_structure import recover

pytest.importorskip("fpdf")
from tests.pdfgen import UNDoc  # noqa: E402

JOB = "25-04321"
GAP = 6  # points of extra space between two paragraphs


def pdf_passages(path: Path, title: str | None = None) -> list[Passage]:
    """Passages of a PDF; ``title`` None: the title the parser reads off the cover."""
    parsed = parse_pdf(path)
    info = DocumentInfo(id="doc", title=title or parsed.title or "Document", source=path.name)
    return recover(parsed.blocks, info)


def md_passages(path: Path, text: str, title: str) -> list[Passage]:
    path.write_text(text, encoding="utf-8")
    return recover(parse_markdown(path).blocks,
                   DocumentInfo(id="doc", title=title, source=path.name))


def by_label(passages: list[Passage]) -> dict[str, Passage]:
    return {p.paragraph: p for p in passages}


def labels(passages: list[Passage]) -> list[str]:
    return [p.paragraph for p in passages if p.paragraph != "cover"]


def flat(text: str) -> str:
    return " ".join(text.split())


def main_labels(passages: list[Passage]) -> list[str]:
    """Labels of the document's own numbered paragraphs ("3", or "3 (2)" for a second 3)."""
    return [p.paragraph for p in passages if re.fullmatch(r"\d+(?: \(\d+\))?", p.paragraph)]


def holder(passages: list[Passage], words: str) -> Passage:
    """The one passage whose text holds ``words``."""
    (p,) = [p for p in passages if words in flat(p.text)]
    return p


def draw_paragraph(pdf: UNDoc, lines: list[str], indent: float = 0.0,
                   first_indent: float = 0.0, gap: float = GAP, size: float = 10) -> None:
    """One paragraph: ``gap`` points above it, its first line ``first_indent`` mm further
    right than the others."""
    for i, text in enumerate(lines):
        pdf.line(text, size=size, indent=indent + (first_indent if i == 0 else 0.0),
                 gap=gap if i == 0 else 0.0)


# 1. a resolution: enacting line, preambular paragraphs, operative paragraphs ---------------

RESOLUTION_TITLE = "Strengthening of the coordination of emergency humanitarian assistance"
RESOLUTION = [
    ["The General Assembly,"],
    ["Recalling its resolution 77/1, in which it decided to strengthen the coordination of",
     "emergency humanitarian assistance of the United Nations system,"],
    ["Recognizing the need to improve the preparedness of the humanitarian system and its",
     "capacity to respond to disasters,"],
    ["1. Decides to convene a high-level meeting on humanitarian assistance during its",
     "eightieth session;"],
    ["2. Requests the Secretary-General to submit to it at its eightieth session a report on",
     "the implementation of the present resolution."],
]
RESOLUTION_LABELS = ["preamble", "preamble ¶1", "preamble ¶2", "operative ¶1", "operative ¶2"]


def test_resolution_labels_enacting_line_preambular_and_operative_paragraphs(tmp_path):
    pdf = UNDoc("A/RES/78/100", JOB)
    pdf.start_body()
    for text in ("General Assembly", "Distr.: General", "12 December 2023",
                 "Seventy-eighth session",
                 "Resolution adopted by the General Assembly on 7 December 2023"):
        pdf.line(text)
    pdf.line(RESOLUTION_TITLE, size=12, gap=10)
    for lines in RESOLUTION:  # UN resolutions indent the first line of every paragraph
        draw_paragraph(pdf, lines, first_indent=10)
    pdf.output(str(tmp_path / "res.pdf"))

    passages = pdf_passages(tmp_path / "res.pdf")
    assert labels(passages) == RESOLUTION_LABELS
    paras = by_label(passages)
    # the title is kept: in the cover, or as the heading the resolution's text sits under
    assert RESOLUTION_TITLE in flat(paras["cover"].text) or RESOLUTION_TITLE in paras[
        "preamble"].section
    assert flat(paras["preamble"].text) == "The General Assembly,"
    assert flat(paras["preamble ¶1"].text).startswith("Recalling its resolution 77/1,")
    assert flat(paras["operative ¶1"].text).startswith("1. Decides to convene")
    assert flat(paras["operative ¶2"].text).endswith("implementation of the present resolution.")


def test_resolution_labels_enacting_line_preambular_and_operative_paragraphs_markdown(tmp_path):
    md = "\n\n".join(["General Assembly", "Distr.: General", "12 December 2023",
                      RESOLUTION_TITLE] + [" ".join(lines) for lines in RESOLUTION]) + "\n"
    passages = md_passages(tmp_path / "res.md", md, RESOLUTION_TITLE)
    assert labels(passages) == RESOLUTION_LABELS
    assert flat(by_label(passages)["operative ¶1"].text).startswith("1. Decides to convene")


# 2. a report quoting a resolution: the quote's numbering is not the report's -------------

REPORT_1 = ["1. The Commission considered the report of the Secretary-General on the",
            "implementation of the Programme of Action at its 3rd meeting."]
REPORT_2 = ["2. At the same meeting, the Commission recommended to the Economic and Social",
            "Council the adoption of the following draft resolution:"]
QUOTED = [
    ["The Economic and Social Council,"],
    ["Recalling its resolution 2024/5 on the Programme of Action,"],
    ["1. Encourages Member States to continue to implement the Programme of Action and",
     "to report on the progress made;"],
    ["2. Invites the regional commissions to support the implementation of the Programme",
     "of Action within their mandates."],
]
REPORT_3 = ["3. The Commission also decided to consider the matter at its next session under",
            "the item on the follow-up to the Programme of Action."]


def _check_quoted_resolution(passages: list[Passage]) -> None:
    assert main_labels(passages) == ["1", "2", "3"]
    paras = by_label(passages)
    assert flat(paras["3"].text) == flat(" ".join(REPORT_3))
    order = [p.paragraph for p in passages]
    for words, operative in (("1. Encourages Member States", "operative ¶1"),
                             ("2. Invites the regional commissions", "operative ¶2")):
        p = holder(passages, words)
        assert p.paragraph.endswith(operative), (words, p.paragraph)
        assert not re.fullmatch(r"\d+(?: \(\d+\))?", p.paragraph), (words, p.paragraph)
        assert order.index("2") < order.index(p.paragraph) < order.index("3")


def test_indented_quoted_resolution_keeps_its_operative_numbers_out_of_the_report_sequence(
        tmp_path):
    pdf = UNDoc("E/CN.5/2025/4", JOB)
    pdf.start_body()
    pdf.line("I. Matters calling for action by the Council", size=12, gap=4)
    draw_paragraph(pdf, REPORT_1)
    draw_paragraph(pdf, REPORT_2)
    for lines in QUOTED:
        draw_paragraph(pdf, lines, indent=15, first_indent=10)
    draw_paragraph(pdf, REPORT_3)
    pdf.output(str(tmp_path / "quoted.pdf"))

    _check_quoted_resolution(pdf_passages(tmp_path / "quoted.pdf", title="Report"))


def test_quoted_resolution_keeps_its_operative_numbers_out_of_the_report_sequence_markdown(
        tmp_path):
    md = "\n\n".join(["# I. Matters calling for action by the Council",
                      " ".join(REPORT_1), " ".join(REPORT_2)]
                     + [" ".join(lines) for lines in QUOTED] + [" ".join(REPORT_3)]) + "\n"
    _check_quoted_resolution(md_passages(tmp_path / "quoted.md", md, "Report"))


# 3. an operative-looking verb at the margin is still the report's own paragraph ----------

# varied, so that no line repeats (digits aside) at the same height on every page, as a
# running header does
STATEMENTS = [
    "The Commission heard a statement by the representative of the Secretariat.",
    "Statements were made by the representatives of several Member States.",
    "The observer for the European Union also made a statement.",
    "A representative of a non-governmental organization made a statement.",
    "The Chair summarized the discussion held under the item.",
    "The Commission considered the documents before it under the item.",
    "Several speakers welcomed the report of the Secretary-General.",
]


def test_report_paragraph_at_the_margin_starting_with_calls_continues_the_report_sequence(
        tmp_path):
    pdf = UNDoc("E/CN.9/2025/2", JOB)
    for n in range(1, 51):
        if n % 25 == 1:
            pdf.start_body()
        pdf.line(f"{n}. {STATEMENTS[n % len(STATEMENTS)]}", gap=GAP)
    draw_paragraph(pdf, ["51. Calls from sections of the population for better access to",
                         "services were reported by several delegations."])
    draw_paragraph(pdf, ["52. The Commission concluded its consideration of the item."])
    pdf.output(str(tmp_path / "calls.pdf"))

    passages = pdf_passages(tmp_path / "calls.pdf", title="Report")
    assert main_labels(passages) == [str(n) for n in range(1, 53)]
    paras = by_label(passages)
    assert flat(paras["51"].text) == ("51. Calls from sections of the population for better "
                                      "access to services were reported by several "
                                      "delegations.")
    assert flat(paras["52"].text).startswith("52. The Commission concluded")


# 4. numbering restarted in a chapter goes on through its subsections --------------------

CHAPTERS = [
    ("heading", "Chapter I"),
    ("para", "1. The Committee held its first session in Geneva from 3 to 7 March 2025."),
    ("para", "2. The session was opened by the Chair of the Committee."),
    ("heading", "Chapter II"),
    ("para", "1. The Committee considered the organization of its work at its first meeting."),
    ("heading", "A. Election of officers"),
    ("para", "2. The Committee elected the members of its Bureau by acclamation."),
]


def _check_chapters(passages: list[Passage]) -> None:
    assert labels(passages) == ["1", "2", "II, 1", "II, 2"]
    paras = by_label(passages)
    assert flat(paras["II, 1"].text).startswith("1. The Committee considered")
    assert flat(paras["II, 2"].text).startswith("2. The Committee elected")


def test_numbering_restarted_in_a_chapter_goes_on_through_its_subsection_cited_with_chapter(
        tmp_path):
    pdf = UNDoc("A/AC.300/2025/2", JOB)
    pdf.start_body()
    for kind, text in CHAPTERS:
        if kind == "heading":
            pdf.line(text, size=12, gap=10)
        else:
            pdf.line(text, gap=GAP)
    pdf.output(str(tmp_path / "chapters.pdf"))

    _check_chapters(pdf_passages(tmp_path / "chapters.pdf", title="Report"))


def test_numbering_restarted_in_a_chapter_goes_on_through_its_subsection_markdown(tmp_path):
    md = "\n\n".join(text for _, text in CHAPTERS) + "\n"
    _check_chapters(md_passages(tmp_path / "chapters.md", md, "Report"))


# 5. parts that each number from 1 -------------------------------------------------------

PARTS = [
    ("heading", "Part One"),
    ("para", "1. The Board held its annual session in New York from 3 to 6 June 2025."),
    ("para", "2. The Board adopted the agenda and workplan for the session."),
    ("heading", "Part Two"),
    ("para", "1. The Board held its second regular session in New York in September 2025."),
    ("para", "2. The Board approved the report on its annual session."),
]
PART_LABELS = ["Part One, 1", "Part One, 2", "Part Two, 1", "Part Two, 2"]


def test_parts_each_number_from_1_and_are_cited_with_their_part(tmp_path):
    pdf = UNDoc("DP/2025/30", JOB)
    pdf.start_body()
    for kind, text in PARTS:
        if kind == "heading":
            pdf.line(text, size=12, gap=10)
        else:
            pdf.line(text, gap=GAP)
    pdf.output(str(tmp_path / "parts.pdf"))

    passages = pdf_passages(tmp_path / "parts.pdf", title="Report")
    assert labels(passages) == PART_LABELS
    assert flat(by_label(passages)["Part Two, 1"].text).startswith("1. The Board held its "
                                                                   "second regular session")


def test_parts_each_number_from_1_and_are_cited_with_their_part_markdown(tmp_path):
    md = "\n\n".join(text for _, text in PARTS) + "\n"
    assert labels(md_passages(tmp_path / "parts.md", md, "Report")) == PART_LABELS


# 6. a numbered heading with unnumbered text under it is that paragraph -------------------

SECTIONS = [
    ("1. Recommitment to peacekeeping",
     ["Member States reaffirmed their commitment to peacekeeping as one of the most",
      "effective tools of the Organization to maintain international peace and security."]),
    ("2. Partnerships",
     ["Member States underlined the importance of partnerships with regional and",
      "subregional organizations in the planning and conduct of operations."]),
]


def _check_numbered_headings(passages: list[Passage]) -> None:
    assert main_labels(passages) == ["1", "2"]
    paras = by_label(passages)
    for (head, body), label in zip(SECTIONS, ("1", "2"), strict=True):
        text = flat(paras[label].text)
        assert text.startswith(head), (label, text)
        assert flat(" ".join(body)) in text, (label, text)


def test_numbered_heading_in_main_sequence_takes_the_unnumbered_paragraph_under_it(tmp_path):
    pdf = UNDoc("A/AC.121/2025/1", JOB)
    pdf.start_body()
    for head, body in SECTIONS:
        pdf.line(head, size=12, gap=10)
        draw_paragraph(pdf, body, gap=4)
    pdf.output(str(tmp_path / "headed.pdf"))

    _check_numbered_headings(pdf_passages(tmp_path / "headed.pdf", title="Report"))


def test_numbered_heading_in_main_sequence_takes_the_paragraph_under_it_markdown(tmp_path):
    md = "\n\n".join(f"{head}\n\n{' '.join(body)}" for head, body in SECTIONS) + "\n"
    _check_numbered_headings(md_passages(tmp_path / "headed.md", md, "Report"))


# 7. "… of Annex" / "I. While …": a reference wrapped at the line end ---------------------


def test_reference_wrapped_at_line_end_stays_in_its_paragraph_and_numbering_goes_on(tmp_path):
    pdf = UNDoc("E/ICEF/2025/8", JOB)
    pdf.start_body()
    for n in range(1, 19):
        pdf.line(f"{n}. Expenditure under heading {n} was in line with the approved budget.",
                 gap=GAP)
    draw_paragraph(pdf, [
        "19. Expenditure for the biennium exceeded the estimates, as shown in table 1b of Annex",
        "I. While final figures will only be available after the closure of the accounts, the",
        "Executive Director expects the difference to be covered by other resources.",
    ])
    draw_paragraph(pdf, ["20. The Board took note of the financial situation of the Fund."])
    pdf.output(str(tmp_path / "wrapped.pdf"))

    passages = pdf_passages(tmp_path / "wrapped.pdf", title="Report")
    assert main_labels(passages) == [str(n) for n in range(1, 21)]
    paras = by_label(passages)
    assert "table 1b of Annex I. While final figures" in flat(paras["19"].text)
    assert flat(paras["19"].text).endswith("covered by other resources.")
    assert flat(paras["20"].text) == ("20. The Board took note of the financial situation of "
                                      "the Fund.")


# 8. "Item 6 of the provisional agenda" on a cover does not make an agenda ----------------

NOTE_COVER = ["Commission on Narcotic Drugs", "Sixty-eighth session",
              "Vienna, 14-18 March 2025", "Item 6 of the provisional agenda",
              "Implementation of the international drug control treaties"]
NOTE_TITLE = "Note by the Secretariat"
NOTE_PARAS = ["1. The present note contains information on the implementation of the "
              "treaties.", "2. The Commission may wish to take note of the information."]
AGENDA_COVER = ["Commission on Narcotic Drugs", "Sixty-eighth session",
                "Vienna, 14-18 March 2025"]
AGENDA_TITLE = "Provisional agenda"
AGENDA_ITEMS = ["1. Election of officers.",
                "2. Adoption of the agenda and other organizational matters."]


def test_item_of_the_provisional_agenda_on_a_cover_does_not_make_the_note_an_agenda(tmp_path):
    pdf = UNDoc("E/CN.7/2025/6", JOB)
    pdf.start_body()
    for text in NOTE_COVER:
        pdf.line(text, gap=4)
    pdf.line(NOTE_TITLE, size=12, gap=10)
    for text in NOTE_PARAS:
        pdf.line(text, gap=GAP)
    pdf.output(str(tmp_path / "note.pdf"))

    pdf = UNDoc("E/CN.7/2025/1", JOB)
    pdf.start_body()
    for text in AGENDA_COVER:
        pdf.line(text, gap=4)
    pdf.line(AGENDA_TITLE, size=12, gap=10)
    for text in AGENDA_ITEMS:
        pdf.line(text, gap=GAP)
    pdf.output(str(tmp_path / "agenda.pdf"))

    note = pdf_passages(tmp_path / "note.pdf")
    assert main_labels(note) == ["1", "2"]
    assert not [p.paragraph for p in note if p.paragraph.startswith("item")]
    agenda = pdf_passages(tmp_path / "agenda.pdf")
    assert [p.paragraph for p in agenda if p.paragraph.startswith("item")] == ["item 1",
                                                                              "item 2"]
    assert flat(by_label(agenda)["item 1"].text) == "1. Election of officers."


def test_item_of_the_provisional_agenda_on_a_cover_does_not_make_an_agenda_markdown(tmp_path):
    note_md = "\n\n".join([*NOTE_COVER, NOTE_TITLE, *NOTE_PARAS]) + "\n"
    note = md_passages(tmp_path / "note.md", note_md, NOTE_TITLE)
    assert main_labels(note) == ["1", "2"]
    assert not [p.paragraph for p in note if p.paragraph.startswith("item")]
    agenda_md = "\n\n".join([*AGENDA_COVER, AGENDA_TITLE, *AGENDA_ITEMS]) + "\n"
    agenda = md_passages(tmp_path / "agenda.md", agenda_md, AGENDA_TITLE)
    assert [p.paragraph for p in agenda if p.paragraph.startswith("item")] == ["item 1",
                                                                              "item 2"]


# 9. a citation shows the printed page number and opens the PDF page ---------------------


def test_citation_shows_the_printed_page_number_and_keeps_the_pdf_page_index(tmp_path):
    # an extract of a longer document: its first PDF page prints "3/12"
    pdf = UNDoc("A/80/12", JOB, footer_format="{job} {page}/12", first_page=3)
    pdf.start_body()
    pdf.line("1. The Committee met in Geneva from 3 to 7 March 2025 and adopted its agenda.",
             gap=GAP)
    pdf.line("2. The Committee considered the reports submitted by the States parties.",
             gap=GAP)
    pdf.start_body()
    pdf.line("3. The Committee adopted its report on the session at its final meeting.",
             gap=GAP)
    pdf.output(str(tmp_path / "printed.pdf"))

    paras = by_label(pdf_passages(tmp_path / "printed.pdf", title="Report"))
    one, three = paras["1"], paras["3"]
    assert (one.pages, one.printed_pages, one.page_label) == ((1,), ("3",), "3")
    assert (three.pages, three.printed_pages, three.page_label) == ((2,), ("4",), "4")
    for p, pdf_page in ((one, 1), (three, 2)):
        cite = Citation.from_passage(p, 1)
        assert cite.page_shown == p.page_label
        assert cite.page == pdf_page
    for p in paras.values():
        assert JOB not in p.text and "/12" not in p.text, p.text
