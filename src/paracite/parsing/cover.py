"""The cover of a UN PDF: its symbol, title, issuing body and date, read from page 1.

A UN cover has parts that its layout tells apart (positions in points, from the bottom of
the page, as :mod:`paracite.parsing.layout` reads them):

- the **masthead**: "United Nations", the symbol, and the organ printed large (20 pt over
  10 pt text): "General Assembly", two organs one under the other on a joint document,
  "Executive Board of the United Nations Development Programme, …" over five lines. Level
  with it, on the right, the **distribution block**: "Distr.: General", the issue date,
  "Original: English";
- the **slug**, under the masthead and left of the text column: the subsidiary body when
  there is one ("Commission for Social Development"; "United Nations Children's Fund" over
  "Executive Board"), then the session, its dates or place, the agenda item;
- the **title**, in the text column.

Official Records covers have no masthead: the body's name (or "Report of the <body>") in
the largest type, the session and its dates under it, and at the foot the organ whose
records they are ("Economic and Social Council / Official Records, 2025 / Supplement No. 8").

**Issuing body**: the most specific body the cover names as the document's author or forum,
which is also the body whose series the symbol belongs to (E/CN.5/… → the Commission for
Social Development, E/ICEF/… → UNICEF's Executive Board, E/2025/28-E/CN.7/2025/11 → the
Commission on Narcotic Drugs): what a reader files the document under.

1. An Official Records cover: the body named in its largest type ("Commission on Narcotic
   Drugs"; "Report of the Disarmament Commission for 2025" → "Disarmament Commission"); the
   organ at its foot only when that names no body ("Report of the Secretary-General …").
2. A report of a body on its own work ("Report of the Human Rights Council on its
   fifty-eighth session"): that body.
3. The slug's body, the lower of two levels ("Human Rights Council" over "Expert Mechanism
   on the Rights of Indigenous Peoples" → the Expert Mechanism); a bare "Executive Board" is
   named with the body above it ("Executive Board of the United Nations Children's Fund").
   A slug that only repeats the masthead organs names none.
4. The masthead organ; a joint document's organs joined with ", "
   ("General Assembly, Security Council").
5. None (a cover with neither, such as a UNU policy brief).

A line names a body when it reads as a name (capitalised words, with "of", "on", "and", "the"
… between) whose head noun, among its first words, is one bodies are called by (Council,
Commission, Committee, Conference, Board, Fund, Group, Mechanism …): a rule about names, not
a list of them. A name ends before a colon ("… Sustainable Development Goal 14: Conserve and
sustainably use …": its theme follows).

**Date**, kept as printed: the issue date on the cover ("21 March 2017" on a line of its own,
or "Distr.: General 3 April 2025"); when the cover prints none (Official Records), the
session dates it prints: in parentheses ("(13–17 March 2025)", several sessions joined with
"; "), on a line of their own ("New York, 18–26 February 2025"), or in "held in Vienna from
10 to 14 March 2025" on the first page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from paracite.parsing.layout import Line, Page
from paracite.text import un_patterns as un

_SYMBOL_MAX = 120  # characters: a longer line is never a document symbol (and is not matched)
_MASTHEAD_SIZE = 1.3  # the masthead organ prints at least this many times the text size
_LEVEL = 2.0  # font sizes: the organ's baseline is this close to the distribution block's
_LINE_STEP = 1.6  # font sizes: lines of one name are this close one under the other
_SAME_X = 3.0  # points: lines starting this close are in one column
_SAME_SIZE = 0.5  # points: font sizes this close are the same type
_INDENT = 6.0  # points left of the text column that put a line in the slug
_DISTR_DEPTH = 60.0  # points: the distribution block's lines under "Distr."
_TINY = 0.5  # lines printed smaller than this share of the text size are hidden marks
_NAME_WORDS = 8  # a body's head noun comes among a name's first words (and join words)
_SPAN_LINE_MAX = 120  # characters: a longer line is text, not a line of session dates

_DOC_TYPE = re.compile(r"(?i)^(?:draft report|report|annotated provisional agenda|provisional "
                       r"agenda|note by|summary of|national report|organizational and "
                       r"procedural|letter dated|identical letters dated|note verbale dated|"
                       r"draft resolution|draft decision|resolution adopted by|decision "
                       r"adopted by|draft conclusions|annual report|statement by)\b")
# Cover lines that follow a title but are not part of it
_AFTER_TITLE = re.compile(r"(?i)^(?:summary|addendum|corrigendum|contents|page|note|"
                          r"(?:[IVX]+|[A-Z]|\d+)\.\s)")
_TITLE_MAX = 200  # characters: a title never runs longer
_TITLE_TAIL_WORDS = 4  # a short capitalised line finishing an unpunctuated title
_JOIN_WORDS = {"of", "the", "and", "for", "in", "to", "on", "with", "by", "a", "an"}
_NOT_TITLE = re.compile(r"(?i)^(?:united nations|distr|original|general assembly|economic and "
                        r"social council|security council|english|french|spanish|limited|"
                        r"general|\d|\*)")

# What bodies are called: the noun a body's name is built on
_HEAD = (r"(?:Assembly|Council|Commission|Committee|Subcommittee|Conference|Board|Mechanism|"
         r"Group|Forum|Meeting|Fund|Programme|Panel|Tribunal|Court|Secretariat|Bureau|Body|"
         r"Unit|Institute|Office|Organization|Agency|Entity|Platform|Authority)")
_NAME_WORD = r"(?:[A-Z0-9][\w’'.-]*|of|on|for|and|the|to|in|against)"
_BODY_NAME = re.compile(rf"^(?:The\s+)?(?:{_NAME_WORD}\s+){{0,{_NAME_WORDS}}}?(?i:{_HEAD})\b")
_ENDS_IN_HEAD = re.compile(rf"(?i)\b{_HEAD}\)?$")
_DISTR = re.compile(r"\bDistr\.")
_RECORDS = re.compile(r"^Official Records\b")
_SUPPLEMENT = re.compile(r"^Supplement No\.\s*\d+")
# "Report of the Disarmament Commission for 2025", "… on its fifty-eighth session": what
# follows a body's name in the title of its report on its own work
_ON_ITS_WORK = (r"(?<!\s)\s+(?:on (?:the work of )?its\b|at its\b|"
                r"for (?:the (?:year|period) )?\d{4}\b)")
_REPORT_OF = re.compile(rf"(?i)^(?:draft )?report of the (.+?){_ON_ITS_WORK}")
_RECORDS_REPORT = re.compile(rf"(?i)^report of the (.+?)(?:{_ON_ITS_WORK}.*)?$")
# Slug lines that follow its body: the session, its dates or place, the agenda item
_SLUG_END = re.compile(r"(?i)\bsession\b|\byear\b|^(?:agenda\s+)?items?\b|\bprovisional agenda\b|"
                       r"\bpreliminary list\b")
_PLACE = r"[A-Z][\w.’' -]{0,40}?"
_PAREN_SPAN = re.compile(rf"\((?:{_PLACE},\s*)?({un.DATE_SPAN.pattern})(?:,\s*{_PLACE})?\)")
_SPAN_LINE = re.compile(rf"(?:{_PLACE},\s*)*({un.DATE_SPAN.pattern})(?:,\s*{_PLACE})*\.?")
_HELD = re.compile(rf"\bheld\b[^.;()]{{0,80}}?\b(?:from|on)\s+({un.DATE_SPAN.pattern})")


@dataclass(frozen=True)
class Cover:
    """What page 1 says about the document (None where it says nothing)."""

    title: str | None
    body: str | None
    date: str | None


def read_cover(page: Page, symbol: str | None, body_size: float,
               margin: float | None = None) -> Cover:
    """The title, issuing body and date printed on ``page`` (the first), for a document
    whose symbol is ``symbol``, whose text is printed ``body_size`` points large from
    ``margin`` (the x of the text column on odd pages; see the module docstring)."""
    lines = [ln for ln in page.lines if ln.plain.strip()]
    texts = [ln.plain.strip() for ln in lines]
    name, at = _title_at(texts, symbol)
    return Cover(name, issuing_body(lines, name, at, body_size, margin),
                 cover_date(lines))


# -- symbol ---------------------------------------------------------------------------------

def document_symbol(first_page: str) -> str | None:
    """The symbol on the cover's first lines ("United Nations  E/2025/44-E/C.16/2025/9")."""
    for line in first_page.splitlines()[:15]:
        s = re.sub(r"^\s*United Nations\s+", "", line.strip())
        if len(s) <= _SYMBOL_MAX and un.SYMBOL_LINE.match(s) and "/" in s:
            return s.rstrip("*")
    return None


def symbol_from_headers(pages: list[list[str]]) -> str | None:
    """The symbol printed in the running headers, for covers that do not show it."""
    seen: Counter[str] = Counter()
    for lines in pages[1:]:
        for ln in [x.strip() for x in lines if x.strip()][:3]:
            if len(ln) <= _SYMBOL_MAX and un.SYMBOL_LINE.match(ln) and "/" in ln:
                seen[ln.rstrip("*")] += 1
    return seen.most_common(1)[0][0] if seen else None


# -- title ----------------------------------------------------------------------------------

def title(first_page: list[str], symbol: str | None) -> str | None:
    """The document's title from its cover: the line naming what it is ("Report on …",
    "Provisional agenda …", "Note by the Secretariat"), with the lines that finish it."""
    return _title_at([ln.strip() for ln in first_page if ln.strip()], symbol)[0]


def _title_at(lines: list[str], symbol: str | None) -> tuple[str | None, int | None]:
    """The title and the index in ``lines`` (stripped, none empty) of its first line."""
    for i, ln in enumerate(lines):
        if _DOC_TYPE.match(ln) and not un.NUMBERED_PARAGRAPH.match(ln) \
                and not un.CONTENTS_LEADERS.search(ln):
            name = ln
            j = i + 1
            while j < len(lines) and _finishes_title(name, lines[j], j == i + 1, symbol):
                name = f"{name} {lines[j]}"
                j += 1
            return re.sub(r"\*+", "", name).strip(), i
    for i, ln in enumerate(lines):
        if not un.is_noise(ln, symbol) and not _NOT_TITLE.match(ln) and len(ln.split()) >= 3 \
                and not un.DATE.search(ln) and not un.NUMBERED_PARAGRAPH.match(ln):
            return ln, i
    return None, None


def _finishes_title(name: str, nxt: str, first: bool, symbol: str | None) -> bool:
    """Whether the cover line ``nxt`` goes on with the title ``name`` (``first``: it is the
    line right after the title's first)."""
    if un.NUMBERED_PARAGRAPH.match(nxt) or _AFTER_TITLE.match(nxt) or un.DATE.fullmatch(nxt) \
            or _DOC_TYPE.match(nxt) or _NOT_TITLE.match(nxt) or un.CONTENTS_LEADERS.search(nxt) \
            or un.is_noise(nxt, symbol) or len(name) >= _TITLE_MAX:
        return False
    return (name.split()[-1].lower() in _JOIN_WORDS
            or (name.isupper() and nxt.isupper())
            or nxt.rstrip("*").istitle() and len(nxt.split()) <= 3
            # the title goes on: "… on population" / "and sustainable development";
            # "Report of the Disarmament" / "Commission for 2025"
            or nxt[:1].islower()
            or (first and not ends_sentence(name) and nxt[:1].isupper()
                and len(nxt.split()) <= _TITLE_TAIL_WORDS))


def ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.:;!?)”\"]\s*$", text))


# -- issuing body ---------------------------------------------------------------------------

def issuing_body(lines: Sequence[Line], title: str | None = None, title_at: int | None = None,
                 body_size: float = 10.0, margin: float | None = None) -> str | None:
    """The body that issues the document, from the cover's ``lines`` (page 1, in reading
    order; ``title_at``: the index among its non-empty lines where ``title`` starts).
    The rules are the module docstring's.

    >>> from paracite.parsing.layout import Line
    >>> issuing_body([Line("Security Council", 1, 123, 706, 20, bold=1.0),
    ...               Line("Distr.: General", 1, 397, 705, 10)])
    'Security Council'
    """
    shown = [ln for ln in lines if ln.plain.strip()]
    head = shown[title_at] if title_at is not None and title_at < len(shown) else None
    lines = [ln for ln in shown if ln.size >= _TINY * body_size]
    if (records := _records_body(lines)) is not None:
        return records or None
    if title and (m := _REPORT_OF.match(title)) and _is_body(m.group(1)):
        return _name(m.group(1))
    organs, bottom = _masthead(lines, body_size)
    column = max(margin if margin is not None else 0.0, head.x if head is not None else 0.0)
    if column:
        slug = [ln for ln in lines if ln.y < bottom and ln.x < column - _INDENT
                and (head is None or ln.y > head.y)]
        if named := _slug_body(sorted(slug, key=lambda ln: -ln.y), organs):
            return named
    return ", ".join(organs) or None


def _is_body(text: str) -> bool:
    return bool(_BODY_NAME.match(text.strip()))


def _name(text: str) -> str:
    """A body's name as printed on one or more lines, tidied: spaces, footnote stars, the
    theme after a colon, a "Distr." printed on its line."""
    text = re.sub(r"(?<!\s)\s+Distr\..*$", "", text)
    text = re.sub(r"\s+", " ", text.replace("*", "")).strip()
    return text.split(": ")[0].strip().rstrip(",")


def _joined(lines: Sequence[Line]) -> str:
    out = ""
    for ln in lines:
        t = ln.plain.strip()
        out = f"{out}{t}" if out.endswith("-") and t[:1].islower() else f"{out} {t}".strip()
    return out


def _records_body(lines: list[Line]) -> str | None:
    """On an Official Records cover, the body it names ("" when it names none); None on
    any other cover."""
    records = next((ln for ln in lines if _RECORDS.match(ln.plain.strip())), None)
    if records is None or not any(_SUPPLEMENT.match(ln.plain.strip()) for ln in lines):
        return None
    named = [ln for ln in lines if ln.plain.strip() != "United Nations"]
    largest = max(ln.size for ln in named)
    block = _run(named, next(i for i, ln in enumerate(named) if ln.size == largest))
    text = _joined(block)
    if (m := _RECORDS_REPORT.match(text)) and _is_body(m.group(1)):
        return _name(m.group(1))
    if _is_body(text):
        return _name(text)
    above = [ln for ln in lines if ln.y > records.y and ln.y - records.y <= _LEVEL * ln.size]
    organ = min(above, key=lambda ln: ln.y - records.y, default=None)
    return _name(organ.plain) if organ is not None and _is_body(organ.plain.strip()) else ""


def _run(lines: list[Line], start: int) -> list[Line]:
    """The line at ``start`` and those after it printed alike (same size) in one column."""
    first = lines[start]
    run = [first]
    for ln in lines[start + 1:]:
        if abs(ln.size - first.size) > _SAME_SIZE or abs(ln.x - first.x) > _SAME_X \
                or not 0 < run[-1].y - ln.y <= _LINE_STEP * ln.size:
            break
        run.append(ln)
    return run


def _masthead(lines: list[Line], body_size: float) -> tuple[list[str], float]:
    """The organs printed on the masthead, and the y under which the masthead ends
    (the page's top when there is no distribution block)."""
    anchor = next((ln for ln in lines if _DISTR.search(ln.plain)), None) or next(
        (ln for ln in lines if un.DATE.fullmatch(ln.plain.strip())), None)
    if anchor is None:
        return [], float("inf")
    block = [ln for ln in lines if 0 <= anchor.y - ln.y <= _DISTR_DEPTH
             and (ln is anchor or abs(ln.x - anchor.x) <= _SAME_X or ln.x > anchor.x)]
    bottom = min(ln.y for ln in block)
    big = [ln for ln in lines if ln.size >= _MASTHEAD_SIZE * body_size
           and abs(ln.y - anchor.y) <= _LEVEL * ln.size and _is_body(_name(ln.plain))]
    if not big:
        return [], bottom
    first = min(big, key=lambda ln: (abs(ln.y - anchor.y), -ln.y))
    same = sorted((ln for ln in lines if abs(ln.size - first.size) <= _SAME_SIZE
                   and abs(ln.x - first.x) <= _SAME_X), key=lambda ln: -ln.y)
    start = same.index(first)
    while start and same[start - 1].y - same[start].y <= _LINE_STEP * first.size:
        start -= 1
    run = _run(same, start)
    return _names(run), min(bottom, *(ln.y for ln in run))


def _names(run: list[Line]) -> list[str]:
    """The names printed on ``run``, one name over several lines or one a line: a line
    starts another name when the one above is complete (ends on its head noun: "General
    Assembly") and the line names a body itself ("Security Council")."""
    names: list[list[Line]] = []
    for ln in run:
        text = _name(ln.plain)
        if names and not (_ENDS_IN_HEAD.search(_name(_joined(names[-1])))
                          and _is_body(text)):
            names[-1].append(ln)
        else:
            names.append([ln])
    return [n for n in (_name(_joined(n)) for n in names) if _is_body(n)]


def _slug_body(slug: list[Line], organs: list[str]) -> str | None:
    """The subsidiary body the slug names (lines top to bottom), or None."""
    levels: list[list[Line]] = []
    for ln in slug:
        text = ln.plain.strip()
        if _SLUG_END.search(text) or un.DATE_SPAN.search(text):
            break
        if not levels:
            parts = [c for _, c in ln.cells] or re.split(r"\s{2,}", text)
            if organs and all(_name(p) in organs for p in parts):
                continue  # "General Assembly  Security Council" over a joint document's slug
            if not _is_body(text):
                break
            levels.append([ln])
            continue
        prev = levels[-1][-1]
        so_far = _joined(levels[-1])
        alike = abs(ln.size - prev.size) <= _SAME_SIZE and (ln.bold >= 0.5) == (prev.bold >= 0.5)
        goes_on = (so_far.split()[-1].lower() in _JOIN_WORDS or so_far.endswith((",", "-"))
                   or text[:1].islower() or text.split()[0].lower() in _JOIN_WORDS)
        new = _is_body(text) and bool(_ENDS_IN_HEAD.search(_name(so_far)))
        if goes_on or (alike and not new):
            levels[-1].append(ln)
        elif _is_body(text):
            levels.append([ln])
        else:
            break
    names = [_name(_joined(level)) for level in levels]
    if not names:
        return None
    # "Executive Board" under "United Nations Children's Fund": named with it
    last = names[-1]
    if len(names) > 1 and len(last.split()) <= 2 and last.istitle():
        return f"{last} of the {re.sub(r'^(?i:the) ', '', names[-2])}"
    return last


# -- date -----------------------------------------------------------------------------------

def cover_date(lines: Sequence[Line]) -> str | None:
    """The date to show for the document, as printed (rules in the module docstring).

    >>> from paracite.parsing.layout import Line
    >>> cover_date([Line("Report on the sixty-eighth session", 1, 115, 446, 20),
    ...             Line("(13–17 March 2025)", 1, 115, 423, 20)])
    '13–17 March 2025'
    """
    texts = [ln.plain.strip() for ln in lines if ln.plain.strip()]
    for t in texts:
        # the issue date stands alone on a cover line ("7 March 2025") or follows "Distr.";
        # a date inside a title ("(7–11 April 2025)") is the session's, not the document's
        if un.DATE.fullmatch(t):
            return t
        if _DISTR.search(t) and (m := un.DATE.search(t)):
            return m.group(0)
    spans: list[str] = []
    for block in _blocks([ln for ln in lines if ln.plain.strip()]):
        spans += [m.group(1) for m in _PAREN_SPAN.finditer(block) if m.group(1) not in spans]
    if spans:
        return "; ".join(spans)
    for t in texts:
        if len(t) <= _SPAN_LINE_MAX and (m := _SPAN_LINE.fullmatch(t)):
            return m.group(1)
    m = _HELD.search(" ".join(texts))
    return m.group(1) if m else None


def _blocks(lines: list[Line]) -> list[str]:
    """The texts of runs of consecutive lines printed the same size (a title and the
    dates under it, "(12 February–1 March and" / "9–27 September 2024)")."""
    out: list[list[Line]] = []
    for ln in lines:
        if out and abs(out[-1][-1].size - ln.size) <= _SAME_SIZE:
            out[-1].append(ln)
        else:
            out.append([ln])
    return [_joined(b) for b in out]
