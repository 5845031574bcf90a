"""The encrypted container on disk: header, KEM ciphertext, one AEAD message, tag, sealed segments.

Opening a container (1) checks the cleartext header (suite, KDF, KEM, KEMCtLen, CipherLen
and the tag location, rule V11-10.2-tag), (2) derives the CEK from the secret, (3) runs one
streaming pass over the ciphertext that checks the tag and keeps no plaintext (rule
V11-10.2-no-plaintext), and only then (4) offers :class:`PlainView`, the decrypted file as
the reader sees a plain one: the header with CipherLen zeroed, the KEM ciphertext, then the
block stream, decrypted range by range at the right counter on demand.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from memslice.crypto import kdf, kem
from memslice.crypto.suites import TAG_SIZE, Suite, nonce_size, suite_name
from memslice.errors import AuthenticationError, ContainerError, SecretError, TruncatedError
from memslice.generated import framing
from memslice.generated.enums import BlockType, EncAlgo, KdfType, KeyEncap

HEADER_SIZE = framing.HEADER_SIZE_ENCRYPTED
_PLAIN = framing.HEADER_SIZE_PLAIN
_PASS_CHUNK = 4 << 20  # bytes per step of the authenticating pass
_CACHE_CHUNK = 64 << 10  # decrypted pieces kept for small reads
_CACHE_PIECES = 32
_BLOCK = framing.BLOCK_HEADER_SIZE
_EOC = BlockType.END_OF_CAPTURE
_EOX = BlockType.END_OF_EXTENSION


@dataclass(repr=False)
class Secret:
    """What opens a container (give the one its header asks for).

    Attributes:
        passphrase: For KDFType Argon2id.
        key: The raw 32-byte CEK (KDFType none).
        identity: A recipient private key in memdiver's file format (any KEM).
        limits: Argon2id caps against hostile headers.
    """

    passphrase: bytes | None = None
    key: bytes | None = None
    identity: bytes | None = None
    limits: kdf.KdfLimits = field(default_factory=kdf.KdfLimits)

    def __repr__(self) -> str:
        kinds = [k for k in ("passphrase", "key", "identity") if getattr(self, k) is not None]
        return f"Secret({', '.join(kinds) or 'none'})"

    @property
    def given(self) -> bool:
        """True when any secret is set."""
        return any(v is not None for v in (self.passphrase, self.key, self.identity))


def _as_bytes(value: str | bytes | None) -> bytes | None:
    if value is None or isinstance(value, bytes):
        return value
    return value.encode("utf-8")


def make_secret(passphrase: str | bytes | None = None, key: bytes | None = None, identity: bytes | None = None,
                limits: kdf.KdfLimits | None = None) -> Secret:
    """Build a :class:`Secret` (a str passphrase is UTF-8 encoded)."""
    return Secret(_as_bytes(passphrase), key, identity, limits or kdf.KdfLimits())


def zero_cipher_len(header: bytes | memoryview, endian: str = "<") -> bytes:
    """The 128-byte header with CipherLen zeroed (the AAD and FileHash form, rule V11-10.2-aad)."""
    enc = framing.EncryptionHeader.decode(bytes(header[_PLAIN:HEADER_SIZE]), endian)
    return bytes(header[:_PLAIN]) + replace(enc, len_cipher=0).encode(endian)


def enc_field_offset(field_id: str) -> int:
    """File offset of a field of the encryption header (from the generated structure)."""
    from memslice.validate import field_offset

    return _PLAIN + field_offset(framing.EncryptionHeader, field_id)


def describe_header(enc: framing.EncryptionHeader) -> dict[str, object]:
    """The cleartext facts of an encrypted header and the secret it needs."""
    kem_name = "none" if enc.key_encap == KeyEncap.NONE else (
        kem.MECHANISMS[enc.key_encap].name if enc.key_encap in kem.MECHANISMS else f"unknown 0x{enc.key_encap:02X}")
    kdf_name = {KdfType.NONE: "none (raw key)", KdfType.ARGON2ID: "argon2id"}.get(enc.kdf_type,
                                                                                  f"unknown 0x{enc.kdf_type:02X}")
    if enc.key_encap != KeyEncap.NONE:
        needs = f"--identity PRIVATE_KEY_FILE ({kem_name} private key)"
    elif enc.kdf_type == KdfType.ARGON2ID:
        needs = "--passphrase-file FILE (or MSL_PASSPHRASE, or the prompt)"
    else:
        needs = "--key-file FILE (32-byte raw key)"
    out: dict[str, object] = {"cipher": suite_name(enc.enc_algo), "kdf": kdf_name, "kem": kem_name,
                              "kem_ct_len": enc.len_kem_ct, "cipher_len": enc.len_cipher, "needs": needs}
    if enc.kdf_type == KdfType.ARGON2ID and enc.key_encap == KeyEncap.NONE:
        out["argon2id"] = {"time": enc.kdf_time, "memory_kib": enc.kdf_memory, "lanes": enc.kdf_lanes}
    return out


@dataclass
class Layout:
    """Where the parts of a container lie in the file.

    Attributes:
        kem_ct: The KEM ciphertext.
        cipher_start: First ciphertext byte.
        cipher_len: Ciphertext bytes.
        tag_offset: Offset of the primary tag.
        after_tag: First byte after the tag (sealed segments or trailing data).
    """

    kem_ct: bytes
    cipher_start: int
    cipher_len: int
    tag_offset: int
    after_tag: int


def locate(view: memoryview, enc: framing.EncryptionHeader) -> Layout:
    """Check the cleartext header fields and find the ciphertext and tag (rule V11-10.2-tag).

    Raises:
        ContainerError: Unknown suite/KDF/KEM, KEMCtLen not matching KeyEncap, CipherLen past the end.
        TruncatedError: The file ends inside the KEM ciphertext or the tag.
    """
    size = len(view)
    nonce_size(enc.enc_algo)
    if enc.kdf_type not in (KdfType.NONE, KdfType.ARGON2ID):
        raise ContainerError(f"KDFType 0x{enc.kdf_type:02X} is not known (0 none, 1 Argon2id)",
                             offset=enc_field_offset("kdf_type"), rule="V11-10.3-kem")
    expected_ct = kem.kem_ct_len(enc.key_encap)
    if enc.len_kem_ct != expected_ct:
        raise ContainerError(f"KEMCtLen is {enc.len_kem_ct} but KeyEncap 0x{enc.key_encap:02X} needs {expected_ct}",
                             offset=enc_field_offset("len_kem_ct"), rule="V11-10.3-kem")
    cipher_start = HEADER_SIZE + enc.len_kem_ct
    if size < cipher_start:
        raise TruncatedError(f"file of {size} bytes ends inside the {enc.len_kem_ct}-byte KEM ciphertext",
                             offset=size)
    if size < cipher_start + TAG_SIZE:
        raise TruncatedError(f"file of {size} bytes has no room for the {TAG_SIZE}-byte AEAD tag after offset "
                             f"0x{cipher_start:X} (truncated)", offset=size, rule="V11-10.2-tag")
    if enc.len_cipher:
        if enc.len_cipher > size - cipher_start - TAG_SIZE:
            raise ContainerError(f"CipherLen {enc.len_cipher} runs past the end of the file: "
                                 f"{size - cipher_start} bytes follow the KEM ciphertext, CipherLen + tag need "
                                 f"{enc.len_cipher + TAG_SIZE}", offset=enc_field_offset("len_cipher"),
                                 rule="V11-10.2-tag")
        cipher_len = enc.len_cipher
    else:
        cipher_len = size - cipher_start - TAG_SIZE
    tag_offset = cipher_start + cipher_len
    return Layout(bytes(view[HEADER_SIZE:cipher_start]), cipher_start, cipher_len, tag_offset,
                  tag_offset + TAG_SIZE)


def derive_cek(enc: framing.EncryptionHeader, dump_uuid: bytes, kem_ct: bytes, secret: Secret) -> bytes:
    """The content-encryption key from the secret the header asks for.

    Raises:
        SecretError: No secret of the needed kind, or one of the wrong size.
        KdfLimitError: Argon2id parameters above the caps.
    """
    if enc.key_encap != KeyEncap.NONE:
        if secret.identity is None:
            raise SecretError(f"this capture is encrypted to a {kem.MECHANISMS[enc.key_encap].name} key: give the "
                              "recipient private key (--identity FILE)")
        shared = kem.decapsulate(enc.key_encap, secret.identity, kem_ct)
        return kdf.hkdf_blake3(shared, dump_uuid, framing.CEK_INFO)
    if enc.kdf_type == KdfType.NONE:
        if secret.key is None:
            raise SecretError("this capture is encrypted with a raw key: give the 32-byte key (--key-file FILE)")
        if len(secret.key) != kdf.CEK_SIZE:
            raise SecretError(f"the raw key must be {kdf.CEK_SIZE} bytes, got {len(secret.key)}")
        return bytes(secret.key)
    if secret.passphrase is None:
        raise SecretError("this capture is encrypted with a passphrase (Argon2id): give it with --passphrase-file, "
                          "MSL_PASSPHRASE or the prompt")
    params = kdf.Argon2Params(enc.kdf_time, enc.kdf_memory, enc.kdf_lanes)
    return kdf.argon2id(secret.passphrase, enc.kdf_salt, params, secret.limits)


def _authenticate(suite: Suite, aad: bytes, ciphertext: memoryview, tag: memoryview) -> bool:
    auth = suite.authenticator(aad)
    for pos in range(0, len(ciphertext), _PASS_CHUNK):
        auth.update(ciphertext[pos:pos + _PASS_CHUNK])
    return auth.verify(bytes(tag))


def _implied_stream_end(suite: Suite, ciphertext: memoryview, endian: str) -> int | None:
    """Where the block stream ends by its own block headers (internal only; never released).

    Used after a tag failure with CipherLen 0 to tell "data was appended after the tag"
    from "wrong secret or modified byte": returns the end of the last End-of-Capture or
    End-of-Extension reached, or None when the decrypted headers do not form a stream.
    """
    pos = 0
    end = None
    total = len(ciphertext)
    while total - pos >= _BLOCK:
        head = suite.decrypt_range(pos, ciphertext[pos:pos + _BLOCK])
        if head[:4] != framing.BLOCK_MAGIC:
            break
        btype, _, length = struct.unpack_from(endian + "HHI", head, 4)
        if length < _BLOCK or length > total - pos:
            break
        pos += length
        if btype in (_EOC, _EOX):
            end = pos
    return end


class EncryptedContainer:
    """An authenticated container: the CEK, the layout and the decrypting view.

    Use :meth:`open`; the constructor does not check anything.
    """

    def __init__(self, view: memoryview, enc: framing.EncryptionHeader, endian: str, layout: Layout,
                 suite: Suite, cek: bytes, aad: bytes) -> None:
        self.enc = enc
        self.endian = endian
        self.layout = layout
        self.suite = suite
        self.cek = cek
        self.aad = aad
        self.tag = bytes(view[layout.tag_offset:layout.after_tag])
        self._view = view

    @classmethod
    def open(cls, view: memoryview, enc: framing.EncryptionHeader, endian: str, dump_uuid: bytes,
             secret: Secret) -> EncryptedContainer:
        """Check the header, derive the key and verify the tag; no plaintext leaves before that.

        Args:
            view: The whole file.
            enc: Its decoded encryption header.
            endian: File byte order.
            dump_uuid: Header DumpUUID (HKDF salt of KEM files).
            secret: The secret.

        Raises:
            SecretError: Missing or unusable secret.
            KdfLimitError: Hostile Argon2id parameters.
            ContainerError: Broken layout, or data after the tag of a CipherLen=0 file.
            TruncatedError: No room for the tag.
            AuthenticationError: The tag does not verify.
        """
        layout = locate(view, enc)
        cek = derive_cek(enc, dump_uuid, layout.kem_ct, secret)
        suite = Suite(enc.enc_algo, cek, enc.nonce)
        aad = zero_cipher_len(view[:HEADER_SIZE], endian) + layout.kem_ct
        ciphertext = view[layout.cipher_start:layout.tag_offset]
        if _authenticate(suite, aad, ciphertext, view[layout.tag_offset:layout.after_tag]):
            return cls(view, enc, endian, layout, suite, cek, aad)
        if not enc.len_cipher:
            end = _implied_stream_end(suite, ciphertext, endian)
            if end is not None and end < len(ciphertext) - TAG_SIZE:
                tag_at = layout.cipher_start + end
                if _authenticate(suite, aad, ciphertext[:end], view[tag_at:tag_at + TAG_SIZE]):
                    raise ContainerError(
                        f"CipherLen is 0, so the tag must be the last {TAG_SIZE} bytes, but the block stream's tag "
                        f"is at offset 0x{tag_at:X} and {len(view) - tag_at - TAG_SIZE} bytes follow it",
                        offset=tag_at + TAG_SIZE, rule="V11-10.2-tag")
        raise AuthenticationError(
            f"the {suite_name(enc.enc_algo)} tag at offset 0x{layout.tag_offset:X} does not verify: wrong secret, or "
            "the header, KEM ciphertext, ciphertext or tag was modified; nothing was decrypted",
            offset=layout.tag_offset, rule="V11-10.2-no-plaintext")

    @property
    def stream_start(self) -> int:
        """Offset of block 0 in the plaintext view (header and KEM ciphertext before it)."""
        return self.layout.cipher_start

    def plain_view(self) -> PlainView:
        """The decrypted file, as a lazy view."""
        return PlainView(self)

    def release(self) -> None:
        """Drop the reference to the file mapping."""
        self._view.release()


class PlainView:
    """The plaintext file (header with CipherLen zeroed, KEM ciphertext, block stream), decrypted on demand.

    Slicing returns a ``memoryview`` of freshly decrypted bytes; small reads go through a
    cache of decrypted 64 KiB pieces so walking block headers costs one decryption per piece.
    Only ``len``, slicing, integer indexing and :meth:`iter_range` are offered.
    """

    def __init__(self, container: EncryptedContainer) -> None:
        self._c = container
        lay = container.layout
        self._prefix = container.aad  # header with CipherLen zeroed + KEM ciphertext
        self._start = lay.cipher_start
        self._size = lay.cipher_start + lay.cipher_len
        self._cipher = container._view[lay.cipher_start:lay.tag_offset]
        self._cache: OrderedDict[int, bytes] = OrderedDict()

    def __len__(self) -> int:
        return self._size

    def release(self) -> None:
        """Drop the ciphertext view."""
        self._cipher.release()
        self._cache.clear()

    def _piece(self, index: int) -> bytes:
        data = self._cache.get(index)
        if data is None:
            pos = index * _CACHE_CHUNK
            data = self._c.suite.decrypt_range(pos, self._cipher[pos:pos + _CACHE_CHUNK])
            self._cache[index] = data
            if len(self._cache) > _CACHE_PIECES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(index)
        return data

    def _decrypt(self, start: int, stop: int) -> bytes:
        """Plaintext of stream offsets [start, stop)."""
        if stop - start > _CACHE_CHUNK:
            return self._c.suite.decrypt_range(start, self._cipher[start:stop])
        first, last = start // _CACHE_CHUNK, (stop - 1) // _CACHE_CHUNK
        parts = [self._piece(i) for i in range(first, last + 1)]
        joined = parts[0] if len(parts) == 1 else b"".join(parts)
        base = first * _CACHE_CHUNK
        return joined[start - base:stop - base]

    def read(self, start: int, stop: int) -> bytes:
        """Bytes [start, stop) of the plaintext file (clipped to its size)."""
        stop = min(stop, self._size)
        if start >= stop:
            return b""
        out = b""
        if start < self._start:
            out = self._prefix[start:min(stop, self._start)]
            start = self._start
        if start < stop:
            out += self._decrypt(start - self._start, stop - self._start)
        return out

    def __getitem__(self, item: int | slice) -> memoryview | int:
        if isinstance(item, int):
            if item < 0:
                item += self._size
            if not 0 <= item < self._size:
                raise IndexError("plaintext index out of range")
            return self.read(item, item + 1)[0]
        start, stop, step = item.indices(self._size)
        if step != 1:
            raise ValueError("PlainView slices must be contiguous")
        return memoryview(self.read(start, stop))

    def iter_range(self, start: int, stop: int, chunk: int = _PASS_CHUNK) -> Iterator[memoryview]:
        """Bytes [start, stop) in pieces of at most ``chunk`` bytes (flat memory for any size)."""
        for pos in range(start, stop, chunk):
            yield memoryview(self.read(pos, min(stop, pos + chunk)))


def supported_algos() -> tuple[int, ...]:
    """EncAlgo codes this package reads and writes."""
    return (EncAlgo.AES_256_GCM, EncAlgo.XCHACHA20_POLY1305)
