"""verify() compares PrevHash fields late, up to a window of blocks behind the FileHash (memslice/verify.py).

The files are written by MslWriter; the corruption and what it must break come from the
format: changing one byte inside block k changes the hash of block k, so block k + 1's
PrevHash no longer matches (rule P4), and the End-of-Capture's FileHash no longer matches.
The block offsets are found independently by walking the headers with struct.
"""

from __future__ import annotations

import importlib
import os
import struct
from pathlib import Path

import pytest
from memslice.generated import framing
from memslice.generated.enums import CapBitmap

from memslice import MslReader, MslWriter, verify

PAGE = 4096
verify_module = importlib.import_module("memslice.verify")  # the module (``memslice.verify`` is the function)


def _capture(path: Path, regions: int, pages: int) -> None:
    with MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS, timestamp=0) as w:
        for i in range(regions):
            w.add_memory_region(0x10000000 + i * 0x1000000, "0" * pages, os.urandom(pages * PAGE), timestamp=0)


def _block_offsets(path: Path) -> list[int]:
    """Offsets of the blocks (BlockLength is the u32 at +8 of each block header, little endian)."""
    data = path.read_bytes()
    at = framing.HEADER_SIZE_PLAIN
    offsets = []
    while at < len(data):
        offsets.append(at)
        at += struct.unpack_from("<I", data, at + 8)[0]
    return offsets


@pytest.mark.parametrize("window", [1, 3, 64])
@pytest.mark.parametrize("pages", [1, 300])  # 4 KiB blocks hash inline; 1.2 MiB ones on the worker
def test_a_changed_block_breaks_exactly_the_next_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       window: int, pages: int) -> None:
    monkeypatch.setattr(verify_module, "_CHAIN_AHEAD", window)
    path = tmp_path / "c.msl"
    _capture(path, 8, pages)
    offsets = _block_offsets(path)
    assert len(offsets) == 9  # 8 regions and the End-of-Capture
    with MslReader(path) as reader:
        clean = verify(reader)
    assert (clean.chain, clean.file_hash, clean.bad_blocks) == ("ok", "ok", [])
    raw = bytearray(path.read_bytes())
    raw[offsets[4] + framing.BLOCK_HEADER_SIZE + 40 + (offsets[5] - offsets[4]) // 2] ^= 0x01  # inside block 4
    path.write_bytes(bytes(raw))
    with MslReader(path) as reader:
        report = verify(reader)
    assert report.chain == "broken"
    assert report.bad_blocks == [5] and report.first_bad_block == 5
    assert report.file_hash == "mismatch"
    chain_line = next(i for i, p in enumerate(report.problems) if "[rule P4]" in p)
    assert f"0x{offsets[5]:X}" in report.problems[chain_line]
    assert all("[rule P4]" not in p for p in report.problems[chain_line + 1:])  # chain findings come first
