"""Process Table (0x0051): every process ``/proc`` lists, with owner and command line.

StartTime is written as ns since the Unix epoch (the format's meaning; memslicer 0.5.2
writes clock ticks since boot, erratum D12). A process that exits while it is read is
skipped; an unreadable field leaves that field empty and is counted in ``partial``.
"""

from __future__ import annotations

import os
import pwd

from memslice.acquirer.linux import procfs
from memslice.acquirer.linux.investigate._common import Collected, list_pids, read_bytes, status_fields, text
from memslice.generated.blocks.process_table import ProcessEntry, ProcessTable

_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def user_names() -> dict[int, str]:
    """UID -> user name from the password database (empty when unavailable)."""
    try:
        return {entry.pw_uid: entry.pw_name for entry in pwd.getpwall()}
    except OSError:
        return {}


def read_entry(pid: int, target: int, users: dict[int, str]) -> tuple[ProcessEntry | None, bool]:
    """One process's row; (None, _) when it is gone, (_, True) when a field was unreadable."""
    raw_stat = read_bytes(f"/proc/{pid}/stat")
    if raw_stat is None:
        return None, False
    try:
        stat = procfs.parse_stat(raw_stat)
    except (ValueError, IndexError):
        return None, False
    missing = False
    status = status_fields(pid)
    uid = 0
    if status is None or "Uid" not in status:
        missing = True
    else:
        try:
            uid = int(status["Uid"].split()[0])
        except (ValueError, IndexError):
            missing = True
    rss = 0
    statm = read_bytes(f"/proc/{pid}/statm")
    if statm is not None:
        try:
            rss = int(statm.split()[1]) * _PAGE_SIZE
        except (ValueError, IndexError):
            missing = True
    else:
        missing = True
    cmdline = read_bytes(f"/proc/{pid}/cmdline", 1 << 20)
    if cmdline is None:
        missing = True
        cmdline = b""
    cmd = text(cmdline.rstrip(b"\0").replace(b"\0", b" "))
    user = users.get(uid) if status is not None else None
    return ProcessEntry(
        pid=pid, ppid=stat.ppid, uid=uid, is_target=int(pid == target),
        start_time=procfs.ticks_to_epoch_ns(stat.start_ticks), rss=rss,
        exe_name=text(stat.comm.encode("utf-8", "surrogateescape")) or None, cmd_line=cmd or None,
        user=user or None), missing


def collect(target: int) -> Collected:
    """Every process on the host; the target's row has IsTarget = 1."""
    users = user_names()
    entries: list[ProcessEntry] = []
    incomplete = 0
    for pid in list_pids():
        entry, missing = read_entry(pid, target, users)
        if entry is None:
            continue
        entries.append(entry)
        incomplete += missing
    partial = ([f"{incomplete} process(es) had unreadable status/statm/cmdline fields (left empty)"]
               if incomplete else [])
    return Collected(ProcessTable(entries=entries), rows=len(entries), partial=partial)
