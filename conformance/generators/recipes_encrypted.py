"""Cases about encrypted containers (1.1 section 10): every suite, KDF and KEM, and every failure.

Inputs are the standard 1.1 capture written by ``MslWriter`` with an ``EncryptionConfig``
whose random choices (nonce, salt, KEM randomness) are derived from the case id, so the corpus
is reproducible. The secret is written beside the input; adapters that declare
``decryption`` receive it as ``--key-file``, ``--passphrase-file`` or ``--identity``.
Expected outcomes follow the spec text: a file whose tag verifies reads like a plain one
(FileHash over the header with CipherLen zeroed, the KEM ciphertext and the plaintext
blocks); a wrong secret or any modified byte is a tag failure; the tag's location follows
CipherLen; KEMCtLen is fixed by KeyEncap; a reader refuses hostile Argon2id parameters.
"""

from __future__ import annotations

import hashlib
import struct

from memslice.conformance.generators import Built, recipe
from memslice.conformance.generators.fixtures import STANDARD_CAPS, WRITTEN_AT, add_standard, uuid4, write_capture
from memslice.conformance.generators.mutate import field_offset
from memslice.conformance.vocabulary import REJECTION_RULES
from memslice.generated import framing

from memslice.crypto.kdf import Argon2Params
from memslice.crypto.producer import EncryptionConfig

_GEN = "fixtures.add_standard() through MslWriter(format 1.1, encryption=EncryptionConfig(..., fixed_random=seed))"
_FEATURES = ["decryption"]
_PASSPHRASE = b"conformance passphrase"
_ENC = framing.HEADER_SIZE_PLAIN
_CIPHER_LEN_AT = _ENC + field_offset(framing.EncryptionHeader, "len_cipher")
_KEM_CT_LEN_AT = _ENC + field_offset(framing.EncryptionHeader, "len_kem_ct")
_KDF_MEMORY_AT = _ENC + field_offset(framing.EncryptionHeader, "kdf_memory")
_TAG = framing.AEAD_TAG_SIZE


def _raw_key(seed: str) -> bytes:
    return hashlib.sha256(f"{seed}:key".encode()).digest()


def _keypair(seed: str, kem_name: str) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from kyber_py.ml_kem import ML_KEM_768, ML_KEM_1024

    def x25519() -> tuple[bytes, bytes]:
        sk = X25519PrivateKey.from_private_bytes(hashlib.sha256(f"{seed}:x25519".encode()).digest())
        return sk.public_key().public_bytes_raw(), sk.private_bytes_raw()

    def ml(params: object) -> tuple[bytes, bytes]:
        d = hashlib.sha512(f"{seed}:ml-kem".encode()).digest()
        pub, priv = params.key_derive(d)  # type: ignore[attr-defined]
        return bytes(pub), bytes(priv)

    if kem_name == "x25519":
        return x25519()
    if kem_name == "ml-kem-768":
        return ml(ML_KEM_768)
    if kem_name == "ml-kem-1024":
        return ml(ML_KEM_1024)
    xp, xs = x25519()
    mp, ms = ml(ML_KEM_768)
    return xp + mp, xs + ms


def _encrypted(seed: str, config: EncryptionConfig) -> bytes:
    config.fixed_random = hashlib.sha512(f"{seed}:random".encode()).digest()
    return write_capture(seed, lambda w: add_standard(w, seed), cap_bitmap=STANDARD_CAPS, format_version="1.1",
                         encryption=config)


def _suite_case(seed: str, cipher: str, kind: str, kem_name: str | None = None) -> Built:
    if kind == "passphrase":
        config = EncryptionConfig(cipher=cipher, passphrase=_PASSPHRASE, argon2=Argon2Params())
        secret = ("passphrase", _PASSPHRASE)
        what = "Argon2id (t=3, m=64 MiB, p=4) from a passphrase"
    elif kind == "key":
        config = EncryptionConfig(cipher=cipher, key=_raw_key(seed))
        secret = ("key", _raw_key(seed))
        what = "a raw 32-byte content key (KDFType 0)"
    else:
        assert kem_name is not None
        public, private = _keypair(seed, kem_name)
        config = EncryptionConfig(cipher=cipher, recipient=public)
        secret = ("identity", private)
        what = f"a {kem_name} recipient (CEK = HKDF-BLAKE3(shared secret, DumpUUID, MSL-CEK-v1))"
    data = _encrypted(seed, config)
    rules = ["V11-C15", "V11-C16", "V11-10.2-aad", "V11-10.7-file-hash"]
    if kem_name:
        rules.append("V11-10.3-kem")
    if kind == "passphrase":
        rules.append("V11-10.5-argon2-min")
    return Built(data, f"The standard 1.1 capture encrypted with {cipher.upper()} and {what}. With the secret a "
                 "consumer verifies the tag before presenting anything, then reads the file like the plain one: every "
                 "PrevHash is zero and not chained, the FileHash (over the header with CipherLen zeroed, the KEM "
                 "ciphertext and the plaintext blocks) and the BlockCount verify.", "1.1", rules, "required", "valid",
                 {"generator": _GEN}, features=list(_FEATURES), secret=secret,
                 expect={"result": "complete", "blocks.#": 7, "integrity.chain": "not-checked",
                         "integrity.file_hash": "ok", "integrity.block_count": "ok"})


@recipe("encrypted/aes-256-gcm-argon2id")
def _aes_argon(seed: str) -> Built:
    return _suite_case(seed, "aes-256-gcm", "passphrase")


@recipe("encrypted/xchacha20-poly1305-raw-key")
def _xchacha_key(seed: str) -> Built:
    return _suite_case(seed, "xchacha20-poly1305", "key")


@recipe("encrypted/aes-256-gcm-x25519")
def _aes_x25519(seed: str) -> Built:
    return _suite_case(seed, "aes-256-gcm", "identity", "x25519")


@recipe("encrypted/xchacha20-poly1305-ml-kem-768")
def _xchacha_mlkem768(seed: str) -> Built:
    return _suite_case(seed, "xchacha20-poly1305", "identity", "ml-kem-768")


@recipe("encrypted/aes-256-gcm-ml-kem-1024")
def _aes_mlkem1024(seed: str) -> Built:
    return _suite_case(seed, "aes-256-gcm", "identity", "ml-kem-1024")


@recipe("encrypted/aes-256-gcm-x25519-ml-kem-768")
def _aes_hybrid(seed: str) -> Built:
    return _suite_case(seed, "aes-256-gcm", "identity", "x25519+ml-kem-768")


def _key_file(seed: str, cipher: str = "aes-256-gcm") -> tuple[bytearray, tuple[str, bytes]]:
    data = _encrypted(seed, EncryptionConfig(cipher=cipher, key=_raw_key(seed)))
    return bytearray(data), ("key", _raw_key(seed))


@recipe("encrypted/cipher-len-zero")
def _cipher_len_zero(seed: str) -> Built:
    data, secret = _key_file(seed)
    before = struct.unpack_from("<Q", data, _CIPHER_LEN_AT)[0]
    struct.pack_into("<Q", data, _CIPHER_LEN_AT, 0)
    return Built(bytes(data), "CipherLen is 0 (not recorded, as 1.1.0 producers write): the tag is the last 16 bytes "
                 "of the file. CipherLen is zeroed in the AAD and the FileHash, so the file verifies unchanged.",
                 "1.1", ["V11-10.2-tag", "V11-10.2-aad"], "required", "valid",
                 {"generator": _GEN, "mutation": f"CipherLen {before} -> 0 at 0x{_CIPHER_LEN_AT:X}"},
                 features=list(_FEATURES), secret=secret,
                 expect={"result": "complete", "integrity.file_hash": "ok"})


def _reject(seed: str, data: bytes, secret: tuple[str, bytes], text: str, rules: list[str], mutation: str,
            error: str, kind: str = "invalid") -> Built:
    rule = REJECTION_RULES[error] if REJECTION_RULES[error] in rules else rules[0]
    return Built(bytes(data), text, "1.1", rules, "required", kind, {"generator": _GEN, "mutation": mutation},
                 features=list(_FEATURES), secret=secret, reject=error, reject_rule=rule)


@recipe("encrypted/tampered-ciphertext")
def _tampered_ct(seed: str) -> Built:
    data, secret = _key_file(seed)
    at = framing.HEADER_SIZE_ENCRYPTED + 100
    data[at] ^= 0x01
    return _reject(seed, data, secret, "One ciphertext bit is flipped. The tag does not verify: a consumer MUST "
                   "reject the file and present no plaintext.", ["V11-10.2-no-plaintext"], f"byte 0x{at:X} XOR 0x01",
                   "authentication")


@recipe("encrypted/tampered-header")
def _tampered_header(seed: str) -> Built:
    data, secret = _key_file(seed)
    at = field_offset(framing.FileHeader, "pid")
    data[at] ^= 0x01
    return _reject(seed, data, secret, "One bit of the cleartext header's PID is flipped. The header is the AEAD's "
                   "associated data, so the tag does not verify: reject.", ["V11-10.2-aad", "V11-10.2-no-plaintext"],
                   f"byte 0x{at:X} XOR 0x01", "authentication")


@recipe("encrypted/wrong-key")
def _wrong_key(seed: str) -> Built:
    data, _secret = _key_file(seed)
    wrong = hashlib.sha256(f"{seed}:wrong".encode()).digest()
    return _reject(seed, data, ("key", wrong), "An intact file opened with the wrong raw key: the tag does not "
                   "verify, reject.", ["V11-10.2-no-plaintext"], "none (the case's key is not the file's)",
                   "authentication")


@recipe("encrypted/truncated-tag")
def _truncated_tag(seed: str) -> Built:
    data, secret = _key_file(seed)
    return _reject(seed, data[:-8], secret, "The last 8 bytes (half the tag) are cut off; CipherLen says the tag "
                   "follows the ciphertext, so CipherLen + 16 runs past the end of the file: reject as corrupt.",
                   ["V11-10.2-tag"], "last 8 bytes removed", "encryption-container", "truncated")


@recipe("encrypted/cipher-len-past-end")
def _cipher_len_past_end(seed: str) -> Built:
    data, secret = _key_file(seed)
    struct.pack_into("<Q", data, _CIPHER_LEN_AT, len(data))
    return _reject(seed, data, secret, "CipherLen is larger than the bytes after the header: corrupt, reject "
                   "before any decryption.", ["V11-10.2-tag"], f"CipherLen -> {len(data)}", "encryption-container")


@recipe("encrypted/data-after-tag-cipher-len-zero")
def _data_after_tag(seed: str) -> Built:
    data, secret = _key_file(seed)
    struct.pack_into("<Q", data, _CIPHER_LEN_AT, 0)
    data += b"appended after the tag of a CipherLen=0 file"
    return _reject(seed, data, secret, "CipherLen is 0, so the tag must be the last 16 bytes and nothing may follow "
                   "it, but bytes were appended after the tag: reject.", ["V11-10.2-tag", "V11-10.8-sealed"],
                   "CipherLen -> 0, 44 bytes appended", "encryption-container")


@recipe("encrypted/kem-ct-len-mismatch")
def _kem_ct_len(seed: str) -> Built:
    public, private = _keypair(seed, "x25519")
    data = bytearray(_encrypted(seed, EncryptionConfig(recipient=public)))
    struct.pack_into("<H", data, _KEM_CT_LEN_AT, framing.KEM_CT_X25519 - 1)
    return _reject(seed, data, ("identity", private), "KeyEncap is X25519 but KEMCtLen is 31, not 32: the container "
                   "is corrupt, reject.", ["V11-10.3-kem"], "KEMCtLen 32 -> 31", "encryption-container")


@recipe("encrypted/argon2id-hostile-memory")
def _argon_bomb(seed: str) -> Built:
    data = bytearray(_encrypted(seed, EncryptionConfig(passphrase=_PASSPHRASE)))
    struct.pack_into("<I", data, _KDF_MEMORY_AT, 0xFFFFFFFF)
    return _reject(seed, data, ("passphrase", _PASSPHRASE), "KDFMemory is 0xFFFFFFFF KiB (4 TiB): a header is "
                   "attacker-chosen input, a reader refuses to derive with it instead of exhausting the machine.",
                   ["V11-10.5-argon2-min"], "KDFMemory 65536 -> 0xFFFFFFFF", "kdf-limit")


@recipe("encrypted/sealed-segment-bad-tag")
def _sealed_bad(seed: str) -> Built:
    from memslice.generated.blocks.module_build_id_manifest import ModuleBuildIdManifest

    from memslice import writer as writer_module
    from memslice.crypto.sealed import seal_segment
    from memslice.crypto.sealed_writer import segment_plaintext
    from memslice.reader import MslReader

    data, secret = _key_file(seed)
    original = writer_module.new_uuid
    counter = iter(range(1 << 20))
    writer_module.new_uuid = lambda: uuid4(seed, "sealed", next(counter))
    try:
        plain = segment_plaintext([ModuleBuildIdManifest(rows=[])], "<", 0, "conformance", WRITTEN_AT)
    finally:
        writer_module.new_uuid = original
    with MslReader(bytes(data), key=secret[1]) as reader:
        blob = seal_segment(reader.container, bytes(reader.header.dump_uuid), 1, reader.container.tag, plain,
                            nonce=hashlib.sha256(f"{seed}:nonce".encode()).digest()[:12])
    bad = bytearray(blob)
    bad[-1] ^= 0x01
    size = len(bad)
    return Built(bytes(data + bad), "A sealed extension segment follows the primary tag but its own tag is "
                 "corrupted. The capture verifies; the sealed segment is trailing data, never presented.", "1.1",
                 ["V11-10.8-sealed", "V11-C14"], "required", "invalid",
                 {"generator": _GEN, "mutation": f"one sealed segment ({size} bytes) appended, its last byte XOR 0x01"},
                 features=[*_FEATURES, "extension-segments"], secret=secret,
                 expect={"result": "complete", "integrity.file_hash": "ok", "integrity.trailing_bytes": f"0x{size:x}"})

