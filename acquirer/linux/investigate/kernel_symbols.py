"""Kernel Symbol Bundle (0x0055): facts to interpret kernel addresses and the capture's clocks.

Each row is emitted only when its value could be read and is non-zero / non-empty (as
memslicer 0.5.2 does). Rows that need privileges (KASLR text address under
``kptr_restrict``, vmcoreinfo) are left out and named in ``partial``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import sys
import time
from collections.abc import Callable

from memslice.acquirer.linux.investigate._common import TLV_MAX, Collected, read_bytes, read_str
from memslice.generated.blocks.kernel_symbol_bundle import KernelSymbolBundle, KsbRow
from memslice.generated.enums import KsbTag

_NT_GNU_BUILD_ID = 3
_BIG = 256 << 20  # BTF blobs are a few MiB
KALLSYMS_HEAD = 64 << 10
"""Bytes of /proc/kallsyms read (its first symbols are the kernel text's)."""


def _u(fmt: str) -> Callable[[int], bytes]:
    return lambda v: struct.pack("<" + fmt, v)


def build_id(notes: bytes) -> bytes:
    """The GNU build id in a raw ELF notes section (``/sys/kernel/notes``), or b""."""
    pos = 0
    end = sys.byteorder == "little" and "<" or ">"
    while pos + 12 <= len(notes):
        namesz, descsz, ntype = struct.unpack_from(end + "III", notes, pos)
        name_at = pos + 12
        desc_at = name_at + ((namesz + 3) & ~3)
        nxt = desc_at + ((descsz + 3) & ~3)
        if nxt > len(notes) or nxt <= pos:
            break
        if ntype == _NT_GNU_BUILD_ID and notes[name_at:name_at + namesz].rstrip(b"\0") == b"GNU":
            return notes[desc_at:desc_at + descsz]
        pos = nxt
    return b""


def _symbol(table: bytes, name: bytes) -> int:
    """Address of ``name`` in a ``/proc/kallsyms`` text (0 when absent or hidden)."""
    at = table.find(b" " + name + b"\n")
    if at < 0:
        return 0
    line = table[table.rfind(b"\n", 0, at) + 1:at]
    try:
        return int(line.split()[0], 16)
    except (ValueError, IndexError):
        return 0


def _kallsyms() -> tuple[int, int]:
    """(kernel text address, PAGE_OFFSET) from the head of ``/proc/kallsyms``.

    The kernel generates the file on read (about 0.15 s for all of it), so reading stops
    at the first :data:`KALLSYMS_HEAD` bytes: ``_stext``/``_text`` are the first symbols;
    ``page_offset_base`` (a data symbol) counts only when it is there too. Zeros under
    ``kptr_restrict``.
    """
    table = read_bytes("/proc/kallsyms", KALLSYMS_HEAD) or b""
    return _symbol(table, b"_stext") or _symbol(table, b"_text"), _symbol(table, b"page_offset_base")


def _sha256_file(path: str) -> tuple[bytes, int]:
    raw = read_bytes(path, _BIG)
    return (hashlib.sha256(raw).digest(), len(raw)) if raw else (b"", 0)


def _config_sha256() -> bytes:
    packed = read_bytes("/proc/config.gz", 16 << 20)
    if packed:
        try:
            return hashlib.sha256(gzip.decompress(packed)).digest()
        except (OSError, EOFError):
            pass
    raw = read_bytes(f"/boot/config-{os.uname().release}", 16 << 20)
    return hashlib.sha256(raw).digest() if raw else b""


def _bracketed(path: str) -> str:
    raw = read_str(path, 4096) or ""
    start, end = raw.find("["), raw.find("]")
    return raw[start + 1:end] if 0 <= start < end else ""


def _flag(ok: bool | None) -> int:
    return 1 if ok else 0


def collect() -> Collected:
    """The bundle (always present: the page size and clocks are always readable)."""
    values: dict[KsbTag, bytes] = {}
    partial: list[str] = []

    def put(tag: KsbTag, value: bytes | str | int, pack: Callable[[int], bytes] | None = None) -> None:
        if not value:
            return
        raw = pack(value) if pack is not None and isinstance(value, int) else (
            value.encode("utf-8") if isinstance(value, str) else value)
        if isinstance(raw, bytes) and len(raw) <= TLV_MAX:
            values[tag] = raw

    put(KsbTag.PAGE_SIZE, os.sysconf("SC_PAGE_SIZE"), _u("I"))
    bid = build_id(read_bytes("/sys/kernel/notes", 1 << 16) or b"")
    put(KsbTag.KERNEL_BUILD_ID, bid)
    if not bid:
        partial.append("kernel build id: /sys/kernel/notes unreadable")
    text_va, page_offset = _kallsyms()
    put(KsbTag.KASLR_TEXT_VA, text_va, _u("Q"))
    put(KsbTag.KERNEL_PAGE_OFFSET, page_offset, _u("Q"))
    if not text_va:
        partial.append("KASLR text address hidden (kptr_restrict or no /proc/kallsyms)")
    if not page_offset:
        partial.append("kernel PAGE_OFFSET not in the head of /proc/kallsyms (not read whole: 0.15 s)")
    cpuinfo = read_str("/proc/cpuinfo", 4 << 20) or ""
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), [])
    put(KsbTag.LA57_ENABLED, _flag("la57" in flags), _u("B"))
    meltdown = read_str("/sys/devices/system/cpu/vulnerabilities/meltdown", 4096) or ""
    put(KsbTag.PTI_ACTIVE, _flag("PTI" in meltdown), _u("B"))
    btf, btf_size = _sha256_file("/sys/kernel/btf/vmlinux")
    put(KsbTag.BTF_SHA256, btf)
    put(KsbTag.BTF_SIZE_BYTES, btf_size, _u("Q"))
    vmcore, _ = _sha256_file("/sys/kernel/vmcoreinfo")
    put(KsbTag.VMCOREINFO_SHA256, vmcore)
    if not vmcore:
        partial.append("vmcoreinfo unreadable")
    put(KsbTag.KERNEL_CONFIG_SHA256, _config_sha256())
    put(KsbTag.CLOCK_REALTIME_NS, time.clock_gettime_ns(time.CLOCK_REALTIME), _u("Q"))
    put(KsbTag.CLOCK_MONOTONIC_NS, time.clock_gettime_ns(time.CLOCK_MONOTONIC), _u("Q"))
    put(KsbTag.CLOCK_BOOTTIME_NS, time.clock_gettime_ns(time.CLOCK_BOOTTIME), _u("Q"))
    put(KsbTag.CLOCKSOURCE, (read_str("/sys/devices/system/clocksource/clocksource0/current_clocksource", 256)
                             or "").strip())
    put(KsbTag.THP_MODE, _bracketed("/sys/kernel/mm/transparent_hugepage/enabled"))
    put(KsbTag.KSM_ACTIVE, _flag((read_str("/sys/kernel/mm/ksm/run", 64) or "").strip() == "1"), _u("B"))
    meminfo = {k: v for line in (read_str("/proc/meminfo", 1 << 16) or "").splitlines()
               for k, _, v in [line.partition(":")]}
    for tag, key in ((KsbTag.DIRECTMAP_4K_KIB, "DirectMap4k"), (KsbTag.DIRECTMAP_2M_KIB, "DirectMap2M"),
                     (KsbTag.DIRECTMAP_1G_KIB, "DirectMap1G")):
        try:
            put(tag, int(meminfo.get(key, "0").split()[0]), _u("Q"))
        except (ValueError, IndexError):
            continue
    zswap = (read_str("/sys/module/zswap/parameters/enabled", 64) or "").strip().upper()
    put(KsbTag.ZSWAP_ENABLED, _flag(zswap in ("Y", "1")), _u("B"))
    rows = [KsbRow(tag=int(tag), value=value) for tag, value in sorted(values.items())]
    return Collected(KernelSymbolBundle(rows=rows), rows=len(rows), partial=partial)
