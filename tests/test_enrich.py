"""``msl enrich``: a verified extension segment appended after the End-of-Capture.

Expectations: build ids as ``readelf -n`` reports them for the mapped files, file hashes
from the ``blake3`` package, the untouched prefix compared with hashlib, memslicer 0.5.2
verifying the result (chain, SegmentHash, BlockCount).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import blake3
import pytest
from memslice.generated.blocks.module_build_id_manifest import BuildIdRow, ModuleBuildIdManifest
from memslice.generated.blocks.module_entry import ModuleEntry
from memslice.generated.blocks.module_list_index import ModuleListIndex, ModuleManifestEntry
from memslice.generated.blocks.process_identity import ProcessIdentity
from memslice.generated.enums import BlockFlags, BuildIdSource, CapBitmap

from memslice.append import append_segment
from memslice.errors import EncodeError, IntegrityError, UnsupportedError
from memslice.modules import module_list
from memslice.reader import MslReader
from memslice.verify import verify
from memslice.writer import MslWriter, new_uuid
from tests.oracles.venvs import ensure_oracle, failure_reason, run_oracle

MSL = [sys.executable, "-m", "memslice.cli.main"]
ZERO = bytes(32)


def _sha(path: Path, size: int | None = None) -> str:
    data = path.read_bytes()
    return hashlib.sha256(data if size is None else data[:size]).hexdigest()


def _readelf_build_id(path: str) -> str | None:
    if shutil.which("readelf") is None:
        pytest.skip("readelf not installed")
    out = subprocess.run(["readelf", "-n", path], capture_output=True, text=True, check=False).stdout
    return next((line.split(":", 1)[1].strip() for line in out.splitlines() if "Build ID" in line), None)


def _writer_capture(path: Path, modules: list[tuple[int, str, bytes]], *, fmt: str = "1.1") -> None:
    """A small capture: identity, index, the given Module Entries (base, path, DiskHash)."""
    uids = [new_uuid() for _ in modules]
    with MslWriter(path, format_version=fmt, cap_bitmap=int(CapBitmap.PROCESS_IDENTITY | CapBitmap.MODULE_LIST),
                   pid=1) as w:
        w.add(ProcessIdentity(ppid=0, session_id=0, start_time=0, exe_path="/x", cmd_line="x"))
        index = w.add(ModuleListIndex(entries=[ModuleManifestEntry(module_uuid=u, base_addr=b, module_size=0x1000,
                                                                   path=p) for u, (b, p, _) in zip(uids, modules,
                                                                                                  strict=True)]),
                      flags=BlockFlags.HAS_CHILDREN)
        for uid, (base, p, digest) in zip(uids, modules, strict=True):
            w.add(ModuleEntry(base_addr=base, module_size=0x1000, path=p, version=None, disk_hash=digest,
                              native_blob=b""), block_uuid=uid, parent_uuid=index)
        w.finish()


@pytest.fixture
def live_capture(tmp_path: Path) -> Path:
    """A capture of a process the test starts (empty environment)."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; print('ready', flush=True); sys.stdin.readline()"],
                            env={}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        out = tmp_path / "live.msl"
        subprocess.run([*MSL, "capture", str(proc.pid), "-o", str(out), "-q", "--scope", "image,stack"], check=True,
                       timeout=300)
        return out
    finally:
        proc.kill()
        proc.wait()


def test_enrich_build_ids_match_readelf_and_prefix_untouched(live_capture: Path, tmp_path: Path) -> None:
    size = live_capture.stat().st_size
    before = _sha(live_capture)
    proc = subprocess.run([*MSL, "enrich", str(live_capture), "--build-ids", "--physical-map"], capture_output=True,
                          text=True, check=False, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert _sha(live_capture, size) == before  # no byte before the segment changed
    with MslReader(live_capture) as msl:
        report = verify(msl)
        assert report.ok and len(report.segments) == 1 and not report.trailing_bytes
        assert [msl.decode(r).block_id for r in msl.blocks if r.segment == 1] == [
            "module_build_id_manifest", "physical_memory_map", "end_of_extension"]
        merged = module_list(msl)
    checked = 0
    for module in merged.modules:
        expected = _readelf_build_id(module.path)
        if expected is None:
            continue
        assert module.build_id.hex() == expected, module.path
        assert module.build_id_source in (BuildIdSource.CAPTURED_REGION, BuildIdSource.ON_DISK)
        checked += 1
    assert checked >= 2  # the interpreter and libc at least
    assert any(m.build_id_source == BuildIdSource.CAPTURED_REGION for m in merged.modules)
    shown = json.loads(subprocess.run([*MSL, "info", "--json", str(live_capture)], capture_output=True, text=True,
                                      check=True).stdout)["result"]["investigation"]["modules"]
    assert [(m["path"], m["build_id"]) for m in shown] == [(m.path, m.build_id.hex() or None) for m in merged.modules]
    python = ensure_oracle("memslicer")
    if python is None:
        pytest.skip(f"memslicer oracle unavailable: {failure_reason('memslicer')}")
    result = run_oracle("memslicer", live_capture)
    assert result["verify"] == "ok", result.get("verify_detail")
    assert [s["block_count"] for s in result["extension_segments"]] == [3]


def test_manifest_merge_nonzero_disk_hash_supersedes_zero(tmp_path: Path) -> None:
    exe = os.path.realpath(sys.executable)
    own = bytes(range(32))
    path = tmp_path / "m.msl"
    _writer_capture(path, [(0x400000, exe, ZERO), (0x500000, "/lib/other.so", own)])
    proc = subprocess.run([*MSL, "enrich", str(path), "--disk-hashes"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    with MslReader(path) as msl:
        assert verify(msl).ok
        merged = {m.base: m for m in module_list(msl).modules}
    assert merged[0x400000].disk_hash == blake3.blake3(Path(exe).read_bytes()).digest()
    assert merged[0x400000].disk_hash_from == "manifest"
    assert merged[0x500000].disk_hash == own and merged[0x500000].disk_hash_from == "module_entry"
    # a later row with another hash never replaces a non-zero one; a row matching no module dangles
    append_segment(path, [ModuleBuildIdManifest(rows=[
        BuildIdRow(base_addr=0x500000, disk_hash=bytes([7]) * 32),
        BuildIdRow(base_addr=0x999000, len_build_id=16, build_id_source=int(BuildIdSource.RETROACTIVE),
                   build_id=bytes(range(16)) + bytes(4))])])
    with MslReader(path) as msl:
        assert verify(msl).ok and len(verify(msl).segments) == 2
        result = module_list(msl)
    assert {m.base: m.disk_hash for m in result.modules}[0x500000] == own
    assert result.dangling == [(0x999000, bytes(range(16)))]


def test_enrich_refuses_trailing_data_and_leaves_file(tmp_path: Path) -> None:
    path = tmp_path / "t.msl"
    _writer_capture(path, [(0x400000, os.path.realpath(sys.executable), ZERO)])
    with open(path, "ab") as handle:
        handle.write(b"not a block, just trailing bytes")
    before = _sha(path)
    proc = subprocess.run([*MSL, "enrich", str(path), "--disk-hashes"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "trailing data" in proc.stderr
    assert _sha(path) == before
    with pytest.raises(IntegrityError):
        append_segment(path, [ModuleBuildIdManifest(rows=[BuildIdRow(base_addr=1)])])
    assert _sha(path) == before


def test_enrich_refuses_a_capture_that_does_not_verify(tmp_path: Path) -> None:
    path = tmp_path / "bad.msl"
    _writer_capture(path, [(0x400000, os.path.realpath(sys.executable), ZERO)])
    data = bytearray(path.read_bytes())
    data[200] ^= 0xFF  # inside block 0's payload: its hash, and so the chain, no longer match
    path.write_bytes(bytes(data))
    before = _sha(path)
    proc = subprocess.run([*MSL, "enrich", str(path), "--disk-hashes"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "does not verify" in proc.stderr
    assert _sha(path) == before


def test_append_refuses_format_10_and_evidence_blocks(tmp_path: Path) -> None:
    old = tmp_path / "old.msl"
    _writer_capture(old, [(0x400000, "/x", ZERO)], fmt="1.0")
    with pytest.raises(UnsupportedError):
        append_segment(old, [ModuleBuildIdManifest(rows=[BuildIdRow(base_addr=1)])])
    new = tmp_path / "new.msl"
    _writer_capture(new, [(0x400000, "/x", ZERO)])
    before = _sha(new)
    with pytest.raises(EncodeError):
        append_segment(new, [ProcessIdentity(ppid=0, session_id=0, start_time=0, exe_path="/x", cmd_line="x")])
    assert _sha(new) == before


def test_enrich_without_an_option_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "u.msl"
    _writer_capture(path, [(0x400000, "/x", ZERO)])
    proc = subprocess.run([*MSL, "enrich", str(path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "--build-ids" in proc.stderr


SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples" / "memslicer-0.5.2"


def test_enrich_refuses_an_encrypted_capture(tmp_path: Path) -> None:
    path = tmp_path / "enc.msl"
    shutil.copyfile(SAMPLES / "tiny_gdb_stack_enc.msl", path)
    before = _sha(path)
    proc = subprocess.run([*MSL, "enrich", str(path), "--physical-map"], capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "encrypted" in proc.stderr
    assert _sha(path) == before


def test_enrich_a_memslicer_capture_memslicer_verifies_it(tmp_path: Path) -> None:
    path = tmp_path / "ms.msl"
    shutil.copyfile(SAMPLES / "gdb_inv_plain_zstd_64m.msl", path)
    size = path.stat().st_size
    before = _sha(path)
    proc = subprocess.run([*MSL, "enrich", str(path), "--build-ids", "--physical-map"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert _sha(path, size) == before
    with MslReader(path) as msl:
        report = verify(msl)
        assert report.ok and len(report.segments) == 1
        merged = module_list(msl)
    # memslicer's module bases point at the text; the ELF headers are found through the VAS Map
    assert merged.modules and all(m.build_id_source == BuildIdSource.CAPTURED_REGION and len(m.build_id) == 20
                                  for m in merged.modules)
    if ensure_oracle("memslicer") is None:
        pytest.skip(f"memslicer oracle unavailable: {failure_reason('memslicer')}")
    result = run_oracle("memslicer", path)
    assert result["verify"] == "ok", result.get("verify_detail")
    assert len(result["extension_segments"]) == 1
