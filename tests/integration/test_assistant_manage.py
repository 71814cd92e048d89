"""Managing a real store through the Assistant: deleting documents, suggested questions.

Suggestions are checked on the bundled records: one copy of the session's records store
for the module (these tests only read it). Deletes change their store, so each runs on
its own small store of made-up records (a few passages: quick to embed).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


# -- suggested questions on the bundled records ------------------------------------------
@pytest.fixture(scope="module")
def records(tmp_path_factory, records_template, embedder):
    import paracite

    home = tmp_path_factory.mktemp("records") / "home"
    shutil.copytree(records_template, home)
    with paracite.Assistant(home=home, embedder=embedder) as a:
        yield a


def sections_of(a) -> set[str]:
    """Every heading the stored passages sit under (each part of every section path)."""
    return {part for p in a.passages() for part in p.section.split(" > ") if part}


def test_every_suggestion_comes_from_a_heading_with_paragraphs_under_it(records):
    headings = sections_of(records)
    paragraph_sections = {p.section for p in records.passages() if p.kind == "paragraph"}
    got = records.suggested(6)
    assert len(got) == 6
    for s in got:
        assert s.heading in headings
        assert s.document in {"agenda", "report"}
        assert any(sec == s.section or sec.startswith(s.section + " > ")
                   for sec in paragraph_sections), s


def test_suggestions_are_distinct_and_n_is_respected(records):
    for n in (1, 3, 8):
        got = records.suggestions(n)
        assert len(got) == n
        assert len(set(got)) == n
        assert all(q.endswith("?") and q[0].isupper() for q in got)
    assert records.suggestions(0) == []


def test_suggestions_take_turns_between_the_documents(records):
    assert [s.document for s in records.suggested(4)] == ["agenda", "report"] * 2


def test_every_suggestion_is_answered_by_the_records(records):
    for q in records.suggestions(4):
        assert records.ask(q).found, q


def test_suggestions_for_one_document_come_from_it_alone(records):
    got = records.suggested(3, documents=["report"])
    assert got and all(s.document == "report" for s in got)
    report_headings = {part for p in records.passages("report")
                       for part in p.section.split(" > ")}
    assert all(s.heading in report_headings for s in got)


def test_suggestions_are_the_same_every_time(records):
    import paracite

    # a fresh instance: no cached result
    again = paracite.Assistant(records.settings, embedder=records.embedder)
    assert again.suggestions(5) == records.suggestions(5)


def test_suggestions_for_an_unknown_document_name_the_known_ones(records):
    from paracite.errors import NotFoundError

    with pytest.raises(NotFoundError, match="agenda, report"):
        records.suggestions(documents=["nosuch"])


# -- deleting documents -------------------------------------------------------------------
BUREAU = """# Report of the Working Group on Lighthouses

## I. Election of officers

1. The Working Group elected Ms. Ana Quispe (Peru) as Chair by acclamation.

2. Mr. Tomas Berg (Norway) was elected Rapporteur.

## II. Maintenance of coastal beacons

3. The Group reviewed the maintenance of coastal beacons in twelve countries.
"""

HARBOURS = """# Report of the Committee on Harbours

## I. Dredging of harbour channels

1. The Committee considered the dredging of harbour channels in river deltas.

2. The Committee requested a study of sediment from the zanzibarite quarries.
"""


@pytest.fixture()
def small(tmp_path, embedder):
    """An Assistant whose inbox holds two small records, both ingested."""
    import paracite

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "bureau.md").write_text(BUREAU, encoding="utf-8")
    (inbox / "harbours.md").write_text(HARBOURS, encoding="utf-8")
    a = paracite.Assistant(home=tmp_path / "home", inbox=inbox, ingest_wait_s=0.5,
                           embedder=embedder)
    assert a.ingest().ok
    yield a
    a.close()


def upload(a, name: str, text: str) -> Path:
    """Put a file in PARACITE_HOME/uploads and ingest it, as the web UI does."""
    folder = a.settings.home / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    assert a.ingest([path]).ok
    return path


def test_deleted_document_is_gone_from_the_list_the_keyword_index_and_answers(small):
    from paracite.errors import NotFoundError

    assert small.store.keyword_search("zanzibarite", 3)  # the index is built, with it
    report = small.delete_document("harbours")
    assert (report.document, report.passages) == ("harbours", 3)
    assert [d.id for d, _ in small.documents()] == ["bureau"]
    assert small.store.document_ids() == frozenset({"bureau"})
    assert small.store.keyword_search("zanzibarite", 3) == []
    assert small.store.count() == 4
    with pytest.raises(NotFoundError):
        small.ask("What was said about dredging?", documents=["harbours"])
    assert all(c.document == "bureau" for c in small.ask("What about dredging?").see_also)


def test_an_inbox_record_keeps_its_file_and_comes_back_on_the_next_inbox_ingest(small):
    inbox_file = small.settings.inbox / "harbours.md"
    report = small.delete_document("harbours")
    assert not report.file_removed and inbox_file.is_file()
    assert "only files in PARACITE_HOME/uploads are deleted" in report.note
    again = small.ingest()
    assert [(f.document, f.status) for f in again.files if f.status != "unchanged"] == [
        ("harbours", "added")]
    assert [d.id for d, _ in small.documents()] == ["bureau", "harbours"]


def test_an_uploaded_document_has_its_file_deleted_and_stays_gone(small):
    path = upload(small, "pilots.md", "# Note on pilots\n\n## Pilotage\n\n"
                  "1. Pilots boarded every vessel.\n")
    assert "pilots" in small.store.document_ids()
    report = small.delete_document("pilots")
    assert report.file_removed and report.source == "pilots.md" and not path.exists()
    again = small.ingest()  # the inbox, and with it any catalog of stored documents
    assert {f.status for f in again.files} == {"unchanged"}
    assert [d.id for d, _ in small.documents()] == ["bureau", "harbours"]


def test_a_link_in_uploads_to_a_file_elsewhere_is_never_deleted(small, tmp_path):
    path = upload(small, "pilots.md", "# Note on pilots\n\n## Pilotage\n\n"
                  "1. Pilots boarded every vessel.\n")
    outside = tmp_path / "precious.md"
    outside.write_text("keep me", encoding="utf-8")
    path.unlink()
    path.symlink_to(outside)  # swapped for a link after the ingest
    report = small.delete_document("pilots")
    assert report.passages == 2 and not report.file_removed  # cover + paragraph
    assert outside.read_text(encoding="utf-8") == "keep me" and path.is_symlink()


def test_unknown_document_id_is_refused_naming_the_known_ones(small):
    from paracite.errors import NotFoundError

    with pytest.raises(NotFoundError, match=r"no such document 'nosuch' \(documents: "
                                            r"bureau, harbours\)"):
        small.delete_document("nosuch")
    assert small.store.count() == 7


def test_delete_waits_for_the_ingest_lock_and_changes_nothing_without_it(small):
    from filelock import FileLock

    from paracite.errors import IngestError
    from paracite.ingest import LOCK_FILE

    holder = FileLock(str(small.settings.home / LOCK_FILE))  # an ingest is writing
    with holder, pytest.raises(IngestError, match="another ingest is writing"):
        small.delete_document("harbours")
    assert small.store.count() == 7
    assert small.delete_document("harbours").passages == 3  # once the ingest is done


def test_suggestions_follow_a_delete(small):
    before = small.suggested(4)
    assert {s.document for s in before} == {"bureau", "harbours"}
    small.delete_document("harbours")
    after = small.suggested(4)
    assert after and {s.document for s in after} == {"bureau"}


# -- what the web UI reads through the Assistant ------------------------------------------
def test_passages_by_id_gives_the_stored_ones_and_leaves_out_the_rest(small):
    first, second = small.passages("bureau")[:2]
    got = small.passages_by_id([second.id, first.id, "bureau:00099", "../x:00001", "x"])
    assert got == {first.id: first, second.id: second}
    assert small.passages_by_id([]) == {}


def test_neighbours_are_the_passages_before_and_after_within_one_document(small):
    bureau = small.passages("bureau")
    harbours_first = small.passages("harbours")[0]
    got = small.neighbours([bureau[1].id, bureau[0].id, bureau[-1].id, "not an id"])
    assert got == {bureau[1].id: (bureau[0], bureau[2]),
                   bureau[0].id: (None, bureau[1]),
                   bureau[-1].id: (bureau[-2], None)}  # not the next document's first
    assert small.neighbours([harbours_first.id])[harbours_first.id][0] is None


def test_page_images_are_drawn_by_the_assistant_and_go_with_their_document(small, tmp_path):
    """The page of a PDF passage comes from ``Assistant.page_image``, and deleting the
    document forgets its cached pages (not another file's): no caller needs more."""
    pytest.importorskip("fpdf")
    from tests.pdfgen import write_pdf

    pdf = write_pdf(tmp_path / "bulletin.pdf", [
        ("heading", "I. Organization of the session"),
        ("para", "1. The Working Group on Lighthouses met in Reykjavik from 3 to 5 May 2026."),
    ], symbol="A/WG.99/2026/1")
    assert small.ingest([pdf]).ok
    drawn = [small.page_image(p.id) for p in small.passages("bulletin")]
    assert drawn and all(d is not None and d.path.is_file() and d.page == 1 for d in drawn)
    assert small.page_image(small.passages("bureau")[0].id) is None  # not from a PDF
    assert small.page_image("bulletin:00099") is None
    pages = small.settings.home / "pages"
    other = pages / f"{'f' * 24}-p1-0123456789abcdef-s1.5-v1.png"  # another file's page
    other.write_bytes(b"png")
    small.delete_document("bulletin")
    assert [f.name for f in pages.iterdir()] == [other.name]


def test_neighbours_ask_only_for_ids_that_can_exist(small, monkeypatch):
    """Neighbours are found by reading order, never by guessing ids: the store takes an
    id it cannot find for one deleted by another process, and drops its keyword index."""
    asked: list[str] = []
    real = small.store.get_passages
    monkeypatch.setattr(small.store, "get_passages", lambda ids: real(asked.extend(ids) or ids))
    first = small.passages("bureau")[0]
    assert small.neighbours([first.id])[first.id] == (None, small.passages("bureau")[1])
    assert asked == [first.id]


def test_the_upload_folder_is_home_uploads_and_its_files_are_checked_against_the_store(
        small):
    assert small.upload_folder == small.settings.home / "uploads"
    upload(small, "pilots.md", "# Note on pilots\n\n## Pilotage\n\n1. Pilots boarded.\n")
    (small.upload_folder / "lost.md").write_text("1. Never ingested.\n", encoding="utf-8")
    assert [f.name for f in small.unstored_uploads()] == ["lost.md"]


def test_warm_loads_the_embedder_and_on_a_store_with_passages_the_answer_path(
        small, counting):
    assert counting.warm() is False  # an empty store: nothing to answer from yet
    assert counting.embedder.calls == 1, "the embedder was loaded and used once"
    assert small.warm() is True
    assert small._chain is not None, "the answer path is built before the first question"
