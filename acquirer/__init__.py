"""Live acquisition (issue 5): capture a running process into a Memory Slice file.

Entry point: :func:`memslice.acquirer.engine.capture` with a
:class:`~memslice.acquirer.source.CaptureSource`. The OS-specific backends live in
sub-packages (``linux``: :class:`~memslice.acquirer.linux.source.LinuxSource`); this package
holds the OS-neutral parts: the seam (``source``), the plan and block writer shared with
the importers (``core``), options, the acquisition report and the progress display.
"""
