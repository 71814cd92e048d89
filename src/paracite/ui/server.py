"""Serving the web UI: gradio's app mounted on one of ours, behind ``security.Guard``,
with the UI's own routes (cited pages, PDFs, the page script), run by uvicorn.

``launch`` is what ``paracite ui`` calls: it builds the page (``layout.build``), loads the
embedder, the keyword index and the answer path first, and serves on settings.ui_host
(loopback by default). The page's styles are ``static/paracite.css``, handed to gradio as
text (it puts them in the page; the CSP allows inline styles, not inline scripts).
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paracite import Assistant, PageImage, ParaciteError, Passage

from .layout import build
from .security import Guard, allowed_hosts, host_name

if TYPE_CHECKING:
    from .handlers import UI

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
# Fonts every machine with Chromium has (Debian: DejaVu, Liberation); nothing is loaded
# from the network (the CSP forbids it). Every glyph paracite shows is in DejaVu Sans:
# no emoji (a machine without an emoji font draws a box).
FONTS = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif"]
MONO_FONTS = ["DejaVu Sans Mono", "Liberation Mono", "monospace"]
_DOC_ID = re.compile(r"[\w.-]{1,120}")
HEAD = '<script src="/paracite/static/paracite.js" defer></script>'


def page_css() -> str:
    """The page's own styles (static/paracite.css)."""
    return (STATIC / "paracite.css").read_text(encoding="utf-8")


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


def add_routes(outer: Any, ui: UI | None) -> None:
    """The UI's own routes, before gradio's: the page image of a cited PDF paragraph, the
    PDF itself (opened at a page by the browser's viewer), and the page script."""
    from fastapi import HTTPException
    from fastapi.responses import FileResponse

    @outer.get("/paracite/static/paracite.js", include_in_schema=False)
    def script() -> Any:
        return FileResponse(STATIC / "paracite.js", media_type="text/javascript",
                            headers={"cache-control": "no-cache"})

    if ui is None:
        return

    def drawn(passage_id: str) -> PageImage:
        if Passage.parse_id(passage_id) is None:
            raise HTTPException(404)
        try:
            image = ui.page_image(passage_id)
        except ParaciteError as exc:
            log.warning("page image of %s not made: %s", passage_id, exc)
            image = None
        if image is None:
            raise HTTPException(404)
        return image

    @outer.get("/paracite/page/{passage_id}.png", include_in_schema=False)
    def page_png(passage_id: str) -> Any:
        return FileResponse(drawn(passage_id).path, media_type="image/png",
                            headers={"cache-control": "private, max-age=3600"})

    @outer.get("/paracite/page/{passage_id}.json", include_in_schema=False)
    def page_box(passage_id: str) -> Any:
        """Where the highlight is on the page image (shares of its height), for the page
        script to scroll it into view; ``highlighted`` false: it was not found there."""
        image = drawn(passage_id)
        top, bottom = image.box or (None, None)
        return {"page": image.page, "highlighted": image.highlighted, "top": top,
                "bottom": bottom}

    @outer.get("/paracite/pdf/{doc_id}", include_in_schema=False)
    def pdf(doc_id: str) -> Any:
        path = ui.pdf_file(doc_id) if _DOC_ID.fullmatch(doc_id) else None
        if path is None:
            raise HTTPException(404)
        return FileResponse(path, media_type="application/pdf", filename=f"{doc_id}.pdf",
                            content_disposition_type="inline")


def make_app(demo: Any, settings: Any, port: int | None = None) -> tuple[Any, Any]:
    """The ASGI app serving ``demo`` behind `Guard`, and gradio's app inside it."""
    import gradio as gr
    from fastapi import FastAPI
    from gradio.routes import App

    outer = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    add_routes(outer, getattr(demo, "paracite_ui", None))
    gr.mount_gradio_app(outer, demo, path="/", server_name=settings.ui_host,
                        server_port=port or settings.ui_port, show_error=False, css=page_css(),
                        theme=gr.themes.Default(font=FONTS, font_mono=MONO_FONTS),
                        ssr_mode=False, allowed_paths=[],
                        run_history=False,  # no run log in the browser, no bucket upload
                        footer_links=["api"],  # no "Runs", no settings/recording panel
                        head=HEAD,
                        max_file_size=int(settings.max_upload_mb * 1_048_576))
    inner = next(getattr(r, "app") for r in outer.routes  # noqa: B009 - a Mount's app
                 if isinstance(getattr(r, "app", None), App))
    return Guard(outer, allowed_hosts(settings)), inner


def launch(assistant: Assistant | None = None, port: int | None = None,
           block: bool = True, answerers: Mapping[str, Any] | None = None,
           on_ready: Callable[[str], None] | None = None) -> Served:
    """Serve the UI on settings.ui_host (loopback by default). The embedder, keyword
    index and answer path are loaded first, so "ready" means the first answer is as fast
    as any. ``block=False`` returns once it listens; ``close()`` on the result stops it.
    ``on_ready`` is called with the URL once the UI listens."""
    import uvicorn

    a = assistant or Assistant()
    settings = a.settings
    port = port or settings.ui_port
    host = settings.ui_host.strip("[]")
    demo = build(a, answerers)
    warmed = demo.paracite_ui.warm()
    log.info("embedder and index loaded in %.1f s", warmed)
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
    served.thread = threading.Thread(target=server.run, name="paracite-ui", daemon=True)
    served.thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not served.thread.is_alive() or time.monotonic() > deadline:
            served.close()
            raise OSError(f"the web UI could not listen on {settings.ui_host}:{port}")
        time.sleep(0.01)
    if on_ready is not None:
        on_ready(served.url)
    if block:
        try:
            while served.thread.is_alive():
                served.thread.join(0.5)
        finally:
            served.close()
    return served
