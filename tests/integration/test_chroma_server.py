"""Server mode: PARACITE_CHROMA_URL points paracite at a Chroma server (`chroma run`,
started here on 127.0.0.1 with a temporary path and stopped after): same answers, same
citations as the embedded store. The server process is the point, hence `slow`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import INGEST, free_port, serving

pytestmark = [pytest.mark.integration, pytest.mark.slow]
QUESTIONS = ["Who opened the meeting, and why?", "Who is the new Rapporteur?",
             "When is agenda item 7 scheduled?", "How many Member States attended?",
             "Who was elected Chair of the fourth meeting?"]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the chroma CLI (chromadb) is not installed")
    port = free_port()
    cmd = [exe, "run", "--path", str(tmp_path_factory.mktemp("chroma")), "--host",
           "127.0.0.1", "--port", str(port)]
    with serving(cmd, port, "chroma run", timeout=60):
        yield f"http://127.0.0.1:{port}"


def test_server_mode_gives_the_same_answers_and_citations(tmp_path, chroma_url, embedder):
    import paracite

    embedded = paracite.Assistant(home=tmp_path / "embedded", embedder=embedder)
    server = paracite.Assistant(home=tmp_path / "server", chroma_url=chroma_url,
                                embedder=embedder)
    for a in (embedded, server):
        assert a.ingest([INGEST]).ok
    assert not (tmp_path / "server" / "chroma").exists()  # nothing stored locally
    assert server.store.count() == embedded.store.count() == 108
    for q in QUESTIONS:
        e, s = embedded.ask(q), server.ask(q)
        assert (s.text, s.found) == (e.text, e.found), q
        assert [(c.document, c.paragraph, c.text) for c in s.citations] == \
               [(c.document, c.paragraph, c.text) for c in e.citations]
    again = server.ingest([INGEST])
    assert again.embedded == 0  # idempotent against the server too


def test_a_reader_on_another_machine_follows_the_servers_write_generation(tmp_path,
                                                                          chroma_url,
                                                                          embedder):
    """Two processes (here two Assistants with their own homes, as on two machines) share
    a Chroma server: what one deletes or adds, the other's keyword index, document list
    and answers follow at once, with no local stamp file to tell them."""
    import paracite

    settings = {"chroma_url": chroma_url, "collection": "followers"}
    writer = paracite.Assistant(home=tmp_path / "w", embedder=embedder, **settings)
    reader = paracite.Assistant(home=tmp_path / "r", embedder=embedder, **settings)
    assert writer.ingest([INGEST]).ok
    assert reader.store.document_ids() == {"agenda", "report"}  # index built now
    stamp = reader.store.write_stamp()
    assert stamp
    writer.delete_document("agenda")
    assert reader.store.write_stamp() != stamp
    assert reader.store.document_ids() == {"report"}
    assert [d.id for d, _ in reader.documents()] == ["report"]
    assert not reader.store.keyword_search("provisional agenda", 5, ["agenda"])
    ans = reader.ask("What is the provisional agenda?")
    assert all(c.document == "report" for c in (*ans.citations, *ans.see_also))
    assert writer.ingest([INGEST]).embedded == 47
    assert reader.ask("What is the provisional agenda?").citations[0].document == "agenda"


def test_a_new_document_is_seen_by_keyword_and_meaning_in_another_home(tmp_path, chroma_url,
                                                                       embedder, monkeypatch):
    """Issue 27: a second process with its own PARACITE_HOME on the same server finds a
    document the first ingested, by keyword and by meaning, without a restart; its keyword
    index is brought up to date from that document alone (the catalog in Chroma says which
    documents changed)."""
    import paracite

    settings = {"chroma_url": chroma_url, "collection": "newcomer"}
    inbox = tmp_path / "inbox"
    shutil.copytree(INGEST, inbox)
    writer = paracite.Assistant(home=tmp_path / "w", embedder=embedder, **settings)
    reader = paracite.Assistant(home=tmp_path / "r", embedder=embedder, **settings)
    assert writer.ingest([inbox]).ok
    assert reader.store.keyword_search("Rapporteur", 3)  # the reader's index, saved
    fetched: list[list[str]] = []
    real = reader.store.passages_of
    monkeypatch.setattr(reader.store, "passages_of",
                        lambda doc_ids: fetched.append(list(doc_ids)) or real(doc_ids))
    (inbox / "bulletin.md").write_text("1. The xylographic committee met in Geneva and "
                                       "elected its own Rapporteur.\n", encoding="utf-8")
    assert writer.ingest([inbox]).added
    hits = reader.store.keyword_search("xylographic committee", 3)
    assert hits and hits[0].passage.document == "bulletin"
    assert fetched == [["bulletin"]]
    near = reader.store.dense_search(embedder.embed_query("a committee that met in Geneva"), 3)
    assert "bulletin" in {h.passage.document for h in near}
    assert [d.id for d, _ in reader.documents()] == ["agenda", "bulletin", "report"]
    ans = reader.ask("Where did the xylographic committee meet?")
    assert ans.found and ans.citations[0].document == "bulletin" and "Geneva" in ans.text


def test_the_saved_keyword_index_is_the_servers_collections_whatever_its_address(
        tmp_path, chroma_url, embedder, monkeypatch):
    """The keyword index a home keeps of a server's collection is found again when the
    server is reached by another address (localhost for 127.0.0.1, as a restart on
    another port would be): it is kept per collection id, so nothing is built again."""
    import paracite
    from paracite.store.keyword import KeywordIndex

    settings = {"home": tmp_path / "h", "collection": "addressed"}
    assert paracite.Assistant(chroma_url=chroma_url, embedder=embedder,
                              **settings).ingest([INGEST]).ok
    other = chroma_url.replace("127.0.0.1", "localhost")
    assert other != chroma_url

    def no_build(*args, **kwargs):
        raise AssertionError("the saved keyword index was built again")

    monkeypatch.setattr(KeywordIndex, "from_rows", no_build)
    again = paracite.Assistant(chroma_url=other, embedder=embedder, **settings)
    hits = again.store.keyword_search("extrabudgetary resources", 3)
    assert hits and (hits[0].passage.document, hits[0].passage.paragraph) == ("report", "50")
    assert len(list((tmp_path / "h" / "keyword").iterdir())) == 1


def test_langchain_recipes_read_the_servers_collection(tmp_path, chroma_url, embedder):
    """``paracite.vectorstore`` and ``paracite.chain`` with PARACITE_CHROMA_URL: the same
    collection on the server, nothing stored locally."""
    import paracite

    settings = paracite.Settings(home=tmp_path / "lc", chroma_url=chroma_url,
                                 collection="langchain")
    assert paracite.Assistant(settings, embedder=embedder).ingest([INGEST]).ok
    vs = paracite.vectorstore(settings=settings)
    docs = vs.as_retriever().invoke("who was elected Rapporteur")
    assert ("report", "22") in [(d.metadata["document"], d.metadata["paragraph"]) for d in docs]
    assert vs._collection.name == "langchain" and vs._collection.count() == 108
    out = paracite.chain(settings=settings).invoke("Who opened the meeting, and why?")
    assert ("report", "52") in [(c.document, c.paragraph) for c in out["answer"].citations]
    assert not (tmp_path / "lc" / "chroma").exists()
