"""Ask latency and cold start, as ratios against baselines measured in the same run.

1. Ask latency p50/p95 of the extractive default over the bundled records, against the
   floor: a bare Chroma query with the same embedder (embed the question + query).
   The same with the trained reader on (``ask.reader.*``), as a ratio to the default.
2. The same in server mode (a `chroma run` on 127.0.0.1, started and stopped here).
3. Cold start: a new process from start to first answer, and `import paracite` alone.
4. Quality beside the timings: recall@5 of each retriever and answer correctness on
   evals/records.jsonl (unchanged by every optimisation, or the optimisation is wrong).

Results are merged into benchmarks/results.json and benchmarks/results.md.

    .venv/bin/python benchmarks/bench_ask.py
"""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import ROOT, write  # noqa: E402

QUESTIONS = [json.loads(line)["question"] for line in
             (ROOT / "evals" / "records.jsonl").read_text().splitlines() if line.strip()]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(round(p / 100 * len(ordered))) - 1)]


def latency(assistant, label: str) -> dict[str, float]:
    assistant.ask(QUESTIONS[0])  # warm: model loaded, keyword index built
    asks, floor = [], []
    col = assistant.store.collection
    for q in QUESTIONS:
        t0 = time.perf_counter()
        col.query(query_embeddings=[assistant.embedder.embed_query(q)], n_results=6)
        floor.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        assistant.ask(q)
        asks.append(time.perf_counter() - t0)
    return {f"ask.{label}.p50_ms": round(pct(asks, 50) * 1000, 1),
            f"ask.{label}.p95_ms": round(pct(asks, 95) * 1000, 1),
            f"ask.{label}.floor_p50_ms": round(pct(floor, 50) * 1000, 1),
            f"ask.{label}.p50_vs_floor": round(pct(asks, 50) / pct(floor, 50), 2)}


def quality(assistant) -> dict[str, float]:
    """Retrieval and answer quality on the eval set, beside the timings: an optimisation
    that moves these has paid for speed with quality."""
    from paracite.eval import K, evaluate, load_dataset, paracite_retrievers, summarize

    s = summarize(evaluate(assistant, load_dataset(ROOT / "evals" / "records.jsonl"),
                           paracite_retrievers(assistant)))
    return {f"quality.{name}_recall@{K}": round(s[f"{name}_recall@{K}"], 3)
            for name in ("hybrid", "keyword", "dense")} | {
        "quality.correct": round(s["correct"], 3)}


def cold_start(home: Path) -> dict[str, float]:
    code_import = "import time; t=time.perf_counter(); import paracite; " \
                  "print(time.perf_counter()-t)"
    code_first = ("import time; t=time.perf_counter(); import paracite; "
                  f"a=paracite.Assistant(home={str(home)!r}); "
                  "a.ask('Who opened the meeting?'); print(time.perf_counter()-t)")
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code_first], capture_output=True, text=True,
                         check=True, env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"})
    total = time.perf_counter() - t0
    imp = float(subprocess.run([sys.executable, "-c", code_import], capture_output=True,
                               text=True, check=True).stdout.strip())
    return {"cold_start.process_to_first_answer_s": round(total, 2),
            "cold_start.in_process_to_first_answer_s": round(float(out.stdout.strip()), 2),
            "cold_start.import_paracite_s": round(imp, 3)}


@contextlib.contextmanager
def chroma_server(path: Path) -> Iterator[tuple[str, subprocess.Popen]]:
    """``chroma run`` on a free port of 127.0.0.1, stopped when the block ends."""
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("chroma run exited before listening") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main() -> None:
    import paracite

    tmp = Path(tempfile.mkdtemp(prefix="paracite-bench-ask-"))
    results: dict[str, float] = {}
    try:
        a = paracite.Assistant(home=tmp / "home")
        a.ingest([ROOT / "ingest"])
        results |= latency(a, "embedded")
        # the same store with the trained reader re-ranking the top 16 (off by default)
        r = paracite.Assistant(home=tmp / "home", embedder=a.embedder, reader=True)
        results |= latency(r, "reader")
        results["ask.reader.p50_vs_embedded"] = round(
            results["ask.reader.p50_ms"] / results["ask.embedded.p50_ms"], 2)
        r.close()
        results |= quality(a)
        results |= cold_start(tmp / "home")
        if shutil.which("chroma", path=str(Path(sys.executable).parent)):
            with chroma_server(tmp / "server") as (url, _):
                b = paracite.Assistant(home=tmp / "srv-home", chroma_url=url)
                b.embedder = a.embedder
                b.ingest([ROOT / "ingest"])
                results |= latency(b, "server")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    write(results)
    for k, v in results.items():
        print(f"{k:45} {v}")


if __name__ == "__main__":
    main()
