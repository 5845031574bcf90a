"""``msl capture`` on real processes the tests start (empty environment): what the file holds.

Every expectation is computed from the target itself (its /proc files, its own report of
where its areas are, the seed of its random bytes, the files it maps), never written in.
"""

from __future__ import annotations

import json
import os
import random
import shlex
import stat
import subprocess
import time
import uuid
from pathlib import Path

import blake3
import psutil
import pytest
from memslice.acquirer.linux.procfs import host_arch
from memslice.generated.enums import (
    CapBitmap,
    ClockSource,
    CompAlgo,
    OsType,
    RegionType,
    RegisterRole,
    ThreadFlags,
    ThreadState,
)
from memslice.generated.registry import block_id

from memslice import MslReader, verify
from tests.targets.harness import MARKER, MSL, PAGE, block_names, capture, pages, target, tracer_pid


def _decoded(path: Path, block: str) -> list:
    with MslReader(path) as reader:
        return [(r, reader.decode(r).payload) for r in reader.blocks if block_id(r.block_type, reader.dialect) == block]


def _role(tc: object, role: int) -> int:
    """Value of the register with ``role`` in a decoded Thread Context."""
    reg = next(r for r in tc.registers if r.flags & role)  # type: ignore[attr-defined]
    return int.from_bytes(reg.value, "little")


def _maps(pid: int) -> list[tuple[int, int, str, str]]:
    out = []
    with open(f"/proc/{pid}/maps") as handle:
        for line in handle:
            parts = line.split(maxsplit=5)
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            out.append((lo, hi, parts[1], parts[5].rstrip("\n") if len(parts) == 6 else ""))
    return out


def test_capture_holds_exactly_what_the_process_holds(tmp_path: Path) -> None:
    name = f"mslt{uuid.uuid4().hex[:8]}"
    with target("--markers", "4", "--random", "8", "--seed", "11", "--threads", "3", "--name", name) as t:
        out = tmp_path / "t.msl"
        report_path = tmp_path / "t.json"
        before = time.time_ns()
        result = capture(str(t.pid), "-o", str(out), "--report", str(report_path))
        after = time.time_ns()
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        assert "capture complete" in result.stdout
        # file: final name only, mode 0600, verifies
        assert not (tmp_path / "t.msl.partial").exists()
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert stat.S_IMODE(report_path.stat().st_mode) == 0o600
        with MslReader(out) as reader:
            report = verify(reader)
            assert report.ok, report.problems
            h = reader.header
            assert (h.pid, h.os_type, h.arch_type, h.clock_source) == (t.pid, OsType.LINUX, host_arch(),
                                                                       ClockSource.CLOCK_REALTIME)
            assert h.version == 0x0101 and before <= h.timestamp <= after
            assert h.cap_bitmap == (CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST | CapBitmap.MEMORY_REGIONS
                                    | CapBitmap.THREAD_CONTEXTS)
        tids = sorted(int(x) for x in os.listdir(f"/proc/{t.pid}/task"))
        # block order of the 1.1 tools
        names = block_names(out)
        n_regions = names.count("memory_region")
        n_modules = names.count("module_entry")
        assert names == (["process_identity", "module_list_index"] + ["thread_context"] * len(tids)
                         + ["memory_region"] * n_regions + ["module_entry"] * n_modules + ["vas_map", "end_of_capture"])
        # memory: the marker and random areas, every page Captured with the right bytes
        addr, size = t.area("markers")
        got = pages(out, addr, size)
        assert {s for s, _ in got} == {"captured"}
        assert b"".join(d for _, d in got) == MARKER * (size // len(MARKER))
        addr, size = t.area("random")
        got = pages(out, addr, size)
        assert {s for s, _ in got} == {"captured"}
        assert b"".join(d for _, d in got) == random.Random(11).randbytes(size)
        # process identity
        (_, pi), = _decoded(out, "process_identity")
        proc = psutil.Process(t.pid)
        assert pi.ppid == os.getpid() and pi.exe_path == os.readlink(f"/proc/{t.pid}/exe")
        assert pi.cmd_line == shlex.join(proc.cmdline())
        assert abs(pi.start_time / 1e9 - proc.create_time()) < 1.5
        # threads: one block each, names, registers inside the right mappings, Current on the main thread
        maps = _maps(t.pid)
        contexts = _decoded(out, "thread_context")
        assert sorted(tc.thread_id for _, tc in contexts) == tids
        by_tid = {tc.thread_id: tc for _, tc in contexts}
        assert by_tid[t.pid].name == name
        assert {by_tid[tid].name for tid in t.info["threads"].values()} == {f"{name}-w{i}" for i in range(3)}
        for rec, tc in contexts:
            pc, sp = _role(tc, RegisterRole.PC), _role(tc, RegisterRole.SP)
            assert any(lo <= pc < hi and "x" in perms for lo, hi, perms, _ in maps), hex(pc)
            assert any(lo <= sp < hi and perms.startswith("rw") for lo, hi, perms, _ in maps), hex(sp)
            assert tc.flags & ThreadFlags.SUSPENDED
            assert bool(tc.flags & ThreadFlags.CURRENT) == (tc.thread_id == t.pid)
            assert tc.state == ThreadState.SLEEPING
            if os.uname().machine == "x86_64":
                assert {"rip", "rsp", "rflags", "fs_base", "xmm0", "xmm15"} <= {r.name for r in tc.registers}
            assert bytes(rec.header.parent_uuid) == bytes(_decoded(out, "process_identity")[0][0].header.block_uuid)
        # region types: heap, main stack, and the thread stacks (they hold an rsp)
        with MslReader(out) as reader:
            kinds = {}
            for region in reader.regions():
                kinds.setdefault(region.payload.region_type, []).append(region.base)
        heap = next(lo for lo, _, _, p in maps if p == "[heap]")
        assert heap in kinds[RegionType.HEAP]
        for _, tc in contexts:
            sp = _role(tc, RegisterRole.SP)
            lo = next(lo for lo, hi, _, _ in maps if lo <= sp < hi)
            assert lo in kinds[RegionType.STACK]
        # modules: UUIDs pre-assigned in block 1, DiskHash = BLAKE3 of the file, maps lines as NativeBlob
        (index_rec, index), = _decoded(out, "module_list_index")
        modules = _decoded(out, "module_entry")
        assert [bytes(e.module_uuid) for e in index.entries] == [bytes(r.header.block_uuid) for r, _ in modules]
        assert all(bytes(r.header.parent_uuid) == bytes(index_rec.header.block_uuid) for r, _ in modules)
        libc = next(m for _, m in modules if os.path.basename(m.path).startswith("libc.so"))
        assert libc.disk_hash == blake3.blake3(Path(libc.path).read_bytes()).digest()
        assert libc.version == os.path.basename(libc.path).split(".so.")[1]
        lines = bytes(libc.native_blob).decode().splitlines()
        assert lines and all(line.endswith(libc.path) for line in lines)
        assert int(lines[0].split("-")[0], 16) == libc.base_addr
        exe = next(m for _, m in modules if m.path == os.readlink(f"/proc/{t.pid}/exe"))
        assert exe.disk_hash == blake3.blake3(Path(exe.path).read_bytes()).digest()
        # VAS Map: every mapping, as /proc says (the target is idle)
        (_, vas), = _decoded(out, "vas_map")
        assert [(e.base_addr, e.base_addr + e.region_size) for e in vas.entries] == [(lo, hi) for lo, hi, _, _ in maps]
        assert [e.mapped_path or "" for e in vas.entries] == [p for _, _, _, p in maps]
        # the report agrees with the file
        doc = json.loads(report_path.read_text())
        assert doc["outcome"] == "complete" and doc["output"] == str(out)
        with MslReader(out) as reader:
            captured_pages = sum(r.states.count("0") for r in reader.regions())
        assert doc["totals"]["pages"]["captured"] == captured_pages
        assert doc["totals"]["region_blocks"] == n_regions and doc["freeze"]["frozen"] is True
        # and the target runs on, untraced
        assert tracer_pid(t.pid) == 0 and t.alive()


def test_capture_by_name_in_format_10_with_lz4(tmp_path: Path) -> None:
    name = f"mslt{uuid.uuid4().hex[:8]}"
    with target("--markers", "2", "--protnone", "--name", name) as t:
        out = tmp_path / "t10.msl"
        result = capture(name, "-o", str(out), "--format", "1.0", "-c", "lz4", "-q")
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""
        names = block_names(out)
        assert "thread_context" not in names and "vas_map" not in names
        assert names[:2] == ["process_identity", "module_list_index"] and names[-1] == "end_of_capture"
        with MslReader(out) as reader:
            assert reader.header.version == 0x0100 and reader.header.pid == t.pid
            assert not reader.header.cap_bitmap & CapBitmap.THREAD_CONTEXTS
            assert verify(reader).ok
            regions = list(reader.regions())
            assert all(r.record.comp_algo == CompAlgo.LZ4 for r in regions)
            assert all("3" not in r.states for r in regions)  # 1.0 has no NotResident state
        addr, size = t.area("markers")
        assert b"".join(d for _, d in pages(out, addr, size)) == MARKER * (size // len(MARKER))
        addr, size = t.area("untouched_none")
        assert {s for s, _ in pages(out, addr, size)} == {"failed"}


def test_filters_and_zstd(tmp_path: Path) -> None:
    with target("--markers", "20", "--random", "1") as t:
        addr, size = t.area("markers")
        out = tmp_path / "f.msl"
        inside = f"{addr + PAGE:x}-{addr + 2 * PAGE:x}"  # a range inside the mapping keeps all of it
        result = capture(str(t.pid), "-o", str(out), "-c", "zstd", "--filter-addr", inside)
        assert result.returncode == 0, result.stderr
        with MslReader(out) as reader:
            regions = list(reader.regions())
            assert verify(reader).ok
        # the one mapping holding the range (the kernel may have merged its neighbour into it), in 8 MiB chunks
        lo, hi = next((lo, hi) for lo, hi, _, _ in _maps(t.pid) if lo <= addr + PAGE < hi)
        assert sorted(r.base for r in regions) == list(range(lo, hi, 8 << 20))
        assert sum(r.size for r in regions) == hi - lo
        assert all(r.record.comp_algo == CompAlgo.ZSTD for r in regions)
        assert b"".join(d for _, d in pages(out, addr, size)) == MARKER * (size // len(MARKER))
        scoped = tmp_path / "s.msl"
        assert capture(str(t.pid), "-o", str(scoped), "--scope", "heap,stack", "-q").returncode == 0
        with MslReader(scoped) as reader:
            kinds = {r.payload.region_type for r in reader.regions()}
        assert kinds == {RegionType.HEAP, RegionType.STACK}
        prot = tmp_path / "p.msl"
        assert capture(str(t.pid), "-o", str(prot), "--filter-prot", "r-x", "-q").returncode == 0
        with MslReader(prot) as reader:
            assert all(r.payload.protection & 0b101 == 0b101 for r in reader.regions())
            assert len(list(reader.regions())) > 0


def test_no_freeze_leaves_threads_running_and_says_registers_are_partial(tmp_path: Path) -> None:
    with target("--threads", "2", "--markers", "1") as t:
        out = tmp_path / "nf.msl"
        result = capture(str(t.pid), "-o", str(out), "--no-freeze", "--report", str(tmp_path / "r.json"))
        assert result.returncode == 0, result.stderr
        contexts = _decoded(out, "thread_context")
        assert contexts, "blocked threads have PC and SP in /proc/PID/task/TID/syscall"
        for _, tc in contexts:
            assert tc.flags & ThreadFlags.PARTIAL and not tc.flags & ThreadFlags.SUSPENDED
            assert len(tc.registers) == 2 and _role(tc, RegisterRole.PC) and _role(tc, RegisterRole.SP)
        doc = json.loads((tmp_path / "r.json").read_text())
        assert doc["freeze"]["frozen"] is False
        with MslReader(out) as reader:
            assert verify(reader).ok


@pytest.mark.parametrize("fmt", ["1.1", "1.0"])
def test_msl_verify_deep_and_validate_strict_pass(tmp_path: Path, fmt: str) -> None:


    with target("--markers", "1", "--threads", "1") as t:
        out = tmp_path / "d.msl"
        assert capture(str(t.pid), "-o", str(out), "--format", fmt, "-q").returncode == 0
        checked = subprocess.run([*MSL, "verify", "--deep", str(out)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout
        commands = subprocess.run([*MSL, "--help"], capture_output=True, text=True, check=False).stdout
        if "validate" in commands:  # no MUST and no SHOULD finding
            validated = subprocess.run([*MSL, "validate", "--strict", str(out)], capture_output=True, text=True,
                                       check=False)
            assert validated.returncode == 0, validated.stdout + validated.stderr
