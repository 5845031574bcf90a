"""Encrypted Memory Slice containers (1.1 section 10, catalogue section 8).

``suites`` holds the two AEAD ciphers as streaming and random-access primitives, ``kdf``
the key derivations (Argon2id with caps, HKDF-BLAKE3), ``kem`` the key encapsulations and
key files, ``container`` the on-disk container (reading, authenticating, decrypting ranges),
``sealed`` the sealed extension segments and ``writer`` the streaming encryption used by
:class:`memslice.writer.MslWriter`.
"""

from memslice.crypto.container import EncryptedContainer, Secret, describe_header

__all__ = ["EncryptedContainer", "Secret", "describe_header"]
