"""Append one verified extension segment to a finished capture (1.1 section 4.6).

The file is opened once (``O_NOFOLLOW``, exclusive ``flock``), verified through that same
descriptor, and the segment is written with ``pwrite`` at the old end of file: no byte
before it is ever rewritten. The segment's first block chains from the last block of the
file (its PrevHash is that block's hash), the End-of-Extension closes it with SegmentHash
and BlockCount. After writing, the whole file is verified again; on any failure the file
is truncated back to its old size, so it is byte for byte what it was.

Refused: files that do not verify (broken chain, FileHash, earlier segments), files with
trailing data after the last verified segment (rule V11-C14: a segment after unverified
bytes would chain from nothing a reader trusts), encrypted files (their extensions are
sealed segments, format-catalogue 8.5, not written here) and format 1.0 files (no
extension segments).
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Sequence
from typing import Any

from memslice.errors import EncodeError, IntegrityError, MslError, UnsupportedError
from memslice.generated import framing
from memslice.generated._support import ZERO_UUID, padding
from memslice.generated.blocks import end_of_extension
from memslice.generated.dialects import VERSIONS
from memslice.generated.registry import module_for
from memslice.integrity import hasher_factory
from memslice.reader import MslReader
from memslice.verify import verify
from memslice.writer import new_uuid


def _encode_segment(payloads: Sequence[Any], prev_hash: bytes, hash_algo: int, endian: str,
                    producer: str) -> bytes:
    new_hasher = hasher_factory(hash_algo)
    segment = new_hasher()
    out = bytearray()

    def block(block_type: int, body: bytes, version: int) -> None:
        nonlocal prev_hash
        body += padding(len(body))
        header = framing.BlockHeader(block_type=block_type, flags=0, block_length=framing.BLOCK_HEADER_SIZE + len(body),
                                     payload_version=version, block_uuid=new_uuid(), parent_uuid=ZERO_UUID,
                                     prev_hash=prev_hash)
        raw = header.encode(endian) + body
        h = new_hasher()
        h.update(raw)
        prev_hash = h.digest()
        out.extend(raw)
        if block_type != end_of_extension.BLOCK_TYPE:
            segment.update(raw)

    for payload in payloads:
        cls = type(payload)
        module = module_for(cls.BLOCK_ID)
        if not module.IN_EXTENSION:
            raise EncodeError(f"{cls.BLOCK_ID} is an evidence block, not allowed in an extension segment",
                              rule="V11-P36")
        findings = payload.check()
        if findings:
            raise EncodeError(f"{cls.BLOCK_ID}.{findings[0].field}: {findings[0].message}", rule=findings[0].rule)
        block(cls.BLOCK_TYPE, payload.encode(endian), cls.PAYLOAD_VERSIONS[-1])
    terminator = end_of_extension.EndOfExtension(segment_hash=segment.digest(), written_at=time.time_ns(),
                                                 block_count=len(payloads) + 1, producer=producer)
    block(end_of_extension.BLOCK_TYPE, terminator.encode(endian), 1)
    return bytes(out)


def append_segment(path: str | os.PathLike[str], payloads: Sequence[Any], *, producer: str = "memslice") -> int:
    """Append ``payloads`` as one extension segment to the capture at ``path``.

    Args:
        path: A finished, verifying, unencrypted format-1.1 capture.
        payloads: Generated payload objects of block types allowed in extensions.
        producer: Producer string of the End-of-Extension.

    Returns:
        The number of bytes appended.

    Raises:
        IntegrityError: The file does not verify, or has trailing data.
        UnsupportedError: Encrypted or format 1.0.
        EncodeError: A payload may not be written (evidence block, schema constraint).
        OSError: The file cannot be opened, locked or written (it is left as it was).
    """
    if not payloads:
        raise EncodeError("nothing to append")
    fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        size = os.fstat(fd).st_size
        with MslReader(f"/proc/self/fd/{fd}") as reader:  # the descriptor we hold, mapped
            _check_appendable(reader)
            last = max((r for r in reader.blocks if r.segment >= 0), key=lambda r: r.index)
            h = hasher_factory(reader.header.hash_algo)()
            h.update(reader.data[last.offset:last.end])
            data = _encode_segment(payloads, h.digest(), reader.header.hash_algo, reader.endian, producer)
        try:
            written = 0
            while written < len(data):
                written += os.pwrite(fd, data[written:], size + written)
            os.fsync(fd)
            with MslReader(f"/proc/self/fd/{fd}") as after:
                report = verify(after)
                if not report.ok or report.trailing_bytes:
                    raise IntegrityError("the appended segment does not verify: " + "; ".join(report.problems))
        except BaseException:
            os.ftruncate(fd, size)
            os.fsync(fd)
            raise
        return len(data)
    finally:
        os.close(fd)


def _check_appendable(reader: MslReader) -> None:
    if reader.encrypted:
        raise UnsupportedError("encrypted capture: its extensions are sealed segments, which this tool does not "
                               "write")
    if reader.version < VERSIONS["1.1"]:
        raise UnsupportedError("format 1.0 has no extension segments (1.1 section 4.6)")
    report = verify(reader)
    if report.trailing_bytes:
        raise IntegrityError(f"{report.trailing_bytes} bytes of unverified trailing data after the last verified "
                             "segment: refusing to append after them", rule="V11-C14")
    if not report.ok:
        raise IntegrityError("the capture does not verify: " + "; ".join(report.problems))
    if reader.eoc is None:
        raise IntegrityError("no End-of-Capture: an incomplete capture takes no extension segment", rule="PS1")


__all__ = ["MslError", "append_segment"]
