"""Write the bytes of mappings to files (``msl extract CAPTURE --region ADDR | --all -o DIR``)."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from memslice.cli.common import DIALECT_HELP, EXIT_FAIL, EXIT_OK, add_secret_options, open_reader
from memslice.cli.options import parse_byte, parse_int


def _extract_one(space: Any, row: Any, out_dir: Path, fill: int | None, force: bool,
                 max_fill: int) -> dict[str, Any]:
    from memslice.cli.cmd_read import holes, spans, stream
    from memslice.cli.output import check_destination, open_output, write_bytes

    runs = spans(space, row.start, row.size)
    missing = holes(runs)
    name = f"0x{row.start:x}-0x{row.end:x}"
    entry: dict[str, Any] = {"mapping": row.to_dict(), "file": None, "sidecar": None}
    if not any(r["state"] == "captured" for r in runs):
        entry["error"] = "no page of it was captured: nothing to extract"
        return entry
    filled = sum(r["end"] - r["start"] for r in missing)
    if missing and fill is not None and filled > max_fill:
        # a mapping size comes from the file (a VAS Map may list terabyte reservations): the
        # bytes written for it are bounded by the user, not by the input
        entry["error"] = (f"{filled} uncaptured bytes would be filled, more than --max-fill {max_fill}: "
                          "not extracted")
        return entry
    if missing and fill is None:
        first = missing[0]
        entry["error"] = (f"0x{first['start']:x}-0x{first['end']:x} was not captured (page state {first['state']}); "
                          f"{len(missing)} uncaptured run(s): not extracted (use --fill BYTE)")
        return entry
    data_path, side_path = out_dir / f"{name}.bin", out_dir / f"{name}.json"
    check_destination(data_path, overwrite=force)
    check_destination(side_path, overwrite=force)
    digest = hashlib.sha256()
    with open_output(data_path, overwrite=force) as fh:
        for chunk in stream(space, row.start, row.size, fill):
            digest.update(chunk)
            fh.write(chunk)
    sidecar = {"format": "msl-extract/1", "mapping": row.to_dict(), "file": data_path.name, "size": row.size,
               "sha256": digest.hexdigest(), "fill": fill,
               "runs": [{"start": f"0x{r['start']:x}", "end": f"0x{r['end']:x}", "state": r["state"]} for r in runs],
               "filled": [{"start": f"0x{r['start']:x}", "end": f"0x{r['end']:x}", "state": r["state"],
                           "offset": r["start"] - row.start} for r in missing]}
    write_bytes(side_path, (json.dumps(sidecar, indent=2) + "\n").encode(), overwrite=force)
    entry.update(file=str(data_path), sidecar=str(side_path), sha256=sidecar["sha256"],
                 filled_bytes=sum(r["end"] - r["start"] for r in missing))
    return entry


def _cmd_extract(args: argparse.Namespace) -> int:
    from memslice.address_space import AddressSpace
    from memslice.cli.scripting import custody, emit, wants_json
    from memslice.mappings import mappings

    out_dir = Path(args.output)
    with open_reader(args, args.file, dialect=args.dialect) as reader:
        space = AddressSpace(reader)
        rows = mappings(reader, space)
        if args.region is not None:
            rows = [r for r in rows if r.start <= args.region < r.end][:1]
            if not rows:
                raise _no_mapping(args.region)
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        done = [_extract_one(space, row, out_dir, args.fill, args.force, args.max_fill) for row in rows]
        failed = [d for d in done if "error" in d]
        code = EXIT_FAIL if failed else EXIT_OK
        if wants_json(args):
            return emit(args, {"directory": str(out_dir), "extracted": done,
                               "written": len(done) - len(failed), "refused": len(failed)},
                        captures=[custody(args.file, reader)], exit_code=code)
        for d in done:
            m = d["mapping"]
            if "error" in d:
                print(f"msl extract: {m['start']}-{m['end']}: {d['error']}", file=sys.stderr)
            else:
                filled = f", {d['filled_bytes']} byte(s) filled" if d["filled_bytes"] else ""
                what = " ".join(x for x in (m["protection"], m["type"], m["path"]) if x)
                print(f"{d['file']}: {m['size']} bytes {what}{filled}")
        print(f"{len(done) - len(failed)} mapping(s) extracted to {out_dir}"
              + (f", {len(failed)} refused (not wholly captured; --fill BYTE fills them)" if failed else ""))
    return code


def _no_mapping(addr: int) -> Exception:
    from memslice.errors import NotCapturedError

    return NotCapturedError(f"no mapping holds address 0x{addr:x}", address=addr, state="absent")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl extract`` to the parser."""
    p = sub.add_parser("extract", help="write mappings to files, one per mapping with a JSON sidecar",
                       description="Write each mapping to DIR/0xSTART-0xEND.bin with a sidecar .json of its page "
                                   "states (and every filled run). A mapping with pages that were not captured is "
                                   "refused unless --fill BYTE is given, and so is one with no captured page or "
                                   "needing more than --max-fill filled bytes; the others are still written (exit 1).")
    p.add_argument("file", metavar="CAPTURE")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--region", type=parse_int, metavar="ADDR", help="the mapping holding ADDR")
    which.add_argument("--all", action="store_true", help="every mapping")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="directory (created, mode 0700)")
    p.add_argument("--fill", type=parse_byte, metavar="BYTE", help="fill uncaptured bytes with BYTE")
    p.add_argument("--max-fill", type=parse_int, default=1 << 30, metavar="BYTES",
                   help="refuse a mapping needing more filled bytes than this (default 1 GiB)")
    p.add_argument("-f", "--force", action="store_true", help="replace existing files")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_extract)
