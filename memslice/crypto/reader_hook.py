"""The one entry point :class:`memslice.reader.MslReader` calls for an encrypted file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from memslice.crypto.container import EncryptedContainer, PlainView, make_secret

if TYPE_CHECKING:
    from memslice.reader import MslReader


def open_plaintext(reader: MslReader, passphrase: str | bytes | None, key: bytes | None, identity: bytes | None,
                   limits: Any = None) -> tuple[EncryptedContainer, PlainView]:
    """Authenticate the reader's encrypted file and return the container and its plaintext view.

    Raises:
        CryptoError: Any reason the file cannot be opened (see :meth:`EncryptedContainer.open`).
    """
    assert reader.encryption is not None
    secret = make_secret(passphrase, key, identity, limits)
    container = EncryptedContainer.open(reader.data, reader.encryption, reader.endian,
                                        bytes(reader.header.dump_uuid), secret)
    return container, container.plain_view()
