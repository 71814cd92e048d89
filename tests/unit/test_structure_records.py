"""Structure recovery on the two bundled records: every citation stands on this."""

from __future__ import annotations

import re

import pytest

from paracite.documents import Passage


def numbered(passages: list[Passage]) -> dict[str, Passage]:
    return {p.paragraph: p for p in passages if re.fullmatch(r"\d+", p.paragraph)}


def test_report_yields_paragraphs_1_to_60_exactly_once_in_order(report):
    labels = [p.paragraph for p in report if p.kind == "paragraph"]
    assert labels == [str(n) for n in range(1, 61)]


def test_every_report_paragraph_starts_with_its_own_number(report):
    for p in numbered(report).values():
        assert p.text.startswith(f"{p.paragraph}. ")


def test_page_break_inside_paragraph_4_is_joined(report):
    p4 = numbered(report)["4"]
    assert p4.text.endswith("legal or other responses to cybercrime.")
    assert "strengthen existing responses and to propose" in p4.text
    assert p4.pages == (1, 2)


@pytest.mark.parametrize(("label", "left", "right"), [
    ("11", "Crime Prevention and", "Criminal Justice resolutions 22/7 and 22/8"),
    ("16", "Speakers also shared their experiences", "related to technical assistance"),
    ("23", "Consideration of the draft comprehensive", "study of the problem of cybercrime"),
    ("29", "in relation to capacity-building", "and technical assistance issues"),
    ("33", "in a timely manner. Some speakers", "provided examples of successful"),
    ("38", "One speaker stated that such an instrument", "should address, among other"),
])
def test_paragraph_cut_by_page_break_is_one_passage(report, label, left, right):
    text = numbered(report)[label].text
    assert f"{left} {right}" in text
    assert len(numbered(report)[label].pages) == 2


def test_agenda_quoted_inside_paragraph_56_stays_inside_it(report):
    p56 = numbered(report)["56"]
    assert "8. Adoption of the report" in p56.text
    assert "5. Exchange of information:" in p56.text
    assert "(d) International cooperation." in p56.text
    assert numbered(report)["57"].text.startswith("57. The meeting was attended by")


def test_chapter_list_stays_inside_paragraph_7(report):
    p7 = numbered(report)["7"]
    assert "Chapter 3. Legislation and frameworks" in p7.text
    assert p7.text.endswith("Chapter 8. Prevention")
    assert "Chapter 3" not in p7.section


def test_documentation_list_stays_inside_paragraph_59(report):
    p59 = numbered(report)["59"]
    assert "(a) Provisional agenda (UNODC/CCPCJ/EG.4/2017/1/Rev.1);" in p59.text
    assert p59.text.endswith("(UNODC/CCPC/EG.4/2017/CRP.2).")  # sic, as printed


def test_no_passage_carries_page_break_debris_or_markdown(report, agenda):
    for p in report + agenda:
        assert "\n\n" not in p.text
        assert "](#)" not in p.text and "**" not in p.text and "<i>" not in p.text
        assert "  " not in p.text


def test_no_footnote_body_in_running_text(agenda):
    for p in agenda:
        assert "General Assembly resolution 65/230, annex." not in p.text
        assert "Available at www.unodc.org" not in p.text
        assert "The members of the reconvened Bureau" not in p.text


def test_section_paths_follow_the_headings(report):
    n = numbered(report)
    assert n["52"].section == ("III. Organization of the meeting > A. Opening of the meeting")
    assert n["1"].section == "I. Introduction"
    assert n["60"].section == "IV. Adoption of the report"
    assert n["30"].section.startswith("III. Summary of deliberations > D. Exchange of")


def test_markdown_links_keep_their_text(report):
    assert "(E/CN.15/2011/19, annexes I and II)" in numbered(report)["2"].text


def test_cover_holds_date_and_title(report):
    cover = report[0]
    assert cover.kind == "front_matter" and cover.paragraph == "cover"
    assert "24 April 2017" in cover.text
    assert "held in Vienna from 10 to 13 April 2017" in cover.text


# -- the agenda ------------------------------------------------------------------------

def by_label(passages: list[Passage]) -> dict[str, Passage]:
    return {p.paragraph: p for p in passages}


def test_agenda_paragraph_cut_by_footnote_and_page_break_is_joined(agenda):
    p = next(p for p in agenda if "commissioned the translation" in p.text)
    assert "into all six official languages of the United Nations² and disseminated" in p.text
    assert p.paragraph == "item 1 (b), ¶8"


def test_footnote_4_is_attached_to_the_bureau_paragraph(agenda):
    p = next(p for p in agenda if "Bureau⁴" in p.text)
    assert [f.marker for f in p.footnotes] == ["4"]
    assert "Christopher D. Ram (Canada)" in p.footnotes[0].text
    assert "Christopher D. Ram" in p.searchable_text()
    assert p.paragraph == "item 1 (b), ¶9"


def test_footnotes_1_to_3_are_attached_where_their_markers_are(agenda):
    owners = {f.marker: p for p in agenda for f in p.footnotes}
    assert sorted(owners) == ["1", "2", "3", "4"]
    assert "World,¹" in owners["1"].text
    assert "United Nations²" in owners["2"].text and "UNODC.³" in owners["3"].text


def test_unnumbered_agenda_paragraphs_are_labelled_by_place(agenda):
    labels = by_label(agenda)
    assert labels["item 1 (a), ¶1"].text.startswith("The third meeting of the Expert Group")
    assert labels["item 1 (b), ¶3"].text.startswith("In its resolution 67/189")
    assert labels["item 2, Documentation, ¶2"].text.startswith("Note by the Secretariat")
    assert labels["item 8, ¶1"].text.startswith("Under agenda item 8")


def test_provisional_agenda_items_keep_their_sub_items(agenda):
    labels = by_label(agenda)
    assert labels["item 5"].text.startswith("5. Exchange of information:")
    assert "(c) Technical assistance;" in labels["item 5"].text
    assert labels["item 5"].section == "Provisional agenda"


def test_annex_rows_carry_the_date_from_the_row_above(agenda):
    rows = [p for p in agenda if p.kind == "table_row"]
    assert len(rows) == 13
    row = next(p for p in rows if "Item: 1 (b)" in p.text)
    assert row.text.startswith("Date: Monday, 10 April; Time: 10 a.m.-1 p.m.;")
    assert row.text.endswith("Title or description: Adoption of the agenda")
    thursday = [p for p in rows if "Thursday, 13 April" in p.text]
    assert [p.text.split("Item: ")[1][:1] for p in thursday] == ["7", "8"]
    assert "Adoption of the summaries (continued)" in rows[4].text
    assert rows[0].paragraph == "Annex, row 1"
    assert rows[0].section == "Annex > Proposed organization of work"


def test_every_passage_has_provenance(report, agenda):
    for p in report + agenda:
        assert p.document and p.title and p.paragraph
        assert p.pages and p.end > p.start
        assert len(p.content_hash) == 64
    assert len({p.paragraph for p in agenda}) == len(agenda)
