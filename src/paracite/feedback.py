"""Readers' verdicts on answers, one JSON line each in ``PARACITE_HOME/feedback.jsonl``.

A line holds what was asked, what was answered (text, whether the records answered, which
answerer) and what it cited, so a verdict can be read later without the store: enough to
turn a thumbs-down into an eval question. Lines are appended under a file lock, each with
one write, so several threads or processes (the web UI's workers, a CLI) can record at
once without mixing lines. Nothing leaves the machine.

>>> import tempfile, json
>>> from pathlib import Path
>>> from paracite.documents import Answer
>>> home = Path(tempfile.mkdtemp())
>>> path = record_feedback(home, question="Who chaired?", verdict="up",
...                        answer=Answer(question="Who chaired?", text="Ms. A [1]", found=True))
>>> json.loads(path.read_text(encoding="utf-8"))["verdict"]
'up'
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any, Literal

from paracite.documents import Answer
from paracite.errors import ParaciteError, StoreError

FEEDBACK_FILE = "feedback.jsonl"
Verdict = Literal["up", "down"]
VERDICTS: tuple[str, ...] = ("up", "down")
# A comment is a reader's note, not a document: longer text is cut (and marked) so one
# careless paste cannot grow the file by megabytes.
MAX_COMMENT_CHARS = 4000
# How long a writer waits for another to finish its line (a line takes microseconds; a
# wait this long means a stuck process, and the reader is told rather than kept waiting).
LOCK_WAIT_S = 10.0


def feedback_line(*, question: str, answer: Answer, verdict: str, comment: str = "",
                  when: dt.datetime | None = None) -> dict[str, Any]:
    """The record one verdict is stored as (see the module docstring)."""
    if verdict not in VERDICTS:
        raise ParaciteError(f"feedback verdict must be 'up' or 'down', not {verdict!r}")
    if len(comment) > MAX_COMMENT_CHARS:
        comment = comment[:MAX_COMMENT_CHARS] + "…"
    when = when or dt.datetime.now(dt.UTC)
    return {
        "time": when.astimezone(dt.UTC).isoformat(timespec="seconds"),
        "question": question,
        "standalone_question": answer.standalone_question or answer.question,
        "answer": answer.text,
        "found": answer.found,
        "llm": answer.llm,
        "citations": [{"document": c.document, "symbol": c.symbol, "paragraph": c.paragraph,
                       "page_shown": c.page_shown, "passage_id": c.passage_id}
                      for c in answer.citations],
        "verdict": verdict,
        "comment": comment,
    }


def record_feedback(home: Path, *, question: str, answer: Answer, verdict: Verdict | str,
                    comment: str = "") -> Path:
    """Append one verdict to ``home/feedback.jsonl`` (created with ``home`` if need be) and
    return the file's path. ``verdict`` is 'up' or 'down'; anything else raises
    ParaciteError, as does a file that cannot be written (the message names it)."""
    from filelock import FileLock, Timeout

    line = json.dumps(feedback_line(question=question, answer=answer, verdict=verdict,
                                    comment=comment), ensure_ascii=False) + "\n"
    data = line.encode("utf-8")
    path = Path(home) / FEEDBACK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with FileLock(str(path) + ".lock", timeout=LOCK_WAIT_S):
            # O_APPEND: every write lands at the end, whoever else has the file open;
            # one os.write of the whole line, so a line is never split.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                written = os.write(fd, data)
                if written != len(data):
                    raise OSError(f"wrote {written} of {len(data)} bytes")
            finally:
                os.close(fd)
    except Timeout:
        raise StoreError(f"feedback not recorded: {path} is locked by another process for "
                         f"over {LOCK_WAIT_S:g} s; try again") from None
    except OSError as exc:
        raise StoreError(f"feedback not recorded: cannot write {path} "
                         f"({exc.strerror or exc}); check that PARACITE_HOME is writable"
                         ) from exc
    return path
