"""The UI's handlers on a real store, without a browser: filter, answerers, sessions."""

from __future__ import annotations

import re

import pytest

from tests.conftest import INGEST, received, ui_module

pytestmark = pytest.mark.integration
pytest.importorskip("gradio")
handlers = ui_module("handlers")


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    import paracite

    a = paracite.Assistant(home=tmp_path_factory.mktemp("h"))
    assert a.ingest([INGEST]).ok
    return handlers.UI(a)


def final(gen):
    """The chat, turns, sources panel and question box an ask ends with (and its Ask
    button is enabled again)."""
    *_, last = list(gen)
    assert last[4]["interactive"] is True, "Ask is enabled once the answer is there"
    return last[:4]


def test_document_filter_limits_the_sources(ui):
    chat, turns, sources, _ = final(ui.ask("When will the report be adopted?", [],
                                           "extractive", ["agenda"]))
    assert "UNODC/CCPCJ/EG.4/2017/1/Rev.1, " in sources
    assert "UNODC/CCPCJ/EG.4/2017/4 ¶" not in sources
    assert turns[-1]["question"] == "When will the report be adopted?"


def test_each_session_keeps_its_own_history(ui):
    _, s1, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    _, s2, _, _ = final(ui.ask("Who opened the meeting, and why?", [], "extractive", []))
    chat, s1b, _, _ = final(ui.ask("and from which country?", s1, "extractive", []))
    assert "Netherlands" in chat[-1]["content"]
    assert len(s1b) == 2 and len(s2) == 1


def test_answerer_selector_offers_what_can_run(ui):
    from paracite.answer import packaged

    names = ui.base.available_llms()
    assert names[0] == "extractive"
    assert all(n in ("extractive", "local", "mixed") or n.startswith("openai:") for n in names)
    # the packaged model is offered exactly when its packages are installed
    assert ("local" in names) == ("mixed" in names) == packaged.installed()
    assert ui.assistant("extractive") is ui.base


def test_errors_are_shown_without_paths_or_tracebacks(ui):
    chat, _, _, _ = final(ui.ask("?!?", [], "extractive", []))
    assert chat[-1]["content"].startswith("⚠") and "Traceback" not in chat[-1]["content"]
    assert "/" not in chat[-1]["content"]


def shown(message: str) -> str:
    """A Markdown message as the reader sees it (its backslash escapes undone)."""
    return re.sub(r"\\(.)", r"\1", message)


def test_upload_is_stored_under_home_with_a_sanitised_name(ui, tmp_path):
    src = tmp_path / "tmpfile"
    src.write_text("1. The Bureau met on 3 May 2017 to prepare the fourth meeting.\n")
    msg, _, _ = ui.upload([received(ui, src, "../../bureau.md")])
    home = ui.base.settings.home
    assert (home / "uploads" / "bureau.md").is_file()
    assert not (home.parent / "bureau.md").exists() and not (home / "bureau.md").exists()
    assert "✔ bureau.md → bureau: added" in shown(msg)
    again, _, _ = ui.upload([received(ui, src, "copy of bureau.md")])
    assert shown(again) == ("ℹ copy_of_bureau.md: same content as bureau.md; ingested once, "
                            "as 'bureau'")


def test_upload_refuses_other_types_and_bad_files_with_reasons(ui, tmp_path):
    exe = tmp_path / "x"
    exe.write_bytes(b"MZ\x90\x00" * 100)
    bad = tmp_path / "y"
    bad.write_bytes(b"%PDF-1.7 truncated")
    msg, _, _ = ui.upload([received(ui, exe, "setup.exe"), received(ui, bad, "broken.pdf")])
    msg = shown(msg)
    assert "✘ setup.exe: not a PDF, Markdown or text file" in msg
    assert "✘ broken.pdf: damaged or truncated PDF" in msg
    assert str(tmp_path) not in msg and "Traceback" not in msg


def test_upload_while_another_ingest_holds_the_store_is_refused_clearly(tmp_path):
    from filelock import FileLock

    import paracite

    a = paracite.Assistant(home=tmp_path / "h", ingest_wait_s=0.2)
    src = tmp_path / "f"
    src.write_text("1. A paragraph long enough to be a paragraph of a record.\n")
    ui = handlers.UI(a)
    with FileLock(str(a.settings.home / "ingest.lock")):
        msg, _, _ = ui.upload([received(ui, src, "note.md")])
    assert shown(msg).startswith("✘ another ingest is writing to this store")
    assert a.store.count() == 0


def test_upload_over_the_size_limit_is_refused_before_anything_is_stored(tmp_path):
    import paracite

    a = paracite.Assistant(home=tmp_path / "h", max_upload_mb=0.001)
    big = tmp_path / "big"
    big.write_text("1. A paragraph of a record. " * 100)
    ui = handlers.UI(a)
    msg, _, _ = ui.upload([received(ui, big, "big.md")])
    assert shown(msg) == "✘ big.md: 3 KB is over the 0.001 MB limit"
    assert not (a.settings.home / "uploads" / "big.md").exists()


def test_an_llm_draft_never_reaches_the_chat_only_the_verified_answer(ui):
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    invented = "The meeting cost 1.1 million dollars, paid by Microsoft"
    fake = FakeListChatModel(responses=["China provided extrabudgetary resources for the "
                                        f"third meeting [1]. {invented} [1]."])
    h = handlers.UI(ui.base, answerers={"fake": fake})
    assert "fake" in h.llm_names()
    steps = list(h.ask("Which Government provided extrabudgetary resources?", [], "fake", []))
    messages = [str(m["content"]) for chat, *_ in steps for m in chat]
    assert not [s for s in messages if "Microsoft" in s]
    assert any(handlers.CHECKING in s for s in messages), \
        "the user sees the answer is being checked"
    # the verified sentence is shown while the rest is still being checked
    assert any("China provided extrabudgetary resources" in s and handlers.CHECKING in s
               for s in messages)
    final = steps[-1][0][-1]["content"]
    assert "China provided extrabudgetary resources" in final and "[[1]](#src-1-1)" in final
    assert "answered by FakeListChatModel (checked against the records)" in shown(final)


def test_answers_given_while_an_upload_is_ingested_say_so(ui):
    ui._ingesting += 1
    try:
        chat, turns, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    finally:
        ui._ingesting -= 1
    assert handlers.INGEST_NOTICE in shown(chat[-1]["content"]) and turns[-1]["notice"]
    chat, _, _, _ = final(ui.ask("Who is the new Rapporteur?", [], "extractive", []))
    assert handlers.INGEST_NOTICE not in shown(chat[-1]["content"])


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
    path = ui.base.settings.home / "feedback.jsonl"
    line = json.loads(path.read_text().splitlines()[-1])
    assert line["verdict"] == "up" and line["question"] == "Who is the new Rapporteur?"
    assert line["citations"][0]["paragraph"] == "22"
    size = path.stat().st_size
    forged = [dict(turns[0], question="Who paid for the meeting?")]
    assert ui.feedback(forged, 1, True).startswith("Not saved: this answer is not one")
    assert path.stat().st_size == size


def new_ui(home, embedder):
    import paracite

    a = paracite.Assistant(home=home)
    a.embedder = embedder
    return handlers.UI(a)


def record(n: int, text: str) -> str:
    return f"{n}. {text} The Group met in Vienna on 3 May 2017 and adopted its agenda.\n\n"


def test_unstored_uploads_are_regular_upload_files_no_stored_document_comes_from(
        tmp_path, embedder):
    ui = new_ui(tmp_path / "home", embedder)
    folder = ui.base.settings.home / "uploads"
    folder.mkdir(parents=True)
    (folder / "stored.md").write_text(record(1, "The stored record."))
    assert ui.base.ingest([folder / "stored.md"]).ok
    (folder / "lost.md").write_text(record(1, "A record whose ingest never finished."))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 half of a file")
    (folder / "setup.exe").write_bytes(b"MZ")
    (folder / "notes.md").mkdir()
    (folder / "link.md").symlink_to(tmp_path / "elsewhere.md")
    (tmp_path / "elsewhere.md").write_text(record(1, "Not an upload."))
    assert [f.name for f in ui.base.unstored_uploads()] == ["broken.pdf", "lost.md"]
    assert ui.unstored_note(ui.unstored()) == (
        "2 uploaded files are not in the store: broken\\.pdf, lost\\.md")
    assert ui.unstored_note([]) == ""


def test_uploads_missing_from_the_store_are_ingested_again_and_never_deleted(
        tmp_path, embedder):
    """A store made anew (its chroma folder deleted, as the 'damaged store' message
    says) leaves the uploads; the UI offers them and ingests them on request. A file
    that fails again is kept; a file an upload is working on is not offered."""
    ui = new_ui(tmp_path / "home", embedder)
    folder = ui.base.settings.home / "uploads"
    folder.mkdir(parents=True)
    for name, text in (("a.md", "The Bureau met."), ("b.md", "The Group adopted its report.")):
        (folder / name).write_text(record(1, text) + record(2, text))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 half of a file")
    (folder / "busy.md").write_text(record(1, "An upload being ingested right now."))
    ui.claims.add(folder / "busy.md")
    assert [f.name for f in ui.unstored()] == ["a.md", "b.md", "broken.pdf"]
    calls = []
    said = shown(ui.reingest(lambda value, desc="", unit="": calls.append((value, desc, unit))))
    assert "✔ a.md → a: added, 2 passages" in said
    assert "✔ b.md → b: added, 2 passages" in said
    assert "✘ broken.pdf: damaged or truncated PDF" in said
    assert "busy.md" not in said
    assert "passages" in [u for _, _, u in calls]
    assert calls[-1][1].endswith(" · 3 of 3 files done"), calls[-1]
    assert sorted(d.id for d, _ in ui.base.documents()) == ["a", "b"]
    assert (folder / "broken.pdf").is_file(), "a file that failed again is kept"
    assert [f.name for f in ui.unstored()] == ["broken.pdf"]
    ui.claims.discard(folder / "busy.md")
    assert [f.name for f in ui.unstored()] == ["broken.pdf", "busy.md"]


def test_deleting_a_pdf_document_removes_its_cached_page_images(tmp_path, embedder):
    pytest.importorskip("fpdf")
    from tests.pdfgen import write_pdf

    ui = new_ui(tmp_path / "home", embedder)
    pdf = write_pdf(tmp_path / "bulletin.pdf", [
        ("heading", "I. Organization of the session"),
        ("para", "1. The Working Group on Lighthouses met in Reykjavik from 3 to 5 May 2026."),
        ("para", "2. The Working Group elected Ms. Sigrun Olafsdottir (Iceland) as Chair."),
    ], symbol="A/WG.99/2026/1")
    msg, _, _ = ui.upload([received(ui, pdf, "bulletin.pdf")])
    assert "✔ bulletin.pdf" in shown(msg)
    pages = ui.base.settings.home / "pages"
    for p in ui.base.passages("bulletin"):
        assert ui.page_image(p.id) is not None
    other = pages / f"{'f' * 24}-p1-0123456789abcdef-s1.5-v1.png"  # another file's page
    other.write_bytes(b"png")
    assert len(list(pages.glob("*.png"))) >= 3
    said = ui.delete("bulletin")
    assert "deleted" in said
    assert [f.name for f in pages.iterdir()] == [other.name]


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

    ui = handlers.UI(a)
    srcs = []
    for i, name in enumerate(("one.md", "two.md")):
        src = tmp_path / f"f{i}"
        src.write_text("".join(f"{n}. Paragraph {n} of {name}, long enough to be a paragraph "
                               "of a record.\n\n" for n in range(1, 6)))
        srcs.append(received(ui, src, name))
    msg, _, _ = ui.upload(srcs, progress)
    assert msg.count("✔") == 2
    said = [d for _, d, _ in calls]
    assert said[:2] == ["Receiving one.md", "Receiving two.md"]
    assert "Reading one.md: page 1 of 1 · 0 of 2 files done" in said
    assert "Reading two.md: page 1 of 1 · 0 of 2 files done" in said
    assert said[-1] == "Storing two.md · 1 of 2 files done" or said[-1].endswith("2 of 2 "
                                                                               "files done")
    assert [v for v, d, _ in calls if d.startswith("Embedding")][-1] == (10, 10)


def test_upload_progress_goes_through_the_phases_and_ends_at_the_stored_count(ui, tmp_path):
    """One display, phases in order (receiving, reading page i of n, structuring,
    embedding passages i of n, storing); the last embedding count is what the report
    and the documents table say was stored."""
    from tests.pdfgen import write_pdf

    body = [("para", f"{n}. The Working Group on Quays reviewed quay {n}, its cranes and "
             "its lights, and asked for a costed plan of repairs before its next session "
             "in Valletta.") for n in range(1, 40)]
    pdf = write_pdf(tmp_path / "quays.pdf", [("heading", "I. Organization of the session"),
                                              *body], symbol="A/WG.93/2026/1")
    calls: list[tuple[tuple[int, int], str, str]] = []

    def progress(fraction, desc="", unit=""):
        calls.append((fraction, desc, unit))

    msg, table, _ = ui.upload([received(ui, pdf, "quays.pdf")], progress)
    stored = dict((d.id, n) for d, n in ui.base.documents())["quays"]
    pages = next(d.pages for d, _ in ui.base.documents() if d.id == "quays")
    assert pages is not None and pages >= 2
    said = [desc for _, desc, _ in calls]
    assert said[0] == "Receiving quays.pdf"
    reading = [d for d in said if d.startswith("Reading quays.pdf")]
    assert reading[-1] == f"Reading quays.pdf: page {pages} of {pages}"
    last_read = calls[said.index(reading[-1])]
    assert last_read[0] == (pages, pages) and last_read[2] == "pages"
    phases = [d.split()[0] for d in said]
    order = ["Receiving", "Reading", "Structuring", "Embedding", "Storing"]
    firsts = [phases.index(p) for p in order]
    assert firsts == sorted(firsts), phases
    embedding = [(f, d) for f, d, _ in calls if d.startswith("Embedding passages")]
    assert embedding[-1] == ((stored, stored), f"Embedding passages: {stored} of {stored}")
    assert all(f[0] <= f[1] for f, _ in embedding)
    assert f"A/WG.93/2026/1: added, {stored} passages" in shown(msg)
    assert (f'<td class="n"><span class="k">passages</span> <span class="v">{stored}</span>'
            "</td>") in table["value"]
