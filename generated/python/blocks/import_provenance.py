# Generated from spec/blocks/import_provenance.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Import Provenance (block type 0x0030, spec 9.1, since 1.0).

Metadata of a file converted from another dump format (raw, ELF core, Minidump, ...). An
importer emits exactly one, as block 0, and sets header flag Imported (P9, B-9.1-one-
provenance). 1.1 moves the text to section 11. No capability bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct
from typing import ClassVar

from memslice.generated._support import FieldInfo, Finding, encode_str, need, padding, read_str, sized

BLOCK_TYPE = 0x0030
BLOCK_ID = "import_provenance"
TITLE = "Import Provenance"
STATUS = "defined"
NAMESPACE = "capture"
CAP_BIT = None
PARENT = None
IN_EXTENSION = False

_IMPORT_PROVENANCE_SOURCE_FORMAT_TO_RESERVED2 = {"<": Struct("<HHIQQII"), ">": Struct(">HHIQQII")}
_IMPORT_PROVENANCE_SOURCE_HASH = {"<": Struct("<32s"), ">": Struct(">32s")}


@dataclass(slots=True)
class ImportProvenance:
    """Payload layout ``import_provenance`` of block import_provenance (dialects: spec-1.0, spec-1.1, memdiver-1.0.2).

    The 1.0 layout. memdiver (the pre-1.1 tree and 1.0.2) appends a 32-byte SourceHash after the
    Note; memslicer and the public spec end at the Note, so source_hash is an optional tail (readers
    default it to zeros when absent). memdiver reassigns SourceFormat 0x0004 ("existing .msl") and
    0x0005 ("regioned raw") and encodes machine-readable key=value segments in the Note. memslicer
    writes ToolNameLen 0 (no bytes) for an empty tool name; memdiver always writes one.

    Spec: 9.1. Source: blocks/import_provenance.yaml:layouts[0].

    Attributes:
        source_format: Format of the imported source. (SourceFormat, +0x00, spec 9.1.)
        reserved: Reserved; zero. (Reserved, +0x02, spec 9.1.)
        len_tool_name: Byte length of tool_name including its NUL. (ToolNameLen, +0x04, spec 9.1.)
        import_time: Import time (ns since the Unix epoch). (ImportTime, +0x08, spec 9.1.)
        orig_file_size: Size of the original file in bytes; 0 = unknown. (OrigFileSize, +0x10, spec
            9.1.)
        len_note: Byte length of note including its NUL; 0 = no note. (NoteLen, +0x18, spec 9.1.)
        reserved2: Reserved; zero. (Reserved2, +0x1C, spec 9.1.)
        tool_name: Name (and version) of the importing tool (UTF-8). (ToolName, +0x20, spec 9.1.)
        note: Free-form note (UTF-8); memdiver puts '; '-separated key=value segments here. Absent
            when len_note is 0. (Note, variable offset, spec 9.1.)
        source_hash: memdiver only: BLAKE3 of the source file, all zero if unknown. Absent in
            memslicer and public-spec files. (SourceHash, variable offset, spec cat:6.7.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x0030
    BLOCK_ID: ClassVar[str] = "import_provenance"
    LAYOUT_ID: ClassVar[str] = "import_provenance"
    DIALECTS: ClassVar[tuple[str, ...]] = ("spec-1.0", "spec-1.1", "memdiver-1.0.2")
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="source_format", kind="int", enum="source_format", orig="SourceFormat", offset=0x00, size=2),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x02, size=2),
        FieldInfo(id="len_tool_name", kind="int", orig="ToolNameLen", offset=0x04, size=4),
        FieldInfo(id="import_time", kind="int", orig="ImportTime", offset=0x08, size=8),
        FieldInfo(id="orig_file_size", kind="int", orig="OrigFileSize", offset=0x10, size=8),
        FieldInfo(id="len_note", kind="int", orig="NoteLen", offset=0x18, size=4),
        FieldInfo(id="reserved2", kind="int", reserved=True, orig="Reserved2", offset=0x1C, size=4),
        FieldInfo(id="tool_name", kind="str", orig="ToolName", offset=0x20),
        FieldInfo(id="note", kind="str", orig="Note"),
        FieldInfo(id="source_hash", kind="hash", orig="SourceHash", size=32),
    )

    source_format: int = 0
    reserved: int = 0
    len_tool_name: int | None = None
    import_time: int = 0
    orig_file_size: int = 0
    len_note: int | None = None
    reserved2: int = 0
    tool_name: str | None = None
    note: str | None = None
    source_hash: bytes | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> ImportProvenance:
        """Decode a whole buffer as one ImportProvenance.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[ImportProvenance, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 32, end, "ImportProvenance.source_format")
        (
            f_source_format,
            f_reserved,
            f_len_tool_name,
            f_import_time,
            f_orig_file_size,
            f_len_note,
            f_reserved2,
        ) = _IMPORT_PROVENANCE_SOURCE_FORMAT_TO_RESERVED2[endian].unpack_from(view, pos)
        pos += 32
        f_tool_name, pos = read_str(view, pos, f_len_tool_name, end, True, "nul", "ImportProvenance.tool_name")
        f_note, pos = read_str(view, pos, f_len_note, end, True, "nul", "ImportProvenance.note")
        f_source_hash = None
        if pos < end:
            need(view, pos, 32, end, "ImportProvenance.source_hash")
            (f_source_hash,) = _IMPORT_PROVENANCE_SOURCE_HASH[endian].unpack_from(view, pos)
            pos += 32
        obj = cls(
            source_format=f_source_format,
            reserved=f_reserved,
            len_tool_name=f_len_tool_name,
            import_time=f_import_time,
            orig_file_size=f_orig_file_size,
            len_note=f_len_note,
            reserved2=f_reserved2,
            tool_name=f_tool_name,
            note=f_note,
            source_hash=f_source_hash,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_tool_name = encode_str(self.tool_name, "nul")
        raw_note = encode_str(self.note, "nul")
        f_source_format = self.source_format
        f_reserved = self.reserved or 0
        f_len_tool_name = self.len_tool_name
        if f_len_tool_name is None:
            f_len_tool_name = len(raw_tool_name)
        f_import_time = self.import_time
        f_orig_file_size = self.orig_file_size
        f_len_note = self.len_note
        if f_len_note is None:
            f_len_note = len(raw_note)
        f_reserved2 = self.reserved2 or 0
        parts.append(_IMPORT_PROVENANCE_SOURCE_FORMAT_TO_RESERVED2[endian].pack(
            f_source_format,
            f_reserved,
            f_len_tool_name,
            f_import_time,
            f_orig_file_size,
            f_len_note,
            f_reserved2,
        ))
        parts.append(sized(raw_tool_name, f_len_tool_name, "ImportProvenance.tool_name"))
        parts.append(padding(f_len_tool_name))
        parts.append(sized(raw_note, f_len_note, "ImportProvenance.note"))
        parts.append(padding(f_len_note))
        if self.source_hash is not None:
            parts.append(_IMPORT_PROVENANCE_SOURCE_HASH[endian].pack(self.source_hash))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        if self.reserved2 != 0:
            found.append(Finding("reserved2", "P5", "reserved field is not zero"))
        return found


LAYOUTS = (ImportProvenance, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
