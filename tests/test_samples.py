"""Every sample capture from memslicer 0.5.2, memdiver 1.0.2 and the legacy files is read,
verified with the verdicts of the samples README, and its pages reassembled to the marker
counts the reference tools found."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from memslice import MslReader, verify
from memslice.errors import MslError
from tests.conftest import MARKER, SAMPLES

# file -> (dialect, chain, file_hash, markers or None for encrypted/unreadable)
EXPECTED = {
    "memslicer-0.5.2/tiny_gdb_stack_none.msl": ("spec-1.1", "ok", "ok", 1),
    "memslicer-0.5.2/tiny_gdb_heap_zstd.msl": ("spec-1.1", "ok", "ok", 1),
    "memslicer-0.5.2/tiny_frida_stack_lz4.msl": ("spec-1.1", "ok", "ok", 1),
    "memslicer-0.5.2/small_gdb_heapstack_zstd.msl": ("spec-1.1", "ok", "ok", 131077),
    "memslicer-0.5.2/small_gdb_heapstack_lz4.msl": ("spec-1.1", "ok", "ok", 131077),
    "memslicer-0.5.2/gdb_inv_plain_zstd_64m.msl": ("spec-1.1", "ok", "ok", 2097157),
    "memslicer-0.5.2/tiny_gdb_stack_enc.msl": (None, "not-checked", "n/a", None),
    "memslicer-0.5.2/frida_inv_enc_zstd_64m.msl": (None, "not-checked", "n/a", None),
    "memdiver-1.0.2/mdw_plain.msl": ("memdiver-1.0.2", "ok", "ok", 256),
    "memdiver-1.0.2/mdw_zstd.msl": ("memdiver-1.0.2", "ok", "ok", 256),
    "memdiver-1.0.2/mdw_lz4.msl": ("memdiver-1.0.2", "ok", "ok", 256),
    "memdiver-1.0.2/mdw_noext_plain.msl": ("memdiver-1.0.2", "ok", "ok", 256),
    "memdiver-1.0.2/import_elfcore_target4.msl": ("memdiver-1.0.2", "ok", "ok", 131077),
    # its only memdiver trait is a non-zero header BlockCount, which 1.1 allows (V11-C13): every
    # layout it holds reads the same in both dialects
    "memdiver-1.0.2/import_raw_sample_dump.msl": ("spec-1.1", "ok", "ok", 0),
    "memdiver-1.0.2/mdw_enc_argon2_zstd.msl": (None, "not-checked", "n/a", None),
    "memdiver-1.0.2/mdw_enc_rawkey.msl": (None, "not-checked", "n/a", None),
    "memdiver-1.0.2/mdw_enc_x25519_zstd.msl": (None, "not-checked", "n/a", None),
    "legacy/chrome_min_original.msl": ("g0", "ok", "ok", 0),
    "legacy/chrome_min.msl": ("g0", "broken", "mismatch", 0),
    "legacy/run_1.msl": ("memdiver-1.0.2", "broken", "mismatch", 0),
    "legacy/synthetic_all_blocks.msl": ("memdiver-1.0.2", "broken", "mismatch", 0),
}


def test_fixtures_are_the_published_samples() -> None:
    sums = dict(line.split()[::-1] for line in (SAMPLES / "SHA256SUMS").read_text().splitlines() if line)
    for name in EXPECTED:
        assert hashlib.sha256((SAMPLES / name).read_bytes()).hexdigest() == sums[name], name


def test_every_sample_is_listed() -> None:
    found = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.msl")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_verdict_and_markers(name: str) -> None:
    dialect, chain, file_hash, markers = EXPECTED[name]
    with MslReader(SAMPLES / name) as reader:
        report = verify(reader)
        assert report.chain == chain, report.problems
        assert report.file_hash == file_hash, report.problems
        assert report.ok == (chain == "ok" and file_hash == "ok")
        if reader.encrypted:
            assert reader.encryption is not None and reader.encryption.enc_algo == 1
            assert reader.blocks == []
            return
        assert reader.dialect == dialect, reader.dialect_reasons
        found = sum(bytes(region.captured_data()).count(MARKER) for region in reader.regions())
        assert found == markers


def _decode_all(reader: MslReader) -> list[str]:
    errors = []
    for rec in reader.blocks:
        try:
            reader.decode(rec)
        except MslError as exc:
            errors.append(str(exc))
    return errors


@pytest.mark.parametrize("name", [n for n in sorted(EXPECTED) if n.split("/")[0] != "legacy"])
def test_released_tool_samples_decode_completely(name: str) -> None:
    with MslReader(SAMPLES / name) as reader:
        assert _decode_all(reader) == []
        assert reader.fault is None


def test_edited_chrome_capture_is_diagnosed_precisely() -> None:
    with MslReader(SAMPLES / "legacy/chrome_min.msl") as reader:
        report = verify(reader)
        assert reader.version == 0x0101
        assert any("PayloadVersion 0" in r for r in reader.dialect_reasons)
        assert report.first_bad_block == 0
        assert report.bad_blocks == [0]
        assert "PrevHash does not match the hash of the header" in report.problems[0]
        assert "FileHash does not match" in report.problems[1]


def test_original_chrome_capture_is_g0_and_verifies() -> None:
    with MslReader(SAMPLES / "legacy/chrome_min_original.msl") as reader:
        assert reader.version == 0x0001
        assert reader.dialect == "g0"
        regions = list(reader.regions())
        assert len(regions) == 1
        assert regions[0].payload.page_size == 0x1000
        assert set(regions[0].states) == {"1"}  # every page Failed in this capture
        assert verify(reader).ok


def test_memdiver_fixture_with_zero_prevhash_is_reported_as_unchained() -> None:
    with MslReader(SAMPLES / "legacy/run_1.msl") as reader:
        report = verify(reader)
        assert "all zero" in report.problems[0]


def test_unpadded_memdiver_blocks_are_misaligned_but_readable() -> None:
    with MslReader(SAMPLES / "memdiver-1.0.2/mdw_plain.msl") as reader:
        assert any(rec.offset % 8 for rec in reader.blocks)
        hint = [b for b in reader.iter_blocks() if b.block_id == "key_hint"]
        assert len(hint) == 1 and hint[0].payload.note
        assert [s.segment_hash for s in verify(reader).segments] == ["ok"]


def test_read_reports_states_without_inventing_zeros() -> None:
    with MslReader(SAMPLES / "memdiver-1.0.2/mdw_plain.msl") as reader:
        region = next(r for r in reader.regions() if set(r.states) != {"0"})
        spans = reader.read(region.base, region.size)
        states = [s.state for s in spans]
        assert "failed" in states and "unmapped" in states
        for span in spans:
            if span.state == "captured":
                assert span.data is not None and len(span.data) == span.length
            else:
                assert span.data is None
        assert sum(s.length for s in spans) == region.size


def test_big_endian_copy_is_refused_only_for_bad_byte(tmp_path: Path) -> None:
    data = bytearray((SAMPLES / "memslicer-0.5.2/tiny_gdb_stack_none.msl").read_bytes())
    data[8] = 3
    from memslice.errors import HeaderError

    with pytest.raises(HeaderError) as info:
        MslReader(bytes(data))
    assert info.value.rule == "C1" and info.value.offset == 8
