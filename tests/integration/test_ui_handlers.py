"""The UI's handlers on a real store, without a browser: filter, answerers, sessions."""

from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import INGEST, ROOT

pytestmark = pytest.mark.integration
pytest.importorskip("gradio")
_spec = importlib.util.spec_from_file_location("ui_app_h", ROOT / "ui" / "app.py")
assert _spec and _spec.loader
app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(app)


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    import paracite

    a = paracite.Assistant(home=tmp_path_factory.mktemp("h"))
    assert a.ingest([INGEST]).ok
    return app.UI(a)


def final(gen):
    *_, last = list(gen)
    return last


def test_document_filter_limits_the_sources(ui):
    chat, turns, sources, _ = final(ui.ask("When will the report be adopted?", [],
                                           "extractive", ["agenda"]))
    assert "agenda, " in sources and "report ¶" not in sources
    assert turns[-1]["question"] == "When will the report be adopted?"


def test_each_session_keeps_its_own_history(ui):
    _, s1, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    _, s2, _, _ = final(ui.ask("Who opened the meeting, and why?", [], "extractive", []))
    chat, s1b, _, _ = final(ui.ask("and from which country?", s1, "extractive", []))
    assert "Netherlands" in chat[-1]["content"]
    assert len(s1b) == 2 and len(s2) == 1


def test_answerer_selector_offers_what_can_run(ui):
    names = ui.base.available_llms()
    assert names[0] == "extractive"
    assert all(n in ("extractive", "local") or n.startswith("openai:") for n in names)
    assert ui.assistant("extractive") is ui.base


def test_errors_are_shown_without_paths_or_tracebacks(ui):
    chat, _, _, _ = final(ui.ask("?!?", [], "extractive", []))
    assert chat[-1]["content"].startswith("⚠️") and "Traceback" not in chat[-1]["content"]
    assert "/" not in chat[-1]["content"]


class _Upload:
    """What gradio hands the upload handler: a temp file and the name the user gave it."""

    def __init__(self, path, orig_name):
        self.name, self.orig_name = str(path), orig_name


def test_upload_is_stored_under_home_with_a_sanitised_name(ui, tmp_path):
    src = tmp_path / "tmpfile"
    src.write_text("1. The Bureau met on 3 May 2017 to prepare the fourth meeting.\n")
    msg, _, _ = ui.upload([_Upload(src, "../../bureau.md")])
    home = ui.base.settings.home
    assert (home / "uploads" / "bureau.md").is_file()
    assert not (home.parent / "bureau.md").exists() and not (home / "bureau.md").exists()
    assert "✅ bureau.md → `bureau`: added" in msg
    again, _, _ = ui.upload([_Upload(src, "copy of bureau.md")])
    assert again == "ℹ️ copy_of_bureau.md: same content as bureau.md; ingested once, as 'bureau'"


def test_upload_refuses_other_types_and_bad_files_with_reasons(ui, tmp_path):
    exe = tmp_path / "x"
    exe.write_bytes(b"MZ\x90\x00" * 100)
    bad = tmp_path / "y"
    bad.write_bytes(b"%PDF-1.7 truncated")
    msg, _, _ = ui.upload([_Upload(exe, "setup.exe"), _Upload(bad, "broken.pdf")])
    assert "❌ setup.exe: not a PDF, Markdown or text file" in msg
    assert "❌ broken.pdf: damaged or truncated PDF" in msg
    assert str(tmp_path) not in msg and "Traceback" not in msg


def test_upload_while_another_ingest_holds_the_store_is_refused_clearly(tmp_path):
    from filelock import FileLock

    import paracite

    a = paracite.Assistant(home=tmp_path / "h", ingest_wait_s=0.2)
    src = tmp_path / "f"
    src.write_text("1. A paragraph long enough to be a paragraph of a record.\n")
    with FileLock(str(a.settings.home / "ingest.lock")):
        msg, _, _ = app.UI(a).upload([_Upload(src, "note.md")])
    assert msg.startswith("❌ another ingest is writing to this store")
    assert a.store.count() == 0


def test_upload_over_the_size_limit_is_refused_before_anything_is_stored(tmp_path):
    import paracite

    a = paracite.Assistant(home=tmp_path / "h", max_upload_mb=0.001)
    big = tmp_path / "big"
    big.write_text("1. A paragraph of a record. " * 100)
    msg, _, _ = app.UI(a).upload([_Upload(big, "big.md")])
    assert msg == "❌ big.md: 3 KB is over the 0.001 MB limit"
    assert not (a.settings.home / "uploads" / "big.md").exists()


def test_an_llm_draft_never_reaches_the_chat_only_the_verified_answer(ui):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    invented = "The meeting cost 1.1 million dollars, paid by Microsoft"
    fake = FakeListChatModel(responses=["China provided extrabudgetary resources for the "
                                        f"third meeting [1]. {invented} [1]."])
    h = app.UI(ui.base, answerers={"fake": fake})
    assert "fake" in h.llm_names()
    steps = list(h.ask("Which Government provided extrabudgetary resources?", [], "fake", []))
    shown = [str(m["content"]) for chat, *_ in steps for m in chat]
    assert not [s for s in shown if "Microsoft" in s]
    assert any(app.CHECKING in s for s in shown), "the user sees the answer is being checked"
    final = steps[-1][0][-1]["content"]
    assert "China provided extrabudgetary resources" in final and "[[1]](#src-1-1)" in final


def test_answers_given_while_an_upload_is_ingested_say_so(ui):
    ui._ingesting += 1
    try:
        chat, turns, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    finally:
        ui._ingesting -= 1
    assert app.INGEST_NOTICE in chat[-1]["content"] and turns[-1]["notice"]
    chat, _, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    assert app.INGEST_NOTICE not in chat[-1]["content"]


def test_selecting_an_answer_opens_its_sources_and_reset_forgets_everything(ui):
    _, turns, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    _, turns, panel, _ = final(ui.ask("Who opened the meeting?", turns, "extractive", []))
    assert '<details class="turn" id="turn-2" open>' in panel
    first = ui.show_turn(turns, 1)  # the first answer is chat message 1
    assert '<details class="turn" id="turn-1" open>' in first
    assert '<details class="turn" id="turn-2">' in first
    chat, kept, sources, docs, question = ui.reset()
    assert chat == [] and kept == [] and docs == [] and question == ""
    assert "Ask a question" in sources


def test_markdown_sources_show_their_neighbours_and_no_page_image(ui):
    _, turns, panel, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    assert '<div class="context">21. ' in panel and '<div class="context">23. ' in panel
    assert "/paracite/page/" not in panel
    assert ui.page_image("report:00021") is None and ui.pdf_file("report") is None


def test_feedback_lines_name_the_question_answer_and_citations(ui):
    import json

    _, turns, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    assert ui.feedback(turns, 1, True).startswith("Thank you")
    assert ui.feedback(turns, 7, True) == ""  # no such answer: nothing written
    line = json.loads((ui.base.settings.home / "feedback.jsonl").read_text().splitlines()[-1])
    assert line["verdict"] == "up" and line["question"] == "Who is the new Rapporteur?"
    assert line["citations"][0]["paragraph"] == "22"


def test_the_status_line_counts_documents_and_passages(ui):
    docs = ui.base.documents()  # the records and the uploads of the tests above
    n = sum(c for _, c in docs)
    assert ui.status() == f"Ready · {len(docs)} documents, {n} passages"


def test_upload_reports_progress_per_file_and_per_batch_of_passages(tmp_path):
    import paracite

    a = paracite.Assistant(home=tmp_path / "h")
    calls: list[tuple[tuple[int, int], str, str]] = []

    def progress(value, desc="", unit=""):
        calls.append((value, desc, unit))

    srcs = []
    for i, name in enumerate(("one.md", "two.md")):
        src = tmp_path / f"f{i}"
        src.write_text("".join(f"{n}. Paragraph {n} of {name}, long enough to be a paragraph "
                               "of a record.\n\n" for n in range(1, 6)))
        srcs.append(_Upload(src, name))
    msg, _, _ = app.UI(a).upload(srcs, progress)
    assert msg.count("✅") == 2
    units = [u for _, _, u in calls]
    assert units.count("files") >= 2 and "passages" in units
    files_done = [v for v, _, u in calls if u == "files"]
    assert files_done[-1] == (2, 2), files_done
    assert any("embedding passages" in d for _, d, _ in calls)
