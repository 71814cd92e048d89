"""Limits of the parsers on hostile or unusual input (generated here; no model is loaded).

1. Text cleaning and structure recovery take time linear in the input: for each
   pathological shape (long runs of "[", "*", "<a", spaces …, restarting numbered
   paragraphs, thousands of footnotes) the time on 4n characters is compared with the time
   on n (the best of 3 runs each): linear work grows about 4 times, quadratic 16 times.
2. Paragraph numbers of any length: 1000 follows 999, in Markdown and in PDFs; a year
   opening a line is not taken for a paragraph.
3. A passage longer than ``max_chars`` is split at sentence ends into "N", "N (part 2)" …,
   losing and doubling nothing.
4. Unicode format characters (zero-width spaces, bidi marks, soft hyphens …) are removed
   before structure is read, in Markdown and PDFs.

PDFs with too many pages or streams that inflate past the budget: tests/unit/test_pdf_limits.py.
"""

from __future__ import annotations

import gc
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paracite.documents import DocumentInfo
from paracite.parsing.blocks import Block
from paracite.parsing.markdown import parse_markdown_text
from paracite.parsing.un_structure import recover
from tests.conftest import examples

INFO = DocumentInfo(id="t", title="T", source="t.md")
GROWTH = 8.0  # linear work on 4n characters takes ~4 times as long, quadratic ~16 times


def parse(text: str, **kw):
    return recover(parse_markdown_text(text).blocks, INFO, infer_pages=True, **kw)


def best_time(run, arg, repeat: int = 1) -> float:
    """The best of 3 timings of ``repeat`` runs of ``run(arg)`` (one timing when it is
    already slow: that is the failure being looked for, no need to wait three times)."""
    best = float("inf")
    # a collection falling in one run and not the other is noise: none runs while timing.
    # (No gc.collect() first: in a process that has loaded torch and gradio, as the whole
    # suite's has, one takes 0.3 s, three a growth test, and times nothing.)
    gc.disable()
    try:
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(repeat):
                run(arg)
            best = min(best, time.perf_counter() - t0)
            if best > 2.0:
                break
    finally:
        gc.enable()
    return best


# Sizes: the smallest n at which a known quadratic variant, run through growth(), still
# took more than GROWTH times as long on 4n (measured on this 2-core machine, variants
# patched in-process; linear runs measured 3-6x at every size):
# - a backtracking regex (the old link pattern, the non-possessive sentence-end pattern):
#   12x at n = 2,000, 14x at 5,000 and 20,000 → MARKS = 5,000 for marks and single lines;
# - work in C on a growing list or string (joining every part of the paragraph on each
#   block added, the bug fixed in _Draft.tail): 6.7x at 5,000, 8.2x at 10,000, 9.5x at
#   20,000 on list lines → LINES = 20,000 for the shapes of many lines (and no less);
# - a label scan over the passages so far: 6.8x at 2,000 paragraphs, 9x at 5,000 →
#   PARAGRAPHS = 5,000 for the restarting numbering.
MARKS = 5_000
LINES = 20_000
PARAGRAPHS = 5_000


def growth(make, n: int = MARKS, run=None) -> float:
    """How much longer ``run`` (parse + recover, passages not split: a split would hide
    work quadratic in a passage's length) takes on ``make(4 * n)`` than on ``make(n)``.

    A fast run is repeated (as often on both sizes) so that each timing lasts some 15 ms:
    the scheduler's noise on a millisecond is not growth. A ratio over the bound is
    measured once more, and the smaller ratio counts (quadratic work fails both times)."""
    run = run or (lambda text: parse(text, max_chars=0))
    small_text, big_text = make(n), make(4 * n)
    ratios = []
    for _ in range(2):
        once = best_time(run, small_text)
        repeat = max(1, min(50, int(0.015 / max(once, 1e-5))))
        small = best_time(run, small_text, repeat) if repeat > 1 else once
        ratios.append(best_time(run, big_text, repeat) / max(small, 1e-5))
        if ratios[-1] < GROWTH:
            break
    return min(ratios)


def run_of(unit: str, prefix: str = "x ", suffix: str = " end."):
    return lambda size: prefix + unit * (size // len(unit)) + suffix


PATHOLOGICAL = {
    # inline Markdown: an opening mark that never closes
    "brackets": run_of("["),
    "brackets at line start": run_of("[", prefix=""),
    "link openings": run_of("[a]("),
    "bracket-paren": run_of("]("),
    "footnote refs": run_of("[^"),
    "stars": run_of("*"),
    "star words": run_of("*a "),
    "bold openings": run_of("**a"),
    "bold words": run_of("**a "),
    "tag openings": run_of("<a"),
    "underscores": run_of("_"),
    "backslashes": run_of("\\"),
    "tabs": run_of("\t"),
    "digits and dots": run_of("1."),
    "numbered starts": run_of("1. ", prefix=""),
    "spaces": run_of(" "),
    "hashes": run_of("#"),
    # heading lines: r"^(#{1,6})\s+(.*?)\s*#*\s*$" was cubic on these
    "heading of spaces": run_of(" ", prefix="# a", suffix="x"),
    "heading of hashes": run_of("#", prefix="# ", suffix="x"),
    "heading of space-hashes": run_of(" #", prefix="# a", suffix="x"),
    "bold line": run_of("a**", prefix="**", suffix="x"),
    "footnote body of spaces": run_of(" ", prefix="¹", suffix=""),
    "symbols": run_of("A/", prefix=""),
    "dates": run_of("1 May ", prefix=""),
    "full stop then spaces": run_of(" ", prefix="a.", suffix="b"),
    # many lines: the paragraph being built was copied for each line added to it
    "list lines under one paragraph": lambda size: "1. Intro:\n" + "- x\n" * (size // 4),
    "hard-wrapped lines": lambda size: "1. Start\n" + "more words\n" * (size // 11),
    "lower-case continuations": lambda size: "1. Start\n\n" + "".join(
        f"and more {i}\n\n" for i in range(size // 14)),
    "footnotes": lambda size: "".join(f"Text {i}¹.\n¹ Note {i}.\n\n"
                                      for i in range(size // 20)),
    "word footnotes": lambda size: "".join(f"Text {i} [^n{i}].\n\n[^n{i}]: Note {i}.\n\n"
                                           for i in range(size // 30)),
    "a 1 MB single line": lambda size: "1. " + "word, " * (size * 12 // 6),
    # pipe tables (markdown-it-py finds them): many rows, a wide header, escaped pipes
    "pipe table rows": lambda size: "| a | b |\n|---|---|\n" + "| x | y |\n" * (size // 10),
    "pipe rows without a delimiter": lambda size: "| x | y |\n" * (size // 10),
    "a wide pipe table": lambda size: "".join(u * (size // 6) + "|\n" for u in ("|a", "|-", "|b")),
    "escaped pipes": lambda size: "| a |\n|---|\n| " + "\\|" * (size // 2) + " |\n",
    "pipes": run_of("|"),
}


# shapes of many lines (or one 1 MB line, as named): measured at LINES, the rest at MARKS
MANY_LINES = {"list lines under one paragraph", "hard-wrapped lines", "lower-case continuations",
              "footnotes", "word footnotes", "a 1 MB single line", "pipe table rows",
              "pipe rows without a delimiter"}


def size(shape: str) -> int:
    return LINES if shape in MANY_LINES else MARKS


@pytest.mark.parametrize("shape", list(PATHOLOGICAL))
def test_markdown_cleaning_and_recovery_grow_linearly_on_pathological_text(shape):
    ratio = growth(PATHOLOGICAL[shape], n=size(shape))
    assert ratio < GROWTH, f"{shape}: 4x the input took {ratio:.1f}x the time"


@pytest.mark.parametrize("shape", ["brackets", "footnote refs", "star words", "footnotes",
                                   "word footnotes", "a 1 MB single line"])
def test_splitting_long_passages_grows_linearly_too(shape):
    ratio = growth(PATHOLOGICAL[shape], n=size(shape),
                   run=lambda text: parse(text, max_chars=12000))
    assert ratio < GROWTH, f"{shape}: 4x the input took {ratio:.1f}x the time"


def pdf_line_rules():
    from paracite.parsing import cover, pdf, pdf_footnotes
    from paracite.parsing.layout import Line
    from paracite.text import un_patterns as un

    def masthead(s: str) -> list[Line]:
        return [Line(s, 1, 60, 706, 20), Line("Distr.: General", 1, 397, 705, 10),
                Line(s, 1, 60, 568, 12), Line("Report of the " + s, 1, 123, 500, 14)]

    return {  # what each rule is given, and the rule
        "sentence end then spaces": (lambda n: "a." + " " * n + "b",
                                     lambda s: pdf._CLOSED.search(s)),
        "hyphenated long word": (lambda n: "a" * n + "1 b-",
                                 lambda s: pdf._join(s, "tion", frozenset())),
        "many glued markers": (lambda n: "word1, " * (n // 7),
                               lambda s: pdf_footnotes.glued_markers(s, {"1"}, {"1"})),
        "capitals before a marker": (lambda n: "word1 " + "A" * n + ".1",
                                     lambda s: pdf_footnotes.glued_markers(s, {"1"}, {"1"})),
        "symbol-like cover line": (lambda n: "A/" + "B-C/" * (n // 4) + "!",
                                   lambda s: cover.document_symbol(s)),
        "symbol-like footer": (lambda n: "A/" + "B-" * (n // 2), lambda s: un.is_noise(s, None)),
        "masthead of spaces": (lambda n: "General Assembly" + " " * n + "x",
                               lambda s: cover.issuing_body(masthead(s), "Report of the " + s,
                                                            3, 10.0, 123.0)),
        "masthead of name words": (lambda n: "Committee " + "of the " * (n // 7),
                                   lambda s: cover.issuing_body(masthead(s), None, 3, 10.0,
                                                                123.0)),
        "title of words": (lambda n: "Report of the " + "a " * (n // 2),
                           lambda s: cover.title([s, s], None)),
        "session days": (lambda n: "(" + "1–" * (n // 2) + "x",
                         lambda s: cover.cover_date([Line(s, 1, 60, 500, 20)])),
        "session places": (lambda n: "A, " * (n // 3) + "1 May 2025 x",
                           lambda s: cover.cover_date([Line(s, 1, 60, 500, 20)])),
        "held without dates": (lambda n: "held on " + "1 and " * (n // 6) + "x",
                               lambda s: cover.cover_date([Line(s, 1, 60, 500, 10)])),
    }


@pytest.mark.parametrize("rule", list(pdf_line_rules()))
def test_pdf_line_rules_grow_linearly_on_pathological_lines(rule):
    make, run = pdf_line_rules()[rule]
    ratio = growth(make, run=run)
    assert ratio < GROWTH, f"{rule}: 4x the line took {ratio:.1f}x the time"


def restarting(runs_of: int):
    """Numbered paragraphs whose numbering restarts every ``runs_of`` paragraphs."""
    def make(size: int) -> str:
        count = size // 24
        return "".join(f"{i % runs_of + 1}. Paragraph text {i}.\n\n" for i in range(count))
    return make


@pytest.mark.parametrize("runs_of", [2, 7])
def test_restarting_numbered_paragraphs_recover_in_linear_time_into_many_passages(runs_of):
    make = restarting(runs_of)
    # 5,000 and 20,000 paragraphs
    ratio = growth(make, n=PARAGRAPHS * 24)
    assert ratio < GROWTH, f"4x the paragraphs took {ratio:.1f}x the time"
    passages = parse(make(PARAGRAPHS * 24))
    assert len(passages) >= 100
    assert max(len(p.text) for p in passages) <= 12000


# -- 2. paragraph numbers of any length ---------------------------------------------------


def numbered_record(count: int, gap: str = "\n\n") -> str:
    return gap.join(f"{n}. The Committee considered item {n} of its agenda."
                    for n in range(1, count + 1)) + "\n"


@pytest.mark.parametrize("gap", ["\n\n", "\n"], ids=["blank lines", "consecutive lines"])
def test_a_record_of_1200_paragraphs_gives_1200_passages_numbered_1_to_1200(gap):
    passages = parse(numbered_record(1200, gap))
    assert [p.paragraph for p in passages] == [str(n) for n in range(1, 1201)]
    for n, p in enumerate(passages, 1):
        assert p.text == f"{n}. The Committee considered item {n} of its agenda."


def test_a_year_opening_a_line_is_not_a_paragraph_number():
    text = ("1. The Group met twice.\n\n"
            "2. Its report covers the years 2015 and 2016 in\n"
            "2017. The report was adopted.\n\n"
            "2017. The year saw new members join.\n\n"
            "3. The Group thanked the secretariat.\n")
    passages = parse(text)
    labels = [p.paragraph for p in passages]
    assert labels == ["1", "2", "¶1", "3"]
    assert passages[1].text.endswith("in 2017. The report was adopted.")
    assert passages[2].text == "2017. The year saw new members join."


def test_a_long_number_that_does_not_continue_the_sequence_is_no_paragraph():
    text = numbered_record(998) + "\n1000. Out of sequence.\n\n999. In sequence.\n"
    labels = [p.paragraph for p in parse(text)]
    assert labels[-2:] == ["¶1", "999"]


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory) -> Path:
    pytest.importorskip("fpdf")
    from tests.pdfgen import UNDoc, pdf_paragraph

    pdf = UNDoc("A/TEST/1000", "V.25-01000")
    pdf.add_page()
    for n in range(1, 1006):
        pdf.para(pdf_paragraph(n), size=8, gap=0.5)
    path = tmp_path_factory.mktemp("pdf") / "long.pdf"
    pdf.output(str(path))
    return path


def test_a_pdf_with_paragraphs_past_999_numbers_them_all(long_pdf):
    from paracite.parsing.pdf import parse_pdf
    from tests.pdfgen import pdf_paragraph

    passages = recover(parse_pdf(long_pdf).blocks, INFO)
    numbered = [p for p in passages if re.fullmatch(r"\d+", p.paragraph)]
    assert [p.paragraph for p in numbered] == [str(n) for n in range(1, 1006)]
    for p in numbered:
        assert p.text == pdf_paragraph(int(p.paragraph))


# -- 3. passage length limit ---------------------------------------------------------------


def sentences(count: int, start: int = 0) -> str:
    return " ".join(f"Sentence {i} of the long paragraph says something." for i in
                    range(start, start + count))


def alnum(text: str) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def all_chars(passages) -> Counter:
    out: Counter = Counter()
    for p in passages:
        out += alnum(p.text)
        for f in p.footnotes:
            out += alnum(f.marker) + alnum(f.text)
    return out


def test_a_passage_longer_than_max_chars_is_split_at_sentence_ends_into_labelled_parts():
    para = "12. " + sentences(600)  # ~31,000 characters
    text = numbered_record(11) + "\n# II. Findings\n\n" + para + "\n\n13. Short one.\n"
    whole = parse(text, max_chars=0)
    passages = parse(text, max_chars=12000)
    parts = [p for p in passages if p.paragraph.startswith("12")]
    assert [p.paragraph for p in parts] == ["12", "12 (part 2)", "12 (part 3)"]
    assert all(len(p.text) <= 12000 for p in parts)
    assert all(p.text.endswith("says something.") for p in parts)
    assert {(p.kind, p.section) for p in parts} == {("paragraph", "II. Findings")}
    assert "".join(p.text for p in parts).replace(" ", "") == para.replace(" ", "")
    assert all_chars(passages) == all_chars(whole)
    assert [p.order for p in passages] == list(range(len(passages)))
    assert len({p.id for p in passages}) == len(passages)
    assert passages[-1].paragraph == "13"


def test_text_without_sentence_ends_is_split_at_spaces_and_a_single_word_anywhere():
    words = "12. " + " ".join(f"word{i}" for i in range(5000))
    parts = parse(words, max_chars=1000)
    assert len(parts) > 30 and all(len(p.text) <= 1000 for p in parts)
    assert all(re.fullmatch(r"word\d+", p.text.split()[-1]) for p in parts[:-1])
    assert " ".join(p.text for p in parts) == words
    token = "x" * 25_000
    parts = parse(token, max_chars=12000)
    assert [len(p.text) for p in parts] == [12000, 12000, 1000]
    assert "".join(p.text for p in parts) == token


def test_a_footnote_stays_with_the_part_that_carries_its_marker():
    para = "5. " + sentences(300) + " The fund¹ closed. " + sentences(300, 300) + \
        " The board² met."
    text = "1. A.\n\n2. B.\n\n3. C.\n\n4. D.\n\n" + para + "\n¹ First note.\n² Second note.\n" \
        "³ A note without a marker.\n"
    parts = [p for p in parse(text, max_chars=12000) if p.paragraph.startswith("5")]
    assert len(parts) == 3
    where = {f.marker: n for n, p in enumerate(parts) for f in p.footnotes}
    assert where == {"1": 1, "2": 2, "3": 0}
    assert "fund¹" in parts[1].text and "board²" in parts[2].text


def test_split_parts_have_the_pages_and_source_offsets_of_their_text():
    # blocks as the PDF parser makes them: each block's text is the source's, and a
    # paragraph running over three pages comes as three blocks
    texts = [sentences(150), "and " + sentences(150, 150), "and " + sentences(150, 300)]
    texts[0] = "1. " + texts[0]
    source = "\n".join(texts)
    blocks, at = [], 0
    for page, t in enumerate(texts, 1):
        blocks.append(Block(t, page, at, at + len(t), page_break_before=page > 1))
        at += len(t) + 1
    parts = recover(blocks, INFO, max_chars=5000)
    assert len(parts) >= 5
    assert parts[0].paragraph == "1" and parts[1].paragraph == "1 (part 2)"
    for p in parts:
        assert " ".join(source[p.start:p.end].split()) == " ".join(p.text.split())
        pages = {n for n, t in enumerate(texts, 1)
                 if blocks[n - 1].start < p.end and p.start < blocks[n - 1].end}
        assert set(p.pages) == pages
    assert parts[0].pages == (1,) and parts[-1].pages == (3,)


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZé0123456789",
                min_size=1, max_size=12)
PARAGRAPH = st.tuples(
    st.sampled_from(["", "1. ", "2. ", "3. ", "- ", "¹ ", "# ", "a "]),
    st.lists(st.tuples(WORDS, st.sampled_from([" ", ". ", ", ", "¹ ", "! ", "\n", ""])),
             min_size=1, max_size=80),
).map(lambda t: t[0] + "".join(w + s for w, s in t[1]))


@settings(max_examples=examples(200), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PARAGRAPH, min_size=1, max_size=12).map("\n\n".join),
       st.integers(min_value=5, max_value=400))
def test_splitting_loses_and_doubles_no_character(text, max_chars):
    whole = parse(text, max_chars=0)
    split = parse(text, max_chars=max_chars)
    assert all_chars(split) == all_chars(whole)
    assert all(len(p.text) <= max_chars for p in split)
    assert len({p.paragraph for p in split}) == len(split)
    assert [p.order for p in split] == list(range(len(split)))
    assert sum(len(p.footnotes) for p in split) == sum(len(p.footnotes) for p in whole)


# -- 4. Unicode format characters ----------------------------------------------------------


def test_the_format_character_class_is_unicodes_category_cf():
    from paracite.parsing.blocks import FORMAT_CHARS

    cf = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    assert {c for c in cf if FORMAT_CHARS.fullmatch(chr(c))} == cf
    assert not any(FORMAT_CHARS.fullmatch(chr(c)) for c in range(sys.maxunicode + 1)
                   if c not in cf and c not in range(0xD800, 0xE000))


HIDDEN = {
    5: "\u200f5. The Group welcomed the report.",  # right-to-left mark
    8: "\u20668\u2069. The Group noted the plan.",  # first-strong isolate
    12: "\ufeff12. The Group\u00a0adopted its agenda.",  # BOM inside the text
    22: "2\u200b2. The Group met twice in 2025.",  # zero-width space
    23: "2\u200d3. The Com\u00admittee\u2060 thanked the chair.",  # ZWJ, soft hyphen, WJ
}


def hidden_record() -> str:
    return "\n\n".join(HIDDEN.get(n, f"{n}. The Group met on day {n}.")
                       for n in range(1, 25)) + "\n"


def is_format(c: str) -> bool:
    return unicodedata.category(c) == "Cf"


def test_format_characters_do_not_hide_paragraph_numbers_in_markdown():
    parsed = parse_markdown_text(hidden_record())
    passages = recover(parsed.blocks, INFO, infer_pages=True)
    assert [p.paragraph for p in passages] == [str(n) for n in range(1, 25)]
    assert passages[21].text == "22. The Group met twice in 2025."
    assert passages[22].text == "23. The Committee thanked the chair."
    assert not any(map(is_format, parsed.source_text))
    for b in parsed.blocks:  # offsets index the cleaned source text
        assert parsed.source_text[b.start:b.end].strip().replace("\u00a0", " ") == \
            b.text.replace("\u00a0", " ")


def test_format_characters_do_not_hide_paragraph_numbers_in_pdfs(tmp_path):
    pytest.importorskip("fpdf")
    from paracite.parsing.pdf import parse_pdf
    from tests.pdfgen import UNDoc

    doc = UNDoc("A/TEST/22", "V.25-00022")
    if not doc.unicode:
        pytest.skip("no Unicode font to print format characters with")
    doc.add_page()
    for n in range(1, 25):
        doc.para(HIDDEN.get(n, f"{n}. The Group met on day {n}."))
    path = tmp_path / "hidden.pdf"
    doc.output(str(path))
    parsed = parse_pdf(path)
    passages = recover(parsed.blocks, INFO)
    assert [p.paragraph for p in passages] == [str(n) for n in range(1, 25)]
    assert passages[21].text == "22. The Group met twice in 2025."
    assert passages[22].text == "23. The Committee thanked the chair."
    assert not any(map(is_format, parsed.source_text))
    for b in parsed.blocks:
        assert parsed.source_text[b.start:b.end] == b.text
