"""The acquirer's /proc parsers, register layouts, classification and option parsing.

Fixture text is in the exact format the kernel prints (copied from real /proc files);
register fixtures are built from the kernel's struct layouts with distinct values so that
any offset mistake shows.
"""

from __future__ import annotations

import struct

import pytest
from memslice.acquirer.linux import classify, procfs, regs
from memslice.acquirer.linux.maps import MapIndex, parse_line, parse_maps
from memslice.acquirer.linux.modules import group_modules, soname_version
from memslice.acquirer.options import parse_addr_range, parse_prot, parse_scope
from memslice.generated.enums import ArchType, Protection, RegionType, RegisterRole, ThreadState

MAPS = b"""\
556ab73c1000-556ab73c3000 r--p 00000000 fe:00 260131                     /usr/bin/cat
556ab73c3000-556ab73c8000 r-xp 00002000 fe:00 260131                     /usr/bin/cat
556ab73cc000-556ab73cd000 rw-p 0000a000 fe:00 260131                     /usr/bin/cat
556ad9d00000-556ad9d21000 rw-p 00000000 00:00 0                          [heap]
7f0468556000-7f046861a000 rw-p 00000000 00:00 0\x20
7f046861a000-7f0468671000 r--p 00000000 fe:00 329635                     /usr/lib/locale/C.utf8/LC_CTYPE
7f046867c000-7f04686a2000 r--p 00000000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6
7f04686a2000-7f04687f8000 r-xp 00026000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6
7f046884f000-7f0468851000 rw-p 001d3000 fe:00 339380                     /usr/lib/x86_64-linux-gnu/libc.so.6
7f0468860000-7f0468867000 r--s 00000000 00:01 1234                       /dev/shm/my seg (deleted)
7f046886a000-7f046886e000 r--p 00000000 00:00 0                          [vvar]
7f0468870000-7f0468871000 ---p 00000000 00:00 0\x20
7f0468871000-7f0468891000 rw-p 00000000 00:00 0\x20
7f0468900000-7f0468901000 rw-p 00000000 00:00 0                          [anon:glibc malloc]
7ffd12340000-7ffd12361000 rw-p 00000000 00:00 0                          [stack]
ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
"""


def test_maps_lines_parse_exactly() -> None:
    maps = parse_maps(MAPS)
    assert len(maps) == MAPS.count(b"\n")
    cat = maps[0]
    assert (cat.start, cat.end, cat.perms, cat.offset, cat.dev, cat.inode, cat.path) == (
        0x556AB73C1000, 0x556AB73C3000, "r--p", 0, "fe:00", 260131, "/usr/bin/cat")
    assert cat.line == MAPS.splitlines()[0]
    anon = maps[4]
    assert anon.path == "" and anon.is_private_anonymous and not anon.is_file
    shm = maps[9]
    assert shm.path == "/dev/shm/my seg (deleted)" and shm.deleted and shm.shared
    assert shm.file_path == "/dev/shm/my seg"
    assert maps[13].path == "[anon:glibc malloc]" and maps[13].is_private_anonymous
    assert maps[-1].start == 0xFFFFFFFFFF600000 and maps[-1].is_kernel and not maps[-1].readable


def test_maps_path_bytes_survive() -> None:
    line = b"7f0468860000-7f0468867000 r--p 00000000 fe:00 5  /tmp/caf\xe9 \xff.bin\n"
    m = parse_line(line)
    assert m.path.encode("utf-8", "surrogateescape") == b"/tmp/caf\xe9 \xff.bin"


def test_maps_malformed_line_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_line(b"garbage")


def test_map_index_lookups() -> None:
    index = MapIndex(parse_maps(MAPS))
    assert index.find(0x556AD9D00000 + 5).path == "[heap]"
    assert index.find(0x556AD9D21000) is None
    assert index.next_start(0x556AD9D21000) == 0x7F0468556000
    assert index.next_start(0xFFFFFFFFFF600000) is None


def test_classification_and_protection() -> None:
    maps = parse_maps(MAPS)
    modules = group_modules(maps, lambda m: False)
    starts = {m.start for mod in modules for m in mod.mappings}
    sp = 0x7F0468871000 + 0x100  # a thread stack pointer inside the anonymous rw mapping
    types = {m.start: classify.region_type(m, starts, [sp]) for m in maps}
    by_path = {m.path: types[m.start] for m in maps if m.path}
    assert by_path["[heap]"] == RegionType.HEAP
    assert by_path["[stack]"] == RegionType.STACK
    assert by_path["/usr/bin/cat"] == RegionType.IMAGE
    assert by_path["/usr/lib/x86_64-linux-gnu/libc.so.6"] == RegionType.IMAGE
    assert by_path["/usr/lib/locale/C.utf8/LC_CTYPE"] == RegionType.MAPPED_FILE
    assert by_path["/dev/shm/my seg (deleted)"] == RegionType.SHARED_MEM
    assert by_path["[vvar]"] == RegionType.OTHER
    assert by_path["[anon:glibc malloc]"] == RegionType.ANONYMOUS
    assert types[0x7F0468871000] == RegionType.STACK
    assert types[0x7F0468556000] == RegionType.ANONYMOUS
    guards = classify.guard_mappings(maps, types)
    assert guards == {0x7F0468870000}
    assert classify.protection(maps[0]) == Protection.READ
    assert classify.protection(maps[2]) == Protection.READ | Protection.WRITE | Protection.COPY_ON_WRITE
    assert classify.protection(maps[3]) == Protection.READ | Protection.WRITE
    assert classify.protection(maps[11], guard=True) == Protection.GUARD


def test_modules_group_consecutive_lines_of_one_file() -> None:
    maps = parse_maps(MAPS)
    elf = {0x7F046861A000}  # pretend the locale file starts with ELF magic: it becomes a module
    modules = group_modules(maps, lambda m: m.start in elf)
    paths = [m.path for m in modules]
    assert paths == ["/usr/bin/cat", "/usr/lib/locale/C.utf8/LC_CTYPE", "/usr/lib/x86_64-linux-gnu/libc.so.6"]
    libc = modules[2]
    assert libc.base == 0x7F046867C000 and libc.size == 0x7F0468851000 - 0x7F046867C000
    assert libc.version == "6"
    assert libc.native_blob == b"".join(line + b"\n" for line in MAPS.splitlines()[6:9])
    assert [m.path for m in group_modules(maps, lambda m: False)] == ["/usr/bin/cat", paths[2]]


@pytest.mark.parametrize(("path", "version"), [
    ("/usr/lib/x86_64-linux-gnu/libz.so.1.2.13", "1.2.13"), ("/lib/libc.so.6", "6"),
    ("/usr/bin/python3.11", None), ("/x/libfoo.so", None), ("/x/libssl.so.3 (deleted)", "3")])
def test_soname_version(path: str, version: str | None) -> None:
    assert soname_version(path) == version


def test_stat_with_spaces_and_parens_in_comm() -> None:
    line = b"4242 (a (b) c) S 17 4242 99 0 -1 4194304 99 0 0 0 0 0 0 0 20 0 3 0 158018 3133440 390 0\n"
    stat = procfs.parse_stat(line)
    assert (stat.comm, stat.state, stat.ppid, stat.session, stat.start_ticks) == ("a (b) c", "S", 17, 99, 158018)
    assert procfs.thread_state("D") == ThreadState.UNINTERRUPTIBLE
    assert procfs.thread_state("t") == ThreadState.STOPPED
    assert procfs.thread_state("?") == ThreadState.UNKNOWN


def _words(count: int, width: int) -> tuple[bytes, list[int]]:
    values = [0x1111_0000_0000_0000 // (1 << (64 - 8 * width)) + i * 0x0101 + 1 for i in range(count)]
    fmt = "<" + ("Q" if width == 8 else "I") * count
    return struct.pack(fmt, *values), values


def test_x86_64_prstatus_layout() -> None:
    raw, values = _words(27, 8)
    gpr = regs.decode_gpr(ArchType.X86_64, raw)
    assert gpr is not None and len(gpr) == 27
    by_name = {r.name: r for r in gpr}
    # struct user_regs_struct: rip is word 16, rsp word 19, eflags word 18, fs_base word 21, rbp word 4
    assert int.from_bytes(by_name["rip"].value, "little") == values[16]
    assert int.from_bytes(by_name["rsp"].value, "little") == values[19]
    assert int.from_bytes(by_name["rflags"].value, "little") == values[18]
    assert int.from_bytes(by_name["fs_base"].value, "little") == values[21]
    assert by_name["rip"].roles == RegisterRole.PC and by_name["rsp"].roles == RegisterRole.SP
    assert by_name["rbp"].roles == RegisterRole.FP and by_name["fs_base"].roles == RegisterRole.TLS
    assert regs.has_pc_and_sp(gpr) and regs.role_value(gpr, RegisterRole.SP) == values[19]


def test_compat_and_arm_layouts_are_chosen_by_size() -> None:
    raw32, values32 = _words(17, 4)
    gpr = regs.decode_gpr(ArchType.X86_64, raw32)  # a 32-bit thread on a 64-bit kernel
    assert gpr is not None and {r.name for r in gpr} >= {"eip", "esp", "eflags"}
    assert int.from_bytes(next(r for r in gpr if r.name == "eip").value, "little") == values32[12]
    raw64, values64 = _words(34, 8)
    arm = regs.decode_gpr(ArchType.ARM64, raw64)
    assert arm is not None
    by_name = {r.name: r for r in arm}
    assert int.from_bytes(by_name["pc"].value, "little") == values64[32]
    assert int.from_bytes(by_name["sp"].value, "little") == values64[31]
    assert by_name["x30"].roles == RegisterRole.LR and by_name["x29"].roles == RegisterRole.FP
    assert by_name["pstate"].roles == RegisterRole.FLAGS
    assert regs.decode_gpr(ArchType.ARM64, raw64[:-8]) is None
    tls = regs.decode_arm_tls(struct.pack("<Q", 0x7F00_1234_5678))
    assert tls[0].name == "tpidr_el0" and tls[0].roles == RegisterRole.TLS


def test_fp_layouts() -> None:
    raw = bytes(range(256)) * 2
    fp = {r.name: r.value for r in regs.decode_fp(ArchType.X86_64, raw)}
    assert fp["xmm0"] == raw[160:176] and fp["xmm15"] == raw[400:416] and fp["mxcsr"] == raw[24:28]
    assert fp["st7"] == raw[32 + 7 * 16:32 + 7 * 16 + 10]
    arm = {r.name: r.value for r in regs.decode_fp(ArchType.ARM64, bytes(range(256)) * 2 + bytes(16))}
    assert arm["v31"] == (bytes(range(256)) * 2)[496:512] and len(arm["fpcr"]) == 4
    assert regs.decode_fp(ArchType.X86_64, raw[:100]) == []


def test_option_parsers() -> None:
    assert parse_prot("rw-") == Protection.READ | Protection.WRITE
    assert parse_prot("--x") == Protection.EXECUTE
    assert parse_addr_range("0x1000-0x2000") == (0x1000, 0x2000)
    assert parse_addr_range("7f00-7fff") == (0x7F00, 0x7FFF)
    assert parse_scope("heap, stack") == {RegionType.HEAP, RegionType.STACK}
    for bad, parser in (("rwz", parse_prot), ("wr-", parse_prot), ("0x2000-0x1000", parse_addr_range),
                        ("12", parse_addr_range), ("heap,bogus", parse_scope)):
        with pytest.raises(ValueError):
            parser(bad)
