"""Run a command; write its peak RSS to a file: ``rss_wrapper.py OUT CMD ARGS...``.

A process forked from a big one (pytest, a benchmark) inherits that process's RSS high-water
mark in ``ru_maxrss`` (the kernel keeps it across exec); this wrapper forks the command
itself, so what ``wait4`` reports is the command's own peak. Used by the tests' harness and
by ``benchmarks/capture.py``.

Writes ``{"maxrss_kib": ..., "anon_kib": ..., "cpu_s": ...}``: ``cpu_s`` the user plus system
CPU seconds of the command and the children it waited for (from ``wait4``: on a loaded
machine a steadier measure of work than the wall time), ``maxrss_kib`` from ``wait4`` (the largest
process of the command's tree, file-backed pages it mapped included), ``anon_kib`` the
largest sum of ``RssAnon`` over the command's process tree, sampled every 5 ms (the page
cache a tool maps is not its own memory; its anonymous memory is). Exits with the command's
status.
"""

from __future__ import annotations

import json
import os
import sys
import threading


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as handle:
                    todo.extend(int(c) for c in handle.read().split())
        except OSError:
            continue
    return out


def _anon_kib(pid: int) -> int:
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/status") as handle:
                for line in handle:
                    if line.startswith("RssAnon:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.005):
            peak[0] = max(peak[0], _anon_kib(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(pid, 0)
    done.set()
    sampler.join()
    with open(out, "w") as handle:
        json.dump({"maxrss_kib": usage.ru_maxrss, "anon_kib": peak[0],
                   "cpu_s": round(usage.ru_utime + usage.ru_stime, 4)}, handle)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
