"""The web UI's defences, on a real server over a real temporary store.

Every response carries the security headers (a strict CSP among them); a request for a
host name that is not ours (DNS rebinding) is refused before gradio sees it; the queue is
bounded; uploads keep readable, unique names, never overwrite each other, and leave no
copies behind that nothing uses.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import logging
import os
import re
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import INGEST, ROOT, free_port

pytestmark = pytest.mark.integration
pytest.importorskip("gradio")
_spec = importlib.util.spec_from_file_location("ui_app_security", ROOT / "ui" / "app.py")
assert _spec and _spec.loader
app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(app)

HEADERS = {"x-frame-options": "DENY", "x-content-type-options": "nosniff",
           "referrer-policy": "no-referrer"}
EXTRA_HOST = "records.example.org"


def new_assistant(home: Path, embedder, **settings):
    """An Assistant on a fresh store (the `assistant` fixture, with settings)."""
    import paracite

    a = paracite.Assistant(home=home, **settings)
    a.embedder = embedder
    return a


def request(port: int, path: str, host: str | None = None, method: str = "GET",
            headers: dict[str, str] | None = None, body: bytes | None = None
            ) -> tuple[int, dict[str, str], bytes]:
    """One raw HTTP request; ``host`` replaces the Host header."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, path, skip_host=host is not None,
                        skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, embedder):
    """The UI on a free loopback port over a store holding the two bundled records."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    a = new_assistant(tmp_path_factory.mktemp("sec") / "home", embedder,
                      ui_allowed_hosts=["127.0.0.1", "localhost", "::1", EXTRA_HOST])
    assert a.ingest([INGEST]).ok
    port = free_port()
    served = app.launch(a, port=port, block=False)
    yield port, a
    served.close()


# -- 1. security headers -----------------------------------------------------------------

def assert_secured(headers: dict[str, str], what: str) -> str:
    for k, v in HEADERS.items():
        assert headers.get(k) == v, f"{what}: {k} is {headers.get(k)!r}"
    csp = headers.get("content-security-policy", "")
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives.get("default-src") == ["'self'"], f"{what}: {csp!r}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{what}: {csp!r}"
    assert directives.get("object-src") == ["'none'"], f"{what}: {csp!r}"
    assert directives.get("base-uri") == ["'self'"], f"{what}: {csp!r}"
    sources = [s for v in directives.values() for s in v]
    assert not [s for s in sources if "://" in s or s in ("*", "http:", "https:")], \
        f"{what}: a remote origin is allowed: {csp!r}"
    assert "'unsafe-eval'" not in sources, f"{what}: {csp!r}"
    assert "'unsafe-inline'" not in directives.get("script-src", []), f"{what}: {csp!r}"
    return csp


def test_every_response_carries_the_security_headers(server):
    port, _ = server
    status, headers, page = request(port, "/", headers={"Accept-Encoding": "gzip, br"})
    assert status == 200
    csp = assert_secured(headers, "the page")
    # the page's own inline scripts run (they carry this response's nonce), no others
    nonce = re.search(r"'nonce-([A-Za-z0-9_-]+)'", csp)
    assert nonce, csp
    tags = re.findall(rb"<script[^>]*>", page)
    assert tags and all(f'nonce="{nonce.group(1)}"'.encode() in t for t in tags), tags
    again = request(port, "/")[1]["content-security-policy"]
    assert again != csp, "the nonce must change with every page"
    # gradio's run-history page (keeps runs in browser storage, offers a bucket upload)
    # is switched off, and its 404 is secured like any other response
    status, headers, _ = request(port, "/gradio_api/runs")
    assert status == 404
    assert_secured(headers, "runs page")

    asset = re.search(rb'src="\./(assets/[^"]+\.js)"', page)
    assert asset, "no script asset in the page"
    for path, method, extra in [
        (f"/{asset.group(1).decode()}", "GET", {}),
        ("/theme.css", "GET", {}),
        ("/config", "GET", {}),
        ("/gradio_api/info", "GET", {}),
        ("/no/such/page", "GET", {}),
        # a CORS pre-flight is answered by gradio's CORS middleware itself
        ("/gradio_api/queue/join", "OPTIONS", {
            "Origin": f"http://127.0.0.1:{port}", "Access-Control-Request-Method": "POST"}),
    ]:
        status, headers, _ = request(port, path, method=method, headers=extra)
        assert status < 500, f"{method} {path}: {status}"
        csp = assert_secured(headers, f"{method} {path} ({status})")
        assert "'nonce-" not in csp, f"{path}: only the page gets a nonce"


# -- 2. host allow-list ------------------------------------------------------------------

@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "EVIL.example:80",
                                  "127.0.0.1.evil.example:{port}", "localhost:bad",
                                  "[::1", ""])
def test_requests_for_another_host_are_refused_without_content(server, host):
    port, _ = server
    host = host.format(port=port)
    for path, method, body in [("/", "GET", None), ("/config", "GET", None),
                               ("/gradio_api/info", "GET", None),
                               ("/gradio_api/queue/join", "POST", b"{}"),
                               ("/gradio_api/queue/join", "OPTIONS", None)]:
        extra = {"Origin": "http://evil.example", "Access-Control-Request-Method": "POST",
                 "Content-Type": "application/json"}
        status, headers, content = request(port, path, host=host, method=method,
                                           headers=extra, body=body)
        assert (status, content) == (400, b""), f"{method} {path} for Host {host!r}"
        assert_secured(headers, f"refusal of {host!r}")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:{port}", "localhost",
                                  "localhost:{port}", "LocalHost:{port}", "[::1]:{port}",
                                  f"{EXTRA_HOST}:{{port}}", EXTRA_HOST])
def test_loopback_and_configured_hosts_are_served(server, host):
    port, _ = server
    status, headers, content = request(port, "/", host=host.format(port=port))
    assert status == 200 and b"gradio_config" in content
    assert_secured(headers, host)


@pytest.mark.parametrize("path", [
    "/paracite/page/..%2F..%2Fetc%2Fpasswd.png", "/paracite/page/report:00021.png",
    "/paracite/page/nosuch:00001.png", "/paracite/pdf/report", "/paracite/pdf/..%2Fsecret",
    "/paracite/pdf/nosuch", "/paracite/static/other.js",
])
def test_the_ui_own_routes_serve_only_stored_pdf_pages_and_its_script(server, path):
    """Page images and files exist only for stored PDF documents (the records are
    Markdown); nothing else on disk can be named through them."""
    port, _ = server
    status, headers, _ = request(port, path)
    assert status == 404, path
    assert_secured(headers, path)


def test_the_page_script_is_served_from_the_app_itself(server):
    port, _ = server
    status, headers, body = request(port, "/paracite/static/paracite.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"copy-text" in body and b"eval(" not in body
    config = json.loads(request(port, "/config")[2])  # gradio adds the head at load
    assert '<script src="/paracite/static/paracite.js"' in config["head"]


# -- 3. bounded queue --------------------------------------------------------------------

def test_queue_turns_requests_away_beyond_its_configured_size(tmp_path, embedder,
                                                             monkeypatch):
    release = threading.Event()
    started = threading.Event()

    def blocked_ask(self, question, turns, llm, docs):
        started.set()
        release.wait(30)
        yield [], turns, "", ""

    monkeypatch.setattr(app.UI, "ask", blocked_ask)
    a = new_assistant(tmp_path / "home", embedder, ui_max_queue=2, ui_concurrency=1)
    port = free_port()
    served = app.launch(a, port=port, block=False)
    try:
        config = json.loads(request(port, "/config")[2])
        fn = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "ask")

        def join(i: int) -> tuple[int, bytes]:
            body = json.dumps({"data": [f"question {i}", [], "extractive", []],
                               "fn_index": fn, "session_hash": f"flood{i}"}).encode()
            status, _, content = request(port, "/gradio_api/queue/join", method="POST",
                                         headers={"Content-Type": "application/json"},
                                         body=body)
            return status, content

        first = join(0)
        assert first[0] == 200, first
        assert started.wait(30), "the first question never started"
        waiting = [join(i) for i in (1, 2)]  # the one worker is busy: these two wait
        assert [s for s, _ in waiting] == [200, 200], waiting
        refused = join(3)
        assert refused[0] == 503 and b"Queue is full" in refused[1], refused
    finally:
        release.set()
        served.close()


# -- 4. uploads --------------------------------------------------------------------------

class _Upload:
    """What gradio hands the upload handler: a temp file and the name the user gave it."""

    def __init__(self, path, orig_name):
        self.name, self.orig_name = str(path), orig_name


def record(text: str) -> str:
    return f"1. {text} The meeting was held in Vienna on 3 May 2017 and adopted its agenda.\n"


def test_upload_names_in_other_scripts_stay_readable_and_unique():
    assert app.safe_name("Заседание.md") == "Zasedanie.md"
    assert app.safe_name("会议.md") == "HuiYi.md"
    assert app.safe_name("Ελληνικά έκθεση.pdf") == "Ellinika_ekthesi.pdf"
    assert app.safe_name("../../x.pdf") == "x.pdf"
    assert app.safe_name("../../Заседание.md") == "Zasedanie.md"
    star, other = app.safe_name("★.md"), app.safe_name("☆.md")
    assert re.fullmatch(r"upload-[0-9a-f]{6}\.md", star) and star != other
    assert app.safe_name("★.md") == star, "the same name must give the same file name"


def test_uploads_in_other_scripts_are_both_kept_and_ingested(tmp_path, embedder):
    a = new_assistant(tmp_path / "home", embedder)
    ru, zh = tmp_path / "a", tmp_path / "b"
    ru.write_text(record("The Russian record."))
    zh.write_text(record("The Chinese record."))
    msg, _, _ = app.UI(a).upload([_Upload(ru, "Заседание.md"), _Upload(zh, "会议.md")])
    folder = a.settings.home / "uploads"
    assert sorted(p.name for p in folder.iterdir()) == ["HuiYi.md", "Zasedanie.md"]
    assert (folder / "Zasedanie.md").read_text() == ru.read_text()
    assert (folder / "HuiYi.md").read_text() == zh.read_text()
    assert len(a.documents()) == 2, msg


def test_an_upload_never_overwrites_another_file(tmp_path, embedder):
    a = new_assistant(tmp_path / "home", embedder)
    ui = app.UI(a)
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_text(record("The first report."))
    second.write_text(record("The second report, another file of the same name."))
    ui.upload([_Upload(first, "report.md")])
    msg, _, _ = ui.upload([_Upload(second, "report.md")])
    folder = a.settings.home / "uploads"
    assert (folder / "report.md").read_text() == first.read_text()
    assert (folder / "report-2.md").read_text() == second.read_text()
    # both are in the store, each from its own file (item 5: the second is not lost)
    sources = sorted(Path(d.source).name for d, _ in a.documents())
    assert sources == ["report-2.md", "report.md"], msg
    # the same bytes again reuse the file that holds them: no report-3.md
    again, _, _ = ui.upload([_Upload(second, "report.md")])
    assert sorted(p.name for p in folder.iterdir()) == ["report-2.md", "report.md"]
    assert "unchanged" in again and len(a.documents()) == 2


def test_gradio_temporary_copies_are_deleted_after_the_upload(tmp_path, embedder):
    from gradio.utils import get_upload_folder

    a = new_assistant(tmp_path / "home", embedder)
    cache = Path(get_upload_folder()) / f"paracite-test-{uuid.uuid4().hex}"
    cache.mkdir(parents=True)
    ok, refused = cache / "minutes.md", cache / "setup.exe"
    ok.write_text(record("The minutes."))
    refused.write_bytes(b"MZ\x90\x00" * 10)
    mine = tmp_path / "mine.md"  # not gradio's: the caller's file is left alone
    mine.write_text(record("A file of the caller."))
    try:
        msg, _, _ = app.UI(a).upload([_Upload(ok, "minutes.md"), _Upload(refused, "setup.exe"),
                                      _Upload(mine, "mine.md")])
        assert "✅ minutes.md" in msg and "❌ setup.exe" in msg
        assert not ok.exists() and not refused.exists()
        assert mine.exists()
        assert (a.settings.home / "uploads" / "minutes.md").is_file()
    finally:
        for f in cache.glob("*"):
            f.unlink()
        if cache.exists():
            cache.rmdir()


def test_gradio_temporary_copy_is_deleted_on_the_real_server(server, tmp_path):
    gradio_client = pytest.importorskip("gradio_client")
    from gradio.utils import get_upload_folder

    port, a = server
    name = f"bulletin-{uuid.uuid4().hex[:8]}.md"
    src = tmp_path / name
    src.write_text(record("The bulletin of the Working Group on Lighthouses."))
    client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
    result = client.predict([gradio_client.handle_file(str(src))], [],
                            api_name="/do_upload")
    assert f"✅ {name}" in result[0]
    assert (a.settings.home / "uploads" / name).is_file()
    assert not list(Path(get_upload_folder()).rglob(name)), "gradio's copy is still there"


def test_copies_of_failed_and_duplicate_uploads_are_deleted(tmp_path, embedder):
    a = new_assistant(tmp_path / "home", embedder)
    ui = app.UI(a)
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text(record("The bureau met."))
    bad.write_bytes(b"%PDF-1.7 truncated")
    msg, _, _ = ui.upload([_Upload(good, "bureau.md"), _Upload(bad, "broken.pdf")])
    assert "❌ broken.pdf" in msg and "✅ bureau.md" in msg
    folder = a.settings.home / "uploads"
    assert sorted(p.name for p in folder.iterdir()) == ["bureau.md"]
    dup, _, _ = ui.upload([_Upload(good, "copy of bureau.md")])
    assert dup.startswith("ℹ️ copy_of_bureau.md: same content as bureau.md")
    assert sorted(p.name for p in folder.iterdir()) == ["bureau.md"]
    assert [d.id for d, _ in a.documents()] == ["bureau"]


def test_leftover_uploads_are_removed_when_the_ui_starts(tmp_path, embedder, caplog):
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
    with caplog.at_level(logging.INFO):
        app.build(a)
    assert not old_stray.exists()
    assert stored.is_file(), "the file of a stored document must stay"
    assert new_stray.is_file(), "a recent file may be an upload in progress"
    assert any("crashed.pdf" in r.getMessage() for r in caplog.records)


# -- 5. ingest reasons -------------------------------------------------------------------

def test_a_reason_given_with_an_added_file_is_shown_as_an_info_line(tmp_path, embedder,
                                                                    monkeypatch):
    """The ingest layer stores a new file whose id is taken under a suffixed id, and says
    so in FileResult.reason: the UI shows it after the ✅ line (paths as file names)."""
    from paracite.ingest import FileResult, IngestReport

    a = new_assistant(tmp_path / "home", embedder)
    reason = ("Report.md: the id 'report' belongs to /srv/paracite/home/uploads/report.md; "
              "stored as 'report-2'")
    monkeypatch.setattr(a, "ingest", lambda paths, **kw: IngestReport(files=[
        FileResult("Report.md", "report-2", "added", passages=3, reason=reason)]))
    src = tmp_path / "src"
    src.write_text(record("The report."))
    msg, _, _ = app.UI(a).upload([_Upload(src, "Report.md")])
    assert msg.split("\n\n") == [
        "✅ Report.md → `report-2`: added, 3 passages",
        "ℹ️ Report.md: the id 'report' belongs to report.md; stored as 'report-2'"]
