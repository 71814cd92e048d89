"""A Markdown record with a GitHub pipe table, ingested through ``Assistant.ingest`` into a
real temporary Chroma store: its rows are stored as table-row passages, as the same table
written with tabs is (embedded with the hash embedder: the vectors are not what is tested).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

RECORD = """# Report of the Expert Group

1. The following officers were elected by acclamation:

Annex

Officers of the meeting

{table}
2. The Expert Group adopted its agenda.
"""
HEADER = ["Office", "Regional group", "Officer"]
ROWS = [["Chair", "Asia-Pacific States", "Shambhu Kumaran (India)"],
        ["Rapporteur", "Western European and other States", "Erik Planken (Netherlands)"],
        ["Vice-Chair", "", "Peter Potman (Kingdom of the Netherlands)"]]


def pipe_table() -> str:
    lines = [HEADER, ["---"] * len(HEADER), *ROWS]
    return "".join("| " + " | ".join(cells) + " |\n" for cells in lines) + "\n"


def tab_table() -> str:
    return "".join("\t".join(cells) + "\n" for cells in [HEADER, *ROWS]) + "\n"


def test_a_pipe_table_record_is_stored_as_table_row_passages(counting, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "pipes.md").write_text(RECORD.format(table=pipe_table()))
    (inbox / "tabs.md").write_text(RECORD.format(table=tab_table()))
    report = counting.ingest([inbox])
    assert report.ok, report.failed

    stored = {doc: [(p.kind, p.paragraph, p.text) for p in counting.passages(doc)]
              for doc in ("pipes", "tabs")}
    rows = [p for p in stored["pipes"] if p[0] == "table_row"]
    assert rows == [
        ("table_row", "Officers of the meeting, row 1",
         "Office: Chair; Regional group: Asia-Pacific States; Officer: Shambhu Kumaran (India)"),
        ("table_row", "Officers of the meeting, row 2",
         "Office: Rapporteur; Regional group: Western European and other States; "
         "Officer: Erik Planken (Netherlands)"),
        ("table_row", "Officers of the meeting, row 3",
         "Office: Vice-Chair; Regional group: Western European and other States; "
         "Officer: Peter Potman (Kingdom of the Netherlands)"),
    ]
    assert stored["pipes"] == stored["tabs"]
    assert not any("|" in text or "---" in text for _, _, text in stored["pipes"])
