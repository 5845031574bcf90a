"""Constants shared by the ``msl`` subcommands: exit codes and option help."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from memslice.errors import AuthenticationError, ContainerError, CryptoError, KdfLimitError, MslError, SecretError

EXIT_OK = 0
"""Success: the file is valid / the command did what was asked."""
EXIT_FAIL = 1
"""The file is invalid, rejected, or a check failed."""
EXIT_USAGE = 2
"""Usage error: a bad option or argument (argparse uses 2 as well)."""
EXIT_NOT_CHECKED = 10
"""The file could not be checked (encrypted without a key): neither valid nor invalid."""
EXIT_SECRET = SecretError.exit_code
"""11: a secret was needed but none was given (a command that must decrypt), or it is of the
wrong kind or size for the file's KDF/KEM."""
EXIT_AUTH = AuthenticationError.exit_code
"""12: the AEAD tag does not verify: a wrong secret, or a modified byte."""
EXIT_CONTAINER = ContainerError.exit_code
"""13: the encrypted container is broken (CipherLen, KEMCtLen, suite, data after the tag)."""
EXIT_KDF_LIMIT = KdfLimitError.exit_code
"""14: the header's Argon2id parameters exceed --kdf-max-memory or the time/lanes caps."""
EXIT_INTERNAL = 70
"""A bug: an unexpected exception, reported in one line (sysexits EX_SOFTWARE)."""
EXIT_IO = 74
"""I/O error: no such file, permission denied, a read or write failed (sysexits EX_IOERR)."""
EXIT_INTERRUPTED = 130
"""Interrupted by Ctrl-C or SIGTERM."""

EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "valid / done"),
    (EXIT_FAIL, "invalid: a check failed or the file was rejected"),
    (EXIT_USAGE, "usage error (bad option or argument; an output that exists without -f)"),
    (EXIT_NOT_CHECKED, "not checked (e.g. encrypted without a key)"),
    (EXIT_SECRET, "encrypted: secret missing (a command that must decrypt) or of the wrong kind or size"),
    (EXIT_AUTH, "encrypted: authentication failed (wrong secret or a modified byte)"),
    (EXIT_CONTAINER, "encrypted: broken container (CipherLen, KEMCtLen, suite, data after the tag)"),
    (EXIT_KDF_LIMIT, "encrypted: Argon2id parameters above --kdf-max-memory or the time/lanes caps"),
    (EXIT_IO, "I/O error (no such file, permission denied, read or write failed)"),
    (EXIT_INTERNAL, "internal error (please report)"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C, SIGTERM)"),
)
"""The exit codes every ``msl`` command uses, with their meaning (``msl --help``, README)."""

SEVERITY = {EXIT_OK: 0, EXIT_NOT_CHECKED: 1, EXIT_FAIL: 2, EXIT_SECRET: 3, EXIT_AUTH: 4, EXIT_CONTAINER: 5,
            EXIT_KDF_LIMIT: 6, EXIT_USAGE: 7, EXIT_IO: 8, EXIT_INTERNAL: 9, EXIT_INTERRUPTED: 10}
"""Order of exit codes when a command checks several files and exits with the worst."""


def worst(codes: list[int]) -> int:
    """The most severe of several exit codes (0 for none)."""
    return max(codes, key=lambda c: SEVERITY.get(c, SEVERITY[EXIT_INTERNAL]), default=EXIT_OK)


def error_exit_code(exc: MslError) -> int:
    """The exit code of an error: its own for decryption failures (11-14), else 1 (invalid)."""
    return int(exc.exit_code) if isinstance(exc, CryptoError) else EXIT_FAIL


def exit_code_table() -> str:
    """The exit-code table as plain text lines."""
    return "\n".join(f"  {code:>3}  {meaning}" for code, meaning in EXIT_CODES)


DIALECT_HELP = "dialect to decode with: auto, spec-1.0, spec-1.1, memdiver-1.0.2, g0"


def add_inflate_budget(parser: argparse.ArgumentParser) -> None:
    """Add ``--inflate-budget BYTES``: the most one compressed block may declare (MslReader's budget)."""
    from memslice.compression import DEFAULT_INFLATE_BUDGET

    parser.add_argument("--inflate-budget", type=int, default=DEFAULT_INFLATE_BUDGET, metavar="BYTES",
                        help="refuse compressed blocks that declare more than BYTES inflated "
                             "(default %(default)s, 1 GiB)")


PASSPHRASE_ENV = "MSL_PASSPHRASE"  # noqa: S105 (the variable name, not a secret)
"""Environment variable holding the passphrase of an encrypted capture."""


def add_secret_options(parser: argparse.ArgumentParser, *, recipient: bool = False) -> None:
    """Add the options that open (or, with ``recipient``, create) encrypted captures.

    Secrets are read from files, ``MSL_PASSPHRASE`` or a terminal prompt, never from the
    command line.
    """
    g = parser.add_argument_group("encrypted captures")
    g.add_argument("--passphrase-file", metavar="FILE",
                   help=f"file holding the passphrase (one line; also ${PASSPHRASE_ENV} or a prompt on a terminal)")
    g.add_argument("--key-file", metavar="FILE", help="file holding the 32-byte raw content key")
    if recipient:
        g.add_argument("--recipient", metavar="PUBLIC_KEY", help="encrypt to this public key file (msl keygen)")
    else:
        g.add_argument("--identity", metavar="PRIVATE_KEY", help="recipient private key file (msl keygen)")
    g.add_argument("--kdf-max-memory", type=int, metavar="KIB", default=None,
                   help="largest Argon2id memory (KiB) to accept from a file header (default 1 GiB)")


def read_passphrase(args: argparse.Namespace, *, prompt: str, confirm: bool = False) -> bytes | None:
    """The passphrase from --passphrase-file, $MSL_PASSPHRASE or a terminal prompt (None if none)."""
    if getattr(args, "passphrase_file", None):
        text = Path(args.passphrase_file).read_bytes()
        return text.rstrip(b"\r\n")
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env.encode("utf-8")
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("again: ") != first:
            raise SecretError("the two passphrases differ")
        return first.encode("utf-8")
    return None


def _peek_encryption(path: str) -> Any:
    """The encryption header of a file, or None when it is not encrypted (or not readable as such)."""
    from memslice.generated import framing
    from memslice.generated._support import field_info
    from memslice.generated.enums import Endianness, HeaderFlags

    at = field_info(framing.FileHeader, "endianness").offset
    try:
        with open(path, "rb") as fh:
            head = fh.read(framing.HEADER_SIZE_ENCRYPTED)
        endian = "<" if head[at:at + 1] == bytes([Endianness.LITTLE]) else ">"
        header = framing.FileHeader.decode(head[:framing.HEADER_SIZE_PLAIN], endian)
        if not header.flags & HeaderFlags.ENCRYPTED or len(head) < framing.HEADER_SIZE_ENCRYPTED:
            return None
        return framing.EncryptionHeader.decode(head[framing.HEADER_SIZE_PLAIN:], endian)
    except (OSError, MslError, IndexError):
        return None


def reader_options(args: argparse.Namespace, path: str) -> dict[str, Any]:
    """Keyword arguments for :class:`memslice.reader.MslReader` from the secret options.

    The passphrase prompt (or $MSL_PASSPHRASE) is used only when the file asks for a passphrase.
    """
    from memslice.generated.enums import KdfType, KeyEncap

    opts: dict[str, Any] = {}
    if getattr(args, "kdf_max_memory", None):
        from memslice.crypto.kdf import KdfLimits  # the crypto stack only for encrypted captures

        opts["kdf_limits"] = KdfLimits(max_memory_kib=args.kdf_max_memory)
    if getattr(args, "key_file", None):
        opts["key"] = Path(args.key_file).read_bytes()
    if getattr(args, "identity", None):
        opts["identity"] = Path(args.identity).read_bytes()
    if getattr(args, "passphrase_file", None):
        opts["passphrase"] = read_passphrase(args, prompt="")
    if not {"key", "identity", "passphrase"} & opts.keys():
        enc = _peek_encryption(path)
        if enc is not None and enc.kdf_type == KdfType.ARGON2ID and enc.key_encap == KeyEncap.NONE:
            passphrase = read_passphrase(args, prompt=f"passphrase for {path}: ")
            if passphrase is not None:
                opts["passphrase"] = passphrase
    return opts


def open_reader(args: argparse.Namespace, path: str, **kwargs: Any) -> Any:
    """An :class:`memslice.reader.MslReader` for ``path`` with the secret options applied."""
    from memslice.reader import MslReader

    return MslReader(path, **kwargs, **reader_options(args, path))


def add_encrypt_options(parser: argparse.ArgumentParser) -> None:
    """Options that choose how to encrypt an output (secret from files/env/prompt, never the command line)."""
    add_secret_options(parser, recipient=True)
    g = parser.add_argument_group("encryption")
    g.add_argument("--cipher", choices=("aes-256-gcm", "xchacha20-poly1305"), default="aes-256-gcm",
                   help="AEAD suite (default %(default)s; memslicer 0.5.2 reads only AES-256-GCM + passphrase)")
    g.add_argument("--kem", choices=("x25519", "ml-kem-768", "ml-kem-1024", "x25519+ml-kem-768"), default=None,
                   help="mechanism of --recipient (default: from the key's size)")
    g.add_argument("--argon2", metavar="T,M_KIB,P", default=None,
                   help="Argon2id time, memory (KiB), lanes (default 3,65536,4; never less)")


def encryption_config(args: argparse.Namespace) -> Any:
    """The :class:`memslice.crypto.producer.EncryptionConfig` the encrypt options describe.

    Raises:
        SecretError: No secret (and no terminal to ask), or more than one.
    """
    from memslice.crypto.kdf import Argon2Params
    from memslice.crypto.producer import EncryptionConfig

    params = Argon2Params()
    if args.argon2:
        try:
            t, m, p = (int(x) for x in args.argon2.split(","))
        except ValueError:
            raise SecretError(f"--argon2 wants T,M_KIB,P, not {args.argon2!r}") from None
        params = Argon2Params(t, m, p)
    config = EncryptionConfig(cipher=args.cipher, kem=args.kem, argon2=params)
    if args.recipient:
        config.recipient = Path(args.recipient).read_bytes()
    elif args.key_file:
        config.key = Path(args.key_file).read_bytes()
    else:
        config.passphrase = read_passphrase(args, prompt="passphrase for the new capture: ", confirm=True)
        if not config.passphrase:
            raise SecretError("give --passphrase-file, --key-file or --recipient (or MSL_PASSPHRASE, or run on a "
                              "terminal to be asked)")
    return config
