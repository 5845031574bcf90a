"""The acquisition core shared by live capture and import: one plan type and one block writer.

:mod:`~memslice.acquirer.core.plan` says what a capture holds (identity, modules, threads,
memory regions, VAS entries) in format terms; :mod:`~memslice.acquirer.core.write` writes
it as the block sequence, with the Memory Region step delegated to a memory writer (live:
the engine's chunk pipeline; import: reads from the dump file).
"""
