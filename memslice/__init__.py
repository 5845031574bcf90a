"""memslice: read, write, verify and describe Memory Slice (``.msl``) captures.

Public API::

    from memslice import MslReader, MslWriter, verify, to_canonical

Format knowledge lives in ``spec/``; ``memslice.generated`` holds the codecs generated
from it; this package adds file framing, integrity, compression and page reconstruction.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from memslice.errors import MslError

# Imported eagerly: the function ``verify`` has the name of its module, and a lazy
# attribute would be shadowed by the submodule once anything imports ``memslice.verify``.
from memslice.verify import VerifyReport, verify

if TYPE_CHECKING:
    from memslice.canon import to_canonical
    from memslice.reader import MslReader
    from memslice.writer import MslWriter

__all__ = ["MslError", "MslReader", "MslWriter", "VerifyReport", "to_canonical", "verify"]
__version__ = "0.1.0"

_LAZY = {"MslReader": "memslice.reader", "MslWriter": "memslice.writer", "to_canonical": "memslice.canon"}


def __getattr__(name: str) -> Any:
    """Import the public API on first use, so ``msl`` starts without loading every codec."""
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'memslice' has no attribute {name!r}")
