"""Text matching: where a folded passage sits in a folded page's text, or nowhere.

Exact 16-character seeds of the passage are found on the page and chained in order;
rapidfuzz alignment gives the seeds when no exact chain holds. A match must begin where
the passage begins (on its first page), end where it ends (on its last page), read almost
the same, keep every number, and be the only such place on the page: no highlight is
better than a wrong one. Pure text (see ``fold``): no pdfium here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Literal, NamedTuple

from rapidfuzz.distance import Indel

from paracite.pages.fold import _Folded

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

Role = Literal["only", "first", "last", "middle"]


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

