"""Live acquisition (issue 5): capture a running process into a Memory Slice file.

Entry point: :func:`memslice.acquirer.engine.capture`. The OS-specific sources live in
sub-packages (``linux``); this package holds the OS-neutral parts: options, the region
plan, the read/write pipeline, the acquisition report and the progress display.
"""
