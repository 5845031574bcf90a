"""The acquisition report: what was captured, how, and what went wrong.

The JSON (``--report R.json``) has one entry per planned region (range, protection, type,
page counts by state, bytes, time, causes), the threads, the modules with the source of
their DiskHash, the mappings left out and why, and every error with its cause. It is
written like the capture: created new under a random temporary name with mode 0600,
renamed when complete (the command line it holds may be secret).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from memslice.generated.enums import ENUM_NAMES

from memslice.atomic_output import write_file

STATE_NAMES = ENUM_NAMES["page_state"]
"""State code -> name (captured, failed, unmapped, not_resident)."""
_REGION_TYPES = ENUM_NAMES["region_type"]


@dataclass
class RegionReport:
    """One planned mapping in the report."""

    start: str
    end: str
    perms: str
    path: str
    protection: int
    region_type: str
    blocks: int
    pages: dict[str, int]
    bytes_captured: int
    read_seconds: float
    timestamp_ns: int
    causes: list[str]


@dataclass
class AcquisitionReport:
    """Everything about one capture.

    Attributes:
        outcome: ``complete``, ``interrupted`` (closed without End-of-Capture) or
            ``failed``.
        output: The file written (final name, or the ``OUT.<random>.partial`` kept after a failure).
        target: PID, PPID, executable, argv, comm, arch of the process.
        options: The options used.
        freeze: Whether threads were stopped, how long, which did not stop.
        timing: Start and end (ns), seconds, seconds the target was frozen.
        totals: Regions, blocks, pages by state, bytes captured, file size.
        regions: One :class:`RegionReport` per planned mapping.
        excluded: Mappings left out, with the option that left them out.
        threads: Thread id, name, state, register count, flags, notes.
        modules: Path, base, size, version, DiskHash and where it came from.
        errors: Errors met (what, cause); the capture may still be complete.
        warnings: Notes worth reading (truncations, unavailable facts).
        read_method: ``process_vm_readv`` or ``/proc/PID/mem``.
        investigation: Investigation mode: per table whether it was written, its rows,
            time and notes, or why it is absent (None without ``--investigate``).
        tool: Name and version of the program that wrote the capture.
        chain_of_custody: The written file's path, size, SHA-256 and recorded FileHash.
    """

    outcome: str = "failed"
    output: str | None = None
    target: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    freeze: dict[str, Any] = field(default_factory=dict)
    timing: dict[str, Any] = field(default_factory=dict)
    totals: dict[str, Any] = field(default_factory=dict)
    regions: list[RegionReport] = field(default_factory=list)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    threads: list[dict[str, Any]] = field(default_factory=list)
    modules: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    read_method: str = ""
    investigation: dict[str, Any] | None = None
    tool: dict[str, Any] = field(default_factory=dict)
    chain_of_custody: dict[str, Any] = field(default_factory=dict)

    def error(self, what: str, cause: str) -> None:
        """Record an error with its cause."""
        self.errors.append({"what": what, "cause": cause})

    def to_json(self) -> dict[str, Any]:
        """The report as a JSON-ready dict (page counts keyed by state name)."""
        doc = asdict(self)
        for region in doc["regions"]:
            region["pages"] = {STATE_NAMES[int(k)]: v for k, v in region["pages"].items()}
        if "pages" in doc["totals"]:
            doc["totals"]["pages"] = {STATE_NAMES[int(k)]: v for k, v in doc["totals"]["pages"].items()}
        doc["report"] = "memslice-acquisition/1"
        return doc

    def summary_lines(self) -> list[str]:
        """A one-screen summary for the terminal."""
        t = self.totals
        pages = t.get("pages", {})
        seconds = self.timing.get("seconds", 0.0) or 0.0
        captured = t.get("bytes_captured", 0)
        rate = captured / seconds / 1e6 if seconds else 0.0
        target = self.target
        lines = [
            f"capture {self.outcome}: {self.output}",
            f"  target    PID {target.get('pid')} ({target.get('comm')}), {target.get('exe') or '?'}, "
            f"arch {target.get('arch')}",
            f"  format    {self.options.get('format_version')}, compression {self.options.get('compression')}, "
            f"{'frozen' if self.freeze.get('frozen') else 'not frozen'}"
            + (f" for {self.freeze.get('seconds', 0.0):.2f} s" if self.freeze.get("frozen") else ""),
            f"  regions   {t.get('regions', 0)} mappings in {t.get('region_blocks', 0)} Memory Region blocks"
            f" ({len(self.excluded)} mappings left out by filters)",
            "  pages     " + ", ".join(f"{STATE_NAMES[int(k)]} {v}" for k, v in sorted(pages.items())),
            f"  data      {captured / 2**20:.1f} MiB captured in {seconds:.2f} s ({rate:.0f} MB/s), "
            f"file {t.get('file_bytes', 0) / 2**20:.1f} MiB",
            f"  threads   {len(self.threads)} ({t.get('thread_contexts', 0)} Thread Context blocks); "
            f"modules {len(self.modules)} ({sum(1 for m in self.modules if m['hash_source'] in ('map_files', 'path'))}"
            " hashed)",
        ]
        if self.investigation is not None:
            tables = self.investigation.get("tables", {})
            written = [name for name, t in tables.items() if t["written"]]
            lines.append(f"  tables    {len(written)} written in {self.investigation.get('seconds', 0.0):.2f} s"
                         + "".join(f"; {name} absent: {t['absent_reason']}" for name, t in tables.items()
                                   if not t["written"]))
        for err in self.errors[:5]:
            lines.append(f"  error     {err['what']}: {err['cause']}")
        if len(self.errors) > 5:
            lines.append(f"  error     ... {len(self.errors) - 5} more (see --report)")
        for note in self.warnings[:5]:
            lines.append(f"  note      {note}")
        if len(self.warnings) > 5:
            lines.append(f"  note      ... {len(self.warnings) - 5} more (see --report)")
        return lines


def region_type_name(code: int) -> str:
    """Name of a RegionType code."""
    return _REGION_TYPES.get(code, str(code))


def write_report(report: AcquisitionReport, path: Path, *, force: bool = False) -> None:
    """Write the JSON report atomically (new file, mode 0600, renamed into place).

    Args:
        report: The report.
        path: Where to write it.
        force: Replace an existing file (see :mod:`memslice.atomic_output`).

    Raises:
        OutputError: The destination is refused or the report cannot be written.
    """
    data = (json.dumps(report.to_json(), indent=2, sort_keys=True) + "\n").encode()
    write_file(path, data, force=force)
