"""Live capture throughput and peak memory: ``msl capture`` against gcore and memslicer 0.5.2.

Starts ONE throw-away target (``tests/targets/pattern_target.py``, empty environment) holding
``--size-mib`` MiB of random bytes in one mapping, and measures on it, in the same run:

* the raw read limit: every readable mapping copied with ``process_vm_readv`` into one
  8 MiB buffer (no hashing, no writing) - the ceiling of any acquirer;
* ``msl capture`` (``-c none`` and ``-c zstd``), as a user runs it (the CLI, a warm
  bytecode cache); it fsyncs the file before renaming it;
* ``gcore`` (GDB's core dumper; ELF core, no hashes, no page states, no fsync), and
  ``gcore`` followed by ``sync`` of its file, for a like-for-like durable copy;
* ``memslicer acquire -b gdb`` and ``-b frida`` (0.5.2, from ``.oracle-venvs/memslicer``),
  when installed;
* reference passes over the same amount of data: one BLAKE3 pass and one write + fsync
  (the capture hashes every byte twice, for the chain and the FileHash, and writes it once);

then a second target with ONE mapping of ``--big-mib`` MiB (default 2048) to show that our
peak RSS does not grow with the mapping.

Every tool runs in a child of a small wrapper (``tests/targets/rss_wrapper.py``) so that its
peak RSS (``wait4``, the largest process of the tool's tree) is its own. Throughput is the
target's resident memory (VmRSS, the same for every tool) over the wall time; each time is
the best of ``--repeat`` interleaved runs (memslicer: ``--repeat-slow``). The machine may be
shared: compare ratios within one run, not absolute numbers across runs.

Usage::

    .venv/bin/python benchmarks/capture.py [--size-mib 1024] [--big-mib 2048] [--repeat 3]
        [--repeat-slow 1] [--out bench-out/capture] [--skip memslicer-gdb,memslicer-frida]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "tests" / "targets" / "pattern_target.py"
WRAPPER = REPO / "tests" / "targets" / "rss_wrapper.py"
MEMSLICER = REPO / ".oracle-venvs" / "memslicer" / "bin" / "memslicer"
PY = sys.executable


@dataclass
class Measure:
    name: str
    seconds: list[float] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    out_bytes: int = 0
    note: str = ""
    failed: str = ""
    rate: bool = True  # False for a fixed cost (start-up), printed without MB/s and ratio

    @property
    def best(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")


class Target:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([PY, str(TARGET), *args], env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        assert self.proc.stdout is not None
        self.info = json.loads(self.proc.stdout.readline())
        self.pid = int(self.info["pid"])

    def rss(self) -> int:
        with open(f"/proc/{self.pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, int, int, str]:
    """Run ``cmd`` under the RSS wrapper: (seconds, peak RSS KiB, exit code, stderr tail)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        started = time.perf_counter()
        proc = subprocess.run([PY, str(WRAPPER), rss.name, *cmd], capture_output=True, text=True, env=env,
                              check=False)
        seconds = time.perf_counter() - started
        peak = int(rss.read() or 0)
    return seconds, peak, proc.returncode, (proc.stderr or proc.stdout)[-300:]


def msl_env(pycache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


RAW_READ = r"""
import ctypes, sys, time
libc = ctypes.CDLL(None, use_errno=True)
class V(ctypes.Structure):
    _fields_ = [("b", ctypes.c_void_p), ("l", ctypes.c_size_t)]
libc.process_vm_readv.restype = ctypes.c_ssize_t
pid = int(sys.argv[1]); size = 8 << 20
buf = bytearray(size); base = ctypes.addressof((ctypes.c_char * size).from_buffer(buf))
total = 0
t = time.perf_counter()
for line in open(f"/proc/{pid}/maps"):
    lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
    if line.split()[1][0] != "r":
        continue
    a = lo
    while a < hi:
        n = min(size, hi - a)
        got = libc.process_vm_readv(pid, ctypes.byref(V(base, n)), 1, ctypes.byref(V(a, n)), 1, 0)
        total += max(got, 0); a += n
print(total, time.perf_counter() - t)
"""

BLAKE3_PASS = r"""
import blake3, sys, time, os
size = int(sys.argv[1]); buf = os.urandom(8 << 20); h = blake3.blake3(max_threads=blake3.blake3.AUTO)
t = time.perf_counter()
for _ in range(size // len(buf)):
    h.update(buf)
h.digest(); print(time.perf_counter() - t)
"""

WRITE_PASS = r"""
import os, sys, time
size = int(sys.argv[1]); path = sys.argv[2]; buf = os.urandom(8 << 20)
if os.path.lexists(path):
    os.unlink(path)  # left by an interrupted run in our own output folder
t = time.perf_counter()
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)  # a new file
for _ in range(size // len(buf)):
    os.write(fd, buf)
os.fsync(fd); os.close(fd); print(time.perf_counter() - t); os.unlink(path)
"""


def run_tools(t: Target, out: Path, args: argparse.Namespace) -> list[Measure]:
    pycache = out / "pycache"
    env = msl_env(pycache)
    skip = set(filter(None, args.skip.split(",")))
    msl = [PY, "-m", "memslice.cli.main", "capture", str(t.pid), "-q", "--force"]
    tools: list[tuple[Measure, Callable[[], tuple[float, int, int, str]], Path | None, int]] = []

    def msl_run(codec: str) -> Callable[[], tuple[float, int, int, str]]:
        return lambda: timed([*msl, "-o", str(out / f"ours-{codec}.msl"), "-c", codec], env)

    tools.append((Measure("msl capture -c none"), msl_run("none"), out / "ours-none.msl", args.repeat))
    tools.append((Measure("msl capture -c zstd"), msl_run("zstd"), out / "ours-zstd.msl", args.repeat))
    gcore = shutil.which("gcore")
    if gcore and "gcore" not in skip:
        core = out / "gcore"
        tools.append((Measure("gcore", note="ELF core; no fsync"),
                      lambda: timed([gcore, "-o", str(core), str(t.pid)]), out / f"gcore.{t.pid}", args.repeat))
        sync_cmd = ["/bin/sh", "-c", '"$0" -o "$1" "$2" >/dev/null && sync "$1.$2"', gcore, str(core), str(t.pid)]
        tools.append((Measure("gcore + sync of its file", note="durable, like ours"), lambda: timed(sync_cmd),
                      out / f"gcore.{t.pid}", args.repeat))
    if MEMSLICER.exists():
        for backend in ("gdb", "frida"):
            if f"memslicer-{backend}" in skip:
                continue
            path = out / f"memslicer-{backend}.msl"
            cmd = [str(MEMSLICER), "acquire", str(t.pid), "-b", backend, "-o", str(path), "-c", "none"]
            tools.append((Measure(f"memslicer 0.5.2 -b {backend}", note="-c none"), lambda cmd=cmd: timed(cmd), path,
                          args.repeat_slow))
    timed([*msl, "-o", str(out / "warmup.msl")], env)  # fills the bytecode cache
    (out / "warmup.msl").unlink(missing_ok=True)
    startup = Measure("msl start-up alone (msl --help)", note="included in the msl capture rows", rate=False)
    tools.append((startup, lambda: timed([PY, "-m", "memslice.cli.main", "--help"], env), None, args.repeat))
    rounds = max(n for *_, n in tools)
    for round_ in range(rounds):
        for measure, run, path, n in tools:
            if round_ >= n or measure.failed:
                continue
            seconds, rss, code, err = run()
            if code != 0:
                measure.failed = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
                continue
            measure.seconds.append(seconds)
            measure.rss_kib.append(rss)
            if path is not None and path.exists():
                measure.out_bytes = path.stat().st_size
                path.unlink()
            for extra in out.glob("*.log"):
                extra.unlink()
    return [m for m, *_ in tools]


def references(t: Target, out: Path, size: int) -> list[Measure]:
    raw = Measure("raw process_vm_readv (8 MiB vectors)", note="read limit, no hash, no write")
    proc = subprocess.run([PY, "-c", RAW_READ, str(t.pid)], capture_output=True, text=True, check=True)
    raw.seconds.append(float(proc.stdout.split()[1]))
    b3 = Measure("one BLAKE3 pass (reference)", note="the capture does two")
    b3.seconds.append(float(subprocess.run([PY, "-c", BLAKE3_PASS, str(size)], capture_output=True, text=True,
                                           check=True).stdout))
    wr = Measure("write + fsync (reference)", note="the capture does one")
    wr.seconds.append(float(subprocess.run([PY, "-c", WRITE_PASS, str(size), str(out / "wr.bin")],
                                           capture_output=True, text=True, check=True).stdout))
    return [raw, b3, wr]


def print_table(title: str, rows: list[Measure], volume: int, base: Measure | None) -> None:
    print(f"\n{title}  (volume {volume / 2**20:.0f} MiB = target VmRSS)")
    print(f"{'tool':40s} {'best s':>8s} {'MB/s':>8s} {'x gcore':>8s} {'peak RSS MB':>12s} {'output MB':>10s}  note")
    for m in rows:
        if m.failed:
            print(f"{m.name:40s} {'failed':>8s}  {m.failed}")
            continue
        rate = f"{volume / m.best / 1e6:8.0f}" if m.rate else f"{'-':>8s}"
        ratio = f"{base.best / m.best:8.2f}" if base is not None and base.seconds and m.rate else f"{'-':>8s}"
        rss = f"{max(m.rss_kib) / 1024:12.0f}" if m.rss_kib else f"{'-':>12s}"
        outb = f"{m.out_bytes / 2**20:10.0f}" if m.out_bytes else f"{'-':>10s}"
        runs = f" (best of {len(m.seconds)})" if len(m.seconds) > 1 else ""
        print(f"{m.name:40s} {m.best:8.2f} {rate} {ratio} {rss} {outb}  {m.note}{runs}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--big-mib", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--repeat-slow", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "capture")
    parser.add_argument("--skip", default="", help="comma list: gcore, memslicer-gdb, memslicer-frida")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; kernel {os.uname().release}")
    t = Target("--random", str(args.size_mib), "--seed", "5")
    try:
        volume = t.rss()
        rows = references(t, out, args.size_mib << 20)
        tools = run_tools(t, out, args)
    finally:
        t.close()
    base = next((m for m in tools if m.name == "gcore" and m.seconds), None)
    print_table(f"one mapping of {args.size_mib} MiB of random bytes", rows[:1] + tools + rows[1:], volume, base)
    if args.big_mib:
        big = Target("--fill", str(args.big_mib))
        try:
            volume = big.rss()
            env = msl_env(out / "pycache")
            measures = []
            for codec in ("none", "zstd"):
                m = Measure(f"msl capture -c {codec}", note=f"one {args.big_mib} MiB mapping")
                path = out / f"big-{codec}.msl"
                seconds, rss, code, err = timed([PY, "-m", "memslice.cli.main", "capture", str(big.pid), "-q",
                                                 "--force", "-o", str(path), "-c", codec], env)
                if code:
                    m.failed = err
                else:
                    m.seconds.append(seconds)
                    m.rss_kib.append(rss)
                    m.out_bytes = path.stat().st_size
                path.unlink(missing_ok=True)
                measures.append(m)
        finally:
            big.close()
        print_table(f"peak memory with one {args.big_mib} MiB mapping", measures, volume, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
