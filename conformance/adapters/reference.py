"""The reference adapter: memslice's own reader behind the ``msl-conformance/1`` contract.

Usage::

    python -m memslice.conformance.adapters.reference capabilities
    python -m memslice.conformance.adapters.reference read FILE

This is the whole adapter; a third party writes the same three branches around its own
parser (``contract.md``).
"""

from __future__ import annotations

import json
import sys
import traceback

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
}


def read(path: str) -> int:
    """Print the canonical document of ``path``; return the exit status."""
    try:
        reader = MslReader(path)
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
    """Dispatch ``capabilities`` and ``read FILE``."""
    if argv == ["capabilities"]:
        print(json.dumps(CAPABILITIES, indent=2, sort_keys=True))
        return 0
    if len(argv) == 2 and argv[0] == "read":
        try:
            return read(argv[1])
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
