"""The runner: judge one adapter on the corpus, one process per case (or per batch of cases).

For each case the runner starts ``ADAPTER read input.msl`` in its own process group, with
a wall-clock timeout and an address-space limit, and compares the compared view
(``view.py``) of what it printed with the view of the expected document. An adapter whose
capabilities say ``"batch": true`` is instead started once per batch of cases as
``ADAPTER read-batch`` and fed one request per line (``contract.md``, "Batch mode"); a
case its batch does not answer with a verdict (exit 0 or 1: a non-verdict, a crash, a hang,
garbage) runs alone as above, so the report is the one single mode gives. Known failures
(``known-failures/<adapter>.yaml``) turn failures into ``expected-fail`` and passes into
``unexpected-pass``; entries naming no case are stale. Statuses and exit policy are in
``contract.md`` ("Running the suite").
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from memslice.conformance import CONTRACT_VERSION, DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT
from memslice.conformance.cases import Case
from memslice.conformance.jsonschemas import canon_problems, problems
from memslice.conformance.view import view
from memslice.conformance.vocabulary import EXIT_ACCEPT, EXIT_ADAPTER_ERROR, EXIT_REJECT

from memslice.errors import MslError

DIFF_LINES = 120
"""Longest diff kept per case."""

BATCH_SIZE = 50
"""Most cases one ``read-batch`` process answers before a fresh one takes over."""

BATCH_EXIT_GRACE = 1.0
"""Seconds a ``read-batch`` process gets to exit after its last answer and the end of its input."""

_LAUNCHER = """
import os, resource, sys
limit = int(sys.argv[1])
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    os.execvp(sys.argv[2], sys.argv[2:])
except OSError as exc:
    print(f"cannot run {sys.argv[2]}: {exc.strerror}", file=sys.stderr)
    sys.exit(127)
"""
"""Applies the address-space limit, then replaces itself with the adapter. It needs only ``os``,
``resource`` and ``sys``, so it runs isolated and without ``site`` (``-I -S``: no site-packages,
no editable-install finder to load); the adapter it execs gets the full environment."""


class AdapterError(MslError):
    """The adapter cannot be used at all (does not start, bad capabilities)."""


@dataclass
class Adapter:
    """How to start one implementation's adapter.

    Attributes:
        name: Short name (reports, known-failure file).
        command: argv prefix; ``capabilities`` / ``read FILE`` are appended.
        named_by_capabilities: Replace ``name`` by the ``name`` the adapter's
            ``capabilities`` print (an adapter given as a command line).
    """

    name: str
    command: list[str]
    named_by_capabilities: bool = False


@dataclass
class Outcome:
    """What one adapter process did."""

    exit_code: int | None
    stdout: str
    stderr: str
    timed_out: bool = False


@dataclass
class CaseResult:
    """The verdict on one case.

    Attributes:
        id: Case id.
        level: Case level.
        status: ``pass``, ``fail``, ``expected-fail``, ``unexpected-pass``, ``skipped``
            or ``errored``.
        detail: Why (the diff of a mismatch, the missing features, the crash).
        reason: The known-failure reason, when one applies.
        expected: Expected file used (``expected.json`` or an alternative).
        rules: Rule ids the case exercises.
        headline: One line on a failure: expected vs got result, the first differing
            path (``blocks[3].uuid``).
        diff: The whole diff of the compared views (``detail`` keeps the first
            ``DIFF_LINES`` lines).
        description: The case's description.
        input: Path of the case's input file.
    """

    id: str
    level: str
    status: str
    detail: str = ""
    reason: str | None = None
    expected: str = "expected.json"
    rules: list[str] = field(default_factory=list)
    headline: str = ""
    diff: str = ""
    description: str = ""
    input: str = ""

    @property
    def error(self) -> bool:
        """True when this result alone fails a non-strict run."""
        if self.status == "unexpected-pass":
            return True
        if self.status == "errored":
            return True
        return self.status == "fail" and self.level == "required"


@dataclass
class RunReport:
    """A whole run of one adapter."""

    adapter: Adapter
    capabilities: dict[str, Any]
    results: list[CaseResult]
    stale: list[str] = field(default_factory=list)
    strict: bool = False

    def counts(self) -> dict[str, int]:
        """Cases per status."""
        out: dict[str, int] = {}
        for r in self.results:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    @property
    def failed(self) -> bool:
        """True when the run must exit non-zero."""
        if self.stale:
            return True
        for r in self.results:
            if r.error or (self.strict and r.status == "fail"):
                return True
        return False


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def execute(command: Sequence[str], *, timeout: float, memory_mb: int = DEFAULT_MEMORY_MB) -> Outcome:
    """Run one adapter command in its own process group, bounded in time and memory.

    Args:
        command: Full argv.
        timeout: Seconds before the whole process group is killed.
        memory_mb: RLIMIT_AS in MiB (0 = none).

    Returns:
        Exit status (None after a timeout), stdout and stderr as text.
    """
    argv = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(memory_mb << 20), *command]
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as exc:
        return Outcome(None, "", f"cannot start {command[0]}: {exc}")
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        return Outcome(None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), timed_out=True)
    finally:
        if proc.poll() is None:
            _kill_group(proc)
    return Outcome(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def _answer(line: bytes, request: list[str]) -> Outcome | None:
    """The outcome one ``read-batch`` answer line carries, or None when it is not a valid answer to ``request``."""
    try:
        doc = json.loads(line)
    except ValueError:
        return None
    if not isinstance(doc, dict) or doc.get("args") != request:
        return None
    code, out, err = doc.get("exit"), doc.get("stdout"), doc.get("stderr")
    if type(code) is not int or not isinstance(out, str) or not isinstance(err, str):
        return None
    return Outcome(code, out, err)


def execute_batch(command: Sequence[str], requests: Iterable[list[str]], *, timeout: float,
                  memory_mb: int = DEFAULT_MEMORY_MB,
                  on_answer: Callable[[Outcome], None] | None = None) -> tuple[list[Outcome], bool]:
    """Run ``command read-batch`` and feed it ``requests`` one at a time (``contract.md``, "Batch mode").

    The process runs like :func:`execute`'s (own process group, same address-space limit);
    each answer must arrive within ``timeout`` seconds of its request (the first one's
    includes the start-up). ``requests`` is consumed lazily, the next one only after the
    answer to the previous one; no process starts when it is empty. The batch stops at the
    first answer that is not a verdict (exit status other than 0 or 1: its stderr would name
    this batch, not a lone run), and at the first problem: the process exits, hangs, or
    prints a line that is not the answer to the request in flight.

    Args:
        command: The adapter's argv prefix (``read-batch`` is appended).
        requests: The arguments of ``read`` per case, in order.
        timeout: Seconds per answer.
        memory_mb: RLIMIT_AS in MiB (0 = none).
        on_answer: Called with each verdict outcome as it arrives.

    Returns:
        The verdict outcomes of the answered prefix of ``requests``, and True when the batch
        broke (died, hung or printed garbage) rather than answered with a non-verdict or finished.
    """
    pending_requests = iter(requests)
    request = next(pending_requests, None)
    if request is None:
        return [], False
    argv = [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(memory_mb << 20), *command, "read-batch"]
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                start_new_session=True)
    except OSError:
        return [], True
    assert proc.stdin is not None and proc.stdout is not None
    answers: list[Outcome] = []
    pending = b""
    fd = proc.stdout.fileno()
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while request is not None:
                try:
                    proc.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
                    proc.stdin.flush()
                except OSError:
                    return answers, True
                deadline = time.monotonic() + timeout
                while b"\n" not in pending:
                    left = deadline - time.monotonic()
                    if left <= 0 or not sel.select(left):
                        return answers, True  # hangs
                    chunk = os.read(fd, 1 << 16)
                    if not chunk:
                        return answers, True  # died
                    pending += chunk
                line, pending = pending.split(b"\n", 1)
                outcome = _answer(line, request)
                if outcome is None or pending.strip():
                    return answers, True  # garbage, out of order, or an answer nobody asked for
                if outcome.exit_code not in (EXIT_ACCEPT, EXIT_REJECT):
                    return answers, False
                answers.append(outcome)
                if on_answer is not None:
                    on_answer(outcome)
                request = next(pending_requests, None)
        with contextlib.suppress(OSError):
            proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=min(timeout, BATCH_EXIT_GRACE))  # it should exit at end of input; killed if not
        return answers, False
    finally:
        if proc.poll() is None:
            _kill_group(proc)
        with contextlib.suppress(OSError):
            proc.stdin.close()
        proc.stdout.close()
        proc.wait()


def capabilities(adapter: Adapter, *, timeout: float = DEFAULT_TIMEOUT) -> dict[str, Any]:
    """Ask the adapter for its capabilities and check them against the schema.

    Raises:
        AdapterError: It fails, prints no JSON, or the JSON breaks the schema.
    """
    outcome = execute([*adapter.command, "capabilities"], timeout=timeout)
    if outcome.exit_code != 0:
        tail = outcome.stderr.strip().splitlines()[-3:]
        raise AdapterError(f"{adapter.name}: 'capabilities' exited {outcome.exit_code}: {' / '.join(tail)}")
    try:
        caps = json.loads(outcome.stdout)
    except ValueError:
        raise AdapterError(f"{adapter.name}: 'capabilities' printed no JSON") from None
    found = problems("capabilities", caps)
    if found:
        raise AdapterError(f"{adapter.name}: capabilities break schemas/capabilities.schema.json: {'; '.join(found)}")
    if caps["contract"] != CONTRACT_VERSION:
        raise AdapterError(f"{adapter.name}: speaks {caps['contract']}, this runner {CONTRACT_VERSION}")
    payload_fields(caps)
    return dict(caps)


TOP_ORDER = ("canon", "result", "error_class", "rule", "header", "encryption", "integrity", "effective", "blocks")
"""Order of the top-level keys in diffs: the root cause (result, header) before the blocks."""


def _ordered(value: Any, top: bool = True) -> Any:
    """``value`` with top-level keys in :data:`TOP_ORDER` and nested keys sorted (for diffs)."""
    if isinstance(value, list):
        return [_ordered(v, False) for v in value]
    if not isinstance(value, dict):
        return value
    rank = {k: i for i, k in enumerate(TOP_ORDER)} if top else {}
    keys = sorted(value, key=lambda k: (rank.get(k, len(rank)), k))
    return {k: _ordered(value[k], False) for k in keys}


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def first_difference(expected: Any, actual: Any, path: str = "") -> str | None:
    """The first path (``blocks[3].uuid``) where two compared views differ, None when equal.

    Top-level keys are visited in :data:`TOP_ORDER`, so a wrong ``result`` or header is
    named before the blocks it causes to differ.
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in _ordered({**expected, **actual}, not path):
            if key not in expected or key not in actual:
                return _join(path, key)
            found = first_difference(expected[key], actual[key], _join(path, key))
            if found is not None:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for i, (a, b) in enumerate(zip(expected, actual, strict=False)):
            found = first_difference(a, b, _join(path, i))
            if found is not None:
                return found
        if len(expected) != len(actual):
            return f"{path or '(top)'} has {len(actual)} entries, expected {len(expected)}"
        return None
    return None if expected == actual else (path or "(top)")


def _describe(doc: Any) -> str:
    if not isinstance(doc, dict):
        return repr(doc)
    result = str(doc.get("result"))
    if result == "rejected" and doc.get("error_class"):
        return f"rejected ({doc.get('error_class')}{', rule ' + str(doc['rule']) if doc.get('rule') else ''})"
    return result


def _diff(expected: Any, actual: Any, expected_name: str) -> str:
    """The whole unified diff of two compared views (top-level root cause first)."""
    a = json.dumps(_ordered(expected), indent=2, ensure_ascii=False).splitlines()
    b = json.dumps(_ordered(actual), indent=2, ensure_ascii=False).splitlines()
    return "\n".join(difflib.unified_diff(a, b, f"{expected_name} (compared view)", "adapter output (compared view)",
                                         lineterm="", n=2))


def _cut(diff: str) -> str:
    lines = diff.splitlines()
    if len(lines) > DIFF_LINES:
        lines = [*lines[:DIFF_LINES], f"... {len(lines) - DIFF_LINES} more diff lines (the JSON report has them all)"]
    return "\n".join(lines)


def _tail(text: str, lines: int = 4) -> str:
    return " / ".join(text.strip().splitlines()[-lines:])


def _head(text: str, lines: int = 4) -> str:
    """The first lines of a crash's stderr (where most runtimes put the error), and the last one."""
    all_lines = [line for line in text.strip().splitlines() if line.strip()]
    if len(all_lines) <= lines + 1:
        return " / ".join(all_lines)
    return " / ".join([*all_lines[:lines], "...", all_lines[-1]])


def judge(case: Case, caps: dict[str, Any], outcome: Outcome) -> CaseResult:
    """Compare one adapter outcome with the case's expectation (known failures not applied)."""
    result = _judge(case, caps, outcome)
    if result.status != "pass" and not result.headline:
        result.headline = (result.detail.splitlines() or [result.status])[0][:300]
    return result


def _judge(case: Case, caps: dict[str, Any], outcome: Outcome) -> CaseResult:
    features = set(caps["features"])
    expected_name, expected = case.expected_for(features)
    result = CaseResult(case.id, case.level, "pass", expected=expected_name, rules=case.rules,
                        description=str(case.meta.get("description", "")), input=str(case.input))
    if outcome.timed_out:
        result.status, result.detail = "errored", "timeout"
        return result
    if outcome.exit_code not in (EXIT_ACCEPT, EXIT_REJECT):
        what = ("adapter error (exit 2)" if outcome.exit_code == EXIT_ADAPTER_ERROR
                else f"crash (exit {outcome.exit_code})")
        result.status, result.detail = "errored", f"{what}: {_head(outcome.stderr)}"
        return result
    must_reject = expected.get("result") == "rejected"
    if outcome.exit_code == EXIT_REJECT:
        if not must_reject:
            result.status = "fail"
            why = _tail(outcome.stderr or outcome.stdout, 2)
            result.headline = f"expected {_describe(expected)}, got rejected (exit 1)"
            result.detail = f"rejected a file the spec requires it to read: {why}"
            return result
        if outcome.stdout.strip():
            try:
                printed = json.loads(outcome.stdout)
            except ValueError:
                result.status, result.detail = "errored", "bad JSON after a rejection"
                return result
            broken = canon_problems(printed)
            if broken:
                result.status = "fail"
                result.detail = f"the rejection document breaks schemas/canon.schema.json: {'; '.join(broken)}"
                return result
        else:
            printed = {}
        if "error-class" in features:
            got = printed.get("error_class") if isinstance(printed, dict) else None
            if got != expected.get("error_class"):
                result.status = "fail"
                result.detail = f"rejected with error_class {got!r}, expected {expected.get('error_class')!r}"
            rule = printed.get("rule") if isinstance(printed, dict) else None
            if "error-rule" in features and result.status == "pass" and rule != expected.get("rule"):
                result.status = "fail"
                result.detail = f"rejected citing rule {rule!r}, expected {expected.get('rule')!r}"
            if result.status == "fail":
                result.headline = f"expected {_describe(expected)}, got {_describe(printed)}"
        return result
    try:
        actual = json.loads(outcome.stdout)
    except ValueError:
        result.status, result.detail = "errored", f"bad JSON on stdout: {_tail(outcome.stdout, 1)[:200]!r}"
        return result
    if must_reject:
        result.status = "fail"
        result.headline = f"expected {_describe(expected)}, got {_describe(actual)} (exit 0)"
        result.detail = f"accepted a file the spec requires it to reject ({expected.get('error_class')})"
        return result
    broken = canon_problems(actual)
    if broken:
        result.status = "fail"
        result.headline = f"output breaks schemas/canon.schema.json: {broken[0]}"
        result.detail = "output breaks schemas/canon.schema.json:\n" + "\n".join(broken)
        return result
    fields = payload_fields(caps)
    want = view(expected, features, case.dialect, fields)
    got = view(actual, features, case.dialect, fields)
    if want != got:
        where = first_difference(want, got)
        result.status = "fail"
        result.headline = f"expected {_describe(want)}, got {_describe(got)}; first difference at {where}"
        result.diff = _diff(want, got, expected_name)
        result.detail = _cut(result.diff)
    return result


def payload_fields(caps: dict[str, Any]) -> dict[str, list[str]] | None:
    """Capabilities ``payload_fields`` keyed by block type code (``"0x0040"``), or None.

    Raises:
        AdapterError: A key is not a block id of ``spec/blocks``.
    """
    declared = caps.get("payload_fields")
    if declared is None:
        return None
    from memslice.generated.registry import BLOCKS

    codes = {bid: f"0x{entry.code:04x}" for bid, entry in BLOCKS.items()}
    unknown = sorted(set(declared) - set(codes))
    if unknown:
        raise AdapterError(f"capabilities payload_fields names unknown block ids: {', '.join(unknown)}")
    return {codes[bid]: list(names) for bid, names in declared.items()}


def skip_reason(case: Case, caps: dict[str, Any]) -> str | None:
    """Why an adapter with ``caps`` cannot be judged on ``case`` (None: it can)."""
    missing = sorted(set(case.features) - set(caps["features"]))
    if missing:
        return f"capability: lacks {', '.join(missing)}"
    if case.spec not in caps["spec_versions"]:
        return f"capability: spec {case.spec} not supported"
    return None


def run_case(adapter: Adapter, caps: dict[str, Any], case: Case, *, timeout: float = DEFAULT_TIMEOUT,
             memory_mb: int = DEFAULT_MEMORY_MB) -> CaseResult:
    """Run and judge one case (known failures not applied)."""
    reason = skip_reason(case, caps)
    if reason is not None:
        return CaseResult(case.id, case.level, "skipped", reason, rules=case.rules)
    outcome = execute([*adapter.command, "read", *_read_args(case)], timeout=timeout, memory_mb=memory_mb)
    return judge(case, caps, outcome)


def _read_args(case: Case) -> list[str]:
    """The arguments that follow ``read`` for ``case``."""
    return [str(case.input), *case.secret_args]


def run_batch(adapter: Adapter, caps: dict[str, Any], cases: Sequence[Case], *, timeout: float = DEFAULT_TIMEOUT,
              memory_mb: int = DEFAULT_MEMORY_MB, jobs: int = 1, done: Callable[[Case, CaseResult], None]) -> None:
    """Run and judge ``cases`` through ``read-batch`` processes (known failures not applied).

    ``jobs`` workers each keep one ``read-batch`` process busy, taking the next case from one
    shared queue (slow cases do not hold up the others), a fresh process after every
    :data:`BATCH_SIZE` cases. Every case gets the result :func:`run_case` gives it: the case
    a batch does not answer with a verdict (a non-verdict answer, or the request in flight
    when the batch died, hung or printed garbage) runs alone, so that a crash or a timeout is
    attributed to the case that causes it; then a fresh batch takes the next cases. Once a
    batch breaks before answering anything, every remaining case runs in a process of its
    own (an adapter whose batch mode does not work costs a few batch processes more than
    single mode, never a wrong verdict).

    Args:
        adapter: What to run.
        caps: Its capabilities.
        cases: The cases, fed in this order.
        timeout: Seconds per case (per answer in a batch).
        memory_mb: Address-space limit per adapter process.
        jobs: Adapter processes at a time.
        done: Called with each case and its result, as they are judged (from the worker threads).
    """
    queue: deque[Case] = deque()
    for case in cases:
        if skip_reason(case, caps) is None:
            queue.append(case)
        else:
            done(case, run_case(adapter, caps, case, timeout=timeout, memory_mb=memory_mb))
    single_only = threading.Event()

    def alone(case: Case) -> None:
        done(case, run_case(adapter, caps, case, timeout=timeout, memory_mb=memory_mb))

    def one_batch() -> tuple[Case | None, bool]:
        """Feed one batch process; return the case it left unanswered and whether it broke without an answer."""
        in_flight: list[Case] = []

        def feed() -> Iterator[list[str]]:
            for _ in range(BATCH_SIZE):
                try:
                    case = queue.popleft()
                except IndexError:
                    return
                in_flight[:] = [case]
                yield _read_args(case)

        def answered(outcome: Outcome) -> None:
            case = in_flight.pop()
            done(case, judge(case, caps, outcome))

        answers, broken = execute_batch(adapter.command, feed(), timeout=timeout, memory_mb=memory_mb,
                                        on_answer=answered)
        return (in_flight.pop() if in_flight else None), broken and not answers

    def worker() -> None:
        while not single_only.is_set():
            left, useless = one_batch()
            if left is not None:
                alone(left)
                if useless:
                    single_only.set()
            elif not queue:
                return
        while True:
            try:
                case = queue.popleft()
            except IndexError:
                return
            alone(case)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for future in [pool.submit(worker) for _ in range(max(1, jobs))]:
            future.result()


def apply_known(result: CaseResult, known: dict[str, str]) -> CaseResult:
    """Turn a listed failure into ``expected-fail`` and a listed pass into ``unexpected-pass``."""
    reason = known.get(result.id)
    if reason is None:
        return result
    result.reason = reason
    if result.status in ("fail", "errored"):
        result.detail = f"{result.status}: {result.detail}"
        result.status = "expected-fail"
    elif result.status == "pass":
        result.status = "unexpected-pass"
        result.detail = "listed as a known failure but passes: remove the entry (--update-known-failures)"
    return result


def load_known_failures(path: Path | None) -> dict[str, str]:
    """Case id -> reason from a known-failure file (empty when ``path`` is None or absent).

    Raises:
        AdapterError: The file breaks ``schemas/known-failures.schema.json``.
    """
    if path is None or not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise AdapterError(f"{path}: {exc}") from None
    found = problems("known-failures", data)
    if found:
        raise AdapterError(f"{path}: {'; '.join(found)}")
    return {case_id: entry["reason"] for case_id, entry in (data.get("failures") or {}).items()}


def run(adapter: Adapter, cases: Sequence[Case], *, all_ids: set[str], known: dict[str, str] | None = None,
        jobs: int = 1, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB, strict: bool = False,
        progress: Callable[[CaseResult], None] | None = None, batch: bool = True) -> RunReport:
    """Run ``cases`` against ``adapter``.

    Args:
        adapter: What to run.
        cases: The selected cases.
        all_ids: Every case id of the corpus (a known failure naming none of them is stale).
        known: Case id -> reason of expected failures.
        jobs: Adapter processes at a time.
        timeout: Seconds per case.
        memory_mb: Address-space limit per adapter process.
        strict: Recommended and optional failures also fail the run.
        progress: Called after each case.
        batch: Use ``read-batch`` when the capabilities declare ``"batch": true`` (same results,
            fewer processes); False: one process per case.

    Raises:
        AdapterError: The adapter's capabilities cannot be obtained.
    """
    caps = capabilities(adapter, timeout=timeout)
    if adapter.named_by_capabilities:
        adapter = Adapter(str(caps["name"]), adapter.command)
    known = known or {}

    workers = max(1, jobs)

    def one(case: Case) -> CaseResult:
        result = apply_known(run_case(adapter, caps, case, timeout=timeout, memory_mb=memory_mb), known)
        if progress is not None:
            progress(result)
        return result

    if batch and caps.get("batch") is True:
        where = {id(c): i for i, c in enumerate(cases)}
        slots: list[CaseResult | None] = [None] * len(cases)

        def done(case: Case, result: CaseResult) -> None:
            slots[where[id(case)]] = result = apply_known(result, known)
            if progress is not None:
                progress(result)

        run_batch(adapter, caps, cases, timeout=timeout, memory_mb=memory_mb, jobs=workers, done=done)
        results = [r for r in slots if r is not None]
        if len(results) != len(cases):
            raise AdapterError(f"{adapter.name}: the batch runner lost {len(cases) - len(results)} case(s)")
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, cases))
    stale = sorted(set(known) - all_ids)
    return RunReport(adapter, caps, results, stale, strict)


def updated_known_failures(report: RunReport, previous: dict[str, str], version: str | None = None) -> dict[str, Any]:
    """The known-failure document that makes ``report`` clean (reasons kept where known).

    Entries of cases that were not run (filtered out or skipped) are kept as they were.
    """
    ran = {r.id: r for r in report.results if r.status != "skipped"}
    failures: dict[str, dict[str, str]] = {}
    for case_id, reason in sorted(previous.items()):
        if case_id in ran or case_id in report.stale:
            continue
        failures[case_id] = {"reason": reason}
    for case_id, r in sorted(ran.items()):
        if r.status in ("fail", "errored", "expected-fail"):
            first = r.headline or (r.detail.splitlines() or ["failure"])[0]
            if r.detail.startswith("fail: ") or r.detail.startswith("errored: "):
                first = r.headline or r.detail.splitlines()[0]
            failures[case_id] = {"reason": previous.get(case_id) or f"observed: {first} (rules {', '.join(r.rules)}; "
                                 "replace with the real reason)"[:300]}
    doc: dict[str, Any] = {"adapter": report.adapter.name}
    if version:
        doc["version"] = version
    doc["failures"] = dict(sorted(failures.items()))
    return doc
