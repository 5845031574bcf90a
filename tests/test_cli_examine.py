"""Looking inside a capture from the command line: regions, read, extract, search, strings, yara, diff.

Every capture is built here with known bytes at known addresses; the expectations come from
that construction (and hashlib), never from the code under test.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pty
import subprocess
from pathlib import Path

import pytest

from memslice import MslReader
from memslice.errors import NotCapturedError
from tests.msl_cli import MSL, build, msl, one_json, page

BASE = 0x7F0000000000
NEEDLE = b"MSL-NEEDLE-0123456789"


@pytest.fixture(params=["none", "zstd", "lz4"])
def capture(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Region 1: pages C C F C (failed page 2); region 2 right after region 1: C C.

    NEEDLE straddles the end of region 1 and the start of region 2 (a block boundary within a
    captured run); a second copy straddles the failed page (so must never be found); a string
    of 40 'S' spans the page boundary inside region 2.
    """
    half = len(NEEDLE) // 2
    r1 = bytearray(page(0x11) + page(0x12) + page(0x14))
    r1[8192 - half:8192] = NEEDLE[:half]  # page 1 ends with half a needle, page 2 (failed) would hold the rest
    r1[-half:] = NEEDLE[:half]
    r2 = bytearray(page(0x15) + page(0x16))
    r2[:len(NEEDLE) - half] = NEEDLE[half:]
    r2[4096 - 20:4096 + 20] = b"S" * 40
    return build(tmp_path / f"c_{request.param}.msl",
                 [(BASE, "0010", bytes(r1)), (BASE + 0x4000, "00", bytes(r2))], compression=request.param,
                 vas=[(BASE, 0x4000, 3, 1, "[heap]"), (BASE + 0x4000, 0x3000, 3, 5, "")])


def test_regions_lists_mappings_with_page_states(capture: Path) -> None:
    out = msl("regions", capture, "--json")
    assert out.returncode == 0, out.stderr
    doc = one_json(out.stdout)
    rows = doc["result"]["mappings"]
    assert [(r["start"], r["end"], r["type"], r["path"]) for r in rows] == [
        (hex(BASE), hex(BASE + 0x4000), "heap", "[heap]"), (hex(BASE + 0x4000), hex(BASE + 0x7000), "anonymous", "")]
    assert rows[0]["pages"] == {"captured": 3, "failed": 1, "unmapped": 0, "not_resident": 0}
    assert rows[1]["pages"]["captured"] == 2 and rows[1]["absent_bytes"] == 0x1000
    assert doc["captures"][0]["sha256"] == hashlib.sha256(capture.read_bytes()).hexdigest()
    text = msl("regions", capture, "--type", "heap")
    assert "[heap]" in text.stdout and "anonymous" not in text.stdout.split("\n", 1)[1]


def test_read_raw_hexdump_hole_and_fill(capture: Path, tmp_path: Path) -> None:
    raw = msl("read", capture, hex(BASE + 0x3000), "0x2000", binary=True)
    assert raw.returncode == 0
    assert raw.stdout[:4096 - 10] == page(0x14)[:4096 - 10] and raw.stdout[4096:4096 + 10] == NEEDLE[10:20]
    hole = msl("read", capture, hex(BASE + 0x1ff0), "0x20", binary=True)
    assert hole.returncode == 1 and hole.stdout == b"" and b"not captured" in hole.stderr and b"failed" in hole.stderr
    filled = msl("read", capture, hex(BASE + 0x1ff0), "0x20", "--fill", "0xAA", "-o", tmp_path / "r.bin")
    assert filled.returncode == 0, filled.stderr
    data = (tmp_path / "r.bin").read_bytes()
    assert data[16:] == b"\xaa" * 16 and data[6:16] == NEEDLE[:10]
    assert os.stat(tmp_path / "r.bin").st_mode & 0o777 == 0o600
    # on a terminal: a hexdump with addresses
    master, slave = pty.openpty()
    proc = subprocess.run([str(MSL), "read", str(capture), hex(BASE + 0x4000), "16"], stdout=slave,
                          stderr=subprocess.PIPE, timeout=60, check=False)
    os.close(slave)
    shown = os.read(master, 4096).decode()
    os.close(master)
    assert proc.returncode == 0 and f"{BASE + 0x4000:016x}:" in shown and NEEDLE[10:16].decode() in shown


def test_extract_refuses_holes_unless_filled(capture: Path, tmp_path: Path) -> None:
    out = msl("extract", capture, "--all", "-o", tmp_path / "x")
    assert out.returncode == 1 and "not captured" in out.stderr
    assert not (tmp_path / "x" / f"0x{BASE:x}-0x{BASE + 0x4000:x}.bin").exists()
    out = msl("extract", capture, "--region", hex(BASE + 5), "--fill", "0", "-o", tmp_path / "y", "--json")
    assert out.returncode == 0, out.stderr
    data = (tmp_path / "y" / f"0x{BASE:x}-0x{BASE + 0x4000:x}.bin").read_bytes()
    assert len(data) == 0x4000 and data[0x2000:0x3000] == bytes(4096) and data[:16] == page(0x11)[:16]
    side = json.loads((tmp_path / "y" / f"0x{BASE:x}-0x{BASE + 0x4000:x}.json").read_text())
    assert side["filled"] == [{"start": hex(BASE + 0x2000), "end": hex(BASE + 0x3000), "state": "failed",
                               "offset": 0x2000}]
    assert side["sha256"] == hashlib.sha256(data).hexdigest()


def test_search_across_blocks_never_across_holes(capture: Path) -> None:
    out = msl("search", capture, NEEDLE.decode(), "--json")
    assert out.returncode == 0, out.stderr
    doc = one_json(out.stdout)
    assert [m["address"] for m in doc["result"]["matches"]] == [hex(BASE + 0x4000 - 10)]
    assert doc["result"]["matches"][0]["mapping"]["path"] == "[heap]"
    assert msl("search", capture, NEEDLE.hex(), "--hex", "-c").stdout.strip() == "1"
    assert msl("search", capture, "S{40}", "--regex", "-c").stdout.strip() == "1"
    missing = msl("search", capture, "absent-pattern")
    assert missing.returncode == 1 and "0 match" in missing.stdout


def test_search_utf16(tmp_path: Path) -> None:
    data = bytearray(page(0))
    data[100:100 + 12] = "secret".encode("utf-16-le")
    path = build(tmp_path / "w.msl", [(BASE, "0", bytes(data))])
    out = msl("search", path, "secret", "--utf16")
    assert out.returncode == 0 and f"0x{BASE + 100:016x}" in out.stdout


def test_strings_join_blocks_split_at_holes(capture: Path) -> None:
    out = msl("strings", capture, "-n", "8", "--json")
    assert out.returncode == 0, out.stderr
    found = {(s["address"], s["text"]) for s in one_json(out.stdout)["result"]["strings"]}
    assert (hex(BASE + 0x4000 - 10), NEEDLE.decode()) in found
    assert (hex(BASE + 0x5000 - 20), "S" * 40) in found
    # the half needle before the failed page ends there
    assert (hex(BASE + 0x2000 - 10), NEEDLE[:10].decode()) in found


def test_yara_reports_rule_address_and_strings(capture: Path, tmp_path: Path) -> None:
    rules = tmp_path / "r.yar"
    rules.write_text(f'rule needle {{ strings: $n = "{NEEDLE.decode()}" condition: $n }}\n')
    out = msl("yara", rules, capture, "--json")
    assert out.returncode == 0, out.stderr
    matches = one_json(out.stdout)["result"]["matches"]
    assert [(m["rule"], [s["address"] for s in m["strings"]]) for m in matches] == [
        ("needle", [hex(BASE + 0x4000 - 10)])]
    assert bytes.fromhex(matches[0]["strings"][0]["data"]) == NEEDLE
    bad = tmp_path / "bad.yar"
    bad.write_text("rule {")
    out = msl("yara", bad, capture)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_diff_regions_and_pages(tmp_path: Path) -> None:
    a = build(tmp_path / "a.msl", [(BASE, "000", page(1) + page(2) + page(3)), (BASE + 0x10000, "0", page(9))])
    b = build(tmp_path / "b.msl", [(BASE, "0001", page(1) + page(7) + page(3)), (BASE + 0x20000, "0", page(9))])
    out = msl("diff", a, b, "--json")
    assert out.returncode == 1
    res = one_json(out.stdout)["result"]
    assert [m["start"] for m in res["mappings"]["added"]] == [hex(BASE + 0x20000)]
    assert [m["start"] for m in res["mappings"]["removed"]] == [hex(BASE + 0x10000)]
    assert res["mappings"]["resized"][0]["end_b"] == hex(BASE + 0x4000)
    assert res["pages"] == {"changed": 1, "identical": 2, "state_changed": 3}
    assert res["per_mapping"][0]["first_changed"] == hex(BASE + 0x1000)
    assert msl("diff", a, a).returncode == 0


def test_address_space_file_view(capture: Path) -> None:
    with MslReader(capture) as reader:
        view = reader.address_space()
        assert view.seekable() and view.readable()
        view.seek(BASE + 0x4000 - 10)
        assert io.BufferedReader(view).read(len(NEEDLE)) == NEEDLE
        view.seek(BASE + 0x1000)
        with pytest.raises(NotCapturedError) as err:
            view.read(0x1001)
        assert err.value.address == BASE + 0x2000 and err.value.state == "failed"
        assert view.tell() == BASE + 0x1000
        filled = reader.address_space(fill=0x5A)
        filled.seek(BASE + 0x2000)
        assert filled.read(8) == b"\x5a" * 8
        view.seek(BASE + 0x3000)
        assert len(view.read()) == 0x3000  # to the end of the captured extent (across the block boundary)


@pytest.mark.parametrize("window", [3 * 4096, 5 * 4096 + 8])
def test_scans_agree_with_a_reference_across_window_edges(tmp_path: Path, window: int,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Strings, regex and literal scans over several blocks and many small windows find exactly
    what ``re`` finds in the joined bytes (each block a separate extent piece, no hole)."""
    import random
    import re

    from memslice import scan
    from memslice.address_space import AddressSpace

    monkeypatch.setattr(scan, "WINDOW", window)
    monkeypatch.setattr(scan, "YARA_WINDOW", window)
    monkeypatch.setattr(scan, "OVERLAP", 1024)
    monkeypatch.setattr(scan, "MAX_DEFER", 2048)
    rng = random.Random(7)
    data = bytearray(rng.randbytes(24 * 4096))
    for at in (3 * 4096 - 50, 8 * 4096 - 7, 12 * 4096 - 1500):
        data[at:at + 300] = b"P" * 300
    data[16 * 4096 - 9:16 * 4096 + 9] = NEEDLE[:18]
    path = build(tmp_path / "r.msl", [(BASE + i * 0x8000, "0" * 8, bytes(data[i * 0x8000:(i + 1) * 0x8000]))
                                      for i in range(3)])
    ref_strings = [(BASE + m.start(), m.group()) for m in re.finditer(rb"[\x20-\x7e\t]{6,}", bytes(data))]
    with MslReader(path) as reader:
        space = AddressSpace(reader)
        got = list(scan.find_strings(space, 6))
        # a run longer than MAX_DEFER at a window edge may be split; join adjacent pieces to compare
        joined: list[tuple[int, bytes]] = []
        for addr, text in got:
            if joined and joined[-1][0] + len(joined[-1][1]) == addr:
                joined[-1] = (joined[-1][0], joined[-1][1] + text)
            else:
                joined.append((addr, text))
        assert joined == ref_strings
        assert list(scan.find_literal(space, NEEDLE[:18])) == [BASE + 16 * 4096 - 9]
        assert [a for a, _ in scan.find_regex(space, re.compile(rb"P{300}"))] == [
            BASE + at for at in (3 * 4096 - 50, 8 * 4096 - 7, 12 * 4096 - 1500)]
        import yara

        needle = NEEDLE[:18].decode()
        rules = yara.compile(source=f'rule n {{ strings: $n = "{needle}" $p = "PPPPPPPP" condition: $n or $p }}')
        hits = [(s["identifier"], s["address"]) for h in scan.yara_scan(space, rules) for s in h["strings"]]
        assert sorted(a for i, a in hits if i == "$n") == [BASE + 16 * 4096 - 9]
        expected_p = sorted(BASE + at + k for at in (3 * 4096 - 50, 8 * 4096 - 7, 12 * 4096 - 1500)
                            for k in range(300 - 7))
        assert sorted(a for i, a in hits if i == "$p") == expected_p


def test_zstd_region_reads_in_any_order(tmp_path: Path) -> None:
    """A zstd region larger than one inflate chunk reads the same bytes forwards, backwards and
    across chunk edges (the stream restarts or serves its last chunk)."""
    import random

    rng = random.Random(5)
    data = rng.randbytes(20 << 20)
    path = build(tmp_path / "z.msl", [(BASE, "0" * ((20 << 20) // 4096), data)], compression="zstd")
    with MslReader(path) as reader:
        view = reader.address_space()
        for _ in range(40):
            at = rng.randrange(0, len(data) - 70000)
            n = rng.randrange(1, 70000)
            view.seek(BASE + at)
            assert view.read(n) == data[at:at + n]
        edge = 8 << 20
        view.seek(BASE + edge - 5)
        assert view.read(10) == data[edge - 5:edge + 5]


@pytest.mark.parametrize("pattern", [b"aaa", b"aaaaaaaaaa"])
def test_search_counts_overlapping_occurrences(tmp_path: Path, pattern: bytes) -> None:
    data = bytearray(page(0))
    data[100:112] = b"a" * 12
    path = build(tmp_path / "o.msl", [(BASE, "0", bytes(data))])
    out = msl("search", path, pattern.decode(), "--json")
    found = [m["address"] for m in one_json(out.stdout)["result"]["matches"]]
    assert found == [hex(BASE + 100 + k) for k in range(12 - len(pattern) + 1)]


def test_address_space_agrees_with_reader_read_on_every_sample() -> None:
    """Every captured span that MslReader.read reconstructs (its own, older code path) reads back
    the same through the address space, in every dialect and codec of the samples."""
    from memslice.address_space import AddressSpace
    from tests.conftest import SAMPLES

    checked = 0
    for path in sorted(SAMPLES.rglob("*.msl")):
        with MslReader(path) as reader:
            if reader.encrypted:
                continue
            space = AddressSpace(reader)
            if not space.regions:
                continue
            lo = min(r.base for r in space.regions)
            hi = max(r.end for r in space.regions)
            for span in reader.read(lo, hi - lo):  # one call: MslReader.read decodes every region each time
                if span.state == "captured":
                    assert space.read(span.addr, span.length) == span.data, (path, hex(span.addr))
                    checked += 1
    assert checked > 20


def test_extract_bounds_what_a_vas_map_can_make_it_write(tmp_path: Path) -> None:
    """A VAS Map entry claims 1 TiB: extract --all --fill writes nothing for it (no captured page),
    and a mapping needing more filled bytes than --max-fill is refused."""
    path = build(tmp_path / "v.msl", [(BASE, "01", page(1))],
                 vas=[(BASE, 0x2000, 3, 5, ""), (BASE + 0x100000, 1 << 40, 0, 5, "reservation")])
    out = msl("extract", path, "--all", "--fill", "0", "-o", tmp_path / "x", "--json")
    doc = one_json(out.stdout)["result"]
    assert out.returncode == 1 and doc["written"] == 1
    assert sorted(f.name for f in (tmp_path / "x").iterdir()) == [
        f"0x{BASE:x}-0x{BASE + 0x2000:x}.bin", f"0x{BASE:x}-0x{BASE + 0x2000:x}.json"]
    out = msl("extract", path, "--region", hex(BASE), "--fill", "0", "--max-fill", "100", "-o", tmp_path / "y")
    assert out.returncode == 1 and "--max-fill" in out.stderr and not any((tmp_path / "y").iterdir())
