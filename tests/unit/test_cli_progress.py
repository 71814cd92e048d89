"""`paracite ingest` shows where it is: the page of the PDF it is reading, the file it
structures or stores, the passages embedded so far; file names are shown inert (a name is
whatever the user's folder held)."""

from __future__ import annotations

import re

import pytest

from paracite import cli
from paracite.ingest import FileResult, IngestProgress, IngestReport

HOSTILE = "\x1b]52;c;cm0gLXJmIH4=\x07\u202e"


def P(phase, file, done, total, files_done=0, files_total=2):  # noqa: N802 - reads as a record
    return IngestProgress(phase, file, done, total, files_done, files_total)


@pytest.mark.parametrize(("event", "label"), [
    (P("reading", "report.pdf", 3, 12), "reading report.pdf"),
    (P("structuring", "report.pdf", 0, 1), "structuring report.pdf"),
    (P("embedding", "", 120, 444), "embedding"),
    (P("storing", "report.pdf", 0, 1), "storing report.pdf"),
    (P("reembedding", "", 100, 3000, 0, 0), "re-embedding stored passages"),
])
def test_each_phase_has_a_label(event, label):
    assert cli.progress_label(event)[0] == label


def test_labels_show_a_hostile_file_name_inert():
    desc, _ = cli.progress_label(P("reading", f"a{HOSTILE}.pdf", 1, 2))
    assert desc == "reading a\\x1b]52;c;cm0gLXJmIH4=\\x07\\u202e.pdf"


def screen(err: str) -> list[str]:
    """What a terminal would show last of each bar tqdm redrew with carriage returns."""
    return [part.strip() for part in re.split(r"[\r\n]", err) if part.strip()]


def test_ingest_prints_pages_passages_and_files_as_they_progress(monkeypatch, capsys):
    def ingest(self, paths=None, *, progress=None, on_file=None, replace=False, prune=False,
               reembed=False):
        for page in range(4):
            progress(P("reading", "report.pdf", page, 3))
        progress(P("structuring", "report.pdf", 0, 1))
        progress(P("structuring", "report.pdf", 1, 1))
        progress(P("reading", f"n{HOSTILE}.md", 0, 1))
        progress(P("reading", f"n{HOSTILE}.md", 1, 1))
        for done in (0, 120, 444):
            progress(P("embedding", "", done, 444))
        progress(P("storing", "report.pdf", 0, 1))
        progress(P("storing", "report.pdf", 1, 1, files_done=1))
        res = FileResult("report.pdf", "report", "added", passages=444, embedded=444)
        on_file(res)
        return IngestReport(files=[res])

    monkeypatch.setattr(cli.Assistant, "ingest", ingest)
    assert cli.main(["ingest", "inbox"]) == 0
    captured = capsys.readouterr()
    shown = screen(captured.err)
    assert any(re.match(r"reading report\.pdf: +67%\|.*\| 2/3 ", s) for s in shown), shown
    assert any(re.match(r"embedding: +27%\|.*\| 120/444 .*passage", s) for s in shown), shown
    assert any(s.startswith("structuring report.pdf:") for s in shown), shown
    assert any(s.startswith("storing report.pdf:") and "1/2 files" in s for s in shown), shown
    assert "\x1b]52" not in captured.err and "\u202e" not in captured.err
    assert "n\\x1b]52" in captured.err
    assert "added" in captured.out and "report.pdf" in captured.out


def test_quiet_ingest_shows_no_progress(monkeypatch, capsys):
    def ingest(self, paths=None, *, progress=None, on_file=None, **kwargs):
        progress(P("embedding", "", 10, 20))
        return IngestReport()

    monkeypatch.setattr(cli.Assistant, "ingest", ingest)
    assert cli.main(["ingest", "--quiet", "inbox"]) == 0
    assert "embedding" not in capsys.readouterr().err
