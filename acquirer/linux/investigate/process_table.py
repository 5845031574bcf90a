"""Process Table (0x0051): every process ``/proc`` lists, with owner and command line.

StartTime is written as ns since the Unix epoch (the format's meaning; memslicer 0.5.2
writes clock ticks since boot, erratum D12). A process that exits while it is read is
skipped; an unreadable field leaves that field empty and is counted in ``partial``.
"""

from __future__ import annotations

import os
import pwd
import time

from memslice.acquirer.linux import procfs
from memslice.acquirer.linux.investigate._common import Collected, list_pids, read_bytes, text
from memslice.generated.blocks.process_table import ProcessEntry, ProcessTable

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
_CLK_TCK = os.sysconf("SC_CLK_TCK")


def user_names() -> dict[int, str]:
    """UID -> user name from the password database (empty when unavailable)."""
    try:
        return {entry.pw_uid: entry.pw_name for entry in pwd.getpwall()}
    except OSError:
        return {}


def _real_uid(status: bytes) -> int | None:
    at = status.find(b"\nUid:")
    if at < 0:
        return None
    try:
        return int(status[at + 5:status.find(b"\n", at + 5)].split()[0])
    except (ValueError, IndexError):
        return None


def read_entry(pid: int, target: int, users: dict[int, str], boot_ns: int) -> tuple[ProcessEntry | None, bool]:
    """One process's row; (None, _) when it is gone, (_, True) when a field was unreadable.

    Args:
        pid: The process.
        target: The captured process (IsTarget).
        users: UID -> name.
        boot_ns: Boot time in ns since the epoch (start ticks are added to it).
    """
    raw_stat = read_bytes(f"/proc/{pid}/stat")
    if raw_stat is None:
        return None, False
    try:
        stat = procfs.parse_stat(raw_stat)
    except (ValueError, IndexError):
        return None, False
    status = read_bytes(f"/proc/{pid}/status", 1 << 16)
    uid = _real_uid(status) if status is not None else None
    missing = uid is None
    rss = 0
    statm = read_bytes(f"/proc/{pid}/statm")
    try:
        rss = int((statm or b"").split()[1]) * _PAGE_SIZE
    except (ValueError, IndexError):
        missing = True
    cmdline = read_bytes(f"/proc/{pid}/cmdline", 1 << 20)
    if cmdline is None:
        missing = True
        cmdline = b""
    cmd = text(cmdline.rstrip(b"\0").replace(b"\0", b" "))
    user = users.get(uid) if uid is not None else None
    return ProcessEntry(
        pid=pid, ppid=stat.ppid, uid=uid or 0, is_target=int(pid == target),
        start_time=boot_ns + stat.start_ticks * 1_000_000_000 // _CLK_TCK, rss=rss,
        exe_name=text(stat.comm.encode("utf-8", "surrogateescape")) or None, cmd_line=cmd or None,
        user=user or None), missing


def collect(target: int) -> Collected:
    """Every process on the host; the target's row has IsTarget = 1."""
    users = user_names()
    boot_ns = time.clock_gettime_ns(time.CLOCK_REALTIME) - time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    entries: list[ProcessEntry] = []
    incomplete = 0
    for pid in list_pids():
        entry, missing = read_entry(pid, target, users, boot_ns)
        if entry is None:
            continue
        entries.append(entry)
        incomplete += missing
    partial = ([f"{incomplete} process(es) had unreadable status/statm/cmdline fields (left empty)"]
               if incomplete else [])
    return Collected(ProcessTable(entries=entries), rows=len(entries), partial=partial)
