"""One bad file never stops the rest (issue 13, finding 2): any parser exception (pypdf's
LimitReachedError included), a wrong manifest, a hang or a crash is that file's failure;
the good files beside it are ingested.

Only statuses, reasons, ids and passage texts are checked here, never a question or a
search by meaning: the stores are embedded with the hash embedder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.pdfgen import raw_pdf

pytestmark = pytest.mark.integration

GOOD = "1. The Committee met in Geneva on 3 May 2024.\n\n2. It adopted its agenda.\n"


@pytest.fixture()
def assistant(tmp_path, hash_embedder):
    """An Assistant on a fresh store, embedding with the hash embedder."""
    import paracite

    a = paracite.Assistant(home=tmp_path / "home", embedder=hash_embedder)
    yield a
    a.close()


def deep_page_tree(depth: int) -> bytes:
    """Pages nested ``depth`` deep: pypdf raises LimitReachedError past 100."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    objs += [b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (d + 3) for d in range(depth)]
    objs.append(b"<< /Type /Page /MediaBox [0 0 612 792] >>")
    return raw_pdf(objs)


def aes256_pdf(path: Path, text: str) -> Path:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="",
                       encryption_method=EncryptionMethod.AES_256)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, text)
    pdf.output(str(path))
    return path


def test_a_pdf_that_makes_pypdf_raise_fails_alone(assistant, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "deep.pdf").write_bytes(deep_page_tree(20_000))
    (folder / "good.md").write_text(GOOD)
    rep = assistant.ingest([folder])
    assert [(f.source, f.status) for f in rep.files if f.status != "failed"] == [
        ("good.md", "added")]
    (bad,) = rep.failed
    assert bad.source == "deep.pdf" and "deep.pdf" in bad.reason
    assert "LimitReachedError" in bad.reason or "depth" in bad.reason
    assert {i.id: n for i, n in assistant.documents()} == {"good": 2}


def test_an_aes256_pdf_with_an_empty_password_is_read(assistant, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    aes256_pdf(folder / "locked.pdf",
               "1. The Expert Group met in Vienna from 10 to 13 April 2017.")
    rep = assistant.ingest([folder])
    assert not rep.failed, rep.failed
    (p,) = assistant.passages("locked")
    assert p.paragraph == "1" and "Vienna" in p.text


def test_a_manifest_of_the_wrong_shape_fails_its_folder_not_the_batch(assistant, tmp_path):
    broken, fine = tmp_path / "broken", tmp_path / "fine"
    broken.mkdir()
    fine.mkdir()
    (broken / "manifest.toml").write_text('files = "x"\n')
    (broken / "a.md").write_text(GOOD)
    (fine / "b.md").write_text(GOOD.replace("Geneva", "Nairobi"))
    rep = assistant.ingest([broken, fine])
    assert [(f.source, f.status) for f in rep.files] == [("a.md", "failed"),
                                                          ("b.md", "added")]
    assert "manifest.toml" in rep.failed[0].reason and "files" in rep.failed[0].reason


def test_a_wrong_manifest_value_names_its_key_and_fails_only_its_file(assistant, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "manifest.toml").write_text(
        '[files."a.md"]\nid = "a"\nsymbol = 42\n\n[files."b.md"]\nid = "bee"\n'
        'date = 2024-05-03\n\n[files."c.md"]\nid = "c"\ntitel = "typo"\n')
    for name in ("a.md", "b.md", "c.md"):
        (folder / name).write_text(GOOD.replace("Geneva", name))
    rep = assistant.ingest([folder])
    failed = {f.source: f.reason for f in rep.failed}
    assert set(failed) == {"a.md", "c.md"}
    assert 'files."a.md".symbol' in failed["a.md"] and "string" in failed["a.md"]
    assert 'files."c.md".titel' in failed["c.md"]
    ((info, n),) = assistant.documents()
    assert (info.id, info.date, n) == ("bee", "2024-05-03", 2)


def test_a_parse_that_runs_out_of_time_fails_and_the_next_file_is_parsed(tmp_path,
                                                                         hash_embedder):
    import paracite

    # a file the worker cannot finish within the limit: 3,000 paragraphs take ~0.1 s or
    # more to parse, a hundred times the 1 ms allowed
    a = paracite.Assistant(home=tmp_path / "home", parse_timeout_s=0.001,
                           embedder=hash_embedder)
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.md").write_text("".join(f"{i}. The Committee met on day {i} of its "
                                         "session and adopted its report.\n\n"
                                         for i in range(1, 3001)))
    rep = a.ingest([folder])
    (bad,) = rep.failed
    assert "PARACITE_PARSE_TIMEOUT_S" in bad.reason
    assert a.documents() == []  # nothing written for it
    other = tmp_path / "other"
    other.mkdir()
    (other / "b.md").write_text(GOOD)
    b = paracite.Assistant(home=tmp_path / "home", embedder=hash_embedder)
    assert [f.status for f in b.ingest([other]).files] == ["added"]


def test_parsing_runs_in_a_worker_process_not_in_the_serving_one(assistant, tmp_path):
    """A parser holding the GIL (a regex on hostile text) must not stall the questions a
    UI process answers meanwhile: files are parsed in a child process."""
    import multiprocessing
    import os

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.md").write_text(GOOD)
    assistant.ingest([folder])
    workers = [p for p in multiprocessing.active_children() if p.name == "paracite-parse"]
    assert workers and all(p.pid != os.getpid() for p in workers)
