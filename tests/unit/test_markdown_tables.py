"""Tables in Markdown records: GitHub pipe tables become table rows as tab tables do.

A pipe table (header line, delimiter line "|---|---|", one line a row) gives the blocks and
passages the same table written with tabs gives: ``table_row`` blocks, the header first
(``level`` 1), then one passage a row ("Date: …; Time: …", labelled "Annex, row N"), blank
cells repeating the value above. The bundled records (tab tables only) are cut exactly as
before pipe tables were read. Linear time on pipe tables: tests/unit/test_parser_limits.py.
"""

from __future__ import annotations

import hashlib
import json

from paracite.documents import DocumentInfo
from paracite.parsing.markdown import parse_markdown_text
from paracite.parsing.un_structure import recover

INFO = DocumentInfo(id="t", title="T", source="t.md")

HEADER = ["<i>Date</i>", "<i>Time</i>", "<i>Item</i>", "<i>Title or description</i>"]
ROWS = [
    ["Monday, 10 April", "10 a.m.-1 p.m.", "1 (a)", "Opening of the meeting"],
    ["", "", "1 (b)", "Adoption of the agenda"],
    ["", "3-6 p.m.", "2", "Update by the Secretariat on the status of implementation"],
    ["Tuesday, 11 April", "10 a.m.-1 p.m.", "3", "Adoption of the summaries¹"],
    ["", "", "4", "Adoption of the summaries (<i>continued</i>)"],
]
BEFORE = ("# Provisional agenda\n\n1. Opening of the meeting.\n\nAnnex\n\n"
          "Proposed organization of work\n\n")
AFTER = "¹ Summaries of the first and second meetings.\n\n\n\n2. The meeting closed at 6 p.m.\n"


def pipe_table(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "".join("| " + " | ".join(cells) + " |\n" for cells in lines)


def tab_table(header: list[str], rows: list[list[str]]) -> str:
    return "".join("\t".join(cells) + "\n" for cells in [header, *rows])


PIPE = BEFORE + pipe_table(HEADER, ROWS) + AFTER
TAB = BEFORE + tab_table(HEADER, ROWS) + AFTER


def passages(text: str):
    return recover(parse_markdown_text(text).blocks, INFO, infer_pages=True)


def test_a_pipe_table_is_cut_into_table_rows_header_first_without_its_delimiter_line():
    blocks = parse_markdown_text(PIPE).blocks
    rows = [b for b in blocks if b.kind == "table_row"]
    assert [b.level for b in rows] == [1, 0, 0, 0, 0, 0]
    assert rows[0].cells == ("Date", "Time", "Item", "Title or description")
    assert rows[2].cells == ("", "", "1 (b)", "Adoption of the agenda")
    assert rows[5].cells[3] == "Adoption of the summaries (continued)"
    assert not any("---" in b.text or "|" in "".join(b.cells) for b in blocks)
    assert PIPE[rows[1].start:rows[1].end].startswith("| Monday, 10 April |")


def test_a_pipe_table_gives_the_passages_the_same_table_with_tabs_gives():
    def view(text: str):
        return [(p.kind, p.paragraph, p.section, p.pages, p.text,
                 [(f.marker, f.text) for f in p.footnotes]) for p in passages(text)]

    assert view(PIPE) == view(TAB)
    rows = [p for p in passages(PIPE) if p.kind == "table_row"]
    assert [p.paragraph for p in rows] == [f"Annex, row {n}" for n in range(1, 6)]
    assert rows[1].text == ("Date: Monday, 10 April; Time: 10 a.m.-1 p.m.; Item: 1 (b); "
                            "Title or description: Adoption of the agenda")
    assert rows[1].section == "Annex > Proposed organization of work"
    assert [(f.marker, f.text) for f in rows[3].footnotes] == [
        ("1", "Summaries of the first and second meetings.")]


def test_page_breaks_around_a_pipe_table_count_as_around_a_tab_table():
    text = "1. Before the table.\n\n\n\n" + pipe_table(["A", "B"], [["x", "y"]]) + \
        "\n\n\n\n2. After the table.\n"
    assert [(p.kind, p.pages) for p in passages(text)] == [
        ("paragraph", (1,)), ("table_row", (2,)), ("paragraph", (3,))]


def test_pipe_table_cells_are_cleaned_like_tab_cells_and_escaped_pipes_kept():
    table = pipe_table(["**Office**", "Officer"], [
        ["Chair", "[Ms. A](https://example.org/a) (Chile)"],
        ["Rapporteur", "Mr. B \\| Mr. C"]])
    rows = [b for b in parse_markdown_text(table).blocks if b.kind == "table_row"]
    assert [b.cells for b in rows] == [("Office", "Officer"), ("Chair", "Ms. A (Chile)"),
                                       ("Rapporteur", "Mr. B | Mr. C")]


def test_a_pipe_table_right_under_a_paragraph_line_ends_that_paragraph():
    text = "1. The officers elected were:\n" + pipe_table(["Office", "Officer"],
                                                      [["Chair", "Ms. A"]])
    kinds = [(b.kind, b.text) for b in parse_markdown_text(text).blocks]
    assert kinds == [("text", "1. The officers elected were:"), ("table_row", "Office | Officer"),
                     ("table_row", "Chair | Ms. A")]


def test_pipes_without_a_delimiter_line_and_tables_in_code_fences_stay_text():
    text = ("1. The vote was 10 | 2 | 3.\n| not | a table |\n\n"
            "```\n| A | B |\n|---|---|\n| x | y |\n```\n")
    assert not [b for b in parse_markdown_text(text).blocks if b.kind == "table_row"]


def test_a_footnote_line_under_a_pipe_table_stays_a_footnote():
    text = pipe_table(["A", "B"], [["x¹", "y"]]) + "¹ The note.\n| z | w |\n"
    blocks = parse_markdown_text(text).blocks
    assert [(b.kind, b.text) for b in blocks] == [
        ("table_row", "A | B"), ("table_row", "x¹ | y"), ("footnote", "The note."),
        ("table_row", "z | w")]


# The bundled records have tab tables and no pipe table: reading pipe tables changed none
# of their passages. Digests of every passage (all fields but the vectors) as ingest makes
# them, taken before pipe tables were read. A deliberate change to structure recovery
# changes them too: compare the passages before and after, then update the digests.
RECORD_DIGESTS = {
    "agenda.md": (47, "92fe2a8335d4e66431c9f295de22eac8d0abc9c1b1c0bc4301ac7cee135bc38c"),
    "report.md": (61, "663b2ff0d3a9990aa1bd594c5e71394899abe55ff2693e553f238f965e3d3fbd"),
}
FIELDS = {"document", "title", "symbol", "date", "paragraph", "section", "pages",
          "printed_pages", "start", "end", "kind", "order", "text", "footnotes"}


def digest(records) -> tuple[int, str]:
    h = hashlib.sha256()
    for p in records:
        h.update(json.dumps(p.model_dump(mode="json", include=FIELDS), ensure_ascii=False,
                            sort_keys=True).encode())
        h.update(b"\n")
    return len(records), h.hexdigest()


def test_the_bundled_records_give_the_same_passages_as_before_pipe_tables(agenda, report):
    assert digest(agenda) == RECORD_DIGESTS["agenda.md"]
    assert digest(report) == RECORD_DIGESTS["report.md"]
