"""The investigation tables of a capture, readable (``msl info``) and as JSON.

:func:`collect` gathers the System Context and the tables (Process, Connection, Handle,
Kernel Module List, Persistence Manifest, Target Introspection, Kernel Symbol Bundle,
Connectivity, Region Omission Manifest) into a JSON-ready dict; :func:`render` turns that
into lines: the processes as a tree, the connections with their owning processes, the
target's open files. Everything shown comes from the file; nothing sized by the file
drives more than one line per row (tree depth is capped, cycles in PPIDs are cut).
"""

from __future__ import annotations

import ipaddress
import struct
from typing import Any

from memslice.errors import MslError
from memslice.generated.enums import ENUM_DOCS, ENUM_NAMES, FLAG_BITS
from memslice.generated.registry import block_id
from memslice.modules import module_list
from memslice.reader import MslReader

MAX_DEPTH = 24
"""Deepest indentation of the process tree (deeper processes are shown at this depth)."""

_TAGS = ("system_context", "process_table", "connection_table", "handle_table", "kernel_module_list",
         "persistence_manifest", "target_introspection", "kernel_symbol_bundle", "connectivity_table",
         "region_omission_manifest")
_INT_WIDTH = {"u8": "B", "u32": "I", "u64": "Q"}


def _enum(enum: str, value: int) -> str:
    return ENUM_NAMES.get(enum, {}).get(value, f"0x{value:x}")


def _flags(flags: str, value: int) -> list[str]:
    return [name for name, bit, width, _ in FLAG_BITS[flags] if width == 1 and value >> bit & 1]


def _tlv(enum: str, tag: int, raw: bytes) -> Any:
    """A TLV value decoded by the type its tag's spec doc names ("... Value: u32.")."""
    doc = ENUM_DOCS.get(enum, {}).get(tag, "")
    kind = doc.rsplit("Value:", 1)[1].strip().split()[0].rstrip(".") if "Value:" in doc else "bytes"
    fmt = _INT_WIDTH.get(kind)
    if fmt and len(raw) == struct.calcsize("<" + fmt):
        return struct.unpack("<" + fmt, raw)[0]
    if kind == "str":
        return raw.decode("utf-8", "replace")
    if kind == "raw" and b"=" in raw:  # the environment: NUL-separated KEY=VALUE
        return [e.decode("utf-8", "replace") for e in raw.split(b"\0") if e]
    return raw.hex()


def _addr(family: int, raw: bytes, port: int) -> str:
    if family == 2:
        return f"{ipaddress.IPv4Address(raw[:4])}:{port}"
    if family == 10:
        return f"[{ipaddress.IPv6Address(raw[:16])}]:{port}"
    return "-"


def collect(reader: MslReader) -> dict[str, Any] | None:
    """The investigation tables of a capture (and its modules when a BuildId Manifest is merged), or None.

    Args:
        reader: The open capture.

    Returns:
        A JSON-ready dict, or None when the file has none of these blocks.
    """
    found: dict[str, Any] = {}
    manifest = False
    skipped: list[str] = []
    for record in reader.blocks:
        name = block_id(record.block_type, reader.dialect)
        if record.segment < 0 or name in found:
            continue
        if name == "module_build_id_manifest":
            manifest = True
        elif name in _TAGS:
            try:
                payload = reader.decode(record).payload
            except MslError as exc:  # a bad table is reported, the others still shown
                skipped.append(str(exc))
                continue
            if payload is not None:
                found[name] = payload
    if not found and not manifest and not skipped:
        return None
    out: dict[str, Any] = {"undecodable": skipped} if skipped else {}
    if manifest:
        merged = module_list(reader)
        out["modules"] = [{"base": f"0x{m.base:x}", "path": m.path, "build_id": m.build_id.hex() or None,
                           "build_id_source": _enum("build_id_source", m.build_id_source) if m.build_id else None,
                           "disk_hash": m.disk_hash.hex(), "disk_hash_from": m.disk_hash_from}
                          for m in merged.modules]
        out["dangling_manifest_rows"] = [{"base": f"0x{b:x}", "build_id": i.hex()} for b, i in merged.dangling]
    ctx = found.get("system_context")
    if ctx is not None:
        out["system_context"] = {"boot_time_ns": ctx.boot_time, "acq_user": ctx.acq_user, "hostname": ctx.hostname,
                                 "domain": ctx.domain, "os_detail": ctx.os_detail, "case_ref": ctx.case_ref,
                                 "tables": _flags("system_table_bitmap", ctx.table_bitmap)}
    names: dict[int, str] = {}
    if "process_table" in found:
        out["processes"] = [{"pid": e.pid, "ppid": e.ppid, "uid": e.uid, "user": e.user, "is_target": bool(e.is_target),
                             "start_time": e.start_time, "rss": e.rss, "exe_name": e.exe_name, "cmd_line": e.cmd_line}
                            for e in found["process_table"].entries]
        names = {p["pid"]: p["exe_name"] or "" for p in out["processes"]}
    if "connection_table" in found:
        out["connections"] = [{
            "pid": e.pid, "owner": names.get(e.pid), "family": _enum("address_family", e.family),
            "protocol": _enum("ip_protocol", e.protocol), "state": _enum("tcp_state", e.state),
            "local": _addr(e.family, e.local_addr, e.local_port), "remote": _addr(e.family, e.remote_addr,
                                                                                 e.remote_port)}
            for e in found["connection_table"].entries]
    if "handle_table" in found:
        handles = found["handle_table"]
        kinds = "handle_type_memdiver" if handles.LAYOUT_ID == "handle_table_memdiver" else "handle_type_memslicer"
        out["open_files"] = [{"pid": e.pid, "fd": e.fd, "type": _enum(kinds, e.handle_type), "path": e.path}
                             for e in handles.entries]
    if "kernel_module_list" in found:
        out["kernel_modules"] = [{"name": r.name, "size": r.size, "ref_count": r.ref_count,
                                  "state": _enum("kernel_module_state", r.state), "taint": r.taint,
                                  "base": f"0x{r.base_addr:x}", "hidden": _flags("kernel_module_flags", r.flags)}
                                 for r in found["kernel_module_list"].rows]
    if "persistence_manifest" in found:
        out["persistence"] = [{"source": _enum("persistence_source", r.source), "path": r.path, "size": r.size,
                               "mtime_ns": r.mtime_ns, "mode": f"0o{r.mode:o}"}
                              for r in found["persistence_manifest"].rows]
    if "target_introspection" in found:
        ti = found["target_introspection"]
        out["target"] = {"pid": ti.target_pid, **{
            _enum("target_introspection_tag", r.tag): _tlv("target_introspection_tag", r.tag, bytes(r.value))
            for r in ti.rows if r.tag}}
    if "kernel_symbol_bundle" in found:
        out["kernel_symbols"] = {_enum("ksb_tag", r.tag): _tlv("ksb_tag", r.tag, bytes(r.value))
                                 for r in found["kernel_symbol_bundle"].rows}
    if "connectivity_table" in found:
        counts: dict[str, int] = {}
        for row in found["connectivity_table"].rows:
            kind = _enum("connectivity_row_type", row.row_type)
            counts[kind] = counts.get(kind, 0) + 1
        out["connectivity"] = counts
    if "region_omission_manifest" in found:
        rom = found["region_omission_manifest"]
        out["omitted_regions"] = {"scope": rom.scope, "rows": [
            {"base": f"0x{r.base_addr:x}", "size": r.region_size, "reason": _enum("omission_reason", r.reason),
             "name": r.name} for r in rom.rows]}
    return out


def _tree(processes: list[dict[str, Any]]) -> list[str]:
    by_pid = {p["pid"]: p for p in processes}
    children: dict[int, list[int]] = {}
    roots: list[int] = []
    for p in processes:
        parent = p["ppid"]
        if parent in by_pid and parent != p["pid"]:
            children.setdefault(parent, []).append(p["pid"])
        else:
            roots.append(p["pid"])
    lines: list[str] = []
    seen: set[int] = set()
    stack = [(pid, 0) for pid in sorted(roots, reverse=True)]
    pending = set(by_pid)
    while stack or pending - seen:
        if not stack:  # PPID cycles: no root reaches them
            stack.append((min(pending - seen), 0))
        pid, depth = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        p = by_pid[pid]
        mark = "*" if p["is_target"] else " "
        cmd = p["cmd_line"] or f"[{p['exe_name'] or '?'}]"
        lines.append(f"   {mark}{'  ' * min(depth, MAX_DEPTH)}{pid:>7} {p['user'] or p['uid']:<10} {cmd[:160]}")
        stack += [(c, depth + 1) for c in sorted(children.get(pid, []), reverse=True)]
    return lines


def render(tables: dict[str, Any]) -> list[str]:
    """Readable lines for :func:`collect`'s dict."""
    lines: list[str] = [f"  table not decoded: {why}" for why in tables.get("undecodable", [])]
    ctx = tables.get("system_context")
    if ctx:
        lines.append(f"  investigation: host {ctx['hostname']!s}, acquired by {ctx['acq_user']!s}"
                     + (f", case {ctx['case_ref']}" if ctx.get("case_ref") else "")
                     + f"; tables: {', '.join(ctx['tables']) or 'none'}")
        lines.append(f"    os: {str(ctx['os_detail'])[:200]}")
    if "processes" in tables:
        lines.append(f"  processes ({len(tables['processes'])}; * = the target):")
        lines += _tree(tables["processes"])
    if "connections" in tables:
        inet = [c for c in tables["connections"] if c["family"] != "unix"]
        unix = [c for c in tables["connections"] if c["family"] == "unix"]
        lines.append(f"  connections ({len(inet)} tcp/udp, {len(unix)} unix):")
        for c in inet:
            owner = f"{c['pid']} ({c['owner']})" if c["pid"] else "? (not attributed)"
            lines.append(f"    {c['protocol']:<4} {c['local']:<28} {c['remote']:<28} {c['state']:<12} {owner}")
        owners: dict[str, int] = {}
        for c in unix:
            key = f"{c['pid']} ({c['owner']})" if c["pid"] else "not attributed"
            owners[key] = owners.get(key, 0) + 1
        if owners:
            lines.append("    unix sockets by owner: " + ", ".join(f"{k}: {v}" for k, v in sorted(owners.items())))
    if "open_files" in tables:
        lines.append(f"  open files of the target ({len(tables['open_files'])}):")
        lines += [f"    fd {f['fd']:<5} {f['type']:<8} {f['path'] or ''}" for f in tables["open_files"]]
    if "target" in tables:
        lines.append(f"  target introspection (pid {tables['target']['pid']}):")
        for key, value in tables["target"].items():
            if key == "pid":
                continue
            shown = "; ".join(value) if isinstance(value, list) else value
            lines.append(f"    {key}: {str(shown)[:200]}")
    if "kernel_modules" in tables:
        hidden = [m for m in tables["kernel_modules"] if m["hidden"]]
        named = ", ".join(f"{m['name']} [{'/'.join(m['hidden'])}]" for m in hidden[:20])
        lines.append(f"  kernel modules: {len(tables['kernel_modules'])} ({len(hidden)} listed in one source only"
                     + (f": {named}" if hidden else "") + ")")
    if "persistence" in tables:
        lines.append(f"  persistence files: {len(tables['persistence'])}")
    if "kernel_symbols" in tables:
        lines.append("  kernel: " + ", ".join(f"{k}={v}" for k, v in tables["kernel_symbols"].items()
                                              if not isinstance(v, str) or len(v) < 48))
    if "connectivity" in tables:
        lines.append("  connectivity rows: " + ", ".join(f"{k} {v}" for k, v in tables["connectivity"].items()))
    if "modules" in tables:
        lines.append(f"  modules with the BuildId Manifest merged ({len(tables['modules'])}):")
        lines += [f"    0x{int(m['base'], 16):012x} {m['build_id'] or '-':40s} {m['disk_hash_from']:<12} {m['path']}"
                  for m in tables["modules"]]
        if tables["dangling_manifest_rows"]:
            lines.append(f"    {len(tables['dangling_manifest_rows'])} manifest row(s) match no module")
    if "omitted_regions" in tables:
        rom = tables["omitted_regions"]
        lines.append(f"  omitted on purpose ({rom['scope'] or 'filters'}): {len(rom['rows'])} region(s)")
    return lines
