"""Turn a parse tree of the compiled Kaitai parser into memslice's canonical JSON shape.

The values come from the Kaitai tree only; the schema model (``spec/`` through the code
generator's loader) says how each field is rendered (hex or decimal, enum or flag set, which
fields exist), exactly as ``memslice.canon`` renders the reader's view, so the two documents
can be compared key by key.

Two kinds of trees are accepted through one small interface (:class:`Tree`): objects of the
Python parser (kaitaistruct 0.11) and the JSON that ``tools/kaitai/dump.js`` prints for the
JavaScript parser under node.

A few block-level keys are not Kaitai fields and are derived here from Kaitai's values, the
way the reader derives them: ``segment`` (counting End-of-Capture / End-of-Extension blocks), ``type_name``
(the block whose layout Kaitai chose, else the registry name of the code in the dialect) and
the ``skipped`` reason of a block Kaitai left raw.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from memslice.codegen import Spec, load_spec
from memslice.codegen.expressions import evaluate
from memslice.codegen.model import Field, Struct
from memslice.generated._support import ZERO_UUID

from memslice.resources import installed_spec_dir

CANON_VERSION = "msl-canon/1"
END_OF_CAPTURE = "end_of_capture"
END_OF_EXTENSION = "end_of_extension"


def camel(ident: str) -> str:
    """Class name the compiler gives a type id (``module_entry_g0`` -> ``ModuleEntryG0``)."""
    return "".join(part[:1].upper() + part[1:] for part in ident.split("_"))


def kid(ident: str) -> str:
    """Kaitai spelling of a dialect id (``spec-1.1`` -> ``spec_1_1``)."""
    return re.sub(r"[^a-z0-9_]+", "_", ident.lower()).strip("_")


@dataclass
class Tree:
    """How to read a node of a parse tree.

    Attributes:
        get: ``get(node, name)``: a field or instance value, None when absent.
        type_id: ``type_id(node)``: the class name of a user-type node, None for other values.
        as_bytes: ``as_bytes(value)``: a byte-array value as ``bytes``.
        is_bytes: ``is_bytes(value)``: whether a value is a byte array.
    """

    get: Callable[[Any, str], Any]
    type_id: Callable[[Any], str | None]
    as_bytes: Callable[[Any], bytes]
    is_bytes: Callable[[Any], bool]


def python_tree() -> Tree:
    """Accessors for objects of the compiled Python parser."""
    from kaitaistruct import KaitaiStruct

    def get(node: Any, name: str) -> Any:
        return getattr(node, name, None)

    def type_id(node: Any) -> str | None:
        return type(node).__name__ if isinstance(node, KaitaiStruct) else None

    return Tree(get, type_id, bytes, lambda v: isinstance(v, (bytes, bytearray)))


def lower_camel(ident: str) -> str:
    """Name the JavaScript compiler gives a field (``len_path`` -> ``lenPath``)."""
    first, *rest = ident.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def js_tree() -> Tree:
    """Accessors for the JSON that ``tools/kaitai/dump.js`` prints (bytes as ``{"hex": ...}``)."""

    def get(node: Any, name: str) -> Any:
        return node.get(lower_camel(name))

    def type_id(node: Any) -> str | None:
        return node.get("_type") if isinstance(node, dict) and "_type" in node else None

    return Tree(get, type_id, lambda v: bytes.fromhex(v["hex"]), lambda v: isinstance(v, dict) and "hex" in v)


class KaitaiCanon:
    """Renders Kaitai parse trees as canonical documents.

    Args:
        spec: The schema model (default: the installed ``spec/``, loaded without the schema
            validation that ``msl codegen --check`` has done).
        tree: How to read nodes (default: the Python parser's objects).
    """

    def __init__(self, spec: Spec | None = None, tree: Tree | None = None) -> None:
        self.spec = spec or load_spec(installed_spec_dir(), validate=False)
        self.tree = tree or python_tree()
        self.structs: dict[str, Struct] = {camel(s.id): s for s in self.spec.types.values()}
        self.layout_block: dict[str, str] = {}
        for b in self.spec.blocks:
            for s in [*b.layouts, *b.types.values()]:
                self.structs[camel(s.id)] = s
            for lay in b.layouts:
                self.layout_block[lay.id] = b.id
        self.layout_ids = ["none"] + [lay.id for b in self.spec.blocks for lay in b.layouts]
        self.enum_names = {e.id: {v.value: v.id for v in e.values} for e in self.spec.enums.values()}
        self.flag_bits = {fs.id: fs.bits for fs in self.spec.flags.values()}

    # -- values -----------------------------------------------------------------------------------
    @staticmethod
    def _int(value: Any) -> int:
        if isinstance(value, float):
            return int(value)
        return int(value)

    def _num(self, value: int, fmt: str) -> str:
        return f"0x{value:x}" if fmt in ("addr", "hex") else str(value)

    def flags(self, node: Any, flag_set: str) -> dict[str, Any]:
        """A flag-set node (``value`` plus one instance per bit) as the canonical flags dict."""
        get = self.tree.get
        value = self._int(get(node, "value"))
        out: dict[str, Any] = {"value": f"0x{value:x}"}
        for bit in self.flag_bits[flag_set]:
            got = get(node, bit.id)
            if bit.width == 1:
                out[bit.id] = bool(got)
            elif bit.enum:
                out[bit.id] = self.enum_names[bit.enum].get(self._int(got), str(self._int(got)))
            else:
                out[bit.id] = str(self._int(got))
        unknown = self._int(get(node, "unknown_bits"))
        if unknown:
            out["unknown_bits"] = f"0x{unknown:x}"
        return out

    def _uuid(self, raw: bytes) -> str | None:
        if raw == ZERO_UUID:
            return None
        h = raw.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _env(self, node: Any, s: Struct) -> dict[str, int]:
        env: dict[str, int] = {}
        for f in s.seq:
            if f.is_int:
                v = self.tree.get(node, f.id)
                if v is not None:
                    env[f.id] = self._int(self.tree.get(v, "value")) if f.flags else self._int(v)
        return env

    def field(self, node: Any, f: Field, s: Struct) -> tuple[bool, Any]:
        """(present, canonical value) of one field of a node."""
        tree = self.tree
        value = tree.get(node, f.id)
        if f.repeat == "until" and value is None:
            value = []
        if value is None:
            return False, None
        if f.is_int:
            if f.flags:
                return True, self.flags(value, f.flags)
            n = self._int(value)
            if f.enum:
                return True, {"value": self._num(n, f.format), "name": self.enum_names[f.enum].get(n)}
            return True, self._num(n, f.format)
        if f.type == "uuid":
            return True, self._uuid(tree.as_bytes(value))
        if f.type in ("hash", "bytes"):
            return True, tree.as_bytes(value).hex()
        if f.type == "str":
            if f.size is not None and evaluate(f.size, self._env(node, s)) == 0:
                return False, None
            return True, value
        if f.repeat:
            return True, [self.struct(item) for item in value]
        if tree.is_bytes(value):
            return True, tree.as_bytes(value).hex()
        return True, self.struct(value)

    def struct(self, node: Any) -> dict[str, Any]:
        """A user-type node as the canonical dict of its schema structure."""
        name = self.tree.type_id(node)
        s = self.structs.get(name or "")
        if s is None:
            raise KeyError(f"Kaitai type {name!r} is not a structure of the schema")
        out: dict[str, Any] = {}
        for f in s.seq:
            present, value = self.field(node, f, s)
            if present:
                out[f.id] = value
        return out

    def region(self, node: Any) -> dict[str, Any]:
        """A Memory Region payload: fields, page-state runs and the captured bytes' digest."""
        tree = self.tree
        s = self.structs[tree.type_id(node) or ""]
        out: dict[str, Any] = {}
        for f in s.seq:
            if f.role in ("page_state_map", "page_data"):
                continue
            present, value = self.field(node, f, s)
            if present:
                out[f.id] = value
        state_map = next(f for f in s.seq if f.role == "page_state_map")
        data = next(f for f in s.seq if f.role == "page_data")
        states = [self._int(x) for x in tree.get(tree.get(node, state_map.id), "states")]
        names = self.enum_names["page_state"]
        runs: list[list[str]] = []
        for st in states:
            if runs and runs[-1][0] == names[st]:
                runs[-1][1] = str(int(runs[-1][1]) + 1)
            else:
                runs.append([names[st], "1"])
        page_data = tree.as_bytes(tree.get(node, data.id))
        out["page_states"] = runs
        out["captured_bytes"] = f"0x{len(page_data):x}"
        out["captured_sha256"] = hashlib.sha256(page_data).hexdigest()
        return out

    # -- the document -----------------------------------------------------------------------------
    def header(self, root: Any) -> dict[str, Any]:
        """The file header: the top-level fields and ``body.header``."""
        s = self.spec.types["file_header"]
        body_header = self.tree.get(self.tree.get(root, "body"), "header")
        out: dict[str, Any] = {}
        for f in s.seq:
            node = root if self.tree.get(root, f.id) is not None else body_header
            present, value = self.field(node, f, s)
            if present:
                out[f.id] = value
        return out

    def _skipped(self, code: int, dialect: str, version: int) -> str:
        blocks = [b for b in self.spec.blocks if b.code == code]
        if not blocks:
            return "unknown-type"
        for b in blocks:
            for lay in b.layouts:
                if dialect in lay.dialects and any(v in lay.payload_versions for v in range(4) if v != version):
                    return "unknown-payload-version"
        return "no-layout"

    def _type_name(self, code: int, dialect: str, layout: str) -> str | None:
        if layout != "none":
            return self.layout_block[layout]
        blocks = [b for b in self.spec.blocks if b.code == code]
        for b in blocks:
            if dialect in b.dialects:
                return b.id
        return blocks[0].id if blocks else None

    def document(self, root: Any) -> dict[str, Any]:
        """The canonical document of a parse (without the ``integrity`` section)."""
        tree = self.tree
        body = tree.get(root, "body")
        doc: dict[str, Any] = {"canon": CANON_VERSION, "header": self.header(root)}
        encryption = tree.get(body, "encryption")
        if encryption is not None:
            doc["encryption"] = self.struct(encryption)
        dialect = self.spec.dialects[self._int(tree.get(body, "dialect")) - 1].id
        doc["dialect"] = dialect
        blocks = []
        segment = 0
        for index, block in enumerate(tree.get(body, "blocks") or []):
            header = tree.get(block, "header")
            offset = self._int(tree.get(block, "ofs_block"))
            code = self._int(tree.get(header, "block_type"))
            length = self._int(tree.get(header, "block_length"))
            version = self._int(tree.get(header, "payload_version"))
            layout = self.layout_ids[self._int(tree.get(block, "layout"))]
            name = self._type_name(code, dialect, layout)
            entry: dict[str, Any] = {
                "index": str(index), "offset": f"0x{offset:x}", "type": f"0x{code:04x}", "type_name": name,
                "flags": self.flags(tree.get(header, "flags"), "block_flags"), "length": f"0x{length:x}",
                "payload_version": str(version),
                "uuid": self._uuid(tree.as_bytes(tree.get(header, "block_uuid"))),
                "parent_uuid": self._uuid(tree.as_bytes(tree.get(header, "parent_uuid"))),
                "prev_hash": tree.as_bytes(tree.get(header, "prev_hash")).hex(), "segment": str(segment),
            }
            payload = tree.get(block, "payload")
            if layout == "none":
                entry["skipped"] = self._skipped(code, dialect, version)
            elif any(f.role == "page_state_map" for f in self.structs[tree.type_id(payload) or ""].seq):
                entry["payload"] = self.region(payload)
            else:
                entry["payload"] = self.struct(payload)
            blocks.append(entry)
            if name == END_OF_CAPTURE and segment == 0:
                segment = 1
            elif name == END_OF_EXTENSION and segment > 0:
                segment += 1
        if segment > 0:
            for entry in blocks:
                if entry["segment"] == str(segment):
                    entry["segment"] = "-1"
        doc["blocks"] = blocks
        if tree.get(body, "is_encrypted"):
            doc["result"] = "encrypted"
        elif any(b["type_name"] == END_OF_CAPTURE and b["segment"] == "0" for b in blocks):
            doc["result"] = "complete"
        else:
            doc["result"] = "truncated"
        return doc

    def trailing_bytes(self, root: Any) -> int:
        """Length of the bytes after the last block (0 for an encrypted file)."""
        trailing = self.tree.get(self.tree.get(root, "body"), "trailing")
        return 0 if trailing is None else len(self.tree.as_bytes(trailing))
