"""The documents catalog (a second Chroma collection) and the saved keyword index: written
by ingest with the passages, opened by readers without reading every passage, brought up
to date document by document. Real temporary stores, the hash embedder (no meaning asked)."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import INGEST

pytestmark = pytest.mark.integration
RECORDS = {"agenda": 47, "report": 61}


def _no_scan(monkeypatch, store) -> None:
    """Fail the test if the store reads every passage (a scan) from here on."""
    monkeypatch.setattr(store, "pages", lambda: pytest.fail("scanned every passage"))
    monkeypatch.setattr(store, "_get", lambda *a, **k: pytest.fail("read passages in bulk"))


def test_documents_come_from_the_catalog_without_reading_passages(counting, records_copy,
                                                                  monkeypatch):
    assert counting.ingest([records_copy]).ok
    _no_scan(monkeypatch, counting.store)
    assert {d.id: n for d, n in counting.documents()} == RECORDS
    assert counting.store.document_ids() == set(RECORDS)
    assert counting.store.passage_count("report") == 61
    assert counting.store.passage_count("nothing") == 0


def test_a_new_process_opens_the_saved_keyword_index_without_building_it(
        counting, records_copy, hash_embedder, monkeypatch):
    import paracite
    from paracite.store import KeywordIndex

    assert counting.ingest([records_copy]).ok
    expected = [(h.passage.id, round(h.score, 5))
                for h in counting.store.keyword_search("elected Rapporteur", 5)]
    other = paracite.Assistant(home=counting.settings.home, embedder=hash_embedder)
    _no_scan(monkeypatch, other.store)
    monkeypatch.setattr(KeywordIndex, "from_rows",
                        classmethod(lambda *a: pytest.fail("rebuilt the keyword index")))
    got = [(h.passage.id, round(h.score, 5))
           for h in other.store.keyword_search("elected Rapporteur", 5)]
    assert got == expected and got
    assert other.store.lexicon.idf("rapporteur") == counting.store.lexicon.idf("rapporteur")
    other.close()


def test_the_keyword_index_is_brought_up_to_date_only_from_the_changed_document(
        counting, records_copy, monkeypatch):
    assert counting.ingest([records_copy]).ok
    fetched: list[list[str]] = []
    real = counting.store.passages_of

    def spy(doc_ids):
        fetched.append(list(doc_ids))
        return real(doc_ids)

    monkeypatch.setattr(counting.store, "passages_of", spy)
    report = records_copy / "report.md"
    report.write_text(report.read_text().replace("Erik Planken", "Xylophon Planken"))
    assert counting.ingest([records_copy]).embedded == 1
    assert fetched == [["report"]]
    hits = counting.store.keyword_search("Xylophon", 3)
    assert hits and hits[0].passage.document == "report"
    assert not counting.store.keyword_search("Erik", 3)


def test_an_ingest_that_finds_nothing_changed_writes_nothing(counting, records_copy,
                                                             monkeypatch):
    assert counting.ingest([records_copy]).ok
    stamp = counting.store.write_stamp()
    monkeypatch.setattr(counting.store, "sync_keyword", lambda: pytest.fail("synced"))
    again = counting.ingest([records_copy])
    assert again.embedded == 0 and len(again.unchanged) == 2
    assert counting.store.write_stamp() == stamp


def test_a_delete_takes_the_document_out_of_catalog_and_saved_index(counting, records_copy,
                                                                    hash_embedder):
    import paracite

    assert counting.ingest([records_copy]).ok
    counting.delete_document("agenda")
    fresh = paracite.Assistant(home=counting.settings.home, embedder=hash_embedder)
    assert [d.id for d, _ in fresh.documents()] == ["report"]
    assert fresh.store.keyword.documents == {"report"}
    assert not fresh.store.keyword_search("provisional agenda", 5, ["agenda"])
    fresh.close()


def test_a_store_made_before_the_catalog_gets_one(counting, records_copy, monkeypatch):
    """An older store (passages only): read from a scan in memory (reading never
    writes); the next write makes its catalog from that scan."""
    from paracite.store.catalog import catalog_name

    assert counting.ingest([records_copy]).ok
    store = counting.store
    store._client.delete_collection(catalog_name(store.settings.collection))
    shutil.rmtree(store.settings.home / "keyword")
    store.close()
    assert {d.id: n for d, n in counting.documents()} == RECORDS  # from the scan
    assert store._catalog_collection(write=False) is None  # nothing written by reading
    hits = store.keyword_search("elected Rapporteur", 3)
    assert hits and hits[0].passage.document == "report"
    again = counting.ingest([records_copy])
    assert again.embedded == 0 and len(again.unchanged) == 2
    store.commit_document(counting.documents()[0][0], 47)  # a write makes the catalog
    _no_scan(monkeypatch, store)
    assert {d.id: n for d, n in counting.documents()} == RECORDS


@pytest.mark.parametrize("damaged", ["documents.json", "ids.npy"])
def test_a_damaged_saved_index_is_built_again(counting, records_copy, hash_embedder, damaged):
    import paracite

    assert counting.ingest([records_copy]).ok
    builds = counting.settings.home / "keyword" / counting.settings.collection / "builds"
    (build,) = list(builds.iterdir())
    (build / damaged).write_text("{not json")
    fresh = paracite.Assistant(home=counting.settings.home, embedder=hash_embedder)
    hits = fresh.store.keyword_search("elected Rapporteur", 3)
    assert hits and hits[0].passage.document == "report"
    assert [b.name for b in builds.iterdir()] != [build.name]  # a new build is current
    fresh.close()


def test_an_unwritable_keyword_folder_gets_its_index_in_memory(tmp_path, hash_embedder):
    """Where the index cannot be saved (here a file stands where its folder would be, which
    stops root too), it is built in memory and the answers are the same."""
    import paracite

    home = tmp_path / "home"
    with paracite.Assistant(home=home, embedder=hash_embedder) as a:
        assert a.ingest([INGEST]).ok
        expected = [h.passage.id for h in a.store.keyword_search("elected Rapporteur", 5)]
    shutil.rmtree(home / "keyword")
    (home / "keyword").write_text("not a folder")
    with paracite.Assistant(home=home, embedder=hash_embedder) as reader:
        got = [h.passage.id for h in reader.store.keyword_search("elected Rapporteur", 5)]
    assert got == expected and got
    assert (home / "keyword").read_text() == "not a folder"


def test_inserting_a_paragraph_embeds_that_one_passage_only(counting, records_copy):
    """Passage ids are made from the document, label and text: a paragraph inserted into
    the report is the one new passage; those after it keep their ids and vectors, and only
    their reading order moves."""
    assert counting.ingest([records_copy]).ok
    before = {p.id: p for p in counting.passages("report")}
    report = records_copy / "report.md"
    lines = report.read_text(encoding="utf-8").split("\n")
    at = next(n for n, line in enumerate(lines) if line.startswith("21. After the presentation"))
    lines[at + 1:at + 1] = ["", "The Chair also thanked the interpreters and the conference "
                                "services for their support to the Expert Group."]
    report.write_text("\n".join(lines), encoding="utf-8")
    again = counting.ingest([records_copy])
    assert [(f.document, f.passages, f.embedded) for f in again.updated] == [("report", 62, 1)]
    after = {p.id: p for p in counting.passages("report")}
    (new,) = set(after) - set(before)
    assert "interpreters" in after[new].text and not set(before) - set(after)
    moved = [i for i in before if after[i].order != before[i].order]
    assert moved and all(after[i].order == before[i].order + 1 for i in moved)
    near = counting.neighbours([new])[new]
    assert near[0] is not None and near[0].text.startswith("21.")
    assert near[1] is not None and near[1].text.startswith("22.")
    hits = counting.store.keyword_search("interpreters conference services", 3)
    assert hits and hits[0].passage.id == new


def test_a_passage_whose_label_changed_keeps_its_vectors(counting, records_copy):
    """A new id with a stored text (here a heading renamed, so the passages under it get
    new labels) takes its stored vectors back instead of being embedded again."""
    assert counting.ingest([records_copy]).ok
    report = records_copy / "report.md"
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("## II. Recommendations", "## II. Recommendations made"),
                      encoding="utf-8")
    again = counting.ingest([records_copy])
    (updated,) = again.updated
    assert updated.embedded < 10  # the passages whose own searchable text names the section


def test_a_sync_reads_many_documents_a_call_and_each_document_whole(counting, records_copy,
                                                                    monkeypatch):
    """Bringing the index up to date reads the changed documents' passages a batch of
    documents at a time (one Chroma scan, not one a document), and gets them whole and in
    reading order: the same index as reading them one by one."""
    from paracite.store import keyword_files

    assert counting.ingest([records_copy]).ok
    before = counting.store.keyword
    expected = {d: [p.id for p in counting.store.passages(d)] for d in ("agenda", "report")}
    assert counting.store.passages_of(["agenda", "report"]) == {
        d: counting.store.passages(d) for d in ("agenda", "report")}
    assert {d: [p.id for p in ps] for d, ps in
            counting.store.passages_of(["report", "agenda"]).items()} == expected
    calls: list[list[str]] = []
    real = counting.store.passages_of
    monkeypatch.setattr(counting.store, "passages_of",
                        lambda ids: calls.append(list(ids)) or real(ids))
    shutil.rmtree(counting.settings.home / "keyword")  # every document to be read again
    counting.store._keyword = None
    rebuilt = counting.store.sync_keyword()
    assert calls == [["agenda", "report"]]  # 108 passages: one call
    assert rebuilt.ids == before.ids
    monkeypatch.setattr(keyword_files, "BATCH", 50)  # now each document is a call
    shutil.rmtree(counting.settings.home / "keyword")
    calls.clear()
    assert counting.store.sync_keyword().ids == before.ids
    assert calls == [["agenda"], ["report"]]
