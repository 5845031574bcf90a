"""Freeze a process with ``PTRACE_SEIZE`` + ``PTRACE_INTERRUPT`` and read its registers.

Every ptrace request for a tracee must come from the thread that attached it, so a
:class:`Freezer` must be used from one thread only (the acquirer uses the main thread;
the reader thread only calls ``process_vm_readv``, which needs no attachment).

Threads created while freezing are caught by re-listing ``/proc/PID/task`` until no new
thread appears (a stopped thread cannot create one). A thread that stops with a pending
signal (signal-delivery-stop) gets that signal back when it is detached, so freezing does
not swallow signals; a process that was stopped (SIGSTOP) before stays stopped.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import signal
import time

from memslice.acquirer.errors import AccessDeniedError, TargetGoneError, denied_hint
from memslice.acquirer.linux import libc
from memslice.acquirer.linux.procfs import list_tids, tracer_pid
from memslice.acquirer.source import FreezeResult

PTRACE_DETACH = 17
PTRACE_GETREGSET = 0x4204
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
PTRACE_EVENT_STOP = 128
_WALL = 0x40000000
_STOP_TIMEOUT = 10.0


class Freezer:
    """Stop every thread of a process and resume them later.

    Args:
        pid: The target process.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._seized: set[int] = set()
        self._stopped: set[int] = set()
        self._pending_signal: dict[int, int] = {}
        self.result = FreezeResult()

    @property
    def frozen(self) -> bool:
        """True while at least one thread is held stopped."""
        return bool(self._stopped)

    def freeze(self, timeout: float = _STOP_TIMEOUT) -> FreezeResult:
        """Seize and interrupt every thread; wait until each one has stopped.

        Raises:
            AccessDeniedError: ptrace is refused (not root, Yama, already traced).
            TargetGoneError: The process exited before any thread could be stopped.
        """
        started = time.monotonic()
        seen: set[int] = set()
        while True:
            try:
                tids = [t for t in list_tids(self.pid) if t not in seen]
            except FileNotFoundError:
                tids = []
            if not tids:
                break
            for tid in tids:
                seen.add(tid)
                self._seize(tid)
            self._wait_stops([t for t in tids if t in self._seized], started + timeout)
        if not self._stopped:
            self.thaw()
            raise TargetGoneError(f"process {self.pid} exited before it could be frozen", pid=self.pid)
        self.result.stopped = sorted(self._stopped)
        self.result.seconds = time.monotonic() - started
        return self.result

    def _seize(self, tid: int) -> None:
        try:
            libc.ptrace(PTRACE_SEIZE, tid, 0, 0)
        except OSError as exc:
            if exc.errno == errno.ESRCH:
                self.result.vanished.append(tid)
                return
            if exc.errno == errno.EPERM and not self._seized:
                tracer = tracer_pid(self.pid)
                why = (f"it is already traced by PID {tracer}" if tracer > 0
                       else denied_hint("ptrace"))
                raise AccessDeniedError(f"cannot freeze PID {self.pid}: ptrace denied ({why}); "
                                        "--no-freeze captures without stopping it", pid=self.pid) from None
            self.result.not_stopped[tid] = f"PTRACE_SEIZE failed: {exc.strerror}"
            return
        self._seized.add(tid)
        try:
            libc.ptrace(PTRACE_INTERRUPT, tid, 0, 0)
        except OSError as exc:
            if exc.errno == errno.ESRCH:
                self.result.vanished.append(tid)
            else:
                self.result.not_stopped[tid] = f"PTRACE_INTERRUPT failed: {exc.strerror}"

    def _wait_stops(self, tids: list[int], deadline: float) -> None:
        pending = set(tids)
        delay = 0.0002
        while pending:
            for tid in sorted(pending):
                try:
                    got, status = os.waitpid(tid, _WALL | os.WNOHANG)
                except ChildProcessError:
                    pending.discard(tid)
                    self._seized.discard(tid)
                    self.result.vanished.append(tid)
                    continue
                if got == 0:
                    continue
                pending.discard(tid)
                if os.WIFSTOPPED(status):
                    self._stopped.add(tid)
                    event = status >> 16
                    sig = os.WSTOPSIG(status)
                    if event == 0 and sig != signal.SIGTRAP:
                        self._pending_signal[tid] = sig  # a signal-delivery-stop: give it back on detach
                else:  # exited or killed
                    self._seized.discard(tid)
                    self.result.vanished.append(tid)
            if pending:
                if time.monotonic() > deadline:
                    for tid in pending:
                        self.result.not_stopped[tid] = "did not stop in time (uninterruptible sleep?)"
                    return
                time.sleep(delay)
                delay = min(delay * 2, 0.01)

    def get_regset(self, tid: int, note_type: int, size: int = 4096) -> bytes | None:
        """``PTRACE_GETREGSET`` of a stopped thread, or None when refused."""
        if tid not in self._stopped:
            return None
        buf = ctypes.create_string_buffer(size)
        iov = libc.IoVec(ctypes.addressof(buf), size)
        try:
            libc.ptrace(PTRACE_GETREGSET, tid, note_type, ctypes.c_void_p(ctypes.addressof(iov)))
        except OSError:
            return None
        return buf.raw[:iov.iov_len]

    def thaw(self) -> list[str]:
        """Detach every seized thread (stopped threads resume). Safe to call twice.

        Returns:
            Problems met (threads that could not be detached), for the report.
        """
        problems: list[str] = []
        for tid in sorted(self._seized):
            if tid not in self._stopped:
                self._wait_stops([tid], time.monotonic() + 0.5)  # PTRACE_DETACH needs a stopped tracee
            try:
                libc.ptrace(PTRACE_DETACH, tid, 0, self._pending_signal.get(tid, 0))
            except OSError as exc:
                if exc.errno != errno.ESRCH:
                    problems.append(f"thread {tid}: PTRACE_DETACH failed: {exc.strerror}")
                self._reap(tid)
        self._seized.clear()
        self._stopped.clear()
        return problems

    @staticmethod
    def _reap(tid: int) -> None:
        """Collect the exit notice of a traced thread that died, so its parent sees it."""
        with contextlib.suppress(ChildProcessError):
            os.waitpid(tid, _WALL | os.WNOHANG)
