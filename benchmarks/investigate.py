"""Investigation mode: time of each table and of ``--investigate`` beside memslicer 0.5.2 ``-I``.

Starts ONE throw-away target (``tests/targets/pattern_target.py``, empty environment) and
``--extra-processes`` idle ``sleep`` processes (so the host has a few hundred processes and
the Process Table and socket-owner scan have real work), then measures in the same run:

* each of our table collectors (``memslice.acquirer.linux.investigate``), in this process;
* memslicer 0.5.2's collector for the same table (``LinuxCollector`` in its own venv, via
  a small script), where it has one;
* ``msl capture --scope stack`` without and with ``--investigate`` (the difference is what
  investigation mode adds to a capture), and ``memslicer acquire -b gdb --scope stack``
  without and with ``-I --no-encrypt`` (plus its kernel-symbol and kernel-module tables),
  when memslicer is installed.

Each time is the best of ``--repeat`` runs. The machine may be shared: compare ratios
within one run, not absolute numbers across runs.

Usage::

    .venv/bin/python benchmarks/investigate.py [--repeat 5] [--extra-processes 300] [--out bench-out/investigate]
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "tests" / "targets" / "pattern_target.py"
ORACLES = Path(os.environ.get("MEMSLICE_ORACLE_ROOT", REPO / ".oracle-venvs"))
MEMSLICER = ORACLES / "memslicer" / "bin" / "memslicer"
MEMSLICER_PY = ORACLES / "memslicer" / "bin" / "python"
PY = sys.executable

PEER_SCRIPT = r"""
import json, logging, sys, time
from memslicer.acquirer.collectors.linux import LinuxCollector
pid, repeat = int(sys.argv[1]), int(sys.argv[2])
logging.disable(logging.CRITICAL)
c = LinuxCollector()
jobs = {
    "process_table": lambda: c.collect_process_table(pid),
    "connection_table": c.collect_connection_table,
    "handle_table": lambda: c.collect_handle_table(pid),
    "connectivity_table": c.collect_connectivity_table,
    "kernel_module_list": c.collect_kernel_module_list,
    "persistence_manifest": c.collect_persistence_manifest,
    "target_introspection": lambda: c.collect_process_identity(pid, include_environ=True),
    "system_context+kernel_symbol_bundle": c.collect_system_info,
}
out = {}
for name, job in jobs.items():
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter(); job(); best = min(best, time.perf_counter() - t)
    out[name] = best
print(json.dumps(out))
"""


def best_of(repeat: int, job: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` calls."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - started)
    return best


def ours(pid: int, repeat: int) -> dict[str, float]:
    """Best time of each of our collectors (and the socket-owner scan they share)."""
    from memslice.acquirer.linux.investigate import (
        connection_table,
        connectivity_table,
        handle_table,
        kernel_modules,
        kernel_symbols,
        persistence,
        process_table,
        system_context,
        target_introspection,
    )
    from memslice.acquirer.linux.investigate.sockets import socket_owners

    owners = socket_owners()
    return {
        "socket owners (shared scan)": best_of(repeat, socket_owners),
        "process_table": best_of(repeat, lambda: process_table.collect(pid)),
        "connection_table": best_of(repeat, lambda: connection_table.collect(owners)),
        "handle_table": best_of(repeat, lambda: handle_table.collect(pid)),
        "connectivity_table": best_of(repeat, lambda: connectivity_table.collect(owners)),
        "kernel_module_list": best_of(repeat, kernel_modules.collect),
        "persistence_manifest": best_of(repeat, persistence.collect),
        "target_introspection": best_of(repeat, lambda: target_introspection.collect(pid)),
        "system_context+kernel_symbol_bundle": best_of(
            repeat, lambda: (system_context.build(0, None), kernel_symbols.collect())),
    }


def peer(pid: int, repeat: int) -> dict[str, float] | str:
    """memslicer's collectors, timed in its venv (or why not)."""
    if not MEMSLICER_PY.exists():
        return f"memslicer venv not found under {ORACLES}"
    proc = subprocess.run([str(MEMSLICER_PY), "-c", PEER_SCRIPT, str(pid), str(repeat)], capture_output=True,
                          text=True, check=False, timeout=600)
    if proc.returncode != 0:
        return f"memslicer collectors failed: {proc.stderr[-300:]}"
    return json.loads(proc.stdout)


def run(cmd: list[str], cwd: Path) -> float:
    """Wall time of a command (it must succeed)."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=cwd)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}... failed: {(proc.stderr or proc.stdout)[-300:]}")
    return seconds


def captures(pid: int, out: Path, repeat: int) -> dict[str, float | str]:
    """Whole captures with and without investigation mode, ours and memslicer's."""
    msl = [PY, "-m", "memslice.cli.main", "capture", str(pid), "--scope", "stack", "-q", "--force"]
    res: dict[str, float | str] = {}
    plain = [*msl, "-o", str(out / "plain.msl")]
    inv = [*msl, "-o", str(out / "inv.msl"), "--investigate", "--report", str(out / "inv.json")]
    res["msl capture"] = best_of(repeat, lambda: run(plain, out))
    res["msl capture --investigate"] = best_of(repeat, lambda: run(inv, out))
    if not MEMSLICER.exists() or shutil.which("gdb") is None:
        res["memslicer"] = "not installed (or no gdb)"
        return res
    ms = [str(MEMSLICER), "acquire", str(pid), "-b", "gdb", "--scope", "stack", "-o"]
    ms_plain = [*ms, str(out / "ms-plain.msl")]
    ms_inv = [*ms, str(out / "ms-inv.msl"), "-I", "--no-encrypt", "--include-kernel-symbols",
              "--include-kernel-modules"]
    for path in ("ms-plain.msl", "ms-inv.msl"):
        (out / path).unlink(missing_ok=True)

    def ms_run(cmd: list[str], name: str) -> None:
        (out / name).unlink(missing_ok=True)
        run(cmd, out)

    res["memslicer acquire"] = best_of(max(1, repeat // 2), lambda: ms_run(ms_plain, "ms-plain.msl"))
    res["memslicer acquire -I"] = best_of(max(1, repeat // 2), lambda: ms_run(ms_inv, "ms-inv.msl"))
    return res


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--extra-processes", type=int, default=300)
    parser.add_argument("--out", default=None, help="directory for the captures (default: a temporary one)")
    args = parser.parse_args()
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="msl-inv-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    sleepers = [subprocess.Popen(["sleep", "3600"], env={}, stdin=subprocess.DEVNULL)
                for _ in range(args.extra_processes)]
    target = subprocess.Popen([PY, str(TARGET)], env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert target.stdout is not None
        pid = int(json.loads(target.stdout.readline())["pid"])
        nprocs = sum(1 for n in os.listdir("/proc") if n.isdigit())
        mine = ours(pid, args.repeat)
        theirs = peer(pid, args.repeat)
        whole = captures(pid, out, args.repeat)
    finally:
        target.kill()
        target.wait()
        for s in sleepers:
            s.kill()
        for s in sleepers:
            s.wait()
    print(f"investigation tables on this host ({nprocs} processes), best of {args.repeat}:")
    print(f"  {'table':38s} {'memslice':>10s} {'memslicer':>10s} {'ratio':>7s}")
    for name, seconds in mine.items():
        other = theirs.get(name) if isinstance(theirs, dict) else None
        ratio = f"{other / seconds:6.2f}x" if other else "   -"
        print(f"  {name:38s} {seconds * 1e3:8.1f}ms {(f'{other * 1e3:8.1f}ms' if other else '       -'):>10s} {ratio}")
    if isinstance(theirs, str):
        print(f"  (memslicer: {theirs})")
    total = sum(v for k, v in mine.items() if not k.startswith("socket"))
    print(f"  sum of our tables: {total * 1e3:.1f} ms (the socket scan runs once, shared)")
    print("whole captures (--scope stack), best wall time:")
    for name, value in whole.items():
        print(f"  {name:38s} " + (f"{value:8.3f} s" if isinstance(value, float) else value))
    if isinstance(whole.get("msl capture --investigate"), float) and isinstance(whole.get("msl capture"), float):
        delta = whole["msl capture --investigate"] - whole["msl capture"]  # type: ignore[operator]
        print(f"  --investigate adds {delta:.3f} s to msl capture")
    if isinstance(whole.get("memslicer acquire -I"), float) and isinstance(whole.get("memslicer acquire"), float):
        delta = whole["memslicer acquire -I"] - whole["memslicer acquire"]  # type: ignore[operator]
        print(f"  -I adds {delta:.3f} s to memslicer acquire")
    report = json.loads((out / "inv.json").read_text()).get("investigation", {})
    print(f"  in-capture collection (report): {report.get('seconds')} s; per table: "
          + ", ".join(f"{k} {v['seconds'] * 1e3:.1f}ms" for k, v in report.get("tables", {}).items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
