"""Highlights on the page: how many passages are found on their first page, and how fast,
looking inside the passage's box first (``Passage.boxes``) against the whole page only.

For every PDF of ../shared/un-pdfs and ../shared/un-corpus, parsed as ingest parses it
(``passages_for``: no model), every passage with pages is located on its first page twice
in the same process: without its boxes (the whole-page search alone: how it was before
boxes were kept) and with them. Per folder: the share of passages highlighted each way,
the mean time of one ``locate`` call and the ratio with boxes / without; the passages one
way highlights and the other does not, and those both highlight in different places.

Writes benchmarks/pages.json and benchmarks/pages.md. Not part of ``make test`` or
``make bench`` (it needs ../shared): run ``python benchmarks/bench_pages.py``
(``--without-boxes``: the whole-page search only, which also runs on code from before
boxes were kept, to check that its figures are the same).
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FOLDERS = {"un-pdfs": SHARED / "un-pdfs", "un-corpus": SHARED / "un-corpus"}
OUT_JSON = ROOT / "benchmarks" / "pages.json"
OUT_MD = ROOT / "benchmarks" / "pages.md"


def timed(call: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    out = call()
    return out, time.perf_counter() - t


def measure(pdf: Path, with_boxes: bool) -> dict[str, Any]:
    """One PDF: per passage with pages, found and seconds without and with its boxes."""
    from paracite.ingest import passages_for
    from paracite.pages import locate

    _, passages = passages_for(pdf, {}, pdf.stem, "")
    rows = []
    for n, p in enumerate(q for q in passages if q.pages):
        page = p.pages[0]
        plain = lambda p=p, page=page: locate(pdf, page, p.text, p.pages, p.kind)  # noqa: E731
        boxed = lambda p=p, page=page: locate(pdf, page, p.text, p.pages, p.kind,  # noqa: E731
                                              boxes=p.boxes)
        row: dict[str, Any] = {"paragraph": p.paragraph, "page": page,
                               "box": bool(getattr(p, "boxes", ()))}  # none before boxes
        # alternate which goes first, so that neither always finds the file in the cache
        order = [("before", plain), ("after", boxed)] if with_boxes else [("before", plain)]
        for name, call in order if n % 2 == 0 else order[::-1]:
            rects, seconds = timed(call)
            row[name] = [list(r) for r in rects]
            row[f"{name}_s"] = seconds
        rows.append(row)
    return {"file": pdf.name, "passages": rows}


def summary(files: list[dict[str, Any]], with_boxes: bool) -> dict[str, Any]:
    rows = [r for f in files for r in f["passages"]]
    out: dict[str, Any] = {
        "files": len(files), "passages": len(rows),
        "with_box": sum(r["box"] for r in rows),
        "found_before": sum(bool(r["before"]) for r in rows),
        "mean_ms_before": round(1000 * statistics.fmean(r["before_s"] for r in rows), 2),
    }
    out["share_before"] = round(out["found_before"] / max(1, len(rows)), 4)
    if with_boxes:
        out["found_after"] = sum(bool(r["after"]) for r in rows)
        out["share_after"] = round(out["found_after"] / max(1, len(rows)), 4)
        out["mean_ms_after"] = round(1000 * statistics.fmean(r["after_s"] for r in rows), 2)
        out["time_ratio"] = round(out["mean_ms_after"] / out["mean_ms_before"], 3)
        changed = [(f["file"], r) for f in files for r in f["passages"]
                   if r["before"] != r["after"]]
        out["only_before"] = [f"{f} ¶{r['paragraph']} p{r['page']}" for f, r in changed
                              if r["before"] and not r["after"]]
        out["only_after"] = [f"{f} ¶{r['paragraph']} p{r['page']}" for f, r in changed
                             if r["after"] and not r["before"]]
        out["moved"] = [f"{f} ¶{r['paragraph']} p{r['page']}" for f, r in changed
                        if r["after"] and r["before"]]
    return out


def markdown(results: dict[str, dict[str, Any]]) -> str:
    lines = ["# Passages highlighted on their first page", "",
             "Written by benchmarks/bench_pages.py. Before: the whole-page search alone; "
             "after: inside the passage's box first (`Passage.boxes`), then the whole page. "
             "Same process, same passages; mean time of one `locate` call (opening the PDF "
             "included).", "",
             "| folder | files | passages | with a box | highlighted before | after | "
             "ms before | ms after | ratio |", "|---|---|---|---|---|---|---|---|---|"]
    for name, s in results.items():
        lines.append(f"| {name} | {s['files']} | {s['passages']} | {s['with_box']} | "
                     f"{s['found_before']} ({s['share_before']:.1%}) | "
                     f"{s['found_after']} ({s['share_after']:.1%}) | {s['mean_ms_before']} | "
                     f"{s['mean_ms_after']} | {s['time_ratio']} |")
    for name, s in results.items():
        for key, title in (("only_after", "highlighted only with the box"),
                           ("only_before", "highlighted only without the box"),
                           ("moved", "highlighted in another place with the box")):
            if s[key]:
                lines += ["", f"## {name}: {title} ({len(s[key])})", "",
                          *(f"- {x}" for x in s[key])]
    return "\n".join(lines) + "\n"


def main() -> None:
    with_boxes = "--without-boxes" not in sys.argv
    results: dict[str, dict[str, Any]] = {}
    for name, folder in FOLDERS.items():
        pdfs = sorted(folder.glob("*.pdf")) if folder.is_dir() else []
        if not pdfs:
            print(f"{folder} not present: skipped")
            continue
        files = [measure(pdf, with_boxes) for pdf in pdfs]
        results[name] = summary(files, with_boxes)
        print(name, json.dumps({k: v for k, v in results[name].items()
                                if not isinstance(v, list)}))
    if with_boxes and results:
        OUT_JSON.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        OUT_MD.write_text(markdown(results))


if __name__ == "__main__":
    main()
