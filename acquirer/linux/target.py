"""Turn what the user typed (``PID`` or ``NAME``) into exactly one process id.

A name matches a process whose ``comm``, executable basename or ``argv[0]`` basename is
exactly that name. The acquirer never picks one of several matches: an ambiguous name
is an error that lists the candidates, so nothing the user did not name is captured.
"""

from __future__ import annotations

import os

from memslice.acquirer.errors import AccessDeniedError, AmbiguousTargetError, TargetNotFoundError
from memslice.acquirer.linux.procfs import read_text

_MAX_LISTED = 10


def _names(pid: int) -> set[str]:
    names: set[str] = set()
    comm = read_text(f"/proc/{pid}/comm")
    if comm:
        names.add(comm.rstrip("\n"))
    try:
        names.add(os.path.basename(os.readlink(f"/proc/{pid}/exe")).removesuffix(" (deleted)"))
    except OSError:
        pass
    cmdline = read_text(f"/proc/{pid}/cmdline")
    if cmdline:
        names.add(os.path.basename(cmdline.split("\0", 1)[0]))
    names.discard("")
    return names


def find_by_name(name: str) -> list[int]:
    """PIDs of every process (but this one) whose name is ``name``."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == me:
            continue
        if name in _names(int(entry)):
            found.append(int(entry))
    return sorted(found)


def resolve(spec: str) -> int:
    """Resolve ``PID`` or ``NAME`` to one PID.

    Raises:
        TargetNotFoundError: No such process.
        AmbiguousTargetError: The name matches several processes.
        AccessDeniedError: The target is this very process.
    """
    text = spec.strip()
    if text.isdigit():
        pid = int(text)
        if pid <= 0 or not os.path.isdir(f"/proc/{pid}"):
            raise TargetNotFoundError(f"no process with PID {pid}")
        try:
            with open(f"/proc/{pid}/status", "rb") as handle:
                is_thread = not any(line.startswith(b"Tgid:") and int(line.split()[1]) == pid for line in handle)
        except OSError:
            raise TargetNotFoundError(f"no process with PID {pid}") from None
        if is_thread:
            raise TargetNotFoundError(f"{pid} is a thread id, not a process id; name its process (Tgid)")
        if pid == os.getpid():
            raise AccessDeniedError("refusing to capture the capturing process itself", pid=pid)
        return pid
    if not text:
        raise TargetNotFoundError("empty target: give a PID or a process name")
    pids = find_by_name(text)
    if not pids:
        raise TargetNotFoundError(f"no process named {text!r}")
    if len(pids) > 1:
        listed = ", ".join(str(p) for p in pids[:_MAX_LISTED]) + (", ..." if len(pids) > _MAX_LISTED else "")
        raise AmbiguousTargetError(f"{len(pids)} processes are named {text!r} (PIDs {listed}); give the PID")
    return pids[0]
