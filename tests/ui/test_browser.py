"""The web UI in a real browser: Debian's Chromium driven by Playwright (nothing
downloaded). Starts the app on a free loopback port over a temporary store, with a fake
chat model that invents a sentence beside the extractive answerer.

Each test opens its own page (a new browser context: its own storage, so its own
conversation) and makes the state it needs itself (it asks its own questions, uploads its
own files), so the tests pass in any order, one at a time or side by side. Every page is
checked when it closes: no Content Security Policy violation, no uncaught error."""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from tests.conftest import INGEST, free_port

pytestmark = [pytest.mark.integration, pytest.mark.ui]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make test installs it as root)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fpdf")
from tests.pdfgen import write_pdf  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage"]
# The fake model answers with one supported sentence and one it invents: the invented one
# must never reach the page, not even while the answer is being written.
INVENTED = "The budget of the meeting was 1.1 million dollars, paid by Microsoft"
FAKE_ANSWER = ("China provided extrabudgetary resources for the third meeting [1]. "
               f"{INVENTED} [1].")
SCREENSHOTS = os.environ.get("PARACITE_SCREENSHOTS")  # a folder: README screenshots go there
CHECKING = "checking it against the records"  # the chat's text while an answer is written
SLOW_S = 2.5  # the "slow" answerer takes this long: long enough to type while it writes


def slow_model():
    """A chat model that answers like "fake" after SLOW_S seconds (one question is still
    being answered while the next is typed)."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class Slow(FakeListChatModel):
        def _stream(self, *args, **kwargs):
            time.sleep(SLOW_S)
            yield from super()._stream(*args, **kwargs)

        def _call(self, *args, **kwargs):
            time.sleep(SLOW_S)
            return super()._call(*args, **kwargs)

    return Slow(responses=[FAKE_ANSWER])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    import paracite
    from paracite.cli import load_ui

    home = tmp_path_factory.mktemp("ui-home")
    assistant = paracite.Assistant(home=home)
    assert assistant.ingest([INGEST]).ok
    port = free_port()
    ready: list[str] = []
    app = load_ui().launch(assistant, port=port, block=False, on_ready=ready.append,
                           answerers={"fake": FakeListChatModel(responses=[FAKE_ANSWER]),
                                      "slow": slow_model()})
    assert ready == [f"http://127.0.0.1:{port}/"]
    assert assistant.embedder._model is not None, "the embedder loads before 'ready'"
    yield f"http://127.0.0.1:{port}", assistant
    app.close()


@pytest.fixture(scope="module")
def app_url(served):
    return served[0]


# Every Content Security Policy violation, recorded by a listener installed before any
# page script runs (and again after each reload).
RECORD_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '')));"""
# Every text the page ever showed, caught as it is added (not only what is left at the end).
RECORD_TEXT = """window.__seen = [];
new MutationObserver(ms => { for (const m of ms) {
  for (const n of m.addedNodes) { window.__seen.push(n.textContent || ''); }
  if (m.type === 'characterData') { window.__seen.push(m.target.textContent || ''); }
}}).observe(document, {subtree: true, childList: true, characterData: true});"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Opened:
    """A page in a browser context of its own, with what it logged: console messages,
    uncaught errors (kept across reloads), the first response's headers."""

    def __init__(self, browser, url: str, scheme: str, width: int, height: int) -> None:
        ctx = browser.new_context(viewport={"width": width, "height": height},
                                  color_scheme=scheme)
        ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        self.page = ctx.new_page()
        self.console: list[str] = []
        self.page.add_init_script(RECORD_CSP)
        self.page.add_init_script(RECORD_TEXT)
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        response = self.page.goto(url)
        assert response is not None
        self.headers = response.all_headers()
        self.page.wait_for_selector("#question textarea", timeout=30_000)

    def problems(self) -> list[str]:
        """CSP violations and uncaught errors this page met."""
        try:
            violations = [f"csp: {v}" for v in self.page.evaluate("window.__csp || []")]
        except Exception as exc:  # noqa: BLE001 - a page that is gone tells nothing more
            violations = [f"page gone: {exc}"]
        logged = [m for m in self.console if "Content Security Policy" in m
                  or "Refused to" in m or m.startswith("pageerror")]
        return violations + logged

    def close(self) -> None:
        self.page.context.close()


OPENED: dict[int, Opened] = {}


def open_page(browser, url: str, scheme: str = "light", width: int = 1440, height: int = 900):
    opened = Opened(browser, url, scheme, width, height)
    OPENED[id(opened.page)] = opened
    return opened.page


def close_page(pg) -> None:
    """Close a page, failing if it met a CSP violation or an uncaught error."""
    opened = OPENED.pop(id(pg))
    problems = opened.problems()
    opened.close()
    assert problems == [], problems


@pytest.fixture()
def page(browser, app_url):
    """A new page for this test alone: its own storage, so its own conversation."""
    pg = open_page(browser, app_url)
    yield pg
    close_page(pg)


def answers(page) -> int:
    return page.locator("#chat .bot-row").count()


def ask(page, question: str) -> None:
    before = answers(page)
    page.fill("#question textarea", question)
    page.click("#ask")
    answered(page, before + 1)


def answered(page, n: int) -> None:
    """Wait until the chat holds ``n`` answers, the last one written."""
    page.wait_for_function(
        "([n, busy]) => { const m = document.querySelectorAll('#chat .bot-row');"
        " return m.length >= n && !m[m.length-1].innerText.includes(busy); }",
        arg=[n, CHECKING], timeout=60_000)


def new_conversation(page) -> None:
    """Reset a conversation that has answers (on an empty one the wait below would end
    before the reset arrives, and the reset could then erase the next answer)."""
    assert answers(page) > 0
    page.click("#new")
    page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length == 0",
                           timeout=10_000)


def last_answer(page) -> str:
    return page.locator("#chat .bot-row").last.inner_text()


def pick(page, dropdown: str, option: str) -> None:
    """Choose an option of a gradio dropdown: the one whose label starts with ``option``."""
    box = page.locator(f"{dropdown} input")
    box.scroll_into_view_if_needed()
    box.click()
    box.fill(option)
    options = page.get_by_role("option")
    options.first.wait_for(timeout=10_000)
    for i in range(options.count()):
        label = options.nth(i).inner_text().strip()
        if label == option or label.startswith(option + " "):
            options.nth(i).click()
            return
    raise AssertionError(f"no option {option!r} in {dropdown}")


def open_settings(page) -> None:
    if not page.locator("#llm").is_visible():
        page.get_by_text("Answerer and documents").click()
        page.locator("#llm").wait_for(state="visible")


def test_question_answer_and_cited_paragraph_in_the_sources_panel(page):
    t0 = time.perf_counter()
    ask(page, "Who is the new Rapporteur?")
    assert "Erik Planken" in last_answer(page)
    assert "Sources: [1] UNODC/CCPCJ/EG.4/2017/4 ¶22, p. 4" in last_answer(page)
    panel = page.locator("#sources")
    panel.locator("#src-1-1").wait_for(timeout=30_000)
    text = panel.inner_text()
    assert "UNODC/CCPCJ/EG.4/2017/4 ¶22, p. 4" in text and "report ¶" not in text
    assert "22. Upon conclusion of the deliberations under agenda item 3" in text
    assert panel.locator("#src-1-1 mark").count() >= 1
    assert panel.locator("#src-1-1 .context").count() == 2, "Markdown: paragraphs around it"
    print(f"first answer in the browser: {time.perf_counter() - t0:.2f} s")


def test_follow_up_uses_the_conversation(page):
    ask(page, "Who is the new Rapporteur?")
    ask(page, "and from which country?")
    assert "Netherlands" in last_answer(page)


def test_an_earlier_answers_marker_opens_its_own_paragraph(page):
    ask(page, "Who is the new Rapporteur?")
    ask(page, "and from which country?")
    ask(page, "Who opened the meeting?")
    assert "South Africa" in last_answer(page)
    assert page.locator("#sources #src-3-1").inner_text().find("52.") >= 0
    first = page.locator("#chat .bot-row").first
    first.locator("a[href='#src-1-1']").click()
    target = page.locator("#src-1-1")
    target.wait_for(state="visible", timeout=10_000)
    assert "22. Upon conclusion" in target.inner_text()
    # in view, and still in view once the panel was drawn again at that answer
    page.wait_for_function("""() => { const r = document.getElementById('src-1-1')
        ?.getBoundingClientRect(); return r && r.height > 0 && r.top > -2 && r.top < 900; }""",
                           timeout=10_000)
    # clicking an earlier answer opens its sources too
    page.locator("#chat .bot-row").nth(1).locator(".message-content").click()
    page.wait_for_function("() => document.querySelector('#turn-2')?.open", timeout=10_000)
    assert "Netherlands" in page.locator("#turn-2").inner_text()


def test_copy_gives_the_answer_and_its_references_as_plain_text(page):
    ask(page, "Who opened the meeting?")
    page.locator("#chat .message-buttons-left").last.locator(
        "button[aria-label='Copy message']").click()
    page.wait_for_timeout(300)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith("The meeting was opened")
    assert copied.endswith("[1] UNODC/CCPCJ/EG.4/2017/4, ¶52, p. 9")
    assert "<" not in copied and "](" not in copied and "#src" not in copied


def test_refusal_looks_different_and_shows_closest_passages(page):
    ask(page, "Who was elected Chair of the fourth meeting of the Expert Group?")
    assert "The records do not answer" in last_answer(page)
    panel = page.locator(f"#turn-{answers(page)}")
    assert panel.locator(".refusal-banner").count() == 1
    assert panel.locator(".see-also").count() >= 1


def test_conversation_survives_a_reload(page):
    ask(page, "Who is the new Rapporteur?")
    ask(page, "Who opened the meeting?")
    n = answers(page)
    page.reload()
    page.wait_for_function("([n]) => document.querySelectorAll('#chat .bot-row').length == n",
                           arg=[n], timeout=30_000)
    assert "Erik Planken" in page.locator("#chat .bot-row").first.inner_text()
    page.locator("#sources #src-1-1").wait_for(state="attached", timeout=10_000)
    ask(page, "and who chaired it?")  # history came back too: follow-ups still work
    assert answers(page) == n + 1


def upload(page, *files: Path, shown: Sequence[str]) -> None:
    """Upload files through the page and wait until the report names each of ``shown``."""
    page.locator("#doc-table").scroll_into_view_if_needed()
    page.set_input_files("#upload input[type=file]", [str(f) for f in files])
    page.click("#ingest")
    page.wait_for_function(
        "([names]) => { const t = document.querySelector('#upload-result')?.innerText"
        " || ''; return names.every(n => t.includes(n)); }", arg=[list(shown)],
        timeout=120_000)


# Where the cited page image and its highlight are on the screen, after a marker click.
PAGE_IN_VIEW = """async ([id]) => {
  const card = document.getElementById(id);
  const img = card?.querySelector('figure.page img');
  if (!img || !img.complete || !img.naturalWidth) return null;
  const box = await (await fetch(img.getAttribute('src').replace(/[.]png$/, '.json'))).json();
  const r = img.getBoundingClientRect();
  const panel = document.getElementById('sources').getBoundingClientRect();
  const turn = card.closest('details.turn').querySelector(':scope > summary')
    .getBoundingClientRect();
  return {width: r.width, highlightTop: r.top + box.top * r.height,
          highlightBottom: r.top + box.bottom * r.height, panelTop: panel.top,
          panelBottom: Math.min(panel.bottom, innerHeight), headingTop: turn.top,
          headingBottom: turn.bottom, highlighted: box.highlighted, scrollY: scrollY}; }"""


def test_uploaded_pdf_answers_and_shows_its_page_with_the_paragraph_highlighted(page, tmp_path,
                                                                                  served):
    """Symbols everywhere a person reads a document's name (the short form of a joint
    symbol); a marker click shows the cited page at once, at least 800 px wide on a
    1440 px window, its highlight in view under the answer's heading, the chat in place."""
    from PIL import Image

    filler = [("para", f"{n}. The Working Group on Lighthouses considered the report of "
               f"its bureau on lamp maintenance, item {n} of its programme, and took note "
               "of the progress made since its previous session.") for n in range(1, 9)]
    pdf = write_pdf(tmp_path / "bulletin.pdf", [
        ("heading", "I. Organization of the session"), *filler,
        ("para", "9. The Working Group elected Ms. Sigrun Olafsdottir (Iceland) as Chair."),
        ("para", "10. The Working Group on Lighthouses met in Reykjavik from 3 to 5 May 2026."),
    ], symbol="A/WG.99/2026/1-E/WG.99/2026/2")
    upload(page, pdf, shown=["bulletin.pdf → A/WG.99/2026/1:"])
    page.wait_for_function("() => (document.querySelector('#doc-table')?.innerText || '')"
                           ".includes('A/WG.99/2026/1-E/WG.99/2026/2')", timeout=10_000)
    open_settings(page)
    assert page.locator("#docs label", has_text="A/WG.99/2026/1").count() == 1
    assert page.locator("#docs label", has_text="bulletin").count() == 0, "no id shown"
    ask(page, "Who was elected Chair of the Working Group on Lighthouses?")
    answer = last_answer(page)
    assert "Sigrun Olafsdottir" in answer and "Sources: [1] A/WG.99/2026/1 ¶9, p. " in answer
    page.locator("#chat .message-buttons-left").last.locator(
        "button[aria-label='Copy message']").click()
    page.wait_for_timeout(300)
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "[1] A/WG.99/2026/1, ¶9, p. " in copied and "E/WG.99" not in copied, copied
    n = answers(page)
    page.evaluate("() => window.scrollTo(0, 0)")
    page.locator("#chat .bot-row").last.locator(f"a[href='#src-{n}-1']").click()
    deadline = time.monotonic() + 30
    seen = None
    while time.monotonic() < deadline:
        seen = page.evaluate(PAGE_IN_VIEW, [f"src-{n}-1"])
        if seen and seen["panelTop"] <= seen["highlightTop"] and \
                seen["highlightBottom"] <= seen["panelBottom"]:
            break
        page.wait_for_timeout(200)
    assert seen is not None and seen["highlighted"], seen
    assert seen["width"] >= 800, seen
    assert seen["panelTop"] <= seen["highlightTop"] < seen["highlightBottom"] <= \
        seen["panelBottom"], f"the highlight is in view: {seen}"
    assert seen["headingTop"] >= 0 and seen["headingBottom"] <= seen["highlightTop"], \
        "the answer's heading stays above the page"
    assert seen["scrollY"] == 0, "the chat stayed where it was"
    assert page.locator("#chat .bot-row").last.is_visible()
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / "screenshot-page.png"))
    source = page.locator(f"#src-{n}-1")
    src = source.locator("figure.page img").get_attribute("src")
    assert src and src.startswith("/paracite/page/bulletin%3A")
    png = page.request.get(served[0] + src)
    assert png.ok and png.headers["content-type"] == "image/png"
    im = Image.open(io.BytesIO(png.body())).convert("RGB")
    yellow = sum(1 for r, g, b in im.getdata() if r > 200 and g > 180 and b < 140)
    assert yellow > 500, "the cited paragraph is highlighted on the page"
    assert source.locator("figure.page > a").get_attribute("href") == src, "click: full size"
    link = source.locator("figcaption a")
    assert link.get_attribute("href") == "/paracite/pdf/bulletin#page=1"
    pdf_response = page.request.get(served[0] + "/paracite/pdf/bulletin")
    assert pdf_response.ok and pdf_response.body()[:5] == b"%PDF-"


# Where progress is drawn while an upload is ingested: the element (by id) holding each
# progress display gradio adds, and every progress text shown.
WATCH_PROGRESS = """() => { window.__progress = []; window.__progressText = [];
  const cls = /(^|\\s)(progress-text|progress-level|eta-bar|meta-text|meta-text-center)(\\s|$)/;
  const note = e => { window.__progress.push((e.closest('[id]') || {}).id || '?');
    window.__progressText.push(e.textContent || ''); };
  new MutationObserver(ms => { for (const m of ms) {
    if (m.type === 'characterData') {
      const e = m.target.parentElement?.closest('*');
      for (let x = e; x; x = x.parentElement) if (cls.test(x.className || '')) { note(x); break; }
      continue; }
    for (const n of m.addedNodes) {
      if (n.nodeType === 3) {
        for (let x = n.parentElement; x; x = x.parentElement)
          if (cls.test(x.className || '')) { note(x); break; }
        continue; }
      if (n.nodeType !== 1) continue;
      [n, ...n.querySelectorAll('*')].filter(e => cls.test(e.className || '')).forEach(note);
    } } })
    .observe(document.body, {subtree: true, childList: true, characterData: true}); }"""


def test_upload_progress_is_shown_once_in_phases_ending_at_the_stored_count(page, tmp_path,
                                                                             served):
    _, assistant = served
    body = [("para", f"{n}. The Working Group on Harbours reviewed the state of pier {n}, "
             "its moorings and its lights, and asked the secretariat for a costed plan "
             "of repairs before its next session in Valletta.") for n in range(1, 40)]
    pdf = write_pdf(tmp_path / "harbours.pdf", [
        ("heading", "I. Organization of the session"), *body], symbol="A/WG.94/2026/1")
    page.wait_for_function("() => (document.querySelector('#status')?.innerText || '')"
                           ".startsWith('Ready')", timeout=30_000)  # the page's own loading
    page.wait_for_timeout(500)
    page.evaluate(WATCH_PROGRESS)
    upload(page, pdf, shown=["harbours.pdf →"])
    stored = dict((d.id, n) for d, n in assistant.documents())["harbours"]
    pages = assistant.documents()[[d.id for d, _ in assistant.documents()]
                                  .index("harbours")][0].pages
    assert pages and pages >= 2
    report = page.locator("#upload-result").inner_text()
    assert f"A/WG.94/2026/1: added, {stored} passages" in report, report
    row = page.locator("#doc-table tr", has_text="A/WG.94/2026/1").inner_text()
    assert row.split()[-1] == str(stored), row  # the table counts what the report said
    # Every event is checked in test_ui_handlers; here, what the browser shows of them (it
    # draws the latest at each frame, so quick phases may not be drawn): phases by name.
    shown = page.evaluate("window.__progressText")
    phases = ("Reading harbours.pdf: page ", "Structuring harbours.pdf", "Embedding passages: ",
              "Storing harbours.pdf")
    assert any(p in t for t in shown for p in phases), shown
    assert not any("Receiving harbours.pdf" in t and "0.0%" in t for t in shown[-5:]), shown
    shown_in = set(page.evaluate("window.__progress"))
    assert shown_in and shown_in <= {"upload-result"}, shown_in


def test_an_upload_is_still_listed_after_a_reload(page, tmp_path):
    pdf = write_pdf(tmp_path / "lanterns.pdf", [
        ("heading", "I. Organization of the session"),
        ("para", "1. The Working Group on Lanterns met in Oslo from 6 to 8 May 2026."),
    ], symbol="A/WG.97/2026/1")
    upload(page, pdf, shown=["lanterns.pdf →"])
    page.reload()
    page.wait_for_function("() => (document.querySelector('#doc-table')?.innerText || '')"
                           ".includes('A/WG.97/2026/1')", timeout=30_000)
    open_settings(page)
    assert page.locator("#docs label", has_text="A/WG.97/2026/1").count() == 1


# Markdown and HTML a record or a question may hold: none of it may become a link or an
# image on the page (issue 21, item 7); all of it is shown as written.
LINK = "[the hall](javascript:alert(1))"
IMAGE = "![](http://evil.example/x.png)"
AUTOLINK = "http://evil.example/bare"
RAW = '<a href="http://evil.example/raw">raw</a> <img src="http://evil.example/y.png">'
FOREIGN = """() => {
  const bad = [];
  for (const root of ['#chat', '#sources', '#upload-result', '#status']) {
    const el = document.querySelector(root);
    if (!el) continue;
    el.querySelectorAll('a').forEach(a => { const h = a.getAttribute('href') || '';
      if (!(h.startsWith('#') || h.startsWith('/paracite/'))) bad.push('a ' + h); });
    el.querySelectorAll('img').forEach(i => { const s = i.getAttribute('src') || '';
      if (!(s.startsWith('/paracite/') || s.startsWith('data:'))) bad.push('img ' + s); });
  }
  return bad; }"""


def test_markdown_in_records_and_questions_makes_no_link_or_image(page, tmp_path, served):
    """A Markdown upload keeps what its parser leaves of them (a bare URL), a PDF keeps
    them all; the question holds them all. None becomes a link or image; the question,
    the answer, the cited paragraph and the copied text show them as written."""
    _, assistant = served
    payloads = f"{LINK} {IMAGE} {AUTOLINK} {RAW}"
    md = tmp_path / "beacons.md"
    md.write_text("# Working Group on Beacons\n\n"
                  f"1. The Working Group on Beacons met in Tromso at {payloads} on 4 June "
                  "2026.\n\n2. The Working Group on Beacons adopted its report.\n")
    pdf = write_pdf(tmp_path / "buoys.pdf", [
        ("heading", "I. Organization of the session"),
        ("para", f"1. The Working Group on Buoys met in Bergen at {payloads} on 8 June 2026."),
        ("para", "2. The Working Group on Buoys adopted its report on 9 June 2026."),
    ], symbol="A/WG.98/2026/1")
    upload(page, md, pdf, shown=["beacons.md →", "buoys.pdf →"])
    stored = {d: assistant.passage(d, "1").text for d in ("beacons", "buoys")}
    assert AUTOLINK in stored["beacons"] and payloads in stored["buoys"], stored
    question = f"Which Working Group met at {payloads}?"
    ask(page, question)
    assert page.evaluate(FOREIGN) == [], "a link or image made from the question"
    asked = page.locator("#chat .user-row").last.inner_text()
    assert question in asked.replace("\n", " "), asked
    for doc, group, where in (("beacons", "Beacons", "Tromso"), ("buoys", "Buoys", "Bergen")):
        ask(page, f"Where did the Working Group on {group} meet?")
        n = answers(page)
        assert page.evaluate(FOREIGN) == [], "a link or image made from a record"
        answer = last_answer(page)
        assert where in answer and AUTOLINK in answer, answer
        shown = page.locator(f"#src-{n}-1 .text").inner_text()
        assert shown == stored[doc], "the cited paragraph is shown as stored"
        page.locator("#chat .message-buttons-left").last.locator(
            "button[aria-label='Copy message']").click()
        page.wait_for_timeout(300)
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert AUTOLINK in copied and "\\" not in copied, copied
    assert payloads in answer, "the PDF's paragraph, as written"
    assert payloads in copied


def test_filter_chip_shows_the_filter_and_removes_it(page):
    open_settings(page)
    chip = page.locator("#filter-chip")
    assert not chip.is_visible()
    page.locator("#docs label", has_text="UNODC/CCPCJ/EG.4/2017/1/Rev.1").click()
    chip.wait_for(state="visible", timeout=10_000)
    assert "Only: UNODC/CCPCJ/EG.4/2017/1/Rev.1" in chip.inner_text()
    ask(page, "When will the report be adopted?")
    n = answers(page)
    assert "UNODC/CCPCJ/EG.4/2017/4 ¶" not in page.locator(f"#turn-{n}").inner_text()
    chip.click()
    chip.wait_for(state="hidden", timeout=10_000)
    assert not page.locator("#docs input[type=checkbox]:checked").count()


def test_delete_a_document_after_confirming(page, served, tmp_path):
    """Deleting asks first, names the document by its symbol, removes it everywhere; an
    earlier answer citing it keeps the cited text and says the document was deleted."""
    _, assistant = served
    pdf = write_pdf(tmp_path / "ephemera.pdf", [
        ("heading", "I. Organization of the session"),
        ("para", "1. The Working Group on Ephemera met in Turku on 2 May 2026."),
    ], symbol="A/WG.96/2026/1")
    upload(page, pdf, shown=["ephemera.pdf →"])
    assert (assistant.settings.home / "uploads" / "ephemera.pdf").exists()
    ask(page, "Where did the Working Group on Ephemera meet?")
    n = answers(page)
    card = page.locator(f"#src-{n}-1")
    assert "Turku" in card.inner_text() and card.locator("figure.page img").count() == 1
    pick(page, "#delete-doc", "A/WG.96/2026/1")
    page.click("#delete")
    page.locator("#delete-question").wait_for(state="visible", timeout=10_000)
    assert "A/WG.96/2026/1" in page.locator("#delete-question").inner_text()
    page.click("#delete-confirm")
    page.wait_for_function("() => (document.querySelector('#delete-result')?.innerText || '')"
                           ".includes('A/WG.96/2026/1 deleted')", timeout=30_000)
    page.wait_for_function("() => !(document.querySelector('#doc-table')?.innerText || '')"
                           ".includes('A/WG.96/2026/1')", timeout=10_000)
    assert "ephemera" not in [d.id for d, _ in assistant.documents()]
    assert not (assistant.settings.home / "uploads" / "ephemera.pdf").exists()
    open_settings(page)
    assert page.locator("#docs label", has_text="A/WG.96/2026/1").count() == 0
    ask(page, "Who is the new Rapporteur?")  # the panel is drawn again, the old turn too
    page.locator(f"#turn-{n} > summary").click()
    card = page.locator(f"#src-{n}-1")
    card.wait_for(state="visible", timeout=10_000)
    assert "Document deleted" in card.inner_text() and "Turku" in card.inner_text()
    assert card.locator("img").count() == 0 and card.locator("a").count() == 0


def test_an_llm_draft_is_never_on_the_page_only_what_was_verified(page):
    open_settings(page)
    pick(page, "#llm", "fake")
    ask(page, "Which Government provided extrabudgetary resources?")
    assert "China provided extrabudgetary resources" in last_answer(page)
    assert "Microsoft" not in page.locator("body").inner_text()
    seen = page.evaluate("window.__seen")
    assert not [s for s in seen if "Microsoft" in s], "an unverified sentence was shown"
    pick(page, "#llm", "extractive")


def test_a_question_sent_while_an_answer_is_written_is_queued_then_answered(page):
    """Type a question, Enter, type the next, Enter: the second is kept, shown as queued
    and asked once the first answer is there; Ask is disabled meanwhile; a question typed
    but not sent while an answer is written stays in the box."""
    open_settings(page)
    pick(page, "#llm", "slow")
    first, second = "Which Government provided extrabudgetary resources?", \
        "Who provided extrabudgetary resources for the third meeting?"
    page.fill("#question textarea", first)
    page.press("#question textarea", "Enter")
    page.wait_for_function("() => document.querySelector('button#ask')?.disabled",
                           timeout=10_000)
    page.fill("#question textarea", second)
    page.press("#question textarea", "Enter")
    queued = page.locator("#queued")
    queued.wait_for(state="visible", timeout=5_000)
    assert second in queued.inner_text() and "Queued" in queued.inner_text()
    assert page.input_value("#question textarea") == ""
    answered(page, 1)
    page.wait_for_function("() => document.querySelectorAll('#chat .user-row').length == 2",
                           timeout=30_000)
    page.fill("#question textarea", "What is the provisional agenda?")  # typed, not sent
    answered(page, 2)
    asked = [r.inner_text() for r in page.locator("#chat .user-row").all()]
    assert [first in asked[0], second in asked[1]] == [True, True], asked
    assert "China" in last_answer(page)
    page.wait_for_function("() => !document.querySelector('button#ask')?.disabled",
                           timeout=10_000)
    assert page.input_value("#question textarea") == "What is the provisional agenda?"
    assert page.locator("#queued .queued-question").count() == 0
    pick(page, "#llm", "extractive")


def test_new_conversation_resets_history_sources_and_filter(page):
    ask(page, "Who is the new Rapporteur?")
    open_settings(page)
    page.locator("#docs label", has_text="UNODC/CCPCJ/EG.4/2017/1/Rev.1").click()
    page.locator("#filter-chip").wait_for(state="visible", timeout=10_000)
    page.click("#new")
    page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length == 0",
                           timeout=10_000)
    assert page.locator("#sources .src").count() == 0
    page.locator("#filter-chip").wait_for(state="hidden", timeout=10_000)
    ask(page, "and from which country?")  # nothing to lean on any more
    assert "Netherlands" not in last_answer(page)
    page.reload()  # the reset is kept too
    page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length == 1",
                           timeout=30_000)


def test_suggested_questions_come_from_the_documents_and_can_be_asked(page):
    first = page.locator("#suggest-0")
    first.wait_for(state="visible", timeout=10_000)
    text = first.inner_text()
    assert text.endswith("?") and len(text) > 15
    before = answers(page)
    first.click()
    answered(page, before + 1)
    assert text in page.locator("#chat .user-row").last.inner_text()


def test_feedback_is_written_to_the_home_folder(page, served):
    import json

    _, assistant = served
    ask(page, "Who is the new Rapporteur?")
    page.locator("#chat .message-buttons-left").last.locator(
        "button[aria-label='Like']").click()
    path = assistant.settings.home / "feedback.jsonl"
    deadline = time.monotonic() + 10
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    line = json.loads(path.read_text().splitlines()[-1])
    assert line["verdict"] == "up" and line["question"] == "Who is the new Rapporteur?"
    assert line["citations"][0]["paragraph"] == "22"


def contrast(page, selector: str) -> float:
    """WCAG contrast of an element's text on its own background, from computed styles."""
    return page.evaluate("""(sel) => {
      const el = document.querySelector(sel);
      const s = getComputedStyle(el);
      const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => { const f = v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
      const a = lum(rgb(s.color)), b = lum(rgb(s.backgroundColor));
      return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }""", selector)


# Every element of the sources panel that holds text of its own: its colour against the
# background it is drawn on (the nearest one that is not transparent), WCAG contrast.
PANEL_CONTRAST = """() => {
  const rgba = c => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => { for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0.5) return c; }
    return [255, 255, 255]; };
  const out = [];
  document.querySelectorAll('#sources *').forEach(el => {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) return;
    const a = lum(rgba(getComputedStyle(el).color)), b = lum(background(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    out.push({cls: el.tagName.toLowerCase() + '.' + (el.className || ''), ratio: ratio,
              colors: getComputedStyle(el).color + ' on ' + background(el).join(',')}); });
  return out; }"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_text_of_the_sources_panel_is_readable(browser, app_url, scheme):
    """Contrast 4.5:1 or more for every text style the panel uses: headings, symbol and
    date, section, paragraph, highlight, footnotes, the paragraphs around it (unfolded),
    the page caption and link, the refusal banner and its closest statements."""
    pg = open_page(browser, app_url, scheme=scheme)  # a new page: a new conversation
    try:
        ask(pg, "Who is the new Rapporteur?")
        pg.locator("#sources mark").first.wait_for(timeout=30_000)
        pg.locator("#sources .context-fold > summary").first.click()
        ask(pg, "Who was elected Chair of the fourth meeting of the Expert Group?")
        pg.locator("#sources .refusal-banner").first.wait_for(timeout=30_000)
        pg.locator("#turn-1 > summary").click()  # both turns open, with their folds
        pg.locator("#turn-1 .context-fold > summary").first.click()
        pg.locator("#turn-1 .context").first.wait_for(state="visible", timeout=10_000)
        if scheme == "dark":
            assert pg.evaluate("() => !!document.querySelector('.dark')"), "dark mode is on"
        seen = pg.evaluate(PANEL_CONTRAST)
        styles = {x["cls"] for x in seen}
        for wanted in ("mark", "div.refusal-banner", "div.context", "div.meta", "h4",
                       "summary"):
            assert any(c.startswith(wanted) for c in styles), (wanted, styles)
        low = sorted({(x["cls"], round(x["ratio"], 2), x["colors"]) for x in seen
                      if x["ratio"] < 4.5})
        assert low == [], low
        if SCREENSHOTS:
            new_conversation(pg)
            ask(pg, "Who is the new Rapporteur?")
            ask(pg, "and from which country?")
            pg.evaluate("() => window.scrollTo(0, 0)")
            pg.screenshot(path=str(Path(SCREENSHOTS) / f"screenshot-{scheme}.png"))
    finally:
        close_page(pg)


# Cells of the documents table whose text does not fit their width (a word is then
# broken or runs out of its cell), with the style that would break words.
CELLS_CUT = """() => [...document.querySelectorAll('#doc-table td')].filter(td => {
  const s = getComputedStyle(td);
  return td.scrollWidth > td.clientWidth + 1 || s.wordBreak === 'break-all'
    || s.overflowWrap === 'anywhere' || s.overflowWrap === 'break-word'; })
  .map(td => td.innerText)"""
WORDS_SPLIT = """() => { const bad = [];
  document.querySelectorAll('#doc-table td').forEach(td => {
    const w = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      for (const m of n.textContent.matchAll(/\\S+/g)) {
        const r = document.createRange(); r.setStart(n, m.index);
        r.setEnd(n, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
        if (lines.size > 1) bad.push(m[0]); } } });
  return bad; }"""


def test_phone_width_keeps_question_answer_and_documents_readable(browser, app_url):
    pg = open_page(browser, app_url, width=390, height=844)
    try:
        ask(pg, "Who is the new Rapporteur?")
        box = pg.locator("#question textarea").bounding_box()
        assert box is not None and box["width"] > 250
        assert "Erik Planken" in last_answer(pg)
        table = pg.locator("#doc-table")
        table.scroll_into_view_if_needed()
        assert "UNODC/CCPCJ/EG.4/2017/4" in table.inner_text()
        assert pg.evaluate(WORDS_SPLIT) == [], "a word broken across lines"
        assert pg.evaluate(CELLS_CUT) == [], "a cell too narrow for its text"
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
    finally:
        close_page(pg)


def _font_files(family: str) -> list[Path]:
    import subprocess

    try:
        out = subprocess.run(["fc-list", f":family={family}", "file"], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [Path(line.split(":")[0]) for line in out.splitlines() if line.strip()]


def test_every_character_on_the_page_has_a_glyph_in_the_pages_font(page):
    """The page's font is one this machine has, and every character paracite shows
    (answers, notices, sources, documents, buttons) is in it: no missing-glyph box, no
    stand-in glyph from another font (small capitals for 'Answer')."""
    ttlib = pytest.importorskip("fontTools.ttLib")
    ask(page, "Who is the new Rapporteur?")
    ask(page, "Who was elected Chair of the fourth meeting of the Expert Group?")
    family = page.evaluate("() => getComputedStyle(document.querySelector('#sources h4'))"
                           ".fontFamily")
    first = family.split(",")[0].strip().strip("'\"")
    files = [f for f in _font_files(first) if f.suffix.lower() in (".ttf", ".otf")]
    if not files:
        pytest.skip(f"{first} is not installed here (fc-list)")
    covered: set[int] = set()
    for f in files:
        covered |= set(ttlib.TTFont(str(f), fontNumber=0).getBestCmap())
    text = page.evaluate("() => document.body.innerText")
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in covered})
    assert missing == [], [f"{c} U+{ord(c):04X}" for c in missing]
    caps = page.evaluate("() => [...document.querySelectorAll('#sources summary, #sources h4,"
                         " h2, h3')].map(e => getComputedStyle(e).fontVariantCaps)")
    assert set(caps) <= {"normal"}, caps


def test_footer_offers_no_run_history_or_recording(page):
    footer = page.locator("footer").inner_text().lower()
    assert "runs" not in footer and "settings" not in footer


def test_page_is_served_with_a_strict_csp_and_the_app_breaks_none_of_it(page):
    """The page comes with the security headers, and nothing in it trips the policy."""
    headers = OPENED[id(page)].headers
    csp = headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'self'" in csp
    assert "'unsafe-eval'" not in csp and "http" not in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
    assert headers.get("x-frame-options") == "DENY"
    assert headers.get("x-content-type-options") == "nosniff"
    assert headers.get("referrer-policy") == "no-referrer"
    # The flows of the other tests are each checked when their page closes (close_page);
    # here one more, with a marker click and a reload, on this page.
    ask(page, "Who is the new Rapporteur?")
    page.locator("#chat .bot-row").first.locator("a[href='#src-1-1']").click()
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('#chat .bot-row').length == 1",
                           timeout=30_000)
    assert OPENED[id(page)].problems() == []
