"""What the web UI shows, as HTML and Markdown: answers, sources, documents, progress.

Pure functions of paracite's records (unit-tested without a browser or a store). Record
text is always HTML-escaped before it is shown, and in Markdown messages Markdown-escaped
too (``md_text``): no link or image is made from a record's or a user's text, only
paracite's own markers and page links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

from paracite import Answer, Citation, DocumentInfo, IngestProgress, Passage

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

    >>> from paracite import IngestProgress as P
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


def document_choices(docs: Sequence[tuple[DocumentInfo, int]]) -> list[tuple[str, str]]:
    """(label, id) of every document, for the filter and the delete list: people read
    the label, the events get the id."""
    labels = document_labels(d for d, _ in docs)
    return [(labels[d.id], d.id) for d, _ in docs]


def describe_answerer(name: str) -> str:
    """One line on what an answerer does, for the selector."""
    if name in ANSWERERS:
        return ANSWERERS[name]
    if name.startswith("openai:"):
        return ANSWERERS["openai"]
    return "a chat model given to this UI, checked sentence by sentence before it is shown"


# An absolute path in a message: shown as its file name (the server's folders are
# none of the browser's business).
_ABS_PATH = re.compile(r"(?<![\w.~/])/(?:[^/\s'\"`;,]+/)+([^/\s'\"`;,]+)")


def without_paths(message: str) -> str:
    """``message`` with every absolute path shown as its file name.

    >>> without_paths("cannot read /srv/paracite/home/uploads/report.md: locked")
    'cannot read report.md: locked'
    """
    return _ABS_PATH.sub(r"\1", message)
