"""Export Memory Slice captures to other formats (``msl export``).

Example:
    >>> from memslice.acquirer.exporters import export_elf_core     # doctest: +SKIP
    >>> export_elf_core("capture.msl", "capture.core")               # doctest: +SKIP
"""

from __future__ import annotations

from memslice.acquirer.exporters.elf_core import ExportResult, export_elf_core

FORMATS = ("elf-core",)
"""Target formats ``--to`` accepts."""

__all__ = ["FORMATS", "ExportResult", "export_elf_core"]
