# Generated from spec/blocks/pointer_graph.yaml by `msl codegen`.
# Do not edit: change the YAML and regenerate.
"""Pointer Graph (block type 0x1003, spec cat:6.25, since memdiver-1.0.2).

Pointer relationships between locations in the capture (nodes: addresses, offsets, symbols;
edges: pointer, call, import). The public spec 1.0 only names the type; 1.1 makes it a
structural block with a producer-defined payload, allowed only inside extension segments. The
payload here is memdiver's (the pre-1.1 MemDiver tree and 1.0.2 write the same bytes); memslicer
knows the code only. Placement: the pre-1.1 tree wrote it after the End-of-Capture with a zero
PrevHash and no terminator (an "appendix", trailing data under 1.1 rules); memdiver 1.0.2 writes
it as its own extension segment closed by an End-of-Extension (BlockCount 2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from struct import Struct
from typing import ClassVar

from memslice.generated._support import (
    FieldInfo,
    Finding,
    MslError,
    check_count,
    encode_str,
    need,
    nest,
    padding,
    read_bytes,
    read_str,
    sized,
)

BLOCK_TYPE = 0x1003
BLOCK_ID = "pointer_graph"
TITLE = "Pointer Graph"
STATUS = "defined"
NAMESPACE = "structural"
CAP_BIT = None
PARENT = None
IN_EXTENSION = True

_POINTER_GRAPH_NODE_KIND_TO_VALUE = {"<": Struct("<BBHQ"), ">": Struct(">BBHQ")}
_POINTER_GRAPH_EDGE_SRC_IDX_TO_LEN_METADATA = {"<": Struct("<IIBBH"), ">": Struct(">IIBBH")}
_POINTER_GRAPH_NUM_NODES_TO_RESERVED = {"<": Struct("<IIII"), ">": Struct(">IIII")}


@dataclass(slots=True)
class PointerGraphNode:
    """Structure ``pointer_graph_node``.

    One node (12 + pad8(LabelLen) bytes).

    Spec: cat:6.25. Source: blocks/pointer_graph.yaml:types.pointer_graph_node.

    Attributes:
        kind: Kind of node. (NodeKind, +0x00, spec cat:6.25.)
        reserved: Reserved; zero. (Reserved, +0x01, spec cat:6.25.)
        len_label: Byte length of label including its NUL; 0 = none. (LabelLen, +0x02, spec
            cat:6.25.)
        value: Address, offset or symbol value (per kind). (Value, +0x04, spec cat:6.25.)
        label: Node label (UTF-8); absent when len_label is 0. (Label, +0x0C, spec cat:6.25.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="kind", kind="int", enum="node_kind", orig="NodeKind", offset=0x00, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x01, size=1),
        FieldInfo(id="len_label", kind="int", orig="LabelLen", offset=0x02, size=2),
        FieldInfo(id="value", kind="int", format="addr", orig="Value", offset=0x04, size=8),
        FieldInfo(id="label", kind="str", orig="Label", offset=0x0C),
    )

    kind: int = 0
    reserved: int = 0
    len_label: int | None = None
    value: int = 0
    label: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> PointerGraphNode:
        """Decode a whole buffer as one PointerGraphNode.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[PointerGraphNode, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 12, end, "PointerGraphNode.kind")
        (
            f_kind,
            f_reserved,
            f_len_label,
            f_value,
        ) = _POINTER_GRAPH_NODE_KIND_TO_VALUE[endian].unpack_from(view, pos)
        pos += 12
        f_label, pos = read_str(view, pos, f_len_label, end, True, "nul", "PointerGraphNode.label")
        obj = cls(kind=f_kind, reserved=f_reserved, len_label=f_len_label, value=f_value, label=f_label)
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_label = encode_str(self.label, "nul")
        f_kind = self.kind
        f_reserved = self.reserved or 0
        f_len_label = self.len_label
        if f_len_label is None:
            f_len_label = len(raw_label)
        f_value = self.value
        parts.append(_POINTER_GRAPH_NODE_KIND_TO_VALUE[endian].pack(
            f_kind,
            f_reserved,
            f_len_label,
            f_value,
        ))
        parts.append(sized(raw_label, f_len_label, "PointerGraphNode.label"))
        parts.append(padding(f_len_label))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class PointerGraphEdge:
    """Structure ``pointer_graph_edge``.

    One edge (12 + pad8(MetadataLen) bytes).

    Spec: cat:6.25. Source: blocks/pointer_graph.yaml:types.pointer_graph_edge.

    Attributes:
        src_idx: Index of the source node. (SrcIdx, +0x00, spec cat:6.25.)
        dst_idx: Index of the destination node. (DstIdx, +0x04, spec cat:6.25.)
        kind: Kind of edge. (EdgeKind, +0x08, spec cat:6.25.)
        reserved: Reserved; zero. (Reserved, +0x09, spec cat:6.25.)
        len_metadata: Byte length of metadata including its NUL; 0 = none. (MetadataLen, +0x0A, spec
            cat:6.25.)
        metadata: Edge metadata (UTF-8); absent when len_metadata is 0. (Metadata, +0x0C, spec
            cat:6.25.)
    """

    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="src_idx", kind="int", orig="SrcIdx", offset=0x00, size=4),
        FieldInfo(id="dst_idx", kind="int", orig="DstIdx", offset=0x04, size=4),
        FieldInfo(id="kind", kind="int", enum="edge_kind", orig="EdgeKind", offset=0x08, size=1),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x09, size=1),
        FieldInfo(id="len_metadata", kind="int", orig="MetadataLen", offset=0x0A, size=2),
        FieldInfo(id="metadata", kind="str", orig="Metadata", offset=0x0C),
    )

    src_idx: int = 0
    dst_idx: int = 0
    kind: int = 0
    reserved: int = 0
    len_metadata: int | None = None
    metadata: str | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> PointerGraphEdge:
        """Decode a whole buffer as one PointerGraphEdge.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[PointerGraphEdge, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 12, end, "PointerGraphEdge.src_idx")
        (
            f_src_idx,
            f_dst_idx,
            f_kind,
            f_reserved,
            f_len_metadata,
        ) = _POINTER_GRAPH_EDGE_SRC_IDX_TO_LEN_METADATA[endian].unpack_from(view, pos)
        pos += 12
        f_metadata, pos = read_str(view, pos, f_len_metadata, end, True, "nul", "PointerGraphEdge.metadata")
        obj = cls(
            src_idx=f_src_idx,
            dst_idx=f_dst_idx,
            kind=f_kind,
            reserved=f_reserved,
            len_metadata=f_len_metadata,
            metadata=f_metadata,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        raw_metadata = encode_str(self.metadata, "nul")
        f_src_idx = self.src_idx
        f_dst_idx = self.dst_idx
        f_kind = self.kind
        f_reserved = self.reserved or 0
        f_len_metadata = self.len_metadata
        if f_len_metadata is None:
            f_len_metadata = len(raw_metadata)
        parts.append(_POINTER_GRAPH_EDGE_SRC_IDX_TO_LEN_METADATA[endian].pack(
            f_src_idx,
            f_dst_idx,
            f_kind,
            f_reserved,
            f_len_metadata,
        ))
        parts.append(sized(raw_metadata, f_len_metadata, "PointerGraphEdge.metadata"))
        parts.append(padding(f_len_metadata))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        return found


@dataclass(slots=True)
class PointerGraph:
    """Payload layout ``pointer_graph`` of block pointer_graph (dialects: memdiver-1.0.2).

    16-byte header, NodeCount nodes, EdgeCount edges, then (Flags bit 0) a 32-byte BLAKE3 trailer
    over header, nodes and edges. memdiver never pads the payload.

    Spec: cat:6.25. Source: blocks/pointer_graph.yaml:layouts[0].

    Attributes:
        num_nodes: Number of nodes. (NodeCount, +0x00, spec cat:6.25.)
        num_edges: Number of edges. (EdgeCount, +0x04, spec cat:6.25.)
        flags: Graph flags; bit 0 = integrity trailer present, other bits zero. (Flags, +0x08, spec
            cat:6.25.)
        reserved: Reserved; zero. (Reserved, +0x0C, spec cat:6.25.)
        nodes: The nodes; edges refer to them by index. (Nodes, +0x10, spec cat:6.25.)
        edges: The edges. (Edges, variable offset, spec cat:6.25.)
        integrity_hash: BLAKE3 of header, nodes and edges; present when flags bit 0 is set.
            (IntegrityTrailer, variable offset, spec cat:6.25.)
    """

    BLOCK_TYPE: ClassVar[int] = 0x1003
    BLOCK_ID: ClassVar[str] = "pointer_graph"
    LAYOUT_ID: ClassVar[str] = "pointer_graph"
    DIALECTS: ClassVar[tuple[str, ...]] = ("memdiver-1.0.2",)
    PAYLOAD_VERSIONS: ClassVar[tuple[int, ...]] = (1,)
    FIELDS: ClassVar[tuple[FieldInfo, ...]] = (
        FieldInfo(id="num_nodes", kind="int", orig="NodeCount", offset=0x00, size=4),
        FieldInfo(id="num_edges", kind="int", orig="EdgeCount", offset=0x04, size=4),
        FieldInfo(id="flags", kind="int", format="hex", flags="pointer_graph_flags", orig="Flags", offset=0x08, size=4),
        FieldInfo(id="reserved", kind="int", reserved=True, orig="Reserved", offset=0x0C, size=4),
        FieldInfo(id="nodes", kind="list", orig="Nodes", offset=0x10),
        FieldInfo(id="edges", kind="list", orig="Edges"),
        FieldInfo(id="integrity_hash", kind="hash", orig="IntegrityTrailer"),
    )

    num_nodes: int | None = None
    num_edges: int | None = None
    flags: int = 0
    reserved: int = 0
    nodes: list[PointerGraphNode] = field(default_factory=list)
    edges: list[PointerGraphEdge] = field(default_factory=list)
    integrity_hash: bytes | None = None

    @classmethod
    def decode(cls, data: bytes | bytearray | memoryview, endian: str = "<") -> PointerGraph:
        """Decode a whole buffer as one PointerGraph.

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
    def decode_at(cls, view: memoryview, pos: int, end: int, endian: str) -> tuple[PointerGraph, int]:
        """Decode at ``pos`` without reading past ``end``; return it and the position after it."""
        need(view, pos, 16, end, "PointerGraph.num_nodes")
        (
            f_num_nodes,
            f_num_edges,
            f_flags,
            f_reserved,
        ) = _POINTER_GRAPH_NUM_NODES_TO_RESERVED[endian].unpack_from(view, pos)
        pos += 16
        f_nodes = []
        check_count(f_num_nodes, 12, pos, end, "PointerGraph.nodes")
        for _ in range(f_num_nodes):
            try:
                item, pos = PointerGraphNode.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"PointerGraph.nodes[{len(f_nodes)}]") from None
            f_nodes.append(item)
        f_edges = []
        check_count(f_num_edges, 12, pos, end, "PointerGraph.edges")
        for _ in range(f_num_edges):
            try:
                item, pos = PointerGraphEdge.decode_at(view, pos, end, endian)
            except MslError as exc:
                raise nest(exc, f"PointerGraph.edges[{len(f_edges)}]") from None
            f_edges.append(item)
        f_integrity_hash = None
        if (f_flags & 1) != 0:
            f_integrity_hash, pos = read_bytes(view, pos, 32, end, False, "PointerGraph.integrity_hash", copy=True)
        obj = cls(
            num_nodes=f_num_nodes,
            num_edges=f_num_edges,
            flags=f_flags,
            reserved=f_reserved,
            nodes=f_nodes,
            edges=f_edges,
            integrity_hash=f_integrity_hash,
        )
        return obj, pos

    def encode(self, endian: str = "<") -> bytes:
        """Encode to bytes (length and count fields left as None are computed)."""
        return b"".join(self.encode_parts(endian))

    def encode_parts(self, endian: str = "<") -> list[bytes | memoryview]:
        """Encode as a list of byte chunks, without copying large data such as page bytes."""
        parts: list[bytes | memoryview] = []
        f_num_nodes = self.num_nodes
        if f_num_nodes is None:
            f_num_nodes = len(self.nodes)
        f_num_edges = self.num_edges
        if f_num_edges is None:
            f_num_edges = len(self.edges)
        f_flags = self.flags
        f_reserved = self.reserved or 0
        parts.append(_POINTER_GRAPH_NUM_NODES_TO_RESERVED[endian].pack(
            f_num_nodes,
            f_num_edges,
            f_flags,
            f_reserved,
        ))
        for item in self.nodes:
            parts += item.encode_parts(endian)
        for item in self.edges:
            parts += item.encode_parts(endian)
        if (f_flags & 1) != 0:
            parts.append(sized(self.integrity_hash, 32, "PointerGraph.integrity_hash"))
        return parts

    def check(self) -> list[Finding]:
        """Constraints from the schema that this value breaks (reserved fields, ranges, ...)."""
        found: list[Finding] = []
        if self.reserved != 0:
            found.append(Finding("reserved", "P5", "reserved field is not zero"))
        for item in self.nodes or ():
            found += item.check()
        for item in self.edges or ():
            found += item.check()
        return found


LAYOUTS = (PointerGraph, )
"""Payload layouts of this block type, each with the dialects and payload versions it serves."""
