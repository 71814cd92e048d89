"""The layering of paracite, read from the source (no module of it is imported here).

- no import cycle between the modules of src/paracite;
- no import cycle between its parts (the sub-packages and top-level modules), and every
  part imports only from its own floor or lower ones (``FLOORS``), so a new upward import
  fails with the file and line that makes it;
- the web UI (src/paracite/ui/) imports nothing of paracite but names in
  ``paracite.__all__`` (and its own modules).

An import inside a function counts as much as one at the top of a module (a lazy import
is still a dependency: it only hides a cycle until the function runs), and so does one
under ``if TYPE_CHECKING:``. Relative imports are resolved. Importing ``a.b.c`` also runs
``a/__init__`` and ``a/b/__init__``; those implicit imports of parent packages are not
edges here (every module would then depend on ``paracite/__init__``, the public API).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src"
UI = SRC / "paracite" / "ui"

# The floors of paracite, lowest first. A part (a sub-package or a top-level module of
# src/paracite, named without "paracite."; "paracite" itself is the package's __init__,
# the public API) imports only parts of its own floor or lower ones. A module named here
# on its own ("reader.train") is a part apart from its package.
FLOORS: list[tuple[str, ...]] = [
    ("errors", "settings", "documents", "prompts"),  # what every part may use
    ("embed",),  # the embedder, a model shipped in a package (text reads its vocabulary)
    ("text",),  # words: tokens, stems, sentences, questions, the shapes of UN marks
    ("parsing", "pages"),  # files into passages; a passage back onto its PDF page
    ("store", "feedback"),  # what is kept: passages (Chroma, BM25), readers' verdicts
    ("ingest", "retrieve", "conversation", "suggest"),
    ("candidates",),  # a candidate sentence and its checks: the answerer's and the reader's
    ("reader",),  # the trained reader the extractive answerer runs
    ("answer",),
    ("chain",),  # condense → retrieve → answer → verify
    ("assistant", "paracite", "lc", "lc_chroma"),  # the public API (lc: its LangChain face)
    ("eval", "ui"),  # the public API run over question sets; the web UI on it
    # Commands and scripts. The reader's training scripts use the public API and eval, so
    # they stand here, apart from the reader the answerer runs.
    ("cli", "compare", "reader.corpus", "reader.generate", "reader.synth", "reader.train"),
]
FLOOR_OF = {part: i for i, floor in enumerate(FLOORS) for part in floor}


@dataclass(frozen=True)
class Import:
    """One import of a paracite module: who, whom, where, and whether inside a function."""

    module: str
    target: str
    file: str  # as the checkout names it: 'src/paracite/text/query.py'
    line: int
    lazy: bool

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}{' (inside a function)' if self.lazy else ''}"


def module_name(path: Path, src: Path) -> str:
    """'src/paracite/text/query.py' → 'paracite.text.query'; a package is its __init__."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(src: Path, package: str = "paracite") -> dict[str, Path]:
    return {module_name(p, src): p for p in sorted((src / package).rglob("*.py"))}


def _owner(name: str, known: dict[str, Path]) -> str | None:
    """The module of ``known`` a dotted name is, or lies in ('paracite.pages.PageImage' →
    'paracite.pages')."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    """The dotted names an import statement brings in, relative imports resolved."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[:len(package) - node.level + 1]
        base = ".".join(package + ([node.module] if node.module else []))
    return [f"{base}.{a.name}" for a in node.names]


def _walk(node: ast.AST, lazy: bool = False) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, lazy
        inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        yield from _walk(child, inner)


def imports(src: Path, package: str = "paracite") -> list[Import]:
    """Every import of one of the package's modules by another, in file and line order."""
    known = modules(src, package)
    found = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, lazy in _walk(tree):
            for name in _targets(node, module, path.name == "__init__.py"):
                if name != package and not name.startswith(package + "."):
                    continue
                target = _owner(name, known)
                if target and target != module:
                    shown = path.relative_to(src.parent).as_posix()
                    found.append(Import(module, target, shown, node.lineno, lazy))
    return found


def part(module: str, floor_of: dict[str, int] = FLOOR_OF) -> str:
    """The part of paracite a module belongs to: the longest name in ``floor_of`` it is
    or lies in, else its sub-package or top-level module ('paracite.text.query' → 'text')."""
    names = module.split(".")[1:]
    for n in range(len(names), 0, -1):
        if ".".join(names[:n]) in floor_of:
            return ".".join(names[:n])
    return names[0] if names else module


def cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """One cycle (a → … → a) for every strongly connected group of two or more nodes."""
    graph: dict[str, set[str]] = defaultdict(set)
    for a, b in edges:
        if a != b:
            graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(v: str) -> None:  # Tarjan
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_loop(graph, group) for group in groups]


def _loop(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest path from the group's first node back to itself, within the group."""
    start = min(group)
    came: dict[str, str] = {}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(graph[v] & group):
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(came[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if w not in came:
                came[w] = v
                todo.append(w)
    raise AssertionError(f"{group} is not strongly connected")


def describe(loop: list[str], sites: dict[tuple[str, str], Import]) -> str:
    return "\n".join(f"  {a} → {b}  ({sites[a, b].where})"
                     for a, b in zip(loop, loop[1:], strict=False))


def upward(found: Iterable[Import], floor_of: dict[str, int] = FLOOR_OF) -> list[str]:
    """Every import of a part of a higher floor, or of a part that has no floor."""
    wrong = []
    for imp in found:
        mine, theirs = part(imp.module, floor_of), part(imp.target, floor_of)
        if mine not in floor_of or theirs not in floor_of:
            wrong.append(f"{imp.where}: {mine if mine not in floor_of else theirs} "
                         f"has no floor: put it in FLOORS")
        elif floor_of[theirs] > floor_of[mine]:
            wrong.append(f"{imp.where}: {imp.module} ({mine}, floor {floor_of[mine]}) "
                         f"imports {imp.target} ({theirs}, floor {floor_of[theirs]}), "
                         f"a higher floor")
    return wrong


def public_names(init: Path) -> set[str]:
    """``__all__`` of a package's __init__.py, read without importing it."""
    for node in ast.parse(init.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{init} has no __all__")


def private_uses(ui: Path, public: set[str]) -> list[str]:
    """Every import in ``ui`` of paracite that is not ``from paracite import NAME`` with
    NAME public, and every relative import that climbs out of the ui package (installed,
    ui/ is paracite/ui: ``from .. import x`` reaches into paracite)."""
    wrong = []
    for path in sorted(ui.rglob("*.py")):
        for node, _ in _walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            at = f"{path.relative_to(ui.parent).as_posix()}:{node.lineno}"
            if isinstance(node, ast.Import):
                wrong += [f"{at}: import {a.name}: only `from paracite import NAME`"
                          for a in node.names if a.name.split(".")[0] == "paracite"]
            elif node.level > 1 + len(path.parent.relative_to(ui).parts):
                wrong.append(f"{at}: a relative import out of the ui package")
            elif node.level == 0 and (node.module or "").split(".")[0] == "paracite":
                if node.module != "paracite":
                    wrong.append(f"{at}: from {node.module} import …: only the public API, "
                                 f"`from paracite import NAME`")
                wrong += [f"{at}: {a.name} is not in paracite.__all__" for a in node.names
                          if node.module == "paracite" and a.name not in public]
    return wrong


@pytest.fixture(scope="module")
def found() -> list[Import]:
    return imports(SRC)


def test_no_module_of_paracite_imports_one_that_imports_it_back(found):
    sites = {}
    for imp in found:
        sites.setdefault((imp.module, imp.target), imp)
    loops = cycles(sites)
    assert not loops, "import cycles between modules:\n" + "\n\n".join(
        describe(loop, sites) for loop in loops)


def test_no_part_of_paracite_imports_one_that_imports_it_back(found):
    sites = {}
    for imp in found:
        sites.setdefault((part(imp.module), part(imp.target)), imp)
    loops = cycles(sites)
    assert not loops, "import cycles between parts (sub-packages):\n" + "\n\n".join(
        describe(loop, sites) for loop in loops)


def test_every_part_imports_only_from_its_own_floor_or_lower_ones(found):
    parts = {part(m) for m in modules(SRC)}
    assert not parts - set(FLOOR_OF), f"parts without a floor: {sorted(parts - set(FLOOR_OF))}"
    assert not set(FLOOR_OF) - parts, f"floors name no such part: {set(FLOOR_OF) - parts}"
    wrong = upward(found)
    assert not wrong, "imports from a higher floor:\n" + "\n".join(wrong)


def test_the_ui_imports_only_names_of_paracites_public_api():
    public = public_names(SRC / "paracite" / "__init__.py")
    assert {"Assistant", "PageImage"} <= public
    wrong = private_uses(UI, public)
    assert not wrong, "the UI uses more than paracite's public API:\n" + "\n".join(wrong)


# -- the checks themselves find what they are for ------------------------------------------
def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_the_checks_find_a_lazy_cycle_an_upward_import_and_a_private_ui_import(tmp_path):
    write(tmp_path / "src", {
        "paracite/__init__.py": "from paracite.top import Thing\n__all__ = ['Thing']\n",
        "paracite/top.py": "from paracite.low import base\n\nThing = 1\n",
        "paracite/low/__init__.py": "",
        "paracite/low/base.py": "def f():\n    from ..top import Thing\n    return Thing\n",
        "paracite/low/other.py": "from . import base\n",
    })
    write(tmp_path / "ui", {
        "__init__.py": "", "a.py": "from paracite import Thing, helper\nfrom .b import x\n",
        "b.py": "import paracite.top\nfrom paracite.low import base\nfrom .. import top\n"})
    found = imports(tmp_path / "src")
    assert {(i.module, i.target, i.lazy) for i in found} == {
        ("paracite", "paracite.top", False), ("paracite.top", "paracite.low.base", False),
        ("paracite.low.base", "paracite.top", True),
        ("paracite.low.other", "paracite.low.base", False)}
    assert cycles((i.module, i.target) for i in found) == [
        ["paracite.low.base", "paracite.top", "paracite.low.base"]]
    floors = {"low": 0, "top": 1, "paracite": 1}
    [wrong] = upward(found, floors)
    assert "paracite.low.base (low, floor 0) imports paracite.top (top, floor 1)" in wrong
    assert wrong.startswith("src/paracite/low/base.py:2 (inside a function): ")
    said = private_uses(tmp_path / "ui", {"Thing"})
    assert [s.split(": ", 1)[0] for s in said] == ["ui/a.py:1", "ui/b.py:1", "ui/b.py:2",
                                                   "ui/b.py:3"]
    assert "helper is not in paracite.__all__" in said[0]
