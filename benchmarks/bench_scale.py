"""Scale: 10,000 and 100,000 paragraphs.

The corpus is made by recombining the records' own sentences (3–5 per paragraph) with
varied numbers, dates and country names, grouped 100 paragraphs to a document. Encoding
100,000 paragraphs for real would take about half an hour on these 2 cores, so each
synthetic paragraph's vector is **derived**: the normalised mean of the cached vectors of
the sentences it was made from (the sentences are encoded once, for real, and cached in
benchmarks/.cache/). Retrieval cost does not depend on where a vector came from.

Each size runs as two processes, as in a deployment: one builds the store (upsert
throughput, store size on disk, its peak RSS), one serves it (keyword-index load time,
once per process and never per question; ask latency p50/p95 of the extractive default
over the eval questions; recall@5 and correctness on evals/records.jsonl with the synthetic
paragraphs as distractors; its peak RSS). Baseline in the same run: the same serving
process over the records alone.

With ``--server`` the store is a Chroma server (``chroma run``, started by the bench on
127.0.0.1 and stopped by it) and both processes are its clients, as a deployment at this
scale would be: the keys gain ``.server`` and the server's own peak RSS is reported beside
theirs. ``--keep DIR`` works in DIR and leaves it there: a build that was stopped goes on
from the documents the catalog already lists, and each phase's figures are saved in DIR
as soon as it ends (the million-paragraph build takes about an hour).

    .venv/bin/python benchmarks/bench_scale.py [--sizes 10000 100000] [--server] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ask import QUESTIONS, chroma_server, pct  # noqa: E402
from bench_ingest import ROOT, write  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache"
COUNTRIES = ["Argentina", "Brazil", "Canada", "Chile", "China", "Egypt", "France", "Ghana",
             "India", "Japan", "Kenya", "Mexico", "Norway", "Peru", "Senegal", "Spain"]
BATCH = 5000


def sentence_bank(assistant) -> tuple[list[str], np.ndarray]:
    from paracite.text.sentences import split_sentences

    sents: list[str] = []
    for p in assistant.passages():
        sents += [s for s in split_sentences(re.sub(r"^\d{1,3}\.\s+", "", p.text))
                  if len(s) > 40]
    key = hashlib.sha256("\n".join(sents).encode()).hexdigest()[:16]
    path = CACHE / f"sentences-{key}.npy"
    if path.exists():
        return sents, np.load(path)
    vecs = np.asarray(assistant.embedder.embed(sents), dtype=np.float32)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return sents, vecs


def vary(sentence: str, rng: random.Random) -> str:
    s = re.sub(r"\b\d{1,3}\b", lambda m: str(rng.randint(1, 199)), sentence)
    return re.sub(r"\b(?:China|Canada|Netherlands|South Africa|Malta)\b",
                  lambda m: rng.choice(COUNTRIES), s)


def build(a, size: int, sents: list[str], vecs: np.ndarray) -> dict[str, float]:
    from paracite.documents import DocumentInfo, Passage

    rng = random.Random(size)
    done = set(a.store.entries())  # a build that was stopped goes on
    t0 = time.perf_counter()
    made = 0
    for start in range(0, size, BATCH):
        passages, vectors = [], []
        infos: dict[str, DocumentInfo] = {}
        for i in range(start, min(start + BATCH, size)):
            doc = f"syn-{i // 100:05d}"
            info = infos.setdefault(doc, DocumentInfo(id=doc, title=f"Synthetic record {doc}",
                                                      source=f"{doc}.md", content_hash=doc))
            pick = rng.sample(range(len(sents)), rng.randint(3, 5))
            text = f"{i % 100 + 1}. " + " ".join(vary(sents[j], rng) for j in pick)
            v = vecs[pick].mean(axis=0)
            passages.append(Passage(document=doc, title=info.title, paragraph=str(i % 100 + 1),
                                    start=0, end=len(text), order=i % 100, text=text,
                                    pages=(1 + (i % 100) // 4,)))
            vectors.append((v / np.linalg.norm(v)).tolist())
        by_doc: dict[str, list[int]] = {}
        for n, p in enumerate(passages):
            by_doc.setdefault(p.document, []).append(n)
        for doc, idx in by_doc.items():
            if doc in done:
                continue
            a.store.upsert(infos[doc], [passages[n] for n in idx], [vectors[n] for n in idx])
            a.store.commit_document(infos[doc], len(idx))  # (documents of 100 passages)
            made += len(idx)
    upsert_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    a.store.sync_keyword()  # what an ingest does when it is done: the saved keyword index
    keyword_build_s = time.perf_counter() - t0
    res = {f"scale.{size}.keyword_index_build_s": round(keyword_build_s, 1)}
    if made == size:  # a build that went on from a stopped one has no throughput to give
        res[f"scale.{size}.upsert_per_s"] = round(size / upsert_s)
    return res


def disk_mb(*folders: Path) -> float:
    return round(sum(int(subprocess.run(["du", "-sk", str(f)], capture_output=True, text=True)
                         .stdout.split()[0]) for f in folders if f.exists()) / 1024, 1)


def asks(a, size: int, records: Path) -> dict[str, float]:
    """The serving side: open the store and its saved keyword index, ask the eval set;
    then ingest the records' folder again, which finds nothing changed."""
    from paracite.eval import K, evaluate, load_dataset, paracite_retrievers, summarize

    if size == 0:
        a.ingest([records])  # the baseline store: the records alone
    t0 = time.perf_counter()
    a.store.count()  # Chroma opens the store (its own cost, not the keyword index's)
    store_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    _ = a.store.keyword
    load = time.perf_counter() - t0
    a.ask(QUESTIONS[0])
    lat = []
    for q in QUESTIONS:
        t0 = time.perf_counter()
        a.ask(q)
        lat.append(time.perf_counter() - t0)
    serving_peak = peak_rss_mb()  # before the quality run below, which is not serving
    t0 = time.perf_counter()
    unchanged = a.ingest([records])
    unchanged_s = time.perf_counter() - t0
    assert unchanged.embedded == 0 and not unchanged.added, unchanged.summary()
    quality = summarize(evaluate(a, load_dataset(ROOT / "evals" / "records.jsonl"),
                                 paracite_retrievers(a)))
    return {f"scale.{size}.store_open_s": round(store_open, 2),
            f"scale.{size}.keyword_index_load_s": round(load, 2),
            f"scale.{size}.unchanged_ingest_s": round(unchanged_s, 2),
            f"scale.{size}.serve_peak_rss_mb": serving_peak,
            f"scale.{size}.ask_p50_ms": round(pct(lat, 50) * 1000, 1),
            f"scale.{size}.ask_p95_ms": round(pct(lat, 95) * 1000, 1),
            # with the synthetic paragraphs as distractors: they are the records' own
            # sentences recombined, near-duplicates of the gold paragraphs
            f"scale.{size}.distractor_hybrid_recall@{K}":
                round(quality[f"hybrid_recall@{K}"], 3),
            f"scale.{size}.distractor_correct": round(quality["correct"], 3)}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def phase(name: str, home: Path, size: int, url: str | None) -> dict[str, float]:
    """One phase in this (fresh) process, so that its peak RSS is its own."""
    import paracite

    if name == "serve":  # (the records alone in a collection of their own)
        return asks(paracite.Assistant(home=home, chroma_url=url,
                                       collection="records" if size == 0 else "passages"),
                    size, ROOT / "ingest")
    base = paracite.Assistant(home=home.parent / "base")
    base.ingest([ROOT / "ingest"])
    sents, vecs = sentence_bank(base)
    a = paracite.Assistant(home=home, chroma_url=url, embedder=base.embedder)
    del base
    a.ingest([ROOT / "ingest"])  # the real records first
    res = build(a, size, sents, vecs)
    res[f"scale.{size}.build_peak_rss_mb"] = peak_rss_mb()
    return res


def run_phase(name: str, home: Path, size: int, url: str | None) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--phase", name, "--home", str(home), "--size", str(size)]
    out = subprocess.run(cmd + (["--url", url] if url else []), check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def server_peak_mb(proc: subprocess.Popen) -> float:
    """The Chroma server's peak RSS so far (VmHWM), its children's included."""
    pids = [proc.pid] + [int(p) for p in subprocess.run(
        ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()]
    peak = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as f:
            peak += next((int(line.split()[1]) for line in f if line.startswith("VmHWM")), 0)
    return round(peak / 1024, 1)


def embedded_view(tmp: Path) -> Path:
    """A PARACITE_HOME that opens the (stopped) server's folder as an embedded store, with
    the keyword index the server's clients saved: the same 1,000,000 paragraphs served
    with Chroma inside the serving process, without building them a second time."""
    home = tmp / "embedded"
    if not home.exists():
        home.mkdir()
        (home / "chroma").symlink_to(tmp / "server")
        (saved,) = (tmp / "home" / "keyword").glob("passages@*")
        shutil.copytree(saved, home / "keyword" / "passages")
    return home


def one_size(size: int, server: bool, keep: Path | None) -> dict[str, float]:
    tmp = keep or Path(tempfile.mkdtemp(prefix=f"paracite-scale-{size}-"))
    tmp.mkdir(parents=True, exist_ok=True)
    saved = tmp / "results.json"
    res: dict[str, float] = json.loads(saved.read_text()) if saved.exists() else {}
    spent = f"scale.{size}.bench_s"  # summed over the phases, whichever run made them
    try:
        phases = [("build", "home", size), ("serve", "home", size), ("serve", "records", 0)]
        if server:  # and the server's store opened embedded, by a process of its own
            phases.append(("serve", "embedded", size))
        for name, home, n in phases:
            key = f"done.{name}.{home}"
            if key in res:
                continue
            t0 = time.perf_counter()
            with contextlib.ExitStack() as stack:  # a server started for each phase
                url = proc = None
                if home == "embedded":
                    res |= {k.replace(f"scale.{n}.", f"scale.{n}.opened_embedded."): v
                            for k, v in run_phase(name, embedded_view(tmp), n, None).items()}
                else:
                    if server:
                        url, proc = stack.enter_context(chroma_server(tmp / "server"))
                    res |= run_phase(name, tmp / home, n, url)
                    if proc is not None:
                        res[f"scale.{n}.chroma_server_{name}_peak_rss_mb"] = \
                            server_peak_mb(proc)
            res[key] = 1
            res[spent] = round(res.get(spent, 0) + time.perf_counter() - t0, 1)
            saved.write_text(json.dumps(res, indent=1))
        res[f"scale.{size}.store_mb"] = disk_mb(tmp / "home", tmp / "server")
        res[f"scale.{size}.ask_p50_vs_records"] = round(
            res[f"scale.{size}.ask_p50_ms"] / res["scale.0.ask_p50_ms"], 2)
        res[f"scale.{size}.records_ask_p50_ms"] = res.pop("scale.0.ask_p50_ms")
        res[f"scale.{size}.records_hybrid_recall@5"] = res[
            "scale.0.distractor_hybrid_recall@5"]
        tag = ".server" if server else ""
        return {k.replace(f"scale.{size}.", f"scale.{size}{tag}."): v for k, v in res.items()
                if k.startswith(f"scale.{size}.")}
    finally:
        if keep is None:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--server", action="store_true", help="the store on a Chroma server")
    ap.add_argument("--keep", type=Path, help="work here and keep it (a stopped run goes on)")
    ap.add_argument("--phase", choices=["build", "serve"], help=argparse.SUPPRESS)
    ap.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.home, args.size, args.url)))
        return
    results: dict[str, float] = {}
    for size in args.sizes:
        res = one_size(size, args.server, args.keep / str(size) if args.keep else None)
        results |= res
        for k, v in res.items():
            print(f"{k:40} {v}", flush=True)
    write(results)


if __name__ == "__main__":
    main()
