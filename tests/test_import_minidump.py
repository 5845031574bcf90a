"""Minidump import: the real files in tests/fixtures/minidump (checked against memdiver
1.0.2's independent minidump parser), files built here from the Microsoft minidump
documentation, and corrupt files that must be rejected with a precise error."""

from __future__ import annotations

import json
import random
import struct
import subprocess
from pathlib import Path

import pytest
from memslice.acquirer.importers import SourceError, import_dump
from memslice.generated.enums import ArchType, OsType, Protection, RegionType, SourceFormat, ThreadFlags

from memslice.cli.main import main
from memslice.reader import MslReader
from memslice.verify import verify
from tests.conftest import tool_missing
from tests.targets_import import harness
from tests.targets_import.blocktypes import ME, MLI, PI, TC, VAS

FIXTURES = Path(__file__).parent / "fixtures" / "minidump"
GOOD = ["test.dmp", "simple-crashpad.dmp", "linux-mini.dmp", "pipeline-inlines-macos-segv.dmp"]
CORRUPT = ["invalid-range.dmp", "invalid-record-count.dmp"]

ORACLE_SCRIPT = r"""
import json, sys
from pathlib import Path
from memdiver.core.binary_formats.minidump_reader import MinidumpReader
with MinidumpReader(Path(sys.argv[1])) as r:
    i = r.info
    print(json.dumps({"pid": i.pid, "exception_thread": i.exception_thread_id,
                      "threads": [[t.thread_id, t.ctx_rva, t.ctx_size] for t in i.threads],
                      "memory": [[d.start, d.size, d.rva] for d in i.memory_descriptors]}))
"""


def oracle_parse(path: Path) -> dict:
    """memdiver 1.0.2's own minidump reader, run in its venv (never imported here)."""
    from tests.oracles.venvs import ensure_oracle, failure_reason

    python = ensure_oracle("memdiver")
    if python is None:
        tool_missing(f"memdiver oracle unavailable: {failure_reason('memdiver')}")
    proc = subprocess.run([str(python), "-c", ORACLE_SCRIPT, str(path)], capture_output=True, text=True,
                          timeout=300, check=True, stdin=subprocess.DEVNULL)
    return json.loads(proc.stdout)


def payloads(reader: MslReader, code: int) -> list:
    return [reader.decode(r).payload for r in reader.blocks if r.block_type == code]


def reg(thread, name: str) -> int:
    return next(int.from_bytes(r.value, "little") for r in thread.registers if r.name == name)


@pytest.mark.parametrize("name", GOOD)
def test_real_minidumps_match_an_independent_parser(name: str, tmp_path: Path) -> None:
    src = FIXTURES / name
    facts = oracle_parse(src)
    out = tmp_path / "m.msl"
    raw = src.read_bytes()
    stored_bytes: set[int] = {start + k for start, size, _ in facts["memory"] for k in range(size)}
    whole_kb = {a for a in stored_bytes if all(b in stored_bytes for b in range(a - a % 1024, a - a % 1024 + 1024))}
    if whole_kb != stored_bytes:  # bytes below the 1 KiB granularity: refused unless the loss is accepted
        with pytest.raises(SourceError, match=f"{len(stored_bytes - whole_kb)} stored bytes of {name} .* "
                                              "--accept-loss"):
            import_dump(src, out)
        assert not list(tmp_path.glob("m.msl*"))
    result = import_dump(src, out, accept_loss=True)
    with MslReader(out) as reader:
        assert verify(reader).ok
        prov = reader.decode(reader.blocks[0]).payload
        assert prov.source_format == SourceFormat.MINIDUMP and prov.orig_file_size == len(raw)
        if facts["pid"] is not None:
            assert reader.header.pid == facts["pid"]
        threads = payloads(reader, TC)
        assert [t.thread_id for t in threads] == [t[0] for t in facts["threads"]]
        crashed = [t.thread_id for t in threads if t.flags & ThreadFlags.CRASHED]
        assert crashed == ([facts["exception_thread"]] if facts["exception_thread"] is not None else [])
        # memory: every page wholly inside the stored ranges is Captured with the file's bytes,
        # every other page of a region is Failed
        stored: dict[int, int] = {}
        for start, size, rva in facts["memory"]:
            for k in range(size):
                stored.setdefault(start + k, raw[rva + k])
        captured = 0
        for region in reader.regions():
            data = region.captured_data()
            cursor = 0
            for i, state in enumerate(region.states):
                addr = region.base + i * region.page_size
                whole = all(a in stored for a in range(addr, addr + region.page_size))
                assert state == ("0" if whole else "1"), f"page 0x{addr:X}"
                if whole:
                    assert bytes(data[cursor:cursor + region.page_size]) == bytes(
                        stored[a] for a in range(addr, addr + region.page_size))
                    cursor += region.page_size
                    captured += region.page_size
        assert captured == result.captured_bytes
        dropped = len(stored) - captured
        assert dropped == len(stored_bytes - whole_kb)
        if dropped:
            assert f"DROPPED: {dropped} stored bytes lie in pages" in prov.note
        assert sum(1 for r in reader.regions()) == result.regions


@pytest.mark.parametrize("name", GOOD)
def test_real_minidump_imports_open_in_memdiver(name: str, tmp_path: Path) -> None:
    from tests.oracles.venvs import ensure_oracle, failure_reason, run_oracle

    if ensure_oracle("memdiver") is None:
        tool_missing(f"memdiver oracle unavailable: {failure_reason('memdiver')}")
    out = tmp_path / "m.msl"
    result = import_dump(FIXTURES / name, out, accept_loss=True)
    seen = run_oracle("memdiver", out)
    assert seen["verify"] == "ok" and seen["exit_code"] == 0, seen
    assert seen["captured_page_bytes"] == result.captured_bytes


@pytest.mark.parametrize("name", GOOD)
def test_real_minidump_imports_pass_msl_validate(name: str, tmp_path: Path) -> None:
    out = tmp_path / "m.msl"
    import_dump(FIXTURES / name, out, accept_loss=True)
    harness.msl_validate(out)


def test_documented_minidump_passes_msl_validate(tmp_path: Path) -> None:
    src = tmp_path / "w.dmp"
    src.write_bytes(windows_x64_dump()[0])
    import_dump(src, tmp_path / "w.msl", accept_loss=True)
    harness.msl_validate(tmp_path / "w.msl")


@pytest.mark.parametrize("name", CORRUPT)
def test_corrupt_minidumps_are_rejected_cleanly(name: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bad.msl"
    with pytest.raises(SourceError, match=r"stream directory entry \d+ .* past the end of the \d+-byte file") as exc:
        import_dump(FIXTURES / name, out)
    assert exc.value.offset is not None
    assert not out.exists() and not out.with_name("bad.msl.partial").exists()
    assert main(["import", str(FIXTURES / name), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "offset 0x" in err


# --- minidumps built from the Microsoft documentation ---------------------------------------

class Minidump:
    """A minidump writer following the documented structures (MINIDUMP_HEADER etc.)."""

    SLOTS = 16

    def __init__(self, stamp: int = 1_700_000_000) -> None:
        self.stamp = stamp
        self.streams: list[tuple[int, int, int]] = []
        self.data = bytearray()

    def base(self) -> int:
        return 32 + 12 * self.SLOTS

    def blob(self, data: bytes, align: int = 8) -> int:
        self.data += bytes(-(self.base() + len(self.data)) % align)
        rva = self.base() + len(self.data)
        self.data += data
        return rva

    def string(self, text: str) -> int:
        raw = text.encode("utf-16-le")
        return self.blob(struct.pack("<I", len(raw)) + raw + b"\0\0", 4)

    def stream(self, stype: int, data: bytes) -> None:
        self.streams.append((stype, len(data), self.blob(data)))

    def build(self) -> bytes:
        head = struct.pack("<IIIIIIQ", 0x504D444D, 0xA793, self.SLOTS, 32, 0, self.stamp, 0)
        entries = b"".join(struct.pack("<III", *s) for s in self.streams)
        entries += bytes(12 * (self.SLOTS - len(self.streams)))
        return head + entries + bytes(self.data)


def amd64_context(values: dict[str, int], flags: int) -> bytes:
    ctx = bytearray(1232)
    struct.pack_into("<I", ctx, 0x30, flags)
    offsets = {"rax": 0x78, "rcx": 0x80, "rdx": 0x88, "rbx": 0x90, "rsp": 0x98, "rbp": 0xA0, "rsi": 0xA8,
               "rdi": 0xB0, "r8": 0xB8, "r15": 0xF0, "rip": 0xF8}
    for name, value in values.items():
        if name in offsets:
            struct.pack_into("<Q", ctx, offsets[name], value)
    struct.pack_into("<I", ctx, 0x44, values.get("rflags", 0))
    struct.pack_into("<HHHHHH", ctx, 0x38, 0x33, 0x2B, 0x2B, 0x53, 0x2B, 0x2B)  # cs ds es fs gs ss
    for i in range(16):
        ctx[0x100 + 160 + 16 * i: 0x100 + 176 + 16 * i] = bytes([i + 1]) * 16  # xmm0..15
    return bytes(ctx)


def windows_x64_dump() -> tuple[bytes, dict]:
    rng = random.Random(5)
    md = Minidump()
    want: dict = {"pid": 4321, "create": 1_699_999_000}
    md.stream(7, struct.pack("<HHHBBIIIIIHH", 9, 6, 0, 8, 1, 10, 0, 19041, 2, md.string("Service Pack 0"), 0, 0)
              + bytes(24))
    md.stream(15, struct.pack("<IIIIII", 24, 3, want["pid"], want["create"], 0, 0))
    names = ["C:\\Windows\\System32\\app.exe", "C:\\Windows\\System32\\ntdll.dll"]
    modules = b""
    for i, (base, size) in enumerate([(0x20000, 0x1000), (0x7FF000000000, 0x1F0000)]):
        ffi = [0xFEEF04BD, 0x10000, (10 << 16) | 0, (19041 << 16) | 1] + [0] * 9 if i == 1 else [0] * 13
        modules += struct.pack("<QIIII", base, size, 0, 0, md.string(names[i])) + struct.pack("<13I", *ffi)
        modules += bytes(8 + 8 + 16)
    md.stream(4, struct.pack("<I", 2) + modules)
    a = bytes(rng.randrange(256) for _ in range(0x3000))
    b = bytes(rng.randrange(256) for _ in range(0x1000))
    odd = bytes(rng.randrange(256) for _ in range(0x900))
    base_rva = md.blob(a + b, 16)
    md.stream(9, struct.pack("<QQ", 2, base_rva) + struct.pack("<QQQQ", 0x10000, 0x3000, 0x20000, 0x1000))
    differing = bytes(x ^ 0xFF for x in b[:0x100])
    md.stream(5, struct.pack("<I", 3) + struct.pack("<QII", 0x30100, len(odd), md.blob(odd))
              + struct.pack("<QII", 0x10800, 0x800, base_rva + 0x800)  # the same bytes again
              + struct.pack("<QII", 0x20000, 0x100, md.blob(differing)))  # other bytes for known memory
    md.stream(16, struct.pack("<IIQ", 16, 48, 4) + b"".join(
        struct.pack("<QQIIQIIII", base, base, 0x04, 0, size, state, prot, mtype, 0)
        for base, size, state, prot, mtype in [(0x10000, 0x1000, 0x1000, 0x102, 0x20000),
                                               (0x11000, 0x2000, 0x1000, 0x04, 0x20000),
                                               (0x20000, 0x1000, 0x1000, 0x20, 0x1000000),
                                               (0x40000, 0x10000, 0x2000, 0, 0x20000)]))
    crash_regs = {"rip": 0x20010, "rsp": 0x10F00, "rax": 0xDEAD, "r15": 0xF15, "rflags": 0x10246}
    list_regs = {"rip": 0x20020, "rsp": 0x10E00, "rax": 0xBEEF}
    other_regs = {"rip": 0x20030, "rsp": 0x50F00, "rbx": 0x1234}
    full = 0x00100000 | 0x1 | 0x2 | 0x4 | 0x8
    ctx_list = md.blob(amd64_context(list_regs, full))
    ctx_other = md.blob(amd64_context(other_regs, 0x00100000 | 0x1 | 0x2))
    ctx_crash = md.blob(amd64_context(crash_regs, full))
    md.stream(3, struct.pack("<I", 2)
              + struct.pack("<IIIIQQIIII", 100, 0, 0, 0, 0, 0x10000, 0x1000, base_rva, 1232, ctx_list)
              + struct.pack("<IIIIQQIIII", 200, 1, 0, 0, 0, 0x12000, 0x1000, base_rva + 0x2000, 1232, ctx_other))
    md.stream(6, struct.pack("<IIIIQQII", 100, 0, 0xC0000005, 0, 0, 0x20010, 0, 0) + bytes(120)
              + struct.pack("<II", 1232, ctx_crash))
    md.stream(24, struct.pack("<I", 1) + struct.pack("<IQ", 200, md.string("worker")))
    filetime = (1_699_999_500 * 10_000_000) + 116444736000000000
    md.stream(17, struct.pack("<III", 12, 64, 1) + struct.pack("<IIIIQQQQQQ", 200, 0, 0, 0, filetime, 0, 0, 0, 0, 0))
    want.update(a=a, b=b, odd=odd, differing=differing, crash=crash_regs, other=other_regs, names=names)
    return md.build(), want


def test_documented_windows_x64_minidump(tmp_path: Path) -> None:
    blob, want = windows_x64_dump()
    src = tmp_path / "w.dmp"
    src.write_bytes(blob)
    out = tmp_path / "w.msl"
    import_dump(src, out, accept_loss=True)
    with MslReader(out) as reader:
        assert verify(reader).ok
        h = reader.header
        assert (h.os_type, h.arch_type, h.pid, h.timestamp) == (OsType.WINDOWS, ArchType.X86_64, want["pid"],
                                                                1_700_000_000 * 10**9)
        note = reader.decode(reader.blocks[0]).payload.note
        (ident,) = payloads(reader, PI)
        assert (ident.exe_path, ident.start_time) == (want["names"][0], want["create"] * 10**9)
        (index,) = payloads(reader, MLI)
        entries = payloads(reader, ME)
        assert [e.path for e in index.entries] == [e.path for e in entries] == want["names"]
        assert [e.version for e in entries] == [None, "10.0.19041.1"]
        t100, t200 = payloads(reader, TC)
        assert t100.flags & ThreadFlags.CRASHED and t100.flags & ThreadFlags.CURRENT
        assert not t100.flags & ThreadFlags.PARTIAL and t200.flags & ThreadFlags.PARTIAL
        for name, value in want["crash"].items():
            assert reg(t100, name) == value, name  # the exception record's context, not the list's
        for name, value in want["other"].items():
            assert reg(t200, name) == value, name
        assert reg(t100, "xmm3") == int.from_bytes(bytes([4]) * 16, "little")
        assert not any(r.name.startswith("xmm") for r in t200.registers)
        assert (t200.name, t200.start_time) == ("worker", 1_699_999_500 * 10**9)
        # memory
        assert reader.read(0x10000, 0x3000)[0].data == want["a"]
        # two ranges disagree about 0x20000..0x20100: the MemoryList one is kept, as the note says
        assert reader.read(0x20000, 0x1000)[0].data == want["differing"] + want["b"][0x100:]
        assert "at equal starts: MemoryList, then Memory64List" in note
        spans = reader.read(0x30000, 0xC00)
        assert [(s.state, s.length) for s in spans] == [("failed", 0x400), ("captured", 0x400), ("failed", 0x400)]
        assert spans[1].data == want["odd"][0x300:0x700]
        assert "1280 stored bytes lie in pages" in note
        by_base = {r.base: r for r in reader.regions()}
        assert by_base[0x10000].payload.protection == Protection.READ | Protection.GUARD
        assert by_base[0x11000].payload.protection == Protection.READ | Protection.WRITE
        assert by_base[0x11000].payload.region_type == RegionType.ANONYMOUS  # MEM_PRIVATE
        assert by_base[0x10000].payload.region_type == RegionType.STACK  # holds thread 100's stack pointer
        assert by_base[0x20000].payload.region_type == RegionType.IMAGE
        assert by_base[0x20000].payload.protection == Protection.READ | Protection.EXECUTE
        (vas,) = payloads(reader, VAS)
        assert [(e.base_addr, e.mapped_path) for e in vas.entries] == [
            (0x10000, None), (0x11000, None), (0x20000, want["names"][0]), (0x40000, None)]


def small_dump(arch: int, context: bytes, platform: int = 2) -> bytes:
    md = Minidump()
    md.stream(7, struct.pack("<HHHBBIIIIIHH", arch, 0, 0, 1, 1, 10, 0, 1, platform, 0, 0, 0) + bytes(24))
    rva = md.blob(context)
    md.stream(3, struct.pack("<I", 1) + struct.pack("<IIIIQQIIII", 7, 0, 0, 0, 0, 0, 0, 0, len(context), rva))
    return md.build()


def test_documented_x86_and_arm64_contexts(tmp_path: Path) -> None:
    x86 = bytearray(716)
    struct.pack_into("<I", x86, 0, 0x00010000 | 0x1 | 0x2 | 0x4)
    struct.pack_into("<IIIIII", x86, 0x9C, 1, 2, 3, 4, 5, 6)  # edi esi ebx edx ecx eax
    struct.pack_into("<IIIIII", x86, 0xB4, 0x1000, 0x401000, 0x1B, 0x202, 0x12FF00, 0x23)  # ebp eip cs eflags esp ss
    arm = bytearray(912)
    struct.pack_into("<II", arm, 0, 0x00400000 | 0x1 | 0x2, 0x60000000)
    for i in range(29):
        struct.pack_into("<Q", arm, 8 + 8 * i, 0x100 + i)
    struct.pack_into("<QQQQ", arm, 0xF0, 0xF0F0, 0x1111, 0x7FFF0000, 0x140001000)  # fp lr sp pc
    for arch, ctx, checks in [(0, bytes(x86), {"eax": 6, "edi": 1, "eip": 0x401000, "esp": 0x12FF00,
                                               "eflags": 0x202}),
                              (12, bytes(arm), {"x0": 0x100, "x18": 0x112, "x28": 0x11C, "x29": 0xF0F0,
                                                "x30": 0x1111, "sp": 0x7FFF0000, "pc": 0x140001000,
                                                "pstate": 0x60000000})]:
        src = tmp_path / f"{arch}.dmp"
        src.write_bytes(small_dump(arch, ctx))
        out = tmp_path / f"{arch}.msl"
        import_dump(src, out, accept_loss=True)
        with MslReader(out) as reader:
            assert verify(reader).ok
            (t,) = payloads(reader, TC)
            for name, value in checks.items():
                assert reg(t, name) == value, (arch, name)
            assert t.flags & ThreadFlags.PARTIAL  # no floating-point group
            if arch == 12:
                roles = {r.name: r.flags for r in t.registers}
                assert roles["x18"] and roles["x29"] and roles["x30"]  # TEB, FP, LR on Windows


def corrupt(variant: str) -> bytes:
    blob, _ = windows_x64_dump()
    data = bytearray(blob)
    streams = {struct.unpack_from("<I", data, 32 + 12 * i)[0]: (32 + 12 * i, *struct.unpack_from("<II", data,
                                                                                                 36 + 12 * i))
               for i in range(Minidump.SLOTS)}
    if variant == "signature":
        data[0:4] = b"MDMQ"
    elif variant == "version":
        struct.pack_into("<I", data, 4, 0xA794)
    elif variant == "module-count":
        _at, _size, rva = streams[4]
        struct.pack_into("<I", data, rva, 1000)
    elif variant == "memory-past-eof":
        _at, _size, rva = streams[9]
        struct.pack_into("<Q", data, rva + 16 + 8, 1 << 40)
    elif variant == "string-length":
        _at, _size, rva = streams[4]
        name_rva = struct.unpack_from("<I", data, rva + 4 + 20)[0]
        struct.pack_into("<I", data, name_rva, 7)
    elif variant == "memory-info-header":
        _at, _size, rva = streams[16]
        struct.pack_into("<Q", data, rva + 8, 1 << 30)
    elif variant == "directory":
        struct.pack_into("<I", data, 8, 1 << 28)
    return bytes(data)


@pytest.mark.parametrize("variant, message", [
    ("signature", "not a minidump"), ("version", "MINIDUMP_VERSION"), ("module-count", "ModuleList declares 1000"),
    ("memory-past-eof", "run past the end"), ("string-length", "MINIDUMP_STRING length 7"),
    ("memory-info-header", "MemoryInfoList header"), ("directory", "stream directory"),
])
def test_documented_minidump_corruptions_are_rejected(tmp_path: Path, variant: str, message: str) -> None:
    src = tmp_path / "bad.dmp"
    src.write_bytes(corrupt(variant))
    with pytest.raises(SourceError, match=message):
        import_dump(src, tmp_path / "bad.msl", source_format="minidump")
    assert not (tmp_path / "bad.msl").exists() and not (tmp_path / "bad.msl.partial").exists()
