"""Golden payloads: every defined layout packed by hand from the prose spec, read back field by field.

Every other case is built by our own writer and encoders from ``spec/`` and blessed by our
own reader, so a wrong offset in ``spec/blocks/*.yaml`` moves writer, reader and the
generated Kaitai parser together and regeneration re-blesses it. These cases do not use
``spec/`` for the payloads: each payload below is packed with plain :mod:`struct`, field by
field, from the tables of the public specification (``memslice-spec-1.0.0`` sections 5.1 to
5.6 and 9.1) and of the format catalogue (section 6, the 1.1 layouts), with the table offset
in a comment; the decoded value every field must have is written out by hand beside it.
The type codes, offsets and values here are deliberately literal: they are the
independent source the generated code is judged against.

The expectations go into ``case.yaml`` (``facts``) and generation fails when the reference
document disagrees with one of them, so a spec/ bug cannot be re-blessed;
``tests/test_conformance_golden.py`` also checks them against a fresh read.

Only the blocks' containers (file header, block headers, PrevHash chain, End-of-Capture) come
from :class:`memslice.writer.MslWriter`; the payload bytes reach it already encoded
(``write_block``), so the writer's encoders are never involved.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.fixtures import ACQ_END, write_capture
from memslice.generated.enums import HeaderFlags

from memslice.writer import MslWriter, cap_bitmap_for

#: 16-byte UUIDv4s (version nibble 4, variant 10xx) and their RFC 4122 texts.
U_IDENTITY = bytes.fromhex("a1b2c3d4e5f64a0b8c0d0e0f10111213")
T_IDENTITY = "a1b2c3d4-e5f6-4a0b-8c0d-0e0f10111213"
U_MANIFEST = bytes.fromhex("0f1e2d3c4b5a49788877665544332211")
T_MANIFEST = "0f1e2d3c-4b5a-4978-8877-665544332211"
U_MODULE = bytes.fromhex("11223344556647788899aabbccddeeff")
T_MODULE = "11223344-5566-4778-8899-aabbccddeeff"
U_REGION = bytes.fromhex("deadbeef00004000a000cafef00d0001")
T_REGION = "deadbeef-0000-4000-a000-cafef00d0001"
U_CONTEXT = bytes.fromhex("5c5c5c5c5c5c4c5c9c5c5c5c5c5c5c5c")
U_BLOCK = bytes.fromhex("77777777777747779777777777777777")
U_OTHER_DUMP = bytes.fromhex("0123456789ab4cde8f0123456789abcd")
T_OTHER_DUMP = "01234567-89ab-4cde-8f01-23456789abcd"

EXE = "/opt/golden/bin/server"
CMD = "server --port 8443"
PAGE = 4096


def le(fmt: str, *values: int) -> bytes:
    """Little-endian ``struct.pack`` (every golden file is little-endian, spec 1.3)."""
    return struct.pack("<" + fmt, *values)


def cstr(text: str) -> bytes:
    """UTF-8 text with its terminating NUL (the Len fields of the spec count it)."""
    return text.encode() + b"\0"


def pad8(data: bytes) -> bytes:
    """``data`` padded with zeros to a multiple of 8 (the spec's pad8)."""
    return data + bytes(-len(data) % 8)


@dataclass
class Golden:
    """One hand-packed block: type code, payload and the decoded values it must show."""

    type_code: int
    payload: bytes
    facts: dict[str, Any]
    block_uuid: bytes = U_BLOCK
    parent_uuid: bytes | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# --- public spec 1.0.0 -------------------------------------------------------------------------

def process_identity() -> Golden:
    """Spec 5.4, Table 12."""
    payload = (le("I", 258)                          # 0x00 PPID
               + le("I", 7)                          # 0x04 SessionID
               + le("Q", 1_700_000_000_123_456_789)  # 0x08 StartTime
               + le("H", len(cstr(EXE)))             # 0x10 ExePathLen = 23 incl. NUL
               + le("H", len(cstr(CMD)))             # 0x12 CmdLineLen = 19 incl. NUL
               + le("I", 0)                          # 0x14 Reserved
               + pad8(cstr(EXE))                     # 0x18 ExePath, pad8 -> 24
               + pad8(cstr(CMD)))                    # 0x30 CmdLine, pad8 -> 24
    assert len(payload) == 0x48
    return Golden(0x0040, payload, {"ppid": "258", "session_id": "7", "start_time": "1700000000123456789",
                                    "len_exe_path": "23", "len_cmd_line": "19", "exe_path": EXE, "cmd_line": CMD},
                  block_uuid=U_IDENTITY)


def module_list_index() -> Golden:
    """Spec 5.3, Tables 10 and 11: one inline entry."""
    entry = (U_MODULE                                # 0x00 ModuleUUID
             + le("Q", 0x5600_0000_0000)             # 0x10 BaseAddr
             + le("Q", 0x21000)                      # 0x18 ModuleSize
             + le("H", len(cstr(EXE)))               # 0x20 PathLen = 23
             + le("H", 0) + le("I", 0)               # 0x22 Reserved, 0x24 Reserved2
             + pad8(cstr(EXE)))                      # 0x28 Path
    payload = le("I", 1) + le("I", 0) + entry        # 0x00 EntryCount, 0x04 Reserved, 0x08 entries
    return Golden(0x0010, payload, {"num_entries": "1", "entries.#": 1, "entries.0.module_uuid": T_MODULE,
                                    "entries.0.base_addr": "0x560000000000", "entries.0.module_size": "0x21000",
                                    "entries.0.len_path": "23", "entries.0.path": EXE}, block_uuid=U_MANIFEST)


def module_entry() -> Golden:
    """Spec 5.2, Table 9: Path, Version, DiskHash, BlobLen and a 5-byte NativeBlob."""
    disk_hash = bytes(range(0x20, 0x40))
    blob = bytes.fromhex("1401000aa5")
    payload = (le("Q", 0x5600_0000_0000)             # 0x00 BaseAddr
               + le("Q", 0x21000)                    # 0x08 ModuleSize
               + le("H", len(cstr(EXE)))             # 0x10 PathLen = 23
               + le("H", len(cstr("2.4.1")))         # 0x12 VersionLen = 6
               + le("I", 0)                          # 0x14 Reserved
               + pad8(cstr(EXE))                     # 0x18 Path (24)
               + pad8(cstr("2.4.1"))                 # 0x30 Version (8)
               + disk_hash                           # 0x38 DiskHash
               + le("I", len(blob))                  # 0x58 BlobLen
               + le("I", 0)                          # 0x5C Reserved2
               + blob)                               # 0x60 NativeBlob
    return Golden(0x0002, payload, {"base_addr": "0x560000000000", "module_size": "0x21000", "len_path": "23",
                                    "len_version": "6", "path": EXE, "version": "2.4.1",
                                    "disk_hash": "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f",
                                    "len_native_blob": "5", "native_blob": "1401000aa5"},
                  block_uuid=U_MODULE, parent_uuid=U_MANIFEST)


def key_hint() -> Golden:
    """Spec 5.6, Tables 14 and 15: a TLS 1.3 traffic secret, confirmed and active."""
    note = "golden client traffic secret"
    payload = (U_REGION                              # 0x00 RegionUUID
               + le("Q", 0x40)                       # 0x10 RegionOffset
               + le("I", 32)                         # 0x18 KeyLen
               + le("H", 0x0005)                     # 0x1C KeyType: Application Traffic Secret
               + le("H", 0x0002)                     # 0x1E Protocol: TLS 1.3
               + le("B", 2)                          # 0x20 Confidence: Confirmed
               + le("B", 1)                          # 0x21 KeyState: Active at capture
               + le("H", 0)                          # 0x22 Reserved
               + le("I", len(cstr(note)))            # 0x24 NoteLen = 29
               + le("I", 0)                          # 0x28 Reserved2
               + pad8(cstr(note)))                   # 0x2C Note (32)
    assert len(payload) == 44 + 32
    return Golden(0x0020, payload, {"region_uuid": T_REGION, "region_offset": "64", "len_key": "32",
                                    "key_type": "5", "protocol": "2", "confidence": "2", "key_state": "1",
                                    "len_note": "29", "note": note})


def related_dump() -> Golden:
    """Spec 5.5: the 24-byte layout."""
    payload = (U_OTHER_DUMP                          # 0x00 RelatedDumpUUID
               + le("I", 4243)                       # 0x10 RelatedPID
               + le("H", 1)                          # 0x14 Relationship: Parent
               + le("H", 0))                         # 0x16 Reserved
    return Golden(0x0041, payload, {"related_dump_uuid": T_OTHER_DUMP, "related_pid": "4243",
                                    "relationship": "1"})


def import_provenance() -> Golden:
    """Spec 9.1, Tables 18 and 19 (no SourceHash: that tail is memdiver's)."""
    tool, note = "golden-importer 1.0", "from core.1234"
    payload = (le("H", 0x0002)                       # 0x00 SourceFormat: ELF core
               + le("H", 0)                          # 0x02 Reserved
               + le("I", len(cstr(tool)))            # 0x04 ToolNameLen = 20
               + le("Q", 1_767_225_600_500_000_000)  # 0x08 ImportTime
               + le("Q", 0x10_0000)                  # 0x10 OrigFileSize
               + le("I", len(cstr(note)))            # 0x18 NoteLen = 15
               + le("I", 0)                          # 0x1C Reserved2
               + pad8(cstr(tool))                    # 0x20 ToolName (24)
               + pad8(cstr(note)))                   # 0x38 Note (16)
    return Golden(0x0030, payload, {"source_format": "2", "len_tool_name": "20",
                                    "import_time": "1767225600500000000", "orig_file_size": "1048576",
                                    "len_note": "15", "tool_name": tool, "note": note})


REGION_PAGE = bytes((i * 7 + 3) & 0xFF for i in range(PAGE))
"""Content of the one Captured page of the golden region."""


def memory_region() -> Golden:
    """Spec 5.1, Table 8: four 4 KiB pages in the states 00 01 10 11, page 0 in the top bits."""
    payload = (le("Q", 0x7FFD_0000_0000)             # 0x00 BaseAddr
               + le("Q", 4 * PAGE)                   # 0x08 RegionSize
               + le("B", 0x03)                       # 0x10 Protection: R W
               + le("B", 0x02)                       # 0x11 RegionType: Stack
               + le("B", 12)                         # 0x12 PageSizeLog2
               + bytes(5)                            # 0x13 Reserved
               + le("Q", 1_767_225_600_250_000_000)  # 0x18 Timestamp
               + pad8(bytes([0b00_01_10_11]))        # 0x20 PageStateMap (1 byte, pad8 -> 8)
               + REGION_PAGE)                        # 0x28 PageData: the one Captured page
    return Golden(0x0001, payload, {
        "base_addr": "0x7ffd00000000", "region_size": "0x4000", "protection": "0x3", "region_type": "2",
        "page_size_log2": "12", "timestamp": "1767225600250000000",
        "page_states": [["captured", "1"], ["failed", "1"], ["unmapped", "1"], ["not_resident", "1"]],
        "captured_bytes": "0x1000", "captured_sha256": hashlib.sha256(REGION_PAGE).hexdigest()},
        block_uuid=U_REGION)


# --- 1.1 layouts (format catalogue section 6) ------------------------------------------------

def thread_context() -> Golden:
    """Catalogue 6.4: a stopped thread with rip and rsp."""
    def register(name: str, role: int, value: int) -> bytes:
        return (le("B", len(cstr(name))) + le("B", 8)  # 0x00 NameLen, 0x01 Width
                + le("H", role) + le("I", 0)           # 0x02 Flags, 0x04 Reserved
                + pad8(cstr(name)) + le("Q", value))   # 0x08 Name, then Value
    payload = (le("Q", 4243)                         # 0x00 ThreadID
               + le("Q", 0)                          # 0x08 StartTime
               + le("H", 0x0005)                     # 0x10 Flags: Current | Suspended
               + le("B", 3)                          # 0x12 ThreadState: Stopped
               + le("B", 0)                          # 0x13 Arch: as header
               + le("I", 2)                          # 0x14 RegCount
               + le("H", len(cstr("worker")))        # 0x18 NameLen = 7
               + bytes(6)                            # 0x1A Reserved
               + pad8(cstr("worker"))                # 0x20 ThreadName
               + register("rip", 0x1, 0x5600_0000_1234)
               + register("rsp", 0x2, 0x7FFD_0000_0FF0))
    return Golden(0x0011, payload, {
        "thread_id": "4243", "start_time": "0", "flags": "0x5", "state": "3", "arch": "0", "num_registers": "2",
        "len_name": "7", "name": "worker", "registers.#": 2,
        "registers.0.len_name": "4", "registers.0.width": "8", "registers.0.flags": "0x1", "registers.0.name": "rip",
        "registers.0.value": "3412000000560000",
        "registers.1.name": "rsp", "registers.1.flags": "0x2", "registers.1.value": "f00f0000fd7f0000"},
        parent_uuid=U_IDENTITY)


def system_context() -> Golden:
    """Catalogue 6.10, layout A (memslicer, SPEC11): TableBitmap unaligned at 0x09, no Domain."""
    payload = (le("Q", 1_767_000_000_000_000_000)    # 0x00 BootTime
               + le("B", 1)                          # 0x08 TargetCount
               + le("I", 0x0000_0007)                # 0x09 TableBitmap (unaligned): tables 0-2
               + le("H", len(cstr("root")))          # 0x0D AcqUserLen = 5
               + le("H", len(cstr("golden-host")))   # 0x0F HostnameLen = 12
               + le("H", 0)                          # 0x11 DomainLen: omitted
               + le("H", len(cstr("Linux 6.8")))     # 0x13 OSDetailLen = 10
               + le("H", len(cstr("CASE-7")))        # 0x15 CaseRefLen = 7
               + bytes(9)                            # 0x17 Reserved
               + pad8(cstr("root")) + pad8(cstr("golden-host"))       # 0x20 AcqUser, 0x28 Hostname
               + pad8(cstr("Linux 6.8")) + pad8(cstr("CASE-7")))      # 0x38 OSDetail, 0x48 CaseRef
    return Golden(0x0050, payload, {"boot_time": "1767000000000000000", "num_targets": "1", "table_bitmap": "0x7",
                                    "len_acq_user": "5", "len_hostname": "12", "len_domain": "0",
                                    "len_os_detail": "10", "len_case_ref": "7", "acq_user": "root",
                                    "hostname": "golden-host", "os_detail": "Linux 6.8", "case_ref": "CASE-7"},
                  block_uuid=U_CONTEXT)


def process_table() -> Golden:
    """Catalogue 6.11: one row, the captured process."""
    row = (le("I", 4242) + le("I", 1) + le("I", 1000)  # 0x00 PID, 0x04 PPID, 0x08 UID
           + le("B", 1) + bytes(3)                     # 0x0C IsTarget, 0x0D Reserved
           + le("Q", 123_456)                          # 0x10 StartTime
           + le("Q", 0x80_0000)                        # 0x18 RSS
           + le("H", 7) + le("H", 19) + le("H", 6)     # 0x20 ExeNameLen, CmdLineLen, UserLen
           + le("H", 0)                                # 0x26 Reserved
           + pad8(cstr("server")) + pad8(cstr(CMD)) + pad8(cstr("alice")))
    return Golden(0x0051, le("I", 1) + le("I", 0) + row, {
        "num_entries": "1", "entries.0.pid": "4242", "entries.0.ppid": "1", "entries.0.uid": "1000",
        "entries.0.is_target": "1", "entries.0.start_time": "123456", "entries.0.rss": "8388608",
        "entries.0.len_exe_name": "7", "entries.0.len_cmd_line": "19", "entries.0.len_user": "6",
        "entries.0.exe_name": "server", "entries.0.cmd_line": CMD, "entries.0.user": "alice"},
        parent_uuid=U_CONTEXT)


def connection_table() -> Golden:
    """Catalogue 6.12: one 48-byte row, an IPv4 TCP connection."""
    row = (le("I", 4242)                             # 0x00 PID
           + le("B", 0x02) + le("B", 0x06)           # 0x04 Family IPv4, 0x05 Protocol TCP
           + le("B", 0x01) + le("B", 0)              # 0x06 State ESTABLISHED, 0x07 Reserved
           + bytes([127, 0, 0, 1]) + bytes(12)       # 0x08 LocalAddr
           + le("H", 8443) + le("H", 0)              # 0x18 LocalPort, 0x1A Reserved
           + bytes([192, 168, 0, 5]) + bytes(12)     # 0x1C RemoteAddr
           + le("H", 51000) + le("H", 0))            # 0x2C RemotePort, 0x2E Reserved
    assert len(row) == 48
    return Golden(0x0052, le("I", 1) + le("I", 0) + row, {
        "num_entries": "1", "entries.0.pid": "4242", "entries.0.family": "2", "entries.0.protocol": "6",
        "entries.0.state": "0x1", "entries.0.local_addr": "7f000001" + "00" * 12, "entries.0.local_port": "8443",
        "entries.0.remote_addr": "c0a80005" + "00" * 12, "entries.0.remote_port": "51000"},
        parent_uuid=U_CONTEXT)


def handle_table() -> Golden:
    """Catalogue 6.13, memslicer form (HandleType u8)."""
    row = (le("I", 4242) + le("I", 3)                # 0x00 PID, 0x04 FD
           + le("B", 3) + le("B", 0)                 # 0x08 HandleType Socket, 0x09 Reserved
           + le("H", len(cstr("socket:[1234]")))     # 0x0A PathLen = 14
           + le("I", 0)                              # 0x0C Reserved
           + pad8(cstr("socket:[1234]")))            # 0x10 Path
    return Golden(0x0053, le("I", 1) + le("I", 0) + row, {
        "num_entries": "1", "entries.0.pid": "4242", "entries.0.fd": "3", "entries.0.handle_type": "3",
        "entries.0.len_path": "14", "entries.0.path": "socket:[1234]"}, parent_uuid=U_CONTEXT)


def vas_map() -> Golden:
    """Catalogue 6.24: two variable-length entries (EntrySize 0)."""
    def entry(base: int, size: int, prot: int, rtype: int, path: str) -> bytes:
        return (le("Q", base) + le("Q", size) + le("B", prot) + le("B", rtype)   # 0x00..0x11
                + le("H", len(cstr(path))) + le("B", 1) + bytes(3)             # 0x12 PathLen, 0x14 NameSource Live
                + pad8(cstr(path)))                                            # 0x18 MappedPath
    payload = (le("I", 2) + le("I", 0)
               + entry(0x5600_0000_0000, 0x21000, 0x05, 0x03, EXE)
               + entry(0x7FFD_0000_0000, 0x4000, 0x03, 0x02, "[stack]"))
    return Golden(0x1001, payload, {
        "num_entries": "2", "len_entry": "0", "entries.#": 2,
        "entries.0.base_addr": "0x560000000000", "entries.0.region_size": "0x21000", "entries.0.protection": "0x5",
        "entries.0.region_type": "3", "entries.0.len_path": "23", "entries.0.name_source": "1",
        "entries.0.mapped_path": EXE,
        "entries.1.base_addr": "0x7ffd00000000", "entries.1.region_type": "2", "entries.1.mapped_path": "[stack]"})


def module_build_id_manifest() -> Golden:
    """Catalogue 6.20: one fixed 64-byte row."""
    build_id = bytes(range(0xA0, 0xB4))
    disk_hash = bytes(range(0x40, 0x60))
    row = (le("Q", 0x5600_0000_0000)                 # 0x00 BaseAddr
           + le("B", 20) + le("B", 3)                # 0x08 BuildIdLen, 0x09 BuildIdSource on_disk
           + le("B", 0x01) + le("B", 0)              # 0x0A Flags deleted, 0x0B Reserved
           + build_id                                # 0x0C BuildId (20)
           + disk_hash)                              # 0x20 DiskHash
    assert len(row) == 64
    return Golden(0x005A, le("I", 1) + le("I", 0) + row, {
        "num_rows": "1", "rows.0.base_addr": "0x560000000000", "rows.0.len_build_id": "20",
        "rows.0.build_id_source": "3", "rows.0.flags": "0x1", "rows.0.build_id": build_id.hex(),
        "rows.0.disk_hash": disk_hash.hex()})


def physical_memory_map() -> Golden:
    """Catalogue 6.19: rows packed back to back (20 + LabelLen bytes, label without NUL)."""
    def row(start: int, end: int, label: str) -> bytes:
        return le("Q", start) + le("Q", end) + le("H", len(label)) + le("H", 0) + label.encode()
    payload = le("I", 2) + le("I", 0) + row(0x1000, 0x9FBFF, "System RAM") + row(0xA0000, 0xFFFFF, "Reserved")
    return Golden(0x0059, payload, {
        "num_rows": "2", "rows.0.start": "0x1000", "rows.0.end": "0x9fbff", "rows.0.len_label": "10",
        "rows.0.label": "System RAM", "rows.1.start": "0xa0000", "rows.1.end": "0xfffff", "rows.1.label": "Reserved"})


def kernel_module_list() -> Golden:
    """Catalogue 6.17: one packed row (26 + NameLen bytes)."""
    row = (le("H", 9) + b"nf_tables"                 # NameLen, Name (no NUL)
           + le("Q", 0x48000) + le("I", 3)           # Size, RefCount
           + le("B", 1) + le("B", 0x00)              # State Live, Taint
           + le("Q", 0xFFFF_FFFF_C0A0_0000)          # Base
           + le("B", 0x02) + le("B", 0))             # Flags (only in /sys/module), Reserved
    assert len(row) == 26 + 9
    return Golden(0x0057, le("I", 1) + le("I", 0) + row, {
        "num_rows": "1", "rows.0.len_name": "9", "rows.0.name": "nf_tables", "rows.0.size": "0x48000",
        "rows.0.ref_count": "3", "rows.0.state": "1", "rows.0.taint": "0x0", "rows.0.base_addr": "0xffffffffc0a00000",
        "rows.0.flags": "0x2"})


def persistence_manifest() -> Golden:
    """Catalogue 6.16: one packed row (24 + PathLen bytes)."""
    path = "/etc/systemd/system/golden.service"
    row = (le("B", 1) + le("B", 0) + le("H", len(path)) + path.encode()  # Source systemd_system, PathLen, Path
           + le("Q", 1_700_000_000_000_000_000) + le("Q", 321)           # MtimeNs, Size
           + le("I", 0o100644))                                          # Mode
    assert len(row) == 24 + len(path)
    return Golden(0x0056, le("I", 1) + le("I", 0) + row, {
        "num_rows": "1", "rows.0.source": "1", "rows.0.len_path": str(len(path)), "rows.0.path": path,
        "rows.0.mtime_ns": "1700000000000000000", "rows.0.size": "321", "rows.0.mode": "0x81a4"})


def region_omission_manifest() -> Golden:
    """Catalogue 6.21: scope, patterns, one row."""
    scope, patterns = "heap,stack", "*.so\n/dev/*"
    row = (le("Q", 0x7F00_0000_0000) + le("Q", 0x1C0000)  # 0x00 BaseAddr, 0x08 Size
           + le("B", 0x05) + le("B", 0x03)                # 0x10 Protection r-x, 0x11 RegionType Image
           + le("B", 1) + le("B", 0)                      # 0x12 Reason ModuleExclude, 0x13 Reserved
           + le("H", len("libc.so.6")) + le("H", 0)       # 0x14 NameLen (no NUL), 0x16 Reserved
           + pad8(b"libc.so.6"))                          # 0x18 Name
    payload = (le("I", 1) + le("I", 0)                    # 0x00 RowCount, 0x04 Reserved
               + le("H", len(scope)) + le("H", len(patterns)) + le("I", 0)  # 0x08, 0x0A, 0x0C
               + pad8(scope.encode()) + pad8(patterns.encode()) + row)
    return Golden(0x005B, payload, {
        "num_rows": "1", "len_scope": "10", "len_patterns": "11", "scope": scope, "patterns": patterns,
        "rows.0.base_addr": "0x7f0000000000", "rows.0.region_size": "0x1c0000", "rows.0.protection": "0x5",
        "rows.0.region_type": "3", "rows.0.reason": "1", "rows.0.len_name": "9", "rows.0.name": "libc.so.6"})


# --- the cases ----------------------------------------------------------------------------------

@dataclass
class GoldenCase:
    """How one golden block is placed: the blocks before it and the header flags."""

    make: Callable[[], Golden]
    spec_ref: str
    rules: list[str]
    features: list[str] = field(default_factory=lambda: ["payloads"])
    context: bool = False
    imported: bool = False


GOLDEN_CASES: dict[str, GoldenCase] = {
    "process-identity": GoldenCase(process_identity, "spec 5.4", ["A1", "C2"]),
    "module-list-index": GoldenCase(module_list_index, "spec 5.3", ["A2", "C2"]),
    "module-entry": GoldenCase(module_entry, "spec 5.2", ["C2", "C8"]),
    "memory-region": GoldenCase(memory_region, "spec 5.1 and 6", ["B-5.1-page-data", "V11-C26"],
                                features=["regions"]),
    "key-hint": GoldenCase(key_hint, "spec 5.6", ["C2"]),
    "related-dump": GoldenCase(related_dump, "spec 5.5", ["C2"]),
    "import-provenance": GoldenCase(import_provenance, "spec 9.1", ["C2"], imported=True),
    "thread-context": GoldenCase(thread_context, "catalogue 6.4 (1.1 section 5.7)", ["C2"]),
    "system-context": GoldenCase(system_context, "catalogue 6.10 layout A (1.1 section 6.2)", ["C2"],
                                 context=True),
    "process-table": GoldenCase(process_table, "catalogue 6.11 (1.1 section 6.3)", ["C2"], context=True),
    "connection-table": GoldenCase(connection_table, "catalogue 6.12 (1.1 section 6.4)", ["C2"], context=True),
    "handle-table": GoldenCase(handle_table, "catalogue 6.13 (1.1 section 6.5)", ["C2"], context=True),
    "vas-map": GoldenCase(vas_map, "catalogue 6.24 (1.1 section 5.8)", ["C2", "V11-C25"]),
    "module-build-id-manifest": GoldenCase(module_build_id_manifest, "catalogue 6.20 (1.1 section 5.10)", ["C2"]),
    "physical-memory-map": GoldenCase(physical_memory_map, "catalogue 6.19 (1.1 section 5.9)", ["C2"]),
    "kernel-module-list": GoldenCase(kernel_module_list, "catalogue 6.17", ["C2"], context=True),
    "persistence-manifest": GoldenCase(persistence_manifest, "catalogue 6.16", ["C2"], context=True),
    "region-omission-manifest": GoldenCase(region_omission_manifest, "catalogue 6.21 (1.1 section 5.11)", ["C2"]),
}
"""Case name -> placement. Every block type with a defined layout that has a table in the
prose spec or the catalogue (the TLV types and the terminators excepted: the terminators'
values are checked through the End-of-Capture facts of every golden case)."""


def _facts(index: int, golden: Golden) -> dict[str, Any]:
    return {f"blocks.{index}.payload.{path}": value for path, value in golden.facts.items()}


def build_golden(name: str) -> tuple[bytes, dict[str, Any], list[int]]:
    """The capture of one golden case, its facts and the type codes it holds."""
    spec = GOLDEN_CASES[name]
    target = spec.make()
    chain: list[Golden] = []
    if spec.imported:
        chain.append(target)
    chain += [process_identity(), module_list_index()]
    if spec.context and target.type_code != 0x0050:
        chain.append(system_context())
    if target.type_code == 0x0020:
        chain.append(memory_region())
    if target.type_code not in (0x0040, 0x0010, 0x0030):
        chain.append(target)
    facts: dict[str, Any] = {}
    for i, golden in enumerate(chain):
        facts.update(_facts(i, golden))
    eoc = len(chain)
    facts.update({f"blocks.{eoc}.type": "0x0fff", f"blocks.{eoc}.payload.acq_end": str(ACQ_END),
                  f"blocks.{eoc}.payload.block_count": str(eoc + 1), "blocks.#": eoc + 1,
                  "result": "complete", "integrity.chain": "ok", "integrity.file_hash": "ok"})
    types = [g.type_code for g in chain]

    def body(w: MslWriter) -> None:
        for g in chain:
            w.write_block(g.type_code, [g.payload], block_uuid=g.block_uuid, parent_uuid=g.parent_uuid)

    flags = (HeaderFlags.IMPORTED if spec.imported else 0) | (HeaderFlags.INVESTIGATION if spec.context else 0)
    data = write_capture(f"golden/{name}", body, cap_bitmap=cap_bitmap_for(types), flags=flags)
    return data, facts, types


def _register(name: str) -> None:
    spec = GOLDEN_CASES[name]

    def build(case_id: str) -> Built:
        data, facts, _types = build_golden(name)
        return Built(data, f"A golden {name.replace('-', ' ')} payload ({spec.spec_ref}), packed by hand with "
                     "struct.pack from the prose tables; every field's decoded value is written by hand in "
                     "'facts'.", "1.1", spec.rules, "required", "valid",
                     {"generator": f"conformance/generators/recipes_golden.py {spec.make.__name__}() "
                      "(struct.pack, no spec/ code) through MslWriter.write_block",
                      "expectation": "facts: decoded values written by hand from the prose spec; generation "
                      "fails when the reference reader disagrees"},
                     features=list(spec.features), expect=facts)

    recipe(f"golden/{name}")(build)


for _name in GOLDEN_CASES:
    _register(_name)


# --- hash algorithms: known-answer vectors, and chains recomputed outside our code ---------------

KNOWN_ANSWERS: dict[str, list[tuple[bytes, str]]] = {
    # FIPS 180-4 examples (NIST CSRC "SHA256.pdf"): "abc" and the empty string.
    "sha256": [(b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
               (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")],
    # FIPS 180-4 examples (NIST CSRC "SHA512_256.pdf"): one block "abc" and the two-block message.
    "sha512_256": [(b"abc", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"),
                   (b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
                    b"mnopqrstnopqrstu", "3928e184fb8690f840da3988121d31be65cb9d3ef83ee6146feac861e19b563a")],
    # BLAKE3 official test_vectors.json (input = bytes i mod 251; first 32 bytes of "hash").
    "blake3": [(bytes(i % 251 for i in range(0)), "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"),
               (bytes(i % 251 for i in range(1)), "2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"),
               (bytes(i % 251 for i in range(1024)),
                "42214739f095a406f3fc83deb889744ac00df831c10daa55189b5d121c855af7"),
               (bytes(i % 251 for i in range(1025)),
                "d00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444")],
}
"""Published known-answer vectors per hash (message, 32-byte digest in hex)."""

HASH_ALGO_CODES = {"blake3": 0x00, "sha256": 0x01, "sha512_256": 0x02}
"""Header HashAlgo codes (catalogue 3.1, byte 0x3D)."""


def independent_hash(name: str, data: bytes) -> str:
    """``data`` hashed outside memslice (hashlib; the ``blake3`` package), after checking the vectors.

    Raises:
        AssertionError: The hash function does not give the published known answers.
    """
    if name == "blake3":
        import blake3

        def fn(b: bytes) -> str:
            return blake3.blake3(b).hexdigest()
    else:
        def fn(b: bytes) -> str:
            return hashlib.new(name, b).hexdigest()
    for message, want in KNOWN_ANSWERS[name]:
        if fn(message) != want:
            raise AssertionError(f"{name} does not give the published digest of a {len(message)}-byte message")
    return fn(data)


def chain_facts(data: bytes, name: str) -> dict[str, Any]:
    """Every block's PrevHash and the FileHash, recomputed from the raw bytes (spec 4.4, 4.5).

    The blocks are walked with the prose layout (BlockLength u32 at +0x08, HeaderSize at 0x09,
    BlockType u16 at +0x04, End-of-Capture 0x0FFF), not with the reader.
    """
    facts: dict[str, Any] = {}
    pos, prev, index = data[9], data[:data[9]], 0
    while pos + 80 <= len(data) and data[pos:pos + 4] == b"MSLC":
        (length,) = struct.unpack_from("<I", data, pos + 8)
        (block_type,) = struct.unpack_from("<H", data, pos + 4)
        facts[f"blocks.{index}.prev_hash"] = independent_hash(name, prev)
        if block_type == 0x0FFF:
            facts[f"blocks.{index}.payload.file_hash"] = independent_hash(name, data[:pos])
        prev = data[pos:pos + length]
        pos += length
        index += 1
    return facts


def _register_hash(name: str, label: str) -> None:
    def build(case_id: str) -> Built:
        chain = [process_identity(), module_list_index(), memory_region()]

        def body(w: MslWriter) -> None:
            for g in chain:
                w.write_block(g.type_code, [g.payload], block_uuid=g.block_uuid, parent_uuid=g.parent_uuid)

        data = write_capture(case_id, body, cap_bitmap=cap_bitmap_for([g.type_code for g in chain]),
                             hash_algo=HASH_ALGO_CODES[name])
        facts = chain_facts(data, name)
        facts.update({"result": "complete", "integrity.chain": "ok", "integrity.file_hash": "ok",
                      "header.hash_algo": str(HASH_ALGO_CODES[name]), "blocks.#": len(chain) + 1})
        return Built(data, f"A capture chained and sealed with {label} (HashAlgo 0x{HASH_ALGO_CODES[name]:02X}): "
                     "every PrevHash and the FileHash in 'facts' were recomputed outside memslice (hashlib or the "
                     "blake3 package, first checked against the published known-answer vectors).", "1.1",
                     ["CS1", "CS2", "V11-C13"], "recommended", "valid",
                     {"generator": "recipes_golden.py: golden Process Identity, Module List Index and Memory Region "
                      f"through MslWriter.write_block(hash_algo={HASH_ALGO_CODES[name]})",
                      "expectation": f"facts: every hash recomputed by {name} over the raw bytes; known answers in "
                      "recipes_golden.KNOWN_ANSWERS"},
                     features=["verify-chain", "verify-file-hash"], expect=facts)

    recipe(f"golden/hash-{name.replace('_', '-')}")(build)


_register_hash("blake3", "BLAKE3")
_register_hash("sha256", "SHA-256")
_register_hash("sha512_256", "SHA-512/256")
