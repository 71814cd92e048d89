"""Structure benchmark: how many numbered paragraphs of real UN PDFs come out whole.

For every PDF of ../shared/un-corpus (split into dev and test by benchmarks/corpus_split.json)
and ../shared/un-pdfs:

- **truth**: the longest run 1, 2, 3, … of lines starting "N. " in the order pypdf's plain
  ``extract_text`` gives them (a heuristic; reviewed exceptions in
  benchmarks/structure_exceptions.toml say where it is wrong and why);
- **recovered**: how many of 1..N come out as exactly one passage labelled N ("item N" in
  agendas, "operative ¶N" in resolutions) whose text starts with that paragraph's first words;
- **merged**: how many passages hold the start of another numbered paragraph of the truth;
- **symbol**: the file name gives it (``E_2025_24.en.pdf`` → ``E/2025/24``);
- time to parse and recover.

Writes benchmarks/structure.json and benchmarks/structure.md. Not part of ``make test``:
run ``make structure``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "un-corpus"
UN_PDFS = SHARED / "un-pdfs"
SPLIT = ROOT / "benchmarks" / "corpus_split.json"
EXCEPTIONS = ROOT / "benchmarks" / "structure_exceptions.toml"
OUT_JSON = ROOT / "benchmarks" / "structure.json"
OUT_MD = ROOT / "benchmarks" / "structure.md"

_START = re.compile(r"^\s*(\d{1,4})\.\s+(\S.*)$")
_LEADERS = re.compile(r"\.{5,}|…{3,}")
_WORDS = 12  # a paragraph's start: its number and up to this many words of its first line


def split_of(name: str) -> str:
    """The fixed rule: sha256 of the file name, even last byte → dev, odd → test."""
    return "dev" if hashlib.sha256(name.encode()).digest()[-1] % 2 == 0 else "test"


def symbol_from_name(name: str) -> str | None:
    """'E_2025_24.en.pdf' → 'E/2025/24'; None for names that are not symbols."""
    stem = re.sub(r"(?:\.en)?\.pdf$", "", name)
    if "_" not in stem or not re.match(r"^[A-Z]", stem) or stem.startswith("UNDoc"):
        return None
    return stem.replace("_", "/")


def symbol_ok(expected: str | None, got: str | None) -> bool | None:
    if expected is None:
        return None
    if got is None:
        return False
    parts = re.split(r"\s*[-–]\s*(?=[A-Z]{1,8}(?:\.\d+)?/)", got)
    return expected in (got, *parts)


def _squash(text: str) -> str:
    """Words only, lower case; "²" and "2" alike (the truth reads markers as plain digits)."""
    folded = unicodedata.normalize("NFKD", text.lower())  # "İ" → "i" + dot, then dropped
    return re.sub(r"[^\w]+|_", " ", "".join(c for c in folded
                                            if not unicodedata.combining(c))).strip()


def _longest_run(seen: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Longest run 1..N in order; of the runs of that length, each number taken as late as
    it can be (a contents page or a list before paragraph 1 is not the paragraphs)."""
    length = 0
    for n, _ in seen:
        if n == length + 1:
            length += 1
    run: list[tuple[int, str]] = []
    limit = len(seen)
    for want in range(length, 0, -1):
        i = max(i for i in range(limit) if seen[i][0] == want)
        run.append(seen[i])
        limit = i
    return run[::-1]


def truth_run(path: Path) -> list[tuple[int, str]]:
    """The longest run 1..N of lines starting "N. " in pypdf's extraction order.

    Lines of a table of contents (dot leaders) are not paragraphs and are skipped.
    pypdf keeps indentation as leading spaces: lines that start at the margin are taken
    first (a resolution quoted in a report is indented, its "1. Decides" is not the
    report's paragraph 1); when indented lines give a longer run (a resolution's own
    operative paragraphs), that run is the truth.
    """
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    flush: list[tuple[int, str]] = []
    anywhere: list[tuple[int, str]] = []
    for page in reader.pages:
        for line in (page.extract_text() or "").splitlines():
            line = line.replace("\u00a0", " ")
            if _LEADERS.search(line):  # a contents line ("1. Introduction ........ 3")
                continue
            if m := _START.match(line):
                item = (int(m.group(1)), _squash(" ".join(m.group(2).split()[:_WORDS])))
                anywhere.append(item)
                if not line[:1].isspace():
                    flush.append(item)
    at_margin, any_run = _longest_run(flush), _longest_run(anywhere)
    return at_margin if len(at_margin) >= len(any_run) else any_run


# "12", "item 12", "operative ¶12"; qualified by the section where a document restarts its
# numbering ("II, 12", "I.B, operative ¶3")
_LABEL = re.compile(r"^(?:(.+), )?(?:item |operative ¶)?(\d{1,4})$")


@dataclass
class DocResult:
    name: str
    group: str
    symbol_expected: str | None
    symbol_got: str | None
    symbol_right: bool | None
    truth: int
    recovered: int
    merged: int
    passages: int
    seconds: float
    missing: list[int] = field(default_factory=list)
    exception: str | None = None
    error: str | None = None

    @property
    def perfect(self) -> bool:
        return self.error is None and self.recovered == self.truth and self.merged == 0


def score(path: Path, group: str, exceptions: dict[str, str]) -> DocResult:
    from paracite.documents import DocumentInfo
    from paracite.parsing.pdf import parse_pdf
    from paracite.parsing.un_structure import recover

    expected = symbol_from_name(path.name)
    truth = truth_run(path)
    t0 = time.perf_counter()
    try:
        parsed = parse_pdf(path)
        info = DocumentInfo(id=path.stem, title=parsed.title or path.stem,
                            symbol=parsed.symbol, source=path.name)
        passages = recover(parsed.blocks, info)
    except Exception as exc:  # the benchmark reports a crash, it does not stop
        return DocResult(path.name, group, expected, None, symbol_ok(expected, None),
                         len(truth), 0, 0, 0, time.perf_counter() - t0,
                         [n for n, _ in truth], exceptions.get(path.name), repr(exc))
    seconds = time.perf_counter() - t0
    labelled: dict[int, list[tuple[bool, str]]] = {}
    for p in passages:
        if m := _LABEL.match(p.paragraph):
            labelled.setdefault(int(m.group(2)), []).append((m.group(1) is None,
                                                            _squash(p.text)))
    recovered, missing = 0, []
    for n, start in truth:
        key = _squash(f"{n} {start}")
        texts = labelled.get(n, [])
        hits = [bare for bare, text in texts if text.startswith(key)]
        # exactly one passage numbered N starts with paragraph N, and when it is labelled
        # with the bare number, no other passage is
        if len(hits) == 1 and not (hits[0] and sum(bare for bare, _ in texts) > 1):
            recovered += 1
        else:
            missing.append(n)
    merged = 0
    squashed = [(p.paragraph, _squash(p.text)) for p in passages]
    for n, start in truth:
        key = _squash(f"{n} {start}")
        if len(key.split()) < 4:  # too short to tell a paragraph start from any text
            continue
        merged += sum(1 for _, text in squashed
                      if f" {key}" in f" {text}" and not text.startswith(key))
    return DocResult(path.name, group, expected, parsed.symbol, symbol_ok(expected,
                     parsed.symbol), len(truth), recovered, merged, len(passages), seconds,
                     missing[:20], exceptions.get(path.name))


def load_split() -> dict[str, str]:
    if SPLIT.is_file():
        return json.loads(SPLIT.read_text())["files"]
    return {}


def write_split(names: list[str]) -> None:
    files = {n: split_of(n) for n in sorted(names)}
    SPLIT.write_text(json.dumps({
        "rule": "sha256 of the file name; last byte even -> dev, odd -> test",
        "files": files}, indent=1) + "\n")


def summarise(rows: list[DocResult], with_exceptions: bool) -> dict[str, float | int]:
    use = [r for r in rows if not (with_exceptions and r.exception)]
    numbered = [r for r in use if r.truth > 0]
    truth = sum(r.truth for r in numbered)
    rec = sum(r.recovered for r in numbered)
    sym = [r for r in use if r.symbol_right is not None]
    return {
        "documents": len(use), "with_numbered": len(numbered),
        "perfect": sum(r.perfect for r in numbered),
        "perfect_share": round(sum(r.perfect for r in numbered) / max(1, len(numbered)), 4),
        "paragraphs": truth, "recovered": rec, "recovered_share": round(rec / max(1, truth), 4),
        "merged": sum(r.merged for r in numbered),
        "symbol_right": sum(bool(r.symbol_right) for r in sym), "symbol_known": len(sym),
        "symbol_share": round(sum(bool(r.symbol_right) for r in sym) / max(1, len(sym)), 4),
        "seconds": round(sum(r.seconds for r in use), 2),
    }


def main(argv: list[str]) -> int:
    if not CORPUS.is_dir() and not UN_PDFS.is_dir():
        print(f"{CORPUS} and {UN_PDFS} not present: nothing to measure")
        return 0
    exceptions = {}
    if EXCEPTIONS.is_file():
        exceptions = {k: v["reason"] for k, v in
                      tomllib.loads(EXCEPTIONS.read_text()).get("documents", {}).items()}
    corpus = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []
    split = load_split()
    if corpus and set(split) != {p.name for p in corpus}:
        write_split([p.name for p in corpus])
        split = load_split()
    only = set(argv)
    jobs = [(p, split[p.name]) for p in corpus] + [
        (p, "un-pdfs") for p in sorted(UN_PDFS.glob("*.pdf"))]
    if only:
        jobs = [(p, g) for p, g in jobs if g in only or p.name in only]
    rows = []
    for path, group in jobs:
        r = score(path, group, exceptions)
        rows.append(r)
        flag = "" if r.perfect or r.truth == 0 else "  <-- missing " + ",".join(
            map(str, r.missing[:12])) + (f" merged {r.merged}" if r.merged else "")
        print(f"{group:8} {r.name:34} {r.recovered:4}/{r.truth:<4} sym={r.symbol_right} "
              f"{r.seconds:5.2f}s{flag}{'  ERROR ' + r.error if r.error else ''}",
              flush=True)
    groups = sorted({r.group for r in rows}, key=["dev", "test", "un-pdfs"].index)
    summary = {g: {"all": summarise([r for r in rows if r.group == g], False),
                   "without_exceptions": summarise([r for r in rows if r.group == g], True)}
               for g in groups}
    if not only:
        OUT_JSON.write_text(json.dumps({
            "summary": summary,
            "documents": [asdict(r) | {"perfect": r.perfect} for r in rows]},
            indent=1, ensure_ascii=False) + "\n")
        OUT_MD.write_text(_markdown(summary, rows, exceptions))
    for g in groups:
        for key in ("all", "without_exceptions"):
            s = summary[g][key]
            print(f"{g:8} {key:19} paragraphs {s['recovered']}/{s['paragraphs']} "
                  f"({s['recovered_share']:.1%}), perfect {s['perfect']}/{s['with_numbered']} "
                  f"({s['perfect_share']:.1%}), merged {s['merged']}, symbol "
                  f"{s['symbol_right']}/{s['symbol_known']} ({s['symbol_share']:.1%}), "
                  f"{s['seconds']} s")
    return 0


def _markdown(summary: dict, rows: list[DocResult], exceptions: dict[str, str]) -> str:
    out = ["# Structure benchmark", "",
           "Written by `make structure` (benchmarks/structure.py). Truth: the longest run "
           "1..N of lines starting \"N. \" in pypdf's extraction order. *Recovered*: N comes "
           "out as exactly one passage labelled N (\"item N\", \"operative ¶N\") starting "
           "with that paragraph's first words. *Merged*: passages holding the start of "
           "another numbered paragraph. Corpus split: benchmarks/corpus_split.json.", "",
           "| group | count | paragraphs recovered | documents perfect | merged | symbol right "
           "| parse time |", "|---|---|---|---|---|---|---|"]
    for g, both in summary.items():
        for key, s in both.items():
            out.append(f"| {g} | {key.replace('_', ' ')} | {s['recovered']}/{s['paragraphs']} "
                       f"({s['recovered_share']:.1%}) | {s['perfect']}/{s['with_numbered']} "
                       f"({s['perfect_share']:.1%}) | {s['merged']} | {s['symbol_right']}/"
                       f"{s['symbol_known']} ({s['symbol_share']:.1%}) | {s['seconds']} s |")
    out += ["", "## Imperfect documents", ""]
    bad = [r for r in rows if r.truth and not r.perfect]
    out += [f"- {r.group} `{r.name}`: {r.recovered}/{r.truth}, merged {r.merged}; missing "
            f"{', '.join(map(str, r.missing))}" + (f" (exception: {r.exception})"
                                                   if r.exception else "")
            + (f" error {r.error}" if r.error else "") for r in bad] or ["none"]
    wrong = [r for r in rows if r.symbol_right is False]
    out += ["", "## Symbols not recovered", ""]
    out += [f"- `{r.name}`: expected {r.symbol_expected}, got {r.symbol_got}"
            for r in wrong] or ["none"]
    out += ["", "## Exceptions (reviewed: the truth heuristic is wrong there)", ""]
    out += [f"- `{k}`: {v}" for k, v in exceptions.items()] or ["none"]
    out += ["", "## Every document", "", "| group | file | truth | recovered | merged | "
            "passages | symbol | seconds |", "|---|---|---|---|---|---|---|---|"]
    mark = {True: "✔", False: "✘", None: ""}
    out += [f"| {r.group} | {r.name} | {r.truth} | {r.recovered} | {r.merged} | {r.passages} "
            f"| {r.symbol_got} {mark[r.symbol_right]} | {r.seconds:.2f} |" for r in rows]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
