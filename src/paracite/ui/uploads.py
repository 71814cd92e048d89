"""Uploads: files chosen in the page, copied into PARACITE_HOME/uploads and ingested.

The helpers keep an upload's file readable, unique and inside the upload folder
(``safe_name``, ``store_upload``), take only files gradio's upload route wrote
(``gradio_upload``), and delete gradio's temporary copies (``_discard_gradio_copy``).
``UploadHandlers`` are the upload and re-ingest events (the ``UI`` inherits them).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from paracite import Assistant, IngestProgress, ParaciteError

from .render import (
    document_choices,
    document_labels,
    documents_table,
    md_text,
    progress_step,
    without_paths,
)

log = logging.getLogger(__name__)

UPLOAD_TYPES = [".pdf", ".md", ".markdown", ".txt"]

def safe_name(name: str) -> str:
    """A readable file name that stays inside the upload folder: other scripts are
    transliterated ('Заседание.md' → 'Zasedanie.md', '会议.md' → 'HuiYi.md'), the path
    is dropped ('../../x.pdf' → 'x.pdf'); with nothing readable left, a short hash of the
    name keeps different names apart ('★.md' → 'upload-…md')."""
    from anyascii import anyascii

    base = Path(name.replace("\\", "/")).name
    if not base:
        return "upload"
    suffix = Path(base).suffix
    stem = base[: len(base) - len(suffix)]

    def clean(text: str) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "_", anyascii(text))

    stem, suffix = clean(stem).lstrip(".")[:100], clean(suffix)[:12]
    if not re.search(r"[A-Za-z0-9]", stem):
        stem = f"upload-{hashlib.sha256(base.encode()).hexdigest()[:6]}"
    return stem + suffix


def _same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


class Claims:
    """Files in the upload folder that an upload or re-ingest of this process is working
    on (being copied or ingested): they are not offered for re-ingest meanwhile. A file
    is claimed before it is created, so whoever sees it in the folder sees its claim.
    Claims are counted (two uploads of the same bytes share one file): each ``add`` or
    successful ``take`` is ended by one ``discard``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count: dict[Path, int] = {}

    @staticmethod
    def _key(path: Path) -> Path:
        return Path(os.path.abspath(path))

    def add(self, path: Path) -> None:
        """Claim ``path``, claimed by others or not."""
        key = self._key(path)
        with self._lock:
            self._count[key] = self._count.get(key, 0) + 1

    def take(self, path: Path) -> bool:
        """Claim ``path`` only if nobody has: whether it was claimed."""
        key = self._key(path)
        with self._lock:
            if key in self._count:
                return False
            self._count[key] = 1
            return True

    def discard(self, path: Path) -> None:
        key = self._key(path)
        with self._lock:
            n = self._count.get(key, 0) - 1
            if n > 0:
                self._count[key] = n
            else:
                self._count.pop(key, None)

    def __contains__(self, path: object) -> bool:
        with self._lock:
            return isinstance(path, Path) and self._key(path) in self._count


def store_upload(src: Path, folder: Path, name: str, claims: Claims | None = None
                 ) -> tuple[Path, bool]:
    """Copy ``src`` into ``folder`` as ``name``, never over another file: a name taken by
    different bytes gets a suffix ('report-2.md'); identical bytes reuse the file there.
    Returns the file and whether this call created it. The name is claimed with an
    exclusive create, so two uploads at once cannot write into the same file; with
    ``claims``, the file returned stays claimed there (the caller discards it)."""
    claims = claims or Claims()
    suffix = Path(name).suffix
    stem = name[: len(name) - len(suffix)]
    for n in range(1, 10_000):
        dest = folder / (name if n == 1 else f"{stem}-{n}{suffix}")
        claims.add(dest)
        try:
            with dest.open("xb") as out, src.open("rb") as inp:
                shutil.copyfileobj(inp, out, 1 << 20)
        except FileExistsError:
            if dest.is_file() and not dest.is_symlink() and _same_bytes(src, dest):
                return dest, False
            claims.discard(dest)
            continue
        except BaseException:
            dest.unlink(missing_ok=True)
            claims.discard(dest)
            raise
        return dest, True
    raise OSError(f"{name}: no free name in the upload folder")


def gradio_upload(src: Path, received: Iterable[str]) -> str:
    """Why ``src`` is not a file uploaded through this page's upload route, or "" when
    it is one. The upload event can be sent by hand with any server path in it (gradio
    copies such a path into its cache before the handler sees it), so the path must be
    one gradio's /upload route wrote (``received``: its ``upload_file_set``, shared by all
    sessions: gradio does not record which session uploaded a file), a regular file (not
    a link), inside gradio's upload folder once links are resolved."""
    from gradio.utils import get_upload_folder

    given = os.path.abspath(src)
    snapshot = set(received)  # one copy: gradio's route adds to it from another thread
    if given not in {os.path.abspath(r) for r in snapshot}:
        return "not a file uploaded through this page"
    try:
        cache = Path(get_upload_folder()).resolve()
        if src.is_symlink() or not src.resolve().is_relative_to(cache):
            return "not a file in the upload folder"
        if not src.is_file():
            return "the upload is no longer there; choose the file again"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return ""


def _discard_gradio_copy(src: Path) -> None:
    """Delete gradio's temporary copy of an upload (only files inside gradio's upload
    folder: a path from elsewhere is the caller's file, not ours to remove; a link there
    is removed itself, never the file it points to)."""
    from gradio.utils import get_upload_folder

    try:
        cache = Path(get_upload_folder()).resolve()
        if src.is_symlink():
            link = src.parent.resolve() / src.name
            if link.parent.is_relative_to(cache):
                link.unlink()
            return
        path = src.resolve()
        if path.is_relative_to(cache) and path != cache and path.is_file():
            path.unlink()
            with contextlib.suppress(OSError):  # gradio's per-upload folder, if now empty
                if path.parent != cache:
                    path.parent.rmdir()
    except OSError as exc:
        log.warning("could not delete the temporary upload %s: %s", src.name, exc)


class UploadHandlers:
    """The upload events of the web UI, over one Assistant, shared by every session:
    uploads being copied or ingested are claimed (``claims``), and while any is being
    ingested ``ingesting`` is true (answers given meanwhile say so)."""

    def __init__(self, assistant: Assistant) -> None:
        self.base = assistant
        self._lock = threading.Lock()
        self._ingesting = 0
        # Paths gradio's /upload route wrote (``build`` puts the app's upload_file_set
        # here): the only files an upload event may name.
        self.received: set[str] = set()
        self.claims = Claims()  # upload files being copied or ingested right now

    @property
    def ingesting(self) -> bool:
        return self._ingesting > 0

    def unstored(self) -> list[Path]:
        """Files in PARACITE_HOME/uploads not in the store (``Assistant.unstored_uploads``),
        less those an upload or re-ingest is working on now."""
        try:
            found = self.base.unstored_uploads()
        except ParaciteError as exc:
            log.info("uploads not checked against the store: %s", exc)
            return []
        return [f for f in found if f not in self.claims]

    def unstored_note(self, files: Sequence[Path]) -> str:
        """'2 uploaded files are not in the store: a.pdf, b.md' (empty for none)."""
        if not files:
            return ""
        many = len(files) != 1
        return (f"{len(files)} uploaded file{'s are' if many else ' is'} not in the store: "
                + ", ".join(md_text(f.name) for f in files))

    def upload(self, files: list[Any] | None, progress: Any = None) -> tuple[str, Any, Any]:
        """Copy the chosen files into PARACITE_HOME/uploads and ingest them. Only files
        gradio's upload route received are taken (``gradio_upload``); any other path is
        refused with a line saying so. gradio's temporary copies are deleted; a copy this
        call made whose ingest failed, or whose bytes are already stored as another
        document, is deleted too (nothing then uses it).
        Progress: per file copied, then per batch of passages embedded."""
        import gradio as gr

        if not files:
            return "No file chosen.", gr.update(), gr.update()
        folder = self.base.upload_folder
        folder.mkdir(parents=True, exist_ok=True)
        lines: list[str] = []
        targets: dict[str, Path] = {}  # file name in the upload folder → its path
        created: set[Path] = set()
        try:
            for k, f in enumerate(files):
                src = Path(getattr(f, "name", f))
                given = getattr(f, "orig_name", None) or src.name
                name = safe_name(given)
                if progress is not None:
                    progress((k, len(files)), desc=f"Receiving {name}", unit="files")
                try:
                    lines += self._take(src, given, name, folder, targets, created)
                finally:
                    _discard_gradio_copy(src)
            lines += self._ingest(targets, created, progress)
        finally:
            for path in targets.values():
                self.claims.discard(path)
        stored = self.base.documents()
        return ("\n\n".join(lines), gr.update(value=documents_table(stored)),
                gr.update(choices=document_choices(stored)))

    def reingest(self, progress: Any = None) -> str:
        """Ingest again the upload files the store does not hold (``unstored``), as an
        upload is ingested: progress and one line per file. Nothing is deleted, a file
        that fails again included (it is the user's only copy, maybe)."""
        targets: dict[str, Path] = {}
        try:
            for f in self.unstored():
                if self.claims.take(f):  # not taken meanwhile by another session
                    targets[f.name] = f
            if not targets:
                return "No uploaded file is missing from the store."
            return "\n\n".join(self._ingest(targets, set(), progress))
        finally:
            for path in targets.values():
                self.claims.discard(path)

    def _ingest(self, targets: dict[str, Path], created: set[Path],
                progress: Any) -> list[str]:
        """Ingest the claimed ``targets``: one report line per file (or one error line);
        files in ``created`` (made by this upload) are deleted when nothing uses them."""
        def on_progress(event: IngestProgress) -> None:
            if progress is not None:
                fraction, desc, unit = progress_step(event)
                progress(fraction, desc=desc, unit=unit)

        lines: list[str] = []
        unused: set[Path] = set()
        files_done = []
        with self._lock:
            self._ingesting += 1
        try:
            if targets:
                files_done = self.base.ingest(list(targets.values()),
                                              progress=on_progress).files
        except ParaciteError as exc:  # e.g. another ingest holds the store
            said = without_paths(str(exc))
            lines.append(f"✘ {md_text(said)}")
            unused = set(created)
        except BaseException:
            with contextlib.suppress(Exception):
                self._delete_unused(created)
            raise
        finally:
            with self._lock:
                self._ingesting -= 1
        try:
            labels = document_labels(d for d, _ in self.base.documents()) if files_done else {}
        except ParaciteError:
            labels = {}
        for r in files_done:
            reason = md_text(without_paths(r.reason))
            if r.status == "failed":
                lines.append(f"✘ {reason}")
            elif r.status == "duplicate":
                lines.append(f"ℹ {reason}")
            else:
                label = labels.get(r.document, r.document)
                lines.append(f"✔ {md_text(r.source)} → {md_text(label)}: {r.status}, "
                             f"{r.passages} passages")
                if reason:  # e.g. stored under another id because its id was taken
                    lines.append(f"ℹ {reason}")
            if r.status in ("failed", "duplicate") and targets.get(r.source) in created:
                unused.add(targets[r.source])
        self._delete_unused(unused)
        return lines

    def _delete_unused(self, paths: Iterable[Path]) -> None:
        """Delete upload copies that no stored document comes from."""
        paths = list(paths)
        if not paths:
            return
        sources = {str(Path(d.source).resolve()) for d, _ in self.base.documents()}
        for path in paths:
            if str(path.resolve()) not in sources:
                path.unlink(missing_ok=True)

    def _take(self, src: Path, given: str, name: str, folder: Path,
              targets: dict[str, Path], created: set[Path]) -> list[str]:
        """Check one chosen file and copy it into the upload folder (claimed): its lines
        of report (empty when it was taken)."""
        settings = self.base.settings
        refused = gradio_upload(src, self.received)
        if refused:
            log.warning("upload of %s refused: %s", src, refused)
            return [f"✘ {md_text(name)}: refused, {refused}"]
        if (Path(given).suffix.lower() not in UPLOAD_TYPES
                or Path(name).suffix.lower() not in UPLOAD_TYPES):
            return [f"✘ {md_text(name)}: not a PDF, Markdown or text file"]
        try:
            size_mb = src.stat().st_size / 1_048_576
        except OSError:
            return [f"✘ {md_text(name)}: the upload is no longer there; choose the file again"]
        if size_mb > settings.max_upload_mb:
            shown = f"{size_mb:.1f} MB" if size_mb >= 0.1 else f"{size_mb * 1024:.0f} KB"
            return [f"✘ {md_text(name)}: {shown} is over the {settings.max_upload_mb:g} MB "
                    "limit"]
        try:
            dest, new = store_upload(src, folder, name, self.claims)
        except OSError as exc:
            log.warning("upload %s not stored: %s", name, exc)
            return [f"✘ {md_text(name)}: could not be stored "
                    f"({md_text(exc.strerror or 'error')})"]
        if new:
            created.add(dest)
        if dest.name in targets:  # the same bytes chosen twice: ingested (and claimed) once
            self.claims.discard(dest)
            return []
        targets[dest.name] = dest
        return []
