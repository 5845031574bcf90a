"""Frida backend throughput and peak memory: ``msl capture --backend frida`` against memslicer 0.5.2's Frida backend.

Starts ONE throw-away target (``tests/targets/pattern_target.py --random MIB``, empty
environment) and measures on it, in the same run, interleaved:

* ``msl capture --backend frida -c none`` (this tree, the CLI as a user runs it);
* ``memslicer acquire -b frida -c none`` (0.5.2, from ``$MEMSLICE_ORACLE_ROOT/memslicer``, default
  ``.oracle-venvs/memslicer``);
* ``msl capture -c none`` (the Linux backend, for reference: ptrace freeze, process_vm_readv).

Each tool runs under ``tests/targets/rss_wrapper.py`` (peak RSS of the largest process of its
tree). Throughput is the target's VmRSS over the wall time (start-up and attach included);
each time is the best of ``--repeat`` runs (memslicer: ``--repeat-slow``). The machine may be
shared: compare the ratios of one run, not absolute figures across runs.

Usage::

    .venv/bin/python benchmarks/capture_frida.py [--size-mib 512] [--repeat 2] [--repeat-slow 1]
        [--out bench-out/capture-frida]
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from capture import PY, Measure, Target, msl_env, timed  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MEMSLICER = Path(os.environ.get("MEMSLICE_ORACLE_ROOT") or REPO / ".oracle-venvs") / "memslicer" / "bin" / "memslicer"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--repeat-slow", type=int, default=1)
    parser.add_argument("--out", type=Path, default=REPO / "bench-out" / "capture-frida")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = msl_env(out / "pycache")
    print(f"machine: {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; kernel {os.uname().release}")
    t = Target("--random", str(args.size_mib), "--seed", "5")
    try:
        volume = t.rss()
        msl = [PY, "-m", "memslice.cli.main", "capture", str(t.pid), "-q", "--force", "-c", "none"]
        tools: list[tuple[Measure, Callable[[], tuple[float, int, int, str]], Path, int]] = []
        path_f = out / "msl-frida.msl"
        tools.append((Measure("msl capture --backend frida", note="live, no freeze"),
                      lambda: timed([*msl, "--backend", "frida", "-o", str(path_f)], env), path_f, args.repeat))
        if MEMSLICER.exists():
            path_m = out / "memslicer-frida.msl"
            cmd = [str(MEMSLICER), "acquire", str(t.pid), "-b", "frida", "-o", str(path_m), "-c", "none"]
            tools.append((Measure("memslicer 0.5.2 -b frida", note="live"), lambda: timed(cmd), path_m,
                          args.repeat_slow))
        path_l = out / "msl-linux.msl"
        tools.append((Measure("msl capture (linux backend)", note="frozen (ptrace)"),
                      lambda: timed([*msl, "-o", str(path_l)], env), path_l, args.repeat))
        timed([*msl, "--backend", "frida", "-o", str(path_f)], env)  # bytecode cache, Frida's temp files
        path_f.unlink(missing_ok=True)
        for round_ in range(max(n for *_, n in tools)):
            for measure, run, path, n in tools:
                if round_ >= n or measure.failed:
                    continue
                seconds, rss, code, err = run()
                if code != 0:
                    measure.failed = f"exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}"
                    continue
                measure.seconds.append(seconds)
                measure.rss_kib.append(rss)
                if path.exists():
                    measure.out_bytes = path.stat().st_size
                    path.unlink()
                for extra in out.glob("*.log"):
                    extra.unlink()
    finally:
        t.close()
    peer = next((m for m, *_ in tools if m.name.startswith("memslicer") and m.seconds), None)
    print(f"\none mapping of {args.size_mib} MiB of random bytes (volume {volume / 2**20:.0f} MiB = target VmRSS)")
    print(f"{'tool':32s} {'best s':>8s} {'MB/s':>8s} {'x memslicer':>12s} {'peak RSS MB':>11s} {'out MB':>7s}  note")
    for m, *_ in tools:
        if m.failed:
            print(f"{m.name:32s} {'failed':>8s}  {m.failed}")
            continue
        ratio = f"{peer.best / m.best:12.2f}" if peer is not None else f"{'-':>12s}"
        runs = f" (best of {len(m.seconds)})" if len(m.seconds) > 1 else ""
        print(f"{m.name:32s} {m.best:8.2f} {volume / m.best / 1e6:8.0f} {ratio} {max(m.rss_kib) / 1024:11.0f} "
              f"{m.out_bytes / 2**20:7.0f}  {m.note}{runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
