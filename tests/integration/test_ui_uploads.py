"""The web UI's uploads, through its handlers over a real temporary store (the rest of
its defences: tests/integration/test_ui_security.py).

Uploads keep readable, unique names, never overwrite each other, take only files
gradio's upload route wrote, and leave no copies behind that nothing uses; an ingest's
reasons are shown as a reader can act on them, paths as file names.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import Received, received, ui_module

pytestmark = pytest.mark.integration
pytest.importorskip("gradio")
app, handlers, uploads = ui_module("app"), ui_module("handlers"), ui_module("uploads")


def new_assistant(home: Path, embedder, **settings):
    """An Assistant on a fresh store (the `assistant` fixture, with settings)."""
    import paracite

    a = paracite.Assistant(home=home, **settings)
    a.embedder = embedder
    return a


def shown(message: str) -> str:
    """A Markdown message as the reader sees it (its backslash escapes undone)."""
    return re.sub(r"\\(.)", r"\1", message)


def record(text: str) -> str:
    return f"1. {text} The meeting was held in Vienna on 3 May 2017 and adopted its agenda.\n"


def test_upload_names_in_other_scripts_stay_readable_and_unique():
    assert uploads.safe_name("Заседание.md") == "Zasedanie.md"
    assert uploads.safe_name("会议.md") == "HuiYi.md"
    assert uploads.safe_name("Ελληνικά έκθεση.pdf") == "Ellinika_ekthesi.pdf"
    assert uploads.safe_name("../../x.pdf") == "x.pdf"
    assert uploads.safe_name("../../Заседание.md") == "Zasedanie.md"
    star, other = uploads.safe_name("★.md"), uploads.safe_name("☆.md")
    assert re.fullmatch(r"upload-[0-9a-f]{6}\.md", star) and star != other
    assert uploads.safe_name("★.md") == star, "the same name must give the same file name"


def test_uploads_in_other_scripts_are_both_kept_and_ingested(tmp_path, embedder):
    a = new_assistant(tmp_path / "home", embedder)
    ru, zh = tmp_path / "a", tmp_path / "b"
    ru.write_text(record("The Russian record."))
    zh.write_text(record("The Chinese record."))
    ui = handlers.UI(a)
    msg, _, _ = ui.upload([received(ui, ru, "Заседание.md"), received(ui, zh, "会议.md")])
    folder = a.settings.home / "uploads"
    assert sorted(p.name for p in folder.iterdir()) == ["HuiYi.md", "Zasedanie.md"]
    assert (folder / "Zasedanie.md").read_text() == ru.read_text()
    assert (folder / "HuiYi.md").read_text() == zh.read_text()
    assert len(a.documents()) == 2, msg


def test_an_upload_never_overwrites_another_file(tmp_path, embedder):
    a = new_assistant(tmp_path / "home", embedder)
    ui = handlers.UI(a)
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_text(record("The first report."))
    second.write_text(record("The second report, another file of the same name."))
    ui.upload([received(ui, first, "report.md")])
    msg, _, _ = ui.upload([received(ui, second, "report.md")])
    folder = a.settings.home / "uploads"
    assert (folder / "report.md").read_text() == first.read_text()
    assert (folder / "report-2.md").read_text() == second.read_text()
    # both are in the store, each from its own file (item 5: the second is not lost)
    sources = sorted(Path(d.source).name for d, _ in a.documents())
    assert sources == ["report-2.md", "report.md"], msg
    # the same bytes again reuse the file that holds them: no report-3.md
    again, _, _ = ui.upload([received(ui, second, "report.md")])
    assert sorted(p.name for p in folder.iterdir()) == ["report-2.md", "report.md"]
    assert "unchanged" in again and len(a.documents()) == 2


def test_gradio_temporary_copies_are_deleted_after_the_upload(tmp_path, embedder):
    from gradio.utils import get_upload_folder

    a = new_assistant(tmp_path / "home", embedder)
    ui = handlers.UI(a)
    cache = Path(get_upload_folder()) / f"paracite-test-{uuid.uuid4().hex}"
    cache.mkdir(parents=True)
    ok, refused = cache / "minutes.md", cache / "setup.exe"
    ok.write_text(record("The minutes."))
    refused.write_bytes(b"MZ\x90\x00" * 10)
    ui.received.update({str(ok), str(refused)})
    mine = tmp_path / "mine.md"  # not gradio's: the caller's file is left alone
    mine.write_text(record("A file of the caller."))
    try:
        msg, _, _ = ui.upload([Received(ok, "minutes.md"), Received(refused, "setup.exe"),
                               Received(mine, "mine.md")])
        msg = shown(msg)
        assert "✔ minutes.md" in msg and "✘ setup.exe" in msg
        assert "✘ mine.md: refused, not a file uploaded through this page" in msg
        assert not ok.exists() and not refused.exists()
        assert mine.exists()
        assert (a.settings.home / "uploads" / "minutes.md").is_file()
    finally:
        for f in cache.glob("*"):
            f.unlink()
        if cache.exists():
            cache.rmdir()


def test_copies_of_failed_and_duplicate_uploads_are_deleted(tmp_path, embedder):
    a = new_assistant(tmp_path / "home", embedder)
    ui = handlers.UI(a)
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text(record("The bureau met."))
    bad.write_bytes(b"%PDF-1.7 truncated")
    msg, _, _ = ui.upload([received(ui, good, "bureau.md"), received(ui, bad, "broken.pdf")])
    assert "✘ broken.pdf" in shown(msg) and "✔ bureau.md" in shown(msg)
    folder = a.settings.home / "uploads"
    assert sorted(p.name for p in folder.iterdir()) == ["bureau.md"]
    dup, _, _ = ui.upload([received(ui, good, "copy of bureau.md")])
    assert shown(dup).startswith("ℹ copy_of_bureau.md: same content as bureau.md")
    assert sorted(p.name for p in folder.iterdir()) == ["bureau.md"]
    assert [d.id for d, _ in a.documents()] == ["bureau"]


def test_uploads_are_never_deleted_when_the_ui_starts(tmp_path, embedder):
    """Issue 21, item 2: a start on a store that lists none of them (after `rm -rf
    PARACITE_HOME/chroma`, as the 'damaged store' message says) deleted every upload
    older than an hour; the user's only copy may be gone. Now nothing is deleted."""
    a = new_assistant(tmp_path / "home", embedder)
    folder = a.settings.home / "uploads"
    folder.mkdir(parents=True)
    stored = folder / "stored.md"
    stored.write_text(record("A stored record."))
    assert a.ingest([stored]).ok
    old_stray, new_stray = folder / "crashed.pdf", folder / "uploading.md"
    old_stray.write_bytes(b"%PDF-1.7 half of a file")
    new_stray.write_text(record("An upload still being ingested."))
    hours_ago = time.time() - 2 * 3600
    for f in (stored, old_stray):
        os.utime(f, (hours_ago, hours_ago))
    app.build(a)
    assert stored.is_file() and old_stray.is_file() and new_stray.is_file()


# -- ingest reasons -----------------------------------------------------------------------

def test_a_reason_given_with_an_added_file_is_shown_as_an_info_line(tmp_path, embedder,
                                                                    monkeypatch):
    """The ingest layer stores a new file whose id is taken under a suffixed id, and says
    so in FileResult.reason: the UI shows it after the ✔ line (paths as file names)."""
    from paracite.ingest import FileResult, IngestReport

    a = new_assistant(tmp_path / "home", embedder)
    reason = ("Report.md: the id 'report' belongs to /srv/paracite/home/uploads/report.md; "
              "stored as 'report-2'")
    monkeypatch.setattr(a, "ingest", lambda paths, **kw: IngestReport(files=[
        FileResult("Report.md", "report-2", "added", passages=3, reason=reason)]))
    src = tmp_path / "src"
    src.write_text(record("The report."))
    ui = handlers.UI(a)
    msg, _, _ = ui.upload([received(ui, src, "Report.md")])
    assert shown(msg).split("\n\n") == [
        "✔ Report.md → report-2: added, 3 passages",  # not stored (a stand-in ingest): its id
        "ℹ Report.md: the id 'report' belongs to report.md; stored as 'report-2'"]
