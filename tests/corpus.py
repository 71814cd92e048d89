"""The real UN PDFs of ../shared, read once per test session.

A real UN PDF takes a second or more to parse, and test_un_corpus, test_un_pdfs and
test_pages_real read the same files: each is parsed once here (as ingest reads it,
within the settings' limits) and what is made from it is shared. What these functions
return is shared between tests: read it, never change it.

Everything here is empty or skipped when ../shared is absent (the PDFs are not bundled
with paracite).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from paracite.documents import DocumentInfo, Passage
from tests.conftest import SHARED, UN_PDFS

UN_CORPUS = SHARED / "un-corpus"


def pdfs(folder: Path) -> list[Path]:
    """The PDFs of ``folder``, sorted; none when it is absent."""
    return sorted(folder.glob("*.pdf")) if folder.is_dir() else []


_PARSED: dict[Path, Any] = {}


def _parse(pdf: Path) -> Any:
    from paracite.ingest import parse_file

    return parse_file(pdf)


def parsed(pdf: Path) -> Any:
    """``pdf`` parsed once per session, as ingest parses it (``ingest.parse_file``). The
    first ask parses every PDF of its folder, on both cores (the tests that read one read
    the others too; one at a time, the 63 corpus PDFs took 52 s here)."""
    if pdf not in _PARSED:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        todo = [p for p in pdfs(pdf.parent) if p not in _PARSED] or [pdf]
        if pdf not in todo:
            todo.append(pdf)
        spawn = multiprocessing.get_context("spawn")  # not fork: this process has threads
        with ProcessPoolExecutor(2, mp_context=spawn) as pool:
            _PARSED.update(zip(todo, pool.map(_parse, todo), strict=True))
    return _PARSED[pdf]


@functools.cache
def structure(pdf: Path) -> tuple[Any, tuple[Passage, ...]]:
    """The parsed file and the passages ``recover`` makes of it with its defaults."""
    from paracite.parsing.un_structure import recover

    p = parsed(pdf)
    info = DocumentInfo(id=pdf.stem, title=p.title or pdf.stem, symbol=p.symbol,
                        source=pdf.name)
    return p, tuple(recover(p.blocks, info))


@functools.cache
def as_ingested(pdf: Path) -> tuple[DocumentInfo, tuple[Passage, ...]]:
    """The DocumentInfo and passages ingest would store for ``pdf``
    (``ingest.files.passages_for``, its own rules), from the session's one parse."""
    import pytest

    from paracite.ingest import files  # where passages_for looks parse_file up

    once = parsed(pdf)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(files, "parse_file", lambda path, settings=None, on_page=None: once)
        info, passages = files.passages_for(pdf, {}, pdf.stem, "")
    return info, tuple(passages)


__all__ = ["UN_CORPUS", "UN_PDFS", "as_ingested", "parsed", "pdfs", "structure"]
