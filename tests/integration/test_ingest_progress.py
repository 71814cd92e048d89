"""Ingest progress comes in phases a person can follow: reading (page by page for a PDF,
the PDF being read in the parse worker's process), structuring, embedding (counted in
passages, ending at the count the report gives) and storing, with the files done so far.

Before: one ``progress(done, total)`` during embedding only, counting passages and their
sentences ("256/965") where the report then said "444 passages embedded", and nothing at
all while a PDF was read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from paracite.ingest import IngestProgress
from tests.pdfgen import write_pdf

pytestmark = pytest.mark.integration

PARAGRAPHS = [f"{n}. The Commission considered item {n} of its agenda and heard statements "
              f"by the representatives of {n + 10} Member States on the question of "
              "drug control, crime prevention and the measures taken since its last "
              "session to strengthen international cooperation in these fields. "
              "Several speakers stressed the need for technical assistance."
              for n in range(1, 31)]


def three_page_pdf(folder: Path) -> Path:
    path = write_pdf(folder / "session.pdf",
                     [("heading", "I. Organization of the session"),
                      *(("para", t) for t in PARAGRAPHS)], symbol="E/CN.7/2025/98")
    from pypdf import PdfReader

    assert len(PdfReader(path).pages) == 3  # what the test is about: a 3-page PDF
    return path


def markdown(folder: Path) -> Path:
    path = folder / "notes.md"
    path.write_text("# Notes of the meeting\n\n"
                    "1. The Chair opened the meeting and welcomed the delegations.\n\n"
                    "2. The meeting adopted its agenda. It then elected its officers. "
                    "The Rapporteur was elected by acclamation.\n\n"
                    "3. The meeting closed at 6 p.m.\n", encoding="utf-8")
    return path


def phases_of(events: list[IngestProgress], name: str) -> list[str]:
    """The phases of one file's events, in order, repeats collapsed."""
    out: list[str] = []
    for e in events:
        if e.file == name and (not out or out[-1] != e.phase):
            out.append(e.phase)
    return out


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    three_page_pdf(inbox)
    markdown(inbox)
    return inbox


def test_each_file_is_read_structured_embedded_and_stored_in_that_order(counting, folder):
    events: list[IngestProgress] = []
    report = counting.ingest([folder], progress=events.append)
    assert report.ok, report.failed
    assert {f.status for f in report.files} == {"added"}
    for name in ("session.pdf", "notes.md"):
        assert phases_of(events, name) == ["reading", "structuring", "storing"], name
        mine = [i for i, e in enumerate(events) if e.file == name]
        structured = max(i for i in mine if events[i].phase == "structuring")
        stored = min(i for i in mine if events[i].phase == "storing")
        assert any(e.phase == "embedding" for e in events[structured:stored]), name
    assert {e.phase for e in events} == {"reading", "structuring", "embedding", "storing"}


def test_a_pdf_is_read_page_by_page_across_the_worker_process(counting, folder):
    events: list[IngestProgress] = []
    counting.ingest([folder], progress=events.append)
    pages = [(e.done, e.total) for e in events
             if e.phase == "reading" and e.file == "session.pdf"]
    assert pages == [(0, 3), (1, 3), (2, 3), (3, 3)]
    text = [(e.done, e.total) for e in events if e.phase == "reading" and e.file == "notes.md"]
    assert text == [(0, 1), (1, 1)]  # a text file is read in one step


def test_embedding_counts_passages_and_ends_at_the_number_the_report_gives(counting, folder):
    events: list[IngestProgress] = []
    report = counting.ingest([folder], progress=events.append)
    embedding = [e for e in events if e.phase == "embedding"]
    assert embedding and all(e.file == "" for e in embedding)  # the run's, not one file's
    done = [e.done for e in embedding]
    assert done == sorted(done)
    assert (embedding[-1].done, embedding[-1].total) == (report.embedded, report.embedded)
    assert report.embedded == sum(f.passages for f in report.added) > len(PARAGRAPHS)


def test_files_done_rises_to_files_total(counting, folder):
    events: list[IngestProgress] = []
    counting.ingest([folder], progress=events.append)
    assert {e.files_total for e in events} == {2}
    done = [e.files_done for e in events]
    assert done == sorted(done) and done[0] == 0 and done[-1] == 2


def test_a_changed_file_counts_only_its_passages_embedded_again(counting, folder):
    counting.ingest([folder])
    md = folder / "notes.md"
    md.write_text(md.read_text(encoding="utf-8").replace("6 p.m.", "7 p.m."),
                  encoding="utf-8")
    events: list[IngestProgress] = []
    report = counting.ingest([folder], progress=events.append)
    assert [f.status for f in report.files] == ["unchanged", "updated"]
    assert report.embedded == 1
    embedding = [(e.done, e.total) for e in events if e.phase == "embedding"]
    assert embedding[-1] == (1, 1)
    assert not [e for e in events if e.file == "session.pdf"]  # unchanged: not read
    assert events[-1].files_done == events[-1].files_total == 2


def test_reembedding_the_store_is_its_own_phase_counted_in_stored_passages(counting, folder):
    first = counting.ingest([folder])
    events: list[IngestProgress] = []
    report = counting.ingest([folder], progress=events.append, reembed=True)
    again = [(e.done, e.total) for e in events if e.phase == "reembedding"]
    stored = sum(f.passages for f in first.files)
    assert report.reembedded == stored
    assert again and again[-1] == (stored, stored)
    assert not [e for e in events if e.phase == "embedding"]  # the files are unchanged
