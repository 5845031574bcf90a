"""Helpers for tests that capture real processes: start targets, run ``msl capture``, look
at the result.

Every target is started by the test itself, with an EMPTY environment, and is killed at the
end; captures name only these PIDs.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from memslice import MslReader

TARGET = Path(__file__).with_name("pattern_target.py")
RSS_WRAPPER = Path(__file__).with_name("rss_wrapper.py")
MSL = [sys.executable, "-m", "memslice.cli.main"]
MARKER = b"<MSLREF:MARKER:0123456789ABCDEF>"
PAGE = os.sysconf("SC_PAGE_SIZE")


class Target:
    """A running ``pattern_target.py`` (see its docstring for the options)."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(TARGET), *args], env={}, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.proc.kill()
            raise RuntimeError(f"target did not start: {args}")
        self.info: dict[str, Any] = json.loads(line)
        self.pid: int = self.info["pid"]

    def area(self, name: str) -> tuple[int, int]:
        """(address, size) of a named area."""
        addr, size = self.info["areas"][name]
        return int(addr), int(size)

    def send(self, command: str) -> str:
        """Send a command line; return the answer line."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self.proc.stdout.readline().strip()

    def alive(self) -> bool:
        """The process answers ``ping`` (it is running, not stopped)."""
        return self.proc.poll() is None and self.send("ping") == "pong"

    def close(self) -> None:
        """Kill and reap it."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()


@contextmanager
def target(*args: str) -> Iterator[Target]:
    """Start a target for the duration of a ``with`` block."""
    t = Target(*args)
    try:
        yield t
    finally:
        t.close()


@dataclass
class Result:
    """A finished ``msl capture`` run."""

    returncode: int
    stdout: str
    stderr: str
    max_rss_kib: int
    """Peak RSS in KiB; meaningful only from ``capture(..., measure_rss=True)``."""
    max_anon_kib: int = 0
    """Peak anonymous RSS in KiB (page cache it maps left out), from ``capture(..., measure_rss=True)``."""


def capture(*args: str, preexec: Any = None, timeout: float = 600, measure_rss: bool = False) -> Result:
    """Run ``msl capture ARGS`` to the end.

    With ``measure_rss`` it runs under ``rss_wrapper.py`` and ``max_rss_kib`` is the
    capture's own peak RSS (otherwise it is polluted by this test process's, see there).
    """
    if not measure_rss:
        return finish(start_capture(*args, preexec=preexec), timeout)
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        proc = subprocess.Popen([sys.executable, str(RSS_WRAPPER), rss.name, *MSL, "capture", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec)
        result = finish(proc, timeout)
        peaks = json.loads(rss.read() or '{"maxrss_kib": 0, "anon_kib": 0}')
        result.max_rss_kib, result.max_anon_kib = peaks["maxrss_kib"], peaks["anon_kib"]
    return result


def start_capture(*args: str, preexec: Any = None) -> subprocess.Popen[str]:
    """Start ``msl capture ARGS`` without waiting."""
    return subprocess.Popen([*MSL, "capture", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=preexec)


def finish(proc: subprocess.Popen[str], timeout: float = 600) -> Result:
    """Wait for a started capture; collect its output and its own peak RSS (``wait4``)."""
    texts: dict[str, str] = {}

    def drain(name: str, stream: Any) -> None:
        texts[name] = stream.read()
        stream.close()

    readers = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Result(proc.returncode, texts.get("out", ""), texts.get("err", ""), usage.ru_maxrss)


def wait_for_size(path: Path, size: int, proc: subprocess.Popen[str], timeout: float = 120) -> bool:
    """Wait until ``path`` holds at least ``size`` bytes (False if ``proc`` ended first)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if path.stat().st_size >= size:
                return True
        except FileNotFoundError:
            pass
        if proc.poll() is not None:
            return False
        time.sleep(0.001)
    return False


def thread_states(pid: int) -> dict[int, str]:
    """State letter of every thread of ``pid``."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat", "rb") as handle:
            data = handle.read()
        out[int(tid)] = data[data.rfind(b")") + 2:].split()[0].decode()
    return out


def tracer_pid(pid: int) -> int:
    """TracerPid of a process."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("TracerPid:"):
                return int(line.split()[1])
    return -1


def pages(path: Path, start: int, size: int) -> list[tuple[str, bytes | None]]:
    """(state name, page bytes or None) for every page of [start, start + size) in a capture.

    A page covered by no Memory Region is ``absent``. (Built on ``regions()``; the reader's
    ``read()`` is quadratic in the span length.)
    """
    names = ("captured", "failed", "unmapped", "not_resident")
    first = start // PAGE
    out: list[tuple[str, bytes | None]] = [("absent", None)] * (size // PAGE)
    with MslReader(path) as reader:
        for region in reader.regions():
            lo = max(region.base, start)
            hi = min(region.base + region.size, start + size)
            if lo >= hi:
                continue
            data = region.captured_data()
            index = region.states.count("0", 0, (lo - region.base) // PAGE)
            for page in range((lo - region.base) // PAGE, (hi - region.base) // PAGE):
                state = int(region.states[page])
                chunk = None
                if state == 0:
                    chunk = bytes(data[index * PAGE:(index + 1) * PAGE])
                    index += 1
                out[(region.base // PAGE) + page - first] = (names[state], chunk)
    return out


def count_markers(path: Path) -> int:
    """Occurrences of the marker in the captured pages, counted per region (as the oracles do)."""
    total = 0
    with MslReader(path) as reader:
        for region in reader.regions():
            total += bytes(region.captured_data()).count(MARKER)
    return total


def block_names(path: Path) -> list[str]:
    """Block ids in file order."""
    from memslice.generated.registry import block_id

    with MslReader(path) as reader:
        return [block_id(r.block_type, reader.dialect) or hex(r.block_type) for r in reader.blocks]


def kill_process(pid: int) -> None:
    """SIGKILL, ignoring a process that is already gone."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
