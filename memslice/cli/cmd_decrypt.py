"""Decrypt a capture (``msl decrypt IN -o OUT``)."""

from __future__ import annotations

import argparse

from memslice.cli.common import EXIT_OK, add_secret_options, open_reader


def _cmd_decrypt(args: argparse.Namespace) -> int:
    from memslice.atomic_output import check_destination
    from memslice.crypto.convert import convert

    check_destination(args.output, force=args.force)  # before a prompt, a KDF or a verify
    with open_reader(args, args.file) as reader:
        if not reader.encrypted:
            from memslice.errors import EncodeError

            raise EncodeError("the input is not encrypted")
        out = convert(reader, args.output, overwrite=args.force, check=not args.no_verify)
    if not args.quiet:
        print(f"{out}: decrypted (tag, FileHash and BlockCount of the input verified)")
    return EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``msl decrypt`` to the parser."""
    p = sub.add_parser("decrypt", help="write a plain copy of an encrypted capture")
    p.add_argument("file", metavar="IN")
    p.add_argument("-o", "--output", required=True, metavar="OUT")
    p.add_argument("--no-verify", action="store_true", help="convert even if FileHash/BlockCount do not verify")
    p.add_argument("-f", "--force", action="store_true", help="replace OUT if it exists")
    p.add_argument("-q", "--quiet", action="store_true")
    add_secret_options(p)
    p.set_defaults(func=_cmd_decrypt)
