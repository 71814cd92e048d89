"""The paracite web UI (gradio): chat over the records, every citation one click away.

This module formats and wires; it owns no retrieval or citation logic. Everything it
shows comes from ``paracite.Assistant`` (answers, citations, documents, ingest reports,
page images). Record text is always HTML-escaped before it is shown, and in Markdown
messages Markdown-escaped too (``md_text``): no link or image is made from a record's or
a user's text, only paracite's own markers and page links.

What a user can rely on:
- every answer keeps its own sources: markers are unique per turn (``#src-<turn>-<n>``)
  and the sources panel holds every turn's paragraphs, the latest open;
- a PDF source shows its real page with the cited paragraph highlighted, and opens the
  PDF at that page; a Markdown source shows the paragraphs before and after;
- nothing unverified is shown: an LLM answer appears only after its sentences passed the
  citation check;
- the conversation is kept in the browser's storage across reloads, and "New
  conversation" resets history, sources and the document filter together. Every turn is
  signed by the server (HMAC-SHA256 under PARACITE_HOME/ui-secret, which never leaves
  it): a turn the browser changed or made up is dropped, never answered from or rated.

Run it with ``paracite ui`` (binds 127.0.0.1:7860 unless PARACITE_UI_HOST/PORT say else).
It is served by uvicorn behind `Guard`: security headers (a strict CSP) on every response,
and requests for host names other than PARACITE_UI_ALLOWED_HOSTS refused (DNS rebinding).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import html
import json
import logging
import os
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from paracite.assistant import UPLOADS, Assistant
from paracite.documents import Answer, Citation, DocumentInfo, Passage
from paracite.errors import ParaciteError
from paracite.ingest import IngestProgress
from paracite.pages import PageImage

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
UPLOAD_TYPES = [".pdf", ".md", ".markdown", ".txt"]
PAGE_CACHE = "pages"  # PARACITE_HOME/pages: PNGs of cited pages (bounded: page_cache_mb)
SUGGESTIONS = 4
# One line on each answerer, shown beside the selector.
ANSWERERS = {
    "extractive": "quotes the records' own sentences; instant, no model",
    "local": "Qwen2.5-Coder-1.5B on this machine writes the answer from the passages, "
             "checked sentence by sentence before it is shown; 5–20 s",
    "mixed": "paracite picks the statements, Qwen2.5-Coder-1.5B on this machine only "
             "phrases them, checked before it is shown; 2–6 s",
    "openai": "the configured OpenAI-compatible model writes the answer, checked "
              "sentence by sentence before it is shown",
}
INGEST_NOTICE = ("Files are being ingested: this answer uses the documents stored before "
                 "the upload finished.")
CHECKING = "Writing the answer and checking it against the records …"
# Fonts every machine with Chromium has (Debian: DejaVu, Liberation); nothing is loaded
# from the network (the CSP forbids it). Every glyph paracite shows is in DejaVu Sans:
# no emoji (a machine without an emoji font draws a box).
FONTS = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "sans-serif"]
MONO_FONTS = ["DejaVu Sans Mono", "Liberation Mono", "monospace"]
# Text colours of the sources panel: 4.5:1 or more on its background in both modes.
CSS = """
body, .gradio-container {font-variant:normal; font-feature-settings:normal;}
#sources-col {position:sticky; top:8px; align-self:flex-start;}
#sources {max-height:calc(100vh - 80px); overflow-y:auto; overscroll-behavior:contain;}
#sources .src {border:1px solid var(--border-color-primary); border-radius:8px;
  padding:10px 12px; margin:0 0 10px;}
#sources .src h4 {margin:0 0 4px; font-size:0.95em;}
#sources .meta, #sources .note, #sources .context, #sources .empty {color:#4b5563;}
.dark #sources .meta {color:#c9cfd8;}
.dark #sources .note {color:#c9cfd8;}
.dark #sources .context {color:#c9cfd8;}
.dark #sources .empty {color:#c9cfd8;}
#sources .meta, #sources .note {font-size:0.85em;}
#sources .meta {margin-bottom:6px;}
#sources .text {white-space:pre-wrap; font-size:0.92em; line-height:1.45;}
#sources .context {white-space:pre-wrap; font-size:0.85em;
  border-left:3px solid var(--border-color-primary); padding-left:8px; margin:4px 0;}
#sources .context-fold > summary {cursor:pointer; font-size:0.85em; margin-top:6px;}
#sources a {color:#0b57d0;}
.dark #sources a {color:#8ab4f8;}
#sources .deleted {background:#f3f4f6; color:#1f2328; border-radius:4px; padding:2px 6px;
  display:inline-block; margin:4px 0;}
.dark #sources .deleted {background:#374151; color:#f3f4f6;}
#sources figure.page {margin:6px -12px 6px; position:relative;}
#sources figure.page img {width:100%; height:auto; display:block; cursor:zoom-in;
  border-top:1px solid var(--border-color-primary);
  border-bottom:1px solid var(--border-color-primary);}
#sources figure.page figcaption {font-size:0.85em; padding:2px 12px; color:#4b5563;}
.dark #sources figure.page figcaption {color:#c9cfd8;}
#sources .turn[open] > summary {position:sticky; top:0; z-index:2;
  background:var(--block-background-fill); padding:4px 0;}
#queued {font-size:0.9em; margin:2px 0 6px; padding:6px 10px; border-radius:6px;
  background:#eef2ff; color:#1e1b4b;}
.dark #queued {background:#1e1b4b; color:#e0e7ff;}
#queued:empty {display:none;}
#doc-table table {width:100%; border-collapse:collapse; font-size:0.9em;}
#doc-table th, #doc-table td {text-align:left; padding:4px 8px; vertical-align:top;
  border-bottom:1px solid var(--border-color-primary); overflow-wrap:normal;
  word-break:normal; hyphens:none;}
#doc-table td.n {text-align:right;}
#doc-table td.sym .v {white-space:nowrap;}
#doc-table .k {display:none;}
@media (max-width: 640px) {
  #doc-table thead {display:none;}
  #doc-table table, #doc-table tbody, #doc-table tr, #doc-table td {display:block;
    width:auto;}
  #doc-table tr {border:1px solid var(--border-color-primary); border-radius:8px;
    margin:0 0 8px; padding:6px 8px;}
  #doc-table td {border:none; padding:1px 0; text-align:left !important;}
  #doc-table .k {display:inline; font-weight:600; margin-right:6px;}
}
#sources mark {background:#fff3b0; color:#1f2328; padding:0 1px;}
.dark #sources mark {background:#5c4b00; color:#fff8db;}
#sources .see-also {border-style:dashed;}
#sources .refusal-banner {background:#fff1f0; color:#1f2328; border:1px solid #ffa39e;
  border-radius:8px; padding:8px 12px; margin-bottom:10px;}
.dark #sources .refusal-banner {background:#4a1c1a; color:#ffe9e7; border-color:#a8423b;}
#sources .turn > summary, #sources .turn > h3 {cursor:pointer; font-weight:600;
  margin:8px 0 6px; font-size:0.95em;}
.copy-text {display:none !important;}
#sources .src.flash {outline:3px solid var(--color-accent); outline-offset:2px;}
#filter-chip {flex-grow:0 !important; min-width:max-content;}
#status {font-size:0.9em;}
"""
# A marker as it stands in Markdown-escaped answer text ('\[1\]').
_MARKER = re.compile(r"\\\[(\d{1,3})\\\]")
# Markdown punctuation that can start a link, image, autolink ('http:', 'www.', 'a@b'),
# emphasis, heading, list, table, code or LaTeX; backslash-escaped in shown text.
# ('&', '<', '>' are HTML-escaped instead, so no tag and no entity is formed either.)
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:@$^=])")


def md_text(text: str) -> str:
    """``text`` for a Markdown message, shown exactly as written: HTML-escaped, then every
    Markdown punctuation character backslash-escaped, so nothing in it becomes a link, an
    image, an autolink, a tag or formatting ('[x](javascript:…)' stays that text)."""
    return _MD_PUNCT.sub(r"\\\1", html.escape(text, quote=False))


# -- formatting (pure functions, unit-tested) --------------------------------------------

class SourceExtras:
    """What the sources panel shows besides the cited paragraph itself: which documents
    are PDFs (their page image and file can be shown), for the rest the paragraphs
    before and after each cited one (by passage id), and which documents are stored
    (``stored``; None: not known, all are taken as stored): a citation of a deleted one
    keeps its text and says the document was deleted."""

    def __init__(self, pdfs: Iterable[str] = (),
                 context: Mapping[str, tuple[Passage | None, Passage | None]] | None = None,
                 stored: Iterable[str] | None = None) -> None:
        self.pdfs = set(pdfs)
        self.context = dict(context or {})
        self.stored = None if stored is None else set(stored)

    def deleted(self, doc_id: str) -> bool:
        return self.stored is not None and doc_id not in self.stored


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


def source_anchor(turn: int, marker: int) -> str:
    """The id of a cited paragraph in the sources panel, unique per turn."""
    return f"src-{turn}-{marker}"


def _page_view(c: Citation) -> str:
    """The cited page as an image, shown at once at the panel's width, the paragraph
    highlighted (the image says so itself when it could not be found on the page); a
    click opens it at full size, and a link opens the PDF at that page (both served by
    the UI's own routes). The page script finds the highlight from the image's address
    ('/paracite/page/<id>.json' says where it is) and scrolls to it."""
    if not c.passage_id or not c.page:
        return ""
    shown = html.escape(c.page_shown)
    pid = quote(c.passage_id, safe="")
    src = f"/paracite/page/{pid}.png"
    pdf = f"/paracite/pdf/{quote(c.document, safe='')}#page={c.page}"
    return (f'<figure class="page">'
            f'<a href="{src}" target="_blank" rel="noopener" title="Open the page at full '
            f'size"><img src="{src}" loading="lazy" alt="page {shown} of '
            f'{html.escape(c.document_label)}, the cited paragraph highlighted"></a>'
            f'<figcaption>Page {shown} · <a href="{pdf}" target="_blank" rel="noopener">'
            f"Open the PDF at page {shown}</a></figcaption></figure>")


def _context(text: str) -> str:
    return f'<div class="context">{html.escape(text)}</div>'


def _context_fold(before: Passage | None, after: Passage | None) -> str:
    """The paragraphs before and after a cited one, folded (a click shows them)."""
    if not (before or after):
        return ""
    which = " and ".join(w for w, p in (("before", before), ("after", after)) if p)
    plural = "s" if before and after else ""
    return (f'<details class="context-fold"><summary>The paragraph{plural} {which}</summary>'
            f"{_context(before.text) if before else ''}"
            f"{_context(after.text) if after else ''}</details>")


def format_source(c: Citation, turn: int = 1, see_also: bool = False,
                  extras: SourceExtras | None = None) -> str:
    """One cited paragraph: label, title, symbol, date, section, full text with the
    supporting sentences highlighted, footnotes; the page image of a PDF source or the
    neighbouring paragraphs of another. All record text escaped."""
    extras = extras or SourceExtras()
    meta = [html.escape(x) for x in (c.symbol or "", c.date or "") if x]
    anchor = f'id="{source_anchor(turn, c.marker)}"' if c.marker else ""
    head = (f"[{c.marker}] " if c.marker else "") + c.reference
    notes = "".join(f'<div class="note">{html.escape(f.marker)} {html.escape(f.text)}</div>'
                    for f in c.footnotes)
    section = f'<div class="meta">{html.escape(c.section)}</div>' if c.section else ""
    text = f'<div class="text">{_highlight(c.text, c.quote)}</div>'
    if extras.deleted(c.document):  # the text stays (it is the answer's); no page, no file
        body = ('<div class="deleted">Document deleted: this is the text as it was cited; '
                "its page and file are no longer available.</div>" + text)
    elif c.document in extras.pdfs:
        body = _page_view(c) + text
    else:
        body = text + _context_fold(*extras.context.get(c.passage_id, (None, None)))
    return (f'<div class="src{" see-also" if see_also else ""}" {anchor}>'
            f"<h4>{html.escape(head)} — {html.escape(c.title)}</h4>"
            f'<div class="meta">{" · ".join(meta)}</div>{section}{body}{notes}</div>')


def format_turn_sources(ans: Answer, turn: int = 1, extras: SourceExtras | None = None) -> str:
    """The sources of one answer (or, for a refusal, its closest passages)."""
    if ans.unresolved:  # nothing was searched: there is nothing to show
        return ('<div class="refusal-banner">The question was not searched: say who or what '
                f"“{html.escape(ans.unresolved)}” is.</div>")
    if not ans.found:
        what = "statements" if any(c.quote for c in ans.see_also) else "passages"
        parts = ['<div class="refusal-banner"><b>The records do not answer this.</b> '
                 f"Closest {what}:</div>"]
        parts += [format_source(c, turn, see_also=True, extras=extras) for c in ans.see_also]
        return "".join(parts)
    return "".join(format_source(c, turn, extras=extras) for c in ans.citations)


def _one_line(text: str) -> str:
    """The panel is a gr.Markdown (gr.HTML evaluates templates with ``new Function``,
    which the page's CSP forbids), and Markdown passes an HTML block through untouched
    only up to a blank line, so the text's line breaks become entities."""
    return text.replace("\r", "").replace("\n", "&#10;")


def format_sources(turns: Answer | Sequence[Answer] | None, open_turn: int | None = None,
                   extras: SourceExtras | None = None,
                   questions: Sequence[str] | None = None) -> str:
    """The sources panel: every answer's sources, newest first; one turn open (the
    latest unless ``open_turn`` says which, from 1), the others folded under their
    question. A single Answer is shown as turn 1."""
    if turns is None or (not isinstance(turns, Answer) and not turns):
        return '<div class="empty">Ask a question: the paragraphs it cites appear here.</div>'
    answers = [turns] if isinstance(turns, Answer) else list(turns)
    opened = open_turn if open_turn and 1 <= open_turn <= len(answers) else len(answers)
    parts = []
    for n in range(len(answers), 0, -1):
        ans = answers[n - 1]
        asked = questions[n - 1] if questions and len(questions) >= n else ans.question
        title = html.escape(f"Answer {n}: {asked}")
        body = format_turn_sources(ans, n, extras)
        attrs = f'class="turn" id="turn-{n}"'
        if n == opened:
            parts.append(f"<details {attrs} open><summary>{title}</summary>{body}</details>")
        else:
            parts.append(f"<details {attrs}><summary>{title}</summary>{body}</details>")
    return _one_line("".join(parts))


def format_answer(ans: Answer, turn: int = 1, notice: str = "") -> str:
    """Chat text: markers link to this turn's paragraphs in the sources panel; the
    references follow in the one label format; a hidden plain-text version (the answer,
    then '[1] SYMBOL, ¶22, p. 9') is what the copy button copies. Every text is shown as
    written (``md_text``): the only links are the markers, to '#src-<turn>-<n>'."""
    text = md_text(ans.text)
    understood = (f"<sub>Understood as: {md_text(ans.understood_as)}</sub>"
                  "\n\n" if ans.understood_as else "")
    notes = [n for n in (ans.notice, notice) if n]
    note = "".join(f"\n\n<sub>ℹ {md_text(n)}</sub>" for n in notes)
    plain = md_text(ans.plain_text()).replace("\n", "&#10;")
    copy = f'<span class="copy-text">{plain}</span>'
    by = f" · answered by {md_text(answerer_label(ans.llm))}" if ans.llm != "extractive" else ""
    if not ans.found:
        return f"{understood}⚠ {text}{note}{copy}"
    linked = _MARKER.sub(lambda m: f"[[{m.group(1)}]](#{source_anchor(turn, int(m.group(1)))})",
                         text)
    refs = "; ".join(f"[{c.marker}] {c.reference}" for c in ans.citations)
    flag = "(uncertain) " if ans.uncertain else ""
    return (f"{understood}{flag}{linked}\n\n<sub>Sources: {md_text(refs)}{by}</sub>{note}"
            f"{copy}")


def answerer_label(llm: str) -> str:
    """Who wrote an answer, as a reader understands it.

    >>> answerer_label("llm:Qwen2.5-Coder-1.5B-Instruct-Q4_K_M")
    'Qwen2.5-Coder-1.5B-Instruct-Q4_K_M (checked against the records)'
    >>> answerer_label("mixed:Qwen2.5-Coder-1.5B-Instruct-Q4_K_M")
    'Qwen2.5-Coder-1.5B-Instruct-Q4_K_M, phrasing the statements paracite chose'
    """
    kind, _, model = llm.partition(":")
    if kind == "mixed":
        return f"{model}, phrasing the statements paracite chose"
    if kind == "llm":
        return f"{model} (checked against the records)"
    return llm


TABLE_HEADERS = ["symbol", "body", "title", "date", "passages"]


def documents_table(docs: Sequence[tuple[DocumentInfo, int]]) -> str:
    """The documents as an HTML table (symbol, body, title, date, passages; ids are for
    URLs and the API). On a phone each row becomes a card with its field names (CSS)."""
    if not docs:
        return '<div class="empty">No documents yet.</div>'
    head = "".join(f"<th>{h}</th>" for h in TABLE_HEADERS)
    rows = []
    for d, n in docs:
        cells = [("symbol", d.symbol or "—", ' class="sym"'), ("body", d.body or "—", ""),
                 ("title", d.title, ""), ("date", d.date or "—", ""),
                 ("passages", f"{n:,}", ' class="n"')]
        rows.append("<tr>" + "".join(
            f'<td{cls}><span class="k">{k}</span> <span class="v">{html.escape(v)}</span></td>'
            for k, v, cls in cells) + "</tr>")
    return _one_line(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}"
                     "</tbody></table>")


def progress_step(e: IngestProgress) -> tuple[tuple[int, int], str, str]:
    """What the upload's one progress display shows for an ingest event: (done, total),
    the phase in words, the unit counted.

    >>> from paracite.ingest import IngestProgress as P
    >>> progress_step(P("reading", "a.pdf", 3, 12, files_done=0, files_total=2))
    ((3, 12), 'Reading a.pdf: page 3 of 12 · 0 of 2 files done', 'pages')
    >>> progress_step(P("embedding", "", 120, 444, files_done=1, files_total=1))
    ((120, 444), 'Embedding passages: 120 of 444', 'passages')
    """
    files = f" · {e.files_done} of {e.files_total} files done" if e.files_total > 1 else ""
    if e.phase == "reading":
        return (e.done, e.total), f"Reading {e.file}: page {e.done} of {e.total}{files}", \
            "pages"
    if e.phase == "embedding":
        return (e.done, e.total), f"Embedding passages: {e.done:,} of {e.total:,}", "passages"
    if e.phase == "reembedding":
        return (e.done, e.total), (f"Embedding stored passages again: {e.done:,} of "
                                   f"{e.total:,}"), "passages"
    what = {"structuring": "Structuring", "storing": "Storing"}.get(e.phase, e.phase)
    return (e.done, e.total), f"{what} {e.file}{files}", "steps"


def document_labels(docs: Iterable[DocumentInfo]) -> dict[str, str]:
    """Each document's label (``DocumentInfo.label``: short symbol, else title), by id;
    a label two documents share (a document in two languages) gets its id after it."""
    docs = list(docs)
    seen: dict[str, int] = {}
    for d in docs:
        seen[d.label] = seen.get(d.label, 0) + 1
    return {d.id: d.label if seen[d.label] == 1 else f"{d.label} ({d.id})" for d in docs}


def filter_chip(docs: Sequence[str] | None, labels: Mapping[str, str] | None = None) -> str:
    """The text of the chip that shows an active document filter (click: remove it)."""
    labels = labels or {}
    return f"Only: {', '.join(labels.get(d, d) for d in docs)}  ✕" if docs else ""


# -- the conversation, as kept in the browser ---------------------------------------------
# A turn is {"question": str, "answer": Answer as JSON, "notice": str, "sig": str}: plain
# JSON, so it can live in the browser's storage and come back after a reload. The browser
# is not trusted with it: "sig" is the server's HMAC-SHA256 of the rest (``sign_turn``),
# and a turn that comes back without a valid one is dropped (``valid_turns``). So only
# answers this server gave are shown, used as history, or rated.

Turn = dict[str, Any]
KEY_FILE = "ui-secret"
# Keys written before this prefix existed were sent to every browser (issue 21): such a
# file is replaced, and turns signed with it (there are none: they were unsigned) are void.
KEY_PREFIX = "hmac-sha256-v2:"


def turn_key(home: Path) -> bytes:
    """The key turns are signed with: made once per PARACITE_HOME and kept in
    PARACITE_HOME/ui-secret (mode 0600), so a conversation survives a restart. It never
    leaves the server. When it cannot be kept, a key for this process only is used (a
    conversation then ends with the server; a warning says so)."""
    path = home / KEY_FILE
    with contextlib.suppress(OSError):
        text = path.read_text().strip()
        if text.startswith(KEY_PREFIX) and len(text) >= len(KEY_PREFIX) + 32:
            return text.encode()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        if path.exists():  # a key of the old kind (or a damaged file): replaced
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # never over a key another process has just made
            except FileExistsError:
                theirs = path.read_text().strip()
                if theirs.startswith(KEY_PREFIX):
                    return theirs.encode()
    except OSError as exc:
        log.warning("the conversation key could not be kept in %s (%s): a conversation "
                    "will not survive a restart", path, exc)
    finally:
        tmp.unlink(missing_ok=True)
    return key.encode()


def sign_turn(key: bytes, question: str, answer: Mapping[str, Any], notice: str) -> str:
    """HMAC-SHA256 (hex) of a turn's canonical JSON: question, answer (as
    ``Answer.model_dump(mode="json")`` gives it) and notice."""
    canonical = json.dumps({"question": question, "answer": answer, "notice": notice},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def new_turn(question: str, ans: Answer, notice: str = "", *, key: bytes) -> Turn:
    """A turn this server answered, signed with ``key``."""
    answer = ans.model_dump(mode="json")
    return {"question": question, "answer": answer, "notice": notice,
            "sig": sign_turn(key, question, answer, notice)}


def turn_answers(turns: Sequence[Turn]) -> list[Answer]:
    """The Answers of turns ``valid_turns`` kept."""
    return [Answer.model_validate(t["answer"]) for t in turns]


def checked_turn(t: Any, key: bytes, max_question_chars: int) -> Turn | None:
    """``t`` as this server made it, or None: of another shape, a question over the
    limit, or a signature that does not verify (made up or changed in the browser)."""
    if not (isinstance(t, dict) and isinstance(t.get("question"), str)
            and isinstance(t.get("answer"), dict) and isinstance(t.get("sig"), str)
            and isinstance(t.get("notice", ""), str)):
        return None
    if len(t["question"]) > max_question_chars:
        return None
    try:
        answer = Answer.model_validate(t["answer"]).model_dump(mode="json")
    except Exception:  # noqa: BLE001 - a damaged turn is dropped, not fatal
        return None
    notice = t.get("notice", "")
    if not hmac.compare_digest(sign_turn(key, t["question"], answer, notice), t["sig"]):
        return None
    return {"question": t["question"], "answer": answer, "notice": notice, "sig": t["sig"]}


def valid_turns(turns: Any, key: bytes, kept: int, max_question_chars: int) -> list[Turn]:
    """The turns a browser sent back that this server signed with ``key`` (see
    ``checked_turn``), the last ``kept`` of them."""
    if not isinstance(turns, list):
        return []
    good = [c for c in (checked_turn(t, key, max_question_chars) for t in turns[-kept:]) if c]
    dropped = min(len(turns), kept) - len(good)
    if dropped:
        log.info("%d turn(s) sent by a browser were dropped: not signed by this server",
                 dropped)
    return good


def history_pairs(turns: Sequence[Turn] | Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The conversation as (question, answer text) pairs, for follow-ups (last six)."""
    pairs: list[tuple[str, str]] = []
    for t in turns:
        if isinstance(t, dict):
            pairs.append((t["question"], str(t["answer"].get("text", ""))))
        else:
            q, a = t
            pairs.append((q, a))
    return pairs[-6:]


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The chat as gradio messages, from the kept turns."""
    msgs = []
    for n, t in enumerate(turns, 1):
        ans = Answer.model_validate(t["answer"])
        msgs.append({"role": "user", "content": md_text(t["question"])})
        msgs.append({"role": "assistant", "content": format_answer(ans, n, t.get("notice", ""))})
    return msgs

# -- uploads -----------------------------------------------------------------------------

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


class Claims:
    """Files in the upload folder that an upload or re-ingest of this process is working
    on (being copied or ingested): they are not offered for re-ingest meanwhile. A file
    is claimed before it is created, so whoever sees it in the folder sees its claim.
    Claims are counted (two uploads of the same bytes share one file): each ``add`` or
    successful ``take`` is ended by one ``discard``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count: dict[Path, int] = {}

    @staticmethod
    def _key(path: Path) -> Path:
        return Path(os.path.abspath(path))

    def add(self, path: Path) -> None:
        """Claim ``path``, claimed by others or not."""
        key = self._key(path)
        with self._lock:
            self._count[key] = self._count.get(key, 0) + 1

    def take(self, path: Path) -> bool:
        """Claim ``path`` only if nobody has: whether it was claimed."""
        key = self._key(path)
        with self._lock:
            if key in self._count:
                return False
            self._count[key] = 1
            return True

    def discard(self, path: Path) -> None:
        key = self._key(path)
        with self._lock:
            n = self._count.get(key, 0) - 1
            if n > 0:
                self._count[key] = n
            else:
                self._count.pop(key, None)

    def __contains__(self, path: object) -> bool:
        with self._lock:
            return isinstance(path, Path) and self._key(path) in self._count


def store_upload(src: Path, folder: Path, name: str, claims: Claims | None = None
                 ) -> tuple[Path, bool]:
    """Copy ``src`` into ``folder`` as ``name``, never over another file: a name taken by
    different bytes gets a suffix ('report-2.md'); identical bytes reuse the file there.
    Returns the file and whether this call created it. The name is claimed with an
    exclusive create, so two uploads at once cannot write into the same file; with
    ``claims``, the file returned stays claimed there (the caller discards it)."""
    claims = claims or Claims()
    suffix = Path(name).suffix
    stem = name[: len(name) - len(suffix)]
    for n in range(1, 10_000):
        dest = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        claims.add(dest)
        try:
            with dest.open("xb") as out, src.open("rb") as inp:
                shutil.copyfileobj(inp, out, 1 << 20)
        except FileExistsError:
            if dest.is_file() and not dest.is_symlink() and _same_bytes(src, dest):
                return dest, False
            claims.discard(dest)
            continue
        except BaseException:
            dest.unlink(missing_ok=True)
            claims.discard(dest)
            raise
        return dest, True
    raise OSError(f"{name}: no free name in the upload folder")


def gradio_upload(src: Path, received: Iterable[str]) -> str:
    """Why ``src`` is not a file uploaded through this page's upload route, or "" when
    it is one. The upload event can be sent by hand with any server path in it (gradio
    copies such a path into its cache before the handler sees it), so the path must be
    one gradio's /upload route wrote (``received``: its ``upload_file_set``, shared by all
    sessions: gradio does not record which session uploaded a file), a regular file (not
    a link), inside gradio's upload folder once links are resolved."""
    from gradio.utils import get_upload_folder

    given = os.path.abspath(src)
    snapshot = set(received)  # one copy: gradio's route adds to it from another thread
    if given not in {os.path.abspath(r) for r in snapshot}:
        return "not a file uploaded through this page"
    try:
        cache = Path(get_upload_folder()).resolve()
        if src.is_symlink() or not src.resolve().is_relative_to(cache):
            return "not a file in the upload folder"
        if not src.is_file():
            return "the upload is no longer there; choose the file again"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return ""


def _discard_gradio_copy(src: Path) -> None:
    """Delete gradio's temporary copy of an upload (only files inside gradio's upload
    folder: a path from elsewhere is the caller's file, not ours to remove; a link there
    is removed itself, never the file it points to)."""
    from gradio.utils import get_upload_folder

    try:
        cache = Path(get_upload_folder()).resolve()
        if src.is_symlink():
            link = src.parent.resolve() / src.name
            if link.parent.is_relative_to(cache):
                link.unlink()
            return
        path = src.resolve()
        if path.is_relative_to(cache) and path != cache and path.is_file():
            path.unlink()
            with contextlib.suppress(OSError):  # gradio's per-upload folder, if now empty
                if path.parent != cache:
                    path.parent.rmdir()
    except OSError as exc:
        log.warning("could not delete the temporary upload %s: %s", src.name, exc)


# -- the app -----------------------------------------------------------------------------

def describe_answerer(name: str) -> str:
    """One line on what an answerer does, for the selector."""
    if name in ANSWERERS:
        return ANSWERERS[name]
    if name.startswith("openai:"):
        return ANSWERERS["openai"]
    return "a chat model given to this UI, checked sentence by sentence before it is shown"


def is_pdf(doc: DocumentInfo) -> bool:
    """A document read from a PDF: its page can be shown and its file opened."""
    return Path(doc.source).suffix.lower() == ".pdf"


def _neighbour_ids(passage_id: str) -> tuple[str, str] | None:
    """The ids of the passages before and after one ('report:00021' → 00020, 00022)."""
    doc, _, order = passage_id.rpartition(":")
    if not doc or not order.isdigit():
        return None
    n = int(order)
    return f"{doc}:{n - 1:05d}", f"{doc}:{n + 1:05d}"


class UI:
    """Per-process objects shared by every browser session (each keeps its own
    conversation, in its browser)."""

    def __init__(self, assistant: Assistant, answerers: Mapping[str, Any] | None = None) -> None:
        self.base = assistant
        self._by_llm: dict[str, Assistant] = {"extractive": assistant}
        self._given = dict(answerers or {})  # name → chat model object (e.g. tests' fakes)
        self._lock = threading.Lock()
        self._ingesting = 0
        self.key = turn_key(assistant.settings.home)  # signs the turns; never sent out
        # Paths gradio's /upload route wrote (``build`` puts the app's upload_file_set
        # here): the only files an upload event may name.
        self.received: set[str] = set()
        self.claims = Claims()  # upload files being copied or ingested right now

    def turns(self, turns: Any) -> list[Turn]:
        """The turns a browser sent that this server signed (see ``valid_turns``)."""
        s = self.base.settings
        return valid_turns(turns, self.key, s.ui_turns_kept, s.max_question_chars)

    # -- answerers --------------------------------------------------------------------
    def llm_names(self) -> list[str]:
        names = self.base.available_llms()
        return names + [n for n in self._given if n not in names]

    def answerer_choices(self) -> list[tuple[str, str]]:
        return [(f"{n} — {describe_answerer(n)}", n) for n in self.llm_names()]

    def assistant(self, llm: str) -> Assistant:
        with self._lock:
            if llm not in self._by_llm:
                self._by_llm[llm] = self.base.with_llm(self._given.get(llm, llm))
            return self._by_llm[llm]

    def warm(self) -> float:
        """Load the embedder, the keyword index and the answer path before the UI says it
        is ready, so the first question is answered as fast as the next. Seconds taken."""
        t0 = time.perf_counter()
        self.base.embedder.embed_query("warm-up")
        try:
            if self.base.store.count():
                self.base.ask("What was decided at the meeting?")
                self.suggestions()  # kept until the store changes: page loads are quick
        except ParaciteError as exc:  # an empty or unreadable store: the UI says so later
            log.info("warm-up question not answered: %s", exc)
        return time.perf_counter() - t0

    @property
    def ingesting(self) -> bool:
        return self._ingesting > 0

    # -- sources ------------------------------------------------------------------------
    def extras(self, answers: Sequence[Answer]) -> SourceExtras:
        """Which cited documents are PDFs, and the neighbours of the other citations."""
        try:
            docs = self.base.documents()
        except ParaciteError:
            return SourceExtras()
        pdfs = {d.id for d, _ in docs if is_pdf(d)}
        wanted: dict[str, tuple[str, str]] = {}
        for ans in answers:
            for c in (*ans.citations, *ans.see_also):
                ids = (_neighbour_ids(c.passage_id) if c.document not in pdfs
                       and any(d.id == c.document for d, _ in docs) else None)
                if ids:
                    wanted[c.passage_id] = ids
        context: dict[str, tuple[Passage | None, Passage | None]] = {}
        stored = {d.id for d, _ in docs}
        if wanted:
            try:
                found = self.base.store.get_passages(sorted({i for p in wanted.values()
                                                             for i in p}))
            except ParaciteError:
                found = {}
            context = {pid: (found.get(b), found.get(a)) for pid, (b, a) in wanted.items()}
        return SourceExtras(pdfs=pdfs, context=context, stored=stored)

    def sources_html(self, turns: Sequence[Turn], open_turn: int | None = None) -> str:
        answers = turn_answers(turns)
        if not answers:
            return format_sources(None)
        return format_sources(answers, open_turn, self.extras(answers),
                              [t["question"] for t in turns])

    def page_image(self, passage_id: str) -> PageImage | None:
        """The PNG of the page a passage starts on, the passage highlighted, and where
        (cached under PARACITE_HOME/pages, at most page_cache_mb of them, least recently
        used out); None when it is not a stored PDF passage."""
        from paracite.pages import page_image

        passage = self.base.store.get_passages([passage_id]).get(passage_id)
        if passage is None:
            return None
        doc = self._document(passage.document)
        if doc is None or not is_pdf(doc):
            return None
        settings = self.base.settings
        return page_image(passage, doc, settings.home / PAGE_CACHE,
                          max_mb=settings.page_cache_mb)

    def pdf_file(self, doc_id: str) -> Path | None:
        """The stored PDF a document comes from (None for other documents)."""
        doc = self._document(doc_id)
        if doc is None or not is_pdf(doc):
            return None
        path = Path(doc.source)
        return path if path.is_file() else None

    def _document(self, doc_id: str) -> DocumentInfo | None:
        return next((d for d, _ in self.base.documents() if d.id == doc_id), None)

    # -- events -------------------------------------------------------------------------
    def ask(self, question: str, turns: Any, llm: str, docs: list[str] | None
            ) -> Iterator[tuple[Any, ...]]:
        """Answer one question in a conversation: yields (chat, turns, sources, question
        box, Ask button). The box is emptied once, when the question is taken; what is
        typed while the answer is written stays in it (the page script queues it). Ask is
        disabled until the answer is there. An LLM's draft is never shown: the chat says
        it is being checked, and the answer appears once its sentences passed the
        citation check."""
        import gradio as gr

        busy, free = gr.update(interactive=False), gr.update(interactive=True)
        question = (question or "").strip()
        turns = self.turns(turns)
        chat = chat_messages(turns)
        if not question:
            yield chat, turns, self.sources_html(turns), gr_skip(), free
            return
        most = self.base.settings.max_question_chars
        if len(question) > most:  # refused before it is shown or kept anywhere
            chat.append({"role": "assistant", "content": (
                f"⚠ That question is {len(question):,} characters long; questions of up to "
                f"{most:,} characters are answered. Shorten it and ask again.")})
            yield chat, turns, gr_skip(), gr_skip(), free
            return
        notice = INGEST_NOTICE if self.ingesting else ""
        chat.append({"role": "user", "content": md_text(question)})
        chat.append({"role": "assistant", "content": CHECKING})
        yield chat, turns, gr_skip(), "", busy
        try:
            final: Answer | None = None
            checked = ""
            for part in self.assistant(llm or "extractive").stream(
                    question, history=history_pairs(turns), documents=docs or None):
                if isinstance(part, Answer):
                    final = part
                    continue
                checked += part  # an LLM's answerer yields only sentences it verified
                if checked.strip() and llm not in (None, "", "extractive"):
                    chat[-1] = {"role": "assistant",
                                "content": f"{md_text(checked.strip())}\n\n{CHECKING}"}
                    yield chat, turns, gr_skip(), gr_skip(), busy
            assert final is not None
            kept = self.base.settings.ui_turns_kept
            turns = [*turns, new_turn(question, final, notice, key=self.key)][-kept:]
            yield chat_messages(turns), turns, self.sources_html(turns), gr_skip(), free
        except ParaciteError as exc:
            chat[-1] = {"role": "assistant", "content": f"⚠ {md_text(str(exc))}"}
            yield chat, turns, self.sources_html(turns), gr_skip(), free
        except Exception:  # the page must not stay waiting; the error is logged
            log.exception("question not answered: %r", question)
            chat[-1] = {"role": "assistant", "content": "⚠ paracite failed on this "
                        "question (the error is in the server's log). Ask again or rephrase."}
            yield chat, turns, self.sources_html(turns), gr_skip(), free

    def show_turn(self, turns: Any, index: Any) -> str:
        """The sources panel opened at the answer a chat message belongs to."""
        turns = self.turns(turns)
        i = index[0] if isinstance(index, (list, tuple)) else index
        if not isinstance(i, int):
            return self.sources_html(turns)
        return self.sources_html(turns, open_turn=i // 2 + 1)

    def feedback(self, turns: Any, index: Any, liked: Any) -> str:
        """👍/👎 on an answer: appended to PARACITE_HOME/feedback.jsonl, only for an answer
        this server gave (its turn's signature verifies). Returns what to tell the user."""
        i = index[0] if isinstance(index, (list, tuple)) else index
        if (not isinstance(turns, list) or not isinstance(i, int) or isinstance(i, bool)
                or not 0 <= i // 2 < len(turns) or liked in ("", None)):
            return ""
        s = self.base.settings
        t = checked_turn(turns[i // 2], self.key, s.max_question_chars)
        if t is None:
            log.warning("feedback refused: the rated turn was not signed by this server")
            return ("Not saved: this answer is not one this server gave (the conversation "
                    "was changed in the browser). Start a new conversation.")
        verdict = "up" if liked is True or str(liked).lower() in ("like", "true") else "down"
        try:
            self.base.record_feedback(t["question"], Answer.model_validate(t["answer"]),
                                      verdict)
        except ParaciteError as exc:
            said = _ABS_PATH.sub(r"\1", str(exc))
            return f"Not saved: {said}"
        return "Thank you: your feedback is saved."

    def reset(self) -> tuple[Any, ...]:
        """A new conversation: no history, no sources, no document filter."""
        return [], [], format_sources(None), [], ""

    def choices(self, docs: Sequence[tuple[DocumentInfo, int]] | None = None
                ) -> list[tuple[str, str]]:
        """(label, id) of every document, for the filter and the delete list: people read
        the label, the events get the id."""
        docs = self.base.documents() if docs is None else docs
        labels = document_labels(d for d, _ in docs)
        return [(labels[d.id], d.id) for d, _ in docs]

    def chip(self, selected: Sequence[str] | None) -> str:
        """The filter chip's text, the documents named by their labels."""
        try:
            labels = document_labels(d for d, _ in self.base.documents())
        except ParaciteError:
            labels = {}
        return filter_chip(selected, labels)

    def status(self, docs: list[tuple[DocumentInfo, int]] | None = None) -> str:
        try:
            docs = self.base.documents() if docs is None else docs
        except ParaciteError as exc:
            return f"⚠ {md_text(str(exc))}"
        n = sum(c for _, c in docs)
        text = (f"Ready · {len(docs)} documents, {n} passages" if docs
                else "Ready · no documents yet: add PDF, Markdown or text files below")
        return text + (" · ingesting uploads …" if self.ingesting else "")

    def suggestions(self) -> list[str]:
        try:
            return list(self.base.suggestions(SUGGESTIONS))[:SUGGESTIONS]
        except ParaciteError as exc:
            log.info("no suggested questions: %s", exc)
            return []

    def delete(self, doc_id: str | None) -> str:
        """Delete a document: its passages, its cached page images, and its file when it
        was uploaded here."""
        from paracite.pages import forget

        if not doc_id:
            return "Choose a document to delete."
        try:
            docs = self.base.documents()
            report = self.base.delete_document(doc_id)
        except ParaciteError as exc:
            said = _ABS_PATH.sub(r"\1", str(exc))
            return f"✘ {md_text(said)}"
        doc = next((d for d, _ in docs if d.id == doc_id), None)
        if doc is not None and doc.bytes_hash and not any(
                d.bytes_hash == doc.bytes_hash for d, _ in docs if d.id != doc_id):
            forget(self.base.settings.home / PAGE_CACHE, doc.bytes_hash)
        label = document_labels(d for d, _ in docs).get(doc_id, doc_id)
        gone = " and its uploaded file" if report.file_removed else ""
        return f"✔ {md_text(label)} deleted: {report.passages} passages{gone}."

    def delete_question(self, doc_id: str | None) -> str:
        docs = self.base.documents()
        counts = {d.id: n for d, n in docs}
        if not doc_id or doc_id not in counts:
            return "Choose a document to delete."
        doc = next(d for d, _ in docs if d.id == doc_id)
        label = document_labels(d for d, _ in docs)[doc_id]
        title = f" ({md_text(doc.title)})" if doc.symbol else ""
        return (f"Delete **{md_text(label)}**{title} and its {counts[doc_id]:,} passages from "
                "the store? Answers will no longer cite it; an uploaded file is deleted too. "
                "Earlier answers keep its text.")

    # -- uploads ------------------------------------------------------------------------
    def unstored(self) -> list[Path]:
        """Files in PARACITE_HOME/uploads not in the store (``Assistant.unstored_uploads``),
        less those an upload or re-ingest is working on now."""
        try:
            found = self.base.unstored_uploads()
        except ParaciteError as exc:
            log.info("uploads not checked against the store: %s", exc)
            return []
        return [f for f in found if f not in self.claims]

    def unstored_note(self, files: Sequence[Path]) -> str:
        """'2 uploaded files are not in the store: a.pdf, b.md' (empty for none)."""
        if not files:
            return ""
        many = len(files) != 1
        return (f"{len(files)} uploaded file{'s are' if many else ' is'} not in the store: "
                + ", ".join(md_text(f.name) for f in files))

    def upload(self, files: list[Any] | None, progress: Any = None) -> tuple[str, Any, Any]:
        """Copy the chosen files into PARACITE_HOME/uploads and ingest them. Only files
        gradio's upload route received are taken (``gradio_upload``); any other path is
        refused with a line saying so. gradio's temporary copies are deleted; a copy this
        call made whose ingest failed, or whose bytes are already stored as another
        document, is deleted too (nothing then uses it).
        Progress: per file copied, then per batch of passages embedded."""
        import gradio as gr

        if not files:
            return "No file chosen.", gr.update(), gr.update()
        folder = self.base.settings.home / UPLOADS
        folder.mkdir(parents=True, exist_ok=True)
        lines: list[str] = []
        targets: dict[str, Path] = {}  # file name in the upload folder → its path
        created: set[Path] = set()
        try:
            for k, f in enumerate(files):
                src = Path(getattr(f, "name", f))
                given = getattr(f, "orig_name", None) or src.name
                name = safe_name(given)
                if progress is not None:
                    progress((k, len(files)), desc=f"Receiving {name}", unit="files")
                try:
                    lines += self._take(src, given, name, folder, targets, created)
                finally:
                    _discard_gradio_copy(src)
            lines += self._ingest(targets, created, progress)
        finally:
            for path in targets.values():
                self.claims.discard(path)
        stored = self.base.documents()
        return ("\n\n".join(lines), gr.update(value=documents_table(stored)),
                gr.update(choices=self.choices(stored)))

    def reingest(self, progress: Any = None) -> str:
        """Ingest again the upload files the store does not hold (``unstored``), as an
        upload is ingested: progress and one line per file. Nothing is deleted, a file
        that fails again included (it is the user's only copy, maybe)."""
        targets: dict[str, Path] = {}
        try:
            for f in self.unstored():
                if self.claims.take(f):  # not taken meanwhile by another session
                    targets[f.name] = f
            if not targets:
                return "No uploaded file is missing from the store."
            return "\n\n".join(self._ingest(targets, set(), progress))
        finally:
            for path in targets.values():
                self.claims.discard(path)

    def _ingest(self, targets: dict[str, Path], created: set[Path],
                progress: Any) -> list[str]:
        """Ingest the claimed ``targets``: one report line per file (or one error line);
        files in ``created`` (made by this upload) are deleted when nothing uses them."""
        def on_progress(event: IngestProgress) -> None:
            if progress is not None:
                fraction, desc, unit = progress_step(event)
                progress(fraction, desc=desc, unit=unit)

        lines: list[str] = []
        unused: set[Path] = set()
        files_done = []
        with self._lock:
            self._ingesting += 1
        try:
            if targets:
                files_done = self.base.ingest(list(targets.values()),
                                              progress=on_progress).files
        except ParaciteError as exc:  # e.g. another ingest holds the store
            said = _ABS_PATH.sub(r"\1", str(exc))
            lines.append(f"✘ {md_text(said)}")
            unused = set(created)
        except BaseException:
            with contextlib.suppress(Exception):
                self._delete_unused(created)
            raise
        finally:
            with self._lock:
                self._ingesting -= 1
        try:
            labels = document_labels(d for d, _ in self.base.documents()) if files_done else {}
        except ParaciteError:
            labels = {}
        for r in files_done:
            reason = md_text(_ABS_PATH.sub(r"\1", r.reason))
            if r.status == "failed":
                lines.append(f"✘ {reason}")
            elif r.status == "duplicate":
                lines.append(f"ℹ {reason}")
            else:
                label = labels.get(r.document, r.document)
                lines.append(f"✔ {md_text(r.source)} → {md_text(label)}: {r.status}, "
                             f"{r.passages} passages")
                if reason:  # e.g. stored under another id because its id was taken
                    lines.append(f"ℹ {reason}")
            if r.status in ("failed", "duplicate") and targets.get(r.source) in created:
                unused.add(targets[r.source])
        self._delete_unused(unused)
        return lines

    def _delete_unused(self, paths: Iterable[Path]) -> None:
        """Delete upload copies that no stored document comes from."""
        paths = list(paths)
        if not paths:
            return
        sources = {str(Path(d.source).resolve()) for d, _ in self.base.documents()}
        for path in paths:
            if str(path.resolve()) not in sources:
                path.unlink(missing_ok=True)

    def _take(self, src: Path, given: str, name: str, folder: Path,
              targets: dict[str, Path], created: set[Path]) -> list[str]:
        """Check one chosen file and copy it into the upload folder (claimed): its lines
        of report (empty when it was taken)."""
        settings = self.base.settings
        refused = gradio_upload(src, self.received)
        if refused:
            log.warning("upload of %s refused: %s", src, refused)
            return [f"✘ {md_text(name)}: refused, {refused}"]
        if (Path(given).suffix.lower() not in UPLOAD_TYPES
                or Path(name).suffix.lower() not in UPLOAD_TYPES):
            return [f"✘ {md_text(name)}: not a PDF, Markdown or text file"]
        try:
            size_mb = src.stat().st_size / 1_048_576
        except OSError:
            return [f"✘ {md_text(name)}: the upload is no longer there; choose the file again"]
        if size_mb > settings.max_upload_mb:
            shown = f"{size_mb:.1f} MB" if size_mb >= 0.1 else f"{size_mb * 1024:.0f} KB"
            return [f"✘ {md_text(name)}: {shown} is over the {settings.max_upload_mb:g} MB "
                    "limit"]
        try:
            dest, new = store_upload(src, folder, name, self.claims)
        except OSError as exc:
            log.warning("upload %s not stored: %s", name, exc)
            return [f"✘ {md_text(name)}: could not be stored "
                    f"({md_text(exc.strerror or 'error')})"]
        if new:
            created.add(dest)
        if dest.name in targets:  # the same bytes chosen twice: ingested (and claimed) once
            self.claims.discard(dest)
            return []
        targets[dest.name] = dest
        return []


def gr_skip() -> Any:
    """'Leave this output as it is' (gradio's skip), importing gradio late."""
    import gradio as gr

    return gr.skip()


# gr.BrowserState sends its ``secret`` to the browser (it is in the page's config) and the
# browser encrypts with it; without one, gradio draws a new key per process, and a reload
# after a restart would lose the conversation. So the key is this constant: the browser's
# storage is not confidential from the user's own browser profile and is not meant to be.
# What matters is integrity, and that comes from the server's signature on every turn
# (``sign_turn``), whose key never leaves the server.
BROWSER_STORAGE_KEY = "paracite-conversation-not-a-secret"


def build(assistant: Assistant | None = None, answerers: Mapping[str, Any] | None = None
          ) -> Any:
    """The gradio Blocks app over ``assistant`` (default: one from settings).
    ``answerers``: more chat models to offer by name (e.g. a test's fake)."""
    import gradio as gr

    ui = UI(assistant or Assistant(), answerers)
    base = ui.base
    with gr.Blocks(title="paracite", fill_width=True) as demo:
        ui.received = demo.upload_file_set  # what gradio's /upload route wrote
        gr.Markdown("## paracite — answers from UN meeting records, cited to the paragraph")
        status = gr.Markdown("Loading …", elem_id="status")
        convo = gr.BrowserState([], storage_key="paracite-conversation",
                                secret=BROWSER_STORAGE_KEY)
        with gr.Row():
            with gr.Column(scale=5):
                chat = gr.Chatbot(label="Conversation", height=460, elem_id="chat",
                                  buttons=["copy"], sanitize_html=True,
                                  latex_delimiters=[],  # '$$' in a record is text
                                  feedback_options=("Like", "Dislike"))
                with gr.Row(equal_height=True):
                    question = gr.Textbox(label="Question", placeholder="Loading …",
                                          elem_id="question", lines=1, scale=5,
                                          interactive=False)
                    chip = gr.Button("", visible=False, elem_id="filter-chip", size="sm",
                                     scale=0)
                with gr.Row():
                    ask_btn = gr.Button("Ask", variant="primary", elem_id="ask")
                    new_btn = gr.Button("New conversation", elem_id="new")
                gr.Markdown("Suggested questions, each answered by the documents:",
                            elem_id="suggest-label")
                with gr.Row(elem_id="suggestions"):
                    suggest = [gr.Button(visible=False, size="sm", elem_id=f"suggest-{i}",
                                         elem_classes=["suggestion"])
                               for i in range(SUGGESTIONS)]
                with gr.Accordion("Answerer and documents", open=False):
                    llm = gr.Dropdown(ui.answerer_choices(), value="extractive",
                                      label="Answerer", elem_id="llm",
                                      info="Every answer is checked against the records "
                                      "before it is shown.")
                    docs = gr.CheckboxGroup([], label="Ask only these documents "
                                            "(none ticked: all)", elem_id="docs")
            with gr.Column(scale=8, elem_id="sources-col"):
                gr.Markdown("### Sources")
                sources = gr.Markdown(format_sources(None), elem_id="sources",
                                      sanitize_html=True, latex_delimiters=[])
        with gr.Accordion("Documents", open=True):
            table = gr.Markdown(documents_table([]), elem_id="doc-table", sanitize_html=True,
                                latex_delimiters=[])
            files = gr.File(label="Add PDF, Markdown or text files", file_count="multiple",
                            file_types=UPLOAD_TYPES, elem_id="upload")
            upload_btn = gr.Button("Ingest uploaded files", elem_id="ingest")
            with gr.Row(visible=False, equal_height=True, elem_id="unstored-row") as unstored_row:
                unstored_note = gr.Markdown(elem_id="unstored")
                reingest_btn = gr.Button("Ingest them again", elem_id="reingest", scale=0)
            upload_result = gr.Markdown(elem_id="upload-result")
            with gr.Row(equal_height=True):
                delete_pick = gr.Dropdown([], label="Delete a document", elem_id="delete-doc",
                                          scale=3)
                delete_btn = gr.Button("Delete…", elem_id="delete", variant="stop", scale=1)
            with gr.Row(visible=False, elem_id="delete-confirm-row") as confirm_row:
                confirm_text = gr.Markdown(elem_id="delete-question")
                confirm_btn = gr.Button("Yes, delete", variant="stop", elem_id="delete-confirm")
                cancel_btn = gr.Button("Cancel", elem_id="delete-cancel")
            delete_result = gr.Markdown(elem_id="delete-result")

        # -- documents: the table, the filter, the delete list and the suggestions are
        # built on every page load and after every upload or delete, never once at start.
        listing = [table, docs, delete_pick, *suggest, status, unstored_row, unstored_note]

        def refresh(selected: list[str] | None) -> tuple[Any, ...]:
            stored = base.documents()
            ids = [d.id for d, _ in stored]
            choices = ui.choices(stored)
            shown = ui.suggestions()
            buttons = [gr.update(value=shown[i], visible=True) if i < len(shown)
                       else gr.update(visible=False) for i in range(SUGGESTIONS)]
            missing = ui.unstored_note(ui.unstored())
            return (gr.update(value=documents_table(stored)),
                    gr.update(choices=choices, value=[d for d in selected or [] if d in ids]),
                    gr.update(choices=choices, value=None), *buttons, ui.status(stored),
                    gr.update(visible=bool(missing)), missing)

        def restore(turns: Any) -> tuple[Any, ...]:
            """The conversation this browser kept; the question box opens only then, so
            a question asked at once is not overwritten by the restored conversation."""
            turns = ui.turns(turns)
            return (chat_messages(turns), turns, ui.sources_html(turns),
                    gr.update(interactive=True, placeholder="Ask about the records"))

        demo.load(restore, [convo], [chat, convo, sources, question], api_name=False).then(
            refresh, [docs], listing, api_name=False)

        # -- asking: Ask and Enter are one event, one question at a time per page. While an
        # answer is written, Ask is disabled and the page script queues what is asked
        # meanwhile (Enter, a suggestion), showing it; "always_last" holds a question
        # sent before the page saw the answer end, instead of dropping it. A suggestion
        # is asked through the box (paracite.js), so it queues the same way.
        gr.on([ask_btn.click, question.submit], ui.ask, [question, convo, llm, docs],
              [chat, convo, sources, question, ask_btn], api_name="ask",
              trigger_mode="always_last", show_progress_on=[chat])

        def select(turns: Any, evt: gr.SelectData) -> str:
            return ui.show_turn(turns, evt.index)

        select.__annotations__["evt"] = gr.SelectData  # gradio reads the class itself
        chat.select(select, [convo], [sources], api_name=False)

        def like(turns: Any, evt: gr.LikeData) -> None:
            said = ui.feedback(turns, evt.index, evt.liked)
            if said:
                gr.Info(said)

        like.__annotations__["evt"] = gr.LikeData
        chat.like(like, [convo], None, api_name=False)

        # -- one reset: history, sources and filter; the chat's own clear icon does the same
        reset_outs = [chat, convo, sources, docs, question]
        new_btn.click(ui.reset, None, reset_outs, api_name=False)
        chat.clear(ui.reset, None, reset_outs, api_name=False)

        # -- the filter chip: shown while a filter is on; clicking it removes the filter
        docs.change(lambda d: gr.update(value=ui.chip(d), visible=bool(d)), docs, chip,
                    api_name=False)
        chip.click(lambda: [], None, docs, api_name=False)

        # -- upload and delete
        def do_upload(f: Any, selected: list[str] | None,
                      progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            message, _, _ = ui.upload(f, progress)
            # the chosen files are cleared: their temporary copies are gone after this
            return (message, gr.update(value=None), *refresh(selected))

        upload_btn.click(do_upload, [files, docs], [upload_result, files, *listing],
                         api_name="do_upload", show_progress_on=[upload_result])

        def do_reingest(selected: list[str] | None,
                        progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
            return (ui.reingest(progress), *refresh(selected))

        reingest_btn.click(do_reingest, [docs], [upload_result, *listing], api_name=False,
                           show_progress_on=[upload_result])

        delete_btn.click(lambda d: (gr.update(visible=bool(d)), ui.delete_question(d)),
                         delete_pick, [confirm_row, confirm_text], api_name=False)
        cancel_btn.click(lambda: gr.update(visible=False), None, confirm_row, api_name=False)

        def do_delete(d: str | None, selected: list[str] | None) -> tuple[Any, ...]:
            said = ui.delete(d)
            return (said, gr.update(visible=False), *refresh(selected))

        confirm_btn.click(do_delete, [delete_pick, docs],
                          [delete_result, confirm_row, *listing], api_name=False)
    demo.queue(default_concurrency_limit=base.settings.ui_concurrency,
               max_size=base.settings.ui_max_queue)
    demo.paracite_ui = ui
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
        if not _PASSAGE_ID.fullmatch(passage_id):
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


_PASSAGE_ID = re.compile(r"[\w.-]{1,120}:\d{5}")
_DOC_ID = re.compile(r"[\w.-]{1,120}")
HEAD = '<script src="/paracite/static/paracite.js" defer></script>'


def make_app(demo: Any, settings: Any, port: int | None = None) -> tuple[Any, Any]:
    """The ASGI app serving ``demo`` behind `Guard`, and gradio's app inside it."""
    import gradio as gr
    from fastapi import FastAPI
    from gradio.routes import App

    outer = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    add_routes(outer, getattr(demo, "paracite_ui", None))
    gr.mount_gradio_app(outer, demo, path="/", server_name=settings.ui_host,
                        server_port=port or settings.ui_port, show_error=False, css=CSS,
                        theme=gr.themes.Default(font=FONTS, font_mono=MONO_FONTS),
                        ssr_mode=False, allowed_paths=[],
                        run_history=False,  # no run log in the browser, no bucket upload
                        footer_links=["api"],  # no "Runs", no settings/recording panel
                        head=HEAD,
                        max_file_size=int(settings.max_upload_mb * 1_048_576))
    inner = next(r.app for r in outer.routes if isinstance(getattr(r, "app", None), App))
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
