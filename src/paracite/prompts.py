"""Prompt templates are files in ``prompts/``, loaded by name, variables checked at load.

In an installed paracite the files are package data (``paracite/prompts/``); in a source
checkout they are read from the top-level ``prompts/`` folder.
"""

from __future__ import annotations

import contextlib
import string
from functools import cache
from importlib import resources
from pathlib import Path

from paracite.errors import ConfigError

# The variables each prompt must use, exactly: a template that misses one or adds one is
# a bug caught at load time, not a silently wrong prompt.
VARIABLES: dict[str, frozenset[str]] = {
    "answer.system": frozenset({"refusal", "max_sentences"}),
    "answer.user": frozenset({"passages", "question"}),
    "condense": frozenset({"history", "question"}),
    "mixed.system": frozenset({"refusal"}),
    "mixed.user": frozenset({"statements", "question"}),
}


def _candidates(name: str) -> list[Path]:
    out = []
    with contextlib.suppress(ModuleNotFoundError, TypeError):
        out.append(Path(str(resources.files("paracite") / "prompts" / f"{name}.txt")))
    out.append(Path(__file__).resolve().parents[2] / "prompts" / f"{name}.txt")
    return out


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@cache
def load(name: str) -> str:
    """The template text of prompt ``name``, checked against its declared variables.

    >>> sorted(fields(load("condense")))
    ['history', 'question']
    """
    path = next((p for p in _candidates(name) if p.is_file()), None)
    if path is None:
        raise ConfigError(f"prompt {name!r} not found (looked in "
                          f"{', '.join(str(p) for p in _candidates(name))})")
    text = path.read_text(encoding="utf-8")
    expected = VARIABLES.get(name)
    if expected is not None and fields(text) != expected:
        raise ConfigError(f"prompt {path} uses {sorted(fields(text))}, "
                          f"expected {sorted(expected)}")
    return text


def render(name: str, **values: object) -> str:
    return load(name).format(**values)
