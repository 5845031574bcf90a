"""Errors of the live acquirer, each with the exit code ``msl capture`` returns for it.

All are :class:`~memslice.errors.MslError` subclasses so that callers handle one
hierarchy; the message names the process, the address or the file concerned.
"""

from __future__ import annotations

from typing import ClassVar

from memslice.errors import MslError


class AcquireError(MslError):
    """Base class of acquisition failures.

    Attributes:
        exit_code: Exit status of ``msl capture`` for this failure.
        pid: The target process, when known.
        report: The acquisition report so far, when the capture had started.
    """

    exit_code: ClassVar[int] = 1
    report: object | None = None
    """The acquisition report so far (an ``AcquisitionReport``), when the capture had started."""

    def __init__(self, message: str, *, pid: int | None = None, offset: int | None = None,
                 block_index: int | None = None, rule: str | None = None) -> None:
        self.pid = pid
        super().__init__(message, offset=offset, block_index=block_index, rule=rule)


class TargetNotFoundError(AcquireError):
    """No process has that PID or name."""

    exit_code = 3


class AmbiguousTargetError(AcquireError):
    """A process name matches more than one process."""

    exit_code = 4


class AccessDeniedError(AcquireError):
    """The kernel refuses access to the target (ptrace or ``/proc``)."""

    exit_code = 5


class OutputExistsError(AcquireError):
    """The output file exists and ``--force`` was not given."""

    exit_code = 6


class OutputWriteError(AcquireError):
    """The output could not be written (disk full, file size limit, I/O error).

    Attributes:
        partial: The partial file (``OUT.<random>.partial``) kept on disk (its chain verifies up to the last
            complete block), or None.
    """

    exit_code = 7

    def __init__(self, message: str, *, partial: str | None = None, pid: int | None = None,
                 offset: int | None = None, block_index: int | None = None, rule: str | None = None) -> None:
        self.partial = partial
        super().__init__(message, pid=pid, offset=offset, block_index=block_index, rule=rule)


class TargetGoneError(AcquireError):
    """The target exited before anything could be captured."""

    exit_code = 8


class UnsupportedTargetError(AcquireError):
    """The platform or the target's architecture is not supported."""

    exit_code = 9


def denied_hint(what: str = "ptrace") -> str:
    """What to try after a permission refusal, for the user we run as.

    As root, "run as root" is no advice: then a sandbox, container or security module refuses
    it (seccomp, AppArmor/SELinux, ``kernel.yama.ptrace_scope`` 3, another PID or user namespace).
    """
    import os

    if os.geteuid() == 0:
        return (f"you are already root: a sandbox, container or security module refuses {what} (seccomp, "
                "AppArmor/SELinux, kernel.yama.ptrace_scope=3, another PID or user namespace)")
    return "run as root or with CAP_SYS_PTRACE; see kernel.yama.ptrace_scope"
