"""Spec gaps decided from the spec text (issue 10), and what ``msl validate`` tells a producer.

- bytes 0x39-0x3D of a 1.0 header are reserved (C5): never a BlockCount, never a HashAlgo;
- header Flags bit 2 of a 1.0 file is reserved (C5): not the 1.1 Encrypted flag;
- HashAlgo 0xFF or an unknown code: the chain cannot be verified, ``unsupported`` (V11-C13);
- a non-zero header BlockCount is allowed in 1.1 (V11-C13): not a sign of memdiver's dialect;
- an unpadded string is P6, and a missing Module List Index says how to fix it.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from memslice.conformance import CASES_DIR
from memslice.conformance.generators import recipes_golden as g
from memslice.conformance.generators.fixtures import STANDARD_CAPS, add_standard, write_capture
from memslice.conformance.generators.mutate import block_field_offset, blocks, header_field_offset, put, reseal

from memslice.cli.main import main
from memslice.errors import UnsupportedError
from memslice.reader import MslReader
from memslice.validate import validate
from memslice.verify import verify
from memslice.writer import cap_bitmap_for


def _case(case_id: str) -> bytes:
    return (CASES_DIR / case_id / "input.msl").read_bytes()


def _msl(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_reserved_1_1_fields_of_a_1_0_header_are_ignored() -> None:
    data = _case("header/v10-reserved-count-and-hash-algo")
    assert data[0x3D] == 0x01 and int.from_bytes(data[0x39:0x3D], "little") == 99
    facts = g.chain_facts(data, "blake3")  # BLAKE3, recomputed outside memslice
    with MslReader(data) as reader:
        assert [bytes(r.header.prev_hash).hex() for r in reader.blocks] == [
            facts[f"blocks.{i}.prev_hash"] for i in range(len(reader.blocks))]
        report = verify(reader)
        assert report.ok and report.chain == "ok" and report.file_hash == "ok"
        assert report.block_count == "n/a"


def test_flag_bit_2_of_a_1_0_file_is_reserved(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _case("header/v10-flag-bit-2")
    assert int.from_bytes(data[0x0C:0x10], "little") & 0x4 and data[9] == 64
    with MslReader(data) as reader:
        assert not reader.encrypted and reader.fault is None
        assert len(reader.blocks) == 7 and verify(reader).ok
    path = tmp_path / "v10.msl"
    path.write_bytes(data)
    _code, out = _msl("validate", str(path))
    assert "unreadable" not in out and "V11-C15" not in out


@pytest.mark.parametrize("case_id", ["integrity/hash-algo-ff", "integrity/hash-algo-unknown"])
def test_an_undefined_hash_algo_is_unsupported(case_id: str) -> None:
    with MslReader(_case(case_id)) as reader, pytest.raises(UnsupportedError) as info:
        verify(reader)
    assert info.value.rule == "V11-C13"
    expected = json.loads((CASES_DIR / case_id / "expected.json").read_text())
    assert (expected["error_class"], expected["rule"]) == ("unsupported", "V11-C13")


def test_the_walk_comes_before_payloads_in_the_precedence_of_errors() -> None:
    data = _case("blocks/precedence-walk-before-payload")
    spans = blocks(bytearray(data))
    assert data[spans[2].offset + 80 + 0x12] == 9  # block 2's PageSizeLog2 is bad too
    with MslReader(data) as reader:
        assert len(reader.blocks) == 4  # the walk stops at block 4, before any payload is decoded
        assert reader.fault is not None and reader.fault.rule == "B-4.1-block-length"
    expected = json.loads((CASES_DIR / "blocks/precedence-walk-before-payload/expected.json").read_text())
    assert expected["error_class"] == "bad-block-length"


def test_a_valid_1_1_file_with_a_header_block_count_is_not_memdiver(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(write_capture("bc", lambda w: add_standard(w, "bc"), cap_bitmap=STANDARD_CAPS))
    put(data, header_field_offset("block_count"), "I", len(blocks(data)))
    reseal(data)
    path = tmp_path / "bc.msl"
    path.write_bytes(data)
    with MslReader(path) as reader:
        assert reader.dialect == "spec-1.1", reader.dialect_reasons
        assert verify(reader).block_count == "ok"
    code, out = _msl("validate", str(path))
    assert "memdiver" not in out and code == 0, out


def test_an_unpadded_string_is_cited_as_p6(tmp_path) -> None:  # type: ignore[no-untyped-def]
    exe, cmd = g.cstr("/bin/x"), g.cstr("x --y")
    identity = (g.le("I", 1) + g.le("I", 0) + g.le("Q", 0) + g.le("H", len(exe)) + g.le("H", len(cmd))
                + g.le("I", 0) + exe + cmd)  # ExePath and CmdLine not padded to 8 (P6)

    def body(w) -> None:  # type: ignore[no-untyped-def]
        w.write_block(0x0040, [identity])
        w.write_block(0x0010, [g.le("I", 0) + g.le("I", 0)])

    data = bytearray(write_capture("p6", body, cap_bitmap=cap_bitmap_for([0x0040, 0x0010])))
    span = blocks(data)[0]
    pad = span.length - 80 - len(identity)
    del data[span.end - pad:span.end]  # the writer padded the block: take that padding away again
    put(data, span.offset + block_field_offset("block_length"), "I", span.length - pad)
    reseal(data)
    findings = validate(bytes(data)).findings
    assert [f.rule for f in findings if f.block == 0] == ["P6"]
    assert "pad every string" in findings[0].message


def test_a_missing_module_list_index_says_how_to_fix_it() -> None:
    def body(w) -> None:  # type: ignore[no-untyped-def]
        w.write_block(0x0040, [g.process_identity().payload])

    data = write_capture("a2", body, cap_bitmap=cap_bitmap_for([0x0040]))
    a2 = [f for f in validate(data).findings if f.rule == "A2"]
    assert a2 and "write a Module List Index (block type 0x0010" in a2[0].message
    assert "Imported flag" in a2[0].message
