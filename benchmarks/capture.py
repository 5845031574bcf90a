"""Live capture: ``msl capture`` (copy first, then write) against gcore, on the same targets.

For each of two throw-away targets (empty environment), in the same run:

* **random**: ``tests/targets/pattern_target.py --random SIZE`` (``--size-mib``, default
  512): one mapping of random bytes, nothing to compress;
* **app**: ``benchmarks/support/app_target.py`` (``--app-mib``, default 384): a Python
  process holding records, log lines, cached JSON, a little random data, written zero pages
  and an untouched reservation, like a long-running service;

it measures, interleaved, best of ``--repeat``:

* the raw copy limit: every readable mapping copied with ``process_vm_readv`` into one
  8 MiB buffer (no hash, no write) - the least time any acquirer must stop the target;
* ``msl capture -c none``, ``-c zstd``, ``-c lz4`` as a user runs them (CLI, warm bytecode
  cache; fsync before rename), with the frozen time its summary prints (``frozen for X s``);
* ``gcore`` (ELF core, no fsync) and ``gcore`` + ``sync`` of its file (durable, like ours);
  gcore stops the target for its whole run, so its frozen time is its wall time.

Columns: wall seconds and x gcore (gcore's time over the tool's: above 1 is faster), CPU
seconds (user + system of the tool's process tree, best run: steadier than the wall time on a
loaded machine) and CPU x gcore, frozen
seconds and frozen / raw copy, peak anonymous RSS of the tool's process tree (``RssAnon``
sampled every 5 ms: page cache the tool maps is not its memory), peak RSS from ``wait4``
(mapped page cache included), bytes written and bytes written / target VmRSS.

Then ``msl verify`` of the random target's ``-c none`` capture against one BLAKE3 pass over
as many bytes (all cores), and a target with ONE mapping of ``--big-mib`` MiB to show that
the anonymous memory does not grow with the target. The machine may be shared: compare
ratios within one run; the load average is printed.

Usage::

    .venv/bin/python benchmarks/capture.py [--size-mib 512] [--app-mib 384] [--big-mib 2048]
        [--repeat 3] [--out bench-out/capture] [--skip gcore,app,big]
"""

from __future__ import annotations

import argparse
import json
import os
import re
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
APP_TARGET = REPO / "benchmarks" / "support" / "app_target.py"
WRAPPER = REPO / "tests" / "targets" / "rss_wrapper.py"
PY = sys.executable


@dataclass
class Measure:
    name: str
    seconds: list[float] = field(default_factory=list)
    frozen: list[float] = field(default_factory=list)
    anon_kib: list[int] = field(default_factory=list)
    rss_kib: list[int] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    out_bytes: int = 0
    note: str = ""
    failed: str = ""

    @property
    def best(self) -> float:
        return min(self.seconds) if self.seconds else float("nan")

    @property
    def best_frozen(self) -> float:
        return min(self.frozen) if self.frozen else float("nan")


class Target:
    def __init__(self, *argv: str) -> None:
        self.proc = subprocess.Popen([PY, *argv], env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
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


def timed(cmd: list[str], env: dict[str, str] | None = None,
          stdout: bool = False) -> tuple[float, dict[str, int], int, str]:
    """Run ``cmd`` under the RSS wrapper: (seconds, {maxrss_kib, anon_kib}, exit code, stderr tail or stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        started = time.perf_counter()
        proc = subprocess.run([PY, str(WRAPPER), rss.name, *cmd], capture_output=True, text=True, env=env,
                              check=False)
        seconds = time.perf_counter() - started
        text = rss.read()
        peaks = json.loads(text) if text else {"maxrss_kib": 0, "anon_kib": 0, "cpu_s": 0.0}
    if stdout and proc.returncode == 0:
        return seconds, peaks, proc.returncode, proc.stdout
    return seconds, peaks, proc.returncode, (proc.stderr or proc.stdout)[-300:]


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
import blake3, os, sys, threading, time
size = int(sys.argv[1]); buf = os.urandom(8 << 20); n = size // len(buf)
def one(threads):
    h = blake3.blake3(max_threads=threads)
    for _ in range(n):
        h.update(buf)
    h.digest()
def timed(f):
    t = time.perf_counter(); f(); return time.perf_counter() - t
def two():
    th = [threading.Thread(target=one, args=(1,)) for _ in range(2)]
    [x.start() for x in th]; [x.join() for x in th]
print(timed(lambda: one(1)), timed(lambda: one(blake3.blake3.AUTO)), timed(two))
"""

FILE_PASS = r"""
import blake3, mmap, sys, threading, time
t = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    data = memoryview(mmap.mmap(handle.fileno(), 0, prot=mmap.PROT_READ))
step = 8 << 20
def one():
    h = blake3.blake3(max_threads=1)
    for at in range(0, len(data), step):
        h.update(data[at:at + step])
    h.digest()
threads = [threading.Thread(target=one) for _ in range(int(sys.argv[2]))]
[x.start() for x in threads]; [x.join() for x in threads]
print(time.perf_counter() - t)
"""
"""BLAKE3 passes over a file's own pages, in a fresh process that maps it (as verify does): argv FILE PASSES."""


Run = Callable[[], tuple[float, dict[str, int], int, str, float | None]]


def run_tools(t: Target, tag: str, out: Path, args: argparse.Namespace, keep: set[str]) -> list[Measure]:
    """Every tool on one target, interleaved; the files named in ``keep`` stay for later passes."""
    env = msl_env(out / "pycache")
    skip = set(filter(None, args.skip.split(",")))
    tools: list[tuple[Measure, Run, Path]] = []

    def msl_run(codec: str) -> Run:
        path = out / f"{tag}-ours-{codec}.msl"

        def run() -> tuple[float, dict[str, int], int, str, float | None]:
            # no --report: it adds a SHA-256 pass over the file (chain of custody); the summary names the freeze
            seconds, peaks, code, out_text = timed([PY, "-m", "memslice.cli.main", "capture", str(t.pid), "--force",
                                                    "-o", str(path), "-c", codec], env, stdout=True)
            found = re.search(r"frozen for ([0-9.]+) s", out_text)
            return seconds, peaks, code, out_text, float(found.group(1)) if found else None
        return run

    for codec in ("none", "zstd", "lz4"):
        tools.append((Measure(f"msl capture -c {codec}", note="fsync before rename"), msl_run(codec),
                      out / f"{tag}-ours-{codec}.msl"))
    gcore = shutil.which("gcore")
    if gcore and "gcore" not in skip:
        core = out / f"{tag}-gcore"

        def gcore_run(durable: bool) -> Run:
            cmd = [gcore, "-o", str(core), str(t.pid)]
            if durable:
                cmd = ["/bin/sh", "-c", '"$0" -o "$1" "$2" >/dev/null && sync "$1.$2"', gcore, str(core), str(t.pid)]

            def run() -> tuple[float, dict[str, int], int, str, float | None]:
                seconds, peaks, code, err = timed(cmd)
                return seconds, peaks, code, err, seconds  # the target is stopped for the whole run
            return run

        tools.append((Measure("gcore", note="ELF core; no fsync"), gcore_run(False), Path(f"{core}.{t.pid}")))
        tools.append((Measure("gcore + sync of its file", note="durable, like ours"), gcore_run(True),
                      Path(f"{core}.{t.pid}")))
    timed([PY, "-m", "memslice.cli.main", "capture", str(t.pid), "-q", "--force", "-o", str(out / "warm.msl")], env)
    (out / "warm.msl").unlink(missing_ok=True)
    for round_ in range(args.repeat):
        for measure, run, path in tools:
            if measure.failed:
                continue
            seconds, peaks, code, err, frozen = run()
            if code != 0:
                measure.failed = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
                continue
            measure.seconds.append(seconds)
            if frozen is not None:
                measure.frozen.append(frozen)
            measure.anon_kib.append(peaks["anon_kib"])
            measure.rss_kib.append(peaks["maxrss_kib"])
            measure.cpu.append(float(peaks.get("cpu_s", 0.0)))
            if path.exists():
                measure.out_bytes = path.stat().st_size
                if not (round_ == args.repeat - 1 and path.name in keep):
                    path.unlink()
    return [m for m, *_ in tools]


def raw_copy(t: Target, repeat: int) -> Measure:
    raw = Measure("raw process_vm_readv copy limit", note="8 MiB vectors, no hash, no write")
    for _ in range(repeat):
        proc = subprocess.run([PY, "-c", RAW_READ, str(t.pid)], capture_output=True, text=True, check=True)
        raw.seconds.append(float(proc.stdout.split()[1]))
        raw.frozen.append(raw.seconds[-1])
    return raw


def print_table(title: str, rows: list[Measure], volume: int, raw: Measure | None) -> None:
    base = next((m for m in rows if m.name == "gcore" and m.seconds), None)
    print(f"\n{title}  (target VmRSS {volume / 2**20:.0f} MiB; load {os.getloadavg()[0]:.1f})")
    print(f"| {'tool':34s} | {'wall s':>6s} | {'x gcore':>7s} | {'CPU s':>5s} | {'CPU x gcore':>11s} | "
          f"{'frozen s':>8s} | {'frozen / raw copy':>17s} | "
          f"{'anon RSS MB':>11s} | {'maxrss MB':>9s} | {'written MB':>10s} | {'written / RSS':>13s} |")
    print("|" + "|".join("-" * (n + 2) for n in (34, 6, 7, 5, 11, 8, 17, 11, 9, 10, 13)) + "|")
    for m in rows:
        if m.failed:
            print(f"| {m.name:34s} | failed: {m.failed} |")
            continue
        ratio = f"{base.best / m.best:7.2f}" if base is not None else f"{'-':>7s}"
        cpu = f"{min(m.cpu):5.2f}" if m.cpu else f"{'-':>5s}"
        cpu_ratio = (f"{min(base.cpu) / min(m.cpu):11.2f}" if base is not None and base.cpu and m.cpu and min(m.cpu)
                     else f"{'-':>11s}")
        frozen = f"{m.best_frozen:8.3f}" if m.frozen else f"{'-':>8s}"
        rel = f"{m.best_frozen / raw.best:17.2f}" if raw is not None and m.frozen else f"{'-':>17s}"
        anon = f"{max(m.anon_kib) / 1024:11.0f}" if m.anon_kib else f"{'-':>11s}"
        rss = f"{max(m.rss_kib) / 1024:9.0f}" if m.rss_kib else f"{'-':>9s}"
        outb = f"{m.out_bytes / 1e6:10.0f}" if m.out_bytes else f"{'-':>10s}"
        share = f"{m.out_bytes / volume:13.3f}" if m.out_bytes else f"{'-':>13s}"
        print(f"| {m.name:34s} | {m.best:6.2f} | {ratio} | {cpu} | {cpu_ratio} | {frozen} | {rel} | {anon} | {rss} | "
              f"{outb} | {share} |")
    gc = base.best if base is not None else None
    for m in rows:
        if m.name.startswith("msl capture -c ") and m.out_bytes and gc:
            gcore_bytes = next((x.out_bytes for x in rows if x.name == "gcore"), 0)
            print(f"  {m.name}: compression ratio {volume / m.out_bytes:.2f} (target VmRSS / bytes written); "
                  f"{m.out_bytes / gcore_bytes if gcore_bytes else float('nan'):.2f} of gcore's bytes; "
                  f"wall {gc / m.best:.2f}x gcore")


def one_target(tag: str, title: str, t: Target, out: Path, args: argparse.Namespace,
               keep: set[str]) -> list[Measure]:
    volume = t.rss()
    raw = raw_copy(t, args.repeat)
    rows = run_tools(t, tag, out, args, keep)
    print_table(title, [raw, *rows], volume, raw)
    return rows


VERIFY_PASS = r"""
import sys, time
from memslice import MslReader, verify
t = time.perf_counter()
with MslReader(sys.argv[1]) as reader:
    report = verify(reader)
assert report.ok, report
print(time.perf_counter() - t)
"""


def verify_pass(path: Path, out: Path, repeat: int) -> None:
    env = msl_env(out / "pycache")
    size = path.stat().st_size
    ours = Measure("msl verify (chain + FileHash)")
    inner = []
    for _ in range(repeat):
        seconds, peaks, code, err = timed([PY, "-m", "memslice.cli.main", "verify", "-q", str(path)], env)
        if code:
            ours.failed = err
            break
        ours.seconds.append(seconds)
        ours.anon_kib.append(peaks["anon_kib"])
        inner.append(float(subprocess.run([PY, "-c", VERIFY_PASS, str(path)], capture_output=True, text=True,
                                          check=True, env=env).stdout))
    passes = [[float(x) for x in subprocess.run([PY, "-c", BLAKE3_PASS, str(size)], capture_output=True, text=True,
                                                 check=True).stdout.split()] for _ in range(repeat)]
    single, every_core, two = (min(p[i] for p in passes) for i in range(3))
    file_single, file_two = (min(float(subprocess.run([PY, "-c", FILE_PASS, str(path), str(n)], capture_output=True,
                                                      text=True, check=True).stdout) for _ in range(repeat))
                             for n in (1, 2))
    best = min(inner)
    print(f"\nverify of {size / 1e6:.0f} MB: verify() {best:.3f} s in-process, msl verify {ours.best:.3f} s "
          f"(CLI start-up included; peak anon RSS {max(ours.anon_kib or [0]) / 1024:.0f} MB)")
    print(f"  BLAKE3 over as many bytes of one cached 8 MiB buffer: one pass on one thread {single:.3f} s, one pass "
          f"on every core {every_core:.3f} s, two passes side by side (chain + FileHash) {two:.3f} s")
    print(f"  BLAKE3 over the capture file's own pages (a fresh process maps them, as verify does): one pass "
          f"on one thread "
          f"{file_single:.3f} s, two passes side by side (what verify must do) {file_two:.3f} s")
    print(f"  verify() at {file_two / best:.0%} of the two-pass limit on the file ({two / best:.0%} of the "
          f"cached-buffer one), {file_single / best:.0%} of one single-thread pass over the file")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--app-mib", type=int, default=384)
    parser.add_argument("--big-mib", type=int, default=2048)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "capture")
    parser.add_argument("--skip", default="", help="comma list: gcore, app, big")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; kernel {os.uname().release}")
    t = Target(str(TARGET), "--random", str(args.size_mib), "--seed", "5")
    try:
        one_target("random", f"random: one mapping of {args.size_mib} MiB of random bytes", t, out, args,
                   {"random-ours-none.msl"})
    finally:
        t.close()
    if "app" not in skip:
        app = Target(str(APP_TARGET), "--mib", str(args.app_mib))
        try:
            one_target("app", f"app: a Python process holding about {args.app_mib} MiB of objects", app, out, args,
                       set())
        finally:
            app.close()
    kept = out / "random-ours-none.msl"
    if kept.exists():
        verify_pass(kept, out, args.repeat)
        kept.unlink()
    if args.big_mib and "big" not in skip:
        big = Target(str(TARGET), "--fill", str(args.big_mib))
        try:
            volume = big.rss()
            env = msl_env(out / "pycache")
            rows = []
            for codec in ("none", "zstd", "lz4"):
                m = Measure(f"msl capture -c {codec}", note=f"one {args.big_mib} MiB mapping")
                path = out / f"big-{codec}.msl"
                seconds, peaks, code, err = timed([PY, "-m", "memslice.cli.main", "capture", str(big.pid), "-q",
                                                   "--force", "-o", str(path), "-c", codec], env)
                if code:
                    m.failed = err
                else:
                    m.seconds.append(seconds)
                    m.anon_kib.append(peaks["anon_kib"])
                    m.rss_kib.append(peaks["maxrss_kib"])
                    m.out_bytes = path.stat().st_size
                path.unlink(missing_ok=True)
                rows.append(m)
        finally:
            big.close()
        print_table(f"memory with one {args.big_mib} MiB mapping", rows, volume, None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
