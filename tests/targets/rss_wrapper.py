"""Run a command and write its peak RSS (KiB) to a file: ``rss_wrapper.py OUT CMD ARGS...``.

A process forked from a big one (pytest) inherits that process's RSS high-water mark in
``ru_maxrss`` (the kernel keeps it across exec). This small wrapper forks the command
itself, so what ``wait4`` reports is the command's own peak. Exits with its status.
"""

import os
import sys


def main() -> int:
    out, argv = sys.argv[1], sys.argv[2:]
    pid = os.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    with open(out, "w") as handle:
        handle.write(str(usage.ru_maxrss))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
