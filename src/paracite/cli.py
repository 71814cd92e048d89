"""Command line: ``paracite ingest | ask | chat | show | docs`` (a thin shell over
``paracite.Assistant``)."""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import re
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paracite.assistant import Assistant
from paracite.chain import check_documents
from paracite.documents import Answer, DocumentInfo, Passage
from paracite.errors import ExtraMissingError, ParaciteError
from paracite.ingest import FileResult, IngestProgress
from paracite.settings import Settings

# Characters a terminal acts on instead of showing: C0 controls but line feed and tab (ESC
# starts colour, cursor, title and OSC 52 clipboard sequences), DEL, C1 controls (0x9b is a
# one-byte CSI) and the bidi embeddings, overrides and isolates that reorder a line.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match[str]) -> str:
    n = ord(m.group())
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def printable(text: str) -> str:
    r"""Record text made safe for a terminal: every control character shown as a visible
    escape instead of being acted on (line feeds and tabs are kept). Used for all record
    text the CLI prints; the stored text is unchanged.

    >>> print(printable("Planken\x1b]52;c;cm0gLXJmIH4=\x07 (\u202eNetherlands)\x9b2J"))
    Planken\x1b]52;c;cm0gLXJmIH4=\x07 (\u202eNetherlands)\x9b2J
    """
    return _UNSAFE.sub(_escape, text)


def _json_safe(text: str) -> str:
    r"""JSON text with the characters ``printable`` escapes written as \uXXXX escapes
    (still valid JSON: they can only occur inside strings)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def format_passage(p: Passage, width: int = 88) -> str:
    """A passage with its provenance, as a person checking a citation wants to read it."""
    pr = printable
    head = [f"{pr(p.document)} ¶ {pr(p.paragraph)}  —  {pr(p.title)}"]
    meta = []
    if p.symbol:
        meta.append(pr(p.symbol))
    if p.pages:
        meta.append(("pages " if len(p.pages) > 1 else "page ") + pr(p.page_label))
    if p.date:
        meta.append(pr(p.date))
    if meta:
        head.append("  ".join(meta))
    if p.section:
        head.append(f"Section: {pr(p.section)}")
    body = "\n".join(textwrap.fill(pr(line), width) if line else ""
                     for line in p.text.split("\n"))
    notes = [textwrap.fill(pr(f"{f.marker} {f.text}"), width, subsequent_indent="  ")
             for f in p.footnotes]
    out = "\n".join(head) + "\n\n" + body
    if notes:
        out += "\n\nFootnotes:\n" + "\n".join(notes)
    return out


def progress_label(event: IngestProgress) -> tuple[str, str]:
    """What an ingest progress bar says it is doing, and the unit it counts.

    >>> progress_label(IngestProgress("reading", "report.pdf", 3, 12, 0, 2))
    ('reading report.pdf', 'page')
    >>> progress_label(IngestProgress("embedding", "", 120, 444, 0, 2))
    ('embedding', 'passage')
    """
    name = printable(event.file)
    return {"reading": (f"reading {name}", "page"),
            "structuring": (f"structuring {name}", "file"),
            "embedding": ("embedding", "passage"),
            "storing": (f"storing {name}", "file"),
            "reembedding": ("re-embedding stored passages", "passage")}[event.phase]


class IngestBar:
    """One progress bar on stderr that follows an ingest: "reading report.pdf: 3/12 page",
    "embedding: 120/444 passage", with the files done so far after the rate. A new bar
    for each phase of each file; ``close`` clears it (before a file's line is printed)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar: Any = None
        self.key: tuple[str, str] | None = None

    def __call__(self, event: IngestProgress) -> None:
        from tqdm import tqdm

        if self.bar is None or self.key != (event.phase, event.file):
            self.close()
            desc, unit = progress_label(event)
            self.bar = tqdm(total=event.total, desc=desc, unit=unit, leave=False,
                            disable=self.quiet)
            self.key = (event.phase, event.file)
        self.bar.total = event.total  # the passages to embed grow as files are read
        self.bar.n = event.done
        if event.files_total:
            self.bar.set_postfix_str(f"{event.files_done}/{event.files_total} files",
                                     refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar = self.key = None


def _cmd_ingest(a: Assistant, args: argparse.Namespace) -> int:
    bar = IngestBar(args.quiet)

    def on_file(res: FileResult) -> None:
        bar.close()
        if res.status == "failed":
            print(f"  failed     {printable(res.reason)}", file=sys.stderr)
        elif res.status == "duplicate":
            print(f"  duplicate  {printable(res.reason)}")
        elif not args.quiet:
            extra = f", {res.embedded} embedded" if res.embedded else ""
            print(f"  {res.status:<10} {printable(res.source)} → {printable(res.document)} "
                  f"({res.passages} passages{extra})")
            if res.reason and res.status in ("added", "updated"):
                print(f"{'':13}{printable(res.reason)}")  # e.g. the id it was given, and why

    try:
        report = a.ingest(args.paths or None, progress=bar, on_file=on_file,
                          replace=args.replace, prune=args.prune, reembed=args.reembed)
    finally:
        bar.close()
    for note in report.notes:
        print(f"note: {printable(note)}")
    print(report.summary())
    if report.failed:
        print(f"{len(report.failed)} file(s) could not be ingested; see above.", file=sys.stderr)
        return 1
    return 0


def format_answer(ans: Answer, width: int = 88) -> str:
    """The answer, then each citation with document, paragraph, page and full text."""
    pr = printable
    out = [textwrap.fill(pr(f"Understood as: {ans.understood_as}"), width), ""] \
        if ans.understood_as else []
    if ans.notice:
        out += [textwrap.fill(pr(f"Note: {ans.notice}"), width), ""]
    out.append(textwrap.fill(pr(ans.text), width))
    if ans.citations:
        out.append("")
        for c in ans.citations:
            out.append(f"[{c.marker}] {pr(c.reference)} — {pr(c.title)}")
            body = "\n".join(textwrap.fill(pr(line), width, initial_indent="    ",
                                           subsequent_indent="    ")
                             for line in c.text.split("\n"))
            out.append(body)
            for f in c.footnotes:
                out.append(textwrap.fill(pr(f"{f.marker} {f.text}"), width,
                                         initial_indent="    ", subsequent_indent="      "))
    if ans.see_also:
        out.append("")
        out.append("See also: " + "; ".join(pr(c.reference) for c in ans.see_also))
    return "\n".join(out)


def _assistant_for(args: argparse.Namespace) -> Assistant:
    return Assistant(llm=args.llm) if getattr(args, "llm", None) else Assistant()


def _cmd_ask(a: Assistant, args: argparse.Namespace) -> int:
    question = " ".join(args.question)
    ans = a.ask(question, documents=args.doc or None)
    if args.json:
        print(_json_safe(ans.model_dump_json(indent=2)))
    else:
        print(format_answer(ans))
    return 0


def _cmd_chat(a: Assistant, args: argparse.Namespace) -> int:
    if a.store.count() == 0:
        print("The store is empty: run `paracite ingest` first.", file=sys.stderr)
        return 1
    check_documents(args.doc, a.store.document_ids())  # a mistyped --doc fails now, once
    print("Ask about the records (':clear' forgets the conversation, ':quit' or Ctrl-D ends).")
    history: list[tuple[str, str]] = []
    while True:
        try:
            question = input("\n? ").strip()
        except EOFError:
            print()
            return 0
        if question in (":q", ":quit", ":exit"):
            return 0
        if question == ":clear":
            history.clear()
            print("(conversation cleared)")
            continue
        if not question:
            continue
        try:
            ans = a.ask(question, history=history, documents=args.doc or None)
        except ParaciteError as exc:
            print(f"paracite: {printable(str(exc))}", file=sys.stderr)
            continue
        print(format_answer(ans))
        history.append((question, ans.text))


def _shown(res: dict[str, Any], name: str) -> str:
    """A metric with its 95 % interval: '0.87 [0.81–0.92]'."""
    iv = res["intervals"].get(name)
    return f"{res['summary'][name]}" + (f" [{iv[0]:.2f}–{iv[1]:.2f}]" if iv else "")


def _cmd_eval(a: Assistant, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from paracite import eval as evaluation

    status = 0
    if args.calibrate:
        res = evaluation.calibrate([Path(d) for d in args.dataset], Path(args.out))
        best = res["fitted"]
        print(f"no-answer threshold fitted on {res['questions']} questions "
              f"({', '.join(res['datasets'])}): {best['threshold']} — answered right "
              f"{best['answered_right']:.3f}, refused rightly {best['refusal_accuracy']:.3f}, "
              f"refused wrongly {best['false_refusal_rate']:.3f}, wrong answers shown "
              f"{best['wrong_shown']:.3f} of all → {args.out}/curve.png; set "
              f"PARACITE_ANSWER_THRESHOLD={best['threshold']} (or answer_threshold in "
              "settings.py) to use it")
        return 0
    for dataset in args.dataset:
        path = Path(dataset)
        out = Path(args.out) / path.stem if len(args.dataset) > 1 else Path(args.out)
        with tqdm(total=0, desc=path.name, unit="q", disable=args.quiet) as bar:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.n = done
                bar.refresh()

            try:
                res = evaluation.run(path, out, llm=args.llm or "extractive",
                                     progress=progress, baselines=not args.no_baselines)
            except FileNotFoundError as exc:
                print(f"paracite: {exc}; skipped", file=sys.stderr)
                status = 1
                continue
        s = res["summary"]
        print(f"{path.name}: correct {_shown(res, 'correct')}, answered right "
              f"{_shown(res, 'answered_right')}, refusals {_shown(res, 'refusal_accuracy')}, "
              f"false refusals {_shown(res, 'false_refusal_rate')}, fabricated "
              f"{s['fabricated_citations']}, p50 {s['latency_p50_ms']} ms → {out}/report.md")
    return status


def load_ui() -> Any:
    """The web UI's entry module, ``paracite.ui.app`` (imported on first use: gradio is
    not loaded by the other commands)."""
    import importlib

    return importlib.import_module("paracite.ui.app")


def _cmd_ui(a: Assistant, args: argparse.Namespace) -> int:
    app = load_ui()
    if a.store.count() == 0:
        print("The store is empty: run `paracite ingest` (or upload files in the UI).")
    print("loading the embedder and the index …", flush=True)
    app.launch(a, port=args.port,
               on_ready=lambda url: print(f"ready: paracite web UI on {url}", flush=True))
    return 0


def serve_llm_command(settings: Settings, host: str, port: int, threads: int,
                      alias: str | None = None) -> list[str]:
    """The llama.cpp server command that serves the packaged local model (joined and
    checked first) as an OpenAI-compatible endpoint at http://host:port/v1."""
    from paracite.answer import packaged

    name = settings.local_model
    if importlib.util.find_spec("llama_cpp.server") is None:
        raise ExtraMissingError(f"serving the local model needs {packaged.EXTRA}")
    return [sys.executable, "-m", "llama_cpp.server", "--model",
            str(packaged.model_path(name, settings.models_dir)), "--model_alias", alias or name,
            "--host", host, "--port", str(port), "--n_ctx", "4096", "--n_threads", str(threads)]


def serve_llm(args: argparse.Namespace) -> int:
    """`paracite serve-llm`: no store is opened; the server replaces this process."""
    cmd = serve_llm_command(Settings(), args.host, args.port, args.threads)
    alias = cmd[cmd.index("--model_alias") + 1]
    print(f"Serving {alias} at http://{args.host}:{args.port}/v1 (Ctrl-C stops it). Answer "
          f"with it from any paracite: PARACITE_LLM=openai:{alias} "
          f"PARACITE_OPENAI_BASE_URL=http://{args.host}:{args.port}/v1", flush=True)
    os.execv(cmd[0], cmd)  # the server takes this process's place: Ctrl-C or a signal stops it
    return 0  # not reached


def _cmd_show(a: Assistant, args: argparse.Namespace) -> int:
    paragraph = " ".join(args.paragraph)
    print(format_passage(a.passage(args.document, paragraph)))
    return 0


def format_document_line(info: DocumentInfo, passages: int) -> str:
    """One line of ``paracite docs``: id, passages, date, symbol, title (issuing body)."""
    pr = printable
    body = f" ({pr(info.body)})" if info.body else ""
    return (f"{pr(info.id):<16} {passages:>5} passages  {pr(info.date or ''):<10}  "
            f"{pr(info.symbol or ''):<28} {pr(info.title[:70])}{body}")


def _cmd_docs(a: Assistant, args: argparse.Namespace) -> int:
    docs = a.documents()
    if not docs:
        print("The store is empty: run `paracite ingest`.")
        return 0
    for info, n in docs:
        print(format_document_line(info, n))
    return 0


LLM_HELP = "extractive (default), local, mixed, openai:<model> or mixed:openai:<model>"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paracite", description="Answers from UN meeting records, cited to the paragraph.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="bring records into the store (default: ingest/)")
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="only print the summary")
    p.add_argument("--replace", action="store_true",
                   help="a file whose document id is already taken by another source "
                   "replaces that document instead of getting a new id")
    p.add_argument("--prune", action="store_true",
                   help="remove the documents of a folder even when the folder is now empty")
    p.add_argument("--reembed", action="store_true",
                   help="embed every stored passage again with the configured embedder "
                   "(needed after changing PARACITE_EMBEDDER_NAME or _PACKAGE); the store "
                   "switches to the new vectors only when all are made")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("show", help="print one passage with its provenance")
    p.add_argument("document", help="document id, e.g. report")
    p.add_argument("paragraph", nargs="+", help="paragraph label, e.g. 22 or 'item 1 (b), ¶3'")
    p.set_defaults(func=_cmd_show)

    for name, helptext in (("ask", "answer one question, citing paragraphs"),
                           ("chat", "ask questions in a conversation (follow-ups work)")):
        p = sub.add_parser(name, help=helptext)
        if name == "ask":
            p.add_argument("question", nargs="+", help="the question")
            p.add_argument("--json", action="store_true", help="print the Answer as JSON")
        p.add_argument("--llm", help=LLM_HELP)
        p.add_argument("--doc", action="append", help="only this document id (repeatable)")
        p.set_defaults(func=_cmd_ask if name == "ask" else _cmd_chat)

    p = sub.add_parser("eval", help="answer-quality eval on a question set (fresh temp store)")
    p.add_argument("--dataset", action="append",
                   help="JSONL question set (default: evals/records.jsonl)")
    p.add_argument("--llm", help=LLM_HELP)
    p.add_argument("--out", default="evals/results", help="folder for report.md etc.")
    p.add_argument("--no-baselines", action="store_true",
                   help="skip the LangChain-recipe retrieval baseline")
    p.add_argument("--calibrate", action="store_true",
                   help="fit the no-answer threshold on these (dev) sets: curve.json, curve.png")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("ui", help="start the web UI (http://127.0.0.1:7860)")
    p.add_argument("--port", type=int, help="port (default PARACITE_UI_PORT or 7860)")
    p.set_defaults(func=_cmd_ui)

    p = sub.add_parser("serve-llm", help="serve the packaged local model to the UI and other "
                       "users (OpenAI-compatible, llama.cpp's server)")
    p.add_argument("--host", default="127.0.0.1", help="address (default: loopback only)")
    p.add_argument("--port", type=int, default=8008, help="port (default 8008)")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (default 2)")
    p.set_defaults(func=None)

    p = sub.add_parser("docs", help="list the documents in the store")
    p.set_defaults(func=_cmd_docs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "eval" and not args.dataset:
        args.dataset = ["evals/records.jsonl"]
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "serve-llm":
            return serve_llm(args)
        with _assistant_for(args) as assistant:  # the store's files let go of at the end
            return int(args.func(assistant, args))
    except ParaciteError as exc:
        print(f"paracite: {printable(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
