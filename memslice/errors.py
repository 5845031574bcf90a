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


class EncodeError(MslError):
    """A value cannot be written because the schema forbids it."""


class IntegrityError(MslError):
    """A hash of the chain, the FileHash or a SegmentHash does not match."""


class CryptoError(MslError):
    """An encrypted container cannot be opened (base class; exit code 3 and up)."""

    exit_code = 3


class SecretError(CryptoError):
    """No secret, or the wrong kind or size of secret, for the container's KDF/KEM."""

    exit_code = 3


class AuthenticationError(CryptoError):
    """The AEAD tag does not verify: a wrong secret or a modified byte (header, KEM or ciphertext)."""

    exit_code = 4


class ContainerError(CryptoError):
    """The encrypted container's layout is broken (unknown suite, KEMCtLen, CipherLen, tag location)."""

    exit_code = 5


class KdfLimitError(CryptoError):
    """A KDF parameter in the header exceeds the limit this reader accepts (hostile header)."""

    exit_code = 6
