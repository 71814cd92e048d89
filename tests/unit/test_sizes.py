"""One concern a file (issue 26): no module over 500 lines and no function over 80 in
src/ and ui/, so a newcomer who opens the largest file can still see its parts."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_FILE, MAX_FUNCTION = 500, 80
EXCEPTIONS: dict[str, str] = {}  # "path": "why it must stay longer" (none today)


def _python_files() -> list[Path]:
    files = sorted((ROOT / "src").rglob("*.py")) + sorted((ROOT / "ui").rglob("*.py"))
    assert len(files) > 50
    return files


def test_no_module_is_over_500_lines():
    long = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8").count("\n")
            for p in _python_files()}
    assert {p: n for p, n in long.items() if n > MAX_FILE and p not in EXCEPTIONS} == {}


def test_no_function_is_over_80_lines():
    long = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines})")
    assert long == []
