"""Generate a recipient key pair (``msl keygen --kem KEM -o NAME``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from memslice.cli.common import EXIT_OK


def _cmd_keygen(args: argparse.Namespace) -> int:
    from memslice.atomic_output import check_destination, write_file
    from memslice.crypto import kem

    private_path = Path(args.output + ".key")
    public_path = Path(args.output + ".pub")
    for path in (private_path, public_path):  # both refused or accepted before a key exists
        check_destination(path, force=args.force)
    public, private = kem.generate_keypair(kem.BY_NAME[args.kem])
    write_file(private_path, private, force=args.force)
    write_file(public_path, public, force=args.force)
    print(f"{private_path}: {args.kem} private key ({len(private)} bytes, mode 0600; msl --identity, "
          f"memdiver --kem-key-file)\n{public_path}: public key ({len(public)} bytes; msl --recipient)")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl keygen`` to the parser."""
    p = sub.add_parser("keygen", help="generate a recipient key pair for encrypted captures (memdiver's format)")
    p.add_argument("--kem", required=True, choices=("x25519", "ml-kem-768", "ml-kem-1024", "x25519+ml-kem-768"))
    p.add_argument("-o", "--output", required=True, metavar="NAME", help="writes NAME.key (0600) and NAME.pub")
    p.add_argument("-f", "--force", action="store_true", help="replace existing key files")
    p.set_defaults(func=_cmd_keygen)
