"""The Memory Slice conformance suite (package ``memslice.conformance``).

A corpus of captures with expected results (``cases/<area>/<case-id>/``), a runner that
judges any parser through a small adapter executable (contract ``msl-conformance/1``,
``contract.md``), the adapters we ship (``adapters/``), known-failure lists for the
third-party ones (``known-failures/``), the deterministic generators of the corpus
(``generators/``) and JSON Schemas for adapter capabilities, canonical output and case
metadata (``schemas/``).
"""

from __future__ import annotations

from pathlib import Path

DEFAULT_TIMEOUT = 15.0
"""Seconds one ``read`` may take (the 64 MiB samples need at most 3.3 s with the slowest tool here)."""
DEFAULT_MEMORY_MB = 4096
"""Address-space limit of an adapter process, in MiB (a runaway reader fails, the machine lives)."""

CONTRACT_VERSION = "msl-conformance/1"
"""Version of the adapter contract (``contract.md``)."""

PACKAGE_DIR = Path(__file__).resolve().parent
"""Where the corpus, schemas and known-failure lists live."""

CASES_DIR = PACKAGE_DIR / "cases"
"""Root of the corpus: one folder per case, ``<area>/<name>``."""

SCHEMAS_DIR = PACKAGE_DIR / "schemas"
"""JSON Schemas of capabilities, canonical output, case metadata and known failures."""

KNOWN_FAILURES_DIR = PACKAGE_DIR / "known-failures"
"""One YAML file per implementation we run (``<adapter>.yaml``)."""
