"""A passage and its provenance as one row of Chroma metadata, and back.

Chroma metadata values are scalars: page lists are comma-joined and footnotes JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from paracite.documents import DocumentInfo, Footnote, Passage


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


def to_metadata(p: Passage, doc: DocumentInfo) -> dict[str, Any]:
    return {
        "document": p.document, "title": p.title, "symbol": p.symbol or "",
        "date": p.date or "", "paragraph": p.paragraph, "section": p.section,
        "pages": ",".join(str(n) for n in p.pages), "start": p.start, "end": p.end,
        "printed_pages": ",".join(p.printed_pages),
        "kind": p.kind, "order": p.order, "occurrence": p.occurrence,
        "content_hash": p.content_hash, "embed_key": p.embed_key,
        "footnotes": json.dumps([f.model_dump() for f in p.footnotes], ensure_ascii=False),
        "source": doc.source, "file_hash": doc.content_hash, "doc_pages": doc.pages or 0,
        "body": doc.body or "",
        "bytes_hash": doc.bytes_hash,
        "sentence_vectors": p.sentence_vectors,
        "boxes": p.packed_boxes,
    }


def from_metadata(text: str, m: dict[str, Any]) -> Passage:
    return Passage(
        document=m["document"], title=m["title"], symbol=m["symbol"] or None,
        date=m["date"] or None, paragraph=m["paragraph"], section=m["section"],
        pages=tuple(int(x) for x in str(m["pages"]).split(",") if x),
        printed_pages=tuple(str(m["printed_pages"]).split(",")) if m.get("printed_pages")
        else (),
        start=int(m["start"]), end=int(m["end"]), kind=m["kind"], order=int(m["order"]),
        occurrence=int(m.get("occurrence") or 0), text=text,
        footnotes=tuple(Footnote(**f) for f in json.loads(m["footnotes"])),
        sentence_vectors=str(m.get("sentence_vectors") or ""),
        boxes=Passage.unpack_boxes(m.get("boxes")),  # none stored before they were kept
    )

