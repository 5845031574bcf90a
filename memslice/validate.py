"""Producer validation: check one capture against the producer rules of ``spec/rules.yaml``.

``msl validate FILE`` answers "did the producer of this file follow the spec?": every
producer, acquirer and importer MUST/SHOULD of the public spec 1.0 section 12.1 and of the
1.1 rules that can be decided from the file alone. Each finding names its rule id, the block
index and the file offset. Where the spec states a requirement only from the consumer's
side (FileHash, BlockCount, trailing data), the finding cites that consumer rule: the file
is one that a conformant consumer must flag.

Payloads are decoded with the normative layouts of the file's Version (spec-1.0 for 0x0100,
spec-1.1 otherwise), whatever dialect a reader would detect: a memdiver- or draft-dialect
file is checked against the spec, not against its producer's habits.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from memslice.compression import DEFAULT_INFLATE_BUDGET, is_legacy_framing
from memslice.errors import LimitError, MslError
from memslice.generated import framing
from memslice.generated._support import ZERO_UUID
from memslice.generated.blocks import (
    end_of_capture,
    end_of_extension,
    import_provenance,
    memory_region,
    module_entry,
    module_list_index,
    process_identity,
    thread_context,
)
from memslice.generated.dialects import DEFAULT_WRITE, VERSION_DIALECTS, VERSIONS
from memslice.generated.enums import (
    CAP_BIT_BLOCKS,
    FLAG_BITS,
    FLAG_MASKS_SINCE,
    BlockFlags,
    CapBitmap,
    Endianness,
    HeaderFlags,
    KdfType,
    KeyEncap,
)
from memslice.generated.registry import BLOCKS, block_id, payload_versions
from memslice.generated.rules import RULES
from memslice.layout_probe import field_offset
from memslice.reader import BlockRecord, MslReader
from memslice.verify import verify

_HDR = framing.BLOCK_HEADER_SIZE
_NORMATIVE = {VERSIONS[v]: d for v, d in VERSION_DIALECTS.items()}
"""Header Version -> the dialect a producer of that version writes (spec/dialects.yaml)."""
_RESERVED_TYPES_11 = {entry.code for entry in BLOCKS.values() if entry.status == "reserved"}
_PRODUCER_OF_CONSUMER_RULE = {"C10": "P14", "C6": "B-4.3-no-type-zero"}
_HEADER_TO_PRODUCER = {"C1", "B-3.2-major"}
"""Consumer-side rules a header fault is reported under; for a producer it breaks P1."""


@dataclass(frozen=True)
class Finding:
    """One way the file breaks a producer rule.

    Attributes:
        rule: Rule id from ``spec/rules.yaml``.
        level: ``MUST`` or ``SHOULD`` (the rule's level).
        block: Block index, or None for the file header and the file as a whole.
        offset: File offset of the offending bytes, or None.
        message: What is wrong, with the values found.
    """

    rule: str
    level: str
    block: int | None
    offset: int | None
    message: str


@dataclass
class ValidationReport:
    """Outcome of :func:`validate`.

    Attributes:
        file: What was validated.
        version: Header Version, when the header could be read.
        validated_as: The normative dialect payloads were decoded with.
        detected_dialect: The dialect a reader detects (informative).
        findings: Every finding, in file order.
        notes: What could not be checked and why.
        header_only: Only the header was checked (an encrypted file without a key).
    """

    file: str
    version: int | None = None
    validated_as: str | None = None
    detected_dialect: str | None = None
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    header_only: bool = False

    def add(self, rule: str, block: int | None, offset: int | None, message: str) -> None:
        """Record a finding (the level comes from the rule)."""
        level = RULES[rule].level if rule in RULES else "MUST"
        self.findings.append(Finding(rule, level, block, offset, message))

    def failed(self, *, strict: bool = False) -> bool:
        """True when a MUST is broken (or, with ``strict``, any rule)."""
        return any(f.level == "MUST" or strict for f in self.findings)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``msl validate --json``)."""
        return {"file": self.file, "ok": not self.failed(),
                "version": None if self.version is None else f"0x{self.version:04x}",
                "validated_as": self.validated_as, "detected_dialect": self.detected_dialect,
                "counts": {"MUST": sum(f.level == "MUST" for f in self.findings),
                           "SHOULD": sum(f.level == "SHOULD" for f in self.findings)},
                "findings": [{"rule": f.rule, "level": f.level, "block": f.block,
                              "offset": None if f.offset is None else f"0x{f.offset:x}", "message": f.message}
                             for f in self.findings],
                "header_only": self.header_only, "notes": self.notes}


@cache
def _offsets() -> _At:
    return _At()


class _At:
    """Offsets of block-header and payload fields, taken from the generated layouts."""

    def __init__(self) -> None:
        bh = framing.BlockHeader
        self.block_type = field_offset(bh, "block_type")
        self.flags = field_offset(bh, "flags")
        self.payload_version = field_offset(bh, "payload_version")
        self.reserved = field_offset(bh, "reserved")
        self.block_uuid = field_offset(bh, "block_uuid")
        self.parent_uuid = field_offset(bh, "parent_uuid")
        self.prev_hash = field_offset(bh, "prev_hash")
        self.region_size = field_offset(memory_region.MemoryRegion, "region_size")
        self.eoc_block_count = field_offset(end_of_capture.EndOfCapture, "block_count")


def _is_v4(raw: bytes) -> bool:
    """A version-4 UUID of the RFC 4122 variant (rule B-1.4-uuid-v4)."""
    value = uuid.UUID(bytes=bytes(raw))
    return value.version == 4 and value.variant == uuid.RFC_4122


def _flag_mask(flag_set: str) -> int:
    mask = 0
    for _bit_id, bit, width, _enum in FLAG_BITS[flag_set]:
        mask |= ((1 << width) - 1) << bit
    return mask


def validate(source: str | Path | bytes, progress: Callable[[str, int, int], None] | None = None, *,
             inflate_budget: int = DEFAULT_INFLATE_BUDGET, **reader_options: Any) -> ValidationReport:
    """Check a capture against every producer rule that the file alone can decide.

    Memory Regions are checked with their PageData streamed (memory flat whatever their
    size); a compressed block declaring more than ``inflate_budget`` stops the check.

    Args:
        source: A path or the file's bytes.
        progress: Called as ``progress(step, done, total)`` while blocks are checked
            (``step`` is ``blocks`` then ``hashes``), e.g. to draw a bar.
        inflate_budget: Most bytes one compressed block may declare.
        **reader_options: Passed to :class:`MslReader` (the secret of an encrypted file).

    Returns:
        The report (never raises for a defect of the file; a file that cannot even be
        opened is one finding).

    Raises:
        OSError: The file cannot be read.
        LimitError: A compressed block declares more than ``inflate_budget`` (no verdict).
    """
    report = ValidationReport(str(source) if not isinstance(source, bytes) else "<bytes>")
    try:
        probe = MslReader(source if isinstance(source, bytes) else Path(source), **reader_options)
    except MslError as exc:
        rule = exc.rule if exc.rule in RULES and exc.rule not in _HEADER_TO_PRODUCER else "P1"
        report.add(rule, None, exc.offset, f"header: {exc.message}")
        return report
    with probe:
        report.version = probe.version
        try:
            report.detected_dialect = probe.dialect
        except MslError as exc:
            report.notes.append(f"dialect detection failed: {exc}")
    report.validated_as = _NORMATIVE.get(report.version, DEFAULT_WRITE)
    if report.version not in _NORMATIVE:
        known = ", ".join(f"{v} (0x{VERSIONS[v]:04X})" for v in VERSION_DIALECTS)
        report.add("P1", None, field_offset(framing.FileHeader, "version"),
                   f"Version 0x{report.version:04X} is none of the versions the spec declares: {known}")
    with MslReader(source if isinstance(source, bytes) else Path(source), dialect=report.validated_as,
                   inflate_budget=inflate_budget, **reader_options) as reader:
        _Checks(reader, report, progress).run()
    report.findings.sort(key=lambda f: (-1 if f.block is None else f.block, f.offset or 0))
    return report


class _Checks:
    """The checks of one file; each method adds findings to the report."""

    def __init__(self, reader: MslReader, report: ValidationReport,
                 progress: Callable[[str, int, int], None] | None = None) -> None:
        self.progress = progress or (lambda step, done, total: None)
        self.reader = reader
        self.report = report
        self.v10 = report.validated_as == "spec-1.0"
        self.add = report.add
        self.decoded: dict[int, Any] = {}
        self.at = _offsets()

    def run(self) -> None:
        self.header()
        if self.reader.encrypted and self.reader.container is not None:
            self.encryption()
        if self.reader.encrypted and self.reader.container is None:
            self.report.header_only = True
            self.report.notes.append("encrypted: the block stream is ciphertext; only the header was validated "
                                     "(every PrevHash must be zero, rule V11-10.6-zero-prev)")
            return
        records = self.reader.blocks
        if self.reader.fault is not None:
            fault = self.reader.fault
            rule = _PRODUCER_OF_CONSUMER_RULE.get(fault.rule or "", fault.rule)
            rule = rule if rule in RULES else "B-4.1-block-length"
            self.add(rule, fault.block_index, fault.offset, f"block stream stops: {fault.message}")
        for rec in records:
            self.progress("blocks", rec.index, len(records))
            self.block(rec)
        self.progress("hashes", 0, 1)
        self.order(records)
        self.references(records)
        self.capabilities(records)
        self.integrity()

    # -- header -------------------------------------------------------------------------------
    def header(self) -> None:
        h = self.reader.header
        if h.endianness == Endianness.BIG and not self.v10:
            self.add("V11-3.1-le-only", None, field_offset(framing.FileHeader, "endianness"),
                     "a 1.1 file is big-endian (Endianness 0x02); 1.1 consumers such as memdiver reject it")
        expected_size = framing.HEADER_SIZE_ENCRYPTED if self.reader.encrypted else framing.HEADER_SIZE_PLAIN
        if self.reader.header_size != expected_size:
            self.add("B-3-header-size", None, field_offset(framing.FileHeader, "header_size"),
                     f"HeaderSize is {self.reader.header_size}, expected {expected_size}")
        defined = HeaderFlags.IMPORTED if self.v10 else _flag_mask("header_flags")
        if h.flags & ~defined:
            self.add("P5", None, field_offset(framing.FileHeader, "flags"),
                     f"header Flags 0x{h.flags:X} set reserved bits 0x{h.flags & ~defined:X}")
        if h.reserved.strip(b"\0"):
            self.add("P5", None, field_offset(framing.FileHeader, "reserved"),
                     f"header reserved bytes are {h.reserved.hex()}, not zero")
        if self.v10 and (h.block_count or h.hash_algo):
            self.add("P5", None, field_offset(framing.FileHeader, "block_count"),
                     f"1.0 header bytes 0x39-0x3D are reserved but hold BlockCount {h.block_count} / HashAlgo "
                     f"{h.hash_algo} (1.1 fields)")
        since = FLAG_MASKS_SINCE["cap_bitmap"]
        known_caps = since["1.0"] if self.v10 else since["1.0"] | since["1.1"]
        if h.cap_bitmap & ~known_caps:
            self.add("P5", None, field_offset(framing.FileHeader, "cap_bitmap"),
                     f"CapBitmap 0x{h.cap_bitmap:X} sets reserved bits 0x{h.cap_bitmap & ~known_caps:X}")
        if not _is_v4(h.dump_uuid):
            self.add("B-1.4-uuid-v4", None, field_offset(framing.FileHeader, "dump_uuid"),
                     f"DumpUUID {h.dump_uuid.hex()} is not a version-4 UUID")
        enc = self.reader.encryption
        if enc is not None:
            for info in enc.FIELDS:
                value = getattr(enc, info.id)
                if info.reserved and value not in (0, None) and (not isinstance(value, bytes) or value.strip(b"\0")):
                    self.add("P5", None, framing.HEADER_SIZE_PLAIN, f"encryption header {info.id} is not zero")

    # -- blocks -------------------------------------------------------------------------------
    def block(self, rec: BlockRecord) -> None:
        h, i, at, o = rec.header, rec.index, rec.offset, self.at
        if not _is_v4(h.block_uuid):
            self.add("B-1.4-uuid-v4", i, at + o.block_uuid, f"BlockUUID {h.block_uuid.hex()} is not a version-4 UUID")
        if h.parent_uuid != ZERO_UUID and not _is_v4(h.parent_uuid):
            self.add("B-1.4-uuid-v4", i, at + o.parent_uuid,
                     f"ParentUUID {h.parent_uuid.hex()} is not a version-4 UUID")
        if h.reserved:
            self.add("P5", i, at + o.reserved, f"block header reserved field is 0x{h.reserved:X}")
        if h.flags & ~_flag_mask("block_flags"):
            self.add("P5", i, at + o.flags, f"block Flags 0x{h.flags:X} set reserved bits")
        if not rec.compressed and rec.comp_algo:
            self.add("P11", i, at + o.flags, f"CompAlgo bits are {rec.comp_algo:02b} but Compressed is not set")
        if not self.v10 and h.block_type in _RESERVED_TYPES_11:
            self.add("V11-4.3-reserved-types", i, at + o.block_type,
                     f"block type 0x{h.block_type:04X} is reserved in 1.1")
        dialect = self.report.validated_as or DEFAULT_WRITE
        known = block_id(h.block_type, dialect)
        versions = payload_versions(h.block_type, dialect)
        if known is not None and h.payload_version not in (versions or (1,)):
            self.add("P10", i, at + o.payload_version, f"PayloadVersion is {h.payload_version}; the spec defines "
                     f"{', '.join(map(str, versions or (1,)))} for {known} in {dialect}")
        if rec.segment > 0 and known is not None and not BLOCKS[known].in_extension:
            self.add("V11-P36", i, at, f"{known} is an evidence block type, not allowed in extension segment "
                     f"{rec.segment}")
        self.payload(rec)

    def payload(self, rec: BlockRecord) -> None:
        i = rec.index
        if rec.compressed and is_legacy_framing(self.reader.raw_payload(rec)):
            self.add("V11-P29", i, rec.payload_offset, "compressed payload is a bare zstd frame or an LZ4 frame "
                     "(pre-1.1 MemDiver), not u64 UncompressedSize + one zstd frame / one size-prefixed LZ4 block")
            return
        region = rec.block_type == memory_region.BLOCK_TYPE
        try:
            decoded = self.reader.decode(rec, page_data=not region)
            if region and decoded.payload is not None:
                for _ in self.reader.iter_page_data(rec):  # inflated size checked, nothing kept
                    pass
        except LimitError:
            raise  # a limit of ours, not a finding about the file
        except MslError as exc:
            rule = _PRODUCER_OF_CONSUMER_RULE.get(exc.rule or "", exc.rule)
            if exc.rule in ("V11-C20", None) and rec.compressed:
                rule = "V11-P28"
            hint = ""
            if not rec.compressed and (rec.length - rec.payload_offset + rec.offset) % 8:
                # a payload that is not a multiple of 8 bytes: a variable field was not padded
                rule, hint = "P6", (" (the payload is not a multiple of 8 bytes: pad every string and variable "
                                    "field with zeros to the next multiple of 8)")
            self.add(rule if rule in RULES else "P10", i, exc.offset if exc.offset is not None else rec.offset,
                     f"payload does not decode with the {self.report.validated_as} layout: {exc.message}{hint}")
            return
        if decoded.payload is None:
            return
        payload = decoded.payload
        self.decoded[i] = payload
        self._reserved(payload, rec, payload.__class__.__name__)
        self._omitted_tail(payload, rec)
        for finding in payload.check():
            if finding.rule not in (None, "P5"):
                rule = _PRODUCER_OF_CONSUMER_RULE.get(finding.rule, finding.rule)
                if rule in RULES:
                    self.add(rule, i, rec.payload_offset, f"{finding.field}: {finding.message}")
        self._padding(rec, payload)
        if rec.block_type == memory_region.BLOCK_TYPE and payload.region_size % payload.page_size:
            self.add("B-5.1-region-size", i, rec.payload_offset + self.at.region_size,
                     f"RegionSize 0x{payload.region_size:X} is not a multiple of the page size {payload.page_size}")
        if rec.block_type == thread_context.BLOCK_TYPE:
            roles = 0
            for reg in getattr(payload, "registers", None) or []:
                roles |= reg.flags
            for name, bit, _w, _e in FLAG_BITS["register_role"]:
                if name in ("pc", "sp") and not roles & (1 << bit):
                    self.add("V11-5.7-pc-sp", i, rec.payload_offset, f"no register has the {name.upper()} role")

    def _reserved(self, obj: Any, rec: BlockRecord, where: str) -> None:
        for info in obj.FIELDS:
            value = getattr(obj, info.id)
            if info.reserved and value is not None and (value.strip(b"\0") if isinstance(value, bytes) else value):
                shown = value.hex() if isinstance(value, bytes) else f"0x{value:X}"
                self.add("P5", rec.index, rec.payload_offset, f"{where}.{info.id} is {shown}, not zero")
            elif info.kind == "list" and value:
                for n, item in enumerate(value):
                    if hasattr(item, "FIELDS"):
                        self._reserved(item, rec, f"{where}.{info.id}[{n}]")
            elif info.kind in ("struct", "switch") and hasattr(value, "FIELDS"):
                self._reserved(value, rec, f"{where}.{info.id}")

    def _omitted_tail(self, payload: Any, rec: BlockRecord) -> None:
        """A payload that stops before tail fields its layout includes by default (``tail_default``)."""
        fields = {f.name: f for f in dataclasses.fields(payload)}
        if not any(f.default not in (None, dataclasses.MISSING) and getattr(payload, n) is None
                   for n, f in fields.items()):
            return
        present = [info.id for info in payload.FIELDS if getattr(payload, info.id) is not None]
        last = max(i for i, info in enumerate(payload.FIELDS) if info.id in present) if present else -1
        missing = [info.id for info in payload.FIELDS[last + 1:]]
        self.add("P10", rec.index, rec.payload_offset, f"the payload ends before {', '.join(missing)}: fields of "
                 f"the {payload.LAYOUT_ID} layout that only some producers leave out")

    def _padding(self, rec: BlockRecord, payload: Any) -> None:
        """Every byte the canonical encoding writes as padding must be zero (P6, B-1.3-pad-zero).

        A Memory Region is compared head and page-state map only (PageData has no padding and
        is streamed by the size check). The comparison is one memcmp; only a payload that
        differs is searched for its first differing byte.
        """
        canonical = payload.encode(self.reader.endian)
        if rec.block_type == memory_region.BLOCK_TYPE:
            stored = self.reader.payload_prefix(rec, len(canonical))
            canonical = canonical[:len(stored)]
        else:
            stored = bytes(self.reader.payload_bytes(rec))
        where = "inflated payload" if rec.compressed else "payload"
        head = stored[:len(canonical)]
        if head != canonical[:len(head)]:
            n = next(k for k, (a, b) in enumerate(zip(head, canonical, strict=False)) if a != b)
            at = None if rec.compressed else rec.payload_offset + n
            self.add("B-1.3-pad-zero", rec.index, at, f"{where} byte +0x{n:X} is 0x{head[n]:02X} where the layout "
                     "has padding or a terminator (0x00)")
        canonical_len = len(canonical)
        rest = stored[canonical_len:]
        if rest.strip(b"\0"):
            self.add("B-1.3-pad-zero", rec.index, None if rec.compressed else rec.payload_offset + canonical_len,
                     f"{len(rest)} bytes after the last field of the {where} are not zero padding")
        elif len(rest) >= 8:
            self.add("P6", rec.index, None if rec.compressed else rec.payload_offset + canonical_len,
                     f"{len(rest)} zero bytes after the last field: more than the padding to 8")

    # -- structure ----------------------------------------------------------------------------
    def order(self, records: list[BlockRecord]) -> None:
        imported = bool(self.reader.header.flags & HeaderFlags.IMPORTED)
        provenance = [r for r in records if r.block_type == import_provenance.BLOCK_TYPE]
        first = records[0] if records else None
        if imported:
            if first is None or first.block_type != import_provenance.BLOCK_TYPE:
                self.add("P9", 0, first.offset if first else None,
                         "Imported is set but block 0 is not Import Provenance")
            if len(provenance) > 1:
                self.add("B-9.1-one-provenance", provenance[1].index, provenance[1].offset,
                         f"{len(provenance)} Import Provenance blocks; an importer emits exactly one")
        else:
            if provenance:
                self.add("P9", provenance[0].index, provenance[0].offset,
                         "an Import Provenance block is present but the Imported flag is not set")
            if first is None or first.block_type != process_identity.BLOCK_TYPE:
                self.add("A1", 0, first.offset if first else None, "a live capture's block 0 is not Process Identity")
            if len(records) < 2 or records[1].block_type != module_list_index.BLOCK_TYPE:
                self.add("A2", 1, records[1].offset if len(records) > 1 else None,
                         "a live capture's block 1 is not the Module List Index: write a Module List Index "
                         f"(block type 0x{module_list_index.BLOCK_TYPE:04X}; an empty one, EntryCount 0, when no "
                         "module is enumerated) right after Process Identity, with the BlockUUID of every Module "
                         "Entry pre-assigned in it, or set the Imported flag if the file was converted from "
                         "another dump (P9)")
        if self.reader.eoc is None and self.reader.fault is None:  # a fault explains the missing end itself
            self.add("PS1", None, None, "no End-of-Capture block: the capture reads as incomplete")

    def references(self, records: list[BlockRecord]) -> None:
        manifests = {bytes(r.header.block_uuid): self.decoded.get(r.index) for r in records
                     if r.block_type == module_list_index.BLOCK_TYPE}
        readable = all(m is not None for m in manifests.values())
        if not readable:
            self.report.notes.append("a Module List Index did not decode: pre-assigned Module Entry UUIDs (A2) "
                                     "not checked")
        assigned = {bytes(e.module_uuid) for m in manifests.values() if m is not None for e in m.entries}
        by_uuid = {bytes(r.header.block_uuid): r for r in records}
        for r in records:
            if r.block_type == module_entry.BLOCK_TYPE:
                if bytes(r.header.parent_uuid) not in manifests:
                    self.add("B-5.2-parent", r.index, r.offset + self.at.parent_uuid,
                             "Module Entry's ParentUUID is not the Module List Index")
                if readable and bytes(r.header.block_uuid) not in assigned:
                    self.add("A2", r.index, r.offset + self.at.block_uuid,
                             "Module Entry's BlockUUID was not pre-assigned in the Module List Index")
            if r.header.flags & BlockFlags.CONTINUATION:
                parent = by_uuid.get(bytes(r.header.parent_uuid))
                if (r.block_type != memory_region.BLOCK_TYPE or parent is None or parent.index >= r.index
                        or parent.block_type != memory_region.BLOCK_TYPE
                        or not parent.header.flags & BlockFlags.HAS_CHILDREN):
                    self.add("B-5.1-continuation", r.index, r.offset + self.at.parent_uuid,
                             "a Continuation fragment must be a Memory Region naming an earlier first fragment "
                             "(flagged HasChildren) as ParentUUID")

    def capabilities(self, records: list[BlockRecord]) -> None:
        h = self.reader.header
        present = {r.block_type for r in records}
        at = field_offset(framing.FileHeader, "cap_bitmap")
        complete = self.reader.eoc is not None and self.reader.fault is None
        if not complete:
            self.report.notes.append("incomplete capture: CapBitmap bits without blocks were not checked (the "
                                     "blocks may be in the missing part)")
        for bit_id, codes in CAP_BIT_BLOCKS.items():
            if not codes:
                continue
            mask = CapBitmap[bit_id.upper()]
            there = bool(present & set(codes))
            if there and not h.cap_bitmap & mask:
                self.add("P8", None, at, f"CapBitmap bit {bit_id} is not set although such blocks are present")
            elif not there and h.cap_bitmap & mask and complete:
                self.add("P8", None, at, f"CapBitmap bit {bit_id} is set without such blocks")
        if h.flags & HeaderFlags.INVESTIGATION and not h.cap_bitmap & CapBitmap.SYSTEM_CONTEXT:
            self.add("V11-9-investigation", None, at, "Investigation flag without CapBitmap bit 11 (SystemContext)")

    def encryption(self) -> None:
        """An opened encrypted file: Argon2id minimums and zero PrevHash fields (1.1 section 10)."""
        enc = self.reader.encryption
        if enc.kdf_type == KdfType.ARGON2ID and enc.key_encap == KeyEncap.NONE:
            from memslice.crypto.kdf import Argon2Params

            low = Argon2Params(enc.kdf_time, enc.kdf_memory, enc.kdf_lanes).below_minimum()
            if low:
                self.add("V11-10.5-argon2-min", None, framing.HEADER_SIZE_PLAIN,
                         f"Argon2id parameters below the minimum: {', '.join(low)}")
        for rec in self.reader.blocks:
            if bytes(rec.header.prev_hash) != bytes(framing.HASH_SIZE):
                self.add("V11-10.6-zero-prev", rec.index, rec.offset + self.at.prev_hash,
                         "PrevHash of a block in an encrypted file is not zero")

    def integrity(self) -> None:
        report = verify(self.reader)
        blocks = self.reader.blocks
        for index in report.bad_blocks:
            rec = blocks[index]
            rule = "V11-P35" if rec.segment > 0 else "P4"
            self.add(rule, index, rec.offset + self.at.prev_hash, "PrevHash does not match the hash of the "
                     f"{'header' if index == 0 else f'block {index - 1}'}")
        eoc = self.reader.eoc
        if report.file_hash == "mismatch" and eoc is not None:
            self.add("CS2", eoc.index, eoc.payload_offset, "End-of-Capture FileHash is not the hash of the bytes "
                     "before it (a verifying consumer reports a mismatch)")
        if report.block_count == "mismatch" and eoc is not None:
            self.add("V11-C13", eoc.index, eoc.payload_offset, "a non-zero BlockCount (header or End-of-Capture) "
                     "differs from the number of capture-segment blocks")
        for seg in report.segments:
            if seg.segment_hash != "ok" or seg.block_count != "ok":
                self.add("V11-P34", None, None, f"extension segment {seg.index}: SegmentHash {seg.segment_hash}, "
                         f"BlockCount {seg.block_count}")
        if report.trailing_bytes and self.reader.fault is None:
            self.add("V11-C14", None, self.reader.size - report.trailing_bytes,
                     f"{report.trailing_bytes} bytes after the last block are trailing data")
        for index in (r.index for r in blocks if r.block_type in (end_of_capture.BLOCK_TYPE,
                                                                  end_of_extension.BLOCK_TYPE)):
            if index in self.decoded and self.v10 and getattr(self.decoded[index], "block_count", 0):
                self.add("P5", index, blocks[index].payload_offset + self.at.eoc_block_count,
                         "a 1.0 End-of-Capture's last 8 bytes are reserved but hold a BlockCount")
