"""Mutants that survived the corpus and the tests (issue 10), each killed here.

(b) ``VerifyReport.ok`` ignoring a BlockCount mismatch: ``msl verify`` said VALID, exit 0.
(c) The reader not marking blocks after the last End-of-Extension as trailing (segment -1):
    the contract document hid it, and the V11-C14 warning vanished from ``msl verify``.
(Survivor (a), the streaming zstd cap, is covered with the compression tests.)
"""

from __future__ import annotations

import contextlib
import io
import struct

import pytest
from memslice.conformance import CASES_DIR
from memslice.conformance.normalize import contract_document

from memslice.cli.main import main
from memslice.reader import MslReader
from memslice.verify import verify

HEADER_COUNT = CASES_DIR / "integrity" / "header-block-count-mismatch" / "input.msl"
EOC_COUNT = CASES_DIR / "integrity" / "eoc-block-count-mismatch" / "input.msl"
TAIL_AFTER_SEGMENT = CASES_DIR / "extensions" / "unterminated-after-segment" / "input.msl"
UNTERMINATED = CASES_DIR / "extensions" / "unterminated" / "input.msl"


def _msl(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(list(argv))
    return code, out.getvalue()


def _walk(data: bytes) -> list[tuple[int, int, int]]:
    """(offset, BlockLength, BlockType) of every block, walked with the prose layout (spec 4.1)."""
    out, pos = [], data[9]
    while pos + 80 <= len(data) and data[pos:pos + 4] == b"MSLC":
        (length,) = struct.unpack_from("<I", data, pos + 8)
        (block_type,) = struct.unpack_from("<H", data, pos + 4)
        out.append((pos, length, block_type))
        pos += length
    return out


@pytest.mark.parametrize("path", [HEADER_COUNT, EOC_COUNT], ids=["header", "end-of-capture"])
def test_block_count_mismatch_is_not_valid(path) -> None:  # type: ignore[no-untyped-def]
    with MslReader(path) as reader:
        report = verify(reader)
        assert report.chain == "ok" and report.file_hash == "ok"  # only the count is wrong
        assert report.block_count == "mismatch"
        assert report.ok is False
    code, out = _msl("verify", str(path))
    assert code == 1
    assert "INVALID" in out and "VALID (" not in out.replace("INVALID", "")
    assert "[rule V11-C13]" in out


def test_blocks_after_the_last_end_of_extension_are_trailing() -> None:
    data = TAIL_AFTER_SEGMENT.read_bytes()
    walked = _walk(data)
    assert [t for _o, _n, t in walked][-3:] == [0x0020, 0x0FFE, 0x0020]
    tail_offset, tail_length, _ = walked[-1]
    assert tail_offset + tail_length == len(data)
    with MslReader(TAIL_AFTER_SEGMENT) as reader:
        assert [r.segment for r in reader.blocks][-3:] == [1, 1, -1]
        report = verify(reader)
        assert report.trailing_bytes == tail_length
        assert any("[rule V11-C14]" in p for p in report.problems)
        status, doc = contract_document(reader)
    assert status == 0
    assert len(doc["blocks"]) == len(walked) - 1
    assert doc["integrity"]["trailing_bytes"] == f"0x{tail_length:x}"
    assert len(doc["integrity"]["segments"]) == 1
    code, out = _msl("verify", str(TAIL_AFTER_SEGMENT))
    assert code == 0  # trailing data is a warning (V11-C14), the verified part is valid
    assert f"{tail_length} bytes after offset 0x{tail_offset:X} are trailing data" in out


def test_block_after_end_of_capture_without_terminator_is_trailing() -> None:
    data = UNTERMINATED.read_bytes()
    walked = _walk(data)
    eoc = next(i for i, (_o, _n, t) in enumerate(walked) if t == 0x0FFF)
    with MslReader(UNTERMINATED) as reader:
        assert all(r.segment == -1 for r in reader.blocks[eoc + 1:])
        report = verify(reader)
        assert report.trailing_bytes == len(data) - (walked[eoc][0] + walked[eoc][1])
    _code, out = _msl("verify", str(UNTERMINATED))
    assert "[rule V11-C14]" in out
