"""``MslReader``: a lazy, mmap-backed reader of Memory Slice files.

Opening a file reads the header only; the block list is built from the 80-byte block
headers on first use; payloads are decoded (and inflated) one at a time on request, so a
multi-gigabyte capture opens at once and memory stays flat. Every fault is an
:class:`~memslice.errors.MslError` that names the offset, the block and the rule; the
blocks before a fault stay available.
"""

from __future__ import annotations

import mmap
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memslice.compression import decompress_payload, is_legacy_framing
from memslice.errors import (
    BadMagicError,
    FormatError,
    HeaderError,
    MslError,
    PayloadError,
    TruncatedError,
    UnsupportedError,
)
from memslice.generated import framing
from memslice.generated.enums import BlockFlags, HeaderFlags
from memslice.generated.registry import block_id, layout_for
from memslice.pages import state_string

_BLOCK_HEADER_SIZE = framing.BLOCK_HEADER_SIZE
_END_OF_CAPTURE = 0x0FFF
_END_OF_EXTENSION = 0x0FFE
_MODULE_ENTRY = 0x0002
_RELATED_DUMP = 0x0041
_MEMORY_REGION = 0x0001
_RUNS = re.compile(r"0+|1+|2+|3+")
_STATE_NAMES = ("captured", "failed", "unmapped", "not_resident")


@dataclass
class BlockRecord:
    """Where one block sits and what its header says.

    Attributes:
        index: Position in file order (0 = block 0).
        offset: File offset of the block header.
        header: The decoded 80-byte block header.
        segment: 0 for the capture segment, n for the n-th extension segment, -1 for
            blocks after the last terminated segment (trailing data).
    """

    index: int
    offset: int
    header: framing.BlockHeader
    segment: int = 0

    @property
    def block_type(self) -> int:
        """BlockType code."""
        return self.header.block_type

    @property
    def length(self) -> int:
        """BlockLength (header and on-disk payload)."""
        return self.header.block_length

    @property
    def end(self) -> int:
        """File offset just past the block."""
        return self.offset + self.header.block_length

    @property
    def payload_offset(self) -> int:
        """File offset of the payload."""
        return self.offset + _BLOCK_HEADER_SIZE

    @property
    def compressed(self) -> bool:
        """The Compressed flag is set."""
        return bool(self.header.flags & BlockFlags.COMPRESSED)

    @property
    def comp_algo(self) -> int:
        """CompAlgo bits (meaningful only when compressed, rule C9)."""
        return (self.header.flags & BlockFlags.COMP_ALGO) >> 1


@dataclass
class DecodedBlock:
    """A block with its payload decoded, or the reason it was skipped.

    Attributes:
        record: Position and header.
        block_id: Block id in the file's dialect, or None for an unknown type.
        payload: The decoded payload object, or None when skipped.
        skipped: None, ``unknown-type``, ``unknown-payload-version`` or ``no-layout``.
    """

    record: BlockRecord
    block_id: str | None
    payload: Any | None
    skipped: str | None = None


@dataclass
class Span:
    """A run of pages returned by :meth:`MslReader.read`.

    Attributes:
        addr: First address of the run.
        length: Bytes covered.
        state: ``captured``, ``failed``, ``unmapped``, ``not_resident`` or ``absent``
            (no region covers it).
        data: The bytes for captured runs, else None (never invented zeros).
    """

    addr: int
    length: int
    state: str
    data: bytes | None = None


@dataclass
class Region:
    """A Memory Region block with its pages made accessible.

    Attributes:
        record: The block.
        payload: The decoded Memory Region payload.
        states: One digit (0-3) per page.
    """

    record: BlockRecord
    payload: Any
    states: str = field(repr=False)

    @property
    def base(self) -> int:
        """First address."""
        return int(self.payload.base_addr)

    @property
    def size(self) -> int:
        """RegionSize."""
        return int(self.payload.region_size)

    @property
    def page_size(self) -> int:
        """Bytes per page."""
        return int(self.payload.page_size)

    def captured_data(self) -> memoryview:
        """The PageData bytes (Captured pages only, in page order)."""
        return memoryview(self.payload.page_data)


def _endian_of(byte: int) -> str:
    if byte == 1:
        return "<"
    if byte == 2:
        return ">"
    raise HeaderError(f"Endianness byte is 0x{byte:02X}, not 0x01 or 0x02", offset=8, rule="C1")


class MslReader:
    """Read a Memory Slice file.

    Args:
        source: A path, or the file's bytes.
        dialect: ``auto`` (detect), or a dialect id from ``spec/dialects.yaml`` to force.
        passphrase: Opens an encrypted file whose KDF is Argon2id.
        key: The raw 32-byte content key of an encrypted file (KDFType none).
        identity: A recipient private key (memdiver's key file bytes) of an encrypted file with a KEM.
        kdf_limits: Caps on Argon2id parameters (:class:`memslice.crypto.kdf.KdfLimits`).

    An encrypted file opened with its secret reads exactly like a plain one: its tag is
    verified in one streaming pass before anything is decrypted, then ranges are decrypted
    on demand. Offsets are then those of the plaintext file (header with CipherLen zeroed,
    KEM ciphertext, block stream). Without a secret, the cleartext header is available and
    the block list is empty.

    Raises:
        BadMagicError: Not a Memory Slice file (rule C1).
        HeaderError: Bad Endianness, HeaderSize or version (C1, C2, B-3.2-major).
        TruncatedError: The file ends inside the header.
        CryptoError: An encrypted file cannot be opened with the secret given (subclasses say why).

    Example:
        >>> with MslReader("capture.msl") as msl:          # doctest: +SKIP
        ...     for block in msl.iter_blocks():
        ...         print(block.block_id, block.payload)
    """

    def __init__(self, source: str | os.PathLike[str] | bytes | bytearray, *, dialect: str = "auto",
                 passphrase: str | bytes | None = None, key: bytes | None = None, identity: bytes | None = None,
                 kdf_limits: Any = None) -> None:
        self._file = None
        self._mmap: mmap.mmap | None = None
        if isinstance(source, (bytes, bytearray)):
            self.path: Path | None = None
            self._view = memoryview(source)
        else:
            self.path = Path(source)
            self._file = open(self.path, "rb")  # noqa: SIM115 (closed in close())
            size = os.fstat(self._file.fileno()).st_size
            if size:
                self._mmap = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
                self._view = memoryview(self._mmap)
            else:
                self._view = memoryview(b"")
        self.size = len(self._view)
        self.file_size = self.size
        self.warnings: list[str] = []
        self.container: Any = None
        self.stream_start = 0
        self._file_view = self._view
        try:
            self._parse_header()
            self.stream_start = self.header_size
            if self.encrypted and any(v is not None for v in (passphrase, key, identity)):
                from memslice.crypto.reader_hook import open_plaintext

                self.container, self._view = open_plaintext(self, passphrase, key, identity, kdf_limits)
                self.size = len(self._view)
                self.stream_start = self.container.stream_start
        except BaseException:
            self.close()
            raise
        self._records: list[BlockRecord] | None = None
        self.fault: MslError | None = None
        self.stream_end: str = ""
        self.trailing_offset: int | None = None
        self._dialect_request = dialect
        self._dialect: str | None = None if dialect == "auto" else dialect
        self.dialect_reasons: list[str] = [] if dialect == "auto" else ["selected by the caller"]

    # -- lifetime -------------------------------------------------------------------
    def close(self) -> None:
        """Release the mapping and the file."""
        self._view.release()
        if self.container is not None:
            self.container.release()
        self._file_view.release()
        if self._mmap is not None:
            try:
                self._mmap.close()
            except BufferError:
                self.warnings.append("mapping still referenced by a payload view; kept open")
            self._mmap = None
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> MslReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- header ---------------------------------------------------------------------
    def _parse_header(self) -> None:
        view = self._view
        if self.size < 10:
            if bytes(view[: min(8, self.size)]) != framing.FILE_MAGIC[: min(8, self.size)]:
                raise BadMagicError("file does not start with MEMSLICE", offset=0, rule="C1")
            raise TruncatedError(f"file of {self.size} bytes ends inside the 64-byte header", offset=self.size)
        if bytes(view[:8]) != framing.FILE_MAGIC:
            raise BadMagicError(f"file magic is {bytes(view[:8])!r}, not b'MEMSLICE'", offset=0, rule="C1")
        self.endian = _endian_of(view[8])
        header_size = view[9]
        if header_size < framing.HEADER_SIZE_PLAIN:
            raise HeaderError(f"HeaderSize is {header_size}, smaller than the 64-byte header", offset=9,
                              rule="B-3-header-size")
        if self.size < 64:
            raise TruncatedError(f"file of {self.size} bytes ends inside the 64-byte header", offset=self.size)
        try:
            self.header = framing.FileHeader.decode(view[:64], self.endian)
        except MslError as exc:
            raise exc.located(offset=0) from None
        self.header_size = header_size
        version = self.header.version
        known_version = version in (0x0001, 0x0100, 0x0101)
        if header_size not in (framing.HEADER_SIZE_PLAIN, framing.HEADER_SIZE_ENCRYPTED) and (version >> 8) == 1:
            # spec 3.2: an unknown minor of a known major may be parsed, always locating block 0
            # through HeaderSize (rule C2); a known version has exactly 64 or 128 bytes
            if known_version:
                raise HeaderError(f"HeaderSize is {header_size}, not 64 (or 128 when encrypted)", offset=9,
                                  rule="B-3-header-size")
            if self.size < header_size:
                raise TruncatedError(f"file of {self.size} bytes ends inside the {header_size}-byte header",
                                     offset=self.size)
            self.warnings.append(f"HeaderSize {header_size} of unknown version 0x{version:04X}: block 0 starts at "
                                 f"{header_size} (rule C2)")
        self.encrypted = bool(self.header.flags & HeaderFlags.ENCRYPTED)
        self.encryption: framing.EncryptionHeader | None = None
        if self.encrypted and header_size != framing.HEADER_SIZE_ENCRYPTED:
            raise HeaderError("Encrypted flag set but HeaderSize is not 128", offset=9, rule="V11-C15")
        if header_size == framing.HEADER_SIZE_ENCRYPTED:
            if self.size < 128:
                raise TruncatedError(f"file of {self.size} bytes ends inside the 128-byte header", offset=self.size)
            self.encryption = framing.EncryptionHeader.decode(view[64:128], self.endian)
        version = self.header.version
        self.version = version
        if version == 0x0001 or (version >> 8) == 1:
            if version not in (0x0001, 0x0100, 0x0101):
                self.warnings.append(f"unknown minor version 0x{version:04X}; parsed as 1.1 (spec 3.2)")
        else:
            raise HeaderError(f"unknown major version 0x{version:04X}", offset=10, rule="B-3.2-major")

    @property
    def header_bytes(self) -> memoryview:
        """The header as on disk (HeaderSize bytes)."""
        return self._view[: self.header_size]

    @property
    def data(self) -> memoryview:
        """The whole file."""
        return self._view

    # -- blocks ---------------------------------------------------------------------
    @property
    def blocks(self) -> list[BlockRecord]:
        """Every block in file order (built from block headers on first use)."""
        if self._records is None:
            self._records = self._scan()
        return self._records

    def _scan(self) -> list[BlockRecord]:
        records: list[BlockRecord] = []
        view = self._view
        if self.encrypted and self.container is None:
            self.stream_end = "encrypted"
            assert self.encryption is not None
            self.trailing_offset = None
            return records
        pos = self.stream_start
        segment = 0
        while True:
            if self.size - pos < _BLOCK_HEADER_SIZE:
                self.stream_end = "end-of-file" if pos == self.size else "short-tail"
                break
            if bytes(view[pos:pos + 4]) != framing.BLOCK_MAGIC:
                self.stream_end = "no-block-magic"
                break
            index = len(records)
            try:
                header = framing.BlockHeader.decode(view[pos:pos + _BLOCK_HEADER_SIZE], self.endian)
            except MslError as exc:
                self.fault = exc.located(offset=pos, block_index=index)
                self.stream_end = "fault"
                break
            if header.block_length < _BLOCK_HEADER_SIZE:
                self.fault = FormatError(
                    f"BlockLength {header.block_length} is smaller than the 80-byte block header",
                    offset=pos + 8, block_index=index, rule="B-4.1-block-length")
                self.stream_end = "fault"
                break
            if header.block_length > self.size - pos:
                self.fault = TruncatedError(
                    f"BlockLength {header.block_length} runs past the end of the file "
                    f"({self.size - pos} bytes remain)", offset=pos + 8, block_index=index)
                self.stream_end = "truncated"
                break
            records.append(BlockRecord(index, pos, header, segment))
            pos += header.block_length
            if header.block_type == _END_OF_CAPTURE and segment == 0:
                segment = 1
            elif header.block_type == _END_OF_EXTENSION and segment > 0:
                segment += 1
        if segment > 0:
            # blocks after the last End-of-Extension belong to no closed segment
            last_closed = segment
            for rec in records:
                if rec.segment == last_closed:
                    rec.segment = -1
        if pos < self.size and self.stream_end != "fault":
            self.trailing_offset = pos
        return records

    @property
    def complete(self) -> bool:
        """True when the capture segment ends with an End-of-Capture block."""
        return any(r.block_type == _END_OF_CAPTURE for r in self.blocks)

    @property
    def eoc(self) -> BlockRecord | None:
        """The End-of-Capture block, if present."""
        for r in self.blocks:
            if r.block_type == _END_OF_CAPTURE and r.segment == 0:
                return r
        return None

    def raw_block(self, record: BlockRecord) -> memoryview:
        """The block's on-disk bytes (header and payload)."""
        return self._view[record.offset:record.end]

    def raw_payload(self, record: BlockRecord) -> memoryview:
        """The block's on-disk payload (compressed if so)."""
        return self._view[record.payload_offset:record.end]

    def payload_bytes(self, record: BlockRecord) -> memoryview:
        """The block's payload, inflated when compressed (rule C9 honoured).

        Raises:
            CompressionError: The compressed framing is broken.
        """
        raw = self.raw_payload(record)
        if not record.compressed or self.dialect == "g0":
            return raw
        try:
            return memoryview(decompress_payload(raw, record.comp_algo, self.endian,
                                                 legacy=self.dialect == "memdiver-1.0.2"))
        except MslError as exc:
            raise exc.located(offset=record.payload_offset, block_index=record.index) from None

    # -- dialect --------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        """The dialect used to pick payload layouts (detected unless forced)."""
        if self._dialect is None:
            self._dialect = self._detect_dialect()
        return self._dialect

    def _detect_dialect(self) -> str:
        reasons = self.dialect_reasons
        if self.version == 0x0001:
            reasons.append("Version reads 0x0001 (bytes 01 00): pre-1.0 draft layout")
            return "g0"
        if self.version == 0x0100:
            reasons.append("Version 0x0100")
            return "spec-1.0"
        records = self.blocks
        if records and all(r.header.payload_version == 0 for r in records):
            reasons.append(f"Version 0x{self.version:04X} but every block has PayloadVersion 0: a pre-1.0 draft "
                           "file whose version bytes were edited (draft blocks keep a reserved u32 there)")
            return "g0"
        signals = []
        if self.header.block_count:
            signals.append(f"header BlockCount {self.header.block_count} is set (memslicer writes 0)")
        if records and not self.encrypted and bytes(records[0].header.prev_hash) == bytes(32):
            signals.append("block 0 PrevHash is all zero (pre-1.1 MemDiver)")
        for rec in records:
            payload_len = rec.length - _BLOCK_HEADER_SIZE
            if rec.compressed:
                if is_legacy_framing(self._view[rec.payload_offset:min(rec.end, rec.payload_offset + 12)]):
                    signals.append(f"block {rec.index} uses MemDiver's legacy compression framing")
                    break
                continue
            if payload_len % 8:
                signals.append(f"block {rec.index} payload of {payload_len} bytes is not padded to 8")
                break
            if rec.block_type == _RELATED_DUMP and payload_len == 56:
                signals.append(f"block {rec.index} is a 56-byte Related Dump")
                break
            if rec.block_type == _MODULE_ENTRY and payload_len >= 0x18:
                at = rec.payload_offset + 0x10
                lp, lv = struct.unpack(self.endian + "HH", self._view[at:at + 4])
                if payload_len == 0x18 + ((lp + 7) & ~7) + ((lv + 7) & ~7) + 32:
                    signals.append(f"block {rec.index} Module Entry ends after DiskHash (no NativeBlob)")
                    break
        if signals:
            reasons += signals
            return "memdiver-1.0.2"
        reasons.append(f"Version 0x{self.version:04X} with no memdiver signal")
        return "spec-1.1"

    # -- payloads -------------------------------------------------------------------
    def decode(self, record: BlockRecord) -> DecodedBlock:
        """Decode one block's payload with the layout of the file's dialect.

        Unknown block types (C3) and unknown payload versions (C7) are skipped, not errors.

        Raises:
            PayloadError: The payload does not decode (located by offset and block).
            CompressionError: The compressed framing is broken.
        """
        bid = block_id(record.block_type, self.dialect)
        if bid is None:
            return DecodedBlock(record, None, None, "unknown-type")
        version = record.header.payload_version
        layout = layout_for(record.block_type, self.dialect, version)
        if layout is None:
            known = any(layout_for(record.block_type, self.dialect, v) for v in range(0, 4))
            return DecodedBlock(record, bid, None, "unknown-payload-version" if known else "no-layout")
        data = self.payload_bytes(record)
        try:
            payload, used = layout.decode_at(data, 0, len(data), self.endian)
        except MslError as exc:
            base = record.payload_offset if not record.compressed else None
            err = exc.located(offset=base, block_index=record.index)
            err.message = f"{bid} payload: {err.message}"
            raise type(err)(err.message, offset=err.offset, block_index=err.block_index, rule=err.rule) from None
        rest = bytes(data[used:])
        if rest.strip(b"\0"):
            self.warnings.append(
                f"block {record.index} ({bid}): {len(rest)} bytes after the payload fields are not zero padding")
        if record.block_type == _MEMORY_REGION:
            self._check_region(record, payload)
        return DecodedBlock(record, bid, payload)

    def _check_region(self, record: BlockRecord, payload: Any) -> None:
        page_size = payload.page_size
        num_pages = payload.num_pages
        if payload.region_size % page_size:
            self.warnings.append(f"block {record.index}: RegionSize is not a multiple of the page size "
                                 "[rule B-5.1-region-size]")
        states = state_string(payload.page_state_map, num_pages)
        captured = states.count("0")
        if len(payload.page_data) != captured * page_size:
            raise PayloadError(
                f"memory_region: {captured} Captured pages need {captured * page_size} bytes of PageData "
                f"but the payload holds {len(payload.page_data)}", offset=record.payload_offset,
                block_index=record.index, rule="B-5.1-page-data")

    def iter_blocks(self) -> Iterator[DecodedBlock]:
        """Decode every block in file order (stops with the first payload fault)."""
        for record in self.blocks:
            yield self.decode(record)

    def regions(self) -> Iterator[Region]:
        """Every Memory Region block, decoded, in file order."""
        for record in self.blocks:
            if record.block_type != _MEMORY_REGION:
                continue
            block = self.decode(record)
            if block.payload is None:
                continue
            p = block.payload
            yield Region(record, p, state_string(p.page_state_map, p.num_pages))

    def read(self, addr: int, size: int) -> list[Span]:
        """Reconstruct ``size`` bytes of the address space starting at ``addr``.

        Pages are taken from every Memory Region that covers them; each returned span
        says its state; only Captured pages carry bytes. Work is per run of equal states,
        not per page.

        Args:
            addr: First virtual address.
            size: Number of bytes.

        Returns:
            Spans in address order covering the whole range.
        """
        end = addr + size
        spans: list[Span] = []
        cursor = addr

        def add(start: int, length: int, state: str, data: memoryview | None) -> None:
            last = spans[-1] if spans else None
            if last is not None and last.state == state and last.addr + last.length == start:
                last.length += length
                if data is not None:
                    chunks[-1].append(data)
            else:
                spans.append(Span(start, length, state))
                chunks.append([] if data is None else [data])

        chunks: list[list[memoryview]] = []
        for region in sorted(self.regions(), key=lambda r: r.base):
            ps = region.page_size
            # pages are whole: a RegionSize that is not a page multiple (a warning, rule
            # B-5.1-region-size) leaves its partial last page without a state
            region_end = region.base + len(region.states) * ps
            if region_end <= cursor or region.base >= end:
                continue
            if region.base > cursor:
                add(cursor, region.base - cursor, "absent", None)
                cursor = region.base
            data = region.captured_data()
            first_page = (cursor - region.base) // ps
            captured_before = region.states.count("0", 0, first_page)
            for match in _RUNS.finditer(region.states, first_page):
                run_start = region.base + match.start() * ps
                if run_start >= end:
                    break
                run_end = min(end, region.base + match.end() * ps)
                state = int(match.group()[0])
                piece = None
                if state == 0:
                    offset = captured_before * ps + (cursor - run_start)
                    piece = data[offset:offset + run_end - cursor]
                    captured_before += match.end() - match.start()
                add(cursor, run_end - cursor, _STATE_NAMES[state], piece)
                cursor = run_end
        if cursor < end:
            add(cursor, end - cursor, "absent", None)
        for span, parts in zip(spans, chunks, strict=True):
            if span.state == "captured":
                span.data = b"".join(parts)
        return spans

    def uuid_index(self) -> dict[bytes, BlockRecord]:
        """BlockUUID -> block (spec section 10 step 5)."""
        return {bytes(r.header.block_uuid): r for r in self.blocks}

    def children(self) -> dict[bytes, list[BlockRecord]]:
        """ParentUUID -> blocks naming it (all-zero parents left out)."""
        out: dict[bytes, list[BlockRecord]] = {}
        for r in self.blocks:
            parent = bytes(r.header.parent_uuid)
            if parent != bytes(16):
                out.setdefault(parent, []).append(r)
        return out

    def require_clean(self) -> None:
        """Raise the first structural fault found while listing blocks, if any."""
        _ = self.blocks
        if self.fault is not None:
            raise self.fault


__all__ = ["BlockRecord", "DecodedBlock", "MslReader", "Region", "Span", "FormatError", "UnsupportedError"]
