"""Investigation mode: the host and target tables (``msl capture --investigate``).

Expectations come from outside the code under test: ``/proc``, ``ps`` and ``ss`` read at
the moment of the capture for processes and sockets the test creates itself, struct
layouts packed by hand from format-catalogue sections 6.10-6.18, and memslicer 0.5.2,
whose own writer must encode the rows our reader decodes into exactly the payload its
own iterator reads from the file (ours, its sample, and a fresh ``memslicer -I``
capture).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from memslice.acquirer.linux.investigate import environment
from memslice.acquirer.linux.investigate.connection_table import decode_address

from memslice.reader import MslReader
from memslice.verify import verify
from tests.oracles.venvs import ensure_oracle, failure_reason, install_oracle

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "fixtures" / "samples" / "memslicer-0.5.2" / "gdb_inv_plain_zstd_64m.msl"
MSL = [sys.executable, "-m", "memslice.cli.main"]
TABLES = ("system_context", "kernel_symbol_bundle", "connectivity_table", "kernel_module_list",
          "persistence_manifest", "target_introspection", "process_table", "connection_table", "handle_table")

# The process the live tests capture: a TCP listener, a UDP socket, a Unix socket and an open
# file; it prints its ports and waits on stdin.
TARGET_CODE = r"""
import json, os, socket, sys, tempfile
tcp = socket.socket(); tcp.bind(("127.0.0.1", 0)); tcp.listen()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 0))
a, b = socket.socketpair()
try:
    tcp6 = socket.socket(socket.AF_INET6); tcp6.bind(("::1", 0)); tcp6.listen(); port6 = tcp6.getsockname()[1]
except OSError:
    port6 = 0
f = open(sys.argv[1], "w")
print(json.dumps({"pid": os.getpid(), "tcp": tcp.getsockname()[1], "udp": udp.getsockname()[1], "tcp6": port6}),
      flush=True)
sys.stdin.readline()
"""
TARGET_ENV = {"API_TOKEN": "s3cr3t-value", "FOO": "also-secret", "PLAIN": "visible"}
"""Made-up variables (the target's whole environment): one default secret name, one
redacted on request, one kept."""


# -- units -------------------------------------------------------------------------------
def test_redaction_default_names_and_extra() -> None:
    raw = b"GITHUB_TOKEN=a\0KEYBOARD_LAYOUT=us\0PASS=b\0db_password_x=c\0FOO=d\0PLAIN=e\0NOEQUALS\0"
    out, names = environment.redact(raw, ["FOO"])
    assert out.split(b"\0") == [b"GITHUB_TOKEN=<redacted>", b"KEYBOARD_LAYOUT=us", b"PASS=<redacted>",
                                b"db_password_x=<redacted>", b"FOO=<redacted>", b"PLAIN=e", b"NOEQUALS"]
    assert names == ["GITHUB_TOKEN", "PASS", "db_password_x", "FOO"]


def test_proc_net_address_vectors() -> None:
    if sys.byteorder != "little":
        pytest.skip("vectors are the little-endian /proc/net spelling")
    assert decode_address("0100007F") == socket.inet_aton("127.0.0.1") + bytes(12)
    assert decode_address("00000000000000000000000001000000") == socket.inet_pton(socket.AF_INET6, "::1")
    with pytest.raises(ValueError):
        decode_address("123")


# -- hand-packed decoding (format-catalogue 6.11-6.13, 6.16, 6.17) -------------------------
def _cstr(data: bytes, pos: int, length: int) -> tuple[str, int]:
    if not length:
        return "", pos
    return data[pos:pos + length - 1].decode("utf-8"), pos + ((length + 7) & ~7)


def hand_tables(payloads: dict[int, bytes]) -> dict[str, list[dict[str, Any]]]:
    """Rows of the tables, decoded with struct from the catalogue's layouts."""
    out: dict[str, list[dict[str, Any]]] = {}
    if 0x0051 in payloads:
        p = payloads[0x0051]
        (count,), pos, rows = struct.unpack_from("<I", p), 8, []
        for _ in range(count):
            pid, ppid, uid, tgt, start, rss, le, lc, lu = struct.unpack_from("<IIIB3xQQHHH2x", p, pos)
            pos += 0x28
            exe, pos = _cstr(p, pos, le)
            cmd, pos = _cstr(p, pos, lc)
            user, pos = _cstr(p, pos, lu)
            rows.append({"pid": pid, "ppid": ppid, "uid": uid, "is_target": bool(tgt), "start_time": start,
                         "rss": rss, "exe_name": exe, "cmd_line": cmd, "user": user})
        out["process_table"] = rows
    if 0x0052 in payloads:
        p = payloads[0x0052]
        (count,) = struct.unpack_from("<I", p)
        out["connection_table"] = [
            dict(zip(("pid", "family", "protocol", "state", "local_addr", "local_port", "remote_addr", "remote_port"),
                     struct.unpack_from("<IBBBx16sH2x16sH2x", p, 8 + 48 * i), strict=True)) for i in range(count)]
        for r in out["connection_table"]:
            r["local_addr"], r["remote_addr"] = r["local_addr"].hex(), r["remote_addr"].hex()
    if 0x0053 in payloads:
        p = payloads[0x0053]
        (count,), pos, rows = struct.unpack_from("<I", p), 8, []
        for _ in range(count):
            pid, fd, htype, lp = struct.unpack_from("<IIBxH4x", p, pos)
            path, pos = _cstr(p, pos + 16, lp)
            rows.append({"pid": pid, "fd": fd, "handle_type": htype, "path": path})
        out["handle_table"] = rows
    if 0x0057 in payloads:
        p = payloads[0x0057]
        (count,), pos, rows = struct.unpack_from("<I", p), 8, []
        for _ in range(count):
            (n,) = struct.unpack_from("<H", p, pos)
            name = p[pos + 2:pos + 2 + n].decode()
            size, refs, state, taint, base, flags = struct.unpack_from("<QIBBQB", p, pos + 2 + n)
            pos += 26 + n
            rows.append({"name": name, "size": size, "refcount": refs, "state": state, "taint": taint, "base": base,
                         "flags": flags})
        out["kernel_module_list"] = rows
    if 0x0056 in payloads:
        p = payloads[0x0056]
        (count,), pos, rows = struct.unpack_from("<I", p), 8, []
        for _ in range(count):
            source, n = struct.unpack_from("<BxH", p, pos)
            path = p[pos + 4:pos + 4 + n].decode()
            mtime, size, mode = struct.unpack_from("<QQI", p, pos + 4 + n)
            pos += 24 + n
            rows.append({"source": source, "path": path, "mtime_ns": mtime, "size": size, "mode": mode})
        out["persistence_manifest"] = rows
    return out


# -- our reader's rows, in memslicer's vocabulary ------------------------------------------
def our_tables(path: Path) -> dict[str, Any]:
    """The tables as our reader decodes them (field names as memslicer's row types)."""
    out: dict[str, Any] = {}
    with MslReader(path) as msl:
        for block in msl.iter_blocks():
            p = block.payload
            if block.block_id == "system_context":
                out["system_context"] = {"boot_time": p.boot_time, "target_count": p.num_targets,
                                         "table_bitmap": p.table_bitmap, "acq_user": p.acq_user or "",
                                         "hostname": p.hostname or "", "domain": p.domain or "",
                                         "os_detail": p.os_detail or "", "case_ref": p.case_ref or ""}
            elif block.block_id == "process_table":
                out["process_table"] = [{"pid": e.pid, "ppid": e.ppid, "uid": e.uid, "is_target": bool(e.is_target),
                                         "start_time": e.start_time, "rss": e.rss, "exe_name": e.exe_name or "",
                                         "cmd_line": e.cmd_line or "", "user": e.user or ""} for e in p.entries]
            elif block.block_id == "connection_table":
                out["connection_table"] = [{"pid": e.pid, "family": e.family, "protocol": e.protocol,
                                            "state": e.state, "local_addr": e.local_addr.hex(),
                                            "local_port": e.local_port, "remote_addr": e.remote_addr.hex(),
                                            "remote_port": e.remote_port} for e in p.entries]
            elif block.block_id == "handle_table":
                out["handle_table"] = [{"pid": e.pid, "fd": e.fd, "handle_type": e.handle_type, "path": e.path or ""}
                                       for e in p.entries]
            elif block.block_id == "kernel_module_list":
                out["kernel_module_list"] = [{"name": r.name or "", "size": r.size, "refcount": r.ref_count,
                                              "state": r.state, "taint": r.taint, "base": r.base_addr,
                                              "flags": r.flags} for r in p.rows]
            elif block.block_id == "persistence_manifest":
                out["persistence_manifest"] = [{"source": r.source, "path": r.path or "", "mtime_ns": r.mtime_ns,
                                                "size": r.size, "mode": r.mode} for r in p.rows]
    return out


def raw_payloads(path: Path) -> dict[int, bytes]:
    with MslReader(path) as msl:
        return {r.block_type: bytes(msl.payload_bytes(r)) for r in msl.blocks}


def memslicer_encodes_same(path: Path, tables: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Run the memslicer table oracle on ``path`` with ``tables``."""
    python = ensure_oracle("memslicer")
    if python is None:
        pytest.skip(f"memslicer oracle unavailable: {failure_reason('memslicer')}")
    rows = tmp_path / "rows.json"
    rows.write_text(json.dumps(tables))
    proc = subprocess.run([str(python), str(HERE / "oracles" / "memslicer_tables.py"), str(path), str(rows)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


# -- memslicer's files --------------------------------------------------------------------
def test_sample_tables_decode_like_hand_packed_layouts() -> None:
    ours = our_tables(SAMPLE)
    hand = hand_tables(raw_payloads(SAMPLE))
    assert {"process_table", "handle_table"} <= set(hand)
    for name, rows in hand.items():
        assert ours[name] == rows, name
    assert any(r["is_target"] for r in ours["process_table"])


def test_sample_rows_are_what_memslicer_wrote(tmp_path: Path) -> None:
    result = memslicer_encodes_same(SAMPLE, our_tables(SAMPLE), tmp_path)
    assert result["verify"] == "ok"
    assert result["tables"] and set(result["tables"].values()) == {"equal"}, result


# -- live targets -------------------------------------------------------------------------
@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The socket-holding process (made-up environment), killed afterwards."""
    opened = tmp_path / "open-file.txt"
    proc = subprocess.Popen([sys.executable, "-c", TARGET_CODE, str(opened)], env=TARGET_ENV, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        info["file"] = str(opened)
        yield info
    finally:
        proc.kill()
        proc.wait()


def _ps_pids() -> set[int]:
    out = subprocess.run(["ps", "-e", "-o", "pid="], capture_output=True, text=True, check=True).stdout
    return {int(x) for x in out.split()}


def _ss_ports(pid: int) -> set[int]:
    if shutil.which("ss") is None:
        pytest.skip("ss not installed")
    out = subprocess.run(["ss", "-Hlnptu"], capture_output=True, text=True, check=True).stdout
    return {int(line.split()[4].rsplit(":", 1)[1]) for line in out.splitlines() if f"pid={pid}," in line}


def _fds(pid: int) -> dict[int, str]:
    return {int(n): os.readlink(f"/proc/{pid}/fd/{n}") for n in os.listdir(f"/proc/{pid}/fd")}


def test_live_capture_tables_match_proc_ps_ss(target: dict[str, Any], tmp_path: Path) -> None:
    pid = target["pid"]
    out, report = tmp_path / "inv.msl", tmp_path / "r.json"
    before, ss_before, fds = _ps_pids(), _ss_ports(pid), _fds(pid)
    cwd = os.readlink(f"/proc/{pid}/cwd")
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").replace(b"\0", b" ").decode()
    proc = subprocess.run([*MSL, "capture", str(pid), "-o", str(out), "--investigate", "--case-ref", "CASE-42",
                           "--redact-env", "FOO", "--report", str(report), "-q", "--scope", "stack"],
                          capture_output=True, text=True, timeout=300, check=False)
    after = _ps_pids()
    assert proc.returncode == 0, proc.stderr
    assert {target["tcp"], target["udp"]} <= ss_before
    with MslReader(out) as msl:
        assert verify(msl).ok
        assert msl.header.flags & 0x2  # Investigation (header flag bit 1)
        names = [b.block_id for b in msl.iter_blocks()]
        blocks = {b.block_id: b.payload for b in msl.iter_blocks()}
    # order: after the Module List Index, memslicer's order, then the Thread Contexts
    written = [n for n in names if n in TABLES]
    assert names[:2] == ["process_identity", "module_list_index"]
    assert names[2:2 + len(written)] == written == [n for n in TABLES if n in written]
    assert "region_omission_manifest" in names  # --scope stack left mappings out on purpose
    ctx = blocks["system_context"]
    assert ctx.case_ref == "CASE-42" and ctx.hostname == os.uname().nodename
    tables = our_tables(out)
    # processes: every PID ps saw before and after the capture; the target's own row
    listed = {r["pid"]: r for r in tables["process_table"]}
    assert (before & after) <= set(listed)
    mine = listed[pid]
    assert mine["is_target"] and mine["ppid"] == os.getpid() and mine["uid"] == os.getuid()
    assert mine["cmd_line"] == cmdline
    assert [r["pid"] for r in tables["process_table"] if r["is_target"]] == [pid]
    # sockets: the listener, the UDP socket and the socketpair, owned by the target
    conns = [r for r in tables["connection_table"] if r["pid"] == pid]
    tcp = [r for r in conns if r["local_port"] == target["tcp"] and r["protocol"] == 6]
    assert tcp and tcp[0]["state"] == 0x0A and tcp[0]["local_addr"] == (socket.inet_aton("127.0.0.1") + bytes(12)).hex()
    assert any(r["local_port"] == target["udp"] and r["protocol"] == 0x11 for r in conns)
    assert sum(1 for r in conns if r["family"] == 1) >= 2  # the two ends of the socketpair
    assert {r["local_port"] for r in conns if r["family"] in (2, 10)} >= ss_before
    if target["tcp6"]:
        six = [r for r in conns if r["local_port"] == target["tcp6"] and r["family"] == 10]
        assert six and six[0]["state"] == 0x0A
        assert six[0]["local_addr"] == socket.inet_pton(socket.AF_INET6, "::1").hex()
    # the target's open files
    handles = {r["fd"]: r for r in tables["handle_table"]}
    assert {fd: r["path"] for fd, r in handles.items()} == fds
    assert any(r["path"] == target["file"] and r["handle_type"] == 1 for r in handles.values())
    # target introspection: cwd and the redacted environment
    rows = {r.tag: bytes(r.value) for r in blocks["target_introspection"].rows if r.tag}
    assert rows[0x0C].decode() == cwd
    env = sorted(rows[0x1F].split(b"\0"))
    assert env == [b"API_TOKEN=<redacted>", b"FOO=<redacted>", b"PLAIN=visible"]
    assert rows[0x20] == b"API_TOKEN,FOO"
    assert b"s3cr3t-value" not in raw_payloads(out)[0x0058]  # (the stack, captured, still holds it)
    # the report says what was written, and why a table is absent
    full = json.loads(report.read_text())
    assert len(blocks["region_omission_manifest"].rows) == len(full["excluded"]) > 0
    assert {r.base_addr for r in blocks["region_omission_manifest"].rows} == {
        int(e["start"], 16) for e in full["excluded"]}
    inv = full["investigation"]
    for name, entry in inv["tables"].items():
        assert entry["written"] == (name in names), name
        assert entry["written"] or entry["absent_reason"], name
    # memslicer verifies the file and reads exactly these rows
    result = memslicer_encodes_same(out, tables, tmp_path)
    assert result["verify"] == "ok"
    assert set(result["tables"].values()) == {"equal"}, result


def test_investigate_refused_with_format_10(target: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "x.msl"
    proc = subprocess.run([*MSL, "capture", str(target["pid"]), "-o", str(out), "--investigate", "--format", "1.0",
                           "-q"], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "--format 1.1" in proc.stderr
    assert not out.exists()


def test_fresh_memslicer_investigation_capture(target: dict[str, Any], tmp_path: Path) -> None:
    """``memslicer -I`` (gdb backend) of our target: our reader's rows are memslicer's rows."""
    try:
        python = install_oracle("memslicer")
    except Exception as exc:  # noqa: BLE001 - OracleUnavailable and its causes
        pytest.skip(f"memslicer oracle unavailable: {exc}")
    if shutil.which("gdb") is None:
        pytest.skip("gdb not installed (memslicer's Linux backend)")
    pid = target["pid"]
    out = tmp_path / "ms.msl"
    fds = _fds(pid)
    proc = subprocess.run([str(Path(python).parent / "memslicer"), "acquire", str(pid), "-b", "gdb", "-I",
                           "--no-encrypt", "--scope", "stack", "--case-ref", "CASE-MS", "-o", str(out)],
                          capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    if proc.returncode != 0 or not out.exists():
        pytest.skip(f"memslicer could not capture here: {proc.stderr[-500:]}")
    time.sleep(0)
    tables = our_tables(out)
    assert tables == {**hand_tables(raw_payloads(out)), "system_context": tables["system_context"]}
    assert tables["system_context"]["case_ref"] == "CASE-MS"
    mine = next(r for r in tables["process_table"] if r["pid"] == pid)
    assert mine["is_target"] and mine["ppid"] == os.getpid()
    assert {r["fd"]: r["path"] for r in tables["handle_table"] if r["pid"] == pid} == fds
    assert any(r["pid"] == pid and r["local_port"] == target["tcp"] for r in tables["connection_table"])
    result = memslicer_encodes_same(out, tables, tmp_path)
    assert result["verify"] == "ok"
    assert set(result["tables"].values()) == {"equal"}, result


# -- msl info -----------------------------------------------------------------------------
def test_info_shows_tables_and_json(tmp_path: Path) -> None:
    hand = hand_tables(raw_payloads(SAMPLE))
    doc = json.loads(subprocess.run([*MSL, "info", "--json", str(SAMPLE)], capture_output=True, text=True,
                                    check=True).stdout)["result"]["investigation"]
    assert [(p["pid"], p["ppid"], p["cmd_line"]) for p in doc["processes"]] == [
        (r["pid"], r["ppid"], r["cmd_line"]) for r in hand["process_table"]]
    assert [(f["fd"], f["path"]) for f in doc["open_files"]] == [(r["fd"], r["path"]) for r in hand["handle_table"]]
    text = subprocess.run([*MSL, "info", str(SAMPLE)], capture_output=True, text=True, check=True).stdout
    target = next(r for r in hand["process_table"] if r["is_target"])
    marked = [line for line in text.splitlines() if line.startswith("   *")]
    assert len(marked) == 1 and f" {target['pid']} " in marked[0]
    # a child is indented deeper than its parent
    rows = {r["pid"]: r for r in hand["process_table"]}
    lines = {int(line[4:].split()[0]): len(line[4:]) - len(line[4:].lstrip())
             for line in text.splitlines() if line[:3] == "   " and line[3:4] in " *" and line[4:].strip()[:1].isdigit()
             and int(line[4:].split()[0]) in rows}
    for pid, row in rows.items():
        if row["ppid"] in lines:
            assert lines[pid] > lines[row["ppid"]]
    for r in hand["handle_table"]:
        assert f"fd {r['fd']:<5}" in text and r["path"] in text


def test_process_tree_survives_ppid_cycles() -> None:
    from memslice.cli.tables_view import render

    procs = [{"pid": p, "ppid": q, "uid": 0, "user": "u", "is_target": p == 2, "start_time": 0, "rss": 0,
              "exe_name": "x", "cmd_line": f"cmd{p}"} for p, q in ((1, 2), (2, 1), (3, 3))]
    lines = render({"processes": procs})
    assert sorted(line.split()[-1] for line in lines[1:]) == ["cmd1", "cmd2", "cmd3"]


# -- faults -------------------------------------------------------------------------------
def test_processes_coming_and_going_are_skipped_not_fatal() -> None:
    """Collect while short-lived processes (started here) exit between listing and reading."""
    import threading

    from memslice.acquirer.linux.investigate import collect, process_table
    from memslice.acquirer.linux.investigate.process_table import read_entry

    stop = threading.Event()

    def churn() -> None:
        while not stop.is_set():
            subprocess.run(["true"], env={}, check=False)

    workers = [threading.Thread(target=churn) for _ in range(2)]
    for w in workers:
        w.start()
    try:
        for _ in range(5):
            inv = collect(os.getpid(), skip=("kernel_symbol_bundle",))
            assert inv.context.table_bitmap
            rows = inv.tables[[t.name for t in inv.tables].index("process_table")].payload.entries
            assert os.getpid() in {r.pid for r in rows}
            assert process_table.collect(os.getpid()).rows > 1
    finally:
        stop.set()
        for w in workers:
            w.join()
    gone = subprocess.Popen(["true"], env={})
    gone.wait()
    assert read_entry(gone.pid, 0, {}, 0) == (None, False)


def test_unprivileged_tables_are_partial_and_say_why(target: dict[str, Any], tmp_path: Path) -> None:
    """As user nobody, the root-owned target's descriptors and environment are unreadable."""
    if os.geteuid() != 0:
        pytest.skip("needs root to drop to another user")
    code = ("import json, os, sys\nimport memslice.acquirer.linux.investigate as inv_mod\n"
            "os.setgroups([]); os.setgid(65534); os.setuid(65534)\n"  # imports done: now drop to nobody
            "inv = inv_mod.collect(int(sys.argv[1]))\nprint(json.dumps(inv.report()))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(target["pid"])], capture_output=True, text=True,
                          timeout=120, check=False, cwd="/")
    assert proc.returncode == 0, proc.stderr
    tables = json.loads(proc.stdout)["tables"]
    assert not tables["handle_table"]["written"] and "cannot list" in tables["handle_table"]["absent_reason"]
    assert tables["connection_table"]["written"]
    assert any("not readable" in note for note in tables["connection_table"]["partial"])
    assert any("environ" in note for note in tables["target_introspection"]["partial"])
    assert tables["process_table"]["written"] and tables["process_table"]["rows"] > 1


def test_a_failing_collector_costs_only_its_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from memslice.acquirer.linux import investigate
    from memslice.acquirer.linux.investigate import persistence

    def broken() -> None:
        raise IndexError("simulated parser bug")

    monkeypatch.setattr(persistence, "collect", broken)
    inv = investigate.collect(os.getpid(), skip=("kernel_symbol_bundle",))
    report = inv.report()["tables"]
    assert not report["persistence_manifest"]["written"]
    assert "IndexError: simulated parser bug" in report["persistence_manifest"]["absent_reason"]
    assert report["process_table"]["written"] and report["handle_table"]["written"]
    assert not inv.context.table_bitmap & (1 << 6)  # Persistence Manifest bit (spec: system_table_bitmap)
    assert report["kernel_symbol_bundle"]["absent_reason"] == "not requested"


def test_info_survives_a_bad_block_and_reads_memdiver_layouts() -> None:
    """The legacy synthetic sample (memdiver dialect) has a malformed Thread Context: info still lists the tables."""
    sample = HERE / "fixtures" / "samples" / "legacy" / "synthetic_all_blocks.msl"
    proc = subprocess.run([*MSL, "info", str(sample)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "open files of the target (3):" in proc.stdout
    assert "HKLM\\Software\\Test" in proc.stdout and " other " in proc.stdout  # memdiver HandleType 7 = Other
