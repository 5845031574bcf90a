"""Hashes of the format: the PrevHash chain, End-of-Capture FileHash, SegmentHash, DiskHash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, Protocol

import blake3

from memslice.errors import UnsupportedError

_THREADS_FROM = 1 << 22  # use BLAKE3's own threads for inputs of 4 MiB and more


class Hasher(Protocol):
    """What the chain code needs of a hash object."""

    def update(self, data: Any, /) -> object:
        """Feed bytes."""

    def digest(self) -> bytes:
        """The 32-byte digest."""


def hasher_factory(hash_algo: int) -> Callable[[], Hasher]:
    """A constructor of hash objects for a header HashAlgo.

    Args:
        hash_algo: Header HashAlgo (0 BLAKE3, 1 SHA-256, 2 SHA-512/256).

    Returns:
        A zero-argument constructor.

    Raises:
        UnsupportedError: 0xFF (other) or an unknown code.
    """
    # imported here, not at load: ``import memslice`` (and so ``msl codegen``) must not need generated/
    from memslice.generated.enums import HashAlgo

    if hash_algo == HashAlgo.BLAKE3:
        return lambda: blake3.blake3(max_threads=blake3.blake3.AUTO)
    if hash_algo == HashAlgo.SHA256:
        return hashlib.sha256
    if hash_algo == HashAlgo.SHA512_256:
        return lambda: hashlib.new("sha512_256")
    raise UnsupportedError(f"HashAlgo 0x{hash_algo:02X} cannot be verified", rule="V11-C13")


def single_threaded_factory(hash_algo: int) -> Callable[[], Hasher]:
    """Like :func:`hasher_factory`, but BLAKE3 hashes on the calling thread only.

    For callers that run their hashes side by side on their own threads (the writer's block
    chain and FileHash, :func:`memslice.verify.verify`): BLAKE3's own threads would compete
    with theirs for the same cores.

    Raises:
        UnsupportedError: As :func:`hasher_factory`.
    """
    from memslice.generated.enums import HashAlgo

    if hash_algo == HashAlgo.BLAKE3:
        return blake3.blake3
    return hasher_factory(hash_algo)


def digest(data: Any, hash_algo: int = 0) -> bytes:
    """One-shot hash of ``data`` with the file's HashAlgo."""
    h = hasher_factory(hash_algo)()
    h.update(data)
    return h.digest()


def __getattr__(name: str) -> Any:
    """``ZERO_HASH``, re-exported from the generated code on first use.

    Not imported at module level: ``memslice`` imports this module eagerly (through
    ``verify``), and ``msl codegen`` must start even when generated/ cannot be imported.
    """
    if name == "ZERO_HASH":
        from memslice.generated._support import ZERO_HASH

        return ZERO_HASH
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
