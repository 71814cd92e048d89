"""Inline Markdown and HTML to the words as they are printed ('**Chair**' → 'Chair').

Used by the Markdown parser on every line it keeps, and by whatever else reads Markdown
text (the evals' LangChain-recipe baseline): the words layer, with no knowledge of blocks.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from paracite.text.un_patterns import to_superscript

_MD_FOOTNOTE_REF = re.compile(r"\[\^(\d+)\]")
_SPACES = re.compile(r"[ \t]+")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Inline Markdown is stripped by the single-pass scanners below, not by regular expressions:
# "[" without "]", "<a" without ">" or "*" without a closing "*" made the obvious patterns
# (r"\[([^\]]*)\]\([^)]*\)", r"</?[a-zA-Z][^>]*>", r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1") scan
# to the end of the text from every opening mark: 40 KB of "[" took 22 s. Each scanner
# gives exactly what its pattern's ``re.sub`` gave (tests/unit/test_markdown_linear.py
# compares them on generated text), in time linear in the text.


def _strip_links(text: str) -> str:
    """'[words](target)' → 'words'."""
    if "](" not in text:
        return text
    out: list[str] = []
    pos = 0
    close = paren = -1  # the next "]" and ")" found so far: each search goes forward only
    i = text.find("[")
    while i != -1:
        if close <= i:
            close = text.find("]", i + 1)
            if close == -1:
                break
        if text.startswith("(", close + 1):
            if paren <= close + 1:
                paren = text.find(")", close + 2)
                if paren == -1:  # no ")" left: no link can close
                    break
            out += (text[pos:i], text[i + 1:close])
            pos = paren + 1
            i = text.find("[", pos)
        else:
            i = text.find("[", i + 1)
    out.append(text[pos:])
    return "".join(out)


def _strip_html_tags(text: str) -> str:
    """'<sup>4</sup>' → '4': a '<' (or '</') and a letter open a tag, the next '>' ends it."""
    if "<" not in text or ">" not in text:
        return text
    out: list[str] = []
    pos = 0
    gt = -1
    i = text.find("<")
    while i != -1:
        j = i + 2 if text.startswith("/", i + 1) else i + 1
        if j < len(text) and text[j] in _ASCII_LETTERS:
            if gt <= j:
                gt = text.find(">", j + 1)
                if gt == -1:
                    break
            out.append(text[pos:i])
            pos = gt + 1
            i = text.find("<", pos)
        else:
            i = text.find("<", i + 1)
    out.append(text[pos:])
    return "".join(out)


def _strip_emphasis(text: str) -> str:
    """'**bold**' → 'bold', '*it*' → 'it': a '**' or '*' before a non-space, closed by the
    first same mark after a non-space on the same line."""
    if "*" not in text:
        return text
    n = len(text)
    stars = [k for k, c in enumerate(text) if c == "*"]
    # where a closing mark may stand: right after a non-space character
    close1 = [k for k in stars if k and not text[k - 1].isspace()]
    close2 = [k for k in close1 if k + 1 < n and text[k + 1] == "*"]
    out: list[str] = []
    pos = 0
    newline = -1  # the next "\n" at or after the current content start
    for i in stars:
        if i < pos:
            continue
        for mark, closers in (("**", close2), ("*", close1)):
            if not text.startswith(mark, i):
                continue
            s = i + len(mark)
            if s >= n or text[s].isspace():
                continue
            k = bisect_left(closers, s + 1)
            if k == len(closers):
                continue
            e = closers[k]
            if newline < s:
                newline = text.find("\n", s)
                if newline == -1:
                    newline = n
            if e >= newline:
                continue
            out += (text[pos:i], text[s:e])
            pos = e + len(mark)
            break
    out.append(text[pos:])
    return "".join(out)


def clean_inline(text: str) -> str:
    """Strip Markdown/HTML syntax, keeping the words as they are printed."""
    text = _strip_links(text)
    text = _strip_html_tags(text)
    text = _strip_emphasis(text)
    text = _MD_FOOTNOTE_REF.sub(lambda m: to_superscript(m.group(1)), text)
    return _SPACES.sub(" ", text).strip()
