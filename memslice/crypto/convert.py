"""``msl encrypt`` / ``msl decrypt``: copy a capture block by block into a new (en|de)crypted one.

The source is opened (an encrypted one authenticated first) and verified; each block is
re-emitted with its type, flags, UUIDs and payload (compressed blocks are re-compressed with
the same codec), so the writer recomputes PrevHash (zero when encrypting), FileHash and
segment hashes for the new container. Memory stays at one block.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from memslice.atomic_output import check_destination
from memslice.errors import IntegrityError
from memslice.generated.enums import BlockFlags, BlockType, HeaderFlags
from memslice.reader import MslReader
from memslice.verify import verify
from memslice.writer import MslWriter

_EOC = BlockType.END_OF_CAPTURE
_EOX = BlockType.END_OF_EXTENSION


def convert(reader: MslReader, out: str | Path, *, encryption: Any = None, overwrite: bool = False,
            check: bool = True) -> Path:
    """Write the capture ``reader`` holds to ``out``, encrypted with ``encryption`` or plain.

    Args:
        reader: An open reader (with its secret when encrypted).
        out: The file to write.
        encryption: An :class:`memslice.crypto.producer.EncryptionConfig`, or None for a plain file.
        overwrite: Replace an existing ``out``.
        check: Refuse a source that does not verify.

    Returns:
        The path written.

    Raises:
        IntegrityError: ``check`` is set and the source does not verify.
        SecretError: An encrypted source opened without its secret.
        OutputError: ``out`` is refused (exists without ``overwrite``, a directory, ...):
            checked before the source is verified; no temporary file is left behind.
    """
    reader.require_clean()
    if reader.encrypted and reader.container is None:
        from memslice.errors import SecretError

        raise SecretError("the source is encrypted: give its secret to convert it")
    out = check_destination(out, force=overwrite)  # before the source is verified
    if check:
        report = verify(reader)
        if not report.ok:
            raise IntegrityError("the source does not verify: " + "; ".join(report.problems[:3]))
    h = reader.header
    writer = MslWriter(out, endian=reader.endian, cap_bitmap=h.cap_bitmap,
                       flags=h.flags & ~HeaderFlags.ENCRYPTED, os_type=h.os_type, arch_type=h.arch_type, pid=h.pid,
                       timestamp=h.timestamp, clock_source=h.clock_source, dump_uuid=bytes(h.dump_uuid),
                       hash_algo=h.hash_algo, overwrite=overwrite, encryption=encryption)
    try:
        _copy_blocks(reader, writer)
    except BaseException:
        writer.abort()
        raise
    return out


def _copy_blocks(reader: MslReader, writer: MslWriter) -> None:
    finished = False
    for rec in reader.blocks:
        if rec.segment == -1:
            break
        head = rec.header
        if rec.block_type == _EOC and rec.segment == 0:
            payload = reader.decode(rec).payload
            writer.finish_capture(getattr(payload, "acq_end", None), block_uuid=bytes(head.block_uuid))
            finished = True
            continue
        if rec.block_type == _EOX and rec.segment > 0:
            payload = reader.decode(rec).payload
            writer.end_extension(getattr(payload, "producer", None), getattr(payload, "written_at", None),
                                 block_uuid=bytes(head.block_uuid))
            continue
        if rec.segment > 0 and writer._segment_hasher is None:
            writer.begin_extension()
        flags = head.flags & ~(BlockFlags.COMPRESSED | BlockFlags.COMP_ALGO)
        writer.write_block(rec.block_type, [reader.payload_bytes(rec)], block_uuid=bytes(head.block_uuid),
                           parent_uuid=bytes(head.parent_uuid), flags=flags,
                           compress=rec.comp_algo if rec.compressed else None, payload_version=head.payload_version)
    if finished:
        writer.finish()
    else:
        writer.close_incomplete()
