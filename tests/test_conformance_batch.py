"""Batch mode (``ADAPTER read-batch``, contract.md "Batch mode"): same reports as one process per case.

Fake adapters (written to a temporary folder) declare ``"batch": true`` and misbehave in
batch mode on purpose: die, hang, print garbage, answer another request, answer twice, or
answer a non-verdict. Whatever they do, every case must get the verdict single mode gives
it, and a crash or a hang must land on the case that causes it. Our own implementations
must give byte-identical reports in both modes on a varied sample of the corpus.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from memslice.conformance import runner as runner_module
from memslice.conformance.adapters.registry import IMPLEMENTATIONS, adapter_for
from memslice.conformance.cases import load_cases
from memslice.conformance.report import to_json
from memslice.conformance.runner import Adapter, Outcome, RunReport, capabilities, execute_batch, run
from memslice.conformance.vocabulary import FEATURES

from memslice.cli.main import main as msl
from tests.conformance_helpers import copy_cases, require_implementation

ROOT = Path(__file__).resolve().parents[1]
PICK = ["blocks/unknown-type-capture", "header/bad-magic", "integrity/wrong-file-hash", "regions/page-states",
        "truncated/after-block-2", "truncated/header-9-bytes"]
"""Sorted, so the culprit ``truncated/after-block-2`` is the fifth request and one case follows it."""
CULPRIT = "after-block-2"
ALL_FEATURES = ",".join(sorted(set(FEATURES) - {"write"}))

FAKE = r'''
import json, os, sys, time
mode, log, features = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
command = sys.argv[4:]

def note(text):
    with open(log, "a") as f:
        f.write(text + "\n")

def single(path):
    """What `read path` gives: (exit, stdout, stderr); the culprit crashes or hangs in the *-case modes."""
    name = os.path.basename(os.path.dirname(path))
    if name == "CULPRIT" and mode == "crash-case":
        return 3, "", "Error: boom in the parser\n"
    if name == "CULPRIT" and mode == "hang-case":
        time.sleep(60)
    if name == "CULPRIT" and mode == "error-case":
        return 2, "", "single-mode trace of this file\n"
    doc = json.load(open(os.path.join(os.path.dirname(path), "expected.json")))
    return (1 if doc["result"] == "rejected" else 0), json.dumps(doc) + "\n", ""

if command == ["capabilities"]:
    caps = {"contract": "msl-conformance/1", "name": "fake", "version": "0", "spec_versions": ["1.0", "1.1"],
            "features": features}
    if mode != "no-batch":
        caps["batch"] = True
    print(json.dumps(caps))
    sys.exit(0)
if command[0] == "read":
    note("read " + os.path.basename(os.path.dirname(command[1])))
    status, out, err = single(command[1])
    sys.stdout.write(out)
    sys.stderr.write(err)
    sys.exit(status)
assert command == ["read-batch"], command
note("batch")
first = None
for line in sys.stdin:
    args = json.loads(line)
    first = first or args
    name = os.path.basename(os.path.dirname(args[0]))
    note("request " + name)
    third = name == "wrong-file-hash"  # the third case of PICK: the batch-only culprit of the *-third modes
    if third and mode == "crash-third" or name == "CULPRIT" and mode == "crash-case":
        sys.stderr.write("Error: boom in the parser\n")
        os._exit(3)
    if third and mode == "hang-third":
        time.sleep(60)
    status, out, err = single(args[0])
    if name == "CULPRIT" and mode == "error-case":
        err = "batch-mode trace naming the batch loop\n"
    answer = {"args": args, "exit": status, "stdout": out, "stderr": err}
    if third and mode == "garbage-third":
        sys.stdout.write("this is not JSON\n")
    elif third and mode == "wrong-args":
        # the answer to another request: the first file's verdict, which the runner must not take
        sys.stdout.write(json.dumps({**answer, "args": first, "exit": 0, "stdout": "{}"}) + "\n")
    elif third and mode == "twice":
        sys.stdout.write(json.dumps(answer) + "\n" + json.dumps(answer) + "\n")
    elif third and mode == "split":
        # one answer written in two pieces: still one valid line
        text = json.dumps(answer) + "\n"
        sys.stdout.write(text[:10])
        sys.stdout.flush()
        time.sleep(0.05)
        sys.stdout.write(text[10:])
    else:
        sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()
'''.replace("CULPRIT", CULPRIT)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_cases(tmp_path_factory.mktemp("corpus"), PICK)


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("adapter") / "fake.py"
    path.write_text(FAKE)
    return path


def fake_adapter(fake: Path, mode: str, log: Path) -> Adapter:
    return Adapter("fake", [sys.executable, str(fake), mode, str(log), ALL_FEATURES])


def without_command(report: RunReport) -> dict[str, Any]:
    """The JSON report but the adapter's command (the fakes of both modes log to different files)."""
    doc = to_json(report)
    del doc["adapter"]["command"]
    return doc


def both_modes(corpus: Path, fake: Path, mode: str, tmp_path: Path,
               **kw: Any) -> tuple[RunReport, RunReport, list[str]]:
    """The single-mode report, the batch-mode report (the same), and the batch run's process log."""
    cases = load_cases(corpus)
    assert [c.id for c in cases] == PICK
    ids = {c.id for c in cases}
    single = run(fake_adapter(fake, mode, tmp_path / "single.log"), cases, all_ids=ids, batch=False, **kw)
    log = tmp_path / "batch.log"
    batched = run(fake_adapter(fake, mode, log), cases, all_ids=ids, batch=True, **kw)
    assert without_command(batched) == without_command(single)
    return single, batched, log.read_text().splitlines()


def short(case_ids: list[str]) -> list[str]:
    return [c.split("/")[1] for c in case_ids]


def statuses(report: RunReport) -> dict[str, str]:
    return {r.id: r.status for r in report.results}


def test_a_working_batch_adapter_gives_the_single_mode_report_in_one_process(
        corpus: Path, fake: Path, tmp_path: Path) -> None:
    single, _batched, log = both_modes(corpus, fake, "good", tmp_path, jobs=1)
    assert set(statuses(single).values()) == {"pass"}
    assert log == ["batch", *(f"request {c.split('/')[1]}" for c in PICK)]
    assert "batch" not in (tmp_path / "single.log").read_text()


def test_jobs_share_one_queue_of_cases_one_batch_process_each(corpus: Path, fake: Path, tmp_path: Path) -> None:
    _single, _batched, log = both_modes(corpus, fake, "good", tmp_path, jobs=2)
    assert log.count("batch") in (1, 2) and not [line for line in log if line.startswith("read ")]
    assert sorted(line for line in log if line != "batch") == sorted(f"request {c}" for c in short(PICK))


def test_a_batch_process_reads_at_most_batch_size_files(
        corpus: Path, fake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner_module, "BATCH_SIZE", 4)
    _single, _batched, log = both_modes(corpus, fake, "good", tmp_path, jobs=1)
    assert log == ["batch", *(f"request {c}" for c in short(PICK[:4])), "batch",
                   *(f"request {c}" for c in short(PICK[4:]))]


@pytest.mark.parametrize("mode", ["crash-third", "garbage-third", "wrong-args", "twice"])
def test_a_broken_batch_runs_the_case_in_flight_alone_and_a_fresh_batch_the_rest(
        corpus: Path, fake: Path, tmp_path: Path, mode: str) -> None:
    single, _batched, log = both_modes(corpus, fake, mode, tmp_path, jobs=1)
    assert set(statuses(single).values()) == {"pass"}  # nothing wrong with any file: no wrong verdict either
    first, alone, rest = short(PICK[:3]), short(PICK[2:3]), short(PICK[3:])
    if mode == "twice" and log[4:5] == ["request page-states"]:
        # the duplicate line arrived after the runner had taken the (correct) third answer:
        # it is caught as the answer to the fourth request instead
        first, alone, rest = short(PICK[:4]), short(PICK[3:4]), short(PICK[4:])
    assert log == ["batch", *(f"request {c}" for c in first), *(f"read {c}" for c in alone),
                   "batch", *(f"request {c}" for c in rest)]


def test_a_hanging_batch_is_killed_and_the_case_in_flight_runs_alone(
        corpus: Path, fake: Path, tmp_path: Path) -> None:
    single, _batched, log = both_modes(corpus, fake, "hang-third", tmp_path, jobs=1, timeout=2.0)
    assert set(statuses(single).values()) == {"pass"}
    assert log[3:6] == ["request wrong-file-hash", "read wrong-file-hash", "batch"]


def test_a_batch_that_breaks_before_any_answer_hands_every_case_to_its_own_process(
        corpus: Path, fake: Path, tmp_path: Path) -> None:
    cases = load_cases(corpus)[2:]
    log = tmp_path / "batch.log"
    run(fake_adapter(fake, "crash-third", log), cases, all_ids={c.id for c in cases}, jobs=1)
    assert log.read_text().splitlines() == ["batch", "request wrong-file-hash",
                                            *(f"read {c}" for c in short(PICK[2:]))]


def test_a_crash_on_one_file_is_that_case_s_crash_only(corpus: Path, fake: Path, tmp_path: Path) -> None:
    single, _batched, log = both_modes(corpus, fake, "crash-case", tmp_path, jobs=1)
    got = statuses(single)
    assert got.pop(f"truncated/{CULPRIT}") == "errored" and set(got.values()) == {"pass"}
    detail = next(r.detail for r in single.results if r.status == "errored")
    assert detail == "crash (exit 3): Error: boom in the parser"
    assert log[-3:] == [f"read {CULPRIT}", "batch", "request header-9-bytes"]


def test_a_hang_on_one_file_is_a_timeout_of_that_case_only(corpus: Path, fake: Path, tmp_path: Path) -> None:
    single, _batched, log = both_modes(corpus, fake, "hang-case", tmp_path, jobs=1, timeout=1.5)
    got = statuses(single)
    assert got.pop(f"truncated/{CULPRIT}") == "errored" and set(got.values()) == {"pass"}
    assert [r.detail for r in single.results if r.status == "errored"] == ["timeout"]
    assert log[-3:] == [f"read {CULPRIT}", "batch", "request header-9-bytes"]


def test_a_non_verdict_answer_is_rerun_alone_and_a_fresh_batch_takes_the_rest(
        corpus: Path, fake: Path, tmp_path: Path) -> None:
    single, _batched, log = both_modes(corpus, fake, "error-case", tmp_path, jobs=1)
    detail = next(r.detail for r in single.results if r.status == "errored")
    assert detail == "adapter error (exit 2): single-mode trace of this file"  # not the batch's text
    assert log[-3:] == [f"read {CULPRIT}", "batch", "request header-9-bytes"]


def test_an_answer_written_in_pieces_is_still_one_answer(corpus: Path, fake: Path, tmp_path: Path) -> None:
    _single, _batched, log = both_modes(corpus, fake, "split", tmp_path, jobs=1)
    assert not [line for line in log if line.startswith("read ")]


def test_no_batch_without_the_capability_or_with_no_batch(
        corpus: Path, fake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _single, _batched, log = both_modes(corpus, fake, "no-batch", tmp_path, jobs=1)
    assert "batch" not in log and len(log) == len(PICK)
    cli_log = tmp_path / "cli.log"
    command = f"{sys.executable} {fake} good {cli_log} {ALL_FEATURES}"
    assert msl(["conformance", "run", "--adapter", command, "--cases", str(corpus), "--no-batch", "-j", "1"]) == 0
    assert "batch" not in cli_log.read_text().splitlines()
    assert msl(["conformance", "run", "--adapter", command, "--cases", str(corpus), "-j", "1"]) == 0
    assert cli_log.read_text().splitlines().count("batch") == 1
    capsys.readouterr()


def test_execute_batch_stops_at_a_dead_adapter(tmp_path: Path) -> None:
    answers, broken = execute_batch([sys.executable, "-c", "import sys; sys.exit(0)"], [["x"], ["y"]], timeout=5)
    assert answers == [] and broken
    assert execute_batch(["/nonexistent/adapter"], [], timeout=5) == ([], False)  # nothing to ask: no process
    echo = ("import json, sys\nfor line in sys.stdin:\n    a = json.loads(line)\n"
            "    print(json.dumps({'args': a, 'exit': 0, 'stdout': a[0], 'stderr': ''}), flush=True)\n")
    answers, broken = execute_batch([sys.executable, "-c", echo], [["x"], ["y"]], timeout=5)
    assert answers == [Outcome(0, "x", ""), Outcome(0, "y", "")] and not broken
    stubborn = echo.replace("for line in sys.stdin:", "import time\nfor line in iter(sys.stdin.readline, ''):")
    stubborn += "time.sleep(60)\n"  # ignores the end of its input: killed after the grace, answers kept
    start = time.monotonic()
    answers, broken = execute_batch([sys.executable, "-c", stubborn], [["x"]], timeout=30)
    assert answers == [Outcome(0, "x", "")] and not broken and time.monotonic() - start < 20


def test_serve_batch_captures_each_file_alone(tmp_path: Path) -> None:
    """Output written by C code (fd level), warnings shown once per process, sys.path: per file, as in single mode."""
    script = tmp_path / "adapter.py"
    script.write_text(
        "import os, sys, warnings\n"
        f"sys.path.insert(0, {str(ROOT / 'conformance' / 'adapters')!r})\n"
        "from _contract import serve_batch\n"
        "def single(argv):\n"
        "    sys.path.append('leak')\n"
        "    warnings.warn('once per process')\n"
        "    os.write(1, b'raw-out ')\n"
        "    os.write(2, b'raw-err ')\n"
        "    print(argv[1], 'leak' in sys.path[:-1])\n"
        "    if argv[1] == 'boom':\n"
        "        raise SystemExit(5)\n"
        "    if argv[1] == 'stop':\n"
        "        raise KeyboardInterrupt\n"
        "    return 1\n"
        "sys.exit(serve_batch(single))\n")
    requests = "".join(json.dumps([name]) + "\n" for name in ("a", "boom", "b"))
    proc = subprocess.run([sys.executable, str(script)], input=requests, capture_output=True, text=True, timeout=30)
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [a["args"] for a in lines] == [["a"], ["boom"], ["b"]] and proc.returncode == 0
    for answer, name in zip(lines, ("a", "boom", "b"), strict=True):
        assert answer["exit"] == (5 if name == "boom" else 1)  # sys.exit(5): what the process would exit with
        assert answer["stdout"] == f"raw-out {name} False\n"
        assert "raw-err " in answer["stderr"] and "once per process" in answer["stderr"]
    interrupted = requests.replace("boom", "stop")
    proc = subprocess.run([sys.executable, str(script)], input=interrupted, capture_output=True, text=True, timeout=30)
    assert [json.loads(line)["args"] for line in proc.stdout.splitlines()] == [["a"]]  # ends the batch unanswered
    assert proc.returncode != 0


SAMPLE = ["header/bad-magic", "header/empty-file", "header/unknown-major", "header/big-endian",
          "header/encrypted-flag-header-64", "truncated/header-9-bytes", "truncated/after-block-2",
          "truncated/block-0-payload", "truncated/region-page-data", "blocks/type-zero", "blocks/unknown-type-capture",
          "blocks/block-length-zero", "compression/lz4-size-mismatch", "compression/zstd-corrupt-frame",
          "compression/zstd-region", "integrity/broken-chain", "integrity/wrong-file-hash",
          "extensions/bad-segment-hash", "extensions/two-segments", "encrypted/aes-256-gcm-x25519",
          "encrypted/wrong-key", "encrypted/tampered-ciphertext", "regions/page-states", "real/memdiver-plain",
          "strings/invalid-utf8"]
"""Accepted, rejected (header, framing, compression, integrity), truncated, encrypted with and
without the right secret, real captures: each implementation answers some with exit 0, some with 1,
and skips some."""


@pytest.mark.parametrize("name", list(IMPLEMENTATIONS))
def test_our_implementations_give_identical_reports_in_both_modes(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    impl = IMPLEMENTATIONS[name]
    require_implementation(impl)
    adapter = adapter_for(impl)
    assert capabilities(adapter).get("batch") is True
    every = load_cases()
    cases = [c for c in every if c.id in SAMPLE]
    assert len(cases) == len(SAMPLE)
    ids = {c.id for c in every}
    lone: dict[bool, dict[str, int | None]] = {False: {}, True: {}}
    original = runner_module.execute
    batch = False

    def counted(command: list[str], **kw: Any) -> Outcome:
        outcome = original(command, **kw)
        if "read" in command:
            lone[batch][command[command.index("read") + 1]] = outcome.exit_code
        return outcome

    monkeypatch.setattr(runner_module, "execute", counted)
    single = run(adapter, cases, all_ids=ids, jobs=2, batch=False)
    batch = True
    batched = run(adapter, cases, all_ids=ids, jobs=2, batch=True)
    assert to_json(batched) == to_json(single)
    # the batch answered every verdict itself: only the non-verdicts of single mode ran alone
    assert lone[True] == {path: code for path, code in lone[False].items() if code not in (0, 1)}
