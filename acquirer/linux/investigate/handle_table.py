"""Handle Table (0x0053): the target's open file descriptors (type and target)."""

from __future__ import annotations

import os
import stat

from memslice.acquirer.linux.investigate._common import Collected, fit, readlink
from memslice.generated.blocks.handle_table import HandleEntry, HandleTable
from memslice.generated.enums import HandleTypeMemslicer


def classify(fd_path: str, target: str) -> HandleTypeMemslicer:
    """The handle kind of one descriptor, from its link text and ``stat`` of the descriptor."""
    if target.startswith("socket:"):
        return HandleTypeMemslicer.SOCKET
    if target.startswith("pipe:"):
        return HandleTypeMemslicer.PIPE
    try:
        mode = os.stat(fd_path).st_mode
    except OSError:
        return HandleTypeMemslicer.DEVICE if target.startswith("/dev/") else HandleTypeMemslicer.UNKNOWN
    if stat.S_ISDIR(mode):
        return HandleTypeMemslicer.DIR
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return HandleTypeMemslicer.DEVICE
    if stat.S_ISFIFO(mode):
        return HandleTypeMemslicer.PIPE
    if stat.S_ISSOCK(mode):
        return HandleTypeMemslicer.SOCKET
    if stat.S_ISREG(mode):
        return HandleTypeMemslicer.FILE
    return HandleTypeMemslicer.OTHER  # anon_inode:[eventfd] and the like


def collect(pid: int) -> Collected:
    """The descriptors of ``pid`` in numeric order; ones closed meanwhile are skipped."""
    fd_dir = f"/proc/{pid}/fd"
    try:
        names = os.listdir(fd_dir)
    except OSError as exc:
        return Collected(None, reason=f"cannot list {fd_dir}: {exc.strerror}")
    entries: list[HandleEntry] = []
    for fd in sorted(int(n) for n in names if n.isdigit()):
        path = f"{fd_dir}/{fd}"
        target = readlink(path)
        if target is None:
            continue
        entries.append(HandleEntry(pid=pid, fd=fd, handle_type=int(classify(path, target)),
                                   path=fit(target) or None))
    return Collected(HandleTable(entries=entries), rows=len(entries))
