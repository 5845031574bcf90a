"""Reports of a run: JSON, JUnit XML, the console summary and the compatibility matrix."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from memslice.conformance import CONTRACT_VERSION
from memslice.conformance.cases import Case
from memslice.conformance.runner import RunReport
from memslice.generated.rules import RULES

STATUS_ORDER = ("pass", "fail", "expected-fail", "unexpected-pass", "skipped", "errored")
MARK = {"pass": "pass", "fail": "**FAIL**", "expected-fail": "xfail", "unexpected-pass": "**XPASS**",
        "skipped": "skip", "errored": "**ERROR**"}


def write_text(path: Path, text: str) -> None:
    """Write a report file: mode 0600, as ``NAME.partial`` renamed when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
        data = memoryview(text.encode("utf-8"))
        while data:
            data = data[os.write(fd, data):]
    finally:
        os.close(fd)
    os.replace(partial, path)


def to_json(report: RunReport) -> dict[str, Any]:
    """The machine-readable report of one run."""
    return {
        "contract": CONTRACT_VERSION,
        "adapter": {"name": report.adapter.name, "command": report.adapter.command,
                    "capabilities": report.capabilities},
        "strict": report.strict,
        "summary": {status: report.counts().get(status, 0) for status in STATUS_ORDER},
        "stale_known_failures": report.stale,
        "failed": report.failed,
        "cases": [{"id": r.id, "level": r.level, "status": r.status, "expected": r.expected, "rules": r.rules,
                   "headline": r.headline, "description": r.description, "input": r.input, "detail": r.detail,
                   "diff": r.diff, "reason": r.reason} for r in report.results],
    }


def to_junit(report: RunReport) -> str:
    """JUnit XML: one ``testcase`` per case; expected failures are reported as skipped."""
    counts = report.counts()
    suite = ET.Element("testsuite", name=f"msl-conformance[{report.adapter.name}]", tests=str(len(report.results)),
                       failures=str(counts.get("fail", 0) + counts.get("unexpected-pass", 0)),
                       errors=str(counts.get("errored", 0)),
                       skipped=str(counts.get("skipped", 0) + counts.get("expected-fail", 0)))
    for r in report.results:
        area, _, name = r.id.partition("/")
        case = ET.SubElement(suite, "testcase", classname=f"{report.adapter.name}.{area}", name=name)
        if r.status == "fail" or r.status == "unexpected-pass":
            first = r.headline or (r.detail.splitlines()[0] if r.detail else r.status)
            message = f"{r.status} ({r.level}): {first}"
            text = f"rules {', '.join(r.rules)}; input {r.input}\n{r.description}\n\n{r.diff or r.detail}"
            ET.SubElement(case, "failure", message=message).text = text
        elif r.status == "errored":
            ET.SubElement(case, "error", message=r.detail.splitlines()[0] if r.detail else "errored").text = r.detail
        elif r.status == "skipped":
            ET.SubElement(case, "skipped", message=r.detail)
        elif r.status == "expected-fail":
            ET.SubElement(case, "skipped", message=f"known failure: {r.reason}").text = r.detail
    for entry in report.stale:
        case = ET.SubElement(suite, "testcase", classname=f"{report.adapter.name}.known-failures", name=entry)
        ET.SubElement(case, "failure", message="stale known-failure entry: no such case")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def summary_line(report: RunReport) -> str:
    """One line per run: counts per status and the verdict."""
    counts = report.counts()
    parts = [f"{counts[s]} {s}" for s in STATUS_ORDER if counts.get(s)]
    if report.stale:
        parts.append(f"{len(report.stale)} stale known-failure entr{'y' if len(report.stale) == 1 else 'ies'}")
    verdict = "FAILED" if report.failed else "ok"
    return f"{report.adapter.name}: {', '.join(parts) or 'no cases'} -> {verdict}"


def matrix_markdown(cases: Sequence[Case], reports: Sequence[RunReport], pending: dict[str, str],
                    titles: dict[str, str]) -> str:
    """The compatibility matrix: cases x implementations, then a summary per rule.

    Args:
        cases: The cases that were run.
        reports: One run per available implementation.
        pending: Implementations that could not run, and why.
        titles: Implementation name -> human title.
    """
    names = [r.adapter.name for r in reports]
    by_impl = {r.adapter.name: {c.id: c for c in r.results} for r in reports}
    lines = ["# Conformance matrix", "",
             f"Generated by `msl conformance matrix` ({CONTRACT_VERSION}, {len(cases)} cases). Do not edit by hand.",
             "", "Statuses: pass; **FAIL** (wrong answer); xfail (known failure, reason in "
             "`conformance/known-failures/<implementation>.yaml`); **XPASS** (listed but passes); skip (the "
             "implementation lacks a feature the case needs); **ERROR** (timeout, crash, bad JSON).", "",
             "## Implementations", "", "| implementation | features | pass | fail | xfail | skip | error |",
             "|---|---|---|---|---|---|---|"]
    for r in reports:
        c = r.counts()
        lines.append(f"| {titles.get(r.adapter.name, r.adapter.name)} | {', '.join(r.capabilities['features'])} | "
                     f"{c.get('pass', 0)} | {c.get('fail', 0) + c.get('unexpected-pass', 0)} | "
                     f"{c.get('expected-fail', 0)} | {c.get('skipped', 0)} | {c.get('errored', 0)} |")
    for name, why in pending.items():
        lines.append(f"| {titles.get(name, name)} | - | - | - | - | - | - ({why}) |")
    lines += ["", "## Cases", "", "| case | level | " + " | ".join(names) + " |",
              "|---|---|" + "---|" * len(names)]
    for case in cases:
        row = [MARK.get(by_impl[n][case.id].status, "?") if case.id in by_impl[n] else "-" for n in names]
        lines.append(f"| `{case.id}` | {case.level} | " + " | ".join(row) + " |")
    lines += ["", "## Rules", "",
              "Per rule: the cases citing it, and how many of them each implementation passes (run cases only).", "",
              "| rule | level | cases | " + " | ".join(names) + " |", "|---|---|---|" + "---|" * len(names)]
    cited: dict[str, list[str]] = {}
    for case in cases:
        for rule in case.rules:
            cited.setdefault(rule, []).append(case.id)
    for rule in sorted(cited, key=lambda r: list(RULES).index(r) if r in RULES else len(RULES)):
        ids = cited[rule]
        cells = []
        for n in names:
            ran = [by_impl[n][i] for i in ids if i in by_impl[n] and by_impl[n][i].status != "skipped"]
            passed = sum(1 for r in ran if r.status == "pass")
            cells.append(f"{passed}/{len(ran)}" if ran else "-")
        level = RULES[rule].level if rule in RULES else "?"
        lines.append(f"| {rule} | {level} | {len(ids)} | " + " | ".join(cells) + " |")
    uncovered = [r.id for r in RULES.values() if r.role == "consumer" and r.level == "MUST" and r.id not in cited]
    lines += ["", f"Rules cited by at least one case: {len(cited)} of {len(RULES)}.",
              f"Consumer MUST rules without a case: {', '.join(uncovered) if uncovered else 'none'}.", ""]
    return "\n".join(lines)


def dumps_json(data: Any) -> str:
    """JSON text of a report."""
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
