"""Crashes and concurrent ingests leave the store whole.

- ``paracite ingest`` killed with SIGKILL in the middle of embedding: the store opens,
  answers from what it held before, and the next ingest completes; Chroma and the keyword
  index agree on the passage set.
- An ingest that dies between its writes (simulated in-process) leaves a document the
  next ingest recognises as half-written and completes.
- Two ingests on one store: the second waits for the first (or, past its wait, refuses
  with a clear error); neither corrupts the store.

Processes are started only where the process is the point: the one killed, and the one
holding the lock while another waits. Tests of bookkeeping (statuses, counts, ids, the
keyword index) embed with the hash embedder; those that ask a question, with the model.
"""

from __future__ import annotations

import logging
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
from tests.conftest import INGEST, ROOT

pytestmark = pytest.mark.integration
RECORDS = {"agenda": 47, "report": 61}
# Several chunks of embedding at PARACITE_EMBED_BATCH_SIZE=8 (64 texts a chunk): the
# subprocesses are held in the middle of it, so the record need not be long to catch them.
BIG_PARAGRAPHS = 20


def write_big_record(folder: Path) -> Path:
    """A record made from the report's own sentences, numbered 1..BIG_PARAGRAPHS."""
    text = (INGEST / "report.md").read_text(encoding="utf-8")
    sentences = [s for s in re.split(r"(?<=\.)\s+", re.sub(r"\s+", " ", text)) if len(s) > 60]
    paras = [f"{n}. In session {n}, " + " ".join(sentences[(n * 7 + j) % len(sentences)]
                                               for j in range(3))
             for n in range(1, BIG_PARAGRAPHS + 1)]
    path = folder / "zz-big.md"
    path.write_text("# Summary of sessions\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
    return path


# `paracite ingest` whose embedder (argv[1]: "model", the packaged one, or "hash", the
# tests' hash embedder) is held after its first chunk, progress shown, the ingest lock held
# and nothing written, until the file argv[2] exists: a process that is certainly in the
# middle of embedding when it is killed, or holding the lock while another waits, however
# loaded the machine is (no race against a model's pace).
HELD_INGEST = """
import sys, time
from pathlib import Path

import paracite.assistant
from paracite import cli

if sys.argv[1] == "hash":
    from tests.embedders import HashEmbedder as Base
else:
    from paracite.embed import Embedder as Base
gate = Path(sys.argv[2])

class Held(Base):
    def embed(self, texts, progress=None):
        def held(done, total):
            if progress is not None:
                progress(done, total)
            deadline = time.monotonic() + 300
            while not gate.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return super().embed(texts, held)

paracite.assistant.Embedder = Held
sys.exit(cli.main(sys.argv[3:]))
"""


class Ingest:
    """`paracite ingest` in a subprocess, its embedding held after the first chunk until
    the file ``gate`` exists (``embedder``: "model" or "hash"), with its output collected
    as it comes."""

    def __init__(self, home: Path, folder: Path, gate: Path, embedder: str) -> None:
        env = {**os.environ, "PARACITE_HOME": str(home), "PYTHONUNBUFFERED": "1",
               "HF_HUB_OFFLINE": "1", "PARACITE_EMBED_BATCH_SIZE": "8",
               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        self.proc = subprocess.Popen([sys.executable, "-c", HELD_INGEST, embedder, str(gate),
                                      "ingest", str(folder)], stdout=subprocess.PIPE,
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


@pytest.fixture()
def ingest_process():
    """``ingest_process(home, folder, gate, embedder)``: an Ingest, killed at teardown if
    it is still running (a test that failed early leaves no process behind)."""
    runs: list[Ingest] = []

    def start(home: Path, folder: Path, gate: Path, embedder: str) -> Ingest:
        runs.append(Ingest(home, folder, gate, embedder))
        return runs[-1]

    yield start
    for run in runs:
        if run.proc.poll() is None:
            run.kill()


def big_passages(folder: Path) -> int:
    """Passages the big record parses into (its BIG_PARAGRAPHS paragraphs and the heading's
    cover)."""
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


@pytest.mark.slow
def test_ingest_killed_while_embedding_leaves_a_store_that_answers(records_home, inbox,
                                                                  embedder, ingest_process,
                                                                  tmp_path):
    import paracite

    home = records_home  # the store's previous content: the two records
    with paracite.Assistant(home=home, embedder=embedder) as first:
        before = sorted(p.id for p in first.store.passages())
    assert len(before) == sum(RECORDS.values())

    run = ingest_process(home, inbox, tmp_path / "never", "model")  # held until killed
    run.wait_for_embedding()
    run.kill()
    assert run.proc.returncode == -signal.SIGKILL

    after = paracite.Assistant(home=home, embedder=embedder)
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



def test_ingest_that_dies_between_its_writes_is_completed_by_the_next(counting,
                                                                      records_copy,
                                                                      monkeypatch):
    assert counting.ingest([records_copy]).ok
    before = {d.id: d.content_hash for d, _ in counting.documents()}
    report_md = records_copy / "report.md"
    report_md.write_text(report_md.read_text().replace("Erik Planken", "Erika Planken"))

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("power cut")  # not an error paracite would catch

    monkeypatch.setattr(counting.store, "update_document_info", crash)
    with pytest.raises(KeyboardInterrupt):
        counting.ingest([records_copy])
    monkeypatch.undo()

    # Half-written: the changed paragraph is stored under its new id (ids are made from the
    # text), the old one not yet deleted, and the catalog row, written last, still holds
    # the old file hash, so the next ingest writes the document again.
    info = {d.id: d for d, _ in counting.documents()}
    assert info["report"].content_hash == before["report"]
    labelled_22 = [p.text for p in counting.passages("report") if p.paragraph == "22"]
    assert sorted("Erika Planken" in t for t in labelled_22) == [False, True]

    again = counting.ingest([records_copy])
    assert [(f.document, f.status, f.embedded) for f in again.updated] == [("report", "updated",
                                                                             0)]
    assert consistent(counting) == RECORDS
    assert "Erika Planken" in counting.passage("report", "22").text
    assert all(d.content_hash for d, _ in counting.documents())
    assert counting.ingest([records_copy]).embedded == 0


@pytest.mark.slow
def test_second_ingest_waits_for_the_first_then_finds_nothing_to_do(tmp_path, inbox,
                                                                    hash_embedder,
                                                                    ingest_process):
    import paracite

    home, gate = tmp_path / "home", tmp_path / "gate"
    run = ingest_process(home, inbox, gate, "hash")
    run.wait_for_embedding()

    impatient = paracite.Assistant(home=home, ingest_wait_s=0.5, embedder=hash_embedder)
    with pytest.raises(IngestError, match="another ingest is writing to this store"):
        impatient.ingest([inbox])

    class OpenGateWhenWaiting(logging.Handler):
        """The first ingest may finish once the second is waiting for it."""

        def emit(self, record: logging.LogRecord) -> None:
            if "another ingest is writing to this store; waiting" in record.getMessage():
                gate.touch()

    patient = paracite.Assistant(home=home, ingest_wait_s=300, embedder=hash_embedder)
    opener = OpenGateWhenWaiting()
    logging.getLogger("paracite.ingest").addHandler(opener)
    try:
        report = patient.ingest([inbox])  # blocks until the subprocess has finished
    finally:
        logging.getLogger("paracite.ingest").removeHandler(opener)
    assert gate.exists(), "the second ingest did not wait for the first"
    assert run.finish() == 0, "".join(run.err)[-2000:]
    assert report.ok and report.embedded == 0
    assert sorted(f.status for f in report.files) == ["unchanged"] * 3
    assert consistent(patient) == RECORDS | {"zz-big": big_passages(inbox)}


@pytest.fixture()
def reader_and_writer(tmp_path, records_copy, embedder):
    import paracite

    pair = []
    for _ in range(2):  # two Assistants = two processes' worth of store state
        pair.append(paracite.Assistant(home=tmp_path / "home", embedder=embedder))
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


def test_an_ingest_after_a_completed_one_lists_documents_from_its_catalog(counting,
                                                                          records_copy,
                                                                          monkeypatch):
    assert counting.ingest([records_copy]).ok
    monkeypatch.setattr(counting.store, "documents",
                        lambda: pytest.fail("read every passage to list the documents"))
    again = counting.ingest([records_copy])
    assert again.embedded == 0 and len(again.unchanged) == 2
    monkeypatch.undo()
    # A write the catalog has not seen (another process, a killed run) changes the stamp:
    # the next ingest reads the store itself and finds the document gone.
    counting.store.delete_document("agenda")
    third = counting.ingest([records_copy])
    assert [(f.document, f.passages) for f in third.added] == [("agenda", 47)]
    assert consistent(counting) == RECORDS
