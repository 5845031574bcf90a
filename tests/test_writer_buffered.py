"""``MslWriter``'s path for small blocks: packed in one call, hashed whole, written through a
buffer of whole blocks.

The bytes are checked against blocks built independently with the generated encoders
(``BlockHeader`` + ``MemoryRegion``), in both byte orders; a write that fails part-way
through the buffer must leave a partial file of whole blocks whose chain verifies (as a
block written directly does), never one padded with zeros; ``fileno`` and in-place page
data see every block added before them; UUIDs stay random version 4, also after a fork.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

import pytest
from memslice.generated import framing
from memslice.generated.blocks import memory_region
from memslice.generated.enums import CapBitmap

from memslice import writer as writer_module
from memslice.errors import EncodeError, OutputError
from memslice.integrity import digest
from memslice.pages import encode_state_string
from memslice.reader import MslReader
from memslice.verify import verify
from memslice.writer import MslWriter, new_uuid


def _regions(n: int) -> list[tuple[int, str, bytes]]:
    """Small regions of mixed states: (base, states, page data)."""
    out = []
    for i in range(n):
        states = "0123"[i % 4] * (1 + i % 3) + "01"[i % 2]
        data = bytes([i % 251]) * (states.count("0") * 1024)
        out.append((0x10000 + i * 0x10000, states, data))
    return out


@pytest.mark.parametrize("endian", ["<", ">"])
@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_small_regions_are_the_bytes_of_the_generated_encoders(tmp_path: Path, endian: str, version: str) -> None:
    out = tmp_path / "small.msl"
    regions = _regions(40)
    with MslWriter(out, cap_bitmap=CapBitmap.MEMORY_REGIONS, endian=endian, format_version=version,
                   timestamp=1) as w:
        uuids = [w.add_memory_region(base, states, data, page_size_log2=10, protection=5, region_type=2,
                                     timestamp=7 + i)[0]
                 for i, (base, states, data) in enumerate(regions)]
    raw = out.read_bytes()
    header_size = framing.HEADER_SIZE_PLAIN
    prev = digest(raw[:header_size])
    pos = header_size
    for i, ((base, states, data), uid) in enumerate(zip(regions, uuids, strict=True)):
        payload = memory_region.MemoryRegion(base_addr=base, region_size=len(states) << 10, protection=5,
                                             region_type=2, page_size_log2=10, timestamp=7 + i,
                                             page_state_map=encode_state_string(states), page_data=data)
        body = payload.encode(endian)
        head = framing.BlockHeader(block_type=memory_region.BLOCK_TYPE, block_length=framing.BLOCK_HEADER_SIZE
                                   + len(body), payload_version=1, block_uuid=uid, prev_hash=prev).encode(endian)
        expected = head + body
        assert raw[pos:pos + len(expected)] == expected, f"block {i}"
        prev = digest(expected)
        pos += len(expected)
        assert uuid.UUID(bytes=uid).version == 4
    with MslReader(out) as reader:
        assert verify(reader).ok
        assert len(reader.blocks) == len(regions) + 1


def test_small_and_large_blocks_keep_their_order(tmp_path: Path) -> None:
    out = tmp_path / "mixed.msl"
    big = os.urandom(200 * 1024)  # above the small-block size: written directly, after the buffer
    with MslWriter(out, cap_bitmap=CapBitmap.MEMORY_REGIONS) as w:
        w.add_memory_region(0x1000, "1", b"", timestamp=0)
        w.add_memory_region(0x100000, "0" * 50, big, timestamp=0)
        w.add_memory_region(0x200000, "0", big[:4096], timestamp=0)
        w.add_memory_region(0x300000, "0" * 50, big, compress="zstd", timestamp=0)
        w.add_memory_region(0x400000, "2", b"", timestamp=0)
    with MslReader(out) as reader:
        assert verify(reader).ok
        assert [r.base for r in reader.regions()] == [0x1000, 0x100000, 0x200000, 0x300000, 0x400000]
        assert reader.read(0x100000, len(big))[0].data == big
        assert reader.read(0x300000, len(big))[0].data == big
        assert reader.read(0x200000, 4096)[0].data == big[:4096]


class _Disk:
    """``os.write`` with room for ``room`` more bytes in the file under test: a short write, then ENOSPC."""

    def __init__(self, fd: int, room: int) -> None:
        self.fd, self.room = fd, room
        self.real = os.write

    def __call__(self, fd: int, data: object) -> int:
        if fd != self.fd:
            return self.real(fd, data)
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = self.real(fd, memoryview(data)[:self.room])  # type: ignore[arg-type]
        self.room -= n
        return n


@pytest.mark.parametrize("room", [1, 5000, 100_000])
def test_a_failed_flush_keeps_the_whole_blocks_that_reached_the_file(tmp_path: Path, room: int,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "full.msl"
    w = MslWriter(out, cap_bitmap=CapBitmap.MEMORY_REGIONS)
    disk = _Disk(w.fileno(), room)
    monkeypatch.setattr(os, "write", disk)
    added = 0
    with pytest.raises(OutputError, match="No space left") as caught:
        for i in range(100_000):
            block_start = w.bytes_written
            try:
                w.add_memory_region(0x10000 + i * 0x2000, "1", b"", timestamp=i)
            except OutputError:
                kept = w.close_partial(block_start)  # as the capture engine does
                raise
            added += 1
    monkeypatch.undo()
    assert "full.msl" in str(caught.value)
    size = kept.stat().st_size
    block = framing.BLOCK_HEADER_SIZE + 40
    assert size <= framing.HEADER_SIZE_PLAIN + room  # nothing appended past what reached the file
    assert (size - framing.HEADER_SIZE_PLAIN) % block == 0  # whole blocks only
    assert (size - framing.HEADER_SIZE_PLAIN) // block == min(added, room // block)
    with MslReader(kept) as reader:
        report = verify(reader)
        assert report.chain == "ok" and report.eoc == "absent" and reader.fault is None
        assert len(reader.blocks) == (size - framing.HEADER_SIZE_PLAIN) // block


def test_after_a_failed_flush_the_writer_refuses_more(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    w = MslWriter(tmp_path / "f.msl", cap_bitmap=CapBitmap.MEMORY_REGIONS)
    monkeypatch.setattr(os, "write", _Disk(w.fileno(), 1000))
    with pytest.raises(OutputError):
        for i in range(100_000):
            w.add_memory_region(0x10000 + i * 0x2000, "1", b"", timestamp=i)
    monkeypatch.undo()
    with pytest.raises(EncodeError, match="earlier write failed"):
        w.add_memory_region(0x1000, "1", b"", timestamp=0)
    w.abort()
    assert list(tmp_path.iterdir()) == []


def test_finish_writes_the_buffer_and_fileno_sees_every_block(tmp_path: Path) -> None:
    out = tmp_path / "f.msl"
    w = MslWriter(out, cap_bitmap=CapBitmap.MEMORY_REGIONS)
    fd = w.fileno()
    for i in range(10):
        w.add_memory_region(0x10000 + i * 0x2000, "1", b"", timestamp=i)
    assert os.fstat(fd).st_size < w.bytes_written  # still buffered
    assert os.fstat(w.fileno()).st_size == w.bytes_written
    w.add_memory_region(0x100000, "1", b"", timestamp=0)
    kept = w.close_partial()
    assert kept.stat().st_size == w.bytes_written
    with MslReader(kept) as reader:
        assert verify(reader).chain == "ok" and len(reader.blocks) == 11


def test_in_place_page_data_after_buffered_blocks(tmp_path: Path) -> None:
    out = tmp_path / "inplace.msl"
    data = os.urandom(8 * 1024)
    w = MslWriter(out, cap_bitmap=CapBitmap.MEMORY_REGIONS)
    fd = w.fileno()  # taken before the small blocks: they are still buffered when the page data is placed
    for i in range(5):
        w.add_memory_region(0x10000 + i * 0x2000, "1", b"", timestamp=i)
    at = w.bytes_written + w.region_head_size(2, 12)
    os.pwrite(fd, data, at)
    w.add_memory_region(0x100000, "00", data, timestamp=0, in_place=True)
    w.finish()
    with MslReader(out) as reader:
        assert verify(reader).ok
        assert reader.read(0x100000, len(data))[0].data == data


def test_uuids_are_random_version_4_and_not_shared_with_a_forked_child() -> None:
    made = [new_uuid() for _ in range(5000)]
    assert len(set(made)) == len(made)
    assert all(uuid.UUID(bytes=u).version == 4 and uuid.UUID(bytes=u).variant == uuid.RFC_4122 for u in made)
    assert writer_module._uuids  # some made ahead: a child must not hand out the same ones
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, new_uuid())
        os._exit(0)
    os.close(write)
    child = os.read(read, 16)
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child) == 16 and child != new_uuid()
