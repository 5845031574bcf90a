"""The Kaitai Struct definition ``generated/kaitai/memslice.ksy``, compiled and run for real.

The committed ``.ksy`` is compiled with the npm build of kaitai-struct-compiler 0.11
(``tools/kaitai/ksc.js`` under node, packages pinned by ``tools/kaitai/package-lock.json``) to
Python, JavaScript and Java under ``build/kaitai/<lang>/``. The compiled Python parser
(kaitaistruct 0.11 runtime, with the process routine ``tools/kaitai/python/memslice_codec.py``)
is one more reader: on every sample capture and on captures our writer makes (both byte
orders, every codec, every defined payload layout), its view of every header and payload
field, rendered as canonical JSON by ``conformance/kaitai_canon.py``, must equal the reader's
(``memslice.canon``). The JavaScript parser is run under node on samples and compared the
same way (its runtime reads u8 as a double, so values above 2^53 compare as doubles).

When node or ``tools/kaitai/node_modules`` is missing the compiler tests skip with the command
to run, except under CI (``CI`` set), where they fail.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from memslice.codegen import Spec, load_spec
from memslice.codegen.driver import render_all
from memslice.codegen.model import INT_SIZES, Field, Struct
from memslice.conformance.kaitai_canon import KaitaiCanon, camel, js_tree
from memslice.generated._support import encode_str
from memslice.generated.blocks import memory_region
from memslice.generated.enums import CAP_BIT_BLOCKS, ENUM_NAMES, FLAG_BITS, CapBitmap
from memslice.generated.registry import BLOCK_MODULES

from memslice import MslReader
from memslice.canon import to_canonical
from memslice.writer import MslWriter
from tests.conftest import SAMPLES, tool_missing

ROOT = Path(__file__).resolve().parents[1]
KSY = ROOT / "generated" / "kaitai" / "memslice.ksy"
TOOLS = ROOT / "tools" / "kaitai"
BUILD = ROOT / "build" / "kaitai"
LANGS = ("python", "javascript", "java")
OUTPUTS = {"python": "memslice.py", "javascript": "Memslice.js", "java": "Memslice.java"}
ALL_SAMPLES = sorted(str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.msl"))
U53 = 1 << 53

pytestmark = pytest.mark.xdist_group("kaitai-build")
"""Under pytest-xdist (``make test``) this file runs on one worker: the session fixture ``compiled``
rewrites ``build/kaitai`` in place, so a second worker would compile it again while the first
imports from it (a torn read) and spend the compiler's seconds twice."""


# ----------------------------------------------------------------------------------------
# toolchain and compilation
# ----------------------------------------------------------------------------------------
def toolchain_missing() -> str | None:
    """Why the compiler cannot run here, or None."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (TOOLS / "node_modules" / "kaitai-struct-compiler").is_dir():
        return "tools/kaitai/node_modules is missing: run `npm ci --prefix tools/kaitai`"
    return None


def require_toolchain() -> None:
    reason = toolchain_missing()
    if reason:
        tool_missing(reason)


def compile_ksy(ksy: Path, out: Path, langs: tuple[str, ...] = LANGS) -> float:
    """Compile a .ksy with the real compiler; return the seconds it took."""
    args = ["node", str(TOOLS / "ksc.js")]
    for lang in langs:
        args += ["-t", lang]
    start = time.perf_counter()
    proc = subprocess.run([*args, str(ksy), str(out)], capture_output=True, text=True, timeout=300)
    took = time.perf_counter() - start
    assert proc.returncode == 0, f"ksc failed:\n{proc.stderr}"
    return took


def load_parser(path: Path, name: str) -> ModuleType:
    """Import a compiled Python parser under a private module name (its own is ``memslice``)."""
    codec_dir = str(TOOLS / "python")
    if codec_dir not in sys.path:
        sys.path.insert(0, codec_dir)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def compiled() -> Path:
    """``build/kaitai`` with the committed .ksy compiled to Python, JavaScript and Java."""
    require_toolchain()
    took = compile_ksy(KSY, BUILD)
    print(f"\nksc 0.11: {KSY.name} ({KSY.stat().st_size} bytes, {len(KSY.read_text().splitlines())} lines) "
          f"-> {', '.join(LANGS)} in {took:.2f} s")
    return BUILD


@pytest.fixture(scope="session")
def parser(compiled: Path) -> ModuleType:
    """The compiled Python parser module."""
    return load_parser(compiled / "python" / OUTPUTS["python"], "memslice_kaitai")


@pytest.fixture(scope="session")
def spec() -> Spec:
    """The schema model."""
    return load_spec(ROOT / "spec")


@pytest.fixture(scope="session")
def canon(spec: Spec) -> KaitaiCanon:
    """Renders Kaitai trees of the Python parser as canonical documents."""
    return KaitaiCanon(spec)


def kaitai_parse(parser: ModuleType, data: bytes) -> Any:
    from kaitaistruct import BytesIO, KaitaiStream

    return parser.Memslice(KaitaiStream(BytesIO(data)))


def reader_doc(source: Path | bytes, **kw: Any) -> tuple[dict[str, Any], MslReader]:
    reader = MslReader(source if isinstance(source, bytes) else str(source), **kw)
    doc = to_canonical(reader, check_integrity=False)
    doc.pop("integrity")
    return doc, reader


def differences(kaitai: Any, ours: Any, path: str = "") -> Iterator[str]:
    """Every place where two canonical documents differ."""
    if isinstance(kaitai, dict) and isinstance(ours, dict):
        for key in sorted(set(kaitai) | set(ours)):
            if key not in kaitai or key not in ours:
                yield f"{path}/{key}: only in {'kaitai' if key in kaitai else 'reader'}"
            else:
                yield from differences(kaitai[key], ours[key], f"{path}/{key}")
    elif isinstance(kaitai, list) and isinstance(ours, list):
        if len(kaitai) != len(ours):
            yield f"{path}: {len(kaitai)} items in kaitai, {len(ours)} in the reader"
        for i, (a, b) in enumerate(zip(kaitai, ours, strict=False)):
            yield from differences(a, b, f"{path}[{i}]")
    elif kaitai != ours:
        yield f"{path}: kaitai {kaitai!r:.80} != reader {ours!r:.80}"


def assert_agree(kaitai: dict[str, Any], ours: dict[str, Any]) -> None:
    ours = {k: v for k, v in ours.items() if k != "error"}
    diffs = list(differences(kaitai, ours))
    assert not diffs, f"{len(diffs)} differences:\n" + "\n".join(diffs[:40])


# ----------------------------------------------------------------------------------------
# the definition itself
# ----------------------------------------------------------------------------------------
def test_committed_ksy_is_what_the_spec_generates() -> None:
    files = render_all(ROOT / "spec", ROOT / "generated")
    assert KSY.read_text() == files[KSY], "run `msl codegen`"


def _walk_types(t: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, t
    for name, sub in (t.get("types") or {}).items():
        yield from _walk_types(sub, f"{path}/{name}")


def test_ksy_follows_the_style_guide_and_documents_everything(spec: Spec) -> None:
    text = KSY.read_text()
    assert "\t" not in text and "\r" not in text and text.endswith("\n") and not text.startswith("---")
    assert all((len(line) - len(line.lstrip(" "))) % 2 == 0 for line in text.splitlines() if line.lstrip()[:1] != "")
    ksy = yaml.safe_load(text)
    assert list(ksy)[:4] == ["meta", "doc", "doc-ref", "seq"]
    assert list(ksy["meta"])[:3] == ["id", "title", "application"]
    assert ksy["meta"]["id"] == "memslice" and ksy["meta"]["ks-version"] == "0.11"
    ident = re.compile(r"[a-z][a-z0-9_]*")
    types = list(_walk_types(ksy, ""))
    for path, t in types[1:]:
        assert t.get("doc") and t.get("doc-ref"), f"type {path} lacks doc or doc-ref"
        order = [k for k in t if k in ("meta", "doc", "doc-ref", "params", "seq", "instances", "types")]
        assert order == sorted(order, key=["meta", "doc", "doc-ref", "params", "seq", "instances", "types"].index)
    for path, t in types:
        for attr in t.get("seq", []):
            assert ident.fullmatch(attr["id"]) and attr.get("doc"), f"{path}.{attr['id']}: no doc"
            assert list(attr)[0] == "id" and list(attr)[-1] in ("doc", "doc-ref")
        for name, inst in (t.get("instances") or {}).items():
            assert ident.fullmatch(name) and inst.get("doc"), f"{path} instance {name}: no doc"
    for name, values in ksy["enums"].items():
        for value in values.values():
            assert ident.fullmatch(value["id"]) and value.get("doc"), f"enum {name}.{value['id']}: no doc"
    body_types = ksy["types"]["body"]["types"]
    # every structure of the model is a type, every layout a case of the payload switch
    for s in spec.types.values():
        assert s.id in body_types
    cases = body_types["block"]["seq"][1]["type"]["cases"]
    for b in spec.blocks:
        for s in [*b.layouts, *b.types.values()]:
            assert s.id in body_types, s.id
        for lay in b.layouts:
            assert cases[f"payload_layout::{lay.id}"] == lay.id
    # what Kaitai cannot express is said in the docs
    for words in ("hash functions", "decryption", "end-of-blocks rule c4", "segments"):
        assert words in " ".join(ksy["doc"].lower().split()), words
    # byte order comes from the Endianness byte; pages are 2-bit fields, page 0 in the top bits
    assert ksy["types"]["body"]["meta"]["endian"]["switch-on"] == "_root.endianness"
    psm = body_types["page_state_map"]
    assert psm["meta"] == {"bit-endian": "be"} and psm["seq"][0]["type"] == "b2"


def test_compiles_to_python_javascript_and_java(compiled: Path) -> None:
    for lang, name in OUTPUTS.items():
        text = (compiled / lang / name).read_text()
        assert "MemsliceCodec" in text, f"{lang}: the process routine is not called"
    java = (compiled / "java" / "Memslice.java").read_text()
    assert "public class Memslice extends KaitaiStruct" in java


# ----------------------------------------------------------------------------------------
# samples
# ----------------------------------------------------------------------------------------
KAITAI_DIALECT = {"memdiver-1.0.2/import_raw_sample_dump.msl": "memdiver-1.0.2"}
"""Samples the .ksy gives another dialect than the reader: Kaitai cannot look at every block, so
it still takes a non-zero header BlockCount as memdiver's sign, which the reader no longer does
alone (1.1 allows the count, V11-C13). The sample holds only layouts both dialects share."""


def _without_dialect(name: str, kaitai: dict[str, Any], ours: dict[str, Any]) -> None:
    """Check and drop the dialect of a :data:`KAITAI_DIALECT` sample (everything else must agree)."""
    if name in KAITAI_DIALECT:
        assert (kaitai.pop("dialect"), ours.pop("dialect")) == (KAITAI_DIALECT[name], "spec-1.1")


@pytest.mark.parametrize("name", ALL_SAMPLES)
def test_sample_agrees_with_the_reader(name: str, parser: ModuleType, canon: KaitaiCanon) -> None:
    path = SAMPLES / name
    ours, reader = reader_doc(path)
    with reader:
        if "error" in ours:
            pytest.skip(f"the reader rejects {name}: see test_sample_the_reader_rejects_fails_there_too")
        root = parser.Memslice.from_file(str(path))
        kaitai = canon.document(root)
        _without_dialect(name, kaitai, ours)
        assert_agree(kaitai, ours)
        trailing = 0 if reader.trailing_offset is None else reader.size - reader.trailing_offset
        assert canon.trailing_bytes(root) == trailing


def test_samples_the_reader_decodes_are_all_read_in_full(parser: ModuleType, canon: KaitaiCanon) -> None:
    agreed = []
    for name in ALL_SAMPLES:
        ours, reader = reader_doc(SAMPLES / name)
        reader.close()
        if "error" in ours:
            continue
        root = parser.Memslice.from_file(str(SAMPLES / name))
        kaitai = canon.document(root)
        _without_dialect(name, kaitai, ours)
        if not list(differences(kaitai, ours)):
            agreed.append(name)
    print(f"\nfull agreement on {len(agreed)} of {len(ALL_SAMPLES)} samples:\n  " + "\n  ".join(agreed))
    assert len(agreed) >= len(ALL_SAMPLES) - 1


def test_sample_the_reader_rejects_fails_there_too(parser: ModuleType, canon: KaitaiCanon) -> None:
    from kaitaistruct import BytesIO, KaitaiStream, KaitaiStructError

    rejected = []
    for name in ALL_SAMPLES:
        data = (SAMPLES / name).read_bytes()
        ours, reader = reader_doc(data)
        if "error" not in ours:
            continue
        rejected.append(name)
        bad = int(ours["error"]["message"].split("block ")[1].split(",")[0])
        bad_block = reader.blocks[bad]
        io = KaitaiStream(BytesIO(data))
        with pytest.raises((KaitaiStructError, EOFError)):
            parser.Memslice(io)
        # Kaitai stopped inside the same block: its stream has read exactly up to that block's end
        assert io.pos() == bad_block.end
        # and up to that block both agree
        prefix = data[:bad_block.offset]
        ours_prefix, _ = reader_doc(prefix)
        kaitai = canon.document(kaitai_parse(parser, prefix))
        assert kaitai["blocks"] == ours["blocks"] == ours_prefix["blocks"]
    assert rejected == ["legacy/synthetic_all_blocks.msl"]


def test_the_comparison_sees_a_wrong_layout(parser: ModuleType, canon: KaitaiCanon) -> None:
    path = SAMPLES / "memdiver-1.0.2" / "mdw_plain.msl"
    kaitai = canon.document(parser.Memslice.from_file(str(path)))
    forced, reader = reader_doc(path, dialect="spec-1.1")
    reader.close()
    diffs = list(differences(kaitai, forced))
    assert any("module_entry" in d or "native_blob" in d or "dialect" in d for d in diffs), diffs


# ----------------------------------------------------------------------------------------
# captures our writer makes: every defined layout, both byte orders, every codec
# ----------------------------------------------------------------------------------------
def _pattern(n: int, seed: int) -> bytes:
    return bytes((0x5A + 37 * seed + 11 * i) & 0xFF for i in range(n))


def _eval(expr: Any, env: dict[str, Any]) -> Any:
    code = compile(expr.tree, expr.source, "eval")
    return eval(code, {"__builtins__": {}, "pad8": lambda x: (x + 7) & ~7}, env)  # noqa: S307 (schema text)


#: layouts whose optional tail stays absent: a 56-byte Related Dump is the reader's memdiver signal
NO_TAIL = {"related_dump"}


class PayloadBuilder:
    """Fills every field of a layout from the schema: distinctive values, exact lengths and counts."""

    def __init__(self, spec: Spec, module: ModuleType, endian: str) -> None:
        self.module = module
        self.block = spec.block(module.BLOCK_ID)
        self.endian = endian

    def cls(self, type_id: str) -> type:
        return getattr(self.module, camel(type_id))

    def int_value(self, f: Field, seed: int) -> int:
        nbytes = INT_SIZES[f.type]
        v = f.valid
        if v is not None and v.any_of:
            return v.any_of[seed % len(v.any_of)]
        if v is not None and (v.min is not None or v.max is not None):
            lo = v.min or 0
            hi = v.max if v.max is not None else lo + 7
            return lo + seed % (hi - lo + 1)
        if f.enum:
            values = sorted(k for k in ENUM_NAMES[f.enum] if 0 < k < 1 << (8 * nbytes))
            return values[seed % len(values)]
        if f.flags:
            value = 0
            for i, (_bit_id, bit, width, enum) in enumerate(FLAG_BITS[f.flags]):
                if bit + width <= 8 * nbytes and (i + seed) % 2 == 0:
                    choices = sorted(k for k in ENUM_NAMES.get(enum or "", {}) if 0 < k < 1 << width) or [1]
                    value |= choices[seed % len(choices)] << bit
            return value | 1
        raw = bytearray((0x41 + 13 * seed + 29 * k) % 255 + 1 for k in range(nbytes))
        raw[0] |= 0x80  # top bit set: byte order, sign and 2^53 mistakes show
        value = int.from_bytes(raw, "big")
        return value - (1 << (8 * nbytes)) if f.type.startswith("s") else value

    def build(self, s: Struct, seed: int, case: int | None = None) -> Any:
        cls = self.cls(s.id)
        sizers: dict[str, Field] = {}
        counters: dict[str, Field] = {}
        for f in s.seq:
            if f.size is not None and f.size.source.strip().isidentifier():
                sizers.setdefault(f.size.source.strip(), f)
            if f.repeat_expr is not None and f.repeat_expr.source.strip().isidentifier():
                counters.setdefault(f.repeat_expr.source.strip(), f)
        env: dict[str, Any] = {}
        values: dict[str, Any] = {}
        for f in s.seq:
            if f.is_int and not f.reserved:
                if f.type == "switch" or f.id in sizers or f.id in counters:
                    env[f.id] = 0
                else:
                    env[f.id] = self.int_value(f, seed)
        switch = next((f for f in s.seq if f.type == "switch"), None)
        if switch is not None and switch.switch_on is not None:
            key = case if case is not None else sorted(switch.cases)[0]
            env[switch.switch_on.source.strip()] = key
        for f in s.seq:
            if f.is_int or f.reserved or f.contents is not None:
                continue
            if (f.cond is not None and not _eval(f.cond, env)) or (f.optional_tail and s.id in NO_TAIL):
                values[f.id] = None
                continue
            if f.repeat:
                sub = self.block.types[f.type]
                sw = next((g for g in sub.seq if g.type == "switch"), None)
                cases: list[int | None] = [*sorted(sw.cases), 0xEE] if sw is not None else [None, None]
                items = [self.build(sub, seed * 7 + i + 1, c) for i, c in enumerate(cases)]
                if f.repeat == "until":
                    items.append(self.cls(f.type)())  # the Tag = Len = 0 terminator row
                values[f.id] = items
            elif f.type == "uuid":
                values[f.id] = hashlib.sha256(f"u{seed}{f.id}".encode()).digest()[:16]
            elif f.type == "hash":
                values[f.id] = hashlib.sha256(f"h{seed}{f.id}".encode()).digest()
            elif f.type == "bytes":
                const = f.size.constant() if f.size is not None else None
                values[f.id] = _pattern(const if const is not None else 3 + seed % 11, seed)
            elif f.type == "str":
                values[f.id] = f"{f.id}/ü{seed}" + "ß" * (seed % 5) + "-Ω"
            elif f.type == "switch":
                key = env[switch.switch_on.source.strip()] if switch and switch.switch_on else None
                values[f.id] = (self.build(self.block.types[f.cases[key]], seed) if key in f.cases
                                else _pattern(5 + seed % 7, seed))
            else:
                values[f.id] = self.build(self.block.types[f.type], seed)
        for name, f in counters.items():
            env[name] = len(values.get(f.id) or [])
        for name, f in sizers.items():
            value = values.get(f.id)
            if value is None:
                env[name] = 0
            elif isinstance(value, str):
                env[name] = len(encode_str(value, f.term))
            elif isinstance(value, (bytes, bytearray)):
                env[name] = len(value)
            else:
                env[name] = len(value.encode(self.endian))
        for f in s.seq:
            if f.is_int and not f.reserved:
                values[f.id] = env[f.id]
        return cls(**values)


def write_capture(path: Path, spec: Spec, *, endian: str, compression: str, version: str) -> Path:
    dialect = "spec-1.0" if version == "1.0" else spec.default_write
    addable = [(m, c) for m in BLOCK_MODULES if m.STATUS == "defined" for c in m.LAYOUTS
               if dialect in c.DIALECTS and m.BLOCK_ID not in ("end_of_capture", "end_of_extension",
                                                              memory_region.BLOCK_ID)]
    codes = {m.BLOCK_TYPE for m, _ in addable} | {memory_region.BLOCK_TYPE}
    cap = 0
    for bit_id, bit_codes in CAP_BIT_BLOCKS.items():
        if set(bit_codes) & codes:
            cap |= getattr(CapBitmap, bit_id.upper())
    with MslWriter(path, format_version=version, endian=endian, compression=compression, cap_bitmap=cap,
                   os_type=1, arch_type=1, pid=0x7FFF_1234, timestamp=0x9F00_0000_0000_0001) as w:
        for seed, (module, cls) in enumerate(addable, start=1):
            builder = PayloadBuilder(spec, module, endian)
            w.add(builder.build(builder.block.layouts[[la.id for la in builder.block.layouts].index(cls.LAYOUT_ID)],
                                seed), compress=compression)
        states = "0012300" + "31"
        data = b"".join(_pattern(4096, i) for i in range(states.count("0")))
        w.add_memory_region(0xFFFF_8000_0000_0000, states, data, protection=5, region_type=3,
                            timestamp=0x8000_0000_0000_0003)
        w.add_memory_region(0x7F00_0000_0000, "0" * 3, _pattern(3 << 12, 9), compress="none")
        if version != "1.0":
            w.finish_capture(acq_end=0x8123_4567_89AB_CDEF)
            w.begin_extension()
            for seed, (module, cls) in enumerate(addable, start=100):
                if module.IN_EXTENSION:
                    builder = PayloadBuilder(spec, module, endian)
                    layout = next(la for la in builder.block.layouts if la.id == cls.LAYOUT_ID)
                    w.add(builder.build(layout, seed), compress=compression)
            w.end_extension(producer="memslice-test/ü", written_at=0x8000_0000_0000_0005)
    return path


@pytest.mark.parametrize("version", ["1.1", "1.0"])
@pytest.mark.parametrize("compression", ["none", "zstd", "lz4"])
@pytest.mark.parametrize("endian", ["<", ">"], ids=["le", "be"])
def test_writer_capture_agrees(tmp_path: Path, spec: Spec, parser: ModuleType, canon: KaitaiCanon, endian: str,
                               compression: str, version: str) -> None:
    path = write_capture(tmp_path / "w.msl", spec, endian=endian, compression=compression, version=version)
    ours, reader = reader_doc(path)
    with reader:
        assert "error" not in ours and not reader.warnings, reader.warnings
        kaitai = canon.document(parser.Memslice.from_file(str(path)))
    assert kaitai["dialect"] == ("spec-1.0" if version == "1.0" else "spec-1.1")
    layouts = {b["type_name"] for b in kaitai["blocks"] if "payload" in b}
    assert len(layouts) >= (10 if version == "1.0" else 20), layouts
    assert_agree(kaitai, ours)


def test_trailing_data_ends_the_blocks_without_failing(tmp_path: Path, spec: Spec, parser: ModuleType,
                                                       canon: KaitaiCanon) -> None:
    path = write_capture(tmp_path / "t.msl", spec, endian=">", compression="lz4", version="1.1")
    data = path.read_bytes()
    for junk in (b"JUNK" * 30, b"MSLC" + bytes(20), b"\0" * 79):
        ours, reader = reader_doc(data + junk)
        root = kaitai_parse(parser, data + junk)
        assert_agree(canon.document(root), ours)
        assert canon.trailing_bytes(root) == len(junk) == reader.size - (reader.trailing_offset or reader.size)


# ----------------------------------------------------------------------------------------
# JavaScript under node
# ----------------------------------------------------------------------------------------
def _lossy_equal(js: Any, ours: Any) -> bool:
    """Integers above 2^53 as the JavaScript runtime reads them: the nearest double."""
    def as_int(x: Any) -> int | None:
        if isinstance(x, str) and re.fullmatch(r"-?(0x[0-9a-f]+|\d+)", x):
            return int(x, 0)
        return None

    a, b = as_int(js), as_int(ours)
    return a is not None and b is not None and abs(b) > U53 and float(a) == float(b)


JS_SAMPLES = [
    "memslicer-0.5.2/tiny_gdb_stack_none.msl",
    "memslicer-0.5.2/tiny_gdb_heap_zstd.msl",
    "memslicer-0.5.2/tiny_frida_stack_lz4.msl",
    "memslicer-0.5.2/gdb_inv_plain_zstd_64m.msl",
    "memdiver-1.0.2/mdw_plain.msl",
    "memdiver-1.0.2/mdw_zstd.msl",
    "memdiver-1.0.2/mdw_lz4.msl",
    "memdiver-1.0.2/mdw_enc_rawkey.msl",
    "legacy/chrome_min_original.msl",
]


def test_javascript_parser_reads_samples_under_node(compiled: Path, spec: Spec) -> None:
    env = {**os.environ, "NODE_PATH": os.pathsep.join([str(TOOLS / "node_modules"), str(TOOLS / "js")])}
    files = [str(SAMPLES / n) for n in JS_SAMPLES]
    proc = subprocess.run(["node", str(TOOLS / "dump.js"), str(compiled / "javascript" / OUTPUTS["javascript"]),
                           *files], capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    js_canon = KaitaiCanon(spec, js_tree())
    lossy = 0
    for entry, name in zip(result["files"], JS_SAMPLES, strict=True):
        assert "error" not in entry, f"{name}: {entry.get('error')}"
        ours, reader = reader_doc(SAMPLES / name)
        reader.close()
        diffs = []
        for d in differences(js_canon.document(entry["tree"]), {k: v for k, v in ours.items() if k != "error"}):
            m = re.fullmatch(r"(.*): kaitai (.*) != reader (.*)", d)
            if m and _lossy_equal(eval(m.group(2)), eval(m.group(3))):  # noqa: S307 (repr of our own strings)
                lossy += 1
                continue
            diffs.append(d)
        assert not diffs, f"{name}:\n" + "\n".join(diffs[:30])
    print(f"\nJavaScript parser under node: {len(JS_SAMPLES)} samples agree; {lossy} u8 values above 2^53 "
          "equal only as doubles (the JavaScript runtime reads u8 as a Number)")


def test_javascript_codec_rejects_a_lying_size(compiled: Path) -> None:
    script = (
        "const {MemsliceCodec} = require('MemsliceCodec');"
        "const lz4 = Uint8Array.from([9,0,0,0,0,0,0,0, 9,0,0,0, 0x40,0x61,0x62,0x63,0x64]);"
        "try { new MemsliceCodec(true, 2, true, false).decode(lz4); console.log('accepted'); }"
        "catch (e) { console.log(e.constructor.name); }"
        "const ok = Uint8Array.from([4,0,0,0,0,0,0,0, 4,0,0,0, 0x40,0x61,0x62,0x63,0x64]);"
        "console.log(Buffer.from(new MemsliceCodec(true, 2, true, false).decode(ok)).toString());")
    env = {**os.environ, "NODE_PATH": str(TOOLS / "js") + os.pathsep + str(TOOLS / "node_modules")}
    proc = subprocess.run(["node", "-e", script], capture_output=True, text=True, env=env, timeout=60)
    assert proc.stdout.split() == ["MemsliceCodecError", "abcd"], proc.stdout + proc.stderr


# ----------------------------------------------------------------------------------------
# Java: the process routine compiles with the JDK and inflates what our writer compresses
# ----------------------------------------------------------------------------------------
JAVA_HARNESS = """
import java.nio.file.*;
import java.security.MessageDigest;
public class Harness {
    public static void main(String[] args) throws Exception {
        for (int i = 0; i < args.length; i += 3) {
            byte[] raw = Files.readAllBytes(Paths.get(args[i]));
            try {
                byte[] out = new MemsliceCodec(true, Long.parseLong(args[i + 1]), args[i + 2].equals("le"), false)
                    .decode(raw);
                StringBuilder hex = new StringBuilder();
                for (byte b : MessageDigest.getInstance("SHA-256").digest(out)) hex.append(String.format("%02x", b));
                System.out.println("ok " + out.length + " " + hex);
            } catch (MemsliceCodec.MemsliceCodecException e) {
                System.out.println("error " + e.getMessage());
            }
        }
    }
}
"""


def test_java_codec_inflates_what_the_writer_compresses(tmp_path: Path, compiled: Path) -> None:
    from memslice.compression import compress_payload

    if shutil.which("javac") is None or shutil.which("java") is None:
        tool_missing("javac/java not installed (the JDK is needed for the compiled Java parser)")
    assert "new MemsliceCodec(isCompressed(), header().flags().compAlgo().id()" in (
        compiled / "java" / OUTPUTS["java"]).read_text()
    (tmp_path / "Harness.java").write_text(JAVA_HARNESS)
    shutil.copy(TOOLS / "java" / "MemsliceCodec.java", tmp_path)
    proc = subprocess.run(["javac", "-Xlint:all", "-Werror", "-d", str(tmp_path), str(tmp_path / "Harness.java"),
                           str(tmp_path / "MemsliceCodec.java")], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    payload = b"".join(_pattern(997, i) for i in range(40)) + bytes(5000)
    cases, expected = [], []
    for endian, name in (("<", "le"), (">", "be")):
        good = tmp_path / f"lz4-{name}.bin"
        good.write_bytes(compress_payload(payload, 2, endian))
        lying = tmp_path / f"lying-{name}.bin"
        lying.write_bytes((len(payload) + 1).to_bytes(8, "little" if name == "le" else "big")
                          + good.read_bytes()[8:])
        cases += [str(good), "2", name, str(lying), "2", name]
        expected += [f"ok {len(payload)} {hashlib.sha256(payload).hexdigest()}", "error LZ4 size prefix"]
    zstd = tmp_path / "zstd.bin"
    zstd.write_bytes(compress_payload(payload, 1, "<"))
    cases += [str(zstd), "1", "le"]
    expected.append("error zstd needs zstd-jni")
    run = subprocess.run(["java", "-cp", str(tmp_path), "Harness", *cases], capture_output=True, text=True,
                         timeout=300)
    lines = run.stdout.splitlines()
    assert len(lines) == len(expected), run.stdout + run.stderr
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith(want), (line, want)
