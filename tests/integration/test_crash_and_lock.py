"""Crashes and concurrent ingests leave the store whole.

- ``paracite ingest`` killed with SIGKILL in the middle of embedding: the store opens,
  answers from what it held before, and the next ingest completes; Chroma and the keyword
  index agree on the passage set.
- An ingest that dies between its writes (simulated in-process) leaves a document the
  next ingest recognises as half-written and completes.
- Two ingests on one store: the second waits for the first (or, past its wait, refuses
  with a clear error); neither corrupts the store.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from paracite.errors import IngestError
from tests.conftest import INGEST

pytestmark = pytest.mark.integration
RECORDS = {"agenda": 47, "report": 61}
BIG_PARAGRAPHS = 400


def write_big_record(folder: Path) -> Path:
    """A long record made from the report's own sentences, numbered 1..BIG_PARAGRAPHS."""
    text = (INGEST / "report.md").read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=\.)\s+", re.sub(r"\s+", " ", text)) if len(s) > 60]
    paras = [f"{n}. In session {n}, " + " ".join(sentences[(n * 7 + j) % len(sentences)]
                                               for j in range(3))
             for n in range(1, BIG_PARAGRAPHS + 1)]
    path = folder / "zz-big.md"
    path.write_text("# Summary of sessions\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    return path


class Ingest:
    """`paracite ingest` in a subprocess, with its output collected as it comes."""

    def __init__(self, home: Path, folder: Path) -> None:
        env = {**os.environ, "PARACITE_HOME": str(home), "PYTHONUNBUFFERED": "1",
               "HF_HUB_OFFLINE": "1", "PARACITE_EMBED_BATCH_SIZE": "8"}
        self.proc = subprocess.Popen([sys.executable, "-m", "paracite.cli", "ingest",
                                      str(folder)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, env=env)
        self.out, self.err = [], []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _pump(stream, sink) -> None:
        for chunk in iter(lambda: stream.read1(4096), b""):
            sink.append(chunk.decode(errors="replace"))

    def wait_for_embedding(self, timeout: float = 120) -> None:
        """Until the big file's embedding has made progress (records are done by then)."""
        deadline = time.monotonic() + timeout
        while not re.search(r"embedding:\s+\d+%.*\| *[1-9]\d*/", "".join(self.err)):
            assert self.proc.poll() is None, "".join(self.err)[-2000:]
            assert time.monotonic() < deadline, "".join(self.err)[-2000:]
            time.sleep(0.1)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def finish(self, timeout: float = 300) -> int:
        return self.proc.wait(timeout=timeout)


def big_passages(folder: Path) -> int:
    """Passages the big record parses into (its 400 paragraphs and the heading's cover)."""
    from paracite.ingest import passages_for

    return len(passages_for(folder / "zz-big.md", {}, "zz-big", "")[1])


def consistent(assistant) -> dict[str, int]:
    """Chroma and a freshly built keyword index hold the same passages; counts by doc."""
    from paracite.store import KeywordIndex

    stored = assistant.store.passages()
    index = KeywordIndex.build(assistant.store.pages(), assistant.store.get_passages)
    assert sorted(index.ids) == sorted(p.id for p in stored)
    assert sorted(assistant.store.keyword.ids) == sorted(p.id for p in stored)
    counts: dict[str, int] = {}
    for p in stored:
        counts[p.document] = counts.get(p.document, 0) + 1
    return counts


@pytest.fixture()
def inbox(records_copy):
    write_big_record(records_copy)
    return records_copy


def test_ingest_killed_while_embedding_leaves_a_store_that_answers(tmp_path, inbox,
                                                                  embedder):
    import paracite

    home = tmp_path / "home"
    first = paracite.Assistant(home=home)
    first.embedder = embedder
    assert first.ingest([INGEST]).ok  # the store's previous content: the two records
    before = sorted(p.id for p in first.store.passages())
    del first

    run = Ingest(home, inbox)
    run.wait_for_embedding()
    run.kill()
    assert run.proc.returncode == -signal.SIGKILL

    after = paracite.Assistant(home=home)
    after.embedder = embedder
    assert sorted(p.id for p in after.store.passages()) == before
    assert consistent(after) == RECORDS
    ans = after.ask("Who is the new Rapporteur?")
    assert ans.found and ans.citations[0].paragraph == "22"

    report = after.ingest([inbox])
    assert report.ok and [f.document for f in report.added] == ["zz-big"]
    assert consistent(after) == RECORDS | {"zz-big": big_passages(inbox)}
    # zz-big repeats the report's sentences, so the report is asked for by name
    ans = after.ask("Who is the new Rapporteur?", documents=["report"])
    assert ans.citations[0].paragraph == "22"


def test_ingest_that_dies_between_its_writes_is_completed_by_the_next(assistant,
                                                                      records_copy,
                                                                      monkeypatch):
    assert assistant.ingest([records_copy]).ok
    report_md = records_copy / "report.md"
    report_md.write_text(report_md.read_text().replace("Erik Planken", "Erika Planken"))

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")  # not an error paracite would catch

    monkeypatch.setattr(assistant.store, "update_document_info", crash)
    with pytest.raises(KeyboardInterrupt):
        assistant.ingest([records_copy])
    monkeypatch.undo()

    # Half-written: the changed paragraph is new, the rest still carries the old file hash.
    info = {d.id: d for d, _ in assistant.documents()}
    assert info["report"].content_hash == ""
    assert "Erika Planken" in assistant.passage("report", "22").text

    again = assistant.ingest([records_copy])
    assert [(f.document, f.status, f.embedded) for f in again.updated] == [("report", "updated",
                                                                             0)]
    assert consistent(assistant) == RECORDS
    assert all(d.content_hash for d, _ in assistant.documents())
    assert assistant.ingest([records_copy]).embedded == 0


def test_second_ingest_waits_for_the_first_then_finds_nothing_to_do(tmp_path, inbox,
                                                                    embedder):
    import paracite

    home = tmp_path / "home"
    run = Ingest(home, inbox)
    run.wait_for_embedding()

    impatient = paracite.Assistant(home=home, ingest_wait_s=0.5)
    impatient.embedder = embedder
    with pytest.raises(IngestError, match="another ingest is writing to this store"):
        impatient.ingest([inbox])

    patient = paracite.Assistant(home=home, ingest_wait_s=300)
    patient.embedder = embedder
    report = patient.ingest([inbox])  # blocks until the subprocess has finished
    assert run.finish() == 0, "".join(run.err)[-2000:]
    assert report.ok and report.embedded == 0
    assert sorted(f.status for f in report.files) == ["unchanged"] * 3
    assert consistent(patient) == RECORDS | {"zz-big": big_passages(inbox)}


@pytest.fixture()
def reader_and_writer(tmp_path, records_copy, embedder):
    import paracite

    pair = []
    for _ in range(2):  # two Assistants = two processes' worth of store state
        a = paracite.Assistant(home=tmp_path / "home")
        a.embedder = embedder
        pair.append(a)
    reader, writer = pair
    assert writer.ingest([records_copy]).ok
    assert reader.ask("Who is the new Rapporteur?").citations[0].document == "report"
    (records_copy / "report.md").unlink()
    (records_copy / "bulletin.md").write_text("1. The xylographic committee met in Geneva "
                                              "and elected its own Rapporteur.\n")
    return reader, writer


def test_a_reader_follows_what_another_process_wrote(reader_and_writer, records_copy):
    reader, writer = reader_and_writer
    writer.ingest([records_copy])
    hits = reader.store.keyword_search("xylographic committee", 3)
    assert hits and hits[0].passage.document == "bulletin"
    assert {h.passage.document for h in reader.store.keyword_search("Rapporteur", 10)} <= {
        "agenda", "bulletin"}
    assert reader.store.count() == 47 + 1
    ans = reader.ask("Where did the xylographic committee meet?")
    assert ans.found and ans.citations[0].document == "bulletin" and "Geneva" in ans.text


def test_keyword_hits_deleted_by_another_process_are_dropped_then_rebuilt(
        reader_and_writer, records_copy, monkeypatch):
    reader, writer = reader_and_writer
    monkeypatch.setattr(reader.store, "write_stamp", lambda: "never changes")
    reader.store.keyword_search("Rapporteur", 5)  # index built before the other write
    writer.ingest([records_copy])
    stale = reader.store.keyword_search("Rapporteur", 10)
    assert all(h.passage.document != "report" for h in stale)
    fresh = reader.store.keyword_search("xylographic committee", 3)  # index rebuilt
    assert fresh and fresh[0].passage.document == "bulletin"


def test_an_ingest_after_a_completed_one_lists_documents_from_its_catalog(assistant,
                                                                          records_copy,
                                                                          monkeypatch):
    assert assistant.ingest([records_copy]).ok
    monkeypatch.setattr(assistant.store, "documents",
                        lambda: pytest.fail("read every passage to list the documents"))
    again = assistant.ingest([records_copy])
    assert again.embedded == 0 and len(again.unchanged) == 2
    monkeypatch.undo()
    # A write the catalog has not seen (another process, a killed run) changes the stamp:
    # the next ingest reads the store itself and finds the document gone.
    assistant.store.delete_document("agenda")
    third = assistant.ingest([records_copy])
    assert [(f.document, f.passages) for f in third.added] == [("agenda", 47)]
    assert consistent(assistant) == RECORDS
