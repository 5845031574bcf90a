"""Facts the generator emits for the runtime: field offsets and sizes, dialect signals, the
capability-bit table (stated once or refused), nested decode-error paths."""

from __future__ import annotations

import dataclasses
import shutil
import struct
from pathlib import Path
from typing import Any

import pytest
import yaml
from memslice.codegen import load_spec
from memslice.codegen.errors import SpecError, SpecErrors
from memslice.generated import framing
from memslice.generated.blocks import module_list_index
from memslice.generated.dialects import SIGNALS
from memslice.generated.enums import BLOCK_FLAGS_COMP_ALGO_SHIFT, BlockFlags, CompAlgo
from memslice.generated.registry import BLOCK_MODULES

from memslice.errors import TruncatedError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def spec_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "spec"
    shutil.copytree(REPO / "spec", dest)
    return dest


def _messages(exc: BaseException) -> str:
    errors = exc.errors if isinstance(exc, SpecErrors) else [exc]  # type: ignore[attr-defined]
    return "\n".join(str(e) for e in errors)


def test_a_block_naming_a_capability_bit_that_does_not_list_it_is_refused(spec_copy: Path) -> None:
    path = spec_copy / "blocks" / "process_identity.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["cap_bit"] = "related_dumps"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with pytest.raises((SpecError, SpecErrors)) as info:
        load_spec(spec_copy)
    text = _messages(info.value)
    assert "process_identity.yaml" in text and "cap_bit: block 0x0040" in text
    assert "cap_bitmap.process_identity.blocks" in text


def test_a_capability_bit_listing_a_block_that_names_another_bit_is_refused(spec_copy: Path) -> None:
    path = spec_copy / "enums.yaml"
    text = path.read_text()
    old = "id: related_dumps, doc: \"Related Dump (0x0041) present.\", since: \"1.0\", blocks: [0x0041]"
    assert old in text
    path.write_text(text.replace(old, old.replace("[0x0041]", "[0x0041, 0x0040]")))
    with pytest.raises((SpecError, SpecErrors)) as info:
        load_spec(spec_copy)
    assert "lists block 0x0040" in _messages(info.value)


def test_a_dialect_signal_naming_an_unknown_block_is_refused(spec_copy: Path) -> None:
    path = spec_copy / "dialects.yaml"
    text = path.read_text()
    assert "block: related_dump, size: 56" in text
    path.write_text(text.replace("block: related_dump, size: 56", "block: no_such_block, size: 56"))
    with pytest.raises((SpecError, SpecErrors)) as info:
        load_spec(spec_copy)
    assert "no_such_block" in _messages(info.value)


def _probe_offset(cls: type, field_id: str) -> int | None:
    """Where a field sits, found by encoding the structure twice (independent of FIELDS)."""
    fields = dataclasses.fields(cls)
    probe = cls()
    if "page_size_log2" in {f.name for f in fields}:
        probe = dataclasses.replace(probe, page_size_log2=1)
    ints = {f.name: 0 for f in fields if getattr(probe, f.name) is None and str(f.type).startswith("int")}
    probe = dataclasses.replace(probe, **ints)
    current = getattr(probe, field_id)
    if isinstance(current, bytes):
        mark: Any = b"\xff" * len(current)
    elif isinstance(current, int):
        mark = 1
    else:
        return None
    try:
        zero = cls.encode(probe, "<")  # type: ignore[attr-defined]
        marked = cls.encode(dataclasses.replace(probe, **{field_id: mark}), "<")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 (a probe that cannot encode proves nothing either way)
        return None
    for i, (a, b) in enumerate(zip(zero, marked, strict=False)):
        if a != b:
            return i
    return None


def _structures() -> list[type]:
    out = [framing.FileHeader, framing.EncryptionHeader, framing.SealedHeader, framing.BlockHeader]
    for module in BLOCK_MODULES:
        out += [v for v in vars(module).values() if isinstance(v, type) and hasattr(v, "FIELDS")
                and v.__module__ == module.__name__]
    return out


def test_generated_field_offsets_match_where_encoding_puts_each_field() -> None:
    checked = 0
    for cls in _structures():
        for info in cls.FIELDS:  # type: ignore[attr-defined]
            if info.offset is None or info.kind not in ("int", "uuid", "hash", "bytes"):
                continue
            found = _probe_offset(cls, info.id)
            if found is None:
                continue
            assert found == info.offset, f"{cls.__name__}.{info.id}: FIELDS says 0x{info.offset:X}, encodes at {found}"
            checked += 1
    assert checked > 200  # every fixed field of every layout that a default probe can encode


def test_file_header_layout_matches_a_hand_packed_header() -> None:
    # the 1.1 header as the format catalogue draws it, packed by hand
    raw = struct.pack("<8sBBHIQ16sQHHIBIB2s", b"MEMSLICE", 1, 64, 0x0101, 0, 0, bytes(16), 0, 0, 0, 0, 0,
                      0xA1B2C3D4, 0, bytes(2))
    at = {f.id: (f.offset, f.size) for f in framing.FileHeader.FIELDS}
    assert at["block_count"] == (0x39, 4)
    assert raw[0x39:0x3D] == (0xA1B2C3D4).to_bytes(4, "little")
    assert at["endianness"] == (8, 1) and at["header_size"] == (9, 1) and at["version"] == (0x0A, 2)
    assert {f.id: f.since for f in framing.FileHeader.FIELDS}["hash_algo"] == "1.1"


def test_comp_algo_shift_selects_the_codec_bits() -> None:
    flags = BlockFlags.COMPRESSED | (CompAlgo.LZ4 << BLOCK_FLAGS_COMP_ALGO_SHIFT)
    assert flags == 0b101  # Compressed (bit 0) and CompAlgo 10 in bits 1-2 (spec 4.2)
    assert (flags & BlockFlags.COMP_ALGO) >> BLOCK_FLAGS_COMP_ALGO_SHIFT == CompAlgo.LZ4


def test_dialect_signals_are_data_from_dialects_yaml() -> None:
    doc = yaml.safe_load((REPO / "spec" / "dialects.yaml").read_text())
    kinds = {d["id"]: [s["kind"] for s in d.get("signals", [])] for d in doc["dialects"]}
    assert {d: [s.kind for s in sigs] for d, sigs in SIGNALS.items()} == {d: k for d, k in kinds.items() if k}
    size = next(s for s in SIGNALS["memdiver-1.0.2"] if s.kind == "payload_size")
    assert (size.block_type, size.size) == (0x0041, 56)


def test_a_decode_error_inside_a_list_names_the_element_path() -> None:
    entries = [module_list_index.ModuleManifestEntry(path="/lib/a.so"),
               module_list_index.ModuleManifestEntry(path="/usr/lib/x86_64-linux-gnu/libcrypto.so.3")]
    raw = module_list_index.ModuleListIndex(entries=entries).encode("<")
    with pytest.raises(TruncatedError) as info:
        module_list_index.ModuleListIndex.decode(raw[:-16], "<")
    message = info.value.message
    assert message.startswith("ModuleListIndex.entries[1].path needs "), message
    assert "bytes but" in message and "remain" in message
