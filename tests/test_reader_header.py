"""Header edge cases of the reader: HeaderSize of unknown minors, sizes smaller than 64."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.enums import CapBitmap

from memslice import MslReader, MslWriter, verify
from memslice.errors import HeaderError
from memslice.integrity import digest


def _capture(tmp_path: Path) -> bytes:
    path = tmp_path / "h.msl"
    with MslWriter(path, cap_bitmap=CapBitmap.PROCESS_IDENTITY) as w:
        w.add(ProcessIdentity(ppid=7, exe_path="/bin/true", cmd_line="true"))
    return path.read_bytes()


def _with_header(data: bytes, version: int, header_size: int) -> bytes:
    """Grow the header to ``header_size`` (zeros), set Version, then redo the chain and FileHash."""
    header = bytearray(data[:64]) + bytes(header_size - 64)
    header[9] = header_size
    struct.pack_into("<H", header, 0x0A, version)
    out = bytearray(header) + bytearray(data[64:])
    prev = digest(bytes(header))
    pos = header_size
    while pos + 80 <= len(out):
        block_type, _, length = struct.unpack_from("<HHI", out, pos + 4)
        out[pos + 0x30:pos + 0x50] = prev
        if block_type == 0x0FFF:
            out[pos + 0x50:pos + 0x70] = digest(bytes(out[:pos]))
        prev = digest(bytes(out[pos:pos + length]))
        pos += length
    return bytes(out)


def test_unknown_minor_with_larger_header_is_read_from_header_size(tmp_path: Path) -> None:
    data = _with_header(_capture(tmp_path), 0x01FF, 96)
    with MslReader(data) as reader:
        assert reader.header_size == 96
        assert reader.blocks[0].offset == 96
        assert reader.decode(reader.blocks[0]).payload.ppid == 7
        assert any("HeaderSize 96" in w for w in reader.warnings)
        report = verify(reader)
        assert report.ok, report.problems


@pytest.mark.parametrize("version", [0x0100, 0x0101])
def test_known_version_with_odd_header_size_is_rejected(tmp_path: Path, version: int) -> None:
    data = _with_header(_capture(tmp_path), version, 96)
    with pytest.raises(HeaderError) as info:
        MslReader(data)
    assert info.value.offset == 9 and info.value.rule == "B-3-header-size"


def test_header_size_below_64_is_rejected(tmp_path: Path) -> None:
    data = bytearray(_capture(tmp_path))
    data[9] = 32
    with pytest.raises(HeaderError) as info:
        MslReader(bytes(data))
    assert "smaller than the 64-byte header" in str(info.value)


def test_unknown_major_is_rejected_before_header_size(tmp_path: Path) -> None:
    data = _with_header(_capture(tmp_path), 0x0201, 96)
    with pytest.raises(HeaderError) as info:
        MslReader(data)
    assert info.value.rule == "B-3.2-major"
