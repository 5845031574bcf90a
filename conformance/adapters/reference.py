"""The reference adapter: memslice's own reader behind the ``msl-conformance/1`` contract.

Usage::

    python -m memslice.conformance.adapters.reference capabilities
    python -m memslice.conformance.adapters.reference read FILE [--key-file F | --passphrase-file F | --identity F]

This is the whole adapter; a third party writes the same three branches around its own
parser (``contract.md``).
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

from memslice.conformance import CONTRACT_VERSION
from memslice.conformance.normalize import contract_document, rejection
from memslice.conformance.vocabulary import EXIT_ADAPTER_ERROR, EXIT_REJECT, FEATURES

from memslice import __version__
from memslice.canon import dumps
from memslice.errors import MslError
from memslice.reader import MslReader

CAPABILITIES = {
    "contract": CONTRACT_VERSION,
    "canon": "msl-canon/1",
    "name": "memslice",
    "version": __version__,
    "language": "python",
    "homepage": "https://github.com/MemorySlice/memslice",
    "spec_versions": ["1.0", "1.1"],
    "features": sorted(set(FEATURES) - {"write"}),
    "batch": True,
}


_SECRET_OPTIONS = {"--key-file": "key", "--passphrase-file": "passphrase", "--identity": "identity"}


def read(path: str, secret: tuple[str, str] | None = None) -> int:
    """Print the canonical document of ``path`` (opened with ``secret``, an option and its file); return the status."""
    options = {}
    if secret is not None:
        data = Path(secret[1]).read_bytes()
        options[_SECRET_OPTIONS[secret[0]]] = data.rstrip(b"\r\n") if secret[0] == "--passphrase-file" else data
    try:
        reader = MslReader(path, **options)
    except MslError as exc:  # refused while reading the header
        print(dumps(rejection(exc, in_header=True)), end="")
        return EXIT_REJECT
    with reader:
        try:
            status, doc = contract_document(reader)
        except MslError as exc:
            status, doc = EXIT_REJECT, rejection(exc)
    print(dumps(doc), end="")
    return status


def main(argv: list[str]) -> int:
    """Dispatch ``capabilities``, ``read FILE`` and ``read-batch``."""
    if argv == ["capabilities"]:
        print(json.dumps(CAPABILITIES, indent=2, sort_keys=True))
        return 0
    if argv == ["read-batch"]:
        from memslice.conformance.adapters._contract import serve_batch

        return serve_batch(main)
    if argv[:1] == ["read"] and (len(argv) == 2 or (len(argv) == 4 and argv[2] in _SECRET_OPTIONS)):
        try:
            return read(argv[1], (argv[2], argv[3]) if len(argv) == 4 else None)
        except OSError as exc:
            print(f"reference adapter: {exc}", file=sys.stderr)
            return EXIT_ADAPTER_ERROR
        except Exception:  # noqa: BLE001 - the contract's exit 2: a failure of the adapter, never a verdict
            traceback.print_exc()
            return EXIT_ADAPTER_ERROR
    print("usage: reference capabilities | read FILE", file=sys.stderr)
    return EXIT_ADAPTER_ERROR


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
