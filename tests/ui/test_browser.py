"""The web UI in a real browser: Debian's Chromium driven by Playwright (nothing
downloaded). Starts the app on a free loopback port over a temporary store."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import INGEST, ROOT, free_port

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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    import paracite
    from paracite.cli import load_ui

    home = tmp_path_factory.mktemp("ui-home")
    assistant = paracite.Assistant(home=home)
    assert assistant.ingest([INGEST]).ok
    port = free_port()
    demo = load_ui().launch(assistant, port=port, block=False)
    yield f"http://127.0.0.1:{port}"
    demo.close()


# What the page logged: console messages, uncaught errors, and every Content Security
# Policy violation (recorded by a listener installed before any page script runs).
CONSOLE: list[str] = []
RECORD_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '')));"""
PAGE_HEADERS: dict[str, str] = {}


@pytest.fixture(scope="module")
def page(app_url):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        pg.add_init_script(RECORD_CSP)
        pg.on("console", lambda m: CONSOLE.append(f"{m.type}: {m.text}"))
        pg.on("pageerror", lambda e: CONSOLE.append(f"pageerror: {e}"))
        response = pg.goto(app_url)
        assert response is not None
        PAGE_HEADERS.update(response.all_headers())
        pg.wait_for_selector("#question textarea", timeout=30_000)
        yield pg
        browser.close()


def ask(page, question: str) -> None:
    before = page.locator("#chat .message").count()
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(
        "([n]) => { const m = document.querySelectorAll('#chat .message');"
        " return m.length >= n + 2 && !m[m.length-1].innerText.trim().endsWith('…'); }",
        arg=[before], timeout=60_000)


def last_answer(page) -> str:
    return page.locator("#chat .message").last.inner_text()


def test_question_answer_and_cited_paragraph_in_the_sources_panel(page):
    t0 = time.perf_counter()
    ask(page, "Who is the new Rapporteur?")
    assert "Erik Planken" in last_answer(page)
    panel = page.locator("#sources")
    panel.locator("#src-1").wait_for(timeout=30_000)
    text = panel.inner_text()
    assert "report, 22" in text and "UNODC/CCPCJ/EG.4/2017/4" in text
    assert "22. Upon conclusion of the deliberations under agenda item 3" in text
    assert panel.locator("mark").count() >= 1
    page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
    print(f"first answer in the browser: {time.perf_counter() - t0:.2f} s")


def test_marker_link_brings_the_paragraph_into_view(page):
    link = page.locator("#chat a[href='#src-1']").last
    link.click()
    box = page.locator("#src-1").bounding_box()
    assert box is not None and 0 <= box["y"] < 1000


def test_follow_up_uses_the_conversation(page):
    ask(page, "and from which country?")
    assert "Netherlands" in last_answer(page)


def test_refusal_looks_different_and_shows_closest_passages(page):
    ask(page, "Who was elected Chair of the fourth meeting of the Expert Group?")
    assert "The records do not answer" in last_answer(page)
    panel = page.locator("#sources")
    assert panel.locator(".refusal-banner").count() == 1
    assert panel.locator(".see-also").count() >= 1


def test_uploaded_pdf_is_ingested_and_answers_questions(page, tmp_path):
    pdf = write_pdf(tmp_path / "bulletin.pdf", [
        ("heading", "I. Organization of the session"),
        ("para", "1. The Working Group on Lighthouses met in Reykjavik from 3 to 5 May 2026."),
        ("para", "2. The Working Group elected Ms. Sigrun Olafsdottir (Iceland) as Chair."),
    ], symbol="A/WG.99/2026/1")
    page.locator("#doc-table").scroll_into_view_if_needed()
    page.set_input_files("#upload input[type=file]", str(pdf))
    page.click("#ingest")
    page.wait_for_function("() => document.querySelector('#upload-result')"
                           ".innerText.includes('added')", timeout=60_000)
    assert "bulletin.pdf" in page.locator("#upload-result").inner_text()
    ask(page, "Who was elected Chair of the Working Group on Lighthouses?")
    assert "Sigrun Olafsdottir" in last_answer(page)


def test_page_is_served_with_a_strict_csp_and_the_app_breaks_none_of_it(page):
    """After the ask, follow-up, refusal and upload flows above: the page came with the
    security headers, and nothing in it tripped the policy."""
    csp = PAGE_HEADERS.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp and "base-uri 'self'" in csp
    assert "'unsafe-eval'" not in csp and "http" not in csp
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'nonce-" in script_src
    assert PAGE_HEADERS.get("x-frame-options") == "DENY"
    assert PAGE_HEADERS.get("x-content-type-options") == "nosniff"
    assert PAGE_HEADERS.get("referrer-policy") == "no-referrer"
    violations = page.evaluate("window.__csp")
    assert violations == [], violations
    logged = [m for m in CONSOLE if "Content Security Policy" in m or "Refused to" in m
              or m.startswith("pageerror")]
    assert logged == [], logged


def test_clear_button_forgets_the_conversation(page):
    page.click("#clear")
    page.wait_for_function("() => document.querySelectorAll('#chat .message').length == 0",
                           timeout=10_000)
