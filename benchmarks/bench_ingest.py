"""Ingest speed as ratios against baselines measured in the same run.

1. Full ingest (parse → structure → embed → upsert into a fresh Chroma) vs the raw
   ``SentenceTransformer.encode`` of the same passages' text: the cost paracite adds.
2. Parse + structure alone (``passages_for`` over the same files, no embedding, no
   store) vs the same raw encode (parse_s, parse_vs_raw_encode): what layout-aware
   reading costs on its own.
3. Re-ingest of unchanged files vs the first ingest.

Measured for the bundled records, ../shared/un-pdfs and ../shared/un-corpus (each PDF
set skipped when its folder is absent). Every file the ingest walks is counted in all
three timings, SOURCES.md included. The runs share one loaded model and an opened
(empty) store, so loading the model and creating the store (reported as
store_create_s) are in none; the parser modules are imported before parse_s is timed.
Results go to benchmarks/results.json (merged by key) and benchmarks/results.md.

    .venv/bin/python benchmarks/bench_ingest.py [--pdfs ../shared/un-pdfs]
                                                [--corpus ../shared/un-corpus]
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"


def parse_all(inputs: list[Path]) -> tuple[list[str], int]:
    """Parse + structure every file ``ingest`` would walk, as it would (no embedding, no
    store): the searchable texts of all passages, and how many files failed to parse."""
    from paracite.errors import ParaciteError
    from paracite.ingest import discover, file_hash, load_manifest, passages_for, slug

    texts: list[str] = []
    failed = 0
    for path, folder in discover(inputs)[0]:
        entry = load_manifest(folder).get(path.name, {})
        try:
            _, ps = passages_for(path, entry, entry.get("id", slug(path.name)),
                                 file_hash(b"", entry))
        except ParaciteError:
            failed += 1  # ingest skips such a file too (and reports it as failed)
            continue
        texts += [p.searchable_text() for p in ps]
    return texts, failed


def measure(inputs: list[Path], label: str) -> dict[str, float]:
    import pypdf  # noqa: F401  (parse_pdf imports it lazily; keep that out of parse_s)

    import paracite
    import paracite.parsing.markdown
    import paracite.parsing.pdf

    home = Path(tempfile.mkdtemp(prefix="paracite-bench-"))
    try:
        a = paracite.Assistant(home=home)
        a.embedder.embed(["warm up"])  # load the model outside both timings
        t0 = time.perf_counter()
        a.store.count()  # and open the store (creating it once is reported on its own)
        store_open = time.perf_counter() - t0
        t0 = time.perf_counter()
        texts, parse_failed = parse_all(inputs)
        parse = time.perf_counter() - t0
        model = a.embedder._load()
        s = a.settings
        t0 = time.perf_counter()
        model.encode([t[: s.max_embed_chars] for t in texts], batch_size=s.embed_batch_size,
                     normalize_embeddings=True, show_progress_bar=False)
        raw = time.perf_counter() - t0
        t0 = time.perf_counter()
        first = a.ingest(inputs)
        full = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = a.ingest(inputs)
        reingest = time.perf_counter() - t0
        assert again.embedded == 0, "re-ingest of unchanged files embedded passages"
        if first.embedded != len(texts):
            print(f"{label}: warning: ingest embedded {first.embedded} passages, the raw "
                  f"encode {len(texts)}; the ratios are not over the same passages")
        return {f"{label}.passages": len(texts), f"{label}.files": len(first.files),
                f"{label}.raw_encode_s": round(raw, 3), f"{label}.ingest_s": round(full, 3),
                f"{label}.ingest_vs_raw_encode": round(full / raw, 3),
                f"{label}.parse_s": round(parse, 3),
                f"{label}.parse_vs_raw_encode": round(parse / raw, 3),
                f"{label}.reingest_s": round(reingest, 3),
                f"{label}.store_create_s": round(store_open, 3),
                f"{label}.reingest_vs_ingest": round(reingest / full, 4),
                f"{label}.failed": len(first.failed), f"{label}.parse_failed": parse_failed}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def write(results: dict[str, float]) -> None:
    old = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    old.update(results)
    RESULTS.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n")
    lines = ["| metric | value |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(old.items())]
    (ROOT / "benchmarks" / "results.md").write_text("\n".join(lines) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "un-pdfs")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "un-corpus")
    args = ap.parse_args()
    results = measure([ROOT / "ingest"], "ingest.records")
    for folder, label in ((args.pdfs, "ingest.un_pdfs"), (args.corpus, "ingest.un_corpus")):
        if folder.is_dir():
            results |= measure([folder], label)
        else:
            print(f"{label}: {folder} not found; skipped")
    write(results)
    for k, v in results.items():
        print(f"{k:40} {v}")


if __name__ == "__main__":
    main()
