"""Files written by memslice are read and verified by the two released third-party tools.

memslicer 0.5.2 and memdiver 1.0.2 run in their own venvs (``tests/oracles``); each reads
our little-endian captures (uncompressed, zstd, lz4) with its own verifier and region
decoder. The captures look like what memslicer writes: Process Identity, Module List
Index with pre-assigned ModuleUUIDs, a Thread Context, Memory Regions with mixed page
states, the Module Entries (BlockUUID = ModuleUUID), a VAS Map and the End-of-Capture;
the captured pages hold the 32-byte reference marker a known number of times.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from memslice.generated.blocks import (
    key_hint,
    module_build_id_manifest,
    module_entry,
    module_list_index,
    process_identity,
    thread_context,
    vas_map,
)
from memslice.generated.enums import ArchType, CapBitmap, OsType, Protection, RegionType, RegisterRole, ThreadFlags

from memslice.reader import MslReader
from memslice.verify import verify
from memslice.writer import MslWriter
from tests.conftest import MARKER, tool_missing
from tests.oracles.venvs import ensure_oracle, failure_reason, run_oracle

PAGE = 4096
TOOLS = ("memslicer", "memdiver")
COMPRESSIONS = ("none", "zstd", "lz4")
CAPS = (CapBitmap.MEMORY_REGIONS | CapBitmap.MODULE_LIST | CapBitmap.THREAD_CONTEXTS
        | CapBitmap.PROCESS_IDENTITY)


# ----------------------------------------------------------------------------------------
# oracle venvs
# ----------------------------------------------------------------------------------------
def _oracle(name: str) -> Path:
    python = ensure_oracle(name)
    if python is None:
        tool_missing(f"{name} oracle unavailable: {failure_reason(name)}")
    return python


@pytest.fixture(scope="session")
def memslicer_oracle() -> Path:
    """The memslicer 0.5.2 venv's python (skips when it cannot be installed)."""
    return _oracle("memslicer")


@pytest.fixture(scope="session")
def memdiver_oracle() -> Path:
    """The memdiver 1.0.2 venv's python (skips when it cannot be installed)."""
    return _oracle("memdiver")


@pytest.fixture
def oracle(request: pytest.FixtureRequest) -> str:
    """The tool named by the test's ``tool`` parameter, installed."""
    name = request.param
    request.getfixturevalue(f"{name}_oracle")
    return name


# ----------------------------------------------------------------------------------------
# the capture
# ----------------------------------------------------------------------------------------
@dataclass
class Capture:
    """What was written, for comparison with what the tools read."""

    path: Path
    block_types: list[int] = field(default_factory=list)
    region_blocks: int = 0
    captured_bytes: int = 0
    markers: int = 0
    page_markers: list[list[int]] = field(default_factory=list)  # per written region, per captured page
    module_uuids: list[bytes] = field(default_factory=list)
    index_uuid: bytes = b""
    segments: int = 0


def _page(seed: int, markers: int) -> bytes:
    """One page: ``markers`` markers at 64-byte aligned offsets, filler elsewhere (no marker in it)."""
    filler = hashlib.shake_256(f"page-{seed}".encode()).digest(PAGE)
    page = bytearray(filler)
    for i in range(markers):
        at = 128 + i * 256
        page[at:at + len(MARKER)] = MARKER
    assert page.count(MARKER) == markers
    return bytes(page)


#: (base, page states, markers in each captured page)
REGIONS = [
    (0x5555_5555_4000, "000", [1, 0, 2]),
    (0x7F00_0000_0000, "0012300", [3, 0, 1, 0]),
    (0x7FFF_FFFD_E000, "3100", [0, 5]),
]
MODULES = [
    (0x5555_5555_4000, 0x3000, "/usr/bin/target", "1.2.3"),
    (0x7F00_0000_0000, 0x1C_0000, "/usr/lib/x86_64-linux-gnu/libc.so.6", None),
    (0x7F00_0040_0000, 0x2_8000, "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", "2.39"),
]


#: a region large enough to be split into Continuation fragments (80 pages)
BIG_REGION = (0x6000_0000_0000, "0" * 40 + "1" * 8 + "0" * 20 + "2" * 4 + "0" * 8,
              [1 + i % 3 for i in range(68)])


def write_capture(path: Path, *, compression: str = "none", endian: str = "<", extension: bool = False,
                  max_block_length: int | None = None) -> Capture:
    """Write a memslicer-like capture and return what it holds.

    With ``max_block_length`` the capture also holds :data:`BIG_REGION`, written with that
    limit so that it is split into Continuation fragments.
    """
    cap = Capture(path)
    kwargs: dict[str, Any] = {}
    regions = list(REGIONS)
    if max_block_length is not None:
        kwargs["max_block_length"] = max_block_length
        regions.append(BIG_REGION)
    w = MslWriter(path, endian=endian, compression=compression, cap_bitmap=CAPS, os_type=OsType.LINUX,
                  arch_type=ArchType.X86_64, pid=31337, **kwargs)

    def add(payload: Any, **kw: Any) -> bytes:
        uid = w.add(payload, compress=compression, **kw)
        cap.block_types.append(type(payload).BLOCK_TYPE)
        return uid

    pi = add(process_identity.ProcessIdentity(
        ppid=1, session_id=2, start_time=1_700_000_000_000_000_000, exe_path="/usr/bin/target",
        cmd_line="target --serve ünïcode"))
    cap.module_uuids = [hashlib.sha256(f"module-{i}".encode()).digest()[:16] for i in range(len(MODULES))]
    mli = add(module_list_index.ModuleListIndex(entries=[
        module_list_index.ModuleManifestEntry(module_uuid=u, base_addr=b, module_size=s, path=p)
        for u, (b, s, p, _v) in zip(cap.module_uuids, MODULES, strict=True)]))
    regs = [
        thread_context.RegisterEntry(name="rip", flags=RegisterRole.PC, value=(0x5555_5555_4123).to_bytes(8, "little")),
        thread_context.RegisterEntry(name="rsp", flags=RegisterRole.SP, value=(0x7FFF_FFFD_EF00).to_bytes(8, "little")),
        thread_context.RegisterEntry(name="rbp", flags=RegisterRole.FP, value=(0x7FFF_FFFD_EF80).to_bytes(8, "little")),
        thread_context.RegisterEntry(name="rax", value=(0x2A).to_bytes(8, "little")),
        thread_context.RegisterEntry(name="xmm0", value=bytes(range(16))),
    ]
    add(thread_context.ThreadContext(thread_id=31337, start_time=1_700_000_000_000_000_001, flags=ThreadFlags.CURRENT,
                                     state=3, name="target-main", registers=regs), parent_uuid=pi)
    for n, (base, states, marks) in enumerate(regions):
        pages = [_page(100 * n + i, m) for i, m in enumerate(marks)]
        data = b"".join(pages)
        uuids = w.add_memory_region(base, states, data, protection=Protection.READ | Protection.WRITE,
                                    region_type=RegionType.HEAP, timestamp=1_700_000_000_500_000_000)
        cap.block_types += [0x0001] * len(uuids)
        cap.region_blocks += len(uuids)
        cap.captured_bytes += len(data)
        cap.markers += sum(marks)
        cap.page_markers.append(marks)
    for uid, (base, size, p, v) in zip(cap.module_uuids, MODULES, strict=True):
        add(module_entry.ModuleEntry(base_addr=base, module_size=size, path=p, version=v,
                                     disk_hash=hashlib.sha256(p.encode()).digest(), native_blob=b"\x03\x00build-id"),
            block_uuid=uid, parent_uuid=mli)
    cap.index_uuid = mli
    entries = [vas_map.VasEntry(base_addr=b, region_size=len(s) * PAGE, protection=3, region_type=1, name_source=1,
                                mapped_path=f"[anon:{n}]") for n, (b, s, _m) in enumerate(REGIONS)]
    # EntryCount/EntrySize given explicitly (see the VAS Map xfails in test_roundtrip.py)
    add(vas_map.VasMap(num_entries=len(entries), len_entry=0, entries=entries))
    w.finish_capture()
    cap.block_types.append(0x0FFF)
    if extension:
        w.begin_extension()
        add(module_build_id_manifest.ModuleBuildIdManifest(rows=[
            module_build_id_manifest.BuildIdRow(base_addr=b, len_build_id=20, build_id_source=1,
                                                build_id=hashlib.sha1(p.encode()).digest(),  # noqa: S324
                                                disk_hash=hashlib.sha256(p.encode()).digest())
            for b, _s, p, _v in MODULES]))
        w.end_extension(producer="memslice-interop")
        cap.block_types.append(0x0FFE)
        cap.segments += 1
        w.begin_extension()
        add(key_hint.KeyHint(region_offset=128, len_key=32, key_type=1, protocol=1, confidence=1, key_state=1,
                             note="marker"))
        w.end_extension(producer="memslice-interop-2")
        cap.block_types.append(0x0FFE)
        cap.segments += 1
    w.finish()
    return cap


def _split_markers(cap: Capture) -> list[int]:
    """Markers in each region block: the written per-page counts cut at the fragments' pages."""
    out = []
    pending = [list(m) for m in cap.page_markers]
    with MslReader(cap.path) as reader:
        for region in reader.regions():
            captured = region.states.count("0")
            marks = pending[0]
            out.append(sum(marks[:captured]))
            del marks[:captured]
            if not marks:
                pending.pop(0)
    assert pending == []
    return out


def _check_ours(cap: Capture) -> None:
    """Our own reader agrees with what was written (the baseline for the tools)."""
    with MslReader(cap.path) as reader:
        report = verify(reader)
        assert report.ok, report.problems
        assert [r.block_type for r in reader.blocks] == cap.block_types
        regions = list(reader.regions())
        assert len(regions) == cap.region_blocks
        assert sum(len(r.captured_data()) for r in regions) == cap.captured_bytes
        assert sum(bytes(r.captured_data()).count(MARKER) for r in regions) == cap.markers
        index = reader.decode(next(r for r in reader.blocks if r.block_type == 0x0010)).payload
        assert [e.module_uuid for e in index.entries] == cap.module_uuids
        entries = [r for r in reader.blocks if r.block_type == 0x0002]
        assert [bytes(r.header.block_uuid) for r in entries] == cap.module_uuids
        assert {bytes(r.header.parent_uuid) for r in entries} == {cap.index_uuid}
        assert reader.uuid_index()[cap.index_uuid].block_type == 0x0010


def _check_tool(result: dict[str, Any], cap: Capture) -> None:
    assert result["exit_code"] == 0, result.get("error")
    assert "error" not in result, result["error"]
    assert result["verify"] == "ok", result["verify_detail"]
    assert result["chain_ok"] is True
    assert result["file_hash_ok"] is True
    assert result["encrypted"] is False
    capture_blocks = cap.block_types.index(0x0FFF) + 1
    assert result["capture_block_count"] == capture_blocks
    assert len(result["extension_segments"]) == cap.segments
    assert all(s["verified"] for s in result["extension_segments"])
    with MslReader(cap.path) as reader:
        ours = [(r.block_type, r.offset, r.length) for r in reader.blocks]
        segments = [r.segment for r in reader.blocks]
    theirs = [(b["type"], b["offset"], b["length"]) for b in result["blocks"]]
    assert theirs == ours
    assert [b["segment"] for b in result["blocks"]] == segments
    assert result["region_count"] == cap.region_blocks
    assert result["region_errors"] == []
    assert result["captured_page_bytes"] == cap.captured_bytes
    assert result["marker_count"] == cap.markers


# ----------------------------------------------------------------------------------------
# tests
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("oracle", TOOLS, indirect=True)
@pytest.mark.parametrize("compression", COMPRESSIONS)
def test_tool_reads_and_verifies_our_file(tmp_path: Path, oracle: str, compression: str) -> None:
    """memslicer / memdiver verify our little-endian capture and find every marker."""
    cap = write_capture(tmp_path / f"ours_{compression}.msl", compression=compression)
    _check_ours(cap)
    result = run_oracle(oracle, cap.path)
    _check_tool(result, cap)
    assert result["per_region_markers"] == [sum(m) for m in cap.page_markers]
    verify_only = run_oracle(oracle, cap.path, "--verify-only")
    assert verify_only["verify"] == "ok", verify_only["verify_detail"]


@pytest.mark.parametrize("oracle", TOOLS, indirect=True)
def test_tool_verifies_our_extension_segments(tmp_path: Path, oracle: str) -> None:
    """Extension segments we append (SegmentHash, BlockCount, chain) verify in both tools."""
    cap = write_capture(tmp_path / "ext.msl", compression="zstd", extension=True)
    _check_ours(cap)
    result = run_oracle(oracle, cap.path)
    _check_tool(result, cap)
    assert [s["index"] for s in result["extension_segments"]] == [1, 2]
    assert [s["block_count"] for s in result["extension_segments"]] == [2, 2]


def _in_big_region(addr: int) -> bool:
    return BIG_REGION[0] <= addr < BIG_REGION[0] + len(BIG_REGION[1]) * PAGE


def _split_capture(tmp_path: Path) -> Capture:
    # the limit admits 32-page steps of at most 40 captured pages per block: BIG_REGION splits in two
    cap = write_capture(tmp_path / "split.msl", compression="lz4", max_block_length=80 + 40 + 40 * PAGE)
    assert cap.region_blocks == len(REGIONS) + 2
    _check_ours(cap)
    with MslReader(cap.path) as reader:
        frags = [r for r in reader.regions() if _in_big_region(r.base)]
        assert [bool(r.record.header.flags & 0x20) for r in frags] == [False, True]
    return cap


def test_memdiver_continuation_interpretation(tmp_path: Path, memdiver_oracle: Path) -> None:
    """Known incompatibility, not a memslice bug: SPEC 5.1 makes each Continuation fragment a full
    Memory Region (own BaseAddr, reassembled by address), as memslice writes them; memdiver 1.0.2's
    merge_continuations appends the fragment's raw payload to the parent's, so it verifies the file
    but sees only the first fragment's pages (format-catalogue, Block flags, "Continuation")."""
    cap = _split_capture(tmp_path)
    result = run_oracle("memdiver", cap.path)
    assert result["verify"] == "ok", result["verify_detail"]
    assert result["chain_ok"] is True and result["file_hash_ok"] is True
    with MslReader(cap.path) as reader:
        assert [(b["type"], b["offset"]) for b in result["blocks"]] == [(r.block_type, r.offset) for r in reader.blocks]
        first_fragment = next(r for r in reader.regions() if r.base == BIG_REGION[0])
        continuation_bytes = sum(len(r.captured_data()) for r in reader.regions()
                                 if _in_big_region(r.base) and r.base != BIG_REGION[0])
    assert result["region_blocks"] == cap.region_blocks
    assert result["region_count"] == cap.region_blocks - 1
    markers = _split_markers(cap)
    assert result["per_region_markers"] == markers[:-1]
    assert result["marker_count"] == cap.markers - markers[-1]
    assert result["captured_page_bytes"] == cap.captured_bytes - continuation_bytes
    assert first_fragment.states == BIG_REGION[1][:len(first_fragment.states)]


def test_memslicer_refuses_continuation(tmp_path: Path, memslicer_oracle: Path) -> None:
    """Known limitation of memslicer 0.5.2: its iterator raises NotImplementedError on Continuation."""
    cap = _split_capture(tmp_path)
    result = run_oracle("memslicer", cap.path)
    assert result["verify"] == "fail"
    assert "CONTINUATION" in result["verify_detail"]
    assert result["chain_ok"] is True
    assert result["exit_code"] == 2 and result["stage"] == "read"


def test_memdiver_rejects_big_endian_but_we_read_it(tmp_path: Path, memdiver_oracle: Path) -> None:
    """memdiver refuses Endianness 0x02 at open() by design; memslice reads and verifies it."""
    cap = write_capture(tmp_path / "be.msl", compression="zstd", endian=">")
    raw = cap.path.read_bytes()
    assert raw[8] == 0x02
    _check_ours(cap)
    with MslReader(cap.path) as reader:
        assert reader.endian == ">"
        assert reader.dialect == "spec-1.1"
        thread = reader.decode(next(r for r in reader.blocks if r.block_type == 0x0011)).payload
        assert [r.name for r in thread.registers][:2] == ["rip", "rsp"]
    result = run_oracle("memdiver", cap.path)
    assert result["verify"] == "error", result
    assert result["exit_code"] == 2
    assert result["stage"] == "open"
    assert "Invalid Endianness 0x02" in result["verify_detail"]
    little = write_capture(tmp_path / "le.msl", compression="zstd")
    assert run_oracle("memdiver", little.path, "--verify-only")["verify"] == "ok"
