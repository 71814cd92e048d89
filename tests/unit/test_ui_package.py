"""The web UI is one package, ``paracite.ui``, loaded alike from a checkout and installed.

``paracite.cli.load_ui`` imports ``paracite.ui.app`` when paracite is installed (the wheel
holds ui/ as paracite/ui) and otherwise loads the checkout's ui/ as that package, so the
UI's modules import each other (``from .render import …``) the same way both times.
"""

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


def test_a_checkout_loads_ui_as_the_package_paracite_ui():
    import paracite

    if not Path(paracite.__file__).is_relative_to(ROOT / "src"):
        pytest.skip("paracite is imported from an installed copy, not this checkout")
    for name in MODULES:
        module = ui_module(name)
        assert module.__name__ == f"paracite.ui.{name}"
        assert module.__file__ == str(ROOT / "ui" / f"{name}.py")
    assert "#sources" in ui_module("server").page_css()


def test_the_wheel_installs_ui_as_paracite_ui():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheel = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"]["ui"] == "paracite/ui"


@pytest.mark.slow  # a fresh interpreter, where paracite is imported from the copy
def test_laid_out_as_installed_the_ui_loads_from_paracite_ui(tmp_path):
    site = tmp_path / "site"
    junk = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "src" / "paracite", site / "paracite", ignore=junk)
    shutil.copytree(ROOT / "ui", site / "paracite" / "ui", ignore=junk)
    code = ("from paracite.cli import load_ui\n"
            "import paracite.ui.server as server\n"
            "app = load_ui()\n"
            "print(app.__name__, app.__file__, callable(app.launch), len(server.page_css()))\n")
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    name, path, launch, css = done.stdout.split()
    assert name == "paracite.ui.app" and path == str(site / "paracite" / "ui" / "app.py")
    assert launch == "True" and int(css) > 1000
