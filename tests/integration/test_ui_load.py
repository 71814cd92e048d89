"""The web UI under load: 10 concurrent clients ask 50 questions between them.

`paracite ui` runs as a subprocess on a free loopback port, as a user would start it.
Each gradio_client Client is its own browser session. Every answer must equal the one the
same conversation gets when asked alone (so none is lost, none crosses into another
session's history), within a bounded time. The server must listen on 127.0.0.1 only.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import pytest

from tests.conftest import INGEST, free_port, serving, ui_module

pytestmark = [pytest.mark.integration, pytest.mark.slow]  # `paracite ui` in its own process
gradio_client = pytest.importorskip("gradio_client")
handlers = ui_module("handlers")

CLIENTS, PER_CLIENT, BUDGET_S = 10, 5, 240
# Each conversation starts differently, so each follow-up depends on its own history.
OPENERS = ["Who is the new Rapporteur?", "Who opened the meeting, and why?",
           "Which Government provided extrabudgetary resources?",
           "When will the fourth meeting be held?", "How many Member States attended?"]
FOLLOW_UP = "and from which country?"
MORE = ["Who chaired the meeting?", "What was adopted on 13 April 2017?",
        "Where was the meeting held?", "Which languages will documents be available in?",
        "What is the symbol of the list of participants?", "Who opened the meeting?",
        "What did the Expert Group adopt?", "When did the meeting take place?"]


def conversation(i: int) -> list[str]:
    rest = [MORE[(i + j) % len(MORE)] for j in range(PER_CLIENT - 2)]
    return [OPENERS[i % len(OPENERS)], FOLLOW_UP, *rest]


def text_of(message) -> str:
    content = message["content"] if isinstance(message, dict) else message
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def listeners(port: int) -> set[str]:
    """Local addresses listening on ``port`` (IPv4 and IPv6), from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(addr)
    return found


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    import paracite

    h = tmp_path_factory.mktemp("load-home")
    assert paracite.Assistant(home=h).ingest([INGEST]).ok
    return h


def test_ten_clients_five_questions_each_keep_their_own_history(home, monkeypatch):
    import paracite

    # What each conversation gets when asked alone, through the same handler.
    ui = handlers.UI(paracite.Assistant(home=home))
    expected: list[list[str]] = []
    for i in range(CLIENTS):
        chat, state, answers = [], [], []
        for q in conversation(i):
            *_, (chat, state, *_) = ui.ask(q, state, "extractive", [])
            answers.append(text_of(chat[-1]))
        expected.append(answers)
    assert "Netherlands" in expected[0][1] and "South Africa" in expected[1][1]

    port = free_port()
    monkeypatch.setenv("PARACITE_HOME", str(home))
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "False")
    cmd = [sys.executable, "-m", "paracite.cli", "ui", "--port", str(port)]
    with serving(cmd, port, "paracite ui"):
        assert listeners(port) == {"0100007F"}, "the UI must listen on 127.0.0.1 only"
        url = f"http://127.0.0.1:{port}/"

        def run(i: int) -> list[str]:
            client = gradio_client.Client(url, verbose=False)
            got, turns = [], []
            for q in conversation(i):  # the conversation travels with each call, as the
                # browser sends the one it keeps
                chat, turns, _, _ = client.predict(q, turns, "extractive", [], api_name="/ask")
                got.append(text_of(chat[-1]))
            return got

        t0 = time.monotonic()
        with ThreadPoolExecutor(CLIENTS) as pool:
            futures = [pool.submit(run, i) for i in range(CLIENTS)]
            done, pending = wait(futures, timeout=BUDGET_S)
            for f in pending:
                f.cancel()
        elapsed = time.monotonic() - t0
    assert not pending, f"{len(pending)} clients unfinished after {BUDGET_S} s"
    got = [f.result() for f in futures]
    assert sum(len(g) for g in got) == CLIENTS * PER_CLIENT
    for i in range(CLIENTS):
        assert got[i] == expected[i], f"client {i} got another conversation's answers"
    print(f"\n{CLIENTS * PER_CLIENT} answers to {CLIENTS} clients in {elapsed:.1f} s")
