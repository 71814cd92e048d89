"""A folder's ``manifest.toml``: read, checked entry by entry (a wrong entry fails only
the file it describes), and the id rule it must follow."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from paracite.errors import IngestError

MANIFEST = "manifest.toml"
DOC_ID = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class ManifestEntry(BaseModel):
    """What a manifest may say about one file; anything else is a mistake worth naming."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str | None = Field(default=None, pattern=DOC_ID)
    title: str | None = None
    symbol: str | None = None
    date: str | dt.date | None = None
    body: str | None = None


class _ManifestFile(BaseModel):
    model_config = ConfigDict(strict=True)

    files: dict[str, dict[str, Any]] = Field(default_factory=dict)


@dataclass
class Manifest:
    """A folder's manifest: good entries, and a reason for each file whose entry is not."""

    entries: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # file name → reason
    broken: str | None = None  # the whole manifest is unusable: every file of the folder fails

    def problem(self, name: str) -> str | None:
        return self.broken or self.problems.get(name)


def _where(path: Path, loc: Sequence[Any]) -> str:
    return f"{path.name}: " + ".".join(f'"{x}"' if "." in str(x) else str(x) for x in loc)


def read_manifest(folder: Path) -> Manifest:
    """``folder/manifest.toml`` checked against :class:`ManifestEntry`; a wrong value is
    reported with its key (``manifest.toml: files."report.md".symbol: Input should be a
    valid string``) and fails only the file it describes."""
    path = folder / MANIFEST
    if not path.is_file():
        return Manifest()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        top = _ManifestFile.model_validate({"files": data.get("files", {})})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Manifest(broken=f"{path}: not a valid manifest ({exc}); fix or remove it")
    except ValidationError as exc:
        err = exc.errors()[0]
        return Manifest(broken=f"{_where(path, err['loc'])}: {err['msg']}; the manifest "
                               "should have a [files.\"name.pdf\"] table per file")
    out = Manifest()
    for name, raw in top.files.items():
        try:
            entry = ManifestEntry.model_validate(raw)
        except ValidationError as exc:
            err = exc.errors()[0]
            out.problems[name] = (f"{_where(path, ('files', name, *err['loc']))}: "
                                  f"{err['msg']}; fix the manifest entry")
            continue
        out.entries[name] = {k: str(v) if isinstance(v, dt.date) else v
                             for k, v in entry.model_dump(exclude_none=True).items()}
    return out


def load_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Good entries of ``folder/manifest.toml`` keyed by file name ({} when there is none);
    raises IngestError when the manifest is unusable or an entry is wrong."""
    manifest = read_manifest(folder)
    if manifest.broken or manifest.problems:
        raise IngestError(manifest.broken or next(iter(manifest.problems.values())))
    return manifest.entries
