"""Run a command and write its peak RSS (KiB) to a file: ``rss_wrapper.py OUT CMD ARGS...``.

A process forked from a big one (pytest) inherits that process's RSS high-water mark in
``ru_maxrss`` (the kernel keeps it across exec). This small wrapper forks the command
itself, so what ``wait4`` reports is the command's own peak. Exits with its status.

It writes two numbers: ``ru_maxrss`` (mapped page cache included, e.g. the copy-first
capture's scratch mapping) and the command's peak ``RssAnon`` (its own memory), sampled
every 5 ms.
"""

import os
import sys
import threading


def _anon_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


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
        handle.write(f"{usage.ru_maxrss} {peak[0]}")
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
