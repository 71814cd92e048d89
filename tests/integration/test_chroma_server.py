"""Server mode: PARACITE_CHROMA_URL points paracite at a Chroma server (`chroma run`,
started here on 127.0.0.1 with a temporary path and stopped after): same answers, same
citations as the embedded store."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import INGEST, free_port, serving

pytestmark = pytest.mark.integration
QUESTIONS = ["Who opened the meeting, and why?", "Who is the new Rapporteur?",
             "When is agenda item 7 scheduled?", "How many Member States attended?",
             "Who was elected Chair of the fourth meeting?"]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the chroma CLI (chromadb) is not installed")
    port = free_port()
    cmd = [exe, "run", "--path", str(tmp_path_factory.mktemp("chroma")), "--host",
           "127.0.0.1", "--port", str(port)]
    with serving(cmd, port, "chroma run", timeout=60):
        yield f"http://127.0.0.1:{port}"


def test_server_mode_gives_the_same_answers_and_citations(tmp_path, chroma_url, embedder):
    import paracite

    embedded = paracite.Assistant(home=tmp_path / "embedded")
    server = paracite.Assistant(home=tmp_path / "server", chroma_url=chroma_url)
    for a in (embedded, server):
        a.embedder = embedder
        assert a.ingest([INGEST]).ok
    assert not (tmp_path / "server" / "chroma").exists()  # nothing stored locally
    assert server.store.count() == embedded.store.count() == 108
    for q in QUESTIONS:
        e, s = embedded.ask(q), server.ask(q)
        assert (s.text, s.found) == (e.text, e.found), q
        assert [(c.document, c.paragraph, c.text) for c in s.citations] == \
               [(c.document, c.paragraph, c.text) for c in e.citations]
    again = server.ingest([INGEST])
    assert again.embedded == 0  # idempotent against the server too
