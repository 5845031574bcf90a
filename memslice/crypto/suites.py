"""The two AEAD suites of encrypted captures, as streaming and random-access primitives.

Both suites are counter-mode ciphers with a MAC over AAD and ciphertext, so one message can
be (a) authenticated in a single streaming pass without keeping any plaintext, (b) decrypted
at any offset by starting the keystream at the right counter, and (c) encrypted as a stream.

- AES-256-GCM (EncAlgo 1): ``cryptography``'s GCM for the streaming passes; ranges are
  AES-CTR from the counter block ``nonce || be32(2 + offset // 16)`` (GCM's first data
  counter is inc32(J0) with J0 = nonce || 1, NIST SP 800-38D section 7.2).
- XChaCha20-Poly1305 (EncAlgo 2), libsodium's IETF construction: subkey =
  HChaCha20(key, nonce[:16]); ChaCha20 (RFC 8439) with nonce ``0^4 || nonce[16:24]``;
  the Poly1305 key is keystream block 0, the message starts at block 1; the tag is
  Poly1305 over ``aad || pad16 || ct || pad16 || le64(len aad) || le64(len ct)``.
  ``cryptography`` provides ChaCha20 and Poly1305; HChaCha20 (one permutation per file) is
  computed here.
"""

from __future__ import annotations

import hmac
import struct
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.poly1305 import Poly1305

from memslice.errors import ContainerError
from memslice.generated import framing
from memslice.generated.enums import EncAlgo

TAG_SIZE = framing.AEAD_TAG_SIZE
_AES_BLOCK = 16
_CHACHA_BLOCK = 64


class StreamAuthenticator(Protocol):
    """One authenticating pass over a ciphertext (no plaintext is kept)."""

    def update(self, ciphertext: memoryview) -> None:
        """Feed the next ciphertext bytes."""

    def verify(self, tag: bytes) -> bool:
        """True when ``tag`` is the message's tag."""


class StreamEncryptor(Protocol):
    """Encrypt one message as a stream."""

    def update(self, plaintext: bytes | memoryview) -> bytes:
        """Encrypt the next bytes."""

    def finalize(self) -> bytes:
        """The tag (after the last update)."""


def nonce_size(enc_algo: int) -> int:
    """Bytes of the header Nonce field a suite uses.

    Raises:
        ContainerError: Unknown EncAlgo.
    """
    if enc_algo == EncAlgo.AES_256_GCM:
        return framing.AES_GCM_NONCE_SIZE
    if enc_algo == EncAlgo.XCHACHA20_POLY1305:
        return framing.XCHACHA_NONCE_SIZE
    raise ContainerError(f"EncAlgo 0x{enc_algo:02X} is not a known cipher suite (1 AES-256-GCM, "
                         "2 XChaCha20-Poly1305)", offset=framing.HEADER_SIZE_PLAIN, rule="V11-10.2-aad")


def suite_name(enc_algo: int) -> str:
    """Human name of a suite."""
    return {EncAlgo.AES_256_GCM: "AES-256-GCM", EncAlgo.XCHACHA20_POLY1305: "XChaCha20-Poly1305"}.get(
        enc_algo, f"unknown 0x{enc_algo:02X}")


# -- HChaCha20 (draft-irtf-cfrg-xchacha section 2.2) -------------------------------------
_MASK = 0xFFFFFFFF
_SIGMA = struct.unpack("<4I", b"expand 32-byte k")


def _rotl(v: int, n: int) -> int:
    return ((v << n) & _MASK) | (v >> (32 - n))


def _quarter(s: list[int], a: int, b: int, c: int, d: int) -> None:
    s[a] = (s[a] + s[b]) & _MASK
    s[d] = _rotl(s[d] ^ s[a], 16)
    s[c] = (s[c] + s[d]) & _MASK
    s[b] = _rotl(s[b] ^ s[c], 12)
    s[a] = (s[a] + s[b]) & _MASK
    s[d] = _rotl(s[d] ^ s[a], 8)
    s[c] = (s[c] + s[d]) & _MASK
    s[b] = _rotl(s[b] ^ s[c], 7)


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """HChaCha20: the 32-byte subkey of XChaCha20 from a key and the first 16 nonce bytes."""
    s = [*_SIGMA, *struct.unpack("<8I", key), *struct.unpack("<4I", nonce16)]
    for _ in range(10):
        _quarter(s, 0, 4, 8, 12)
        _quarter(s, 1, 5, 9, 13)
        _quarter(s, 2, 6, 10, 14)
        _quarter(s, 3, 7, 11, 15)
        _quarter(s, 0, 5, 10, 15)
        _quarter(s, 1, 6, 11, 12)
        _quarter(s, 2, 7, 8, 13)
        _quarter(s, 3, 4, 9, 14)
    return struct.pack("<8I", *(s[0:4] + s[12:16]))


# -- AES-256-GCM --------------------------------------------------------------------------
class _GcmAuthenticator:
    def __init__(self, key: bytes, nonce: bytes, aad: bytes) -> None:
        self._dec = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
        self._dec.authenticate_additional_data(aad)
        self._buf = bytearray()

    def update(self, ciphertext: memoryview) -> None:
        need = len(ciphertext) + _AES_BLOCK - 1
        if len(self._buf) < need:
            self._buf = bytearray(need)
        # the plaintext lands in a scratch buffer that is overwritten and never returned
        self._dec.update_into(ciphertext, self._buf)

    def verify(self, tag: bytes) -> bool:
        try:
            self._dec.finalize_with_tag(bytes(tag))
        except InvalidTag:
            return False
        finally:
            self._buf = bytearray()
        return True


class _GcmEncryptor:
    def __init__(self, key: bytes, nonce: bytes, aad: bytes) -> None:
        self._enc = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
        self._enc.authenticate_additional_data(aad)

    def update(self, plaintext: bytes | memoryview) -> bytes:
        return self._enc.update(plaintext)

    def finalize(self) -> bytes:
        self._enc.finalize()
        return self._enc.tag


def _gcm_range(key: bytes, nonce: bytes, offset: int, ciphertext: memoryview) -> bytes:
    skip = offset % _AES_BLOCK
    counter = nonce + struct.pack(">I", 2 + offset // _AES_BLOCK)
    dec = Cipher(algorithms.AES(key), modes.CTR(counter)).decryptor()
    if skip:
        dec.update(bytes(skip))
    return dec.update(ciphertext) + dec.finalize()


# -- XChaCha20-Poly1305 -------------------------------------------------------------------
def _chacha(subkey: bytes, nonce12: bytes, block: int) -> Cipher:  # type: ignore[type-arg]
    return Cipher(algorithms.ChaCha20(subkey, struct.pack("<I", block) + nonce12), mode=None)


def _xchacha_keys(key: bytes, nonce: bytes) -> tuple[bytes, bytes, bytes]:
    subkey = hchacha20(key, nonce[:16])
    nonce12 = bytes(4) + nonce[16:24]
    poly_key = _chacha(subkey, nonce12, 0).encryptor().update(bytes(32))
    return subkey, nonce12, poly_key


def _pad16(n: int) -> bytes:
    return bytes(-n % 16)


class _XChaChaAuthenticator:
    def __init__(self, key: bytes, nonce: bytes, aad: bytes) -> None:
        _, _, poly_key = _xchacha_keys(key, nonce)
        self._mac = Poly1305(poly_key)
        self._mac.update(aad + _pad16(len(aad)))
        self._aad_len = len(aad)
        self._ct_len = 0

    def update(self, ciphertext: memoryview) -> None:
        self._mac.update(ciphertext)
        self._ct_len += len(ciphertext)

    def verify(self, tag: bytes) -> bool:
        self._mac.update(_pad16(self._ct_len) + struct.pack("<QQ", self._aad_len, self._ct_len))
        return hmac.compare_digest(self._mac.finalize(), bytes(tag))


class _XChaChaEncryptor:
    def __init__(self, key: bytes, nonce: bytes, aad: bytes) -> None:
        subkey, nonce12, poly_key = _xchacha_keys(key, nonce)
        self._enc = _chacha(subkey, nonce12, 1).encryptor()
        self._mac = Poly1305(poly_key)
        self._mac.update(aad + _pad16(len(aad)))
        self._aad_len = len(aad)
        self._ct_len = 0

    def update(self, plaintext: bytes | memoryview) -> bytes:
        ct = self._enc.update(plaintext)
        self._mac.update(ct)
        self._ct_len += len(ct)
        return ct

    def finalize(self) -> bytes:
        self._mac.update(_pad16(self._ct_len) + struct.pack("<QQ", self._aad_len, self._ct_len))
        return self._mac.finalize()


# -- dispatch -----------------------------------------------------------------------------
class Suite:
    """One cipher suite bound to a key and nonce.

    Args:
        enc_algo: Header EncAlgo.
        key: The 32-byte key (CEK, or a sealed segment's key).
        nonce_field: The 24-byte Nonce field (its suite-sized prefix is used).
    """

    def __init__(self, enc_algo: int, key: bytes, nonce_field: bytes) -> None:
        self.enc_algo = enc_algo
        self.nonce = bytes(nonce_field[:nonce_size(enc_algo)])
        self._key = key
        self._subkey = hchacha20(key, self.nonce[:16]) if enc_algo == EncAlgo.XCHACHA20_POLY1305 else b""

    def authenticator(self, aad: bytes) -> StreamAuthenticator:
        """A streaming tag check of one message."""
        if self.enc_algo == EncAlgo.AES_256_GCM:
            return _GcmAuthenticator(self._key, self.nonce, aad)
        return _XChaChaAuthenticator(self._key, self.nonce, aad)

    def encryptor(self, aad: bytes) -> StreamEncryptor:
        """A streaming encryption of one message."""
        if self.enc_algo == EncAlgo.AES_256_GCM:
            return _GcmEncryptor(self._key, self.nonce, aad)
        return _XChaChaEncryptor(self._key, self.nonce, aad)

    def decrypt_range(self, offset: int, ciphertext: memoryview) -> bytes:
        """Decrypt ciphertext bytes that start ``offset`` bytes into the message (no tag check)."""
        if self.enc_algo == EncAlgo.AES_256_GCM:
            return _gcm_range(self._key, self.nonce, offset, ciphertext)
        dec = _chacha(self._subkey, bytes(4) + self.nonce[16:24], 1 + offset // _CHACHA_BLOCK).decryptor()
        skip = offset % _CHACHA_BLOCK
        if skip:
            dec.update(bytes(skip))
        return dec.update(ciphertext)

    def open_message(self, aad: bytes, ciphertext: memoryview, tag: bytes) -> bytes | None:
        """Authenticate then decrypt a whole (small) message; None when the tag fails."""
        auth = self.authenticator(aad)
        auth.update(ciphertext)
        if not auth.verify(tag):
            return None
        return self.decrypt_range(0, ciphertext)


__all__ = ["Suite", "TAG_SIZE", "hchacha20", "nonce_size", "suite_name"]
