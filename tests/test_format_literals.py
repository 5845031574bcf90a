"""No hand-written module types a format fact the generated code defines.

Every code, offset, size, limit and magic of the format lives in ``spec/`` once; hand-written
code (``memslice/``, ``acquirer/``, ``conformance/``, ``codegen/``; not ``generated/``) uses the
generated name. This test walks the AST of every such module and reports each literal that
equals a generated fact *in a context where it is that fact*:

* ``codes``: an integer written as a 4-digit hex literal (``0x0FFF``) that is a block type
  code or a header Version, anywhere (except multiples of 0x1000: page sizes and OS
  constants); a block code or Version compared with something named ``*block_type*`` /
  ``*version*``;
* ``magic``: a str/bytes constant equal to a generated magic or HKDF label;
* ``u16 max``: 0xFFFE (65534), the longest string a u16 length with NUL holds;
* ``page-size limits``: PAGE_SIZE_LOG2_MIN/MAX (10, 40), bare or as ``1 << n``, in a comparison
  that involves a page size, or assigned to a ``*page*log2*`` name;
* ``comp-algo shift``: a shift by BLOCK_FLAGS_COMP_ALGO_SHIFT of something named ``*comp*``;
* ``endianness``: an Endianness value compared with something named ``*endian*`` or with a
  subscript at the header's Endianness offset; ``1 if ... else 2`` style choices likewise;
* ``header offsets``: a subscript of a header buffer at a FileHeader field offset, or a slice
  spanning exactly one FileHeader field, or bounded by HeaderSize / BlockHeaderSize;
* ``header size``: HEADER_SIZE_PLAIN/ENCRYPTED or BLOCK_HEADER_SIZE compared with a size/length;
* ``alignment``: the pad-to-8 idiom ``(n + 7) & ~7`` (use ``pad8``);
* ``zero hash``: ``bytes(HASH_SIZE)`` compared with, assigned to or passed as a hash (use
  ``ZERO_HASH``); ``zero uuid``: ``bytes(16)`` compared with or given as a UUID (``ZERO_UUID``);
* ``page states``: a tuple/list of the page-state names (use ``ENUM_NAMES["page_state"]``).

Docstrings and f-string text are never scanned. The allow-list below is narrow: each entry
names the file, the fact and why the literal there is not the format's fact.

Run ``python tests/test_format_literals.py [REV]`` to print the findings of a git revision.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from memslice.generated import framing
from memslice.generated._support import ZERO_UUID
from memslice.generated.dialects import KNOWN_VERSIONS
from memslice.generated.enums import BLOCK_FLAGS_COMP_ALGO_SHIFT, ENUM_NAMES, BlockType, Endianness
from memslice.generated.registry import BLOCK_MODULES

REPO = Path(__file__).resolve().parents[1]
SCANNED = ("memslice", "acquirer", "conformance", "codegen")

BLOCK_CODES = frozenset({int(t) for t in BlockType} | {m.BLOCK_TYPE for m in BLOCK_MODULES})
VERSIONS = frozenset(KNOWN_VERSIONS)
MAGICS = frozenset({framing.FILE_MAGIC, framing.BLOCK_MAGIC, framing.SEAL_MAGIC, framing.CEK_INFO,
                    framing.SEG_KEY_INFO})
U16_MAX = framing.U16_STRING_MAX
PAGE_LIMITS = frozenset({framing.PAGE_SIZE_LOG2_MIN, framing.PAGE_SIZE_LOG2_MAX})
ENDIAN_VALUES = frozenset(int(e) for e in Endianness)
HEADER_SIZES = frozenset({framing.HEADER_SIZE_PLAIN, framing.HEADER_SIZE_ENCRYPTED, framing.BLOCK_HEADER_SIZE})
HEADER_FIELDS = {f.offset: f for f in framing.FileHeader.FIELDS if f.offset is not None}
HEADER_SPANS = {(f.offset, f.offset + f.size) for f in framing.FileHeader.FIELDS
                if f.offset is not None and f.size is not None}
ENDIAN_AT = HEADER_FIELDS and next(f.offset for f in framing.FileHeader.FIELDS if f.id == "endianness")
HEADER_SIZE_AT = next(f.offset for f in framing.FileHeader.FIELDS if f.id == "header_size")
PAGE_STATE_NAMES = frozenset(ENUM_NAMES["page_state"].values())
UUID_SIZE = len(ZERO_UUID)
HEADER_BUFFERS = frozenset({"data", "view", "raw", "buf", "header", "head", "header_bytes", "blob"})

ALLOWED: dict[tuple[str, str], str] = {
    # (file, fact) -> why the literal there is not the format's fact
    ("codegen/model.py", "alignment"):
        "the generator's own padding rule for `pad: 8` fields: the code that computes the generated "
        "offsets cannot import what it generates",
    ("codegen/expressions.py", "alignment"):
        "pad8() of the generator's expression evaluator (same reason: it runs before generated/ exists)",
    ("codegen/backends/docs.py", "alignment"):
        "padded field sizes in the generated docs (same reason)",
    **{("conformance/generators/recipes_golden.py", fact):
       "golden cases are hand-packed from the prose spec on purpose: their expected values must come from "
       "outside the code they check, so they may not use the generated tables"
       for fact in ("codes", "magic", "header offsets", "header size")},
    **{(f"conformance/adapters/{name}", fact):
       "runs inside the memslicer / memdiver oracle venvs, where memslice (and its generated code) is not "
       "installed: the codes pick the peer's own decoder for a block"
       for name, fact in (("memdiver_adapter.py", "codes"), ("memdiver_adapter.py", "magic"),
                          ("memslicer_adapter.py", "codes"), ("_contract.py", "page states"),
                          ("_contract.py", "zero uuid"))},
    ("acquirer/enrich.py", "header size"):
        "the 64-byte ELF64 file header of a module read for its build id, not the Memory Slice header",
    ("acquirer/importers/elf_core.py", "header size"):
        "ELF section-header entry sizes (64 / 40 bytes), not the Memory Slice header",
}


USED_ALLOWANCES: set[tuple[str, str]] = set()
"""Allow-list entries that suppressed a literal during this run."""


class Finding(NamedTuple):
    """One format literal in hand-written code."""

    path: str
    line: int
    fact: str
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.fact}: {self.text}"


def _names(node: ast.AST) -> str:
    """Every identifier and attribute name under ``node``, lower case, space separated."""
    out = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.append(sub.id.lower())
        elif isinstance(sub, ast.Attribute):
            out.append(sub.attr.lower())
    return " ".join(out)


def _int(node: ast.AST | None) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _shifted(node: ast.AST) -> int | None:
    """n for ``1 << n``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.LShift) and _int(node.left) == 1:
        return _int(node.right)
    return None


class _Scanner(ast.NodeVisitor):
    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.lines = [line.encode("utf-8", "surrogateescape") for line in source.splitlines()]
        self.found: list[Finding] = []
        self.skip: set[int] = set()

    def segment(self, node: ast.AST) -> str:
        """The source text of a node (``ast.get_source_segment`` re-splits the file on every call)."""
        first, last = node.lineno - 1, node.end_lineno - 1  # type: ignore[attr-defined]
        start, end = node.col_offset, node.end_col_offset  # type: ignore[attr-defined]  # UTF-8 byte offsets
        if first == last:
            return self.lines[first][start:end].decode("utf-8", "replace")
        parts = [self.lines[first][start:], *self.lines[first + 1:last], self.lines[last][:end]]
        return b"\n".join(parts).decode("utf-8", "replace")

    def add(self, node: ast.AST, fact: str) -> None:
        if (self.path, fact) in ALLOWED:
            USED_ALLOWANCES.add((self.path, fact))
            return
        text = self.segment(node) or ""
        self.found.append(Finding(self.path, getattr(node, "lineno", 0), fact, " ".join(text.split())[:80]))

    # docstrings and f-string text are prose
    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:  # noqa: N802 (ast visitor API)
        return

    def visit_Expr(self, node: ast.Expr) -> None:  # noqa: N802
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:  # noqa: N802
        value = node.value
        if isinstance(value, (bytes, str)) and not isinstance(value, bool):
            raw = value.encode("utf-8", "surrogateescape") if isinstance(value, str) else value
            if raw in MAGICS:
                self.add(node, "magic")
            return
        if type(value) is not int:
            return
        text = self.segment(node) or ""
        if value == U16_MAX:
            self.add(node, "u16 max")
        elif text.lower().startswith("0x") and len(text) == 6 and value & 0xFFF \
                and (value in BLOCK_CODES or value in VERSIONS):
            # 0x1000, 0x2000, ... are page sizes and OS constants far more often than block codes
            self.add(node, "codes")

    def visit_Compare(self, node: ast.Compare) -> None:  # noqa: N802
        names = _names(node)
        operands = [node.left, *node.comparators]
        values = []
        for op in operands:
            values.append(_int(op))
            if isinstance(op, (ast.Tuple, ast.Set, ast.List)):
                values += [_int(e) for e in op.elts]
            if isinstance(op, ast.IfExp):
                values += [_int(op.body), _int(op.orelse)]
        ints = [v for v in values if v is not None]
        shifted = [s for s in (_shifted(op) for op in operands) if s is not None]
        subs = [op for op in ast.walk(node) if isinstance(op, ast.Subscript)]
        hex_written = any((self.segment(op) or "").lower().startswith("0x")
                          for op in ast.walk(node) if isinstance(op, ast.Constant))
        if "block_type" in names and any(v in BLOCK_CODES for v in ints) and hex_written:
            self.add(node, "codes")
        if "version" in names and any(v in VERSIONS for v in ints) and hex_written:
            self.add(node, "codes")
        if "page" in names and (any(v in PAGE_LIMITS for v in ints) or any(s in PAGE_LIMITS for s in shifted)):
            self.add(node, "page-size limits")
        at_endian = any(_int(s.slice) == ENDIAN_AT for s in subs)
        if ("endian" in names or at_endian) and any(v in ENDIAN_VALUES for v in ints):
            self.add(node, "endianness")
        if any(v in HEADER_SIZES for v in ints) and any(w in names for w in ("size", "len", "header")):
            self.add(node, "header size")
        if any(_is_zero_hash(op) for op in operands):
            self.add(node, "zero hash")
        if any(_is_zeros(op, UUID_SIZE) for op in operands):
            self.add(node, "zero uuid")
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:  # noqa: N802
        test = node.test
        if isinstance(test, ast.Compare):
            subs = [s for s in ast.walk(test) if isinstance(s, ast.Subscript)]
            if any(_int(s.slice) == ENDIAN_AT for s in subs) and any(
                    _int(c) in ENDIAN_VALUES for c in test.comparators):
                self.add(node, "endianness")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        func = node.func.id if isinstance(node.func, ast.Name) else node.func.attr \
            if isinstance(node.func, ast.Attribute) else ""
        if "hash" in func.lower() and any(_is_zero_hash(a) for a in node.args):
            self.add(node, "zero hash")
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:  # noqa: N802
        if isinstance(node.op, (ast.LShift, ast.RShift)) and _int(node.right) == BLOCK_FLAGS_COMP_ALGO_SHIFT \
                and "comp" in _names(node.left):
            self.add(node, "comp-algo shift")
        if isinstance(node.op, ast.BitAnd) and isinstance(node.left, ast.BinOp) \
                and isinstance(node.left.op, ast.Add) and _int(node.left.right) == framing.ALIGNMENT - 1 \
                and isinstance(node.right, ast.UnaryOp) and isinstance(node.right.op, ast.Invert) \
                and _int(node.right.operand) == framing.ALIGNMENT - 1:
            self.add(node, "alignment")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:  # noqa: N802
        base = node.value
        name = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else ""
        name = name.lower().lstrip("_")
        if name in HEADER_BUFFERS:
            index = _int(node.slice)
            if index in (ENDIAN_AT, HEADER_SIZE_AT):
                self.add(node, "header offsets")
            if isinstance(node.slice, ast.Slice):
                lo, hi = _int(node.slice.lower), _int(node.slice.upper)
                if (lo, hi) in HEADER_SPANS and lo:
                    self.add(node, "header offsets")
                elif lo in HEADER_SIZES or hi in HEADER_SIZES:
                    self.add(node, "header offsets")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: N802
        targets = " ".join(_names(t) for t in node.targets)
        if _is_zero_hash(node.value) and ("hash" in targets or "prev" in targets):
            self.add(node, "zero hash")
        if _is_zeros(node.value, UUID_SIZE) and "uuid" in targets:
            self.add(node, "zero uuid")
        if "page" in targets and "log2" in targets and _int(node.value) in PAGE_LIMITS:
            self.add(node, "page-size limits")
        self.generic_visit(node)

    def visit_keyword(self, node: ast.keyword) -> None:
        if node.arg and node.arg.endswith("hash") and _is_zero_hash(node.value):
            self.add(node.value, "zero hash")
        if node.arg and node.arg.endswith("uuid") and _is_zeros(node.value, UUID_SIZE):
            self.add(node.value, "zero uuid")
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:  # noqa: N802
        # ``parent_uuid or bytes(16)``
        if any(_is_zeros(v, UUID_SIZE) for v in node.values) and "uuid" in _names(node):
            self.add(node, "zero uuid")
        self.generic_visit(node)

    def visit_Tuple(self, node: ast.Tuple) -> None:  # noqa: N802
        self._states(node)

    def visit_List(self, node: ast.List) -> None:  # noqa: N802
        self._states(node)

    def _states(self, node: ast.Tuple | ast.List) -> None:
        names = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
        if len(names & PAGE_STATE_NAMES) >= 3:
            self.add(node, "page states")
        self.generic_visit(node)


def _is_zeros(node: ast.AST, size: int) -> bool:
    """``bytes(size)``."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "bytes"
            and len(node.args) == 1 and _int(node.args[0]) == size)


def _is_zero_hash(node: ast.AST) -> bool:
    return _is_zeros(node, framing.HASH_SIZE)


def scan_source(path: str, source: str) -> list[Finding]:
    """The format literals in one module's source."""
    scanner = _Scanner(path, source)
    scanner.visit(ast.parse(source, path))
    # one finding per (line, fact): nested comparisons report once
    seen: set[tuple[int, str]] = set()
    out = []
    for f in scanner.found:
        if (f.line, f.fact) not in seen:
            seen.add((f.line, f.fact))
            out.append(f)
    return out


def _modules() -> Iterator[Path]:
    for top in SCANNED:
        yield from sorted((REPO / top).rglob("*.py"))


def scan_tree() -> list[Finding]:
    """Findings in the working tree."""
    out: list[Finding] = []
    for path in _modules():
        out += scan_source(str(path.relative_to(REPO)), path.read_text(encoding="utf-8"))
    return out


def scan_revision(rev: str) -> list[Finding]:
    """Findings in the hand-written modules of a git revision."""
    listing = subprocess.run(["git", "-C", str(REPO), "ls-tree", "-r", "--name-only", rev, *SCANNED],
                             check=True, capture_output=True, text=True).stdout.split()
    out: list[Finding] = []
    for name in listing:
        if name.endswith(".py"):
            text = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:{name}"], check=True,
                                  capture_output=True, text=True).stdout
            out += scan_source(name, text)
    return out


def test_no_hand_written_module_types_a_generated_format_fact() -> None:
    found = scan_tree()
    assert not found, "format literals in hand-written code (use the generated name):\n" + "\n".join(map(str, found))


def test_every_allowance_is_still_needed() -> None:
    USED_ALLOWANCES.clear()
    scan_tree()
    stale = sorted(set(ALLOWED) - USED_ALLOWANCES)
    assert not stale, f"allow-list entries that no longer match anything (remove them): {stale}"


def test_the_scan_finds_a_reintroduced_end_of_capture_code() -> None:
    source = (REPO / "memslice" / "verify.py").read_text(encoding="utf-8")
    assert scan_source("memslice/verify.py", source) == []
    bad = source + "\n_EOC = 0x0FFF\n"
    assert [(f.fact, f.text) for f in scan_source("memslice/verify.py", bad)] == [("codes", "0x0FFF")]


def test_the_scan_finds_each_kind_of_fact() -> None:
    snippets = {
        "codes": "if rec.block_type == 0x0041: pass",
        "magic": 'MAGIC = b"MSLC"',
        "u16 max": "LIMIT = 0xFFFE",
        "page-size limits": "ok = 10 <= page_size_log2 <= 40",
        "comp-algo shift": "flags = compress << 1",
        "endianness": 'order = "little" if data[8] == 1 else "big"',
        "header offsets": "version = data[10:12]",
        "header size": "if self.size < 64: pass",
        "alignment": "n = (size + 7) & ~7",
        "zero hash": "prev_hash = bytes(32)",
        "zero uuid": "if parent != bytes(16): pass",
        "page states": 'NAMES = ("captured", "failed", "unmapped", "not_resident")',
    }
    for fact, code in snippets.items():
        assert fact in {f.fact for f in scan_source("memslice/example.py", code)}, (fact, code)
    # prose and small ordinary numbers are not facts
    quiet = '"""Block 0x0FFF ends the capture."""\nx = f"{n:04X} 0x0FFF"\nfor i in range(8): y = i + 1\n'
    assert scan_source("memslice/example.py", quiet) == []


if __name__ == "__main__":
    findings = scan_revision(sys.argv[1]) if len(sys.argv) > 1 else scan_tree()
    for finding in findings:
        print(finding)
    print(f"{len(findings)} findings")
