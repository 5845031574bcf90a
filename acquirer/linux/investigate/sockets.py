"""Socket inode -> owning PID, from the ``socket:[INODE]`` links in ``/proc/*/fd``."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from memslice.acquirer.linux.investigate._common import list_pids


@dataclass
class SocketOwners:
    """Which process holds each socket inode.

    Attributes:
        owners: Inode -> PID (the lowest PID when several processes share a socket).
        unreadable: PIDs whose ``fd`` directory could not be listed (their sockets stay
            unattributed, PID 0).
    """

    owners: dict[int, int] = field(default_factory=dict)
    unreadable: list[int] = field(default_factory=list)

    def note(self) -> str | None:
        """Why some sockets are unattributed, or None."""
        if not self.unreadable:
            return None
        return (f"the descriptors of {len(self.unreadable)} process(es) were not readable (permissions); "
                "their sockets have PID 0")


def socket_owners() -> SocketOwners:
    """Scan ``/proc/*/fd`` once (processes and descriptors that vanish are skipped)."""
    found = SocketOwners()
    for pid in list_pids():
        fd_dir = f"/proc/{pid}/fd"
        try:
            names = os.listdir(fd_dir)
        except FileNotFoundError:
            continue
        except OSError:
            found.unreadable.append(pid)
            continue
        for name in names:
            try:
                target = os.readlink(f"{fd_dir}/{name}")
            except OSError:
                continue
            if target.startswith("socket:[") and target.endswith("]"):
                try:
                    inode = int(target[8:-1])
                except ValueError:
                    continue
                found.owners.setdefault(inode, pid)
    return found
