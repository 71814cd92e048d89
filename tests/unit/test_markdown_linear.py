"""The linear-time Markdown scanners print exactly what the regular expressions they replace
printed (on short generated text, where those patterns' backtracking costs nothing).

The old patterns are kept here as the oracle: r"\\[([^\\]]*)\\]\\([^)]*\\)" (links),
r"</?[a-zA-Z][^>]*>" (HTML tags), r"(\\*\\*|\\*)(?=\\S)(.+?)(?<=\\S)\\1" (emphasis) and the
ATX heading pattern. They scanned to the end of the text from every "[", "<" or "*" (40 KB
of "[" took 22 s); tests/unit/test_parser_limits.py checks the growth.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from paracite.parsing.markdown import _heading
from paracite.text.markup import _MD_FOOTNOTE_REF as FOOTNOTE_REF
from paracite.text.markup import (
    _strip_emphasis,
    _strip_html_tags,
    _strip_links,
    clean_inline,
)
from paracite.text.un_patterns import to_superscript
from tests.conftest import examples

OLD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
OLD_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
OLD_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1")
OLD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def old_clean_inline(text: str) -> str:
    text = OLD_LINK.sub(r"\1", text)
    text = OLD_HTML_TAG.sub("", text)
    text = OLD_EMPHASIS.sub(r"\2", text)
    text = FOOTNOTE_REF.sub(lambda m: to_superscript(m.group(1)), text)
    return re.sub(r"[ \t]+", " ", text).strip()


MARKUP = st.text(alphabet="[]()*<>/^_#ab Z1\t\n\u00a0", max_size=40)
SETTINGS = settings(max_examples=examples(1000), deadline=None)


@SETTINGS
@given(MARKUP)
def test_link_scanner_matches_the_old_link_pattern(text):
    assert _strip_links(text) == OLD_LINK.sub(r"\1", text)


@SETTINGS
@given(MARKUP)
def test_tag_scanner_matches_the_old_html_tag_pattern(text):
    assert _strip_html_tags(text) == OLD_HTML_TAG.sub("", text)


@SETTINGS
@given(MARKUP)
def test_emphasis_scanner_matches_the_old_emphasis_pattern(text):
    assert _strip_emphasis(text) == OLD_EMPHASIS.sub(r"\2", text)


@SETTINGS
@given(MARKUP)
def test_clean_inline_prints_the_same_words_as_before(text):
    assert clean_inline(text) == old_clean_inline(text)


@SETTINGS
@given(st.text(alphabet="# \tab#\u2003", max_size=20))
def test_heading_reader_matches_the_old_heading_pattern(line):
    stripped = line.strip()
    m = OLD_HEADING.match(stripped)
    assert _heading(stripped) == ((len(m.group(1)), m.group(2)) if m else None)


def test_real_markup_is_stripped_as_before():
    text = ("See **the report** of the *Committee* [A/80/1](https://undocs.org/A/80/1), "
            "<sup>4</sup> and note[^12].")
    assert clean_inline(text) == old_clean_inline(text) == (
        "See the report of the Committee A/80/1, 4 and note¹².")
