"""Run the fuzz targets under hard limits and report what ran.

Usage::

    python -m fuzz.run [TARGET ...] [--seconds 20] [--address-space-mb 1024] [--timeout 5]

Each target runs in its own process (atheris, coverage-guided) with:

- an address-space limit (``RLIMIT_AS``, default 1 GiB): an allocation a hostile input
  drives past it is a ``MemoryError``, which the engine records as a crash;
- an output-size limit (``RLIMIT_FSIZE``, default 256 MiB, ``SIGXFSZ`` ignored so the write
  fails instead of killing the process) for the importers' output;
- a time limit per input (libFuzzer ``-timeout``): a hang is a crash too;
- a total time limit.

The crashing input is kept under ``build/fuzz/artifacts/TARGET/``. Exit status: 0 when
every target ran without a finding, 1 otherwise, 2 when the engine could not start.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from fuzz.seeds import write_seeds
from fuzz.targets import CANARIES, TARGETS

REPO = Path(__file__).resolve().parents[1]
MiB = 1 << 20


@dataclass
class Outcome:
    """What one target's run did."""

    target: str
    seeds: int
    executions: int
    seconds: float
    status: str
    detail: str = ""


def _limits(address_space: int, output_size: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_size, output_size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def _executions(log: str) -> int:
    stat = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    if stat:
        return int(stat.group(1))
    done = re.findall(r"Done (\d+) runs", log)
    if done:
        return int(done[-1])
    progress = re.findall(r"#(\d+)\s", log)
    return int(progress[-1]) if progress else 0


def _finding(log: str) -> str:
    """The lines of a libFuzzer log that say what went wrong (exception, limit, artifact)."""
    keep = []
    for line in log.splitlines():
        if (line.strip().startswith(("=== Uncaught", "Traceback", "File ", "==", "artifact_prefix", "SUMMARY"))
                or "Error" in line or "timeout" in line.lower() or "out-of-memory" in line):
            keep.append(line)
    return "\n".join(keep[-40:])


def run_target(target: str, *, seconds: float, address_space: int, output_size: int, timeout: int,
               runs: int | None, workdir: Path, seed: int) -> Outcome:
    """Fuzz one target in a child process under the limits and return its outcome."""
    seeds_dir = workdir / "seeds" / target
    corpus_dir = workdir / "corpus" / target
    artifacts = workdir / "artifacts" / target
    shutil.rmtree(seeds_dir, ignore_errors=True)
    count = write_seeds(target, seeds_dir)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    max_len = max(p.stat().st_size for p in seeds_dir.iterdir())
    options = [f"-max_total_time={max(1, int(seconds))}", f"-timeout={timeout}", "-print_final_stats=1",
               f"-max_len={max_len}", f"-seed={seed}", f"-artifact_prefix={artifacts}/",
               f"-rss_limit_mb={address_space // MiB}"]
    if runs is not None:
        options.append(f"-runs={runs}")
    command = [sys.executable, "-m", "fuzz.engine", target, *options, str(corpus_dir), str(seeds_dir)]
    started = time.perf_counter()
    scratch = workdir / "tmp" / target
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True, mode=0o700)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONHASHSEED": "0", "TMPDIR": str(scratch)}
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, errors="replace",
                          preexec_fn=lambda: _limits(address_space, output_size),  # noqa: PLW1509 - limits only
                          timeout=seconds + 120)
    elapsed = time.perf_counter() - started
    log = proc.stdout + proc.stderr
    executed = _executions(log)
    if proc.returncode == 0:
        return Outcome(target, count, executed, elapsed, "ok")
    if "ModuleNotFoundError" in log and "atheris" in log:
        return Outcome(target, count, executed, elapsed, "no-engine", "atheris is not installed")
    return Outcome(target, count, executed, elapsed, "finding", _finding(log) or log[-4000:])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m fuzz.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", metavar="TARGET",
                        help=f"one of {', '.join([*TARGETS, *CANARIES])} (default: every parser target)")
    parser.add_argument("--seconds", type=float, default=20.0, help="total time per target (default 20)")
    parser.add_argument("--runs", type=int, default=None, help="stop a target after this many inputs")
    parser.add_argument("--address-space-mb", type=int, default=1024, help="RLIMIT_AS of the fuzzing process")
    parser.add_argument("--output-mb", type=int, default=256, help="RLIMIT_FSIZE of the fuzzing process")
    parser.add_argument("--timeout", type=int, default=5, help="seconds one input may take")
    parser.add_argument("--seed", type=int, default=1, help="the engine's random seed")
    parser.add_argument("--workdir", type=Path, default=REPO / "build" / "fuzz")
    args = parser.parse_args(argv)
    unknown = [t for t in args.targets if t not in TARGETS and t not in CANARIES]
    if unknown:
        parser.error(f"unknown target {unknown[0]!r}")
    worst = 0
    total = 0
    for target in args.targets or list(TARGETS):
        outcome = run_target(target, seconds=args.seconds, address_space=args.address_space_mb * MiB,
                             output_size=args.output_mb * MiB, timeout=args.timeout, runs=args.runs,
                             workdir=args.workdir, seed=args.seed)
        total += outcome.executions
        print(f"fuzz {outcome.target}: {outcome.status}, {outcome.executions} inputs in {outcome.seconds:.1f} s "
              f"from {outcome.seeds} seeds", flush=True)
        if outcome.status == "finding":
            print(outcome.detail, flush=True)
            worst = max(worst, 1)
        elif outcome.status != "ok":
            print(f"fuzz {outcome.target}: {outcome.detail}", flush=True)
            worst = 2
    print(f"fuzz total: {total} inputs", flush=True)
    return worst


if __name__ == "__main__":
    sys.exit(main())
