# Generated from spec/blocks/system_context.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""System Context (block type 0x0050, spec 1.1:6.2, since 1.1).

Host-level context of an investigation-mode capture: boot time, number of targets, which system
tables follow, and the acquiring user, hostname, domain, OS detail and case reference. Present
exactly when header flag Investigation is set, which requires capability bit 11
(V11-9-investigation); block 2 of a memslicer live capture (memdiver 1.0.2 puts it after the
module entries). The Process, Connection and Handle Tables name it as their parent. Not in the
public spec (its block type lies in 1.0's reserved range, D1). memslicer and memdiver write two
incompatible 32-byte heads that coincide only at BootTime (D8); memdiver 1.0.2 decoding a
memslicer block reads TargetCount 1793 and a garbage bitmap. The dialect picks the layout.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import FieldInfo, Finding, encode_str, need, padding, read_str, sized

BLOCK_TYPE = 0x0050
BLOCK_ID = "system_context"
TITLE = "System Context"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = "system_context"
PARENT = None
IN_EXTENSION = False

_SYSTEM_CONTEXT_BOOT_TIME_TO_RESERVED = {"<": Struct("<QBIHHHHH9s"), ">": Struct(">QBIHHHHH9s")}
_SYSTEM_CONTEXT_MEMDIVER_BOOT_TIME_TO_RESERVED = {"<": Struct("<QIIHHHHH6s"), ">": Struct(">QIIHHHHH6s")}
_SYSTEM_CONTEXT_MEMDIVER_UPTIME_TO_RESERVED_TAIL = {"<": Struct("<QH6s"), ">": Struct(">QH6s")}


@dataclass(slots=True)
class SystemContext:
    """Payload layout ``system_context`` of block system_context (dialects: spec-1.0, spec-1.1).

    Layout A (memslicer 0.2.7, the reverseame fork, 0.5.2): u8 TargetCount at 0x08, then the u32
    TableBitmap and five u16 lengths packed without alignment, 9 reserved bytes. AcqUser, Hostname
    and OSDetail are always written (a lone NUL, length 1, when empty); Domain and CaseRef have
    length 0 when omitted. OSDetail follows memslicer's convention "msl.memslicer/1 <human string> |
    k=v;k=v..." with %HH escaping (content, not wire structure).

    Spec: 1.1:6.2. Source: blocks/system_context.yaml:layouts[0].

    Attributes:
        boot_time: Host boot time (ns since the Unix epoch). (BootTime, +0x00, spec 1.1:6.2.)
        num_targets: Number of captured target processes (u8, 1 in practice). (TargetCount, +0x08,
            spec cat:6.10.)
        table_bitmap: Which system tables follow (bits 0-9; 5 and 8 reserved, never set).
            (TableBitmap, +0x09, spec cat:6.10.)
        len_acq_user: Byte length of acq_user including its NUL. (AcqUserLen, +0x0D, spec cat:6.10.)
        len_hostname: Byte length of hostname including its NUL. (HostnameLen, +0x0F, spec
            cat:6.10.)
        len_domain: Byte length of domain including its NUL; 0 = omitted. (DomainLen, +0x11, spec
            cat:6.10.)
        len_os_detail: Byte length of os_detail including its NUL. (OSDetailLen, +0x13, spec
            cat:6.10.)
        len_case_ref: Byte length of case_ref including its NUL; 0 = omitted. (CaseRefLen, +0x15,
            spec cat:6.10.)
        reserved: Reserved; zero. (Reserved, +0x17, spec cat:6.10.)
        acq_user: User that ran the acquisition (UTF-8). (AcqUser, +0x20, spec 1.1:6.2.)
        hostname: Host name (UTF-8). (Hostname, variable offset, spec 1.1:6.2.)
        domain: Domain (UTF-8); absent when len_domain is 0. (Domain, variable offset, spec
            1.1:6.2.)
        os_detail: Operating system description (UTF-8). (OSDetail, variable offset, spec 1.1:6.2.)
        case_ref: Case reference (UTF-8); absent when len_case_ref is 0. (CaseRef, variable offset,
            spec 1.1:6.2.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0050
    BLOCK_ID: ClassVar[str] = "system_context"
    LAYOUT_ID: ClassVar[str] = "system_context"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="boot_time", kind="int", orig="BootTime", offset=0x00, size=8),
        FieldInfo(id="num_targets", kind="int", orig="TargetCount", offset=0x08, size=1),
        FieldInfo(
            id="table_bitmap",
            kind="int",
            format="hex",
            flags="system_table_bitmap",
            orig="TableBitmap",
            offset=0x09,
            size=4,
        ),
        FieldInfo(id="len_acq_user", kind="int", orig="AcqUserLen", offset=0x0D, size=2),
        FieldInfo(id="len_hostname", kind="int", orig="HostnameLen", offset=0x0F, size=2),
        FieldInfo(id="len_domain", kind="int", orig="DomainLen", offset=0x11, size=2),
        FieldInfo(id="len_os_detail", kind="int", orig="OSDetailLen", offset=0x13, size=2),
        FieldInfo(id="len_case_ref", kind="int", orig="CaseRefLen", offset=0x15, size=2),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x17, size=9),
        FieldInfo(id="acq_user", kind="str", orig="AcqUser", offset=0x20),
        FieldInfo(id="hostname", kind="str", orig="Hostname"),
        FieldInfo(id="domain", kind="str", orig="Domain"),
        FieldInfo(id="os_detail", kind="str", orig="OSDetail"),
        FieldInfo(id="case_ref", kind="str", orig="CaseRef"),
    )

    boot_time: int = 0
    num_targets: int = 0
    table_bitmap: int = 0
    len_acq_user: int | None = None
    len_hostname: int | None = None
    len_domain: int | None = None
    len_os_detail: int | None = None
    len_case_ref: int | None = None
    reserved: bytes = bytes(9)
    acq_user: str | None = None
    hostname: str | None = None
    domain: str | None = None
    os_detail: str | None = None
    case_ref: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> SystemContext:
        """Decode a whole buffer as one SystemContext.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[SystemContext, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 32, end, "SystemContext.boot_time")
        (
            f_boot_time,
            f_num_targets,
            f_table_bitmap,
            f_len_acq_user,
            f_len_hostname,
            f_len_domain,
            f_len_os_detail,
            f_len_case_ref,
            f_reserved,
        ) = _SYSTEM_CONTEXT_BOOT_TIME_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 32
        f_acq_user, pos = read_str(view, pos, f_len_acq_user, end, True, "nul", "SystemContext.acq_user")
        f_hostname, pos = read_str(view, pos, f_len_hostname, end, True, "nul", "SystemContext.hostname")
        f_domain, pos = read_str(view, pos, f_len_domain, end, True, "nul", "SystemContext.domain")
        f_os_detail, pos = read_str(view, pos, f_len_os_detail, end, True, "nul", "SystemContext.os_detail")
        f_case_ref, pos = read_str(view, pos, f_len_case_ref, end, True, "nul", "SystemContext.case_ref")
        obj = cls(
            boot_time=f_boot_time,
            num_targets=f_num_targets,
            table_bitmap=f_table_bitmap,
            len_acq_user=f_len_acq_user,
            len_hostname=f_len_hostname,
            len_domain=f_len_domain,
            len_os_detail=f_len_os_detail,
            len_case_ref=f_len_case_ref,
            reserved=f_reserved,
            acq_user=f_acq_user,
            hostname=f_hostname,
            domain=f_domain,
            os_detail=f_os_detail,
            case_ref=f_case_ref,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_acq_user = encode_str(self.acq_user, "nul")
        raw_hostname = encode_str(self.hostname, "nul")
        raw_domain = encode_str(self.domain, "nul")
        raw_os_detail = encode_str(self.os_detail, "nul")
        raw_case_ref = encode_str(self.case_ref, "nul")
        f_boot_time = self.boot_time
        f_num_targets = self.num_targets
        f_table_bitmap = self.table_bitmap
        f_len_acq_user = self.len_acq_user
        if f_len_acq_user is None:
            f_len_acq_user = len(raw_acq_user)
        f_len_hostname = self.len_hostname
        if f_len_hostname is None:
            f_len_hostname = len(raw_hostname)
        f_len_domain = self.len_domain
        if f_len_domain is None:
            f_len_domain = len(raw_domain)
        f_len_os_detail = self.len_os_detail
        if f_len_os_detail is None:
            f_len_os_detail = len(raw_os_detail)
        f_len_case_ref = self.len_case_ref
        if f_len_case_ref is None:
            f_len_case_ref = len(raw_case_ref)
        parts.append(_SYSTEM_CONTEXT_BOOT_TIME_TO_RESERVED[endian].pack(
            f_boot_time,
            f_num_targets,
            f_table_bitmap,
            f_len_acq_user,
            f_len_hostname,
            f_len_domain,
            f_len_os_detail,
            f_len_case_ref,
            self.reserved or bytes(9),
        ))
        parts.append(sized(raw_acq_user, f_len_acq_user, "SystemContext.acq_user"))
        parts.append(padding(f_len_acq_user))
        parts.append(sized(raw_hostname, f_len_hostname, "SystemContext.hostname"))
        parts.append(padding(f_len_hostname))
        parts.append(sized(raw_domain, f_len_domain, "SystemContext.domain"))
        parts.append(padding(f_len_domain))
        parts.append(sized(raw_os_detail, f_len_os_detail, "SystemContext.os_detail"))
        parts.append(padding(f_len_os_detail))
        parts.append(sized(raw_case_ref, f_len_case_ref, "SystemContext.case_ref"))
        parts.append(padding(f_len_case_ref))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != bytes(9):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class SystemContextMemdiver:
    """Payload layout ``system_context_memdiver`` of block system_context (dialects: memdiver-1.0.2).

    Layout B (the pre-1.1 MemDiver tree and memdiver 1.0.2): u32 TargetCount and an aligned u32
    TableBitmap (bits 0-2 only), five u16 lengths at 0x10, 6 reserved bytes. Every string is omitted
    (length 0) when empty. memdiver readers also accept a legacy "deviation tail" after CaseRef (u64
    uptime, u16 OS version length, 6 reserved bytes, OS version string) from older MemDiver writers;
    1.0.2 no longer writes it.

    Spec: cat:6.10. Source: blocks/system_context.yaml:layouts[1].

    Attributes:
        boot_time: Host boot time (ns since the Unix epoch). (BootTime, +0x00, spec 1.1:6.2.)
        num_targets: Number of captured target processes (u32). (TargetCount, +0x08, spec cat:6.10.)
        table_bitmap: Which system tables follow (memdiver sets bits 0-2 only). (TableBitmap, +0x0C,
            spec cat:6.10.)
        len_acq_user: Byte length of acq_user including its NUL; 0 = empty. (AcqUserLen, +0x10, spec
            cat:6.10.)
        len_hostname: Byte length of hostname including its NUL; 0 = empty. (HostnameLen, +0x12,
            spec cat:6.10.)
        len_domain: Byte length of domain including its NUL; 0 = omitted. (DomainLen, +0x14, spec
            cat:6.10.)
        len_os_detail: Byte length of os_detail including its NUL; 0 = empty. (OSDetailLen, +0x16,
            spec cat:6.10.)
        len_case_ref: Byte length of case_ref including its NUL; 0 = omitted. (CaseRefLen, +0x18,
            spec cat:6.10.)
        reserved: Reserved; zero. (Reserved, +0x1A, spec cat:6.10.)
        acq_user: User that ran the acquisition (UTF-8). (AcqUser, +0x20, spec 1.1:6.2.)
        hostname: Host name (UTF-8). (Hostname, variable offset, spec 1.1:6.2.)
        domain: Domain (UTF-8). (Domain, variable offset, spec 1.1:6.2.)
        os_detail: Operating system description (UTF-8). (OSDetail, variable offset, spec 1.1:6.2.)
        case_ref: Case reference (UTF-8). (CaseRef, variable offset, spec 1.1:6.2.)
        uptime: Legacy MemDiver deviation tail: host uptime (ns) for clock-skew checks. Not written
            by memdiver 1.0.2. (uptime_ns, variable offset, spec cat:6.10.)
        len_os_version: Legacy deviation tail: byte length of os_version including its NUL; 0 =
            none. (os_version_len, variable offset, spec cat:6.10.)
        reserved_tail: Legacy deviation tail: reserved; zero. (Reserved, variable offset, spec
            cat:6.10.)
        os_version: Legacy deviation tail: short OS label (UTF-8). (os_version, variable offset,
            spec cat:6.10.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0050
    BLOCK_ID: ClassVar[str] = "system_context"
    LAYOUT_ID: ClassVar[str] = "system_context_memdiver"
    DIALECTS: ClassVar[tuple[str, ...]] = ("memdiver-1.0.2",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="boot_time", kind="int", orig="BootTime", offset=0x00, size=8),
        FieldInfo(id="num_targets", kind="int", orig="TargetCount", offset=0x08, size=4),
        FieldInfo(
            id="table_bitmap",
            kind="int",
            format="hex",
            flags="system_table_bitmap",
            orig="TableBitmap",
            offset=0x0C,
            size=4,
        ),
        FieldInfo(id="len_acq_user", kind="int", orig="AcqUserLen", offset=0x10, size=2),
        FieldInfo(id="len_hostname", kind="int", orig="HostnameLen", offset=0x12, size=2),
        FieldInfo(id="len_domain", kind="int", orig="DomainLen", offset=0x14, size=2),
        FieldInfo(id="len_os_detail", kind="int", orig="OSDetailLen", offset=0x16, size=2),
        FieldInfo(id="len_case_ref", kind="int", orig="CaseRefLen", offset=0x18, size=2),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x1A, size=6),
        FieldInfo(id="acq_user", kind="str", orig="AcqUser", offset=0x20),
        FieldInfo(id="hostname", kind="str", orig="Hostname"),
        FieldInfo(id="domain", kind="str", orig="Domain"),
        FieldInfo(id="os_detail", kind="str", orig="OSDetail"),
        FieldInfo(id="case_ref", kind="str", orig="CaseRef"),
        FieldInfo(id="uptime", kind="int", orig="uptime_ns", size=8),
        FieldInfo(id="len_os_version", kind="int", orig="os_version_len", size=2),
        FieldInfo(id="reserved_tail", kind="bytes", reserved=True, orig="Reserved", size=6),
        FieldInfo(id="os_version", kind="str", orig="os_version"),
    )

    boot_time: int = 0
    num_targets: int = 0
    table_bitmap: int = 0
    len_acq_user: int | None = None
    len_hostname: int | None = None
    len_domain: int | None = None
    len_os_detail: int | None = None
    len_case_ref: int | None = None
    reserved: bytes = bytes(6)
    acq_user: str | None = None
    hostname: str | None = None
    domain: str | None = None
    os_detail: str | None = None
    case_ref: str | None = None
    uptime: int | None = None
    len_os_version: int | None = None
    reserved_tail: bytes | None = None
    os_version: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> SystemContextMemdiver:
        """Decode a whole buffer as one SystemContextMemdiver.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[SystemContextMemdiver, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 32, end, "SystemContextMemdiver.boot_time")
        (
            f_boot_time,
            f_num_targets,
            f_table_bitmap,
            f_len_acq_user,
            f_len_hostname,
            f_len_domain,
            f_len_os_detail,
            f_len_case_ref,
            f_reserved,
        ) = _SYSTEM_CONTEXT_MEMDIVER_BOOT_TIME_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 32
        f_acq_user, pos = read_str(view, pos, f_len_acq_user, end, True, "nul", "SystemContextMemdiver.acq_user")
        f_hostname, pos = read_str(view, pos, f_len_hostname, end, True, "nul", "SystemContextMemdiver.hostname")
        f_domain, pos = read_str(view, pos, f_len_domain, end, True, "nul", "SystemContextMemdiver.domain")
        f_os_detail, pos = read_str(view, pos, f_len_os_detail, end, True, "nul", "SystemContextMemdiver.os_detail")
        f_case_ref, pos = read_str(view, pos, f_len_case_ref, end, True, "nul", "SystemContextMemdiver.case_ref")
        f_uptime = None
        f_len_os_version = None
        f_reserved_tail = None
        f_os_version = None
        if pos < end:
            need(view, pos, 16, end, "SystemContextMemdiver.uptime")
            (
                f_uptime,
                f_len_os_version,
                f_reserved_tail,
            ) = _SYSTEM_CONTEXT_MEMDIVER_UPTIME_TO_RESERVED_TAIL[endian].unpack_from(view, pos)
            pos += 16
            f_os_version, pos = read_str(
                view,
                pos,
                f_len_os_version,
                end,
                True,
                "nul",
                "SystemContextMemdiver.os_version",
            )
        obj = cls(
            boot_time=f_boot_time,
            num_targets=f_num_targets,
            table_bitmap=f_table_bitmap,
            len_acq_user=f_len_acq_user,
            len_hostname=f_len_hostname,
            len_domain=f_len_domain,
            len_os_detail=f_len_os_detail,
            len_case_ref=f_len_case_ref,
            reserved=f_reserved,
            acq_user=f_acq_user,
            hostname=f_hostname,
            domain=f_domain,
            os_detail=f_os_detail,
            case_ref=f_case_ref,
            uptime=f_uptime,
            len_os_version=f_len_os_version,
            reserved_tail=f_reserved_tail,
            os_version=f_os_version,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_acq_user = encode_str(self.acq_user, "nul")
        raw_hostname = encode_str(self.hostname, "nul")
        raw_domain = encode_str(self.domain, "nul")
        raw_os_detail = encode_str(self.os_detail, "nul")
        raw_case_ref = encode_str(self.case_ref, "nul")
        raw_os_version = encode_str(self.os_version, "nul")
        f_boot_time = self.boot_time
        f_num_targets = self.num_targets
        f_table_bitmap = self.table_bitmap
        f_len_acq_user = self.len_acq_user
        if f_len_acq_user is None:
            f_len_acq_user = len(raw_acq_user)
        f_len_hostname = self.len_hostname
        if f_len_hostname is None:
            f_len_hostname = len(raw_hostname)
        f_len_domain = self.len_domain
        if f_len_domain is None:
            f_len_domain = len(raw_domain)
        f_len_os_detail = self.len_os_detail
        if f_len_os_detail is None:
            f_len_os_detail = len(raw_os_detail)
        f_len_case_ref = self.len_case_ref
        if f_len_case_ref is None:
            f_len_case_ref = len(raw_case_ref)
        f_uptime = self.uptime
        f_len_os_version = self.len_os_version
        if f_len_os_version is None:
            if self.os_version is not None:
                f_len_os_version = len(raw_os_version)
            else:
                f_len_os_version = 0
        parts.append(_SYSTEM_CONTEXT_MEMDIVER_BOOT_TIME_TO_RESERVED[endian].pack(
            f_boot_time,
            f_num_targets,
            f_table_bitmap,
            f_len_acq_user,
            f_len_hostname,
            f_len_domain,
            f_len_os_detail,
            f_len_case_ref,
            self.reserved or bytes(6),
        ))
        parts.append(sized(raw_acq_user, f_len_acq_user, "SystemContextMemdiver.acq_user"))
        parts.append(padding(f_len_acq_user))
        parts.append(sized(raw_hostname, f_len_hostname, "SystemContextMemdiver.hostname"))
        parts.append(padding(f_len_hostname))
        parts.append(sized(raw_domain, f_len_domain, "SystemContextMemdiver.domain"))
        parts.append(padding(f_len_domain))
        parts.append(sized(raw_os_detail, f_len_os_detail, "SystemContextMemdiver.os_detail"))
        parts.append(padding(f_len_os_detail))
        parts.append(sized(raw_case_ref, f_len_case_ref, "SystemContextMemdiver.case_ref"))
        parts.append(padding(f_len_case_ref))
        if self.uptime is not None or self.len_os_version is not None or self.os_version is not None:
            parts.append(_SYSTEM_CONTEXT_MEMDIVER_UPTIME_TO_RESERVED_TAIL[endian].pack(
                f_uptime,
                f_len_os_version,
                self.reserved_tail or bytes(6),
            ))
            parts.append(sized(raw_os_version, f_len_os_version, "SystemContextMemdiver.os_version"))
            parts.append(padding(f_len_os_version))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != bytes(6):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved_tail is not None and self.reserved_tail != bytes(6):
            found.append(Finding("reserved_tail", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (SystemContext, SystemContextMemdiver, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
