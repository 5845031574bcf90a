"""A throw-away process with known memory, for the acquirer's tests, benchmark and demo.

Run it with an empty environment; it sets up what its options ask for, prints ONE JSON
line on stdout describing where everything is, then obeys commands read from stdin, one
per line, answering each with one line:

* ``ping`` -> ``pong`` (it is alive and not stopped);
* ``unmap NAME`` -> ``ok`` after munmap of the named area;
* ``exit`` (or end of input) -> exits.

Areas (all optional):

* ``--markers MIB``: an anonymous mapping filled with the 32-byte marker
  ``<MSLREF:MARKER:0123456789ABCDEF>`` (MIB x 32768 copies);
* ``--random MIB --seed S``: an anonymous mapping with ``random.Random(S).randbytes``;
* ``--fill MIB``: one mapping, every page = 8-byte page index then 0xA5 bytes;
* ``--threads K``: K threads named ``<name>-w<i>`` (``prctl(PR_SET_NAME)``) that wait;
* ``--protnone``: ``touched_none`` (written, then PROT_NONE) and ``untouched_none`` (never
  touched, PROT_NONE), 16 pages each;
* ``--beyond-eof PATH``: PATH (one page, written here) mapped over 4 pages: pages 1-3 lie
  beyond the end of the file;
* ``--sparse GIB``: a MAP_NORESERVE mapping of GIB GiB with three touched pages (first,
  middle, last), each filled with ``SPARSE<page index>`` repeated;
* ``--churn``: a thread that maps and unmaps 64 pages at a fixed address, over and over,
  each page filled with ``CHURN!!!``;
* ``--name NAME``: ``prctl(PR_SET_NAME)`` of the main thread (``comm``).

Only the Python standard library is used (ctypes for mmap/mprotect/prctl).
"""

from __future__ import annotations

import argparse
import array
import ctypes
import json
import os
import random
import sys
import threading

MARKER = b"<MSLREF:MARKER:0123456789ABCDEF>"
STRINGS = [
    b"MSLREF_STRING_ALPHA::the quick brown fox jumps over the lazy dog\0",
    b"MSLREF_STRING_BETA::0xDEADBEEFCAFEBABE::reference capture\0",
]
PAGE = os.sysconf("SC_PAGE_SIZE")
PROT_NONE, PROT_READ, PROT_WRITE = 0, 1, 2
MAP_SHARED, MAP_PRIVATE, MAP_ANONYMOUS, MAP_NORESERVE, MAP_FIXED_NOREPLACE = 0x01, 0x02, 0x20, 0x4000, 0x100000
PR_SET_NAME = 15
CHURN_ADDR = 0x6F00_0000_0000
CHURN_PAGES = 64

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]


def mmap(size: int, prot: int = PROT_READ | PROT_WRITE, flags: int = MAP_PRIVATE | MAP_ANONYMOUS, fd: int = -1,
         addr: int = 0) -> int:
    got = libc.mmap(addr, size, prot, flags, fd, 0)
    if got in (None, ctypes.c_void_p(-1).value):
        raise OSError(ctypes.get_errno(), f"mmap of {size} bytes failed")
    return int(got)


def fill(addr: int, pattern: bytes, size: int) -> None:
    piece = pattern * max(1, (1 << 20) // len(pattern))
    done = 0
    while done < size:
        n = min(len(piece), size - done)
        ctypes.memmove(addr + done, piece, n)
        done += n


def fill_indexed(addr: int, size: int) -> None:
    """Every page of ``[addr, addr + size)``: its 8-byte little-endian index, then 0xA5 bytes.

    A MiB at a time: the indexes go into a template with one strided slice assignment, so a
    2 GiB area takes 2048 ``memmove`` calls, not half a million (and is written once, not twice).
    """
    words = PAGE // 8
    per_chunk = max(1, (1 << 20) // PAGE)
    template = array.array("Q", b"\xa5" * (per_chunk * PAGE))
    first = 0
    while first < size // PAGE:
        count = min(per_chunk, size // PAGE - first)
        chunk = template if count == per_chunk else array.array("Q", template[:count * words])
        chunk[0::words] = array.array("Q", range(first, first + count))
        if sys.byteorder == "big":
            chunk.byteswap()  # the indexes are little-endian; 0xA5 bytes read the same either way
        ctypes.memmove(addr + first * PAGE, chunk.buffer_info()[0], count * PAGE)
        if sys.byteorder == "big":
            chunk.byteswap()
        first += count


def set_name(name: str) -> None:
    libc.prctl(PR_SET_NAME, name.encode()[:15], 0, 0, 0)


def churn(stop: threading.Event, counter: list[int]) -> None:
    size = CHURN_PAGES * PAGE
    while not stop.is_set():
        got = libc.mmap(CHURN_ADDR, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
                        -1, 0)
        if got != CHURN_ADDR:
            continue
        fill(CHURN_ADDR, b"CHURN!!!", size)
        libc.munmap(CHURN_ADDR, size)
        counter[0] += 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--markers", type=int, default=0)
    parser.add_argument("--random", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fill", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--protnone", action="store_true")
    parser.add_argument("--beyond-eof")
    parser.add_argument("--sparse", type=int, default=0)
    parser.add_argument("--churn", action="store_true")
    parser.add_argument("--name", default="")
    args = parser.parse_args()
    if args.name:
        set_name(args.name)
    info: dict[str, object] = {"pid": os.getpid(), "page_size": PAGE, "areas": {}}
    areas: dict[str, list[int]] = info["areas"]  # type: ignore[assignment]
    keep = [bytearray(s) for s in STRINGS]  # the strings live on the heap
    if args.markers:
        size = args.markers << 20
        addr = mmap(size)
        fill(addr, MARKER, size)
        areas["markers"] = [addr, size]
    if args.random:
        size = args.random << 20
        addr = mmap(size)
        rng = random.Random(args.seed)
        done = 0
        while done < size:
            piece = rng.randbytes(min(1 << 20, size - done))
            ctypes.memmove(addr + done, piece, len(piece))
            done += len(piece)
        areas["random"] = [addr, size]
    if args.fill:
        size = args.fill << 20
        addr = mmap(size)
        fill_indexed(addr, size)
        areas["fill"] = [addr, size]
    if args.protnone:
        size = 16 * PAGE
        touched = mmap(size)
        fill(touched, b"NONE", size)
        libc.mprotect(touched, size, PROT_NONE)
        areas["touched_none"] = [touched, size]
        areas["untouched_none"] = [mmap(size, prot=PROT_NONE), size]
    if args.beyond_eof:
        fd = os.open(args.beyond_eof, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, b"EOFPAGE!" * (PAGE // 8))
        areas["beyond_eof"] = [mmap(4 * PAGE, prot=PROT_READ, flags=MAP_SHARED, fd=fd), 4 * PAGE]
        os.close(fd)
    if args.sparse:
        size = args.sparse << 30
        addr = mmap(size, flags=MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)
        touched = [0, size // PAGE // 2, size // PAGE - 1]
        for page in touched:
            fill(addr + page * PAGE, f"SPARSE{page:010d}".encode(), PAGE)
        areas["sparse"] = [addr, size]
        info["sparse_touched"] = touched
    stop = threading.Event()
    threads = []
    tids: dict[str, int] = {}
    ready = threading.Barrier(args.threads + 1) if args.threads else None
    for i in range(args.threads):
        def worker(i: int = i) -> None:
            set_name(f"{args.name or 'target'}-w{i}"[:15])
            tids[f"w{i}"] = threading.get_native_id()
            assert ready is not None
            ready.wait()
            stop.wait()

        t = threading.Thread(target=worker, daemon=True)
        t.start()
        threads.append(t)
    if ready is not None:
        ready.wait()
    counter = [0]
    if args.churn:
        t = threading.Thread(target=churn, args=(stop, counter), daemon=True)
        t.start()
        areas["churn"] = [CHURN_ADDR, CHURN_PAGES * PAGE]
    info["threads"] = tids
    print(json.dumps(info), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "exit":
            break
        if cmd[0] == "ping":
            print("pong", flush=True)
        elif cmd[0] == "unmap" and cmd[1] in areas:
            addr, size = areas[cmd[1]]
            libc.munmap(addr, size)
            print("ok", flush=True)
        else:
            print("?", flush=True)
    stop.set()
    del keep
    return 0


if __name__ == "__main__":
    sys.exit(main())
