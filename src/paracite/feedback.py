"""Readers' verdicts on answers, one JSON line each in ``PARACITE_HOME/feedback.jsonl``.

A line holds what was asked, what was answered (text, whether the records answered, which
answerer) and what it cited, so a verdict can be read later without the store: enough to
turn a thumbs-down into an eval question. Lines are appended under a file lock, each with
one write, so several threads or processes (the web UI's workers, a CLI) can record at
once without mixing lines. Nothing leaves the machine.

A line is at most ``max_line_kb`` (setting ``max_feedback_line_kb``, 64 KB): a verdict is
never refused for its size, its longest parts are cut instead and named in the line's
``"cut"`` list (text fields end with "…"; citations beyond those that fit are left out).
So one click can add kilobytes to the file, never megabytes.

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
from paracite.settings import Settings

FEEDBACK_FILE = "feedback.jsonl"
Verdict = Literal["up", "down"]
VERDICTS: tuple[str, ...] = ("up", "down")
# A comment is a reader's note, not a document: longer text is cut (and marked) so one
# careless paste cannot grow the file by megabytes.
MAX_COMMENT_CHARS = 4000
# How long a writer waits for another to finish its line (a line takes microseconds; a
# wait this long means a stuck process, and the reader is told rather than kept waiting).
LOCK_WAIT_S = 10.0
# Used when a caller names no limit: the setting's default.
DEFAULT_MAX_LINE_KB: float = Settings.model_fields["max_feedback_line_kb"].default
# A line over the limit gives up its longest part first, again and again: a free-text
# field (cut to what fits, never below SHORT_CHARS) or the citations (the first ones that
# fit are kept; each citation's strings are first cut to SHORT_CHARS: a real one is a
# short id or label). Parts of SHORT_CHARS or less are kept whole.
CUT_FIELDS = ("comment", "llm", "answer", "standalone_question", "question")
SHORT_CHARS = 256
CUT_MARK = "…"


def feedback_line(*, question: str, answer: Answer, verdict: str, comment: str = "",
                  when: dt.datetime | None = None, max_line_kb: float | None = None
                  ) -> dict[str, Any]:
    """The record one verdict is stored as (see the module docstring), cut to fit in
    ``max_line_kb`` (default DEFAULT_MAX_LINE_KB) once written as a JSON line."""
    if verdict not in VERDICTS:
        raise ParaciteError(f"feedback verdict must be 'up' or 'down', not {verdict!r}")
    if len(comment) > MAX_COMMENT_CHARS:
        comment = comment[:MAX_COMMENT_CHARS] + "…"
    when = when or dt.datetime.now(dt.UTC)
    record = {
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
    limit = max_line_kb if max_line_kb is not None else DEFAULT_MAX_LINE_KB
    return fit_line(record, int(limit * 1024))


def _line_bytes(record: dict[str, Any]) -> int:
    return len(json.dumps(record, ensure_ascii=False).encode("utf-8")) + 1  # + newline


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-8"))


def _keep_most(record: dict[str, Any], field: str, parts: Any, least: int, limit: int
               ) -> None:
    """Set ``record[field]`` to the longest start of ``parts`` (a str, then marked, or a
    list), at least ``least`` long, with which the line fits in ``limit`` bytes (or to
    that least when none does)."""

    def part(n: int) -> Any:
        return parts[:n] + CUT_MARK if isinstance(parts, str) else parts[:n]

    lo, hi = least, max(least, min(len(parts), limit))  # a char takes at least a byte
    while lo < hi:
        mid = (lo + hi + 1) // 2
        record[field] = part(mid)
        if _line_bytes(record) <= limit:
            lo = mid
        else:
            hi = mid - 1
    record[field] = part(lo)


def fit_line(record: dict[str, Any], limit: int) -> dict[str, Any]:
    """``record`` when its JSON line is at most ``limit`` bytes; else a copy with its
    longest parts cut (see CUT_FIELDS) and their names in ``record["cut"]``. Raises
    ParaciteError when what is left does not fit (a limit of a few KB or less).

    >>> rec = fit_line({"question": "Who?", "answer": "a" * 5000, "comment": "ok"}, 1024)
    >>> rec["cut"], rec["answer"][-1], rec["question"], _line_bytes(rec) <= 1024
    (['answer'], '…', 'Who?', True)
    """
    if _line_bytes(record) <= limit:
        return record
    out = dict(record, cut=[])
    cites = out.get("citations")
    if isinstance(cites, list) and cites:
        short = [{k: v[:SHORT_CHARS] if isinstance(v, str) else v for k, v in c.items()}
                 if isinstance(c, dict) else c for c in cites]
        if short != cites:
            out["citations"] = short
            out["cut"].append("citations")
    while _line_bytes(out) > limit:
        sizes = {f: _size(out[f]) for f in CUT_FIELDS
                 if isinstance(out.get(f), str) and len(out[f]) > SHORT_CHARS + 1}
        if isinstance(out.get("citations"), list) and out["citations"]:
            sizes["citations"] = _size(out["citations"])
        if not sizes:
            raise ParaciteError(f"feedback not recorded: even cut down, a line takes "
                                f"{_line_bytes(out)} bytes, over the {limit / 1024:g} KB "
                                "limit; raise PARACITE_MAX_FEEDBACK_LINE_KB")
        field = max(sizes, key=lambda f: sizes[f])
        if field not in out["cut"]:
            out["cut"].append(field)
        if field == "citations":
            _keep_most(out, field, out[field], 0, limit)
        else:  # cut once: to what fits, or to SHORT_CHARS (then it is no longer picked)
            _keep_most(out, field, str(out[field]), SHORT_CHARS, limit)
    return out


def record_feedback(home: Path, *, question: str, answer: Answer, verdict: Verdict | str,
                    comment: str = "", max_line_kb: float | None = None) -> Path:
    """Append one verdict to ``home/feedback.jsonl`` (created with ``home`` if need be) and
    return the file's path. ``verdict`` is 'up' or 'down'; anything else raises
    ParaciteError, as does a file that cannot be written (the message names it).
    ``max_line_kb``: the line's size limit (default DEFAULT_MAX_LINE_KB); longer parts
    are cut and named in the line's "cut" list, the verdict is always kept."""
    from filelock import FileLock, Timeout

    line = json.dumps(feedback_line(question=question, answer=answer, verdict=verdict,
                                    comment=comment, max_line_kb=max_line_kb),
                      ensure_ascii=False) + "\n"
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
