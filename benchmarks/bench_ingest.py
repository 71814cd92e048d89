"""Ingest speed as ratios against baselines measured in the same run.

1. Full ingest (parse → structure → embed → upsert into a fresh Chroma) vs the raw
   ``SentenceTransformer.encode`` of the same passages' text: the cost paracite adds.
2. Re-ingest of unchanged files vs the first ingest.

Both runs share one loaded model and an opened (empty) store, so loading the model and
creating the store (reported as store_create_s) are in neither. Results go to
benchmarks/results.json (merged by key) and benchmarks/results.md.

    .venv/bin/python benchmarks/bench_ingest.py [--pdfs ../shared/un-pdfs]
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


def measure(inputs: list[Path], label: str) -> dict[str, float]:
    import paracite
    from paracite.ingest import discover, file_hash, load_manifest, passages_for, slug

    home = Path(tempfile.mkdtemp(prefix="paracite-bench-"))
    try:
        a = paracite.Assistant(home=home)
        a.embedder.embed(["warm up"])  # load the model outside both timings
        t0 = time.perf_counter()
        a.store.count()  # and open the store (creating it once is reported on its own)
        store_open = time.perf_counter() - t0
        texts: list[str] = []
        for path, folder in discover(inputs)[0]:
            entry = load_manifest(folder).get(path.name, {})
            _, ps = passages_for(path, entry, entry.get("id", slug(path.name)),
                                 file_hash(b"", entry))
            texts += [p.searchable_text() for p in ps]
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
        return {f"{label}.passages": len(texts), f"{label}.files": len(first.files),
                f"{label}.raw_encode_s": round(raw, 3), f"{label}.ingest_s": round(full, 3),
                f"{label}.ingest_vs_raw_encode": round(full / raw, 3),
                f"{label}.reingest_s": round(reingest, 3),
                f"{label}.store_create_s": round(store_open, 3),
                f"{label}.reingest_vs_ingest": round(reingest / full, 4),
                f"{label}.failed": len(first.failed)}
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
    args = ap.parse_args()
    results = measure([ROOT / "ingest"], "ingest.records")
    if args.pdfs.is_dir():
        results |= measure([args.pdfs], "ingest.un_pdfs")
    write(results)
    for k, v in results.items():
        print(f"{k:40} {v}")


if __name__ == "__main__":
    main()
