"""Property tests of the structure parser (Markdown/text → blocks → passages).

1. On any text at all it never crashes, and every passage it makes has text.
2. No text is lost or doubled: every letter and digit of the input (Markdown syntax, link
   targets and the blank lines of page breaks aside) is in exactly one place of the output:
   a passage's text, one of its footnotes, or the heading its section names (each heading
   counted once). Annex tables are the documented exception (header cells and carried-down
   dates repeat in every row on purpose) and are left out of this property, as are two
   identical headings in one file (a passage's section names the heading by its text, so
   the two cannot be told apart there).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paracite.documents import DocumentInfo
from paracite.parsing.markdown import parse_markdown_text
from paracite.parsing.un_structure import recover
from tests.conftest import examples

INFO = DocumentInfo(id="t", title="T", source="t.md")
SETTINGS = settings(max_examples=examples(300), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def parse(text: str):
    return recover(parse_markdown_text(text).blocks, INFO, infer_pages=True)


def alnum(text: str) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def output_chars(passages) -> Counter:
    out: Counter = Counter()
    headings: set[str] = set()
    for p in passages:
        out += alnum(p.text)
        for f in p.footnotes:
            out += alnum(f.marker) + alnum(f.text)
        headings.update(h for h in p.section.split(" > ") if h)
    for h in headings:
        out += alnum(h)
    return out


@SETTINGS
@given(st.text(max_size=3000))
def test_any_text_at_all_never_crashes(text):
    for p in parse(text):
        assert p.text.strip()


# Records-like documents: the shapes the parser has rules for, in any order and number.
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéü0123456789",
               min_size=1, max_size=10)
SENTENCE = st.lists(WORD, min_size=1, max_size=14).map(" ".join).map(lambda s: s + ".")
PUNCT = st.sampled_from([".", ",", ";", ":", " (", ") ", " –", "?", ""])


@st.composite
def block(draw, n: int) -> str:
    kind = draw(st.sampled_from(["numbered", "plain", "heading", "bold", "list", "footnote",
                                 "lower", "link", "break", "quoted"]))
    words = draw(st.lists(WORD, min_size=1, max_size=12))
    words.insert(len(words) // 2, f"u{n}")  # no two blocks alike (see the module note)
    text = " ".join(w + draw(PUNCT) for w in words).strip()
    if kind == "numbered":
        return f"{draw(st.integers(1, 80))}. {text}"
    if kind == "heading":
        return "#" * draw(st.integers(1, 3)) + " " + draw(st.sampled_from(
            ["I. ", "II. ", "A. ", "B. ", "Annex ", ""])) + text
    if kind == "bold":
        return f"**{text}**"
    if kind == "list":
        return "\n".join(f"{draw(st.sampled_from(['-', '(a)', '(b)', '1.', '2.']))} {w}"
                         for w in draw(st.lists(SENTENCE, min_size=1, max_size=4)))
    if kind == "footnote":
        return f"{draw(st.sampled_from(['¹', '²', '³', '¹⁰']))} {text}"
    if kind == "lower":
        return text.lower()
    if kind == "link":
        return f"See [{text}](https://example.org/{draw(WORD)}) for details."
    if kind == "break":
        return draw(st.sampled_from(["", "\n", "\n\n"]))
    if kind == "quoted":
        return f"“{text}”"
    return text


def without_link_targets(text: str) -> str:
    return re.sub(r"\]\([^)]*\)", "]", text)


DOCUMENT = st.integers(1, 25).flatmap(
    lambda n: st.tuples(*(block(i) for i in range(n)))).map("\n\n".join)


@SETTINGS
@given(DOCUMENT)
def test_no_text_is_lost_or_doubled(document):
    passages = parse(document)
    assert output_chars(passages) == alnum(without_link_targets(document))


@SETTINGS
@given(DOCUMENT)
def test_passages_are_in_reading_order_with_unique_ids(document):
    passages = parse(document)
    assert [p.order for p in passages] == list(range(len(passages)))
    assert len({p.id for p in passages}) == len(passages)
    assert len({(p.paragraph, p.section) for p in passages}) == len(passages)
