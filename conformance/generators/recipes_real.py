"""Real-world cases: the ecosystem's sample captures (tests/fixtures/samples), copied in.

Their expected documents come from our reader and are cross-checked against memslicer
0.5.2 and memdiver 1.0.2 whenever the matrix runs (``docs/conformance-matrix.md``): block
lists, offsets, verification verdicts and captured pages must agree, or the disagreement
is a known failure with its reason. Legacy files carry the verdict the spec implies.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from memslice.conformance import CASES_DIR
from memslice.conformance.cases import INPUT
from memslice.conformance.generators import Alternative, Built, recipe

from memslice.resources import checkout_root


def sample_bytes(case_id: str, relative: str) -> bytes:
    """The sample a real case copies: ``tests/fixtures/samples/<relative>`` of the checkout.

    An installed package ships no test fixtures; there the corpus's own copy of the sample
    (``cases/<case_id>/input.msl``, which ``generate --verify`` in the checkout proves identical)
    stands in, so ``msl conformance generate --verify`` still checks every expectation.
    """
    root = checkout_root()
    if root is not None:
        return (root / "tests" / "fixtures" / "samples" / relative).read_bytes()
    return (CASES_DIR / case_id / INPUT).read_bytes()

CROSS_CHECK = ("our reader (MslReader, dialect detected), cross-checked by the matrix against memslicer 0.5.2 and "
               "memdiver 1.0.2 (block list, offsets, verification verdicts, captured pages)")


@dataclass
class Sample:
    """One copied sample and what the case says about it."""

    path: str
    how: str
    description: str
    rules: list[str]
    level: str = "required"
    kind: str = "valid"
    spec: str = "1.1"
    features: list[str] = field(default_factory=list)
    dialect: str | None = None
    expect: dict[str, object] = field(default_factory=dict)
    reject: str | None = None
    read_as: str = "auto"
    alternatives: list[Alternative] = field(default_factory=list)
    notes: str | None = None


_MS = "memslicer 0.5.2 `memslicer acquire` of the reference target process on Linux x86-64"
_MD = "memdiver 1.0.2's own writer (ProcessIdentity, ModuleListIndex, 2 ModuleEntry, 2 MemoryRegion, KeyHint, EoC)"
_OK = {"result": "complete", "integrity.chain": "ok", "integrity.file_hash": "ok"}
_READ = ["C2", "C3", "C4", "CS1", "CS2"]

SAMPLE_CASES: dict[str, Sample] = {
    "real/memslicer-tiny-gdb-stack-none": Sample(
        "memslicer-0.5.2/tiny_gdb_stack_none.msl", f"{_MS}: -b gdb -c none --scope stack",
        "memslicer 0.5.2 capture of a stack, uncompressed.", _READ, expect=_OK),
    "real/memslicer-tiny-gdb-heap-zstd": Sample(
        "memslicer-0.5.2/tiny_gdb_heap_zstd.msl", f"{_MS}: -b gdb -c zstd --filter-addr <heap>",
        "memslicer 0.5.2 capture of the heap, zstd-compressed regions and VAS Map.", [*_READ, "V11-C20"],
        features=["zstd"], expect=_OK),
    "real/memslicer-tiny-frida-stack-lz4": Sample(
        "memslicer-0.5.2/tiny_frida_stack_lz4.msl", f"{_MS}: -b frida -c lz4 --scope stack",
        "memslicer 0.5.2 capture (Frida backend) of a stack, LZ4-compressed.", [*_READ, "V11-C20"],
        features=["lz4"], expect=_OK),
    "real/memslicer-small-gdb-heapstack-zstd": Sample(
        "memslicer-0.5.2/small_gdb_heapstack_zstd.msl", f"{_MS}: -b gdb -c zstd --scope heap,stack",
        "memslicer 0.5.2 capture with a Region Omission Manifest (0x005B), zstd.", [*_READ, "V11-C20"],
        features=["zstd"], expect=_OK),
    "real/memslicer-small-gdb-heapstack-lz4": Sample(
        "memslicer-0.5.2/small_gdb_heapstack_lz4.msl", f"{_MS}: -b gdb -c lz4 --scope heap,stack",
        "memslicer 0.5.2 capture with a Region Omission Manifest (0x005B), LZ4.", [*_READ, "V11-C20"],
        features=["lz4"], expect=_OK),
    "real/memslicer-gdb-investigation-zstd-64m": Sample(
        "memslicer-0.5.2/gdb_inv_plain_zstd_64m.msl", f"{_MS}: -b gdb -c zstd -I --no-encrypt (isolated namespace)",
        "memslicer 0.5.2 investigation capture (System Context and tables 0x0050-0x0054), 64 MiB buffer, zstd.",
        [*_READ, "V11-C13", "V11-C20"], features=["zstd"], expect=_OK),
    "real/memslicer-tiny-gdb-stack-encrypted": Sample(
        "memslicer-0.5.2/tiny_gdb_stack_enc.msl", f"{_MS}: -b gdb --scope stack -E (AES-256-GCM, Argon2id)",
        "memslicer 0.5.2 encrypted capture. Without key material a reader reports the header and `encrypted`.",
        ["V11-C15", "V11-C16"], features=["encryption"], expect={"result": "encrypted"}),
    "real/memslicer-frida-investigation-encrypted-64m": Sample(
        "memslicer-0.5.2/frida_inv_enc_zstd_64m.msl", f"{_MS}: -b frida -c zstd -I (encrypted)",
        "memslicer 0.5.2 encrypted investigation capture, 64 MiB buffer.", ["V11-C15", "V11-C16"],
        features=["encryption"], expect={"result": "encrypted"}),
    "real/memdiver-plain": Sample(
        "memdiver-1.0.2/mdw_plain.msl", f"{_MD}, plus an extension segment with a Pointer Graph",
        "memdiver 1.0.2 capture with an extension segment (Pointer Graph 0x1003 + End-of-Extension).",
        [*_READ, "V11-C13", "V11-C23"], features=["extension-segments"], dialect="memdiver-1.0.2", expect=_OK),
    "real/memdiver-zstd": Sample(
        "memdiver-1.0.2/mdw_zstd.msl", f"{_MD}, zstd, plus an extension segment",
        "memdiver 1.0.2 capture, zstd-compressed regions, with an extension segment.",
        [*_READ, "V11-C20", "V11-C23"], features=["zstd", "extension-segments"], dialect="memdiver-1.0.2",
        expect=_OK),
    "real/memdiver-lz4": Sample(
        "memdiver-1.0.2/mdw_lz4.msl", f"{_MD}, LZ4, plus an extension segment",
        "memdiver 1.0.2 capture, LZ4-compressed regions, with an extension segment.",
        [*_READ, "V11-C20", "V11-C23"], features=["lz4", "extension-segments"], dialect="memdiver-1.0.2",
        expect=_OK),
    "real/memdiver-no-extension": Sample(
        "memdiver-1.0.2/mdw_noext_plain.msl", _MD, "memdiver 1.0.2 capture without extension segment.",
        [*_READ, "V11-C13"], dialect="memdiver-1.0.2", expect=_OK),
    "real/memdiver-import-elf-core": Sample(
        "memdiver-1.0.2/import_elfcore_target4.msl", "`memdiver import` of a gcore ELF core of a 4 MiB target",
        "memdiver 1.0.2 import of an ELF core: Imported flag, Import Provenance as block 0.",
        [*_READ, "V11-C13", "P9"], dialect="memdiver-1.0.2", expect=_OK),
    "real/memdiver-import-raw": Sample(
        "memdiver-1.0.2/import_raw_sample_dump.msl", "`memdiver import` of a 4 KiB raw dump",
        "memdiver 1.0.2 import of a raw dump (CapBitmap bit 15, memdiver's private PAGE_STATES_INFERRED).",
        [*_READ, "V11-C13", "P9"], dialect="memdiver-1.0.2", expect=_OK),
    "real/memdiver-encrypted-argon2": Sample(
        "memdiver-1.0.2/mdw_enc_argon2_zstd.msl", f"{_MD}, encrypted (Argon2id, AES-256-GCM), zstd",
        "memdiver 1.0.2 encrypted capture (passphrase).", ["V11-C15", "V11-C16"], features=["encryption"],
        expect={"result": "encrypted"}),
    "real/memdiver-encrypted-raw-key": Sample(
        "memdiver-1.0.2/mdw_enc_rawkey.msl", f"{_MD}, encrypted with a raw key (KDFType 0)",
        "memdiver 1.0.2 encrypted capture (raw content key).", ["V11-C15", "V11-C16"], features=["encryption"],
        expect={"result": "encrypted"}),
    "real/memdiver-encrypted-x25519": Sample(
        "memdiver-1.0.2/mdw_enc_x25519_zstd.msl", f"{_MD}, encrypted to an X25519 recipient, zstd",
        "memdiver 1.0.2 encrypted capture (X25519 key encapsulation: a 32-byte KEM ciphertext follows the header).",
        ["V11-C15", "V11-C16"], features=["encryption"], expect={"result": "encrypted"}),
    "real/legacy-memdiver-run-1": Sample(
        "legacy/run_1.msl", "MemDiver's hand-packed test fixture (pre-1.1 tree)",
        "A pre-1.1 MemDiver fixture: block 0 PrevHash and the FileHash are all zero by design. A verifying "
        "consumer reports the chain broken at block 0 and the FileHash mismatched.", ["CS1", "CS2"],
        level="recommended", kind="invalid", features=["verify-chain"], dialect="memdiver-1.0.2",
        expect={"result": "complete", "integrity.chain": "broken", "integrity.first_bad_block": "0"}),
    "real/legacy-memdiver-synthetic-all-blocks": Sample(
        "legacy/synthetic_all_blocks.msl", "MemDiver's hand-packed test fixture with guessed 0x0011-0x0015 payloads",
        "A pre-1.1 MemDiver fixture whose Thread Context (block 11) is shorter than its layout: a payload-decoding "
        "consumer rejects the file.", ["C3", "C5"], level="recommended", kind="invalid",
        features=["payloads", "dialect-memdiver-1.0.2"], dialect="memdiver-1.0.2", reject="payload"),
    "real/legacy-chrome-original": Sample(
        "legacy/chrome_min_original.msl", "the only real capture in the ecosystem (Android ARM64 Chrome, pre-1.0 "
        "draft writer, MemDiver commit 3861768)",
        "A pre-1.0 draft (G0) capture: Version reads 0x0001, major 0, unknown to 1.x. A consumer SHOULD reject it; "
        "one that reads the G0 draft layout (feature dialect-g0) gets its blocks, chain and FileHash intact.",
        ["B-3.2-major"], level="recommended", kind="invalid", spec="1.0", dialect="g0", reject="unsupported-version",
        alternatives=[Alternative("dialect-g0", "read with the G0 draft layouts (spec/dialects.yaml g0)")]),
    "real/legacy-chrome-edited": Sample(
        "legacy/chrome_min.msl", "the Chrome capture with byte 0x0B edited 00 -> 01 by MemDiver (commit f147d8c)",
        "The G0 Chrome capture with its version bytes edited to read 0x0101: every block has PayloadVersion 0, "
        "unknown to 1.x, so a consumer skips every payload (C7) without inflating it; the edit breaks block 0's "
        "PrevHash. A reader of the G0 layout (dialect-g0) decodes the blocks and finds the FileHash mismatched.",
        ["C7", "CS1", "CS2"], level="required", kind="invalid", dialect="g0", read_as="spec-1.1",
        expect={"result": "complete", "blocks.0.skipped": "unknown-payload-version", "integrity.chain": "broken",
                "integrity.first_bad_block": "0"},
        alternatives=[Alternative("dialect-g0", "read with the G0 draft layouts (spec/dialects.yaml g0)")]),
}


def _register(case_id: str, sample: Sample) -> None:
    def build(seed: str) -> Built:
        data = sample_bytes(case_id, sample.path)
        origin = {"sample": f"tests/fixtures/samples/{sample.path} (sha256 {hashlib.sha256(data).hexdigest()}): "
                            f"{sample.how}; see that folder's README.md",
                  "expectation": "the verdict the spec implies (the recipe's reject/expect)" if sample.reject
                  else CROSS_CHECK}
        return Built(data, sample.description, sample.spec, sample.rules, sample.level, sample.kind, origin,
                     features=sample.features, reject=sample.reject, expect=sample.expect, dialect=sample.dialect,
                     read_as=sample.read_as, alternatives=sample.alternatives, notes=sample.notes)

    recipe(case_id)(build)


for _id, _sample in SAMPLE_CASES.items():
    _register(_id, _sample)
