"""Scripting ``msl``: --version, one JSON document per --json run, chain of custody, exit codes,
several files per checking command, -q everywhere, info's timestamps, and what a newcomer meets
(progress line, root hint, make test preflight, a quiet install)."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import blake3
import pytest

from memslice import MslReader
from tests.conftest import SAMPLES
from tests.msl_cli import build, msl, one_json, page

REPO = Path(__file__).resolve().parents[1]
ENCRYPTED = SAMPLES / "memslicer-0.5.2" / "tiny_gdb_stack_enc.msl"
BASE = 0x10000


@pytest.fixture
def capture(tmp_path: Path) -> Path:
    return build(tmp_path / "c.msl", [(BASE, "010", page(0x41) + page(0x42))])


def test_version_names_tool_formats_and_libraries() -> None:
    out = msl("--version")
    assert out.returncode == 0
    assert f"msl (memslice) {metadata.version('memslice')}" in out.stdout
    assert "Version 0x0100" in out.stdout and "Version 0x0101" in out.stdout
    assert f"yara-python {metadata.version('yara-python')}" in out.stdout
    assert f"zstandard {metadata.version('zstandard')}" in out.stdout


COMMANDS_ON_MISSING = [
    ["info"], ["verify"], ["validate"], ["regions"], ["read", "{f}", "0x1000", "16"], ["extract", "{f}", "--all", "-o",
                                                                                      "{d}"],
    ["search", "{f}", "x"], ["strings"], ["diff", "{f}", "{f}"],
]


@pytest.mark.parametrize("argv", COMMANDS_ON_MISSING, ids=lambda a: a[0])
def test_json_error_is_one_document(argv: list[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.msl")
    args = [a.format(f=missing, d=tmp_path / "out") for a in argv]
    if len(args) == 1:
        args.append(missing)
    out = msl(*args, "--json")
    assert out.returncode == 74, out.stderr
    doc = one_json(out.stdout)
    assert doc["exit_code"] == 74 and doc["error"]["type"] == "FileNotFoundError"
    assert doc["tool"]["version"] == metadata.version("memslice")


def test_json_error_for_a_file_that_is_not_msl(tmp_path: Path) -> None:
    junk = tmp_path / "junk.msl"
    junk.write_bytes(b"not a capture at all" * 10)
    out = msl("regions", junk, "--json")
    doc = one_json(out.stdout)
    assert out.returncode == 1 and doc["error"]["rule"] == "C1" and doc["error"]["offset"] == 0


def test_json_carries_chain_of_custody(capture: Path) -> None:
    data = capture.read_bytes()
    with MslReader(capture) as reader:
        eoc_offset = reader.eoc.offset
    out = msl("regions", capture, "--json")
    doc = one_json(out.stdout)
    (cust,) = doc["captures"]
    assert cust["sha256"] == hashlib.sha256(data).hexdigest() and cust["size"] == len(data)
    assert cust["file_hash"] == {"algorithm": "blake3", "value": blake3.blake3(data[:eoc_offset]).hexdigest(),
                                 "status": "recorded"}
    assert doc["tool"] == {"name": "msl", "version": metadata.version("memslice")}


def test_exit_code_table_in_help_and_readme() -> None:
    table = {0: "valid", 1: "invalid", 2: "usage", 10: "not checked", 74: "I/O error", 130: "interrupted"}
    helptext = msl("--help").stdout
    readme = (REPO / "README.md").read_text()
    for code, word in table.items():
        assert re.search(rf"^\s+{code}\s+.*{word}", helptext, re.M | re.I), (code, helptext)
        assert re.search(rf"^\|\s*{code}\s*\|.*{word}", readme, re.M | re.I), code


def test_every_command_takes_quiet(capture: Path) -> None:
    from memslice.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, command in sub.choices.items():
        assert "-q" in command._option_string_actions, name
    out = msl("verify", "-q", capture)
    assert out.returncode == 0 and out.stdout == ""
    out = msl("regions", "-q", capture)
    assert out.returncode == 0 and out.stdout == ""


def test_verify_and_validate_take_several_files(tmp_path: Path) -> None:
    capture = SAMPLES / "memslicer-0.5.2" / "tiny_gdb_heap_zstd.msl"  # valid, and passes validate
    missing = tmp_path / "missing.msl"
    for command in ("verify", "validate"):
        out = msl(command, capture, missing, ENCRYPTED)
        lines = out.stdout.splitlines()
        assert out.returncode == 74, (command, out.stdout)
        assert any(line.startswith(str(capture)) for line in lines)
        assert any(line.startswith(str(missing)) and "I/O ERROR" in line for line in lines)
        assert any(line.startswith(str(ENCRYPTED)) and "NOT CHECKED" in line for line in lines)
        assert lines[-1].startswith("3 files:")
        doc = one_json(msl(command, capture, ENCRYPTED, "--json").stdout)
        assert doc["exit_code"] == 10 and len(doc["result"]["files"]) == 2


def test_encrypted_without_key_is_not_checked_everywhere() -> None:
    for command in ("verify", "validate"):
        out = msl(command, ENCRYPTED)
        assert out.returncode == 10 and "NOT CHECKED" in out.stdout, (command, out.stdout)
    for command in ("regions", "strings", "search"):
        args = [command, ENCRYPTED] + (["x"] if command == "search" else [])
        out = msl(*args)
        assert out.returncode == 10 and "encrypted" in out.stderr and "Traceback" not in out.stderr, command


def test_info_json_headings_and_iso_timestamps(tmp_path: Path) -> None:
    from memslice.writer import MslWriter, cap_bitmap_for

    ns = 1_700_000_000_123_456_789
    path = tmp_path / "t.msl"
    with MslWriter(path, timestamp=ns, clock_source=1, cap_bitmap=cap_bitmap_for([1])) as w:
        w.add_memory_region(BASE, "0", page(1))
    iso = datetime.datetime.fromtimestamp(ns // 10**9, tz=datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S") + ".123456789Z"
    text = msl("info", path).stdout
    assert f"timestamp: {iso} (clock_realtime)" in text
    assert re.search(r"INDEX\s+OFFSET\s+TYPE\s+NAME\s+LENGTH\s+CODEC", text)
    doc = one_json(msl("info", path, "--json").stdout)
    assert doc["result"]["header"]["timestamp"] == {"ns": ns, "clock": "clock_realtime", "iso_utc": iso}
    assert [b["name"] for b in doc["result"]["blocks"]] == ["memory_region", "end_of_capture"]


def test_progress_line_has_no_rate_before_time_has_passed() -> None:
    from memslice.acquirer.progress import TerminalProgress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    bar = TerminalProgress(stream)
    bar.update(bytes_done=4096, regions_done=1, regions_total=1, pages_failed=0)
    line = stream.getvalue()
    assert "0.0 MiB" in line and "-- MB/s" in line and not re.search(r"\d{4,} MB/s", line)


def test_root_is_not_told_to_run_as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    from memslice.acquirer.errors import denied_hint

    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert "run as root" not in denied_hint() and "already root" in denied_hint()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert "run as root" in denied_hint()


def test_make_test_preflight_names_what_is_missing(tmp_path: Path) -> None:
    bare = tmp_path / "bin"
    bare.mkdir()
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "preflight.py")], capture_output=True, text=True,
                         env={"PATH": str(bare)}, timeout=60, check=False)
    assert out.returncode == 1 and out.stderr.count("\n") == 1
    for tool in ("node", "npm", "javac", "java"):
        assert tool in out.stderr


def test_data_folders_are_listed_so_setuptools_stays_quiet() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    roots = {"memslice.conformance": REPO / "conformance", "memslice.codegen": REPO / "codegen",
             "memslice.spec": REPO / "spec"}
    for package, root in roots.items():
        for folder in root.rglob("*"):
            if not folder.is_dir() or folder.name == "__pycache__" or (folder / "__init__.py").exists():
                continue
            parts = folder.relative_to(root).parts
            if all(p.isidentifier() for p in parts) and any(f.is_file() for f in folder.iterdir()):
                assert ".".join((package, *parts)) in listed, folder


def test_ci_sets_ci_and_oracle_failure_is_fatal() -> None:
    assert "export CI=true" in (REPO / ".ci" / "run").read_text()
    makefile = (REPO / "Makefile").read_text()
    test_line = next(line for line in makefile.splitlines() if line.startswith("test:"))
    assert "oracles-required" in test_line and "preflight" in test_line
    assert "-$(BIN)/python tests/oracles/venvs.py" not in makefile.split("oracles-required:")[1]


def test_capture_report_carries_chain_of_custody(tmp_path: Path) -> None:
    from tests.targets.harness import target

    out, report = tmp_path / "t.msl", tmp_path / "t.json"
    with target("--markers", "1") as t:
        result = msl("capture", str(t.pid), "-o", out, "--report", report, "-q")
    assert result.returncode == 0, result.stderr
    doc = json.loads(report.read_text())
    data = out.read_bytes()
    with MslReader(out) as reader:
        eoc_offset = reader.eoc.offset
    assert doc["tool"] == {"name": "msl", "version": metadata.version("memslice")}
    assert doc["chain_of_custody"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert doc["chain_of_custody"]["file_hash"]["value"] == blake3.blake3(data[:eoc_offset]).hexdigest()


def test_demo_ends_with_regions_and_search(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "demo_live.py"), str(tmp_path / "demo")],
                         capture_output=True, text=True, timeout=300, check=False, cwd=REPO)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    regions_at, search_at = text.index("$ msl regions "), text.index("$ msl search ")
    assert regions_at < search_at
    assert "CAPTURED" in text[regions_at:search_at] and "anonymous" in text[regions_at:search_at]
    last = text.strip().splitlines()[-1]
    assert re.match(r"\d+ match\(es\) of 32-byte literal '<MSLREF:MARKER:0123456789ABCDEF>'", last), last
    assert "Warning" not in out.stderr and "Traceback" not in out.stderr


def test_validate_progress_appears_only_after_two_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    from memslice.cli import cmd_validate

    quick = cmd_validate._Progress(True)
    quick.begin("f.msl")
    quick("blocks", 1, 10)
    assert quick.bar is None  # under two seconds: nothing drawn
    monkeypatch.setattr(cmd_validate.time, "monotonic", lambda: quick.started + 2.5)
    quick("blocks", 2, 10)
    assert quick.bar is not None and quick.bar.tasks[0].completed == 2
    quick.end()
    quick.close()
    assert cmd_validate._Progress(False).enabled is False
