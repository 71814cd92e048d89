"""Progress from a job in the parsing worker reaches the caller's process as it happens
(a PDF's pages as they are read), and does not loosen the worker's limits: a job that keeps
reporting is still stopped at the time limit, and a caller whose progress callback fails
gets a worker that still answers the next file."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from paracite.errors import ParseError
from paracite.ingest import passages_for
from paracite.parsing.worker import ParseWorker
from tests.pdfgen import write_pdf


def ticking(n: int, pause: float, progress) -> int:
    """A job that reports ``n`` steps, ``pause`` seconds apart (runs in the worker)."""
    for i in range(n):
        progress("tick", i + 1, n)
        time.sleep(pause)
    return n


def test_a_pdfs_pages_are_reported_from_the_worker_as_they_are_read(tmp_path: Path):
    paras = [f"{n}. The Commission heard statements by {n} delegations on the question "
             "of international cooperation in criminal matters and on technical "
             "assistance to States that request it, and took note of the report."
             for n in range(1, 49)]
    pdf = write_pdf(tmp_path / "session.pdf", [("para", t) for t in paras])
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) == 3
    seen: list[tuple[str, int, int]] = []
    with ParseWorker(timeout_s=120, memory_mb=0) as w:
        info, passages = w.call(passages_for, pdf, {}, "session", "", name="session.pdf",
                                progress=lambda *e: seen.append(e))
    assert passages and info.pages == 3
    assert seen == [("reading", 0, 3), ("reading", 1, 3), ("reading", 2, 3),
                    ("reading", 3, 3), ("structuring", 0, 1)]


def test_a_job_that_keeps_reporting_is_still_stopped_at_the_time_limit():
    seen: list[tuple[str, int, int]] = []
    with ParseWorker(timeout_s=1, memory_mb=0) as w:
        w.call(int, "1", name="warm")  # start the worker outside the timed part
        t0 = time.monotonic()
        with pytest.raises(ParseError, match="PARACITE_PARSE_TIMEOUT_S"):
            w.call(ticking, 10_000, 0.01, name="chatty.pdf", progress=lambda *e: seen.append(e))
        assert time.monotonic() - t0 < 30
        assert seen  # it did report before it was stopped
        assert w.call(int, "7", name="next.md") == 7


def test_a_failing_progress_callback_fails_the_call_and_the_worker_goes_on():
    def fail(*event: object) -> None:
        raise KeyboardInterrupt  # e.g. the user stopped the upload

    with ParseWorker(timeout_s=60, memory_mb=0) as w:
        with pytest.raises(KeyboardInterrupt):
            w.call(ticking, 3, 0.0, name="a.md", progress=fail)
        assert w.call(ticking, 2, 0.0, name="b.md", progress=lambda *e: None) == 2
        assert w.call(int, "5", name="next.md") == 5  # no stale message from the first job


def test_without_a_progress_callback_the_job_is_called_as_before():
    with ParseWorker(timeout_s=60, memory_mb=0) as w:
        assert w.call(sorted, "cba", name="letters") == ["a", "b", "c"]
