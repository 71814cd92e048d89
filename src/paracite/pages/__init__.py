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
wrong one. Where the parser kept the passage's box on the page (``Passage.boxes``), the
same rules run first on the characters printed inside it, then on the whole page: a
paragraph printed twice on a page is marked where its passage was parsed from.

Errors: ``locate`` and ``render`` raise ``PageError`` (a ``ParaciteError``) for a missing,
damaged or encrypted file or a page it does not have; ``page_image`` logs a warning and
returns ``None`` instead, since the citation's text is shown whether or not its page is.
pdfium is not thread-safe: every pdfium call holds one module-level lock.

One concern a module: ``fold`` (both texts to letters and digits) and ``match`` (seeds,
chains, spans, accept rules) are pure text; ``pdf`` opens pages with pdfium, locates and
draws; ``cache`` keeps the drawn PNGs (``page_image``, ``evict``, ``forget``).
"""

from paracite.pages.cache import PAGES_VERSION, PageImage, evict, forget, page_image
from paracite.pages.pdf import (
    BANNER_FILL,
    DEFAULT_SCALE,
    NOT_FOUND,
    PageError,
    Rect,
    locate,
    render,
)

__all__ = ["BANNER_FILL", "DEFAULT_SCALE", "NOT_FOUND", "PAGES_VERSION", "PageError",
           "PageImage", "Rect", "evict", "forget", "locate", "page_image", "render"]
