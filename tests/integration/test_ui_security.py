"""The web UI's defences, on a real server over a real temporary store.

Every response carries the security headers (a strict CSP among them); a request for a
host name that is not ours (DNS rebinding) is refused before gradio sees it; the queue is
bounded; gradio's copy of an upload is deleted on the real server (the rest of the upload
rules: tests/integration/test_ui_uploads.py). Events sent to the queue by hand (as any
script can) are held to the same rules as the page's: only uploaded files are taken, only
answers this server gave are rated, no question over the limit is shown or kept, and the
key that signs the conversation never leaves the server.
"""

from __future__ import annotations

import copy
import hashlib
import http.client
import json
import os
import re
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import INGEST, free_port, serving, ui_module

pytestmark = pytest.mark.integration
pytest.importorskip("gradio")
app, handlers = ui_module("app"), ui_module("handlers")

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

    monkeypatch.setattr(handlers.UI, "ask", blocked_ask)
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


# -- 4. uploads, on the real server (the rest: test_ui_uploads.py) -----------------------

def shown(message: str) -> str:
    """A Markdown message as the reader sees it (its backslash escapes undone)."""
    return re.sub(r"\\(.)", r"\1", message)


def record(text: str) -> str:
    return f"1. {text} The meeting was held in Vienna on 3 May 2017 and adopted its agenda.\n"


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
    assert f"✔ {name}" in shown(result[0])
    assert (a.settings.home / "uploads" / name).is_file()
    assert not list(Path(get_upload_folder()).rglob(name)), "gradio's copy is still there"


# -- 5. events sent to the queue by hand (issue 21) ---------------------------------------

def config_of(port: int) -> dict:
    return json.loads(request(port, "/config")[2])


def dependency(config: dict, api_name: str | None = None, trigger: str | None = None,
               after: int | None = None) -> int:
    """The fn_index of an event: by its API name, its trigger ('like'), or the event it
    follows."""
    for d in config["dependencies"]:
        if ((api_name and d.get("api_name") == api_name)
                or (trigger and any(t[1] == trigger for t in d["targets"]))
                or (after is not None and d.get("trigger_after") == after)):
            return int(d["id"])
    raise AssertionError(f"no event {api_name or trigger or after} in /config")


def queue(port: int, fn: int, data: list, event_data: dict | None = None,
          timeout: float = 180) -> list[dict]:
    """One event sent as the page sends it (POST /gradio_api/queue/join), and every
    message the server streams back for it (GET /gradio_api/queue/data, SSE)."""
    session = uuid.uuid4().hex
    body = json.dumps({"data": data, "fn_index": fn, "session_hash": session,
                       "event_data": event_data, "trigger_id": None}).encode()
    status, _, content = request(port, "/gradio_api/queue/join", method="POST",
                                 headers={"Content-Type": "application/json"}, body=body)
    assert status == 200, content[:300]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    messages = []
    try:
        conn.request("GET", f"/gradio_api/queue/data?session_hash={session}")
        resp = conn.getresponse()
        assert resp.status == 200
        while True:
            line = resp.readline()
            if not line:
                break
            if line.startswith(b"data:"):
                msg = json.loads(line[5:])
                messages.append(msg)
                if msg.get("msg") == "process_completed":
                    break
    finally:
        conn.close()
    assert messages and messages[-1].get("msg") == "process_completed", messages[-1:]
    assert messages[-1].get("success"), messages[-1]
    return messages


def outputs(messages: list[dict]) -> list:
    return messages[-1]["output"]["data"]


def asked(port: int, config: dict, question: str, turns: list | None = None) -> tuple:
    """(chat, turns) after asking ``question`` through the queue."""
    out = outputs(queue(port, dependency(config, api_name="ask"),
                        [question, turns or [], "extractive", []]))
    return out[0], out[1]


def text_of(message) -> str:
    content = message["content"] if isinstance(message, dict) else message
    if isinstance(content, list):
        content = " ".join(c.get("text", "") for c in content if isinstance(c, dict))
    return shown(str(content))


def feedback_size(a) -> int:
    path = a.settings.home / "feedback.jsonl"
    return path.stat().st_size if path.exists() else 0


def test_feedback_sent_by_hand_is_recorded_only_for_answers_this_server_gave(server):
    """Issue 21, item 5: a forged 10 MB turn sent to the like handler added 10 MB to
    feedback.jsonl per click, and a made-up citation ('report:99999') was recorded as
    an answer the server never gave."""
    port, a = server
    config = config_of(port)
    like = dependency(config, trigger="like")
    _, turns = asked(port, config, "Who is the new Rapporteur?")
    genuine = turns[-1]
    cited = genuine["answer"]["citations"][0]["passage_id"]
    assert cited.startswith("report:") and genuine["answer"]["citations"][0]["paragraph"] == "22"
    before = feedback_size(a)

    forged = copy.deepcopy(genuine)
    forged["answer"]["text"] = "Erik Planken. " * 750_000  # ~10 MB
    forged["answer"]["citations"][0]["passage_id"] = "report:99999"
    made_up = copy.deepcopy(genuine)
    made_up["answer"]["citations"][0]["passage_id"] = "report:99999"
    unsigned = {k: v for k, v in genuine.items() if k != "sig"}
    for turn in (forged, made_up, unsigned):
        messages = queue(port, like, [[turn]], {"index": [1], "value": "x", "liked": True})
        assert feedback_size(a) == before, "a turn this server never gave was recorded"
        assert "Not saved" in json.dumps(messages)

    queue(port, like, [[genuine]], {"index": [1], "value": "x", "liked": True})
    lines = (a.settings.home / "feedback.jsonl").read_text().splitlines()
    assert len(lines) == 1 and feedback_size(a) - before < 8192
    line = json.loads(lines[-1])
    assert line["verdict"] == "up" and line["question"] == "Who is the new Rapporteur?"
    assert [c["passage_id"] for c in line["citations"]] == [cited]


def test_a_question_over_the_limit_is_refused_before_it_is_shown_or_kept(server):
    """Issue 21, item 5: a 10 MB question was echoed to the chat and kept in the
    conversation state; now it is refused at once with a short notice."""
    port, a = server
    config = config_of(port)
    _, turns = asked(port, config, "Who is the new Rapporteur?")
    question = "Who built the lighthouse? " + "lighthouse keeper " * 600_000  # ~11 MB
    messages = queue(port, dependency(config, api_name="ask"),
                     [question, turns, "extractive", []])
    raw = json.dumps(messages)
    assert "lighthouse keeper lighthouse keeper" not in raw, "the question was echoed"
    assert len(raw) < 200_000
    chat, kept = outputs(messages)[:2]
    assert kept == turns, "the conversation keeps nothing of the refused question"
    assert "characters long" in text_of(chat[-1]) and "2,000" in text_of(chat[-1])


def test_the_conversation_key_is_never_sent_to_a_browser(server):
    """Issue 21, item 6: the key in PARACITE_HOME/ui-secret was gradio's BrowserState
    secret, sent to every client in /config and the page."""
    port, a = server
    key = (a.settings.home / "ui-secret").read_text().strip()
    assert len(key) >= 32
    forms = {key, key.rpartition(":")[2], hashlib.sha256(key.encode()).hexdigest()}
    for path in ("/config", "/", "/gradio_api/info"):
        status, _, body = request(port, path)
        assert status == 200
        text = body.decode("utf-8", "replace")
        assert not [f for f in forms if f in text], f"{path} carries the conversation key"


def test_a_ui_started_on_a_remade_store_keeps_old_uploads_and_offers_them(tmp_path, embedder):
    """Issue 21, item 2: started on a store that lists none of them (`rm -rf
    PARACITE_HOME/chroma`, as the 'damaged store' message says), the UI deleted every
    upload older than an hour. Now the file stays and the page offers to ingest it."""
    home = tmp_path / "home"
    a = new_assistant(home, embedder)
    folder = home / "uploads"
    folder.mkdir(parents=True)
    old = folder / "minutes.md"
    old.write_text(record("The minutes of the Bureau of the Working Group."))
    assert a.ingest([old]).ok
    shutil.rmtree(home / "chroma")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    port = free_port()
    served = app.launch(new_assistant(home, embedder), port=port, block=False)
    try:
        assert old.is_file(), "the upload was deleted when the UI started"
        config = config_of(port)
        load = dependency(config, trigger="load")
        listing = outputs(queue(port, dependency(config, after=load), [[]]))
        note = listing[-1]
        note = note.get("value") if isinstance(note, dict) else note
        assert shown(note) == "1 uploaded file is not in the store: minutes.md"
        assert listing[-2].get("visible") is True
    finally:
        served.close()
    assert old.is_file() and old.read_text().startswith("1. The minutes")


# -- 6. reading server files through the upload event (issue 21, item 3) ------------------

SECRET = "1. The vault combination of the Working Group on Lighthouses is 4417 ZEPHYR QUILL.\n"


@pytest.fixture(scope="module")
def ui_process(tmp_path_factory, embedder):
    """`paracite ui` in its own process over the bundled records, with its own gradio
    upload folder (GRADIO_TEMP_DIR)."""
    root = tmp_path_factory.mktemp("attack")
    home, cache = root / "home", root / "gradio"
    cache.mkdir()
    assert new_assistant(home, embedder).ingest([INGEST]).ok
    port = free_port()
    cmd = [sys.executable, "-m", "paracite.cli", "ui", "--port", str(port)]
    with pytest.MonkeyPatch.context() as mp:  # the child's environment only
        mp.setenv("PARACITE_HOME", str(home))
        mp.setenv("GRADIO_TEMP_DIR", str(cache))
        mp.setenv("GRADIO_ANALYTICS_ENABLED", "False")
        running = serving(cmd, port, "paracite ui")
        running.__enter__()
    try:
        yield port, home, cache
    finally:
        running.__exit__(None, None, None)


def assert_not_taken(port: int, home: Path, cache: Path, secret: Path, said: str) -> None:
    """The secret file was refused with a line saying so, is still where it was, and
    nothing of it is in the store, the upload folder or gradio's upload folder."""
    assert "✘ secret.md: refused" in said, said
    assert secret.read_text() == SECRET
    copies = [f for f in [*(home / "uploads").rglob("*"), *cache.rglob("*")]
              if f.is_file() and not f.is_symlink() and b"ZEPHYR" in f.read_bytes()]
    assert copies == [], "the secret was copied"
    chat, _ = asked(port, config_of(port), "What is the vault combination of the Working "
                                           "Group on Lighthouses?")
    assert "ZEPHYR" not in text_of(chat[-1]), "the secret was ingested and answered from"


@pytest.mark.slow  # a real `paracite ui` process
def test_an_upload_event_naming_a_server_file_is_refused(ui_process, tmp_path):
    port, home, cache = ui_process
    secret = tmp_path / "secret.md"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    config = config_of(port)
    upload = dependency(config, api_name="do_upload")
    data = [[{"path": str(secret), "orig_name": "secret.md",
              "meta": {"_type": "gradio.FileData"}}], []]
    said = shown(str(outputs(queue(port, upload, data))[0]))
    assert_not_taken(port, home, cache, secret, said)


@pytest.mark.slow
def test_an_upload_event_naming_a_link_in_the_upload_folder_is_refused(ui_process, tmp_path):
    port, home, cache = ui_process
    secret = tmp_path / "secret.md"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    planted = cache / "planted"
    planted.mkdir()
    link = planted / "secret.md"
    link.symlink_to(secret)
    upload = dependency(config_of(port), api_name="do_upload")
    data = [[{"path": str(link), "orig_name": "secret.md",
              "meta": {"_type": "gradio.FileData"}}], []]
    said = shown(str(outputs(queue(port, upload, data))[0]))
    assert_not_taken(port, home, cache, secret, said)
