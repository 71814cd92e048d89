"""Document identity and removals (issue 13, findings 1, 4 and 5): a new source never
takes over a stored document's id unless asked, a deleted or emptied Chroma database is
noticed, and only files that are really gone remove their documents.

Every test here checks bookkeeping (ids, statuses, counts, removals) and none asks a
question or searches by meaning, so the stores are embedded with the hash embedder, and
the CLI is called in-process.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

RECORD_PASSAGES = {"agenda": 47, "report": 61}
ONE_PARA = "1. The Committee met in Geneva on 3 May 2024 and adopted its agenda.\n"


@pytest.fixture()
def assistant(tmp_path, hash_embedder):
    """An Assistant on a fresh store, embedding with the hash embedder."""
    import paracite

    a = paracite.Assistant(home=tmp_path / "home", embedder=hash_embedder)
    yield a
    a.close()


def counts(assistant) -> dict[str, int]:
    return {info.id: n for info, n in assistant.documents()}


def sources(assistant) -> dict[str, str]:
    return {info.id: Path(info.source).name for info, _ in assistant.documents()}


# -- finding 1: silent replacement ------------------------------------------------------

def test_a_report_md_from_another_folder_gets_its_own_id_and_keeps_the_report(
        assistant, records_copy, tmp_path):
    assistant.ingest([records_copy])
    other = tmp_path / "other"
    other.mkdir()
    (other / "report.md").write_text(ONE_PARA)
    rep = assistant.ingest([other])
    assert [(f.document, f.status) for f in rep.files] == [("report-2", "added")]
    assert "'report'" in rep.files[0].reason and "report-2" in rep.files[0].reason
    assert counts(assistant) == {**RECORD_PASSAGES, "report-2": 1}
    # the id is stable: the same file again is unchanged under the same id
    again = assistant.ingest([other])
    assert [(f.document, f.status) for f in again.files] == [("report-2", "unchanged")]
    # and the records folder still maps to its own documents
    back = assistant.ingest([records_copy])
    assert sorted((f.document, f.status) for f in back.files) == [
        ("agenda", "unchanged"), ("report", "unchanged")]
    assert counts(assistant) == {**RECORD_PASSAGES, "report-2": 1}


def test_report_MD_beside_report_md_is_a_second_document(assistant, records_copy):
    (records_copy / "report.MD").write_text(ONE_PARA)
    rep = assistant.ingest([records_copy])
    assert not rep.failed
    assert counts(assistant) == {**RECORD_PASSAGES, "report-2": 1}
    assert sources(assistant)["report"] == "report.md"
    assert sources(assistant)["report-2"] == "report.MD"


def test_replace_gives_the_id_to_the_new_file_when_asked(assistant, records_copy, tmp_path):
    assistant.ingest([records_copy])
    other = tmp_path / "other"
    other.mkdir()
    (other / "report.md").write_text(ONE_PARA)
    rep = assistant.ingest([other], replace=True)
    assert [(f.document, f.status) for f in rep.files] == [("report", "updated")]
    assert "replaces" in rep.files[0].reason
    assert counts(assistant) == {"agenda": 47, "report": 1}
    assert Path(dict((i.id, i) for i, _ in assistant.documents())["report"].source
                ).parent == other.resolve()


def test_non_latin_file_names_get_distinct_readable_ids(assistant, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    names = ["Заседание.md", "会议.md", "اجتماع.md", "★.md", "☆.md"]
    for i, name in enumerate(names, 1):
        (folder / name).write_text(f"{i}. Paragraph {i} of the record in file {i}.\n")
    rep = assistant.ingest([folder])
    assert not rep.failed
    ids = [f.document for f in rep.files]
    assert len(set(ids)) == len(names) and "document" not in ids
    assert {"zasedanie", "huiyi"} <= set(ids)
    assert all(n == 1 for n in counts(assistant).values()) and len(counts(assistant)) == 5


def test_a_changed_manifest_id_moves_the_document_and_leaves_no_copy(assistant,
                                                                      records_copy):
    assistant.ingest([records_copy])
    manifest = records_copy / "manifest.toml"
    manifest.write_text(manifest.read_text().replace('id = "report"', 'id = "eg4-report"'))
    rep = assistant.ingest([records_copy])
    assert not rep.failed
    assert counts(assistant) == {"agenda": 47, "eg4-report": 61}
    assert [f.document for f in rep.removed] == ["report"]


# -- finding 5: removals -----------------------------------------------------------------

def test_a_folder_that_became_empty_removes_nothing_without_prune(assistant, records_copy,
                                                                  tmp_path):
    assistant.ingest([records_copy])
    away = tmp_path / "away"
    away.mkdir()
    for f in list(records_copy.iterdir()):
        shutil.move(str(f), away / f.name)
    rep = assistant.ingest([records_copy])
    assert rep.removed == [] and counts(assistant) == RECORD_PASSAGES
    assert any("--prune" in note and "2 document" in note for note in rep.notes)
    pruned = assistant.ingest([records_copy], prune=True)
    assert sorted(f.document for f in pruned.removed) == ["agenda", "report"]
    assert counts(assistant) == {}


def test_a_file_deleted_from_a_sub_folder_is_removed(assistant, tmp_path):
    folder = tmp_path / "inbox"
    (folder / "2024" / "may").mkdir(parents=True)
    (folder / "top.md").write_text(ONE_PARA)
    (folder / "2024" / "may" / "deep.md").write_text("1. A deeper record of 4 May 2024.\n")
    assistant.ingest([folder])
    assert set(counts(assistant)) == {"top", "deep"}
    (folder / "2024" / "may" / "deep.md").unlink()
    rep = assistant.ingest([folder])
    assert [f.document for f in rep.removed] == ["deep"]
    assert set(counts(assistant)) == {"top"}


def test_a_file_that_still_exists_is_never_removed_when_another_folder_is_ingested(
        assistant, records_copy, tmp_path):
    assistant.ingest([records_copy])
    other = tmp_path / "other"
    other.mkdir()
    (other / "note.md").write_text(ONE_PARA)
    rep = assistant.ingest([other])
    assert rep.removed == []
    assert set(counts(assistant)) == {"agenda", "report", "note"}


# -- finding 4: a store that never heals -----------------------------------------------

@pytest.fixture()
def run(cli, monkeypatch):
    """``run(home, *argv)``: `paracite <argv>` called in-process, its Assistant closed
    when it is done, as a process's exit would let go of the store: the next command opens
    the store afresh, as the next process would."""
    import paracite.cli

    built = []
    real = paracite.cli._assistant_for
    monkeypatch.setattr(paracite.cli, "_assistant_for",
                        lambda args: built.append(real(args)) or built[-1])

    def run(home: Path, *argv: str):
        try:
            return cli(home, *argv)
        finally:
            while built:
                built.pop().close()

    return run


def test_a_deleted_or_emptied_chroma_database_is_filled_again_by_the_next_ingest(
        tmp_path, records_copy, run):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    home = tmp_path / "home"
    first = run(home, "ingest", str(records_copy))
    assert first.returncode == 0, first.stderr
    shutil.rmtree(home / "chroma")  # the catalog and write stamp stay behind
    healed = run(home, "ingest", str(records_copy))
    assert healed.returncode == 0, healed.stderr
    assert "2 added" in healed.stdout, healed.stdout
    # emptied: the collection deleted behind paracite's back
    client = chromadb.PersistentClient(path=str(home / "chroma"),
                                       settings=ChromaSettings(anonymized_telemetry=False))
    client.delete_collection("passages")
    client.close()
    again = run(home, "ingest", str(records_copy))
    assert "2 added" in again.stdout, again.stdout + again.stderr
    docs = run(home, "docs")
    assert "47 passages" in docs.stdout and "61 passages" in docs.stdout, docs.stdout
