"""The files an ingest reads: found in folders (the manifest, hidden files and links to
folders inside left out), parsed by their format's parser, hashed, and made into passages.

``passages_for`` runs in the parse worker process (:mod:`paracite.parsing.worker`); the
modules in ``PARSERS`` are imported there before the first file's clock starts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from paracite.documents import DocumentInfo, Passage
from paracite.errors import IngestError
from paracite.ingest.manifest import MANIFEST
from paracite.ingest.progress import StepFn
from paracite.parsing.blocks import ParsedFile
from paracite.parsing.un_structure import recover
from paracite.settings import Settings

# Bump when parsing or structure rules change, so unchanged files are parsed again.
PARSER_VERSION = "6"  # 2: layout-aware PDF reading, printed pages, tables, issuing body;
# 3: format characters removed, paragraph numbers of any length, long passages split;
# 4: Snowball stems in the keyword index, sentence vectors stored with each passage;
# 5: cover metadata (parsing/cover.py): the issuing body from the masthead's layout and the
# slug, session dates when a cover prints no issue date; 6: passage ids by content
# (document, label, text), reading order kept beside them, and PDF passages keep their
# boxes (where their lines are printed); a stored text takes its vectors back, so
# nothing is embedded again
TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text"}
PDF_SUFFIXES = {".pdf"}
PARSERS = ("paracite.ingest", "paracite.parsing.markdown", "paracite.parsing.pdf",
           "paracite.text.markup")


def discover(paths: Iterable[str | Path]) -> tuple[list[tuple[Path, Path]], list[Path]]:
    """Files to ingest as (file, folder whose manifest applies), and the folders walked."""
    files: list[tuple[Path, Path]] = []
    folders: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            folders.append(p)
            for f in sorted(p.rglob("*")):
                if f.name == MANIFEST or any(part.startswith(".") for part in
                                               f.relative_to(p).parts):
                    continue
                if f.is_symlink() and f.is_dir() and f.resolve().is_relative_to(p.resolve()):
                    continue  # a link to a folder inside: its files are walked anyway
                if f.is_file() or f.is_symlink():
                    files.append((f, p))
        else:
            files.append((p, p.parent))
    return files, folders


def parse_file(path: Path, settings: Settings | None = None,
               on_page: Callable[[int, int], None] | None = None) -> ParsedFile:
    """Run the format parser for ``path``'s type, within the settings' limits.
    ``on_page(done, total)``: before the first page and after each page is read (a text
    file is one page)."""
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from paracite.parsing.markdown import parse_markdown

        if on_page:
            on_page(0, 1)
        parsed = parse_markdown(path)
        if on_page:
            on_page(1, 1)
        return parsed
    if suffix in PDF_SUFFIXES:
        from paracite.parsing.pdf import parse_pdf

        s = settings or Settings()
        return parse_pdf(path, max_pages=s.max_pages,
                         max_inflated_bytes=int(s.max_inflated_mb * 1_048_576), on_page=on_page)
    kinds = ", ".join(sorted(PDF_SUFFIXES | TEXT_SUFFIXES))
    raise IngestError(f"{path.name}: unsupported file type {suffix or '(none)'!r}; "
                      f"paracite reads {kinds}")


def file_hash(data: bytes, entry: dict[str, Any]) -> str:
    h = hashlib.sha256(data)
    h.update(repr(sorted(entry.items())).encode())
    h.update(PARSER_VERSION.encode())
    return h.hexdigest()


def passages_for(path: Path, entry: dict[str, Any], doc_id: str, digest: str,
                 settings: Settings | None = None, progress: StepFn | None = None
                 ) -> tuple[DocumentInfo, list[Passage]]:
    """Parse one file into its DocumentInfo and passages (no embedding). ``progress``
    hears ("reading", page, pages) as pages are read, then ("structuring", 0, 1)."""
    settings = settings or Settings()
    on_page = (lambda done, total: progress("reading", done, total)) if progress else None
    parsed = parse_file(path, settings, on_page)
    if progress:
        progress("structuring", 0, 1)
    info = DocumentInfo(
        id=doc_id,
        title=str(entry.get("title") or parsed.title or path.stem),
        symbol=entry.get("symbol") or parsed.symbol,
        date=str(entry["date"]) if entry.get("date") else parsed.date,
        body=str(entry["body"]) if entry.get("body") else parsed.body,
        source=str(path.resolve()),
        content_hash=digest,
        pages=parsed.pages,
    )
    text = path.suffix.lower() in TEXT_SUFFIXES
    passages = recover(parsed.blocks, info, infer_pages=text, bare_headings=text,
                       max_chars=settings.max_passage_chars)
    if not passages:
        raise IngestError(f"{path.name}: no paragraphs found; nothing to ingest")
    return info, distinct(passages)


def distinct(passages: list[Passage]) -> list[Passage]:
    """The passages with ids of their own: a passage with the label and text of an earlier
    one in its document (a repeated table row) is told apart by its ``occurrence``."""
    seen: Counter[tuple[str, str]] = Counter()
    out = []
    for p in passages:
        key = (p.paragraph, p.text)
        out.append(p.model_copy(update={"occurrence": seen[key]}) if seen[key] else p)
        seen[key] += 1
    return out
