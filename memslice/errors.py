"""The exception hierarchy of memslice.

Every error carries what went wrong and, where known, the file offset, the block index
and the id of the spec rule (from ``spec/rules.yaml``) that the data breaks, so that a
message can be quoted in a report as it is.
"""

from __future__ import annotations


class MslError(Exception):
    """Base class of every error memslice raises on purpose.

    Attributes:
        message: What went wrong.
        offset: File offset of the problem, or None.
        block_index: Index of the block in file order, or None.
        rule: Rule id from ``spec/rules.yaml``, or None.
    """

    def __init__(self, message: str, *, offset: int | None = None, block_index: int | None = None,
                 rule: str | None = None) -> None:
        self.message = message
        self.offset = offset
        self.block_index = block_index
        self.rule = rule
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.block_index is not None:
            where.append(f"block {self.block_index}")
        if self.offset is not None:
            where.append(f"offset 0x{self.offset:X}")
        text = f"{', '.join(where)}: {self.message}" if where else self.message
        return f"{text} [rule {self.rule}]" if self.rule else text

    def located(self, *, offset: int | None = None, block_index: int | None = None) -> MslError:
        """Return a copy of this error with file position information added.

        Args:
            offset: File offset to add when none is set yet (payload-relative offsets
                are added to it).
            block_index: Block index to set.

        Returns:
            A new error of the same class.
        """
        new_offset = self.offset
        if offset is not None:
            new_offset = offset + (self.offset or 0)
        return type(self)(self.message, offset=new_offset,
                          block_index=block_index if block_index is not None else self.block_index,
                          rule=self.rule)


class FormatError(MslError):
    """The bytes are not a valid Memory Slice file (the spec requires rejecting them)."""


class BadMagicError(FormatError):
    """The file magic is not ``MEMSLICE``."""


class HeaderError(FormatError):
    """A file header field has a value the spec forbids."""


class TruncatedError(MslError):
    """The data ends before a structure is complete."""


class PayloadError(FormatError):
    """A block payload does not decode with its layout."""


class ConstraintError(PayloadError):
    """A field breaks a constraint that the schema declares."""


class CompressionError(PayloadError):
    """A compressed payload does not inflate to its declared size."""


class UnsupportedError(MslError):
    """The file uses a feature this reader does not implement (e.g. decryption)."""


class LimitError(MslError):
    """The input is well formed so far but needs more than a limit the caller set.

    Raised, for example, when a compressed payload declares more bytes than the
    reader's ``inflate_budget`` allows; the message says which limit and how to raise it.
    """


class EncodeError(MslError):
    """A value cannot be written because the schema forbids it."""


class IntegrityError(MslError):
    """A hash of the chain, the FileHash or a SegmentHash does not match."""


class CryptoError(MslError):
    """An encrypted container cannot be opened (base class).

    ``exit_code`` is the ``msl`` exit status for the failure, one row each in the table of
    :mod:`memslice.cli.common` (11-14, apart from ``msl capture``'s 3-9 and "not checked" 10).
    """

    exit_code = 11


class SecretError(CryptoError):
    """No secret, or the wrong kind or size of secret, for the container's KDF/KEM."""

    exit_code = 11


class AuthenticationError(CryptoError):
    """The AEAD tag does not verify: a wrong secret or a modified byte (header, KEM or ciphertext)."""

    exit_code = 12


class ContainerError(CryptoError):
    """The encrypted container's layout is broken (unknown suite, KEMCtLen, CipherLen, tag location)."""

    exit_code = 13


class KdfLimitError(CryptoError):
    """A KDF parameter in the header exceeds the limit this reader accepts (hostile header)."""

    exit_code = 14


class OutputError(MslError):
    """The output file cannot be created, written or put in place (see :mod:`memslice.atomic_output`).

    The message names the path the user gave, never an internal temporary name, except
    for a file deliberately kept (``kept``).

    Attributes:
        path: The destination as the user gave it, or None.
        kept: A temporary file left on disk on purpose (an incomplete capture that still
            verifies up to its last whole block), or None.
    """

    def __init__(self, message: str, *, path: str | None = None, kept: str | None = None,
                 offset: int | None = None, block_index: int | None = None, rule: str | None = None) -> None:
        self.path = path
        self.kept = kept
        super().__init__(message, offset=offset, block_index=block_index, rule=rule)


class DestinationExistsError(OutputError):
    """The destination exists and replacing it was not asked for (``-f/--force``)."""


class NotCapturedError(MslError):
    """A read of the address space touched bytes that were not captured.

    Attributes:
        address: The first address that was not captured.
        state: Its page state (``failed``, ``unmapped``, ``not_resident``) or ``absent``
            (no Memory Region covers it).
    """

    def __init__(self, message: str, *, address: int = 0, state: str = "absent", **kwargs: object) -> None:
        self.address = address
        self.state = state
        super().__init__(message, **kwargs)  # type: ignore[arg-type]

    def located(self, *, offset: int | None = None, block_index: int | None = None) -> MslError:
        """Return a copy with file position information added (address and state kept)."""
        new = super().located(offset=offset, block_index=block_index)
        new.address = self.address  # type: ignore[attr-defined]
        new.state = self.state  # type: ignore[attr-defined]
        return new


class EncryptedError(UnsupportedError):
    """The blocks are ciphertext and no key was given: the file cannot be looked into."""
