"""The ``msl`` command line on real samples: exit codes, output, determinism."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES

MSL = [sys.executable, "-m", "memslice.cli.main"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MSL, *args], capture_output=True, text=True, timeout=120, check=False)


def test_verify_valid_and_invalid() -> None:
    ok = run("verify", str(SAMPLES / "memslicer-0.5.2/small_gdb_heapstack_zstd.msl"))
    assert ok.returncode == 0 and "VALID" in ok.stdout
    bad = run("verify", str(SAMPLES / "legacy/chrome_min.msl"))
    assert bad.returncode == 1 and "INVALID" in bad.stdout and "[rule P4]" in bad.stdout


def test_verify_json() -> None:
    out = run("verify", "--json", "--deep", str(SAMPLES / "memdiver-1.0.2/mdw_lz4.msl"))
    doc = json.loads(out.stdout)["result"]
    assert doc["ok"] is True and doc["segments"][0]["segment_hash"] == "ok"


def test_not_an_msl_file_gives_one_line_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.msl"
    junk.write_bytes(b"hello world, not a capture" * 4)
    out = run("verify", str(junk))
    assert out.returncode == 1
    assert out.stderr.count("\n") == 1 and "MEMSLICE" in out.stderr and "rule C1" in out.stderr
    assert "Traceback" not in out.stderr


def test_missing_file() -> None:
    out = run("info", "/nonexistent/file.msl")
    assert out.returncode == 74 and "No such file" in out.stderr and "Traceback" not in out.stderr


def test_canon_is_deterministic(tmp_path: Path) -> None:
    sample = str(SAMPLES / "memslicer-0.5.2/tiny_gdb_heap_zstd.msl")
    first = run("canon", sample).stdout
    run("canon", sample, "-o", str(tmp_path / "c.json"))
    assert first == (tmp_path / "c.json").read_text()
    doc = json.loads(first)
    assert doc["canon"] == "msl-canon/1" and doc["result"] == "complete"
    assert doc["integrity"]["chain"] == "ok"
    region = next(b for b in doc["blocks"] if b["type_name"] == "memory_region")
    assert region["payload"]["page_states"][0][0] in {"captured", "failed", "unmapped", "not_resident"}
    assert all(isinstance(v, str) for v in (region["offset"], region["length"], region["index"]))


def test_info_lists_blocks_and_dialect() -> None:
    out = run("info", str(SAMPLES / "legacy/chrome_min_original.msl"))
    assert out.returncode == 0
    assert "dialect g0" in out.stdout and "module_entry" in out.stdout


def test_codegen_check_passes() -> None:
    out = run("codegen", "--check")
    assert out.returncode == 0, out.stderr
