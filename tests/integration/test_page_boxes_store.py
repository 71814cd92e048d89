"""Passage boxes through a real temporary Chroma store: ingested with the passage, read
back with it, used by the page image (the hash embedder: nothing is searched by meaning)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paracite.ingest import passages_for
from paracite.pages import page_image

pytestmark = pytest.mark.integration
pytest.importorskip("fpdf")
from tests.pdfgen import write_pdf  # noqa: E402

REPEATED = ("Statements were made by the representatives of Brazil, Chile, Kenya, Norway "
            "and Peru, who welcomed the report of the Executive Director.")


def test_stored_passages_keep_their_boxes_and_are_marked_in_their_own_place(counting,
                                                                             tmp_path):
    inbox = tmp_path / "drop"
    inbox.mkdir()
    pdf = write_pdf(inbox / "twice.pdf", [
        ("heading", "I. Organization of the session"),
        ("heading", "A. Opening of the session"), ("para", REPEATED),
        ("heading", "B. Closing of the session"), ("para", REPEATED)])
    assert counting.ingest([inbox]).ok
    (info, _), = counting.documents()
    stored = counting.passages(info.id)
    _, parsed = passages_for(pdf, {}, info.id, "")
    assert [p.boxes for p in stored] == [p.boxes for p in parsed]
    assert all(p.boxes for p in stored)
    drawn = [page_image(p, info, tmp_path / "pages") for p in stored if p.text == REPEATED]
    assert len(drawn) == 2 and all(d is not None and d.highlighted for d in drawn)
    assert len({d.path for d in drawn if d is not None}) == 2
    assert Path(info.source) == pdf.resolve()


def test_a_store_ingested_before_boxes_were_kept_gets_them_without_embedding_again(
        counting, tmp_path, monkeypatch):
    from paracite.ingest import files

    inbox = tmp_path / "drop"
    inbox.mkdir()
    write_pdf(inbox / "twice.pdf", [("heading", "I. Organization of the session"),
                                     ("para", REPEATED)])
    assert counting.ingest([inbox]).ok
    (info, _), = counting.documents()
    ids = [p.id for p in counting.passages(info.id)]
    counting.store.collection.update(ids=ids, metadatas=[{"boxes": ""}] * len(ids))
    old = counting.passages(info.id)
    assert not any(p.boxes for p in old)  # as stored before boxes were kept …
    assert page_image(old[-1], info, tmp_path / "pages").highlighted  # … still marked
    monkeypatch.setattr(files, "PARSER_VERSION", files.PARSER_VERSION + "-next")
    again = counting.ingest([inbox])  # a new parser version: parsed again
    assert [f.status for f in again.files] == ["updated"] and again.embedded == 0
    assert all(p.boxes for p in counting.passages(info.id))
