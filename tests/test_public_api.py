"""The public API names stay what they are whatever was imported before."""

from __future__ import annotations

import subprocess
import sys


def test_api_names_survive_submodule_imports() -> None:
    code = (
        "import memslice.verify, memslice.reader, memslice.writer, memslice.canon\n"
        "from memslice import MslReader, MslWriter, verify, to_canonical, VerifyReport, MslError\n"
        "assert callable(verify) and verify.__module__ == 'memslice.verify', verify\n"
        "assert isinstance(MslReader, type) and isinstance(MslWriter, type)\n"
        "assert callable(to_canonical) and isinstance(VerifyReport, type)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
