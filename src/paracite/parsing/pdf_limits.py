"""Opening a PDF within limits, before any page's text is read.

A file that is not a PDF, is empty, is encrypted with a password, has more pages than
``PARACITE_MAX_PAGES`` or whose content streams inflate past ``PARACITE_MAX_INFLATED_MB``
is refused with a :class:`~paracite.errors.ParseError` a user can act on. The inflated size
is counted, not kept: each Flate stream a page's text extraction would read (its content
streams, the forms it draws, its fonts' /ToUnicode maps) is inflated a megabyte at a time,
so a small file of huge zero-filled pages fails in a second with little memory. pypdf's own
decompression limits are lowered to the same budget while the pages are read.

Within the limits, each page is read once by :func:`paracite.parsing.layout.read_page`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from paracite.errors import ParseError
from paracite.parsing.layout import Page, read_page

_INFLATE_CHUNK = 1 << 20  # bytes inflated at a time when counting a stream's size


def read_pages(path: Path, max_pages: int = 5000,
               max_inflated_bytes: int = 400 * 2**20,
               on_page: Callable[[int, int], None] | None = None) -> list[Page]:
    """The PDF's pages, each read once; a ParseError before any page's text is read when
    the file is not a readable PDF or is past a limit. ``on_page(done, total)``: before
    the first page and after each page."""
    head = path.read_bytes()[:1024]
    if not head:
        raise ParseError(f"{path.name}: empty file (0 bytes); skipped")
    if not head.lstrip().startswith(b"%PDF"):
        raise ParseError(f"{path.name}: not a PDF (starts with {head[:4]!r}); skipped")
    from pypdf import PdfReader, apply_configuration, get_configuration
    from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

    too_big = ParseError(
        f"{path.name}: more than {max_inflated_bytes / 2**20:g} MB of decompressed content "
        "(PARACITE_MAX_INFLATED_MB); a PDF whose streams inflate this much is malformed or "
        "hostile; skipped")
    # no one stream may inflate past the whole budget either (pypdf checks as it inflates)
    config = get_configuration()
    limits = {name: min(getattr(config, name) or max_inflated_bytes, max_inflated_bytes + 1)
              for name in ("zlib_maximum_output_length", "lzw_maximum_output_length",
                           "run_length_maximum_output_length",
                           "array_based_stream_maximum_output_length")}
    try:
        with apply_configuration(None, **limits):
            reader = PdfReader(str(path))
            if reader.is_encrypted:
                try:
                    opened = bool(reader.decrypt(""))
                except Exception:  # pypdf raises several types for unsupported encryption
                    opened = False
                if not opened:
                    raise ParseError(f"{path.name}: encrypted PDF; paracite cannot read it "
                                     "without the password")
            count = len(reader.pages)
            if count > max_pages:
                raise ParseError(f"{path.name}: {count} pages, more than the {max_pages} "
                                 "allowed (PARACITE_MAX_PAGES); skipped")
            if _inflated_bytes(reader, max_inflated_bytes) > max_inflated_bytes:
                raise too_big
            if on_page:
                on_page(0, count)
            pages = []
            for n, page in enumerate(reader.pages, 1):
                pages.append(read_page(page, n))
                if on_page:
                    on_page(n, count)
            return pages
    except ParseError:
        raise
    except LimitReachedError as exc:  # one of pypdf's own limits
        if "decompressing" in str(exc):  # a stream inflating past the budget
            raise too_big from exc
        raise ParseError(f"{path.name}: malformed PDF ({exc}); skipped") from exc
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(f"{path.name}: damaged or truncated PDF ({exc}); skipped") from exc


def _inflated_bytes(reader: Any, limit: int) -> int:
    """How many bytes the streams that text extraction reads inflate to, all pages
    together: each page's content streams, the form XObjects it draws (each time it draws
    them) and its fonts' /ToUnicode maps. Counting stops past ``limit``.

    Flate streams are inflated a megabyte at a time and only counted, so a 2 MB file of
    60 MB zero-filled pages fails in a second with little memory, before the text
    extraction that would parse each page's 60 MB (292 s and 2.1 GB for 40 such pages).
    """
    sizes: dict[tuple[int, int], int] = {}  # a stream shared by pages is inflated once
    total = 0
    for page in reader.pages:
        for stream in _page_streams(page):
            ref = getattr(stream, "indirect_reference", None)
            key = (ref.idnum, ref.generation) if ref is not None else None
            size = sizes.get(key) if key is not None else None
            if size is None:
                size = _stream_size(stream, limit - total)
                if key is not None:
                    sizes[key] = size
            total += size
            if total > limit:
                return total
    return total


def _page_streams(page: Any) -> list[Any]:
    """The content streams of a page, of the forms it draws (recursively) and its fonts'
    /ToUnicode maps; what cannot be read is left to text extraction to complain about."""
    from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

    out: list[Any] = []
    seen: set[int] = set()

    def resolve(obj: Any) -> Any:
        try:
            return obj.get_object() if obj is not None else None
        except Exception:  # a dangling or damaged reference
            return None

    def resources(res: Any) -> None:
        res = resolve(res)
        if not isinstance(res, DictionaryObject):
            return
        fonts = resolve(res.get("/Font"))
        if isinstance(fonts, DictionaryObject):
            for font in fonts.values():
                font = resolve(font)
                if isinstance(font, DictionaryObject):
                    add(font.get("/ToUnicode"), form=False)
        xobjects = resolve(res.get("/XObject"))
        if isinstance(xobjects, DictionaryObject):
            for xobj in xobjects.values():
                add(xobj, form=True)

    def add(obj: Any, form: bool) -> None:
        obj = resolve(obj)
        if isinstance(obj, ArrayObject):
            for item in obj:
                add(item, form)
            return
        if not isinstance(obj, StreamObject) or id(obj) in seen:
            return
        if form and obj.get("/Subtype") != "/Form":
            return  # images are not read for text
        seen.add(id(obj))
        out.append(obj)
        if form:
            resources(obj.get("/Resources"))

    try:
        add(page.get("/Contents"), form=False)
        resources(page.get("/Resources"))
    except (AttributeError, KeyError, TypeError, ValueError):
        pass
    return out


def _stream_size(stream: Any, limit: int) -> int:
    """The inflated size of ``stream``, or a number past ``limit`` once it gets there."""
    import zlib

    from pypdf.errors import LimitReachedError

    raw = getattr(stream, "_data", b"") or b""
    filters = stream.get("/Filter")
    if filters is None:
        return len(raw)
    if isinstance(filters, list) and len(filters) == 1:
        filters = filters[0]
    if filters in ("/FlateDecode", "/Fl") and stream.get("/DecodeParms") is None:
        inflater = zlib.decompressobj()
        size = 0
        data = raw
        try:
            while not inflater.eof:
                chunk = inflater.decompress(data, _INFLATE_CHUNK)
                data = inflater.unconsumed_tail
                if not chunk and not data:
                    break
                size += len(chunk)
                if size > limit:
                    return size
        except zlib.error:
            pass  # damaged: pypdf's own decoding (with its limits) decides later
        return size
    try:
        return len(stream.get_data())
    except LimitReachedError:
        return limit + 1
    except Exception:  # undecodable: text extraction skips or reports it
        return 0
