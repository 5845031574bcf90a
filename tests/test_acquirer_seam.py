"""The platform seam, the importer registry and the shared ELF/register tables.

A backend written only against :class:`memslice.acquirer.source.CaptureSource` (an
in-memory fake here, with bytes this test chose) goes through the same engine and block
writer as the Linux backend; what the file holds is compared with those bytes and with the
page states the fake reported. The ELF and register tables are checked against struct
layouts packed by hand from the gABI / kernel headers.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import blake3
import pytest
from memslice.acquirer.core.elf import ELF32, ELF64
from memslice.acquirer.engine import capture
from memslice.acquirer.importers import FORMATS, registry
from memslice.acquirer.importers.errors import SourceError
from memslice.acquirer.linux import regs
from memslice.acquirer.linux.source import LinuxSource
from memslice.acquirer.options import CaptureOptions
from memslice.acquirer.source import (
    CaptureSource,
    FreezeResult,
    Mapping,
    Module,
    ProcessInfo,
    RegionFacts,
    Register,
    Thread,
)
from memslice.generated.blocks.module_entry import ModuleEntry
from memslice.generated.enums import ArchType, OsType, Protection, RegionType, RegisterRole

from memslice import MslReader
from memslice.integrity import Hasher

PAGE = 4096
BASE = 0x7000_0000
PAGES = 6
FAILED_PAGE = 2  # the fake cannot read this page of the first mapping
UNMAPPED_PAGE = 4  # ... and this one is gone when read


def _page(i: int) -> bytes:
    return hashlib.sha256(i.to_bytes(4, "little")).digest() * (PAGE // 32)


class FakeSource:
    """An in-memory backend: two mappings, one thread, one module, no freeze."""

    name = "fake"
    pid = 4242
    os_type = int(OsType.LINUX)
    page_size = PAGE
    read_method = "memory of a dict"

    def __init__(self) -> None:
        self.closed = False
        self.reads: list[tuple[int, int]] = []
        self.maps = [
            Mapping(start=BASE, end=BASE + PAGES * PAGE, perms="rw-p", offset=0, dev="", inode=0, path="",
                    line=b"fake anon"),
            Mapping(start=BASE + 0x100000, end=BASE + 0x100000 + PAGE, perms="r-xp", offset=0, dev="", inode=0,
                    path="/opt/fake/lib.so", line=b"fake lib"),
        ]

    def identity(self) -> ProcessInfo:
        return ProcessInfo(pid=self.pid, ppid=1, session_id=7, start_time_ns=123, comm="fake", exe_path="/opt/fake",
                           argv=["fake", "--x"], cmd_line="fake --x", arch=ArchType.X86_64)

    def investigate(self, options: CaptureOptions) -> Any | None:
        return None

    @property
    def can_freeze(self) -> bool:
        return False

    def freeze(self) -> FreezeResult:
        raise AssertionError("not supported: the engine must not call it")

    @property
    def frozen(self) -> bool:
        return False

    def freeze_result(self) -> FreezeResult | None:
        return None

    def all_stopped(self) -> bool:
        return False

    def resume(self) -> list[str]:
        return []

    def mappings(self) -> list[Mapping]:
        return list(self.maps)

    def threads(self, arch: ArchType) -> list[Thread]:
        return [Thread(tid=self.pid, name="main", state=0, start_time_ns=0, registers=[
            Register("rip", (BASE + 0x100010).to_bytes(8, "little"), int(RegisterRole.PC)),
            Register("rsp", (BASE + 3 * PAGE).to_bytes(8, "little"), int(RegisterRole.SP))])]

    def modules(self, mappings: Sequence[Mapping]) -> list[Module]:
        lib = mappings[1]
        return [Module(path=lib.path, base=lib.start, size=lib.size, mappings=[lib])]

    def region_facts(self, mappings: Sequence[Mapping], modules: Sequence[Module],
                     threads: Sequence[Thread]) -> RegionFacts:
        return {mappings[0].start: (int(Protection.READ | Protection.WRITE), RegionType.STACK),
                mappings[1].start: (int(Protection.READ | Protection.EXECUTE), RegionType.IMAGE)}

    def read_pages(self, address: int, pages: int, out: memoryview) -> str:
        self.reads.append((address, pages))
        states = []
        for i in range(pages):
            index = (address - BASE) // PAGE + i
            if index == FAILED_PAGE:
                states.append("1")
            elif index == UNMAPPED_PAGE:
                states.append("2")
            else:
                out[i * PAGE:(i + 1) * PAGE] = _page(index)
                states.append("0")
        return "".join(states)

    def hash_module(self, module: Module, new_hasher: Callable[[], Hasher]) -> None:
        hasher = new_hasher()
        hasher.update(b"the fake library file")
        module.disk_hash = hasher.digest()
        module.hash_source = "fake"

    def close(self) -> None:
        self.closed = True


def test_both_backends_satisfy_the_protocol() -> None:
    import os

    assert isinstance(FakeSource(), CaptureSource)
    linux = LinuxSource(os.getpid())
    try:
        assert isinstance(linux, CaptureSource)
    finally:
        linux.close()


def test_a_backend_written_against_the_seam_captures_through_the_engine(tmp_path: Path) -> None:
    source = FakeSource()
    out = tmp_path / "fake.msl"
    report = capture(source, CaptureOptions(output=out, chunk_bytes=4 * PAGE))
    assert report.outcome == "complete"
    assert source.closed
    assert any("cannot freeze" in w for w in report.warnings)
    assert report.read_method == "memory of a dict"
    with MslReader(out) as reader:
        assert reader.header.pid == FakeSource.pid
        entries = [reader.decode(r).payload for r in reader.blocks if r.block_type == ModuleEntry.BLOCK_TYPE]
        assert [(e.path, bytes(e.disk_hash), bytes(e.native_blob)) for e in entries] == [
            ("/opt/fake/lib.so", blake3.blake3(b"the fake library file").digest(), b"fake lib\n")]
        regions = list(reader.regions())
        # 6 pages in chunks of 4 -> 2 blocks, then the library page
        assert [(r.base, r.size) for r in regions] == [(BASE, 4 * PAGE), (BASE + 4 * PAGE, 2 * PAGE),
                                                      (BASE + 0x100000, PAGE)]
        assert regions[0].states == "0010" and regions[1].states == "20"
        data = bytes(regions[0].captured_data())
        assert data == _page(0) + _page(1) + _page(3)
        assert bytes(regions[1].captured_data()) == _page(5)
        assert bytes(regions[2].captured_data()) == _page(256)
        assert [r.payload.region_type for r in regions] == [RegionType.STACK, RegionType.STACK, RegionType.IMAGE]
    assert report.totals["pages"] == {"0": 5, "1": 1, "2": 1, "3": 0}


def test_registry_dispatches_by_signature_and_name() -> None:
    assert FORMATS == ("raw", "elf-core", "minidump")
    assert registry.detect(b"\x7fELF\x02\x01\x01\x00") is registry.get("elf-core")
    assert registry.detect(b"MDMP\x93\xa7\x00\x00") is registry.get("minidump")
    assert registry.detect(b"MSL\x00abcd") is None
    with pytest.raises(SourceError, match="unknown source format 'tar'"):
        registry.get("tar")
    with pytest.raises(SourceError, match="applies to raw sources only"):
        registry.check_options(registry.get("minidump"), registry.PlanOptions(base=0x1000))
    with pytest.raises(SourceError, match="applies to raw and elf-core sources only"):
        registry.page_log2(4096, registry.get("minidump"))


def test_elf_classes_match_the_gabi_layouts() -> None:
    # Elf32_Phdr: p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align
    raw32 = struct.pack("<8I", 1, 0x1000, 0x8048000, 0, 0x200, 0x300, 5, 0x1000)
    assert ELF32.unpack_phdr("<", raw32) == (1, 5, 0x1000, 0x8048000, 0, 0x200, 0x300, 0x1000)
    assert ELF32.pack_phdr("<", 1, 5, 0x1000, 0x8048000, 0, 0x200, 0x300, 0x1000) == raw32
    # Elf64_Phdr: p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
    raw64 = struct.pack("<IIQQQQQQ", 4, 0, 0x40, 0, 0, 0x99, 0, 4)
    assert ELF64.pack_phdr("<", 4, 0, 0x40, 0, 0, 0x99, 0, 4) == raw64
    assert (ELF64.ehsize, ELF64.phentsize, ELF64.shentsize) == (64, 56, 64)
    assert (ELF32.ehsize, ELF32.phentsize, ELF32.shentsize) == (52, 32, 40)
    assert len(ELF64.ident("<") + ELF64.pack_ehdr("<", 4, 62, 1, 0, 64, 0, 0, 64, 56, 2, 0, 0, 0)) == 64
    assert len(ELF32.ident("<") + ELF32.pack_ehdr("<", 4, 3, 1, 0, 52, 0, 0, 52, 32, 2, 0, 0, 0)) == 52


def test_ptrace_regsets_decode_with_the_shared_tables() -> None:
    # struct user_regs_struct (x86_64): 27 unsigned longs, rip at index 16, rsp at 19
    values = list(range(100, 127))
    gpr = regs.decode_gpr(ArchType.X86_64, struct.pack("<27Q", *values))
    assert gpr is not None and len(gpr) == 27
    by_name = {r.name: (int.from_bytes(r.value, "little"), r.roles) for r in gpr}
    assert by_name["rip"] == (116, int(RegisterRole.PC))
    assert by_name["rsp"] == (119, int(RegisterRole.SP))
    # struct pt_regs (arm): 18 u32, pc = uregs[15]
    arm = regs.decode_gpr(ArchType.ARM32, struct.pack("<18I", *range(18)))
    assert arm is not None and {r.name: int.from_bytes(r.value, "little") for r in arm}["pc"] == 15
    # struct user_fpsimd_state (arm64, 528 bytes as ptrace returns it): fpsr at 512
    fp = bytearray(528)
    fp[512:516] = struct.pack("<I", 0xABCD)
    assert {r.name: bytes(r.value) for r in regs.decode_fp(ArchType.ARM64, bytes(fp))}["fpsr"] == \
        struct.pack("<I", 0xABCD)
