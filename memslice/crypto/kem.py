"""Key encapsulation: X25519, ML-KEM-768/1024 (FIPS 203) and the X25519+ML-KEM-768 hybrid.

Key files are memdiver's: raw bytes, public key and private key in separate files; a hybrid
key is the X25519 half followed by the ML-KEM-768 half. ML-KEM private keys are the FIPS 203
expanded decapsulation key (2400 / 3168 bytes, as liboqs exports it), so ``kyber-py`` (which
works on expanded keys) decapsulates and derives them from a seed; ``cryptography`` does
X25519 and ML-KEM encapsulation.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import mlkem
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from kyber_py.ml_kem import ML_KEM_768, ML_KEM_1024

from memslice.errors import ContainerError, SecretError
from memslice.generated import framing
from memslice.generated.enums import KeyEncap

_X25519_KEY = framing.KEM_CT_X25519


@dataclass(frozen=True)
class KemInfo:
    """Sizes of one mechanism.

    Attributes:
        name: Command-line name.
        ct: KEMCtLen.
        public: Public key bytes.
        private: Private key bytes (memdiver's file format).
    """

    name: str
    ct: int
    public: int
    private: int


_ML = {KeyEncap.ML_KEM_768: ML_KEM_768, KeyEncap.ML_KEM_1024: ML_KEM_1024}
_CRYPTO_PUB = {KeyEncap.ML_KEM_768: mlkem.MLKEM768PublicKey, KeyEncap.ML_KEM_1024: mlkem.MLKEM1024PublicKey}
_ML_PUB = {KeyEncap.ML_KEM_768: 1184, KeyEncap.ML_KEM_1024: 1568}
_ML_PRIV = {KeyEncap.ML_KEM_768: 2400, KeyEncap.ML_KEM_1024: 3168}

MECHANISMS: dict[int, KemInfo] = {
    KeyEncap.X25519: KemInfo("x25519", framing.KEM_CT_X25519, _X25519_KEY, _X25519_KEY),
    KeyEncap.ML_KEM_768: KemInfo("ml-kem-768", framing.KEM_CT_ML_KEM_768, _ML_PUB[KeyEncap.ML_KEM_768],
                                 _ML_PRIV[KeyEncap.ML_KEM_768]),
    KeyEncap.ML_KEM_1024: KemInfo("ml-kem-1024", framing.KEM_CT_ML_KEM_1024, _ML_PUB[KeyEncap.ML_KEM_1024],
                                  _ML_PRIV[KeyEncap.ML_KEM_1024]),
    KeyEncap.X25519_ML_KEM_768: KemInfo("x25519+ml-kem-768", framing.KEM_CT_HYBRID,
                                        _X25519_KEY + _ML_PUB[KeyEncap.ML_KEM_768],
                                        _X25519_KEY + _ML_PRIV[KeyEncap.ML_KEM_768]),
}
"""KeyEncap code -> sizes."""

BY_NAME = {info.name: code for code, info in MECHANISMS.items()}
"""Command-line name -> KeyEncap code."""


def kem_ct_len(key_encap: int) -> int:
    """KEMCtLen a mechanism requires (0 for none).

    Raises:
        ContainerError: Unknown or 'other' mechanism.
    """
    if key_encap == KeyEncap.NONE:
        return 0
    if key_encap not in MECHANISMS:
        raise ContainerError(f"KeyEncap 0x{key_encap:02X} is not a mechanism this reader knows", rule="V11-10.3-kem")
    return MECHANISMS[key_encap].ct


def _check_size(what: str, data: bytes, size: int, mech: int) -> None:
    if len(data) != size:
        raise SecretError(f"{what} for {MECHANISMS[mech].name} must be {size} bytes, got {len(data)}")


def _x_decap(private: bytes, ct: bytes) -> bytes:
    try:
        return X25519PrivateKey.from_private_bytes(private).exchange(X25519PublicKey.from_public_bytes(ct))
    except ValueError as exc:  # all-zero shared secret (low-order point)
        raise ContainerError(f"X25519 KEM ciphertext is unusable: {exc}", rule="V11-10.3-kem") from None


def _x_encap(public: bytes, seed: bytes | None = None) -> tuple[bytes, bytes]:
    eph = X25519PrivateKey.from_private_bytes(seed[:32]) if seed else X25519PrivateKey.generate()
    try:
        shared = eph.exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError as exc:
        raise SecretError(f"X25519 recipient key is unusable: {exc}") from None
    return eph.public_key().public_bytes_raw(), shared


def _ml_decap(mech: int, private: bytes, ct: bytes) -> bytes:
    try:
        return bytes(_ML[mech].decaps(private, ct))
    except ValueError as exc:
        raise SecretError(f"{MECHANISMS[mech].name} private key does not pass the FIPS 203 checks: {exc}") from None


def _ml_encap(mech: int, public: bytes, seed: bytes | None = None) -> tuple[bytes, bytes]:
    try:
        if seed:  # deterministic (reproducible test corpora): FIPS 203 ML-KEM.Encaps_internal with m = seed
            shared, ct = _ML[mech]._encaps_internal(public, seed[32:64])
            return bytes(ct), bytes(shared)
        shared, ct = _CRYPTO_PUB[mech].from_public_bytes(public).encapsulate()
    except ValueError as exc:
        raise SecretError(f"{MECHANISMS[mech].name} recipient key is unusable: {exc}") from None
    return ct, shared


def decapsulate(key_encap: int, private: bytes, kem_ct: bytes) -> bytes:
    """The shared secret of a KEM ciphertext (hybrid: X25519 secret then ML-KEM secret).

    Raises:
        SecretError: The private key has the wrong size for the mechanism.
    """
    info = MECHANISMS[key_encap]
    _check_size("the private key (--identity)", private, info.private, key_encap)
    if key_encap == KeyEncap.X25519:
        return _x_decap(private, kem_ct)
    if key_encap in _ML:
        return _ml_decap(key_encap, private, kem_ct)
    x = _x_decap(private[:_X25519_KEY], kem_ct[:_X25519_KEY])
    return x + _ml_decap(KeyEncap.ML_KEM_768, private[_X25519_KEY:], kem_ct[_X25519_KEY:])


def encapsulate(key_encap: int, public: bytes, seed: bytes | None = None) -> tuple[bytes, bytes]:
    """(KEM ciphertext, shared secret) for a recipient public key.

    ``seed`` (64 bytes) makes the encapsulation reproducible (conformance corpora only):
    its first half is the X25519 ephemeral key, its second the ML-KEM message.

    Raises:
        SecretError: The public key has the wrong size.
    """
    info = MECHANISMS[key_encap]
    _check_size("the recipient public key", public, info.public, key_encap)
    if key_encap == KeyEncap.X25519:
        return _x_encap(public, seed)
    if key_encap in _ML:
        return _ml_encap(key_encap, public, seed)
    x_ct, x_ss = _x_encap(public[:_X25519_KEY], seed)
    m_ct, m_ss = _ml_encap(KeyEncap.ML_KEM_768, public[_X25519_KEY:], seed)
    return x_ct + m_ct, x_ss + m_ss


def generate_keypair(key_encap: int) -> tuple[bytes, bytes]:
    """A new (public key, private key) pair in memdiver's key file format."""
    if key_encap == KeyEncap.X25519:
        sk = X25519PrivateKey.generate()
        return sk.public_key().public_bytes_raw(), sk.private_bytes_raw()
    if key_encap in _ML:
        public, private = _ML[key_encap].key_derive(os.urandom(64))
        return bytes(public), bytes(private)
    x_pub, x_priv = generate_keypair(KeyEncap.X25519)
    m_pub, m_priv = generate_keypair(KeyEncap.ML_KEM_768)
    return x_pub + m_pub, x_priv + m_priv


def identify_private_key(private: bytes) -> list[int]:
    """Mechanisms whose private key has this size."""
    return [code for code, info in MECHANISMS.items() if info.private == len(private)]
