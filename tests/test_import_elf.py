"""ELF core import: real gdb and kernel cores of a process the test starts, checked byte for
byte against that process; cores built here from the ELF/Linux layouts (aarch64); hostile
cores that must be rejected cleanly or stay bounded."""

from __future__ import annotations

import hashlib
import os
import platform
import signal
import struct
from pathlib import Path

import pytest
from memslice.acquirer.importers import SourceError, import_dump
from memslice.generated.enums import (
    ArchType,
    CapBitmap,
    HeaderFlags,
    OsType,
    PageState,
    Protection,
    RegisterRole,
    SourceFormat,
    ThreadFlags,
)

from memslice.reader import MslReader
from memslice.verify import verify
from tests.conftest import tool_missing
from tests.targets_import import harness
from tests.targets_import.blocktypes import IP, ME, MLI, PI, TC

LINUX_X86_64 = platform.system() == "Linux" and platform.machine() == "x86_64"
SYSCALL_INSN_BYTES = 2  # x86-64 `syscall` (0F 05): where a restarted system call resumes
needs_linux = pytest.mark.skipif(not LINUX_X86_64, reason="live cores need Linux on x86_64")


@pytest.fixture(scope="module")
def target_exe(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return harness.build_target(tmp_path_factory.mktemp("target"))


def blocks_of(reader: MslReader, type_code: int) -> list:
    return [reader.decode(r).payload for r in reader.blocks if r.block_type == type_code]


def regs_of(thread) -> dict[str, int]:
    return {r.name: int.from_bytes(r.value, "little") for r in thread.registers}


def check_live(msl: Path, core: Path, target: harness.Target, live: dict[int, bytes],
               syscalls: dict[int, dict[str, int]]) -> dict[str, int]:
    """Every check against the live process; returns counts for the caller's own checks."""
    pid = target.pid
    mappings = harness.maps(pid)
    with MslReader(msl) as reader:
        report = verify(reader)
        assert report.ok, report.problems
        h = reader.header
        assert h.flags & HeaderFlags.IMPORTED
        assert (h.pid, h.os_type, h.arch_type) == (pid, OsType.LINUX, ArchType.X86_64)
        assert h.cap_bitmap == (CapBitmap.MEMORY_REGIONS | CapBitmap.MODULE_LIST | CapBitmap.THREAD_CONTEXTS
                                | CapBitmap.PROCESS_IDENTITY)
        first = reader.decode(reader.blocks[0])
        assert first.block_id == "import_provenance"
        prov = first.payload
        assert prov.source_format == SourceFormat.ELF_CORE
        assert prov.orig_file_size == core.stat().st_size
        assert hashlib.sha256(core.read_bytes()).hexdigest() in prov.note
        assert sum(1 for r in reader.blocks if r.block_type == IP) == 1

        # every captured byte equals the live process; nothing else is invented
        live_ranges = sorted(live.items())
        compared = failed = unreadable = 0
        for region in reader.regions():
            page = region.page_size
            data = region.captured_data()
            cursor = 0
            for i, state in enumerate(region.states):
                addr = region.base + i * page
                mapping = next((m for m in mappings if m.start <= addr < m.end), None)
                assert mapping is not None, f"page 0x{addr:X} is not mapped in the live process"
                if state != str(int(PageState.CAPTURED)):
                    assert state == str(int(PageState.FAILED))
                    failed += 1
                    continue
                got = bytes(data[cursor:cursor + page])
                cursor += page
                start = next((s for s, b in live_ranges if s <= addr < s + len(b)), None)
                if start is None:
                    assert mapping.path == "[vsyscall]", f"captured page 0x{addr:X} in unreadable {mapping}"
                    unreadable += 1
                    continue
                assert got == live[start][addr - start:addr - start + page], f"page 0x{addr:X} differs"
                compared += 1
                prot = int(region.payload.protection)
                if mapping.perms[:3] == "---":
                    continue  # gcore writes PROT_NONE mappings with PF_R (as it read them): the core's word
                assert bool(prot & Protection.READ) == (mapping.perms[0] == "r")
                assert bool(prot & Protection.WRITE) == (mapping.perms[1] == "w")
                assert bool(prot & Protection.EXECUTE) == (mapping.perms[2] == "x")

        # the target's known memory is there in full
        spans = reader.read(target.info["pattern"], target.info["pattern_size"])
        assert [s.state for s in spans] == ["captured"]
        expected = bytes(((i * 131) ^ (i >> 12) ^ 0x5A) & 0xFF for i in range(target.info["pattern_size"]))
        assert spans[0].data == expected
        heap = reader.read(target.info["heap"], 21)
        assert heap[0].data == b"MSLIMPORT-HEAP-MARKER"

        # threads: the live thread ids, registers equal to what the kernel reports live
        threads = blocks_of(reader, TC)
        assert sorted(t.thread_id for t in threads) == sorted(int(x) for x in os.listdir(f"/proc/{pid}/task"))
        assert sum(1 for t in threads if t.flags & ThreadFlags.CURRENT) == 1
        assert all(t.flags & ThreadFlags.SUSPENDED for t in threads)
        for t in threads:
            regs = regs_of(t)
            live_regs = syscalls[t.thread_id]
            assert (regs["orig_rax"], regs["rdi"], regs["rsi"], regs["rdx"]) == (
                live_regs["nr"], live_regs["arg0"], live_regs["arg1"], live_regs["arg2"])
            assert (regs["rsp"], regs["rip"]) == (live_regs["sp"], live_regs["pc"])
            roles = {r.name: r.flags for r in t.registers}
            assert roles["rip"] & RegisterRole.PC and roles["rsp"] & RegisterRole.SP
            assert {f"xmm{i}" for i in range(16)} <= set(regs)

        # process identity
        (ident,) = blocks_of(reader, PI)
        assert ident.ppid == os.getpid()
        assert ident.exe_path == os.path.realpath(target.exe)
        assert ident.cmd_line == str(target.exe)

        # modules: every file the process maps, from its offset-0 mapping to its last mapping
        (index,) = blocks_of(reader, MLI)
        entries = {r.header.block_uuid: reader.decode(r).payload for r in reader.blocks if r.block_type == ME}
        assert [e.module_uuid for e in index.entries] == list(entries)
        files = {m.path for m in mappings if m.path.startswith("/")}
        assert {e.path for e in index.entries} == files
        for e in index.entries:
            own = [m for m in mappings if m.path == e.path]
            assert e.base_addr == min(m.start for m in own if m.offset == 0)
            assert e.base_addr + e.module_size == max(m.end for m in own)
    return {"compared": compared, "failed": failed, "unreadable": unreadable}


@needs_linux
def test_gcore_import_matches_the_live_process(target_exe: Path, tmp_path: Path) -> None:
    with harness.running_target(target_exe, tmp_path) as target:
        harness.stop(target.pid)
        live = harness.snapshot(target.pid)
        syscalls = harness.syscall_regs(target.pid)
        core = harness.gcore(target.pid, tmp_path / "core")
        out = tmp_path / "gcore.msl"
        result = import_dump(core, out)
        assert (out.stat().st_mode & 0o777) == 0o600
        assert not out.with_name(out.name + ".partial").exists()
        counts = check_live(out, core, target, live, syscalls)
        assert counts["compared"] * 4096 + counts["unreadable"] * 4096 == result.captured_bytes
        assert counts["compared"] > 100
        # the same core, split into 64 KiB blocks and zstd-compressed, holds the same pages
        small = tmp_path / "gcore-small.msl"
        again = import_dump(core, small, chunk_bytes=64 << 10, compression="zstd")
        assert again.captured_bytes == result.captured_bytes and again.regions > result.regions
        check_live(small, core, target, live, syscalls)


@needs_linux
def test_kernel_core_import_matches_the_live_process(target_exe: Path, tmp_path: Path) -> None:
    with harness.running_target(target_exe, tmp_path, allow_core=True) as target:
        name = harness.kernel_core_name(target.pid)
        if name is None:
            pytest.skip("kernel core_pattern does not write a plain file in the process's directory")
        harness.stop(target.pid)
        live = harness.snapshot(target.pid)
        syscalls = harness.syscall_regs(target.pid)
        live_maps = harness.maps(target.pid)
        dump_filter = int(Path(f"/proc/{target.pid}/coredump_filter").read_text(), 16)
        os.kill(target.pid, signal.SIGABRT)
        os.kill(target.pid, signal.SIGCONT)
        status = target.proc.wait(timeout=120)
        core = tmp_path / name
        if status != -signal.SIGABRT or not core.exists():
            pytest.skip(f"the kernel wrote no core (exit status {status})")
        # the process is gone: compare with the snapshot taken while it was stopped
        out = tmp_path / "kernel.msl"
        import_dump(core, out)
        with MslReader(out) as reader:
            assert verify(reader).ok
            threads = blocks_of(reader, TC)
            assert sorted(t.thread_id for t in threads) == sorted(syscalls)
            for t in threads:
                regs = regs_of(t)
                stopped = syscalls[t.thread_id]
                # SIGCONT may restart the interrupted syscall before SIGABRT is taken: the kernel then
                # rewinds the thread to the 2-byte `syscall` instruction itself (seen once in CI)
                assert (regs["rsp"], regs["orig_rax"]) == (stopped["sp"], stopped["nr"])
                assert regs["rip"] in (stopped["pc"], stopped["pc"] - SYSCALL_INSN_BYTES)
            failed = captured = 0
            for region in reader.regions():
                data = region.captured_data()
                cursor = 0
                for i, state in enumerate(region.states):
                    addr = region.base + i * region.page_size
                    if state == "1":
                        failed += 1
                        continue
                    assert state == "0"
                    start = next((s for s, b in live.items() if s <= addr < s + len(b)), None)
                    if start is not None:
                        assert bytes(data[cursor:cursor + 4096]) == live[start][addr - start:addr - start + 4096]
                        captured += 1
                    cursor += region.page_size
            assert failed > 0 and captured > 100
            if not dump_filter & 0x4:
                # file-backed private mappings are not dumped (coredump_filter bit 2 clear): the
                # executable's code is mapped but absent from the core, so Failed, never zeros
                (text,) = [m for m in live_maps if m.path == os.path.realpath(target.exe) and "x" in m.perms]
                spans = reader.read(text.start, text.end - text.start)
                assert [s.state for s in spans] == ["failed"] and spans[0].data is None
            assert any("p_filesz < p_memsz" in line for line in
                       reader.decode(reader.blocks[0]).payload.note.splitlines())
        harness.msl_validate(out)


# --- cores built from the ELF and Linux layouts ------------------------------------------

def _note(name: bytes, ntype: int, desc: bytes) -> bytes:
    name += b"\0"
    return struct.pack("<III", len(name), len(desc), ntype) + name + bytes(-len(name) % 4) + desc + bytes(
        -len(desc) % 4)


def build_core(segments: list[tuple[int, int, int, bytes]], notes: bytes, *, machine: int = 183,
               page: int = 4096) -> bytes:
    """An ELFCLASS64 little-endian core: segments are (vaddr, memsz, p_flags, stored bytes)."""
    phnum = 1 + len(segments)
    notes_off = 64 + 56 * phnum
    data_off = -(-(notes_off + len(notes)) // page) * page
    phdrs = [struct.pack("<IIQQQQQQ", 4, 0, notes_off, 0, 0, len(notes), 0, 4)]
    body = b""
    for vaddr, memsz, flags, stored in segments:
        phdrs.append(struct.pack("<IIQQQQQQ", 1, flags, data_off + len(body), vaddr, 0, len(stored), memsz, page))
        body += stored
    ehdr = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack("<HHIQQQIHHHHHH", 4, machine, 1, 0, 64, 0, 0, 64, 56,
                                                               phnum, 0, 0, 0)
    head = ehdr + b"".join(phdrs) + notes
    return head + bytes(data_off - len(head)) + body


def aarch64_notes(threads: list[tuple[int, list[int], bytes, int]], *, pid: int, ppid: int, args: bytes,
                  files: list[tuple[int, int, int, bytes]], entry: int) -> bytes:
    """PRPSINFO, per thread PRSTATUS/FPREGSET/ARM_TLS, AUXV and NT_FILE for aarch64."""
    psinfo = struct.pack("<bbbbxxxxQIIiiii", 0, ord("S"), 0, 0, 0, 1000, 1000, pid, ppid, pid, pid)
    psinfo += b"target".ljust(16, b"\0") + args.ljust(80, b"\0")
    out = _note(b"CORE", 3, psinfo)
    for tid, regs, fpsimd, tls in threads:
        prstatus = struct.pack("<iiihxxQQiiii", 0, 0, 0, 0, 0, 0, tid, ppid, pid, pid) + bytes(64)
        prstatus += struct.pack("<34Q", *regs) + bytes(8)
        out += _note(b"CORE", 1, prstatus) + _note(b"CORE", 2, fpsimd) + _note(b"LINUX", 0x401, struct.pack("<Q", tls))
    out += _note(b"CORE", 6, struct.pack("<8Q", 6, 4096, 9, entry, 0, 0, 0, 0))
    nt_file = struct.pack("<QQ", len(files), 4096) + b"".join(struct.pack("<QQQ", s, e, o) for s, e, o, _ in files)
    nt_file += b"".join(p + b"\0" for *_, p in files)
    out += _note(b"CORE", 0x46494C45, nt_file)
    return out


def test_aarch64_core_built_from_the_layouts(tmp_path: Path) -> None:
    rng = __import__("random").Random(7)
    text = bytes(rng.randrange(256) for _ in range(4096))
    data = bytes(rng.randrange(256) for _ in range(3 * 4096))
    regs = [[rng.getrandbits(64) for _ in range(34)] for _ in range(2)]
    fpsimd = [bytes(rng.randrange(256) for _ in range(528)) for _ in range(2)]
    notes = aarch64_notes([(501, regs[0], fpsimd[0], 0x7777), (502, regs[1], fpsimd[1], 0x8888)], pid=501,
                          ppid=1, args=b"/opt/app --flag",
                          files=[(0x400000, 0x402000, 0, b"/opt/app"), (0x402000, 0x403000, 2, b"/opt/app")],
                          entry=0x400100)
    # text page stored; a 2-page segment storing 1 page (p_filesz < p_memsz); data 3 pages
    core = build_core([(0x400000, 0x1000, 5, text), (0x402000, 0x2000, 6, data[:4096]),
                       (0x7F0000, 0x3000, 6, data)], notes)
    src = tmp_path / "arm.core"
    src.write_bytes(core)
    out = tmp_path / "arm.msl"
    import_dump(src, out)
    with MslReader(out) as reader:
        assert verify(reader).ok
        assert (reader.header.arch_type, reader.header.os_type, reader.header.pid) == (ArchType.ARM64,
                                                                                        OsType.LINUX, 501)
        threads = blocks_of(reader, TC)
        assert [t.thread_id for t in threads] == [501, 502]
        assert threads[0].flags & ThreadFlags.CURRENT and not threads[1].flags & ThreadFlags.CURRENT
        for t, want, fp, tls in zip(threads, regs, fpsimd, (0x7777, 0x8888), strict=True):
            got = regs_of(t)
            names = [f"x{i}" for i in range(31)] + ["sp", "pc", "pstate"]
            assert [got[n] for n in names] == want
            assert [got[f"v{i}"] for i in range(32)] == [int.from_bytes(fp[16 * i:16 * i + 16], "little")
                                                         for i in range(32)]
            assert got["fpsr"] == int.from_bytes(fp[512:516], "little")
            assert got["tpidr_el0"] == tls
            roles = {r.name: r.flags for r in t.registers}
            assert roles["pc"] & RegisterRole.PC and roles["sp"] & RegisterRole.SP
            assert roles["x29"] & RegisterRole.FP and roles["x30"] & RegisterRole.LR
        (ident,) = blocks_of(reader, PI)
        assert (ident.ppid, ident.exe_path, ident.cmd_line) == (1, "/opt/app", "/opt/app --flag")
        (index,) = blocks_of(reader, MLI)
        assert [(e.path, e.base_addr, e.module_size) for e in index.entries] == [("/opt/app", 0x400000, 0x3000)]
        assert reader.read(0x400000, 4096)[0].data == text
        spans = reader.read(0x402000, 0x2000)
        assert [(s.state, s.length) for s in spans] == [("captured", 4096), ("failed", 4096)]
        assert spans[0].data == data[:4096]
        assert reader.read(0x7F0000, 0x3000)[0].data == data


def test_truncated_core_marks_missing_pages_failed(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 64
    core = build_core([(0x10000, 0x4000, 6, payload)], _note(b"CORE", 3, bytes(136)))
    src = tmp_path / "cut.core"
    src.write_bytes(core[:-4096 - 100])  # the last page and 100 bytes more are lost
    out = tmp_path / "cut.msl"
    with pytest.raises(SourceError, match=r"program header at offset 0x78\): .* past the end .* cut\.core"):
        import_dump(src, out)
    assert not list(tmp_path.glob("cut.msl*"))
    import_dump(src, out, accept_loss=True)
    with MslReader(out) as reader:
        spans = reader.read(0x10000, 0x4000)
        assert [(s.state, s.length) for s in spans] == [("captured", 0x2000), ("failed", 0x2000)]
        assert spans[0].data == payload[:0x2000]
        assert "truncated core" in reader.decode(reader.blocks[0]).payload.note


def test_huge_unstored_segment_stays_small(tmp_path: Path) -> None:
    # 64 TiB mapped, nothing stored (an ASan-style reservation): bounded blocks, never a page map per 4 KiB
    core = build_core([(0x100000000000, 1 << 46, 0, b"")], _note(b"CORE", 3, bytes(136)))
    src = tmp_path / "huge.core"
    src.write_bytes(core)
    out = tmp_path / "huge.msl"
    result = import_dump(src, out)
    assert out.stat().st_size < 1 << 20
    with MslReader(out) as reader:
        assert verify(reader).ok
        covered = sum(r.size for r in reader.regions())
        assert covered == 1 << 46
        assert all(set(r.states) == {"1"} for r in reader.regions())
    assert result.captured_bytes == 0


@pytest.mark.parametrize("damage, message", [
    (lambda c: c[:40], "ELF header"),
    (lambda c: c[:16] + struct.pack("<H", 2) + c[18:], "not ET_CORE"),
    (lambda c: c[:0x38] + struct.pack("<H", 0x7000) + c[0x3A:], "program header"),
    (lambda c: c[:4] + b"\x03" + c[5:], "EI_CLASS"),
    (lambda c: c[:64] + struct.pack("<IIQ", 4, 0, 1 << 40) + c[80:], "PT_NOTE"),
])
def test_malformed_cores_are_rejected(tmp_path: Path, damage, message: str) -> None:
    core = build_core([(0x10000, 0x1000, 6, bytes(4096))], _note(b"CORE", 3, bytes(136)))
    src = tmp_path / "bad.core"
    src.write_bytes(damage(core))
    with pytest.raises(SourceError, match=message):
        import_dump(src, tmp_path / "bad.msl")
    assert not (tmp_path / "bad.msl").exists() and not (tmp_path / "bad.msl.partial").exists()


def test_nt_file_count_beyond_its_note_is_rejected(tmp_path: Path) -> None:
    nt_file = struct.pack("<QQ", 1 << 40, 4096)
    core = build_core([(0x10000, 0x1000, 6, bytes(4096))], _note(b"CORE", 0x46494C45, nt_file))
    src = tmp_path / "bad.core"
    src.write_bytes(core)
    with pytest.raises(SourceError, match="NT_FILE declares"):
        import_dump(src, tmp_path / "bad.msl")


def test_overlapping_segments_are_rejected(tmp_path: Path) -> None:
    core = build_core([(0x10000, 0x2000, 6, bytes(8192)), (0x11000, 0x1000, 6, bytes(4096))], b"")
    src = tmp_path / "bad.core"
    src.write_bytes(core)
    with pytest.raises(SourceError, match="overlaps"):
        import_dump(src, tmp_path / "bad.msl")


# --- the imported file in other readers ---------------------------------------------------

@pytest.fixture(scope="module")
def gcore_import(target_exe: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if not LINUX_X86_64:
        pytest.skip("live cores need Linux on x86_64")
    work = tmp_path_factory.mktemp("gcore")
    with harness.running_target(target_exe, work) as target:
        harness.stop(target.pid)
        core = harness.gcore(target.pid, work / "core")
    out = work / "gcore.msl"
    import_dump(core, out)
    return core, out


@pytest.mark.parametrize("oracle", ["memdiver", "memslicer"])
def test_imported_core_opens_and_verifies_in_the_oracles(gcore_import: tuple[Path, Path], oracle: str) -> None:
    from tests.oracles.venvs import ensure_oracle, failure_reason, run_oracle

    if ensure_oracle(oracle) is None:
        tool_missing(f"{oracle} oracle unavailable: {failure_reason(oracle)}")
    _core, out = gcore_import
    result = run_oracle(oracle, out)
    assert result["exit_code"] == 0 and result["verify"] == "ok", result
    with MslReader(out) as reader:
        regions = list(reader.regions())
        assert result["region_count"] == len(regions)
        assert result["captured_page_bytes"] == sum(len(r.captured_data()) for r in regions)


def test_imported_core_passes_msl_validate(gcore_import: tuple[Path, Path], tmp_path: Path) -> None:
    harness.msl_validate(gcore_import[1])
    # and the cores built here from the layouts
    notes = aarch64_notes([(7, list(range(34)), bytes(528), 1)], pid=7, ppid=1, args=b"a",
                          files=[(0x10000, 0x11000, 0, b"/a")], entry=0x10000)
    src = tmp_path / "a.core"
    src.write_bytes(build_core([(0x10000, 0x2000, 5, bytes(4096))], notes))
    import_dump(src, tmp_path / "a.msl")
    harness.msl_validate(tmp_path / "a.msl")
