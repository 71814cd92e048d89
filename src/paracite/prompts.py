"""Prompt templates are files in ``prompts/``, loaded by name, variables checked at load,
and given to the answerers as LangChain ``ChatPromptTemplate``s (:func:`template`).

A prompt is one file (``condense.txt``: one human message) or a pair (``answer.system.txt``
and ``answer.user.txt``: a system message, then a human one). The files are package data,
``paracite/prompts/`` beside this module, so an installed paracite has them; the checkout's
top-level ``prompts/`` is a link to that folder.
"""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from paracite.errors import ConfigError

if TYPE_CHECKING:
    from langchain_core.prompts import ChatPromptTemplate

# The variables each prompt must use, exactly: a template that misses one or adds one is
# a bug caught at load time, not a silently wrong prompt.
VARIABLES: dict[str, frozenset[str]] = {
    "answer.system": frozenset({"refusal", "max_sentences"}),
    "answer.user": frozenset({"passages", "question"}),
    "condense": frozenset({"history", "question"}),
    "mixed.system": frozenset({"refusal"}),
    "mixed.user": frozenset({"statements", "question"}),
}


FOLDER = Path(__file__).with_name("prompts")


def path(name: str) -> Path:
    """The file of prompt ``name``."""
    return FOLDER / f"{name}.txt"


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


@cache
def load(name: str) -> str:
    """The template text of prompt ``name``, checked against its declared variables.

    >>> sorted(fields(load("condense")))
    ['history', 'question']
    """
    file = path(name)
    if not file.is_file():
        raise ConfigError(f"prompt {name!r} not found (looked for {file})")
    text = file.read_text(encoding="utf-8")
    expected = VARIABLES.get(name)
    if expected is not None and fields(text) != expected:
        raise ConfigError(f"prompt {path} uses {sorted(fields(text))}, "
                          f"expected {sorted(expected)}")
    return text


def _exists(name: str) -> bool:
    return path(name).is_file()


@cache
def template(name: str) -> ChatPromptTemplate:
    """Prompt ``name`` as a chat prompt: the system and user messages of
    ``<name>.system.txt`` and ``<name>.user.txt``, or the one user message of
    ``<name>.txt``; its input variables are those the files declare (checked by
    :func:`load`). Rendered, it gives the messages ``str.format`` of the files gives.

    >>> t = template("answer")
    >>> [type(m).__name__ for m in t.messages]
    ['SystemMessagePromptTemplate', 'HumanMessagePromptTemplate']
    >>> sorted(t.input_variables)
    ['max_sentences', 'passages', 'question', 'refusal']
    >>> template("condense").format_messages(history="Q: a", question="and c?")[0].type
    'human'
    """
    from langchain_core.prompts import ChatPromptTemplate

    if _exists(f"{name}.system") or _exists(f"{name}.user"):
        parts = [("system", load(f"{name}.system")), ("human", load(f"{name}.user"))]
    else:
        parts = [("human", load(name))]
    return ChatPromptTemplate.from_messages(parts, template_format="f-string")
