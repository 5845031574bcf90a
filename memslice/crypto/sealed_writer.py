"""Append a sealed extension segment to an encrypted capture (1.1.1 section 10.8)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from memslice import writer as writer_module
from memslice.crypto.sealed import seal_segment, sealed_segments
from memslice.errors import EncodeError
from memslice.generated import framing
from memslice.generated._support import ZERO_UUID
from memslice.generated.blocks import end_of_extension
from memslice.integrity import ZERO_HASH, hasher_factory
from memslice.reader import MslReader


def _block(payload: Any, endian: str) -> bytes:
    cls = type(payload)
    if not getattr(cls, "IN_EXTENSION", True):
        raise EncodeError(f"{cls.BLOCK_ID} is an evidence block, not allowed in an extension segment",
                          rule="V11-P36")
    body = b"".join(bytes(p) for p in payload.encode_parts(endian))
    body += bytes(-len(body) % framing.ALIGNMENT)
    head = framing.BlockHeader(block_type=cls.BLOCK_TYPE, flags=0, block_length=framing.BLOCK_HEADER_SIZE + len(body),
                               payload_version=cls.PAYLOAD_VERSIONS[-1], block_uuid=writer_module.new_uuid(),
                               parent_uuid=ZERO_UUID, prev_hash=ZERO_HASH)
    return head.encode(endian) + body


def segment_plaintext(payloads: Sequence[Any], endian: str, hash_algo: int, producer: str = "memslice",
                      written_at: int | None = None) -> bytes:
    """One extension segment with zero PrevHash fields, closed by its End-of-Extension."""
    from memslice.generated.registry import module_for

    parts = []
    for p in payloads:
        if not module_for(type(p).BLOCK_ID).IN_EXTENSION:
            raise EncodeError(f"{type(p).BLOCK_ID} is an evidence block, not allowed in a sealed segment",
                              rule="V11-P36")
        parts.append(_block(p, endian))
    hasher = hasher_factory(hash_algo)()
    for part in parts:
        hasher.update(part)
    when = time.time_ns() if written_at is None else written_at
    eox = end_of_extension.EndOfExtension(segment_hash=hasher.digest(), written_at=when,
                                          block_count=len(parts) + 1, producer=producer)
    return b"".join(parts) + _block(eox, endian)


def append_sealed_segment(path: str | Path, payloads: Sequence[Any], *, producer: str = "memslice",
                          **secret: Any) -> int:
    """Seal ``payloads`` (non-evidence block payload objects) as the next segment of ``path``.

    Args:
        path: An encrypted capture whose CipherLen is recorded.
        payloads: Generated payload objects for the segment (its End-of-Extension is added).
        producer: Producer string of the End-of-Extension.
        **secret: ``passphrase=``, ``key=`` or ``identity=`` as for :class:`MslReader`.

    Returns:
        The new segment's SegIndex.

    Raises:
        EncodeError: CipherLen is 0, or unverified data follows the last verified segment
            (rule V11-P37: producers refuse to append then).
    """
    path = Path(path)
    with MslReader(path, **secret) as reader:
        if reader.container is None:
            raise EncodeError("not an encrypted capture (sealed segments need the Encrypted flag)")
        if not reader.encryption.len_cipher:
            raise EncodeError("CipherLen is 0: sealed segments cannot follow (rule V11-10.8-sealed)")
        segments = sealed_segments(reader)
        if any(not s.ok for s in segments):
            raise EncodeError("unverified trailing data follows the last verified segment; refusing to append")
        prev_tag = reader.container.tag
        if segments:
            last = segments[-1]
            raw = reader.container._view
            end = last.offset + last.length
            prev_tag = bytes(raw[end - len(prev_tag):end])
        index = len(segments) + 1
        plain = segment_plaintext(payloads, reader.endian, reader.header.hash_algo, producer)
        blob = seal_segment(reader.container, bytes(reader.header.dump_uuid), index, prev_tag, plain)
        size = reader.file_size
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        if os.fstat(fd).st_size != size:
            raise EncodeError(f"{path} changed while the segment was sealed")
        view = memoryview(blob)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)
    return index
