"""The paragraph rules on small hand-made texts, one rule per test."""

from __future__ import annotations

from paracite.documents import DocumentInfo
from paracite.parsing.blocks import Block
from paracite.parsing.markdown import parse_markdown_text
from paracite.parsing.un_structure import recover

INFO = DocumentInfo(id="t", title="Report on a test", source="t.md")


def passages(md: str, infer_pages: bool = True):
    return recover(parse_markdown_text(md).blocks, INFO, infer_pages=infer_pages)


def paras(md: str) -> list[str]:
    return [p.paragraph for p in passages(md) if p.kind == "paragraph"]


def test_number_out_of_sequence_is_a_list_item_not_a_paragraph():
    md = ("# I. Intro\n\n1. First paragraph says this:\n\n3. quoted item three.\n\n"
          "2. Second paragraph.\n")
    ps = passages(md)
    assert paras(md) == ["1", "2"]
    assert "3. quoted item three." in ps[0].text


def test_numbering_restarted_under_a_heading_is_kept_apart_by_its_section():
    md = ("# I. Decisions\n\n1. Main paragraph one.\n\n2. Main paragraph two.\n\n"
          "# A. Resolution 1/1\n\n1. Operative paragraph one.\n\n2. Operative paragraph two.\n\n"
          "# II. Report\n\n3. Main paragraph three.\n")
    assert paras(md) == ["1", "2", "I.A, 1", "I.A, 2", "3"]


def test_lowercase_start_after_blank_line_continues_the_paragraph():
    ps = passages("1. The Group met in\n\nVienna and decided to continue.\n")
    assert [p.text for p in ps] == ["1. The Group met in Vienna and decided to continue."]
    assert ps[0].pages == (1, 2)


def test_closed_sentence_then_new_paragraph_is_not_joined():
    ps = passages("# A. Heading\n\nFirst paragraph ends here.\n\nSecond paragraph starts.\n")
    assert [p.paragraph for p in ps] == ["A, ¶1", "A, ¶2"]


def test_heading_is_not_joined_to_the_paragraph_below():
    ps = passages("# I. Intro\n\n(a) Opening of the meeting\n\nThe meeting opened.\n")
    assert ps[-1].text == "The meeting opened."
    assert ps[-1].section == "I. Intro > (a) Opening of the meeting"


def test_footnote_body_between_page_halves_is_lifted_out_and_attached():
    md = ("1. The Bureau⁴ met and decided\n\n⁴ Members: Chair, X (Y).\n\n"
          "to continue its work.\n")
    (p,) = passages(md)
    assert p.text == "1. The Bureau⁴ met and decided to continue its work."
    assert p.footnotes[0].marker == "4" and p.footnotes[0].text == "Members: Chair, X (Y)."


def test_markdown_footnote_syntax_is_supported():
    (p,) = passages("1. A claim.[^1]\n\n[^1]: The source.\n")
    assert p.text == "1. A claim.¹" and p.footnotes[0].text == "The source."


def test_footnote_with_no_marker_is_kept_not_lost():
    (p,) = passages("1. A paragraph.\n\n⁷ An orphan note.\n")
    assert p.footnotes[0].text == "An orphan note."


def test_table_blank_cells_repeat_the_value_above_except_the_last_column():
    md = "# Annex\n\nDay\tTime\tWhat\nMon\t10\tOpen\n\t\tAgenda\n\t3\t\n"
    rows = [p for p in passages(md) if p.kind == "table_row"]
    assert [r.text for r in rows] == [
        "Day: Mon; Time: 10; What: Open",
        "Day: Mon; Time: 10; What: Agenda",
        "Day: Mon; Time: 3",
    ]


def test_pdf_style_blocks_join_across_an_explicit_page_break():
    blocks = [
        Block("1. Speakers noted the need for", 1, 0, 30),
        Block("Cooperation was stressed by many.", 2, 31, 60, page_break_before=True),
    ]
    (p,) = recover(blocks, INFO)
    assert p.text == "1. Speakers noted the need for Cooperation was stressed by many."
    assert p.pages == (1, 2)


def test_long_unfinished_text_joins_capitalised_continuation_after_page_break():
    first = "1. " + "word " * 30 + "the Organization of American States and the African Union"
    blocks = [Block(first, 1, 0, len(first)),
              Block("Commission in that regard.", 2, 200, 230, page_break_before=True)]
    (p,) = recover(blocks, INFO)
    assert p.text.endswith("African Union Commission in that regard.")


def test_agenda_documents_label_items_and_places():
    info = DocumentInfo(id="a", title="Provisional agenda", source="a.md")
    md = ("Provisional agenda\n\n1. Opening.\n2. Closing.\n\nAnnotations\n\n1. Opening\n\n"
          "The session opens.\n")
    ps = recover(parse_markdown_text(md).blocks, info, infer_pages=True)
    assert [p.paragraph for p in ps] == ["item 1", "item 2", "item 1, ¶1"]


def test_hard_wrapped_plain_text_paragraphs_are_joined_line_by_line():
    ps = passages("1. First line\ncontinues here.\n2. Second\nparagraph.\n")
    assert [p.text for p in ps] == ["1. First line continues here.", "2. Second paragraph."]


def test_keyword_index_scores_exactly_as_rank_bm25(report, agenda):
    """The precomputed sparse BM25 must equal the reference implementation."""
    import numpy as np
    from rank_bm25 import BM25Okapi

    from paracite.store import KeywordIndex
    from paracite.text.tokens import tokenize

    passages = report + agenda
    index = KeywordIndex(passages)
    reference = BM25Okapi([tokenize(p.searchable_text()) for p in passages])
    for q in ["Who opened the meeting", "extrabudgetary resources China", "22/7 and 22/8",
              "article 32 (b) sovereignty", "meeting meeting Bureau"]:
        toks = tokenize(q)
        assert np.allclose(index.scores(toks), reference.get_scores(toks))
    hits = index.search("extrabudgetary resources", 3)
    assert hits[0].passage.paragraph == "50"
    only_agenda = index.search("Bureau", 5, ["agenda"])
    assert only_agenda and {h.passage.document for h in only_agenda} == {"agenda"}
