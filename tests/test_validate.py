"""``msl validate``: the producer validator on samples, on our writer's and acquirer's output, and
on captures with one defect each (every defect must be reported with its rule, block and offset).
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from memslice.conformance.cases import load_cases
from memslice.conformance.generators.fixtures import STANDARD_CAPS, add_standard, region_payload, uuid4, write_capture
from memslice.conformance.generators.mutate import Span, blocks, put, reseal
from memslice.generated import framing
from memslice.generated.blocks import (
    memory_region,
    module_entry,
    module_list_index,
    process_identity,
    thread_context,
)
from memslice.generated.enums import BlockFlags, CapBitmap, HeaderFlags
from memslice.generated.rules import RULES

from memslice.cli.main import main as msl
from memslice.pages import encode_state_string
from memslice.reader import MslReader
from memslice.validate import ValidationReport, field_offset, validate
from memslice.writer import MslWriter
from tests.conftest import SAMPLES

HDR = framing.BLOCK_HEADER_SIZE


def standard(seed: str = "validate", **writer_args: object) -> bytearray:
    return bytearray(write_capture(seed, lambda w: add_standard(w, seed), cap_bitmap=STANDARD_CAPS, **writer_args))


def rules_at(report: ValidationReport) -> set[tuple[str, int | None, int | None]]:
    return {(f.rule, f.block, f.offset) for f in report.findings}


# ----------------------------------------------------------------------------------------
# clean producers
# ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["1.0", "1.1"])
@pytest.mark.parametrize("codec", ["none", "zstd", "lz4"])
def test_our_writer_output_has_no_finding(version: str, codec: str) -> None:
    data = bytes(standard(f"clean-{version}-{codec}", format_version=version, compression=codec))
    report = validate(data)
    assert report.findings == [] and not report.failed(strict=True)
    assert report.validated_as == f"spec-{version}"


#: generated writer cases that break a producer rule on purpose, and the rule they break
INTENDED = {"blocks/unknown-payload-version": {"P10"},  # PayloadVersion 2 is what the case is about
            "byteorder/all-types-big-endian": {"V11-3.1-le-only"}}  # 1.1 written big-endian on purpose


def test_every_unmutated_generated_case_validates_clean() -> None:
    checked = 0
    for case in load_cases():
        origin = case.meta["origin"]
        if case.kind != "valid" or "mutation" in origin or "generator" not in origin:
            continue
        report = validate(case.input)
        assert {f.rule for f in report.findings} == INTENDED.get(case.id, set()), case.id
        checked += 1
    assert checked > 30


def _capture(tmp_path: Path, *extra: str) -> Path | None:
    target = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    out = tmp_path / f"acquired{'-'.join(extra)}.msl"
    try:
        proc = subprocess.run([sys.executable, "-m", "memslice.cli.main", "capture", str(target.pid), "-o", str(out),
                               "--no-freeze", "-q", *extra], capture_output=True, text=True, timeout=120, check=False)
    finally:
        target.kill()
        target.wait()
    if proc.returncode == 5:
        return None
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("extra", [(), ("--format", "1.0"), ("-c", "zstd")])
def test_our_acquirer_output_has_no_finding(tmp_path: Path, extra: tuple[str, ...]) -> None:
    path = _capture(tmp_path, *extra)
    if path is None:
        pytest.skip("this machine does not let us read another process's memory")
    report = validate(path)
    assert report.findings == []


# ----------------------------------------------------------------------------------------
# the samples: verdicts backed by facts read from the bytes
# ----------------------------------------------------------------------------------------
SAMPLE_FILES = sorted(p.relative_to(SAMPLES).as_posix() for p in SAMPLES.rglob("*.msl"))


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_every_sample_validates_and_names_real_rules(name: str) -> None:
    report = validate(SAMPLES / name)
    assert all(f.rule in RULES for f in report.findings)
    data = (SAMPLES / name).read_bytes()
    if name.startswith("memslicer-0.5.2/"):
        assert report.findings == [], "memslicer 0.5.2 writes conformant 1.1"
    if data[12] & HeaderFlags.ENCRYPTED:
        assert report.header_only


def test_memdiver_module_entries_lack_the_native_blob_tail() -> None:
    report = validate(SAMPLES / "memdiver-1.0.2/mdw_plain.msl")
    with MslReader(SAMPLES / "memdiver-1.0.2/mdw_plain.msl") as reader:
        entries = {r.index for r in reader.blocks if r.block_type == module_entry.BLOCK_TYPE}
    assert entries and {f.block for f in report.findings if f.rule == "P10"} == entries
    assert {f.rule for f in report.findings} == {"P10"}


def test_memdiver_imports_set_its_private_capability_bit() -> None:
    data = (SAMPLES / "memdiver-1.0.2/import_raw_sample_dump.msl").read_bytes()
    caps = struct.unpack_from("<Q", data, field_offset(framing.FileHeader, "cap_bitmap"))[0]
    report = validate(data)
    assert caps & CapBitmap.PAGE_STATES_INFERRED
    assert ("P5", None, field_offset(framing.FileHeader, "cap_bitmap")) in rules_at(report)


def test_legacy_unchained_block_0_is_a_broken_chain() -> None:
    data = (SAMPLES / "legacy/run_1.msl").read_bytes()
    block0 = data[9]
    assert data[block0 + 0x30:block0 + 0x50] == bytes(32)
    assert ("P4", 0, block0 + 0x30) in rules_at(validate(data))


def test_draft_version_is_not_a_1x_version() -> None:
    data = (SAMPLES / "legacy/chrome_min_original.msl").read_bytes()
    assert data[10:12] == b"\x01\x00"
    assert ("P1", None, 0x0A) in rules_at(validate(data))


# ----------------------------------------------------------------------------------------
# one defect at a time
# ----------------------------------------------------------------------------------------
def _edit(fn: Callable[[bytearray], None], *, seal: bool = True, **writer_args: object) -> bytes:
    data = standard(**writer_args)
    fn(data)
    if seal:
        reseal(data)
    return bytes(data)


def _span(data: bytearray, index: int) -> Span:
    return blocks(data)[index]


def test_nonzero_header_reserved_bytes() -> None:
    at = field_offset(framing.FileHeader, "reserved")
    data = _edit(lambda d: d.__setitem__(at, 1))
    assert ("P5", None, at) in rules_at(validate(data))


def test_nonzero_block_header_reserved_field() -> None:
    at = field_offset(framing.BlockHeader, "reserved")
    data = _edit(lambda d: put(d, _span(d, 1).offset + at, "H", 7))
    assert ("P5", 1, _span(bytearray(data), 1).offset + at) in rules_at(validate(data))


def test_nonzero_reserved_field_inside_a_list_entry() -> None:
    entry_reserved = field_offset(module_list_index.ModuleManifestEntry, "reserved1")
    first_entry = len(module_list_index.ModuleListIndex(entries=[]).encode())  # the fixed part before the entries

    def edit(d: bytearray) -> None:
        put(d, _span(d, 1).offset + HDR + first_entry + entry_reserved, "H", 1)

    report = validate(_edit(edit))
    assert any(f.rule == "P5" and f.block == 1 and "entries[0].reserved1" in f.message for f in report.findings)


def test_a_uuid_that_is_not_version_4() -> None:
    at = field_offset(framing.FileHeader, "dump_uuid")
    data = _edit(lambda d: d.__setitem__(at + 6, (d[at + 6] & 0x0F) | 0x10))
    assert ("B-1.4-uuid-v4", None, at) in rules_at(validate(data))


def test_capability_bits_must_match_the_blocks() -> None:
    at = field_offset(framing.FileHeader, "cap_bitmap")
    data = _edit(lambda d: put(d, at, "Q", STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS | CapBitmap.THREAD_CONTEXTS))
    messages = [f.message for f in validate(data).findings if f.rule == "P8"]
    assert len(messages) == 2 and any("crypto_hints" in m for m in messages) and any("thread" in m for m in messages)


def test_compalgo_bits_without_the_compressed_flag() -> None:
    data = _edit(lambda d: put(d, _span(d, 0).offset + 6, "H", 0x0004))
    assert ("P11", 0, 0x40 + 6) in rules_at(validate(data))


def test_payload_version_other_than_1() -> None:
    data = _edit(lambda d: put(d, _span(d, 0).offset + 0x0C, "H", 3))
    assert ("P10", 0, 0x40 + 0x0C) in rules_at(validate(data))


def test_a_modified_block_breaks_the_chain_and_the_file_hash() -> None:
    def edit(d: bytearray) -> None:
        d[d.index(b"conformance-target --serve")] ^= 0x20

    data = _edit(edit, seal=False)
    spans = blocks(bytearray(data))
    found = rules_at(validate(data))
    assert ("P4", 1, spans[1].offset + 0x30) in found
    assert ("CS2", len(spans) - 1, spans[-1].offset + HDR) in found


def test_nonzero_string_padding_is_found_at_its_offset() -> None:
    payload = process_identity.ProcessIdentity(ppid=1, exe_path="/x", cmd_line=None)
    encoded = payload.encode()
    pad_at = len(encoded) - 1  # "/x\0" then 5 padding bytes: the last one

    def edit(d: bytearray) -> None:
        d[_span(d, 0).offset + HDR + pad_at] = 0x20

    def body(w: MslWriter) -> None:
        w.add(payload, block_uuid=uuid4("pad", 0))
        w.add(module_list_index.ModuleListIndex(entries=[]), block_uuid=uuid4("pad", 1))

    data = bytearray(write_capture("pad", body, cap_bitmap=CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST))
    edit(data)
    reseal(data)
    assert ("B-1.3-pad-zero", 0, 0x40 + HDR + pad_at) in rules_at(validate(bytes(data)))


def test_live_block_order_and_pre_assigned_module_uuids() -> None:
    seed = "order"

    def body(w: MslWriter) -> None:
        w.add(module_list_index.ModuleListIndex(entries=[]), block_uuid=uuid4(seed, "mli"))
        w.add(process_identity.ProcessIdentity(ppid=1, exe_path="/x"), block_uuid=uuid4(seed, "pi"))
        w.add(module_entry.ModuleEntry(base_addr=0x1000, module_size=0x1000, path="/x", native_blob=b""),
              block_uuid=uuid4(seed, "me"), parent_uuid=uuid4(seed, "mli"))

    data = write_capture(seed, body, cap_bitmap=CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST)
    found = {(f.rule, f.block) for f in validate(data).findings}
    assert {("A1", 0), ("A2", 1), ("A2", 2)} <= found


def test_imported_flag_needs_import_provenance_first() -> None:
    at = field_offset(framing.FileHeader, "flags")
    data = _edit(lambda d: put(d, at, "I", HeaderFlags.IMPORTED))
    assert ("P9", 0, 0x40) in rules_at(validate(data))


def test_a_continuation_fragment_needs_a_first_fragment() -> None:
    def body(w: MslWriter) -> None:
        add_standard(w, "cont", with_key_hint=False)
        w.add(region_payload("cont", 0x9000_0000, "00"), block_uuid=uuid4("cont", "frag"),
              parent_uuid=uuid4("cont", "nowhere"), flags=BlockFlags.CONTINUATION)

    data = write_capture("cont", body, cap_bitmap=STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS)
    spans = blocks(bytearray(data))
    assert ("B-5.1-continuation", 5, spans[5].offset + 0x20) in rules_at(validate(data))


def test_region_size_must_be_a_multiple_of_the_page_size() -> None:
    region = memory_region.MemoryRegion(base_addr=0x1000, region_size=2 * 4096 + 100, page_size_log2=12,
                                        page_state_map=encode_state_string("11"), page_data=b"")

    def body(w: MslWriter) -> None:
        add_standard(w, "size", with_key_hint=False)
        w.write_block(memory_region.BLOCK_TYPE, region.encode_parts("<"), block_uuid=uuid4("size", "r"))

    data = write_capture("size", body, cap_bitmap=STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS)
    assert any(f.rule == "B-5.1-region-size" and f.block == 5 for f in validate(data).findings)


def test_thread_context_needs_pc_and_sp() -> None:
    reg = thread_context.RegisterEntry(width=8, flags=1, name="rip", value=bytes(8))

    def body(w: MslWriter) -> None:
        pi = w.add(process_identity.ProcessIdentity(ppid=1, exe_path="/x"), block_uuid=uuid4("tc", 0))
        w.add(module_list_index.ModuleListIndex(entries=[]), block_uuid=uuid4("tc", 1))
        w.add(thread_context.ThreadContext(thread_id=1, registers=[reg], name="main"), block_uuid=uuid4("tc", 2),
              parent_uuid=pi)

    caps = CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST | CapBitmap.THREAD_CONTEXTS
    found = [f for f in validate(write_capture("tc", body, cap_bitmap=caps)).findings]
    assert [(f.rule, f.block) for f in found] == [("V11-5.7-pc-sp", 2)]
    assert "SP" in found[0].message


def test_trailing_bytes_and_a_missing_end_of_capture() -> None:
    data = bytes(standard()) + b"junk" * 4
    assert ("V11-C14", None, len(data) - 16) in rules_at(validate(data))
    open_ended = write_capture("noeoc", lambda w: add_standard(w, "noeoc"), cap_bitmap=STANDARD_CAPS, finish=False)
    report = validate(open_ended)
    assert [(f.rule, f.level) for f in report.findings] == [("PS1", "SHOULD")]
    assert not report.failed() and report.failed(strict=True)


def test_big_endian_is_a_1_0_feature() -> None:
    assert validate(bytes(standard(format_version="1.0", endian=">"))).findings == []
    found = validate(bytes(standard(format_version="1.1", endian=">"))).findings
    assert [f.rule for f in found] == ["V11-3.1-le-only"]


def test_block_count_and_segment_defects() -> None:
    def edit(d: bytearray) -> None:
        put(d, field_offset(framing.FileHeader, "block_count"), "I", 99)

    data = _edit(edit, format_version="1.1")
    assert any(f.rule == "V11-C13" for f in validate(data).findings)

    def segment(w: MslWriter) -> None:
        add_standard(w, "seg", with_key_hint=False)
        w.finish_capture(acq_end=1)
        w.begin_extension()
        w.write_block(memory_region.BLOCK_TYPE, region_payload("seg", 0x1000, "1").encode_parts("<"),
                      block_uuid=uuid4("seg", "r"))
        w.end_extension(written_at=2)

    found = validate(write_capture("seg", segment, cap_bitmap=STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS)).findings
    assert any(f.rule == "V11-P36" and f.block == 6 for f in found)


# ----------------------------------------------------------------------------------------
# the command
# ----------------------------------------------------------------------------------------
def test_cli_exit_codes_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.msl"
    good.write_bytes(bytes(standard()))
    bad = tmp_path / "bad.msl"
    bad.write_bytes(_edit(lambda d: put(d, _span(d, 0).offset + 6, "H", 0x0004)))
    assert msl(["validate", str(good)]) == 0
    assert "PASS" in capsys.readouterr().out
    assert msl(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert "P11" in out and "block 0 @0x46" in out
    assert msl(["validate", "--json", str(good), str(bad)]) == 1
    docs = json.loads(capsys.readouterr().out)["result"]["files"]
    assert [d["ok"] for d in docs] == [True, False]
    assert docs[1]["findings"][0] == {"rule": "P11", "level": "MUST", "block": 0, "offset": "0x46",
                                      "message": docs[1]["findings"][0]["message"]}
    assert msl(["validate", str(tmp_path / "absent.msl")]) == 74
    assert "Traceback" not in capsys.readouterr().err


def test_validation_never_changes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.msl"
    path.write_bytes(bytes(standard()))
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    validate(path)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_a_cut_capture_is_one_finding_not_a_cascade() -> None:
    data = bytes(standard())
    region = blocks(bytearray(data))[2]
    found = validate(data[:region.offset + region.length // 2]).findings
    assert [(f.rule, f.block) for f in found] == [("B-4.1-block-length", 2)]


def test_block_type_zero_is_a_producer_finding() -> None:
    data = bytearray(standard())
    eoc = blocks(data)[-1]
    put(data, eoc.offset + field_offset(framing.BlockHeader, "block_type"), "H", 0)
    found = validate(bytes(data)).findings
    assert [(f.rule, f.block) for f in found] == [("B-4.3-no-type-zero", eoc.index)]


def test_pre_1_1_compression_framing() -> None:
    import zstandard

    def body(w: MslWriter) -> None:
        add_standard(w, "legacy", with_key_hint=False)
        bare = zstandard.ZstdCompressor().compress(process_identity.ProcessIdentity(ppid=2, exe_path="/y").encode())
        w.write_block(0x0777, [bare], block_uuid=uuid4("legacy", "bare"))

    data = bytearray(write_capture("legacy", body, cap_bitmap=STANDARD_CAPS & ~CapBitmap.CRYPTO_HINTS))
    span = blocks(data)[5]
    put(data, span.offset + field_offset(framing.BlockHeader, "flags"), "H", BlockFlags.COMPRESSED | 2)
    put(data, span.offset + field_offset(framing.BlockHeader, "block_type"), "H", process_identity.BLOCK_TYPE)
    reseal(data)
    assert ("V11-P29", 5, span.offset + HDR) in rules_at(validate(bytes(data)))
