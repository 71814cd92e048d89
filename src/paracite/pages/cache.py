"""The page cache: a passage's page drawn once, kept as a PNG, bounded in size.

``page_image`` locates a passage on its page and draws it once per (file, page, passage
text and box, scale) and keeps the PNG in a folder; the folder is bounded (least recently
used out, ``evict``) and a file's pages go with it (``forget``). It logs a warning and
returns ``None`` where ``locate`` and ``render`` would raise ``PageError``, since the
citation's text is shown whether or not its page is.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from paracite.documents import DocumentInfo, Passage
from paracite.pages.pdf import (
    DEFAULT_SCALE,
    NOT_FOUND,
    PageError,
    _box,
    _box_on,
    _draw,
    _locate,
    _open_page,
)

log = logging.getLogger(__name__)

# Bump when matching or drawing changes: cached PNGs of older versions are not reused.
PAGES_VERSION = "3"  # 3: looked for inside the passage's box first


@dataclass(frozen=True)
class PageImage:
    """A drawn page: the PNG, its 1-based PDF page index, whether a region is marked, and
    where (``box``: the top and bottom of the marked lines as shares of the image's
    height, for a viewer to scroll to; None when nothing is marked)."""

    path: Path
    page: int
    highlighted: bool
    box: tuple[float, float] | None = None


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
    text, its box on the page (``Passage.boxes``: looked in first) and scale. ``None`` for
    a source that is not a PDF or is gone, a passage without pages, and (with a logged
    warning) a file or page that cannot be read or drawn.

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
    box = _box_on(passage.boxes, page)
    text_hash = hashlib.sha256(f"{passage.kind}\x1f{passage.pages}\x1f{passage.text}"
                               f"\x1f{tuple(box or ())}".encode()).hexdigest()
    key = f"{_key_prefix(file_hash)}{page}-{text_hash[:16]}-s{scale:g}-v{PAGES_VERSION}"
    marked, plain = cache / f"{key}.png", cache / f"{key}.plain.png"
    for path, highlighted in ((marked, True), (plain, False)):
        if path.is_file():
            _touch(path)
            return PageImage(path, page, highlighted, _box(path) if highlighted else None)
    try:
        with _open_page(source, page) as pg:
            rects = _locate(pg, page, passage.text, passage.pages, passage.kind, box)
            out = marked if rects else plain
            shown = _draw(pg, rects, out, scale, banner=NOT_FOUND)
    except PageError as e:
        log.warning("%s", e)
        return None
    if max_mb is not None:
        evict(cache, int(max_mb * 1_048_576), keep=out)
    return PageImage(out, page, bool(rects), shown)


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
