"""What makes ``msl`` scriptable: one JSON document per ``--json`` run, chain of custody, versions.

Every ``--json`` run prints exactly one JSON document on stdout, errors included::

    {"format": "msl-cli/1", "tool": {"name": "msl", "version": ...}, "command": ...,
     "exit_code": 0, "captures": [{"path", "size", "sha256", "file_hash"}], "result": ...,
     "error": null}

``captures`` is the chain of custody: the SHA-256 of each capture file as read, and the
FileHash its End-of-Capture records (hex, with the hash algorithm), so that a report can be
tied to the exact bytes it describes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any

FORMAT = "msl-cli/1"
"""Identifier of the JSON document layout."""

_LIBRARIES = ("blake3", "zstandard", "lz4", "yara-python", "rich", "psutil", "cryptography")


def tool_version() -> str:
    """The installed version of memslice."""
    from importlib import metadata  # slow to import (email); only version lookups need it

    try:
        return metadata.version("memslice")
    except metadata.PackageNotFoundError:
        from memslice import __version__

        return __version__


def versions() -> dict[str, Any]:
    """Tool, format (spec) and library versions (``msl --version``)."""
    from importlib import metadata

    from memslice.generated.dialects import VERSIONS

    libs: dict[str, str | None] = {}
    for name in _LIBRARIES:
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            libs[name] = None
    return {"tool": {"name": "msl", "version": tool_version()},
            "formats": {name: f"0x{code:04x}" for name, code in VERSIONS.items()},
            "python": sys.version.split()[0], "libraries": libs}


def version_text() -> str:
    """``msl --version`` as lines of text."""
    v = versions()
    formats = ", ".join(f"{name} (Version {code})" for name, code in v["formats"].items())
    libs = ", ".join(f"{name} {ver or 'not installed'}" for name, ver in v["libraries"].items())
    return (f"msl (memslice) {v['tool']['version']}\nformats: Memory Slice {formats}\n"
            f"python {v['python']}; {libs}")


def sha256_file(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file, read in bounded chunks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def custody(path: str | os.PathLike[str], reader: Any = None) -> dict[str, Any]:
    """Chain-of-custody facts of one capture file.

    Args:
        path: The capture.
        reader: An open :class:`~memslice.reader.MslReader` of it (to read the recorded
            FileHash), or None.

    Returns:
        ``path``, ``size``, ``sha256`` and ``file_hash`` (the End-of-Capture FileHash as
        recorded, not verified here: ``msl verify`` checks it), or the reason it is absent.
    """
    p = Path(path)
    doc: dict[str, Any] = {"path": str(p), "size": p.stat().st_size, "sha256": sha256_file(p), "file_hash": None}
    if reader is not None:
        doc["file_hash"] = recorded_file_hash(reader)
    return doc


def recorded_file_hash(reader: Any) -> dict[str, Any] | None:
    """The FileHash an End-of-Capture records, with its algorithm, or None."""
    from memslice.errors import MslError
    from memslice.generated.enums import ENUM_NAMES

    if reader.encrypted:
        return None
    try:
        eoc = reader.eoc
        payload = reader.decode(eoc).payload if eoc is not None else None
    except MslError:
        return None
    if payload is None:
        return None
    algo = getattr(reader.header, "hash_algo", 0) or 0
    return {"algorithm": ENUM_NAMES["hash_algo"].get(algo, str(algo)), "value": bytes(payload.file_hash).hex(),
            "status": "recorded"}


def wants_json(args: Any) -> bool:
    """True when the command was asked for a JSON document on stdout (``--json`` as a flag)."""
    return getattr(args, "json", None) is True


def emit(args: Any, result: Any, *, captures: list[dict[str, Any]] | None = None, exit_code: int = 0,
         error: dict[str, Any] | None = None) -> int:
    """Print the one JSON document of a ``--json`` run; return ``exit_code``."""
    doc = {"format": FORMAT, "tool": {"name": "msl", "version": tool_version()},
           "command": getattr(args, "command", None), "exit_code": exit_code, "captures": captures or [],
           "result": result, "error": error}
    sys.stdout.write(json.dumps(doc, indent=2, sort_keys=False, default=_default) + "\n")
    sys.stdout.flush()
    return exit_code


def error_doc(exc: BaseException, path: str | None = None) -> dict[str, Any]:
    """The ``error`` member for an exception."""
    doc: dict[str, Any] = {"type": type(exc).__name__, "message": getattr(exc, "message", None) or str(exc)}
    if isinstance(exc, OSError):
        doc["message"] = exc.strerror or str(exc)
        doc["file"] = exc.filename
    for key in ("offset", "block_index", "rule", "address", "state"):
        value = getattr(exc, key, None)
        if value is not None:
            doc[key] = value
    if path is not None:
        doc.setdefault("file", path)
    return doc


def _default(obj: Any) -> Any:
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return bytes(obj).hex()
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "__dict__"):
        return obj.__dict__
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


class JsonStream:
    """One JSON document whose ``result`` holds a list written item by item (bounded memory).

    Used as a context manager; an exception inside closes the document with an ``error``
    member (and marks ``args.json_emitted`` so that no second document is printed).

    Args:
        args: The parsed arguments (``command``).
        captures: Chain-of-custody entries.
        key: Name of the list inside ``result``.
    """

    def __init__(self, args: Any, captures: list[dict[str, Any]], key: str) -> None:
        self.args = args
        self.out = sys.stdout
        self.count = 0
        self.done = False
        head = {"format": FORMAT, "tool": {"name": "msl", "version": tool_version()},
                "command": getattr(args, "command", None), "captures": captures}
        self.out.write(json.dumps(head, indent=2)[:-2] + f',\n  "result": {{\n    "{key}": [')

    def __enter__(self) -> JsonStream:
        return self

    def item(self, obj: Any) -> None:
        """Append one element to the list."""
        self.out.write(("," if self.count else "") + "\n      " + json.dumps(obj, default=_default))
        self.count += 1

    def finish(self, summary: dict[str, Any], exit_code: int = 0, error: dict[str, Any] | None = None) -> int:
        """Close the list and the document; return ``exit_code``."""
        tail = "".join(f",\n    {json.dumps(k)}: {json.dumps(v, default=_default)}" for k, v in summary.items())
        self.out.write(f"\n    ]{tail}\n  }},\n  \"exit_code\": {exit_code},\n  \"error\": "
                       f"{json.dumps(error, default=_default)}\n}}\n")
        self.out.flush()
        self.done = True
        self.args.json_emitted = True
        return exit_code

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if self.done or exc is None:
            return
        from memslice.cli.common import EXIT_FAIL, EXIT_INTERRUPTED, EXIT_IO

        code = EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else EXIT_IO if isinstance(exc, OSError) \
            else EXIT_FAIL
        self.finish({"incomplete": True}, code, error_doc(exc))
