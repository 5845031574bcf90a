"""Encrypt a capture (``msl encrypt IN -o OUT``)."""

from __future__ import annotations

import argparse

from memslice.cli.common import EXIT_OK, add_encrypt_options, encryption_config


def _cmd_encrypt(args: argparse.Namespace) -> int:
    from memslice.atomic_output import check_destination
    from memslice.crypto.convert import convert
    from memslice.reader import MslReader

    check_destination(args.output, force=args.force)  # before a prompt, a KDF or a verify
    config = encryption_config(args)
    with MslReader(args.file) as reader:
        if reader.encrypted:
            from memslice.errors import EncodeError

            raise EncodeError("the input is already encrypted (msl decrypt it first)")
        out = convert(reader, args.output, encryption=config, overwrite=args.force, check=not args.no_verify)
    if not args.quiet:
        print(f"{out}: encrypted ({args.cipher})")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl encrypt`` to the parser."""
    p = sub.add_parser("encrypt", help="write an encrypted copy of a capture (1.1 section 10)")
    p.add_argument("file", metavar="IN")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument("--no-verify", action="store_true", help="convert even if the input does not verify")
    p.add_argument("-f", "--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("-q", "--quiet", action="store_true")
    add_encrypt_options(p)
    p.set_defaults(func=_cmd_encrypt)
