"""Read bytes of a capture's address space (``msl read CAPTURE ADDR LEN``)."""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

from memslice.cli.common import DIALECT_HELP, EXIT_OK, add_secret_options, open_reader
from memslice.cli.options import parse_byte, parse_int

_CHUNK = 1 << 20


def spans(space: Any, addr: int, length: int) -> list[dict[str, Any]]:
    """Runs of ``[addr, addr + length)`` with their state, holes between regions as ``absent``."""
    out: list[dict[str, Any]] = []
    cursor = addr
    for run in space.runs(addr, addr + length):
        if run.addr > cursor:
            out.append({"start": cursor, "end": run.addr, "state": "absent"})
        if out and out[-1]["state"] == run.state and out[-1]["end"] == run.addr:
            out[-1]["end"] = run.end
        else:
            out.append({"start": run.addr, "end": run.end, "state": run.state})
        cursor = run.end
    if cursor < addr + length:
        out.append({"start": cursor, "end": addr + length, "state": "absent"})
    return out


def stream(space: Any, addr: int, length: int, fill: int | None) -> Iterator[bytes]:
    """The bytes of the range in bounded chunks (holes raise unless ``fill``)."""
    end = addr + length
    cursor = addr
    while cursor < end:
        n = min(_CHUNK, end - cursor)
        yield space.read(cursor, n, fill)
        cursor += n


def hexdump(out: Any, addr: int, chunks: Iterator[bytes]) -> None:
    """Write ``xxd``-style lines: address, 16 bytes in hex, printable ASCII."""
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        whole = len(data) - len(data) % 16
        _lines(out, addr, data[:whole])
        addr += whole
        carry = data[whole:]
    _lines(out, addr, carry)


def _lines(out: Any, addr: int, data: bytes) -> None:
    table = bytes(c if 0x20 <= c < 0x7F else 0x2E for c in range(256))
    for i in range(0, len(data), 16):
        row = data[i:i + 16]
        hexes = " ".join(row[j:j + 2].hex() for j in range(0, len(row), 2))
        out.write(f"{addr + i:016x}: {hexes:<39}  {row.translate(table).decode('ascii')}\n")


def holes(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runs that are not captured."""
    return [r for r in runs if r["state"] != "captured"]


def _cmd_read(args: argparse.Namespace) -> int:
    from memslice.address_space import AddressSpace
    from memslice.cli.output import check_destination, open_output
    from memslice.cli.scripting import custody, emit, wants_json
    from memslice.errors import NotCapturedError

    if args.output:
        check_destination(args.output, overwrite=args.force)
    with open_reader(args, args.file, dialect=args.dialect) as reader:
        space = AddressSpace(reader)
        runs = spans(space, args.addr, args.length)
        missing = holes(runs)
        if missing and args.fill is None:
            first = missing[0]
            raise NotCapturedError(
                f"0x{first['start']:x}-0x{first['end']:x} was not captured (page state {first['state']}); "
                f"{len(missing)} uncaptured run(s) in the range: nothing written (use --fill BYTE to read across "
                "them)", address=first["start"], state=first["state"])
        digest = hashlib.sha256()
        if args.output or wants_json(args) or not sys.stdout.isatty():
            data = bytearray() if wants_json(args) and not args.output else None
            with open_output(args.output, overwrite=args.force) if args.output else _stdout() as sink:
                for chunk in stream(space, args.addr, args.length, args.fill):
                    digest.update(chunk)
                    if data is not None:
                        data += chunk
                    elif sink is not None:
                        sink.write(chunk)
        else:
            hexdump(sys.stdout, args.addr, (digest.update(c) or c for c in stream(space, args.addr, args.length,
                                                                                    args.fill)))
        if wants_json(args):
            result = {"address": f"0x{args.addr:x}", "length": args.length, "sha256": digest.hexdigest(),
                      "runs": [{"start": f"0x{r['start']:x}", "end": f"0x{r['end']:x}", "state": r["state"],
                                "filled": r["state"] != "captured"} for r in runs],
                      "fill": args.fill, "output": args.output}
            if data is not None:
                result["data_hex"] = data.hex()
            return emit(args, result, captures=[custody(args.file, reader)])
        if missing and not args.quiet:
            print(f"msl read: filled {sum(r['end'] - r['start'] for r in missing)} uncaptured byte(s) in "
                  f"{len(missing)} run(s) with 0x{args.fill:02x}", file=sys.stderr)
    return EXIT_OK


class _stdout:  # noqa: N801 (used like a function in a with statement)
    """Context manager yielding stdout's binary buffer (None for --json without -o)."""

    def __enter__(self) -> BinaryIO | None:
        return sys.stdout.buffer

    def __exit__(self, *exc: object) -> None:
        sys.stdout.buffer.flush()


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl read`` to the parser."""
    p = sub.add_parser("read", help="read bytes of the captured address space (hexdump on a terminal)",
                       description="Read LEN bytes at ADDR. On a terminal prints a hexdump; to a pipe or -o FILE "
                                   "writes the raw bytes. A range that touches a page that was not captured is "
                                   "refused (nothing is written) unless --fill BYTE is given.")
    p.add_argument("file", metavar="CAPTURE")
    p.add_argument("addr", type=parse_int, metavar="ADDR", help="first address (0x hex or decimal)")
    p.add_argument("length", type=parse_int, metavar="LEN", help="bytes to read")
    p.add_argument("-o", "--output", metavar="FILE", help="write the raw bytes to FILE (created new, mode 0600)")
    p.add_argument("--fill", type=parse_byte, metavar="BYTE", help="fill uncaptured bytes with BYTE (e.g. 0x00)")
    p.add_argument("-f", "--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--json", action="store_true", help="one JSON document (the bytes as hex unless -o)")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_read, data_on_stdout=True)
