"""The web UI from start to first answer, as `make run` starts it.

Starts `paracite ui` on a free loopback port over a temporary store holding the bundled
records, and measures:
- seconds from start to "ready" (the embedder, keyword index and answer path load first);
- the first answer after "ready" through the UI's own API (gradio_client, as a browser
  would call it), and the second, warm one: ``ui.first_vs_warm`` is their ratio (about 1
  when nothing is left to load at the first question; the target is first ≤ 2 s);
- the same question asked in-process (``Assistant.ask``), the floor the UI adds to.

Results are merged into benchmarks/results.json and benchmarks/results.md.

    .venv/bin/python benchmarks/bench_ui.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import ROOT, write  # noqa: E402

QUESTION = "Who is the new Rapporteur?"
SECOND = "Who opened the meeting?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    import gradio_client

    import paracite

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        a = paracite.Assistant(home=home)
        assert a.ingest([ROOT / "ingest"]).ok
        t0 = time.perf_counter()
        a.ask(QUESTION)
        t_inproc = time.perf_counter() - t0
        t0 = time.perf_counter()
        a.ask(SECOND)
        t_inproc_warm = time.perf_counter() - t0
        port = free_port()
        env = {**os.environ, "PARACITE_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False",
               "HF_HUB_OFFLINE": "1"}
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "paracite.cli", "ui", "--port", str(port)],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("ready"):
                    break
            else:
                raise SystemExit("paracite ui ended before it was ready")
            t_ready = time.perf_counter() - start
            client = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
            t0 = time.perf_counter()
            chat, *_ = client.predict(QUESTION, [], "extractive", [], api_name="/ask")
            t_first = time.perf_counter() - t0
            t0 = time.perf_counter()
            client.predict(SECOND, [], "extractive", [], api_name="/ask")
            t_warm = time.perf_counter() - t0
            assert "Erik Planken" in str(chat[-1])
        finally:
            proc.terminate()
            proc.wait(30)
    results = {
        "ui.start_to_ready_s": round(t_ready, 2),
        "ui.first_answer_after_ready_s": round(t_first, 3),
        "ui.second_answer_s": round(t_warm, 3),
        "ui.first_vs_warm": round(t_first / t_warm, 2),
        "ui.first_vs_in_process_warm": round(t_first / t_inproc_warm, 2),
        "ui.in_process_first_answer_s": round(t_inproc, 3),
    }
    write(results)
    for k, v in results.items():
        print(f"{k:40} {v}")


if __name__ == "__main__":
    main()
