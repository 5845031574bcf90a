"""Producing encrypted captures: the choice of suite and secret, and the streaming encryption.

:class:`EncryptionConfig` says how to encrypt; :class:`StreamSealer` is what
:class:`memslice.writer.MslWriter` uses: the cleartext prefix (128-byte header extension and
KEM ciphertext), then one AEAD message fed block by block (nothing is buffered beyond the
chunk being written), then the tag; CipherLen is recorded once, after the tag (rule V11-10.7).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from memslice.atomic_output import WRITE_PIECE
from memslice.crypto import kdf, kem
from memslice.crypto.container import zero_cipher_len
from memslice.crypto.suites import StreamEncryptor, Suite, nonce_size
from memslice.errors import EncodeError, SecretError
from memslice.generated import framing
from memslice.generated.enums import EncAlgo, KdfType, KeyEncap

CIPHERS = {"aes-256-gcm": EncAlgo.AES_256_GCM, "xchacha20-poly1305": EncAlgo.XCHACHA20_POLY1305}
"""Command-line cipher name -> EncAlgo."""

_NONCE_FIELD = len(framing.EncryptionHeader().nonce)
_SALT_FIELD = len(framing.EncryptionHeader().kdf_salt)


@dataclass(repr=False)
class EncryptionConfig:
    """How to encrypt a capture (give exactly one of passphrase, key, recipient).

    Attributes:
        cipher: ``aes-256-gcm`` (default; memslicer reads only this) or ``xchacha20-poly1305``.
        passphrase: Argon2id passphrase.
        key: A raw 32-byte content key (KDFType none).
        recipient: A recipient public key (memdiver's key file bytes); the mechanism is
            known from its size unless ``kem`` names it.
        kem: ``x25519``, ``ml-kem-768``, ``ml-kem-1024`` or ``x25519+ml-kem-768``.
        argon2: Argon2id parameters (at least t=3, m=64 MiB, p=4; rule V11-10.5-argon2-min).
        fixed_random: 64 bytes that replace every random choice (nonce, salt, KEM ephemeral
            randomness) -- only for reproducible test corpora; never for real captures.
    """

    cipher: str = "aes-256-gcm"
    passphrase: bytes | None = None
    key: bytes | None = None
    recipient: bytes | None = None
    kem: str | None = None
    argon2: kdf.Argon2Params = field(default_factory=kdf.Argon2Params)
    fixed_random: bytes | None = None

    def __repr__(self) -> str:
        return f"EncryptionConfig(cipher={self.cipher!r}, kem={self.kem!r})"

    def enc_algo(self) -> int:
        """The EncAlgo code.

        Raises:
            EncodeError: Unknown cipher name.
        """
        if self.cipher not in CIPHERS:
            raise EncodeError(f"cipher must be one of {', '.join(CIPHERS)}, not {self.cipher!r}")
        return CIPHERS[self.cipher]

    def key_encap(self) -> int:
        """The KeyEncap code (from ``kem`` or the recipient key size)."""
        if self.recipient is None:
            return KeyEncap.NONE
        if self.kem is not None:
            if self.kem not in kem.BY_NAME:
                raise EncodeError(f"KEM must be one of {', '.join(kem.BY_NAME)}, not {self.kem!r}")
            return kem.BY_NAME[self.kem]
        matches = [c for c, i in kem.MECHANISMS.items() if i.public == len(self.recipient)]
        if len(matches) != 1:
            raise SecretError(f"a recipient public key of {len(self.recipient)} bytes matches no KEM "
                              f"({', '.join(f'{i.name} {i.public}' for i in kem.MECHANISMS.values())})")
        return matches[0]


class StreamSealer:
    """The encryption state of one capture being written.

    Args:
        config: How to encrypt.
        dump_uuid: The header DumpUUID (HKDF salt of the KEM CEK).

    Raises:
        EncodeError: Not exactly one secret, or Argon2id parameters below the minimum.
        SecretError: A key of the wrong size.
    """

    def __init__(self, config: EncryptionConfig, dump_uuid: bytes) -> None:
        given = [n for n in ("passphrase", "key", "recipient") if getattr(config, n) is not None]
        if len(given) != 1:
            raise EncodeError(f"give exactly one of passphrase, key, recipient to encrypt (got {given or 'none'})")
        algo = config.enc_algo()
        encap = config.key_encap()
        params = config.argon2
        kem_ct = b""
        salt = bytes(_SALT_FIELD)
        fixed = config.fixed_random

        def rand(n: int, label: bytes) -> bytes:
            return kdf.hkdf_blake3(fixed, b"", label, n) if fixed else os.urandom(n)

        if config.recipient is not None:
            kem_ct, shared = kem.encapsulate(encap, config.recipient, rand(64, b"kem") if fixed else None)
            cek = kdf.hkdf_blake3(shared, dump_uuid, framing.CEK_INFO)
            kdf_type = KdfType.NONE
        elif config.key is not None:
            if len(config.key) != kdf.CEK_SIZE:
                raise SecretError(f"the raw key must be {kdf.CEK_SIZE} bytes, got {len(config.key)}")
            cek = bytes(config.key)
            kdf_type = KdfType.NONE
        else:
            assert config.passphrase is not None
            low = params.below_minimum()
            if low:
                raise EncodeError(f"Argon2id parameters below the minimum: {', '.join(low)}",
                                  rule="V11-10.5-argon2-min")
            salt = rand(_SALT_FIELD, b"salt")
            cek = kdf.argon2id(config.passphrase, salt, params,
                               kdf.KdfLimits(max(params.memory_kib, kdf.DEFAULT_LIMITS.max_memory_kib),
                                             max(params.time, kdf.DEFAULT_LIMITS.max_time),
                                             max(params.lanes, kdf.DEFAULT_LIMITS.max_lanes)))
            kdf_type = KdfType.ARGON2ID
        nonce = rand(nonce_size(algo), b"nonce").ljust(_NONCE_FIELD, b"\0")
        self.enc_header = framing.EncryptionHeader(
            enc_algo=algo, kdf_type=kdf_type, key_encap=encap, kdf_time=params.time, kdf_memory=params.memory_kib,
            kdf_lanes=params.lanes, len_kem_ct=len(kem_ct), nonce=nonce, kdf_salt=salt, len_cipher=0)
        self.kem_ct = kem_ct
        self.cek = cek
        self._suite = Suite(algo, cek, nonce)
        self._encryptor: StreamEncryptor | None = None
        self.cipher_len = 0

    def prefix(self, header64: bytes, endian: str) -> bytes:
        """The cleartext start of the file: header (128 bytes, CipherLen 0) and KEM ciphertext.

        Starts the AEAD message: its AAD is exactly these bytes (rule V11-10.2-aad).
        """
        head = header64 + self.enc_header.encode(endian)
        aad = zero_cipher_len(head, endian) + self.kem_ct
        self._encryptor = self._suite.encryptor(aad)
        self.aad = aad
        return aad

    def update(self, plaintext: bytes | memoryview) -> bytes:
        """Encrypt the next plaintext bytes of the block stream."""
        assert self._encryptor is not None
        self.cipher_len += len(plaintext)
        return self._encryptor.update(plaintext)

    def finalize(self) -> bytes:
        """The tag (the message ends here)."""
        assert self._encryptor is not None
        tag = self._encryptor.finalize()
        self._encryptor = None
        return tag

    def patched_enc_header(self, endian: str) -> bytes:
        """The 64-byte header extension with CipherLen recorded (written once, after the tag)."""
        return replace(self.enc_header, len_cipher=self.cipher_len).encode(endian)


_PIECE = WRITE_PIECE  # ciphertext is produced and written piece by piece (flat memory for any block size)


def write_encrypted(fd: int, sealer: StreamSealer, data: bytes | memoryview) -> None:
    """Encrypt ``data`` into the open message and write it to ``fd`` piece by piece."""
    view = memoryview(data)
    for pos in range(0, len(view), _PIECE):
        out = memoryview(sealer.update(view[pos:pos + _PIECE]))
        while out:
            out = out[os.write(fd, out):]
