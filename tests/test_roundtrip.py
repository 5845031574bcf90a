"""Round trip of every defined block layout through ``MslWriter`` and ``MslReader``.

The instances are built from the schema itself (``spec/`` loaded with the code generator's
loader, paired with the generated payload classes), so a new block type or layout in
``spec/blocks/`` is picked up without touching this file: every field gets a distinctive
value (strings with non-ASCII text, lists of several entries, every switch case plus an
unknown one, optional tail fields present), length and count fields are left ``None`` for
the encoder to compute. Each layout is written in both byte orders and with every codec,
in the capture segment and (when the block type is allowed there) in an extension
segment, then read back, decoded, compared, and verified.

Also: Memory Regions with mixed page states reconstructed through ``MslReader.read``,
Continuation splitting, the strict 1.0 writer, constraint refusals and the
``.partial`` -> final rename.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
import struct
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from memslice.codegen import Spec, load_spec
from memslice.codegen.model import INT_SIZES, BlockType, Field
from memslice.codegen.model import Struct as SpecStruct
from memslice.generated.blocks import end_of_capture, end_of_extension, memory_region
from memslice.generated.dialects import VERSIONS
from memslice.generated.enums import ENUM_NAMES, FLAG_BITS, BlockFlags, CapBitmap
from memslice.generated.registry import BLOCK_MODULES

from memslice.canon import struct_to_canon
from memslice.errors import DestinationExistsError, EncodeError
from memslice.integrity import digest
from memslice.pages import encode_state_string
from memslice.reader import BlockRecord, MslReader
from memslice.verify import verify
from memslice.writer import MslWriter

SPEC_DIR = Path(__file__).resolve().parents[1] / "spec"
ENDIANS = {"le": "<", "be": ">"}
COMPRESSIONS = ("none", "zstd", "lz4")
#: dialect a layout serves -> MslWriter format_version that writes it
WRITE_DIALECTS = {"spec-1.1": "1.1", "spec-1.0": "1.0"}
#: block types only the writer itself emits (finish_capture / end_extension)
TERMINATORS = {end_of_capture.BLOCK_ID, end_of_extension.BLOCK_ID}
ZERO_UUID = bytes(16)
ACQ_END = 1_700_000_123_456_789_000
WRITTEN_AT = 1_700_000_999_000_000_001


# ----------------------------------------------------------------------------------------
# which layouts exist
# ----------------------------------------------------------------------------------------
def _defined_layouts() -> list[tuple[ModuleType, type, str]]:
    """(module, layout class, dialect) for every defined block layout of spec 1.0 / 1.1."""
    out = []
    for module in BLOCK_MODULES:
        if module.STATUS != "defined":
            continue
        for cls in module.LAYOUTS:
            for dialect in WRITE_DIALECTS:
                if dialect in cls.DIALECTS:
                    out.append((module, cls, dialect))
    return out


ALL_LAYOUTS = _defined_layouts()
#: layouts written through MslWriter.add (the terminators are written by the writer)
ADDABLE = [(m, c, d) for m, c, d in ALL_LAYOUTS if m.BLOCK_ID not in TERMINATORS]


def _layout_id(module: ModuleType, cls: type, dialect: str) -> str:
    return f"{cls.LAYOUT_ID}-{dialect}"


# ----------------------------------------------------------------------------------------
# the schema model
# ----------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def spec() -> Spec:
    """The format as data (``spec/``), through the code generator's loader."""
    return load_spec(SPEC_DIR)


def _camel(type_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in type_id.split("_"))


def _block_model(spec: Spec, module: ModuleType) -> BlockType:
    return spec.block(module.BLOCK_ID)


def _layout_model(spec: Spec, module: ModuleType, cls: type) -> SpecStruct:
    block = _block_model(spec, module)
    for layout in block.layouts:
        if layout.id == cls.LAYOUT_ID:
            return layout
    raise AssertionError(f"{cls.__name__}: layout {cls.LAYOUT_ID} not found in spec/blocks/{block.id}.yaml")


# ----------------------------------------------------------------------------------------
# generic instance builder
# ----------------------------------------------------------------------------------------
class Unbuildable(Exception):
    """The builder does not know how to fill a field (a new kind of field in the schema)."""


def _pattern(n: int, seed: int) -> bytes:
    return bytes((0x5A + 37 * seed + 11 * i) & 0xFF for i in range(n))


def _uuid(seed: int, what: str) -> bytes:
    return hashlib.sha256(f"uuid:{what}:{seed}".encode()).digest()[:16]


def _hash(seed: int, what: str) -> bytes:
    return hashlib.sha256(f"hash:{what}:{seed}".encode()).digest()


def _text(what: str, seed: int) -> str:
    # non-ASCII, varying length (so that the padding of pad8 strings varies)
    return f"{what}/ü{seed}" + "ß" * (seed % 5) + "-Ω"


def _eval(expr: Any, env: dict[str, Any]) -> Any:
    code = compile(expr.tree, expr.source, "eval")
    return eval(code, {"__builtins__": {}, "pad8": lambda x: (x + 7) & ~7}, env)  # noqa: S307 (schema text)


class Builder:
    """Builds a non-trivial instance of a layout from the schema and the generated class."""

    def __init__(self, spec: Spec, module: ModuleType) -> None:
        self.module = module
        self.block = _block_model(spec, module)

    def sub_class(self, type_id: str) -> type:
        name = _camel(type_id)
        cls = getattr(self.module, name, None)
        if cls is None:
            raise Unbuildable(f"no generated class {name} for sub-type {type_id} in {self.module.__name__}")
        return cls

    def sub_struct(self, type_id: str) -> SpecStruct:
        try:
            return self.block.types[type_id]
        except KeyError:
            raise Unbuildable(f"sub-type {type_id} is not defined in {self.block.path}") from None

    # -- values -------------------------------------------------------------------------
    @staticmethod
    def int_value(f: Field, seed: int, idx: int) -> int:
        nbytes = INT_SIZES[f.type]
        signed = f.type.startswith("s")
        limit = 1 << (8 * nbytes - (1 if signed else 0))
        v = f.valid
        if v is not None and v.eq is not None:
            return v.eq
        if v is not None and v.any_of:
            return v.any_of[seed % len(v.any_of)]
        if v is not None and (v.min is not None or v.max is not None):
            lo = v.min if v.min is not None else 0
            hi = v.max if v.max is not None else min(limit - 1, lo + 1000)
            return hi - (seed + idx) % max(1, min(hi - lo + 1, 4))
        if f.enum:
            values = sorted(k for k in ENUM_NAMES.get(f.enum, {}) if 0 < k < limit)
            if not values:
                raise Unbuildable(f"enum {f.enum} of {f.id} has no usable value")
            return values[(seed + idx) % len(values)]
        if f.flags:
            value = 0
            for i, (_bit_id, bit, width, enum) in enumerate(FLAG_BITS[f.flags]):
                if bit + width > 8 * nbytes:
                    continue
                if width == 1:
                    if (i + seed) % 2 == 0:
                        value |= 1 << bit
                else:
                    choices = [k for k in ENUM_NAMES.get(enum or "", {}) if 0 < k < (1 << width)] or [1]
                    value |= choices[seed % len(choices)] << bit
            return value or 1 << FLAG_BITS[f.flags][0][1]
        if signed:
            return -(1 + (seed * 131 + idx * 17) % (limit - 1))
        # unsigned: every byte non-zero and the top bit set, so byte swaps and sign bugs show
        raw = bytearray((0x41 + 13 * seed + 7 * idx + 29 * k) % 255 + 1 for k in range(nbytes))
        raw[0] |= 0x80
        return int.from_bytes(raw, "big")

    def build(self, s: SpecStruct, cls: type, seed: int, case: int | str | None = None) -> Any:
        """An instance of ``cls`` (structure ``s``) with every field filled."""
        field_names = {f.name for f in dataclasses.fields(cls)}
        defaults = {f.name: f.default for f in dataclasses.fields(cls)}
        referenced: set[str] = set()
        for f in s.seq:
            for expr in (f.size, f.repeat_expr, f.cond, f.switch_on):
                if expr is not None:
                    referenced |= expr.names
        switch = [f for f in s.seq if f.type == "switch"]
        forced: dict[str, int] = {}
        switch_value: dict[str, Any] = {}
        for f in switch:
            assert f.switch_on is not None
            selector = f.switch_on.source.strip()
            if not selector.isidentifier():
                raise Unbuildable(f"{s.id}.{f.id}: switch on an expression ({selector})")
            keys = sorted(f.cases)
            if case == "unknown":
                key = next(k for k in range(0xFE, 0, -1) if k not in f.cases)
                switch_value[f.id] = _pattern(5 + seed % 7, seed)
            else:
                key = keys[0] if case is None else int(case)
                switch_value[f.id] = self.build(self.sub_struct(f.cases[key]), self.sub_class(f.cases[key]), seed)
            forced[selector] = key
        values: dict[str, Any] = {}
        env: dict[str, Any] = {}
        for idx, f in enumerate(s.seq):
            if f.id not in field_names:
                raise Unbuildable(f"{cls.__name__} has no field {f.id}")
            if f.cond is not None and not _eval(f.cond, env):
                values[f.id] = None
                continue
            if f.reserved:
                env[f.id] = 0
                continue  # producers write zero: keep the class default
            if f.contents is not None:
                values[f.id] = f.contents
                continue
            if f.is_int:
                if f.id in forced:
                    value: Any = forced[f.id]
                elif f.id in referenced:
                    # a length/count the encoder computes (None), or a selector/stride such as
                    # VAS Map EntrySize whose default (0 = variable entries) is the common case
                    value = defaults[f.id]
                else:
                    value = self.int_value(f, seed, idx)
                values[f.id] = value
                env[f.id] = 0 if value is None else value
                continue
            if f.role in ("page_state_map", "page_data"):
                raise Unbuildable(f"{s.id}.{f.id}: role {f.role} needs a hand-written builder")
            if f.repeat:
                values[f.id] = self.build_list(f, seed)
            elif f.type == "uuid":
                values[f.id] = _uuid(seed, f"{s.id}.{f.id}")
            elif f.type == "hash":
                values[f.id] = _hash(seed, f"{s.id}.{f.id}")
            elif f.type == "bytes":
                const = f.size.constant() if f.size is not None else None
                values[f.id] = _pattern(const if const is not None else 3 + (seed * 5 + idx) % 13, seed + idx)
            elif f.type == "str":
                if f.size is not None and f.size.constant() is not None:
                    raise Unbuildable(f"{s.id}.{f.id}: fixed-size string")
                values[f.id] = _text(f.id, seed + idx)
            elif f.type == "switch":
                values[f.id] = switch_value[f.id]
            else:
                values[f.id] = self.build(self.sub_struct(f.type), self.sub_class(f.type), seed + idx)
        return cls(**values)

    def build_list(self, f: Field, seed: int) -> list[Any]:
        if f.type in INT_SIZES or f.type in ("bytes", "str", "uuid", "hash", "switch"):
            raise Unbuildable(f"{f.id}: repeated {f.type} is not a structure")
        sub = self.sub_struct(f.type)
        cls = self.sub_class(f.type)
        cases: list[int | str | None] = [None, None, None]
        switches = [g for g in sub.seq if g.type == "switch"]
        if switches:
            # one element per known case, and one of an unknown selector (kept as raw bytes)
            cases = [*sorted(switches[0].cases), "unknown"]
        items = [self.build(sub, cls, seed * 10 + i + 1, case) for i, case in enumerate(cases)]
        if f.repeat == "until":
            assert f.repeat_until is not None
            terminator = cls()
            probe = SimpleNamespace(**{k.name: getattr(terminator, k.name) or 0 for k in dataclasses.fields(cls)})
            if not _eval(f.repeat_until, {"_": probe}):
                raise Unbuildable(f"{f.id}: a default element does not end the list ({f.repeat_until.source})")
            items.append(terminator)
        elif f.repeat not in ("expr", "eos"):
            raise Unbuildable(f"{f.id}: repeat {f.repeat}")
        return items


def _region_payload(seed: int) -> Any:
    """Memory Region: its map and data follow from each other (hand-written)."""
    states = "0012300" + "0" * (seed % 3) + "1"
    page_size_log2 = 12
    data = b"".join(_pattern(1 << page_size_log2, seed + i) for i in range(states.count("0")))
    return memory_region.MemoryRegion(
        base_addr=0x7F12_3456_0000 + seed * 0x10_0000, region_size=len(states) << page_size_log2,
        protection=0b101, region_type=sorted(ENUM_NAMES["region_type"])[-1], page_size_log2=page_size_log2,
        timestamp=1_700_000_000_000_000_000 + seed, page_state_map=encode_state_string(states), page_data=data)


#: layouts whose fields depend on each other beyond lengths and counts
HAND_BUILDERS: dict[str, Callable[[int], Any]] = {
    memory_region.MemoryRegion.LAYOUT_ID: _region_payload,
}


def make_instance(spec: Spec, module: ModuleType, cls: type, seed: int) -> Any:
    """A non-trivial instance of a layout."""
    if cls.LAYOUT_ID in HAND_BUILDERS:
        return HAND_BUILDERS[cls.LAYOUT_ID](seed)
    return Builder(spec, module).build(_layout_model(spec, module, cls), cls, seed)


def _triviality(obj: Any, s: SpecStruct, builder: Builder | None, where: str) -> list[str]:
    """Why an instance is not a good round-trip probe (empty when it is)."""
    problems = []
    for f in s.seq:
        value = getattr(obj, f.id)
        if f.reserved or (f.is_int and value is None):
            continue
        if value is None:
            if f.cond is None:
                problems.append(f"{where}.{f.id} is absent")
            continue
        if f.type == "str" and not value:
            problems.append(f"{where}.{f.id} is an empty string")
        if f.repeat:
            if len(value) < 2:
                problems.append(f"{where}.{f.id} has {len(value)} entries")
            if builder is not None:
                sub = builder.sub_struct(f.type)
                for i, item in enumerate(value):
                    problems += _triviality(item, sub, builder, f"{where}.{f.id}[{i}]")
    return problems


def _normalised(written: Any, decoded: Any) -> Any:
    """``written`` with the fields left None (computed by the encoder) taken from ``decoded``."""
    if not dataclasses.is_dataclass(written) or type(written) is not type(decoded):
        return written
    changes = {}
    for f in dataclasses.fields(written):
        w, d = getattr(written, f.name), getattr(decoded, f.name)
        if w is None and isinstance(d, int):
            changes[f.name] = d
        elif isinstance(w, list) and isinstance(d, list) and len(w) == len(d):
            changes[f.name] = [_normalised(a, b) for a, b in zip(w, d, strict=True)]
        elif dataclasses.is_dataclass(w):
            changes[f.name] = _normalised(w, d)
    return dataclasses.replace(written, **changes)


# ----------------------------------------------------------------------------------------
# known generator bugs (strict xfail keeps the suite green until they are fixed)
# ----------------------------------------------------------------------------------------
KNOWN_BUGS: dict[str, str] = {}


def _xfail_known(layout_id: str) -> list[pytest.MarkDecorator]:
    if layout_id in KNOWN_BUGS:
        return [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[layout_id])]
    return []


# ----------------------------------------------------------------------------------------
# helpers for files
# ----------------------------------------------------------------------------------------
def _cap_bits(*modules: ModuleType) -> int:
    bits = 0
    for module in modules:
        if module.CAP_BIT:
            bits |= CapBitmap[module.CAP_BIT.upper()]
    return bits


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _assert_payload_roundtrip(reader: MslReader, rec: BlockRecord, written: Any, endian: str) -> None:
    """Decode ``rec``, compare it with ``written`` and with the exact bytes written."""
    block = reader.decode(rec)
    assert block.skipped is None, block.skipped
    decoded = block.payload
    assert type(decoded) is type(written)
    expected = _normalised(written, decoded)
    assert struct_to_canon(decoded) == struct_to_canon(expected)
    assert decoded == expected
    encoded = written.encode(endian)
    assert expected.encode(endian) == encoded, "the decoded length/count fields differ from the computed ones"
    payload = bytes(reader.payload_bytes(rec))
    assert payload[:len(encoded)] == encoded
    rest = payload[len(encoded):]
    assert rest == bytes(len(rest)) and len(rest) < (1 if rec.compressed else 8)
    assert decoded.encode(endian) == encoded


# ----------------------------------------------------------------------------------------
# the coverage guard
# ----------------------------------------------------------------------------------------
def test_every_defined_layout_is_covered(spec: Spec) -> None:
    """Every defined 1.0/1.1 layout gets a valid, non-trivial instance (or is a terminator)."""
    assert ADDABLE, "no layouts found in the registry"
    uncovered: dict[str, str] = {}
    for module, cls, dialect in ADDABLE:
        key = _layout_id(module, cls, dialect)
        try:
            obj = make_instance(spec, module, cls, 1)
        except Unbuildable as exc:
            uncovered[key] = f"cannot build: {exc}"
            continue
        findings = obj.check()
        if findings:
            uncovered[key] = f"built instance breaks constraints: {findings}"
            continue
        if cls.LAYOUT_ID not in HAND_BUILDERS:
            problems = _triviality(obj, _layout_model(spec, module, cls), Builder(spec, module), cls.__name__)
            if problems:
                uncovered[key] = "trivial instance: " + "; ".join(problems)
    assert uncovered == {}
    covered_blocks = {m.BLOCK_ID for m, _, _ in ALL_LAYOUTS}
    registry_blocks = {m.BLOCK_ID for m in BLOCK_MODULES if m.STATUS == "defined"
                       and any(d in WRITE_DIALECTS for c in m.LAYOUTS for d in c.DIALECTS)}
    assert registry_blocks - covered_blocks == set()
    assert TERMINATORS <= covered_blocks


def test_spec_and_generated_layouts_agree(spec: Spec) -> None:
    """Each generated layout class has its schema layout, with the same field ids."""
    for module, cls, _dialect in ALL_LAYOUTS:
        model = _layout_model(spec, module, cls)
        assert [f.id for f in model.seq] == [f.id for f in cls.FIELDS], cls.__name__
        assert set(cls.DIALECTS) == set(model.dialects)


# ----------------------------------------------------------------------------------------
# every layout, both byte orders, every codec
# ----------------------------------------------------------------------------------------
def _roundtrip_params() -> Iterator[Any]:
    for module, cls, dialect in ADDABLE:
        for ename, endian in ENDIANS.items():
            for comp in COMPRESSIONS:
                yield pytest.param(module, cls, dialect, endian, comp,
                                   id=f"{_layout_id(module, cls, dialect)}-{ename}-{comp}",
                                   marks=_xfail_known(module.BLOCK_ID))


@pytest.mark.parametrize(("module", "cls", "dialect", "endian", "comp"), list(_roundtrip_params()))
def test_layout_roundtrip(spec: Spec, tmp_path: Path, module: ModuleType, cls: type, dialect: str, endian: str,
                          comp: str) -> None:
    """Written with MslWriter.add, read back equal, verified, mode 0600."""
    version = WRITE_DIALECTS[dialect]
    in_segment = module.IN_EXTENSION and version != "1.0"
    path = tmp_path / "layout.msl"
    first = make_instance(spec, module, cls, 3)
    second = make_instance(spec, module, cls, 7)
    parent = _uuid(99, "parent")
    w = MslWriter(path, format_version=version, endian=endian, cap_bitmap=_cap_bits(module), pid=4242)
    uid1 = w.add(first, compress=comp, parent_uuid=parent)
    uid2 = None
    w.finish_capture(acq_end=ACQ_END)
    if in_segment:
        w.begin_extension()
        uid2 = w.add(second, compress=comp)
        w.end_extension(producer="roundtrip", written_at=WRITTEN_AT)
    assert not path.exists()
    assert w.finish() == path
    assert _mode(path) == 0o600
    assert not w.partial.exists()

    with MslReader(path, dialect=dialect) as reader:
        assert reader.endian == endian
        assert reader.version == VERSIONS[version]
        assert struct.unpack_from(endian + "H", reader.data, 10)[0] == VERSIONS[version]
        assert reader.header.cap_bitmap == _cap_bits(module)
        report = verify(reader)
        assert report.ok, report.problems
        assert report.trailing_bytes == 0
        assert reader.fault is None
        recs = [r for r in reader.blocks if r.block_type == cls.BLOCK_TYPE]
        assert len(recs) == (2 if in_segment else 1)
        rec = recs[0]
        assert rec.segment == 0
        assert bytes(rec.header.block_uuid) == uid1
        assert bytes(rec.header.parent_uuid) == parent
        assert rec.header.payload_version == cls.PAYLOAD_VERSIONS[-1]
        assert rec.compressed == (comp != "none")
        if comp != "none":
            assert rec.comp_algo == {"zstd": 1, "lz4": 2}[comp]
        assert rec.length % 8 == 0 or rec.compressed
        _assert_payload_roundtrip(reader, rec, first, endian)
        if in_segment:
            ext = recs[1]
            assert ext.segment == 1
            assert bytes(ext.header.block_uuid) == uid2
            assert len(report.segments) == 1
            _assert_payload_roundtrip(reader, ext, second, endian)
        else:
            assert report.segments == []

    with MslReader(path) as auto:
        # the heuristics may only pick 1.0/1.1 or, for a payload shape only memdiver writes
        # (e.g. a 56-byte Related Dump), memdiver-1.0.2 - whose layout for this type is the same
        if auto.dialect != dialect:
            assert auto.dialect == "memdiver-1.0.2", auto.dialect_reasons
            assert "memdiver-1.0.2" in cls.DIALECTS, auto.dialect_reasons
        assert type(auto.decode(recs[0]).payload) is cls


# ----------------------------------------------------------------------------------------
# all layouts in one file, and evidence blocks refused in extension segments
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", list(WRITE_DIALECTS))
@pytest.mark.parametrize("endian", list(ENDIANS.values()), ids=list(ENDIANS))
def test_all_layouts_in_one_file(spec: Spec, tmp_path: Path, dialect: str, endian: str) -> None:
    """One capture holding every layout of the dialect, each codec in turn, reads back and verifies."""
    version = WRITE_DIALECTS[dialect]
    items = [(m, c) for m, c, d in ADDABLE if d == dialect and m.BLOCK_ID not in KNOWN_BUGS]
    path = tmp_path / "all.msl"
    w = MslWriter(path, format_version=version, endian=endian, cap_bitmap=_cap_bits(*(m for m, _ in items)))
    written = []
    for i, (module, cls) in enumerate(items):
        obj = make_instance(spec, module, cls, 20 + i)
        uid = w.add(obj, compress=COMPRESSIONS[i % 3])
        written.append((uid, obj))
    w.finish(acq_end=ACQ_END)
    with MslReader(path, dialect=dialect) as reader:
        report = verify(reader)
        assert report.ok, report.problems
        by_uuid = reader.uuid_index()
        for uid, obj in written:
            _assert_payload_roundtrip(reader, by_uuid[uid], obj, endian)
        assert len(reader.blocks) == len(items) + 1
        assert reader.blocks[-1].block_type == end_of_capture.BLOCK_TYPE


@pytest.mark.parametrize(
    ("module", "cls"),
    [pytest.param(m, c, id=c.LAYOUT_ID) for m, c, d in ADDABLE if d == "spec-1.1" and not m.IN_EXTENSION])
def test_evidence_refused_in_extension_segment(spec: Spec, tmp_path: Path, module: ModuleType, cls: type) -> None:
    """Block types not allowed in extension segments are refused there (V11-P36)."""
    w = MslWriter(tmp_path / "ext.msl", cap_bitmap=_cap_bits(module))
    obj = make_instance(spec, module, cls, 5)
    w.add(obj)
    w.finish_capture()
    w.begin_extension()
    with pytest.raises(EncodeError) as info:
        w.add(obj)
    assert info.value.rule == "V11-P36"
    w.end_extension()
    w.finish()
    with MslReader(tmp_path / "ext.msl") as reader:
        assert verify(reader).ok


# ----------------------------------------------------------------------------------------
# terminators
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("dialect", list(WRITE_DIALECTS))
@pytest.mark.parametrize("endian", list(ENDIANS.values()), ids=list(ENDIANS))
def test_terminators(tmp_path: Path, dialect: str, endian: str) -> None:
    """End-of-Capture (and End-of-Extension in 1.1) carry the exact hashes and counts."""
    version = WRITE_DIALECTS[dialect]
    path = tmp_path / "term.msl"
    w = MslWriter(path, format_version=version, endian=endian, cap_bitmap=CapBitmap.MEMORY_REGIONS)
    w.add_memory_region(0x10000, "0", _pattern(4096, 1), compress="zstd")
    w.add_memory_region(0x20000, "01", _pattern(4096, 2))
    w.finish_capture(acq_end=ACQ_END)
    if version == "1.1":
        for n in (1, 2):
            w.begin_extension()
            w.end_extension(producer=f"prod-ü{n}", written_at=WRITTEN_AT + n)
    else:
        with pytest.raises(EncodeError):
            w.begin_extension()
    w.finish()
    raw = path.read_bytes()
    with MslReader(path) as reader:
        assert reader.dialect == dialect
        assert verify(reader).ok
        eoc = reader.eoc
        assert eoc is not None and eoc.index == 2
        payload = reader.decode(eoc).payload
        assert isinstance(payload, end_of_capture.EndOfCapture)
        assert payload.file_hash == digest(raw[:eoc.offset])
        assert payload.acq_end == ACQ_END
        assert payload.block_count == (3 if version == "1.1" else 0)
        assert (payload.reserved or 0) == 0
        assert reader.header.block_count == 0
        eoxs = [r for r in reader.blocks if r.block_type == end_of_extension.BLOCK_TYPE]
        assert len(eoxs) == (2 if version == "1.1" else 0)
        for n, rec in enumerate(eoxs, 1):
            eox = reader.decode(rec).payload
            assert eox == end_of_extension.EndOfExtension(
                segment_hash=digest(b""), written_at=WRITTEN_AT + n, block_count=1,
                len_producer=len(f"prod-ü{n}".encode()) + 1, producer=f"prod-ü{n}")
            assert rec.segment == n


# ----------------------------------------------------------------------------------------
# memory regions
# ----------------------------------------------------------------------------------------
REGION_STATES = "0001200330012221030003"


def _page_bytes(index: int, page_size: int) -> bytes:
    head = f"page {index:04d} ".encode()
    return (head + _pattern(page_size - len(head), index))[:page_size]


def _expected_spans(base: int, states: str, page_size: int) -> list[tuple[int, int, str, bytes | None]]:
    names = ("captured", "failed", "unmapped", "not_resident")
    out: list[list[Any]] = []
    for i, s in enumerate(states):
        name = names[int(s)]
        data = _page_bytes(i, page_size) if s == "0" else None
        addr = base + i * page_size
        if out and out[-1][2] == name:
            out[-1][1] += page_size
            if data is not None:
                out[-1][3] += data
        else:
            out.append([addr, page_size, name, data])
    return [tuple(x) for x in out]  # type: ignore[misc]


@pytest.mark.parametrize("comp", COMPRESSIONS)
@pytest.mark.parametrize("endian", list(ENDIANS.values()), ids=list(ENDIANS))
def test_memory_regions_read_back(tmp_path: Path, endian: str, comp: str) -> None:
    """Captured pages come back byte for byte; failed/unmapped/not-resident pages carry no data."""
    path = tmp_path / "regions.msl"
    regions = [(0x7FFF_0000_0000, REGION_STATES, 12), (0x7FFF_0010_0000, "30201", 10),
               (0x4000_0000, "0" * 5, 14)]
    w = MslWriter(path, endian=endian, compression=comp, cap_bitmap=CapBitmap.MEMORY_REGIONS)
    for base, states, log2 in regions:
        data = b"".join(_page_bytes(i, 1 << log2) for i, s in enumerate(states) if s == "0")
        w.add_memory_region(base, states, data, page_size_log2=log2, protection=3, timestamp=ACQ_END)
    w.finish()
    assert _mode(path) == 0o600
    with MslReader(path) as reader:
        assert verify(reader).ok
        found = list(reader.regions())
        assert [(r.base, r.states, r.page_size) for r in found] == [(b, s, 1 << g) for b, s, g in regions]
        for r in found:
            assert r.record.compressed == (comp != "none")
        for base, states, log2 in regions:
            ps = 1 << log2
            spans = reader.read(base, len(states) * ps)
            got = [(s.addr, s.length, s.state, s.data) for s in spans]
            assert got == _expected_spans(base, states, ps)
            for s in spans:
                assert (s.data is None) == (s.state != "captured")
        # an unaligned window across a captured/failed boundary and beyond the region
        base, states, log2 = regions[0]
        ps = 1 << log2
        spans = reader.read(base + ps + 100, 3 * ps)
        assert [(s.state, s.length) for s in spans] == [("captured", 2 * ps - 100), ("failed", ps), ("unmapped", 100)]
        assert spans[0].data == (_page_bytes(1, ps) + _page_bytes(2, ps))[100:]
        # gaps between regions are absent, never zeros
        end = regions[0][0] + len(REGION_STATES) * ps
        gap = reader.read(end - 16, 64)
        assert [(s.state, s.length, s.data is None) for s in gap] == [("not_resident", 16, True),
                                                                      ("absent", 48, True)]


CONT_STATES = ("0" * 40 + "1" * 3 + "0" * 20 + "2" * 10 + "0" * 25 + "3" * 4 + "0" * 30)


@pytest.mark.parametrize("comp", COMPRESSIONS)
@pytest.mark.parametrize("endian", list(ENDIANS.values()), ids=list(ENDIANS))
def test_continuation_split(tmp_path: Path, endian: str, comp: str) -> None:
    """A region larger than max_block_length is split into HasChildren + Continuation fragments."""
    log2, ps = 10, 1 << 10
    limit = 80 + 40 + 40 * ps
    path = tmp_path / "split.msl"
    base = 0x5555_0000_0000
    data = b"".join(_page_bytes(i, ps) for i, s in enumerate(CONT_STATES) if s == "0")
    parent = _uuid(1, "region-parent")
    w = MslWriter(path, endian=endian, compression=comp, cap_bitmap=CapBitmap.MEMORY_REGIONS,
                  max_block_length=limit)
    small = w.add_memory_region(0x1000_0000, "01", _page_bytes(0, ps), page_size_log2=log2)
    uuids = w.add_memory_region(base, CONT_STATES, data, page_size_log2=log2, parent_uuid=parent)
    w.finish()
    assert len(small) == 1
    assert len(uuids) >= 3
    with MslReader(path) as reader:
        assert verify(reader).ok
        frags = [r for r in reader.blocks if r.block_type == memory_region.BLOCK_TYPE][1:]
        assert [bytes(r.header.block_uuid) for r in frags] == uuids
        first, rest = frags[0], frags[1:]
        assert first.header.flags & BlockFlags.HAS_CHILDREN
        assert not first.header.flags & BlockFlags.CONTINUATION
        assert bytes(first.header.parent_uuid) == parent
        for r in rest:
            assert r.header.flags & BlockFlags.CONTINUATION
            assert not r.header.flags & BlockFlags.HAS_CHILDREN
            assert bytes(r.header.parent_uuid) == uuids[0]
        assert reader.children()[uuids[0]] == rest
        cursor, states = base, ""
        for r in frags:
            assert r.length <= limit
            assert r.compressed == (comp != "none")
            p = reader.decode(r).payload
            assert p.base_addr == cursor
            assert p.page_size_log2 == log2
            cursor += p.region_size
            states += next(g.states for g in reader.regions() if g.record.index == r.index)
        assert cursor == base + len(CONT_STATES) * ps
        assert states == CONT_STATES
        spans = reader.read(base, len(CONT_STATES) * ps)
        assert [(s.addr, s.length, s.state, s.data) for s in spans] == _expected_spans(base, CONT_STATES, ps)
        small_rec = [r for r in reader.blocks if r.block_type == memory_region.BLOCK_TYPE][0]
        assert small_rec.header.flags & (BlockFlags.HAS_CHILDREN | BlockFlags.CONTINUATION) == 0


@pytest.mark.parametrize("comp", ["zstd", "lz4"])
def test_continuation_limit_with_incompressible_pages(tmp_path: Path, comp: str) -> None:
    """Fragments stay within max_block_length even when compression cannot shrink the pages."""
    log2, ps = 10, 1 << 10
    limit = 80 + 40 + 40 * ps
    rnd = hashlib.shake_256(b"incompressible").digest(64 * ps)
    w = MslWriter(tmp_path / "rnd.msl", compression=comp, cap_bitmap=CapBitmap.MEMORY_REGIONS,
                  max_block_length=limit)
    w.add_memory_region(0x9000_0000, "0" * 64, rnd, page_size_log2=log2)
    w.finish()
    with MslReader(tmp_path / "rnd.msl") as reader:
        assert verify(reader).ok
        lengths = [r.length for r in reader.blocks if r.block_type == memory_region.BLOCK_TYPE]
        assert len(lengths) == 2
        assert max(lengths) <= limit
        assert b"".join(s.data or b"" for s in reader.read(0x9000_0000, 64 * ps)) == rnd


# ----------------------------------------------------------------------------------------
# strict 1.0 and constraint refusals
# ----------------------------------------------------------------------------------------
ONLY_11 = [(m, c) for m, c, d in ALL_LAYOUTS if d == "spec-1.1" and "spec-1.0" not in c.DIALECTS]


def test_there_are_11_only_layouts() -> None:
    assert ONLY_11, "expected some layouts that spec 1.0 does not have"


@pytest.mark.parametrize(("module", "cls"), [pytest.param(m, c, id=c.LAYOUT_ID) for m, c in ONLY_11])
def test_strict_10_refuses_11_only_layouts(spec: Spec, tmp_path: Path, module: ModuleType, cls: type) -> None:
    """format_version 1.0 refuses layouts that exist only in 1.1, and writes Version 0x0100."""
    path = tmp_path / "strict.msl"
    w = MslWriter(path, format_version="1.0", endian=">")
    if module.BLOCK_ID in TERMINATORS:
        obj = cls()
    else:
        obj = make_instance(spec, module, cls, 2)
    with pytest.raises(EncodeError):
        w.add(obj)
    with pytest.raises(EncodeError):
        w.begin_extension()
    w.finish()
    raw = path.read_bytes()
    assert raw[10:12] == b"\x01\x00"  # big-endian 0x0100
    with MslReader(path) as reader:
        assert reader.version == 0x0100
        assert reader.dialect == "spec-1.0"
        assert verify(reader).ok
        assert [r.block_type for r in reader.blocks] == [end_of_capture.BLOCK_TYPE]


def test_strict_10_header_options() -> None:
    """1.0 has no HashAlgo and only the Imported header flag."""
    with pytest.raises(EncodeError):
        MslWriter("/nonexistent-dir/x.msl", format_version="1.0", hash_algo=1)
    with pytest.raises(EncodeError):
        MslWriter("/nonexistent-dir/x.msl", format_version="1.3")
    with pytest.raises(EncodeError):
        MslWriter("/nonexistent-dir/x.msl", endian="=")
    with pytest.raises(EncodeError):
        MslWriter("/nonexistent-dir/x.msl", compression="gzip")


def test_writer_refuses_bad_page_size(tmp_path: Path) -> None:
    """PageSizeLog2 outside 10..40 is refused, through add() and add_memory_region()."""
    w = MslWriter(tmp_path / "bad.msl", cap_bitmap=CapBitmap.MEMORY_REGIONS)
    bad = dataclasses.replace(_region_payload(1), page_size_log2=5, region_size=9 << 5)
    with pytest.raises(EncodeError) as info:
        w.add(bad)
    assert info.value.rule == "C10"
    with pytest.raises(EncodeError) as info:
        w.add_memory_region(0x1000, "0", b"x" * 32, page_size_log2=5)
    assert info.value.rule == "P14"
    with pytest.raises(EncodeError):
        w.add_memory_region(0x1000, "00", b"x" * 4096)  # two captured pages need 8192 bytes
    with pytest.raises(EncodeError):
        w.write_block(0, [b""])
    w.add_memory_region(0x1000, "0", b"y" * 4096)
    w.finish()
    with MslReader(tmp_path / "bad.msl") as reader:
        assert verify(reader).ok
        assert [r.block_type for r in reader.blocks] == [memory_region.BLOCK_TYPE, end_of_capture.BLOCK_TYPE]


def _constraint_mutations(spec: Spec, module: ModuleType, cls: type, obj: Any) -> Iterator[tuple[str, Any]]:
    """(what, mutated copy) for each reserved field set non-zero and each `valid` broken."""
    builder = Builder(spec, module)

    def mutate(s: SpecStruct, value: Any, where: str) -> Iterator[tuple[str, Any]]:
        for f in s.seq:
            current = getattr(value, f.id)
            bad: Any = None
            if f.reserved:
                if f.is_int:
                    bad = 1
                elif f.type == "bytes" and isinstance(current, bytes) and current:
                    bad = b"\x01" + current[1:]
            elif f.valid is not None and f.is_int:
                v = f.valid
                if v.max is not None and v.max + 1 < 1 << (8 * INT_SIZES[f.type]):
                    bad = v.max + 1
                elif v.min is not None and v.min > 0:
                    bad = v.min - 1
                elif v.any_of:
                    bad = max(v.any_of) + 1
            if bad is not None:
                yield f"{where}.{f.id}", dataclasses.replace(value, **{f.id: bad})
            if f.repeat and current and f.type not in INT_SIZES:
                sub = builder.sub_struct(f.type)
                for what, item in mutate(sub, current[0], f"{where}.{f.id}[0]"):
                    yield what, dataclasses.replace(value, **{f.id: [item, *current[1:]]})

    yield from mutate(_layout_model(spec, module, cls), obj, cls.__name__)


@pytest.mark.parametrize(("module", "cls"), [pytest.param(m, c, id=c.LAYOUT_ID)
                                             for m, c, d in ADDABLE if d == "spec-1.1"])
def test_writer_refuses_broken_constraints(spec: Spec, tmp_path: Path, module: ModuleType, cls: type) -> None:
    """Every reserved field set non-zero and every range broken is refused with EncodeError."""
    obj = make_instance(spec, module, cls, 4)
    w = MslWriter(tmp_path / "c.msl", cap_bitmap=_cap_bits(module))
    accepted = []
    for what, bad in _constraint_mutations(spec, module, cls, obj):
        try:
            w.add(bad)
        except EncodeError:
            continue
        accepted.append(what)
    assert accepted == []
    w.add(obj)
    w.finish()
    with MslReader(tmp_path / "c.msl") as reader:
        assert verify(reader).ok
        assert len(reader.blocks) == 2


# ----------------------------------------------------------------------------------------
# the .partial file
# ----------------------------------------------------------------------------------------
def test_partial_renamed_only_on_finish(tmp_path: Path) -> None:
    """The file is written as <name>.<16 random hex>.partial (0600 whatever the umask) and renamed at finish."""
    path = tmp_path / "cap.msl"
    old = os.umask(0)
    try:
        w = MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS)
    finally:
        os.umask(old)
    partial = w.partial
    assert re.fullmatch(r"cap\.msl\.[0-9a-f]{16}\.partial", partial.name) and partial.parent == tmp_path
    assert sorted(tmp_path.iterdir()) == [partial] and not path.exists()
    assert _mode(partial) == 0o600
    w.add_memory_region(0x1000, "0", b"z" * 4096)
    w.finish_capture()
    assert partial.exists() and not path.exists()
    w.finish()
    assert path.exists() and not partial.exists()
    assert _mode(path) == 0o600
    with MslReader(path) as reader:
        assert verify(reader).ok


def test_abort_and_incomplete(tmp_path: Path) -> None:
    """abort() deletes the partial file; an exception in the with-block aborts; close_incomplete renames."""
    path = tmp_path / "a.msl"
    w = MslWriter(path)
    w.abort()
    assert list(tmp_path.iterdir()) == []

    with pytest.raises(RuntimeError), MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS) as w2:
        w2.add_memory_region(0x1000, "0", b"z" * 4096)
        raise RuntimeError("acquisition failed")
    assert list(tmp_path.iterdir()) == []

    w3 = MslWriter(path, cap_bitmap=CapBitmap.MEMORY_REGIONS)
    w3.add_memory_region(0x1000, "0", b"z" * 4096)
    assert w3.close_incomplete() == path
    assert _mode(path) == 0o600
    with MslReader(path) as reader:
        assert reader.eoc is None
        report = verify(reader)
        assert report.chain == "ok" and not report.ok

    existing = tmp_path / "keep.msl"
    existing.write_bytes(b"precious")
    with pytest.raises(DestinationExistsError):  # refused at once, before anything is written
        MslWriter(existing, overwrite=False)
    assert existing.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.msl", "keep.msl"]


def test_cap_bitmap_must_match(tmp_path: Path) -> None:
    """Declared capability bits and written blocks must agree (P8)."""
    w = MslWriter(tmp_path / "p8.msl")
    w.add_memory_region(0x1000, "0", b"z" * 4096)
    with pytest.raises(EncodeError) as info:
        w.finish()
    assert info.value.rule == "P8"
    w.abort()
    w = MslWriter(tmp_path / "p8.msl", cap_bitmap=CapBitmap.MEMORY_REGIONS | CapBitmap.MODULE_LIST)
    w.add_memory_region(0x1000, "0", b"z" * 4096)
    with pytest.raises(EncodeError) as info:
        w.finish()
    assert info.value.rule == "P8"
    w.abort()


# ----------------------------------------------------------------------------------------
# VAS Map: both entry forms
# ----------------------------------------------------------------------------------------
def _vas_entries() -> list[Any]:
    from memslice.generated.blocks import vas_map

    return [vas_map.VasEntry(base_addr=0x5555_5555_4000, region_size=0x3000, protection=5, region_type=1,
                             name_source=1, mapped_path="/usr/bin/cat"),
            vas_map.VasEntry(base_addr=0x7FFF_FFFD_E000, region_size=0x21000, protection=3, region_type=2,
                             name_source=1, mapped_path="[stack]")]


@pytest.mark.parametrize("endian", list(ENDIANS.values()), ids=list(ENDIANS))
def test_vas_map_with_explicit_counts(tmp_path: Path, endian: str) -> None:
    """With EntryCount and EntrySize given, the variable-length form round-trips."""
    from memslice.generated.blocks import vas_map

    obj = vas_map.VasMap(num_entries=2, len_entry=0, entries=_vas_entries())
    path = tmp_path / "vas.msl"
    w = MslWriter(path, endian=endian)
    w.add(obj, compress="zstd")
    w.finish()
    with MslReader(path) as reader:
        assert verify(reader).ok
        _assert_payload_roundtrip(reader, reader.blocks[0], obj, endian)


def test_vas_map_fixed_stride_is_honoured_on_read() -> None:
    """EntrySize != 0: each entry occupies exactly EntrySize bytes (1.1 5.8)."""
    from memslice.generated.blocks import vas_map

    entries = _vas_entries()
    stride = 64
    raw = struct.pack("<II", len(entries), stride)
    for e in entries:
        enc = e.encode("<")
        assert len(enc) < stride
        raw += enc + bytes(stride - len(enc))
    decoded = vas_map.VasMap.decode(raw, "<")
    assert decoded.entries is None
    assert decoded.entries_fixed == [_normalised(e, d) for e, d in zip(entries, decoded.entries_fixed, strict=True)]


def test_vas_map_fixed_stride_on_write() -> None:
    """Encoding the fixed-stride form pads each entry to EntrySize."""
    from memslice.generated.blocks import vas_map

    entries = _vas_entries()
    stride = 64
    expected = struct.pack("<II", len(entries), stride)
    for e in entries:
        enc = e.encode("<")
        expected += enc + bytes(stride - len(enc))
    assert vas_map.VasMap(num_entries=2, len_entry=stride, entries_fixed=entries).encode("<") == expected
    assert vas_map.VasMap(len_entry=stride, entries_fixed=entries).encode("<") == expected
