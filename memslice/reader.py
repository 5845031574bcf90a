"""``MslReader``: a lazy, mmap-backed reader of Memory Slice files.

Opening a file reads the header only; the block list is built from the 80-byte block
headers on first use; payloads are decoded (and inflated) one at a time on request, so a
multi-gigabyte capture opens at once and memory stays flat. A compressed payload's declared
size is checked against what its block can hold and against the caller's ``inflate_budget``
before anything is inflated; :meth:`MslReader.read` inflates only the head of each Memory
Region (to learn where it lies) and streams just the bytes asked for. Every fault is an
:class:`~memslice.errors.MslError` that names the offset, the block and the rule; the
blocks before a fault stay available.
"""

from __future__ import annotations

import dataclasses
import functools
import mmap
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from memslice.compression import (
    DEFAULT_INFLATE_BUDGET,
    Inflater,
    check_budget,
    declared_size,
    decompress_payload,
    is_legacy_framing,
)
from memslice.errors import (
    BadMagicError,
    CompressionError,
    FormatError,
    HeaderError,
    MslError,
    PayloadError,
    TruncatedError,
    UnsupportedError,
)
from memslice.generated import framing
from memslice.generated._support import ZERO_HASH, ZERO_UUID, pad8
from memslice.generated.dialects import (
    DEFAULT_WRITE,
    DIALECTS,
    KNOWN_VERSIONS,
    SIGNALS,
    VERSION_DIALECT,
    VERSIONS,
    Signal,
)
from memslice.generated.enums import (
    BLOCK_FLAGS_COMP_ALGO_SHIFT,
    BlockFlags,
    BlockType,
    Endianness,
    HeaderFlags,
    PageState,
)
from memslice.generated.registry import block_id, layout_for, module_for
from memslice.layout_probe import field_span, fixed_head_size
from memslice.pages import STATE_NAMES as PAGE_STATE_NAMES
from memslice.pages import state_string

_BLOCK_HEADER_SIZE = framing.BLOCK_HEADER_SIZE
_END_OF_CAPTURE = BlockType.END_OF_CAPTURE
_END_OF_EXTENSION = BlockType.END_OF_EXTENSION
_MEMORY_REGION = BlockType.MEMORY_REGION
_COMPRESSED_BIT = int(BlockFlags.COMPRESSED)
_COMP_ALGO_BITS = int(BlockFlags.COMP_ALGO)
"""Plain-int masks: ``int & IntFlag`` builds a flag object on every test of a block."""
_RUNS = re.compile(r"0+|1+|2+|3+")
_ADDRESS_SPACE = 1 << 64
_CHUNK = 1 << 20
_STATE_NAMES = PAGE_STATE_NAMES
_CAPTURED = str(int(PageState.CAPTURED))
_G0_VERSION = DIALECTS["g0"].versions[0]
_V11 = VERSIONS["1.1"]
_HEADER = {f.id: f for f in framing.FileHeader.FIELDS}
_ENDIAN_AT = _HEADER["endianness"].offset
_HEADER_SIZE_AT = _HEADER["header_size"].offset
_VERSION_AT = _HEADER["version"].offset
_BYTE_ORDER = {Endianness.LITTLE: "<", Endianness.BIG: ">"}
_VERSION_REASONS = {"g0": f"Version reads 0x{DIALECTS['g0'].versions[0]:04X} (bytes 01 00): pre-1.0 draft layout"}
"""What ``dialect_reasons`` says of a dialect its Version alone selects (default: ``Version 0x....``)."""
_BLOCK_SIGNALS = frozenset({"legacy_compression", "unpadded_payload", "payload_size", "tail_absent"})
"""Signal kinds shown by one block (the first such block is enough)."""


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
        return bool(self.header.flags & _COMPRESSED_BIT)

    @property
    def comp_algo(self) -> int:
        """CompAlgo bits (meaningful only when compressed, rule C9)."""
        return (self.header.flags & _COMP_ALGO_BITS) >> BLOCK_FLAGS_COMP_ALGO_SHIFT


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
        payload: The decoded Memory Region payload (its PageData may be left empty and
            fetched by :meth:`captured_data` on demand).
        states: One digit (0-3) per page.
        source: The reader the PageData is fetched from, or None when ``payload`` holds it.
    """

    record: BlockRecord
    payload: Any
    states: str = field(repr=False)
    source: MslReader | None = field(default=None, repr=False, compare=False)

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
        """The PageData bytes (Captured pages only, in page order).

        For a compressed block this inflates the whole block (within the reader's budget).
        """
        if self.source is not None:
            return self.source.page_data(self.record)
        return memoryview(self.payload.page_data)


@dataclass(frozen=True)
class _RegionInfo:
    """Where a Memory Region lies, known without inflating its PageData.

    Attributes:
        base: BaseAddr.
        num_pages: Pages with a state.
        page_size: Bytes per page.
        data_offset: Offset of PageData in the (inflated) payload.
        data_length: Bytes of PageData the payload holds or declares.
    """

    base: int
    num_pages: int
    page_size: int
    data_offset: int
    data_length: int

    @property
    def end(self) -> int:
        """Address just past the last whole page."""
        return self.base + self.num_pages * self.page_size


@functools.cache
def _head_geometry(layout: Any) -> tuple[int, int, int]:
    """(fixed head size, RegionSize offset, RegionSize width) of a Memory Region layout."""
    at, width = field_span(layout, "region_size")
    return fixed_head_size(layout), at, width


def _endian_of(byte: int) -> str:
    order = _BYTE_ORDER.get(byte)  # type: ignore[call-overload]
    if order is None:
        raise HeaderError(f"Endianness byte is 0x{byte:02X}, not 0x01 or 0x02", offset=_ENDIAN_AT, rule="C1")
    return order


def _block_title(block_type: int) -> str:
    """The title of a block type (``Related Dump``)."""
    name = block_id(block_type, "*")
    return module_for(name).TITLE if name else f"block 0x{block_type:04X}"


class MslReader:
    """Read a Memory Slice file.

    Args:
        source: A path, or the file's bytes.
        dialect: ``auto`` (detect), or a dialect id from ``spec/dialects.yaml`` to force.
        inflate_budget: Most bytes one compressed payload may declare; a larger block is
            refused with :class:`~memslice.errors.LimitError` before anything is inflated
            (default :data:`~memslice.compression.DEFAULT_INFLATE_BUDGET`, 1 GiB).
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
                 inflate_budget: int = DEFAULT_INFLATE_BUDGET,
                 passphrase: str | bytes | None = None, key: bytes | None = None, identity: bytes | None = None,
                 kdf_limits: Any = None) -> None:
        self.inflate_budget = inflate_budget
        self._declared: dict[int, int | None] = {}
        self._region_info: dict[int, _RegionInfo] = {}
        self._inflated: tuple[int, memoryview] | None = None
        self._stream: tuple[int, Inflater] | None = None
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
        self._stream = None  # an open zstd stream reads from the mapping
        self._inflated = None
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
        magic_len = len(framing.FILE_MAGIC)
        plain, encrypted = framing.HEADER_SIZE_PLAIN, framing.HEADER_SIZE_ENCRYPTED
        if self.size < _VERSION_AT:
            if bytes(view[: min(magic_len, self.size)]) != framing.FILE_MAGIC[: min(magic_len, self.size)]:
                raise BadMagicError("file does not start with MEMSLICE", offset=0, rule="C1")
            raise TruncatedError(f"file of {self.size} bytes ends inside the {plain}-byte header", offset=self.size,
                                 rule="C2")
        if bytes(view[:magic_len]) != framing.FILE_MAGIC:
            raise BadMagicError(f"file magic is {bytes(view[:magic_len])!r}, not b'MEMSLICE'", offset=0, rule="C1")
        self.endian = _endian_of(view[_ENDIAN_AT])
        header_size = view[_HEADER_SIZE_AT]
        if header_size < plain:
            raise HeaderError(f"HeaderSize is {header_size}, smaller than the {plain}-byte header",
                              offset=_HEADER_SIZE_AT, rule="B-3-header-size")
        if self.size < plain:
            raise TruncatedError(f"file of {self.size} bytes ends inside the {plain}-byte header", offset=self.size,
                                 rule="C2")
        try:
            self.header = framing.FileHeader.decode(view[:plain], self.endian)
        except MslError as exc:
            raise exc.located(offset=0) from None
        self.header_size = header_size
        version = self.header.version
        known_version = version in KNOWN_VERSIONS
        supported_major = (version >> framing.VERSION_MAJOR_SHIFT) == framing.SUPPORTED_MAJOR
        if header_size not in (plain, encrypted) and supported_major:
            # spec 3.2: an unknown minor of a known major may be parsed, always locating block 0
            # through HeaderSize (rule C2); a known version has exactly 64 or 128 bytes
            if known_version:
                raise HeaderError(f"HeaderSize is {header_size}, not {plain} (or {encrypted} when encrypted)",
                                  offset=_HEADER_SIZE_AT, rule="B-3-header-size")
            if self.size < header_size:
                raise TruncatedError(f"file of {self.size} bytes ends inside the {header_size}-byte header",
                                     offset=self.size, rule="C2")
            self.warnings.append(f"HeaderSize {header_size} of unknown version 0x{version:04X}: block 0 starts at "
                                 f"{header_size} (rule C2)")
        # Flags bits 1-31 are reserved in 1.0 (C5): the Encrypted bit means something from 1.1 on
        self.encrypted = bool(self.header.flags & HeaderFlags.ENCRYPTED) and version >= _V11
        self.encryption: framing.EncryptionHeader | None = None
        if self.encrypted and header_size != encrypted:
            raise HeaderError(f"Encrypted flag set but HeaderSize is not {encrypted}", offset=_HEADER_SIZE_AT,
                              rule="V11-C15")
        if header_size == encrypted:
            if self.size < encrypted:
                raise TruncatedError(f"file of {self.size} bytes ends inside the {encrypted}-byte header",
                                     offset=self.size, rule="C2")
            self.encryption = framing.EncryptionHeader.decode(view[plain:encrypted], self.endian)
        version = self.header.version
        self.version = version
        if version == _G0_VERSION or supported_major:
            if version not in KNOWN_VERSIONS:
                self.warnings.append(f"unknown minor version 0x{version:04X}; parsed as 1.1 (spec 3.2)")
        else:
            raise HeaderError(f"unknown major version 0x{version:04X}", offset=_VERSION_AT, rule="B-3.2-major")

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

    def _inflates(self, record: BlockRecord) -> bool:
        return record.compressed and self.dialect != "g0"

    def _legacy(self) -> bool:
        return self.dialect == "memdiver-1.0.2"

    def declared_size(self, record: BlockRecord) -> int:
        """The payload's size once inflated, as its framing declares it (nothing is inflated).

        Raises:
            CompressionError: The framing's size claims are broken or disagree (V11-C20).
            LimitError: A compressed payload declares more than ``inflate_budget``.
        """
        size = self._claimed(record)
        try:
            return check_budget(size, self.inflate_budget)
        except MslError as exc:
            raise exc.located(offset=record.payload_offset, block_index=record.index) from None

    def _claimed(self, record: BlockRecord) -> int | None:
        """The declared inflated size, its framing checked but not the budget (None: undeclared)."""
        if not self._inflates(record):
            return record.length - _BLOCK_HEADER_SIZE
        if record.index not in self._declared:
            try:
                self._declared[record.index] = declared_size(self.raw_payload(record), record.comp_algo,
                                                             self.endian, legacy=self._legacy())
            except MslError as exc:
                raise exc.located(offset=record.payload_offset, block_index=record.index) from None
        return self._declared[record.index]

    def _inflater(self, record: BlockRecord, *, budgeted: bool = True) -> Inflater:
        size = self.declared_size(record) if budgeted else self._claimed(record)
        if size is None:
            size = self.inflate_budget
        return Inflater(self.raw_payload(record), record.comp_algo, self.endian, size, legacy=self._legacy())

    def payload_bytes(self, record: BlockRecord) -> memoryview:
        """The block's payload, inflated when compressed (rule C9 honoured).

        A compressed payload is inflated whole, after its declared size was checked against
        ``inflate_budget``; the last one inflated is kept (one block at most).

        Raises:
            CompressionError: The compressed framing is broken.
            LimitError: The payload declares more than ``inflate_budget``.
        """
        raw = self.raw_payload(record)
        if not self._inflates(record):
            return raw
        if self._inflated is not None and self._inflated[0] == record.index:
            return self._inflated[1]
        self._inflated = None
        self.declared_size(record)
        try:
            data = memoryview(decompress_payload(raw, record.comp_algo, self.endian, legacy=self._legacy(),
                                                 budget=self.inflate_budget))
        except MslError as exc:
            raise exc.located(offset=record.payload_offset, block_index=record.index) from None
        self._inflated = (record.index, data)
        return data

    def payload_prefix(self, record: BlockRecord, size: int) -> bytes:
        """The first ``size`` bytes of the (inflated) payload, inflating no more than that.

        Raises:
            CompressionError: The payload is shorter once inflated, or its framing is broken.
        """
        if not self._inflates(record):
            return bytes(self.raw_payload(record)[:size])
        try:
            return self._inflater(record).read(min(size, self.declared_size(record)))
        except MslError as exc:
            # a stream that does not inflate to its UncompressedSize breaks V11-C20
            raise type(exc)(exc.message, offset=record.payload_offset + (exc.offset or 0), block_index=record.index,
                            rule=exc.rule or ("V11-C20" if isinstance(exc, CompressionError) else None)) from None

    # -- dialect --------------------------------------------------------------------
    @property
    def dialect(self) -> str:
        """The dialect used to pick payload layouts (detected unless forced)."""
        if self._dialect is None:
            self._dialect = self._detect_dialect()
        return self._dialect

    def _detect_dialect(self) -> str:
        """Pick the dialect from the Version and the signals of spec/dialects.yaml (``SIGNALS``)."""
        reasons = self.dialect_reasons
        only = [d.id for d in DIALECTS.values() if self.version in d.versions]
        if len(only) == 1:
            reasons.append(_VERSION_REASONS.get(only[0], f"Version 0x{self.version:04X}"))
            return only[0]
        records = self.blocks
        for dialect, signals in SIGNALS.items():
            for sig in signals:
                if sig.kind == "every_payload_version" and records and all(
                        r.header.payload_version == sig.value for r in records):
                    reasons.append(f"Version 0x{self.version:04X} but every block has PayloadVersion {sig.value}: a "
                                   "pre-1.0 draft file whose version bytes were edited (draft blocks keep a reserved "
                                   "u32 there)")
                    return dialect
        for dialect, signals in SIGNALS.items():
            found = self._file_signals(dialect, signals, records)
            if any(alone for alone, _ in found):
                reasons += [text for alone, text in found if alone] + [text for alone, text in found if not alone]
                return dialect
        dialect = VERSION_DIALECT.get(self.version, DEFAULT_WRITE)
        reasons.append(f"Version 0x{self.version:04X} with no memdiver signal")
        return dialect

    def _file_signals(self, dialect: str, signals: tuple[Signal, ...],
                      records: list[BlockRecord]) -> list[tuple[bool, str]]:
        """(selects the dialect alone, reason) of every file-wide signal seen and the first block signal."""
        found: list[tuple[bool, str]] = []
        for sig in signals:
            if sig.kind == "header_block_count_set" and self.header.block_count:
                # allowed in 1.1 (V11-C13): supporting evidence only, never a signal alone
                found.append((sig.alone, f"header BlockCount {self.header.block_count} is set (memslicer writes 0)"))
            elif sig.kind == "block0_prev_hash_zero" and records and not self.encrypted \
                    and bytes(records[0].header.prev_hash) == ZERO_HASH:
                found.append((sig.alone, "block 0 PrevHash is all zero (pre-1.1 MemDiver)"))
        per_block = [sig for sig in signals if sig.kind in _BLOCK_SIGNALS]
        for rec in records:
            for sig in per_block:
                text = self._block_signal(dialect, sig, rec)
                if text:
                    found.append((sig.alone, text))
                    return found
        return found

    def _block_signal(self, dialect: str, sig: Signal, rec: BlockRecord) -> str | None:
        """The reason a block shows ``sig``, or None."""
        payload_len = rec.length - _BLOCK_HEADER_SIZE
        if sig.kind == "legacy_compression":
            head = self._view[rec.payload_offset:min(rec.end, rec.payload_offset + 12)]
            if rec.compressed and is_legacy_framing(head):
                return f"block {rec.index} uses MemDiver's legacy compression framing"
            return None
        if rec.compressed:
            return None  # the other signals look at stored (uncompressed) payloads
        if sig.kind == "unpadded_payload" and payload_len % framing.ALIGNMENT:
            return f"block {rec.index} payload of {payload_len} bytes is not padded to {framing.ALIGNMENT}"
        if rec.block_type != sig.block_type:
            return None
        if sig.kind == "payload_size" and payload_len == sig.size:
            return f"block {rec.index} is a {sig.size}-byte {_block_title(rec.block_type)}"
        if sig.kind == "tail_absent" and self._tail_absent(dialect, rec):
            return f"block {rec.index} Module Entry ends after DiskHash (no NativeBlob)"
        return None

    def _tail_absent(self, dialect: str, rec: BlockRecord) -> bool:
        """The payload decodes with the dialect's layout and ends exactly before the optional tail."""
        layout = layout_for(rec.block_type, dialect, 1)
        if layout is None:
            return False
        payload = memoryview(self._view[rec.payload_offset:rec.end])
        try:
            obj, pos = layout.decode_at(payload, 0, len(payload), self.endian)
        except MslError:
            return False
        return pos == len(payload) and getattr(obj, layout.FIELDS[-1].id) is None

    # -- payloads -------------------------------------------------------------------
    def decode(self, record: BlockRecord, *, page_data: bool = True) -> DecodedBlock:
        """Decode one block's payload with the layout of the file's dialect.

        Unknown block types (C3) and unknown payload versions (C7) are skipped, not errors.

        Args:
            record: The block.
            page_data: For a Memory Region, False decodes the head and page-state map only
                (PageData left empty; fetch it with :meth:`page_data` or
                :meth:`iter_page_data`): its length is checked against the states from the
                declared size, and nothing past the map is inflated.

        Raises:
            PayloadError: The payload does not decode (located by offset and block).
            FormatError: A Memory Region's end wraps past 2^64 (rule B-5.1-address-range).
            CompressionError: The compressed framing is broken.
            LimitError: A compressed payload declares more than ``inflate_budget``.
        """
        bid = block_id(record.block_type, self.dialect)
        if bid is None:
            return DecodedBlock(record, None, None, "unknown-type")
        version = record.header.payload_version
        layout = layout_for(record.block_type, self.dialect, version)
        if layout is None:
            known = any(layout_for(record.block_type, self.dialect, v) for v in range(0, 4))
            return DecodedBlock(record, bid, None, "unknown-payload-version" if known else "no-layout")
        if record.block_type == _MEMORY_REGION:
            payload = self._region_head(record, layout)
            if page_data:
                payload.page_data = self.page_data(record)
            return DecodedBlock(record, bid, payload)
        data = self.payload_bytes(record)
        try:
            payload, used = layout.decode_at(data, 0, len(data), self.endian)
        except MslError as exc:
            base = record.payload_offset if not record.compressed else None
            err = exc.located(offset=base, block_index=record.index)
            err.message = f"{bid} payload: {err.message}"
            # a payload that runs out of bytes: its BlockLength does not cover the layout
            rule = err.rule or ("B-4.1-block-length" if isinstance(exc, TruncatedError) else None)
            raise type(err)(err.message, offset=err.offset, block_index=err.block_index, rule=rule) from None
        rest = bytes(data[used:])
        if rest.strip(b"\0"):
            self.warnings.append(
                f"block {record.index} ({bid}): {len(rest)} bytes after the payload fields are not zero padding")
        return DecodedBlock(record, bid, payload)

    def _region_head(self, record: BlockRecord, layout: Any) -> Any:
        """Decode a Memory Region's fixed fields and page-state map, leaving PageData empty.

        For a compressed block the declared size is first checked against what a region of
        that many pages can hold, then only the head and the map are inflated.

        Raises:
            PayloadError: The head does not decode, or PageData's size does not fit the page
                states (rule B-5.1-page-data).
            FormatError: The region's end wraps past 2^64 (rule B-5.1-address-range).
        """
        try:
            if not self._inflates(record) or self._claimed(record) is None:
                # plain, or a legacy LZ4 frame that declares no size: whole, within the budget
                raw = self.payload_bytes(record)
                payload, _ = layout.decode_at(raw, 0, len(raw), self.endian)
                data_length = len(payload.page_data)
                data_offset = len(raw) - data_length
            else:
                payload, data_offset, data_length = self._inflate_region_head(record, layout)
        except MslError as exc:
            base = record.payload_offset if not record.compressed else None
            err = exc.located(offset=base, block_index=record.index)
            if exc.block_index is None:
                err.message = f"memory_region payload: {err.message}"
            raise type(err)(err.message, offset=err.offset, block_index=err.block_index, rule=err.rule) from None
        payload.page_data = b""
        page_size = int(payload.page_size)
        num_pages = int(payload.num_pages)
        base = int(payload.base_addr)
        at = record.payload_offset
        if base + int(payload.region_size) > _ADDRESS_SPACE or base + num_pages * page_size > _ADDRESS_SPACE:
            raise FormatError(f"memory_region: BaseAddr 0x{base:X} + RegionSize 0x{int(payload.region_size):X} runs "
                              "past the end of the 64-bit address space", offset=at, block_index=record.index,
                              rule="B-5.1-address-range")
        if payload.region_size % page_size:
            self.warnings.append(f"block {record.index}: RegionSize is not a multiple of the page size "
                                 "[rule B-5.1-region-size]")
        captured = state_string(payload.page_state_map, num_pages).count(_CAPTURED)
        if data_length != captured * page_size:
            if self._inflates(record):
                # is it the size claim that lies (V11-C20)? streamed, nothing kept
                try:
                    self._inflater(record).finish()
                except MslError as exc:
                    raise exc.located(offset=record.payload_offset, block_index=record.index) from None
            raise PayloadError(
                f"memory_region: {captured} Captured pages need {captured * page_size} bytes of PageData "
                f"but the payload {'declares' if self._inflates(record) else 'holds'} {data_length}", offset=at,
                block_index=record.index, rule="B-5.1-page-data")
        self._region_info[record.index] = _RegionInfo(base, num_pages, page_size, data_offset, data_length)
        return payload

    def _inflate_region_head(self, record: BlockRecord, layout: Any) -> tuple[Any, int, int]:
        """Head and map of a compressed Memory Region: (payload, PageData offset, declared PageData size)."""
        claimed = self._claimed(record)
        # the budget bounds what a frame without a declared size may inflate to
        declared = self.inflate_budget if claimed is None else claimed
        head_size, at, width = _head_geometry(layout)
        if declared < head_size:
            raise TruncatedError(f"payload declares {declared} bytes, fewer than the {head_size}-byte head",
                                 offset=record.payload_offset, rule="B-5.1-page-data")
        inflater = self._inflater(record, budgeted=False)
        head = inflater.read(head_size)
        region_size = int.from_bytes(head[at:at + width], "little" if self.endian == "<" else "big")
        # the fixed fields alone (their own checks, e.g. C10) with a zero-page RegionSize
        fixed, _ = layout.decode_at(memoryview(head[:at] + bytes(width) + head[at + width:]), 0, head_size,
                                    self.endian)
        sized = dataclasses.replace(fixed, region_size=region_size)
        num_pages, page_size = int(sized.num_pages), int(sized.page_size)
        map_size = pad8((num_pages + 3) // 4)
        capacity = head_size + map_size + num_pages * page_size
        at_size = record.payload_offset  # where UncompressedSize is
        if declared > capacity:
            raise CompressionError(f"compressed payload declares {declared} bytes, more than a region of {num_pages} "
                               f"pages of {page_size} bytes can hold ({capacity})",
                               offset=at_size, rule="B-5.1-page-data")
        if declared < head_size + map_size:
            raise PayloadError(f"compressed payload declares {declared} bytes, fewer than the head and the "
                               f"{map_size}-byte page-state map of {num_pages} pages",
                               offset=at_size, rule="B-5.1-page-data")
        if int(fixed.base_addr) + region_size > _ADDRESS_SPACE:
            raise FormatError(f"BaseAddr 0x{int(fixed.base_addr):X} + RegionSize 0x{region_size:X} runs past "
                              "the end of the 64-bit address space", offset=at_size, rule="B-5.1-address-range")
        self.declared_size(record)  # the budget, after the checks that name a rule
        body = head + inflater.read(map_size)
        payload, _ = layout.decode_at(memoryview(body), 0, len(body), self.endian)
        self._stream = (record.index, inflater)
        return payload, len(body), declared - len(body)

    def region_info(self, record: BlockRecord) -> _RegionInfo | None:
        """Where a Memory Region lies (decoded once, cached; nothing past the map inflated).

        Returns:
            None for a block that is not a Memory Region of a known payload version.
        """
        info = self._region_info.get(record.index)
        if info is None and record.block_type == _MEMORY_REGION:
            decoded = self.decode(record, page_data=False)
            if decoded.payload is not None:
                info = self._region_info[record.index]
        return info

    def page_data(self, record: BlockRecord, start: int = 0, length: int | None = None) -> memoryview:
        """PageData bytes ``[start, start + length)`` of a Memory Region.

        Plain blocks are sliced from the mapping. zstd blocks are streamed: only bytes up to
        ``start + length`` are inflated, through a bounded buffer, and the stream is kept for
        a following forward read. An LZ4 block is inflated whole (the LZ4 block format
        cannot be streamed), within ``inflate_budget``; one such block is kept.

        Raises:
            ValueError: The range is outside the PageData.
            CompressionError: The block does not inflate as declared.
        """
        info = self.region_info(record)
        if info is None:
            raise ValueError(f"block {record.index} is not a decodable Memory Region")
        if length is None:
            length = info.data_length - start
        if start < 0 or length < 0 or start + length > info.data_length:
            raise ValueError(f"range +0x{start:X}..+0x{start + length:X} is outside the 0x{info.data_length:X} "
                             f"bytes of PageData of block {record.index}")
        at = info.data_offset + start
        if not self._inflates(record):
            return self.raw_payload(record)[at:at + length]
        whole = self._inflated is not None and self._inflated[0] == record.index
        if not whole and start == 0 and length == info.data_length:
            whole = True
        stream = self._stream[1] if self._stream is not None and self._stream[0] == record.index else None
        if stream is None or stream.position > at:
            stream = self._inflater(record)
        if whole or not stream.streaming:
            return self.payload_bytes(record)[at:at + length]
        try:
            stream.skip(at - stream.position)
            out = stream.read(length)
        except MslError as exc:
            raise exc.located(offset=record.payload_offset, block_index=record.index) from None
        self._stream = (record.index, stream)
        return memoryview(out)

    def iter_page_data(self, record: BlockRecord) -> Iterator[memoryview]:
        """A Memory Region's whole PageData in chunks of at most 1 MiB, memory flat whatever its size.

        The compressed stream is inflated to its end, so a payload that inflates to more or
        fewer bytes than declared raises once its chunks are consumed.

        Raises:
            CompressionError: The block does not inflate to its declared size (V11-C20).
        """
        info = self.region_info(record)
        if info is None:
            return
        if not self._inflates(record):
            raw = self.raw_payload(record)
            for pos in range(info.data_offset, info.data_offset + info.data_length, _CHUNK):
                yield raw[pos:min(pos + _CHUNK, info.data_offset + info.data_length)]
            return
        try:
            inflater = self._inflater(record)
            inflater.skip(info.data_offset)
            for piece in inflater.chunks(info.data_length):
                yield memoryview(piece)
            inflater.finish()
        except MslError as exc:
            raise exc.located(offset=record.payload_offset, block_index=record.index) from None

    def iter_blocks(self) -> Iterator[DecodedBlock]:
        """Decode every block in file order (stops with the first payload fault)."""
        for record in self.blocks:
            yield self.decode(record)

    def regions(self) -> Iterator[Region]:
        """Every Memory Region block in file order, head and page states decoded.

        PageData is fetched by :meth:`Region.captured_data` only when asked for.
        """
        for record in self.blocks:
            if record.block_type != _MEMORY_REGION:
                continue
            block = self.decode(record, page_data=False)
            if block.payload is None:
                continue
            p = block.payload
            yield Region(record, p, state_string(p.page_state_map, p.num_pages), self)

    def read(self, addr: int, size: int) -> list[Span]:
        """Reconstruct ``size`` bytes of the address space starting at ``addr``.

        Pages are taken from every Memory Region that covers them; each returned span
        says its state; only Captured pages carry bytes. Work is per run of equal states,
        not per page. Where each region lies is learnt from its head alone (cached); only
        the regions that overlap the range have their maps decoded, and only the bytes asked
        for are inflated (streamed), so memory does not grow with the regions' sizes.

        Args:
            addr: First virtual address.
            size: Number of bytes.

        Returns:
            Spans in address order covering the whole range.

        Raises:
            FormatError: A region's end wraps past 2^64 (rule B-5.1-address-range).
            LimitError: A compressed region declares more than ``inflate_budget``.
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
        overlapping: list[tuple[int, BlockRecord]] = []
        for record in self.blocks:
            info = self.region_info(record)
            if info is not None and info.end > addr and info.base < end:
                overlapping.append((info.base, record))
        overlapping.sort(key=lambda item: item[0])
        for _, record in overlapping:
            payload = self.decode(record, page_data=False).payload
            states = state_string(payload.page_state_map, payload.num_pages)
            base, ps = int(payload.base_addr), int(payload.page_size)
            # pages are whole: a RegionSize that is not a page multiple (a warning, rule
            # B-5.1-region-size) leaves its partial last page without a state
            region_end = base + len(states) * ps
            if region_end <= cursor or base >= end:
                continue
            if base > cursor:
                add(cursor, base - cursor, "absent", None)
                cursor = base
            first_page = (cursor - base) // ps
            captured_before = states.count(_CAPTURED, 0, first_page)
            for match in _RUNS.finditer(states, first_page):
                run_start = base + match.start() * ps
                if run_start >= end:
                    break
                run_end = min(end, base + match.end() * ps)
                state = int(match.group()[0])
                piece = None
                if state == PageState.CAPTURED:
                    offset = captured_before * ps + (cursor - run_start)
                    piece = self.page_data(record, offset, run_end - cursor)
                    captured_before += match.end() - match.start()
                add(cursor, run_end - cursor, _STATE_NAMES[state], piece)
                cursor = run_end
        if cursor < end:
            add(cursor, end - cursor, "absent", None)
        for span, parts in zip(spans, chunks, strict=True):
            if span.state == "captured":
                span.data = b"".join(parts)
        return spans

    def address_space(self, fill: int | None = None) -> Any:
        """A seekable, read-only binary file over the virtual address space (position = address).

        Reading a byte that was not captured raises
        :class:`~memslice.errors.NotCapturedError` unless ``fill`` (0-255) is given.
        The view's ``space`` attribute is the :class:`~memslice.address_space.AddressSpace`
        (page runs, captured extents, streaming).

        Args:
            fill: Byte for addresses that were not captured, or None to raise.

        Returns:
            An :class:`~memslice.address_space.AddressSpaceFile`.
        """
        from memslice.address_space import AddressSpace

        if fill is not None and not 0 <= fill <= 255:
            raise ValueError(f"fill byte {fill} is not in 0..255")
        return AddressSpace(self).open(fill)

    def uuid_index(self) -> dict[bytes, BlockRecord]:
        """BlockUUID -> block (spec section 10 step 5)."""
        return {bytes(r.header.block_uuid): r for r in self.blocks}

    def children(self) -> dict[bytes, list[BlockRecord]]:
        """ParentUUID -> blocks naming it (all-zero parents left out)."""
        out: dict[bytes, list[BlockRecord]] = {}
        for r in self.blocks:
            parent = bytes(r.header.parent_uuid)
            if parent != ZERO_UUID:
                out.setdefault(parent, []).append(r)
        return out

    def require_clean(self) -> None:
        """Raise the first structural fault found while listing blocks, if any."""
        _ = self.blocks
        if self.fault is not None:
            raise self.fault


__all__ = ["BlockRecord", "DecodedBlock", "MslReader", "Region", "Span", "FormatError", "UnsupportedError"]
