"""What the package imports is what pyproject.toml declares: `pip install paracite` (plus the
extra a feature names) is enough, and nothing is installed that only tests use."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# imported by modules that check for them and name their extra when they are missing
OPTIONAL = {"llama_cpp": "local", "langchain_openai": "openai", "matplotlib": "eval",
            "langchain_text_splitters": "eval"}
# installed first, pinned, by the Makefile (any other torch pulls gigabytes of CUDA packages)
INSTALLED_FIRST = {"torch": "torch==2.13.0"}


def _imported(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n != "paracite"}


def _declared() -> tuple[set[str], dict[str, set[str]]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    def names(reqs: list[str]) -> set[str]:
        return {re.split(r"[<>=\[; ]", r, maxsplit=1)[0].lower().replace("_", "-")
                for r in reqs}

    extras = {k: names(v) for k, v in project["optional-dependencies"].items()}
    return names(project["dependencies"]), extras


@functools.cache
def _providers() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def _distribution(module: str) -> str:
    found = _providers().get(module)
    assert found, f"{module} is imported but no installed distribution provides it"
    return found[0].lower().replace("_", "-")


def test_every_module_the_package_imports_is_declared():
    core, extras = _declared()
    imported = _imported(ROOT / "src" / "paracite")
    for module in sorted(imported):
        if module in INSTALLED_FIRST:
            assert INSTALLED_FIRST[module] in (ROOT / "Makefile").read_text()
            continue
        dist = _distribution(module)
        if module in OPTIONAL:
            assert dist in extras[OPTIONAL[module]], (module, OPTIONAL[module])
        else:
            assert dist in core, f"{module} ({dist}) is imported but not a dependency"


def test_a_dependency_only_tests_use_is_not_a_runtime_dependency():
    core, extras = _declared()
    imported = {_distribution(m) for m in _imported(ROOT / "src" / "paracite")
                if m not in INSTALLED_FIRST}
    assert "rank-bm25" not in core and "rank-bm25" in extras["dev"]
    assert "rank-bm25" not in imported
    for dist in ("matplotlib", "langchain-text-splitters"):
        assert dist not in core and dist in extras["eval"]
