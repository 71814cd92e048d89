"""Footnotes: each footnote body goes with the passage whose text carries its marker.

A parser emits footnote bodies as ``footnote`` blocks where they were printed (usually the
bottom of a page); structure recovery keeps them out of the running text and hands them
here with the drafts, which get them in their ``footnotes``. :class:`Markers` also tells
:mod:`paracite.parsing.split` which part of a cut passage carries a note's marker.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence

from paracite.documents import Footnote
from paracite.parsing.blocks import Block
from paracite.parsing.draft import Draft
from paracite.text.un_patterns import SUPERSCRIPT_DIGITS, to_superscript

_SUP_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")
_WORD_REF = re.compile(r"\[\^(\w+)\]")  # as the definitions name them ("[^note]:")
_NOTE_SCAN = 500  # passages a footnote looks through on its page before giving up there


class Markers:
    """Which of some texts carry which footnote markers, indexed once.

    A marker printed as superscript digits ("¹²") is carried by a text where it stands as
    a whole run of superscripts; a word marker (Markdown's "[^note]", whose references are
    left in the text as they are) by a text holding that reference. Those are looked up;
    only symbol markers ("*", "†", from PDFs, a few a document) are searched for.
    """

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.found: dict[str, list[int]] = {}  # marker key → indexes of the texts with it
        for k, text in enumerate(texts):
            keys = set(_SUP_RUN.findall(text))
            if "[^" in text:
                keys.update(f"[^{w}]" for w in _WORD_REF.findall(text))
            for key in keys:
                self.found.setdefault(key, []).append(k)
        self.sets: dict[str, set[int]] = {}
        self.patterns: dict[str, re.Pattern[str]] = {}

    @staticmethod
    def key(marker: str) -> str | None:
        """The index key of a marker; None for a symbol marker, which is searched for."""
        sup = to_superscript(marker)
        if sup and not sup.strip(SUPERSCRIPT_DIGITS):
            return sup
        if any(c.isalnum() for c in marker):
            return f"[^{marker}]"
        return None

    def carrying(self, marker: str) -> list[int] | None:
        """The texts carrying an indexed marker, in order; None for a symbol marker."""
        key = self.key(marker)
        return None if key is None else self.found.get(key, [])

    def carries(self, k: int, marker: str) -> bool:
        key = self.key(marker)
        if key is not None:
            if key not in self.sets:
                self.sets[key] = set(self.found.get(key, []))
            return k in self.sets[key]
        if marker not in self.patterns:
            sup = to_superscript(marker)
            self.patterns[marker] = re.compile(
                rf"(?<![{SUPERSCRIPT_DIGITS}]){re.escape(sup)}(?![{SUPERSCRIPT_DIGITS}])")
        return bool(self.patterns[marker].search(self.texts[k]))


def attach_footnotes(drafts: list[Draft], footnotes: list[tuple[int, Block]]) -> None:
    """Give each footnote to the passage that carries its marker: the nearest one before
    the note on the note's own page (footnote numbers restart in annexes and reports quote
    other texts' markers), else the nearest after it on that page, else the nearest before
    it anywhere, else after; with no marker anywhere, the passage it was printed under.

    ``drafts`` are in reading order. The passages carrying each marker and those on each
    page are indexed once, so a note costs a few look-ups, not a pass over the document
    (each pass was quadratic with thousands of notes).
    """
    if not footnotes:
        return
    if not drafts:  # a file holding only footnotes: the first becomes a passage, the
        # others go with it
        idx, fb = footnotes[0]
        marker = (fb.marker or "").strip()
        text = f"{to_superscript(marker)} {fb.text.strip()}".strip()
        drafts.append(Draft("paragraph", f"footnote {marker}".strip(), [text], [fb],
                             [fb.page], [], idx))
        for _, fb in footnotes[1:]:
            drafts[0].footnotes.append(Footnote(marker=(fb.marker or "").strip(),
                                                text=fb.text.strip()))
        return
    firsts = [d.first_index for d in drafts]
    markers = Markers([d.text for d in drafts])
    on_page: dict[int, list[int]] = {}  # page → drafts on it
    for k, d in enumerate(drafts):
        for page in d.pages:
            on_page.setdefault(page, []).append(k)

    for idx, fb in footnotes:
        marker = (fb.marker or "").strip()
        at = bisect_left(firsts, idx)  # drafts[:at] start before the note

        def carries(k: int, marker: str = marker) -> bool:
            return markers.carries(k, marker)

        def on_its_page(k: int, page: int = fb.page) -> bool:
            return page in drafts[k].page_set
        # on the note's page: walking the passages on the page, or those with the marker
        # (whichever finds it first), the nearest before the note, else after
        near = [_nearest(on_page.get(fb.page, []), at, carries, _NOTE_SCAN)]
        carrying = markers.carrying(marker)
        if carrying is not None:
            near.append(_nearest(carrying, at, on_its_page, _NOTE_SCAN))
            cut = bisect_left(carrying, at)
            before = carrying[cut - 1] if cut else None
            after = carrying[cut] if cut < len(carrying) else None
        else:
            before, after = _nearest(range(len(drafts)), at, carries, _NOTE_SCAN)
        target = next((b for b, _ in near if b is not None), None)
        if target is None:
            target = next((a for _, a in near if a is not None), None)
        if target is None:
            target = before if before is not None else after
        if target is None:  # no marker found anywhere: keep the text with the passage
            target = at - 1 if at else at  # it was printed under rather than lose it
        drafts[target].footnotes.append(Footnote(marker=marker, text=fb.text.strip()))


def _nearest(candidates: Sequence[int], at: int, ok: Callable[[int], bool], scan: int
             ) -> tuple[int | None, int | None]:
    """Of the sorted ``candidates`` for which ``ok`` holds, the last one before ``at`` and
    the first one from ``at`` on; looking at no more than ``scan`` of them each way."""
    cut = bisect_left(candidates, at)
    before = next((candidates[k] for k in range(cut - 1, max(-1, cut - 1 - scan), -1)
                   if ok(candidates[k])), None)
    after = next((candidates[k] for k in range(cut, min(len(candidates), cut + scan))
                  if ok(candidates[k])), None)
    return before, after
