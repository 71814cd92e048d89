"""The web UI is the package ``paracite.ui`` (src/paracite/ui/): an installed paracite has
it, and the checkout's top-level ui/ is only an entry point."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT, ui_module

MODULES = ["app", "handlers", "layout", "render", "security", "server", "state", "uploads"]


def test_the_ui_is_the_package_paracite_ui():
    import paracite
    from paracite.cli import load_ui

    folder = Path(paracite.__file__).parent / "ui"
    for name in MODULES:
        module = ui_module(name)
        assert module.__name__ == f"paracite.ui.{name}"
        assert module.__file__ == str(folder / f"{name}.py")
    assert load_ui() is ui_module("app")
    assert "#sources" in ui_module("server").page_css()


def test_the_wheel_needs_nothing_from_outside_the_package_for_the_ui():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["packages"] == ["src/paracite"]
    assert "ui" not in wheel.get("force-include", {})
    assert (ROOT / "src" / "paracite" / "ui" / "static" / "paracite.css").is_file()


def run_against(site: Path, code: str, cwd: Path) -> str:
    """What ``code`` prints in a fresh interpreter that imports paracite from ``site``."""
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow  # a fresh interpreter, where paracite is imported from the copy
def test_laid_out_as_installed_the_ui_loads_from_paracite_ui(tmp_path):
    site = tmp_path / "site"
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "src" / "paracite", site / "paracite", ignore=junk)
    code = ("from paracite.cli import load_ui\n"
            "import paracite.ui.server as server\n"
            "app = load_ui()\n"
            "print(app.__name__, app.__file__, callable(app.launch), len(server.page_css()))\n")
    name, path, launch, css = run_against(site, code, tmp_path).split()
    assert name == "paracite.ui.app" and path == str(site / "paracite" / "ui" / "app.py")
    assert launch == "True" and int(css) > 1000


def test_the_top_level_entry_point_runs_the_ui_command(monkeypatch):
    """``python ui/app.py --port N`` is ``paracite ui --port N``."""
    import runpy

    import paracite.cli

    called: list[list[str]] = []
    monkeypatch.setattr(paracite.cli, "main", lambda argv: called.append(argv) or 0)
    monkeypatch.setattr(sys, "argv", ["ui/app.py", "--port", "7999"])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(ROOT / "ui" / "app.py"), run_name="__main__")
    assert done.value.code == 0 and called == [["ui", "--port", "7999"]]


@pytest.mark.slow  # builds the wheel (~2 s) and runs a fresh interpreter on it
def test_the_built_wheel_works_outside_a_checkout(tmp_path):
    """What ``pip install paracite`` gives: the wheel, unpacked where no checkout is near,
    loads every prompt from its own package data, the trained reader's weights and the
    UI's files; the checkout's top-level prompts/ is only a link to the package's."""
    import zipfile

    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT),
                            "-w", str(tmp_path / "dist")], capture_output=True, text=True,
                           timeout=300)
    if built.returncode != 0:
        pytest.skip(f"no wheel could be built here: {built.stderr[-300:]}")
    (wheel,) = (tmp_path / "dist").glob("paracite-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    assert (ROOT / "prompts").resolve() == ROOT / "src" / "paracite" / "prompts"
    names = sorted(p.stem for p in (ROOT / "prompts").glob("*.txt"))
    assert names
    code = ("import sys, paracite, paracite.prompts as P\n"
            "from paracite.reader.model import Reader\n"
            "from paracite.cli import load_ui\n"
            f"names = {names!r}\n"
            "paths = {P.path(n) for n in names}\n"
            "print(paracite.__file__)\n"
            "print(len([P.load(n) for n in names]), P.template('answer').input_variables)\n"
            "print(sorted({str(p.parent) for p in paths}))\n"
            "print(type(Reader.load()).__name__, load_ui().__file__)\n")
    where, loaded, folders, rest = run_against(site, code, tmp_path).strip().splitlines()
    assert where == str(site / "paracite" / "__init__.py")
    assert loaded.startswith(f"{len(names)} ")
    assert folders == str([str(site / "paracite" / "prompts")])
    assert rest == f"Reader {site / 'paracite' / 'ui' / 'app.py'}"
