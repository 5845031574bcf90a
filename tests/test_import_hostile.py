"""Hostile and very large import sources: no output size, run time or memory driven by a
number inside the source, nothing the user gave us dropped without their say, and every
refusal naming the file and the offset.

Imports that main runs without bound (writing forever, hundreds of MB of memory) run in a
child process with RLIMIT_FSIZE, RLIMIT_AS and a timeout, so that the old behaviour fails
the test instead of filling the disk. Every source is built here, from the ELF gABI and the
minidump layouts packed by hand (tests/targets_import/hostile.py).
"""

from __future__ import annotations

import json
import random
import resource
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from memslice.acquirer.importers import SourceError, import_dump

from memslice.reader import MslReader
from memslice.verify import verify
from tests.targets_import.hostile import EHDR, PHDR, write_core, write_minidump

MSL = Path(sys.executable).with_name("msl")

CHILD = r"""
import json, re, sys
from memslice.acquirer.importers import SourceError, import_dump
kwargs = json.loads(sys.argv[3])
try:
    r = import_dump(sys.argv[1], sys.argv[2], hash_source=False, **kwargs)
    out = {"ok": True, "regions": r.regions, "captured": r.captured_bytes, "failed_pages": r.failed_pages}
except SourceError as exc:
    out = {"ok": False, "error": str(exc), "offset": exc.offset}
status = open("/proc/self/status").read()
out["hwm_kb"] = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))
print(json.dumps(out))
"""


def start_child(src: Path, out: Path, *, fsize: int = 64 << 20, address_space: int = 2 << 30,
                **kwargs: object) -> subprocess.Popen[str]:
    """Start an import in a child under RLIMIT_FSIZE and RLIMIT_AS (see :func:`child_result`)."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    return subprocess.Popen([sys.executable, "-c", CHILD, str(src), str(out), json.dumps(kwargs)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=limits)


def child_result(proc: subprocess.Popen[str], src: Path, timeout: float) -> dict:
    """The child's result, or a failure naming the limit it hit (killed after ``timeout`` s)."""
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"import of {src.name} ran past {timeout} s")
    assert proc.returncode == 0, f"child exit {proc.returncode}: {stderr[-2000:]}"
    return json.loads(stdout.strip().splitlines()[-1])


def child_import(src: Path, out: Path, *, timeout: float = 120, fsize: int = 64 << 20, address_space: int = 2 << 30,
                 **kwargs: object) -> dict:
    """Import in a child under limits; the child's result, or a failure naming the limit it hit."""
    return child_result(start_child(src, out, fsize=fsize, address_space=address_space, **kwargs), src, timeout)


MILLION = 1 << 20
Started = dict[str, tuple[Path, "subprocess.Popen[str]"]]


@pytest.fixture(scope="module")
def million_imports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Started]:
    """Both million-entry imports, started together (each is single-threaded: on two cores they overlap).

    Each test waits for its own child and judges it alone, with the same limits and timeout.
    """
    n = MILLION
    folder = tmp_path_factory.mktemp("million")
    core, dmp = folder / "many.core", folder / "many.dmp"
    write_core(core, ((0x10000000 + i * 0x2000, 0, 0, 0x1000) for i in range(n)), n)
    started: Started = {"core": (core, start_child(core, folder / "core.msl", fsize=1 << 30))}
    write_minidump(dmp, ((0x10000000 + i * 0x2000, 16) for i in range(n)), n, data=bytes(16 * n))
    started["minidump"] = (dmp, start_child(dmp, folder / "dmp.msl", fsize=1 << 30, accept_loss=True))
    yield started
    for _src, proc in started.values():
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def one_load_core(path: Path, vaddr: int, filesz: int, memsz: int, data: bytes = bytes(8192 - 4096)) -> int:
    """An 8 KiB core with one PT_LOAD at the start of its data; returns the program header's offset."""
    write_core(path, [(vaddr, -1, filesz, memsz)], 1, data=data)
    return EHDR


# --- ELF cores ---------------------------------------------------------------------------

@pytest.mark.parametrize("size", [1 << 60, 1 << 63])
def test_pt_load_larger_than_the_file_is_refused_at_once(tmp_path: Path, size: int) -> None:
    src = tmp_path / "huge.core"
    phdr_at = one_load_core(src, 0x400000, size, size)
    assert src.stat().st_size == 8192
    result = child_import(src, tmp_path / "huge.msl", timeout=60)
    assert not result["ok"]
    assert result["offset"] == phdr_at
    assert "huge.core" in result["error"] and f"program header at offset 0x{phdr_at:X}" in result["error"]
    assert "past the end of the 8192-byte file" in result["error"]
    assert not list(tmp_path.glob("huge.msl*"))


def test_huge_unstored_tail_is_a_few_coarse_blocks(tmp_path: Path) -> None:
    # 4 KiB stored, 2^60 bytes mapped: the rest is Failed, described in coarse pages
    src = tmp_path / "tail.core"
    stored = random.Random(3).randbytes(4096)
    one_load_core(src, 0x400000, 4096, 1 << 60, data=stored)
    out = tmp_path / "tail.msl"
    result = child_import(src, out, timeout=60)
    assert result["ok"], result
    assert out.stat().st_size < 1 << 20
    with MslReader(out) as reader:
        assert verify(reader).ok
        regions = sorted(reader.regions(), key=lambda r: r.base)
        assert sum(r.size for r in regions) == 1 << 60
        assert all(a.base + a.size == b.base for a, b in zip(regions, regions[1:], strict=False))
        assert regions[0].base == 0x400000 and regions[0].states[0] == "0"
        assert sum(r.states.count("0") for r in regions) == 1
        assert reader.read(0x400000, 4096)[0].data == stored
    assert result["captured"] == 4096


def test_wrapping_pt_load_is_refused_with_its_header_offset(tmp_path: Path) -> None:
    src = tmp_path / "wrap.core"
    phdr_at = one_load_core(src, (1 << 64) - 4096, 4096, 8192)
    with pytest.raises(SourceError) as exc:
        import_dump(src, tmp_path / "wrap.msl")
    assert exc.value.offset == phdr_at
    assert "wraps the 64-bit address space" in str(exc.value) and "wrap.core" in str(exc.value)


def test_out_of_order_pt_loads_are_refused(tmp_path: Path) -> None:
    src = tmp_path / "order.core"
    write_core(src, [(0x20000, -1, 4096, 4096), (0x10000, -1, 4096, 4096)], 2, data=bytes(4096))
    with pytest.raises(SourceError, match=r"order\.core: .*PT_LOAD #1 \(program header at offset 0x78\).*"
                                          "ascending p_vaddr order") as exc:
        import_dump(src, tmp_path / "order.msl")
    assert exc.value.offset == EHDR + PHDR


def test_million_segment_core_in_bounded_memory(million_imports: Started) -> None:
    n = MILLION
    src, proc = million_imports["core"]
    result = child_result(proc, src, timeout=3600)
    assert result["ok"], result
    assert result["regions"] == n and result["failed_pages"] == n
    # main keeps a plan object per segment: 776 MB here; the streamed import stays far below
    assert result["hwm_kb"] < 250 << 10, f"peak RSS {result['hwm_kb']} kB for {n} segments"


# --- minidumps ---------------------------------------------------------------------------

@pytest.mark.parametrize("start, size, message", [
    (0x10000, 1 << 60, "run past the end of the"),
    ((1 << 64) - 16, 32, "wraps the 64-bit address space"),
])
def test_hostile_memory64_range_is_refused_with_its_descriptor(tmp_path: Path, start: int, size: int,
                                                               message: str) -> None:
    src = tmp_path / "bad.dmp"
    write_minidump(src, [(start, size)], 1, data=bytes(32))
    result = child_import(src, tmp_path / "bad.msl", timeout=60)
    assert not result["ok"]
    descriptor_at = 32 + 12 + 16  # header, one directory entry, Memory64List header
    assert result["offset"] == descriptor_at
    assert message in result["error"] and "bad.dmp" in result["error"]
    assert f"descriptor at offset 0x{descriptor_at:X}" in result["error"]


def test_memory_list_data_past_eof_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "ml.dmp"
    write_minidump(src, [], 0, memory_list=[(0x10000, 0xFFFF_0000, 64)])
    with pytest.raises(SourceError, match=r"ml\.dmp: .*MemoryList range 0x10000\+0xFFFF0000 .*run past the end"):
        import_dump(src, tmp_path / "ml.msl")


def test_million_range_minidump_in_bounded_memory(million_imports: Started) -> None:
    n = MILLION
    src, proc = million_imports["minidump"]
    result = child_result(proc, src, timeout=3600)
    assert result["ok"], result
    assert result["regions"] == n
    # main: 634 MB for this file
    assert result["hwm_kb"] < 250 << 10, f"peak RSS {result['hwm_kb']} kB for {n} ranges"


def test_minidump_partial_pages_refused_unless_accepted(tmp_path: Path) -> None:
    rng = random.Random(9)
    stored = rng.randbytes(0x1000 + 0x1F0)
    src = tmp_path / "part.dmp"
    write_minidump(src, [(0x10000, len(stored))], 1, data=stored)
    out = tmp_path / "part.msl"
    with pytest.raises(SourceError, match=r"part\.dmp: 496 stored bytes .* --accept-loss"):
        import_dump(src, out)
    assert not list(tmp_path.glob("part.msl*"))
    import_dump(src, out, accept_loss=True)
    with MslReader(out) as reader:
        note = reader.decode(reader.blocks[0]).payload.note
        assert "DROPPED: 496 stored bytes" in note
        assert reader.read(0x10000, 0x1000)[0].data == stored[:0x1000]


def test_minidump_ranges_aligned_to_1_kib_are_carried_whole(tmp_path: Path) -> None:
    stored = random.Random(4).randbytes(0xC00)
    src = tmp_path / "kb.dmp"
    write_minidump(src, [(0x10400, len(stored))], 1, data=stored)
    out = tmp_path / "kb.msl"
    result = import_dump(src, out)
    assert result.captured_bytes == len(stored)
    with MslReader(out) as reader:
        (span,) = reader.read(0x10400, len(stored))
        assert span.state == "captured" and span.data == stored


def test_memory64_ranges_out_of_order_are_sorted(tmp_path: Path) -> None:
    data = random.Random(8).randbytes(0x800)
    src = tmp_path / "rev.dmp"
    write_minidump(src, [(0x20000, 0x400), (0x10000, 0x400)], 2, data=data)  # stored back to back, listing order
    out = tmp_path / "rev.msl"
    result = import_dump(src, out)
    assert result.captured_bytes == 0x800
    with MslReader(out) as reader:
        assert reader.read(0x20000, 0x400)[0].data == data[:0x400]
        assert reader.read(0x10000, 0x400)[0].data == data[0x400:]


# --- raw -----------------------------------------------------------------------------------

def test_raw_tail_is_carried_or_refused(tmp_path: Path) -> None:
    data = random.Random(2).randbytes(100_000)  # 24 pages of 4 KiB + 1,696 bytes (= 1 KiB + 672)
    src = tmp_path / "r.bin"
    src.write_bytes(data)
    out = tmp_path / "r.msl"
    with pytest.raises(SourceError, match=r"r\.bin: .*the last 672 bytes of r\.bin .*--accept-loss") as exc:
        import_dump(src, out, source_format="raw")
    assert exc.value.offset == 100_000 - 672
    assert not list(tmp_path.glob("r.msl*"))
    result = import_dump(src, out, source_format="raw", accept_loss=True)
    assert result.captured_bytes == 100_000 - 672
    with MslReader(out) as reader:
        assert verify(reader).ok
        spans = reader.read(0, 100_000)
        assert spans[0].state == "captured" and spans[0].data == data[:100_000 - 672]
        assert [(s.state, s.length) for s in spans[1:]] == [("failed", 672)]
        assert "DROPPED: the last 672 bytes (source offset 0x18400)" in reader.decode(reader.blocks[0]).payload.note


def test_raw_file_of_whole_kib_loses_nothing(tmp_path: Path) -> None:
    data = random.Random(6).randbytes(5 * 4096 + 3 * 1024)
    src = tmp_path / "k.bin"
    src.write_bytes(data)
    out = tmp_path / "k.msl"
    result = import_dump(src, out, source_format="raw")
    assert result.captured_bytes == len(data) and result.failed_pages == 0
    with MslReader(out) as reader:
        (span,) = reader.read(0, len(data))
        assert span.state == "captured" and span.data == data


# --- messages, through the console script ------------------------------------------------------

def run_msl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(MSL), *args], capture_output=True, text=True, timeout=120, check=False)


def test_importing_a_memory_slice_file_says_so(tmp_path: Path) -> None:
    raw = tmp_path / "a.bin"
    raw.write_bytes(bytes(4096))
    msl = tmp_path / "a.msl"
    import_dump(raw, msl, source_format="raw")
    proc = run_msl("import", str(msl), "-o", str(tmp_path / "b.msl"))
    assert proc.returncode == 1
    assert "a.msl is already a Memory Slice file" in proc.stderr
    assert "not an ELF core" not in proc.stderr and "Traceback" not in proc.stderr


def test_importing_an_empty_file_says_it_is_empty(tmp_path: Path) -> None:
    empty = tmp_path / "e.core"
    empty.write_bytes(b"")
    proc = run_msl("import", str(empty), "-o", str(tmp_path / "e.msl"))
    assert proc.returncode == 1
    assert "e.core is empty (0 bytes)" in proc.stderr
    assert "first bytes" not in proc.stderr and "Traceback" not in proc.stderr


def test_cli_accept_loss_option(tmp_path: Path) -> None:
    src = tmp_path / "t.bin"
    src.write_bytes(bytes(range(256)) * 5)  # 1,280 bytes: 256 below the 1 KiB page
    out = tmp_path / "t.msl"
    proc = run_msl("import", "--from", "raw", str(src), "-o", str(out))
    assert proc.returncode == 1 and "the last 256 bytes" in proc.stderr and "--accept-loss" in proc.stderr
    assert proc.stderr.count("t.bin:") == 1
    proc = run_msl("import", "--from", "raw", "--accept-loss", str(src), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "DROPPED: the last 256 bytes" in proc.stdout
    assert struct.unpack("<8s", out.read_bytes()[:8])[0] == b"MEMSLICE"
