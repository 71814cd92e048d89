"""The conversation, as kept in the browser, and why the server can trust it again.

A turn is {"question": str, "answer": Answer as JSON, "notice": str, "sig": str}: plain
JSON, so it can live in the browser's storage and come back after a reload. The browser
is not trusted with it: "sig" is the server's HMAC-SHA256 of the rest (``sign_turn``),
and a turn that comes back without a valid one is dropped (``valid_turns``). So only
answers this server gave are shown, used as history, or rated.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from paracite import Answer

from .render import format_answer, md_text

log = logging.getLogger(__name__)

Turn = dict[str, Any]
KEY_FILE = "ui-secret"
# Keys written before this prefix existed were sent to every browser (issue 21): such a
# file is replaced, and turns signed with it (there are none: they were unsigned) are void.
KEY_PREFIX = "hmac-sha256-v2:"


def turn_key(home: Path) -> bytes:
    """The key turns are signed with: made once per PARACITE_HOME and kept in
    PARACITE_HOME/ui-secret (mode 0600), so a conversation survives a restart. It never
    leaves the server. When it cannot be kept, a key for this process only is used (a
    conversation then ends with the server; a warning says so)."""
    path = home / KEY_FILE
    with contextlib.suppress(OSError):
        text = path.read_text().strip()
        if text.startswith(KEY_PREFIX) and len(text) >= len(KEY_PREFIX) + 32:
            return text.encode()
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    tmp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        home.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(key)
        if path.exists():  # a key of the old kind (or a damaged file): replaced
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # never over a key another process has just made
            except FileExistsError:
                theirs = path.read_text().strip()
                if theirs.startswith(KEY_PREFIX):
                    return theirs.encode()
    except OSError as exc:
        log.warning("the conversation key could not be kept in %s (%s): a conversation "
                    "will not survive a restart", path, exc)
    finally:
        tmp.unlink(missing_ok=True)
    return key.encode()


def sign_turn(key: bytes, question: str, answer: Mapping[str, Any], notice: str) -> str:
    """HMAC-SHA256 (hex) of a turn's canonical JSON: question, answer (as
    ``Answer.model_dump(mode="json")`` gives it) and notice."""
    canonical = json.dumps({"question": question, "answer": answer, "notice": notice},
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


def new_turn(question: str, ans: Answer, notice: str = "", *, key: bytes) -> Turn:
    """A turn this server answered, signed with ``key``."""
    answer = ans.model_dump(mode="json")
    return {"question": question, "answer": answer, "notice": notice,
            "sig": sign_turn(key, question, answer, notice)}


def turn_answers(turns: Sequence[Turn]) -> list[Answer]:
    """The Answers of turns ``valid_turns`` kept."""
    return [Answer.model_validate(t["answer"]) for t in turns]


def checked_turn(t: Any, key: bytes, max_question_chars: int) -> Turn | None:
    """``t`` as this server made it, or None: of another shape, a question over the
    limit, or a signature that does not verify (made up or changed in the browser)."""
    if not (isinstance(t, dict) and isinstance(t.get("question"), str)
            and isinstance(t.get("answer"), dict) and isinstance(t.get("sig"), str)
            and isinstance(t.get("notice", ""), str)):
        return None
    if len(t["question"]) > max_question_chars:
        return None
    try:
        answer = Answer.model_validate(t["answer"]).model_dump(mode="json")
    except Exception:  # noqa: BLE001 - a damaged turn is dropped, not fatal
        return None
    notice = t.get("notice", "")
    if not hmac.compare_digest(sign_turn(key, t["question"], answer, notice), t["sig"]):
        return None
    return {"question": t["question"], "answer": answer, "notice": notice, "sig": t["sig"]}


def valid_turns(turns: Any, key: bytes, kept: int, max_question_chars: int) -> list[Turn]:
    """The turns a browser sent back that this server signed with ``key`` (see
    ``checked_turn``), the last ``kept`` of them."""
    if not isinstance(turns, list):
        return []
    good = [c for c in (checked_turn(t, key, max_question_chars) for t in turns[-kept:]) if c]
    dropped = min(len(turns), kept) - len(good)
    if dropped:
        log.info("%d turn(s) sent by a browser were dropped: not signed by this server",
                 dropped)
    return good


def history_pairs(turns: Sequence[Turn] | Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The conversation as (question, answer text) pairs, for follow-ups (last six)."""
    pairs: list[tuple[str, str]] = []
    for t in turns:
        if isinstance(t, dict):
            pairs.append((t["question"], str(t["answer"].get("text", ""))))
        else:
            q, a = t
            pairs.append((q, a))
    return pairs[-6:]


def chat_messages(turns: Sequence[Turn]) -> list[dict[str, str]]:
    """The chat as gradio messages, from the kept turns."""
    msgs = []
    for n, t in enumerate(turns, 1):
        ans = Answer.model_validate(t["answer"])
        msgs.append({"role": "user", "content": md_text(t["question"])})
        msgs.append({"role": "assistant", "content": format_answer(ans, n, t.get("notice", ""))})
    return msgs


# gr.BrowserState sends its ``secret`` to the browser (it is in the page's config) and the
# browser encrypts with it; without one, gradio draws a new key per process, and a reload
# after a restart would lose the conversation. So the key is this constant: the browser's
# storage is not confidential from the user's own browser profile and is not meant to be.
# What matters is integrity, and that comes from the server's signature on every turn
# (``sign_turn``), whose key never leaves the server.
BROWSER_STORAGE_KEY = "paracite-conversation-not-a-secret"
