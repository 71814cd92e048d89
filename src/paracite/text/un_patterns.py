"""The shapes of UN documents' own marks, in one place: document symbols, dates (and the
month names), numbered paragraphs, footnote markers, job numbers and page marks. The PDF
and Markdown parsers, structure recovery and the words layer (questions, sentences,
statements) all use these; a new shape is added here once.
"""

from __future__ import annotations

import re

MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
          "December")
# Footnote markers as passage text writes them: "ended.¹²"
SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TO_SUP = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_FROM_SUP = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
# "6 March 2025"
DATE = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b")
# Dates of a session, as printed: "13–17 March 2025", "10 to 14 March 2025", "12 February–1 March
# and 9–27 September 2024", "6 December 2024 and 10–14 March 2025" (a single date too): days,
# each with its month and year where printed, joined by dashes, "to", "and" or commas, the
# last with its month and year. At most eight parts: a search stays linear in the line.
DATE_SPAN = re.compile(rf"\b(?:\d{{1,2}}(?: (?:{MONTHS})(?: \d{{4}})?)?(?:\s*[–—-]\s*|\s+(?:to|and)"
                       rf"\s+|,\s+)){{0,8}}\d{{1,2}} (?:{MONTHS}) \d{{4}}\b")
# A line that is only a symbol: "E/2025/44-E/C.16/2025/9", "A/HRC/WG.6/34/ITA/3*"
SYMBOL_LINE = re.compile(r"^(?:[A-Z]{1,8}(?:\.\d+)?/)+[A-Z0-9][\w.\-/]*\*?(?:\s*[-–]\s*"
                         r"(?:[A-Z]{1,8}(?:\.\d+)?/)+[\w.\-/]+)?$")
# A symbol inside running text: "see E/CN.15/2011/19"
SYMBOL_IN_TEXT = re.compile(r"\b(?:[A-Z]{1,8}/)+[A-Z0-9][A-Za-z0-9.]*(?:/[A-Za-z0-9.]+)*\b")
# "12. Text": a numbered paragraph (or agenda item) starts; group 1 is its number. Taken
# as such anywhere; a longer number only where the sequence expects it (NUMBERED_ANY).
NUMBERED_PARAGRAPH = re.compile(r"^\s*(\d{1,3})\.\s+(?=\S)")
# "1000. Text": a number of any length (up to nine digits) and a full stop. Whether it is
# a paragraph is for the caller to say: "2017. The year …" is not paragraph 2017 unless
# paragraph 2016 came just before (see paragraph_number).
NUMBERED_ANY = re.compile(r"^\s*(\d{1,9})\.\s+(?=\S)")


def paragraph_number(text: str, *expected: int | None) -> int | None:
    """The number ``text`` starts with as a numbered paragraph ("12. …" → 12): any number
    of one to three digits, a longer one only when it is one of ``expected`` (the next
    number of the sequence under way), so that a year opening a line is not taken for a
    paragraph."""
    m = NUMBERED_ANY.match(text)
    if not m:
        return None
    number = int(m.group(1))
    return number if len(m.group(1)) <= 3 or number in expected else None
# Words after which "12" is part of a reference, never a footnote marker ("Add.1", "para.3")
NUMBER_ABBREVIATIONS = frozenset({
    "add", "rev", "corr", "no", "nos", "vol", "supp", "para", "paras", "art", "arts", "p",
    "pp", "chap", "sect", "amend", "annex", "fig", "l", "inf"})
# Running header/footer lines
NOISE_LINES = [
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),                       # 3/26
    re.compile(r"^(?:Page|page)\s+\d+$"),                          # Page 2
    re.compile(r"^[ivxlc]{1,6}$|^\d{1,4}$"),                       # iv, 13
    re.compile(r"^\*\d{6,}\*$"),                                   # *2506882*
    re.compile(r"(?i)^please recycle"),
    re.compile(r"^(?:[A-Z]{1,3}\.)?\d{2}-\d{5}\*?(?:\s*\([A-Z]\))?(?:\s+\d{6})*$"),  # job no.
    re.compile(r"^(?:\d{1,4}/\d{1,4}\s+)?(?:[A-Z]{1,3}\.)?\d{2}-\d{5}\*?"
               r"(?:\s+\d{1,4}/\d{1,4})?$"),                        # 4/26 25-06882
]
# One mark of a footer made of several, in any order: "24-14711 2/3", "2/3 24-14711 (E)"
NOISE_TOKEN = re.compile(r"\d{1,4}/\d{1,4}|(?:[A-Z]{1,3}\.)?\d{2}-\d{5}\*?|\([A-Z]\)|\d{6}|"
                         r"\*\d{6,}\*|[ivxlc]{1,6}|\d{1,4}")
# Dot leaders of a table of contents line ("Introduction ......... 3")
CONTENTS_LEADERS = re.compile(r"\.{5,}|…{3,}")


def is_noise(line: str, symbol: str | None) -> bool:
    """A line that is a page's furniture, not its text: empty, the document's ``symbol``
    (or one of a joint symbol's parts), a symbol line, a page mark or job number
    (NOISE_LINES), or a footer of several such marks in any order."""
    s = line.strip()
    if not s:
        return True
    if symbol and s.rstrip("*") in (symbol, *symbol.split("-")):
        return True
    if len(s) < 60 and SYMBOL_LINE.match(s):
        return True
    if any(p.match(s) for p in NOISE_LINES):
        return True
    # a footer of several marks in any order: "24-14711 2/3", "2/3 24-14711 (E)"
    tokens = s.split()
    return len(tokens) > 1 and all(
        NOISE_TOKEN.fullmatch(t) or (symbol and t.rstrip("*") in symbol.split("-"))
        for t in tokens)


def to_superscript(digits: str) -> str:
    """'12' → '¹²': how footnote markers stand in passage text."""
    return digits.translate(_TO_SUP)


def from_superscript(marks: str) -> str:
    """'¹²' → '12'."""
    return marks.translate(_FROM_SUP)
