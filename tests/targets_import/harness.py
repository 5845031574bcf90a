"""Start the import tests' target process, stop it, dump it, and read its live state.

Only processes started here are inspected or signalled, always by their own pid, and
always with an empty environment.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TARGET_SOURCE = HERE / "target.c"


def build_target(out_dir: Path) -> Path:
    """Compile target.c (skip the test when no C compiler is installed)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler (gcc) to build the target process")
    exe = out_dir / "import-target"
    subprocess.run([cc, "-O0", "-g", "-pthread", "-o", str(exe), str(TARGET_SOURCE)], check=True,
                   capture_output=True, timeout=120)
    return exe


@dataclass
class Mapping:
    """One line of /proc/PID/maps."""

    start: int
    end: int
    perms: str
    offset: int
    path: str


@dataclass
class Target:
    """A running target process."""

    proc: subprocess.Popen[bytes]
    exe: Path
    info: dict[str, int]
    cwd: Path
    snapshot: dict[int, bytes] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.proc.pid


@contextlib.contextmanager
def running_target(exe: Path, cwd: Path, *, allow_core: bool = False) -> Iterator[Target]:
    """Start the target with an empty environment; end it (by pid) afterwards."""

    def limits() -> None:
        if allow_core:
            resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))

    proc = subprocess.Popen([str(exe)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={}, cwd=cwd, preexec_fn=limits)  # noqa: PLW1509 (only sets a rlimit)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"target printed nothing: {proc.stderr.read() if proc.stderr else ''}")
        yield Target(proc, exe, json.loads(line), cwd)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid, signal.SIGCONT)
            with contextlib.suppress(BrokenPipeError, OSError):
                assert proc.stdin is not None
                proc.stdin.close()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def task_states(pid: int) -> dict[int, str]:
    """Scheduler state letter of every thread."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
        out[int(tid)] = stat.rsplit(")", 1)[1].split()[0]
    return out


def wait_blocked(pid: int, count: int = 3, deadline: float = 60.0) -> None:
    """Wait until the process has ``count`` threads, all blocked in read(2) (syscall 0 on x86_64)."""
    end = time.monotonic() + deadline
    while True:
        regs = syscall_regs(pid)
        states = task_states(pid)
        if len(regs) == count and all(r["nr"] == 0 for r in regs.values()) and set(states.values()) == {"S"}:
            return
        if time.monotonic() > end:
            raise RuntimeError(f"the target's threads did not block in read(2): {regs}, {states}")
        time.sleep(0.01)


def stop(pid: int, deadline: float = 30.0) -> None:
    """Wait until the target's threads block, SIGSTOP it and wait until every thread is stopped."""
    wait_blocked(pid)
    os.kill(pid, signal.SIGSTOP)
    end = time.monotonic() + deadline
    while not all(s in "Tt" for s in task_states(pid).values()):
        if time.monotonic() > end:
            raise RuntimeError(f"process {pid} did not stop: {task_states(pid)}")
        time.sleep(0.01)


def maps(pid: int) -> list[Mapping]:
    """The process's mappings."""
    out = []
    for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
        parts = line.split(None, 5)
        start, end = (int(x, 16) for x in parts[0].split("-"))
        out.append(Mapping(start, end, parts[1], int(parts[2], 16), parts[5] if len(parts) > 5 else ""))
    return out


def read_mem(pid: int, address: int, size: int) -> bytes | None:
    """Bytes of the live process, or None when the kernel refuses (e.g. [vsyscall])."""
    if address >= 1 << 63:
        return None  # [vsyscall] lies above the signed offset range of pread
    fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY)
    try:
        data = os.pread(fd, size, address)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == size else None


def snapshot(pid: int) -> dict[int, bytes]:
    """Every mapping's bytes that the kernel lets a tracer read, by start address.

    /proc/PID/mem reads with FOLL_FORCE, like a debugger: PROT_NONE pages read too. The
    process must be stopped.
    """
    out = {}
    for m in maps(pid):
        data = read_mem(pid, m.start, m.end - m.start)
        if data is not None:
            out[m.start] = data
    return out


def syscall_regs(pid: int) -> dict[int, dict[str, int]]:
    """Per thread blocked in a syscall: nr, first three arguments, sp and pc (/proc/PID/task/TID/syscall)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            fields = Path(f"/proc/{pid}/task/{tid}/syscall").read_text().split()
        except OSError:
            continue
        if len(fields) == 9:
            nr, a0, a1, a2 = (int(x, 0) for x in fields[:4])
            out[int(tid)] = {"nr": nr, "arg0": a0, "arg1": a1, "arg2": a2, "sp": int(fields[7], 16),
                             "pc": int(fields[8], 16)}
    return out


def gcore(pid: int, prefix: Path) -> Path:
    """Dump the process with gdb's gcore (skip the test when gcore is missing or cannot attach)."""
    tool = shutil.which("gcore")
    if tool is None:
        pytest.skip("gcore (gdb) is not installed")
    proc = subprocess.run([tool, "-o", str(prefix), str(pid)], capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    core = prefix.with_name(f"{prefix.name}.{pid}")
    if proc.returncode != 0 or not core.exists():
        pytest.skip(f"gcore could not dump the target: {proc.stderr.strip()[-500:]}")
    return core


def kernel_core_name(pid: int) -> str | None:
    """The file name the kernel will write a core to in the process's cwd, if it writes a plain file."""
    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    if not pattern or pattern.startswith("|") or "%" in pattern or "/" in pattern:
        return None
    uses_pid = Path("/proc/sys/kernel/core_uses_pid").read_text().strip() == "1"
    return f"{pattern}.{pid}" if uses_pid else pattern


def gdb_registers(core: Path, exe: Path | None = None) -> dict[int, dict[str, str]]:
    """``thread apply all info all-registers`` of a core, as {tid: {register: text after the name}}."""
    gdb = shutil.which("gdb")
    if gdb is None:
        pytest.skip("gdb is not installed")
    cmd = [gdb, "-nx", "-batch", "-ex", "set width 0", "-ex", "thread apply all info all-registers"]
    cmd += ["-c", str(core)] + ([str(exe)] if exe else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                         env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(core.parent)}).stdout
    threads: dict[int, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in out.splitlines():
        if line.startswith("Thread ") and "LWP " in line:
            tid = int(line.split("LWP ", 1)[1].split(")", 1)[0])
            current = threads.setdefault(tid, {})
        elif current is not None and line and not line.startswith((" ", "[", "warning")):
            name, _, rest = line.partition(" ")
            # values only: symbol annotations (<read+76>) depend on which symbols gdb found
            current[name] = re.sub(r"\s*<[^<>]*>$", "", rest.strip())
    return threads


def gdb_batch(core: Path, *commands: str, exe: Path | None = None) -> str:
    """Run gdb in batch mode on a core and return its stdout and stderr."""
    gdb = shutil.which("gdb")
    if gdb is None:
        pytest.skip("gdb is not installed")
    cmd = [gdb, "-nx", "-batch", "-ex", "set width 0"]
    for c in commands:
        cmd += ["-ex", c]
    cmd += ([str(exe)] if exe else []) + ["-c", str(core)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(core.parent)})
    return proc.stdout + proc.stderr


def msl_validate(path: Path) -> None:
    """Assert that ``msl validate`` passes the file."""
    from memslice.cli.main import main

    assert main(["validate", str(path)]) == 0, f"msl validate rejects {path}"
