"""Our live captures, read back and verified by memslicer 0.5.2 and memdiver 1.0.2.

The target holds a 4 MiB area of the 32-byte reference marker (131072 copies) plus a few
copies elsewhere (the marker is a constant in its code). Each tool verifies the file with
its own verifier and reassembles the captured pages with its own region decoder; the
number of regions, the captured bytes and the marker count must equal ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from memslice import MslReader, verify
from tests.conftest import tool_missing
from tests.oracles.venvs import ensure_oracle, failure_reason, run_oracle
from tests.targets.harness import capture, count_markers, target

TOOLS = ("memslicer", "memdiver")
MARKER_AREA_COPIES = (4 << 20) // 32


@pytest.fixture(scope="module")
def captures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One target, captured once per codec and format."""
    out = tmp_path_factory.mktemp("oracle-captures")
    files = {}
    with target("--markers", "4", "--threads", "2", "--protnone") as t:
        for label, args in (("none", ["-c", "none"]), ("zstd", ["-c", "zstd"]), ("lz4", ["-c", "lz4"]),
                            ("v10", ["--format", "1.0"])):
            path = out / f"live-{label}.msl"
            result = capture(str(t.pid), "-o", str(path), "-q", *args)
            assert result.returncode == 0, result.stderr
            files[label] = path
    return files


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("label", ["none", "zstd", "lz4", "v10"])
def test_oracle_reads_and_verifies_our_capture(captures: dict[str, Path], tool: str, label: str) -> None:
    if ensure_oracle(tool) is None:
        tool_missing(f"{tool} oracle unavailable: {failure_reason(tool)}")
    path = captures[label]
    with MslReader(path) as reader:
        assert verify(reader).ok
        regions = list(reader.regions())
        ours = {"blocks": len(reader.blocks), "regions": len(regions),
                "bytes": sum(len(r.captured_data()) for r in regions)}
    markers = count_markers(path)
    assert markers >= MARKER_AREA_COPIES
    got = run_oracle(tool, path)
    assert got["exit_code"] == 0, got
    assert got["verify"] == "ok", (got.get("verify_errors"), got.get("verify_detail"))
    assert got["block_count"] == ours["blocks"]
    assert got["region_count"] == ours["regions"]
    assert got["captured_page_bytes"] == ours["bytes"]
    assert got["marker_count"] == markers
    assert not got.get("region_errors")
