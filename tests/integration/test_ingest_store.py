"""Ingest into a real temporary Chroma store with the real packaged embedder (the tests
that only count statuses, passages and removals embed with the hash embedder; searches
run on a copy of the session's records store)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration



def test_ingest_of_the_bundled_records_stores_every_passage(assistant, records_copy):
    report = assistant.ingest([records_copy])
    assert report.ok, report.failed
    counts = {f.document: f.passages for f in report.added}
    assert counts == {"agenda": 47, "report": 61}
    assert report.embedded == 108
    assert assistant.store.count() == 108
    docs = {d.id: (d, n) for d, n in assistant.documents()}
    assert docs["report"][0].symbol == "UNODC/CCPCJ/EG.4/2017/4"
    assert docs["agenda"][1] == 47


def test_reingest_of_unchanged_records_embeds_nothing(counting, records_copy):
    counting.ingest([records_copy])
    again = counting.ingest([records_copy])
    assert again.embedded == 0
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    assert counting.store.count() == 108


def test_one_path_given_as_a_string_or_path_is_one_path(counting, records_copy):
    by_str = counting.ingest(str(records_copy))  # not the letters of the folder's name
    assert by_str.ok and sorted(f.document for f in by_str.added) == ["agenda", "report"]
    by_path = counting.ingest(records_copy / "report.md")
    assert [(f.document, f.status) for f in by_path.files] == [("report", "unchanged")]


def test_changed_file_has_only_its_changed_passages_replaced(counting, records_copy):
    counting.ingest([records_copy])
    path = records_copy / "report.md"
    path.write_text(path.read_text().replace("87 Member States", "88 Member States"))
    again = counting.ingest([records_copy])
    (changed,) = again.updated
    assert changed.document == "report" and changed.embedded == 1
    assert "88 Member States" in counting.passage("report", "57").text
    assert counting.store.count() == 108


def test_file_removed_from_the_inbox_has_its_passages_removed(counting, records_copy):
    counting.ingest([records_copy])
    (records_copy / "agenda.md").unlink()
    again = counting.ingest([records_copy])
    assert [(f.document, f.status, f.passages) for f in again.removed] == [
        ("agenda", "removed", 47)]
    assert [d.id for d, _ in counting.documents()] == ["report"]


def test_file_without_manifest_entry_gets_id_title_and_date_from_itself(counting, tmp_path):
    inbox = tmp_path / "drop"
    inbox.mkdir()
    (inbox / "Some_Notes.md").write_text(
        "12 May 2020\n\n# Notes of the Working Group\n\n1. The Group met in Geneva.\n")
    report = counting.ingest([inbox])
    assert report.ok
    (info, n), = counting.documents()
    assert (info.id, info.title, info.date, n) == (
        "some-notes", "Notes of the Working Group", "12 May 2020", 2)


def test_a_bad_file_is_reported_and_the_others_still_ingested(counting, records_copy):
    (records_copy / "notes.docx").write_bytes(b"PK\x03\x04 not for us")
    report = counting.ingest([records_copy])
    assert {f.document for f in report.added} == {"agenda", "report"}
    (bad,) = report.failed
    assert "notes.docx" in bad.reason and "unsupported file type" in bad.reason


def test_keyword_search_finds_exact_terms_dense_search_misses(records_store):
    hits = records_store.store.keyword_search("Who provided extrabudgetary resources?", 3)
    assert hits[0].passage.paragraph == "50"
    hits = records_store.store.keyword_search("article 32 (b)", 3)
    assert hits[0].passage.paragraph == "44"


def test_dense_search_returns_passages_with_provenance(records_store, embedder):
    vec = embedder.embed_query("Which country's representative opened the meeting?")
    hits = records_store.store.dense_search(vec, 5)
    assert "52" in [h.passage.paragraph for h in hits]
    only_agenda = records_store.store.dense_search(vec, 5, documents=["agenda"])
    assert {h.passage.document for h in only_agenda} == {"agenda"}


def test_footnote_text_is_searchable_with_its_paragraph(records_store):
    hits = records_store.store.keyword_search("Christopher Ram Canada Rapporteur Bureau", 5)
    assert any("Bureau⁴" in h.passage.text for h in hits)


def test_stored_passage_round_trips_with_its_provenance(records_store, agenda):
    stored = records_store.passage("agenda", "item 1 (b), ¶9")
    original = next(p for p in agenda if p.paragraph == "item 1 (b), ¶9")
    assert stored.text == original.text
    assert stored.footnotes == original.footnotes
    assert stored.content_hash == original.content_hash
    assert records_store.passage("agenda", "1 (b) 9") == stored


def test_cli_ingest_then_show_prints_paragraph_22_whole(tmp_path, records_copy, cli):
    home = tmp_path / "home"
    ingest = cli(home, "ingest", str(records_copy))
    assert ingest.returncode == 0, ingest.stderr
    assert "2 added" in ingest.stdout
    show = cli(home, "show", "report", "22")
    assert show.returncode == 0, show.stderr
    flat = " ".join(show.stdout.split())
    assert flat.endswith("Erik Planken (Netherlands), nominated by Western European and other "
                         "States, took up his functions as the new Rapporteur of the Expert "
                         "Group.")
    assert "22. Upon conclusion of the deliberations under agenda item 3" in flat
    missing = cli(home, "show", "report", "99")
    assert missing.returncode == 2 and "no paragraph '99'" in missing.stderr


@pytest.mark.slow
def test_the_installed_paracite_command_runs_in_its_own_process(records_home):
    """The one entry-point smoke test: the console script, a fresh interpreter, the real
    model loaded from its package (the other CLI tests call ``cli.main`` in-process)."""
    exe = Path(sys.executable).parent / "paracite"
    env = {"PARACITE_HOME": str(records_home), "HF_HUB_OFFLINE": "1",
           "PATH": str(Path(sys.executable).parent)}
    docs = subprocess.run([str(exe) if exe.exists() else "paracite", "ask",
                           "Who opened the meeting, and why?"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert docs.returncode == 0, docs.stderr
    assert "South Africa" in docs.stdout and "[1] UNODC/CCPCJ/EG.4/2017/4 ¶52, p. 9" in " ".join(
        docs.stdout.split())
