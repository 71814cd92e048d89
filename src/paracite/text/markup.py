"""Inline Markdown and HTML to the words as they are printed ('**Chair**' → 'Chair').

Used by the Markdown parser on every line it keeps, and by whatever else reads Markdown
text (the evals' LangChain-recipe baseline): the words layer, with no knowledge of blocks.

The inline syntax is CommonMark's, read by markdown-it-py (the parser gradio ships with):
emphasis of either mark, links and images (their text kept), code spans, backslash escapes,
entities and inline HTML tags (dropped). Its inline rules take time linear in the text, so
"[" or "*" without a closer cannot make it scan to the end of the text from every mark
(tests/unit/test_parser_limits.py measures it). Footnote references ("[^12]") are ours:
they become superscript digits, as the PDF parser prints them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from paracite.text.un_patterns import to_superscript

_MD_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\]")
_SPACES = re.compile(r"[ \t]+")
_SYNTAX = frozenset("*_[]<>`\\&!")  # text without any of these is printed as it is
_KEPT = frozenset({"text", "code_inline"})  # tokens whose content is printed words


@cache
def _inline() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def _printed(tokens: list[Any]) -> str:
    out: list[str] = []
    for tok in tokens:
        if tok.type in _KEPT:
            out.append(tok.content)
        elif tok.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif tok.type == "image":  # an image prints its alternative text
            out.append(_printed(tok.children or []))
    return "".join(out)


def clean_inline(text: str) -> str:
    """Strip Markdown/HTML syntax, keeping the words as they are printed.

    >>> clean_inline("See **the report** of the *Committee* [A/80/1](https://undocs.org)")
    'See the report of the Committee A/80/1'
    >>> clean_inline("<sup>4</sup> note[^12] and snake_case_word")
    '4 note¹² and snake_case_word'
    """
    text = _MD_FOOTNOTE_REF.sub(lambda m: to_superscript(m.group(1)), text)
    if not _SYNTAX.isdisjoint(text):
        tokens = _inline().parseInline(text)
        text = _printed(tokens[0].children or []) if tokens else text
    return _SPACES.sub(" ", text).strip()
