"""Target Introspection (0x0058): facts about the captured process from ``/proc``.

Rows are emitted only for values that were read and are non-zero / non-empty, in tag
order (as memslicer 0.5.2). Value types follow the tag table of the spec (u8, u32, u64,
UTF-8 string, raw bytes for the environment). The environment is redacted
(:mod:`.environment`) and cut to the 64 KiB a row holds.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterable

from memslice.acquirer.linux import procfs
from memslice.acquirer.linux.investigate import environment
from memslice.acquirer.linux.investigate._common import (
    TLV_MAX,
    Collected,
    read_bytes,
    read_str,
    readlink,
    status_fields,
)
from memslice.generated.blocks.target_introspection import TargetIntrospection, TargetIntrospectionRow
from memslice.generated.enums import TargetIntrospectionTag as Tag

NAMESPACES = ("mnt", "pid", "net", "user", "uts", "ipc", "cgroup", "time")
_PF_KTHREAD = 0x00200000
_MAX_ANCESTORS = 32
_ANON = frozenset({"", "[heap]", "[stack]", "[anon]", "[anon_shmem]"})


def _int(text: str | None) -> int:
    try:
        return int((text or "").split()[0])
    except (ValueError, IndexError):
        return 0


def namespaces(pid: int) -> tuple[str, str]:
    """(fingerprint, scope): the target's namespace links, and ``host``/``container``/``partial``."""
    target = {ns: readlink(f"/proc/{pid}/ns/{ns}") or "" for ns in NAMESPACES}
    if not any(target.values()):
        return "", ""
    fingerprint = ",".join(v for v in target.values() if v)
    mine = {ns: readlink(f"/proc/self/ns/{ns}") or "" for ns in NAMESPACES}
    differing = sum(1 for ns in NAMESPACES if target[ns] and mine[ns] and target[ns] != mine[ns])
    scope = "host" if differing == 0 else "container" if differing == len(NAMESPACES) else "partial"
    return fingerprint, scope


def rwx_regions(pid: int) -> int:
    """Anonymous private ``rwx`` mappings (the classic injected-code marker)."""
    count = 0
    for line in (read_str(f"/proc/{pid}/maps", 64 << 20) or "").splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) >= 5 and parts[1] == "rwxp":
            name = parts[5].strip() if len(parts) > 5 else ""
            count += name in _ANON or name.startswith("[stack:")
    return count


def ancestry(pid: int) -> str:
    """``PID:NAME:STARTTICKS`` from the target up to PID 1 (at most 32 hops)."""
    hops: list[str] = []
    current = pid
    for _ in range(_MAX_ANCESTORS):
        raw = read_bytes(f"/proc/{current}/stat")
        if raw is None:
            break
        try:
            stat = procfs.parse_stat(raw)
        except (ValueError, IndexError):
            break
        exe = readlink(f"/proc/{current}/exe")
        hops.append(f"{current}:{os.path.basename(exe) if exe else stat.comm}:{stat.start_ticks}")
        if current == 1 or stat.ppid in (0, current):
            break
        current = stat.ppid
    return ",".join(hops)


def exe_comm_mismatch(pid: int) -> int:
    """1 when the executable's name (first 15 bytes) is not the process's ``comm``."""
    raw = read_bytes(f"/proc/{pid}/stat")
    exe = readlink(f"/proc/{pid}/exe")
    if raw is None or not exe:
        return 0
    try:
        stat = procfs.parse_stat(raw)
        flags = int(raw[raw.rfind(b")") + 2:].split()[6])
    except (ValueError, IndexError):
        return 0
    if flags & _PF_KTHREAD:
        return 0
    name = os.path.basename(exe).removesuffix(" (deleted)")
    return int(name[:15] != stat.comm)


def _keyed(path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (read_str(path, 1 << 16) or "").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def _limits(pid: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (read_str(f"/proc/{pid}/limits", 1 << 16) or "").splitlines()[1:]:
        for key in ("Max core file size", "Max locked memory", "Max open files"):
            if line.startswith(key):
                soft = line[len(key):].split()
                if soft:
                    out[key] = soft[0]
    return out


def collect(pid: int, redact_keys: Iterable[str] = ()) -> Collected:
    """The facts about ``pid``; absent only when the process is gone."""
    status = status_fields(pid)
    if status is None:
        return Collected(None, reason=f"/proc/{pid}/status unreadable (process gone?)")
    rows: list[TargetIntrospectionRow] = []
    partial: list[str] = []

    def put(tag: Tag, value: bytes | str | int, fmt: str = "") -> None:
        if not value:
            return
        raw = struct.pack("<" + fmt, value) if isinstance(value, int) else (
            value.encode("utf-8") if isinstance(value, str) else value)
        rows.append(TargetIntrospectionRow(tag=int(tag), value=raw[:TLV_MAX]))
        if len(raw) > TLV_MAX:
            partial.append(f"{tag.name.lower()} cut to {TLV_MAX} bytes")

    login = read_str(f"/proc/{pid}/loginuid", 64)
    session = read_str(f"/proc/{pid}/sessionid", 64)
    fingerprint, scope = namespaces(pid)
    rollup = _keyed(f"/proc/{pid}/smaps_rollup")
    io = _keyed(f"/proc/{pid}/io")
    limits = _limits(pid)
    cgroup_line = next((line for line in (read_str(f"/proc/{pid}/cgroup", 1 << 16) or "").splitlines() if line), "")
    put(Tag.TRACER_PID, _int(status.get("TracerPid")), "I")
    put(Tag.LOGIN_UID, _int(login) & 0xFFFFFFFF, "I")
    put(Tag.SESSION_AUDIT_ID, _int(session) & 0xFFFFFFFF, "I")
    put(Tag.SELINUX_CONTEXT, (read_str(f"/proc/{pid}/attr/current", 4096) or "").strip().rstrip("\0"))
    put(Tag.TARGET_NS_FINGERPRINT, fingerprint)
    put(Tag.TARGET_NS_SCOPE_VS_COLLECTOR, scope)
    put(Tag.SMAPS_ROLLUP_PSS_KIB, _int(rollup.get("Pss")), "Q")
    put(Tag.SMAPS_ROLLUP_SWAP_KIB, _int(rollup.get("Swap")), "Q")
    put(Tag.SMAPS_ANON_HUGEPAGES_KIB, _int(rollup.get("AnonHugePages")), "Q")
    put(Tag.RWX_REGION_COUNT, rwx_regions(pid), "I")
    put(Tag.TARGET_CGROUP, cgroup_line.split(":", 2)[2] if cgroup_line.count(":") >= 2 else cgroup_line)
    put(Tag.TARGET_CWD, readlink(f"/proc/{pid}/cwd") or "")
    put(Tag.TARGET_ROOT, readlink(f"/proc/{pid}/root") or "")
    put(Tag.CAP_EFF, status.get("CapEff", ""))
    put(Tag.CAP_AMB, status.get("CapAmb", ""))
    put(Tag.NO_NEW_PRIVS, int(status.get("NoNewPrivs") == "1"), "B")
    put(Tag.SECCOMP_MODE, _int(status.get("Seccomp")) & 0xFF, "B")
    put(Tag.CORE_DUMPING, int(status.get("CoreDumping") == "1"), "B")
    put(Tag.THREAD_COUNT, _int(status.get("Threads")), "I")
    put(Tag.SIG_CGT, status.get("SigCgt", ""))
    put(Tag.IO_RCHAR, _int(io.get("rchar")), "Q")
    put(Tag.IO_WCHAR, _int(io.get("wchar")), "Q")
    put(Tag.IO_READ_BYTES, _int(io.get("read_bytes")), "Q")
    put(Tag.IO_WRITE_BYTES, _int(io.get("write_bytes")), "Q")
    put(Tag.LIMIT_CORE, limits.get("Max core file size", ""))
    put(Tag.LIMIT_MEMLOCK, limits.get("Max locked memory", ""))
    put(Tag.LIMIT_NOFILE, limits.get("Max open files", ""))
    put(Tag.PERSONALITY_HEX, (read_str(f"/proc/{pid}/personality", 64) or "").strip())
    put(Tag.ANCESTRY, ancestry(pid))
    put(Tag.EXE_COMM_MISMATCH, exe_comm_mismatch(pid), "B")
    raw_env = read_bytes(f"/proc/{pid}/environ", 4 << 20)
    if raw_env is None:
        partial.append(f"/proc/{pid}/environ unreadable")
    else:
        env, redacted = environment.redact(raw_env, redact_keys)
        put(Tag.ENVIRON, env)
        put(Tag.REDACTED_ENV_KEYS, ",".join(redacted))
    if not io:
        partial.append(f"/proc/{pid}/io unreadable")
    return Collected(TargetIntrospection(target_pid=pid, rows=rows), rows=len(rows), partial=partial)
