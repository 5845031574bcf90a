"""Key derivation: Argon2id from a passphrase (with caps against hostile headers) and HKDF-BLAKE3."""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import blake3
from argon2.exceptions import HashingError
from argon2.low_level import Type, hash_secret_raw

from memslice.errors import KdfLimitError, SecretError
from memslice.generated import framing

CEK_SIZE = framing.CEK_SIZE
_HASH_SIZE = framing.HASH_SIZE


@dataclass(frozen=True)
class KdfLimits:
    """The largest Argon2id parameters a reader will run (a header is attacker-chosen input).

    Attributes:
        max_memory_kib: Largest KDFMemory in KiB (default 1 GiB, 16x the spec minimum).
        max_time: Largest KDFTime (passes).
        max_lanes: Largest KDFLanes.
    """

    max_memory_kib: int = 1 << 20
    max_time: int = 16
    max_lanes: int = 64


DEFAULT_LIMITS = KdfLimits()


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id parameters of a header (or chosen by a producer).

    Attributes:
        time: Passes (KDFTime).
        memory_kib: Memory in KiB (KDFMemory).
        lanes: Parallelism (KDFLanes).
    """

    time: int = framing.ARGON2ID_MIN_TIME
    memory_kib: int = framing.ARGON2ID_MIN_MEMORY_KIB
    lanes: int = framing.ARGON2ID_MIN_LANES

    def below_minimum(self) -> list[str]:
        """Names of the parameters below the spec minimum (rule V11-10.5-argon2-min)."""
        out = []
        if self.time < framing.ARGON2ID_MIN_TIME:
            out.append(f"KDFTime {self.time} < {framing.ARGON2ID_MIN_TIME}")
        if self.memory_kib < framing.ARGON2ID_MIN_MEMORY_KIB:
            out.append(f"KDFMemory {self.memory_kib} KiB < {framing.ARGON2ID_MIN_MEMORY_KIB}")
        if self.lanes < framing.ARGON2ID_MIN_LANES:
            out.append(f"KDFLanes {self.lanes} < {framing.ARGON2ID_MIN_LANES}")
        return out


def check_limits(params: Argon2Params, limits: KdfLimits) -> None:
    """Refuse parameters above the limits before any memory is allocated.

    Raises:
        KdfLimitError: Naming the parameter, its value and the limit.
    """
    checks = (("KDFMemory", params.memory_kib, limits.max_memory_kib, "KiB"),
              ("KDFTime", params.time, limits.max_time, "passes"),
              ("KDFLanes", params.lanes, limits.max_lanes, "lanes"))
    for name, value, cap, unit in checks:
        if value > cap:
            raise KdfLimitError(f"Argon2id {name} is {value} {unit}, above this reader's limit of {cap} {unit} "
                                f"(raise it with --kdf-max-memory / KdfLimits if the file is trusted)",
                                rule="V11-10.5-argon2-min")
    if params.time < 1 or params.lanes < 1 or params.memory_kib < 8 * params.lanes:
        raise KdfLimitError(f"Argon2id parameters t={params.time}, m={params.memory_kib} KiB, p={params.lanes} "
                            "cannot be run (t>=1, p>=1, m>=8p)", rule="V11-10.5-argon2-min")


def argon2id(passphrase: bytes, salt: bytes, params: Argon2Params, limits: KdfLimits = DEFAULT_LIMITS) -> bytes:
    """Derive the 32-byte CEK from a passphrase.

    Raises:
        KdfLimitError: A parameter exceeds ``limits``.
        SecretError: Empty passphrase.
    """
    if not passphrase:
        raise SecretError("the passphrase is empty")
    check_limits(params, limits)
    try:
        return hash_secret_raw(secret=passphrase, salt=bytes(salt), time_cost=params.time,
                               memory_cost=params.memory_kib, parallelism=params.lanes, hash_len=CEK_SIZE,
                               type=Type.ID)
    except HashingError as exc:
        raise KdfLimitError(f"Argon2id refused the parameters: {exc}") from None


def hkdf_blake3(ikm: bytes, salt: bytes, info: bytes, length: int = CEK_SIZE) -> bytes:
    """RFC 5869 HKDF with HMAC-BLAKE3 (64-byte block, 32-byte output); an empty salt is 32 zero bytes."""
    prk = hmac.new(salt or bytes(_HASH_SIZE), ikm, blake3.blake3).digest()
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), blake3.blake3).digest()
        out += block
        counter += 1
    return out[:length]
