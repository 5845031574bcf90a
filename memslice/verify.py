"""Integrity verification: hash chain, FileHash, BlockCount and extension segments.

A full verify hashes every byte twice (once for the chain, once for FileHash). The two
hashes of a large block run on two threads (BLAKE3 releases the GIL) over zero-copy views of
the mapped file, so memory stays flat whatever the file size; a small block is hashed on
the calling thread, where handing it to a thread would cost more than the hash.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from memslice.errors import MslError
from memslice.integrity import hasher_factory, single_threaded_factory

if TYPE_CHECKING:
    from memslice.reader import BlockRecord, MslReader

PARALLEL_HASH_BYTES = 1 << 20
"""Blocks of at least this many bytes have their chain hash computed on a second thread
(started on the first such block), beside the running FileHash; smaller ones are hashed
inline: starting the thread and handing it a block cost about as much as hashing 1 MiB
(~0.4 ms each, measured), which for small blocks made the thread cost more than the hash."""
_CHAIN_AHEAD = 64
"""Most blocks whose PrevHash comparison waits for their predecessor's hash (views only: no copy)."""


@dataclass
class SegmentReport:
    """Verification of one extension segment.

    Attributes:
        index: 1 for the first segment after the End-of-Capture.
        blocks: Blocks in it, terminator included.
        segment_hash: ``ok`` or ``mismatch``.
        block_count: ``ok`` or ``mismatch``.
    """

    index: int
    blocks: int
    segment_hash: str
    block_count: str


@dataclass
class VerifyReport:
    """Outcome of :func:`verify`.

    Attributes:
        chain: ``ok``, ``broken`` or ``not-checked`` (encrypted files, rule V11-C16).
        first_bad_block: Index of the first block whose PrevHash does not match.
        bad_blocks: Every block whose PrevHash does not match.
        eoc: ``present`` or ``absent``.
        file_hash: ``ok``, ``mismatch`` or ``n/a``.
        block_count: ``ok``, ``mismatch`` or ``n/a`` (header and EoC BlockCount, V11-C13).
        segments: Extension segments found after the EoC.
        trailing_bytes: Bytes after the last verified block or segment (V11-C14).
        problems: Human-readable findings, each naming its rule.
        structural: The fault that stopped the block walk, if any.
        tag: ``ok`` when an encrypted file's AEAD tag verified at open, ``n/a`` for plain files,
            ``not-checked`` when no secret was given.
        sealed: Sealed extension segments of an encrypted file (``memslice.crypto.sealed``).
    """

    chain: str = "not-checked"
    first_bad_block: int | None = None
    bad_blocks: list[int] = field(default_factory=list)
    eoc: str = "absent"
    file_hash: str = "n/a"
    block_count: str = "n/a"
    segments: list[SegmentReport] = field(default_factory=list)
    trailing_bytes: int = 0
    problems: list[str] = field(default_factory=list)
    structural: MslError | None = None
    tag: str = "n/a"
    sealed: list = field(default_factory=list)  # type: ignore[type-arg]

    @property
    def ok(self) -> bool:
        """True when nothing checked failed and the file is complete."""
        chain_ok = self.chain == "ok" or (self.chain == "not-checked" and self.tag == "ok")
        return (chain_ok and self.file_hash == "ok" and self.block_count != "mismatch"
                and self.structural is None
                and all(s.segment_hash == "ok" and s.block_count == "ok" for s in self.segments)
                and all(s.ok for s in self.sealed))


def verify(reader: MslReader) -> VerifyReport:
    """Verify every hash of a file.

    Args:
        reader: An open reader.

    Returns:
        The report (never raises for a hash mismatch; the report says it).
    """
    # imported here, not at module level: ``memslice`` imports this module eagerly, and
    # ``msl codegen`` must start even when generated/ cannot be imported
    from memslice.generated.dialects import VERSIONS
    from memslice.generated.enums import BlockType, HashAlgo

    eoc_type, eox_type, v11 = BlockType.END_OF_CAPTURE, BlockType.END_OF_EXTENSION, VERSIONS["1.1"]
    report = VerifyReport()
    records = reader.blocks
    report.structural = reader.fault
    if reader.fault is not None:
        report.problems.append(f"block walk stopped: {reader.fault}")
    if reader.encrypted and reader.container is None:
        report.chain = "not-checked"
        report.tag = "not-checked"
        report.problems.append("encrypted file: give its secret to verify it (tag, FileHash, BlockCount); "
                               "PrevHash fields are zero and not chained (rule V11-C16)")
        return report
    encrypted = reader.container is not None
    if encrypted:
        report.tag = "ok"
    # bytes 0x39-0x3F are reserved before 1.1 (C5): a 1.0 or draft file is always BLAKE3. The chain
    # hash and the FileHash run side by side on two threads, so each hashes on its own thread only;
    # an encrypted file has no chain (V11-C16): its one FileHash pass may use every core.
    factory = hasher_factory if encrypted else single_threaded_factory
    new_hasher = factory(reader.header.hash_algo if reader.version >= v11 else HashAlgo.BLAKE3)
    eoc = reader.eoc
    report.eoc = "present" if eoc else "absent"
    data = reader.data

    def digest(view: memoryview) -> bytes:
        h = new_hasher()
        h.update(view)
        return h.digest()

    file_hasher = new_hasher()
    file_hasher.update(data[:reader.stream_start])  # header (CipherLen zeroed) and KEM ciphertext when encrypted
    segment_hasher = None
    segment_start_index = 0
    segment_no = 0
    chain = _ChainCheck(digest, digest(reader.header_bytes), report)
    try:
        for rec in records:
            if rec.segment == -1:
                break
            if encrypted:
                # PrevHash is zero and not chained (V11-C16); hash the plaintext in flat-memory pieces
                running = file_hasher if rec.segment == 0 and rec.block_type != eoc_type else (
                    segment_hasher if rec.segment > 0 and rec.block_type != eox_type else None)
                if running is not None:
                    for piece in data.iter_range(rec.offset, rec.end):
                        running.update(piece)
            else:
                view = data[rec.offset:rec.end]
                chain.add(rec, view)
                if rec.segment == 0 and rec.block_type != eoc_type:
                    file_hasher.update(view)
                elif rec.segment > 0 and rec.block_type != eox_type:
                    assert segment_hasher is not None
                    segment_hasher.update(view)
            if rec.block_type == eoc_type and rec.segment == 0:
                chain.settle()  # the report lists the chain's findings before the End-of-Capture's
                _check_eoc(reader, rec, file_hasher.digest(), report)
                segment_hasher = new_hasher()
                segment_start_index = rec.index + 1
            elif rec.block_type == eox_type and rec.segment > 0:
                segment_no += 1
                assert segment_hasher is not None
                chain.settle()
                report.segments.append(_check_segment(reader, rec, segment_hasher.digest(),
                                                      rec.index - segment_start_index + 1, segment_no, report))
                segment_hasher = new_hasher()
                segment_start_index = rec.index + 1
        chain.settle()
    finally:
        chain.close()
    chain_ok = chain.ok
    report.chain = "not-checked" if encrypted else ("ok" if chain_ok else "broken")
    last_end = max((r.end for r in records if r.segment != -1), default=reader.stream_start)
    report.trailing_bytes = reader.size - last_end
    if report.trailing_bytes:
        report.problems.append(f"{report.trailing_bytes} bytes after offset 0x{last_end:X} are trailing data, "
                               "not part of any verified segment [rule V11-C14]")
    if encrypted:  # after the tag: sealed segments, then trailing data
        from memslice.crypto.sealed import check_sealed

        check_sealed(reader, report)
    if eoc is None:
        report.problems.append("no End-of-Capture block: the capture may be incomplete [rule PS1]")
    return report


class _ChainCheck:
    """Check every block's PrevHash against the hash of the block before it (rule P4).

    The block hashes are independent of one another, so the large ones run on a worker thread
    in order, while the caller hashes the same bytes into the FileHash: up to
    :data:`_CHAIN_AHEAD` blocks are compared late, in order, so neither thread waits for the
    other block by block.

    Args:
        digest: Hashes one block's bytes.
        first: The hash of the file header (block 0's expected PrevHash).
        report: Where mismatches are recorded.
    """

    def __init__(self, digest: Callable[[memoryview], bytes], first: bytes, report: VerifyReport) -> None:
        self._digest = digest
        self._report = report
        self._expected: Future[bytes] | bytes = first
        self._waiting: deque[tuple[BlockRecord, Future[bytes] | bytes]] = deque()
        self._pool: ThreadPoolExecutor | None = None
        self.ok = True

    def add(self, rec: BlockRecord, view: memoryview) -> None:
        """Block ``rec`` (its bytes ``view``) is next in the chain."""
        self._waiting.append((rec, self._expected))
        if len(view) >= PARALLEL_HASH_BYTES:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="msl-chain-hash")
            self._expected = self._pool.submit(self._digest, view)
        else:
            self._expected = self._digest(view)
        while len(self._waiting) > _CHAIN_AHEAD:
            self._compare(*self._waiting.popleft())

    def settle(self) -> None:
        """Compare every block added so far."""
        while self._waiting:
            self._compare(*self._waiting.popleft())

    def close(self) -> None:
        """Stop the worker (after the hashes in flight)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def _compare(self, rec: BlockRecord, expected: Future[bytes] | bytes) -> None:
        want = expected.result() if isinstance(expected, Future) else expected
        if bytes(rec.header.prev_hash) == want:
            return
        self.ok = False
        report = self._report
        report.bad_blocks.append(rec.index)
        if report.first_bad_block is None:
            report.first_bad_block = rec.index
            what = "the header" if rec.index == 0 else f"block {rec.index - 1}"
            zero = " (it is all zero: an unchained legacy header)" if not any(rec.header.prev_hash) else ""
            report.problems.append(
                f"block {rec.index} at offset 0x{rec.offset:X}: PrevHash does not match the hash of "
                f"{what}{zero} [rule P4]")


def _as_record(rec: object) -> BlockRecord:
    from memslice.reader import BlockRecord

    assert isinstance(rec, BlockRecord)
    return rec


def _check_eoc(reader: MslReader, rec: object, file_digest: bytes, report: VerifyReport) -> None:
    rec = _as_record(rec)
    try:
        payload = reader.decode(rec).payload
    except MslError as exc:
        report.file_hash = "mismatch"
        report.problems.append(f"End-of-Capture does not decode: {exc}")
        return
    if payload is None:
        report.problems.append("End-of-Capture payload skipped (unknown payload version)")
        return
    if bytes(payload.file_hash) == file_digest:
        report.file_hash = "ok"
    else:
        report.file_hash = "mismatch"
        report.problems.append(f"End-of-Capture at offset 0x{rec.offset:X}: FileHash does not match the hash of "
                               f"bytes 0..0x{rec.offset:X} [rule CS2]")
    parsed = rec.index + 1
    from memslice.generated.dialects import VERSIONS

    counts = [("header", reader.header.block_count)] if reader.version >= VERSIONS["1.1"] else []  # reserved in 1.0
    eoc_count = getattr(payload, "block_count", None)
    if eoc_count is not None and reader.dialect != "spec-1.0":
        counts.append(("End-of-Capture", eoc_count))
    checked = [(name, n) for name, n in counts if n]
    if checked:
        report.block_count = "ok"
        for name, n in checked:
            if n != parsed:
                report.block_count = "mismatch"
                report.problems.append(f"{name} BlockCount is {n} but the capture segment has {parsed} blocks "
                                       "[rule V11-C13]")


def _check_segment(reader: MslReader, rec: object, seg_digest: bytes, blocks: int, number: int,
                   report: VerifyReport) -> SegmentReport:
    rec = _as_record(rec)
    payload = reader.decode(rec).payload
    seg = SegmentReport(number, blocks, "mismatch", "mismatch")
    if payload is not None and bytes(payload.segment_hash) == seg_digest:
        seg.segment_hash = "ok"
    else:
        report.problems.append(f"extension segment {number}: SegmentHash does not match [rule V11-P34]")
    if payload is not None and payload.block_count == blocks:
        seg.block_count = "ok"
    else:
        report.problems.append(f"extension segment {number}: BlockCount differs from its {blocks} blocks "
                               "[rule V11-P34]")
    return seg
