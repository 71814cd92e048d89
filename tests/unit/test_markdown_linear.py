"""Inline Markdown is read by markdown-it-py (CommonMark), the ATX heading by a scanner that
prints exactly what the regular expression it replaced printed (on short generated text,
where that pattern's backtracking costs nothing). The old inline patterns scanned to the
end of the text from every "[", "<" or "*" (40 KB of "[" took 22 s);
tests/unit/test_parser_limits.py checks the growth.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paracite.parsing.markdown import _heading
from paracite.text.markup import clean_inline
from tests.conftest import examples

OLD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MARKUP = st.text(alphabet="[]()*<>/^_#ab Z1\t\n\u00a0", max_size=40)
SETTINGS = settings(max_examples=examples(1000), deadline=None)


@SETTINGS
@given(st.text(alphabet="ab Z1.,;:/()-#^\u00a0", max_size=60))
def test_text_without_inline_syntax_is_printed_as_it_is(text):
    assert clean_inline(text) == re.sub(r"[ \t]+", " ", text).strip()


@SETTINGS
@given(MARKUP)
def test_inline_cleaning_only_takes_characters_away(text):
    """Syntax is dropped, never invented: every printed character is in the text, in order
    (footnote references aside, which become superscripts)."""
    out = clean_inline(text.replace("^", ""))
    rest = iter(text.replace("^", ""))
    assert all(ch == " " or any(ch == c for c in rest) for ch in out)


@pytest.mark.parametrize(("text", "printed"), [
    ("See **the report** of the *Committee* [A/80/1](https://undocs.org/A/80/1), "
     "<sup>4</sup> and note[^12].", "See the report of the Committee A/80/1, 4 and note¹²."),
    ("__Decides__ to _continue_ its work", "Decides to continue its work"),
    ("E/CN.15/2011/19 and snake_case_word", "E/CN.15/2011/19 and snake_case_word"),
    ("the `code` span and \\*escaped\\* stars", "the code span and *escaped* stars"),
    ("Fish &amp; chips, ![the logo](logo.png) here", "Fish & chips, the logo here"),
    ("2*3 = 6 but a * b", "2*3 = 6 but a * b"),
    ("[unclosed link and <unclosed tag", "[unclosed link and <unclosed tag"),
])
def test_real_markup_is_printed_as_its_words(text, printed):
    assert clean_inline(text) == printed


@SETTINGS
@given(st.text(alphabet="# \tab#\u2003", max_size=20))
def test_heading_reader_matches_the_old_heading_pattern(line):
    stripped = line.strip()
    m = OLD_HEADING.match(stripped)
    assert _heading(stripped) == ((len(m.group(1)), m.group(2)) if m else None)
