"""Robustness of the reader against truncated, mutated and hostile files.

Every operation a consumer runs on an untrusted file (open, list blocks, decode every
block, list regions, verify, canonical JSON) must either succeed or raise an
:class:`~memslice.errors.MslError` subclass: never another exception type, never a hang,
and never an allocation driven by a length field or a codec claim in the file.

(a) every truncation of a small writer-made capture and of a memdiver sample;
(b) hypothesis mutations (byte flips, insertions/deletions, hostile BlockLength and
    payload length fields) with a per-example time and memory bound;
(c) targeted hostile cases with their exact error class and rule id.

A library bug found here gets a targeted test of its own next to the random ones.
"""

from __future__ import annotations

import contextlib
import json
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import textwrap
import time
import tracemalloc
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import lz4.block
import pytest
import zstandard
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from memslice.generated import framing
from memslice.generated.blocks.key_hint import KeyHint
from memslice.generated.blocks.module_entry import ModuleEntry
from memslice.generated.blocks.module_list_index import ModuleListIndex, ModuleManifestEntry
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.dialects import DIALECTS
from memslice.generated.enums import BlockFlags, CapBitmap, CompAlgo

from memslice.canon import to_canonical
from memslice.errors import (
    BadMagicError,
    CompressionError,
    ConstraintError,
    FormatError,
    HeaderError,
    MslError,
    TruncatedError,
)
from memslice.integrity import digest
from memslice.reader import MslReader
from memslice.verify import PARALLEL_HASH_BYTES, verify
from memslice.writer import MslWriter, new_uuid
from tests.conftest import examples

SAMPLES = Path(__file__).parent / "fixtures" / "samples"
MDW_ZSTD = SAMPLES / "memdiver-1.0.2" / "mdw_zstd.msl"

MiB = 1 << 20
#: Peak of Python allocations allowed for one example (the inputs are a few KiB).
MEMORY_LIMIT = 64 * MiB
#: Wall time allowed for one run of the whole pipeline on one input before it counts as a hang.
HANG_SECONDS = 5.0
#: Wall time allowed for the whole every-offset truncation loop of one file.
TRUNCATION_BUDGET = 60.0
#: Bytes of each region reconstructed with ``MslReader.read`` (hostile RegionSizes reach 2^64).
READ_WINDOW = 64 * 1024

DIALECT_CHOICES = ["auto", *DIALECTS]

MEMORY_REGION = 0x0001
MODULE_ENTRY = 0x0002
MODULE_LIST_INDEX = 0x0010
KEY_HINT = 0x0020
PROCESS_IDENTITY = 0x0040


# -- inputs ------------------------------------------------------------------------------

@cache
def writer_capture() -> bytes:
    """A small capture from our writer: process identity, module list and entries, three
    memory regions (plain, zstd, lz4; 1 KiB pages, all four page states), End-of-Capture
    and one extension segment (Key Hint + End-of-Extension)."""
    caps = CapBitmap.MEMORY_REGIONS | CapBitmap.MODULE_LIST | CapBitmap.PROCESS_IDENTITY
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "small.msl"
        w = MslWriter(path, cap_bitmap=caps, timestamp=1, pid=4242, os_type=0, arch_type=1)
        w.add(ProcessIdentity(ppid=1, session_id=2, start_time=3, exe_path="/usr/bin/target",
                              cmd_line="target --flag"))
        m1, m2 = new_uuid(), new_uuid()
        index = w.add(ModuleListIndex(entries=[
            ModuleManifestEntry(module_uuid=m1, base_addr=0x400000, module_size=0x2000, path="/usr/bin/target"),
            ModuleManifestEntry(module_uuid=m2, base_addr=0x7F0000000000, module_size=0x1000,
                                path="/lib/libc.so.6"),
        ]))
        w.add(ModuleEntry(base_addr=0x400000, module_size=0x2000, path="/usr/bin/target", version="1.2.3",
                          native_blob=b"00400000-00402000 r-xp target"), block_uuid=m1, parent_uuid=index)
        w.add(ModuleEntry(base_addr=0x7F0000000000, module_size=0x1000, path="/lib/libc.so.6", native_blob=b""),
              block_uuid=m2, parent_uuid=index)
        page = bytes(range(256)) * 4
        region = w.add_memory_region(0x10000, "00123", page * 2, page_size_log2=10, timestamp=5)
        w.add_memory_region(0x20000, "0310", b"Z" * 1024 + b"key=secret".ljust(1024, b"\0"), page_size_log2=10,
                            compress="zstd", timestamp=6)
        w.add_memory_region(0x30000, "002", b"L" * 2048, page_size_log2=10, compress="lz4", timestamp=7)
        w.finish_capture(acq_end=8)
        w.begin_extension()
        w.add(KeyHint(region_uuid=region[0], region_offset=16, len_key=32, note="aes key"))
        w.end_extension(written_at=9)
        w.finish()
        return path.read_bytes()


@cache
def base_inputs() -> dict[str, bytes]:
    return {"writer": writer_capture(), "mdw_zstd": MDW_ZSTD.read_bytes()}


def block_offsets(data: bytes) -> list[int]:
    with MslReader(data) as reader:
        return [r.offset for r in reader.blocks]


@cache
def base_blocks(name: str) -> list:  # -> list[BlockRecord]
    """The blocks of a base input (listed once; the mutation strategies draw from them)."""
    with MslReader(base_inputs()[name]) as reader:
        return reader.blocks


@cache
def base_block_offsets(name: str) -> list[int]:
    """File offsets of the blocks of a base input."""
    return [r.offset for r in base_blocks(name)]


@cache
def hot_offsets(name: str) -> tuple[int, ...]:
    """Structural bytes of a base input: the file header, every block header and the
    first 48 bytes of every payload (where the fixed fields and length fields sit)."""
    data = base_inputs()[name]
    hot = set(range(64))
    with MslReader(data) as reader:
        for rec in reader.blocks:
            hot.update(range(rec.offset, min(rec.payload_offset + 48, rec.end)))
    return tuple(sorted(hot))


@cache
def length_fields(name: str) -> tuple[tuple[int, int], ...]:
    """(file offset, width) of every length/count field of a base input that a decoder
    uses to size a read: PathLen, VersionLen, BlobLen, EntryCount, LenExePath, KeyLen,
    NoteLen, RegionSize, and the UncompressedSize prefix of compressed payloads."""
    data = base_inputs()[name]
    fields: list[tuple[int, int]] = []
    with MslReader(data) as reader:
        endian = reader.endian
        for rec in reader.blocks:
            p = rec.payload_offset
            if rec.compressed:
                if bytes(data[p:p + 4]) != b"\x28\xb5\x2f\xfd":
                    fields.append((p, 8))  # UncompressedSize
                continue
            t = rec.block_type
            if t == MEMORY_REGION:
                fields.append((p + 0x08, 8))  # RegionSize
            elif t == PROCESS_IDENTITY:
                fields += [(p + 0x10, 2), (p + 0x12, 2)]  # LenExePath, LenCmdLine
            elif t == MODULE_ENTRY:
                fields += [(p + 0x10, 2), (p + 0x12, 2)]  # PathLen, VersionLen
                lp, lv = struct.unpack_from(endian + "HH", data, p + 0x10)
                blob = p + 0x18 + ((lp + 7) & ~7) + ((lv + 7) & ~7) + 32
                if blob + 4 <= rec.end:
                    fields.append((blob, 4))  # BlobLen
            elif t == MODULE_LIST_INDEX:
                fields.append((p, 4))  # EntryCount
                pos = p + 8
                (count,) = struct.unpack_from(endian + "I", data, p)
                for _ in range(count):
                    fields.append((pos + 0x20, 2))  # entry PathLen
                    (lp,) = struct.unpack_from(endian + "H", data, pos + 0x20)
                    pos += 40 + ((lp + 7) & ~7)
            elif t == KEY_HINT:
                fields += [(p + 0x18, 4), (p + 0x24, 4)]  # KeyLen, NoteLen
    return tuple(fields)


# -- the pipeline under test ---------------------------------------------------------------

class Hang(BaseException):  # noqa: N818  (BaseException: no library `except Exception` swallows it)
    """Raised by the alarm when one input runs longer than HANG_SECONDS."""


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    def fire(signum: int, frame: object) -> None:
        raise Hang(f"no result after {seconds} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def exercise(source: bytes | Path, dialect: str = "auto") -> list[MslError]:
    """Run every consumer operation (open, list blocks, decode every block, list regions and
    read() their start, verify, canonical JSON); return the MslErrors met (anything else
    propagates).

    Each step runs even when an earlier one failed, so that a fault in one block does not
    hide a crash in the next operation.
    """
    met: list[MslError] = []
    try:
        reader = MslReader(source, dialect=dialect)
    except MslError as exc:
        return [exc]
    with reader:
        records = reader.blocks
        _ = reader.dialect, reader.complete, reader.eoc
        if reader.fault is not None:
            met.append(reader.fault)
        for rec in records:
            try:
                reader.decode(rec)
            except MslError as exc:
                met.append(exc)
        try:
            for region in reader.regions():
                _ = len(region.captured_data()), region.states.count("0")
                if region.size % region.page_size == 0:  # else: known bug, test_read_partial_last_page
                    reader.read(region.base - 16, min(region.size, READ_WINDOW) + 32)
        except MslError as exc:
            met.append(exc)
        try:
            verify(reader)
        except MslError as exc:
            met.append(exc)
        try:
            to_canonical(reader)
        except MslError as exc:
            met.append(exc)
    return met


def check_bounded(data: bytes, dialect: str = "auto") -> None:
    """The per-example assertion of the mutation tests: only MslErrors, in bounded time and memory.

    Python allocations are traced around the pipeline only (not while hypothesis draws the
    next input, where tracing costs as much as the pipeline itself and measures nothing).
    """
    started_tracing = not tracemalloc.is_tracing()
    if started_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        started = time.perf_counter()
        with alarm(HANG_SECONDS):
            exercise(data, dialect)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if started_tracing:
            tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"{peak / MiB:.1f} MiB allocated for a {len(data)}-byte input"
    assert elapsed < HANG_SECONDS


def maxrss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux


@pytest.fixture
def traced() -> Iterator[None]:
    """The process's peak RSS may not grow by more than 64 MiB over the test (each example's
    Python allocations are traced by :func:`check_bounded`)."""
    rss_before = maxrss_bytes()
    yield
    growth = maxrss_bytes() - rss_before
    assert growth < MEMORY_LIMIT, f"peak RSS grew by {growth / MiB:.1f} MiB"


# -- (a) every truncation ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["writer", "mdw_zstd"])
def test_truncation_at_every_offset(name: str, tmp_path: Path) -> None:
    data = base_inputs()[name]
    assert not exercise(data), "the untruncated input must read cleanly"
    rss_before = maxrss_bytes()
    slowest = 0.0
    started = time.perf_counter()
    for cut in range(len(data)):
        t0 = time.perf_counter()
        with alarm(HANG_SECONDS):
            try:
                exercise(data[:cut])
            except Exception as exc:
                raise AssertionError(f"{name} cut at {cut}: {type(exc).__name__}: {exc}") from exc
            if cut % 64 == 0:  # the mmap-backed path too, on a sample of the cuts
                path = tmp_path / f"cut{cut}.msl"
                path.write_bytes(data[:cut])
                try:
                    exercise(path)
                except Exception as exc:
                    raise AssertionError(f"{name} file cut at {cut}: {type(exc).__name__}: {exc}") from exc
                path.unlink()
        slowest = max(slowest, time.perf_counter() - t0)
    total = time.perf_counter() - started
    assert total < TRUNCATION_BUDGET, f"{len(data)} truncations took {total:.1f} s (slowest {slowest:.3f} s)"
    assert maxrss_bytes() - rss_before < MEMORY_LIMIT


@pytest.mark.parametrize("name", ["writer", "mdw_zstd"])
def test_truncated_capture_keeps_blocks_before_the_cut(name: str) -> None:
    data = base_inputs()[name]
    offsets = block_offsets(data)
    for i, off in enumerate(offsets[1:], start=1):
        with MslReader(data[:off + 40]) as reader:
            assert len(reader.blocks) == i
            assert reader.stream_end == "short-tail"
        with MslReader(data[:off + 100]) as reader:
            assert len(reader.blocks) == i
            assert isinstance(reader.fault, TruncatedError)
            assert reader.fault.block_index == i
            assert to_canonical(reader)["result"] == "truncated"


# -- (b) random mutations ----------------------------------------------------------------------

HYPO = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
NAMES = st.sampled_from(["writer", "mdw_zstd"])
DIALECT = st.sampled_from(DIALECT_CHOICES)


@cache
def positions(name: str, size: int) -> st.SearchStrategy[int]:
    """Any offset of a ``size``-byte mutant of ``name``, or one of its structural bytes.

    Built once per (name, size): a fresh ``sampled_from`` of the hot offsets is labelled by
    hashing every element, which cost more than the pipeline under test. The same strategy
    draws the same values, so the examples are the ones a fresh strategy gave.
    """
    hot = [o for o in hot_offsets(name) if o < size]
    return st.one_of(st.integers(0, size - 1), st.sampled_from(hot))


@st.composite
def flipped(draw: st.DrawFn) -> tuple[bytes, str]:
    name = draw(NAMES)
    data = bytearray(base_inputs()[name])
    for _ in range(draw(st.integers(1, 8))):
        data[draw(positions(name, len(data)))] ^= draw(st.integers(1, 255))
    return bytes(data), draw(DIALECT)


@st.composite
def spliced(draw: st.DrawFn) -> tuple[bytes, str]:
    name = draw(NAMES)
    data = bytearray(base_inputs()[name])
    for _ in range(draw(st.integers(1, 3))):
        at = draw(positions(name, len(data)))
        if draw(st.booleans()):
            data[at:at] = draw(st.binary(min_size=1, max_size=24))
        else:
            del data[at:at + draw(st.integers(1, 24))]
    return bytes(data), draw(DIALECT)


HUGE_U32 = st.one_of(st.sampled_from([0xFFFFFFFF, 0xFFFFFFF8, 0x80000000, 0x7FFFFFFF, 0x10000000]),
                     st.integers(0x10000, 0xFFFFFFFF))


@st.composite
def huge_block_length(draw: st.DrawFn) -> tuple[bytes, str]:
    """BlockLength (+0x08 of a block header) set to a huge value; sometimes also the
    lengths of later blocks, and sometimes a length that stays inside the file but lands
    in the middle of a block."""
    name = draw(NAMES)
    data = bytearray(base_inputs()[name])
    offsets = base_block_offsets(name)
    for off in draw(st.lists(st.sampled_from(offsets), min_size=1, max_size=3, unique=True)):
        value = draw(st.one_of(HUGE_U32, st.integers(80, len(data))))
        struct.pack_into("<I", data, off + 8, value)
    return bytes(data), draw(DIALECT)


MAX_OF_WIDTH = {1: 0xFF, 2: 0xFFFF, 4: 0xFFFFFFFF, 8: 0xFFFFFFFFFFFFFFFF}


@st.composite
def hostile_length_field(draw: st.DrawFn) -> tuple[bytes, str]:
    """A payload length/count field (PathLen, EntryCount, UncompressedSize, ...) set to its
    maximum (0xFFFF, 0xFFFFFFFF, ...) or another large value; or, for the generic case,
    any aligned integer in the first 64 payload bytes of any block."""
    name = draw(NAMES)
    data = bytearray(base_inputs()[name])
    if draw(st.integers(0, 3)):
        off, width = draw(st.sampled_from(length_fields(name)))
    else:
        rec = draw(st.sampled_from(base_blocks(name)))
        width = draw(st.sampled_from([2, 4, 8]))
        room = min(64, rec.length - 80) - width
        assume(room >= 0)
        off = rec.payload_offset + width * draw(st.integers(0, room // width))
    top = MAX_OF_WIDTH[width]
    value = draw(st.one_of(st.just(top), st.just(top - 1), st.just(top >> 1), st.integers(0, top)))
    data[off:off + width] = value.to_bytes(width, "little")
    return bytes(data), draw(DIALECT)


@settings(max_examples=examples(1200), **HYPO)
@given(case=flipped())
def test_random_byte_flips(case: tuple[bytes, str], traced: None) -> None:
    check_bounded(*case)


@settings(max_examples=examples(800), **HYPO)
@given(case=spliced())
def test_random_inserted_and_deleted_bytes(case: tuple[bytes, str], traced: None) -> None:
    check_bounded(*case)


@settings(max_examples=examples(400), **HYPO)
@given(case=huge_block_length())
def test_huge_block_length(case: tuple[bytes, str], traced: None) -> None:
    check_bounded(*case)


@settings(max_examples=examples(800), **HYPO)
@given(case=hostile_length_field())
def test_hostile_payload_length_fields(case: tuple[bytes, str], traced: None) -> None:
    check_bounded(*case)


# -- (c) targeted hostile cases ------------------------------------------------------------------

def _block(data: bytes, block_type: int, nth: int = 0):  # -> BlockRecord
    with MslReader(data) as reader:
        return [r for r in reader.blocks if r.block_type == block_type][nth]


def _patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def test_bad_magic() -> None:
    data = b"MEMSLICX" + writer_capture()[8:]
    with pytest.raises(BadMagicError) as info:
        MslReader(data)
    assert info.value.rule == "C1"
    assert info.value.offset == 0


@pytest.mark.parametrize("endianness", [0, 3, 0xFF])
def test_bad_endianness_byte(endianness: int) -> None:
    data = _patched(writer_capture(), 8, "B", endianness)
    with pytest.raises(HeaderError) as info:
        MslReader(data)
    assert info.value.rule == "C1"
    assert info.value.offset == 8


def test_block_type_zero() -> None:
    data = writer_capture()
    rec = _block(data, MODULE_LIST_INDEX)
    bad = _patched(data, rec.offset + 4, "<H", 0)
    with MslReader(bad) as reader:
        assert len(reader.blocks) == rec.index  # the blocks before stay available
        fault = reader.fault
        assert isinstance(fault, MslError)
        assert fault.rule == "C6"
        assert fault.block_index == rec.index
        assert fault.offset == rec.offset
        report = verify(reader)
        assert report.structural is fault and not report.ok
        doc = to_canonical(reader)
        assert doc["result"] == "rejected"
        assert doc["error"]["rule"] == "C6"


@pytest.mark.parametrize("log2", [0, 5, 9, 41, 255])
def test_page_size_log2_out_of_range(log2: int) -> None:
    data = writer_capture()
    rec = _block(data, MEMORY_REGION)
    bad = _patched(data, rec.payload_offset + 0x12, "B", log2)
    with MslReader(bad) as reader:
        assert reader.fault is None
        target = reader.blocks[rec.index]
        with pytest.raises(ConstraintError) as info:
            reader.decode(target)
    assert info.value.rule == "C10"
    assert info.value.block_index == rec.index
    assert info.value.offset is not None and rec.payload_offset <= info.value.offset < rec.end


@pytest.mark.parametrize("codec_index", [1, 2], ids=["zstd", "lz4"])
@pytest.mark.parametrize("delta", [1, -1, 4096, -2047], ids=["bigger+1", "smaller-1", "bigger+4096", "smaller-2047"])
def test_lying_uncompressed_size(codec_index: int, delta: int) -> None:
    data = writer_capture()
    rec = _block(data, MEMORY_REGION, codec_index)
    assert rec.compressed
    (size,) = struct.unpack_from("<Q", data, rec.payload_offset)
    bad = _patched(data, rec.payload_offset, "<Q", size + delta)
    with MslReader(bad) as reader:
        assert reader.dialect == "spec-1.1"
        with pytest.raises(CompressionError) as info:
            reader.decode(reader.blocks[rec.index])
        assert info.value.rule == "V11-C20"
        assert info.value.block_index == rec.index
        doc = to_canonical(reader)
        assert doc["result"] == "rejected" and doc["error"]["rule"] == "V11-C20"


def test_uncompressed_size_claim_of_2_pow_40_is_refused_at_once() -> None:
    data = writer_capture()
    rec = _block(data, MEMORY_REGION, 1)
    bad = _patched(data, rec.payload_offset, "<Q", 1 << 40)
    started = time.perf_counter()
    with MslReader(bad) as reader, pytest.raises(CompressionError) as info:
        reader.decode(reader.blocks[rec.index])
    assert time.perf_counter() - started < 1.0
    assert info.value.rule == "V11-C20"


def test_lz4_claim_beyond_its_ratio_is_refused() -> None:
    """An LZ4 block whose (consistent) size prefixes claim more than 255x its stream."""
    data = writer_capture()
    rec = _block(data, MEMORY_REGION, 2)
    claim = 255 * (rec.length - 88) + 65
    bad = _patched(data, rec.payload_offset, "<Q", claim)
    bad = _patched(bad, rec.payload_offset + 8, "<I", claim)
    with MslReader(bad) as reader, pytest.raises(CompressionError) as info:
        reader.decode(reader.blocks[rec.index])
    assert info.value.rule == "V11-C20"


# -- zstd bombs and the endless walk, run in a child process under an address-space limit ----------

def zstd_rle_bomb(blocks: int, content_size: int) -> bytes:
    """A zstd frame of ``blocks`` RLE blocks of 128 KiB each (4 stream bytes per 128 KiB of
    output) whose header claims ``content_size`` (window 128 KiB, so decoders accept it)."""
    out = bytearray(b"\x28\xb5\x2f\xfd\xc0\x38") + struct.pack("<Q", content_size)
    for i in range(blocks):
        header = (1 if i == blocks - 1 else 0) | (1 << 1) | ((128 * 1024) << 3)
        out += header.to_bytes(3, "little") + b"\x00"
    return bytes(out)


def raw_capture(blocks: list[tuple[int, int, bytes]], *, version: int = 0x0101) -> bytes:
    """Header plus blocks (type, flags, on-disk payload) with a correct PrevHash chain."""
    header = framing.FileHeader(endianness=1, header_size=64, version=version, cap_bitmap=0,
                                dump_uuid=new_uuid(), timestamp=1).encode("<")
    out = bytearray(header)
    prev = digest(header)
    for block_type, flags, payload in blocks:
        block = framing.BlockHeader(block_type=block_type, flags=flags, block_length=80 + len(payload),
                                    payload_version=1, block_uuid=new_uuid(), prev_hash=prev).encode("<") + payload
        out += block
        prev = digest(block)
    return bytes(out)


_CHILD = textwrap.dedent("""
    import json, resource, sys, time
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from memslice.errors import MslError
    from memslice.reader import MslReader
    started = time.perf_counter()
    out = {"error": None}
    try:
        with MslReader(sys.argv[1], dialect=sys.argv[2]) as reader:
            out["blocks"] = len(reader.blocks)
            out["fault"] = None if reader.fault is None else [type(reader.fault).__name__, reader.fault.rule]
            for rec in reader.blocks:
                reader.decode(rec)
    except BaseException as exc:
        out["error"] = type(exc).__name__
        out["mslerror"] = isinstance(exc, MslError)
        out["rule"] = getattr(exc, "rule", None)
        out["message"] = str(exc)[:300]
    out["seconds"] = time.perf_counter() - started
    # VmHWM belongs to this process image; ru_maxrss would carry the parent's peak across exec
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    out["maxrss_mib"] = int(hwm.split()[1]) / 1024
    print(json.dumps(out))
""")

CHILD_ADDRESS_SPACE = 1536 * MiB
ZSTD_FLAGS = BlockFlags.COMPRESSED | (CompAlgo.ZSTD << 1)
LZ4_FLAGS = BlockFlags.COMPRESSED | (CompAlgo.LZ4 << 1)


def run_child(path: Path, dialect: str = "auto", timeout: float = 20.0) -> dict:
    """Open and decode ``path`` in a child limited to 1.5 GiB of address space."""
    try:
        proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), dialect, str(CHILD_ADDRESS_SPACE)],
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": "timeout", "seconds": timeout}
    lines = proc.stdout.strip().splitlines()
    assert lines, f"child exited {proc.returncode} without output: {proc.stderr[-2000:]}"
    return json.loads(lines[-1])


def _assert_refused_quickly(result: dict) -> None:
    assert result["error"] == "CompressionError", result
    assert result["seconds"] < 5.0, result
    assert result["maxrss_mib"] < 256, result


def test_zstd_bomb_with_honest_size_prefix(tmp_path: Path) -> None:
    """UncompressedSize 2^40 and a frame that claims it: refused before inflating."""
    bomb = zstd_rle_bomb(65536, 1 << 40)
    path = tmp_path / "bomb.msl"
    path.write_bytes(raw_capture([(MEMORY_REGION, ZSTD_FLAGS, struct.pack("<Q", 1 << 40) + bomb)]))
    result = run_child(path)
    _assert_refused_quickly(result)
    assert result["rule"] == "V11-C20"


def test_zstd_bomb_behind_small_size_prefix(tmp_path: Path) -> None:
    """UncompressedSize 4096, but the frame claims 2^40 and its 256 KiB of RLE blocks make 8 GiB."""
    bomb = zstd_rle_bomb(65536, 1 << 40)
    path = tmp_path / "bomb.msl"
    path.write_bytes(raw_capture([(MEMORY_REGION, ZSTD_FLAGS, struct.pack("<Q", 4096) + bomb)]))
    result = run_child(path)
    _assert_refused_quickly(result)
    assert result["rule"] == "V11-C20"


def test_legacy_zstd_bomb(tmp_path: Path) -> None:
    """memdiver's pre-1.1 bare zstd frame (no size prefix) claiming 2^40 bytes."""
    bomb = zstd_rle_bomb(65536, 1 << 40)
    path = tmp_path / "bomb.msl"
    path.write_bytes(raw_capture([(MEMORY_REGION, ZSTD_FLAGS, bomb)]))
    result = run_child(path, "memdiver-1.0.2")
    _assert_refused_quickly(result)


def test_small_zstd_bomb_is_refused(tmp_path: Path) -> None:
    """A bomb small enough to fit the memory limit still ends as CompressionError V11-C20."""
    bomb = zstandard.ZstdCompressor(level=3).compress(bytes(64 * MiB))
    path = tmp_path / "bomb.msl"
    path.write_bytes(raw_capture([(MEMORY_REGION, ZSTD_FLAGS, struct.pack("<Q", 4096) + bomb)]))
    result = run_child(path)
    assert result["error"] == "CompressionError", result
    assert result["rule"] == "V11-C20"


def test_lz4_bomb_is_refused(tmp_path: Path) -> None:
    stream = lz4.block.compress(bytes(64 * MiB), store_size=True)
    path = tmp_path / "bomb.msl"
    path.write_bytes(raw_capture([(MEMORY_REGION, LZ4_FLAGS, struct.pack("<Q", 4096) + stream)]))
    result = run_child(path)
    _assert_refused_quickly(result)
    assert result["rule"] == "V11-C20"


def test_block_length_zero_terminates(tmp_path: Path) -> None:
    data = writer_capture()
    rec = _block(data, MODULE_LIST_INDEX)
    path = tmp_path / "zero.msl"
    path.write_bytes(_patched(data, rec.offset + 8, "<I", 0))
    result = run_child(path, timeout=4.0)
    assert result["error"] != "timeout", result
    assert result["error"] is None or result["mslerror"], result
    assert result["seconds"] < 5.0


def test_read_partial_last_page() -> None:
    data = writer_capture()
    rec = _block(data, MEMORY_REGION)
    bad = _patched(data, rec.payload_offset + 0x08, "<Q", 5 * 1024 + 512)  # 5.5 pages of 1 KiB
    with MslReader(bad) as reader:
        decoded = reader.decode(reader.blocks[rec.index]).payload
        assert decoded.num_pages == 5  # whole pages only: the half page has no state
        spans = reader.read(0x10000, 6 * 1024)
    # the region's states are 0 0 1 2 3 (1 KiB pages from 0x10000); past its 5 whole pages nothing
    # is known, so the last KiB is absent, never invented bytes
    assert [(s.state, s.length) for s in spans] == [("captured", 2048), ("failed", 1024), ("unmapped", 1024),
                                                     ("not_resident", 1024), ("absent", 1024)]
    page = bytes(range(256)) * 4
    assert bytes(spans[0].data) == page * 2
    assert all(s.data is None for s in spans[1:])


@pytest.mark.parametrize("length", [1, 8, 79])
def test_block_length_below_header_size(length: int) -> None:
    data = writer_capture()
    rec = _block(data, MODULE_LIST_INDEX)
    bad = _patched(data, rec.offset + 8, "<I", length)
    with alarm(HANG_SECONDS):
        met = exercise(bad)
    assert met, "a BlockLength below 80 must be reported"
    with MslReader(bad) as reader:
        assert len(reader.blocks) == rec.index  # the walk stops at the bad block
        fault = reader.fault
        assert isinstance(fault, FormatError) and fault.rule == "B-4.1-block-length"
        assert fault.offset == rec.offset + 8 and fault.block_index == rec.index
        assert str(length) in str(fault)
        assert not verify(reader).ok


def test_verify_hashes_large_blocks_on_a_second_thread_and_still_finds_a_flip(tmp_path: Path) -> None:
    """A block of PARALLEL_HASH_BYTES or more is chain-hashed on verify's second thread (the
    mutation tests' inputs are all smaller and hashed inline): the chain and FileHash of an
    intact file verify, and one flipped byte in the large block breaks the next PrevHash."""
    log2 = 12
    page = 1 << log2
    pages = PARALLEL_HASH_BYTES // page + 1
    path = tmp_path / "large.msl"
    w = MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS, timestamp=1, pid=1, os_type=0, arch_type=1)
    big = w.add_memory_region(0x100000, "0" * pages, bytes(range(256)) * (page // 256) * pages, page_size_log2=log2)
    w.add_memory_region(0x900000, "0" * pages, b"S" * page * pages, page_size_log2=log2)  # the thread, reused
    w.add_memory_region(0xA00000, "0", b"s" * page, page_size_log2=log2)  # small again: inline
    w.finish_capture(acq_end=2)
    w.finish()
    data = path.read_bytes()
    with MslReader(data) as reader:
        large = [r for r in reader.blocks if r.length >= PARALLEL_HASH_BYTES]
        assert len(large) == 2, "the capture must hold two blocks hashed on the second thread"
        report = verify(reader)
        assert report.ok and report.chain == "ok" and report.file_hash == "ok", report.problems
        rec = large[0]
    assert bytes(rec.header.block_uuid) == big[0]
    flipped = bytearray(data)
    flipped[rec.end - 100] ^= 0x01
    with MslReader(bytes(flipped)) as reader:
        report = verify(reader)
        assert not report.ok
        assert report.chain == "broken" and report.first_bad_block == rec.index + 1
        assert report.file_hash == "mismatch"
