"""Persistence Manifest (0x0056): the files of the usual Linux persistence mechanisms.

Names and metadata only, never content. ``lstat`` is used, so a symlink is recorded as itself.
Directories that do not exist are skipped; unreadable ones are reported as partial.
"""

from __future__ import annotations

import os

from memslice.acquirer.linux.investigate._common import Collected, fit
from memslice.generated.blocks.persistence_manifest import PersistenceManifest, PersistenceRow
from memslice.generated.enums import PersistenceSource as Src

DIRECTORIES: tuple[tuple[Src, str], ...] = (
    (Src.SYSTEMD_SYSTEM, "/etc/systemd/system"), (Src.SYSTEMD_SYSTEM, "/run/systemd/system"),
    (Src.SYSTEMD_SYSTEM, "/usr/lib/systemd/system"), (Src.SYSTEMD_USER, "/etc/systemd/user"),
    (Src.CRON_SYSTEM, "/etc/cron.d"), (Src.CRON_SYSTEM, "/etc/cron.hourly"), (Src.CRON_SYSTEM, "/etc/cron.daily"),
    (Src.CRON_SYSTEM, "/etc/cron.weekly"), (Src.CRON_SYSTEM, "/etc/cron.monthly"),
    (Src.CRON_USER, "/var/spool/cron"), (Src.CRON_USER, "/var/spool/cron/crontabs"),
    (Src.PROFILE_D, "/etc/profile.d"), (Src.PAM_D, "/etc/pam.d"), (Src.UDEV_RULES, "/etc/udev/rules.d"),
    (Src.UDEV_RULES, "/run/udev/rules.d"), (Src.MODPROBE_D, "/etc/modprobe.d"),
    (Src.SYSTEM_GENERATORS, "/etc/systemd/system-generators"),
    (Src.SYSTEM_GENERATORS, "/usr/lib/systemd/system-generators"), (Src.MODULES_LOAD, "/etc/modules-load.d"))
"""Directories whose entries are listed (one level), with the mechanism they belong to."""
FILES: tuple[tuple[Src, str], ...] = ((Src.CRON_SYSTEM, "/etc/crontab"), (Src.RC_LOCAL, "/etc/rc.local"),
                                      (Src.MODULES_LOAD, "/etc/modules"))
"""Single files."""


def _row(source: Src, path: str) -> PersistenceRow | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return PersistenceRow(source=int(source), path=fit(path), mtime_ns=st.st_mtime_ns, size=st.st_size,
                          mode=st.st_mode & 0xFFFFFFFF)


def collect() -> Collected:
    """Every entry of :data:`DIRECTORIES` (sorted by name) and every file of :data:`FILES`."""
    rows: list[PersistenceRow] = []
    unreadable: list[str] = []
    for source, directory in DIRECTORIES:
        try:
            names = sorted(os.listdir(directory))
        except FileNotFoundError:
            continue
        except OSError:
            unreadable.append(directory)
            continue
        rows += [r for name in names if (r := _row(source, os.path.join(directory, name))) is not None]
    rows += [r for source, path in FILES if (r := _row(source, path)) is not None]
    partial = [f"unreadable: {', '.join(unreadable)}"] if unreadable else []
    return Collected(PersistenceManifest(rows=rows), rows=len(rows), partial=partial)
