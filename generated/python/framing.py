# Generated from spec/format.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""File framing: constants, the file header, the encryption header and the block header.

byte_order (spec 3.1):
    The Endianness byte at 0x08 selects the order of every structural integer after the
    header's first 10 bytes: 0x01 little-endian, 0x02 big-endian; anything else is rejected
    (rule C1). UUIDs and hashes are byte strings and never swapped. Page data is target
    memory in the target's own order. memdiver 1.0.2 rejects big-endian files (1.1 §3.1
    says "MUST be 0x01"); 1.0 allows both, and so does this schema.

blocks (spec 4):
    Block 0 starts at HeaderSize (plus the KEM ciphertext of an encrypted file). Each block
    is the 80-byte block header and BlockLength - 80 payload bytes. The block stream ends
    when fewer than 80 bytes remain or the next 4 bytes are not "MSLC" (rule C4). Blocks are
    not necessarily 8-aligned: memdiver never pads payloads, memslicer 0.5.2 does not pad
    compressed ones.

padding (spec 1.3):
    Variable fields are padded to 8 with zero bytes (P6). Writers following this schema
    also pad every uncompressed payload to a multiple of 8 (so BlockLength = 0 mod 8) and
    never pad a compressed payload (1.1 rule 28: BlockLength = 80 + 8 + len(stream)).

compression (spec 1.1:4.2.1):
    When block flag Compressed is set, the on-disk payload is a u64 UncompressedSize (in the
    file's byte order) followed by one zstd frame (CompAlgo 01) or one LZ4 block prefixed
    with its 4-byte little-endian uncompressed size as lz4.block writes it (CompAlgo 10).
    The 80-byte block header is never compressed. UncompressedSize MUST equal the inflated
    size (1.1 rule 20); readers treat it as a hard cap, never as an allocation request.
    Legacy memdiver (pre-1.1) wrote a bare zstd frame or an LZ4 frame without the prefix;
    memslicer 0.2.x padded size+stream to 8 (readers tolerate up to 7 trailing zeros).

hash_chain (spec 4.4):
    PrevHash of block 0 = Hash(the whole header, HeaderSize bytes). PrevHash of block i =
    Hash(block i-1, all BlockLength on-disk bytes, compressed form). Extension segments
    continue the chain from the last block before them. End-of-Capture FileHash = Hash(all
    bytes from offset 0 to the first byte of the EoC block). End-of-Extension SegmentHash =
    Hash(the segment's bytes before the terminator). Hash is selected by header HashAlgo
    (0 = BLAKE3, the only choice in 1.0). In encrypted files every PrevHash is zero.

page_state_map (spec 6):
    2 bits per page, page 0 in the two most significant bits of byte 0 (page i in byte
    i // 4 at shift 6 - 2 * (i % 4)), zero-padded to a multiple of 8 bytes. Every producer
    writes this order; the PDF's "bit position 2i" wording would suggest the opposite (E8).
    States: 00 Captured (PageSize bytes in PageData), 01 Failed, 10 Unmapped, 11 Reserved in
    1.0 (treat as Failed) / NotResident in 1.1 (zero-content page, never stored).

"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import ZERO_HASH, ZERO_UUID, FieldInfo, Finding, need, reject

FILE_MAGIC = b"MEMSLICE"
"""File magic at offset 0 (8 ASCII bytes). (spec 3)"""

BLOCK_MAGIC = b"MSLC"
"""Block magic at the start of every block (4 ASCII bytes, not an integer). (spec 4.1)"""

HEADER_SIZE_PLAIN = 64
"""HeaderSize of an unencrypted file. (spec 3)"""

HEADER_SIZE_ENCRYPTED = 128
"""HeaderSize when the Encrypted flag is set. (spec 1.1:10.1)"""

BLOCK_HEADER_SIZE = 80
"""Size of the common block header. (spec 4.1)"""

HASH_SIZE = 32
"""Output size of every HashAlgo (PrevHash, FileHash, SegmentHash, DiskHash). (spec 4.4)"""

PAGE_SIZE_LOG2_MIN = 10
"""Smallest allowed PageSizeLog2 (1 KiB). (spec 5.1)"""

PAGE_SIZE_LOG2_MAX = 40
"""Largest allowed PageSizeLog2 (1 TiB). (spec 5.1)"""

U16_STRING_MAX = 65534
"""Longest string a u16 length field that counts the NUL can hold (the NUL excluded). (spec 5.4)"""

VERSION_MAJOR_SHIFT = 8
"""Version holds the major number in its high byte: major = Version >> 8. (spec 3.2)"""

SUPPORTED_MAJOR = 1
"""The major version this schema describes; any minor of it may be parsed (spec 3.2). (spec 3.2)"""

MAX_BLOCK_LENGTH = 4294967295
"""BlockLength is a u32; larger regions are split with Continuation. (spec 5.1)"""

ALIGNMENT = 8
"""Every variable field is padded to a multiple of 8 bytes with zeros. (spec 1.3)"""

COMPRESSED_SIZE_PREFIX = 8
"""Bytes of the u64 UncompressedSize that starts every compressed payload. (spec 1.1:4.2.1)"""

AEAD_TAG_SIZE = 16
"""Bytes of the AEAD tag after the primary ciphertext and after each sealed segment (both suites). (spec 1.1:10.2)"""

CEK_SIZE = 32
"""Bytes of the content-encryption key (every suite). (spec 1.1:10.1)"""

AES_GCM_NONCE_SIZE = 12
"""Nonce bytes AES-256-GCM uses (the prefix of the 24-byte Nonce field). (spec 1.1:10.2)"""

XCHACHA_NONCE_SIZE = 24
"""Nonce bytes XChaCha20-Poly1305 uses (the whole Nonce field). (spec 1.1:10.2)"""

ARGON2ID_MIN_TIME = 3
"""Smallest Argon2id time cost a producer may write. (spec 1.1:10.5)"""

ARGON2ID_MIN_MEMORY_KIB = 65536
"""Smallest Argon2id memory (KiB) a producer may write. (spec 1.1:10.5)"""

ARGON2ID_MIN_LANES = 4
"""Smallest Argon2id parallelism a producer may write. (spec 1.1:10.5)"""

KEM_CT_X25519 = 32
"""KEMCtLen of X25519 (the ephemeral public key). (spec 1.1:10.3)"""

KEM_CT_ML_KEM_768 = 1088
"""KEMCtLen of ML-KEM-768 (FIPS 203). (spec 1.1:10.3)"""

KEM_CT_ML_KEM_1024 = 1568
"""KEMCtLen of ML-KEM-1024 (FIPS 203). (spec 1.1:10.3)"""

KEM_CT_HYBRID = 1120
"""KEMCtLen of X25519 + ML-KEM-768: X25519 ciphertext then ML-KEM-768 ciphertext. (spec 1.1:10.3)"""

CEK_INFO = b"MSL-CEK-v1"
"""HKDF-BLAKE3 info deriving the CEK from a KEM shared secret (salt = DumpUUID). (spec 1.1:10.4)"""

SEG_KEY_INFO = b"MSL-SEG-v1"
"""HKDF-BLAKE3 info prefix of a sealed segment key (then LE16 index). (spec 1.1:10.8)"""

SEAL_MAGIC = b"MSLS"
"""Magic of a sealed extension segment's header. (spec 1.1:10.8)"""

SEAL_HEADER_SIZE = 64
"""SealHdrSize of a sealed extension segment. (spec 1.1:10.8)"""


_FILE_HEADER_MAGIC_TO_RESERVED = {"<": Struct("<8sBBHIQ16sQHHIBIB2s"), ">": Struct(">8sBBHIQ16sQHHIBIB2s")}
_ENCRYPTION_HEADER_ENC_ALGO_TO_LEN_CIPHER = {"<": Struct("<BBBBIIBBH24s16sQ"), ">": Struct(">BBBBIIBBH24s16sQ")}
_SEALED_HEADER_MAGIC_TO_RESERVED = {"<": Struct("<4sHHQ24s24s"), ">": Struct(">4sHHQ24s24s")}
_BLOCK_HEADER_MAGIC_TO_PREV_HASH = {"<": Struct("<4sHHIHH16s16s32s"), ">": Struct(">4sHHIHH16s16s32s")}
_COMPRESSION_PREFIX_UNCOMPRESSED_SIZE = {"<": Struct("<Q"), ">": Struct(">Q")}


@dataclass(slots=True)
class FileHeader:
    """Structure ``file_header``.

    The file header: 64 bytes, or 128 when the Encrypted flag is set (the 64-byte encryption
    extension follows at 0x40). The first 10 bytes are byte-order independent.

    Spec: 3. Source: format.yaml:types.file_header.

    Attributes:
        magic: File magic. (Magic, +0x00, spec 3.)
        endianness: Byte order of all structural integers. (Endianness, +0x08, spec 3.1.)
        header_size: Header size in bytes; block 0 starts here (rule C2). 64, or 128 when encrypted.
            (HeaderSize, +0x09, spec 3.)
        version: Format version, major in the high byte: 0x0100 = 1.0, 0x0101 = 1.1. (Version,
            +0x0A, spec 3.2.)
        flags: File flags. (Flags, +0x0C, spec 3.)
        cap_bitmap: Categories of data present (section 8). (CapBitmap, +0x10, spec 8.)
        dump_uuid: UUIDv4 of this dump. (DumpUUID, +0x18, spec 3.)
        timestamp: Acquisition start (ns since the Unix epoch, UTC). (Timestamp, +0x28, spec 3.)
        os_type: Target operating system. (OSType, +0x30, spec 3.3.)
        arch_type: Target CPU architecture. (ArchType, +0x32, spec 3.3.)
        pid: Process ID at acquisition. (PID, +0x34, spec 3.)
        clock_source: Clock of the timestamps. (ClockSource, +0x38, spec 3.)
        block_count: Capture-segment blocks including End-of-Capture; 0 = unknown (streaming). Never
            patched after writing; a non-zero value must equal the parsed count (1.1 rule C13). Reserved
            (zero) in 1.0. (BlockCount, +0x39, spec 1.1:3.1.)
        hash_algo: Hash used for PrevHash, FileHash, SegmentHash and DiskHash; 0 (BLAKE3) in 1.0.
            (HashAlgo, +0x3D, spec 1.1:4.4.)
        reserved: Reserved; zero. (Reserved, +0x3E, spec 3.)
    """

    SIZE: ClassVar[int] = 64
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="magic", kind="bytes", orig="Magic", offset=0x00, size=8),
        FieldInfo(id="endianness", kind="int", enum="endianness", orig="Endianness", offset=0x08, size=1),
        FieldInfo(id="header_size", kind="int", orig="HeaderSize", offset=0x09, size=1),
        FieldInfo(id="version", kind="int", format="hex", orig="Version", offset=0x0A, size=2),
        FieldInfo(id="flags", kind="int", flags="header_flags", orig="Flags", offset=0x0C, size=4),
        FieldInfo(id="cap_bitmap", kind="int", format="hex", flags="cap_bitmap", orig="CapBitmap", offset=0x10, size=8),
        FieldInfo(id="dump_uuid", kind="uuid", orig="DumpUUID", offset=0x18, size=16),
        FieldInfo(id="timestamp", kind="int", orig="Timestamp", offset=0x28, size=8),
        FieldInfo(id="os_type", kind="int", enum="os_type", orig="OSType", offset=0x30, size=2),
        FieldInfo(id="arch_type", kind="int", enum="arch_type", orig="ArchType", offset=0x32, size=2),
        FieldInfo(id="pid", kind="int", orig="PID", offset=0x34, size=4),
        FieldInfo(id="clock_source", kind="int", enum="clock_source", orig="ClockSource", offset=0x38, size=1),
        FieldInfo(id="block_count", kind="int", orig="BlockCount", offset=0x39, size=4, since="1.1"),
        FieldInfo(id="hash_algo", kind="int", enum="hash_algo", orig="HashAlgo", offset=0x3D, size=1, since="1.1"),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x3E, size=2),
    )

    magic: bytes = b'MEMSLICE'
    endianness: int = 0
    header_size: int = 0
    version: int = 0
    flags: int = 0
    cap_bitmap: int = 0
    dump_uuid: bytes = ZERO_UUID
    timestamp: int = 0
    os_type: int = 0
    arch_type: int = 0
    pid: int = 0
    clock_source: int = 0
    block_count: int = 0
    hash_algo: int = 0
    reserved: bytes = bytes(2)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> FileHeader:
        """Decode a whole buffer as one FileHeader.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[FileHeader, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 64, end, "FileHeader.magic")
        (
            f_magic,
            f_endianness,
            f_header_size,
            f_version,
            f_flags,
            f_cap_bitmap,
            f_dump_uuid,
            f_timestamp,
            f_os_type,
            f_arch_type,
            f_pid,
            f_clock_source,
            f_block_count,
            f_hash_algo,
            f_reserved,
        ) = _FILE_HEADER_MAGIC_TO_RESERVED[endian].unpack_from(view, pos)
        if f_magic != b"MEMSLICE":
            raise reject("FileHeader.magic", f_magic, "C1", "must be b'MEMSLICE'", pos)
        if f_endianness not in (1, 2):
            raise reject("FileHeader.endianness", f_endianness, "C1", "must be one of 1, 2", pos)
        pos += 64
        obj = cls(
            magic=f_magic,
            endianness=f_endianness,
            header_size=f_header_size,
            version=f_version,
            flags=f_flags,
            cap_bitmap=f_cap_bitmap,
            dump_uuid=f_dump_uuid,
            timestamp=f_timestamp,
            os_type=f_os_type,
            arch_type=f_arch_type,
            pid=f_pid,
            clock_source=f_clock_source,
            block_count=f_block_count,
            hash_algo=f_hash_algo,
            reserved=f_reserved,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_endianness = self.endianness
        f_header_size = self.header_size
        f_version = self.version
        f_flags = self.flags
        f_cap_bitmap = self.cap_bitmap
        f_timestamp = self.timestamp
        f_os_type = self.os_type
        f_arch_type = self.arch_type
        f_pid = self.pid
        f_clock_source = self.clock_source
        f_block_count = self.block_count
        f_hash_algo = self.hash_algo
        parts.append(_FILE_HEADER_MAGIC_TO_RESERVED[endian].pack(
            self.magic,
            f_endianness,
            f_header_size,
            f_version,
            f_flags,
            f_cap_bitmap,
            self.dump_uuid,
            f_timestamp,
            f_os_type,
            f_arch_type,
            f_pid,
            f_clock_source,
            f_block_count,
            f_hash_algo,
            self.reserved or bytes(2),
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.endianness not in (1, 2):
            found.append(Finding("endianness", "C1", "must be one of 1, 2"))
        if self.header_size not in (64, 128):
            found.append(Finding("header_size", "B-3-header-size", "must be one of 64, 128"))
        if self.reserved != bytes(2):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class EncryptionHeader:
    """Structure ``encryption_header``.

    The 64-byte extension at absolute offset 0x40 of an encrypted file (HeaderSize 128, flag
    Encrypted). Followed in the file by KEMCtLen bytes of KEM ciphertext, then the AEAD ciphertext
    of the block stream and its 16-byte tag.

    Spec: 1.1:10.1. Source: format.yaml:types.encryption_header.

    Attributes:
        enc_algo: AEAD cipher. (EncAlgo, +0x00, spec 1.1:10.1.)
        kdf_type: Key derivation. (KDFType, +0x01, spec 1.1:10.5.)
        key_encap: Key encapsulation mechanism. (KeyEncap, +0x02, spec 1.1:10.3.)
        reserved1: Reserved; zero. (+0x03, spec 1.1:10.1.)
        kdf_time: Argon2id time cost (at least 3). (KDFTime, +0x04, spec 1.1:10.5.)
        kdf_memory: Argon2id memory in KiB (at least 65536). (KDFMemory, +0x08, spec 1.1:10.5.)
        kdf_lanes: Argon2id parallelism (at least 4). (KDFLanes, +0x0C, spec 1.1:10.5.)
        reserved2: Reserved; zero. (+0x0D, spec 1.1:10.1.)
        len_kem_ct: Bytes of KEM ciphertext after the header; 0 without KEM. (KEMCtLen, +0x0E, spec
            1.1:10.3.)
        nonce: AEAD nonce (AES-GCM uses the first 12 bytes). (Nonce, +0x10, spec 1.1:10.2.)
        kdf_salt: Argon2id salt. (KDFSalt, +0x28, spec 1.1:10.5.)
        len_cipher: Primary ciphertext length (1.1.1); 0 = not recorded, the tag is the last 16
            bytes. (CipherLen, +0x38, spec 1.1:10.7.)
    """

    SIZE: ClassVar[int] = 64
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="enc_algo", kind="int", enum="enc_algo", orig="EncAlgo", offset=0x00, size=1),
        FieldInfo(id="kdf_type", kind="int", enum="kdf_type", orig="KDFType", offset=0x01, size=1),
        FieldInfo(id="key_encap", kind="int", enum="key_encap", orig="KeyEncap", offset=0x02, size=1),
        FieldInfo(id="reserved1", kind="int", reserved=True, offset=0x03, size=1),
        FieldInfo(id="kdf_time", kind="int", orig="KDFTime", offset=0x04, size=4),
        FieldInfo(id="kdf_memory", kind="int", orig="KDFMemory", offset=0x08, size=4),
        FieldInfo(id="kdf_lanes", kind="int", orig="KDFLanes", offset=0x0C, size=1),
        FieldInfo(id="reserved2", kind="int", reserved=True, offset=0x0D, size=1),
        FieldInfo(id="len_kem_ct", kind="int", orig="KEMCtLen", offset=0x0E, size=2),
        FieldInfo(id="nonce", kind="bytes", orig="Nonce", offset=0x10, size=24),
        FieldInfo(id="kdf_salt", kind="bytes", orig="KDFSalt", offset=0x28, size=16),
        FieldInfo(id="len_cipher", kind="int", orig="CipherLen", offset=0x38, size=8),
    )

    enc_algo: int = 0
    kdf_type: int = 0
    key_encap: int = 0
    reserved1: int = 0
    kdf_time: int = 0
    kdf_memory: int = 0
    kdf_lanes: int = 0
    reserved2: int = 0
    len_kem_ct: int = 0
    nonce: bytes = bytes(24)
    kdf_salt: bytes = bytes(16)
    len_cipher: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> EncryptionHeader:
        """Decode a whole buffer as one EncryptionHeader.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[EncryptionHeader, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 64, end, "EncryptionHeader.enc_algo")
        (
            f_enc_algo,
            f_kdf_type,
            f_key_encap,
            f_reserved1,
            f_kdf_time,
            f_kdf_memory,
            f_kdf_lanes,
            f_reserved2,
            f_len_kem_ct,
            f_nonce,
            f_kdf_salt,
            f_len_cipher,
        ) = _ENCRYPTION_HEADER_ENC_ALGO_TO_LEN_CIPHER[endian].unpack_from(view, pos)
        pos += 64
        obj = cls(
            enc_algo=f_enc_algo,
            kdf_type=f_kdf_type,
            key_encap=f_key_encap,
            reserved1=f_reserved1,
            kdf_time=f_kdf_time,
            kdf_memory=f_kdf_memory,
            kdf_lanes=f_kdf_lanes,
            reserved2=f_reserved2,
            len_kem_ct=f_len_kem_ct,
            nonce=f_nonce,
            kdf_salt=f_kdf_salt,
            len_cipher=f_len_cipher,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_enc_algo = self.enc_algo
        f_kdf_type = self.kdf_type
        f_key_encap = self.key_encap
        f_reserved1 = self.reserved1 or 0
        f_kdf_time = self.kdf_time
        f_kdf_memory = self.kdf_memory
        f_kdf_lanes = self.kdf_lanes
        f_reserved2 = self.reserved2 or 0
        f_len_kem_ct = self.len_kem_ct
        f_len_cipher = self.len_cipher
        parts.append(_ENCRYPTION_HEADER_ENC_ALGO_TO_LEN_CIPHER[endian].pack(
            f_enc_algo,
            f_kdf_type,
            f_key_encap,
            f_reserved1,
            f_kdf_time,
            f_kdf_memory,
            f_kdf_lanes,
            f_reserved2,
            f_len_kem_ct,
            self.nonce,
            self.kdf_salt,
            f_len_cipher,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved1 != 0:
            found.append(Finding("reserved1", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class SealedHeader:
    """Structure ``sealed_header``.

    The 64-byte cleartext header of a sealed extension segment (1.1.1 Table 27a), after the primary
    tag (only when CipherLen is non-zero) or after the previous segment's tag. It is followed by
    SegCipherLen bytes of ciphertext and a 16-byte tag. Little-endian always.

    Spec: 1.1:10.8. Source: format.yaml:types.sealed_header.

    Attributes:
        magic: Sealed segment magic. (Magic, +0x00, spec 1.1:10.8.)
        seal_hdr_size: 64. (SealHdrSize, +0x04, spec 1.1:10.8.)
        seg_index: 1-based, consecutive. (SegIndex, +0x06, spec 1.1:10.8.)
        seg_cipher_len: Ciphertext (= plaintext) bytes, tag excluded; more than 0. (SegCipherLen,
            +0x08, spec 1.1:10.8.)
        nonce: Fresh nonce; the cipher-sized prefix is used, the rest zero. (Nonce, +0x10, spec
            1.1:10.8.)
        reserved: Reserved; zero. (Reserved, +0x28, spec 1.1:10.8.)
    """

    SIZE: ClassVar[int] = 64
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="magic", kind="bytes", orig="Magic", offset=0x00, size=4),
        FieldInfo(id="seal_hdr_size", kind="int", orig="SealHdrSize", offset=0x04, size=2),
        FieldInfo(id="seg_index", kind="int", orig="SegIndex", offset=0x06, size=2),
        FieldInfo(id="seg_cipher_len", kind="int", orig="SegCipherLen", offset=0x08, size=8),
        FieldInfo(id="nonce", kind="bytes", orig="Nonce", offset=0x10, size=24),
        FieldInfo(id="reserved", kind="bytes", reserved=True, orig="Reserved", offset=0x28, size=24),
    )

    magic: bytes = b'MSLS'
    seal_hdr_size: int = 0
    seg_index: int = 0
    seg_cipher_len: int = 0
    nonce: bytes = bytes(24)
    reserved: bytes = bytes(24)

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> SealedHeader:
        """Decode a whole buffer as one SealedHeader.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[SealedHeader, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 64, end, "SealedHeader.magic")
        (
            f_magic,
            f_seal_hdr_size,
            f_seg_index,
            f_seg_cipher_len,
            f_nonce,
            f_reserved,
        ) = _SEALED_HEADER_MAGIC_TO_RESERVED[endian].unpack_from(view, pos)
        if f_magic != b"MSLS":
            raise reject("SealedHeader.magic", f_magic, None, "must be b'MSLS'", pos)
        pos += 64
        obj = cls(
            magic=f_magic,
            seal_hdr_size=f_seal_hdr_size,
            seg_index=f_seg_index,
            seg_cipher_len=f_seg_cipher_len,
            nonce=f_nonce,
            reserved=f_reserved,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_seal_hdr_size = self.seal_hdr_size
        f_seg_index = self.seg_index
        f_seg_cipher_len = self.seg_cipher_len
        parts.append(_SEALED_HEADER_MAGIC_TO_RESERVED[endian].pack(
            self.magic,
            f_seal_hdr_size,
            f_seg_index,
            f_seg_cipher_len,
            self.nonce,
            self.reserved or bytes(24),
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != bytes(24):
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class BlockHeader:
    """Structure ``block_header``.

    The 80-byte header in front of every block payload.

    Spec: 4.1. Source: format.yaml:types.block_header.

    Attributes:
        magic: Block magic; anything else ends the block stream (C4). (Magic, +0x00, spec 4.1.)
        block_type: Payload selector (block registry). (BlockType, +0x04, spec 4.3.)
        flags: Block flags (compression, children, continuation). (Flags, +0x06, spec 4.2.)
        block_length: Header plus on-disk payload, in bytes. (BlockLength, +0x08, spec 4.1.)
        payload_version: Payload layout version; 1 for every layout of 1.0 and 1.1 (P10); unknown
            ones are skipped (C7). (PayloadVersion, +0x0C, spec 4.1.)
        reserved: Reserved; zero. (Reserved, +0x0E, spec 4.1.)
        block_uuid: UUIDv4 of this block. (BlockUUID, +0x10, spec 4.1.)
        parent_uuid: BlockUUID of the parent block, or all zero. (ParentUUID, +0x20, spec 7.)
        prev_hash: Hash of the preceding header or block (hash chain). (PrevHash, +0x30, spec 4.4.)
    """

    SIZE: ClassVar[int] = 80
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="magic", kind="bytes", orig="Magic", offset=0x00, size=4),
        FieldInfo(id="block_type", kind="int", format="hex", enum="block_type", orig="BlockType", offset=0x04, size=2),
        FieldInfo(id="flags", kind="int", format="hex", flags="block_flags", orig="Flags", offset=0x06, size=2),
        FieldInfo(id="block_length", kind="int", orig="BlockLength", offset=0x08, size=4),
        FieldInfo(id="payload_version", kind="int", orig="PayloadVersion", offset=0x0C, size=2),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x0E, size=2),
        FieldInfo(id="block_uuid", kind="uuid", orig="BlockUUID", offset=0x10, size=16),
        FieldInfo(id="parent_uuid", kind="uuid", role="uuid_ref", orig="ParentUUID", offset=0x20, size=16),
        FieldInfo(id="prev_hash", kind="hash", orig="PrevHash", offset=0x30, size=32),
    )

    magic: bytes = b'MSLC'
    block_type: int = 0
    flags: int = 0
    block_length: int = 0
    payload_version: int = 0
    reserved: int = 0
    block_uuid: bytes = ZERO_UUID
    parent_uuid: bytes = ZERO_UUID
    prev_hash: bytes = ZERO_HASH

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> BlockHeader:
        """Decode a whole buffer as one BlockHeader.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[BlockHeader, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 80, end, "BlockHeader.magic")
        (
            f_magic,
            f_block_type,
            f_flags,
            f_block_length,
            f_payload_version,
            f_reserved,
            f_block_uuid,
            f_parent_uuid,
            f_prev_hash,
        ) = _BLOCK_HEADER_MAGIC_TO_PREV_HASH[endian].unpack_from(view, pos)
        if f_magic != b"MSLC":
            raise reject("BlockHeader.magic", f_magic, None, "must be b'MSLC'", pos)
        if f_block_type < 1:
            raise reject("BlockHeader.block_type", f_block_type, "C6", "must be >= 1", pos)
        pos += 80
        obj = cls(
            magic=f_magic,
            block_type=f_block_type,
            flags=f_flags,
            block_length=f_block_length,
            payload_version=f_payload_version,
            reserved=f_reserved,
            block_uuid=f_block_uuid,
            parent_uuid=f_parent_uuid,
            prev_hash=f_prev_hash,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_block_type = self.block_type
        f_flags = self.flags
        f_block_length = self.block_length
        f_payload_version = self.payload_version
        f_reserved = self.reserved or 0
        parts.append(_BLOCK_HEADER_MAGIC_TO_PREV_HASH[endian].pack(
            self.magic,
            f_block_type,
            f_flags,
            f_block_length,
            f_payload_version,
            f_reserved,
            self.block_uuid,
            self.parent_uuid,
            self.prev_hash,
        ))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.block_type < 1:
            found.append(Finding("block_type", "C6", "must be >= 1"))
        if self.block_length < 80:
            found.append(Finding("block_length", "B-4.1-block-length", "must be >= 80"))
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class CompressionPrefix:
    """Structure ``compression_prefix``.

    The 8 bytes in front of the codec stream of a compressed payload.

    Spec: 1.1:4.2.1. Source: format.yaml:types.compression_prefix.

    Attributes:
        uncompressed_size: Length of the payload fed to the codec; a hard cap for the inflater.
            (UncompressedSize, +0x00, spec 1.1:4.2.1.)
    """

    SIZE: ClassVar[int] = 8
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="uncompressed_size", kind="int", orig="UncompressedSize", offset=0x00, size=8),
    )

    uncompressed_size: int = 0

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> CompressionPrefix:
        """Decode a whole buffer as one CompressionPrefix.

        Args:
            data: The bytes (a payload, or the structure alone).
            endian: "<" for little-endian files, ">" for big-endian ones.

        Returns:
            The decoded structure.

        Raises:
            TruncatedError: The data ends inside the structure.
            ConstraintError: A field has a value a consumer must reject.
        """
        view = memoryview(data)
        obj, _ = cls.decode_at(view, 0, len(view), endian)
        return obj

    @classmethod
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[CompressionPrefix, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 8, end, "CompressionPrefix.uncompressed_size")
        (f_uncompressed_size,) = _COMPRESSION_PREFIX_UNCOMPRESSED_SIZE[endian].unpack_from(view, pos)
        pos += 8
        obj = cls(uncompressed_size=f_uncompressed_size)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_uncompressed_size = self.uncompressed_size
        parts.append(_COMPRESSION_PREFIX_UNCOMPRESSED_SIZE[endian].pack(f_uncompressed_size))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        return found
