"""Shared fixtures: the bundled records, parsed passages, one embedder per test session."""

from __future__ import annotations

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
