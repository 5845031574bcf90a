"""Describe a capture (``msl info FILE``)."""

from __future__ import annotations

import argparse

from memslice.cli.common import DIALECT_HELP, EXIT_OK, add_secret_options, open_reader


def _cmd_info(args: argparse.Namespace) -> int:
    from memslice.canon import struct_to_canon

    with open_reader(args, args.file, dialect=args.dialect) as reader:
        header = struct_to_canon(reader.header)
        print(f"{args.file}: {reader.size} bytes, Memory Slice version 0x{reader.version:04x}, "
              f"{'little' if reader.endian == '<' else 'big'}-endian, dialect {reader.dialect}")
        for reason in reader.dialect_reasons:
            print(f"  dialect: {reason}")
        for key in ("flags", "cap_bitmap"):
            value = header[key]
            names = [k for k, v in value.items() if v is True]
            print(f"  {key}: {value['value']} {' '.join(names)}")
        for key in ("dump_uuid", "timestamp", "os_type", "arch_type", "pid", "clock_source", "block_count",
                    "hash_algo"):
            value = header.get(key)
            if isinstance(value, dict):
                value = f"{value['value']} ({value['name']})"
            print(f"  {key}: {value}")
        if reader.encrypted:
            _print_encryption(reader)
        counts: dict[str, int] = {}
        order: list[str] = []
        from memslice.generated.registry import block_id

        for rec in reader.blocks:
            name = block_id(rec.block_type, reader.dialect) or f"unknown_0x{rec.block_type:04x}"
            if rec.compressed:
                name += f"[{('none', 'zstd', 'lz4', 'ext')[rec.comp_algo]}]"
            if not order or order[-1] != name:
                order.append(name)
            counts[name] = counts.get(name, 0) + 1
        print(f"  blocks: {len(reader.blocks)} ({reader.stream_end})")
        for rec in reader.blocks:
            name = block_id(rec.block_type, reader.dialect) or "unknown"
            comp = f" {('none', 'zstd', 'lz4', 'ext')[rec.comp_algo]}" if rec.compressed else ""
            seg = "" if rec.segment == 0 else (f" segment {rec.segment}" if rec.segment > 0 else " trailing")
            print(f"    {rec.index:5d} 0x{rec.offset:010x} 0x{rec.block_type:04x} {name:28s} "
                  f"{rec.length:12d}{comp}{seg}")
        if reader.container is not None:
            from memslice.crypto.sealed import sealed_segments

            for seg in sealed_segments(reader):
                state = "verified" if seg.ok else f"FAILS ({seg.reason}): trailing data from here"
                names = ", ".join(b.block_id or f"0x{b.header.block_type:04x}" for b in seg.blocks)
                print(f"  sealed segment {seg.index} at file offset 0x{seg.offset:x}: {state}"
                      + (f" [{names}]" if names else ""))
        if reader.fault:
            print(f"  fault: {reader.fault}")
        for w in reader.warnings:
            print(f"  warning: {w}")
    return EXIT_OK

def _print_encryption(reader: object) -> None:
    from memslice.crypto import describe_header

    facts = describe_header(reader.encryption)  # type: ignore[attr-defined]
    params = facts.get("argon2id")
    extra = f", Argon2id t={params['time']} m={params['memory_kib']} KiB p={params['lanes']}" if params else ""
    print(f"  encrypted: {facts['cipher']}, KDF {facts['kdf']}, KEM {facts['kem']} (KEMCtLen {facts['kem_ct_len']}), "
          f"CipherLen {facts['cipher_len']}{extra}")
    if reader.container is None:  # type: ignore[attr-defined]
        print(f"  encrypted: the block stream is ciphertext; to read it give {facts['needs']}")
    else:
        print("  encrypted: AEAD tag verified; offsets below are in the plaintext")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl info`` to the parser."""
    p = sub.add_parser("info", help="describe a capture: header, dialect, block list")
    p.add_argument("file")
    p.add_argument("--dialect", default="auto", help=DIALECT_HELP)
    add_secret_options(p)
    p.set_defaults(func=_cmd_info)
