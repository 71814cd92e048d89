"""Shared fixtures: the bundled records, parsed passages, one embedder per test session."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

ROOT = Path(__file__).resolve().parents[1]
INGEST = ROOT / "ingest"
SHARED = ROOT.parent / "shared"
UN_PDFS = SHARED / "un-pdfs"


def parse_record(name: str):
    """Passages of a bundled record, as ingest would make them (no embedding)."""
    from paracite.ingest import file_hash, load_manifest, passages_for

    path = INGEST / name
    entry = load_manifest(INGEST).get(name, {})
    _, passages = passages_for(path, entry, entry.get("id", name), file_hash(b"", entry))
    return passages


@pytest.fixture(scope="session")
def report():
    return parse_record("report.md")


@pytest.fixture(scope="session")
def agenda():
    return parse_record("agenda.md")


@pytest.fixture(scope="session")
def embedder():
    from paracite.embed import Embedder
    from paracite.settings import Settings

    return Embedder(Settings())


@pytest.fixture()
def records_copy(tmp_path: Path) -> Path:
    """A private copy of ingest/ that a test may change."""
    dst = tmp_path / "inbox"
    shutil.copytree(INGEST, dst)
    return dst


@pytest.fixture()
def assistant(tmp_path: Path, embedder):
    """An Assistant on a fresh temporary store, sharing the session's loaded embedder."""
    import paracite

    a = paracite.Assistant(home=tmp_path / "home")
    a.embedder = embedder
    return a


class Received:
    """What gradio hands the upload handler: a file it holds and the name the user gave."""

    def __init__(self, path: Path, orig_name: str) -> None:
        self.name, self.orig_name = str(path), orig_name


def received(ui, src: Path, orig_name: str) -> Received:
    """``src`` as gradio's /upload route leaves it for the UI ``ui``: a copy in gradio's
    upload folder (in a folder of its own), recorded among the files the route received
    (the only files the upload handler takes)."""
    import uuid

    from gradio.utils import get_upload_folder

    folder = Path(get_upload_folder()) / f"paracite-test-{uuid.uuid4().hex}"
    folder.mkdir(parents=True)
    dest = folder / "upload"
    shutil.copyfile(src, dest)
    ui.received.add(str(dest))
    return Received(dest, orig_name)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(cmd: list[str], port: int, what: str, timeout: float = 120):
    """Run a server on 127.0.0.1:port for the duration of the block, then stop it."""
    import socket
    import subprocess
    import time

    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"{what} exited before listening")
                if time.monotonic() > deadline:
                    pytest.fail(f"{what} did not start within {timeout:.0f} s")
                time.sleep(0.3)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
