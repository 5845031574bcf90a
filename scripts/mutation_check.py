"""Mutation check of the referee: apply deliberate bugs one at a time and see which survive.

Run on demand (not in every CI run; it edits files in place and restores them):

    .venv/bin/python scripts/mutation_check.py            # every mutant
    .venv/bin/python scripts/mutation_check.py --list     # names and descriptions
    .venv/bin/python scripts/mutation_check.py --only sha512-256-truncated

Each mutant is a set of exact text replacements in the source tree (plus ``msl codegen``
when it edits ``spec/``). Its checks are the tests and conformance runs that should notice
it; the mutant is *killed* when at least one check fails, and *survives* when all pass. A
check that regenerates the corpus writes into a temporary copy, so it shows whether
regeneration would re-bless the bug (the ``facts`` of a case forbid that). The tree is
restored after every mutant, also on Ctrl-C. Exit status 1 when a mutant survives.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYTEST = [str(BIN / "pytest"), "-q", "-x", "-p", "no:cacheprovider"]
MSL = [str(BIN / "msl")]
CHECK_TIMEOUT = 900


@dataclass
class Mutant:
    """One deliberate bug: the edits that make it and the checks that should catch it."""

    name: str
    description: str
    edits: list[tuple[str, str, str]]
    checks: list[list[str]]
    codegen: bool = False
    regenerate: list[str] = field(default_factory=list)


def _rebless(*case_ids: str) -> list[str]:
    """A check: regenerate these cases into a scratch corpus; fails when a recipe's facts object."""
    return ["@regenerate", *case_ids]


_CONFIDENCE = ('      - {id: confidence, type: u1, enum: confidence, offset: 0x20, orig: Confidence, doc: "How sure '
               'the producer is (Speculative, Heuristic, Confirmed).", spec: "5.6"}\n')
_KEY_STATE = ('      - {id: key_state, type: u1, enum: key_state, offset: 0x21, orig: KeyState, doc: "State of the key '
              'at capture time.", spec: "5.6"}\n')

MUTANTS = [
    Mutant("key-hint-offsets-swapped", "spec/blocks/key_hint.yaml: Confidence and KeyState offsets swapped, then "
           "msl codegen (the bug of issue 10 that left every test and the whole matrix green)",
           [("spec/blocks/key_hint.yaml", _CONFIDENCE + _KEY_STATE,
             _KEY_STATE.replace("0x21", "0x20") + _CONFIDENCE.replace("0x20", "0x21"))],
           [[*PYTEST, "tests/test_conformance_golden.py", "-k", "reads_as_written_by_hand and key-hint"],
            _rebless("golden/key-hint")], codegen=True),
    Mutant("sha512-256-truncated", "memslice/integrity.py: SHA-512/256 computed as SHA-512 cut to 32 bytes (writer "
           "and reader together, so every generated case still verifies)",
           [("memslice/integrity.py", 'return lambda: hashlib.new("sha512_256")',
             'return lambda: type("T", (), {"h": None, "__init__": lambda s: setattr(s, "h", hashlib.sha512()), '
             '"update": lambda s, d: s.h.update(d), "digest": lambda s: s.h.digest()[:32]})()')],
           [[*PYTEST, "tests/test_conformance_golden.py", "-k", "known_answers"],
            _rebless("golden/hash-sha512-256")]),
    Mutant("verify-ok-ignores-block-count", "memslice/verify.py: VerifyReport.ok ignores a BlockCount mismatch "
           "(survivor b)",
           [("memslice/verify.py", 'return (self.chain == "ok" and self.file_hash == "ok" and self.block_count != '
             '"mismatch"', 'return (self.chain == "ok" and self.file_hash == "ok"')],
           [[*PYTEST, "tests/test_conformance_survivors.py"]]),
    Mutant("reader-no-trailing-mark", "memslice/reader.py: blocks after the last End-of-Extension are not marked "
           "trailing (survivor c)",
           [("memslice/reader.py", "                    rec.segment = -1\n", "                    pass\n")],
           [[*PYTEST, "tests/test_conformance_survivors.py"],
            [*MSL, "conformance", "run", "--adapter", "reference", "--run", "extensions/*", "-j", "2"]]),
    Mutant("page-state-bit-order", "memslice/pages.py: page 0 in the low bits, in the encoder and the decoder "
           "together (a symmetric bug the writer's own cases re-bless)",
           [("memslice/pages.py", "    return bytes(page_state_map[:needed]).hex().translate(_NIBBLE_TO_STATES)"
             "[:num_pages]",
             "    s = bytes(page_state_map[:needed]).hex().translate(_NIBBLE_TO_STATES)\n"
             "    return \"\".join(s[i:i + 4][::-1] for i in range(0, len(s), 4))[:num_pages]"),
            ("memslice/pages.py", '    digits += "0" * (-len(digits) % 4)\n',
             '    digits += "0" * (-len(digits) % 4)\n'
             '    digits = "".join(digits[i:i + 4][::-1] for i in range(0, len(digits), 4))\n')],
           [[*PYTEST, "tests/test_conformance_golden.py", "-k", "reads_as_written_by_hand and memory-region"],
            _rebless("golden/memory-region", "regions/page-states")]),
    Mutant("captured-sha256-short", "memslice/canon.py: captured_sha256 over the page data less its last byte",
           [("memslice/canon.py", "hashlib.sha256(payload.page_data).hexdigest()",
             "hashlib.sha256(payload.page_data[:-1]).hexdigest()")],
           [_rebless("regions/page-states", "regions/many-pages", "golden/memory-region")]),
    Mutant("rejection-without-rule", "conformance/normalize.py: rejections printed without their rule id",
           [("conformance/normalize.py", '''"rule": exc.rule, "message": str(exc)}''',
             '''"rule": None, "message": str(exc)}''')],
           [[*MSL, "conformance", "run", "--adapter", "reference", "--run", "header/*", "-j", "2"]]),
    Mutant("v10-hash-algo-from-header", "memslice/verify.py: a 1.0 file hashed with the algorithm of its reserved "
           "byte 0x3D",
           [("memslice/verify.py", "reader.header.hash_algo if reader.version >= 0x0101 else 0",
             "reader.header.hash_algo")],
           [[*PYTEST, "tests/test_conformance_spec_gaps.py"]]),
    Mutant("payload-version-ignored", "memslice/reader.py: every payload decoded with the version-1 layout (C7)",
           [("memslice/reader.py", "layout = layout_for(record.block_type, self.dialect, version)",
             "layout = layout_for(record.block_type, self.dialect, 1)")],
           [[*MSL, "conformance", "run", "--adapter", "reference", "--run", "blocks/unknown-payload-version*",
             "-j", "2"]]),
    Mutant("runner-required-fail-not-fatal", "conformance/runner.py: a failed required case no longer fails the run",
           [("conformance/runner.py", 'return self.status == "fail" and self.level == "required"', "return False")],
           [[*PYTEST, "tests/test_conformance_runner.py", "-k", "wrong_answer"]]),
]


class Tree:
    """Applies a mutant's edits and restores the files, whatever happens."""

    def __init__(self, mutant: Mutant) -> None:
        self.mutant = mutant
        self.saved: dict[Path, bytes] = {}

    def __enter__(self) -> Tree:
        try:
            self._apply()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _apply(self) -> None:
        for rel, old, new in self.mutant.edits:
            path = ROOT / rel
            text = path.read_text(encoding="utf-8")
            if text.count(old) != 1:
                raise SystemExit(f"{self.mutant.name}: {rel} does not contain the text to replace exactly once "
                                 "(the source moved on: update the mutant)")
            self.saved.setdefault(path, path.read_bytes())
            path.write_text(text.replace(old, new), encoding="utf-8")
        if self.mutant.codegen:
            subprocess.run([*MSL, "codegen"], cwd=ROOT, check=True, capture_output=True)

    def __exit__(self, *exc: object) -> None:
        for path, data in self.saved.items():
            path.write_bytes(data)
        if self.mutant.codegen and self.saved:
            subprocess.run([*MSL, "codegen"], cwd=ROOT, check=True, capture_output=True)
        self.saved = {}


def run_check(check: list[str]) -> tuple[bool, str]:
    """(passed, one line of output) for one check."""
    if check[0] == "@regenerate":
        with tempfile.TemporaryDirectory(prefix="msl-mutation-") as tmp:
            argv = [*MSL, "conformance", "generate", "--cases", tmp, *sum((["--case", c] for c in check[1:]), [])]
            return _run(argv)
    return _run(check)


def _run(argv: list[str]) -> tuple[bool, str]:
    try:
        proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=CHECK_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return False, "timeout"
    lines = [line for line in (proc.stdout + proc.stderr).splitlines() if line.strip()]
    interesting = [line for line in lines if line.startswith(("FAILED", "error", "FAIL "))]
    return proc.returncode == 0, (interesting or lines or [""])[0][:160]


def main(argv: list[str] | None = None) -> int:
    """Run the mutants; print a table; exit 1 when one survives."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="NAME", help="only this mutant (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    if args.list:
        for m in MUTANTS:
            print(f"{m.name}: {m.description}")
        return 0
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))  # unwind through Tree.__exit__
    survivors = []
    for m in chosen:
        start = time.monotonic()
        with Tree(m):
            verdict, why = "SURVIVED", "every check passed"
            for check in m.checks:
                passed, line = run_check(check)
                if not passed:
                    label = "regenerate " + " ".join(check[1:]) if check[0] == "@regenerate" else " ".join(
                        Path(check[0]).name if i == 0 else a for i, a in enumerate(check[:6]))
                    verdict, why = "killed", f"by `{label}`: {line}"
                    break
        if verdict == "SURVIVED":
            survivors.append(m.name)
        print(f"{verdict:<8} {m.name:<32} {time.monotonic() - start:6.1f}s  {why}", flush=True)
    if shutil.which("git"):
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "memslice", "spec", "generated", "conformance"],
                               cwd=ROOT, capture_output=True, text=True, check=False).stdout
        if any(line[3:].split(" ")[0] in {e[0] for m in chosen for e in m.edits} for line in dirty.splitlines()):
            print("warning: a mutated file differs from git after restoring; check `git diff`", file=sys.stderr)
    print(f"{len(chosen) - len(survivors)} of {len(chosen)} mutants killed"
          + (f"; survivors: {', '.join(survivors)}" if survivors else ""))
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
