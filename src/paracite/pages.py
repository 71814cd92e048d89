"""The cited paragraph on its real PDF page: find it, draw the page, highlight it.

``locate`` finds where a passage's text sits on one PDF page (rectangles in page points,
one per text line), ``render`` draws a page to PNG with rectangles highlighted, and
``page_image`` does both once per (file, page, passage text) and caches the PNG; the cache
is bounded (least recently used out, ``evict``) and a file's pages go with it (``forget``).

Matching compares the passage text (pypdf's extraction, cleaned by the parser) with
pdfium's characters after folding both to letters and digits (compatibility decomposition,
case folded; accents, spaces, hyphens, quotes and dashes dropped). Exact 16-character
seeds of the passage are found on the page and chained in order; rapidfuzz alignment
gives the seeds when no exact chain holds. A match must begin where the passage begins
(on its first page), end where it ends (on its last page), read almost the same, keep
every number, and be the only such place on the page: no highlight is better than a
wrong one.

Errors: ``locate`` and ``render`` raise ``PageError`` (a ``ParaciteError``) for a missing,
damaged or encrypted file or a page it does not have; ``page_image`` logs a warning and
returns ``None`` instead, since the citation's text is shown whether or not its page is.
pdfium is not thread-safe: every pdfium call holds one module-level lock.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import logging
import os
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from rapidfuzz.distance import Indel

from paracite.documents import DocumentInfo, Passage
from paracite.errors import ParaciteError

if TYPE_CHECKING:
    import pypdfium2 as pdfium

__all__ = ["DEFAULT_SCALE", "PageError", "PageImage", "Rect", "evict", "forget", "locate",
           "page_image", "render"]

log = logging.getLogger(__name__)

# Bump when matching or drawing changes: cached PNGs of older versions are not reused.
PAGES_VERSION = "2"
# 1.5 x 72 dpi = 108 dpi: an A4 page is 893 x 1263 px, sharp on screen, ~0.1 s to draw.
DEFAULT_SCALE = 1.5
# A page larger than this many pixels on its longer side is drawn smaller (a poster-size
# page at 1.5x would take gigabytes).
MAX_SIDE_PX = 4000
# Seed length in folded characters: long enough that prose rarely repeats it on a page,
# short enough that seeds fit between two differences of the extractions.
SEED = 16
# A seed found more often than this on the page says nothing about where the passage is.
MAX_SEED_HITS = 4
# Seeds (in passage order) a chain may skip back over to link two seeds: bounds the work
# on a long paragraph while bridging any stretch of differing text a match may have.
CHAIN_LOOKBACK = 64
# Folded characters a match may miss at the passage's start (first page) or end (last
# page), none of them digits: an enumerator printed apart. 1216 of 1218 matches on the UN
# PDFs miss none; more would let "Nine ANKA aircraft..." match "Eight ANKA aircraft...".
EDGE_MISS = 2
# A passage on one page only must be found over this share of its length.
MIN_SINGLE_COVER = 0.8
# The located text against the passage's (rapidfuzz Indel similarity, 0-1): located
# passages score 0.93-1.0 on the UN PDFs (a cover's job number is extra), a near-duplicate
# paragraph ("Peru, Germany" for "France, Brazil") 0.89.
MIN_SIMILARITY = 0.9
# Unmatched letters that make a different word in any WORD_WINDOW characters: of the
# passage (3 of 6000 located passages have 2 or more in 8; "sixty-ninth" for
# "sixty-eighth" has 2, "Peru" for "Sweden" 3) and of the page (4 of 6000 have 5 or more:
# a title set in two columns; a letter the passage's extraction lost has 2-3).
WORD_WINDOW = 8
MISSED_LETTERS = 2
EXTRA_LETTERS = 5
# Fewest folded characters a match may have; shorter passages (headings) must be found
# whole, on word boundaries, in one place.
MIN_MATCH = 40
# Another place on the page matching at least this share as well makes the match
# ambiguous (unless only one of them fills whole lines): nothing is highlighted.
AMBIGUOUS = 0.9
# Folded characters of an enumerator a heading's line may begin with ('A.', 'IV.', '12.')
ENUMERATOR = 4
# Fewest folded characters of a passage's start or end alone on a page (a paragraph that
# begins on the last line of a page), found there in one place.
EDGE_MIN = 12
# Fuzzy seeds: chunk length and rapidfuzz partial_ratio floor (0-100) of a chunk;
# unrelated prose of the same language scores 50-70.
FUZZY_CHUNK = 48
FUZZY_FLOOR = 88.0
# Highlight: translucent yellow fill, darker outline; padding around each line in points.
FILL = (255, 221, 0, 90)
OUTLINE = (204, 140, 0, 255)
PAD_PT = 1.5
# A page the passage was not found on says so across its top (not an unmarked page).
NOT_FOUND = "The cited paragraph could not be located on this page: read it in the text."
BANNER_FILL = (180, 35, 24)  # white text on it: 6.4:1
BOX_KEY = "paracite-box"  # PNG text chunk: the highlight's top and bottom, 0-1 of the height

_LOCK = threading.RLock()
_TABLE_KINDS = ("table", "table_row")


class PageError(ParaciteError):
    """A PDF page could not be read or drawn (missing, damaged, encrypted, no such page)."""


class Rect(NamedTuple):
    """A rectangle in PDF page points, origin at the bottom left (pdfium page space)."""

    left: float
    bottom: float
    right: float
    top: float


@dataclass(frozen=True)
class PageImage:
    """A drawn page: the PNG, its 1-based PDF page index, whether a region is marked, and
    where (``box``: the top and bottom of the marked lines as shares of the image's
    height, for a viewer to scroll to; None when nothing is marked)."""

    path: Path
    page: int
    highlighted: bool
    box: tuple[float, float] | None = None


Role = Literal["only", "first", "last", "middle"]


# -- folding: both extractions to the same letters and digits --------------------------

@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    """One character as letters and digits only.

    >>> [_fold_char(c) for c in "ﬁÉ⁴- ’"]
    ['fi', 'e', '4', '', '', '']
    """
    return "".join(c for c in unicodedata.normalize("NFKD", ch).casefold() if c.isalnum())


@dataclass
class _Folded:
    """Text folded to letters and digits, knowing where words and lines began."""

    text: str
    source: list[int]        # folded index → index of the character it came from
    word_start: list[bool]
    word_end: list[bool]
    line_start: list[bool]
    line_end: list[bool]


def _fold_chars(chars: Iterable[str]) -> _Folded:
    parts: list[str] = []
    f = _Folded("", [], [], [], [], [])
    word = line = True  # a space or sign (word), a line break (line) came before
    for i, ch in enumerate(chars):
        folded = _fold_char(ch)
        if not folded:
            if f.source:
                f.word_end[-1] = True
                f.line_end[-1] = f.line_end[-1] or ch in "\r\n"
            word, line = True, line or ch in "\r\n"
            continue
        for k, c in enumerate(folded):
            parts.append(c)
            f.source.append(i)
            f.word_start.append(word and k == 0)
            f.line_start.append(line and k == 0)
            f.word_end.append(False)
            f.line_end.append(False)
        word = line = False
    if f.source:
        f.word_end[-1] = f.line_end[-1] = True
    f.text = "".join(parts)
    return f


def _fold(text: str) -> str:
    """``text`` as ``locate`` compares it.

    >>> _fold("Co-operation “in” the ﬁeld\\u00ad work")
    'cooperationinthefieldwork'
    """
    return _fold_chars(text).text


def _table_cells(text: str) -> str:
    """A table passage's text as the page prints it: the parser writes a row as
    'Column: cell; Column: cell', the page prints the cells alone. Lines not in that
    shape ('Status: | Open', a key printed in the table) are kept.

    >>> _table_cells("Office | Officer\\nOffice: Chair; Officer: A. Kumar (India)\\nNote: x")
    'Office Officer\\nChair A. Kumar (India)\\nNote: x'
    """
    lines = []
    for line in text.split("\n"):
        cells = line.split("; ")
        if len(cells) > 1 and all(": " in c for c in cells):
            line = " ".join(c.split(": ", 1)[1] for c in cells)
        lines.append(line.replace(" | ", " "))
    return "\n".join(lines)


def _page_chars(textpage: pdfium.PdfTextPage) -> list[str]:
    import pypdfium2.raw as raw

    chars = []
    for i in range(raw.FPDFText_CountChars(textpage.raw)):
        code = raw.FPDFText_GetUnicode(textpage.raw, i)
        try:
            chars.append(chr(code) if code else "")
        except ValueError:  # not a code point
            chars.append("")
    return chars


# -- matching: seeds, chains, checks --------------------------------------------------------

class _Seed(NamedTuple):
    p: int         # offset in the folded passage
    t: int         # offset in the folded page text
    np: int        # length in the passage
    nt: int        # length on the page (a fuzzy seed's two lengths differ)
    weight: float  # passage characters it matches (a fuzzy seed: fewer than np)


class _Span(NamedTuple):
    p0: int         # the passage's folded characters p0..p1
    p1: int
    t0: int         # are the page's folded characters t0..t1
    t1: int
    covered: float  # passage characters matched by seeds and extension (about)


def _exact_seeds(passage: str, page: str) -> list[_Seed]:
    starts = list(range(0, len(passage) - SEED + 1, SEED))
    if starts and starts[-1] != len(passage) - SEED:
        starts.append(len(passage) - SEED)  # the tail, so a chain can reach the end
    seeds: list[_Seed] = []
    for p in starts:
        chunk = passage[p:p + SEED]
        hits: list[int] = []
        t = page.find(chunk)
        while t >= 0 and len(hits) <= MAX_SEED_HITS:
            hits.append(t)
            t = page.find(chunk, t + 1)
        if len(hits) <= MAX_SEED_HITS:
            seeds += [_Seed(p, t, SEED, SEED, float(SEED)) for t in hits]
    return seeds


def _blocks(mine: str, theirs: str, least: int = 3) -> list[tuple[int, int, int]]:
    """Where ``mine`` and ``theirs`` agree (LCS alignment): (at in mine, at in theirs,
    length) of runs of at least ``least`` characters (shorter ones agree by chance)."""
    return [(b.a, b.b, b.size) for b in Indel.opcodes(mine, theirs).as_matching_blocks()
            if b.size >= least]


def _fuzzy_seeds(passage: str, page: str) -> list[_Seed]:
    from rapidfuzz import fuzz

    seeds: list[_Seed] = []
    for p in range(0, len(passage), FUZZY_CHUNK):
        chunk = passage[p:p + FUZZY_CHUNK]
        if len(chunk) < SEED or len(chunk) >= len(page):
            continue
        al = fuzz.partial_ratio_alignment(chunk, page, score_cutoff=FUZZY_FLOOR)
        if al is None:
            continue
        lo = max(0, al.dest_start - SEED)  # the window found, with room for a shift
        blocks = _blocks(chunk, page[lo:al.dest_end + SEED])
        if not blocks:
            continue
        (a0, b0, _), (a1, b1, n1) = blocks[0], blocks[-1]
        seeds.append(_Seed(p + a0, lo + b0, a1 + n1 - a0, b1 + n1 - b0,
                           float(sum(n for _, _, n in blocks))))
    return seeds


def _chains(seeds: list[_Seed]) -> Iterator[tuple[float, list[_Seed]]]:
    """Runs of seeds in passage order and page order at a steady offset, with their
    weights, heaviest first (the heaviest run ending at each seed)."""
    seeds = sorted(seeds)
    best = [s.weight for s in seeds]
    prev = [-1] * len(seeds)
    for i, s in enumerate(seeds):
        for j in range(max(0, i - CHAIN_LOOKBACK), i):
            r = seeds[j]
            if r.p + r.np > s.p or r.t + r.nt > s.t:
                continue
            gap_p, gap_t = s.p - r.p, s.t - r.t
            if abs(gap_t - gap_p) > 12 + gap_p // 8:  # a marker or a dropped word, not a jump
                continue
            if best[j] + s.weight > best[i]:
                best[i], prev[i] = best[j] + s.weight, j
    for end in sorted(range(len(seeds)), key=lambda k: -best[k]):
        chain: list[_Seed] = []
        i = end
        while i >= 0:
            chain.append(seeds[i])
            i = prev[i]
        yield best[end], chain[::-1]


def _span(chain: list[_Seed], passage: str, page: str) -> _Span:
    """A chain's extent, extended both ways: character by character while passage and
    page agree, then piece by piece while they read about the same (``_stretch``)."""
    first, last = chain[0], chain[-1]
    p0, t0 = first.p, first.t
    while p0 > 0 and t0 > 0 and passage[p0 - 1] == page[t0 - 1]:
        p0, t0 = p0 - 1, t0 - 1
    p1, t1 = last.p + last.np, last.t + last.nt
    while p1 < len(passage) and t1 < len(page) and passage[p1] == page[t1]:
        p1, t1 = p1 + 1, t1 + 1
    covered, reach = 0.0, p0
    for s in chain:  # union of the seeds' passage intervals (the tail seed may overlap)
        start, end = max(s.p, reach), s.p + s.np
        if end > start:
            covered += (end - start) * s.weight / s.np
            reach = end
    covered += (first.p - p0) + (p1 - last.p - last.np)
    room = 2 * SEED  # page characters a stretch may take beyond its passage's
    head, at_head, got_head = _stretch(passage[:p0][::-1],
                                       page[max(0, t0 - 2 * p0 - room):t0][::-1])
    tail, at_tail, got_tail = _stretch(passage[p1:], page[t1:t1 + 2 * (len(passage) - p1)
                                                          + room])
    return _Span(p0 - head, p1 + tail, t0 - at_head, t1 + at_tail,
                 covered + got_head + got_tail)


def _stretch(mine: str, theirs: str) -> tuple[int, int, int]:
    """How far ``mine`` goes on reading about the same as ``theirs`` from their starts,
    FUZZY_CHUNK characters at a time: (characters of mine, of theirs, matched). A piece
    must begin alike, match FUZZY_FLOOR % of its characters (all but 2 of a short one)
    and keep its numbers."""
    p = t = got = 0
    while p < len(mine):
        piece = mine[p:p + FUZZY_CHUNK]
        window = theirs[t:t + len(piece) + len(piece) // 3]
        blocks = _blocks(piece, window, least=1)
        matched = sum(n for _, _, n in blocks)
        missed = len(piece) - matched
        if not blocks or max(blocks[0][:2]) > 3 or blocks[0][2] < 3 \
                or missed > max(2, (1 - FUZZY_FLOOR / 100) * len(piece)):
            break  # not the same text, or not from here on
        a, b, n = blocks[-1]
        if not _numbers_kept(piece[:a + n], window[:b + n]):
            break
        p, t, got = p + a + n, t + b + n, got + matched
        if a + n < len(piece):  # the rest of the piece is not there
            break
    return p, t, got


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _numbers_kept(mine: str, theirs: str) -> bool:
    """The passage's digits are the page's, in order; the page may have more (a job
    number, footnote markers): 'L.4/Rev.1' is not 'L.7/Rev.1'.

    >>> _numbers_kept("ecn72025l4rev1", "ecn72025l7rev1"), _numbers_kept("res681", "res6813")
    (False, True)
    """
    rest = iter(_digits(theirs))
    return all(d in rest for d in _digits(mine))


def _accept(role: Role, passage: _Folded, page: _Folded, span: _Span) -> bool:
    p0, p1, t0, t1, covered = span
    n = len(passage.text)
    if covered < min(n, MIN_MATCH):
        return False
    if t1 - t0 > 1.5 * (p1 - p0) + 2 * SEED:  # page text the passage does not have
        return False
    # a start or end not found must be short and hold no number ('10.' is not '8.')
    starts = p0 <= EDGE_MISS and not _digits(passage.text[:p0])
    ends = p1 >= n - EDGE_MISS and not _digits(passage.text[p1:])
    if role == "only" and not (starts and ends and p1 - p0 >= MIN_SINGLE_COVER * n):
        return False
    if (role == "first" and not starts) or (role == "last" and not ends):
        return False
    return _reads_same(passage, p0, p1, page, t0, t1)


def _numbers(f: _Folded, a: int, b: int,
             codes: dict[str, str]) -> tuple[str, list[str | None]]:
    """f.text[a:b] with each number as one character (the same for the same number), and
    the number each character stands for (None for a letter)."""
    out: list[str] = []
    number: list[str | None] = []
    digits = ""
    for i in range(a, b + 1):
        c = f.text[i] if i < b else ""
        if digits and not (c.isdigit() and not f.word_start[i]):
            out.append(codes.setdefault(digits, chr(0xF0000 + len(codes))))
            number.append(digits)
            digits = ""
        if c.isdigit():
            digits += c
        elif c:
            out.append(c)
            number.append(None)
    return "".join(out), number


def _crowded(coded: str, hit: bytearray, most: int) -> bool:
    """Some WORD_WINDOW characters of ``coded`` hold ``most`` letters or more that the
    other text does not have."""
    lone = [int(not h and c.isalpha()) for c, h in zip(coded, hit, strict=True)]
    count = 0
    for i, x in enumerate(lone):
        count += x - (lone[i - WORD_WINDOW] if i >= WORD_WINDOW else 0)
        if count >= most:
            return True
    return False


def _reads_same(passage: _Folded, p0: int, p1: int, page: _Folded, t0: int, t1: int) -> bool:
    """The passage's p0..p1 and the page's t0..t1 read the same: similar over
    MIN_SIMILARITY, and every number of the passage is a number of the page in the same
    place (the page may have more: footnote markers, a job number): '13 June' is not
    '3 June', 'L.7' is not 'L.4', '025' is not '2025'. A footnote marker the parser set
    apart ('1971 ²⁰') may be glued on the page ('197120'). Neither may have a word the
    other lacks (letters crowded in WORD_WINDOW characters)."""
    mine, theirs = passage.text[p0:p1], page.text[t0:t1]
    if Indel.normalized_similarity(mine, theirs, score_cutoff=MIN_SIMILARITY) == 0:
        return False
    codes: dict[str, str] = {}
    mine_coded, mine_numbers = _numbers(passage, p0, p1, codes)
    theirs_coded, their_numbers = _numbers(page, t0, t1, codes)
    mine_hit, their_hit = bytearray(len(mine_coded)), bytearray(len(theirs_coded))
    for bl in Indel.opcodes(mine_coded, theirs_coded).as_matching_blocks():
        mine_hit[bl.a:bl.a + bl.size] = b"\1" * bl.size
        their_hit[bl.b:bl.b + bl.size] = b"\1" * bl.size
    if _crowded(mine_coded, mine_hit, MISSED_LETTERS) \
            or _crowded(theirs_coded, their_hit, EXTRA_LETTERS):
        return False  # a word of its own: "Peru" for "Sweden", "Thirty-four" for "Thirty-two"
    missed = [n for n, h in zip(mine_numbers, mine_hit, strict=True) if n and not h]
    spare = [n for n, h in zip(their_numbers, their_hit, strict=True) if n and not h]
    return _glued_alike(missed, spare)


def _glued_alike(missed: list[str], spare: list[str]) -> bool:
    """Each number of the passage not found as such is found glued or split on the page, in
    order: a footnote marker set apart by one extraction and glued by the other ('1971 ²⁰'
    and '197120', 'III/1⁵' and 'III/1 5'); other numbers on the page are extra.

    >>> _glued_alike(["1971", "20"], ["197120"]), _glued_alike(["15"], ["1", "5"])
    (True, True)
    >>> _glued_alike(["3"], ["13"]), _glued_alike(["025"], ["2025"])
    (False, False)
    """
    i = j = 0
    while i < len(missed):
        while True:
            if j >= len(spare):
                return False
            glued, k = "", i  # passage numbers glued into one on the page
            while k < len(missed) and len(glued) < len(spare[j]):
                glued, k = glued + missed[k], k + 1
            if glued == spare[j]:
                i, j = k, j + 1
                break
            glued, k = "", j  # page numbers glued into one in the passage
            while k < len(spare) and len(glued) < len(missed[i]):
                glued, k = glued + spare[k], k + 1
            if glued == missed[i]:
                i, j = i + 1, k
                break
            j += 1  # an extra number on the page
    return True


def _whole_lines(page: _Folded, t0: int, t1: int, role: Role) -> bool:
    """The span begins a line (where the passage begins there) and ends one (where it
    ends there): a heading or paragraph of its own, not words quoted inside another. The
    line may begin with an enumerator the parser keeps apart ('A.', 'IV.', '12.')."""
    starts = any(page.line_start[max(0, t0 - ENUMERATOR):t0 + 1])
    return ((role in ("middle", "last") or starts)
            and (role in ("middle", "first") or page.line_end[t1 - 1]))


def _one(spans: list[tuple[int, int]], page: _Folded, role: Role) -> tuple[int, int] | None:
    """The span meant, when the text is found in more than one place: the only one that
    fills whole lines, else none."""
    if len(spans) == 1:
        return spans[0]
    whole = [s for s in spans if _whole_lines(page, *s, role)]
    return whole[0] if len(whole) == 1 else None


def _places(page: _Folded, needle: str) -> list[tuple[int, int]]:
    """Where ``needle`` occurs in the folded page, on word boundaries."""
    out = []
    t = page.text.find(needle)
    while t >= 0:
        if page.word_start[t] and page.word_end[t + len(needle) - 1]:
            out.append((t, t + len(needle)))
        t = page.text.find(needle, t + 1)
    return out


def _edge(passage: str, page: _Folded, role: Role) -> tuple[int, int] | None:
    """A passage's start (on its first page) or end (on its last) too short for seeds: the
    longest head or tail of it found on the page, at least EDGE_MIN characters."""
    if role not in ("first", "last"):
        return None
    cut = (lambda m: passage[:m]) if role == "first" else (lambda m: passage[-m:])
    lo, hi = 0, min(len(passage), MIN_MATCH + SEED)  # the longest found (binary search)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if cut(mid) in page.text else (lo, mid - 1)
    if lo < EDGE_MIN:
        return None
    return _one(_places(page, cut(lo)), page, role)


def _match(passage: _Folded, page: _Folded, role: Role) -> tuple[int, int] | None:
    """The folded page span [t0, t1) of the passage's text on this page, or None."""
    p = passage.text
    if not p or not page.text:
        return None
    if len(p) < MIN_MATCH:  # a heading or a line: in one place, filling its lines
        whole = [s for s in _places(page, p) if _whole_lines(page, *s, role)]
        return whole[0] if len(whole) == 1 else None
    for seeder in (_exact_seeds, _fuzzy_seeds):
        found: list[tuple[int, int]] = []
        seen: set[tuple[int, int, int, int]] = set()
        top = 0.0
        for weight, chain in _chains(seeder(p, page.text)):
            if found and weight < AMBIGUOUS * top:
                break
            span = _span(chain, p, page.text)
            if span[:4] in seen or any(span.t0 < b and a < span.t1 for a, b in found):
                continue  # the same place, by a shorter chain
            seen.add(span[:4])
            if _accept(role, passage, page, span):
                found.append((span.t0, span.t1))
                top = top or weight
        if found:
            return _one(found, page, role)
    return _edge(p, page, role)


def _role(page: int, pages: Sequence[int]) -> Role:
    if page not in pages or len(pages) == 1:
        return "only"
    if page == pages[0]:
        return "first"
    return "last" if page == pages[-1] else "middle"


def _line_rects(textpage: pdfium.PdfTextPage, first: int, last: int) -> list[Rect]:
    """pdfium's rectangles of chars first..last, one per line (a line's pieces joined)."""
    lines: list[Rect] = []
    for i in range(textpage.count_rects(first, last - first + 1)):
        r = Rect(*textpage.get_rect(i))
        if r.right <= r.left or r.top <= r.bottom:
            continue
        for k, line in enumerate(lines):
            overlap = min(line.top, r.top) - max(line.bottom, r.bottom)
            if overlap > 0.5 * min(line.top - line.bottom, r.top - r.bottom):
                lines[k] = Rect(min(line.left, r.left), min(line.bottom, r.bottom),
                                max(line.right, r.right), max(line.top, r.top))
                break
        else:
            lines.append(r)
    return [Rect(r.left - PAD_PT, r.bottom - PAD_PT, r.right + PAD_PT, r.top + PAD_PT)
            for r in lines]


def _locate_text(textpage: pdfium.PdfTextPage, page: int, text: str,
                 pages: Sequence[int], kind: str) -> list[Rect]:
    page_text = _fold_chars(_page_chars(textpage))
    role = _role(page, pages)
    span = _match(_fold_chars(text), page_text, role)
    if span is None and kind in _TABLE_KINDS:
        span = _match(_fold_chars(_table_cells(text)), page_text, role)
    if span is None:
        return []
    t0, t1 = span
    return _line_rects(textpage, page_text.source[t0], page_text.source[t1 - 1])


def _locate(pg: pdfium.PdfPage, page: int, text: str, pages: Sequence[int],
            kind: str) -> list[Rect]:
    """pdfium reads a page turned by /Rotate in the order its lines show on screen (a
    portrait page turned sideways: last line first); the text is looked for in that order,
    then as the page was written."""
    rotation = pg.get_rotation()
    try:
        for turn in (rotation, 0) if rotation else (0,):
            pg.set_rotation(turn)
            textpage = pg.get_textpage()
            try:
                rects = _locate_text(textpage, page, text, pages, kind)
            finally:
                textpage.close()
            if rects:
                return rects
        return []
    finally:
        if rotation:
            pg.set_rotation(rotation)


# -- pdfium access ----------------------------------------------------------------------------

@contextmanager
def _open_page(pdf: Path, page: int) -> Iterator[pdfium.PdfPage]:
    """Page ``page`` (from 1) of ``pdf``, under the lock, closed afterwards."""
    import pypdfium2 as pdfium

    with _LOCK:
        doc = pg = None
        try:
            try:
                doc = pdfium.PdfDocument(str(pdf))
            except pdfium.PdfiumError as e:
                reason = ("is encrypted (a password is needed)" if "password" in str(e).lower()
                          else f"is not a readable PDF ({e})")
                raise PageError(f"{pdf.name} {reason}; its pages cannot be shown") from e
            except (OSError, ValueError) as e:
                raise PageError(f"{pdf.name} cannot be read ({e}); check that the file "
                                "is still there") from e
            if not 1 <= page <= len(doc):
                raise PageError(f"{pdf.name} has {len(doc)} pages, no page {page}; "
                                "re-ingest it if the file changed")
            try:
                pg = doc[page - 1]
                yield pg
            except pdfium.PdfiumError as e:  # opening, reading or drawing the page
                raise PageError(f"{pdf.name}: page {page} cannot be read ({e})") from e
        finally:
            for obj in (pg, doc):
                if obj is not None:
                    obj.close()


def locate(pdf: Path, page: int, text: str, pages: Sequence[int] = (),
           kind: str = "paragraph") -> list[Rect]:
    """Where ``text`` sits on page ``page`` (from 1) of ``pdf``: one rectangle per line, in
    page points (``Rect``, origin bottom left); ``[]`` when it is not found there for sure.

    ``pages``: the pages the passage spans (``Passage.pages``): it must then begin on the
    first of them and end on the last. Without them (or with ``page`` not among them) the
    whole passage must be on ``page``. ``kind``: ``Passage.kind`` (a table's cells are
    matched without the column names the parser put before them).
    Raises ``PageError`` for a file or page that cannot be read.
    """
    with _open_page(pdf, page) as pg:
        return _locate(pg, page, text, pages, kind)


# -- drawing ----------------------------------------------------------------------------------

def _banner(image: Any, text: str) -> None:
    """Write ``text`` in white on a red band across the top of ``image`` (in place)."""
    from PIL import ImageDraw, ImageFont

    size = max(12, image.width // 48)
    font = ImageFont.load_default(size=size)
    draw = ImageDraw.Draw(image)
    words, lines, line = text.split(), [], ""
    for w in words:  # wrap to the page's width
        tried = f"{line} {w}".strip()
        if line and draw.textlength(tried, font=font) > image.width - 2 * size:
            lines.append(line)
            line = w
        else:
            line = tried
    lines.append(line)
    height = size * (len(lines) + 1) + size // 2 * len(lines)
    draw.rectangle((0, 0, image.width, height), fill=BANNER_FILL)
    for i, ln in enumerate(lines):
        draw.text((size, size // 2 + i * (size + size // 2)), ln, fill=(255, 255, 255),
                  font=font)


def _draw(pg: pdfium.PdfPage, rects: Sequence[Rect], out: Path, scale: float,
          banner: str = "") -> tuple[float, float] | None:
    """Draw the page to ``out`` with ``rects`` marked (with none, ``banner`` written
    across its top, if given); returns the marked region's top and bottom as shares of
    the height."""
    import pypdfium2.raw as raw
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    width, height = pg.get_size()
    scale = min(scale, MAX_SIDE_PX / max(width, height, 1.0))
    image = pg.render(scale=scale).to_pil().convert("RGBA")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    dx, dy = ctypes.c_int(), ctypes.c_int()

    def device(x: float, y: float) -> tuple[int, int]:  # page points → pixels (rotation too)
        raw.FPDF_PageToDevice(pg.raw, 0, 0, image.width, image.height, 0, x, y,
                              ctypes.byref(dx), ctypes.byref(dy))
        return dx.value, dy.value

    tops, bottoms = [], []
    for r in rects:
        (x0, y0), (x1, y1) = device(r.left, r.top), device(r.right, r.bottom)
        draw.rectangle((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)),
                       fill=FILL, outline=OUTLINE, width=max(1, round(scale)))
        tops.append(min(y0, y1))
        bottoms.append(max(y0, y1))
    composed = Image.alpha_composite(image, overlay).convert("RGB")
    box = None
    info = PngInfo()
    if tops:
        box = (round(max(0, min(tops)) / composed.height, 4),
               round(min(composed.height, max(bottoms)) / composed.height, 4))
        info.add_text(BOX_KEY, f"{box[0]} {box[1]}")
    elif banner:
        _banner(composed, banner)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        composed.save(tmp, format="PNG", pnginfo=info)
        os.replace(tmp, out)
    except OSError as e:
        raise PageError(f"cannot write {out} ({e}); check that the folder is writable") from e
    finally:
        tmp.unlink(missing_ok=True)
    return box


def _box(path: Path) -> tuple[float, float] | None:
    """The marked region recorded in a drawn page (``_draw``), None if there is none."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            top, bottom = (float(x) for x in im.text.get(BOX_KEY, "").split())
    except (OSError, ValueError):
        return None
    return top, bottom


def render(pdf: Path, page: int, rects: Sequence[Rect], out: Path,
           scale: float = DEFAULT_SCALE) -> Path:
    """Draw page ``page`` (from 1) of ``pdf`` to the PNG ``out`` (written atomically), with
    ``rects`` (page points, as ``locate`` gives them) highlighted; returns ``out``.

    ``scale``: pixels per point (1.0 = 72 dpi). Raises ``PageError``.
    """
    with _open_page(pdf, page) as pg:
        _draw(pg, rects, out, scale)
    return out


# -- the cached entry point ---------------------------------------------------------------

def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _key_prefix(file_hash: str) -> str:
    """The start of every cached name of one file's pages."""
    return f"{file_hash[:24]}-p"


def page_image(passage: Passage, doc: DocumentInfo, cache: Path, page: int | None = None,
               scale: float = DEFAULT_SCALE, max_mb: float | None = None
               ) -> PageImage | None:
    """The page of ``passage`` (its first, or ``page``) as a PNG in the folder ``cache``,
    the passage's lines highlighted when they are found on it for sure.

    Made once per file content (``doc.bytes_hash``, else the file's sha256), page, passage
    text and scale. ``None`` for a source that is not a PDF or is gone, a passage without
    pages, and (with a logged warning) a file or page that cannot be read or drawn.

    ``max_mb``: the cache's size bound (None: unbounded). A PNG served from the cache is
    marked as just used (its mtime); after a new one is written, the least recently used
    are deleted until the folder holds at most ``max_mb`` (see ``evict``).
    """
    source = Path(doc.source)
    if source.suffix.lower() != ".pdf" or not source.is_file():
        return None
    page = page or (passage.pages[0] if passage.pages else None)
    if page is None:
        return None
    try:
        file_hash = doc.bytes_hash or _file_sha256(source)
    except OSError as e:
        log.warning("%s cannot be read (%s); page %s not shown", source.name, e, page)
        return None
    text_hash = hashlib.sha256(f"{passage.kind}\x1f{passage.pages}\x1f{passage.text}"
                               .encode()).hexdigest()
    key = f"{_key_prefix(file_hash)}{page}-{text_hash[:16]}-s{scale:g}-v{PAGES_VERSION}"
    marked, plain = cache / f"{key}.png", cache / f"{key}.plain.png"
    for path, highlighted in ((marked, True), (plain, False)):
        if path.is_file():
            _touch(path)
            return PageImage(path, page, highlighted, _box(path) if highlighted else None)
    try:
        with _open_page(source, page) as pg:
            rects = _locate(pg, page, passage.text, passage.pages, passage.kind)
            out = marked if rects else plain
            box = _draw(pg, rects, out, scale, banner=NOT_FOUND)
    except PageError as e:
        log.warning("%s", e)
        return None
    if max_mb is not None:
        evict(cache, int(max_mb * 1_048_576), keep=out)
    return PageImage(out, page, bool(rects), box)


def _touch(path: Path) -> None:
    """Mark a cached PNG as just used (least recently used go first)."""
    try:
        os.utime(path)
    except OSError as e:  # a read-only home: the cache is still read, only not ordered
        log.debug("cannot mark %s as used: %s", path.name, e)


def _cached(cache: Path) -> list[tuple[float, int, Path]]:
    """(mtime, size, path) of the PNGs in ``cache`` (not the temporary files of a write)."""
    out = []
    with contextlib.suppress(FileNotFoundError):
        for f in cache.iterdir():
            if f.name.startswith(".") or f.suffix != ".png":
                continue
            try:
                st = f.stat()
            except FileNotFoundError:  # deleted by another thread meanwhile
                continue
            out.append((st.st_mtime, st.st_size, f))
    return out


def evict(cache: Path, max_bytes: int, keep: Path | None = None) -> list[Path]:
    """Delete the least recently used PNGs of ``cache`` (oldest mtime first) until the
    rest hold at most ``max_bytes``; ``keep`` (the PNG just made) is never deleted.
    Returns the deleted files.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for i, t in enumerate((300, 100, 200)):
    ...     f = d / f"{i}.png"; _ = f.write_bytes(b"x" * 10); os.utime(f, (t, t))
    >>> [f.name for f in evict(d, 20)]
    ['1.png']
    """
    files = sorted(_cached(cache))
    total = sum(size for _, size, _ in files)
    removed = []
    for _, size, f in files:
        if total <= max_bytes:
            break
        if keep is not None and f == keep:
            continue
        try:
            f.unlink()
        except FileNotFoundError:  # another thread evicted it first
            pass
        except OSError as e:
            log.warning("cannot delete the cached page %s: %s", f.name, e)
            continue
        total -= size
        removed.append(f)
    if removed:
        log.info("page cache over %.0f MB: %d least recently used pages deleted",
                 max_bytes / 1_048_576, len(removed))
    return removed


def forget(cache: Path, bytes_hash: str) -> list[Path]:
    """Delete the cached pages of the file with content hash ``bytes_hash``
    (``DocumentInfo.bytes_hash``, e.g. when its document is deleted). Returns them.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / f"{'a' * 24}-p1-x.png").write_bytes(b"x")
    >>> _ = (d / f"{'b' * 24}-p1-x.png").write_bytes(b"x")
    >>> [f.name[:3] for f in forget(d, "a" * 64)], [f.name[:3] for f in d.iterdir()]
    (['aaa'], ['bbb'])
    """
    if len(bytes_hash) < 24:  # no hash (or a short one): no key is known, nothing matches
        return []
    prefix = _key_prefix(bytes_hash)
    removed = []
    for _, _, f in _cached(cache):
        if f.name.startswith(prefix):
            try:
                f.unlink()
            except FileNotFoundError:
                continue
            except OSError as e:
                log.warning("cannot delete the cached page %s: %s", f.name, e)
                continue
            removed.append(f)
    return removed
