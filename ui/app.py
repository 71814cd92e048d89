"""The paracite web UI (gradio): chat over the records, every citation one click away.

This module formats and wires; it owns no retrieval or citation logic. Everything it
shows comes from ``paracite.Assistant`` (answers, citations, documents, ingest reports).
Record text is always HTML-escaped before it is shown.

Run it with ``paracite ui`` (binds 127.0.0.1:7860 unless PARACITE_UI_HOST/PORT say else).
"""

from __future__ import annotations

import html
import logging
import re
import shutil
from collections.abc import Iterator, Sequence
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
    """The sources panel for an answer (or a refusal with its closest passages)."""
    if ans is None:
        return '<div class="empty">Ask a question: the paragraphs it cites appear here.</div>'
    if not ans.found:
        parts = ['<div class="refusal-banner"><b>The records do not answer this.</b> '
                 "Closest passages:</div>"]
        parts += [format_source(c, see_also=True) for c in ans.see_also]
        return "".join(parts)
    return "".join(format_source(c) for c in ans.citations)


def format_answer(ans: Answer) -> str:
    """Chat text: markers become links to their paragraph in the sources panel; a
    compact source list follows, so copying the message copies its citations."""
    text = html.escape(ans.text, quote=False)
    if not ans.found:
        return "⚠️ " + text
    linked = _MARKER.sub(lambda m: f"[[{m.group(1)}]](#src-{m.group(1)})", text)
    refs = "; ".join(f"[{c.marker}] {c.label}" + (f", p. {c.page_shown}" if c.page_shown else "")
                     for c in ans.citations)
    return f"{linked}\n\n<sub>Sources: {html.escape(refs, quote=False)}</sub>"


def documents_table(assistant: Assistant) -> list[list[Any]]:
    return [[d.id, d.title, d.date or "", d.symbol or "", n]
            for d, n in assistant.documents()]


def safe_name(name: str) -> str:
    """A file name that stays inside the upload folder ('../../x.pdf' → 'x.pdf')."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")
    return base or "upload"


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
        import gradio as gr

        if not files:
            return "No file chosen.", gr.update(), gr.update()
        settings = self.base.settings
        folder = settings.home / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        lines = []
        targets = []
        for f in files:
            src = Path(getattr(f, "name", f))
            name = safe_name(getattr(f, "orig_name", None) or src.name)
            size_mb = src.stat().st_size / 1_048_576
            if Path(name).suffix.lower() not in UPLOAD_TYPES:
                lines.append(f"❌ {name}: not a PDF, Markdown or text file")
                continue
            if size_mb > settings.max_upload_mb:
                shown = f"{size_mb:.1f} MB" if size_mb >= 0.1 else f"{size_mb * 1024:.0f} KB"
                lines.append(f"❌ {name}: {shown} is over the "
                             f"{settings.max_upload_mb:g} MB limit")
                continue
            dest = folder / name
            shutil.copyfile(src, dest)
            targets.append(dest)

        def on_progress(done: int, total: int) -> None:
            if progress is not None:
                progress((done, total), desc="embedding", unit="passages")

        try:
            files_done = self.base.ingest(targets, progress=on_progress).files if targets else []
        except ParaciteError as exc:  # e.g. another ingest holds the store
            lines.append(f"❌ {html.escape(str(exc), quote=False)}")
            files_done = []
        for r in files_done:
            if r.status == "failed":
                lines.append(f"❌ {html.escape(r.reason, quote=False)}")
            elif r.status == "duplicate":
                lines.append(f"ℹ️ {html.escape(r.reason, quote=False)}")
            else:
                lines.append(f"✅ {r.source} → `{r.document}`: {r.status}, "
                             f"{r.passages} passages")
        ids = [d.id for d, _ in self.base.documents()]
        return ("\n\n".join(lines), gr.update(value=documents_table(self.base)),
                gr.update(choices=ids))


def build(assistant: Assistant | None = None) -> Any:
    """The gradio Blocks app over ``assistant`` (default: one from settings)."""
    import gradio as gr

    ui = UI(assistant or Assistant())
    base = ui.base
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
                sources = gr.HTML(format_sources(None), elem_id="sources")
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

        def do_upload(f: Any, progress: Any = gr.Progress()) -> tuple[str, Any, Any]:  # noqa: B008
            return ui.upload(f, progress)

        upload_btn.click(do_upload, [files], [upload_result, table, docs])
    demo.queue(default_concurrency_limit=base.settings.ui_concurrency)
    return demo


def launch(assistant: Assistant | None = None, port: int | None = None,
           block: bool = True) -> Any:
    import gradio as gr

    a = assistant or Assistant()
    demo = build(a)
    demo.launch(server_name=a.settings.ui_host, server_port=port or a.settings.ui_port,
                prevent_thread_lock=not block, show_error=False, css=CSS,
                theme=gr.themes.Default(), max_file_size=int(a.settings.max_upload_mb * 1_048_576),
                allowed_paths=[])
    return demo
