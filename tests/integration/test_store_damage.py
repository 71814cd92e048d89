"""A store that is damaged, read-only or not a folder, and input the store cannot answer,
give one clear line and exit code 2, never a traceback; record text prints inert.

- A damaged Chroma database (overwritten with garbage, truncated, pages overwritten, its
  tables dropped): ``docs``, ``ask``, ``show`` and ``ingest`` say "the passage store at
  <path> is damaged (<reason>); delete <path> and run paracite ingest". The same damage
  under a running process (the web UI) raises StoreError, not chromadb's errors.
- PARACITE_HOME that is a regular file: every command names it.
- A read-only store still answers ``docs``, ``ask`` and ``show`` (read from a private
  copy); ``ingest`` says it is read-only. Reading creates nothing.
- An unknown ``--doc`` (or ``documents=``) is an error naming the documents there are,
  not "the records do not answer".
- ``ingest --replace/--prune`` reach the Ingestor.
- Control characters of a record reach the terminal as visible escapes.

Each test works on a private copy of the session's records store (``records_home``); the
CLI is called in-process (``cli``), each test on its own store path. Only the read-only
test starts processes: it runs them as another user, for whom the permissions bite.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from paracite.errors import NotFoundError, StoreError
from tests.conftest import free_port

pytestmark = pytest.mark.integration

RAW = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0),
                        *range(0x202A, 0x202F), *range(0x2066, 0x206A))]
HOSTILE_MD = (
    "# Report of the \x1b]8;;https://evil.example/\x07Expert Group\x1b]8;;\x07\n\n"
    "1. Erik Planken\x1b[2J was elected\x1b]52;c;cm0gLXJmIH4=\x07 Rapporteur of the "
    "xylographic committee.\x7f\x9b31m\n\n"
    "2. The xylographic committee closed\x08\x08\x08 its meeting on 15 March 2017, after it "
    "heard statements from many delegations on matters of importance to all of its members "
    "and to the observers who attended.\n\n"
    "3. " + "The xylographic committee adopted its report by consensus. " * 6 + "\n")


# -- stores -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile(tmp_path_factory, embedder) -> Path:
    """PARACITE_HOME of a store holding a record full of terminal control sequences."""
    import paracite

    root = tmp_path_factory.mktemp("hostile")
    (root / "inbox").mkdir()
    (root / "inbox" / "hostile.md").write_text(HOSTILE_MD, encoding="utf-8")
    with paracite.Assistant(home=root / "home", embedder=embedder) as a:
        assert a.ingest([root / "inbox"]).ok
    return root / "home"


@pytest.fixture()
def home(records_home) -> Path:
    """A private copy of the session's records store (agenda, report)."""
    return records_home


def opened(home: Path, embedder):
    import paracite

    return paracite.Assistant(home=home, embedder=embedder)


# -- the CLI --------------------------------------------------------------------------------
@pytest.fixture()
def run_cli(cli, monkeypatch):
    """``run_cli(home, commands, stdin="")``: `paracite <command>` for each command, called
    in this process one after the other from the folder holding ``home``, each reading
    ``stdin`` afresh; every result carries its command as ``.args``."""

    def run(home: Path, commands: Sequence[Sequence[str]], stdin: str = "") -> list:
        monkeypatch.chdir(home.parent)
        done = []
        for cmd in commands:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
            res = cli(home, *cmd)
            res.args = cmd
            done.append(res)
        return done

    return run


def run_as(prefix: Sequence[str], home: Path, commands: Sequence[Sequence[str]], cwd: Path,
           env: dict[str, str]) -> list[subprocess.CompletedProcess[str]]:
    """`paracite <command>` for each command in its own process under ``prefix`` (a command
    that runs it as another user), run side by side."""
    env = {**os.environ, "PARACITE_HOME": str(home), "HF_HUB_OFFLINE": "1",
           "PYTHONUNBUFFERED": "1", **env}
    procs = [(cmd, subprocess.Popen([*prefix, sys.executable, "-m", "paracite.cli", *cmd],
                                    env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, cwd=cwd))
             for cmd in commands]
    done = []
    for cmd, proc in procs:
        out, err = proc.communicate(timeout=300)
        done.append(subprocess.CompletedProcess(cmd, proc.returncode, out, err))
    return done


def one_clear_line(res, *wanted: str) -> str:
    """The command failed with exit 2 and one 'paracite: …' line holding ``wanted``."""
    assert "Traceback" not in res.stderr + res.stdout, (res.args, res.stderr[-3000:])
    assert res.returncode == 2, (res.args, res.returncode, res.stdout[-500:], res.stderr[-2000:])
    lines = [x for x in res.stderr.splitlines() if x.startswith("paracite: ")]
    assert len(lines) == 1, (res.args, res.stderr[-2000:])
    for w in wanted:
        assert w in lines[0], (res.args, lines[0])
    return lines[0]


ASK = ("ask", "Who is the new Rapporteur?")
CHAT = ("chat",)


# -- 1. damaged store ---------------------------------------------------------------------
def damage(home: Path, kind: str) -> None:
    db = home / "chroma" / "chroma.sqlite3"
    size = db.stat().st_size
    rnd = random.Random(kind)
    if kind == "garbage":
        with db.open("r+b") as f:  # in place, as a disk error or a stray write would
            f.write(rnd.randbytes(size))
    elif kind == "truncated":
        os.truncate(db, 40960)
    elif kind == "pages overwritten":  # the schema survives, the data does not
        with db.open("r+b") as f:
            f.seek(200 * 1024)
            f.write(rnd.randbytes(size - 200 * 1024))
    elif kind == "tables dropped":
        with sqlite3.connect(db) as con:
            tables = [r[0] for r in con.execute(
                "select name from sqlite_master where type = 'table' and name not like "
                "'sqlite_%' and name != 'migrations'")]
            for t in tables:
                con.execute(f'drop table if exists "{t}"')
    else:
        raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["garbage", "truncated", "pages overwritten",
                                  "tables dropped"])
def test_a_damaged_store_gives_one_line_and_exit_2(home, kind, records_copy, run_cli):
    damage(home, kind)
    commands = [("docs",), ASK]
    if kind == "garbage":
        commands += [("show", "report", "22"), ("ingest", str(records_copy)),
                     ("ask", "Who?", "--doc", "report")]
    where = str(home / "chroma")
    for res in run_cli(home, commands):
        line = one_clear_line(res, f"the passage store at {where} is damaged (",
                              f"); delete {where} and run paracite ingest")
        assert len(line) < 300, line


def test_damage_under_a_running_process_raises_store_error(home, embedder, records_copy):
    """The web UI keeps its store open: damage appearing under it is a StoreError too."""
    a = opened(home, embedder)
    assert [d.id for d, _ in a.documents()] == ["agenda", "report"]
    damage(home, "garbage")
    calls = {"documents": a.documents, "passage": lambda: a.passage("report", "22"),
             "ask": lambda: a.ask("Who is the new Rapporteur?"),
             "stream": lambda: list(a.stream("Who is the new Rapporteur?")),
             "ingest": lambda: a.ingest([records_copy]), "count": a.store.count}
    for call in calls.values():
        with pytest.raises(StoreError, match=r"is damaged \(file is not a database\); "
                                             r"delete .* and run paracite ingest"):
            call()


def test_a_database_replaced_under_a_running_process_is_named(home, embedder, records_copy):
    a = opened(home, embedder)
    assert a.store.count() == 108
    db = home / "chroma" / "chroma.sqlite3"
    db.unlink()
    db.write_bytes(b"")  # a new, empty file where the open one was
    report_md = records_copy / "report.md"
    report_md.write_text(report_md.read_text().replace("Erik Planken", "Erika Planken"))
    with pytest.raises(StoreError, match="was deleted or replaced while this process had it "
                                         "open; start paracite again"):
        a.ingest([records_copy])


def test_a_chroma_server_that_does_not_answer_is_named(tmp_path, embedder):
    import paracite

    url = f"http://127.0.0.1:{free_port()}"
    a = paracite.Assistant(home=tmp_path / "home", chroma_url=url, embedder=embedder)
    for call in (a.documents, a.store.count, lambda: a.ask("Who is the new Rapporteur?")):
        with pytest.raises(StoreError, match=f"^the Chroma server at {url} failed \\(.+\\); "
                                             "check that it is running and reachable$"):
            call()


# -- 2. PARACITE_HOME a file, a read-only store, reading creates nothing --------------------
def test_home_that_is_a_file_is_named_by_every_command(tmp_path, records_copy, run_cli):
    home = tmp_path / "paracite-home"
    home.write_text("not a folder\n")
    results = run_cli(home, [("docs",), ASK, ("show", "report", "22"), CHAT,
                             ("ingest", str(records_copy))], stdin="Who?\n")
    for res in results:
        one_clear_line(res, f"PARACITE_HOME {home} is a file, not a folder")
    assert home.read_text() == "not a folder\n"


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path, embedder):
    home = tmp_path / "nowhere" / "home"
    a = opened(home, embedder)
    assert a.documents() == [] and a.passages() == [] and a.store.count() == 0
    assert not a.ask("Who is the new Rapporteur?").found
    with pytest.raises(NotFoundError, match="no document 'report' in the store"):
        a.passage("report", "22")
    assert not (tmp_path / "nowhere").exists()


def _unprivileged() -> list[str]:
    """A command prefix under which file permissions apply (as root they do not)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv to drop to another user: "
                    "permissions would not bite")
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import paracite.cli"], cwd="/",
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "HOME": "/"})
    if probe.returncode != 0:
        pytest.skip("running as root, and paracite cannot run as uid 65534 here (permissions "
                    f"would not bite): {probe.stderr[-300:]}")
    return prefix


@pytest.mark.slow
def test_a_read_only_store_answers_and_refuses_ingest(records_template, records_copy):
    """Processes of another user (as root, permissions would not bite): the one test here
    that is about the process."""
    prefix = _unprivileged()
    root = Path(tempfile.mkdtemp(prefix="paracite-ro-"))  # tmp_path is private to this user
    try:
        os.chmod(root, 0o755)
        home = root / "home"
        shutil.copytree(records_template, home)
        work = root / "work"  # HOME, TMPDIR and cwd of the reading process
        work.mkdir(mode=0o777)
        os.chmod(work, 0o777)
        for p in (home, *home.rglob("*")):
            os.chmod(p, stat.S_IMODE(p.stat().st_mode) & ~0o222)
        before = {p: p.stat().st_mtime_ns for p in home.rglob("*")}
        env = {"HOME": str(work), "TMPDIR": str(work)}
        docs, ask, show, ingest = run_as(
            prefix, home, [("-v", "docs"), ASK, ("show", "report", "22"),
                           ("ingest", str(records_copy))], cwd=work, env=env)
        for res in (docs, ask, show):
            assert res.returncode == 0, (res.args, res.stderr[-2000:])
            assert "Traceback" not in res.stderr
        assert [x.split()[0] for x in docs.stdout.splitlines()] == ["agenda", "report"]
        assert "is read-only: reading a copy of it" in docs.stderr
        assert "Erik Planken (Netherlands)" in ask.stdout
        assert "[1] UNODC/CCPCJ/EG.4/2017/4 ¶22" in ask.stdout
        assert show.stdout.startswith("report ¶ 22")
        one_clear_line(ingest, f"the passage store at {home} is read-only")
        assert {p: p.stat().st_mtime_ns for p in home.rglob("*")} == before
        assert list(work.iterdir()) == [], "the private copy was not removed"
    finally:
        for p in (root, *root.rglob("*")):
            if not p.is_symlink():
                os.chmod(p, stat.S_IMODE(p.stat().st_mode) | stat.S_IWUSR | stat.S_IXUSR
                         if p.is_dir() else stat.S_IMODE(p.stat().st_mode) | stat.S_IWUSR)
        shutil.rmtree(root, ignore_errors=True)


# -- 4. an unknown document filter -----------------------------------------------------------
def test_an_unknown_document_filter_is_an_error_naming_the_documents(home, embedder):
    a = opened(home, embedder)
    message = "no such document 'nosuch' (documents: agenda, report)"
    for docs in (["nosuch"], ["report", "nosuch"]):
        with pytest.raises(NotFoundError) as err:
            a.ask("Who is the new Rapporteur?", documents=docs)
        assert str(err.value) == message
        with pytest.raises(NotFoundError, match=r"no such document 'nosuch' \("):
            list(a.stream("Who is the new Rapporteur?", documents=docs))
    ans = a.ask("Who is the new Rapporteur?", documents=["report"])
    assert ans.found and ans.citations[0].paragraph == "22"


def test_the_document_check_reads_no_store_and_follows_writes(home, embedder, monkeypatch):
    a = opened(home, embedder)
    assert a.ask("Who is the new Rapporteur?", documents=["report"]).found
    scans = []
    real_scan = a.store._scan
    monkeypatch.setattr(a.store, "_scan", lambda *args, **kw: scans.append(1) or
                        real_scan(*args, **kw))
    for _ in range(3):
        with pytest.raises(NotFoundError):
            a.ask("Who is the new Rapporteur?", documents=["nosuch"])
        a.ask("Who is the new Rapporteur?", documents=["agenda"])
    assert scans == [], "the document ids were read from the store for every question"
    a.store.delete_document("agenda")  # a write: the known ids follow it
    with pytest.raises(NotFoundError, match=r"no such document 'agenda' \(documents: report\)"):
        a.ask("Who is the new Rapporteur?", documents=["agenda"])


def test_cli_doc_filter_that_names_no_document_exits_2(home, run_cli):
    ask, chat = run_cli(home, [(*ASK, "--doc", "nosuch"), ("chat", "--doc", "nosuch")],
                        stdin="Who is the new Rapporteur?\n")
    for res in (ask, chat):
        one_clear_line(res, "no such document 'nosuch' (documents: agenda, report)")
    assert "do not answer" not in ask.stdout + chat.stdout


# -- 5. ingest --replace / --prune reach the Ingestor --------------------------------------
def test_ingest_forwards_replace_prune_and_reembed(assistant, records_copy, monkeypatch):
    from paracite.assistant import Ingestor
    from paracite.ingest import IngestReport

    seen = []

    def run(self, targets, progress=None, on_file=None, **kwargs):
        seen.append((list(targets), kwargs))
        return IngestReport()

    monkeypatch.setattr(Ingestor, "run", run)
    assistant.ingest([records_copy], replace=True, prune=True)
    assistant.ingest([records_copy])
    assistant.ingest([records_copy], reembed=True)
    assert seen == [([records_copy], {"replace": True, "prune": True, "reembed": False}),
                    ([records_copy], {"replace": False, "prune": False, "reembed": False}),
                    ([records_copy], {"replace": False, "prune": False, "reembed": True})]


# -- 3. record text with control characters prints inert -----------------------------------
def test_control_characters_of_a_record_print_as_visible_escapes(hostile, run_cli, embedder):
    show, docs, ask = run_cli(hostile, [("show", "hostile", "1"), ("docs",),
                                        ("ask", "Who was elected Rapporteur of the "
                                                "xylographic committee?")])
    for res in (show, docs, ask):
        assert res.returncode == 0, (res.args, res.stderr[-2000:])
        raw = sorted({f"U+{ord(c):04X}" for c in res.stdout if c in RAW})
        assert not raw, (res.args, raw)
        assert "\\x1b]" in res.stdout, res.args
    assert "Erik Planken\\x1b[2J was elected\\x1b]52;c;cm0gLXJmIH4=\\x07 Rapporteur" in \
        show.stdout
    assert "\\x7f\\x9b31m" in show.stdout
    assert "Expert Group\\x1b]8;;\\x07" in docs.stdout
    assert "[1] Report of the \\x1b]8;;https://evil.example/\\x07Expert Group" in ask.stdout

    import paracite

    with paracite.Assistant(home=hostile, embedder=embedder) as a:
        stored = a.passage("hostile", "1").text
    assert "\x1b]52;c;" in stored  # the store keeps the text as ingested
