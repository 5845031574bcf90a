"""Decompression bombs and wrapping regions in every read path (issue 9, findings 2 and 4).

Each hostile file is built here: a file header and blocks with a correct PrevHash chain, and
compressed payloads made by hand (zstd frames of raw and RLE blocks, with and without
Frame_Content_Size; LZ4 blocks and frames), so that a file of ~131 KB can claim 4 GiB.
Every operation a user runs on such a file (``MslReader.read``, ``canon``, ``verify --deep``,
``validate --strict``, ``export``) runs in a child process under an address-space limit and
reports its own peak RSS (VmHWM); each must end in a clear :class:`~memslice.errors.MslError`
naming the block and the rule, within a small memory bound, and write no output.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import lz4.block
import lz4.frame
import pytest
from memslice.generated import framing
from memslice.generated.blocks.end_of_capture import EndOfCapture
from memslice.generated.blocks.memory_region import MemoryRegion
from memslice.generated.enums import BlockFlags, CompAlgo

from memslice.canon import to_canonical
from memslice.compression import DEFAULT_INFLATE_BUDGET
from memslice.errors import CompressionError, FormatError, LimitError
from memslice.integrity import digest
from memslice.pages import encode_state_string
from memslice.reader import MslReader
from memslice.validate import validate
from memslice.writer import new_uuid

MiB = 1 << 20
GiB = 1 << 30
MEMORY_REGION = 0x0001
END_OF_CAPTURE = 0x0FFF
ZSTD_FLAGS = BlockFlags.COMPRESSED | (CompAlgo.ZSTD << 1)
LZ4_FLAGS = BlockFlags.COMPRESSED | (CompAlgo.LZ4 << 1)
BASE = 0x7F0000000000
PAGE_LOG2 = 12
PAGE = 1 << PAGE_LOG2
#: Address space of each child: a bomb that inflates fails with MemoryError long before 4 GiB.
CHILD_LIMIT = 1 * GiB
#: Peak RSS a refused bomb may cost a child (the interpreter and memslice alone take ~40 MiB).
RSS_BOUND_MIB = 128
ZSTD_BLOCK_MAX = 128 * 1024


# -- hand-made zstd frames (RFC 8878) ---------------------------------------------------------

def zstd_frame(raw: bytes, zeros: int, content_size: int | None) -> bytes:
    """One zstd frame: ``raw`` as Raw blocks, then ``zeros`` zero bytes as RLE blocks.

    Window 128 KiB (Window_Descriptor 0x38); Frame_Content_Size as 8 bytes when given.
    Every 128 KiB of zeros costs 4 bytes of frame.
    """
    out = bytearray(b"\x28\xb5\x2f\xfd")
    if content_size is None:
        out += b"\x00\x38"  # FCS_Flag 0, no single segment: no content size
    else:
        out += b"\xc0\x38" + struct.pack("<Q", content_size)
    blocks: list[tuple[int, int, bytes]] = []  # (type, size, body)
    for i in range(0, len(raw), ZSTD_BLOCK_MAX):
        chunk = raw[i:i + ZSTD_BLOCK_MAX]
        blocks.append((0, len(chunk), chunk))
    full, rest = divmod(zeros, ZSTD_BLOCK_MAX)
    blocks += [(1, ZSTD_BLOCK_MAX, b"\x00")] * full
    if rest:
        blocks.append((1, rest, b"\x00"))
    for n, (kind, size, body) in enumerate(blocks):
        last = 1 if n == len(blocks) - 1 else 0
        out += (last | (kind << 1) | (size << 3)).to_bytes(3, "little") + body
    return bytes(out)


def region_head(base: int, pages: int, states: str | None = None) -> bytes:
    """Memory Region fixed fields and page-state map (PageData left out), by the generated codec."""
    head = MemoryRegion(base_addr=base, region_size=pages * PAGE, page_size_log2=PAGE_LOG2,
                        page_state_map=encode_state_string(states if states is not None else "0" * pages))
    return head.encode("<")


def raw_capture(blocks: list[tuple[int, int, bytes]]) -> bytes:
    """Header plus blocks (type, flags, on-disk payload) with a correct chain and End-of-Capture."""
    header = framing.FileHeader(endianness=1, header_size=64, version=0x0101, cap_bitmap=1,
                                dump_uuid=new_uuid(), timestamp=1).encode("<")
    out = bytearray(header)
    prev = digest(header)
    for block_type, flags, payload in blocks:
        if not flags & BlockFlags.COMPRESSED:
            payload += bytes(-len(payload) % 8)  # a compressed payload is unpadded (V11-P28)
        block = framing.BlockHeader(block_type=block_type, flags=flags, block_length=80 + len(payload),
                                    payload_version=1, block_uuid=new_uuid(), prev_hash=prev).encode("<") + payload
        out += block
        prev = digest(block)
    eoc = EndOfCapture(file_hash=digest(bytes(out)), acq_end=2, block_count=len(blocks) + 1).encode("<")
    out += framing.BlockHeader(block_type=END_OF_CAPTURE, flags=0, block_length=80 + len(eoc), payload_version=1,
                               block_uuid=new_uuid(), prev_hash=prev).encode("<") + eoc
    return bytes(out)


def zstd_region(base: int, pages: int, declared: int, *, content_size: bool = True,
                zeros: int | None = None) -> bytes:
    """A compressed Memory Region payload: UncompressedSize ``declared``, every page Captured (zeros)."""
    head = region_head(base, pages)
    body_zeros = pages * PAGE if zeros is None else zeros
    raw = head.rstrip(b"\0")  # the all-Captured map (zeros) and the pages go into RLE blocks
    frame = zstd_frame(raw, len(head) - len(raw) + body_zeros, declared if content_size else None)
    return struct.pack("<Q", declared) + frame


# The files of the issue ------------------------------------------------------------------

def one_page_claiming_4gib() -> bytes:
    """131 KB: a one-page region whose zstd payload declares (and inflates to) 4 GiB."""
    declared = 1 << 32
    head = region_head(BASE, 1)
    payload = struct.pack("<Q", declared) + zstd_frame(head, declared - len(head), declared)
    return raw_capture([(MEMORY_REGION, ZSTD_FLAGS, payload)])


def huge_consistent_region(count: int = 1) -> bytes:
    """~131 KB per block: regions of 4 GiB - 1 MiB of Captured zero pages, sizes all consistent."""
    pages = ((1 << 32) - MiB) // PAGE
    blocks = []
    for n in range(count):
        head = region_head(BASE + n * (1 << 33), pages)
        declared = len(head) + pages * PAGE
        blocks.append((MEMORY_REGION, ZSTD_FLAGS, zstd_region(BASE + n * (1 << 33), pages, declared)))
    return raw_capture(blocks)


def unsized_frame_overflowing() -> bytes:
    """A one-page region declaring its true size, in a zstd frame WITHOUT Frame_Content_Size that
    inflates to 1.5 GiB: only the streaming cap at UncompressedSize stops it."""
    head = region_head(BASE, 1)
    declared = len(head) + PAGE
    return raw_capture([(MEMORY_REGION, ZSTD_FLAGS, zstd_region(BASE, 1, declared, content_size=False,
                                                                  zeros=3 * GiB // 2))])


def lz4_claiming_too_much() -> bytes:
    """A one-page region whose LZ4 block declares (and holds) 64 MiB."""
    head = region_head(BASE, 1)
    size = 64 * MiB
    stream = lz4.block.compress(head + bytes(size - len(head)), store_size=True)
    return raw_capture([(MEMORY_REGION, LZ4_FLAGS, struct.pack("<Q", size) + stream)])


def lz4_frame_legacy_claiming_too_much() -> bytes:
    """memdiver's pre-1.1 framing: a bare LZ4 frame (no content size) inflating to 256 MiB for one page."""
    head = region_head(BASE, 1)
    frame = lz4.frame.compress(head + bytes(256 * MiB), store_size=False)
    return raw_capture([(MEMORY_REGION, LZ4_FLAGS, frame)])


def wrapping_region(compressed: bool) -> bytes:
    """Two Captured pages at 2^64 - 4096: the second lies past the end of the address space."""
    base = (1 << 64) - PAGE
    head = region_head(base, 2)
    data = b"\xaa" * (2 * PAGE)
    if compressed:
        return raw_capture([(MEMORY_REGION, ZSTD_FLAGS, zstd_region(base, 2, len(head) + len(data)))])
    return raw_capture([(MEMORY_REGION, 0, head + data)])


# -- the child: one operation under an address-space limit, its own peak RSS -----------------

_CHILD = textwrap.dedent("""
    import contextlib, io, json, resource, sys
    limit, op, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    extra = sys.argv[4:]
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from memslice.errors import MslError
    out = {"error": None}
    try:
        if op == "read":
            from memslice.reader import MslReader
            budget = int(extra[1]) if len(extra) > 1 else None
            kwargs = {} if budget is None else {"inflate_budget": budget}
            with MslReader(path, **kwargs) as reader:
                spans = reader.read(int(extra[0], 0), 4096)
                out["spans"] = [[s.state, s.length, None if s.data is None else s.data.hex()[:16]] for s in spans]
        elif op == "decode":
            from memslice.reader import MslReader
            with MslReader(path) as reader:
                for rec in reader.blocks:
                    reader.decode(rec)
        elif op == "canon":
            from memslice.canon import to_canonical
            from memslice.reader import MslReader
            with MslReader(path) as reader:
                doc = to_canonical(reader)
            out["result"] = doc["result"]
            out["doc_error"] = doc.get("error")
        else:  # an msl command line: op "cli", extra = the subcommand and its options
            from memslice.cli.main import main
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()) as std:
                out["exit"] = main([*extra, path])
            out["stdout"] = std.getvalue()[-20000:]
            out["stderr"] = err.getvalue()[-2000:]
    except BaseException as exc:
        out["error"] = type(exc).__name__
        out["mslerror"] = isinstance(exc, MslError)
        out["rule"] = getattr(exc, "rule", None)
        out["block"] = getattr(exc, "block_index", None)
        out["message"] = str(exc)[:500]
    with open("/proc/self/status") as status:
        hwm = next(line for line in status if line.startswith("VmHWM:"))
    out["rss_mib"] = int(hwm.split()[1]) / 1024
    print(json.dumps(out))
""")


def run_child(op: str, path: Path, *extra: str, timeout: float = 120.0) -> dict:
    """Run one operation on ``path`` in a fresh interpreter limited to ``CHILD_LIMIT`` of address space."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(CHILD_LIMIT), op, str(path), *extra],
                          capture_output=True, text=True, timeout=timeout, check=False, env=env)
    lines = proc.stdout.strip().splitlines()
    assert lines, f"child exited {proc.returncode} without output: {proc.stderr[-2000:]}"
    return json.loads(lines[-1])


def _refused(result: dict, error: str, rule: str | None) -> None:
    assert result["error"] == error, result
    assert result["mslerror"], result
    assert result["rule"] == rule, result
    assert result["block"] == 0, result
    assert result["rss_mib"] < RSS_BOUND_MIB, result


def _cli_refused(result: dict, rule_or_text: str) -> None:
    assert result["error"] is None, result  # no traceback, no MemoryError
    assert result["exit"] == 1, result
    assert rule_or_text in result["stderr"] + result["stdout"], result
    assert "Traceback" not in result["stderr"], result
    assert result["rss_mib"] < RSS_BOUND_MIB, result


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("bombs")
    built = {
        "one_page_4gib": one_page_claiming_4gib(),
        "huge_region": huge_consistent_region(1),
        "huge_3": huge_consistent_region(3),
        "unsized": unsized_frame_overflowing(),
        "lz4": lz4_claiming_too_much(),
        "lz4_frame": lz4_frame_legacy_claiming_too_much(),
        "wrap_plain": wrapping_region(False),
        "wrap_zstd": wrapping_region(True),
    }
    paths = {}
    for name, data in built.items():
        paths[name] = root / f"{name}.msl"
        paths[name].write_bytes(data)
    return paths


def test_the_bomb_files_are_small(files: dict[str, Path]) -> None:
    """The issue's inputs: ~131 KB that declare 4 GiB (the size is what makes them bombs)."""
    assert files["one_page_4gib"].stat().st_size < 140_000
    assert files["huge_region"].stat().st_size < 140_000
    assert files["huge_3"].stat().st_size < 3 * 140_000
    with MslReader(files["one_page_4gib"]) as reader:
        assert struct.unpack_from("<Q", reader.raw_payload(reader.blocks[0]))[0] == 1 << 32


# -- 1. the declared size against what the block can hold, before inflating --------------------

def test_declared_size_beyond_the_region_is_refused_in_process(files: dict[str, Path]) -> None:
    with MslReader(files["one_page_4gib"]) as reader:
        rec = reader.blocks[0]
        with pytest.raises(CompressionError) as info:
            reader.read(BASE, 4096)
        assert info.value.rule == "B-5.1-page-data"
        assert info.value.block_index == 0 and info.value.offset == rec.payload_offset
        assert "more than a region of 1 pages of 4096 bytes can hold" in info.value.message


@pytest.mark.parametrize("op", ["read", "decode", "canon"])
def test_one_page_claiming_4gib_api(files: dict[str, Path], op: str) -> None:
    result = run_child(op, files["one_page_4gib"], hex(BASE))
    if op == "canon":  # the document says it
        assert result["error"] is None and result["result"] == "rejected", result
        assert result["doc_error"]["rule"] == "B-5.1-page-data", result
        assert result["doc_error"]["offset"] == "0x90", result  # the payload's UncompressedSize
        assert result["rss_mib"] < RSS_BOUND_MIB, result
        return
    _refused(result, "CompressionError", "B-5.1-page-data")


@pytest.mark.parametrize("argv", [["verify", "--deep"], ["canon"], ["validate", "--strict"]],
                         ids=["verify-deep", "canon", "validate-strict"])
def test_one_page_claiming_4gib_cli(files: dict[str, Path], argv: list[str]) -> None:
    result = run_child("cli", files["one_page_4gib"], *argv)
    if argv[0] == "canon":  # canon reports the rejection in its document
        assert result["error"] is None, result
        assert '"result": "rejected"' in result["stdout"], result
        assert '"rule": "B-5.1-page-data"' in result["stdout"], result
        assert result["rss_mib"] < RSS_BOUND_MIB, result
        return
    if argv[0] == "validate":
        assert result["error"] is None and result["exit"] == 1, result
        assert "B-5.1-page-data" in result["stdout"], result
        assert result["rss_mib"] < RSS_BOUND_MIB, result
        return
    _cli_refused(result, "B-5.1-page-data")


def test_export_of_the_one_page_bomb_writes_nothing(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.core"
    result = run_child("cli", files["one_page_4gib"], "export", "--no-verify", "-o", str(out))
    _cli_refused(result, "B-5.1-page-data")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_lz4_declared_size_beyond_the_region(files: dict[str, Path]) -> None:
    result = run_child("decode", files["lz4"])
    _refused(result, "CompressionError", "B-5.1-page-data")


def test_legacy_lz4_frame_without_content_size_is_bounded(files: dict[str, Path]) -> None:
    """No size is declared at all: the inflate budget (here 64 MiB) bounds the frame."""
    result = run_child("read", files["lz4_frame"], hex(BASE), str(64 * MiB))
    assert result["error"] in ("LimitError", "CompressionError"), result
    assert result["mslerror"] and result["block"] == 0, result
    assert result["rss_mib"] < RSS_BOUND_MIB + 64, result


# -- 2. inflation bounded by a budget; streamed reads --------------------------------------------

def test_huge_region_is_refused_by_the_default_budget(files: dict[str, Path]) -> None:
    result = run_child("read", files["huge_region"], hex(BASE))
    _refused(result, "LimitError", None)
    assert str(DEFAULT_INFLATE_BUDGET) in result["message"]
    assert "offset 0x90" in result["message"]  # the payload's UncompressedSize


@pytest.mark.parametrize("where", [0, (1 << 32) - MiB - PAGE], ids=["first-page", "last-page"])
def test_huge_region_read_streams_within_a_raised_budget(files: dict[str, Path], where: int) -> None:
    """With the budget raised past 4 GiB, read(addr, 4096) inflates through a bounded buffer."""
    result = run_child("read", files["huge_region"], hex(BASE + where), str(8 * GiB))
    assert result["error"] is None, result
    assert result["spans"] == [["captured", 4096, "00" * 8]], result
    assert result["rss_mib"] < RSS_BOUND_MIB, result


def test_huge_region_verifies_deep_within_a_raised_budget(files: dict[str, Path]) -> None:
    """Honest 4 GiB regions are valid: verify --deep streams all 12 GiB through a bounded buffer."""
    result = run_child("cli", files["huge_3"], "verify", "--deep", "--inflate-budget", str(8 * GiB), timeout=300)
    assert result["error"] is None and result["exit"] == 0, result
    assert "VALID" in result["stdout"], result
    assert result["rss_mib"] < RSS_BOUND_MIB, result


@pytest.mark.parametrize("argv", [["verify", "--deep"], ["canon"], ["validate", "--strict"]],
                         ids=["verify-deep", "canon", "validate-strict"])
def test_three_block_bomb_cli(files: dict[str, Path], argv: list[str]) -> None:
    """The 3-block file: a clear refusal naming the budget, never a MemoryError traceback."""
    result = run_child("cli", files["huge_3"], *argv)
    _cli_refused(result, "inflate budget")
    assert "block 0" in result["stderr"], result


def test_export_of_the_huge_region_writes_nothing(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "out.core"
    result = run_child("cli", files["huge_region"], "export", "--no-verify", "-o", str(out))
    _cli_refused(result, "inflate budget")
    assert list(tmp_path.iterdir()) == []


# -- issue 10 survivor (a): a frame WITHOUT Frame_Content_Size -----------------------------------

@pytest.mark.parametrize("op", ["decode", "canon"])
def test_unsized_zstd_frame_is_stopped_at_uncompressed_size(files: dict[str, Path], op: str) -> None:
    """Nothing declares the 1.5 GiB: only the streaming cap at UncompressedSize stops it (if the cap
    is disabled the child runs out of its 1 GiB of address space or reports success)."""
    result = run_child(op, files["unsized"])
    if op == "canon":
        assert result["error"] is None, result
        assert result["result"] == "rejected", result
        assert result["doc_error"]["rule"] == "V11-C20", result
        assert result["doc_error"]["class"] == "CompressionError", result
        assert result["rss_mib"] < RSS_BOUND_MIB, result
        return
    _refused(result, "CompressionError", "V11-C20")


def test_unsized_frame_in_process(files: dict[str, Path]) -> None:
    with MslReader(files["unsized"]) as reader:
        rec = reader.blocks[0]
        with pytest.raises(CompressionError) as info:
            reader.decode(rec)
        assert info.value.rule == "V11-C20" and info.value.block_index == 0
        assert "beyond UncompressedSize" in info.value.message
        with pytest.raises(CompressionError):
            for _ in reader.iter_page_data(rec):
                pass


# -- 4. address wrap -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["wrap_plain", "wrap_zstd"])
def test_wrapping_region_is_rejected_everywhere(files: dict[str, Path], name: str, tmp_path: Path) -> None:
    path = files[name]
    with MslReader(path) as reader:
        with pytest.raises(FormatError) as info:
            reader.read((1 << 64) - PAGE, 4096)
        assert info.value.rule == "B-5.1-address-range" and info.value.block_index == 0
        with pytest.raises(FormatError):
            reader.decode(reader.blocks[0])
        doc = to_canonical(reader)
        assert doc["result"] == "rejected" and doc["error"]["rule"] == "B-5.1-address-range"
    report = validate(path)
    assert "B-5.1-address-range" in [f.rule for f in report.findings if f.block == 0]
    result = run_child("cli", path, "verify", "--deep")
    assert result["exit"] == 1 and "B-5.1-address-range" in result["stdout"], result
    out = tmp_path / "wrap.core"
    result = run_child("cli", path, "export", "-o", str(out))
    assert result["exit"] == 1 and "B-5.1-address-range" in result["stderr"], result
    assert not out.exists()


def test_region_ending_exactly_at_2_pow_64_is_accepted() -> None:
    """The boundary: the last page of the address space is a valid region."""
    base = (1 << 64) - PAGE
    data = raw_capture([(MEMORY_REGION, 0, region_head(base, 1) + b"\x5a" * PAGE)])
    with MslReader(data) as reader:
        (span,) = reader.read(base, PAGE)
        assert span.state == "captured" and span.data == b"\x5a" * PAGE


# -- the budget is the caller's -----------------------------------------------------------------

def test_inflate_budget_is_settable() -> None:
    head = region_head(BASE, 4, "0000")
    data = bytes(range(256)) * 64
    payload = struct.pack("<Q", len(head) + len(data)) + zstd_frame(head + data, 0, len(head) + len(data))
    capture = raw_capture([(MEMORY_REGION, ZSTD_FLAGS, payload)])
    with MslReader(capture, inflate_budget=len(head) + len(data) - 1) as reader:
        with pytest.raises(LimitError):
            reader.read(BASE, 16)
    with MslReader(capture, inflate_budget=len(head) + len(data)) as reader:
        (span,) = reader.read(BASE + PAGE + 8, 16)
        assert span.data == data[PAGE + 8:PAGE + 24]


def test_close_releases_the_mapping_after_a_streamed_read(tmp_path: Path) -> None:
    """The zstd stream kept for a following read must not pin the file's mapping at close."""
    head = region_head(BASE, 4, "0000")
    data = bytes(range(256)) * 64
    payload = struct.pack("<Q", len(head) + len(data)) + zstd_frame(head + data, 0, len(head) + len(data))
    path = tmp_path / "small.msl"
    path.write_bytes(raw_capture([(MEMORY_REGION, ZSTD_FLAGS, payload)]))
    reader = MslReader(path)
    (span,) = reader.read(BASE + 5, 8)
    assert span.data == data[5:13]
    reader.close()
    assert reader.warnings == []
