"""Standard-library helpers for adapters that run outside memslice (the oracle venvs).

The oracle adapters run with the python of memslicer's or memdiver's own venv, where
memslice is not installed; this module holds the little they share: rendering values the
way msl-canon/1 does, the command line and the exit statuses of ``contract.md``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

CONTRACT = "msl-conformance/1"
EXIT_ACCEPT, EXIT_REJECT, EXIT_ADAPTER_ERROR = 0, 1, 2
PAGE_STATE_NAMES = ("captured", "failed", "unmapped", "not_resident")
"""Canonical names of the 2-bit page states 00, 01, 10, 11 (spec/enums.yaml page_state)."""


def hexint(value: int) -> str:
    """An address, size, offset or flag value: lowercase ``0x`` hex."""
    return f"0x{value:x}"


def dec(value: int) -> str:
    """A count or code: decimal."""
    return str(value)


def uuid_text(raw: bytes) -> str | None:
    """RFC 4122 text of 16 bytes, or None when all zero."""
    if raw == bytes(16):
        return None
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def block_entry(index: int, offset: int, block_type: int, flags: int, length: int, payload_version: int,
                block_uuid: bytes, parent_uuid: bytes, prev_hash: bytes, segment: int) -> dict[str, Any]:
    """The core keys of one block (``contract.md``: compared for every adapter)."""
    return {"index": dec(index), "offset": hexint(offset), "type": f"0x{block_type:04x}", "flags": hexint(flags),
            "length": hexint(length), "payload_version": dec(payload_version), "uuid": uuid_text(block_uuid),
            "parent_uuid": uuid_text(parent_uuid), "prev_hash": prev_hash.hex(), "segment": dec(segment)}


def page_runs(states: list[int]) -> list[list[str]]:
    """Run-length pairs ``[name, count]`` of a page state list, in page order."""
    runs: list[list[str]] = []
    for state in states:
        name = PAGE_STATE_NAMES[state]
        if runs and runs[-1][0] == name:
            runs[-1][1] = dec(int(runs[-1][1]) + 1)
        else:
            runs.append([name, "1"])
    return runs


def captured_summary(page_data: bytes) -> dict[str, str]:
    """``captured_bytes`` and ``captured_sha256`` of a region's captured pages."""
    return {"captured_bytes": hexint(len(page_data)), "captured_sha256": hashlib.sha256(page_data).hexdigest()}


def emit(doc: dict[str, Any]) -> None:
    """Print a document as the contract wants it (sorted keys, UTF-8)."""
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def main(capabilities: dict[str, Any] | Callable[[], dict[str, Any]],
         read: Callable[[str], tuple[int, dict[str, Any] | None]], argv: list[str] | None = None) -> int:
    """Dispatch ``capabilities`` / ``read FILE [SECRET-OPTION FILE]``; any crash of the tool is exit status 2.

    ``capabilities`` is the document, or a function that builds it (for facts that are slow
    to look up and that ``read`` does not need).

    ``read`` returns the exit status and the document to print (None for a bare
    rejection); the tool's own prints go to stderr meanwhile. With a secret option
    (``--key-file``, ``--passphrase-file``, ``--identity``: feature ``decryption``) it is
    called as ``read(FILE, (kind, bytes))``.
    """
    args = sys.argv[1:] if argv is None else argv
    if args == ["capabilities"]:
        emit(capabilities() if callable(capabilities) else capabilities)
        return EXIT_ACCEPT
    if args == ["read-batch"]:
        return serve_batch(lambda one: main(capabilities, read, one))
    secret_kinds = {"--key-file": "key", "--passphrase-file": "passphrase", "--identity": "identity"}
    if not (args[:1] == ["read"] and (len(args) == 2 or (len(args) == 4 and args[2] in secret_kinds))):
        print("usage: ADAPTER capabilities | read FILE [--key-file F | --passphrase-file F | --identity F]",
              file=sys.stderr)
        return EXIT_ADAPTER_ERROR
    real_stdout = sys.stdout
    sys.stdout = sys.stderr
    try:
        if len(args) == 4:
            status, doc = read(args[1], (secret_kinds[args[2]], Path(args[3]).read_bytes()))  # type: ignore[call-arg]
        else:
            status, doc = read(args[1])
    except Exception:  # noqa: BLE001 - an adapter failure is reported as such, never as a verdict
        traceback.print_exc()
        return EXIT_ADAPTER_ERROR
    finally:
        sys.stdout = real_stdout
    if doc is not None:
        emit(doc)
    return status


def rejected(message: str) -> tuple[int, None]:
    """A rejection: the tool's reason on stderr, exit status 1, nothing on stdout."""
    print(f"rejected: {message}", file=sys.stderr)
    return EXIT_REJECT, None


def _captured(file: Any) -> str:
    """What was written to ``file`` (a capture of stdout or stderr), decoded as the runner decodes a pipe."""
    file.seek(0)
    return file.read().decode("utf-8", "replace")


def _exit_status(code: object) -> int:
    """The exit status of a process ended by ``SystemExit(code)`` (a non-integer is printed to stderr, status 1)."""
    if code is None:
        return EXIT_ACCEPT
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return EXIT_REJECT


def serve_batch(single: Callable[[list[str]], int], requests: Any = None, answers: Any = None) -> int:
    """``read-batch`` (``contract.md``): answer many ``read`` requests in one process.

    Each line of ``requests`` (stdin) is a JSON array of the arguments that would follow
    ``read``; each answer is one line ``{"args", "exit", "stdout", "stderr"}`` on the real
    stdout, flushed at once. ``single`` is the adapter's own single-mode entry point, called
    as ``single(["read", *args])`` with file descriptors 1 and 2 redirected to temporary files,
    so that the answer carries exactly what a separate ``read`` process would have printed
    (including what C code writes). Per request the working directory, ``sys.path`` and the
    warning filters (and so the "shown once" registries) are restored. A ``SystemExit``
    escaping ``single`` (a tool that calls ``sys.exit()``) is answered with the exit status
    and message the interpreter would give, as the process of a single ``read`` ends; any
    other ``BaseException`` (``KeyboardInterrupt``) ends the batch without an answer for that
    request (the runner then runs it alone).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    channel = answers if answers is not None else os.fdopen(os.dup(1), "w", encoding="utf-8")
    source = requests if requests is not None else sys.stdin
    cwd, path = os.getcwd(), list(sys.path)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        saved = os.dup(1), os.dup(2)
        try:
            for line in source:
                if not line.strip():
                    continue
                args = json.loads(line)
                if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
                    print(f"read-batch: a request is not a JSON array of strings: {line.strip()[:200]}",
                          file=sys.stderr)
                    return EXIT_ADAPTER_ERROR
                for f in (out, err):
                    f.seek(0)
                    f.truncate()
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                try:
                    with warnings.catch_warnings():
                        status = single(["read", *args])
                except SystemExit as exc:  # the tool called sys.exit(): what ending the process gives
                    status = _exit_status(exc.code)
                finally:
                    with contextlib.suppress(OSError, ValueError):
                        sys.stdout.flush()
                        sys.stderr.flush()
                    os.dup2(saved[0], 1)
                    os.dup2(saved[1], 2)
                    os.chdir(cwd)
                    sys.path[:] = path
                answer = {"args": args, "exit": status, "stdout": _captured(out), "stderr": _captured(err)}
                channel.write(json.dumps(answer, sort_keys=True) + "\n")
                channel.flush()
        finally:
            os.close(saved[0])
            os.close(saved[1])
    return EXIT_ACCEPT
