"""Bad input: each bad file gets one clear error naming it and the reason, the other files
are still ingested, and the store is unchanged for the refused file."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from paracite.errors import QuestionError

RECORD_PASSAGES = {"agenda": 47, "report": 61}
GOOD_PARA = "1. The Expert Group met in Vienna from 10 to 13 April 2017."


def _pdf(path: Path, text: str = GOOD_PARA, password: str | None = None) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.multi_cell(0, 5, text)
    pdf.output(str(path))
    return path


def make_bad_files(folder: Path) -> dict[str, str]:
    """Write one file per kind of bad input; returns file name → expected reason."""
    rng = random.Random(7)
    (folder / "empty.md").write_bytes(b"")
    (folder / "blank.md").write_text("\n\n   \n\t\n")
    (folder / "zero.pdf").write_bytes(b"")
    good = _pdf(folder / "good.pdf.tmp", GOOD_PARA * 30)
    (folder / "truncated.pdf").write_bytes(good.read_bytes()[:700])
    good.unlink()
    _pdf(folder / "encrypted.pdf", password="secret")
    from fpdf import FPDF

    scan = FPDF()
    scan.add_page()
    scan.rect(20, 20, 100, 50)
    scan.output(str(folder / "scanned.pdf"))
    (folder / "photo.md").write_bytes(bytes(rng.randrange(256) for _ in range(6000)))
    (folder / "noise.md").write_bytes(bytes(rng.randrange(1, 256) for _ in range(6000)))
    (folder / "notes.docx").write_bytes(b"PK\x03\x04" + b"x" * 100)
    (folder / "big.md").write_text(GOOD_PARA + "\n\n" + "2. " + "word " * 400_000)
    return {
        "empty.md": "empty.md: empty file (0 bytes)",
        "blank.md": "blank.md: no paragraphs found",
        "zero.pdf": "zero.pdf: empty file (0 bytes)",
        "truncated.pdf": "truncated.pdf: damaged or truncated PDF",
        "encrypted.pdf": "encrypted.pdf: encrypted PDF; paracite cannot read it without "
                         "the password",
        "scanned.pdf": "scanned.pdf: no extractable text; scanned PDFs need OCR, which "
                       "paracite does not do",
        "photo.md": "photo.md: looks like a binary file, not text",
        "noise.md": "noise.md: looks like a binary file, not text",
        "notes.docx": "notes.docx: unsupported file type '.docx'",
        "big.md": "big.md: 1.9 MB is over the 1 MB limit (PARACITE_MAX_FILE_MB)",
    }


@pytest.fixture()
def small_limit(tmp_path, hash_embedder):
    """A 1 MB file limit; bookkeeping only (statuses, counts), so the hash embedder."""
    import paracite

    a = paracite.Assistant(home=tmp_path / "home", max_file_mb=1.0, embedder=hash_embedder)
    yield a
    a.close()



def test_each_bad_file_is_refused_by_name_and_the_records_still_ingested(small_limit,
                                                                       records_copy):
    expected = make_bad_files(records_copy)
    report = small_limit.ingest([records_copy])
    failed = {f.source: f.reason for f in report.failed}
    assert set(failed) == set(expected)
    for name, reason in expected.items():
        assert failed[name].startswith(reason), failed[name]
    assert {f.document: f.passages for f in report.added} == RECORD_PASSAGES
    assert {d.id for d, _ in small_limit.documents()} == set(RECORD_PASSAGES)
    assert small_limit.store.count() == sum(RECORD_PASSAGES.values())
    assert not report.ok


def test_a_file_overwritten_by_garbage_keeps_its_stored_passages(assistant, records_copy):
    assistant.ingest([records_copy])
    before = [p.model_dump() for p in assistant.store.passages("report")]
    (records_copy / "report.md").write_bytes(bytes(range(256)) * 10)
    report = assistant.ingest([records_copy])
    assert [f.source for f in report.failed] == ["report.md"]
    assert [p.model_dump() for p in assistant.store.passages("report")] == before
    assert assistant.ask("Who is the new Rapporteur?").citations[0].paragraph == "22"


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig"])
def test_text_in_other_encodings_is_read_correctly(counting, tmp_path, encoding):
    text = ("1. Le Groupe d’experts s’est réuni à Vienne, où M. Müller a été élu "
            "Président.\n\n2. La séance a été levée à 18 h.\n")
    if encoding == "latin-1":
        text = text.replace("’", "'")
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "compte-rendu.md").write_bytes(text.encode(encoding))
    report = counting.ingest([inbox])
    assert report.ok, report.failed
    paras = {p.paragraph: p.text for p in counting.store.passages("compte-rendu")}
    assert paras["1"] == text.split("\n\n")[0]
    assert paras["2"] == "2. La séance a été levée à 18 h."


def test_same_content_under_two_names_is_ingested_once_and_both_named(counting,
                                                                      records_copy):
    shutil.copy(records_copy / "report.md", records_copy / "report (1).md")
    report = counting.ingest([records_copy])
    dup = report.duplicate  # the file the manifest describes is the one kept
    assert len(dup) == 1 and dup[0].source == "report (1).md"
    assert dup[0].reason == ("report (1).md: same content as report.md; ingested once, as "
                             "'report'")
    assert counting.store.count() == sum(RECORD_PASSAGES.values())
    assert report.ok and "1 duplicate" in report.summary()

    # Later runs: the copy is still recognised, and a copy added after the original too.
    shutil.copy(records_copy / "agenda.md", records_copy / "agenda-copy.md")
    again = counting.ingest([records_copy])
    assert {f.source for f in again.duplicate} == {"report (1).md", "agenda-copy.md"}
    assert counting.store.count() == sum(RECORD_PASSAGES.values())


def test_a_copy_that_later_changes_is_ingested_on_its_own(counting, records_copy):
    shutil.copy(records_copy / "agenda.md", records_copy / "zz-agenda.md")
    counting.ingest([records_copy])
    with open(records_copy / "zz-agenda.md", "a") as f:
        f.write("\n\nA line added later to the copy.\n")
    report = counting.ingest([records_copy])
    assert [f.source for f in report.added] == ["zz-agenda.md"]
    assert not report.duplicate


def test_links_outside_the_folder_are_refused_and_inside_ones_are_duplicates(counting,
                                                                            records_copy,
                                                                            tmp_path):
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.md").write_text("1. A xylographic note that must stay private.\n")
    (records_copy / "secret.md").symlink_to(outside / "secret.md")
    (records_copy / "escape").symlink_to(outside, target_is_directory=True)
    (records_copy / "report-link.md").symlink_to(records_copy / "report.md")
    report = counting.ingest([records_copy])
    failed = {f.source: f.reason for f in report.failed}
    assert failed == {
        "secret.md": "secret.md: a link to a file outside the ingest folder; refused (copy "
                     "the file into the folder instead)",
        "escape": "escape: a link to a folder outside the ingest folder; refused (copy the "
                  "folder into the folder instead)"}
    assert [f.source for f in report.duplicate] == ["report-link.md"]
    assert {d.id for d, _ in counting.documents()} == {"agenda", "report"}
    assert not any("xylographic" in p.text for p in counting.store.passages())


@pytest.mark.parametrize("question,message", [
    ("", "The question is empty"),
    ("   \n\t ", "The question is empty"),
    ("?!… ;-) ...", "The question has no words in it"),
    ("Who is the new Rapporteur? " * 3700, "characters long; ask in at most"),
])
def test_unaskable_questions_get_a_clear_error(records_store, question, message):
    with pytest.raises(QuestionError, match=message.replace("?", r"\?")):
        records_store.ask(question)
    assert records_store.ask("Who is the new Rapporteur?").found


def test_cli_exits_non_zero_and_lists_every_failed_file(tmp_path, records_copy, cli):
    expected = make_bad_files(records_copy)
    out = cli(tmp_path / "home", "ingest", str(records_copy), PARACITE_MAX_FILE_MB="1",
              PATH="/usr/bin:/bin")
    assert out.returncode == 1, out.stderr
    for reason in expected.values():
        assert reason in out.stderr
    assert "Traceback" not in out.stderr
    assert "2 added, 0 updated, 0 unchanged, 0 removed, 10 failed" in out.stdout
    assert f"{len(expected)} file(s) could not be ingested" in out.stderr

