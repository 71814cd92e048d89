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


def pytest_collection_modifyitems(config, items):
    """Browser tests are `ui`; `ui` and `corpus` tests are `slow` too, so the inner loop
    (`pytest -m "not slow"`) leaves them out and `make test` runs everything."""
    for item in items:
        if "tests/ui/" in item.nodeid:
            item.add_marker(pytest.mark.ui)
        if item.get_closest_marker("ui") or item.get_closest_marker("corpus"):
            item.add_marker(pytest.mark.slow)


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


@pytest.fixture(scope="session", autouse=True)
def _one_model_one_cache():
    """Every Assistant a test builds (the CLI's in-process ones too) embeds with the real
    model through the session's cache: each distinct text is embedded once."""
    import paracite.assistant
    from tests import embedders
    from tests.embedders import CachingEmbedder

    embedders.load_saved()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(paracite.assistant, "Embedder", CachingEmbedder)
        yield
    embedders.save()


@pytest.fixture(scope="session")
def embedder():
    """The real packaged embedder, through the session's embedding cache."""
    from paracite.settings import Settings
    from tests.embedders import CachingEmbedder

    return CachingEmbedder(Settings())


@pytest.fixture()
def hash_embedder():
    """A deterministic stand-in embedder (no model) for ingest bookkeeping tests."""
    from tests.embedders import HashEmbedder

    return HashEmbedder()


@pytest.fixture()
def counting(tmp_path: Path, hash_embedder):
    """An Assistant on a fresh store for bookkeeping tests (no question asked, nothing
    searched by meaning): it embeds with the hash embedder."""
    import paracite

    a = paracite.Assistant(home=tmp_path / "home", embedder=hash_embedder)
    yield a
    a.close()


@pytest.fixture(scope="session")
def records_template(tmp_path_factory, embedder) -> Path:
    """PARACITE_HOME of a store holding the two bundled records, ingested once per
    session from a copy of ingest/ (``<template>/../inbox``). Never written to: tests
    that write take ``records_home``, a copy of it."""
    import paracite

    root = tmp_path_factory.mktemp("records-template")
    shutil.copytree(INGEST, root / "inbox")
    with paracite.Assistant(home=root / "home", embedder=embedder) as a:
        assert a.ingest([root / "inbox"]).ok
    return root / "home"


@pytest.fixture()
def records_home(records_template, tmp_path: Path) -> Path:
    """A private copy of the records store (PARACITE_HOME) that a test may change."""
    dst = tmp_path / "home"
    shutil.copytree(records_template, dst)
    return dst


@pytest.fixture()
def records_store(records_home, embedder):
    """An Assistant over a private copy of the records store."""
    import paracite

    a = paracite.Assistant(home=records_home, embedder=embedder)
    yield a
    a.close()


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

    a = paracite.Assistant(home=tmp_path / "home", embedder=embedder)
    yield a
    a.close()


def ui_module(name: str):
    """The web UI's module ``name`` (src/paracite/ui/<name>.py)."""
    import importlib

    return importlib.import_module(f"paracite.ui.{name}")


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


class CliResult:
    """What ``paracite <argv>`` did, run in-process: exit code, stdout, stderr."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __repr__(self) -> str:
        return f"CliResult({self.returncode}, out={self.stdout[-300:]!r}, " \
               f"err={self.stderr[-300:]!r})"


@pytest.fixture()
def cli(monkeypatch, capsys):
    """``cli(home, *argv, **env)``: the paracite CLI called in this process
    (``paracite.cli.main``) with PARACITE_HOME=home and the other PARACITE_* settings
    given, output captured. Its Assistant embeds through the session's cache. For the
    process itself (its exit, its signals, its user), start a subprocess instead."""
    from paracite import cli as cli_module

    def run(home: Path | None, *argv: str, **env: str) -> CliResult:
        with monkeypatch.context() as mp:
            if home is not None:
                mp.setenv("PARACITE_HOME", str(home))
            for key, value in env.items():
                mp.setenv(key, value)
            capsys.readouterr()
            try:
                code = cli_module.main(list(argv))
            except SystemExit as exc:  # argparse: usage errors
                code = int(exc.code or 0)
            out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


# -- the ten UN PDFs of ../shared/un-pdfs, ingested once per session -----------------------

@pytest.fixture(scope="session")
def un_pdfs_template(tmp_path_factory, embedder):
    """(PARACITE_HOME, IngestReport) of a store holding ../shared/un-pdfs (the folder, its
    SOURCES.md too), ingested once per session with the session's embedder. Never written
    to: copy it (``shutil.copytree``) to write. Skipped when ../shared/un-pdfs is absent;
    the report is not checked here (test_un_pdfs checks it)."""
    import paracite

    if not UN_PDFS.is_dir():
        pytest.skip(f"{UN_PDFS} not present (real UN PDFs are not bundled with paracite)")
    root = tmp_path_factory.mktemp("un-pdfs-template")
    with paracite.Assistant(home=root / "home", embedder=embedder) as a:
        report = a.ingest([UN_PDFS])
    return root / "home", report


# -- the question sets of evals/, each run once per session ---------------------------------

class EvalRun:
    """One run of ``paracite.eval.run``: the results (as results.json holds them), the
    folder the report was written to, and every Answer by question id."""

    def __init__(self, name: str, results: dict, out: Path, answers: dict) -> None:
        self.name, self.results, self.out, self.answers = name, results, out, answers

    @property
    def rows(self) -> dict[str, dict]:
        return {r["id"]: r for r in self.results["rows"]}


@pytest.fixture(scope="session")
def eval_runs(request, tmp_path_factory, embedder):
    """``eval_runs(name)``: the EvalRun of evals/<name>, made on first use, once per
    session. A set over the bundled records only (records.jsonl) is asked of a copy of the
    records store (its ingest finds every file unchanged); the others ingest their corpus
    into a fresh store, embedding through the session's cache (the UN PDFs that
    ``un_pdfs_template`` embedded cost nothing again). Baselines for records.jsonl only.
    Skipped when the set's corpus is in ../shared and that is absent."""
    import paracite
    from paracite import eval as ev

    done: dict[str, EvalRun] = {}

    def get(name: str) -> EvalRun:
        if name in done:
            return done[name]
        dataset = ROOT / "evals" / name
        corpora = {r.corpus for r in ev.load_dataset(dataset)}
        if any(c.startswith("../shared") for c in corpora) and not SHARED.is_dir():
            pytest.skip("../shared not present")
        root = tmp_path_factory.mktemp("eval")
        if corpora == {"ingest"}:
            shutil.copytree(request.getfixturevalue("records_template"), root / "home")
        answers: dict = {}
        with paracite.Assistant(home=root / "home", embedder=embedder) as a:
            res = ev.run(dataset, root / "out", baselines=name == "records.jsonl",
                         assistant=a, on_answer=lambda row, ans: answers.setdefault(
                             row.id, ans))
        done[name] = EvalRun(name, res, root / "out", answers)
        return done[name]

    return get


# -- Hypothesis: a tenth of the examples in the inner loop, all of them when slow tests run --

def _runs_slow_tests(config) -> bool:
    """Would this run's ``-m`` select a test marked ``slow``? (No ``-m``: yes.)"""
    expr = config.getoption("markexpr", "") or ""
    if not expr:
        return True
    try:
        from _pytest.mark.expression import Expression

        return bool(Expression.compile(expr).evaluate(lambda name, **kw: name == "slow"))
    except Exception:  # pytest's expression API moved: run every example
        return True


def pytest_configure(config):
    """Property tests run ``examples(N)`` examples: N when this run includes the slow tests
    (``make test``: every property at full strength, once), N / 10 in the inner loop
    (``pytest -m "not slow"``). One test each, no slow twin: the count follows the tier
    the run is. ``--hypothesis-profile`` overrides (the profile's max_examples is then
    what a test written for 100 examples runs)."""
    from hypothesis import settings

    settings.register_profile("paracite-full", max_examples=100)
    settings.register_profile("paracite-fast", max_examples=10)
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile("paracite-full" if _runs_slow_tests(config) else "paracite-fast")


def examples(full: int) -> int:
    """A property test's example count: ``full`` under the paracite-full profile, a tenth
    (at least 10) under paracite-fast — scaled by the loaded profile's max_examples / 100."""
    from hypothesis import settings

    assert settings.default is not None
    return max(10, full * settings.default.max_examples // 100)
