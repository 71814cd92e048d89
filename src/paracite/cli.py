"""Command line: ``paracite ingest | ask | chat | show | docs`` (a thin shell over
``paracite.Assistant``)."""

from __future__ import annotations

import argparse
import logging
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paracite.assistant import Assistant
from paracite.documents import Answer, Passage
from paracite.errors import ParaciteError
from paracite.ingest import FileResult


def format_passage(p: Passage, width: int = 88) -> str:
    """A passage with its provenance, as a person checking a citation wants to read it."""
    head = [f"{p.document} ¶ {p.paragraph}  —  {p.title}"]
    meta = []
    if p.symbol:
        meta.append(p.symbol)
    if p.pages:
        meta.append(("pages " if len(p.pages) > 1 else "page ") + p.page_label)
    if p.date:
        meta.append(p.date)
    if meta:
        head.append("  ".join(meta))
    if p.section:
        head.append(f"Section: {p.section}")
    body = "\n".join(textwrap.fill(line, width) if line else "" for line in p.text.split("\n"))
    notes = [textwrap.fill(f"{f.marker} {f.text}", width, subsequent_indent="  ")
             for f in p.footnotes]
    out = "\n".join(head) + "\n\n" + body
    if notes:
        out += "\n\nFootnotes:\n" + "\n".join(notes)
    return out


def _cmd_ingest(a: Assistant, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None or bar.total != total:
            if bar is not None:
                bar.close()
            bar = tqdm(total=total, desc="embedding", unit="passage", leave=False,
                       disable=args.quiet)
        bar.n = done
        bar.refresh()

    def on_file(res: FileResult) -> None:
        if bar is not None:
            bar.close()
        if res.status == "failed":
            print(f"  failed     {res.reason}", file=sys.stderr)
        elif res.status == "duplicate":
            print(f"  duplicate  {res.reason}")
        elif not args.quiet:
            extra = f", {res.embedded} embedded" if res.embedded else ""
            print(f"  {res.status:<10} {res.source} → {res.document} "
                  f"({res.passages} passages{extra})")

    report = a.ingest(args.paths or None, progress=progress, on_file=on_file)
    print(report.summary())
    if report.failed:
        print(f"{len(report.failed)} file(s) could not be ingested; see above.", file=sys.stderr)
        return 1
    return 0


def format_answer(ans: Answer, width: int = 88) -> str:
    """The answer, then each citation with document, paragraph, page and full text."""
    out = [textwrap.fill(ans.text, width)]
    if ans.citations:
        out.append("")
        for c in ans.citations:
            page = f", page {c.page_shown}" if c.page_shown else ""
            out.append(f"[{c.marker}] {c.label}{page} — {c.title}")
            body = "\n".join(textwrap.fill(line, width, initial_indent="    ",
                                           subsequent_indent="    ")
                             for line in c.text.split("\n"))
            out.append(body)
            for f in c.footnotes:
                out.append(textwrap.fill(f"{f.marker} {f.text}", width, initial_indent="    ",
                                         subsequent_indent="      "))
    if ans.see_also:
        out.append("")
        out.append("See also: " + "; ".join(c.label for c in ans.see_also))
    return "\n".join(out)


def _assistant_for(args: argparse.Namespace) -> Assistant:
    return Assistant(llm=args.llm) if getattr(args, "llm", None) else Assistant()


def _cmd_ask(a: Assistant, args: argparse.Namespace) -> int:
    question = " ".join(args.question)
    ans = a.ask(question, documents=args.doc or None)
    if args.json:
        print(ans.model_dump_json(indent=2))
    else:
        print(format_answer(ans))
    return 0


def _cmd_chat(a: Assistant, args: argparse.Namespace) -> int:
    if a.store.count() == 0:
        print("The store is empty: run `paracite ingest` first.", file=sys.stderr)
        return 1
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
            print(f"paracite: {exc}", file=sys.stderr)
            continue
        print(format_answer(ans))
        history.append((question, ans.text))


def _cmd_eval(a: Assistant, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from paracite import eval as evaluation

    status = 0
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
        print(f"{path.name}: correct {s['correct']}, facts {s['fact_accuracy']}, citation "
              f"recall {s['citation_recall']}, refusals {s['refusal_accuracy']}, fabricated "
              f"{s['fabricated_citations']}, p50 {s['latency_p50_ms']} ms → {out}/report.md")
    return status


def load_ui() -> Any:
    """The web UI module: paracite/ui/app.py when installed, ui/app.py in a checkout."""
    import importlib
    import importlib.util

    try:
        return importlib.import_module("paracite.ui.app")
    except ModuleNotFoundError:
        path = Path(__file__).resolve().parents[2] / "ui" / "app.py"
        spec = importlib.util.spec_from_file_location("paracite_ui_app", path)
        if spec is None or spec.loader is None:
            raise ParaciteError(f"web UI not found at {path}") from None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def _cmd_ui(a: Assistant, args: argparse.Namespace) -> int:
    app = load_ui()
    if a.store.count() == 0:
        print("The store is empty: run `paracite ingest` (or upload files in the UI).")
    print(f"paracite web UI on http://{a.settings.ui_host}:{args.port or a.settings.ui_port}")
    app.launch(a, port=args.port)
    return 0


def _cmd_show(a: Assistant, args: argparse.Namespace) -> int:
    paragraph = " ".join(args.paragraph)
    print(format_passage(a.passage(args.document, paragraph)))
    return 0


def _cmd_docs(a: Assistant, args: argparse.Namespace) -> int:
    docs = a.documents()
    if not docs:
        print("The store is empty: run `paracite ingest`.")
        return 0
    for info, n in docs:
        body = f" ({info.body})" if info.body else ""
        print(f"{info.id:<16} {n:>5} passages  {info.date or '':<10}  {info.symbol or '':<28} "
              f"{info.title[:70]}{body}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paracite", description="Answers from UN meeting records, cited to the paragraph.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="bring records into the store (default: ingest/)")
    p.add_argument("paths", nargs="*", help="files or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="only print the summary")
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
        p.add_argument("--llm", help="extractive (default), local, or openai:<model>")
        p.add_argument("--doc", action="append", help="only this document id (repeatable)")
        p.set_defaults(func=_cmd_ask if name == "ask" else _cmd_chat)

    p = sub.add_parser("eval", help="answer-quality eval on a question set (fresh temp store)")
    p.add_argument("--dataset", action="append",
                   help="JSONL question set (default: evals/records.jsonl)")
    p.add_argument("--llm", help="extractive (default), local, or openai:<model>")
    p.add_argument("--out", default="evals/results", help="folder for report.md etc.")
    p.add_argument("--no-baselines", action="store_true", help="skip retrieval baselines")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=_cmd_eval)

    p = sub.add_parser("ui", help="start the web UI (http://127.0.0.1:7860)")
    p.add_argument("--port", type=int, help="port (default PARACITE_UI_PORT or 7860)")
    p.set_defaults(func=_cmd_ui)

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
        return int(args.func(_assistant_for(args), args))
    except ParaciteError as exc:
        print(f"paracite: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
