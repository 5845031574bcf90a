"""Sealed extension segments (1.1.1 section 10.8; catalogue 8.5): read, verify and append.

After the primary tag of a container whose CipherLen is non-zero, segment i is a 64-byte
cleartext SealedHeader, SegCipherLen bytes of ciphertext and a tag, under
SegKey_i = HKDF-BLAKE3(CEK, DumpUUID, "MSL-SEG-v1" || LE16(i)) with
AAD_i = header (CipherLen zeroed) || KEM ct || SealedHeader_i || Tag_(i-1). Its plaintext is
one extension segment (zero PrevHash, non-evidence blocks, End-of-Extension last). Reading
stops at the first segment that fails; it and everything after it is trailing data, and
no plaintext of a failing segment is kept (rule V11-10.8-sealed).
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from memslice.crypto import kdf
from memslice.crypto.container import EncryptedContainer
from memslice.crypto.suites import TAG_SIZE, Suite, nonce_size
from memslice.errors import ContainerError, EncodeError, MslError
from memslice.generated import framing
from memslice.generated.enums import BlockFlags, BlockType
from memslice.generated.registry import block_id, layout_for, module_for
from memslice.integrity import ZERO_HASH, hasher_factory

if TYPE_CHECKING:
    from memslice.reader import MslReader
    from memslice.verify import VerifyReport

_SEAL = framing.SEAL_HEADER_SIZE
_BLOCK = framing.BLOCK_HEADER_SIZE
_EOX = BlockType.END_OF_EXTENSION
_MAX_INDEX = 0xFFFF


@dataclass
class SealedBlock:
    """One block of a verified sealed segment.

    Attributes:
        header: The 80-byte block header.
        block_id: Its id in the file's dialect, or None.
        payload: The decoded payload, or None when its type or version is unknown.
        raw: The block's plaintext bytes.
    """

    header: framing.BlockHeader
    block_id: str | None
    payload: Any
    raw: bytes = field(repr=False)


@dataclass
class SealedSegment:
    """One sealed segment and its verdict.

    Attributes:
        index: SegIndex (1-based).
        offset: File offset of its SealedHeader.
        length: Bytes on disk (header, ciphertext, tag).
        ok: True only when tag and plaintext checks passed.
        reason: Why it failed (then it and all after it are trailing data).
        blocks: Its blocks (empty unless ok).
    """

    index: int
    offset: int
    length: int = 0
    ok: bool = False
    reason: str = ""
    blocks: list[SealedBlock] = field(default_factory=list)


def segment_key(cek: bytes, dump_uuid: bytes, index: int) -> bytes:
    """SegKey_i."""
    return kdf.hkdf_blake3(cek, dump_uuid, framing.SEG_KEY_INFO + struct.pack("<H", index))


def _check_plaintext(plain: bytes, endian: str, dialect: str, hash_algo: int) -> list[SealedBlock]:
    """Frame and check one extension segment's plaintext; raise ContainerError on the first problem."""
    blocks: list[SealedBlock] = []
    pos = 0
    hasher = hasher_factory(hash_algo)()
    while pos < len(plain):
        if len(plain) - pos < _BLOCK:
            raise ContainerError(f"plaintext ends inside a block header at +{pos}")
        head = framing.BlockHeader.decode(plain[pos:pos + _BLOCK], endian)
        if head.block_length < _BLOCK or head.block_length > len(plain) - pos:
            raise ContainerError(f"block at +{pos} has BlockLength {head.block_length} outside the segment")
        if bytes(head.prev_hash) != ZERO_HASH:
            raise ContainerError(f"block at +{pos} has a non-zero PrevHash (rule V11-10.6-zero-prev)")
        bid = block_id(head.block_type, dialect)
        if bid is not None and not module_for(bid).IN_EXTENSION:
            raise ContainerError(f"block at +{pos} is {bid}, an evidence type (rule V11-P36)")
        raw = plain[pos:pos + head.block_length]
        payload = None
        layout = layout_for(head.block_type, dialect, head.payload_version)
        if layout is not None and not head.flags & BlockFlags.COMPRESSED:
            payload, _ = layout.decode_at(memoryview(raw), _BLOCK, len(raw), endian)
        blocks.append(SealedBlock(head, bid, payload, raw))
        pos += head.block_length
        if head.block_type == _EOX:
            if pos != len(plain):
                raise ContainerError(f"{len(plain) - pos} bytes follow the End-of-Extension")
            if payload is None or bytes(payload.segment_hash) != hasher.digest():
                raise ContainerError("SegmentHash does not match the segment's blocks (rule V11-P34)")
            if payload.block_count != len(blocks):
                raise ContainerError(f"BlockCount {payload.block_count} but the segment has {len(blocks)} blocks "
                                     "(rule V11-P34)")
            return blocks
        hasher.update(raw)
    raise ContainerError("the segment does not end with an End-of-Extension (rule V11-P34)")


def read_sealed(container: EncryptedContainer, dump_uuid: bytes, endian: str, dialect: str,
                hash_algo: int) -> list[SealedSegment]:
    """Every sealed segment in order; the last one returned may be the failing one (ok False)."""
    view = container._view
    size = len(view)
    pos = container.layout.after_tag
    prev_tag = container.tag
    out: list[SealedSegment] = []
    index = 1
    while pos < size:
        seg = SealedSegment(index, pos)
        out.append(seg)
        if not container.enc.len_cipher:
            seg.reason = "data after the tag of a container whose CipherLen is 0 (rule V11-10.8-sealed)"
            break
        if size - pos < _SEAL + TAG_SIZE:
            seg.reason = f"only {size - pos} bytes remain: no room for a sealed header and tag"
            break
        raw_head = bytes(view[pos:pos + _SEAL])
        try:
            head = framing.SealedHeader.decode(raw_head)
        except MslError as exc:
            seg.reason = f"bad sealed header: {exc.message}"
            break
        limit = size - pos - _SEAL - TAG_SIZE
        problem = ("SealHdrSize is not 64" if head.seal_hdr_size != _SEAL else
                   f"SegIndex {head.seg_index}, expected {index}" if head.seg_index != index else
                   "SegCipherLen is 0" if head.seg_cipher_len == 0 else
                   f"SegCipherLen {head.seg_cipher_len} runs past the end of the file ({limit} bytes available)"
                   if head.seg_cipher_len > limit else "")
        if problem:
            seg.reason = problem
            break
        start = pos + _SEAL
        end = start + head.seg_cipher_len
        tag = bytes(view[end:end + TAG_SIZE])
        suite = Suite(container.enc.enc_algo, segment_key(container.cek, dump_uuid, index), head.nonce)
        plain = suite.open_message(container.aad + raw_head + prev_tag, view[start:end], tag)
        seg.length = _SEAL + head.seg_cipher_len + TAG_SIZE
        if plain is None:
            seg.reason = "tag does not verify"
            break
        try:
            seg.blocks = _check_plaintext(plain, endian, dialect, hash_algo)
        except MslError as exc:
            seg.reason = f"plaintext: {exc.message}"
            break
        seg.ok = True
        prev_tag = tag
        pos = end + TAG_SIZE
        index += 1
    return out


def check_sealed(reader: MslReader, report: VerifyReport) -> None:
    """Add the sealed segments of an opened encrypted reader to a verify report."""
    segments = sealed_segments(reader)
    report.sealed = segments
    for seg in segments:
        if not seg.ok:
            trailing = reader.file_size - seg.offset
            report.trailing_bytes += trailing
            report.problems.append(f"sealed segment {seg.index} at offset 0x{seg.offset:X} fails ({seg.reason}); "
                                   f"it and the {trailing} bytes from there are trailing data, not verified "
                                   "[rule V11-10.8-sealed]")


def sealed_segments(reader: MslReader) -> list[SealedSegment]:
    """The sealed segments of an opened encrypted reader (cached on the reader)."""
    cached = getattr(reader, "_sealed_cache", None)
    if cached is None:
        cached = read_sealed(reader.container, bytes(reader.header.dump_uuid), reader.endian, reader.dialect,
                             reader.header.hash_algo)
        reader._sealed_cache = cached  # type: ignore[attr-defined]
    return cached


def seal_segment(container: EncryptedContainer, dump_uuid: bytes, index: int, prev_tag: bytes,
                 plaintext: bytes, nonce: bytes | None = None) -> bytes:
    """The on-disk bytes of sealed segment ``index`` (header, ciphertext, tag); ``nonce`` only for test corpora."""
    if not plaintext:
        raise EncodeError("a sealed segment holds at least its End-of-Extension block")
    if not 1 <= index <= _MAX_INDEX:
        raise EncodeError(f"SegIndex {index} does not fit a u16")
    nonce = (nonce or os.urandom(nonce_size(container.enc.enc_algo))).ljust(len(framing.SealedHeader().nonce), b"\0")
    head = framing.SealedHeader(seal_hdr_size=_SEAL, seg_index=index, seg_cipher_len=len(plaintext),
                                nonce=nonce).encode("<")
    suite = Suite(container.enc.enc_algo, segment_key(container.cek, dump_uuid, index), nonce)
    enc = suite.encryptor(container.aad + head + prev_tag)
    ct = enc.update(plaintext)
    return head + ct + enc.finalize()


def write_tail(fd: int, sealer: Any, endian: str) -> None:
    """End the AEAD message of a file being written: append the tag, then record CipherLen once.

    Args:
        fd: The writer's descriptor (positioned at the end of the ciphertext).
        sealer: Its :class:`memslice.crypto.producer.StreamSealer`.
        endian: File byte order.
    """
    tag = sealer.finalize()
    view = memoryview(tag)
    while view:
        view = view[os.write(fd, view):]
    patch = sealer.patched_enc_header(endian)
    os.pwrite(fd, patch, framing.HEADER_SIZE_PLAIN)
