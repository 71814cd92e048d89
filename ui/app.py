"""The paracite web UI (gradio): chat over the records, every citation one click away.

This module formats and wires; it owns no retrieval or citation logic. Everything it
shows comes from ``paracite.Assistant`` (answers, citations, documents, ingest reports).
Record text is always HTML-escaped before it is shown.

Run it with ``paracite ui`` (binds 127.0.0.1:7860 unless PARACITE_UI_HOST/PORT say else).
It is served by uvicorn behind `Guard`: security headers (a strict CSP) on every response,
and requests for host names other than PARACITE_UI_ALLOWED_HOSTS refused (DNS rebinding).
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import logging
import re
import secrets
import shutil
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from paracite.assistant import Assistant
from paracite.documents import Answer, Citation
from paracite.errors import ParaciteError

log = logging.getLogger(__name__)

EXAMPLES = [
    "Who opened the meeting, and why?",
    "Who was elected Rapporteur?",
    "How many Member States attended the meeting?",
    "When is agenda item 7 scheduled?",
]
UPLOAD_TYPES = [".pdf", ".md", ".markdown", ".txt"]
CSS = """
#sources .src {border:1px solid #d0d7de; border-radius:8px; padding:10px 12px; margin:0 0 10px;}
#sources .src h4 {margin:0 0 4px; font-size:0.95em;}
#sources .meta {color:#57606a; font-size:0.85em; margin-bottom:6px;}
#sources .text {white-space:pre-wrap; font-size:0.92em; line-height:1.45;}
#sources mark {background:#fff3b0; padding:0 1px;}
#sources .note {font-size:0.85em; color:#57606a; margin-top:6px;}
#sources .see-also {border-style:dashed; background:#fafbfc;}
#sources .refusal-banner {background:#fff1f0; border:1px solid #ffa39e; border-radius:8px;
  padding:8px 12px; margin-bottom:10px;}
"""
_MARKER = re.compile(r"\[(\d{1,3})\]")


# -- formatting (pure functions, unit-tested) --------------------------------------------

def _highlight(text: str, quotes: Sequence[str]) -> str:
    """Escaped paragraph text with the supporting sentences wrapped in <mark>."""
    spans: list[tuple[int, int]] = []
    for q in quotes:
        i = text.find(q)
        if i >= 0:
            spans.append((i, i + len(q)))
    out, pos = [], 0
    for start, end in sorted(spans):
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def format_source(c: Citation, see_also: bool = False) -> str:
    """One cited paragraph: title, symbol, label, page, full text, supporting sentences
    highlighted, footnotes. All record text escaped."""
    meta = [html.escape(x) for x in (c.symbol or "", f"page {c.page_shown}" if c.page_shown else "",
                                     c.date or "") if x]
    anchor = f'id="src-{c.marker}"' if c.marker else ""
    head = (f"[{c.marker}] " if c.marker else "") + f"{c.document}, {c.paragraph}"
    notes = "".join(f'<div class="note">{html.escape(f.marker)} {html.escape(f.text)}</div>'
                    for f in c.footnotes)
    section = f'<div class="meta">{html.escape(c.section)}</div>' if c.section else ""
    return (f'<div class="src{" see-also" if see_also else ""}" {anchor}>'
            f"<h4>{html.escape(head)} — {html.escape(c.title)}</h4>"
            f'<div class="meta">{" · ".join(meta)}</div>{section}'
            f'<div class="text">{_highlight(c.text, c.quote)}</div>{notes}</div>')


def format_sources(ans: Answer | None) -> str:
    """The sources panel for an answer (or a refusal with its closest passages).

    One line of HTML: the panel is a gr.Markdown (gr.HTML evaluates templates with
    ``new Function``, which the page's CSP forbids), and Markdown passes an HTML block
    through untouched only up to a blank line, so the text's line breaks are entities."""
    if ans is None:
        return '<div class="empty">Ask a question: the paragraphs it cites appear here.</div>'
    if not ans.found:
        parts = ['<div class="refusal-banner"><b>The records do not answer this.</b> '
                 "Closest passages:</div>"]
        parts += [format_source(c, see_also=True) for c in ans.see_also]
    else:
        parts = [format_source(c) for c in ans.citations]
    return "".join(parts).replace("\r", "").replace("\n", "&#10;")


def format_answer(ans: Answer) -> str:
    """Chat text: markers become links to their paragraph in the sources panel; a
    compact source list follows, so copying the message copies its citations."""
    text = html.escape(ans.text, quote=False)
    understood = (f"<sub>Understood as: {html.escape(ans.understood_as, quote=False)}</sub>"
                  "\n\n" if ans.understood_as else "")
    if not ans.found:
        return understood + "⚠️ " + text
    linked = _MARKER.sub(lambda m: f"[[{m.group(1)}]](#src-{m.group(1)})", text)
    refs = "; ".join(f"[{c.marker}] {c.label}" + (f", p. {c.page_shown}" if c.page_shown else "")
                     for c in ans.citations)
    return f"{understood}{linked}\n\n<sub>Sources: {html.escape(refs, quote=False)}</sub>"


def documents_table(assistant: Assistant) -> list[list[Any]]:
    return [[d.id, d.title, d.date or "", d.symbol or "", n]
            for d, n in assistant.documents()]


def safe_name(name: str) -> str:
    """A readable file name that stays inside the upload folder: other scripts are
    transliterated ('Заседание.md' → 'Zasedanie.md', '会议.md' → 'HuiYi.md'), the path
    is dropped ('../../x.pdf' → 'x.pdf'); with nothing readable left, a short hash of the
    name keeps different names apart ('★.md' → 'upload-…md')."""
    from anyascii import anyascii

    base = Path(name.replace("\\", "/")).name
    if not base:
        return "upload"
    suffix = Path(base).suffix
    stem = base[: len(base) - len(suffix)]

    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "_", anyascii(text))

    stem, suffix = clean(stem).lstrip(".")[:100], clean(suffix)[:12]
    if not re.search(r"[A-Za-z0-9]", stem):
        stem = f"upload-{hashlib.sha256(base.encode()).hexdigest()[:6]}"
    return stem + suffix


# An absolute path in a message: shown as its file name (the server's folders are
# none of the browser's business).
_ABS_PATH = re.compile(r"(?<![\w.~/])/(?:[^/\s'\"`;,]+/)+([^/\s'\"`;,]+)")


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def store_upload(src: Path, folder: Path, name: str) -> tuple[Path, bool]:
    """Copy ``src`` into ``folder`` as ``name``, never over another file: a name taken by
    different bytes gets a suffix ('report-2.md'); identical bytes reuse the file there.
    Returns the file and whether this call created it. The name is claimed with an
    exclusive create, so two uploads at once cannot write into the same file."""
    suffix = Path(name).suffix
    stem = name[: len(name) - len(suffix)]
    for n in range(1, 10_000):
        dest = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        try:
            with dest.open("xb") as out, src.open("rb") as inp:
                shutil.copyfileobj(inp, out, 1 << 20)
        except FileExistsError:
            if dest.is_file() and not dest.is_symlink() and _same_bytes(src, dest):
                return dest, False
            continue
        except BaseException:
            dest.unlink(missing_ok=True)
            raise
        return dest, True
    raise OSError(f"{name}: no free name in the upload folder")


def _discard_gradio_copy(src: Path) -> None:
    """Delete gradio's temporary copy of an upload (only files inside gradio's upload
    folder: a path from elsewhere is the caller's file, not ours to remove)."""
    from gradio.utils import get_upload_folder

    try:
        cache = Path(get_upload_folder()).resolve()
        path = src.resolve()
        if path.is_relative_to(cache) and path != cache and path.is_file():
            path.unlink()
            with contextlib.suppress(OSError):  # gradio's per-upload folder, if now empty
                if path.parent != cache:
                    path.parent.rmdir()
    except OSError as exc:
        log.warning("could not delete the temporary upload %s: %s", src.name, exc)


def remove_stale_uploads(assistant: Assistant, max_age_s: float = 3600) -> list[Path]:
    """Delete files in PARACITE_HOME/uploads that no stored document comes from and that
    are older than ``max_age_s`` (left by an upload that crashed before or during its
    ingest). Younger files may belong to an upload in progress and are kept."""
    folder = assistant.settings.home / "uploads"
    if not folder.is_dir():
        return []
    try:
        sources = {str(Path(d.source).resolve()) for d, _ in assistant.documents()}
    except Exception as exc:  # noqa: BLE001 - without the list, nothing may be deleted
        log.warning("uploads not cleaned: the stored documents could not be listed (%s)", exc)
        return []
    now = time.time()
    removed = []
    for f in sorted(folder.iterdir()):
        try:
            if (f.is_file() and not f.is_symlink() and str(f.resolve()) not in sources
                    and now - f.stat().st_mtime > max_age_s):
                f.unlink()
                removed.append(f)
        except OSError as exc:
            log.warning("could not remove the leftover upload %s: %s", f.name, exc)
    if removed:
        log.info("removed %d leftover upload(s) no stored document uses, older than %g s: %s",
                 len(removed), max_age_s, ", ".join(f.name for f in removed))
    return removed


def history_pairs(state: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The conversation as (question, answer text) pairs, for follow-ups."""
    return [(q, a) for q, a in state][-6:]


# -- the app -----------------------------------------------------------------------------

class UI:
    """Per-process objects shared by every browser session (each has its own history)."""

    def __init__(self, assistant: Assistant) -> None:
        self.base = assistant
        self._by_llm: dict[str, Assistant] = {"extractive": assistant}

    def assistant(self, llm: str) -> Assistant:
        if llm not in self._by_llm:
            self._by_llm[llm] = self.base.with_llm(llm)
        return self._by_llm[llm]

    def ask(self, question: str, chat: list[dict[str, str]], state: list[tuple[str, str]],
            llm: str, docs: list[str]) -> Iterator[tuple[Any, ...]]:
        question = (question or "").strip()
        chat = list(chat or [])
        state = list(state or [])
        if not question:
            yield chat, state, format_sources(None), ""
            return
        chat.append({"role": "user", "content": html.escape(question, quote=False)})
        chat.append({"role": "assistant", "content": "…"})
        yield chat, state, format_sources(None), ""
        try:
            final: Answer | None = None
            shown = ""
            for part in self.assistant(llm).stream(question, history=history_pairs(state),
                                                   documents=docs or None):
                if isinstance(part, Answer):
                    final = part
                else:
                    shown += part
                    chat[-1] = {"role": "assistant",
                                "content": html.escape(shown, quote=False) + " …"}
                    yield chat, state, format_sources(None), ""
            assert final is not None
            chat[-1] = {"role": "assistant", "content": format_answer(final)}
            state.append((question, final.text))
            yield chat, state, format_sources(final), ""
        except ParaciteError as exc:
            chat[-1] = {"role": "assistant", "content": f"⚠️ {html.escape(str(exc))}"}
            yield chat, state, format_sources(None), ""

    def upload(self, files: list[Any] | None, progress: Any = None) -> tuple[str, Any, Any]:
        """Copy the chosen files into PARACITE_HOME/uploads and ingest them. gradio's
        temporary copies are deleted; a copy whose ingest failed, or whose bytes are
        already stored as another document, is deleted too (nothing then uses it)."""
        import gradio as gr

        if not files:
            return "No file chosen.", gr.update(), gr.update()
        settings = self.base.settings
        folder = settings.home / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        lines: list[str] = []
        targets: dict[str, Path] = {}  # file name in the upload folder → its path
        created: set[Path] = set()
        for f in files:
            src = Path(getattr(f, "name", f))
            given = getattr(f, "orig_name", None) or src.name
            name = safe_name(given)
            try:
                lines += self._take(src, given, name, folder, targets, created)
            finally:
                _discard_gradio_copy(src)

        def on_progress(done: int, total: int) -> None:
            if progress is not None:
                progress((done, total), desc="embedding", unit="passages")

        unused: set[Path] = set()
        files_done = []
        try:
            if targets:
                files_done = self.base.ingest(list(targets.values()), progress=on_progress).files
        except ParaciteError as exc:  # e.g. another ingest holds the store
            lines.append(f"❌ {html.escape(str(exc), quote=False)}")
            unused = set(created)
        except BaseException:
            with contextlib.suppress(Exception):
                self._delete_unused(created)
            raise
        stored = self.base.documents()
        for r in files_done:
            reason = html.escape(_ABS_PATH.sub(r"\1", r.reason), quote=False)
            if r.status == "failed":
                lines.append(f"❌ {reason}")
            elif r.status == "duplicate":
                lines.append(f"ℹ️ {reason}")
            else:
                lines.append(f"✅ {r.source} → `{r.document}`: {r.status}, "
                             f"{r.passages} passages")
                if reason:  # e.g. stored under another id because its id was taken
                    lines.append(f"ℹ️ {reason}")
            if r.status in ("failed", "duplicate") and r.source in targets:
                unused.add(targets[r.source])
        self._delete_unused(unused, stored)
        return ("\n\n".join(lines), gr.update(value=documents_table(self.base)),
                gr.update(choices=[d.id for d, _ in stored]))

    def _delete_unused(self, paths: Iterable[Path],
                       stored: list[tuple[Any, int]] | None = None) -> None:
        """Delete upload copies that no stored document comes from."""
        paths = list(paths)
        if not paths:
            return
        if stored is None:
            stored = self.base.documents()
        sources = {str(Path(d.source).resolve()) for d, _ in stored}
        for path in paths:
            if str(path.resolve()) not in sources:
                path.unlink(missing_ok=True)

    def _take(self, src: Path, given: str, name: str, folder: Path,
              targets: dict[str, Path], created: set[Path]) -> list[str]:
        """Check one chosen file and copy it into the upload folder: its lines of report
        (empty when it was taken)."""
        settings = self.base.settings
        if (Path(given).suffix.lower() not in UPLOAD_TYPES
                or Path(name).suffix.lower() not in UPLOAD_TYPES):
            return [f"❌ {name}: not a PDF, Markdown or text file"]
        try:
            size_mb = src.stat().st_size / 1_048_576
        except OSError:
            return [f"❌ {name}: the upload is no longer there; choose the file again"]
        if size_mb > settings.max_upload_mb:
            shown = f"{size_mb:.1f} MB" if size_mb >= 0.1 else f"{size_mb * 1024:.0f} KB"
            return [f"❌ {name}: {shown} is over the {settings.max_upload_mb:g} MB limit"]
        try:
            dest, new = store_upload(src, folder, name)
        except OSError as exc:
            log.warning("upload %s not stored: %s", name, exc)
            return [f"❌ {name}: could not be stored ({html.escape(exc.strerror or 'error')})"]
        if new:
            created.add(dest)
        targets[dest.name] = dest
        return []


def build(assistant: Assistant | None = None) -> Any:
    """The gradio Blocks app over ``assistant`` (default: one from settings)."""
    import gradio as gr

    ui = UI(assistant or Assistant())
    base = ui.base
    remove_stale_uploads(base)
    doc_ids = [d.id for d, _ in base.documents()]
    with gr.Blocks(title="paracite") as demo:
        gr.Markdown("## paracite — answers from UN meeting records, cited to the paragraph")
        state = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Conversation", height=460, elem_id="chat",
                                  buttons=["copy"], sanitize_html=True)
                question = gr.Textbox(label="Question", placeholder="Ask about the records",
                                      elem_id="question", lines=1)
                with gr.Row():
                    ask_btn = gr.Button("Ask", variant="primary", elem_id="ask")
                    clear_btn = gr.Button("Clear conversation", elem_id="clear")
                gr.Examples(EXAMPLES, inputs=question, label="Example questions")
                with gr.Accordion("Answerer and documents", open=False):
                    llm = gr.Dropdown(base.available_llms(), value="extractive",
                                      label="Answerer", elem_id="llm")
                    docs = gr.CheckboxGroup(doc_ids, label="Ask only these documents "
                                            "(none ticked: all)", elem_id="docs")
            with gr.Column(scale=2):
                gr.Markdown("### Sources")
                sources = gr.Markdown(format_sources(None), elem_id="sources",
                                      sanitize_html=True, latex_delimiters=[])
        with gr.Accordion("Documents and upload", open=True):
            table = gr.Dataframe(documents_table(base), headers=["id", "title", "date",
                                                                 "symbol", "passages"],
                                 interactive=False, elem_id="doc-table")
            files = gr.File(label="Add PDF, Markdown or text files", file_count="multiple",
                            file_types=UPLOAD_TYPES, elem_id="upload")
            upload_btn = gr.Button("Ingest uploaded files", elem_id="ingest")
            upload_result = gr.Markdown(elem_id="upload-result")

        outs = [chat, state, sources, question]
        ask_btn.click(ui.ask, [question, chat, state, llm, docs], outs, api_name="ask")
        question.submit(ui.ask, [question, chat, state, llm, docs], outs)
        clear_btn.click(lambda: ([], [], format_sources(None)), None, [chat, state, sources])

        def do_upload(f: Any, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            # the chosen files are cleared: their temporary copies are gone after this
            return (*ui.upload(f, progress), gr.update(value=None))

        upload_btn.click(do_upload, [files], [upload_result, table, docs, files])
    demo.queue(default_concurrency_limit=base.settings.ui_concurrency,
               max_size=base.settings.ui_max_queue)
    return demo


# -- serving -----------------------------------------------------------------------------
# gradio's own launch() gives no place for a middleware in front of its app (its CORS
# middleware answers pre-flight requests itself), so the UI is mounted on an app of ours
# and served by uvicorn, behind `Guard`: every response gets the security headers, and a
# request for a host name not allowed is refused before gradio sees it.

def content_security_policy(nonce: str | None = None) -> str:
    """The CSP of every response. gradio's page needs its own inline <script>s (the app
    config): they carry the page's nonce, so no other inline script runs; svelte sets
    inline styles, and previews use data:/blob: URLs. Nothing is loaded from elsewhere."""
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join([
        "default-src 'self'", f"script-src {script}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "font-src 'self' data:", "media-src 'self' data: blob:",
        "connect-src 'self'", "worker-src 'self' blob:",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'none'",
    ])


SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}
_SCRIPT_TAG = re.compile(rb"<script(?=[\s>])")


def host_name(value: str) -> str | None:
    """The host of a Host header, lower case, without port or IPv6 brackets; None when
    it is malformed ('evil.example:80' → 'evil.example', '[::1]:7860' → '::1')."""
    v = value.strip().lower()
    if v.startswith("["):
        end = v.find("]")
        if end < 0:
            return None
        host, rest = v[1:end], v[end + 1:]
    elif v.count(":") > 1:  # a bare IPv6 address
        host, rest = v, ""
    else:
        host, colon, port = v.partition(":")
        rest = colon + port
    if rest and not re.fullmatch(r":\d{1,5}", rest):
        return None
    host = host.rstrip(".")
    return host or None


class Guard:
    """ASGI middleware in front of the whole UI: Host allow-list (DNS rebinding: a page
    on another site whose name resolves to this machine must not reach the UI) and
    security headers on every response, the refusals included."""

    PAGES = ("/", "/gradio_api/runs", "/gradio_api/runs/")  # gradio's HTML pages

    def __init__(self, app: Any, allowed_hosts: Iterable[str], page_paths: Iterable[str] = PAGES
                 ) -> None:
        self.app = app
        self.allowed = {h for h in (host_name(x) for x in allowed_hosts) if h}
        self.page_paths = set(page_paths)

    def allows(self, scope: dict[str, Any]) -> bool:
        hosts = [v for k, v in scope.get("headers", []) if k == b"host"]
        if len(hosts) != 1:
            return False
        return host_name(hosts[0].decode("latin-1")) in self.allowed

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if not self.allows(scope):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await send({"type": "http.response.start", "status": 400,
                        "headers": self._headers([(b"content-length", b"0")], None)})
            await send({"type": "http.response.body", "body": b""})
            return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        page = scope["method"] == "GET" and scope["path"] in self.page_paths
        nonce = secrets.token_urlsafe(18) if page else None
        if page:  # the page uncompressed, so its script tags can take the nonce
            scope = dict(scope)
            scope["headers"] = [(k, v) for k, v in scope["headers"]
                                if k != b"accept-encoding"]
        held: dict[str, Any] = {}
        body: list[bytes] = []

        async def guarded_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                ctype = dict(headers).get(b"content-type", b"")
                if nonce and ctype.startswith(b"text/html") and not dict(headers).get(
                        b"content-encoding"):
                    held.update(message, headers=headers)
                    return
                await send({**message, "headers": self._headers(headers, None)})
                return
            if message["type"] == "http.response.body" and held:
                body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                data = _SCRIPT_TAG.sub(f'<script nonce="{nonce}"'.encode(), b"".join(body))
                headers = [(k, v) for k, v in held["headers"] if k != b"content-length"]
                headers.append((b"content-length", str(len(data)).encode()))
                await send({**held, "headers": self._headers(headers, nonce)})
                held.clear()
                await send({"type": "http.response.body", "body": data})
                return
            await send(message)

        await self.app(scope, receive, guarded_send)

    @staticmethod
    def _headers(headers: list[tuple[bytes, bytes]], nonce: str | None
                 ) -> list[tuple[bytes, bytes]]:
        ours = {**SECURITY_HEADERS, "content-security-policy": content_security_policy(nonce)}
        out = [(k, v) for k, v in headers if k.decode("latin-1").lower() not in ours]
        out += [(k.encode(), v.encode()) for k, v in ours.items()]
        return out


class Served:
    """The UI being served: ``url``, ``demo`` (the gradio Blocks), ``close()``."""

    def __init__(self, demo: Any, server: Any, gradio_app: Any, url: str) -> None:
        self.demo, self.server, self.gradio_app, self.url = demo, server, gradio_app, url
        self.thread: threading.Thread | None = None

    def close(self) -> None:
        """Stop serving and free the port."""
        with contextlib.suppress(Exception):
            self.gradio_app.stop_event.set()  # ends gradio's event streams
        self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(timeout=15)
        with contextlib.suppress(Exception):
            self.demo._queue.close()
        self.demo.is_running = False


def allowed_hosts(settings: Any) -> list[str]:
    return [*settings.ui_allowed_hosts, settings.ui_host]


def make_app(demo: Any, settings: Any, port: int | None = None) -> tuple[Any, Any]:
    """The ASGI app serving ``demo`` behind `Guard`, and gradio's app inside it."""
    import gradio as gr
    from fastapi import FastAPI
    from gradio.routes import App

    outer = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    gr.mount_gradio_app(outer, demo, path="/", server_name=settings.ui_host,
                        server_port=port or settings.ui_port, show_error=False, css=CSS,
                        theme=gr.themes.Default(), ssr_mode=False, allowed_paths=[],
                        run_history=False,  # no run log in the browser, no bucket upload
                        max_file_size=int(settings.max_upload_mb * 1_048_576))
    inner = next(r.app for r in outer.routes if isinstance(getattr(r, "app", None), App))
    return Guard(outer, allowed_hosts(settings)), inner


def launch(assistant: Assistant | None = None, port: int | None = None,
           block: bool = True) -> Served:
    """Serve the UI on settings.ui_host (loopback by default). ``block=False`` returns
    once it listens; ``close()`` on the result stops it."""
    import uvicorn

    a = assistant or Assistant()
    settings = a.settings
    port = port or settings.ui_port
    host = settings.ui_host.strip("[]")
    demo = build(a)
    asgi, inner = make_app(demo, settings, port)
    if host_name(settings.ui_host) not in {"127.0.0.1", "localhost", "::1"} and set(
            settings.ui_allowed_hosts) <= {"127.0.0.1", "localhost", "::1", "[::1]"}:
        log.warning("the UI listens on %s but answers only requests for loopback names; "
                    "add the name clients use to PARACITE_UI_ALLOWED_HOSTS", settings.ui_host)
    config = uvicorn.Config(asgi, host=host, port=port, log_level="warning",
                            timeout_graceful_shutdown=5, server_header=False)
    server = uvicorn.Server(config)
    shown = f"[{host}]" if ":" in host else host
    served = Served(demo, server, inner, f"http://{shown}:{port}/")
    if block:
        try:
            server.run()
        finally:
            served.close()
        return served
    served.thread = threading.Thread(target=server.run, name="paracite-ui", daemon=True)
    served.thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not served.thread.is_alive() or time.monotonic() > deadline:
            served.close()
            raise OSError(f"the web UI could not listen on {settings.ui_host}:{port}")
        time.sleep(0.01)
    return served
